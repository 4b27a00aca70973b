using System.Text.Json;
using Testkit.Cli.Dev.Modules;

namespace Testkit.Cli.Dev;

/// <summary>What <c>up</c> chose for one dev service, on record so that <c>up</c> after <c>down</c> starts it as before.</summary>
/// <param name="Module">The module.</param>
/// <param name="Password">The password its data was initialised with, for modules that use one.</param>
/// <param name="Port">The host port on 127.0.0.1 (null in records written before ports were kept).</param>
/// <param name="Version">The image tag (null in records written before tags were kept).</param>
/// <param name="Connection">How clients connect, from the last start that succeeded: what <c>up</c> of the running service prints.</param>
internal sealed record DevRecord(string Module, string? Password, int? Port = null, string? Version = null, DevConnection? Connection = null)
{
    // A record prints every member, and this one holds the password.
    public override string ToString() => $"{Module} dev record (port {Port}, version {Version})";
}

/// <summary>Dev services' records, one file each in <c>~/.testkit/dev/NAME.json</c> (mode 0600): the password is generated
/// once and kept there, never in labels (anyone who can list the engine's resources could read those), beside the port,
/// tag and connection details <c>up</c> chose.</summary>
internal static class DevRecords
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The directory: <c>$TESTKIT_HOME/dev</c>, else <c>~/.testkit/dev</c>.</summary>
    public static string Directory => Path.Combine(TestkitHome.Path, "dev");

    /// <summary>The file of one dev service.</summary>
    public static string FileOf(string name) => Path.Combine(Directory, name + ".json");

    /// <summary>The record, or null when there is none (or it cannot be read).</summary>
    public static DevRecord? Load(string name)
    {
        try
        {
            return File.Exists(FileOf(name)) ? JsonSerializer.Deserialize<DevRecord>(File.ReadAllText(FileOf(name))) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the record with owner-only permissions, atomically (a reader never sees half a file).</summary>
    public static void Save(string name, DevRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = FileOf(name) + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, record);
        }

        File.Move(temporary, FileOf(name), overwrite: true);
    }

    /// <summary>Deletes the record, if any (a compose stack has none, and on a fresh machine there is not even the folder).</summary>
    public static void Delete(string name)
    {
        if (File.Exists(FileOf(name)))
        {
            File.Delete(FileOf(name));
        }
    }
}
