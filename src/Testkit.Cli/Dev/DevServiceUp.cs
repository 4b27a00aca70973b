using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Docker.DotNet;
using Testkit.Cli.Dev.Modules;
using Testkit.Cli.Output;
using Testkit.Engine;
using Testkit.Networks;
using Testkit.Volumes;

namespace Testkit.Cli.Dev;

/// <summary>What <c>testkit up MODULE</c> reports, whether it started the service or found it running as asked.</summary>
internal sealed record DevUpResult(
    string Name, string Module, string Image, string Container, string Host, int Port, IReadOnlyList<string> Volumes, bool NewData,
    string ConnectionString, string? Url, IReadOnlyDictionary<string, string> Details, double StartSeconds, bool AlreadyRunning);

/// <summary>Starts a module's dev service: checks that nothing stands in the way before anything is created, takes what
/// is on record (password, port, tag) for what the command line leaves out, creates the missing volumes, starts the
/// containers through the module, and on any failure removes what this call created. A service that already runs as
/// asked is left as it is.</summary>
internal static class DevServiceUp
{
    /// <summary>Runs <c>up</c>; <paramref name="port"/>, <paramref name="version"/> and <paramref name="password"/> are
    /// null when not given on the command line.</summary>
    public static async Task<DevUpResult> RunAsync(
        DockerEngine engine, DevModule module, string name, int? port, string? version, string? password, TimeSpan startupTimeout,
        Terminal terminal, CancellationToken cancellationToken)
    {
        var previous = DevRecords.Load(name);
        var onRecord = previous?.Module == module.Name ? previous : null;
        if (await DevCatalog.ListAsync(engine, name, cancellationToken).ConfigureAwait(false) is [{ Containers.Count: > 0 } existing, ..])
        {
            return AlreadyRunning(engine, module, existing, port, version, password, onRecord);
        }

        await CheckNamesAsync(engine, module, name, cancellationToken).ConfigureAwait(false);
        var existingData = await FindOwnVolumesAsync(engine, module, name, cancellationToken).ConfigureAwait(false);

        // What the command line leaves out is what this service ran with last (its data may need that tag), else the default.
        var chosenPort = port ?? onRecord?.Port ?? module.StandardPort;
        var chosenVersion = version ?? onRecord?.Version ?? module.DefaultVersion;
        if (!PortCheck.IsFree(chosenPort))
        {
            throw CliException.Conflict($"Port {chosenPort} on 127.0.0.1 is already in use: choose another with --port (e.g. --port {SuggestPort(chosenPort)}).");
        }

        var chosenPassword = module.UsesPassword ? ChoosePassword(module, name, password, onRecord?.Password, existingData.Contains(DevLabels.MainRole)) : null;
        var record = new DevRecord(module.Name, chosenPassword, chosenPort, chosenVersion);
        var created = new List<Volume>();
        var clock = Stopwatch.StartNew();
        try
        {
            foreach (var role in module.Roles.Where(r => !existingData.Contains(r)))
            {
                var volume = DevLabels.For(name, module.Name, role)
                    .Aggregate(new VolumeBuilder().WithName(DevNames.Volume(name, role)), (b, l) => b.WithLabel(l.Key, l.Value))
                    .Build();
                created.Add(volume);
                await volume.CreateAsync(cancellationToken).ConfigureAwait(false);
            }

            // On record before the start: a start killed after initdb leaves data that only this password opens.
            DevRecords.Save(name, record);
            var connection = await terminal.WithStatusAsync($"Starting {module.Name} '{name}'…", async show =>
            {
                var start = new DevStart(name, module, chosenPort, chosenVersion, chosenPassword, startupTimeout, new StatusLogger(show));
                return await module.StartAsync(start, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            DevRecords.Save(name, record with { Connection = connection });
            return new DevUpResult(
                name, module.Name, connection.Image, DevNames.Container(name, DevLabels.MainRole), engine.Host, chosenPort,
                [.. module.Roles.Select(r => DevNames.Volume(name, r))], created.Count > 0, connection.ConnectionString, connection.Url,
                connection.Details, Math.Round(clock.Elapsed.TotalSeconds, 2), AlreadyRunning: false);
        }
        catch
        {
            // Nothing half-made stays: the SDK removed the containers; the volumes made here go, and the record is as before.
            foreach (var volume in created)
            {
                await volume.DisposeAsync().ConfigureAwait(false);
            }

            if (previous is null)
            {
                DevRecords.Delete(name);
            }
            else
            {
                DevRecords.Save(name, previous);
            }

            throw;
        }
    }

    /// <summary>The running service as a fresh <c>up</c> would report it, when the command line asks for nothing it does
    /// not already have; anything else that exists under the name stands in the way.</summary>
    private static DevUpResult AlreadyRunning(
        DockerEngine engine, DevModule module, DevService existing, int? port, string? version, string? password, DevRecord? onRecord)
    {
        var name = existing.Name;
        if (existing.Module != module.Name || existing.Status != "running" || existing.Main is not { } main)
        {
            throw CliException.Conflict(
                $"Dev service '{name}' exists already ({existing.Module}, {existing.Status}): use it ('testkit ls'), remove it with 'testkit down {name}' (its data is kept), or choose another --name.");
        }

        var clientPort = main.Labels.GetValueOrDefault(DevLabels.Port);
        var runningPort = main.Ports.FirstOrDefault(p => p.ContainerPort.ToString(CultureInfo.InvariantCulture) == clientPort)?.HostPort;
        var runningVersion = main.Image[(main.Image.LastIndexOf(':') + 1)..];
        var differences = new List<string>();
        if (port is { } asked && asked != runningPort)
        {
            differences.Add($"it runs on port {runningPort}, not {asked}");
        }

        if (version is not null && version != runningVersion)
        {
            differences.Add($"it runs {main.Image}, not version {version}");
        }

        if (password is not null && password != onRecord?.Password)
        {
            differences.Add("it runs with another password");
        }

        if (differences.Count > 0)
        {
            throw CliException.Conflict(
                $"{module.Name} '{name}' is already running, but {string.Join(", and ", differences)}: leave those options out to use it as it is, "
                + $"or run 'testkit down {name}' first, then 'testkit up {module.Name} --name {name}' with them (its data is kept).");
        }

        if (onRecord?.Connection is not { } connection || runningPort is not { } hostPort)
        {
            throw CliException.Conflict(
                $"{module.Name} '{name}' is already running, but how to connect to it is not on record ({DevRecords.FileOf(name)}): "
                + $"'testkit down {name}' then 'testkit up {module.Name} --name {name}' starts it again with its data kept.");
        }

        return new DevUpResult(
            name, module.Name, connection.Image, main.Name, engine.Host, hostPort, [.. module.Roles.Select(r => DevNames.Volume(name, r))], NewData: false,
            connection.ConnectionString, connection.Url, connection.Details, StartSeconds: 0, AlreadyRunning: true);
    }

    /// <summary>Refuses a name that a container of anyone else holds (the service's own were looked at before).</summary>
    private static async Task CheckNamesAsync(DockerEngine engine, DevModule module, string name, CancellationToken cancellationToken)
    {
        foreach (var container in module.Roles.Select(r => DevNames.Container(name, r)))
        {
            if (await DevEngine.ContainerNamedAsync(engine, container, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw CliException.Conflict(
                    $"A container named '{container}' exists already and is not a dev service: choose another --name, or remove it ('docker rm -f {container}').");
            }
        }

        // Left by a start that was killed: no container of the service uses them (checked above).
        await DevEngine.RemoveNetworksAsync(engine, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The roles whose volume exists with this service's data; refuses a volume that holds anything else.</summary>
    private static async Task<HashSet<string>> FindOwnVolumesAsync(DockerEngine engine, DevModule module, string name, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in module.Roles)
        {
            var volumeName = DevNames.Volume(name, role);
            if (await DevEngine.VolumeNamedAsync(engine, volumeName, cancellationToken).ConfigureAwait(false) is not { } volume)
            {
                continue;
            }

            if (DevLabels.Get(volume.Labels, DevLabels.Name) != name || DevLabels.Get(volume.Labels, DevLabels.Role) != role)
            {
                throw CliException.Conflict($"Volume '{volumeName}' exists and does not belong to a dev service named '{name}': remove it ('docker volume rm {volumeName}') or choose another --name.");
            }

            if (DevLabels.Get(volume.Labels, DevLabels.Module) is { } other && other != module.Name)
            {
                throw CliException.Conflict(
                    $"The data kept for '{name}' belongs to a {other} dev service: start that ('testkit up {other} --name {name}'), remove it with 'testkit down {name} --volumes', or choose another --name.");
            }

            existing.Add(role);
        }

        return existing;
    }

    /// <summary>The password given, the one on record, or a new one; refuses a new password for data that keeps its old one.</summary>
    private static string ChoosePassword(DevModule module, string name, string? given, string? recorded, bool dataExists)
    {
        if (dataExists && module.PasswordKeptByData)
        {
            if (recorded is not null && given is not null && given != recorded)
            {
                throw CliException.Conflict(
                    $"The data of '{name}' was initialised with another password, which {module.Name} keeps: leave out --password (the one on record is used), or start afresh with 'testkit down {name} --volumes'.");
            }

            if ((given ?? recorded) is null)
            {
                throw CliException.Conflict(
                    $"The data of '{name}' is kept, but its password is not on record ({DevRecords.FileOf(name)} is missing): give it with --password, or start afresh with 'testkit down {name} --volumes'.");
            }
        }

        return given ?? recorded ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    private static int SuggestPort(int taken)
    {
        for (var candidate = taken + 1; candidate < Math.Min(taken + 100, 65536); candidate++)
        {
            if (PortCheck.IsFree(candidate))
            {
                return candidate;
            }
        }

        return taken + 1;
    }

    /// <summary>Whether an engine error means the name was taken meanwhile (two <c>up</c> at once).</summary>
    public static bool IsNameConflict(Exception error) =>
        error is DockerApiException { StatusCode: System.Net.HttpStatusCode.Conflict } api && EngineErrorText.Of(api).Contains("already in use", StringComparison.Ordinal);
}
