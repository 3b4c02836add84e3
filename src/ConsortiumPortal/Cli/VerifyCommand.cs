using ConsortiumPortal.Chain.Proofs;

namespace ConsortiumPortal.Cli;

/// <summary>`verify --data DIR`: re-checks the whole chain; exit 0, or 1 naming the first bad block.</summary>
public static class VerifyCommand
{
    public static Task<int> RunAsync(CliArguments args)
    {
        var root = args.Required("data");
        if (!File.Exists(Path.Combine(root, Chain.Ledger.DatabaseFile))) throw new UsageException($"{root} holds no ledger");
        using var ledger = new Chain.Ledger(root, Contracts.ConsortiumContracts.All());
        var result = ledger.Audit();
        if (result.IsValid)
        {
            Console.WriteLine($"OK: {result.BlocksChecked} blocks verified (hash links, Merkle roots, signatures, state and receipts roots); head {ledger.Store.HeadHash}");
            return Task.FromResult(0);
        }
        Console.WriteLine($"FAILED: block {result.BadHeight}: {result.Reason}");
        return Task.FromResult(1);
    }
}

/// <summary>`receipt --data DIR (--tx ID | --height H --index I)`: prints the receipt JSON.</summary>
public static class ReceiptCommand
{
    public static Task<int> RunAsync(CliArguments args)
    {
        var root = args.Required("data");
        if (!File.Exists(Path.Combine(root, Chain.Ledger.DatabaseFile))) throw new UsageException($"{root} holds no ledger");
        using var ledger = new Chain.Ledger(root, Contracts.ConsortiumContracts.All());
        var receipt = args.Optional("tx") is { } tx
            ? ledger.GetReceipt(tx)
            : ledger.GetReceipt(args.NonNegative("height"), (int)args.NonNegative("index"));
        if (receipt is null)
        {
            Console.Error.WriteLine("no such committed transaction");
            return Task.FromResult(1);
        }
        Console.WriteLine(receipt.ToJson());
        return Task.FromResult(0);
    }
}

/// <summary>`verify-receipt FILE`: exit 0, or 1 with the reason.</summary>
public static class VerifyReceiptCommand
{
    public static Task<int> RunAsync(CliArguments args)
    {
        var file = args.Positional.FirstOrDefault() ?? throw new UsageException("give the receipt file");
        if (!File.Exists(file)) throw new UsageException($"{file} does not exist");
        var verification = ReceiptVerifier.Verify(File.ReadAllText(file));
        foreach (var check in verification.Checks)
            Console.WriteLine($"{(check.Passed ? "pass" : "FAIL")}  {check.Name}: {check.Detail}");
        if (verification.IsValid)
        {
            Console.WriteLine("OK: the receipt verifies");
            return Task.FromResult(0);
        }
        Console.WriteLine($"FAILED: {verification.FirstFailure!.Name}");
        return Task.FromResult(1);
    }
}
