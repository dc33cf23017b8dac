namespace Lifeline.Influx;

/// <summary>Which InfluxDB write API Lifeline talks to.</summary>
public enum InfluxApiVersion
{
    /// <summary>InfluxDB 1.x: <c>/write?db=&amp;rp=</c>, user and password (optional).</summary>
    V1 = 1,

    /// <summary>InfluxDB 2.x/3.x (or 1.8's compatibility API): <c>/api/v2/write?bucket=&amp;org=</c> with a token.</summary>
    V2 = 2,
}
