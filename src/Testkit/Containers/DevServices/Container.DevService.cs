using System.Collections.Immutable;
using Testkit.Engine;

namespace Testkit.Containers;

// A running dev service taken instead of a new container (see DevServices).
public partial class Container
{
    /// <summary>Takes a running dev service instead of creating a container: its environment replaces the described one,
    /// so that a module reads the dev service's user, password and database.</summary>
    private async Task AttachToDevServiceAsync(string name, CancellationToken cancellationToken)
    {
        startStep = "connecting to the engine";
        engine = await DockerEngine.GetSharedAsync(logger, RemainingStartTime, cancellationToken).ConfigureAwait(false);
        startStep = $"finding dev service {name}";
        var found = await DevServices.FindAsync(engine, Settings.Module!, name, cancellationToken).ConfigureAwait(false);
        var inspect = await engine.Client.Containers.InspectContainerAsync(found.ID, cancellationToken).ConfigureAwait(false);
        id = found.ID;
        Image = found.Image;
        attachedDevService = name;
        var environment = (inspect.Config?.Env ?? []).Select(e => e.Split('=', 2)).Where(e => e.Length == 2)
            .ToImmutableDictionary(e => e[0], e => e[1]);
        Settings = Settings with { Environment = environment };
        logger.AttachedToDevService(ShortId, Settings.Module!, name);
    }
}
