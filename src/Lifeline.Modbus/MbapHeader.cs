using System.Buffers.Binary;

namespace Lifeline.Modbus;

/// <summary>
/// The 7-byte MBAP header in front of every PDU on Modbus TCP (Modbus Messaging on TCP/IP Implementation Guide
/// v1.0b, section 3.1.3): transaction identifier, protocol identifier (always 0), length, unit identifier.
/// </summary>
public readonly record struct MbapHeader
{
    /// <summary>Size of the header in bytes.</summary>
    public const int Size = 7;

    /// <summary>Creates a header for a PDU of <paramref name="pduLength"/> bytes (1 to 253).</summary>
    public MbapHeader(ushort transactionId, byte unitId, int pduLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pduLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pduLength, ModbusLimits.MaxPduLength);
        TransactionId = transactionId;
        UnitId = unitId;
        PduLength = pduLength;
    }

    /// <summary>Chosen by the client, echoed by the server: pairs a response with its request.</summary>
    public ushort TransactionId { get; }

    /// <summary>The device behind the server (a gateway routes on it); 0xFF or 1 for a device addressed directly.</summary>
    public byte UnitId { get; }

    /// <summary>Length of the PDU that follows the header.</summary>
    public int PduLength { get; }

    /// <summary>The length field on the wire: the bytes that follow it (unit identifier and PDU).</summary>
    public int Length => PduLength + 1;

    /// <summary>Length of the whole frame (header and PDU).</summary>
    public int AduLength => Size + PduLength;

    /// <summary>Reads a header from the first 7 bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ModbusProtocolException">
    /// Fewer than 7 bytes, a protocol identifier other than 0, or a length field outside 2..254.
    /// </exception>
    public static MbapHeader Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ModbusProtocolException($"truncated MBAP header: {source.Length} bytes, {Size} needed");
        }

        var protocolId = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if (protocolId != 0)
        {
            throw new ModbusProtocolException($"protocol identifier is 0x{protocolId:X4}, Modbus requires 0x0000");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(source[4..]);
        if (length < 2)
        {
            throw new ModbusProtocolException($"length field is {length}, at least 2 needed (unit identifier and function code)");
        }

        if (length > ModbusLimits.MaxPduLength + 1)
        {
            throw new ModbusProtocolException(
                $"length field is {length}: a {6 + length}-byte frame exceeds the {ModbusLimits.MaxAduLength}-byte maximum");
        }

        return new MbapHeader(BinaryPrimitives.ReadUInt16BigEndian(source), source[6], length - 1);
    }

    /// <summary>Writes the header into the first 7 bytes of <paramref name="destination"/>.</summary>
    public void Encode(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)Length);
        destination[6] = UnitId;
    }
}
