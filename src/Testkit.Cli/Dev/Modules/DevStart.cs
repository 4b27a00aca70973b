using Microsoft.Extensions.Logging;
using Testkit.Containers;

namespace Testkit.Cli.Dev.Modules;

/// <summary>What one <c>testkit up</c> asked for, after defaults and checks.</summary>
/// <param name="Name">The service's name.</param>
/// <param name="Module">The module.</param>
/// <param name="Port">The host port on 127.0.0.1.</param>
/// <param name="Version">The image tag.</param>
/// <param name="Password">The password, for modules that use one.</param>
/// <param name="StartupTimeout">How long each container may take to become ready.</param>
/// <param name="Logger">Receives the SDK's progress (shown by the spinner).</param>
internal sealed record DevStart(string Name, DevModule Module, int Port, string Version, string? Password, TimeSpan StartupTimeout, ILogger Logger)
{
    // The compiler's PrintMembers would print the password.
    private bool PrintMembers(System.Text.StringBuilder builder) => SecretMasker.PrintMembers(this, builder);

    /// <summary>Makes a module's container a dev service's: its name, labels (kept by every session cleanup), its named
    /// volume at <paramref name="dataPath"/>, restarted by the engine after a reboot, and, for the part clients use, the
    /// fixed host port instead of the module's random one.</summary>
    public ContainerBuilder Configure(ContainerBuilder container, string role, string dataPath, int? publishedPort, string image)
    {
        ArgumentNullException.ThrowIfNull(container);
        var settings = container.Settings;
        if (publishedPort is { } port)
        {
            settings = settings with { Ports = [new PortBinding(port).OnHostPort(Port)] };
        }

        var builder = new ContainerBuilder(settings)
            .WithName(DevNames.Container(Name, role))
            .WithVolumeMount(DevNames.Volume(Name, role), dataPath)
            .WithRestartPolicy(RestartPolicy.UnlessStopped)
            .WithStartupTimeout(StartupTimeout)
            .WithLogger(Logger)
            .WithLabel(DevLabels.Image, image);
        if (publishedPort is { } containerPort)
        {
            builder = builder.WithLabel(DevLabels.Port, containerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return DevLabels.For(Name, Module.Name, role).Aggregate(builder, (b, label) => b.WithLabel(label.Key, label.Value));
    }
}
