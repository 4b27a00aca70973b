using Testkit.Cleanup;

namespace Testkit.Tests.LeakCleanup;

public class SessionOwnerTests
{
    [Fact]
    public void This_process_is_alive_and_its_labels_name_it()
    {
        var owner = SessionOwner.FromLabels(ResourceLabels.ForThisSession.ToDictionary());

        Assert.Equal(SessionOwner.Current, owner);
        Assert.Equal(Environment.ProcessId, owner!.Pid);
        Assert.StartsWith("linux:", owner.Start, StringComparison.Ordinal);
        Assert.Equal(SessionOwner.Liveness.Alive, owner.Judge());
    }

    [Fact]
    public async Task A_pid_that_no_process_holds_is_dead_and_so_is_a_live_pid_with_another_start()
    {
        var self = SessionOwner.Current;

        Assert.Equal(SessionOwner.Liveness.Dead, (self with { Pid = await EngineResources.DeadPidAsync() }).Judge());
        Assert.Equal(SessionOwner.Liveness.Dead, (self with { Start = EngineResources.StartAt(1) }).Judge());
    }

    [Fact]
    public void Another_host_boot_or_pid_namespace_cannot_be_judged_from_here()
    {
        var self = SessionOwner.Current;
        var parts = self.Start.Split(':');

        Assert.Equal(SessionOwner.Liveness.Unknown, (self with { Host = "another-host" }).Judge());
        Assert.Equal(SessionOwner.Liveness.Unknown, (self with { Start = $"linux:{Guid.NewGuid()}:{parts[2]}:{parts[3]}" }).Judge());
        Assert.Equal(SessionOwner.Liveness.Unknown, (self with { Start = $"linux:{parts[1]}:1:{parts[3]}" }).Judge());
        Assert.Equal(SessionOwner.Liveness.Unknown, (self with { Start = "something newer" }).Judge());
    }

    [Fact]
    public void Labels_without_an_owner_name_none()
    {
        Assert.Null(SessionOwner.FromLabels(null));
        Assert.Null(SessionOwner.FromLabels(new Dictionary<string, string> { [ResourceLabels.Session] = "x", [ResourceLabels.OwnerHost] = "h" }));
        Assert.Null(SessionOwner.FromLabels(new Dictionary<string, string> { [ResourceLabels.OwnerHost] = "h", [ResourceLabels.OwnerPid] = "-1", [ResourceLabels.OwnerStart] = "s" }));
    }
}
