using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Testkit.Containers;

namespace Testkit.Postgres.Snapshots;

/// <summary>The hash that names a snapshot: everything that shapes the initialised data directory. Two containers with the
/// same key would run the same initdb and init scripts on the same image, so the second may start from the first's data.</summary>
/// <remarks>In: the base image's id (a re-tagged or rebuilt image is another image), the data directory, entrypoint,
/// command (server settings), user, working directory, every environment variable but the password (database, user,
/// initdb arguments, whatever an init script reads), the path, mode, owner and content of every file copied in (init
/// scripts), and where storage is mounted. Out: the password (random per builder: it would defeat reuse; each start sets
/// its own), ports, names, networks, labels, waits and loggers, which do not touch the data.</remarks>
internal static class SnapshotKey
{
    // Bump when the way snapshots are made changes, so that no process starts from a snapshot made the old way.
    private const string Format = "testkit-postgres-snapshot/3";

    public static async Task<string> ComputeAsync(ContainerSettings settings, string baseImageId, string dataDirectory, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // Length-prefixed fields: no value can forge a boundary between two others.
        void Field(string name, string? value)
        {
            foreach (var text in new[] { name, value ?? "\0null" })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                hash.AppendData(BitConverter.GetBytes(bytes.Length));
                hash.AppendData(bytes);
            }
        }

        static string? Joined(IEnumerable<string>? values) => values is null ? null : string.Join('\0', values);

        Field("format", Format);
        Field("image", baseImageId);
        Field("data", dataDirectory);
        Field("entrypoint", Joined(settings.Entrypoint));
        Field("command", Joined(settings.Command));
        Field("user", settings.User);
        Field("workdir", settings.WorkingDirectory);
        foreach (var (name, value) in settings.Environment.Where(e => e.Key != PostgresContainer.PasswordVariable).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Field("env:" + name, value);
        }

        foreach (var mount in settings.Mounts.OrderBy(m => m.Target, StringComparer.Ordinal))
        {
            Field("mount:" + mount.Target, mount.Type.ToString());
        }

        foreach (var file in settings.Files)
        {
            var content = await file.ContentHashAsync(cancellationToken).ConfigureAwait(false);
            Field("file:" + file.Path, string.Create(CultureInfo.InvariantCulture, $"{(int?)file.Mode}|{file.Owner}|{content}"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
