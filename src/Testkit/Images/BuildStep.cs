namespace Testkit.Images;

/// <summary>A step of a build as the user's Dockerfile counts it: <c>Step 3/7 : RUN make</c>.</summary>
/// <param name="Number">The step's number among the user's instructions, 1-based.</param>
/// <param name="Count">How many instructions the user's Dockerfile has.</param>
/// <param name="Instruction">The instruction as the engine printed it.</param>
/// <param name="Testkits">True for an instruction Testkit added (a label), which is none of the user's: it then follows
/// step <see cref="Number"/>.</param>
internal sealed record BuildStep(int Number, int Count, string Instruction, bool Testkits = false)
{
    /// <inheritdoc />
    public override string ToString() => $"Step {Number}/{Count} : {Instruction}";

    /// <summary>Turns the engine's step numbers into the user's. The engine counts what Testkit adds as steps too: one
    /// <c>LABEL</c> step per label passed with the build (appended to the last stage), and any <c>LABEL</c> Testkit writes
    /// into the Dockerfile itself. Each is recognised by its label key wherever it stands, so an addition anywhere (not
    /// only at the end) is left out of the numbers.</summary>
    /// <param name="ownLabelKeys">The key of every <c>LABEL</c> step Testkit adds, once per step.</param>
    internal sealed class Numbering(IReadOnlyList<string> ownLabelKeys)
    {
        private int ownSeen;

        /// <summary>The user's view of the engine's step <paramref name="number"/> of <paramref name="count"/>.</summary>
        public BuildStep Translate(int number, int count, string instruction)
        {
            var own = IsOwn(instruction);
            var step = new BuildStep(Math.Max(number - ownSeen - (own ? 1 : 0), 0), Math.Max(count - ownLabelKeys.Count, 0), instruction, own);
            ownSeen += own ? 1 : 0;
            return step;
        }

        // The engine prints a passed label as LABEL key=value; a written one as written, maybe with the key quoted.
        private bool IsOwn(string instruction)
        {
            if (!instruction.StartsWith("LABEL ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var label = instruction[6..].TrimStart();
            return ownLabelKeys.Any(key => label.StartsWith(key + "=", StringComparison.Ordinal) || label.StartsWith($"\"{key}\"=", StringComparison.Ordinal));
        }
    }
}
