using System.Security.Cryptography;

namespace Testkit.Postgres.Databases;

/// <summary>Names of the databases Testkit creates: unique, lower case, valid unquoted identifiers well under
/// PostgreSQL's 63-byte limit; still always quoted in SQL, as the container's own database may have any name.</summary>
internal static class DatabaseNames
{
    /// <summary>The database the admin connections use: never a template source, which must have no connections.</summary>
    public static string MaintenanceDatabase(string containerDatabase) =>
        string.Equals(containerDatabase, "postgres", StringComparison.Ordinal) ? "template1" : "postgres";

    public static string NewTemplate() => "testkit_template_" + RandomSuffix(6);

    public static string NewDatabase() => "testkit_db_" + RandomSuffix(8);

    public static string NewSuffix() => RandomSuffix(6);

    /// <summary>A quoted identifier: double quotes around it, inner double quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A string literal (standard_conforming_strings, the default since PostgreSQL 9.1): inner quotes doubled.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>One word for <c>sh</c>: single quotes around it, inner single quotes closed, escaped and reopened.</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // Random rather than a counter: several test processes may share one server.
    private static string RandomSuffix(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
