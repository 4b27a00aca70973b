using Testkit.Modules;

namespace Testkit.Redis;

/// <summary>Describes a Redis container. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record RedisBuilder() : ModuleBuilder<RedisBuilder, RedisContainer>(RedisContainer.Module)
{
    /// <summary>The password clients must give (<c>--requirepass</c>), or null for none. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Requires clients to authenticate with <paramref name="password"/>.</summary>
    public RedisBuilder WithPassword(string password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(password);
        return this with { Password = password };
    }

    /// <inheritdoc />
    public override RedisContainer Build() => new(this);
}
