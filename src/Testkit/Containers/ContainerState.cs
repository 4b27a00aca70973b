namespace Testkit.Containers;

/// <summary>What the engine says about a container at one moment (<c>docker inspect</c>'s State).</summary>
/// <param name="Status">created, running, paused, restarting, removing, exited or dead.</param>
/// <param name="Running">True while its main process runs (paused counts as running).</param>
/// <param name="Paused">True while paused.</param>
/// <param name="ExitCode">The main process's exit code once it stopped.</param>
/// <param name="OomKilled">True when the kernel killed it for using too much memory.</param>
/// <param name="Health">healthy, unhealthy or starting; null when the container has no health check.</param>
/// <param name="Error">The engine's error for a container that could not run, or null.</param>
public sealed record ContainerState(string Status, bool Running, bool Paused, long ExitCode, bool OomKilled, string? Health, string? Error);
