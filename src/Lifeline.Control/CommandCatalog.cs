using System.Diagnostics.CodeAnalysis;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;

namespace Lifeline.Control;

/// <summary>A command output of one device: where it is in the device model's map and what shows it took effect.</summary>
/// <param name="Device">The registry device.</param>
/// <param name="Point">The writable point of the model's profile (<c>modbus.yaml</c>).</param>
public sealed record CommandTarget(Device Device, ModbusPoint Point)
{
    /// <summary>The command output's name.</summary>
    public string Channel => Point.Name;

    /// <summary>The channel that shows whether it took effect (<c>fan1_run</c>), when the profile names one.</summary>
    public string? Feedback => Point.Feedback;

    /// <summary>A run/stop output (a coil or a bool register): values are 1 or 0.</summary>
    public bool IsBoolean => Point.IsBit || Point.Format.DataType == ModbusDataType.Bool;
}

/// <summary>
/// Which commands each device accepts: the writable points of its model's register map in <c>modbus.yaml</c>, whether
/// the device is polled over Modbus or reports over MQTT (zone controllers share their model's map).
/// </summary>
public sealed class CommandCatalog
{
    private readonly AssetRegistry _registry;
    private readonly IReadOnlyDictionary<string, ModbusProfile> _profiles;

    /// <summary>Creates the catalog from the registry and the register maps by model.</summary>
    public CommandCatalog(AssetRegistry registry, IReadOnlyDictionary<string, ModbusProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(profiles);
        _registry = registry;
        _profiles = profiles;
    }

    /// <summary>The registry.</summary>
    public AssetRegistry Registry => _registry;

    /// <summary>The writable points of a device model (empty when it has no map).</summary>
    public IReadOnlyList<ModbusPoint> CommandsOf(string model) =>
        _profiles.TryGetValue(model, out var profile) ? profile.Writable : [];

    /// <summary>Whether some device model has a command output named <paramref name="channel"/>.</summary>
    public bool IsKnownCommand(string channel) =>
        _profiles.Values.Any(p => p.Writable.Any(w => string.Equals(w.Name, channel, StringComparison.Ordinal)));

    /// <summary>The command output <paramref name="channel"/> of <paramref name="device"/>, when its model has one.</summary>
    public bool TryGetTarget(Device device, string channel, [NotNullWhen(true)] out CommandTarget? target)
    {
        ArgumentNullException.ThrowIfNull(device);
        var point = CommandsOf(device.Model).FirstOrDefault(p => string.Equals(p.Name, channel, StringComparison.Ordinal));
        target = point is null ? null : new CommandTarget(device, point);
        return target is not null;
    }

    /// <summary>
    /// Resolves an operator's or an interlock's command, or says exactly why it cannot be sent.
    /// </summary>
    /// <exception cref="CommandRejectedException">Unknown device (<see cref="CommandRejection.UnknownDevice"/>), unknown or
    /// read-only channel, or a value the output cannot take.</exception>
    public CommandTarget Resolve(string deviceId, string channel, double value)
    {
        if (!_registry.TryGetDevice(deviceId, out var device))
        {
            throw new CommandRejectedException(CommandRejection.UnknownDevice, $"device '{deviceId}' is not in the registry");
        }

        if (!TryGetTarget(device, channel, out var target))
        {
            var writable = string.Join(", ", CommandsOf(device.Model).Select(p => p.Name));
            var reason = device.TryGetChannel(channel, out _)
                ? $"channel '{channel}' of device '{deviceId}' is read-only"
                : $"device '{deviceId}' (model {device.Model}) has no channel '{channel}'";
            throw new CommandRejectedException(
                CommandRejection.NotWritable,
                $"{reason}; its commands: {(writable.Length == 0 ? "none (no writable points in modbus.yaml for this model)" : writable)}");
        }

        if (!double.IsFinite(value) || (target.IsBoolean && value is not (0 or 1)))
        {
            throw new CommandRejectedException(
                CommandRejection.BadValue,
                target.IsBoolean ? $"{channel} is a run/stop output: value must be true or false" : $"{channel} needs a finite number");
        }

        return target;
    }
}

/// <summary>Why a command was refused before anything was sent.</summary>
public enum CommandRejection
{
    /// <summary>The device is not in the registry (HTTP 404).</summary>
    UnknownDevice,

    /// <summary>The device has no such command output, or the channel is read-only (HTTP 400).</summary>
    NotWritable,

    /// <summary>The value does not fit the output (HTTP 400).</summary>
    BadValue,
}

/// <summary>A command was refused before anything was sent; <see cref="Exception.Message"/> says why.</summary>
public sealed class CommandRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandRejectedException(CommandRejection rejection, string message)
        : base(message)
    {
        Rejection = rejection;
    }

    /// <summary>Creates the exception.</summary>
    public CommandRejectedException()
        : this(CommandRejection.NotWritable, "command rejected")
    {
    }

    /// <summary>Creates the exception.</summary>
    public CommandRejectedException(string message)
        : this(CommandRejection.NotWritable, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CommandRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Why.</summary>
    public CommandRejection Rejection { get; }
}
