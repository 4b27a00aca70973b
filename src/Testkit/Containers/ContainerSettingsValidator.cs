namespace Testkit.Containers;

/// <summary>Rejects descriptions that cannot work before anything is created on the engine.</summary>
internal static class ContainerSettingsValidator
{
    public static ContainerSettings Validate(ContainerSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Image))
        {
            throw new ArgumentException("A container needs an image name, e.g. \"redis:7\".", nameof(settings));
        }

        _ = Images.ImageReference.Parse(settings.Image);
        foreach (var mount in settings.Mounts.Where(m => m.Type == MountType.Bind))
        {
            if (!File.Exists(mount.Source) && !Directory.Exists(mount.Source))
            {
                throw new ArgumentException(
                    $"Bind mount source '{mount.Source}' does not exist on this machine. Create it first, or fix the path.", nameof(settings));
            }
        }

        foreach (var file in settings.Files.Where(f => f.SourcePath is not null))
        {
            if (!File.Exists(file.SourcePath) && !Directory.Exists(file.SourcePath))
            {
                throw new ArgumentException($"'{file.SourcePath}', to be copied to '{file.Path}', does not exist on this machine.", nameof(settings));
            }
        }

        var duplicate = settings.Ports.Where(p => p.HostPort != 0).GroupBy(p => (p.HostIp, p.HostPort, p.Protocol)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Host port {duplicate.Key.HostIp}:{duplicate.Key.HostPort} is published twice.", nameof(settings));
        }

        if (settings.Reuse)
        {
            // A reused container outlives the session; what the session owns would be removed under it.
            if (settings.Networks.Any(n => n.OwnedNetwork is not null) || settings.Mounts.Any(m => m.OwnedVolume is not null))
            {
                throw new ArgumentException(
                    "A reused container cannot join a network or mount a volume created by this test session: it would outlive them. "
                    + "Join a network and mount a volume by name (created outside the session), or do not reuse this container.", nameof(settings));
            }

            if (settings.AutoRemove)
            {
                throw new ArgumentException("A reused container cannot be auto-removed: choose WithReuse or WithAutoRemove.", nameof(settings));
            }
        }

        return settings;
    }
}
