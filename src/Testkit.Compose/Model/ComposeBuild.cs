namespace Testkit.Compose;

/// <summary>How a service builds its image.</summary>
/// <param name="Context">The build context, a full path.</param>
/// <param name="Dockerfile">The Dockerfile relative to the context; null means <c>Dockerfile</c>.</param>
/// <param name="Args">Build arguments; a null value takes the variable from the environment at build time.</param>
/// <param name="Target">The multi-stage target, if any.</param>
public sealed record ComposeBuild(string Context, string? Dockerfile, IReadOnlyDictionary<string, string?> Args, string? Target);
