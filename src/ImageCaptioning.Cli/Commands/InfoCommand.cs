using System.CommandLine;
using ImageCaptioning.Configuration;

namespace ImageCaptioning.Cli.Commands;

/// <summary>`info`: where the project looks for models and data, as configured right now.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show where models and data are looked for (environment variables and folders).");
        command.SetAction(_ =>
        {
            var paths = CaptioningPaths.FromEnvironment();
            Console.WriteLine($"checkout            {paths.RepositoryRoot ?? "(not inside a checkout)"}");
            Console.WriteLine($"{CaptioningPaths.ModelsDirVariable,-30} {paths.ModelSourceDirectory ?? "(unset)"}");
            Console.WriteLine($"model cache         {paths.ModelCacheDirectory}");
            Console.WriteLine($"packaged models     {CaptioningPaths.BundledModelsDirectory}");
            Console.WriteLine($"{CaptioningPaths.Flickr8kDirVariable,-30} {paths.Flickr8kDirectory ?? "(unset)"}");
            Console.WriteLine($"data cache          {paths.DataCacheDirectory}");
            return 0;
        });
        return command;
    }
}
