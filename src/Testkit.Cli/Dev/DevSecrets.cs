using System.Text.Json;

namespace Testkit.Cli.Dev;

/// <summary>A dev service's password, generated once and kept in <c>~/.testkit/dev/NAME.json</c> (mode 0600), so that
/// <c>up</c> after <c>down</c> starts with the password its data was initialised with. Never in labels: anyone who can
/// list the engine's resources could read those.</summary>
internal static class DevSecrets
{
    /// <summary>What is on record for one dev service.</summary>
    /// <param name="Module">The module the password belongs to.</param>
    /// <param name="Password">The password.</param>
    public sealed record Entry(string Module, string Password);

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The directory: <c>$TESTKIT_HOME/dev</c>, else <c>~/.testkit/dev</c>.</summary>
    public static string Directory => Path.Combine(TestkitHome.Path, "dev");

    /// <summary>The file of one dev service.</summary>
    public static string FileOf(string name) => Path.Combine(Directory, name + ".json");

    /// <summary>The entry on record, or null when there is none (or it cannot be read).</summary>
    public static Entry? Load(string name)
    {
        try
        {
            return File.Exists(FileOf(name)) ? JsonSerializer.Deserialize<Entry>(File.ReadAllText(FileOf(name))) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the entry with owner-only permissions, atomically (a reader never sees half a file).</summary>
    public static void Save(string name, Entry entry)
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
            JsonSerializer.Serialize(stream, entry);
        }

        File.Move(temporary, FileOf(name), overwrite: true);
    }

    /// <summary>Deletes the entry, if any (a compose stack has none, and on a fresh machine there is not even the folder).</summary>
    public static void Delete(string name)
    {
        if (File.Exists(FileOf(name)))
        {
            File.Delete(FileOf(name));
        }
    }
}
