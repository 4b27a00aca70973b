namespace Testkit.Compose.Tests;

[Trait("Category", "Unit")]
public sealed class ComposeMergeAndValidationTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Later_files_override_earlier_ones_by_the_merge_rules()
    {
        var baseFile = _dir.Write("compose.yaml", """
            services:
              web:
                image: web:1
                command: ["serve", "--port", "80"]
                environment:
                  A: base
                  B: base
                labels:
                  tier: web
                ports:
                  - "8080:80"
                volumes:
                  - ./site:/usr/share/site:ro
                  - logs:/var/log
                healthcheck:
                  test: ["CMD", "true"]
                  interval: 10s
                depends_on: [db]
              db:
                image: postgres:15
            volumes:
              logs:
            """);
        var overrideFile = _dir.Write("override/compose.override.yaml", """
            services:
              web:
                image: web:2
                command: serve --debug
                environment:
                  - B=override
                  - C=override
                ports:
                  - "8080:80"
                  - "9090:90"
                volumes:
                  - ./other-site:/usr/share/site
                healthcheck:
                  retries: 3
                depends_on:
                  cache:
                    condition: service_started
              cache:
                image: redis:7
            """);

        var project = ComposeLoader.Load([baseFile, overrideFile], new ComposeLoadOptions { Environment = new Dictionary<string, string>() });

        var web = project.Services["web"];
        Assert.Equal("web:2", web.Image);
        Assert.Equal(["serve", "--debug"], web.Command);
        Assert.Equal("base", web.Environment["A"]);
        Assert.Equal("override", web.Environment["B"]);
        Assert.Equal("override", web.Environment["C"]);
        Assert.Equal("web", web.Labels["tier"]);
        Assert.Equal([new ComposePort(80, "8080", null, "tcp"), new ComposePort(90, "9090", null, "tcp")], web.Ports);
        Assert.Equal(
        [
            new ComposeMount(ComposeMountType.Volume, "logs", "/var/log", false),
            new ComposeMount(ComposeMountType.Bind, Path.Combine(_dir.Path, "other-site"), "/usr/share/site", false),
        ], web.Volumes);
        Assert.Equal(["CMD", "true"], web.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(10), web.Healthcheck.Interval);
        Assert.Equal(3, web.Healthcheck.Retries);
        Assert.Equal(["cache", "db"], web.DependsOn.Keys.Order());
        Assert.Equal([["cache", "db"], ["web"]], project.StartOrder());
        Assert.Equal(_dir.Path, project.WorkingDirectory);
    }

    [Fact]
    public void Unknown_keys_are_warnings_naming_key_and_line()
    {
        var project = _dir.Load("""
            version: "2.4"
            services:
              s:
                image: x
                imagee: typo
                x-note: extensions are fine
            x-anything: {}
            colour: blue
            """);

        Assert.Collection(project.Warnings,
            w => { Assert.Equal("services.s.imagee", w.Key); Assert.Equal(5, w.Source.Line); },
            w => { Assert.Equal("colour", w.Key); Assert.Equal(8, w.Source.Line); });
    }

    [Fact]
    public void Unsupported_features_are_errors_naming_key_and_line()
    {
        var error = _dir.LoadFails("""
            services:
              s:
                image: x
                deploy:
                  replicas: 2
            secrets:
              token:
                file: ./token
            """);

        Assert.Collection(error.Errors,
            e => { Assert.Equal("services.s.deploy", e.Key); Assert.Equal(4, e.Source.Line); Assert.Contains("not supported", e.Message); },
            e => { Assert.Equal("secrets", e.Key); Assert.Equal(6, e.Source.Line); });
        Assert.Contains("services.s.deploy", error.Message);
    }

    [Fact]
    public void Depends_on_an_unknown_service_is_an_error()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              app:
                image: x
                depends_on:
                  - dbb
              db:
                image: postgres
            """).Errors);
        Assert.Equal("services.app.depends_on.dbb", error.Key);
        Assert.Equal(5, error.Source.Line);
        Assert.Contains("'dbb' is not defined", error.Message);
        Assert.Contains("app, db", error.Message);
    }

    [Fact]
    public void An_optional_dependency_on_an_unknown_service_is_allowed()
    {
        var project = _dir.Load("""
            services:
              app:
                image: x
                depends_on:
                  metrics:
                    condition: service_started
                    required: false
            """);
        Assert.Equal([["app"]], project.StartOrder());
    }

    [Fact]
    public void A_cycle_is_named()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              a:
                image: x
                depends_on: [b]
              b:
                image: x
                depends_on: [c]
              c:
                image: x
                depends_on: [a]
              d:
                image: x
            """).Errors);
        Assert.Contains("a -> b -> c -> a", error.Message);
    }

    [Fact]
    public void Undeclared_named_volumes_and_networks_are_errors()
    {
        var errors = _dir.LoadFails("""
            services:
              s:
                image: x
                volumes:
                  - data:/data
                networks: [back]
            """).Errors;
        Assert.Collection(errors,
            e => { Assert.Equal(5, e.Source.Line); Assert.Contains("named volume 'data' is not declared", e.Message); },
            e => { Assert.Equal(6, e.Source.Line); Assert.Contains("network 'back' is not declared", e.Message); });
    }

    [Fact]
    public void Invalid_yaml_and_missing_files_are_errors()
    {
        var yaml = _dir.LoadFails("services:\n  s:\n    image: [unclosed\n").Errors;
        Assert.Contains("not valid YAML", Assert.Single(yaml).Message);

        var missing = Assert.Throws<ComposeException>(() => ComposeLoader.Load(Path.Combine(_dir.Path, "nope.yaml")));
        Assert.Contains("does not exist", missing.Message);
    }

    [Fact]
    public void Start_order_puts_independent_services_in_one_group()
    {
        var project = _dir.Load("""
            services:
              zookeeper: { image: z }
              db: { image: p }
              kafka: { image: k, depends_on: [zookeeper] }
              app: { image: a, depends_on: { kafka: { condition: service_started }, db: { condition: service_healthy } } }
              tests: { image: t, depends_on: [app, db] }
            """);
        Assert.Equal([["db", "zookeeper"], ["kafka"], ["app"], ["tests"]], project.StartOrder());
    }
}
