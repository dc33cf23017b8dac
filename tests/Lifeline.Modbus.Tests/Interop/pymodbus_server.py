"""A pymodbus 3.0 Modbus TCP server with known values, for the Lifeline.Modbus interoperability tests.

Usage: /usr/bin/python3 pymodbus_server.py PORT

Serves unit 1 only on 127.0.0.1:PORT until killed. The values (PDU addresses, 0-based):
  coils 0..99:              True where address % 3 == 0
  discrete inputs 0..99:    True where address % 2 == 0
  input registers 0..99:    2000 + address
  holding registers 0..99:  1000 + address, except
    50..51  float32 123.456    big-endian words    (ABCD), built by pymodbus
    52..53  float32 123.456    little-endian words (CDAB), built by pymodbus
    54..55  int32   -123456    big-endian words    (ABCD), built by pymodbus
    56      int16   -1234      built by pymodbus

zero_mode=True makes PDU address N element N of each block. With pymodbus's default (zero_mode=False) the slave
context adds 1 to every address, so a block starting at 0 would answer address N with element N+1.
"""
import asyncio
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartAsyncTcpServer

SIZE = 100


def built(word_order, add):
    builder = BinaryPayloadBuilder(byteorder=Endian.Big, wordorder=word_order)
    add(builder)
    return builder.to_registers()


def main():
    port = int(sys.argv[1])
    holding = [1000 + i for i in range(SIZE)]
    holding[50:52] = built(Endian.Big, lambda b: b.add_32bit_float(123.456))
    holding[52:54] = built(Endian.Little, lambda b: b.add_32bit_float(123.456))
    holding[54:56] = built(Endian.Big, lambda b: b.add_32bit_int(-123456))
    holding[56:57] = built(Endian.Big, lambda b: b.add_16bit_int(-1234))

    unit = ModbusSlaveContext(
        co=ModbusSequentialDataBlock(0, [i % 3 == 0 for i in range(SIZE)]),
        di=ModbusSequentialDataBlock(0, [i % 2 == 0 for i in range(SIZE)]),
        ir=ModbusSequentialDataBlock(0, [2000 + i for i in range(SIZE)]),
        hr=ModbusSequentialDataBlock(0, holding),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={1: unit}, single=False)
    asyncio.run(StartAsyncTcpServer(context=context, address=("127.0.0.1", port)))


if __name__ == "__main__":
    main()
