using System.Threading.Channels;

namespace Lifeline.Integration.Tests;

public static class ChannelReaderExtensions
{
    /// <summary>Reads until an item matches, failing with a clear message after the timeout.</summary>
    public static async Task<T> WaitForAsync<T>(this ChannelReader<T> reader, Func<T, bool> match, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(match);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var item = await reader.ReadAsync(cts.Token);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }
}
