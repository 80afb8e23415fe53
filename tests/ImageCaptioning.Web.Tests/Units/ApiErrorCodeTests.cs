using System.Text.Json;
using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Tests.Units;

/// <summary>The error codes are a contract with clients (the demo page, scripts): each keeps its snake_case name.</summary>
public class ApiErrorCodeTests
{
    [Fact]
    public void Every_code_is_written_by_its_snake_case_name()
    {
        string[] expected =
        [
            "empty", "not_an_image", "corrupt", "too_large", "unsupported_format", "unsupported_media_type",
            "invalid_option", "bad_request", "not_found", "forbidden", "method_not_allowed", "unknown_host", "timeout",
            "busy", "rate_limited", "storage_full", "model_loading", "model_unavailable", "internal",
        ];
        Assert.Equal(expected, Enum.GetValues<ApiErrorCode>().Select(code => JsonSerializer.SerializeToElement(code).GetString()));
        Assert.Equal(Enum.GetValues<ApiErrorCode>(), expected.Select(name => JsonSerializer.Deserialize<ApiErrorCode>($"\"{name}\"")));
    }

    [Fact]
    public void A_number_is_not_a_code() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ApiErrorCode>("3"));
}
