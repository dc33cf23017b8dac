namespace Lifeline.Influx;

/// <summary>The one HTTP client the DI-registered InfluxDB services share; disposed with the container.</summary>
internal sealed class InfluxHttpClientHolder : IDisposable
{
    public HttpClient Client { get; } = InfluxHttp.CreateClient();

    public void Dispose() => Client.Dispose();
}
