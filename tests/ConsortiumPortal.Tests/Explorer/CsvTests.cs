using ConsortiumPortal.Features.Explorer;

namespace ConsortiumPortal.Tests.Explorer;

public sealed class ExplorerCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\r\nlf", "\"cr\r\nlf\"")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("-42", "-42")]
    [InlineData("", "")]
    [InlineData("国家电网", "国家电网")]
    public void Fields_are_escaped(string field, string expected) => Assert.Equal(expected, Csv.Escape(field));

    [Fact]
    public void A_file_starts_with_a_bom_and_ends_lines_with_crlf()
    {
        var csv = Csv.Write(["name", "note"], [["国家电网", "a,\"b\""], ["x", null]]);
        Assert.Equal("\uFEFFname,note\r\n国家电网,\"a,\"\"b\"\"\"\r\nx,\r\n", csv);
        var bytes = System.Text.Encoding.UTF8.GetBytes(csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
    }
}
