using Npgsql;

namespace Testkit.Benchmarks.Clients;

/// <summary>The first query every Postgres row ends with, the same for every tool: a new unpooled Npgsql connection
/// and <c>SELECT 1</c>.</summary>
internal static class PostgresProbe
{
    public static async Task SelectOneAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Unpooled: a pool would keep a failed or stale connection between polls and between rows.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        await using var connection = new NpgsqlConnection(unpooled);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        _ = await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Polls every <paramref name="interval"/> until <c>SELECT 1</c> answers: what a script without readiness logic does.</summary>
    public static Task PollSelectOneAsync(string connectionString, TimeSpan interval, CancellationToken cancellationToken) =>
        FixedPolling.UntilAsync(ct => SelectOneAsync(connectionString, ct), e => e is NpgsqlException or IOException or TimeoutException, interval, cancellationToken);
}
