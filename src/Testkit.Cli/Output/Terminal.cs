using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Testkit.Cli.Output;

/// <summary>Where the command writes. Results (connection strings, tables, JSON) go to standard output, progress and
/// errors to standard error, so that <c>testkit up … --json | jq</c> reads nothing but JSON. Each stream gets colours
/// and animation only when it is a terminal; redirected, it gets plain text.</summary>
internal sealed class Terminal
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        // Connection strings hold '&', '+' and quotes: scripts read them as they are, not as \u0026.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private const string Red = "\u001b[31m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Grey = "\u001b[90m";
    private const string Bold = "\u001b[1m";

    public Terminal()
    {
        OutIsTerminal = !Console.IsOutputRedirected;
        ErrIsTerminal = !Console.IsErrorRedirected;
        Out = Create(Console.Out, OutIsTerminal);
        Err = Create(Console.Error, ErrIsTerminal);
    }

    /// <summary>Standard output, for results.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard error, for progress and errors.</summary>
    public IAnsiConsole Err { get; }

    /// <summary>True when standard output is a terminal: tables with borders and colours.</summary>
    public bool OutIsTerminal { get; }

    /// <summary>True when standard error is a terminal: spinners instead of progress lines.</summary>
    public bool ErrIsTerminal { get; }

    /// <summary>Runs <paramref name="work"/> under a spinner on a terminal (its text updated through the callback it
    /// gets), or after one progress line when standard error is redirected.</summary>
    public async Task<T> WithStatusAsync<T>(string text, Func<Action<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!ErrIsTerminal)
        {
            Console.Error.WriteLine(text);
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await Err.Status()
            .Spinner(Spinner.Known.Dots)
            .SpinnerStyle(Style.Parse("cyan"))
            .StartAsync(Markup.Escape(text), async context =>
            {
                var width = Math.Max(20, Err.Profile.Width - 4);
                return await work(status =>
                {
                    var line = $"{text} {status}".ReplaceLineEndings(" ");
                    context.Status(Markup.Escape(line.Length > width ? line[..(width - 1)] + "…" : line));
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Reports success of a step on standard error (a green tick on a terminal).</summary>
    public void Done(string text) => Line(Console.Error, ErrIsTerminal, ErrIsTerminal ? "✔ " : "", Green, text, null);

    /// <summary>A side note on standard error (dimmed on a terminal).</summary>
    public void Note(string text) => Line(Console.Error, ErrIsTerminal, "", null, text, Grey);

    /// <summary>A warning on standard error.</summary>
    public void Warn(string text) => Line(Console.Error, ErrIsTerminal, "warning: ", Yellow, text, null);

    /// <summary>The one line an error prints.</summary>
    public void Error(string text) => Line(Console.Error, ErrIsTerminal, "error: ", Red, text, null);

    /// <summary>A result on standard output, e.g. a connection string: bold label, then the value as it is.</summary>
    public void Result(string label, string value) => Line(Console.Out, OutIsTerminal, label + " ", Bold, value, null);

    /// <summary>A table on standard output: bordered on a terminal, columns aligned with spaces when redirected.</summary>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, Func<int, string, string?>? colour = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        if (!OutIsTerminal)
        {
            // Like 'docker ps': columns padded to their widest cell, so that awk and cut work.
            var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            string Format(IReadOnlyList<string> cells) => string.Join("   ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
            Console.Out.WriteLine(Format(headers));
            foreach (var row in rows)
            {
                Console.Out.WriteLine(Format(row));
            }

            return;
        }

        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(header)}[/]"));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select((cell, column) => (IRenderable)(colour?.Invoke(column, cell) is { } style
                ? new Markup($"[{style}]{Markup.Escape(cell)}[/]")
                : new Text(cell))).ToArray());
        }

        Out.Write(table);
    }

    /// <summary>Writes <paramref name="value"/> as indented camelCase JSON on standard output.</summary>
    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>Writes one line as it is: never wrapped (a connection string must survive copy and paste, and an error
    /// stays one line for scripts), coloured with plain ANSI codes only on a terminal and without NO_COLOR.</summary>
    private static void Line(TextWriter writer, bool isTerminal, string prefix, string? prefixColour, string text, string? textColour)
    {
        const string Reset = "\u001b[0m";
        if (!isTerminal || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 })
        {
            writer.WriteLine(prefix + text);
            return;
        }

        var head = prefix.Length == 0 || prefixColour is null ? prefix : prefixColour + prefix + Reset;
        writer.WriteLine(textColour is null ? head + text : head + textColour + text + Reset);
    }

    private static IAnsiConsole Create(TextWriter writer, bool isTerminal) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
