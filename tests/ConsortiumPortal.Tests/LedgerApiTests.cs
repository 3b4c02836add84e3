using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Tests.Support;
using Xunit.Abstractions;

namespace ConsortiumPortal.Tests;

/// <summary>A demo data directory and one node process serving it, shared by a test class.</summary>
public sealed class RunningNodeFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    public DemoLedger Ledger { get; private set; } = null!;
    public NodeProcess Node { get; private set; } = null!;
    public HttpClient Http => Node.Http;

    public async Task InitializeAsync()
    {
        Ledger = await DemoLedger.InitAsync(_temp.Sub("data"));
        Node = await NodeProcess.StartAsync(Ledger.DataDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Node is not null) await Node.DisposeAsync();
        _temp.Dispose();
    }
}

/// <summary>The HTTP API of a node running as its own process: duplicate submissions and bad input.</summary>
public sealed class LedgerApiTests(RunningNodeFixture fixture, ITestOutputHelper output) : IClassFixture<RunningNodeFixture>
{
    private DemoLedger Ledger => fixture.Ledger;
    private HttpClient Http => fixture.Http;

    [Fact]
    public async Task The_same_signed_transaction_submitted_1000_times_concurrently_commits_exactly_once()
    {
        const int copies = 1000;
        const long amount = 12_345;
        var start = await fixture.Node.StatusAsync();
        var tx = Ledger.Transfer("gen-hydro/operator", "gen-solar", amount, start.Height, "sent a thousand times");
        var wire = Encoding.UTF8.GetBytes(tx.ToJson());
        var payerBefore = Ledger.Balance("gen-hydro");
        var payeeBefore = Ledger.Balance("gen-solar");
        Assert.True(payerBefore >= amount, "the demo gave gen-hydro an opening balance");

        using var http = fixture.Node.CreateClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1000 }, TimeSpan.FromSeconds(90));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submissions = Enumerable.Range(0, copies).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await http.SubmitRawAsync(wire);
        })).ToArray();
        go.SetResult();
        var responses = await Task.WhenAll(submissions);

        var committed = responses.Where(r => r.IsCommitted).ToArray();
        var duplicates = responses.Where(r => r.Status == HttpStatusCode.Conflict).ToArray();
        output.WriteLine($"{committed.Length} answered committed, {duplicates.Length} answered 409 duplicate");
        var other = responses.Where(r => !r.IsCommitted && r.Status != HttpStatusCode.Conflict).Take(5).ToArray();
        Assert.True(other.Length == 0, "unexpected answers: " + string.Join("\n", other.Select(r => r.ToString())));
        Assert.NotEmpty(committed);
        Assert.All(duplicates, d => Assert.Equal("duplicate", d.Title));
        Assert.All(duplicates, d => Assert.Equal(tx.IdHex, d.Json.GetProperty("txId").GetString()));

        var positions = committed.Select(r => (r.Json.GetProperty("height").GetInt64(), r.Json.GetProperty("index").GetInt32())).Distinct().ToArray();
        Assert.Single(positions);
        var (height, index) = positions[0];
        Assert.All(committed, r => Assert.Equal(tx.IdHex, r.Json.GetProperty("txId").GetString()));
        Assert.All(committed, r => Assert.Equal(TxResult.Ok, r.Json.GetProperty("status").GetString()));
        Assert.Equal(("committed", height, index), await Http.TransactionAsync(tx.IdHex));

        // Exactly one block holds it, once.
        var end = await fixture.Node.StatusAsync();
        var occurrences = new List<(long Height, int Position)>();
        for (var h = start.Height + 1; h <= end.Height; h++)
        {
            var block = await Http.GetFromJsonAsync<JsonElement>($"api/blocks/{h}");
            var ids = block.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("txId").GetString()).ToArray();
            for (var i = 0; i < ids.Length; i++)
                if (ids[i] == tx.IdHex) occurrences.Add((h, i));
        }
        Assert.Equal(new[] { (height, index) }, occurrences.ToArray());
        Assert.Equal(1, Ledger.TransactionRows(tx.IdHex));

        Assert.Equal(payerBefore - amount, Ledger.Balance("gen-hydro"));
        Assert.Equal(payeeBefore + amount, Ledger.Balance("gen-solar"));

        // And sending it once more, later, is still a 409.
        var again = await Http.SubmitRawAsync(wire);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(payerBefore - amount, Ledger.Balance("gen-hydro"));
    }

    [Fact]
    public async Task A_batch_commits_each_valid_transaction_once_and_refuses_each_bad_one_with_its_reason()
    {
        var start = await fixture.Node.StatusAsync();
        var first = Ledger.Transfer("steel-works/operator", "gen-wind", 101, start.Height, "batch 1");
        var second = Ledger.Transfer("steel-works/operator", "gen-solar", 202, start.Height, "batch 2");
        var otherOrganisation = Ledger.Transfer("gen-hydro/operator", "gen-wind", 303, start.Height, "not the caller's");
        var payerBefore = Ledger.Balance("steel-works");
        var hydroBefore = Ledger.Balance("gen-hydro");
        var body = $"[{first.ToJson()},{second.ToJson()},{{\"body\":1}},{otherOrganisation.ToJson()},{first.ToJson()}]";

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/transactions/batch?wait=true") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DemoApiKeyFile.HeaderName, DemoApiKeyFile.Read(Ledger.DataDirectory).For("steel-works"));
        using var response = await Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        var results = JsonDocument.Parse(raw).RootElement.GetProperty("results").EnumerateArray().ToArray();

        Assert.Equal(5, results.Length);
        Assert.Equal(("committed", first.IdHex), (results[0].GetProperty("state").GetString(), results[0].GetProperty("txId").GetString()));
        Assert.Equal(("committed", second.IdHex), (results[1].GetProperty("state").GetString(), results[1].GetProperty("txId").GetString()));
        Assert.Equal(("refused", "malformed"), (results[2].GetProperty("state").GetString(), results[2].GetProperty("code").GetString()));
        Assert.Equal(("refused", "wrong-organisation"), (results[3].GetProperty("state").GetString(), results[3].GetProperty("code").GetString()));
        // The same transaction twice in a batch is one transaction: both entries report the one commit.
        Assert.Equal(results[0].GetProperty("height").GetInt64(), results[4].GetProperty("height").GetInt64());
        Assert.Equal(1, Ledger.TransactionRows(first.IdHex));
        Assert.Equal(payerBefore - 101 - 202, Ledger.Balance("steel-works"));
        Assert.Equal(hydroBefore, Ledger.Balance("gen-hydro"));
    }

    [Theory]
    [InlineData("[]", "batch-size")]
    [InlineData("{\"body\":{}}", "malformed")]
    [InlineData("[1,", "malformed")]
    public async Task A_batch_that_is_not_a_list_of_1_to_1000_transactions_is_refused_with_a_problem(string body, string title)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/transactions/batch") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DemoApiKeyFile.HeaderName, DemoApiKeyFile.Read(Ledger.DataDirectory).For("steel-works"));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString());
    }

    /// <summary>A request the node must refuse, what status and problem title it must refuse it with, and the tx id if it has one.</summary>
    public sealed record BadRequest(byte[] Body, string? TxId = null, bool Chunked = false);

    private sealed record BadInput(int[] Statuses, string? Title, Func<RunningNodeFixture, long, Task<BadRequest>> Make);

    private static SignedTransaction Transfer(RunningNodeFixture f, long height, long amount = 7, string memo = "refused") =>
        f.Ledger.Transfer("steel-works/operator", "retail-one", amount, height, memo);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static BadRequest EditWire(SignedTransaction tx, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(tx.ToJson())!.AsObject();
        edit(json);
        return new BadRequest(Utf8(json.ToJsonString()), tx.IdHex);
    }

    private static BadRequest Signed(RunningNodeFixture f, string signer, long height, string contract, string method, object args, string? chainId = null,
        long? expiryHeight = null)
    {
        var builder = f.Ledger.Signer(signer, chainId ?? DemoLedger.ChainId);
        using var argsDoc = JsonDocument.Parse(JsonSerializer.Serialize(args, Chain.Encoding.CanonicalJson.SerializerOptions));
        var body = new TransactionBody(builder.ChainId, signer, contract, method, argsDoc.RootElement.Clone(), TxBuilder.NewNonce(),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), expiryHeight ?? height + TxBuilder.DefaultValidityBlocks);
        var tx = builder.Sign(body);
        return new BadRequest(Utf8(tx.ToJson()), tx.IdHex);
    }

    private static readonly Dictionary<string, BadInput> BadInputs = new()
    {
        ["malformed-json"] = new([400], "malformed", (f, h) =>
            Task.FromResult(new BadRequest(Utf8(Transfer(f, h).ToJson()[..^7])))),
        ["not-json-at-all"] = new([400], "malformed", (_, _) => Task.FromResult(new BadRequest(Utf8("transfer 5 yuan to retail-one please")))),
        ["empty-body"] = new([400], "malformed", (_, _) => Task.FromResult(new BadRequest([]))),
        ["json-array"] = new([400], "malformed", (_, _) => Task.FromResult(new BadRequest(Utf8("[1,2,3]")))),
        ["float-amount"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j["body"]!["args"]!["amount"] = JsonValue.Create(1.5)))),
        ["exponent-amount"] = new([400], "malformed", (f, h) =>
        {
            var tx = Transfer(f, h, amount: 100);
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson().Replace("\"amount\":100", "\"amount\":1e2")), tx.IdHex));
        }),
        ["duplicate-field"] = new([400], "malformed", (f, h) =>
        {
            // Two "amount"s: a lenient parser might take either; the ledger must refuse the ambiguity.
            var tx = Transfer(f, h, amount: 100);
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson().Replace("\"amount\":100", "\"amount\":100,\"amount\":900000")), tx.IdHex));
        }),
        ["bad-signature"] = new([403], "bad-signature", (f, h) => Task.FromResult(EditWire(Transfer(f, h), j =>
        {
            var sig = j["signature"]!.GetValue<string>();
            j["signature"] = (sig[0] == '0' ? '1' : '0') + sig[1..];
        }))),
        ["signature-of-another-body"] = new([403], "bad-signature", (f, h) =>
        {
            var signed = Transfer(f, h, amount: 1);
            return Task.FromResult(EditWire(Transfer(f, h, amount: 900_000), j => j["signature"] = JsonNode.Parse(signed.ToJson())!["signature"]!.GetValue<string>()));
        }),
        ["signature-not-hex"] = new([400], "malformed", (f, h) => Task.FromResult(EditWire(Transfer(f, h), j => j["signature"] = "not hex"))),
        ["unknown-signer"] = new([403], "unknown-signer", (f, h) =>
        {
            // Signed by a real key under a certificate id nobody issued.
            var tx = Transfer(f, h);
            var json = JsonNode.Parse(tx.ToJson())!;
            json["body"]!["signer"] = "steel-works/nobody";
            return Task.FromResult(new BadRequest(Utf8(json.ToJsonString())));
        }),
        ["revoked-certificate"] = new([403], "revoked", async (f, h) =>
        {
            var revoke = f.Ledger.Signer("cable-co").Build(MembershipContract.ContractName, "revokeCertificate",
                new MembershipContract.RevokeCertificateArgs("cable-co/operator", "left the company"), h);
            var revoked = await f.Http.SubmitAsync(revoke);
            Assert.True(revoked.IsCommitted, revoked.ToString());
            Assert.Equal(TxResult.Ok, revoked.Json.GetProperty("status").GetString());
            var status = await f.Node.StatusAsync();
            var tx = f.Ledger.Transfer("cable-co/operator", "meter-co", 1, status.Height, "after revocation");
            return new BadRequest(Utf8(tx.ToJson()), tx.IdHex);
        }),
        ["unknown-contract"] = new([400], "unknown-method", (f, h) =>
            Task.FromResult(Signed(f, "steel-works/operator", h, "lottery", "transfer", new { to = "retail-one", amount = 1, memo = "x" }))),
        ["unknown-method"] = new([400], "unknown-method", (f, h) =>
            Task.FromResult(Signed(f, "steel-works/operator", h, SettlementContract.ContractName, "mint", new { to = "steel-works", amount = 1, memo = "x" }))),
        ["wrong-chain-id"] = new([400], "wrong-chain", (f, h) =>
            Task.FromResult(Signed(f, "steel-works/operator", h, SettlementContract.ContractName, "transfer",
                new { to = "retail-one", amount = 1, memo = "x" }, chainId: "another-consortium"))),
        ["expired"] = new([400], "expired", (f, h) =>
            Task.FromResult(Signed(f, "steel-works/operator", h, SettlementContract.ContractName, "transfer",
                new { to = "retail-one", amount = 1, memo = "x" }, expiryHeight: h - 1))),
        ["expires-at-current-height"] = new([400], "expired", (f, h) =>
            Task.FromResult(Signed(f, "steel-works/operator", h, SettlementContract.ContractName, "transfer",
                new { to = "retail-one", amount = 1, memo = "x" }, expiryHeight: h))),
        ["oversized-payload"] = new([413], "payload-too-large", (f, h) =>
        {
            var tx = Transfer(f, h, memo: new string('x', 80 * 1024));
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson()), tx.IdHex));
        }),
        ["oversized-payload-chunked"] = new([413], "payload-too-large", (f, h) =>
        {
            var tx = Transfer(f, h, memo: new string('x', 80 * 1024));
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson()), tx.IdHex, Chunked: true));
        }),
        ["body-just-over-64KiB"] = new([400, 413], null, (f, h) =>
        {
            var tx = Transfer(f, h, memo: new string('x', 64 * 1024 + 16));
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson()), tx.IdHex));
        }),
        ["missing-nonce"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j["body"]!.AsObject().Remove("nonce")))),
        ["missing-args"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j["body"]!.AsObject().Remove("args")))),
        ["missing-signature"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j.Remove("signature")))),
        ["missing-body"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j.Remove("body")))),
        ["string-expiry-height"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j["body"]!["expiryHeight"] = "99999"))),
        ["unknown-field"] = new([400], "malformed", (f, h) =>
            Task.FromResult(EditWire(Transfer(f, h), j => j["body"]!["priority"] = 1))),
        // Text that is not valid Unicode: System.Text.Json parses it, then throws InvalidOperationException when the
        // string is read. These must be 400 "malformed" like any other bad JSON, not a 500.
        ["invalid-utf8-in-memo"] = new([400], "malformed", (f, h) =>
        {
            var tx = Transfer(f, h, memo: "MEMO-MARK");
            var bytes = Utf8(tx.ToJson());
            var at = bytes.AsSpan().IndexOf("MEMO-MARK"u8);
            bytes[at] = 0xFF;
            bytes[at + 1] = 0xFE;
            return Task.FromResult(new BadRequest(bytes, tx.IdHex));
        }),
        ["lone-surrogate-in-memo"] = new([400], "malformed", (f, h) =>
        {
            var tx = Transfer(f, h, memo: "MEMO-MARK");
            return Task.FromResult(new BadRequest(Utf8(tx.ToJson().Replace("MEMO-MARK", "\\ud800")), tx.IdHex));
        }),
        ["lone-surrogate-in-signature"] = new([400], "malformed", (f, h) =>
        {
            var tx = Transfer(f, h);
            var json = tx.ToJson();
            var signature = JsonNode.Parse(json)!["signature"]!.GetValue<string>();
            return Task.FromResult(new BadRequest(Utf8(json.Replace(signature, "\\udc00")), tx.IdHex));
        }),
        ["lone-surrogate-field-name"] = new([400], "malformed", (f, h) =>
        {
            var tx = Transfer(f, h);
            return Task.FromResult(new BadRequest(Utf8("{\"\\ud800\":1," + tx.ToJson()[1..]), tx.IdHex));
        }),
    };

    public static TheoryData<string> BadInputNames => new(BadInputs.Keys);

    [Theory]
    [MemberData(nameof(BadInputNames))]
    public async Task Bad_input_is_refused_with_a_problem_and_commits_nothing_and_the_node_keeps_committing(string name)
    {
        var input = BadInputs[name];
        var request = await input.Make(fixture, (await fixture.Node.StatusAsync()).Height);

        var before = await fixture.Node.StatusAsync();
        var stateBefore = Ledger.State();
        var txsBefore = Ledger.TransactionCount();

        HttpContent content = request.Chunked ? new ChunkedContent(request.Body) : new ByteArrayContent(request.Body);
        content.Headers.ContentType = new("application/json");
        using var response = await Http.PostAsync("api/transactions?wait=true", content);
        var refused = await LedgerHttp.ReadAsync(response);
        output.WriteLine(refused.ToString().Length > 600 ? refused.ToString()[..600] : refused.ToString());

        Assert.True(input.Statuses.Contains((int)refused.Status), $"{name}: expected {string.Join(" or ", input.Statuses)}, got {refused}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(JsonValueKind.Object, refused.Json.ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(refused.Json.GetProperty("title").GetString()), refused.ToString());
        Assert.False(string.IsNullOrWhiteSpace(refused.Json.GetProperty("detail").GetString()), refused.ToString());
        if (input.Title is { } title) Assert.Equal(title, refused.Title);

        // Nothing reached the ledger.
        var after = await fixture.Node.StatusAsync();
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.HeadHash, after.HeadHash);
        Assert.Null(after.Halted);
        Assert.Equal(txsBefore, Ledger.TransactionCount());
        Assert.Equal(stateBefore, Ledger.State());
        if (request.TxId is { } id)
        {
            Assert.Equal((string?)null, (await Http.TransactionAsync(id)).State);
            Assert.Equal(0, Ledger.TransactionRows(id));
        }

        // The node is still up and commits a valid transaction.
        var payer = Ledger.Balance("steel-works");
        var valid = Transfer(fixture, after.Height, amount: 1, memo: $"after {name}");
        var ok = await Http.SubmitAsync(valid);
        Assert.True(ok.IsCommitted, ok.ToString());
        Assert.Equal(TxResult.Ok, ok.Json.GetProperty("status").GetString());
        Assert.Equal(after.Height + 1, ok.Json.GetProperty("height").GetInt64());
        Assert.Equal(payer - 1, Ledger.Balance("steel-works"));
    }

    [Fact]
    public async Task Reading_unknown_things_answers_404_problems()
    {
        foreach (var path in new[] { $"api/transactions/{new string('a', 64)}", $"api/receipts/{new string('b', 64)}", "api/blocks/999999" })
        {
            using var response = await Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("not-found", problem.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task A_committed_transaction_has_a_receipt_over_http_that_verifies_offline()
    {
        var status = await fixture.Node.StatusAsync();
        var tx = Ledger.Transfer("data-park/operator", "retail-one", 3, status.Height, "receipt over http");
        var committed = await Http.SubmitAsync(tx);
        Assert.True(committed.IsCommitted, committed.ToString());
        var receipt = await Http.GetStringAsync($"api/receipts/{tx.IdHex}");
        var verification = Chain.Proofs.ReceiptVerifier.Verify(receipt);
        Assert.True(verification.IsValid, verification.FirstFailure?.ToString());
    }

    /// <summary>A body sent with Transfer-Encoding: chunked (no Content-Length), so the server must enforce the limit while reading.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < bytes.Length; i += 4096)
                await stream.WriteAsync(bytes.AsMemory(i, Math.Min(4096, bytes.Length - i)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
