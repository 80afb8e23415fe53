using ImageCaptioning.Web.Flagging;

namespace ImageCaptioning.Web.Tests.Units;

public sealed class CsvFieldTests
{
    [Theory]
    [InlineData("a dog", "\"a dog\"")]
    [InlineData("dog", "dog")]
    [InlineData("", "\"\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak\r\there", "\"line break  here\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-x", "'-x")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1+2", "\"' =1+2\"")]
    [InlineData("  @x", "\"'  @x\"")]
    [InlineData("\uFF1D1+2", "'\uFF1D1+2")]
    [InlineData("a-b", "a-b")]
    public void Escape_keeps_one_line_quotes_when_needed_and_defuses_formulas(string value, string expected) =>
        Assert.Equal(expected, CsvField.Escape(value));
}
