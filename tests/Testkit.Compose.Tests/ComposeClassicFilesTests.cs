namespace Testkit.Compose.Tests;

/// <summary>The classic files as the loader reads them; the cp-zookeeper + cp-kafka pair runs end to end in Testkit.Kafka.Tests/ComposeKafkaTests.</summary>
[Trait("Category", "Unit")]
public sealed class ComposeClassicFilesTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Postgres_with_named_volume_and_healthcheck_and_app_waiting_for_healthy()
    {
        var project = _dir.Load("""
            version: "3.8"
            services:
              db:
                image: postgres:15
                environment:
                  POSTGRES_USER: app
                  POSTGRES_PASSWORD: ${DB_PASSWORD:-secret}
                  POSTGRES_DB: orders
                volumes:
                  - pgdata:/var/lib/postgresql/data
                ports:
                  - "127.0.0.1:5432:5432"
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready -U app -d orders"]
                  interval: 5s
                  timeout: 1m30s
                  start_period: 500ms
                  retries: 5
              app:
                image: example/app:1.0
                depends_on:
                  db:
                    condition: service_healthy
                environment:
                  - ConnectionStrings__Db=Host=db;Username=app
                ports:
                  - "8080:80"
            volumes:
              pgdata:
            """);

        var db = project.Services["db"];
        Assert.Equal("postgres:15", db.Image);
        Assert.Equal("secret", db.Environment["POSTGRES_PASSWORD"]);
        Assert.Equal(new ComposeMount(ComposeMountType.Volume, "pgdata", "/var/lib/postgresql/data", false), Assert.Single(db.Volumes));
        Assert.Equal(new ComposePort(5432, "5432", "127.0.0.1", "tcp"), Assert.Single(db.Ports));
        var health = db.Healthcheck!;
        Assert.Equal(["CMD-SHELL", "pg_isready -U app -d orders"], health.Test);
        Assert.Equal(TimeSpan.FromSeconds(5), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(90), health.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), health.StartPeriod);
        Assert.Equal(5, health.Retries);
        Assert.Equal(ComposeCondition.ServiceHealthy, project.Services["app"].DependsOn["db"].Condition);
        Assert.Equal("Host=db;Username=app", project.Services["app"].Environment["ConnectionStrings__Db"]);
        Assert.True(project.Volumes.ContainsKey("pgdata"));
        Assert.Empty(project.Warnings);
        Assert.Equal([["db"], ["app"]], project.StartOrder());
        Assert.StartsWith("testkit-compose-", project.Name);
    }

    [Fact]
    public void Build_service_with_a_target_and_the_short_form()
    {
        var project = _dir.Load("""
            services:
              api:
                build:
                  context: ./api
                  dockerfile: build/Dockerfile
                  target: runtime
                  args:
                    - VERSION=1.2
                    - COMMIT
                image: example/api:dev
              worker:
                build: ./worker
            """);

        var build = project.Services["api"].Build!;
        Assert.Equal(Path.Combine(_dir.Path, "api"), build.Context);
        Assert.Equal("build/Dockerfile", build.Dockerfile);
        Assert.Equal("runtime", build.Target);
        Assert.Equal("1.2", build.Args["VERSION"]);
        Assert.Null(build.Args["COMMIT"]);
        Assert.Equal(new ComposeBuild(Path.Combine(_dir.Path, "worker"), null, project.Services["worker"].Build!.Args, null), project.Services["worker"].Build);
        Assert.Null(project.Services["worker"].Image);
    }

    [Fact]
    public void One_shot_migration_gates_the_app_with_service_completed_successfully()
    {
        var project = _dir.Load("""
            services:
              db:
                image: postgres:15
                healthcheck:
                  test: pg_isready
              migrate:
                image: example/migrations:1
                command: ["migrate", "--to", "latest"]
                restart: "no"
                depends_on:
                  db: { condition: service_healthy }
              cache:
                image: redis:7
              app:
                image: example/app:1
                depends_on:
                  migrate:
                    condition: service_completed_successfully
                  cache:
                    condition: service_started
            """);

        Assert.Equal(["migrate", "--to", "latest"], project.Services["migrate"].Command);
        Assert.Equal(["CMD-SHELL", "pg_isready"], project.Services["db"].Healthcheck!.Test);
        Assert.Equal("no", project.Services["migrate"].Restart);
        Assert.Equal(ComposeCondition.ServiceCompletedSuccessfully, project.Services["app"].DependsOn["migrate"].Condition);
        Assert.Equal([["cache", "db"], ["migrate"], ["app"]], project.StartOrder());
    }
}
