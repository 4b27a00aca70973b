using Testkit.Containers;
using Testkit.Engine;
using Testkit.Tests.Shared;
using Testkit.Tests.Support;

namespace Testkit.Tests.Containers;

public class ContainerConfigurationTests
{
    private static readonly ContainerBuilder Sleeper = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity");

    [Fact]
    public async Task Host_name_working_directory_user_environment_file_and_extra_hosts_reach_the_process()
    {
        var envFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(envFile, "# comment\nFROM_FILE=file-value\n\nSECOND=two\n");
        await using var container = Sleeper
            .WithHostname("testkit-host")
            .WithWorkingDirectory("/tmp")
            .WithUser("1234:5678")
            .WithEnvironmentFile(envFile)
            .WithExtraHost("db.internal", "10.1.2.3")
            .WithLabel("team", "platform")
            .Build();
        await container.StartAsync();

        var result = await container.ExecAsync(["sh", "-c", "hostname; pwd; id -u; id -g; echo $FROM_FILE $SECOND; grep db.internal /etc/hosts"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["testkit-host", "/tmp", "1234", "5678", "file-value two"], result.Stdout.Split('\n').Take(5));
        Assert.Contains("10.1.2.3", result.Stdout, StringComparison.Ordinal);
        var inspect = await Inspect(container);
        Assert.Equal("platform", inspect.Config!.Labels["team"]);
        Assert.Equal("true", inspect.Config.Labels[Testkit.Cleanup.ResourceLabels.Managed]);
        Assert.False(inspect.HostConfig!.Privileged);
    }

    [Fact]
    public async Task Limits_and_restart_policy_are_applied()
    {
        await using var container = Sleeper
            .WithResourceLimits(memoryBytes: 64 * 1024 * 1024, cpus: 0.5)
            .WithRestartPolicy(RestartPolicy.OnFailure)
            .Build();
        await container.StartAsync();

        var inspect = await Inspect(container);

        Assert.Equal(64 * 1024 * 1024, inspect.HostConfig!.Memory);
        Assert.Equal(500_000_000, inspect.HostConfig.NanoCPUs);
        Assert.Equal(Docker.DotNet.Models.RestartPolicyKind.OnFailure, inspect.HostConfig.RestartPolicy.Name);
    }

    [Fact]
    public void Privileged_is_requested_only_when_asked()
    {
        // Not started: this sandbox refuses the capabilities a privileged container needs; the request is what Testkit owns.
        Assert.False(ContainerSpec.ToCreateParameters(Sleeper.Settings, "debian:bookworm").HostConfig!.Privileged);
        Assert.True(ContainerSpec.ToCreateParameters(Sleeper.WithPrivileged().Settings, "debian:bookworm").HostConfig!.Privileged);
    }

    [Fact]
    public async Task An_auto_removed_container_is_gone_once_it_exits()
    {
        await using var container = new ContainerBuilder("debian:bookworm").ReplaceCommand("sh", "-c", "sleep 0.3").WithAutoRemove().Build();
        await container.StartAsync();

        await Eventually.ReturnsAsync(() => EngineProbe.ContainerExistsAsync(container.Id), exists => !exists, "the auto-removed container to disappear");
    }

    [Fact]
    public void A_bind_mount_whose_source_does_not_exist_is_rejected_at_build_before_anything_is_created()
    {
        var builder = Sleeper.WithBindMount("/no/such/testkit/dir", "/data");

        var error = Assert.Throws<ArgumentException>(() => builder.Build());

        Assert.Contains("/no/such/testkit/dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_rejected_before_anything_is_created()
    {
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder(""));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7").WithFile("relative/path", "x"));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7").WithTmpfsMount("relative"));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7").WithExtraHost("db", "not-an-ip"));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7").WithResourceLimits(memoryBytes: 1024));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7").WithEnvironmentFile("/no/such/file.env"));
        Assert.ThrowsAny<ArgumentException>(() => new ContainerBuilder("redis:7")
            .WithPortBinding(new PortBinding(1).OnHostPort(18080)).WithPortBinding(new PortBinding(2).OnHostPort(18080)).Build());
    }

    [Fact]
    public async Task Pull_policy_never_refuses_a_missing_image_and_always_falls_back_to_the_local_copy_offline()
    {
        var never = new ContainerBuilder("testkit-test/absent:1").WithPullPolicy(Testkit.Images.PullPolicy.Never).Build();
        var error = await Assert.ThrowsAsync<Testkit.Images.ImageNotFoundException>(() => never.StartAsync());
        Assert.Contains("pull policy is Never", error.Message, StringComparison.Ordinal);

        // No registry answers here: Always tries, fails, and uses what the engine has.
        await using var always = Sleeper.WithPullPolicy(Testkit.Images.PullPolicy.Always).Build();
        await always.StartAsync();
        Assert.True((await always.GetStateAsync()).Running);
    }

    internal static async Task<Docker.DotNet.Models.ContainerInspectResponse> Inspect(Container container) =>
        await (await DockerEngine.GetSharedAsync()).Client.Containers.InspectContainerAsync(container.Id);
}
