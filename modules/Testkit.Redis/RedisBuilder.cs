using System.Text;
using Testkit.Containers;
using Testkit.Images;

namespace Testkit.Redis;

/// <summary>Describes a Redis container. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record RedisBuilder
{
    /// <summary>The image, <see cref="RedisContainer.DefaultImage"/> unless set.</summary>
    public string Image { get; init; } = RedisContainer.DefaultImage;

    /// <summary>The password clients must give (<c>--requirepass</c>), or null for none. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Core container options applied last (labels, ports, waits, logger…).</summary>
    public Func<ContainerBuilder, ContainerBuilder> Customize { get; init; } = static c => c;

    /// <summary>Runs another image, e.g. <c>redis:7.4</c> or a private mirror.</summary>
    /// <exception cref="ArgumentException">The name is not an image reference.</exception>
    public RedisBuilder WithImage(string image)
    {
        _ = ImageReference.Parse(image);
        return this with { Image = image };
    }

    /// <summary>Requires clients to authenticate with <paramref name="password"/>.</summary>
    public RedisBuilder WithPassword(string password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(password);
        return this with { Password = password };
    }

    /// <summary>Applies core container options, after everything this builder sets.</summary>
    public RedisBuilder WithContainer(Func<ContainerBuilder, ContainerBuilder> customize)
    {
        ArgumentNullException.ThrowIfNull(customize);
        var previous = Customize;
        return this with { Customize = c => customize(previous(c)) };
    }

    /// <summary>Creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    public RedisContainer Build() => new(this);

    // The compiler's PrintMembers would print the password into test names and logs.
    private bool PrintMembers(StringBuilder builder) => SecretMasker.PrintMembers(this, builder);
}
