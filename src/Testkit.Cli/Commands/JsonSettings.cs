using System.ComponentModel;
using Spectre.Console.Cli;

namespace Testkit.Cli.Commands;

/// <summary>The <c>--json</c> switch of the commands whose output scripts read.</summary>
internal class JsonSettings : CommandSettings
{
    [CommandOption("--json")]
    [Description("Write the result as JSON on standard output (progress and errors stay on standard error).")]
    public bool Json { get; set; }
}
