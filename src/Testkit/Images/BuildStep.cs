namespace Testkit.Images;

/// <summary>A step of a build as the engine announces it: <c>Step 3/7 : RUN make</c>.</summary>
internal sealed record BuildStep(int Number, int Count, string Instruction)
{
    /// <inheritdoc />
    public override string ToString() => $"Step {Number}/{Count} : {Instruction}";
}
