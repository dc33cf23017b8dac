namespace Lifeline.Domain.Assets;

/// <summary>A measured quantity: its unit and physical (instrument) range.</summary>
/// <param name="Id">Short lower-case id, e.g. <c>o2</c>, <c>ch4</c>, <c>run_feedback</c>.</param>
/// <param name="Name">Human name.</param>
/// <param name="Unit">Unit symbol, e.g. <c>%vol</c>, <c>%LEL</c>, <c>°C</c>; empty for boolean channels.</param>
/// <param name="Kind">Analog or boolean.</param>
/// <param name="Min">Lowest value the instrument can report; lower values are rejected as impossible.</param>
/// <param name="Max">Highest value the instrument can report; higher values are rejected as impossible.</param>
/// <param name="Measurement">Storage domain of the quantity (<c>tunnel_env</c>, <c>tunnel_equipment</c>, <c>sewage</c>, <c>gas</c>).</param>
public sealed record SensorType(string Id, string Name, string Unit, ChannelKind Kind, double Min, double Max, string Measurement);
