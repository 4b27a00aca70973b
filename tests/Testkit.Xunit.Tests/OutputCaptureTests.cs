namespace Testkit.Xunit.Tests;

public class OutputCaptureTests
{
    [Fact]
    public async Task A_test_receives_the_container_output_while_it_captures_it()
    {
        var sink = new RecordingSink();
        var output = new RecordingOutput();
        await using var fixture = new EchoFixture(sink);
        await fixture.InitializeAsync();

        using (fixture.CaptureOutput(output))
        {
            await fixture.SayAsync("while-captured");
            var line = await output.WaitForAsync("while-captured");
            Assert.Contains(fixture.Container.Id[..12], line, StringComparison.Ordinal);
        }

        await fixture.SayAsync("after-capture");

        // The sink gets each line after the helpers do: once it has this one, the helper would have too.
        await sink.WaitForAsync("after-capture");
        Assert.DoesNotContain(output.All, l => l.Contains("after-capture", StringComparison.Ordinal));
    }
}

// The intended use: a real test's helper; a failing test here would show the container's lines.
public class CaptureInARealTest(EchoFixture echo, ITestOutputHelper output) : IClassFixture<EchoFixture>
{
    [Fact]
    public async Task Container_lines_go_to_the_test_output()
    {
        using var _ = echo.CaptureOutput(output);

        var result = await echo.Container.ExecAsync(["sh", "-c", "echo visible-in-test-output > /proc/1/fd/1"]);

        Assert.Equal(0, result.ExitCode);
    }
}
