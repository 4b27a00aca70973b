namespace Testkit.Postgres.Snapshots;

/// <summary>A snapshot image on the engine: what a start from it and the retention policy need to know.</summary>
/// <param name="Id">The image id.</param>
/// <param name="Name">The name it is found by, or null when it lost its tag (a dangling snapshot).</param>
/// <param name="Key">The snapshot key it was made for.</param>
/// <param name="LastUsed">When it was made or last started from, whichever is later.</param>
/// <param name="DataOwner">The numeric <c>uid:gid</c> owning the data directory, to run the server as, or null for the image's user.</param>
/// <param name="Image">What the engine said of the image when it was found by name, or null (listings).</param>
internal sealed record SnapshotInfo(string Id, string? Name, string Key, DateTimeOffset LastUsed, string? DataOwner = null, Images.ImageInfo? Image = null);
