using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImageCaptioning.Web.Api;
using ImageCaptioning.Web.Problems;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>Builds caption requests and checks error answers.</summary>
public static class Requests
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A multipart form with the image as file field 'image' plus text fields.</summary>
    public static MultipartFormDataContent Form(byte[] image, string fileName = "photo.jpg", string contentType = "image/jpeg",
        params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        return form;
    }

    /// <summary>The image as the raw body.</summary>
    public static ByteArrayContent Raw(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static async Task<CaptionResponse> CaptionAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<CaptionResponse>(body, Json)!;
    }

    /// <summary>
    /// Checks an error answer: the status, RFC 9457 problem details (application/problem+json with type, title, status,
    /// detail and the extension member error), the expected code, a readable detail, and nothing that looks like a
    /// stack trace or an exception type.
    /// </summary>
    public static async Task<ApiError> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, ApiErrorCode code)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(["detail", "error", "status", "title", "type"], document.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(JsonSerializer.SerializeToElement(code).GetString(), document.RootElement.GetProperty("error").GetString());
        var error = document.RootElement.Deserialize<ApiError>(Json)!;
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain(".cs:line", body);
        return error;
    }

    public static Task<T?> ReadAsync<T>(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>(Json);
}
