using System.Net;
using System.Net.Sockets;

namespace ConsortiumPortal.Cli;

/// <summary>
/// Loopback ports that are free now, for local consortia (bench-cluster) and the tests' node processes. They are chosen
/// below Linux's ephemeral range (32768-60999): a port there can be taken by any outgoing connection between the check
/// and the child's bind (seen: a node exited with "address already in use").
/// </summary>
public static class FreePorts
{
    public const int Low = 10_000, High = 32_000;

    /// <summary>One free port, at random in [<see cref="Low"/>, <see cref="High"/>).</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Low, High);
            if (IsFree(port)) return port;
        }
        throw new InvalidOperationException("no free port below the ephemeral range");
    }

    /// <summary>
    /// Bases for `init --nodes N --base-port P --http-base-port H`, where node i (1..N) uses P+i and H+i: all those
    /// ports are free now.
    /// </summary>
    public static (int RaftBase, int HttpBase) Range(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var raft = Random.Shared.Next(Low, (Low + High) / 2);
            var http = raft + Random.Shared.Next(200, (High - Low) / 2 - count - 1);
            if (Enumerable.Range(1, count).All(i => IsFree(raft + i) && IsFree(http + i))) return (raft, http);
        }
        throw new InvalidOperationException("no free port range below the ephemeral range");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }
}
