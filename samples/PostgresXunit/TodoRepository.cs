using Npgsql;

namespace PostgresXunit;

public sealed record Todo(int Id, string Title, bool Done);

/// <summary>The code under test: a tiny repository over the todos table of schema.sql.</summary>
public sealed class TodoRepository(NpgsqlDataSource db)
{
    public async Task<Todo> AddAsync(string title, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("INSERT INTO todos (title) VALUES ($1) RETURNING id");
        command.Parameters.AddWithValue(title);
        var id = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new Todo(id, title, false);
    }

    public async Task<bool> CompleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE todos SET done = true WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<Todo>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT id, title, done FROM todos ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var todos = new List<Todo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            todos.Add(new Todo(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2)));
        }

        return todos;
    }
}
