using System.Net;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Chain.Proofs;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Api;

/// <summary>
/// The ledger API in-process: who may call it (API key or portal sign-in, else 401), what each caller may submit
/// (only its own organisation's signers) and read (its own organisation's transactions, a Regulator every one),
/// and every endpoint's success and error answers.
/// </summary>
public sealed class LedgerApiAuthorisationTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static readonly string[] Endpoints =
        [$"/api/transactions/{new string('a', 64)}", $"/api/receipts/{new string('a', 64)}", "/api/blocks/1", "/api/status"];

    [Fact]
    public async Task Every_endpoint_refuses_an_unauthenticated_call_with_a_401_problem_not_a_redirect()
    {
        using var anonymous = app.Client();
        foreach (var path in Endpoints)
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("unauthenticated", problem.RootElement.GetProperty("title").GetString());
        }
        var tx = app.Transfer("steel-works/operator", "retail-one", 1, "anonymous");
        var submitted = await ApiCalls.SubmitAsync(anonymous, tx);
        Assert.Equal(HttpStatusCode.Unauthorized, submitted.Status);
        Assert.Equal("unauthenticated", submitted.Title);
        Assert.False(app.Runtime.Ledger.Store.ContainsTransaction(tx.IdHex));
        Assert.False(app.Runtime.Node.IsPending(tx.IdHex));
    }

    [Theory]
    [InlineData("cpk_not-a-key-anyone-was-given")]
    [InlineData("Bearer something")]
    [InlineData(" ")]
    public async Task An_unknown_or_malformed_key_is_refused_with_401(string key)
    {
        using var client = app.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
        var (status, problem, type) = await ApiCalls.GetAsync(client, "/api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal("unauthenticated", problem.Title());
    }

    [Fact]
    public async Task Status_answers_any_authenticated_caller()
    {
        using var client = app.ClientOf("retail-one");
        var (status, json, _) = await ApiCalls.GetAsync(client, "/api/status");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(app.Runtime.Ledger.ChainId, json.GetProperty("chainId").GetString());
        Assert.True(json.GetProperty("height").GetInt64() >= 1);
        Assert.True(json.GetProperty("isLeader").GetBoolean());
    }

    [Fact]
    public async Task A_key_submits_its_own_organisations_transaction_and_reads_it_its_receipt_and_its_block()
    {
        using var steel = app.ClientOf("steel-works");
        var tx = app.Transfer("steel-works/operator", "retail-one", 2, "own organisation");
        var committed = await ApiCalls.SubmitAsync(steel, tx);
        Assert.True(committed.IsCommitted, committed.ToString());
        Assert.Equal(TxResult.Ok, committed.Json.GetProperty("status").GetString());
        var height = committed.Json.GetProperty("height").GetInt64();

        var (status, json, _) = await ApiCalls.GetAsync(steel, $"/api/transactions/{tx.IdHex}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("committed", json.GetProperty("state").GetString());
        Assert.Equal(height, json.GetProperty("height").GetInt64());
        Assert.Equal("steel-works/operator", json.GetProperty("transaction").GetProperty("body").GetProperty("signer").GetString());

        var receipt = await steel.GetStringAsync($"/api/receipts/{tx.IdHex}");
        var verification = ReceiptVerifier.Verify(receipt);
        Assert.True(verification.IsValid, verification.FirstFailure?.ToString());

        var (blockStatus, block, _) = await ApiCalls.GetAsync(steel, $"/api/blocks/{height}");
        Assert.Equal(HttpStatusCode.OK, blockStatus);
        Assert.Contains(block.GetProperty("transactions").EnumerateArray(), t => t.GetProperty("txId").GetString() == tx.IdHex);
    }

    [Fact]
    public async Task Submitting_without_waiting_answers_202_pending_with_where_to_look()
    {
        using var steel = app.ClientOf("steel-works");
        var tx = app.Transfer("steel-works/operator", "retail-one", 1, "no wait");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(tx.ToJson()));
        content.Headers.ContentType = new("application/json");
        using var response = await steel.PostAsync("/api/transactions", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/transactions/{tx.IdHex}", response.Headers.Location?.OriginalString);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? state;
        do
        {
            var (_, json, _) = await ApiCalls.GetAsync(steel, $"/api/transactions/{tx.IdHex}");
            state = json.ValueKind == JsonValueKind.Object ? json.GetProperty("state").GetString() : null;
            if (state != "committed") await Task.Delay(50);
        } while (state != "committed" && DateTime.UtcNow < deadline);
        Assert.Equal("committed", state);
    }

    [Fact]
    public async Task A_key_cannot_submit_a_transaction_signed_by_another_organisations_person()
    {
        using var steel = app.ClientOf("steel-works");
        var foreign = app.Transfer("data-park/operator", "steel-works", 500, "not yours to send");
        var balance = app.Runtime.Ledger.Store.ReadCommitted(Contracts.Settlement.SettlementAccounts.BalanceKey("data-park"));

        var refused = await ApiCalls.SubmitAsync(steel, foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("wrong-organisation", refused.Title);
        Assert.Equal(foreign.IdHex, refused.Json.GetProperty("txId").GetString());
        Assert.False(app.Runtime.Ledger.Store.ContainsTransaction(foreign.IdHex));
        Assert.False(app.Runtime.Node.IsPending(foreign.IdHex));

        // Not even the Regulator may submit for someone else; the signer's own organisation may.
        using var regulator = app.ClientOf(DemoApiKeyFile.Regulator);
        Assert.Equal("wrong-organisation", (await ApiCalls.SubmitAsync(regulator, foreign)).Title);
        using var dataPark = app.ClientOf("data-park");
        Assert.True((await ApiCalls.SubmitAsync(dataPark, foreign)).IsCommitted);
        Assert.NotEqual(balance, app.Runtime.Ledger.Store.ReadCommitted(Contracts.Settlement.SettlementAccounts.BalanceKey("data-park")));
    }

    [Fact]
    public async Task Another_organisations_transaction_reads_as_404_but_a_Regulator_reads_it()
    {
        using var steel = app.ClientOf("steel-works");
        var tx = app.Transfer("steel-works/operator", "gen-solar", 3, "private to steel-works");
        Assert.True((await ApiCalls.SubmitAsync(steel, tx)).IsCommitted);

        using var other = app.ClientOf("data-park");
        foreach (var path in new[] { $"/api/transactions/{tx.IdHex}", $"/api/receipts/{tx.IdHex}" })
        {
            var (status, problem, _) = await ApiCalls.GetAsync(other, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("not-found", problem.Title());
        }

        using var regulator = app.ClientOf(DemoApiKeyFile.Regulator);
        var (txStatus, json, _) = await ApiCalls.GetAsync(regulator, $"/api/transactions/{tx.IdHex}");
        Assert.Equal(HttpStatusCode.OK, txStatus);
        Assert.Equal("committed", json.GetProperty("state").GetString());
        var receipt = await regulator.GetStringAsync($"/api/receipts/{tx.IdHex}");
        Assert.True(ReceiptVerifier.Verify(receipt).IsValid);
    }

    [Fact]
    public async Task Reading_what_does_not_exist_answers_404_problems()
    {
        using var client = app.ClientOf(DemoApiKeyFile.Regulator);
        foreach (var path in new[] { $"/api/transactions/{new string('c', 64)}", $"/api/receipts/{new string('d', 64)}", "/api/blocks/999999" })
        {
            var (status, problem, type) = await ApiCalls.GetAsync(client, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("application/problem+json", type);
            Assert.Equal("not-found", problem.Title());
        }
    }

    [Fact]
    public async Task Submission_errors_are_problems_with_stable_titles()
    {
        using var steel = app.ClientOf("steel-works");
        async Task<LedgerHttp.Submission> PostRaw(string body)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await steel.PostAsync("/api/transactions?wait=true", content);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return await LedgerHttp.ReadAsync(response);
        }

        var malformed = await PostRaw("{\"body\": 1}");
        Assert.Equal((HttpStatusCode.BadRequest, "malformed"), (malformed.Status, malformed.Title));

        var tx = app.Transfer("steel-works/operator", "retail-one", 1, "twice");
        Assert.True((await ApiCalls.SubmitAsync(steel, tx)).IsCommitted);
        var duplicate = await ApiCalls.SubmitAsync(steel, tx);
        Assert.Equal((HttpStatusCode.Conflict, "duplicate"), (duplicate.Status, duplicate.Title));

        var unknownSigner = app.Transfer("steel-works/operator", "retail-one", 1, "nobody").ToJson().Replace("\"steel-works/operator\"", "\"steel-works/nobody\"");
        var unknown = await PostRaw(unknownSigner);
        Assert.Equal((HttpStatusCode.Forbidden, "unknown-signer"), (unknown.Status, unknown.Title));

        var tampered = app.Transfer("steel-works/operator", "retail-one", 1, "tampered").ToJson().Replace("\"amount\":1", "\"amount\":2");
        var badSignature = await PostRaw(tampered);
        Assert.Equal((HttpStatusCode.Forbidden, "bad-signature"), (badSignature.Status, badSignature.Title));

        var tooLarge = await PostRaw(app.Transfer("steel-works/operator", "retail-one", 1, new string('x', 70 * 1024)).ToJson());
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "payload-too-large"), (tooLarge.Status, tooLarge.Title));
    }

    [Fact]
    public async Task A_revoked_API_key_is_refused_at_once()
    {
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        var created = await store.CreateAsync("retail-one", "billing system", "retail-one/admin");
        Assert.StartsWith(ApiKeyStore.SecretPrefix, created.Secret);
        using var client = app.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await ApiCalls.GetAsync(client, "/api/status")).Status);

        // Another organisation's admin cannot revoke it; its own can.
        Assert.False(await store.RevokeAsync("steel-works", created.Key.Id, "steel-works/admin"));
        Assert.Equal(HttpStatusCode.OK, (await ApiCalls.GetAsync(client, "/api/status")).Status);
        Assert.True(await store.RevokeAsync("retail-one", created.Key.Id, "retail-one/admin"));
        var (status, problem, _) = await ApiCalls.GetAsync(client, "/api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Only_the_hash_of_a_key_is_stored()
    {
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        var created = await store.CreateAsync("gen-wind", "scada", "gen-wind/admin");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var identityDb = await File.ReadAllBytesAsync(Path.Combine(app.DataDirectory, "identity.db"));
        var wal = Path.Combine(app.DataDirectory, "identity.db-wal");
        var bytes = File.Exists(wal) ? [.. identityDb, .. await File.ReadAllBytesAsync(wal)] : identityDb;
        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(created.Secret, text);
        Assert.Contains(ApiKeyStore.Hash(created.Secret), text);
    }

    [Fact]
    public async Task A_signed_in_person_calls_the_API_with_their_cookie_and_is_authorised_like_a_key()
    {
        using var person = await app.SignedInClientAsync("steel-works/operator");
        Assert.Equal(HttpStatusCode.OK, (await ApiCalls.GetAsync(person, "/api/status")).Status);
        var own = app.Transfer("steel-works/operator", "retail-one", 1, "by cookie");
        Assert.True((await ApiCalls.SubmitAsync(person, own)).IsCommitted);
        Assert.Equal("wrong-organisation", (await ApiCalls.SubmitAsync(person, app.Transfer("data-park/operator", "retail-one", 1, "x"))).Title);

        using var dataPark = app.ClientOf("data-park");
        var theirs = app.Transfer("data-park/operator", "retail-one", 1, "data-park's");
        Assert.True((await ApiCalls.SubmitAsync(dataPark, theirs)).IsCommitted);
        Assert.Equal(HttpStatusCode.NotFound, (await ApiCalls.GetAsync(person, $"/api/transactions/{theirs.IdHex}")).Status);

        using var regulator = await app.SignedInClientAsync("nea-reg/operator");
        Assert.Equal(HttpStatusCode.OK, (await ApiCalls.GetAsync(regulator, $"/api/transactions/{theirs.IdHex}")).Status);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_endpoints_and_the_API_key_header_and_the_reference_UI_is_served()
    {
        using var anonymous = app.Client();
        var (status, document, _) = await ApiCalls.GetAsync(anonymous, "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, status);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/api/transactions", paths);
        Assert.Contains("/api/transactions/{txId}", paths);
        Assert.Contains("/api/receipts/{txId}", paths);
        Assert.Contains("/api/blocks/{height}", paths);
        Assert.Contains("/api/status", paths);
        Assert.DoesNotContain(paths, p => !p.StartsWith("/api/"));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("ApiKey", out _));

        using var ui = await anonymous.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Equal("text/html", ui.Content.Headers.ContentType?.MediaType);
    }
}
