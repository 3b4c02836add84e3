using ConsortiumPortal.Contracts.DemandResponse;
using ConsortiumPortal.Contracts.Metering;
using ConsortiumPortal.Contracts.Tests.Metering;
using static ConsortiumPortal.Contracts.Tests.DemandResponse.DemandResponseTestChain;

namespace ConsortiumPortal.Contracts.Tests.DemandResponse;

/// <summary>Who may do what and when; every refusal leaves world state unchanged (TestChain.Refuse).</summary>
public sealed class EnrolmentRulesTests : IDisposable
{
    private readonly TestChain _chain = Create();

    public EnrolmentRulesTests()
    {
        _chain.RegisterOk(Grid, "M-OTHER-FEEDER", "consumer-one", MeterTypes.Consumption, null, 40_000, "F-9");
        _chain.RegisterOk(Grid, "M-GEN", "consumer-one", MeterTypes.Generation, MeterTechnologies.Solar, 40_000, "F-1");
        _chain.RegisterOk(OtherGrid, "M-WEST", "consumer-one", MeterTypes.Consumption, null, 40_000, "F-1");
        _chain.Ok(_chain.Publish(Grid, "E-1"));
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Only_a_grid_company_defines_programmes_and_publishes_its_own_events()
    {
        _chain.Refuse(_chain.DefineProgram(Consumer1, "p-x"), "only a GridCompany");
        _chain.Refuse(_chain.DefineProgram(Auditor, "p-x"), "only a GridCompany");
        _chain.Refuse(_chain.DefineProgram(Grid, Program), "already exists");
        _chain.Refuse(_chain.DefineProgram(Grid, "p-x", method: "7-in-7"), "baseline method");
        _chain.Refuse(_chain.DefineProgram(Grid, "p-x", price: 0), "incentive price");
        _chain.Refuse(_chain.DefineProgram(Grid, "p-x", minPermille: 1001), "minimum performance");
        _chain.Refuse(_chain.Publish(OtherGrid, "E-2"), "belongs to grid-east");
        _chain.Refuse(_chain.Publish(Consumer1, "E-2"), "only a GridCompany");
        _chain.Refuse(_chain.Publish(Grid, "E-1"), "already exists");
        _chain.Refuse(_chain.Publish(Grid, "E-2", program: "nope"), "does not exist");
    }

    [Fact]
    public void An_event_window_is_whole_intervals_on_one_day_published_before_its_notice_deadline()
    {
        _chain.Refuse(_chain.Publish(Grid, "E-2", EventStart + 60_000, EventEnd), "15-minute boundaries");
        _chain.Refuse(_chain.Publish(Grid, "E-2", EventEnd, EventStart), "ends after it starts");
        _chain.Refuse(_chain.Publish(Grid, "E-2", EventDay + 23 * H, EventDay + 25 * H), "one UTC day");
        // Starting within the hour of notice: the deadline has passed at publication.
        var soon = TestChain.GenesisTime + H;
        _chain.Refuse(_chain.Publish(Grid, "E-2", soon, soon + H), "notice deadline");
        _chain.Refuse(_chain.Publish(Grid, "E-2", targetW: 0), "target reduction");
    }

    [Fact]
    public void Consumers_enrol_their_own_eligible_meters_once()
    {
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-2"), "belongs to consumer-two");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-OTHER-FEEDER"), "not F-1");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-GEN"), "generation meter");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-WEST"), "served by grid-west");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-NONE"), "not registered");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 50_000, "M-1"), "exceeds the meters' capacity");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 0, "M-1"), "must be positive");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 2000, "M-1", "M-1"), "each meter once");
        _chain.Refuse(_chain.Enrol(Consumer1, "E-404", 2000, "M-1"), "does not exist");
        _chain.Refuse(_chain.Enrol(Auditor, "E-1", 2000, "M-1"), "only a Consumer or an Aggregator");
        _chain.Refuse(_chain.Enrol(Grid, "E-1", 2000, "M-1"), "only a Consumer or an Aggregator");
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        _chain.Refuse(_chain.Enrol(Consumer1, "E-1", 1000, "M-1"), "already enrolled");
        Assert.Equal(1, _chain.Event("E-1").Participants);
        Assert.Equal(2000, _chain.Event("E-1").CommittedW);
    }

    [Fact]
    public void An_aggregator_enrols_only_meters_whose_owners_authorised_it_and_bids_once_per_meter()
    {
        _chain.Refuse(_chain.Enrol(Aggregator, "E-1", 2000, "M-1"), "has not authorised aggregator vpp");
        _chain.Refuse(_chain.Authorise(Consumer2, "M-1"), "belongs to consumer-one");
        _chain.Refuse(_chain.Authorise(Consumer1, "M-1", "consumer-two"), "not an aggregator");
        _chain.Refuse(_chain.Authorise(Aggregator, "M-1"), "only a Consumer");
        _chain.Ok(_chain.Authorise(Consumer1, "M-1"));
        _chain.Ok(_chain.Authorise(Consumer2, "M-2"));
        _chain.Refuse(_chain.Authorise(Consumer1, "M-1"), "already has an aggregator");
        _chain.Ok(_chain.Enrol(Consumer2, "E-1", 2000, "M-2"));
        _chain.Refuse(_chain.Enrol(Aggregator, "E-1", 2000, "M-1", "M-2"), "M-2 is already enrolled in event E-1");
        _chain.Ok(_chain.Enrol(Aggregator, "E-1", 2000, "M-1"));
        Assert.Equal(DrParticipantKinds.Aggregator, Read(_chain, "vpp").Kind);
    }

    [Fact]
    public void Opting_out_and_enrolling_close_at_the_notice_deadline()
    {
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        _chain.Refuse(_chain.OptOut(Consumer2, "E-1"), "not enrolled");
        _chain.Ok(_chain.OptOut(Consumer1, "E-1"));
        Assert.Equal(0, _chain.Event("E-1").Participants);
        Assert.Empty(_chain.Ledger.Store.Scan(ConsortiumPortal.Contracts.Registry.OpenObligations.Prefix));
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 3000, "M-1"));                        // a new bid after opting out

        _chain.Now = EventStart - H;                                                    // the deadline itself
        _chain.Refuse(_chain.OptOut(Consumer1, "E-1"), "closed at its notice deadline");
        _chain.Refuse(_chain.Enrol(Consumer2, "E-1", 2000, "M-2"), "closed at its notice deadline");
    }

    [Fact]
    public void Events_change_or_are_cancelled_only_by_their_grid_company_before_they_start()
    {
        _chain.Refuse(_chain.Dr(OtherGrid, "updateEvent", new DemandResponseContract.UpdateEventArgs("E-1", EventStart, EventEnd, 5000)), "belongs to grid-east");
        _chain.Refuse(_chain.Cancel(OtherGrid, "E-1"), "belongs to grid-east");
        _chain.Refuse(_chain.Cancel(Consumer1, "E-1"), "only a GridCompany");
        _chain.Refuse(_chain.Dr(Grid, "updateEvent", new DemandResponseContract.UpdateEventArgs("E-1", EventStart + Baselines.DayMs, EventEnd + Baselines.DayMs, 5000)), "stays on its UTC day");
        var updated = _chain.CommitOne(_chain.Dr(Grid, "updateEvent", new DemandResponseContract.UpdateEventArgs("E-1", EventStart + H, EventEnd + H, 5000)));
        TestChain.AssertOk(updated);
        Assert.Equal(2, _chain.Event("E-1").Version);
        Assert.Equal(EventStart, _chain.Event("E-1").NoticeDeadline);

        _chain.Now = EventStart + H;                                                   // the (updated) start
        _chain.Refuse(_chain.Dr(Grid, "updateEvent", new DemandResponseContract.UpdateEventArgs("E-1", EventStart + H, EventEnd + H, 1)), "has started");
        _chain.Refuse(_chain.Cancel(Grid, "E-1"), "has started");
        _chain.Refuse(_chain.Settle(Grid, "E-1"), "has not ended");
    }

    [Fact]
    public void Only_the_events_grid_company_settles_it()
    {
        _chain.Ok(_chain.Enrol(Consumer1, "E-1", 2000, "M-1"));
        _chain.AfterEvent();
        _chain.RecordDay("M-1", 1000, 500, 500, 500, 500);
        _chain.Refuse(_chain.Settle(Consumer1, "E-1"), "only a GridCompany");
        _chain.Refuse(_chain.Settle(OtherGrid, "E-1"), "belongs to grid-east");
        _chain.Refuse(_chain.Settle(Grid, "E-1", ["consumer-two"]), "not enrolled");
        _chain.Refuse(_chain.Settle(Grid, "E-1", limit: 0), "limit must be positive");
    }

    private static DrEnrolment Read(TestChain chain, string participant) =>
        Chain.Encoding.CanonicalJson.Deserialize<DrEnrolment>(System.Text.Encoding.UTF8.GetBytes(chain.Ledger.Store.Get(DemandResponseState.EnrolmentKey("E-1", participant))!));
}
