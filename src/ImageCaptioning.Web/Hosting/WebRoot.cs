namespace ImageCaptioning.Web.Hosting;

/// <summary>
/// Finds the page's files. The build copies wwwroot beside the binaries (the app's content root), so they are
/// found whether the app runs with <c>dotnet run</c>, under the tests, or inside <c>bench web</c>.
/// </summary>
public static class WebRoot
{
    public const string IndexFile = "index.html";
    public const string ExamplesFolder = "examples";

    public static string Resolve(IWebHostEnvironment environment)
    {
        string[] candidates = [environment.WebRootPath ?? "", Path.Combine(environment.ContentRootPath, "wwwroot"), Path.Combine(AppContext.BaseDirectory, "wwwroot")];
        foreach (string candidate in candidates)
        {
            if (candidate.Length > 0 && File.Exists(Path.Combine(candidate, IndexFile)))
                return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException(
            $"The web page's files (wwwroot/{IndexFile}) were not found beside the app ('{AppContext.BaseDirectory}'); rebuild the project.");
    }
}
