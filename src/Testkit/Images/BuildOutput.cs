using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Testkit.Containers;

namespace Testkit.Images;

/// <summary>Reads the legacy builder's progress messages: logs steps and output as whole lines, remembers the current
/// step (numbered as the user's Dockerfile counts) with its last output lines, the intermediate images, and the first
/// error. Every line and the error have the <paramref name="secrets"/> masked, before anything logs or keeps them.</summary>
internal sealed partial class BuildOutput(string image, ILogger logger, IReadOnlyList<string> secrets, BuildStep.Numbering numbering)
{
    private readonly StringBuilder partial = new();
    private readonly Queue<string> stepOutput = new();
    private readonly List<string> intermediateImages = [];
    private bool cachedStep;

    /// <summary>The step running now (or that failed), or null before the first.</summary>
    public BuildStep? Step { get; private set; }

    /// <summary>The current step's last output lines, builder chatter left out.</summary>
    public IReadOnlyList<string> StepOutput => [.. stepOutput];

    /// <summary>The engine's first error, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The ids of the images this build created (<c> ---> 1a2b3c4d5e6f</c> after a step that was not cached
    /// and is not a <c>FROM</c>), in order: each step's layer, the last image of each stage among them.</summary>
    public IReadOnlyList<string> IntermediateImages => intermediateImages;

    /// <summary>Takes one message from the engine.</summary>
    public void Report(JSONMessage message)
    {
        if (message.Error is { } error)
        {
            Error ??= string.IsNullOrWhiteSpace(error.Message) ? "the engine gave no reason" : SecretMasker.MaskText(error.Message.Trim(), secrets);
            return;
        }

        if (message.Stream is { Length: > 0 } text)
        {
            partial.Append(text);
            var all = partial.ToString();
            var end = all.LastIndexOf('\n');
            if (end >= 0)
            {
                partial.Clear().Append(all[(end + 1)..]);
                foreach (var line in all[..end].Split('\n'))
                {
                    Line(line.TrimEnd('\r'));
                }
            }
        }
        else if (message.Status is { Length: > 0 } status && message.Progress is null)
        {
            // Pull progress of a base image (PullPolicy.Always).
            logger.BuildOutput(image, SecretMasker.MaskText((message.ID is { Length: > 0 } id ? id + ": " : "") + status, secrets));
        }
    }

    /// <summary>Logs what is left of an unfinished line.</summary>
    public void Flush()
    {
        if (partial.Length > 0)
        {
            Line(partial.ToString());
            partial.Clear();
        }
    }

    private void Line(string line)
    {
        // The legacy builder colours a step's standard error red with terminal escapes.
        line = SecretMasker.MaskText(ColourRegex().Replace(line, ""), secrets);
        if (StepRegex().Match(line) is { Success: true } step)
        {
            Step = numbering.Translate(
                int.Parse(step.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(step.Groups[2].Value, CultureInfo.InvariantCulture),
                step.Groups[3].Value);
            stepOutput.Clear();
            cachedStep = false;
            logger.BuildStep(image, Step.Testkits ? $"(Testkit's) {Step.Instruction}" : Step.ToString());
            return;
        }

        logger.BuildOutput(image, line);
        if (line == " ---> Using cache")
        {
            cachedStep = true;
            return;
        }

        if (ImageIdRegex().Match(line) is { Success: true } id)
        {
            // A base image or a cached layer belongs to whoever made it (maybe another build running now): only the
            // images this build created are its to remove.
            if (!cachedStep && Step?.Instruction.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase) == false)
            {
                intermediateImages.Add(id.Groups[1].Value);
            }

            cachedStep = false;
            return;
        }

        if (line.StartsWith(" ---> ", StringComparison.Ordinal) || line.StartsWith("Removing intermediate container ", StringComparison.Ordinal)
            || line.StartsWith("Successfully ", StringComparison.Ordinal))
        {
            return;
        }

        stepOutput.Enqueue(line);
        if (stepOutput.Count > ImageBuildException.OutputLines)
        {
            stepOutput.Dequeue();
        }
    }

    [GeneratedRegex(@"^Step (\d+)/(\d+) : (.*)$")]
    private static partial Regex StepRegex();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex ColourRegex();

    [GeneratedRegex(@"^ ---> ([0-9a-f]{12,64})$")]
    private static partial Regex ImageIdRegex();
}
