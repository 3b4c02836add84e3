using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Contracts.Evidence;
using ConsortiumPortal.Features.Evidence;
using ConsortiumPortal.Seed.Evidence;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.Evidence;

/// <summary>
/// /api/evidence in-process over the demo: anchor an uploaded contract, both parties sign, verify the original file
/// (passes) and a modified one (fails) without signing in, the file sealed on disk and readable only by its parties and
/// the Regulator, one record per hash, and the contract's refusals as 422 problems.
/// </summary>
public sealed class EvidenceApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static byte[] Contract(string marker) => Encoding.UTF8.GetBytes($"HV supply contract grid-east / steel-works, clause 1..12, {marker}");

    private static MultipartFormDataContent Upload(byte[] file, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new("text/plain");
        form.Add(content, "file", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length > 0 && (raw[0] == '{' || raw[0] == '[') ? JsonDocument.Parse(raw).RootElement.Clone() : default);
    }

    private async Task<string> AnchorAsync(HttpClient client, byte[] file, string requiredSigners = "grid-east,steel-works")
    {
        var (status, json) = await SendAsync(client.PostAsync("/api/evidence/documents/upload", Upload(file, "contract.txt",
            ("type", DocumentTypes.HighVoltageSupplyContract), ("title", "HV supply contract"), ("parties", "steel-works"),
            ("requiredSigners", requiredSigners), ("contractNumber", "GDHT-T-" + Guid.NewGuid().ToString("N")[..6]), ("effectiveFrom", "2026-01-01"))));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {json}");
        return json.GetProperty("output").GetProperty("documentId").GetString()!;
    }

    [Fact]
    public async Task A_contract_anchored_and_signed_by_both_parties_verifies_and_a_modified_file_does_not()
    {
        var original = Contract("original " + Guid.NewGuid());
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var hash = await AnchorAsync(grid, original);
        Assert.Equal(Hex.Encode(Sm3.Hash(original)), hash);

        using var anonymous = app.Client();
        var (_, verified) = await SendAsync(anonymous.GetAsync($"/api/evidence/verify/{hash}"));
        Assert.True(verified.GetProperty("anchored").GetBoolean());
        Assert.Equal("Pending", verified.GetProperty("status").GetString());
        Assert.Equal("grid-east/operator", verified.GetProperty("anchor").GetProperty("by").GetString());

        using var steel = await app.SignedInClientAsync("steel-works/operator");
        var (signStatus, signed) = await SendAsync(steel.PostAsync($"/api/evidence/documents/{hash}/signatures", null));
        Assert.True(signStatus == HttpStatusCode.OK, signed.ToString());
        Assert.Equal("Complete", signed.GetProperty("output").GetProperty("status").GetString());

        // The original file, uploaded by someone not signed in: anchored, complete, both signatures with their blocks.
        var (status, report) = await SendAsync(anonymous.PostAsync("/api/evidence/verify", Upload(original, "copy.txt")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(report.GetProperty("anchored").GetBoolean());
        Assert.Equal(hash, report.GetProperty("hash").GetString());
        Assert.Equal("Complete", report.GetProperty("status").GetString());
        var signatures = report.GetProperty("signatures").EnumerateArray().ToList();
        Assert.Equal(["grid-east", "steel-works"], signatures.Select(s => s.GetProperty("organisationId").GetString()).Order());
        Assert.All(signatures, s => Assert.Equal(64, s.GetProperty("blockHash").GetString()!.Length));
        var anchorHeight = report.GetProperty("anchor").GetProperty("height").GetInt64();
        Assert.True(anchorHeight > 0);

        // One changed byte: not anchored.
        var modified = (byte[])original.Clone();
        modified[^1] ^= 0x01;
        var (_, tampered) = await SendAsync(anonymous.PostAsync("/api/evidence/verify", Upload(modified, "copy.txt")));
        Assert.False(tampered.GetProperty("anchored").GetBoolean());
        Assert.NotEqual(hash, tampered.GetProperty("hash").GetString());

        // The anchoring receipt downloads without sign-in and is the ledger's proof bundle for that transaction.
        var receiptUrl = report.GetProperty("anchor").GetProperty("receipt").GetString()!;
        using var receipt = await anonymous.GetAsync(receiptUrl);
        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        var verification = Chain.Proofs.ReceiptVerifier.Verify(await receipt.Content.ReadAsStringAsync());
        Assert.True(verification.IsValid, verification.FirstFailure?.Detail);
        // ...but the hash opens only the document's own transactions.
        var other = app.Runtime.Ledger.Store.GetTransactionAt(1, 0)!.Transaction.IdHex;
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/evidence/documents/{hash}/receipts/{other}")).StatusCode);
    }

    [Fact]
    public async Task The_file_is_sealed_on_disk_and_only_parties_and_the_regulator_download_it()
    {
        var original = Contract("sealed " + Guid.NewGuid());
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var hash = await AnchorAsync(grid, original);

        var sealedPath = Path.Combine(app.DataDirectory, DocumentStore.Folder, hash + ".sm4");
        var sealedBytes = await File.ReadAllBytesAsync(sealedPath);
        Assert.DoesNotContain("HV supply contract", Encoding.UTF8.GetString(sealedBytes));
        Assert.False(sealedBytes.AsSpan().IndexOf(original.AsSpan(0, 24)) >= 0);

        using (var download = await grid.GetAsync($"/api/evidence/documents/{hash}/content"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(original, await download.Content.ReadAsByteArrayAsync());
        }
        using (var regulator = app.ClientOf("nea-reg"))
            Assert.Equal(original, await regulator.GetByteArrayAsync($"/api/evidence/documents/{hash}/content"));
        using (var cable = app.ClientOf("cable-co"))
        {
            var (status, problem) = await SendAsync(cable.GetAsync($"/api/evidence/documents/{hash}/content"));
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("not-found", problem.Title());
        }
        using (var anonymous = app.Client())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/evidence/documents/{hash}/content")).StatusCode);

        // A sealed file tampered with on disk is not served as the document.
        sealedBytes[^5] ^= 0x01;
        await File.WriteAllBytesAsync(sealedPath, sealedBytes);
        var (brokenStatus, brokenProblem) = await SendAsync(grid.GetAsync($"/api/evidence/documents/{hash}/content"));
        Assert.Equal(HttpStatusCode.InternalServerError, brokenStatus);
        Assert.Equal("store-integrity", brokenProblem.Title());
    }

    [Fact]
    public async Task A_hash_anchored_twice_answers_the_first_record_and_a_seeded_document_is_kept_by_its_owner()
    {
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var file = Contract("twice " + Guid.NewGuid());
        var hash = await AnchorAsync(grid, file);
        using var retail = app.ClientOf("retail-one");
        var (status, second) = await SendAsync(retail.PostAsJsonAsync("/api/evidence/documents", new EvidenceApi.AnchorBody(hash, DocumentTypes.Other, "same bytes", [], [])));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(hash, second.GetProperty("output").GetProperty("documentId").GetString());
        Assert.False(second.GetProperty("output").GetProperty("created").GetBoolean());
        var (_, record) = await SendAsync(grid.GetAsync($"/api/evidence/documents/{hash}"));
        Assert.Equal("grid-east", record.GetProperty("owner").GetString());

        var (_, seeded) = await SendAsync(grid.GetAsync($"/api/evidence/documents/{EvidenceSeed.PendingContractHash}"));
        Assert.Equal(DocumentCustody.Owner, seeded.GetProperty("custody").GetString());
        using var regulator = app.ClientOf("nea-reg");
        var (missing, problem) = await SendAsync(regulator.GetAsync($"/api/evidence/documents/{EvidenceSeed.PendingContractHash}/content"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("kept-by-owner", problem.Title());
    }

    [Fact]
    public async Task Bad_input_is_a_400_and_a_contract_refusal_a_422_with_the_reason()
    {
        using var anonymous = app.Client();
        var (bad, badProblem) = await SendAsync(anonymous.GetAsync("/api/evidence/verify/not-a-hash"));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("bad-hash", badProblem.Title());
        var (unknown, unknownJson) = await SendAsync(anonymous.GetAsync($"/api/evidence/verify/{new string('0', 64)}"));
        Assert.Equal(HttpStatusCode.OK, unknown);
        Assert.False(unknownJson.GetProperty("anchored").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/evidence/documents",
            new EvidenceApi.AnchorBody(new string('1', 64), DocumentTypes.Other, "x", [], []))).StatusCode);

        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var hash = await AnchorAsync(grid, Contract("refusals " + Guid.NewGuid()));
        using var cable = await app.SignedInClientAsync("cable-co/operator");
        var (refused, problem) = await SendAsync(cable.PostAsync($"/api/evidence/documents/{hash}/signatures", null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Equal("refused-by-contract", problem.Title());
        Assert.Contains("not a required signer", problem.GetProperty("detail").GetString());
        Assert.Equal(64, problem.GetProperty("txId").GetString()!.Length);

        var (wrongHash, hashProblem) = await SendAsync(grid.PostAsync("/api/evidence/documents/upload",
            Upload(Contract("mismatch"), "c.txt", ("hash", new string('a', 64)), ("type", DocumentTypes.Other), ("title", "t"))));
        Assert.Equal(HttpStatusCode.BadRequest, wrongHash);
        Assert.Contains("not the hash given", hashProblem.GetProperty("detail").GetString());
        // Refused anchors leave no sealed file behind.
        var (typeRefused, _) = await SendAsync(grid.PostAsync("/api/evidence/documents/upload", Upload(Contract("bad type"), "c.txt", ("type", "napkin"), ("title", "t"))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, typeRefused);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, DocumentStore.Folder, Hex.Encode(Sm3.Hash(Contract("bad type"))) + ".sm4")));
    }

    [Fact]
    public async Task Inspections_come_from_the_accredited_lab_and_move_the_suppliers_score()
    {
        using var grid = app.ClientOf("grid-east");   // the lab's API key signs as grid-east's root certificate
        var (_, before) = await SendAsync(grid.GetAsync("/api/evidence/suppliers/cable-co"));
        var passed = before.GetProperty("record").GetProperty("passed").GetInt32();
        var failed = before.GetProperty("record").GetProperty("failed").GetInt32();

        var (status, result) = await SendAsync(grid.PostAsync("/api/evidence/inspections/upload", Upload(Contract("inspection " + Guid.NewGuid()), "report.pdf",
            ("supplier", "cable-co"), ("category", "cable"), ("batchNumber", "CABLE-T-1"), ("passed", "false"), ("title", "Cable batch report"))));
        Assert.True(status == HttpStatusCode.OK, result.ToString());
        var (_, after) = await SendAsync(grid.GetAsync("/api/evidence/suppliers/cable-co"));
        Assert.Equal(failed + 1, after.GetProperty("record").GetProperty("failed").GetInt32());
        Assert.Equal(SupplierScore.Of(passed, failed + 1), after.GetProperty("record").GetProperty("score").GetInt32());
        Assert.Equal("CABLE-T-1", after.GetProperty("inspections")[0].GetProperty("batchNumber").GetString());

        using var retail = app.ClientOf("retail-one");
        var (refused, problem) = await SendAsync(retail.PostAsJsonAsync("/api/evidence/inspections",
            new EvidenceApi.InspectionBody(Hex.Encode(Sm3.Hash(Contract("fake lab"))), "cable-co", "cable", "B-1", true, "fake")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("not an accredited testing laboratory", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_work_ticket_step_out_of_order_or_by_an_unqualified_person_is_refused()
    {
        using var admin = await app.SignedInClientAsync("grid-east/admin");       // seeded: ticket-issuer, work-permitter
        using var leader = await app.SignedInClientAsync("grid-east/operator");   // seeded: work-leader
        var number = "WT-T-" + Guid.NewGuid().ToString("N")[..6];
        var (issued, issuedJson) = await SendAsync(admin.PostAsJsonAsync("/api/evidence/tickets",
            new EvidenceApi.TicketBody(number, "Replace joint", "Bay 1", "grid-east/operator")));
        Assert.True(issued == HttpStatusCode.OK, issuedJson.ToString());
        var id = $"grid-east:{number}";

        var (outOfOrder, p1) = await SendAsync(leader.PostAsJsonAsync($"/api/evidence/tickets/{id}/steps", new EvidenceApi.StepBody(WorkTicketSteps.WorkStarted)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outOfOrder);
        Assert.Contains("out of order", p1.GetProperty("detail").GetString());
        var (unqualified, p2) = await SendAsync(leader.PostAsJsonAsync($"/api/evidence/tickets/{id}/steps", new EvidenceApi.StepBody(WorkTicketSteps.SafetyMeasuresDone)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unqualified);
        Assert.Contains("does not hold the qualification", p2.GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/evidence/tickets/{id}/steps", new EvidenceApi.StepBody(WorkTicketSteps.SafetyMeasuresDone))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await leader.PostAsJsonAsync($"/api/evidence/tickets/{id}/steps", new EvidenceApi.StepBody(WorkTicketSteps.WorkStarted, "crew of 3"))).StatusCode);
        var (_, ticket) = await SendAsync(leader.GetAsync($"/api/evidence/tickets/{id}"));
        Assert.Equal([WorkTicketSteps.Issued, WorkTicketSteps.SafetyMeasuresDone, WorkTicketSteps.WorkStarted],
            ticket.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));

        using var steel = app.ClientOf("steel-works");
        Assert.Equal(HttpStatusCode.NotFound, (await steel.GetAsync($"/api/evidence/tickets/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_new_version_links_to_the_previous_one_and_the_history_lists_both()
    {
        using var grid = await app.SignedInClientAsync("grid-east/operator");
        var v1 = await AnchorAsync(grid, Contract("version 1 " + Guid.NewGuid()));
        var v2File = Contract("version 2 " + Guid.NewGuid());
        var (status, json) = await SendAsync(grid.PostAsync("/api/evidence/documents/upload", Upload(v2File, "contract-v2.txt",
            ("type", DocumentTypes.HighVoltageSupplyContract), ("title", "HV supply contract, amended"), ("parties", "steel-works"),
            ("requiredSigners", "grid-east"), ("previousVersion", v1), ("keepOnNode", "false"))));
        Assert.True(status == HttpStatusCode.OK, json.ToString());
        var v2 = json.GetProperty("output").GetProperty("documentId").GetString();

        var (_, history) = await SendAsync(grid.GetAsync($"/api/evidence/documents/{v1}/versions"));
        Assert.Equal([v1, v2], history.EnumerateArray().Select(v => v.GetProperty("hash").GetString()));
        Assert.Equal([1, 2], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        var (_, record) = await SendAsync(grid.GetAsync($"/api/evidence/documents/{v2}"));
        Assert.Equal(DocumentCustody.Owner, record.GetProperty("custody").GetString());   // keepOnNode=false: only the hash
        Assert.False(record.GetProperty("storedOnThisNode").GetBoolean());
        Assert.Equal(v1, record.GetProperty("previousVersion").GetString());

        // A non-party cannot continue the history.
        using var cable = await app.SignedInClientAsync("cable-co/operator");
        var (refused, problem) = await SendAsync(cable.PostAsJsonAsync("/api/evidence/documents",
            new EvidenceApi.AnchorBody(Hex.Encode(Sm3.Hash(Contract("hijack"))), DocumentTypes.HighVoltageSupplyContract, "v3", [], [], PreviousVersion: v2)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("only the owner or a party", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Only_the_regulator_accredits_only_an_org_admin_grants_qualifications_and_uploads_must_be_multipart()
    {
        using var retail = app.ClientOf("retail-one");
        var (refused, problem) = await SendAsync(retail.PostAsJsonAsync("/api/evidence/labs", new EvidenceApi.AccreditBody("retail-one", "Fake lab", ["cable"])));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("only a Regulator", problem.GetProperty("detail").GetString());

        using var regulator = app.ClientOf("nea-reg");
        var (accredited, json) = await SendAsync(regulator.PostAsJsonAsync("/api/evidence/labs", new EvidenceApi.AccreditBody("steel-works", "Steel works test bench", ["meter"])));
        Assert.True(accredited == HttpStatusCode.OK, json.ToString());
        var (_, labs) = await SendAsync(regulator.GetAsync("/api/evidence/labs"));
        Assert.Contains(labs.EnumerateArray(), l => l.GetProperty("organisationId").GetString() == "steel-works");
        Assert.Equal(HttpStatusCode.OK, (await regulator.DeleteAsync("/api/evidence/labs/steel-works")).StatusCode);

        using var operatorClient = await app.SignedInClientAsync("steel-works/operator");
        var (notAdmin, notAdminProblem) = await SendAsync(operatorClient.PostAsJsonAsync("/api/evidence/qualifications",
            new EvidenceApi.QualificationBody("steel-works/operator", Qualifications.WorkLeader)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAdmin);
        Assert.Contains("only an organisation admin", notAdminProblem.GetProperty("detail").GetString());
        using var admin = await app.SignedInClientAsync("steel-works/admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/evidence/qualifications",
            new EvidenceApi.QualificationBody("steel-works/operator", Qualifications.WorkLeader))).StatusCode);
        var (_, people) = await SendAsync(admin.GetAsync("/api/evidence/qualifications"));
        Assert.Contains(people.EnumerateArray(), p => p.GetProperty("certificateId").GetString() == "steel-works/operator");

        var (notMultipart, multipartProblem) = await SendAsync(admin.PostAsJsonAsync("/api/evidence/documents/upload", new { type = "other" }));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart);
        Assert.Equal("multipart-expected", multipartProblem.Title());
    }
}
