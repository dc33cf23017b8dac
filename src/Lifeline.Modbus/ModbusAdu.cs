using System.Buffers;

namespace Lifeline.Modbus;

/// <summary>Frames and unframes Modbus TCP application data units (MBAP header followed by the PDU).</summary>
public static class ModbusAdu
{
    /// <summary>Writes a frame (header and <paramref name="pdu"/>) into <paramref name="destination"/>; returns its length.</summary>
    public static int Encode(Span<byte> destination, ushort transactionId, byte unitId, ReadOnlySpan<byte> pdu)
    {
        var header = new MbapHeader(transactionId, unitId, pdu.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, header.AduLength, nameof(destination));
        header.Encode(destination);
        pdu.CopyTo(destination[MbapHeader.Size..]);
        return header.AduLength;
    }

    /// <summary>Checks that <paramref name="adu"/> is exactly one well-formed frame and returns its PDU.</summary>
    /// <exception cref="ModbusProtocolException">
    /// The frame is larger than 260 bytes, its header is invalid, or its length field does not match its size.
    /// </exception>
    public static ReadOnlySpan<byte> Decode(ReadOnlySpan<byte> adu, out MbapHeader header)
    {
        if (adu.Length > ModbusLimits.MaxAduLength)
        {
            throw new ModbusProtocolException(
                $"oversize frame: {adu.Length} bytes exceed the {ModbusLimits.MaxAduLength}-byte maximum");
        }

        header = MbapHeader.Decode(adu);
        if (adu.Length < header.AduLength)
        {
            throw new ModbusProtocolException(
                $"truncated PDU: the length field announces {header.PduLength} PDU bytes, only {adu.Length - MbapHeader.Size} present");
        }

        if (adu.Length > header.AduLength)
        {
            throw new ModbusProtocolException(
                $"wrong length field {header.Length}: the frame carries {adu.Length - 6} bytes after it");
        }

        return adu[MbapHeader.Size..];
    }

    /// <summary>
    /// Takes one complete frame from the start of a received byte stream and copies it into <paramref name="frame"/>
    /// (at least 260 bytes). Returns false, leaving <paramref name="buffer"/> as it is, until the whole frame has
    /// arrived.
    /// </summary>
    /// <exception cref="ModbusProtocolException">
    /// The header is invalid: the stream cannot be resynchronised and the connection must be closed.
    /// </exception>
    internal static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, Span<byte> frame, out int length)
    {
        length = 0;
        if (buffer.Length < MbapHeader.Size)
        {
            return false;
        }

        buffer.Slice(0, MbapHeader.Size).CopyTo(frame);
        var header = MbapHeader.Decode(frame);
        if (buffer.Length < header.AduLength)
        {
            return false;
        }

        length = header.AduLength;
        buffer.Slice(MbapHeader.Size, header.PduLength).CopyTo(frame[MbapHeader.Size..]);
        buffer = buffer.Slice(length);
        return true;
    }
}
