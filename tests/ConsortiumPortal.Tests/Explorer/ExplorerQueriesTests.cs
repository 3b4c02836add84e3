using ConsortiumPortal.Features.Explorer;

namespace ConsortiumPortal.Tests.Explorer;

public sealed class ExplorerLedgerFixture : IDisposable
{
    public ExplorerTestLedger Chain { get; } = new();
    public void Dispose() => Chain.Dispose();
}

/// <summary>The SQL of ExplorerQueries against a real ledger.db: visibility by organisation, filters, paging, lookups.</summary>
public sealed class ExplorerQueriesTests(ExplorerLedgerFixture fixture) : IClassFixture<ExplorerLedgerFixture>
{
    private readonly ExplorerTestLedger _chain = fixture.Chain;
    private readonly ExplorerQueries _queries = fixture.Chain.Queries();
    private static readonly ExplorerViewer Regulator = new("org-c", true);
    private static readonly ExplorerViewer OrgA = new("org-a", false);
    private static readonly PageRequest All = new(0, 100);

    [Fact]
    public async Task A_regulator_sees_every_transaction_and_a_member_only_its_own_organisations()
    {
        var everything = await _queries.TransactionsAsync(Regulator, new TxFilter(), All);
        Assert.Equal(6, everything.TotalCount); // genesis + 5

        var mine = await _queries.TransactionsAsync(OrgA, new TxFilter(), All);
        Assert.Equal([_chain.CarolIssuedByAlice.IdHex, _chain.AliceIssued.IdHex], mine.Items.Select(t => t.TxId));
        Assert.Equal(2, mine.TotalCount);
        Assert.DoesNotContain(mine.Items, t => t.Signer.StartsWith("org-ab", StringComparison.Ordinal));

        var none = await _queries.TransactionsAsync(new ExplorerViewer(null, false), new TxFilter(), All);
        Assert.Empty(none.Items);
    }

    [Fact]
    public async Task Filters_by_status_signer_organisation_method_and_height()
    {
        var failed = await _queries.TransactionsAsync(Regulator, new TxFilter(Status: "failed"), All);
        var row = Assert.Single(failed.Items);
        Assert.Equal(_chain.FailedIssue.IdHex, row.TxId);
        Assert.Contains("certificate id must be", row.Error);

        var orgB = await _queries.TransactionsAsync(Regulator, new TxFilter(SignerOrganisation: "org-b"), All);
        Assert.Equal(2, orgB.TotalCount);
        var orgAb = await _queries.TransactionsAsync(Regulator, new TxFilter(SignerOrganisation: "org-ab"), All);
        Assert.Equal(_chain.AbIssued.IdHex, Assert.Single(orgAb.Items).TxId);

        var block2 = await _queries.TransactionsAsync(Regulator, new TxFilter(Method: "issueCertificate", FromHeight: 2, ToHeight: 2), new PageRequest(0, 10, "height", false));
        Assert.Equal([_chain.AbIssued.IdHex, _chain.BobIssued.IdHex, _chain.FailedIssue.IdHex], block2.Items.Select(t => t.TxId));
    }

    [Fact]
    public async Task Blocks_page_and_sort_and_count_failures()
    {
        var first = await _queries.BlocksAsync(new BlockFilter(), new PageRequest(0, 2));
        Assert.Equal(4, first.TotalCount);
        Assert.Equal([3L, 2L], first.Items.Select(b => b.Height));
        var second = await _queries.BlocksAsync(new BlockFilter(), new PageRequest(1, 2));
        Assert.Equal([1L, 0L], second.Items.Select(b => b.Height));

        var withFailures = await _queries.BlocksAsync(new BlockFilter(OnlyWithFailures: true), All);
        var block = Assert.Single(withFailures.Items);
        Assert.Equal((2L, 3, 1, "node-1"), (block.Height, block.TxCount, block.FailedCount, block.Proposer));

        var byCount = await _queries.BlocksAsync(new BlockFilter(), new PageRequest(0, 1, "txCount", true));
        Assert.Equal(2L, byCount.Items[0].Height);
        Assert.Equal(_chain.Ledger.Store.HeadHash, (await _queries.BlocksAsync(new BlockFilter(FromHeight: 3), All)).Items[0].Hash);
    }

    [Fact]
    public async Task Block_detail_hides_the_signers_of_other_organisations()
    {
        var block = await _queries.BlockAsync(OrgA, 2);
        Assert.NotNull(block);
        Assert.Equal(3, block.Transactions.Count);
        Assert.All(block.Transactions, t => Assert.True(t.Restricted));
        Assert.All(block.Transactions, t => Assert.Equal("", t.Signer));
        var asRegulator = await _queries.BlockAsync(Regulator, 2);
        Assert.Equal(["org-ab", "org-b", "org-b"], asRegulator!.Transactions.Select(t => t.Signer));
        Assert.Null(await _queries.BlockAsync(Regulator, 99));

        Assert.Equal(2L, await _queries.BlockHeightByHashAsync(asRegulator.Hash.ToUpperInvariant()));
        Assert.True(await _queries.BlockExistsAsync(3));
        Assert.False(await _queries.BlockExistsAsync(4));
        Assert.True(await _queries.TransactionExistsAsync(_chain.BobIssued.IdHex));
        Assert.False(await _queries.TransactionExistsAsync(asRegulator.Hash));
    }

    [Fact]
    public async Task Transaction_detail_decodes_arguments_and_events_for_its_organisation_only()
    {
        var tx = await _queries.TransactionAsync(OrgA, _chain.CarolIssuedByAlice.IdHex);
        Assert.NotNull(tx);
        Assert.False(tx.Restricted);
        Assert.Equal(("org-a/alice", "Alice 爱丽丝", "org-a", "甲发电公司"), (tx.Signer, tx.SignerName, tx.SignerOrganisation, tx.SignerOrganisationName));
        Assert.Contains(tx.Arguments, a => a is { Name: "certificateId", Value: "org-a/carol" });
        Assert.Equal("CertificateIssued", Assert.Single(tx.Events).Name);

        var other = await _queries.TransactionAsync(OrgA, _chain.BobIssued.IdHex);
        Assert.NotNull(other);
        Assert.True(other.Restricted);
        Assert.Equal(("membership", "issueCertificate", "ok", 2L), (other.Contract, other.Method, other.Status, other.Height));
        Assert.Empty(other.Arguments);
        Assert.Empty(other.Events);
        Assert.Null(other.Signer);

        Assert.Null(await _queries.ReceiptJsonAsync(OrgA, _chain.BobIssued.IdHex));
        var receipt = await _queries.ReceiptJsonAsync(Regulator, _chain.BobIssued.IdHex);
        Assert.True(Chain.Proofs.ReceiptVerifier.Verify(receipt!).IsValid);
    }

    [Fact]
    public async Task State_rows_by_prefix_are_paged()
    {
        var certs = await _queries.StateAsync("membership/cert/", new PageRequest(0, 2, "key", false));
        Assert.True(certs.TotalCount >= 8); // 4 organisation roots + alice, dan, bob, carol
        Assert.Equal(2, certs.Items.Count);
        Assert.All(certs.Items, r => Assert.StartsWith("membership/cert/", r.Key));
        var all = await _queries.StateAsync("membership/cert/org-a/", new PageRequest(0, 100, "key", false));
        Assert.Equal(["membership/cert/org-a/alice", "membership/cert/org-a/carol"], all.Items.Select(r => r.Key));
        Assert.Equal(0, (await _queries.StateAsync("membership/cert/org-a*", All)).TotalCount);
    }
}
