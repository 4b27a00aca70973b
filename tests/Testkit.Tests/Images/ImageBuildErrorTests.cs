using Testkit.Containers;
using Testkit.Images;
using Testkit.Tests.Shared;

namespace Testkit.Tests.Images;

/// <summary>What a failed build says: the user's step numbers, and no secret build arg.</summary>
public class ImageBuildErrorTests
{
    [Fact]
    public async Task A_failing_step_is_numbered_among_the_Dockerfiles_own_instructions_not_the_labels_Testkit_adds()
    {
        using var context = new TempContext(("Dockerfile", """
            FROM debian:bookworm
            ENV STAGE=one
            RUN echo first > /first
            RUN echo "step four fails" && exit 4
            CMD ["true"]
            """));

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(context.Directory).WithLabel("team", "qa").BuildAsync());

        Assert.True(error.Step == 4, error.Message);
        Assert.Equal(5, error.StepCount);
        Assert.Contains("at step 4/5 'RUN echo \"step four fails\"", error.Message, StringComparison.Ordinal);
        Assert.Null(await ImageProbe.InspectAsync(error.Image));
    }

    [Fact]
    public void Label_steps_Testkit_adds_anywhere_are_left_out_of_the_numbers()
    {
        // The engine's view of a 3-instruction Dockerfile with a label written at its top and two passed with the build.
        var numbering = new BuildStep.Numbering(["org.testkit.session", "org.testkit.build-hash", "team"]);

        var steps = new[]
        {
            numbering.Translate(1, 6, "FROM debian"),
            numbering.Translate(2, 6, "LABEL org.testkit.session=abc"),
            numbering.Translate(3, 6, "RUN make"),
            numbering.Translate(4, 6, "CMD [\"true\"]"),
            numbering.Translate(5, 6, "LABEL \"org.testkit.build-hash\"='123'"),
            numbering.Translate(6, 6, "LABEL team=qa"),
        };

        Assert.Equal(["Step 1/3 : FROM debian", "Step 2/3 : RUN make", "Step 3/3 : CMD [\"true\"]"], steps.Where(s => !s.Testkits).Select(s => s.ToString()));
        Assert.Equal([false, true, false, false, true, true], steps.Select(s => s.Testkits));
        Assert.Equal(1, steps[1].Number);
    }

    [Fact]
    public async Task Secret_build_args_are_masked_in_the_error_and_the_build_log()
    {
        using var context = new TempContext(("Dockerfile", """
            FROM debian:bookworm
            ARG API_TOKEN
            ARG DB_PASS
            ARG OPAQUE
            RUN echo "token=$API_TOKEN db_pass=$DB_PASS opaque=$OPAQUE" && echo "failed with $DB_PASS" >&2 && exit 1
            """));
        var logger = new RecordingLogger();

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => new ImageBuilder(context.Directory)
            .WithBuildArg("API_TOKEN", "tok-4f9a1c")
            .WithBuildArg("DB_PASS", "pw-77e2b0")
            .WithBuildArg("OPAQUE", "opaque-5d31", secret: true)
            .WithLogger(logger)
            .BuildAsync());

        var everything = error + string.Join('\n', error.LastOutputLines) + string.Join('\n', logger.Messages);
        Assert.True(error.Message.Contains("token=***** db_pass=***** opaque=*****", StringComparison.Ordinal), error.Message);
        Assert.DoesNotContain("tok-4f9a1c", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-77e2b0", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("opaque-5d31", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_pull_keeps_the_engines_whole_reason()
    {
        // No registry answers on this machine: the engine's reason is a name-resolution failure, quoted URL and all.
        await using var container = new ContainerBuilder($"testkit-test/absent-{Guid.NewGuid():N}:1").Build();

        var error = await Assert.ThrowsAsync<ImageNotFoundException>(() => container.StartAsync());

        Assert.Matches("could not be pulled: .*(dial tcp|no such host|lookup)", error.Message);
        Assert.DoesNotContain("pulled: Get \\.", error.Message, StringComparison.Ordinal);
    }
}
