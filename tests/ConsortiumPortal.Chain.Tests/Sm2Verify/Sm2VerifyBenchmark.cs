using System.Diagnostics;
using ConsortiumPortal.Chain.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit.Abstractions;

namespace ConsortiumPortal.Chain.Tests.Sm2Verify;

/// <summary>
/// Cost of one SM2 verification, single-threaded, with a few hundred signers as on the real chain (each signer's key
/// object is reused across its transactions, as SignerKeys does). Small and quick by default (it still checks that every
/// signature verifies); SM2_BENCH=1 measures at full size and prints us/verify and bytes allocated per verify for
/// BouncyCastle's SM2Signer and for Sm2.Verify:
/// <code>SM2_BENCH=1 dotnet test tests/ConsortiumPortal.Chain.Tests -c Release --no-build --filter "FullyQualifiedName~Sm2VerifyBenchmark" --logger "console;verbosity=detailed"</code>
/// </summary>
public sealed class Sm2VerifyBenchmark(ITestOutputHelper output)
{
    [Fact]
    public void Verify_cost_per_signature()
    {
        var full = Environment.GetEnvironmentVariable("SM2_BENCH") == "1";
        var (signers, messages, rounds) = full ? (300, 3_000, 5) : (10, 50, 1);
        var keys = Enumerable.Range(0, signers).Select(_ => Sm2.Generate()).ToArray();
        var random = new Random(42);
        var samples = Enumerable.Range(0, messages).Select(i =>
        {
            var key = keys[i % signers];
            var message = new byte[300]; // about a settlement transfer's canonical body
            random.NextBytes(message);
            return (key.PublicKey, message, key.Sign(message));
        }).ToArray();

        Measure("BouncyCastle SM2Signer", samples, rounds, Sm2Reference.Verify);
        Measure("Sm2.Verify", samples, rounds, (k, m, s) => Sm2.Verify(k, m, s));
    }

    private void Measure(string name, (ECPublicKeyParameters Key, byte[] Message, byte[] Signature)[] samples, int rounds,
        Func<ECPublicKeyParameters, byte[], byte[], bool> verify)
    {
        // Warm-up: tiered JIT and any per-key precomputation happen before the clock starts.
        foreach (var (key, message, signature) in samples) Assert.True(verify(key, message, signature));
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpuClock.Now();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
            foreach (var (key, message, signature) in samples)
                if (!verify(key, message, signature)) Assert.Fail($"{name}: a valid signature did not verify");
        clock.Stop();
        var count = (double)samples.Length * rounds;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / count;
        var cpuUs = cpu is { } before ? (ThreadCpuClock.Now()!.Value - before).TotalMicroseconds / count : double.NaN;
        output.WriteLine($"{name,-24} {clock.Elapsed.TotalMicroseconds / count,8:F1} us/verify (thread CPU {cpuUs:F1} us)  " +
                         $"{bytes,10:N0} bytes/verify  ({count:N0} verifies, load average {LoadAverage()})");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
