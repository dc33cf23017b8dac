using Lifeline.Domain.Assets;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.History;
using Lifeline.Storage.Schema;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Storage;

/// <summary>The InfluxDB half of storage, registered when <c>Influx:Url</c> is set.</summary>
internal static class StorageComposition
{
    public static bool InfluxConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Influx:Url"]);

    public static void AddInfluxStorage(IHostApplicationBuilder builder, string contentRoot)
    {
        var services = builder.Services;
        services.PostConfigure<ForwarderOptions>(o => o.RejectedPath = Path.GetFullPath(Path.Combine(contentRoot, o.RejectedPath)));
        services.AddSingleton(sp => new PointSchema(sp.GetRequiredService<AssetRegistry>()));
        services.AddSingleton<StorageForwarder>();
        services.AddSingleton<IForwarderStatus>(sp => sp.GetRequiredService<StorageForwarder>());
        services.AddHostedService(sp => sp.GetRequiredService<StorageForwarder>());
        services.AddSingleton<ISensorHistory, InfluxSensorHistory>();
        services.AddSingleton<Lifeline.Storage.Retention.RetentionSetupService>();
        services.AddHostedService(sp => sp.GetRequiredService<Lifeline.Storage.Retention.RetentionSetupService>());
    }
}
