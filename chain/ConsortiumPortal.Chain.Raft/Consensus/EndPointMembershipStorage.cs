using System.Net;
using DotNext.Buffers;
using DotNext.Net;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace ConsortiumPortal.Chain.Raft.Consensus;

/// <summary>
/// Durable membership list (a file in DataDirectory). Written by DotNext with fsync + atomic rename whenever a
/// configuration entry is applied, so a restarted node knows its peers without any external seed list.
/// </summary>
internal sealed class EndPointMembershipStorage(string fileName) : PersistentClusterConfigurationStorage<EndPoint>(fileName)
{
    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> writer)
        => EndPointFormatter.WriteEndPoint(ref writer, address);

    protected override EndPoint Decode(ref SequenceReader reader)
        => EndPointFormatter.ReadEndPoint(ref reader);
}
