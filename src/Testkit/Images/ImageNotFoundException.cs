namespace Testkit.Images;

/// <summary>An image is neither on the engine nor could it be pulled.</summary>
public sealed class ImageNotFoundException : TestkitException
{
    internal ImageNotFoundException(string image, string? substitutedFor, string reason, Exception? inner)
        : base($"Image '{image}'" + (substitutedFor is null ? "" : $" (used instead of '{substitutedFor}')")
            + $" is not on the engine and could not be pulled: {reason}. "
            + "Pull or build it ('docker pull', 'docker build'), or map the name to an image the engine has with the "
            + $"{ImageSubstitutions.EnvironmentVariable} variable or ~/.testkit/images.conf "
            + "(in the Testkit repository, eng/images/build.sh builds offline images and writes that file).", inner)
    {
        Image = image;
    }

    /// <summary>The image that was looked for.</summary>
    public string Image { get; }
}
