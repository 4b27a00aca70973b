using System.Diagnostics;
using System.Security.Cryptography;
using Docker.DotNet;
using Testkit.Cli.Dev.Modules;
using Testkit.Cli.Output;
using Testkit.Engine;
using Testkit.Networks;
using Testkit.Volumes;

namespace Testkit.Cli.Dev;

/// <summary>What <c>testkit up MODULE</c> reports.</summary>
internal sealed record DevUpResult(
    string Name, string Module, string Image, string Container, string Host, int Port, IReadOnlyList<string> Volumes, bool NewData,
    string ConnectionString, string? Url, IReadOnlyDictionary<string, string> Details, double StartSeconds);

/// <summary>Starts a module's dev service: checks that nothing stands in the way before anything is created, takes the
/// password on record (or makes one), creates the missing volumes, starts the containers through the module, and on any
/// failure removes what this call created.</summary>
internal static class DevServiceUp
{
    public static async Task<DevUpResult> RunAsync(
        DockerEngine engine, DevModule module, string name, int port, string version, string? password, TimeSpan startupTimeout,
        Terminal terminal, CancellationToken cancellationToken)
    {
        await CheckNamesAsync(engine, module, name, cancellationToken).ConfigureAwait(false);
        var existingData = await FindOwnVolumesAsync(engine, module, name, cancellationToken).ConfigureAwait(false);
        if (!PortCheck.IsFree(port))
        {
            throw CliException.Conflict($"Port {port} on 127.0.0.1 is already in use: choose another with --port (e.g. --port {SuggestPort(port)}).");
        }

        var previousSecret = DevSecrets.Load(name);
        var secret = module.UsesPassword ? ChoosePassword(module, name, password, previousSecret, existingData.Contains(DevLabels.MainRole)) : null;
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

            if (secret is not null && secret != previousSecret)
            {
                DevSecrets.Save(name, secret);
            }

            var connection = await terminal.WithStatusAsync($"Starting {module.Name} '{name}'…", async show =>
            {
                var start = new DevStart(name, module, port, version, secret?.Password, startupTimeout, new StatusLogger(show));
                return await module.StartAsync(start, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return new DevUpResult(
                name, module.Name, connection.Image, DevNames.Container(name, DevLabels.MainRole), engine.Host, port,
                [.. module.Roles.Select(r => DevNames.Volume(name, r))], created.Count > 0, connection.ConnectionString, connection.Url,
                connection.Details, Math.Round(clock.Elapsed.TotalSeconds, 2));
        }
        catch
        {
            // Nothing half-made stays: the SDK removed the containers; the volumes and password made here go too.
            foreach (var volume in created)
            {
                await volume.DisposeAsync().ConfigureAwait(false);
            }

            if (secret is not null && secret != previousSecret)
            {
                if (previousSecret is null)
                {
                    DevSecrets.Delete(name);
                }
                else
                {
                    DevSecrets.Save(name, previousSecret);
                }
            }

            throw;
        }
    }

    /// <summary>Refuses a name whose containers exist, whether a dev service's or anyone else's.</summary>
    private static async Task CheckNamesAsync(DockerEngine engine, DevModule module, string name, CancellationToken cancellationToken)
    {
        var running = await DevEngine.ContainersAsync(engine, cancellationToken, $"{DevLabels.Name}={name}").ConfigureAwait(false);
        if (running.Count > 0)
        {
            var what = DevLabels.Get(running[0].Labels, DevLabels.Module) ?? "?";
            throw CliException.Conflict(
                $"Dev service '{name}' exists already ({what}, {running[0].State}): use it ('testkit ls'), remove it with 'testkit down {name}' (its data is kept), or choose another --name.");
        }

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

    /// <summary>The password on record, the one given, or a new one; refuses a new password for data that keeps its old one.</summary>
    private static DevSecrets.Entry ChoosePassword(DevModule module, string name, string? given, DevSecrets.Entry? onRecord, bool dataExists)
    {
        var recorded = onRecord?.Module == module.Name ? onRecord.Password : null;
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
                    $"The data of '{name}' is kept, but its password is not on record ({DevSecrets.FileOf(name)} is missing): give it with --password, or start afresh with 'testkit down {name} --volumes'.");
            }
        }

        return new DevSecrets.Entry(module.Name, given ?? recorded ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
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
