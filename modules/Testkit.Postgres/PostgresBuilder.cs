using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Testkit.Containers;
using Testkit.Modules;

namespace Testkit.Postgres;

/// <summary>Describes a PostgreSQL container. Immutable: every <c>WithX</c> returns a new builder.</summary>
public sealed record PostgresBuilder() : ModuleBuilder<PostgresBuilder, PostgresContainer>(PostgresContainer.Module)
{
    /// <summary>The database created at start.</summary>
    public string Database { get; init; } = "test";

    /// <summary>The superuser's name.</summary>
    public string Username { get; init; } = "test";

    /// <summary>The superuser's password: random per builder unless set. Never logged.</summary>
    public string Password { get; init; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>Server settings passed as <c>-c key=value</c>. The defaults trade durability for speed, as a
    /// throwaway test database should: no fsync, no full page writes, no synchronous commit.</summary>
    public ImmutableDictionary<string, string> ServerSettings { get; init; } = ImmutableDictionary<string, string>.Empty
        .Add("fsync", "off").Add("full_page_writes", "off").Add("synchronous_commit", "off");

    /// <summary>Scripts run once at initialisation (<c>*.sql</c>, <c>*.sql.gz</c>, <c>*.sh</c>), in the order added.</summary>
    public ImmutableArray<ContainerFile> InitScripts { get; init; } = [];

    /// <summary>True (the default) to start from a snapshot of this configuration's initialised data directory, made once
    /// per machine by the first start (see <see cref="WithSnapshot"/>).</summary>
    public bool Snapshot { get; init; } = true;

    /// <summary>True to keep the data directory in memory (tmpfs); such a container is never snapshotted.</summary>
    public bool DataOnTmpfs { get; init; }

    /// <summary>Names the database created at start.</summary>
    public PostgresBuilder WithDatabase(string database) => this with { Database = NotEmpty(database) };

    /// <summary>Names the superuser.</summary>
    public PostgresBuilder WithUsername(string username) => this with { Username = NotEmpty(username) };

    /// <summary>Sets the superuser's password.</summary>
    public PostgresBuilder WithPassword(string password) => this with { Password = NotEmpty(password) };

    /// <summary>Sets a server setting (<c>-c key=value</c>), e.g. <c>max_connections</c>.</summary>
    public PostgresBuilder WithServerSetting(string name, string value) => this with { ServerSettings = ServerSettings.SetItem(NotEmpty(name), value) };

    /// <summary>Runs a host script (<c>.sql</c>, <c>.sql.gz</c>, <c>.sh</c>) or every script of a host directory at initialisation.</summary>
    public PostgresBuilder WithInitScript(string hostPath)
    {
        var path = Path.GetFullPath(hostPath);
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).Aggregate(this, (builder, file) => builder.WithInitScript(file));
        }

        return File.Exists(path)
            ? AddInitScript(Path.GetFileName(path), new ContainerFile("", null, path))
            : throw new ArgumentException($"Init script '{path}' does not exist. Check the path (relative paths start at {Directory.GetCurrentDirectory()}).", nameof(hostPath));
    }

    /// <summary>Runs SQL at initialisation, in the database <see cref="Database"/>.</summary>
    public PostgresBuilder WithInitSql(string sql) =>
        AddInitScript("inline.sql", new ContainerFile("", System.Text.Encoding.UTF8.GetBytes(NotEmpty(sql)), null));

    /// <summary>Starts from a snapshot (the default) or not. The first start of a configuration runs initdb and the init
    /// scripts in a seed container and commits it as an image that outlives the session; every start of the same
    /// configuration (image, database, user, init scripts, settings, environment but the password) then skips them and
    /// gets its own password. <c>TESTKIT_SNAPSHOTS=off</c> turns snapshots off for the whole process.</summary>
    public PostgresBuilder WithSnapshot(bool enabled = true) => this with { Snapshot = enabled };

    /// <summary>Keeps the data directory in memory (a tmpfs at PGDATA): a faster initdb for a container that starts once,
    /// but no snapshot, since a commit cannot take a tmpfs.</summary>
    public PostgresBuilder WithDataOnTmpfs(bool enabled = true) => this with { DataOnTmpfs = enabled };

    /// <inheritdoc />
    public override PostgresContainer Build() => new(this);

    // The entrypoint runs scripts in name order: a numeric prefix keeps the order they were added in.
    private PostgresBuilder AddInitScript(string name, ContainerFile file) => this with
    {
        InitScripts = InitScripts.Add(file with { Path = $"/docker-entrypoint-initdb.d/{InitScripts.Length:D3}-{name}", Mode = (UnixFileMode)0b111_101_101 }),
    };

    private static string NotEmpty(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}
