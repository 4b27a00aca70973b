using Testkit.Containers;
using Testkit.Waiting;

namespace Testkit.Postgres.Snapshots;

/// <summary>Gives a server started from a snapshot, which still knows only the seed's password, its own container's
/// password: <c>ALTER ROLE</c> through the Unix socket, which the image trusts, as soon as the server is ready. Only a
/// SCRAM verifier travels, never the password, so not even a statement log (<c>log_statement=all</c>) can show it.</summary>
/// <remarks>The container's entrypoint is wrapped: a small shell starts the step in the background, then <c>exec</c>s the
/// image's own entrypoint, which becomes PID 1 and runs as before. Unlike a <c>docker exec</c> after the start, this costs
/// no runc exec set-up (measured here to take longer than the server's own start) and no requests, and nothing polls:
/// the step waits for the server's "ready" status in <c>postmaster.pid</c> with shell built-ins only, then says what
/// happened in the container's log, which readiness follows. Most of the step is the server's first write (the overlay
/// file system copies the 16 MB WAL segment out of the image, 30–40 ms here), which a test's first write pays anyway.</remarks>
internal static class SnapshotPassword
{
    /// <summary>Carries the verifier into the container; "PASSWORD" in the name keeps it masked in error messages.</summary>
    public const string VerifierVariable = "TESTKIT_SUPERUSER_PASSWORD_VERIFIER";

    private const string SetLine = "testkit: superuser password set";
    private const string FailedLine = "testkit: superuser password not set";

    // $@: the image's entrypoint and command. The step must end with status 0 or 1: once the entrypoint execs the server,
    // the step is the server's child, and the server takes any other status of a child for a crash.
    private const string Script = """
        verifier="$TESTKIT_SUPERUSER_PASSWORD_VERIFIER"
        unset TESTKIT_SUPERUSER_PASSWORD_VERIFIER
        (
          exec 3<> <(:)
          pid_file="$PGDATA/postmaster.pid"
          until [ -r "$pid_file" ] && mapfile -t lines < "$pid_file" && [[ "${lines[7]:-}" == ready* ]]; do read -t 0.005 -u 3 || :; done
          for attempt in 1 2 3 4 5; do
            if error=$(psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet -v user="$POSTGRES_USER" -v verifier="$verifier" \
                --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" 2>&1 <<< "ALTER ROLE :\"user\" PASSWORD :'verifier';"); then
              echo "testkit: superuser password set"
              exit 0
            fi
            read -t 0.02 -u 3 || :
          done
          echo "testkit: superuser password not set: $error"
          exit 1
        ) &
        exec "$@"
        """;

    /// <summary>Waits for the step's line in the log; fails at once with psql's error when the step failed.</summary>
    public static IWaitStrategy Set { get; } = new SetWait();

    /// <summary>The settings with the wrapped entrypoint and the verifier of <paramref name="password"/>.</summary>
    /// <param name="settings">The settings of the start from a snapshot.</param>
    /// <param name="entrypoint">The entrypoint the image (or the settings) runs: the wrapper execs it.</param>
    /// <param name="password">The container's password.</param>
    public static ContainerSettings Apply(ContainerSettings settings, IEnumerable<string> entrypoint, string password) => settings with
    {
        Entrypoint = ["bash", "-c", Script, "testkit-snapshot-start", .. entrypoint],
        Environment = settings.Environment.SetItem(VerifierVariable, ScramVerifier.Create(password)),
    };

    private sealed class SetWait : IWaitStrategy
    {
        public TimeSpan? Timeout => null;

        public async ValueTask WaitAsync(IWaitTarget target, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(target);
            await foreach (var line in target.FollowLogsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (line.Text.StartsWith(SetLine, StringComparison.Ordinal))
                {
                    return;
                }

                if (line.Text.StartsWith(FailedLine, StringComparison.Ordinal))
                {
                    throw new TestkitException(
                        $"The server started from a snapshot could not be given this container's password ({line.Text}). The image's "
                        + "Unix socket must accept the superuser without a password, as the official image's does; otherwise turn "
                        + "snapshots off for this configuration with WithSnapshot(false).");
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new TestkitException($"The container's log ended before {this}.");
        }

        public override string ToString() => $"log line /{SetLine}/ (the password of a start from a snapshot)";
    }
}
