using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Lifeline.Integration.Tests;

/// <summary>The command audit trail of the real server survives a restart on the same data folder.</summary>
public sealed class CommandJournalServerTests
{
    private const string Device = "baoxiu-rd-trunk-gas-z004-ctl";

    [Fact]
    public async Task An_operator_command_and_its_outcome_are_still_in_the_audit_trail_after_a_restart()
    {
        // No simulator: nothing reports fan2_run, so the command ends NotConfirmed after the (short) read-back timeout.
        string[] args = ["--Simulator:Enabled=false", "--Modbus:Enabled=false", "--Control:MqttReadBackTimeout=00:00:00.300"];
        string data;
        string id;
        string before;
        await using (var server = await LifelineServerHost.StartEmbeddedAsync(args))
        {
            server.KeepData();
            data = server.DataDirectory;
            using var response = await server.Http.PostAsync(
                $"/api/devices/{Device}/commands", new StringContent("{\"channel\": \"fan2_cmd\", \"value\": true, \"reason\": \"inspection\"}", System.Text.Encoding.UTF8, "application/json"));
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            id = accepted.RootElement.GetProperty("id").GetString()!;

            var record = await WaitForOutcomeAsync(server, id);
            record.GetProperty("outcome").GetString().ShouldBe("NotConfirmed", record.ToString());
            record.GetProperty("user").GetString().ShouldBe(LifelineServerHost.OperatorName);
            before = record.GetRawText();
        }

        await using (var restarted = await LifelineServerHost.StartEmbeddedAsync([$"{LifelineServerHost.DataArgument}{data}", .. args]))
        {
            (await restarted.GetJsonAsync<JsonElement>($"/api/commands/{id}")).GetRawText().ShouldBe(before);
            (await restarted.GetJsonAsync<JsonElement>("/api/commands?limit=10")).EnumerateArray().Select(r => r.GetRawText()).ShouldBe([before]);
            (await restarted.GetJsonAsync<JsonElement>($"/api/commands?device={Device}&from=2000-01-01T00:00:00Z")).EnumerateArray().Select(r => r.GetProperty("id").GetString()).ShouldBe([id]);
            (await restarted.Http.GetAsync("/api/commands?from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

            // Numbering continues after the restored command.
            using var next = await restarted.Http.PostAsync(
                $"/api/devices/{Device}/commands", new StringContent("{\"channel\": \"fan2_cmd\", \"value\": false}", System.Text.Encoding.UTF8, "application/json"));
            next.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            using var nextRecord = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
            long.Parse(nextRecord.RootElement.GetProperty("id").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture)
                .ShouldBe(long.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) + 1);
            await WaitForOutcomeAsync(restarted, nextRecord.RootElement.GetProperty("id").GetString()!);
        }
    }

    private static async Task<JsonElement> WaitForOutcomeAsync(LifelineServerHost server, string id)
    {
        var stopwatch = Stopwatch.StartNew();
        JsonElement record;
        do
        {
            record = await server.GetJsonAsync<JsonElement>($"/api/commands/{id}");
            if (record.GetProperty("outcome").GetString() != "Pending")
            {
                return record;
            }

            await Task.Delay(50);
        }
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30));

        throw new TimeoutException($"command {id} still pending: {record}");
    }
}
