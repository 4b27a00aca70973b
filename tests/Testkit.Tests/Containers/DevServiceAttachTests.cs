using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Containers;

/// <summary>TESTKIT_DEV_SERVICES points a module's containers at a running dev service. Each test uses a module name of
/// its own, so that no other container of this process is redirected while the variable is set.</summary>
public sealed class DevServiceAttachTests
{
    private readonly string module = "attach-test-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_module_container_takes_the_named_dev_service_with_its_environment_and_leaves_it_running()
    {
        var name = "dev-" + Guid.NewGuid().ToString("N")[..8];
        await using var devService = new ContainerBuilder("debian:bookworm").ReplaceCommand("sleep", "infinity")
            .WithEnvironment("DEV_USER", "alice")
            .WithLabel(ResourceLabels.DevService, name).WithLabel(ResourceLabels.DevModule, module)
            .WithLabel(ResourceLabels.DevRole, ResourceLabels.DevMainRole).Build();
        await devService.StartAsync();

        Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"other=x, {module}={name}");
        try
        {
            await using (var container = new ContainerBuilder("debian:bookworm").ReplaceCommand("false").WithEnvironment("DEV_USER", "bob").WithModule(module).Build())
            {
                await container.StartAsync();
                Assert.Equal(devService.Id, container.Id);
                Assert.Equal(name, container.DevService);
                Assert.Equal("alice", container.Settings.Environment["DEV_USER"]);
            }

            Assert.True(await EngineProbe.ContainerRunningAsync(devService.Id), "the dev service must stay as it was");
        }
        finally
        {
            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task A_missing_dev_service_says_how_to_start_it()
    {
        Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, $"{module}=nowhere");
        try
        {
            await using var container = new ContainerBuilder("debian:bookworm").WithModule(module).Build();
            var error = await Assert.ThrowsAsync<TestkitException>(() => container.StartAsync());
            Assert.Contains($"testkit up {module} --name nowhere", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
        }
    }

    [Theory]
    [InlineData("postgres=demo", "postgres", "demo")]
    [InlineData("redis=cache; postgres = demo ", "postgres", "demo")]
    [InlineData("redis=cache", "postgres", null)]
    [InlineData("", "postgres", null)]
    public void The_mapping_is_read_per_module(string value, string module, string? expected)
    {
        Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, value);
        try
        {
            Assert.Equal(expected, DevServices.For(module));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DevServices.EnvironmentVariable, null);
        }
    }
}
