using Testkit.Images;

namespace Testkit.Modules;

/// <summary>What a module is, said once by the module and read by everyone else: the core (which containers stand for which
/// dev service), the <c>testkit</c> CLI (<c>testkit up &lt;name&gt;</c>: default image, port, data volume) and its builder.</summary>
/// <example><code>
/// public static readonly ModuleDescriptor Module = new("memcached", "memcached:1.6", 11211);
/// </code></example>
public sealed record ModuleDescriptor
{
    /// <summary>Describes a module.</summary>
    /// <param name="name">The module's name: lower case letters, digits and dashes (<c>postgres</c>, <c>redis</c>); the
    /// CLI's argument and the value of the containers' module label.</param>
    /// <param name="defaultImage">The official image and tag the module runs unless told otherwise.</param>
    /// <param name="port">The port clients connect to inside the container (published by the module's builder).</param>
    /// <exception cref="ArgumentException">The name is not of that form, the image is not an image reference, or the port is not 1–65535.</exception>
    public ModuleDescriptor(string name, string defaultImage, int port)
    {
        if (string.IsNullOrEmpty(name) || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"A module's name is lower case letters, digits and dashes, e.g. \"postgres\"; '{name}' is not.", nameof(name));
        }

        _ = ImageReference.Parse(defaultImage);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        (Name, DefaultImage, Port) = (name, defaultImage, port);
    }

    /// <summary>The module's name, e.g. <c>postgres</c>.</summary>
    public string Name { get; }

    /// <summary>The image run unless another is set, e.g. <c>postgres:15</c>.</summary>
    public string DefaultImage { get; }

    /// <summary>The port clients connect to inside the container.</summary>
    public int Port { get; }

    /// <summary>Where the server keeps its data inside the container (a dev service's volume goes there), or null for a
    /// server that keeps nothing.</summary>
    public string? DataPath { get; init; }

    /// <summary>The default image without its tag, e.g. <c>postgres</c>: a dev service's <c>--version</c> is a tag of it.</summary>
    public string Repository => ImageReference.Parse(DefaultImage).Repository;

    /// <summary>The default image's tag, e.g. <c>15</c>.</summary>
    public string DefaultVersion => ImageReference.Parse(DefaultImage).EffectiveTag ?? "latest";

    /// <summary>The image of another version (tag) of the default image, e.g. <c>postgres:17</c>.</summary>
    public string ImageOf(string version) => $"{Repository}:{version}";
}
