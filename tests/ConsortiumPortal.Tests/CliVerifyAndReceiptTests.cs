using System.Text;
using System.Text.Json.Nodes;
using ConsortiumPortal.Tests.Support;

namespace ConsortiumPortal.Tests;

/// <summary>One demo data directory made by `init --demo`, shared by the CLI tests (each tampering test works on a copy).</summary>
public sealed class InitializedDemoFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    public DemoLedger Ledger { get; private set; } = null!;
    public string DataDirectory => Ledger.DataDirectory;

    public async Task InitializeAsync() => Ledger = await DemoLedger.InitAsync(_temp.Sub("data"));

    /// <summary>A copy of the ledger files in a new directory of this fixture.</summary>
    public string CopyData()
    {
        var copy = _temp.Sub("copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(DataDirectory))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    public string WriteFile(string name, string text)
    {
        var path = _temp.Sub(name);
        File.WriteAllText(path, text);
        return path;
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The offline verbs run as a real process: `verify` catches a tampered SQLite file, receipts verify and break when edited.</summary>
public sealed class CliVerifyAndReceiptTests(InitializedDemoFixture fixture) : IClassFixture<InitializedDemoFixture>
{
    [Fact]
    public async Task Verify_accepts_the_demo_ledger_then_names_the_block_whose_stored_transaction_was_flipped_in_the_file()
    {
        var data = fixture.CopyData();
        var ledger = DemoLedger.Open(data);
        var db = ledger.DatabasePath;

        var clean = await Executable.RunAsync("verify", "--data", data);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("OK", clean.StdOut);

        // The steel works' opening deposit: its nonce occurs in its body only (receipts and state carry the tx id, not the nonce).
        var (_, height, _, body) = ledger.FindTransaction("OPEN-STEEL-WORKS");
        Assert.True(height > 0, "the demo deposit is in a block after genesis");
        var nonce = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("nonce").GetString()!;

        // The CLI closed the database cleanly: everything is in ledger.db itself, no write-ahead log is pending.
        var wal = db + "-wal";
        Assert.False(File.Exists(wal) && new FileInfo(wal).Length > 0, "a -wal file is pending; the byte flip would not be the whole story");

        var bytes = File.ReadAllBytes(db);
        var needle = Encoding.UTF8.GetBytes($"\"nonce\":\"{nonce}\"");
        var offsets = Offsets(bytes, needle);
        Assert.NotEmpty(offsets);
        foreach (var offset in offsets)
        {
            // Change the nonce's first hex digit to another hex digit: the row stays valid JSON of the same length.
            var at = offset + "\"nonce\":\"".Length;
            bytes[at] = bytes[at] == (byte)'0' ? (byte)'1' : (byte)'0';
        }
        File.WriteAllBytes(db, bytes);
        Assert.NotEqual(body, ledger.FindTransaction("OPEN-STEEL-WORKS").Body);

        var tampered = await Executable.RunAsync("verify", "--data", data);
        Assert.True(tampered.ExitCode == 1, tampered.ToString());
        Assert.Contains($"block {height}:", tampered.Output);
        Assert.DoesNotContain("OK:", tampered.StdOut);
    }

    private static List<int> Offsets(byte[] haystack, byte[] needle)
    {
        var found = new List<int>();
        var span = haystack.AsSpan();
        for (var start = 0; ;)
        {
            var i = span[start..].IndexOf(needle);
            if (i < 0) return found;
            found.Add(start + i);
            start += i + 1;
        }
    }

    [Fact]
    public async Task Receipt_from_the_cli_verifies_with_verify_receipt()
    {
        var (txId, height, index, _) = fixture.Ledger.FindTransaction("PPA 2026-10");
        var receipt = await Executable.RunAsync("receipt", "--data", fixture.DataDirectory, "--tx", txId);
        Assert.True(receipt.ExitCode == 0, receipt.ToString());
        var json = JsonNode.Parse(receipt.StdOut)!;
        Assert.Equal(txId, json["txId"]!.GetValue<string>());
        Assert.Equal(height, json["header"]!["height"]!.GetValue<long>());
        Assert.Equal(index, json["merkle"]!["index"]!.GetValue<int>());

        var file = fixture.WriteFile($"receipt-{txId[..8]}.json", receipt.StdOut);
        var verified = await Executable.RunAsync("verify-receipt", file);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains("OK", verified.StdOut);

        var byPosition = await Executable.RunAsync("receipt", "--data", fixture.DataDirectory, "--height", height.ToString(), "--index", index.ToString());
        Assert.True(byPosition.ExitCode == 0, byPosition.ToString());
        Assert.Equal(txId, JsonNode.Parse(byPosition.StdOut)!["txId"]!.GetValue<string>());
    }

    public static TheoryData<string> ReceiptEdits => new()
    {
        "tx.args.amount", "tx.args.to", "result.status", "header.timestamp", "header.height", "txId", "merkle.index", "signature",
        "headerSignature", "genesisHash",
    };

    [Theory]
    [MemberData(nameof(ReceiptEdits))]
    public async Task A_receipt_with_one_field_changed_fails_verify_receipt(string field)
    {
        var (txId, _, _, _) = fixture.Ledger.FindTransaction("PPA 2026-10");
        var receipt = await Executable.RunAsync("receipt", "--data", fixture.DataDirectory, "--tx", txId);
        Assert.True(receipt.ExitCode == 0, receipt.ToString());
        var json = JsonNode.Parse(receipt.StdOut)!.AsObject();

        var path = field.Split('.');
        var parent = path[..^1].Aggregate((JsonNode)json, (node, name) => node[name]!);
        var leaf = path[^1];
        var original = parent[leaf]!;
        parent[leaf] = original.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => JsonValue.Create(original.GetValue<long>() + 1),
            _ => JsonValue.Create(ChangeOneCharacter(original.GetValue<string>())),
        };
        Assert.NotEqual(original.ToJsonString(), parent[leaf]!.ToJsonString());

        var file = fixture.WriteFile($"edited-{field}-{Guid.NewGuid():N}.json", json.ToJsonString());
        var verified = await Executable.RunAsync("verify-receipt", file);
        Assert.True(verified.ExitCode == 1, $"editing {field} should fail the receipt: {verified}");
        Assert.Contains("FAILED", verified.StdOut);
    }

    /// <summary>Changes the last character to a different one of the same kind (hex stays hex).</summary>
    private static string ChangeOneCharacter(string text)
    {
        var last = text[^1];
        var replacement = last switch { '0' => '1', >= '1' and <= '9' => '0', 'a' => 'b', _ => 'a' };
        return text[..^1] + replacement;
    }

    [Fact]
    public async Task Receipt_for_an_unknown_transaction_exits_nonzero()
    {
        var result = await Executable.RunAsync("receipt", "--data", fixture.DataDirectory, "--tx", new string('0', 64));
        Assert.Equal(1, result.ExitCode);
    }
}
