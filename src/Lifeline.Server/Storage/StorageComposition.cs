namespace Lifeline.Server.Storage;

/// <summary>The InfluxDB half of storage, registered when <c>Influx:Url</c> is set.</summary>
internal static class StorageComposition
{
    public static bool InfluxConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Influx:Url"]);

    public static void AddInfluxStorage(IHostApplicationBuilder builder, string contentRoot)
    {
        _ = builder;
        _ = contentRoot;
        throw new NotSupportedException("InfluxDB storage is being wired");
    }
}
