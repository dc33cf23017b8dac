using Lifeline.Ingestion.Modbus;
using Lifeline.Testing;

namespace Lifeline.Control.Tests;

/// <summary>The commander against real Modbus TCP slaves on loopback.</summary>
public sealed class ModbusCommanderTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_command_whose_feedback_follows_is_confirmed()
    {
        await using var slave = await ZoneControllerSlave.StartAsync(follows: true);
        await using var commander = Baoshan.Commander(Baoshan.Plan((Baoshan.Z3, slave.Port)), Baoshan.FastOptions(TimeSpan.FromSeconds(5)));

        var on = await commander.WriteAsync(Baoshan.Z3, "fan2_cmd", 1, CancellationToken.None);

        on.Outcome.ShouldBe(CommandWriteOutcome.Confirmed, on.Detail);
        on.Feedback.ShouldBe(1);
        on.Detail.ShouldStartWith("fan2_run read 1 ");
        slave.Store.GetCoil(1).ShouldBeTrue();
        slave.Store.GetCoil(0).ShouldBeFalse();

        var off = await commander.WriteAsync(Baoshan.Z3, "fan2_cmd", 0, CancellationToken.None);

        off.Outcome.ShouldBe(CommandWriteOutcome.Confirmed, off.Detail);
        slave.Store.GetCoil(1).ShouldBeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_slave_that_ignores_the_command_gives_NotConfirmed_after_the_timeout()
    {
        await using var slave = await ZoneControllerSlave.StartAsync(follows: false);
        await using var commander = Baoshan.Commander(Baoshan.Plan((Baoshan.Z3, slave.Port)), Baoshan.FastOptions(TimeSpan.FromMilliseconds(300)));
        var started = TimeProvider.System.GetTimestamp();

        var result = await commander.WriteAsync(Baoshan.Z3, "pump2_cmd", 1, CancellationToken.None);

        result.Outcome.ShouldBe(CommandWriteOutcome.NotConfirmed, result.Detail);
        result.Detail.ShouldBe("written, but pump2_run still read 0 0.3 s after the write (expected 1)");
        TimeProvider.System.GetElapsedTime(started).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        slave.Store.GetCoil(3).ShouldBeTrue();
    }

    [Fact(Timeout = 30_000)]
    public async Task A_dead_slave_gives_Failed()
    {
        var port = FreePort.Next();
        await using var commander = Baoshan.Commander(Baoshan.Plan((Baoshan.Z3, port)), Baoshan.FastOptions(TimeSpan.FromSeconds(5)));

        var result = await commander.WriteAsync(Baoshan.Z3, "fan1_cmd", 1, CancellationToken.None);

        result.Outcome.ShouldBe(CommandWriteOutcome.Failed);
        result.Detail.ShouldMatch("^(communication lost: |no answer to the write of fan1_cmd within 1.0 s)");
        result.Feedback.ShouldBeNull();
    }

    [Fact(Timeout = 30_000)]
    public async Task Unknown_devices_and_channels_and_read_only_channels_are_refused_before_anything_is_written()
    {
        await using var slave = await ZoneControllerSlave.StartAsync(follows: true);
        await using var commander = Baoshan.Commander(Baoshan.Plan((Baoshan.Z3, slave.Port)), Baoshan.FastOptions(TimeSpan.FromSeconds(5)));

        (await Should.ThrowAsync<ArgumentException>(() => commander.WriteAsync(Baoshan.Z4, "fan1_cmd", 1, CancellationToken.None)))
            .Message.ShouldStartWith($"device '{Baoshan.Z4}' is not polled over Modbus (not under devices: in modbus.yaml)");
        (await Should.ThrowAsync<ArgumentException>(() => commander.WriteAsync(Baoshan.Z3, "fan9_cmd", 1, CancellationToken.None)))
            .Message.ShouldStartWith($"device '{Baoshan.Z3}' (model zc-gas) has no channel 'fan9_cmd' (writable: fan1_cmd, fan2_cmd, pump1_cmd, pump2_cmd)");
        (await Should.ThrowAsync<ArgumentException>(() => commander.WriteAsync(Baoshan.Z3, "fan1_run", 1, CancellationToken.None)))
            .Message.ShouldStartWith($"channel 'fan1_run' of device '{Baoshan.Z3}' is not writable (writable: fan1_cmd, fan2_cmd, pump1_cmd, pump2_cmd)");
        (await Should.ThrowAsync<ArgumentException>(() => commander.WriteAsync(Baoshan.Z3, "fan1_cmd", 2, CancellationToken.None)))
            .Message.ShouldStartWith("fan1_cmd of 'yongchang-rd-trunk-gas-z003-ctl' is a bit: value must be true/false (1/0), got 2");

        slave.Writes.ShouldBe(0);
        commander.IsPolled(Baoshan.Z3).ShouldBeTrue();
        commander.IsPolled(Baoshan.Z4).ShouldBeFalse();
    }
}
