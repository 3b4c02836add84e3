using ConsortiumPortal.Chain.State;
using CsCheck;

namespace ConsortiumPortal.Chain.Tests;

/// <summary>A committed state held in memory, ordered by UTF-16 code units like the rest of the ledger.</summary>
internal sealed class DictionaryState(IEnumerable<KeyValuePair<string, string>> values) : IStateReader
{
    private readonly SortedDictionary<string, string> _values = new(values.ToDictionary(), StringComparer.Ordinal);
    public string? Get(string key) => _values.GetValueOrDefault(key);
    public IEnumerable<KeyValuePair<string, string>> Scan(string prefix) =>
        _values.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
}

public sealed class StateOverlayTests
{
    private static KeyValuePair<string, string> P(string k, string v) => new(k, v);

    [Fact]
    public void Scan_merges_writes_and_deletes_over_the_base_in_key_order()
    {
        var committed = new DictionaryState([P("acct/b", "2"), P("acct/d", "4"), P("acct/f", "6"), P("other/x", "9")]);
        var overlay = new StateOverlay(committed);
        overlay.Set("acct/a", "1");      // new, sorts first
        overlay.Set("acct/d", "40");     // overwrite
        overlay.Delete("acct/f");        // delete from the base
        overlay.Set("acct/e", "5");      // new, in the middle
        overlay.Set("acct/g", "7");
        overlay.Delete("acct/g");        // set then deleted in the overlay
        overlay.Delete("acct/zz");       // delete of a key that never existed
        overlay.Set("acctx", "no");      // shares the prefix text but not the "/"

        Assert.Equal([P("acct/a", "1"), P("acct/b", "2"), P("acct/d", "40"), P("acct/e", "5")], overlay.Scan("acct/"));
        Assert.Equal([P("other/x", "9")], overlay.Scan("other/"));
        Assert.Empty(overlay.Scan("none/"));
        Assert.Equal("40", overlay.Get("acct/d"));
        Assert.Null(overlay.Get("acct/f"));
        Assert.Null(overlay.Get("acct/g"));
        Assert.Equal("2", overlay.Get("acct/b"));
        // The base is untouched.
        Assert.Equal("6", committed.Get("acct/f"));
        Assert.Equal([P("acct/b", "2"), P("acct/d", "4"), P("acct/f", "6")], committed.Scan("acct/"));
    }

    [Fact]
    public void A_transaction_overlay_over_a_block_overlay_sees_both_and_merges_only_when_asked()
    {
        var committed = new DictionaryState([P("k/1", "a"), P("k/2", "b")]);
        var block = new StateOverlay(committed);
        block.Set("k/3", "c");
        var tx = new StateOverlay(block);
        tx.Delete("k/1");
        tx.Set("k/4", "d");
        Assert.Equal([P("k/2", "b"), P("k/3", "c"), P("k/4", "d")], tx.Scan("k/"));
        Assert.Equal([P("k/1", "a"), P("k/2", "b"), P("k/3", "c")], block.Scan("k/")); // a dropped tx overlay changes nothing

        tx.MergeInto(block);
        Assert.Equal([P("k/2", "b"), P("k/3", "c"), P("k/4", "d")], block.Scan("k/"));
        Assert.Equal(new Dictionary<string, string?> { ["k/1"] = null, ["k/3"] = "c", ["k/4"] = "d" }, block.Writes);
        Assert.Equal(["k/1", "k/3", "k/4"], block.Writes.Keys);
    }

    [Fact]
    public void Scan_orders_by_UTF16_code_units()
    {
        var committed = new DictionaryState([P("p/\ue000", "1"), P("p/z", "2")]);
        var overlay = new StateOverlay(committed);
        overlay.Set("p/\ud83d\ude00", "3");
        overlay.Set("p/A", "4");
        Assert.Equal(["p/A", "p/z", "p/\ud83d\ude00", "p/\ue000"], overlay.Scan("p/").Select(p => p.Key));
    }

    private static readonly Gen<string> Key = Gen.OneOf("a", "b", "ab", "a/", "a/b", "b/a", "\ue000", "\ud83d\ude00", "é")
        .Array[1, 3].Select(string.Concat);

    private static readonly Gen<(string Key, string? Value)> Op =
        Gen.Select(Key, Gen.Int[0, 3]).Select(t => (t.Item1, t.Item2 == 0 ? (string?)null : t.Item2.ToString()));

    [Fact]
    public void Property_scan_equals_a_model_of_base_plus_writes()
    {
        Gen.Select(Gen.Select(Key, Gen.Int[0, 9]).Array[0, 8], Op.Array[0, 12], Gen.OneOf("", "a", "a/", "b", "\ud83d", "\ue000"))
            .Sample((initial, ops, prefix) =>
            {
                var baseValues = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, v) in initial) baseValues[k] = v.ToString();
                var overlay = new StateOverlay(new DictionaryState(baseValues));
                var model = new Dictionary<string, string>(baseValues, StringComparer.Ordinal);
                foreach (var (k, v) in ops)
                {
                    if (v is null) { overlay.Delete(k); model.Remove(k); }
                    else { overlay.Set(k, v); model[k] = v; }
                }
                var expected = model.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
                Assert.Equal(expected, overlay.Scan(prefix).ToArray());
                foreach (var k in model.Keys.Concat(ops.Select(o => o.Key)))
                    Assert.Equal(model.GetValueOrDefault(k), overlay.Get(k));
            }, iter: 500);
    }

    [Fact]
    public void Scan_finds_only_the_writes_under_its_prefix_even_at_the_top_code_unit_and_allows_writes_while_enumerating()
    {
        var committed = new DictionaryState([P("q/\uffff/1", "a"), P("q/b", "b")]);
        var overlay = new StateOverlay(committed);
        overlay.Set("q/\uffff", "top");
        overlay.Set("q/\uffff\uffff", "top2");
        overlay.Set("q0", "next prefix");   // the upper bound of "q/" is "q0": not under the prefix
        overlay.Set("q/a", "a");
        Assert.Equal(["q/\uffff", "q/\uffff/1", "q/\uffff\uffff"], overlay.Scan("q/\uffff").Select(p => p.Key));
        Assert.Equal(["q/a", "q/b", "q/\uffff", "q/\uffff/1", "q/\uffff\uffff"], overlay.Scan("q/").Select(p => p.Key));

        // A contract may write while it walks a scan: the scan shows the state at its first row.
        var seen = new List<string>();
        foreach (var (key, _) in overlay.Scan("q/"))
        {
            seen.Add(key);
            overlay.Set(key + "/copy", "x");
            overlay.Delete("q/b");
        }
        Assert.Equal(["q/a", "q/b", "q/\uffff", "q/\uffff/1", "q/\uffff\uffff"], seen);
        Assert.Null(overlay.Get("q/b"));
    }
}
