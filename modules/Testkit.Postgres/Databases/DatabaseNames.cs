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

    /// <summary>A quoted identifier: double quotes around it, inner double quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // Random rather than a counter: several test processes may share one server.
    private static string RandomSuffix(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
