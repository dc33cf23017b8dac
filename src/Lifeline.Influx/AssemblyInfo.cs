namespace Lifeline.Influx;
