using System.Text;

namespace Testkit.Images;

/// <summary>The engine could not build an image: names the failing step, its instruction, the engine's reason and
/// the step's last output lines.</summary>
public sealed class ImageBuildException : TestkitException
{
    /// <summary>How many output lines of the failing step the message quotes.</summary>
    public const int OutputLines = 30;

    internal ImageBuildException(string image, string dockerfile, string context, BuildStep? step, string reason, IReadOnlyList<string> lastOutputLines, Exception? inner)
        : base(Describe(image, dockerfile, context, step, reason, lastOutputLines), inner)
    {
        Image = image;
        Step = step?.Number;
        StepCount = step?.Count;
        Instruction = step?.Instruction;
        Reason = reason;
        LastOutputLines = lastOutputLines;
    }

    /// <summary>The tag that was being built.</summary>
    public string Image { get; }

    /// <summary>The failing step's number (1-based) among the Dockerfile's instructions, or null when the engine refused the
    /// build before its first step.</summary>
    public int? Step { get; }

    /// <summary>How many instructions the Dockerfile has (the label steps Testkit adds are not counted).</summary>
    public int? StepCount { get; }

    /// <summary>The failing instruction as the engine printed it, e.g. <c>RUN make test</c>.</summary>
    public string? Instruction { get; }

    /// <summary>What the engine said, e.g. <c>The command '/bin/sh -c make' returned a non-zero code: 2</c>.</summary>
    public string Reason { get; }

    /// <summary>The failing step's last output lines (at most <see cref="OutputLines"/>).</summary>
    public IReadOnlyList<string> LastOutputLines { get; }

    private static string Describe(string image, string dockerfile, string context, BuildStep? step, string reason, IReadOnlyList<string> lastOutputLines)
    {
        var message = new StringBuilder($"Building image {image} from {dockerfile} (context {context}) failed");
        message.Append(step switch
        {
            null => "",
            { Testkits: true } => $" after step {step.Number}/{step.Count}, at the label Testkit adds '{step.Instruction}'",
            _ => $" at step {step.Number}/{step.Count} '{step.Instruction}'",
        }).Append(": ").Append(reason.TrimEnd('.')).Append(". ");
        var keyword = step?.Instruction.Split(' ', 2)[0].ToUpperInvariant();
        message.Append(keyword switch
        {
            null => "Fix the Dockerfile as the engine says (its line numbers are those of your file).",
            "RUN" => "Fix the command or what it needs (its last output is below); to try it, run it in a container of the previous step's image.",
            "COPY" or "ADD" => $"Check that the source exists under {context} and that .dockerignore does not exclude it (paths are relative to the context).",
            "FROM" => "The base image is not on the engine and could not be pulled: pull or build it, or map its name to an image the engine has with "
                      + $"{ImageSubstitutions.EnvironmentVariable} or ~/.testkit/images.conf.",
            _ => "Fix that instruction in the Dockerfile.",
        });
        if (lastOutputLines.Count > 0)
        {
            message.Append("\nLast output of the step:");
            foreach (var line in lastOutputLines)
            {
                message.Append("\n  ").Append(line);
            }
        }

        return message.ToString();
    }
}
