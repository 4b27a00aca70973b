namespace Testkit.Compose;

/// <summary>One entry of <c>depends_on</c>.</summary>
/// <param name="Condition">When the dependency counts as ready.</param>
/// <param name="Restart">Whether to restart this service when the dependency is updated.</param>
/// <param name="Required">False lets the stack run without the dependency.</param>
/// <param name="Source">Where the entry is written.</param>
public sealed record ComposeDependency(ComposeCondition Condition, bool Restart, bool Required, ComposeSource Source);
