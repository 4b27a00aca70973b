using Testkit.Images;

namespace Testkit.Containers;

/// <summary>What a first start creates: the settings, and the image they run, resolved already. A module's
/// <see cref="Container.PrepareStartAsync"/> receives the described settings with their resolved image and returns what is
/// created instead.</summary>
/// <param name="Settings">The settings the container is created with.</param>
/// <param name="Image">The resolved image of <paramref name="Settings"/>: a module that swaps the image passes what it
/// learnt of the new one (its <see cref="ImageStore.InspectAsync"/> result), so that it is not inspected again; when
/// neither its <see cref="ResolvedImage.Requested"/> nor its <see cref="ResolvedImage.Reference"/> is the settings' image, the
/// start resolves that image itself.</param>
public sealed record PreparedStart(ContainerSettings Settings, ResolvedImage Image);
