namespace Lifeline.Server;

/// <summary>The asset registry directory the server loaded, as resolved from <c>Assets:Path</c> (the rule reload re-reads rules.yaml there).</summary>
/// <param name="Directory">The directory, as passed to the loader (error messages are prefixed with it).</param>
public sealed record AssetsLocation(string Directory);
