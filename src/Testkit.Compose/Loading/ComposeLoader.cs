using Testkit.Formats;

namespace Testkit.Compose;

/// <summary>Reads compose files into a validated <see cref="ComposeProject"/>, following the Compose specification.</summary>
public static class ComposeLoader
{
    /// <summary>Reads one compose file.</summary>
    public static ComposeProject Load(string file, ComposeLoadOptions? options = null) => Load([file], options);

    /// <summary>Reads compose files in order; later files override earlier ones by the specification's merge rules.</summary>
    public static ComposeProject Load(IReadOnlyList<string> files, ComposeLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("Give at least one compose file, such as \"docker-compose.yaml\".", nameof(files));
        }

        options ??= new ComposeLoadOptions();
        var paths = files.Select(Path.GetFullPath).ToList();
        var projectDirectory = Path.GetDirectoryName(paths[0])!;
        var dotEnvErrors = new List<ComposeDiagnostic>();
        var env = BuildEnvironment(projectDirectory, options.Environment, dotEnvErrors);

        var state = new LoadState(projectDirectory, env);
        state.Errors.AddRange(dotEnvErrors);
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                state.Errors.Add(new ComposeDiagnostic(new ComposeSource(path, 0), "(file)", "the compose file does not exist: check the path, relative to the current directory " + Directory.GetCurrentDirectory()));
                continue;
            }

            new ComposeFileReader(path, state).Read(File.ReadAllText(path));
        }

        return state.Build(options.ProjectName);
    }

    private static Dictionary<string, string> BuildEnvironment(string projectDirectory, IReadOnlyDictionary<string, string>? given, List<ComposeDiagnostic> errors)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var dotEnv = Path.Combine(projectDirectory, ".env");
        if (File.Exists(dotEnv))
        {
            try
            {
                foreach (var entry in EnvFile.Read(dotEnv))
                {
                    if (entry.Value is not null)
                    {
                        env[entry.Name] = entry.Value;
                    }
                }
            }
            catch (EnvFileFormatException e)
            {
                errors.AddRange(EnvFileErrors.At(e, "(.env)"));
            }
        }

        if (given is null)
        {
            foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            {
                env[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
            }
        }
        else
        {
            foreach (var (key, value) in given)
            {
                env[key] = value;
            }
        }

        return env;
    }
}
