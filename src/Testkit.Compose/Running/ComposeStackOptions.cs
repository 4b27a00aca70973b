using Microsoft.Extensions.Logging;
using Testkit.Containers;

namespace Testkit.Compose;

/// <summary>Options for running compose files as a <see cref="ComposeStack"/>.</summary>
public sealed record ComposeStackOptions
{
    /// <summary>The variables for interpolation; null means the process environment. They win over the .env file.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The project name; null takes the top-level <c>name</c>, else the first file's directory name.</summary>
    public string? ProjectName { get; init; }

    /// <summary>The profiles to enable; services without profiles always run.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The host address published ports bind to: 127.0.0.1 unless asked, so nothing is exposed to the network.</summary>
    public string HostIp { get; init; } = PortBinding.Loopback;

    /// <summary>How long each service may take to become ready; null keeps the core default.</summary>
    public TimeSpan? StartupTimeout { get; init; }

    /// <summary>Where the stack and its containers log; null logs nothing.</summary>
    public ILogger? Logger { get; init; }
}
