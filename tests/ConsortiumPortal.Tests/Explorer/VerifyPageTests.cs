using System.Text.Json.Nodes;
using Bunit;
using ConsortiumPortal.Features.Verify;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ConsortiumPortal.Tests.Explorer;

/// <summary>The public Verify page with a real receipt from a small ledger, and with tampered copies of it.</summary>
public sealed class VerifyPageTests(ExplorerLedgerFixture fixture) : IClassFixture<ExplorerLedgerFixture>, IAsyncLifetime
{
    private readonly BunitContext _ctx = CreateContext();
    private string Receipt => fixture.Chain.Ledger.GetReceipt(fixture.Chain.CarolIssuedByAlice.IdHex)!.ToJson();

    private static BunitContext CreateContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        return ctx;
    }

    private IRenderedComponent<VerifyPage> Upload(string json)
    {
        var cut = _ctx.Render<VerifyPage>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(json, "receipt.json"));
        cut.WaitForAssertion(() => cut.Find("[data-testid=verify-result]"));
        return cut;
    }

    [Fact]
    public void An_uploaded_valid_receipt_passes_every_check()
    {
        var cut = Upload(Receipt);
        var result = cut.Find("[data-testid=verify-result]");
        Assert.Equal("true", result.GetAttribute("data-valid"));
        Assert.Contains("Valid", result.TextContent);
        var checks = cut.FindAll("[data-testid=verify-check]");
        Assert.True(checks.Count >= 9, $"only {checks.Count} checks shown");
        Assert.All(checks, c => Assert.Equal("true", c.GetAttribute("data-passed")));
        Assert.Equal(fixture.Chain.CarolIssuedByAlice.IdHex, cut.Find("[data-testid=verify-tx-id]").TextContent);
        Assert.Equal("3", cut.Find("[data-testid=verify-block-height]").TextContent);
        Assert.Equal(fixture.Chain.Ledger.Store.GetBlockHeader(3)!.Hash, cut.Find("[data-testid=verify-block-hash]").TextContent);
        Assert.Equal(ExplorerTestLedger.ChainId, cut.Find("[data-testid=verify-chain-id]").TextContent);
        Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=verify-qr]").GetAttribute("src"));
    }

    [Fact]
    public void A_tampered_receipt_is_invalid_and_names_the_failing_check()
    {
        var json = JsonNode.Parse(Receipt)!;
        json["tx"]!["args"]!["name"] = "Mallory";
        var cut = Upload(json.ToJsonString());
        var result = cut.Find("[data-testid=verify-result]");
        Assert.Equal("false", result.GetAttribute("data-valid"));
        Assert.Contains("Invalid", result.TextContent);
        var failing = cut.FindAll("[data-testid=verify-check][data-passed=false]").Select(c => c.GetAttribute("data-check")).ToList();
        Assert.Contains("tx id", failing);
        Assert.Contains("transaction signature", failing);
        Assert.Contains("First failure: tx id", cut.Find("[data-testid=verify-report]").TextContent);
    }

    [Fact]
    public void A_pasted_receipt_with_a_forged_block_hash_fails_only_that_check()
    {
        var json = JsonNode.Parse(Receipt)!;
        json["blockHash"] = new string('a', 64);
        var cut = _ctx.Render<VerifyPage>();
        cut.Find("[data-testid=receipt-text] textarea, textarea[data-testid=receipt-text]").Change(json.ToJsonString());
        cut.Find("[data-testid=verify-button]").Click();
        Assert.Equal("false", cut.Find("[data-testid=verify-result]").GetAttribute("data-valid"));
        var failing = cut.FindAll("[data-testid=verify-check][data-passed=false]").Select(c => c.GetAttribute("data-check"));
        Assert.Equal(["block hash"], failing);
    }

    [Fact]
    public void Not_json_is_invalid_and_an_oversized_file_is_refused_with_a_reason()
    {
        var cut = Upload("this is not a receipt");
        Assert.Equal("false", cut.Find("[data-testid=verify-result]").GetAttribute("data-valid"));
        Assert.Equal("json", cut.Find("[data-testid=verify-check]").GetAttribute("data-check"));

        var big = _ctx.Render<VerifyPage>();
        big.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(new string(' ', ReceiptReport.MaxBytes + 1), "big.json"));
        big.WaitForAssertion(() => Assert.Contains("1 MiB", big.Find("[data-testid=verify-input-error]").TextContent));
        Assert.Empty(big.FindAll("[data-testid=verify-result]"));
    }

    [Fact]
    public void Print_calls_the_portal_print_helper()
    {
        var print = _ctx.JSInterop.SetupVoid("portal.print");
        var cut = Upload(Receipt);
        cut.Find("[data-testid=verify-print]").Click();
        Assert.Single(print.Invocations);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();
}
