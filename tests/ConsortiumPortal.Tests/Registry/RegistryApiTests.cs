using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Contracts.Governance;
using ConsortiumPortal.Contracts.Registry;
using ConsortiumPortal.Identity;
using ConsortiumPortal.Seed;
using ConsortiumPortal.Seed.Registry;
using ConsortiumPortal.Tests.Api;

namespace ConsortiumPortal.Tests.Registry;

/// <summary>
/// /api/registry in-process over the seeded demo consortium: the anonymous disclosure board, the directory with
/// histories and record hashes, an application taken through review and disclosure to active by the people who may,
/// refusals as problem details, and who may read which rating.
/// </summary>
public sealed class RegistryApiTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static int _next = 100;
    private static string NewCode() => UnifiedSocialCreditCode.Complete($"91320000MA{Interlocked.Increment(ref _next):D7}");

    private static object Application(string code, string name = "华能售电(浙江)有限公司") => new
    {
        details = new
        {
            legalName = name, creditCode = code, type = "Retailer", provinces = new[] { "zhejiang" }, capacityKw1000 = 0,
            contacts = new[] { new { name = "Li Lei", title = "Trader", phone = "+86 571 1", email = "li@example.cn" } },
            documents = new[] { new { title = "Licence", sm3 = new string('c', 64) } },
        },
    };

    /// <summary>GET and parse any JSON answer (ApiCalls.GetAsync parses objects only; these endpoints also answer arrays).</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Json, string? ContentType)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    [Fact]
    public async Task The_disclosure_board_answers_without_sign_in_and_the_rest_needs_it()
    {
        using var anonymous = app.Client();
        var (status, board, _) = await GetAsync(anonymous, "/api/registry/disclosure");
        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(board.EnumerateArray(), e => e.GetProperty("organisationId").GetString() == "gen-solar");
        Assert.Equal(64, entry.GetProperty("recordHash").GetString()!.Length);
        Assert.Equal(2, entry.GetProperty("comments").GetArrayLength());
        Assert.False(entry.TryGetProperty("contacts", out _)); // contacts are for members, not the public

        foreach (var path in new[] { "/api/registry/participants", "/api/registry/mine", "/api/registry/proposals", "/api/registry/ratings", "/api/registry/review-queue" })
        {
            var (s, problem, type) = await GetAsync(anonymous, path);
            Assert.Equal(HttpStatusCode.Unauthorized, s);
            Assert.Equal("application/problem+json", type);
        }
    }

    [Fact]
    public async Task The_directory_filters_across_provinces_and_shows_every_version_with_its_record_hash()
    {
        using var client = app.ClientOf("icbc-bank");
        var (status, page, _) = await GetAsync(client, "/api/registry/participants?province=shanghai&status=Active");
        Assert.Equal(HttpStatusCode.OK, status);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, p => Assert.Contains("shanghai", p.GetProperty("details").GetProperty("provinces").EnumerateArray().Select(x => x.GetString())));
        Assert.All(items, p => Assert.Equal("Active", p.GetProperty("status").GetString()));

        var wind = items.Single(p => p.GetProperty("organisationId").GetString() == "gen-wind");
        var (_, history, _) = await GetAsync(client, $"/api/registry/participants/{wind.GetProperty("id").GetString()}");
        Assert.True(history.GetProperty("storedVersionHashesMatch").GetBoolean());
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["Superseded", "InForce"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.Equal(wind.GetProperty("recordHash").GetString(), versions[1].GetProperty("recordHash").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(client, "/api/registry/participants?province=atlantis")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(client, "/api/registry/participants?type=Pirate")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, "/api/registry/participants/P999999")).Status);
    }

    [Fact]
    public async Task A_retailer_applies_a_trading_centre_reviews_and_approves_and_after_disclosure_it_is_active()
    {
        using var retailer = await app.SignedInClientAsync("retail-one/operator");
        using var center = await app.SignedInClientAsync("px-center/operator");
        var code = NewCode();
        var (status, applied) = await PostAsync(retailer, "/api/registry/applications", Application(code));
        Assert.Equal(HttpStatusCode.OK, status);
        var id = applied.GetProperty("output").GetProperty("participantId").GetString()!;
        Assert.True(applied.GetProperty("height").GetInt64() > 0);

        var (_, mine, _) = await GetAsync(retailer, "/api/registry/mine");
        Assert.Contains(mine.EnumerateArray(), p => p.GetProperty("id").GetString() == id && p.GetProperty("status").GetString() == "Submitted");

        // The retailer is no trading centre: neither the queue nor the review actions are its to use.
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(retailer, "/api/registry/review-queue")).Status);
        var (refused, problem) = await PostAsync(retailer, $"/api/registry/participants/{id}/actions/startReview", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("only a TradingCenter", problem.GetProperty("detail").GetString());

        var (_, queue, _) = await GetAsync(center, "/api/registry/review-queue");
        Assert.Contains(queue.EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(center, $"/api/registry/participants/{id}/actions/startReview", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(center, $"/api/registry/participants/{id}/actions/approve", new { disclosurePeriodMs = 300 })).Status);

        using var anonymous = app.Client();
        var (_, board, _) = await GetAsync(anonymous, "/api/registry/disclosure");
        Assert.Contains(board.EnumerateArray(), e => e.GetProperty("participantId").GetString() == id);

        await Task.Delay(400);
        // A block must carry a time past the period: retry until the leader's clock has moved on.
        HttpStatusCode activated = default;
        for (var i = 0; i < 20 && activated != HttpStatusCode.OK; i++)
        {
            (activated, _) = await PostAsync(center, $"/api/registry/participants/{id}/actions/activate", new { });
            if (activated != HttpStatusCode.OK) await Task.Delay(100);
        }
        Assert.Equal(HttpStatusCode.OK, activated);
        var (_, directory, _) = await GetAsync(center, $"/api/registry/participants?q={code}");
        var row = Assert.Single(directory.GetProperty("items").EnumerateArray());
        Assert.Equal("Active", row.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_requests_and_contract_refusals_are_problem_details_and_api_keys_cannot_sign()
    {
        using var retailer = await app.SignedInClientAsync("retail-one/operator");
        var bad = await PostAsync(retailer, "/api/registry/applications", Application("91350100M000100Y44"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal("refused-by-contract", bad.Json.GetProperty("title").GetString());
        Assert.Contains("check character", bad.Json.GetProperty("detail").GetString());
        Assert.Equal(64, bad.Json.GetProperty("txId").GetString()!.Length);

        var unknownField = await PostAsync(retailer, "/api/registry/applications", new { details = new { legalName = "x" }, extra = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(retailer, "/api/registry/participants/P000001/actions/destroy", new { })).Status);

        var code = NewCode();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(retailer, "/api/registry/applications", Application(code))).Status);
        var duplicate = await PostAsync(retailer, "/api/registry/applications", Application(code, "Another name"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.Status);
        Assert.Contains("already registered", duplicate.Json.GetProperty("detail").GetString());

        using var key = app.ClientOf("retail-one");
        var byKey = await PostAsync(key, "/api/registry/applications", Application(NewCode()));
        Assert.Equal(HttpStatusCode.Forbidden, byKey.Status);
        Assert.Equal("person-required", byKey.Json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Members_read_their_own_rating_and_banks_trading_centres_and_the_regulator_read_all()
    {
        using var retailer = app.ClientOf("retail-one");
        var (_, own, _) = await GetAsync(retailer, "/api/registry/ratings");
        Assert.Equal("retail-one", Assert.Single(own.EnumerateArray()).GetProperty("organisationId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(retailer, "/api/registry/ratings/vpp-agg")).Status);

        using var bank = app.ClientOf("icbc-bank");
        var (_, all, _) = await GetAsync(bank, "/api/registry/ratings");
        Assert.True(all.GetArrayLength() >= 15);
        var (status, vpp, _) = await GetAsync(bank, "/api/registry/ratings/vpp-agg");
        Assert.Equal(HttpStatusCode.OK, status);
        var rating = vpp.GetProperty("rating");
        Assert.Equal(rating.GetProperty("score").GetInt64(), rating.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("points").GetInt64()));
        Assert.Equal(3, vpp.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Proposals_show_what_they_change_and_an_organisation_votes_once()
    {
        using var admin = await app.SignedInClientAsync("meter-co/admin");
        var (_, proposals, _) = await GetAsync(admin, "/api/registry/proposals");
        // The open admission (the seed's other one, of insul-co, passed).
        var admission = proposals.EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "AdmitOrganisation" && p.GetProperty("status").GetString() == "Open");
        Assert.Equal("js-storage", admission.GetProperty("change").GetProperty("organisation").GetProperty("id").GetString());
        var id = admission.GetProperty("id").GetString()!;

        var first = await PostAsync(admin, $"/api/registry/proposals/{id}/votes", new { approve = false });
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var second = await PostAsync(admin, $"/api/registry/proposals/{id}/votes", new { approve = true });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.Status);
        Assert.Contains("already voted", second.Json.GetProperty("detail").GetString());

        var (_, detail, _) = await GetAsync(admin, $"/api/registry/proposals/{id}");
        // Voting members are whoever the ledger says is a member: the founders and the organisations governance admitted.
        var members = app.Runtime.Ledger.Store.Scan(MembershipContract.Keys.OrganisationPrefix).Count();
        Assert.Equal(DemoOnboarding.AllOrganisations.Count, members);
        Assert.Equal(members, detail.GetProperty("voters").GetInt32());
        Assert.Equal(GovernanceContract.VotesNeeded(members, new GovernancePolicy(2, 3)), detail.GetProperty("votesNeeded").GetInt64());
        Assert.Contains(detail.GetProperty("votes").EnumerateArray(), v => v.GetProperty("organisationId").GetString() == "meter-co" && !v.GetProperty("approve").GetBoolean());

        using var operatorClient = await app.SignedInClientAsync("cable-co/operator");
        var notAdmin = await PostAsync(operatorClient, $"/api/registry/proposals/{id}/votes", new { approve = true });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAdmin.Status);
        Assert.Contains("only an organisation admin", notAdmin.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_supplier_voted_in_by_the_seed_is_a_member_whose_admin_and_operator_sign_in()
    {
        var insulCo = Assert.Single(DemoOnboarding.Organisations);
        Assert.DoesNotContain(DemoConsortium.Organisations, o => o.Id == insulCo.Id);
        var member = MembershipContract.Read<ConsortiumPortal.Chain.Membership.Organisation>(app.Runtime.Ledger.Store.Committed, MembershipContract.Keys.Organisation(insulCo.Id));
        Assert.NotNull(member);
        Assert.True(member.AdmittedAtHeight > 0, "admitted after genesis");

        // The passed proposal that admitted it, with the votes of two thirds of the founders.
        using var regulator = await app.SignedInClientAsync("nea-reg/admin");
        var (_, proposals, _) = await GetAsync(regulator, "/api/registry/proposals");
        var admission = proposals.EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "AdmitOrganisation" && p.GetProperty("status").GetString() == "Passed");
        Assert.Equal(insulCo.Id, admission.GetProperty("change").GetProperty("organisation").GetProperty("id").GetString());
        var (_, detail, _) = await GetAsync(regulator, $"/api/registry/proposals/{admission.GetProperty("id").GetString()}");
        Assert.Equal(DemoConsortium.Organisations.Count, detail.GetProperty("voters").GetInt32());
        Assert.Equal(detail.GetProperty("votesNeeded").GetInt64(), detail.GetProperty("votes").EnumerateArray().Count(v => v.GetProperty("approve").GetBoolean()));

        // Its people are listed on the sign-in page, sign in with the demo password and see what their organisation holds.
        var login = await app.Client().GetStringAsync("/account/login");
        foreach (var person in DemoOnboarding.People)
        {
            Assert.Contains(person.CertificateId, login);
            using var client = await app.SignedInClientAsync(person.CertificateId);
            var (status, held, _) = await GetAsync(client, "/api/receivables/vouchers?view=held");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(held.GetProperty("items").EnumerateArray(), v => v.GetProperty("holder").GetString() == insulCo.Id);
        }
        Assert.Contains(DemoAccounts.List(), a => a.UserName == $"{insulCo.Id}/admin" && a.Roles.Contains(ConsortiumPortal.Chain.Execution.Roles.OrgAdmin));
    }
}
