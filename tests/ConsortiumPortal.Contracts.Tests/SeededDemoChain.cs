using System.Collections.Concurrent;
using ConsortiumPortal.Chain.Crypto;
using ConsortiumPortal.Chain.Membership;
using ConsortiumPortal.Seed;

namespace ConsortiumPortal.Contracts.Tests;

/// <summary>A test ledger founded by the demo consortium's genesis with every demo wave committed (each must succeed).</summary>
internal static class SeededDemoChain
{
    public static TestChain Create()
    {
        var keys = new ConcurrentDictionary<string, Sm2KeyPair>(StringComparer.Ordinal);
        Sm2KeyPair KeyFor(string id) => keys.GetOrAdd(id, _ => Sm2.Generate());
        var demo = new DemoConsortium(KeyFor, new ConsortiumNode("node-1", DemoConsortium.NodeOperator, "", "127.0.0.1:7001", "http://127.0.0.1:5001"), TestChain.GenesisTime);
        var chain = new TestChain(demo.Genesis, KeyFor, demo.NodeId);
        chain.CommitDemo(demo, KeyFor);
        return chain;
    }
}
