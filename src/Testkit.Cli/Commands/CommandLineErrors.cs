using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Testkit.Cli.Commands;

/// <summary>Turns what strict parsing refused into one line that names the option or argument, the command it was given
/// to, and the closest option when one is close enough. Spectre.Console.Cli finds unknown options and extra arguments
/// (and leaves everything after <c>--</c> to the command), but says only "Unknown option 'prot'.": its exception carries
/// no token, so its message is read; any other message is left to the caller.</summary>
internal static partial class CommandLineErrors
{
    // Spectre's own limit for "did you mean" on commands; a suggestion must also leave most of what was typed standing.
    private const int MaxDistance = 2;

    /// <summary>The line for <paramref name="error"/>, or null when it is not about an option or argument of a known command.</summary>
    /// <param name="error">What the parser threw.</param>
    /// <param name="args">The command line; the first argument is the command (testkit has no global options).</param>
    /// <param name="commands">The command types by name, as configured.</param>
    public static string? Explain(CommandParseException error, IReadOnlyList<string> args, IReadOnlyDictionary<string, Type> commands)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(commands);
        if (args.Count == 0 || !commands.TryGetValue(args[0], out var command))
        {
            return null;
        }

        var settings = SettingsOf(command);
        var help = $"'testkit {args[0]} --help' shows its usage";
        if (UnknownOption().Match(error.Message) is { Success: true } option)
        {
            // Spectre's short options are one character, its long ones longer; the message drops the dashes.
            var name = option.Groups["name"].Value;
            var typed = name.Length == 1 ? "-" + name : "--" + name;
            return Closest(name, settings) is { } closest
                ? $"unknown option '{typed}' for 'testkit {args[0]}'; did you mean '--{closest}'?"
                : $"unknown option '{typed}' for 'testkit {args[0]}': {help}.";
        }

        // The first argument matched a command, so an "unknown command" is a later word: an argument it does not take.
        if ((ExtraArgument().Match(error.Message) is { Success: true } extra ? extra : UnknownCommand().Match(error.Message)) is { Success: true } argument)
        {
            var takes = settings.GetProperties().Select(p => p.GetCustomAttribute<CommandArgumentAttribute>()).OfType<CommandArgumentAttribute>()
                .OrderBy(a => a.Position).Select(a => a.IsRequired ? a.ValueName : $"[{a.ValueName}]").ToList();
            return $"unexpected argument '{argument.Groups["value"].Value}' for 'testkit {args[0]}' "
                + $"({(takes.Count == 0 ? "it takes none" : "it takes " + string.Join(" ", takes))}): {help}.";
        }

        return null;
    }

    /// <summary>The long option of <paramref name="settings"/> (or help) nearest to <paramref name="typed"/>, if near enough.</summary>
    private static string? Closest(string typed, Type settings)
    {
        if (typed.Length < 2)
        {
            return null;
        }

        var candidates = settings.GetProperties()
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .Where(o => !o.IsHidden)
            .SelectMany(o => o.LongNames)
            .Append("help");
        var lower = typed.ToLowerInvariant();

        // A name cut short ('--no-docker') is far from the whole one by edits, but the user meant it if only one starts so.
        if (lower.Length >= 3 && candidates.Where(c => c.StartsWith(lower, StringComparison.OrdinalIgnoreCase)).ToList() is [var completed])
        {
            return completed;
        }

        var (best, distance) = candidates
            .Select(c => (Name: c, Distance: Distance(lower, c.ToLowerInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best is not null && distance <= MaxDistance && distance * 2 < typed.Length ? best : null;
    }

    /// <summary>Edit distance with adjacent transpositions counted as one edit (<c>prot</c> is one typo away from <c>port</c>).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The settings type of a command: the type argument of its <c>AsyncCommand&lt;TSettings&gt;</c> base.</summary>
    private static Type SettingsOf(Type command)
    {
        for (var type = command; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericArguments() is [var settings] && typeof(CommandSettings).IsAssignableFrom(settings))
            {
                return settings;
            }
        }

        return typeof(CommandSettings);
    }

    [GeneratedRegex(@"^Unknown option '(?<name>[^']+)'\.", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownOption();

    [GeneratedRegex(@"^Could not match '(?<value>.*)' with an argument\.", RegexOptions.CultureInvariant)]
    private static partial Regex ExtraArgument();

    [GeneratedRegex(@"^Unknown command '(?<value>.*)'\.", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownCommand();
}
