namespace Lifeline.Modbus;
