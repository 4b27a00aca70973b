// Testkit quick-start: a real PostgreSQL in a container, used through Npgsql, then removed.
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Testkit.Postgres;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }));

var clock = Stopwatch.StartNew();
await using (var postgres = new PostgresBuilder()
                 .WithContainer(c => c.WithLogger(loggerFactory.CreateLogger("Testkit")))
                 .Build())
{
    await postgres.StartAsync(cancel.Token);
    var started = clock.Elapsed;

    await using var dataSource = NpgsqlDataSource.Create(postgres.GetConnectionString());
    await using (var create = dataSource.CreateCommand("CREATE TABLE greetings (id serial PRIMARY KEY, text text NOT NULL)"))
    {
        await create.ExecuteNonQueryAsync(cancel.Token);
    }

    await using (var insert = dataSource.CreateCommand("INSERT INTO greetings (text) VALUES ($1)"))
    {
        insert.Parameters.Add(new NpgsqlParameter { Value = "Hello from a real PostgreSQL in a container" });
        await insert.ExecuteNonQueryAsync(cancel.Token);
    }

    await using (var select = dataSource.CreateCommand("SELECT id, text, version() FROM greetings"))
    await using (var reader = await select.ExecuteReaderAsync(cancel.Token))
    {
        while (await reader.ReadAsync(cancel.Token))
        {
            Console.WriteLine($"Row read back: id={reader.GetInt32(0)} text=\"{reader.GetString(1)}\"");
            Console.WriteLine($"Server: {reader.GetString(2).Split(" on ")[0]}");
        }
    }

    Console.WriteLine($"Postgres started in {started.TotalSeconds:0.00} s (image {postgres.Image}, container {postgres.Id[..12]})");
}

Console.WriteLine($"Container removed; total {clock.Elapsed.TotalSeconds:0.00} s");
