namespace Testkit.Images;

/// <summary>When an image is pulled from its registry.</summary>
public enum PullPolicy
{
    /// <summary>Only when the engine does not have it (the default).</summary>
    Missing,

    /// <summary>Every time a container is created, to get the newest image for its tag.</summary>
    Always,

    /// <summary>Never: the image must already be on the engine.</summary>
    Never,
}
