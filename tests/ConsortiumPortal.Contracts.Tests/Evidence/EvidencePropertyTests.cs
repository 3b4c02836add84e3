using ConsortiumPortal.Chain.Execution;
using ConsortiumPortal.Contracts.Evidence;
using CsCheck;

namespace ConsortiumPortal.Contracts.Tests.Evidence;

/// <summary>
/// Random sequences of anchors and signatures (right and wrong callers, repeated hashes, required signers inside and
/// outside the parties), and random work-ticket steps by random people, through the real ledger. Every outcome must
/// match a reference model of the rules; after every block a document is Complete exactly when every required
/// organisation has signed, signatures come only from required organisations and once each, and one hash is one record.
/// </summary>
public sealed class EvidencePropertyTests
{
    private static readonly string[] Orgs = ["grid-east", "steel-works", "retail-one", "cable-co"];

    private sealed record Caller(string Id, string Organisation, bool Acts);

    private static readonly Caller[] Callers =
    [
        new("grid-east/clerk", "grid-east", true), new("steel-works/buyer", "steel-works", true), new("retail-one/clerk", "retail-one", true),
        new("cable-co/sales", "cable-co", true), new("steel-works/it", "steel-works", false), new("regulator", "regulator", true),
    ];

    private static readonly string[] Hashes = [EvidenceChain.HashOf("a"), EvidenceChain.HashOf("b"), EvidenceChain.HashOf("c")];

    public sealed record DocOp(bool Sign, int Caller, int Doc, int PartyMask, int RequiredMask)
    {
        public override string ToString() => Sign ? $"sign {Callers[Caller].Id} doc{Doc}" : $"anchor {Callers[Caller].Id} doc{Doc} parties={PartyMask} required={RequiredMask}";
    }

    private static readonly Gen<DocOp> OneDocOp =
        from sign in Gen.Frequency((2, Gen.Const(false)), (3, Gen.Const(true)))
        from caller in Gen.Int[0, Callers.Length - 1]
        from doc in Gen.Int[0, Hashes.Length - 1]
        from parties in Gen.Int[0, 15]
        from required in Gen.Int[0, 15]
        select new DocOp(sign, caller, doc, parties, required);

    private sealed class ModelDoc(string owner, HashSet<string> parties, HashSet<string> required)
    {
        public string Owner { get; } = owner;
        public HashSet<string> Parties { get; } = parties;
        public HashSet<string> Required { get; } = required;
        public HashSet<string> Signed { get; } = [];
    }

    [Fact]
    public void Signing_status_follows_the_required_signers_and_a_hash_is_one_record()
    {
        var successes = new int[2];
        OneDocOp.Array[10, 30].Sample(ops =>
        {
            using var chain = new TestChain(EvidenceChain.Organisations);
            Assert.All(chain.Commit(
                chain.IssueCertificate("grid-east", "grid-east/clerk", [Roles.GridCompany]),
                chain.IssueCertificate("steel-works", "steel-works/buyer", [Roles.Consumer]),
                chain.IssueCertificate("retail-one", "retail-one/clerk", [Roles.Retailer]),
                chain.IssueCertificate("cable-co", "cable-co/sales", [Roles.Supplier]),
                chain.IssueCertificate("steel-works", "steel-works/it", [Roles.OrgAdmin])), TestChain.AssertOk);
            var model = new Dictionary<string, ModelDoc>();
            foreach (var op in ops)
            {
                var caller = Callers[op.Caller];
                var hash = Hashes[op.Doc];
                bool predicted;
                if (op.Sign)
                {
                    predicted = model.TryGetValue(hash, out var d) && d.Required.Contains(caller.Organisation) && !d.Signed.Contains(caller.Organisation) && caller.Acts;
                    var result = chain.CommitOne(chain.Sign(caller.Id, hash));
                    Assert.True(predicted == result.Succeeded, $"{op}: predicted {predicted}, got {result.Error}");
                    if (predicted) { model[hash].Signed.Add(caller.Organisation); successes[1]++; }
                }
                else
                {
                    var parties = Orgs.Where((_, i) => (op.PartyMask & (1 << i)) != 0).ToArray();
                    var required = Orgs.Where((_, i) => (op.RequiredMask & (1 << i)) != 0).ToArray();
                    var allParties = parties.Append(caller.Organisation).ToHashSet();
                    var existed = model.ContainsKey(hash);
                    predicted = existed || (caller.Acts && required.All(allParties.Contains));
                    var result = chain.CommitOne(chain.Anchor(caller.Id, hash, parties, required));
                    Assert.True(predicted == result.Succeeded, $"{op}: predicted {predicted}, got {result.Error}");
                    if (predicted && !existed)
                    {
                        var doc = new ModelDoc(caller.Organisation, allParties, [.. required]);
                        if (doc.Required.Contains(caller.Organisation)) doc.Signed.Add(caller.Organisation);
                        model[hash] = doc;
                        successes[0]++;
                    }
                    if (existed) Assert.Equal("False", result.Output("created"));
                }

                foreach (var (h, expected) in model)
                {
                    var record = chain.Document(h)!;
                    Assert.Equal(expected.Owner, record.Owner);
                    Assert.Equal(expected.Required.Order(), record.RequiredSigners);
                    Assert.Equal(expected.Signed.Order(), record.Signatures.Select(s => s.OrganisationId).Order());
                    Assert.Equal(expected.Required.IsSubsetOf(expected.Signed) ? DocumentStatus.Complete : DocumentStatus.Pending, record.Status);
                }
                Assert.Equal(model.Count, chain.State().Keys.Count(k => k.StartsWith(EvidenceKeys.DocumentPrefix, StringComparison.Ordinal)));
            }
        }, iter: 25, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
        Assert.True(successes[0] > 0 && successes[1] > 0, "no anchor or no signature ever succeeded: the property means nothing");
    }

    // ---- work tickets ------------------------------------------------------------------------------------------

    private sealed record Worker(string Id, string Organisation, string[] Qualifications);

    private static readonly Worker[] Workers =
    [
        new("grid-east/issuer", "grid-east", [Qualifications.TicketIssuer]),
        new("grid-east/permitter", "grid-east", [Qualifications.WorkPermitter]),
        new("grid-east/leader", "grid-east", [Qualifications.WorkLeader, Qualifications.WorkPermitter]),   // may permit others' tickets, never its own
        new("grid-east/leader2", "grid-east", [Qualifications.WorkLeader, Qualifications.WorkPermitter]),
        new("grid-east/apprentice", "grid-east", []),
        new("steel-works/permitter", "steel-works", [Qualifications.WorkPermitter]),
    ];

    /// <summary>A worker signs the step <see cref="Offset"/> places from the ticket's next step (0 = the right step, often).</summary>
    public sealed record StepOp(int Worker, int Offset)
    {
        public override string ToString() => $"{Workers[Worker].Id} next{Offset:+0;-0;+0}";
    }

    [Fact]
    public void Work_ticket_steps_are_accepted_only_in_order_from_the_qualified_responsible_person()
    {
        var furthest = 0;
        var offsets = Gen.Frequency((4, Gen.Const(0)), (1, Gen.Const(-1)), (1, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(-4)));
        var gen = Gen.Select(Gen.Int[0, Workers.Length - 1], offsets, (w, o) => new StepOp(w, o)).Array[5, 25];
        gen.Sample(ops =>
        {
            using var chain = new TestChain(EvidenceChain.Organisations);
            Assert.All(chain.Commit([.. Workers.Select(w => chain.IssueCertificate(w.Organisation, w.Id, [w.Organisation == "grid-east" ? Roles.GridCompany : Roles.Consumer]))]),
                TestChain.AssertOk);
            Assert.All(chain.Commit([.. Workers.SelectMany(w => w.Qualifications.Select(q => chain.Grant(w.Organisation, w.Id, q)))]), TestChain.AssertOk);
            TestChain.AssertOk(chain.CommitOne(chain.IssueTicket("grid-east/issuer", "WT-P", "grid-east/leader")));
            var next = 1;
            foreach (var op in ops)
            {
                var worker = Workers[op.Worker];
                var index = Math.Clamp(next + op.Offset, 0, WorkTicketSteps.Order.Count - 1);
                var step = WorkTicketSteps.Order[index];
                var qualification = WorkTicketSteps.QualificationFor(step);
                var responsible = qualification == Qualifications.WorkLeader
                    ? worker.Id == "grid-east/leader"
                    : worker.Organisation == "grid-east" && worker.Id != "grid-east/leader";
                var predicted = next < WorkTicketSteps.Order.Count && index == next && worker.Qualifications.Contains(qualification) && responsible;
                var before = chain.State();
                var result = chain.CommitOne(chain.Step(worker.Id, "grid-east:WT-P", step));
                Assert.True(predicted == result.Succeeded, $"{op} (next {next}): predicted {predicted}, got {result.Error}");
                if (predicted) next++;
                else Assert.Equal(before.Where(kv => !kv.Key.StartsWith("membership/", StringComparison.Ordinal)), chain.State().Where(kv => !kv.Key.StartsWith("membership/", StringComparison.Ordinal)));
                Assert.Equal(WorkTicketSteps.Order.Take(next), chain.Ticket("grid-east:WT-P")!.Steps.Select(s => s.Step));
            }
            InterlockedMax(ref furthest, next);
        }, iter: 30, print: ops => string.Join("\n", ops.Select(o => o.ToString())));
        Assert.True(furthest == WorkTicketSteps.Order.Count, $"no sample closed its ticket (furthest step {furthest}): the property means little");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
