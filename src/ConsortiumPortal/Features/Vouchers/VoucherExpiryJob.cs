using ConsortiumPortal.Contracts.Vouchers;

namespace ConsortiumPortal.Features.Vouchers;

/// <summary>
/// The daily expiry job: marks ranges past their expiry as expired, 500 per transaction, signed by the trading centre.
/// The contract refuses trading and retiring an expired range by block time anyway; this makes holdings show it.
/// Runs only on the node that holds the signer's key.
/// </summary>
public sealed class VoucherExpiryJob(Node.NodeHostedService node, IConfiguration configuration, ILogger<VoucherExpiryJob> log)
{
    public const string JobId = "voucher-expiry";

    public async Task RunAsync()
    {
        var runtime = await node.Runtime;
        var signer = configuration["Jobs:VoucherIssuance:Signer"] ?? VoucherIssuanceSubscriber.DefaultSigner;
        if (!runtime.Keys.Contains(signer)) return;
        var model = new VoucherReadModel(runtime.Ledger.Store);
        var now = runtime.Ledger.Store.GetBlockHeader(runtime.Ledger.Height)?.Header.Timestamp ?? 0;
        for (var round = 0; round < 100; round++)
        {
            var due = model.DueForExpiry(now, VoucherContract.MaxExpireBatch);
            if (due.Count == 0) return;
            var tx = new Chain.Model.TxBuilder(runtime.Ledger.ChainId, signer, runtime.Keys.Get(signer))
                .Build(VoucherContract.ContractName, "expire", new VoucherContract.ExpireArgs(due), runtime.Ledger.Height);
            var outcome = await runtime.Node.SubmitAsync(tx);
            if (outcome.Result is not { Succeeded: true })
            {
                log.LogWarning("Expiring {Count} voucher ranges failed: {Error}", due.Count, outcome.Refusal?.Message ?? outcome.Result?.Error);
                return;
            }
        }
    }
}
