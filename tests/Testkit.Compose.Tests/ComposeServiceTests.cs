namespace Testkit.Compose.Tests;

[Trait("Category", "Unit")]
public sealed class ComposeServiceTests : IDisposable
{
    private readonly ComposeDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ports_in_short_and_long_forms()
    {
        var ports = _dir.Load("""
            services:
              s:
                image: x
                ports:
                  - "8080:80"
                  - "127.0.0.1:8081:81"
                  - "82"
                  - "9090-9091:8080-8081"
                  - "53:53/udp"
                  - "127.0.0.1::83"
                  - "[::1]:8443:443"
                  - "6000-6001"
                  - target: 5432
                    published: "15432"
                    host_ip: 127.0.0.1
                    protocol: tcp
                  - target: 6379
            """).Services["s"].Ports;

        Assert.Equal(
        [
            new ComposePort(80, "8080", null, "tcp"),
            new ComposePort(81, "8081", "127.0.0.1", "tcp"),
            new ComposePort(82, null, null, "tcp"),
            new ComposePort(8080, "9090", null, "tcp"),
            new ComposePort(8081, "9091", null, "tcp"),
            new ComposePort(53, "53", null, "udp"),
            new ComposePort(83, null, "127.0.0.1", "tcp"),
            new ComposePort(443, "8443", "::1", "tcp"),
            new ComposePort(6000, null, null, "tcp"),
            new ComposePort(6001, null, null, "tcp"),
            new ComposePort(5432, "15432", "127.0.0.1", "tcp"),
            new ComposePort(6379, null, null, "tcp"),
        ], ports);
    }

    [Fact]
    public void A_bad_port_names_the_key_and_line()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              s:
                image: x
                ports:
                  - "9090-9092:8080-8081"
            """).Errors);
        Assert.Equal("services.s.ports", error.Key);
        Assert.Equal(5, error.Source.Line);
        Assert.Contains("differ in length", error.Message);
    }

    [Fact]
    public void Environment_in_list_and_map_forms_with_host_values()
    {
        var env = new Dictionary<string, string> { ["FROM_HOST"] = "h", ["ALSO"] = "a" };
        var project = _dir.Load("""
            services:
              list:
                image: x
                environment:
                  - A=1
                  - B=
                  - FROM_HOST
                  - NOT_SET
              map:
                image: x
                environment:
                  A: 1
                  B: ""
                  ALSO:
                  ENABLED: true
            """, env);

        var list = project.Services["list"].Environment;
        Assert.Equal("1", list["A"]);
        Assert.Equal("", list["B"]);
        Assert.Equal("h", list["FROM_HOST"]);
        Assert.Null(list["NOT_SET"]);
        var map = project.Services["map"].Environment;
        Assert.Equal("1", map["A"]);
        Assert.Equal("", map["B"]);
        Assert.Equal("a", map["ALSO"]);
        Assert.Equal("true", map["ENABLED"]);
    }

    [Fact]
    public void Env_files_are_relative_to_the_compose_file_and_environment_wins()
    {
        _dir.Write("config/common.env", "# comment\nA=from-file\nB=\"quoted value\"\nexport C=c # trailing\n");
        _dir.Write("config/extra.env", "D=d\n");
        var project = _dir.Load("""
            services:
              one:
                image: x
                env_file: config/common.env
                environment:
                  A: from-environment
              two:
                image: x
                env_file:
                  - ./config/common.env
                  - path: ./config/extra.env
                  - path: ./config/optional.env
                    required: false
            """);

        var one = project.Services["one"];
        Assert.Equal("from-environment", one.Environment["A"]);
        Assert.Equal("quoted value", one.Environment["B"]);
        Assert.Equal("c", one.Environment["C"]);
        Assert.Equal([Path.Combine(_dir.Path, "config", "common.env")], one.EnvFiles);
        Assert.Equal("d", project.Services["two"].Environment["D"]);
        Assert.Equal("from-file", project.Services["two"].Environment["A"]);
    }

    [Fact]
    public void A_missing_env_file_is_an_error_with_its_line()
    {
        var error = Assert.Single(_dir.LoadFails("""
            services:
              s:
                image: x
                env_file:
                  - missing.env
            """).Errors);
        Assert.Equal(5, error.Source.Line);
        Assert.Contains("env file 'missing.env' does not exist", error.Message);
        Assert.Contains("required: false", error.Message);
    }

    [Fact]
    public void An_env_file_line_without_a_name_is_an_error_at_that_files_line()
    {
        var file = _dir.Write("bad.env", "A=a\n=orphan\n");

        var error = Assert.Single(_dir.LoadFails("""
            services:
              s:
                image: x
                env_file: bad.env
            """).Errors);

        Assert.Equal(file, error.Source.File);
        Assert.Equal(2, error.Source.Line);
        Assert.Contains("no variable name before '='", error.Message);
    }

    [Fact]
    public void Command_and_entrypoint_as_string_or_list()
    {
        var s = _dir.Load("""
            services:
              s:
                image: x
                command: bundle exec thin -p 3000 --tag "a b" 'c d'
                entrypoint: ["/bin/sh", "-c"]
                working_dir: /app
                container_name: my-s
            """).Services["s"];

        Assert.Equal(["bundle", "exec", "thin", "-p", "3000", "--tag", "a b", "c d"], s.Command);
        Assert.Equal(["/bin/sh", "-c"], s.Entrypoint);
        Assert.Equal("/app", s.WorkingDir);
        Assert.Equal("my-s", s.ContainerName);
    }

    [Fact]
    public void Healthcheck_forms()
    {
        var project = _dir.Load("""
            services:
              cmd:
                image: x
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost"]
              none:
                image: x
                healthcheck:
                  test: ["NONE"]
              disabled:
                image: x
                healthcheck:
                  disable: true
            """);
        Assert.Equal(["CMD", "curl", "-f", "http://localhost"], project.Services["cmd"].Healthcheck!.Test);
        Assert.Equal(["NONE"], project.Services["none"].Healthcheck!.Test);
        Assert.Equal(["NONE"], project.Services["disabled"].Healthcheck!.Test);

        var error = Assert.Single(_dir.LoadFails("""
            services:
              s:
                image: x
                healthcheck:
                  test: ["curl", "-f", "http://localhost"]
            """).Errors);
        Assert.Equal("services.s.healthcheck.test", error.Key);
        Assert.Contains("CMD-SHELL", error.Message);
    }

    [Fact]
    public void Labels_profiles_and_networks()
    {
        var project = _dir.Load("""
            services:
              a:
                image: x
                labels:
                  - com.example.team=shop
                  - com.example.empty
                profiles: [debug]
                networks:
                  - back
              b:
                image: x
                labels:
                  com.example.team: billing
                networks:
                  back:
                    aliases: [billing, payments]
                  front:
            networks:
              back:
                driver: bridge
                internal: true
              front:
                name: shared-front
                external: true
            """);

        var a = project.Services["a"];
        Assert.Equal("shop", a.Labels["com.example.team"]);
        Assert.Equal("", a.Labels["com.example.empty"]);
        Assert.Equal(["debug"], a.Profiles);
        Assert.Empty(a.Networks["back"].Aliases);
        var b = project.Services["b"];
        Assert.Equal("billing", b.Labels["com.example.team"]);
        Assert.Equal(["billing", "payments"], b.Networks["back"].Aliases);
        Assert.True(b.Networks.ContainsKey("front"));
        Assert.True(project.Networks["back"].Internal);
        Assert.Equal("bridge", project.Networks["back"].Driver);
        Assert.True(project.Networks["front"].External);
        Assert.Equal("shared-front", project.Networks["front"].Name);
    }

    [Fact]
    public void Volumes_short_bind_and_long_forms()
    {
        var project = _dir.Load("""
            name: Shop
            services:
              s:
                image: x
                volumes:
                  - data:/var/data:ro
                  - ./init:/docker-entrypoint-initdb.d
                  - /tmp/abs:/abs:rw
                  - /anonymous
                  - type: bind
                    source: ./conf
                    target: /etc/conf
                    read_only: true
                  - type: volume
                    source: data
                    target: /other
                  - type: tmpfs
                    target: /scratch
            volumes:
              data:
                driver: local
                labels:
                  team: shop
            """);

        Assert.Equal("shop", project.Name);
        Assert.Equal(
        [
            new ComposeMount(ComposeMountType.Volume, "data", "/var/data", true),
            new ComposeMount(ComposeMountType.Bind, Path.Combine(_dir.Path, "init"), "/docker-entrypoint-initdb.d", false),
            new ComposeMount(ComposeMountType.Bind, "/tmp/abs", "/abs", false),
            new ComposeMount(ComposeMountType.Volume, null, "/anonymous", false),
            new ComposeMount(ComposeMountType.Bind, Path.Combine(_dir.Path, "conf"), "/etc/conf", true),
            new ComposeMount(ComposeMountType.Volume, "data", "/other", false),
            new ComposeMount(ComposeMountType.Tmpfs, null, "/scratch", false),
        ], project.Services["s"].Volumes);
        Assert.Equal("shop", project.Volumes["data"].Labels["team"]);
    }

    [Fact]
    public void Anchors_and_merge_keys_work()
    {
        var project = _dir.Load("""
            x-common: &common
              image: base:1
              environment:
                A: "1"
            services:
              a:
                <<: *common
              b:
                <<: *common
                image: other:2
            """);
        Assert.Equal("base:1", project.Services["a"].Image);
        Assert.Equal("1", project.Services["a"].Environment["A"]);
        Assert.Equal("other:2", project.Services["b"].Image);
        Assert.Empty(project.Warnings);
    }

    [Fact]
    public void Host_name_user_extra_hosts_tmpfs_limits_and_pull_policy_are_read()
    {
        var project = _dir.Load("""
            services:
              s:
                image: x
                hostname: db.local
                user: "999:999"
                extra_hosts:
                  - "api.local:10.0.0.5"
                  - "v6.local=::1"
                  - "gateway:host-gateway"
                tmpfs:
                  - /run:size=64m
                  - /cache
                privileged: true
                mem_limit: 512m
                cpus: "1.5"
                pull_policy: never
                expose:
                  - "5432"
              t:
                image: x
                extra_hosts:
                  mapped.local: 10.0.0.6
                tmpfs: /only
            """);
        var s = project.Services["s"];
        Assert.Equal("db.local", s.Hostname);
        Assert.Equal("999:999", s.User);
        Assert.Equal(new Dictionary<string, string> { ["api.local"] = "10.0.0.5", ["v6.local"] = "::1", ["gateway"] = "host-gateway" }, s.ExtraHosts);
        Assert.Equal([new ComposeMount(ComposeMountType.Tmpfs, null, "/run", false), new ComposeMount(ComposeMountType.Tmpfs, null, "/cache", false)], s.Volumes);
        Assert.True(s.Privileged);
        Assert.Equal(512L * 1024 * 1024, s.MemoryLimit);
        Assert.Equal(1.5, s.Cpus);
        Assert.Equal(Testkit.Images.PullPolicy.Never, s.PullPolicy);
        Assert.Equal("10.0.0.6", project.Services["t"].ExtraHosts["mapped.local"]);
        Assert.Equal([new ComposeMount(ComposeMountType.Tmpfs, null, "/only", false)], project.Services["t"].Volumes);
        Assert.Empty(project.Warnings);
    }

    [Fact]
    public void Bad_sizes_cpus_hosts_and_pull_policies_name_key_and_line()
    {
        var error = _dir.LoadFails("""
            services:
              s:
                image: x
                mem_limit: lots
                cpus: many
                extra_hosts:
                  - "nowhere"
                pull_policy: sometimes
            """);

        Assert.Collection(error.Errors,
            e => { Assert.Equal("services.s.mem_limit", e.Key); Assert.Equal(4, e.Source.Line); Assert.Contains("512m", e.Message); },
            e => { Assert.Equal("services.s.cpus", e.Key); Assert.Equal(5, e.Source.Line); },
            e => { Assert.Equal("services.s.extra_hosts", e.Key); Assert.Equal(7, e.Source.Line); Assert.Contains("nowhere", e.Message); },
            e => { Assert.Equal("services.s.pull_policy", e.Key); Assert.Equal(8, e.Source.Line); Assert.Contains("sometimes", e.Message); });
    }

    [Theory]
    [InlineData("512m", 512L * 1024 * 1024)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1.5gb", 3L << 29)]
    [InlineData("2048k", 2048L * 1024)]
    [InlineData("100b", 100)]
    [InlineData("4096", 4096)]
    public void Byte_sizes_follow_the_specification(string text, long bytes) => Assert.Equal(bytes, ByteSizes.Parse(text));
}
