using BenchmarkDotNet.Attributes;
using Testkit.Compose;

namespace Testkit.Benchmarks.Micro;

/// <summary>Reading a classic compose file (version "3.8": a database with a healthcheck, a cache, an app built from a
/// Dockerfile waiting for both, interpolation with defaults, named volumes and networks) into a validated project.</summary>
[MemoryDiagnoser]
public class ComposeLoaderBenchmarks
{
    private const string ClassicFile = """
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
              timeout: 3s
              retries: 5
            networks: [backend]
          cache:
            image: redis:7
            command: ["redis-server", "--appendonly", "yes"]
            ports:
              - "6379"
            networks: [backend]
          app:
            build:
              context: ./app
              dockerfile: Dockerfile
              args:
                VERSION: ${APP_VERSION:-1.0}
            depends_on:
              db:
                condition: service_healthy
              cache:
                condition: service_started
            environment:
              - ConnectionStrings__Db=Host=db;Username=app;Password=${DB_PASSWORD:-secret}
              - Redis=cache:6379
            ports:
              - "8080:80"
            networks: [backend, frontend]
        volumes:
          pgdata:
        networks:
          backend:
          frontend:
        """;

    private static readonly ComposeLoadOptions Options = new() { Environment = new Dictionary<string, string>(), ProjectName = "bench" };

    private string directory = "";
    private string file = "";

    [GlobalSetup]
    public void WriteFile()
    {
        directory = Directory.CreateTempSubdirectory("testkit-bench-compose-").FullName;
        Directory.CreateDirectory(Path.Combine(directory, "app"));
        File.WriteAllText(Path.Combine(directory, "app", "Dockerfile"), "FROM debian:bookworm\n");
        file = Path.Combine(directory, "docker-compose.yml");
        File.WriteAllText(file, ClassicFile);
    }

    [GlobalCleanup]
    public void RemoveFile() => Directory.Delete(directory, recursive: true);

    [Benchmark(Description = "ComposeLoader.Load: classic 3.8 file, 3 services")]
    public ComposeProject Load() => ComposeLoader.Load(file, Options);
}
