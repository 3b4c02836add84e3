using System.Security.Claims;
using Bunit;
using ConsortiumPortal.Components;
using ConsortiumPortal.Features.Dashboard;
using ConsortiumPortal.Identity;

namespace ConsortiumPortal.Tests.Dashboard;

public sealed class DashboardComponentTests : DashboardTestBase
{
    private void SignIn(string certificateId, string organisationId, params string[] roles)
    {
        var auth = Ctx.AddAuthorization();
        auth.SetAuthorized(certificateId);
        auth.SetRoles(roles);
        auth.SetClaims(new Claim(PortalClaimTypes.Organisation, organisationId), new Claim(PortalClaimTypes.Certificate, certificateId));
    }

    private void SeedChain()
    {
        Queries.Height = 12;
        for (var h = 0; h <= 12; h++) Queries.Blocks.Add(new BlockRow(h, $"{h:x4}".PadRight(64, 'e'), Ms(Now) - (12 - h) * 1000, 2));
        Queries.Roles.AddRange([new RoleCount("Bank", 2), new RoleCount("Consumer", 2), new RoleCount("Generator", 3)]);
        Queries.Transactions.Add(new TxRow(new string('1', 64), 12, Ms(Now), "steel-works/operator", "settlement", "transfer", true, null));
        Stream.Blocks.Add(Block(12, Ms(Now) - 1000, txs: 20));
    }

    [Fact]
    public void Dashboard_renders_height_throughput_members_transactions_and_latest_blocks()
    {
        SeedChain();
        SignIn("steel-works/operator", "steel-works", "Consumer");

        var cut = Ctx.Render<Features.Dashboard.Dashboard>();

        cut.WaitForAssertion(() => Assert.Equal("12", cut.Find("[data-testid=chain-height]").TextContent.Trim()));
        var rows = cut.FindAll("[data-testid=latest-block-row]");
        Assert.Equal(10, rows.Count);
        Assert.Contains("#12", rows[0].TextContent);
        Assert.Equal("explorer/blocks/12", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(3, cut.FindAll("[data-testid=members-by-role-row]").Count);
        Assert.Contains("Generator", cut.Find("[data-testid=members-by-role]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=throughput-chart] svg"));
        Assert.Contains("20 transactions in 1 blocks", cut.Find("[data-testid=throughput-summary]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=recent-transaction-row]"));
        // A Consumer sees only their own organisation's transactions.
        Assert.All(Queries.TransactionQueries, q => Assert.Equal("steel-works", q));
    }

    [Fact]
    public void A_regulator_sees_every_organisations_transactions()
    {
        SeedChain();
        SignIn("nea-reg/operator", "nea-reg", "Regulator");

        var cut = Ctx.Render<Features.Dashboard.Dashboard>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=recent-transaction-row]")));
        Assert.Contains(null, Queries.TransactionQueries);
        Assert.Contains("all organisations", cut.Markup);
    }

    [Fact]
    public void A_committed_block_updates_height_and_latest_blocks_without_recreating_the_page()
    {
        SeedChain();
        SignIn("steel-works/operator", "steel-works", "Consumer");
        var cut = Ctx.Render<Features.Dashboard.Dashboard>();
        cut.WaitForAssertion(() => Assert.Equal("12", cut.Find("[data-testid=chain-height]").TextContent.Trim()));
        var heightCard = cut.FindComponent<ChainHeightCard>().Instance;
        var blocksCard = cut.FindComponent<LatestBlocks>().Instance;
        Assert.True(Stream.Subscribers >= 5);

        Stream.Raise(Block(13, Ms(Now), txs: 7, "steel-works/operator"));

        cut.WaitForAssertion(() => Assert.Equal("13", cut.Find("[data-testid=chain-height]").TextContent.Trim()));
        cut.WaitForAssertion(() => Assert.Contains("#13", cut.FindAll("[data-testid=latest-block-row]")[0].TextContent));
        Assert.Equal(10, cut.FindAll("[data-testid=latest-block-row]").Count);
        Assert.Same(heightCard, cut.FindComponent<ChainHeightCard>().Instance);
        Assert.Same(blocksCard, cut.FindComponent<LatestBlocks>().Instance);
        // The block was signed by someone of my organisation: my recent transactions are read again.
        cut.WaitForAssertion(() => Assert.True(Queries.TransactionQueries.Count >= 2));
        cut.WaitForAssertion(() => Assert.Contains("27 transactions in 2 blocks", cut.Find("[data-testid=throughput-summary]").TextContent));
    }

    [Fact]
    public async Task Disposing_the_page_unsubscribes_from_the_block_feed()
    {
        SeedChain();
        SignIn("steel-works/operator", "steel-works", "Consumer");
        var cut = Ctx.Render<Features.Dashboard.Dashboard>();
        cut.WaitForAssertion(() => Assert.True(Stream.Subscribers >= 5));

        await Ctx.DisposeComponentsAsync();

        Assert.Equal(0, Stream.Subscribers);
        Stream.Raise(Block(13, Ms(Now))); // nobody listens: no exception
    }

    [Fact]
    public void Empty_chain_window_shows_empty_states()
    {
        Queries.Height = 0;
        Stream.Blocks.Add(Block(0, Ms(Now - TimeSpan.FromMinutes(20)), txs: 30)); // older than the chart's window
        var throughput = Ctx.Render<ThroughputChart>();
        var blocks = Ctx.Render<LatestBlocks>();
        var txs = Ctx.Render<RecentTransactions>(p => p.Add(c => c.OrganisationId, "steel-works"));

        throughput.WaitForAssertion(() => Assert.Contains("No blocks in the last 5 minutes", throughput.Find("[data-testid=throughput-empty]").TextContent));
        Assert.Empty(throughput.FindAll("[data-testid=throughput-chart]"));
        Assert.NotNull(blocks.Find("[data-testid=latest-blocks-empty]"));
        Assert.Empty(blocks.FindAll("[data-testid=latest-block-row]"));
        Assert.NotNull(txs.Find("[data-testid=recent-transactions-empty]"));

        // The first block in the window replaces the empty state.
        Stream.Raise(Block(1, Ms(Now), txs: 3));
        blocks.WaitForAssertion(() => Assert.Single(blocks.FindAll("[data-testid=latest-block-row]")));
        throughput.WaitForAssertion(() => Assert.NotNull(throughput.Find("[data-testid=throughput-chart]")));
    }

    [Fact]
    public void A_failing_data_service_shows_a_readable_alert_instead_of_crashing()
    {
        Queries.Failure = new InvalidOperationException("database is locked");
        SignIn("steel-works/operator", "steel-works", "Consumer");

        var cut = Ctx.Render<Features.Dashboard.Dashboard>();

        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=dashboard-error]").Count >= 4));
        Assert.All(cut.FindAll("[data-testid=dashboard-error]"), a => Assert.Contains("database is locked", a.TextContent));
        Assert.Empty(cut.FindAll("[data-testid=chain-height]"));

        // The service recovers: the next block brings the cards back.
        Queries.Failure = null;
        Queries.Height = 5;
        Queries.Blocks.Add(new BlockRow(5, new string('5', 64), Ms(Now), 1));
        Stream.Raise(Block(6, Ms(Now), txs: 1, "steel-works/operator"));
        cut.WaitForAssertion(() => Assert.Equal("6", cut.Find("[data-testid=chain-height]").TextContent.Trim()));
    }
}
