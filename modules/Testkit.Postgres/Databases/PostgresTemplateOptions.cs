namespace Testkit.Postgres.Databases;

/// <summary>How <see cref="PostgresContainer.CreateTemplateAsync(PostgresTemplateOptions, CancellationToken)"/> prepares a template.</summary>
public sealed record PostgresTemplateOptions
{
    /// <summary>Runs once on the template, a copy of the container's database as its init scripts left it; receives an
    /// Npgsql connection string to the template (without pooling, so that no connection outlives the migration) and
    /// the cancellation token. Null: the template is that copy as is.</summary>
    public Func<string, CancellationToken, Task>? Migration { get; init; }

    /// <summary>How many databases to keep cloned ahead in the background, so that taking one costs no
    /// <c>CREATE DATABASE</c>; 0 (the default) clones each on demand.</summary>
    public int PoolSize { get; init; }
}
