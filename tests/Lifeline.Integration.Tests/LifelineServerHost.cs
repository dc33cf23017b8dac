using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Server;
using Lifeline.Server.Accounts;
using Lifeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Lifeline.Integration.Tests;

/// <summary>
/// The real server, in-process, on Kestrel with a free loopback port (real sockets for HTTP, SignalR and MQTT).
/// Before it starts, an <see cref="OperatorName"/> user (role operator, random password) is written into its user file;
/// <see cref="Http"/> and <see cref="ConnectHubAsync()"/> are signed in as that operator with an API token.
/// </summary>
public sealed class LifelineServerHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The user <see cref="Http"/> and the hub connections act as: every ack and command is attributed to it.</summary>
    public const string OperatorName = "operator";

    /// <summary>Pass to start with the user file as it is (no operator added; <see cref="Http"/> is then anonymous).</summary>
    public const string NoUsersArgument = "--no-test-users";

    private const string AccountsArgument = "--Accounts:Path=";

    private LifelineServerHost(WebApplication app, Uri baseAddress, int mqttPort, string dataDirectory, string accountsPath, TestOperator? user)
    {
        DataDirectory = dataDirectory;
        App = app;
        BaseAddress = baseAddress;
        MqttPort = mqttPort;
        AccountsPath = accountsPath;
        OperatorPassword = user?.Password;
        OperatorToken = user?.Token;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }
    }

    /// <summary>The server's user file (in the data folder unless <c>--Accounts:Path=</c> was passed).</summary>
    public string AccountsPath { get; }

    /// <summary>Password of <see cref="OperatorName"/> (null with <see cref="NoUsersArgument"/>).</summary>
    public string? OperatorPassword { get; }

    /// <summary>API token of <see cref="OperatorName"/> that <see cref="Http"/> sends (null with <see cref="NoUsersArgument"/>).</summary>
    public string? OperatorToken { get; }

    public WebApplication App { get; }

    /// <summary>This host's own folder for the write-ahead log and rejected batches (deleted on dispose).</summary>
    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    /// <summary>The broker port the ingestion client uses (the embedded broker's, or Mosquitto's).</summary>
    public int MqttPort { get; }

    public HttpClient Http { get; }

    public AssetRegistry Registry => App.Services.GetRequiredService<AssetRegistry>();

    public MqttConnectionState MqttState => App.Services.GetRequiredService<MqttConnectionState>();

    /// <summary>Pass <c>--data=&lt;folder&gt;</c> to reuse a data folder (a restart); it is then not deleted on dispose.</summary>
    public const string DataArgument = "--data=";

    private bool _ownsData = true;

    /// <summary>Starts the server with the embedded broker on a free port.</summary>
    public static Task<LifelineServerHost> StartEmbeddedAsync(params string[] extra)
    {
        var mqttPort = FreePort.Next();
        return StartAsync(mqttPort, ["--Mqtt:Mode=Embedded", $"--Mqtt:Port={mqttPort}", .. extra]);
    }

    /// <summary>Starts the server against an external broker (Mosquitto).</summary>
    public static Task<LifelineServerHost> StartExternalAsync(MosquittoBroker broker, params string[] extra) =>
        StartExternalAsync(broker, waitForConnection: true, extra);

    public static Task<LifelineServerHost> StartExternalAsync(MosquittoBroker broker, bool waitForConnection, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return StartAsync(broker.Port, ["--Mqtt:Mode=External", $"--Mqtt:Host={MosquittoBroker.Host}", $"--Mqtt:Port={broker.Port}", "--Mqtt:MaxReconnectDelay=00:00:01", .. extra], waitForConnection);
    }

    private static async Task<LifelineServerHost> StartAsync(int mqttPort, string[] args, bool waitForConnection = true)
    {
        var httpPort = FreePort.Next();
        var data = args.FirstOrDefault(a => a.StartsWith(DataArgument, StringComparison.Ordinal))?[DataArgument.Length..]
            ?? Directory.CreateTempSubdirectory("lifeline-data-").FullName;
        var accounts = args.LastOrDefault(a => a.StartsWith(AccountsArgument, StringComparison.Ordinal))?[AccountsArgument.Length..]
            ?? Path.Combine(data, "users.json");
        var user = args.Contains(NoUsersArgument) ? null : await TestOperator.EnsureAsync(accounts);
        var app = LifelineApp.Build([
            $"--urls=http://127.0.0.1:{httpPort}",
            $"--Storage:Wal:Path={Path.Combine(data, "wal")}",
            $"--Alarms:Journal:Path={Path.Combine(data, "alarms")}",
            $"--Control:Journal:Path={Path.Combine(data, "commands")}",
            $"--Notifications:Journal:Path={Path.Combine(data, "notifications")}",
            $"--Notifications:AckLinks:KeyPath={Path.Combine(data, "notifications-ack.key")}",
            $"--Storage:Forwarder:RejectedPath={Path.Combine(data, "rejected")}",
            $"--Assets:Path={RepositoryPaths.Seeds()}",

            // Tests publish a few readings and then look at the result; a device silent for 3 s would go into comm loss
            // (and suppress its alarms) on a slow machine. Tests of silence detection set their own timeout.
            "--Anomaly:device_offline:min_timeout=2m",
            $"--Mqtt:ClientId=lifeline-test-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
            $"{AccountsArgument}{accounts}",
            .. args.Where(a => !a.StartsWith(DataArgument, StringComparison.Ordinal) && a != NoUsersArgument)]);
        await app.StartAsync();
        var host = new LifelineServerHost(app, new Uri($"http://127.0.0.1:{httpPort}"), mqttPort, data, accounts, user);
        if (waitForConnection)
        {
            await host.WaitForMqttAsync(connects: 1);
        }

        return host;
    }

    /// <summary>Waits until the ingestion client has connected (at least) this many times.</summary>
    public async Task WaitForMqttAsync(long connects, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (!(MqttState.IsConnected && MqttState.Connects >= connects))
        {
            await Task.Delay(20, cts.Token);
        }
    }

    /// <summary>A SignalR client over a real WebSocket, signed in as <see cref="OperatorName"/>, that writes every AlarmChanged into a channel.</summary>
    public Task<(HubConnection Connection, ChannelReader<AlarmDto> Changes)> ConnectHubAsync() =>
        ConnectHubAsync(o =>
        {
            if (OperatorToken is { } token)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        });

    /// <summary>A SignalR client with the given connection options (credentials), on <paramref name="path"/>.</summary>
    public async Task<(HubConnection Connection, ChannelReader<AlarmDto> Changes)> ConnectHubAsync(Action<HttpConnectionOptions> configure, string path = "/hubs/alarms")
    {
        var changes = System.Threading.Channels.Channel.CreateUnbounded<AlarmDto>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, path), configure)
            .AddJsonProtocol(o => o.PayloadSerializerOptions = Json)
            .Build();
        connection.On<AlarmDto>("AlarmChanged", dto => changes.Writer.TryWrite(dto));
        await connection.StartAsync();
        return (connection, changes.Reader);
    }

    /// <summary>First device of a gas cabin that has an o2 channel.</summary>
    public Device GasCabinDevice(int skip = 0) =>
        Registry.Devices
            .Where(d => d.Location.CabinType == CabinType.Gas && d.TryGetChannel("o2", out _))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .Skip(skip)
            .First();

    public async Task<T> GetJsonAsync<T>(string path) =>
        (await Http.GetFromJsonAsync<T>(path, Json)) ?? throw new InvalidOperationException($"{path} returned null");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Keeps the data folder on dispose, for a restart with <see cref="DataArgument"/>.</summary>
    public void KeepData() => _ownsData = false;

    /// <summary>Adds a user of <paramref name="role"/> to the user file (as the CLI would) and returns a client signed in with its token.</summary>
    public async Task<HttpClient> ClientAsync(Role role, string? name = null)
    {
        name ??= $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}"[..20];
        using var store = new AccountStore(AccountsPath);
        await store.AddUserAsync(name, role, Passwords.GenerateFor(name));
        var token = (await store.CreateTokenAsync(name, "tests")).Secret;
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>The operator the test host signs in as: created in the user file before the server starts.</summary>
internal sealed record TestOperator(string Password, string Token)
{
    /// <summary>Adds (or, on a restart with the same data, re-keys) <see cref="LifelineServerHost.OperatorName"/> and gives it a new token.</summary>
    public static async Task<TestOperator> EnsureAsync(string accountsPath)
    {
        using var store = new AccountStore(accountsPath);
        var password = Passwords.GenerateFor(LifelineServerHost.OperatorName);
        if (store.Find(LifelineServerHost.OperatorName) is null)
        {
            await store.AddUserAsync(LifelineServerHost.OperatorName, Role.Operator, password);
        }
        else
        {
            await store.SetPasswordAsync(LifelineServerHost.OperatorName, password);
        }

        var token = await store.CreateTokenAsync(LifelineServerHost.OperatorName, "integration-tests");
        return new TestOperator(password, token.Secret);
    }
}
