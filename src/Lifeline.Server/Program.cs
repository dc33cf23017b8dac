using Lifeline.Assets;
using Lifeline.Server;
using Lifeline.Server.Accounts;
using Microsoft.Extensions.Options;

// User management runs on the user file and exits; it never starts the server.
if (UsersCommand.Matches(args))
{
    return await UsersCommand.RunAsync(args, Console.In, Console.Out, Console.Error);
}

try
{
    var app = LifelineApp.Build(args);
    LifelineApp.ValidateConfiguration(app.Services);
    await app.RunAsync();
    return 0;
}
catch (AssetRegistryException ex)
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: the asset registry has {ex.Errors.Count} error(s):");
    foreach (var error in ex.Errors)
    {
        await Console.Error.WriteLineAsync("  " + error);
    }

    return 2;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: invalid configuration ({ex.OptionsType.Name}):");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure);
    }

    return 2;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: invalid configuration: {ex.Message}");
    return 2;
}
catch (AccountStoreException ex)
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: {ex.Message} (check Accounts:Path)");
    return 2;
}
catch (DirectoryNotFoundException ex)
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: {ex.Message} (check --contentRoot and Assets:Path)");
    return 2;
}
catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: {ex.Message} (choose another port with --urls or Mqtt:Port)");
    return 2;
}
catch (System.Net.Sockets.SocketException ex)
{
    await Console.Error.WriteLineAsync($"Lifeline cannot start: {ex.Message} (is Mqtt:Port already taken by another broker? Use Mqtt:Mode=External or another Mqtt:Port)");
    return 2;
}
