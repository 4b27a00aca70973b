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

    /// <summary>Replaces the command: the image's CMD, and whatever this builder (or a module) set before.</summary>
    public ContainerBuilder ReplaceCommand(params string[] command) => With(s => s with { Command = [.. command] });

    /// <summary>Adds arguments after the command set so far (a module's, e.g. a server's flags); when none was set, they
    /// are the whole command and replace the image's CMD, as the engine runs either the image's CMD or the given one.</summary>
    public ContainerBuilder AppendCommand(params string[] arguments) => With(s => s with { Command = [.. s.Command ?? [], .. arguments] });

    /// <summary>Not in Testkit: whether it replaces or appends is a trap (it appends in Testcontainers, it replaced here).</summary>
    [Obsolete("Say which you mean: ReplaceCommand(...) replaces the command, AppendCommand(...) adds arguments after it.", error: true)]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public ContainerBuilder WithCommand(params string[] command) => ReplaceCommand(command);

    /// <summary>Sets an environment variable; its value is never logged, and is masked in errors when its name looks secret
    /// (see <see cref="SecretMasker"/>) or <paramref name="secret"/> is true.</summary>
    /// <exception cref="ArgumentException">The name is empty or contains <c>=</c>.</exception>
    public ContainerBuilder WithEnvironment(string name, string value, bool secret = false)
    {
        ContainerSettingsValidator.CheckEnvironmentName(name, null);
        ArgumentNullException.ThrowIfNull(value);
        var builder = With(s => s with { Environment = s.Environment.SetItem(name, value) });
        return secret ? builder.WithSecret(value) : builder;
    }

    /// <summary>Marks a value as secret, e.g. a password passed on the command line: Testkit masks it wherever it shows
    /// text (errors, logs), as it masks secret-looking environment variables.</summary>
    public ContainerBuilder WithSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return With(s => s with { Secrets = s.Secrets.Add(value) });
    }

    /// <summary>Adds a label.</summary>
    public ContainerBuilder WithLabel(string name, string value) => With(s => s with { Labels = s.Labels.SetItem(name, value) });

    /// <summary>Publishes <paramref name="containerPort"/> on a random free port of 127.0.0.1.</summary>
    public ContainerBuilder WithPortBinding(int containerPort) => WithPortBinding(new PortBinding(containerPort));

    /// <summary>Publishes a port as described, e.g. on a fixed host port or on every address.</summary>
    public ContainerBuilder WithPortBinding(PortBinding binding)
    {
        ContainerSettingsValidator.CheckPort(binding);
        return With(s => s with { Ports = s.Ports.Add(binding) });
    }

    /// <summary>Sets environment variables from an env file, read by the rules of <see cref="Formats.EnvFile"/> (those of a compose
    /// <c>env_file</c>): <c>NAME=value</c> per line, <c>#</c> comments, quotes and <c>export</c> allowed, and a bare <c>NAME</c> taking
    /// the value from this process's environment.</summary>
    public ContainerBuilder WithEnvironmentFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"Environment file '{path}' does not exist. Check the path (relative paths start at {Directory.GetCurrentDirectory()}).", nameof(path));
        }

        IReadOnlyList<Formats.EnvFileEntry> entries;
        try
        {
            entries = Formats.EnvFile.Read(path);
        }
        catch (Formats.EnvFileFormatException e)
        {
            throw new ArgumentException(e.Message, nameof(path), e);
        }

        var builder = this;
        foreach (var entry in entries)
        {
            ContainerSettingsValidator.CheckEnvironmentName(entry.Name, $"{path}:{entry.Line}");
            if ((entry.Value ?? System.Environment.GetEnvironmentVariable(entry.Name)) is { } value)
            {
                builder = builder.WithEnvironment(entry.Name, value);
            }
        }

        return builder;
    }

    /// <summary>Sets the container's host name.</summary>
    public ContainerBuilder WithHostname(string hostname) => With(s => s with { Hostname = hostname });

    /// <summary>Sets the working directory of the main process.</summary>
    public ContainerBuilder WithWorkingDirectory(string path) => With(s => s with { WorkingDirectory = path });

    /// <summary>Runs the main process as this user (name or uid[:gid]).</summary>
    public ContainerBuilder WithUser(string user) => With(s => s with { User = user });

    /// <summary>Sets what the engine does when the main process exits.</summary>
    public ContainerBuilder WithRestartPolicy(RestartPolicy policy) => With(s => s with { RestartPolicy = policy });

    /// <summary>Limits memory (bytes) and, optionally, CPU (cores).</summary>
    public ContainerBuilder WithResourceLimits(long? memoryBytes = null, double? cpus = null)
    {
        if (memoryBytes is < 6 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryBytes), memoryBytes, "The engine needs at least 6 MiB of memory for a container.");
        }

        if (cpus is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cpus), cpus, "A CPU limit is a positive number of cores, e.g. 0.5.");
        }

        return With(s => s with { MemoryLimitBytes = memoryBytes ?? s.MemoryLimitBytes, CpuLimit = cpus ?? s.CpuLimit });
    }

    /// <summary>Adds an /etc/hosts entry: an IP address, or <c>host-gateway</c> for the host as containers see it.</summary>
    public ContainerBuilder WithExtraHost(string hostname, string ipAddress)
    {
        // "host-gateway" is the engine's own name for the host's address as seen from containers.
        if (ipAddress != "host-gateway" && !System.Net.IPAddress.TryParse(ipAddress, out _))
        {
            throw new ArgumentException($"'{ipAddress}' is not an IP address or \"host-gateway\" (extra host '{hostname}').", nameof(ipAddress));
        }

        return With(s => s with { ExtraHosts = s.ExtraHosts.SetItem(hostname, ipAddress) });
    }

    /// <summary>Lets the engine remove the container as soon as it exits.</summary>
    public ContainerBuilder WithAutoRemove(bool autoRemove = true) => With(s => s with { AutoRemove = autoRemove });

    /// <summary>Keeps the container across test runs: a later start with the same settings (and the same image) finds it
    /// again by a hash of them instead of creating one, so it skips the container's start-up. A reused container is never
    /// removed by dispose nor by the session cleanup; it is removed after it has been idle for
    /// <see cref="Reuse.ContainerReuse.IdleTimeout"/>, checked when a later test process starts. <c>TESTKIT_REUSE=off</c>
    /// turns every reuse back into a throwaway container (e.g. in CI).</summary>
    public ContainerBuilder WithReuse(bool reuse = true) => With(s => s with { Reuse = reuse });

    /// <summary>Names the module this container belongs to, so that <c>TESTKIT_DEV_SERVICES</c> can point it at a running
    /// dev service (see <see cref="DevServices"/>). Modules set it; a plain container rarely needs it.</summary>
    public ContainerBuilder WithModule(string module) => With(s => s with { Module = module });

    /// <summary>Gives the container every capability. Only when a test really needs it.</summary>
    public ContainerBuilder WithPrivileged(bool privileged = true) => With(s => s with { Privileged = privileged });

    /// <summary>Mounts a host file or directory; it must exist when <see cref="Build"/> is called.</summary>
    public ContainerBuilder WithBindMount(string hostPath, string containerPath, bool readOnly = false) =>
        WithMount(new Mount(MountType.Bind, Path.GetFullPath(hostPath), containerPath, readOnly));

    /// <summary>Mounts a named volume; Testkit creates it on first use.</summary>
    public ContainerBuilder WithVolumeMount(Volumes.Volume volume, string containerPath, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return WithMount(new Mount(MountType.Volume, volume.Name, containerPath, readOnly) { OwnedVolume = volume });
    }

    /// <summary>Mounts an existing named volume (the engine creates it when missing, and Testkit leaves it alone).</summary>
    public ContainerBuilder WithVolumeMount(string volumeName, string containerPath, bool readOnly = false) =>
        WithMount(new Mount(MountType.Volume, volumeName, containerPath, readOnly));

    /// <summary>Mounts memory-backed storage at <paramref name="containerPath"/>.</summary>
    public ContainerBuilder WithTmpfsMount(string containerPath) => WithMount(new Mount(MountType.Tmpfs, "", containerPath));

    /// <summary>Copies bytes into a file before the container starts.</summary>
    public ContainerBuilder WithFile(string containerPath, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, (int Uid, int Gid)? owner = null) =>
        WithFile(new ContainerFile(containerPath, content, null, mode, owner));

    /// <summary>Copies text (UTF-8) into a file before the container starts.</summary>
    public ContainerBuilder WithFile(string containerPath, string content, UnixFileMode? mode = null, (int Uid, int Gid)? owner = null) =>
        WithFile(containerPath, System.Text.Encoding.UTF8.GetBytes(content), mode, owner);

    /// <summary>Copies a host file or directory (recursively) to <paramref name="containerPath"/> before the container starts.</summary>
    public ContainerBuilder WithCopy(string hostPath, string containerPath, UnixFileMode? mode = null, (int Uid, int Gid)? owner = null) =>
        WithFile(new ContainerFile(containerPath, null, Path.GetFullPath(hostPath), mode, owner));

    /// <summary>Joins a network created by Testkit (created on first use), with extra DNS names there.</summary>
    public ContainerBuilder WithNetwork(Networks.Network network, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(network);
        return With(s => s with { Networks = s.Networks.Add(new NetworkAttachment(network.Name, [.. aliases]) { OwnedNetwork = network }) });
    }

    /// <summary>Joins an existing network by name, with extra DNS names there.</summary>
    public ContainerBuilder WithNetwork(string networkName, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(networkName);
        return With(s => s with { Networks = s.Networks.Add(new NetworkAttachment(networkName, [.. aliases])) });
    }

    /// <summary>Defines the health check the engine runs (<c>Wait.ForHealthy()</c> waits for it).</summary>
    public ContainerBuilder WithHealthCheck(HealthCheck healthCheck)
    {
        ArgumentNullException.ThrowIfNull(healthCheck);
        if (healthCheck.Command.Count == 0)
        {
            throw new ArgumentException("A health check needs a command, e.g. [\"pg_isready\"].", nameof(healthCheck));
        }

        return With(s => s with { HealthCheck = healthCheck });
    }

    /// <summary>Sets when the image is pulled (only when missing, unless changed).</summary>
    public ContainerBuilder WithPullPolicy(Images.PullPolicy policy) => With(s => s with { PullPolicy = policy });

    /// <summary>Calls <paramref name="consumer"/> with every log line from the container's first (a failed start's included, all of them before <see cref="Container.StartAsync"/> throws).</summary>
    public ContainerBuilder WithOutputConsumer(Action<LogLine> consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return With(s => s with { OutputConsumers = s.OutputConsumers.Add(consumer) });
    }

    /// <summary>Replaces every wait strategy with this one.</summary>
    public ContainerBuilder WithWaitStrategy(IWaitStrategy strategy) => With(s => s with { WaitStrategies = [strategy] });

    /// <summary>Adds a wait strategy after the existing ones.</summary>
    public ContainerBuilder AddWaitStrategy(IWaitStrategy strategy) => With(s => s with { WaitStrategies = s.WaitStrategies.Add(strategy) });

    /// <summary>How long a start may take as a whole (one minute unless set): connecting to the engine, pulling the image, a
    /// module's preparation (e.g. seeding a snapshot), creating and starting the container and its waits. When it fires, the
    /// start fails with a <see cref="Waiting.WaitTimeoutException"/> naming the step that was running, and what was created is removed.</summary>
    public ContainerBuilder WithStartupTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return With(s => s with { StartupTimeout = timeout });
    }

    /// <summary>Tries a first start up to <paramref name="attempts"/> times (1 unless set), like Testcontainers Java's
    /// <c>withStartupAttempts</c>: when the container exits or is not ready within the startup timeout, it is removed and
    /// a new one is started, with the full timeout again. A cancellation by the caller is not retried, nor is attaching to a
    /// dev service. When every attempt failed, the start throws a <see cref="ContainerStartException"/> listing each reason.</summary>
    public ContainerBuilder WithStartupAttempts(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        return With(s => s with { StartupAttempts = attempts });
    }

    /// <summary>Sends lifecycle diagnostics (image, ports, waits, timings) to <paramref name="logger"/>.</summary>
    public ContainerBuilder WithLogger(ILogger logger) => With(s => s with { Logger = logger });

    /// <summary>Checks the description and creates the container object; nothing runs until <see cref="Container.StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">Something that cannot work, e.g. a bind mount whose source does not exist, an image
    /// name that is not a reference, or a host address that is not an IP address.</exception>
    public Container Build() => new(Settings);

    private ContainerBuilder WithMount(Mount mount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mount.Target);
        return mount.Target.StartsWith('/')
            ? With(s => s with { Mounts = s.Mounts.Add(mount) })
            : throw new ArgumentException($"Mount target '{mount.Target}' must be an absolute path inside the container.", nameof(mount));
    }

    /// <summary>Copies a file (bytes, or a host file or directory) into the container before it starts.</summary>
    public ContainerBuilder WithFile(ContainerFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrWhiteSpace(file.Path);
        return file.Path.StartsWith('/')
            ? With(s => s with { Files = s.Files.Add(file) })
            : throw new ArgumentException($"'{file.Path}' must be an absolute path inside the container.", nameof(file));
    }

    private ContainerBuilder With(Func<ContainerSettings, ContainerSettings> change) => this with { Settings = change(Settings) };
}
