namespace Lifeline.Assets.Yaml;

/// <summary>Collects every problem found while loading, in the order found.</summary>
internal sealed class ErrorList
{
    private readonly List<string> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<string> Items => _errors;

    public void Add(string error) => _errors.Add(error);
}
