namespace ConsortiumPortal.Cli;

/// <summary>
/// The executable's verbs: `init`, `genesis`, `verify`, `receipt`, `verify-receipt`, `bench`, `bench-cluster`, `bench-metering`. Anything else (or nothing)
/// runs the portal. Exit codes: 0 success, 1 verification failed, 2 usage error.
/// </summary>
public static class CommandLine
{
    private static readonly Dictionary<string, Func<CliArguments, Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["init"] = InitCommand.RunAsync,
        ["genesis"] = JoinCommand.PrintGenesisAsync,
        ["verify"] = VerifyCommand.RunAsync,
        ["receipt"] = ReceiptCommand.RunAsync,
        ["verify-receipt"] = VerifyReceiptCommand.RunAsync,
        ["bench"] = BenchCommand.RunAsync,
        ["bench-cluster"] = ClusterBenchCommand.RunAsync,
        ["bench-metering"] = MeteringBenchCommand.RunAsync,
    };

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        try { return await Verbs[args[0]](CliArguments.Parse(args.Skip(1))); }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{args[0]}: {e.Message}");
            return 2;
        }
    }

    /// <summary>The portal's own arguments with a leading `run` removed (`run` is the explicit spelling of the default).</summary>
    public static string[] HostArguments(string[] args) => args.Length > 0 && args[0] == "run" ? args[1..] : args;
}

public sealed class UsageException(string message) : Exception(message);

/// <summary>--name value pairs, --flags and positional arguments.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = [];

    public static CliArguments Parse(IEnumerable<string> args)
    {
        var parsed = new CliArguments();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) { parsed.Positional.Add(list[i]); continue; }
            var name = list[i][2..];
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            parsed._options[name] = hasValue ? list[++i] : null;
        }
        return parsed;
    }

    public bool Flag(string name) => _options.ContainsKey(name);

    public string? Optional(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required");

    public long Long(string name, long fallback) =>
        Optional(name) is { } text ? long.TryParse(text, out var v) && v > 0 ? v : throw new UsageException($"--{name} must be a positive integer") : fallback;

    public long NonNegative(string name) =>
        long.TryParse(Required(name), out var v) && v >= 0 ? v : throw new UsageException($"--{name} must be a non-negative integer");

    public static string MasterKey => Environment.GetEnvironmentVariable("Consortium__MasterKey") ?? "";
}
