using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ConsortiumPortal.Chain.Model;
using ConsortiumPortal.Contracts.Settlement;
using ConsortiumPortal.Node;
using ConsortiumPortal.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConsortiumPortal.Tests.Api;

/// <summary>
/// The whole portal in-process (WebApplicationFactory over Program) on a fresh temporary data directory in demo
/// mode: genesis, the demo consortium, demo accounts and demo-api-keys.json are made by the real start-up.
/// </summary>
public class PortalApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public string DataDirectory => _temp.Sub("data");
    public NodeRuntime Runtime { get; private set; } = null!;
    public DemoApiKeyFile ApiKeys { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Consortium:DataDirectory", DataDirectory);
        builder.UseSetting("Consortium:Demo", "true");
        builder.UseSetting("Consortium:MasterKey", "");
        // No background jobs unless a test asks: the API tests compare heights before and after their own transactions.
        builder.UseSetting(ConsortiumPortal.Jobs.JobsExtensions.RunServerSetting, RunsJobs ? "true" : "false");
        // Production, as deployed; the portal's own static files are in the project's wwwroot.
        builder.UseEnvironment("Production");
        builder.UseWebRoot(ProjectWebRoot());
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(ConfigureTestServices);
    }

    /// <summary>Whether the Hangfire server runs jobs in this portal (off by default in tests).</summary>
    protected virtual bool RunsJobs => false;

    /// <summary>A test's own services on top of the portal's (e.g. a chain-event subscriber).</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services) { }

    private static string ProjectWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ConsortiumPortal.sln"))) return Path.Combine(dir.FullName, "src", "ConsortiumPortal", "wwwroot");
        throw new InvalidOperationException("ConsortiumPortal.sln not found above " + AppContext.BaseDirectory);
    }

    public async Task InitializeAsync()
    {
        using (CreateClient()) { } // starts the host: genesis, demo data, accounts, API keys
        Runtime = await Services.GetRequiredService<NodeHostedService>().Runtime;
        ApiKeys = DemoApiKeyFile.Read(DataDirectory);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    /// <summary>A client that follows no redirects and keeps cookies (each call gets its own cookie jar).</summary>
    public HttpClient Client()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en"); // the portal defaults to zh-CN; the tests read English messages
        return client;
    }

    /// <summary>A client sending the demo API key of <paramref name="organisationId"/>.</summary>
    public HttpClient ClientOf(string organisationId)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add(DemoApiKeyFile.HeaderName, ApiKeys.For(organisationId));
        return client;
    }

    public TxBuilder Signer(string certificateId) => new(Runtime.Ledger.ChainId, certificateId, Runtime.Keys.Get(certificateId));

    public SignedTransaction Transfer(string signer, string to, long amount, string memo) =>
        Signer(signer).Build(SettlementContract.ContractName, "transfer", new SettlementContract.TransferArgs(to, amount, memo), Runtime.Ledger.Height);

    // ---- sign-in through the static SSR login form, as a browser does ----

    /// <summary>GET /account/login, then POST its form (antiforgery token and cookie included) with these credentials.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password)
    {
        var form = await client.GetStringAsync("/account/login");
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = HiddenValue(form, "__RequestVerificationToken"),
            ["_handler"] = HiddenValue(form, "_handler"),
        };
        // The field names the rendered form uses (EditForm binds Input.UserName / Input.Password).
        Assert.Contains("name=\"Input.UserName\"", form);
        Assert.Contains("name=\"Input.Password\"", form);
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    /// <summary>Signs in and returns the client carrying the portal cookie.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName, string password = Identity.DemoAccounts.Password)
    {
        var client = Client();
        using var response = await PostLoginAsync(client, userName, password);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther,
            $"sign-in of {userName} answered {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
        return client;
    }

    public static string HiddenValue(string html, string name)
    {
        foreach (Match input in Regex.Matches(html, "<input[^>]*>"))
        {
            if (!input.Value.Contains($"name=\"{name}\"")) continue;
            var value = Regex.Match(input.Value, "value=\"([^\"]*)\"");
            if (value.Success) return WebUtility.HtmlDecode(value.Groups[1].Value);
        }
        throw new InvalidOperationException($"no hidden input {name} in the form:\n{Shorten(html)}");
    }

    public static string Shorten(string text) => text.Length > 1500 ? text[..1500] + "…" : text;
}

/// <summary>Calls on the ledger API and what they answered.</summary>
public static class ApiCalls
{
    public static async Task<LedgerHttp.Submission> SubmitAsync(HttpClient client, SignedTransaction tx, bool wait = true)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(tx.ToJson()));
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(wait ? "/api/transactions?wait=true" : "/api/transactions", content);
        return await LedgerHttp.ReadAsync(response);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Json, string? ContentType)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var raw = await response.Content.ReadAsStringAsync();
        var json = raw.Length > 0 && raw.TrimStart().StartsWith('{') ? JsonDocument.Parse(raw).RootElement.Clone() : default;
        return (response.StatusCode, json, response.Content.Headers.ContentType?.MediaType);
    }

    public static string Title(this JsonElement problem) => problem.GetProperty("title").GetString()!;
}
