namespace Testkit;

/// <summary>The base of every error Testkit raises; its message names the cause and the fix.</summary>
public class TestkitException : Exception
{
    /// <summary>Creates the exception with a message that names the cause and the fix.</summary>
    public TestkitException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public TestkitException(string message, Exception? innerException) : base(message, innerException) { }
}
