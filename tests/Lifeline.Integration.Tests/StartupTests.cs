using Lifeline.Server;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>The real server binary, started as an operator would, with a broken registry.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task BrokenRegistry_ExitsWithExactErrors_AndNoStackTrace()
    {
        // Arrange: a copy of the Baoshan registry with one tunnel given a negative length.
        var dir = CopyOfSeeds();
        var tunnels = Path.Combine(dir, "tunnels.yaml");
        var text = await File.ReadAllTextAsync(tunnels);
        var at = text.IndexOf("length_m: ", StringComparison.Ordinal) + "length_m: ".Length;
        var end = text.IndexOf(',', at);
        await File.WriteAllTextAsync(tunnels, text[..at] + "-5" + text[end..]);
        var serverDll = typeof(LifelineApp).Assembly.Location;

        // Act
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", serverDll, $"--Assets:Path={dir}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Mqtt:Port={FreePort.Next()}");

        // Assert
        exit.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain("Lifeline cannot start: the asset registry has");
        stderr.ShouldContain($"{tunnels}: projects[0].tunnels[0].length_m: must be > 0");
        stderr.ShouldNotContain("   at ");
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("--Mqtt:Port=70000", "Lifeline cannot start: invalid configuration (MqttOptions):", "The field Port must be between 1 and 65535")]
    [InlineData("--Mqtt:Mode=Sideways", "Lifeline cannot start: invalid configuration:", "'Sideways' at 'Mqtt:Mode'")]
    [InlineData("--Pipeline:Capacity=1", "Lifeline cannot start: invalid configuration (PipelineOptions):", "Capacity")]
    [InlineData("--Simulator:Scenarios:0=o2-depletion@no-such-zone+5s", "Lifeline cannot start: invalid configuration (SimulatorOptions):", "unknown target 'no-such-zone'")]
    [InlineData("--Simulator:Scenarios:0=meteor@yongchang-rd-trunk-gas-z003", "Lifeline cannot start: invalid configuration (SimulatorOptions):", "unknown scenario 'meteor'")]
    public async Task InvalidConfiguration_ExitsWithClearMessage_AndNoStackTrace(string argument, string headline, string detail)
    {
        // The argument under test comes last: later command-line values override earlier ones.
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", typeof(LifelineApp).Assembly.Location,
            "--Simulator:Enabled=true", $"--Mqtt:Port={FreePort.Next()}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Assets:Path={RepositoryPaths.Seeds()}", argument);

        exit.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain(headline);
        stderr.ShouldContain(detail);
        (stdout + stderr).ShouldNotContain("   at ");
    }

    [Fact]
    public async Task UnclosedFlowMapping_IsReportedAsSyntaxError_NotACrash()
    {
        var dir = CopyOfSeeds();
        var tunnels = Path.Combine(dir, "tunnels.yaml");
        var text = await File.ReadAllTextAsync(tunnels);
        var at = text.IndexOf("length_m: ", StringComparison.Ordinal);
        await File.WriteAllTextAsync(tunnels, text[..at] + "length_m: 7800" + text[text.IndexOf('\n', at)..]);

        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", typeof(LifelineApp).Assembly.Location, $"--Assets:Path={dir}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Mqtt:Port={FreePort.Next()}");

        exit.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain($"{tunnels}: ");
        stderr.ShouldContain("YAML syntax error");
        stderr.ShouldNotContain("   at ");
        Directory.Delete(dir, recursive: true);
    }

    private static string CopyOfSeeds()
    {
        var dir = Directory.CreateTempSubdirectory("lifeline-badseeds-").FullName;
        foreach (var file in Directory.GetFiles(RepositoryPaths.Seeds()))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }
}
