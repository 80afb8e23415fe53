using ImageCaptioning.Web.Api;

namespace ImageCaptioning.Web.Examples;

/// <summary><c>GET /api/examples</c> (the gallery) and <c>GET /api/examples/{id}</c> (one image, by id only).</summary>
public static class ExampleEndpoints
{
    public static IEndpointRouteBuilder MapExampleApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/examples", (ExampleCatalog catalog) => Results.Ok(catalog.All))
            .WithName("Examples")
            .WithSummary("The example gallery: id, title and credit of each image.")
            .Produces<IReadOnlyList<ExampleImage>>();

        app.MapGet("/api/examples/{id}", (string id, ExampleCatalog catalog) =>
            {
                var example = catalog.Find(id)
                    ?? throw new WebRequestException(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, "There is no example with that id.");
                return Results.File(example.FilePath, example.ContentType, enableRangeProcessing: false);
            })
            .WithName("ExampleImage")
            .WithSummary("One example image, by the id listed in /api/examples.")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
