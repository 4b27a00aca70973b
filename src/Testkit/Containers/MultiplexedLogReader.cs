using System.Runtime.CompilerServices;
using System.Text;
using Docker.DotNet;
using Testkit.Waiting;

namespace Testkit.Containers;

/// <summary>Splits the engine's multiplexed stdout/stderr stream into lines, each stream on its own.</summary>
internal static class MultiplexedLogReader
{
    public static async IAsyncEnumerable<LogLine> ReadLinesAsync(MultiplexedStream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var stdout = new LineSplitter(isError: false);
        var stderr = new LineSplitter(isError: true);
        var lines = new List<LogLine>();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (read.EOF)
            {
                break;
            }

            var splitter = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            splitter.Append(buffer.AsSpan(0, read.Count), lines);
            foreach (var line in lines)
            {
                yield return line;
            }

            lines.Clear();
        }

        foreach (var rest in new[] { stdout.Flush(), stderr.Flush() })
        {
            if (rest is { } line)
            {
                yield return line;
            }
        }
    }

    private sealed class LineSplitter(bool isError)
    {
        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();
        private readonly StringBuilder pending = new();
        private char[] chars = new char[1024];

        public void Append(ReadOnlySpan<byte> bytes, List<LogLine> lines)
        {
            var needed = decoder.GetCharCount(bytes, flush: false);
            if (needed > chars.Length)
            {
                chars = new char[needed];
            }

            var count = decoder.GetChars(bytes, chars, flush: false);
            foreach (var c in chars.AsSpan(0, count))
            {
                if (c == '\n')
                {
                    lines.Add(new LogLine(pending.ToString().TrimEnd('\r'), isError));
                    pending.Clear();
                }
                else
                {
                    pending.Append(c);
                }
            }
        }

        public LogLine? Flush()
        {
            if (pending.Length == 0)
            {
                return null;
            }

            var line = new LogLine(pending.ToString(), isError);
            pending.Clear();
            return line;
        }
    }
}
