using Npgsql;
using Testkit.Postgres;
using Testkit.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace PostgresXunit;

/// <summary>One PostgreSQL per test class that uses it, with the schema applied; Testkit's diagnostics go to xunit's message sink.</summary>
public sealed class PostgresFixture(IMessageSink sink) : ContainerFixture<PostgresContainer>(sink, logger => new PostgresBuilder()
    .WithInitScript("schema.sql")
    .WithContainer(c => c.WithLogger(logger))
    .Build());

public sealed class TodoRepositoryTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private IDisposable? capture;
    private NpgsqlDataSource? db;

    private TodoRepository Todos => new(db!);

    // Runs before each test: what the server says during the test goes to its output, and every test starts from an empty table.
    public async Task InitializeAsync()
    {
        capture = postgres.CaptureOutput(output);
        db = NpgsqlDataSource.Create(postgres.Container.GetConnectionString());
        await using var truncate = db.CreateCommand("TRUNCATE todos RESTART IDENTITY");
        await truncate.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        capture?.Dispose();
        if (db is not null)
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Added_todos_are_read_back_in_order()
    {
        await Todos.AddAsync("write the test");
        await Todos.AddAsync("make it pass");

        var all = await Todos.GetAllAsync();

        Assert.Equal(["write the test", "make it pass"], all.Select(t => t.Title));
        Assert.All(all, t => Assert.False(t.Done));
    }

    [Fact]
    public async Task A_completed_todo_stays_done()
    {
        var todo = await Todos.AddAsync("ship it");

        Assert.True(await Todos.CompleteAsync(todo.Id));

        Assert.Equal([todo with { Done = true }], await Todos.GetAllAsync());
    }

    [Fact]
    public async Task The_database_rejects_an_empty_title()
    {
        // The CHECK constraint lives in schema.sql: only a real PostgreSQL proves it is there.
        var error = await Assert.ThrowsAsync<PostgresException>(() => Todos.AddAsync(""));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }
}
