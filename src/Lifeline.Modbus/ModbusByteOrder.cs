namespace Lifeline.Modbus;

/// <summary>
/// How a device lays out the bytes of a value over its registers. Letters name the bytes of the value from most
/// (A) to least (D) significant, in the order they travel on the wire: register 1 high byte, register 1 low
/// byte, register 2 high byte, register 2 low byte. A 16-bit value uses the first two letters.
/// </summary>
public enum ModbusByteOrder
{
    /// <summary>Big-endian, as the Modbus specification does it: most significant word first, bytes high then low.</summary>
    ABCD,

    /// <summary>Word swap: least significant word first, bytes high then low (common on PLCs, "little-endian word order").</summary>
    CDAB,

    /// <summary>Byte swap: most significant word first, bytes low then high.</summary>
    BADC,

    /// <summary>Little-endian: least significant word first, bytes low then high.</summary>
    DCBA,
}
