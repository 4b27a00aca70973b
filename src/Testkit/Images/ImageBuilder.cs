using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Testkit.Cleanup;
using Testkit.Containers;
using Testkit.Engine;
using Testkit.Networks;

namespace Testkit.Images;

/// <summary>Describes an image built from a Dockerfile. Immutable: every <c>WithX</c> returns a new builder.</summary>
/// <remarks>Base images in <c>FROM</c> lines follow the machine's image substitutions (as containers do) and the pull
/// policy. An image whose build hash (context files, Dockerfile, base image ids, build args, target, labels) is already
/// on the engine is reused without a build. Images are removed when the <see cref="BuiltImage"/> is disposed unless
/// <see cref="WithKeep"/> says otherwise.</remarks>
/// <example><code>
/// await using var image = await new ImageBuilder("src/app").WithBuildArg("VERSION", "1.2").BuildAsync();
/// await using var app = new ContainerBuilder(image).WithPortBinding(8080).Build();
/// </code></example>
public sealed partial record ImageBuilder
{
    /// <summary>The label that carries an image's build hash; a build is skipped when its tag has this label with the same hash.</summary>
    public const string BuildHashLabel = "org.testkit.build-hash";

    /// <summary>The repository of default tags: <c>testkit-build/&lt;context directory name&gt;:&lt;build hash&gt;</c>.</summary>
    public const string DefaultRepositoryPrefix = "testkit-build/";

    private const string HashVersion = "testkit-build-v1";
    private const int TagHashLength = 16;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> BuildsInProgress = new(StringComparer.Ordinal);

    /// <summary>Starts a description of an image built from <paramref name="contextDirectory"/> (relative paths start at
    /// the current directory) with the <c>Dockerfile</c> at its root unless <see cref="WithDockerfile"/> says otherwise.</summary>
    public ImageBuilder(string contextDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contextDirectory);
        ContextDirectory = Path.GetFullPath(contextDirectory);
    }

    /// <summary>The build context: every file under it that <c>.dockerignore</c> does not exclude is sent to the engine.</summary>
    public string ContextDirectory { get; private init; }

    /// <summary>The Dockerfile, absolute; null for <c>Dockerfile</c> at the context root.</summary>
    public string? Dockerfile { get; private init; }

    /// <summary>Values of the Dockerfile's <c>ARG</c>s.</summary>
    public ImmutableDictionary<string, string> BuildArgs { get; private init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Values masked in build logs and errors, beside those of secret-looking build args (see <see cref="Containers.SecretMasker"/>).</summary>
    public ImmutableHashSet<string> Secrets { get; private init; } = ImmutableHashSet<string>.Empty;

    /// <summary>The stage of a multi-stage Dockerfile to build, or null for the last one.</summary>
    public string? Target { get; private init; }

    /// <summary>Labels of the image, beside the ones Testkit adds.</summary>
    public ImmutableDictionary<string, string> Labels { get; private init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The image's tags; empty for the default <c>testkit-build/&lt;context&gt;:&lt;build hash&gt;</c>.</summary>
    public ImmutableArray<string> Tags { get; private init; } = [];

    /// <summary>True to build every step again, ignoring the engine's layer cache and Testkit's build hash.</summary>
    public bool NoCache { get; private init; }

    /// <summary>When base images are pulled.</summary>
    public PullPolicy PullPolicy { get; private init; } = PullPolicy.Missing;

    /// <summary>True to leave the image on the engine after dispose (and out of the session's cleanup).</summary>
    public bool Keep { get; private init; }

    /// <summary>Where build steps, output and timings go; null for nowhere.</summary>
    public ILogger? Logger { get; private init; }

    /// <summary>Uses another Dockerfile: inside the context or anywhere else (it is then sent under a generated name);
    /// a relative path starts at the context directory.</summary>
    public ImageBuilder WithDockerfile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return this with { Dockerfile = Path.GetFullPath(path, ContextDirectory) };
    }

    /// <summary>Sets a build arg (the value of an <c>ARG</c>, also in <c>FROM</c> lines). Its value is masked in build logs
    /// and errors when its name looks secret (see <see cref="Containers.SecretMasker"/>) or <paramref name="secret"/> is true.</summary>
    /// <remarks>The engine keeps build args in the image's history (<c>docker history</c>) for the steps that use them:
    /// masking protects logs and errors, not the image. Give real credentials at run time instead.</remarks>
    public ImageBuilder WithBuildArg(string name, string value, bool secret = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { BuildArgs = BuildArgs.SetItem(name, value), Secrets = secret && value.Length > 0 ? Secrets.Add(value) : Secrets };
    }

    /// <summary>Builds the stage named <paramref name="stage"/> (<c>FROM … AS stage</c>) instead of the last one.</summary>
    public ImageBuilder WithTarget(string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        return this with { Target = stage };
    }

    /// <summary>Adds a label to the image.</summary>
    public ImageBuilder WithLabel(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Labels = Labels.SetItem(name, value) };
    }

    /// <summary>Adds a tag (<c>repository[:tag]</c>); the first one names the image. Without any, the default tag carries the build hash.</summary>
    public ImageBuilder WithTag(string tag)
    {
        var reference = ImageReference.Parse(tag);
        if (reference.Digest is not null)
        {
            throw new ArgumentException($"'{tag}' has a digest; a tag is repository[:tag], e.g. my-app:test.", nameof(tag));
        }

        return this with { Tags = Tags.Add(reference.ToString()) };
    }

    /// <summary>Ignores the engine's layer cache and Testkit's build hash: every step runs again.</summary>
    public ImageBuilder WithNoCache(bool noCache = true) => this with { NoCache = noCache };

    /// <summary>Sets when base images are pulled: <see cref="PullPolicy.Missing"/> (the default) when the engine lacks
    /// them, <see cref="PullPolicy.Always"/> on every build (then the build hash is not checked), <see cref="PullPolicy.Never"/>.</summary>
    public ImageBuilder WithPullPolicy(PullPolicy policy) => this with { PullPolicy = policy };

    /// <summary>Keeps the image on the engine after dispose, without the session label, so a later run with the same
    /// inputs reuses it without building.</summary>
    public ImageBuilder WithKeep(bool keep = true) => this with { Keep = keep };

    /// <summary>Sends build steps (Information), build output (Debug) and timings to <paramref name="logger"/>.</summary>
    public ImageBuilder WithLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return this with { Logger = logger };
    }

    /// <summary>Builds the image, or finds it up to date on the engine.</summary>
    /// <exception cref="ArgumentException">The context directory or the Dockerfile does not exist, or a tag is not valid.</exception>
    /// <exception cref="ImageBuildException">A step failed, or the engine refused the Dockerfile.</exception>
    /// <exception cref="ImageNotFoundException">A base image is missing and could not be pulled (or the policy is Never).</exception>
    /// <exception cref="TestkitException">The <c>.dockerignore</c> file has an invalid pattern.</exception>
    public async Task<BuiltImage> BuildAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var logger = Logger ?? NullLogger.Instance;
        var dockerfilePath = Dockerfile ?? Path.Combine(ContextDirectory, "Dockerfile");
        Validate(dockerfilePath);
        var engine = await DockerEngine.GetSharedAsync(logger, cancellationToken).ConfigureAwait(false);

        // The Dockerfile as the engine gets it: base images substituted and, unless the policy is Always, present.
        var original = await File.ReadAllTextAsync(dockerfilePath, cancellationToken).ConfigureAwait(false);
        var (dockerfileText, baseIds, baseImages) = await ResolveBasesAsync(engine, original, logger, cancellationToken).ConfigureAwait(false);

        var relativeDockerfile = Path.GetRelativePath(ContextDirectory, dockerfilePath).Replace('\\', '/');
        var insideContext = !relativeDockerfile.StartsWith("../", StringComparison.Ordinal) && relativeDockerfile != ".." && !Path.IsPathRooted(relativeDockerfile);
        var ignoreFile = Path.Combine(ContextDirectory, ".dockerignore");
        var ignoreText = File.Exists(ignoreFile) ? await File.ReadAllTextAsync(ignoreFile, cancellationToken).ConfigureAwait(false) : null;
        var ignore = ignoreText is null ? DockerIgnore.Empty : DockerIgnore.Parse(ignoreText, ignoreFile);

        // As the docker CLI: the engine needs the Dockerfile and .dockerignore even when they are ignored (it drops
        // them from the context itself after reading them).
        var exceptions = new List<string>();
        if (ignore.IsExcluded(".dockerignore"))
        {
            exceptions.Add(".dockerignore");
        }

        var sendsOwnDockerfile = insideContext && dockerfileText == original;
        if (sendsOwnDockerfile && ignore.IsExcluded(relativeDockerfile))
        {
            exceptions.Add(relativeDockerfile);
        }

        var context = BuildContext.Scan(ContextDirectory, exceptions.Count == 0 ? ignore : ignore.WithExceptions([.. exceptions]), cancellationToken);
        var dockerfileInContext = relativeDockerfile;
        var generatedName = ".dockerfile." + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dockerfileText)))[..20];
        void SendUnderGeneratedName(string text)
        {
            // Sent under a generated name and listed in .dockerignore, as the docker CLI sends a Dockerfile from
            // outside the context, so that COPY . never copies it; the user's own Dockerfile stays as it is.
            dockerfileInContext = generatedName;
            context.Replace(dockerfileInContext, Encoding.UTF8.GetBytes(text));
            context.Replace(".dockerignore", Encoding.UTF8.GetBytes((ignoreText ?? ".dockerignore") + "\n" + dockerfileInContext + "\n"));
        }

        if (!sendsOwnDockerfile)
        {
            SendUnderGeneratedName(dockerfileText);
        }

        var hash = await HashAsync(dockerfileInContext, dockerfileText, baseIds, context, cancellationToken).ConfigureAwait(false);
        if (!Keep && PullPolicy != PullPolicy.Always)
        {
            // After the hash, which names the bases themselves: a session's labels on every image the build makes, the
            // intermediate ones included, so that the session's cleanup finds what a killed build left (SessionBaseImages).
            // A kept image names no session; with Always the engine pulls the bases by name itself.
            SendUnderGeneratedName(await SessionBaseImages.RewriteAsync(engine, dockerfileText, BuildArgs, cancellationToken).ConfigureAwait(false));
        }
        string[] tags = Tags.IsEmpty ? [DefaultTag(hash)] : [.. Tags];
        var gate = BuildsInProgress.GetOrAdd(hash + (Keep ? "+keep" : ""), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!NoCache && PullPolicy != PullPolicy.Always
                && await FindUpToDateAsync(engine, tags, hash, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                logger.ImageUpToDate(tags[0], ShortId(existing.Id), hash[..TagHashLength], clock.ElapsedMilliseconds);
                return existing;
            }

            logger.ImageBuilding(tags[0], ContextDirectory, Path.GetRelativePath(ContextDirectory, dockerfilePath), context.Count, context.Bytes);
            var labels = BuildLabels(hash);
            var secrets = SecretMasker.SecretValues(BuildArgs, Secrets);
            var output = new BuildOutput(tags[0], logger, secrets, new BuildStep.Numbering([.. labels.Keys]));
            await RunBuildAsync(engine, context, dockerfileInContext, tags, labels, baseImages, output, dockerfilePath, secrets, cancellationToken).ConfigureAwait(false);
            var built = await ImageCleanup.InspectAsync(engine, tags[0], cancellationToken).ConfigureAwait(false)
                ?? throw new TestkitException($"The engine reported building {tags[0]} but has no such image; was it removed meanwhile? Build again.");
            if (!Keep)
            {
                SessionImages.Acquire(built.ID, output.IntermediateImages.Where(id => !built.ID.Contains(id, StringComparison.Ordinal)));
            }

            logger.ImageBuilt(tags[0], ShortId(built.ID), clock.ElapsedMilliseconds);
            return new BuiltImage(engine, built.ID, tags, hash, fromCache: false, kept: Keep, owned: !Keep, logger);
        }
        finally
        {
            gate.Release();
        }
    }

    private static string ShortId(string id) => id.Replace("sha256:", "", StringComparison.Ordinal)[..Math.Min(12, id.Length)];

    private void Validate(string dockerfilePath)
    {
        if (!System.IO.Directory.Exists(ContextDirectory))
        {
            throw new ArgumentException(
                $"The build context '{ContextDirectory}' does not exist. Pass an existing directory to ImageBuilder (relative paths start at {System.IO.Directory.GetCurrentDirectory()}).");
        }

        if (!File.Exists(dockerfilePath))
        {
            throw new ArgumentException(
                $"The Dockerfile '{dockerfilePath}' does not exist. Create it, or name another with WithDockerfile (relative paths start at the context {ContextDirectory}).");
        }
    }

    /// <summary>Applies the machine's substitutions to the base images and, unless the policy is Always (the engine
    /// pulls then), makes sure they are on the engine; returns the Dockerfile to send and the bases' image ids.</summary>
    private async Task<(string Dockerfile, IReadOnlyList<string> BaseIds, IReadOnlyList<string> BaseImages)> ResolveBasesAsync(DockerEngine engine, string dockerfile, ILogger logger, CancellationToken cancellationToken)
    {
        var parsed = DockerfileBases.Parse(dockerfile, BuildArgs);
        var replacements = new Dictionary<DockerfileBases.Base, string>();
        var ids = new List<string>();
        var images = new List<string>();
        foreach (var source in parsed.Bases)
        {
            string image;
            if (PullPolicy == PullPolicy.Always)
            {
                image = ImageResolver.Substitutions.TryApply(source.Image, out var replacement, out var rule) ? replacement : source.Image;
                if (image != source.Image)
                {
                    logger.BaseImageSubstituted(source.Image, image, rule);
                }
            }
            else
            {
                image = await ImageResolver.ResolveAsync(engine, source.Image, PullPolicy, logger, cancellationToken).ConfigureAwait(false);
            }

            images.Add(image);
            if (image != source.Written)
            {
                replacements[source] = image;
            }

            ids.Add(source.Image + "=" + ((await ImageCleanup.InspectAsync(engine, image, cancellationToken).ConfigureAwait(false))?.ID ?? "absent"));
        }

        // A base written with variables that nothing substitutes stays as written: the engine expands it the same way.
        foreach (var (source, image) in replacements.Where(r => r.Key.Image == r.Value).ToList())
        {
            replacements.Remove(source);
        }

        return (replacements.Count == 0 ? dockerfile : parsed.Rewrite(replacements), ids, images);
    }

    private async Task<string> HashAsync(string dockerfileName, string dockerfile, IReadOnlyList<string> baseIds, BuildContext context, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        Field(HashVersion);
        Field(dockerfileName);
        Field(dockerfile);
        baseIds.ToList().ForEach(Field);
        Field("args");
        BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal).ToList().ForEach(a => Field(a.Key + "=" + a.Value));
        Field("target=" + Target);
        Field("labels");
        Labels.OrderBy(a => a.Key, StringComparer.Ordinal).ToList().ForEach(a => Field(a.Key + "=" + a.Value));
        await context.HashAsync(hash, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private string DefaultTag(string hash)
    {
        var name = SeparatorRegex().Replace(Path.GetFileName(ContextDirectory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)).ToLowerInvariant(), "-").Trim('-');
        name = name.Length == 0 ? "context" : name[..Math.Min(name.Length, 64)].TrimEnd('-');
        return $"{DefaultRepositoryPrefix}{name}:{hash[..TagHashLength]}";
    }

    /// <summary>The image under the first tag when it carries this build hash and may be shared: built by this process
    /// (the same session label), or kept by an earlier run (no session label). An image of another live session is
    /// not reused, since that session removes it when it ends.</summary>
    private async Task<BuiltImage?> FindUpToDateAsync(DockerEngine engine, string[] tags, string hash, CancellationToken cancellationToken)
    {
        if (await ImageCleanup.InspectAsync(engine, tags[0], cancellationToken).ConfigureAwait(false) is not { } image
            || image.Config?.Labels is not { } labels
            || !labels.TryGetValue(BuildHashLabel, out var found) || found != hash)
        {
            return null;
        }

        var session = labels.TryGetValue(ResourceLabels.Session, out var s) ? s : null;
        var ours = session == ResourceLabels.SessionId;
        if ((Keep && session is not null) || (!Keep && session is not null && !ours))
        {
            return null;
        }

        foreach (var tag in tags.Skip(1))
        {
            var reference = ImageReference.Parse(tag);
            await engine.Client.Images.TagImageAsync(image.ID, new ImageTagParameters { RepositoryName = reference.Repository, Tag = reference.EffectiveTag }, cancellationToken).ConfigureAwait(false);
        }

        if (ours)
        {
            SessionImages.Acquire(image.ID, []);
        }

        return new BuiltImage(engine, image.ID, tags, hash, fromCache: true, kept: session is null, owned: ours, Logger ?? NullLogger.Instance);
    }

    /// <summary>The labels passed with the build: the user's, the session's (unless kept) and the build hash. The engine
    /// adds a <c>LABEL</c> step for each.</summary>
    private Dictionary<string, string> BuildLabels(string hash)
    {
        var labels = new Dictionary<string, string>(Labels);
        foreach (var (key, value) in ResourceLabels.ForThisSession)
        {
            // A kept image must outlive the session: it names no session nor owner, so no session cleanup claims it.
            if (!Keep || !(key == ResourceLabels.Session || key.StartsWith("org.testkit.owner.", StringComparison.Ordinal)))
            {
                labels[key] = value;
            }
        }

        // Explicit either way: a build FROM a kept image (a snapshot: keep=tagged) would inherit its keep label.
        labels[Cleanup.ResourceLabels.Keep] = Keep ? "true" : "false";

        labels[BuildHashLabel] = hash;
        return labels;
    }

    private async Task RunBuildAsync(
        DockerEngine engine, BuildContext context, string dockerfileInContext, string[] tags, Dictionary<string, string> labels, IReadOnlyList<string> baseImages,
        BuildOutput output, string dockerfilePath, IReadOnlyList<string> secrets, CancellationToken cancellationToken)
    {
        var parameters = new ImageBuildParameters
        {
            Dockerfile = dockerfileInContext,
            Tags = tags,
            BuildArgs = new Dictionary<string, string>(BuildArgs),
            Labels = labels,
            Target = Target!,
            NoCache = NoCache,
            Pull = PullPolicy == PullPolicy.Always ? "true" : null!,
            Remove = true,
            // Also after a failed step, so a failed build leaves no container behind.
            ForceRemove = true,
            // The legacy builder, whose "Step n/m" output this class reads; BuildKit streams protobuf traces instead.
            Version = "1",
        };
        var authConfigs = new List<AuthConfig>();
        if (PullPolicy == PullPolicy.Always)
        {
            foreach (var image in baseImages.Distinct())
            {
                if (await AuthConfigs.ForImageAsync(image, Logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false) is { } auth)
                {
                    authConfigs.Add(auth);
                }
            }
        }

        var logger = Logger ?? NullLogger.Instance;
        try
        {
            await using var tar = await context.WriteTarAsync(cancellationToken).ConfigureAwait(false);
            await engine.Client.Images.BuildImageFromDockerfileAsync(
                parameters, tar, authConfigs, new Dictionary<string, string>(), new SyncProgress<JSONMessage>(output.Report), cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            output.Flush();
            await ImageCleanup.RemoveUntaggedAsync(engine, output.IntermediateImages, tags[0], logger).ConfigureAwait(false);
            throw new ImageBuildException(tags[0], dockerfilePath, ContextDirectory, output.Step, SecretMasker.MaskText(EngineErrorText.Of(e), secrets), output.StepOutput, e);
        }
        catch (OperationCanceledException)
        {
            await ImageCleanup.RemoveUntaggedAsync(engine, output.IntermediateImages, tags[0], logger).ConfigureAwait(false);
            throw;
        }

        output.Flush();
        if (output.Error is { } error)
        {
            // The last good step's image is nobody's parent now: remove it, as the CLI's build cache would never be asked for it.
            await ImageCleanup.RemoveUntaggedAsync(engine, output.IntermediateImages, tags[0], logger).ConfigureAwait(false);
            throw new ImageBuildException(tags[0], dockerfilePath, ContextDirectory, output.Step, error, output.StepOutput, null);
        }
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex SeparatorRegex();
}
