using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// Describes the upload endpoints' request bodies in the OpenAPI document. The endpoints read the body
/// themselves (to enforce the size limit while reading), so there is no bound parameter to describe it;
/// and <c>.Accepts()</c> would also make routing refuse other content types with a bodiless 415.
/// </summary>
public static class OpenApiUpload
{
    public static Task DescribeCaptionRequest(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var form = FileForm("The image (JPEG, PNG, BMP, GIF or WebP).");
        foreach (var (name, description) in new[] { CaptionQuery.BeamWidth, CaptionQuery.MaxLength, CaptionQuery.NBest })
        {
            form.Properties![name] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = description };
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name, In = ParameterLocation.Query, Description = description + " A form field of the same name wins.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            });
        }
        var guidance = CaptionQuery.Guidance;
        form.Properties![guidance.Name] = new OpenApiSchema { Type = JsonSchemaType.String, Description = guidance.Description };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = guidance.Name, In = ParameterLocation.Query, Description = guidance.Description + " A form field of the same name wins.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "A multipart form, or the image itself as the body.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new() { Schema = form },
                ["image/*"] = new() { Schema = binary },
                ["application/octet-stream"] = new() { Schema = binary },
            },
        };
        return Task.CompletedTask;
    }

    public static Task DescribeFlagRequest(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var form = FileForm("The image that was captioned.");
        form.Properties!["caption"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The caption it got." };
        form.Properties[CaptionQuery.BeamWidth.Name] = new OpenApiSchema { Type = JsonSchemaType.Integer };
        form.Properties[CaptionQuery.MaxLength.Name] = new OpenApiSchema { Type = JsonSchemaType.Integer };
        form.Properties["reason"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Why it is flagged (optional)." };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = form } },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema FileForm(string imageDescription) => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "image" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["image"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = imageDescription },
        },
    };
}
