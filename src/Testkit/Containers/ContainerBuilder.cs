using Microsoft.Extensions.Logging;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>Describes a container fluently. Immutable: every <c>WithX</c> returns a new builder, so a
/// builder can be shared and specialised freely.</summary>
/// <example><code>
/// await using var redis = new ContainerBuilder("redis:7")
///     .WithPortBinding(6379)
///     .WithWaitStrategy(Wait.ForLogMessage("Ready to accept connections"))
///     .Build();
/// await redis.StartAsync();
/// </code></example>
public sealed record ContainerBuilder
{
    /// <summary>Starts a description of a container running <paramref name="image"/>.</summary>
    public ContainerBuilder(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        _ = Images.ImageReference.Parse(image);
        Settings = new ContainerSettings { Image = image };
    }

    /// <summary>Continues from existing settings.</summary>
    public ContainerBuilder(ContainerSettings settings) => Settings = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>The settings described so far.</summary>
    public ContainerSettings Settings { get; private init; }

    /// <summary>Runs another image.</summary>
    public ContainerBuilder WithImage(string image) => With(s => s with { Image = image });

    /// <summary>Names the container (names are unique on an engine: leave unset for parallel tests).</summary>
    public ContainerBuilder WithName(string name) => With(s => s with { Name = name });

    /// <summary>Replaces the image's entrypoint.</summary>
    public ContainerBuilder WithEntrypoint(params string[] entrypoint) => With(s => s with { Entrypoint = [.. entrypoint] });

    /// <summary>Replaces the image's command.</summary>
    public ContainerBuilder WithCommand(params string[] command) => With(s => s with { Command = [.. command] });

    /// <summary>Sets an environment variable; its value is never logged.</summary>
    public ContainerBuilder WithEnvironment(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(s => s with { Environment = s.Environment.SetItem(name, value) });
    }

    /// <summary>Adds a label.</summary>
    public ContainerBuilder WithLabel(string name, string value) => With(s => s with { Labels = s.Labels.SetItem(name, value) });

    /// <summary>Publishes <paramref name="containerPort"/> on a random free port of 127.0.0.1.</summary>
    public ContainerBuilder WithPortBinding(int containerPort) => WithPortBinding(new PortBinding(containerPort));

    /// <summary>Publishes a port as described, e.g. on a fixed host port or on every address.</summary>
    public ContainerBuilder WithPortBinding(PortBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(binding.ContainerPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(binding.ContainerPort, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(binding.HostPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(binding.HostPort, 65535);
        return With(s => s with { Ports = s.Ports.Add(binding) });
    }

    /// <summary>Replaces every wait strategy with this one.</summary>
    public ContainerBuilder WithWaitStrategy(IWaitStrategy strategy) => With(s => s with { WaitStrategies = [strategy] });

    /// <summary>Adds a wait strategy after the existing ones.</summary>
    public ContainerBuilder AddWaitStrategy(IWaitStrategy strategy) => With(s => s with { WaitStrategies = s.WaitStrategies.Add(strategy) });

    /// <summary>How long start and readiness may take together (one minute unless set).</summary>
    public ContainerBuilder WithStartupTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return With(s => s with { StartupTimeout = timeout });
    }

    /// <summary>Sends lifecycle diagnostics (image, ports, waits, timings) to <paramref name="logger"/>.</summary>
    public ContainerBuilder WithLogger(ILogger logger) => With(s => s with { Logger = logger });

    /// <summary>Creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    public Container Build() => new(Settings);

    private ContainerBuilder With(Func<ContainerSettings, ContainerSettings> change) => this with { Settings = change(Settings) };
}
