using Microsoft.Extensions.Logging;

namespace Testkit.Postgres.Databases;

/// <summary>The diagnostics of per-test databases (event ids 750–799). Connection strings are never logged: they carry the password.</summary>
internal static partial class DatabaseLog
{
    [LoggerMessage(750, LogLevel.Debug, "Database {Name} created from template {Template} in {Milliseconds} ms")]
    public static partial void DatabaseCreated(this ILogger logger, string name, string template, long milliseconds);

    [LoggerMessage(751, LogLevel.Debug, "Database {Name} taken from the pool of template {Template}")]
    public static partial void DatabaseTakenFromPool(this ILogger logger, string name, string template);

    [LoggerMessage(752, LogLevel.Debug, "Database {Name} dropped in {Milliseconds} ms")]
    public static partial void DatabaseDropped(this ILogger logger, string name, long milliseconds);

    [LoggerMessage(753, LogLevel.Information, "Template {Name} created from database {Source} in {Milliseconds} ms")]
    public static partial void TemplateCreated(this ILogger logger, string name, string source, long milliseconds);

    [LoggerMessage(754, LogLevel.Information, "Template {Name}: migration ran in {Milliseconds} ms")]
    public static partial void TemplateMigrated(this ILogger logger, string name, long milliseconds);

    [LoggerMessage(755, LogLevel.Information, "Database {Source} has {Sessions} other session(s), so CREATE DATABASE … TEMPLATE cannot copy it: copying it once with pg_dump instead")]
    public static partial void CopyingWithDump(this ILogger logger, string source, long sessions);

    [LoggerMessage(756, LogLevel.Warning, "Template {Name}: {Count} connection(s) were still open after the migration and were closed; dispose the connections and data sources the migration opens")]
    public static partial void MigrationConnectionsLeft(this ILogger logger, string name, long count);

    [LoggerMessage(757, LogLevel.Warning, "Pool of template {Template}: could not prepare a database ({Reason}); it tries again when the next database is taken, which meanwhile creates its own")]
    public static partial void PoolRefillFailed(this ILogger logger, string template, string reason);

    [LoggerMessage(758, LogLevel.Information, "Template {Name} dropped, with {Pooled} unused pooled database(s)")]
    public static partial void TemplateDropped(this ILogger logger, string name, int pooled);

    [LoggerMessage(759, LogLevel.Warning, "Could not close the per-test databases' admin connections ({Reason})")]
    public static partial void AdminCloseFailed(this ILogger logger, string reason);

    [LoggerMessage(760, LogLevel.Debug, "Templates and per-test databases go to tablespace {Name} in memory, at {Location}")]
    public static partial void TablespaceCreated(this ILogger logger, string name, string location);

    [LoggerMessage(761, LogLevel.Information, "Could not make a tablespace in memory at {Location} ({Reason}): templates and per-test databases stay in the data directory, where each clone is slower")]
    public static partial void TablespaceFailed(this ILogger logger, string location, string reason);
}
