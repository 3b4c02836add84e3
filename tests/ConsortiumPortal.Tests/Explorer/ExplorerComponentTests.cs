using Bunit;
using ConsortiumPortal.Features.Explorer;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ConsortiumPortal.Tests.Explorer;

public sealed class ExplorerComponentTests : ExplorerComponentTestBase
{
    private void AddBlocks(int count)
    {
        for (var h = 0; h < count; h++)
            Fake.Blocks.Add(new BlockRow(h, FakeExplorerQueries.Hash(1000 + h), 1_700_000_000_000 + h * 1000, h % 3, h % 5 == 0 ? 1 : 0, "node-1"));
    }

    private static IReadOnlyList<string> Heights(IRenderedComponent<Blocks> cut) =>
        cut.FindAll("[data-testid=block-row]").Select(a => a.TextContent.Trim()).ToList();

    [Fact]
    public void Blocks_first_page_shows_the_newest_rows_and_page_two_the_next_ones()
    {
        AddBlocks(45);
        RenderPopoverProvider();
        var cut = Ctx.Render<Blocks>();
        cut.WaitForAssertion(() => Assert.Equal(20, Heights(cut).Count));
        Assert.Equal(Enumerable.Range(25, 20).Reverse().Select(h => $"#{h}"), Heights(cut));

        cut.Find("button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(5, 20).Reverse().Select(h => $"#{h}"), Heights(cut)));
        Assert.Equal(1, Fake.PageRequests[^1].Page);
        Assert.Equal(20, Fake.PageRequests[^1].PageSize);
        Assert.Empty(cut.FindAll("[data-testid=explorer-empty]"));
    }

    [Fact]
    public void Blocks_without_rows_show_the_empty_state()
    {
        RenderPopoverProvider();
        var cut = Ctx.Render<Blocks>();
        cut.WaitForAssertion(() => Assert.Contains("No blocks match this filter.", cut.Find("[data-testid=explorer-empty]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=block-row]"));
        Assert.Empty(cut.FindAll("[data-testid=explorer-error]"));
    }

    [Fact]
    public void Blocks_show_a_readable_error_when_the_query_fails()
    {
        Fake.Failure = new InvalidOperationException("database is locked");
        RenderPopoverProvider();
        var cut = Ctx.Render<Blocks>();
        cut.WaitForAssertion(() => Assert.Contains("database is locked", cut.Find("[data-testid=explorer-error]").TextContent));
        Assert.Contains("The ledger could not be read", cut.Find("[data-testid=explorer-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=block-row]"));
    }

    [Fact]
    public void Transactions_page_two_shows_the_next_rows_of_the_viewers_organisation()
    {
        for (var i = 0; i < 30; i++)
        {
            Fake.Transactions.Add(new TxRow(FakeExplorerQueries.Hash(i), 100 - i, 0, 0, "org-a/alice", "settlement", "transfer", "ok", null, false));
            Fake.Transactions.Add(new TxRow(FakeExplorerQueries.Hash(500 + i), 100 - i, 1, 0, "org-b/bob", "settlement", "transfer", "ok", null, false));
        }
        RenderPopoverProvider();
        var cut = Ctx.Render<Transactions>();
        cut.WaitForAssertion(() => Assert.True(20 == cut.FindAll("[data-testid=tx-row]").Count, string.Join(";", Fake.Viewers)), TimeSpan.FromSeconds(3));

        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(10, cut.FindAll("[data-testid=tx-row]").Count));
        var hrefs = cut.FindAll("[data-testid=tx-row]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(Enumerable.Range(20, 10).Select(i => $"/explorer/transactions/{FakeExplorerQueries.Hash(i)}"), hrefs);
        Assert.All(Fake.Viewers, v => Assert.Equal(new ExplorerViewer("org-a", false), v));
    }

    [Fact]
    public void Transactions_of_a_regulator_are_queried_with_read_all()
    {
        SignIn("org-c/inspector", "org-c", "Regulator");
        Fake.Transactions.Add(new TxRow(FakeExplorerQueries.Hash(1), 3, 0, 0, "org-b/bob", "settlement", "transfer", "failed", "insufficient", false));
        RenderPopoverProvider();
        var cut = Ctx.Render<Transactions>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tx-row]")));
        Assert.True(Fake.Viewers[^1].IsRegulator);
        Assert.NotEmpty(cut.FindAll("[data-testid=filter-organisation]"));
    }

    [Fact]
    public void Transactions_empty_and_error_states()
    {
        RenderPopoverProvider();
        var empty = Ctx.Render<Transactions>();
        empty.WaitForAssertion(() => Assert.Contains("No transactions match", empty.Find("[data-testid=explorer-empty]").TextContent));

        Fake.Failure = new TimeoutException("reader timed out");
        var failing = Ctx.Render<Transactions>();
        failing.WaitForAssertion(() => Assert.Contains("reader timed out", failing.Find("[data-testid=explorer-error]").TextContent));
    }

    private IRenderedComponent<ExplorerSearch> Search(string text)
    {
        var cut = Ctx.Render<ExplorerSearch>();
        cut.Find("[data-testid=explorer-search] input, input[data-testid=explorer-search]").Input(text);
        cut.Find("[data-testid=explorer-search-go]").Click();
        return cut;
    }

    private string NavigatedTo => new Uri(Ctx.Services.GetRequiredService<NavigationManager>().Uri).AbsolutePath;

    [Fact]
    public void Search_by_tx_id_opens_the_transaction()
    {
        var id = FakeExplorerQueries.Hash(77);
        Fake.Transactions.Add(new TxRow(id, 4, 0, 0, "org-a/alice", "c", "m", "ok", null, false));
        AddBlocks(10);
        var cut = Search(id.ToUpperInvariant());
        cut.WaitForAssertion(() => Assert.Equal($"/explorer/transactions/{id}", NavigatedTo));
        Assert.Empty(cut.FindAll("[data-testid=explorer-search-message]"));
    }

    [Fact]
    public void Search_by_block_hash_prefers_the_block_and_by_height_opens_the_block()
    {
        AddBlocks(10);
        Search(FakeExplorerQueries.Hash(1007));
        Assert.Equal("/explorer/blocks/7", NavigatedTo);
        Search(" 3 ");
        Assert.Equal("/explorer/blocks/3", NavigatedTo);
    }

    [Fact]
    public void Search_for_something_unknown_says_not_found_and_stays()
    {
        AddBlocks(10);
        var before = NavigatedTo;
        var cut = Search(FakeExplorerQueries.Hash(999_999));
        cut.WaitForAssertion(() => Assert.Contains("Not found", cut.Find("[data-testid=explorer-search-message]").TextContent));
        Assert.Equal(before, NavigatedTo);

        var height = Search("12345");
        height.WaitForAssertion(() => Assert.Contains("Not found", height.Find("[data-testid=explorer-search-message]").TextContent));

        var junk = Search("hello");
        junk.WaitForAssertion(() => Assert.Contains("64 hex", junk.Find("[data-testid=explorer-search-message]").TextContent));
        Assert.Equal(before, NavigatedTo);
    }

    [Fact]
    public void Block_detail_shows_its_height_and_links_every_transaction()
    {
        var txs = new[]
        {
            new TxRow(FakeExplorerQueries.Hash(1), 9, 0, 0, "org-a/alice", "membership", "issueCertificate", "ok", null, false),
            new TxRow(FakeExplorerQueries.Hash(2), 9, 1, 0, "", "settlement", "transfer", "failed", null, true),
        };
        Fake.BlockDetails[9] = new BlockDetail(9, FakeExplorerQueries.Hash(9), FakeExplorerQueries.Hash(8), 1_700_000_000_000, "node-1",
            "aa", "bb", "cc", "dd", "ee", txs);
        var cut = Ctx.Render<BlockDetailPage>(p => p.Add(c => c.Height, 9L));
        cut.WaitForAssertion(() => Assert.Equal("9", cut.Find("[data-testid=block-height]").TextContent));
        Assert.Equal(txs.Select(t => $"/explorer/transactions/{t.TxId}"), cut.FindAll("[data-testid=block-tx-link]").Select(a => a.GetAttribute("href")));
        Assert.Contains("another organisation", cut.FindAll("[data-testid=block-tx]")[1].TextContent);
        Assert.Equal("failed", cut.FindAll("[data-testid=tx-status]")[1].GetAttribute("data-status"));
    }

    [Fact]
    public void Block_detail_of_a_missing_height_says_so_and_a_failing_query_shows_the_error()
    {
        var missing = Ctx.Render<BlockDetailPage>(p => p.Add(c => c.Height, 42L));
        missing.WaitForAssertion(() => Assert.Contains("42", missing.Find("[data-testid=explorer-not-found]").TextContent));
        Fake.Failure = new InvalidOperationException("disk I/O error");
        var failing = Ctx.Render<BlockDetailPage>(p => p.Add(c => c.Height, 1L));
        failing.WaitForAssertion(() => Assert.Contains("disk I/O error", failing.Find("[data-testid=explorer-error]").TextContent));
    }

    [Fact]
    public void Transaction_detail_shows_arguments_events_and_downloads_the_receipt()
    {
        var id = FakeExplorerQueries.Hash(5);
        Fake.TxDetails[id] = new TxDetail(id, 3, 0, FakeExplorerQueries.Hash(3), 0, "settlement", "transfer", "ok", false,
            "org-a/alice", "Alice", "org-a", "甲发电公司", null, [new TxArgument("to", "org-b"), new TxArgument("amount", "1200")],
            [new TxEvent("Transferred", "{\"amount\":1200}")], null, "n1", 100);
        Fake.Receipt = "{\"txId\":\"" + id + "\"}";
        var download = Ctx.JSInterop.SetupVoid("portal.downloadText", _ => true);
        var cut = Ctx.Render<TransactionDetailPage>(p => p.Add(c => c.TxId, id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=tx-argument]").Count));
        Assert.Contains("1200", cut.FindAll("[data-testid=tx-argument]")[1].TextContent);
        Assert.Single(cut.FindAll("[data-testid=tx-event]"));
        Assert.Contains("甲发电公司", cut.Find("[data-testid=tx-organisation]").TextContent);

        cut.Find("[data-testid=download-receipt]").Click();
        var call = Assert.Single(download.Invocations);
        Assert.Equal($"receipt-{id}.json", call.Arguments[0]);
        Assert.Equal(Fake.Receipt, call.Arguments[2]);
    }

    [Fact]
    public void Transaction_of_another_organisation_shows_only_contract_method_status_and_block()
    {
        var id = FakeExplorerQueries.Hash(6);
        Fake.TxDetails[id] = new TxDetail(id, 3, 1, FakeExplorerQueries.Hash(3), 0, "settlement", "transfer", "ok", true,
            null, null, null, null, null, [], [], null, null, null);
        var cut = Ctx.Render<TransactionDetailPage>(p => p.Add(c => c.TxId, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=tx-restricted]")));
        Assert.Equal("settlement", cut.Find("[data-testid=tx-contract]").TextContent);
        Assert.Equal("/explorer/blocks/3", cut.Find("[data-testid=tx-block-link]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=tx-argument]"));
        Assert.Empty(cut.FindAll("[data-testid=tx-signer]"));
        Assert.Empty(cut.FindAll("[data-testid=download-receipt]"));
    }

    [Fact]
    public void State_browser_pages_and_shows_its_empty_state()
    {
        for (var i = 0; i < 25; i++) Fake.State.Add(new StateRow($"k/{i:D2}", "v", 1));
        RenderPopoverProvider();
        var cut = Ctx.Render<StateBrowser>();
        cut.WaitForAssertion(() => Assert.Equal(20, cut.FindAll("[data-testid=state-key]").Count));
        cut.Find("button[aria-label='Next page']").Click();
        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(20, 5).Select(i => $"k/{i:D2}"), cut.FindAll("[data-testid=state-key]").Select(k => k.TextContent)));

        cut.Find("[data-testid=state-prefix] input, input[data-testid=state-prefix]").Input("nothing/");
        cut.Find("[data-testid=filter-apply]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=explorer-empty]")));
    }

    [Fact]
    public void Blocks_csv_export_downloads_the_current_filter_with_a_byte_order_mark()
    {
        AddBlocks(3);
        var download = Ctx.JSInterop.SetupVoid("portal.downloadText", _ => true);
        RenderPopoverProvider();
        var cut = Ctx.Render<Blocks>();
        cut.WaitForAssertion(() => Assert.Equal(3, Heights(cut).Count));
        cut.Find("[data-testid=export-csv]").Click();
        var call = Assert.Single(download.Invocations);
        Assert.Equal("blocks.csv", call.Arguments[0]);
        var csv = (string)call.Arguments[2]!;
        Assert.StartsWith("\uFEFFheight,hash,time,txCount,failed,proposer\r\n2,", csv);
        Assert.Equal(4, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
