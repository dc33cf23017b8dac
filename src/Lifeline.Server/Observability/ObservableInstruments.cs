namespace Lifeline.Server.Observability;

/// <summary>
/// Creates the observable instruments (pipeline, alarms, write-ahead log) when the server starts, so the first scrape
/// has them all: they exist once their owners do, and the storage instruments' owner is otherwise created only by the
/// InfluxDB forwarder.
/// </summary>
internal sealed class ObservableInstruments(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<PipelineMetrics>();
        _ = services.GetRequiredService<Lifeline.Storage.Forwarding.StorageMetrics>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
