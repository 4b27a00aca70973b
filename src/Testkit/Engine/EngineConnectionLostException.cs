using System.Net.Sockets;

namespace Testkit.Engine;

/// <summary>The engine stopped answering in the middle of an operation: it was stopped, restarted or crashed (the
/// connection was refused or cut), as opposed to <see cref="EngineUnavailableException"/>, where none answered at all.</summary>
public sealed class EngineConnectionLostException : TestkitException
{
    internal EngineConnectionLostException(EngineEndpoint endpoint, string operation, Exception cause)
        : base($"The container engine at {endpoint} stopped answering while {operation}: {cause.GetBaseException().Message}. "
            + "It was stopped, restarted or crashed: start it again (e.g. 'sudo systemctl start docker', or 'bash eng/engine.sh' in "
            + "the Testkit repository); once it answers, the watchdog or the next run's sweep removes what this session left.", cause)
    {
        Endpoint = endpoint;
    }

    /// <summary>The engine that stopped answering.</summary>
    public EngineEndpoint Endpoint { get; }

    /// <summary>Whether <paramref name="error"/> is a lost connection rather than an answer: the engine's own refusals
    /// (a DockerApiException) are answers.</summary>
    internal static bool IsConnectionFailure(Exception error) => error switch
    {
        HttpRequestException or SocketException => true,
        IOException when error.InnerException is SocketException or IOException or HttpRequestException => true,
        IOException when error.GetType() == typeof(IOException) || error is EndOfStreamException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsConnectionFailure),
        _ => false,
    };
}
