using System.Text.RegularExpressions;

namespace Testkit.Cli.Dev;

/// <summary>The engine names of a dev service's resources, derived from its name so that a later command finds them.</summary>
internal static partial class DevNames
{
    /// <summary>Throws a usage error unless the engine would accept <paramref name="name"/> for a container and a volume.</summary>
    public static string Validate(string name)
    {
        if (!Valid().IsMatch(name))
        {
            throw CliException.Usage(
                $"'{name}' is not a usable name: use 2 to 64 characters from a-z, A-Z, 0-9, '_', '.' and '-', starting with a letter or digit.");
        }

        return name;
    }

    /// <summary>The container of one part: the main one is called like the service, so that <c>docker exec NAME</c> works too.</summary>
    public static string Container(string name, string role) => role == DevLabels.MainRole ? name : $"{name}-{role}";

    /// <summary>The volume of one part; prefixed so that it never collides with a volume of the user's own.</summary>
    public static string Volume(string name, string role) => role == DevLabels.MainRole ? $"testkit-dev-{name}" : $"testkit-dev-{name}-{role}";

    /// <summary>The private network of a service with several containers.</summary>
    public static string Network(string name) => $"testkit-dev-{name}";

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();
}
