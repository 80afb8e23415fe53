using System.CommandLine;
using ImageCaptioning.Cli.Terminal;
using ImageCaptioning.Configuration;
using ImageCaptioning.Encoder;

namespace ImageCaptioning.Cli.Commands;

/// <summary>`classify`: the encoder's top ImageNet classes for images — a quick check that the encoder sees what is there.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files (JPEG, PNG, BMP, GIF, WebP).", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "How many classes to show.", DefaultValueFactory = _ => 5 };
        var mlNet = new Option<bool>("--mlnet") { Description = "Run the ML.NET pipeline instead of raw ONNX Runtime." };
        var command = new Command("classify", "Show the encoder's top ImageNet classes for images.") { images, top, mlNet };
        command.SetAction(async (parse, ct) =>
        {
            int k = Math.Clamp(parse.GetValue(top), 1, EncoderGeometry.Classes);
            bool useMlNet = parse.GetValue(mlNet);
            var options = new EncoderOptions { DownloadProgress = new DownloadProgressBar(Console.Error, "downloading the encoder") };
            using var encoder = await ImageEncoder.CreateAsync(CaptioningPaths.FromEnvironment(), options, ct);
            foreach (string image in parse.GetValue(images) ?? [])
            {
                EncoderOutput output = useMlNet ? encoder.EncodeWithMlNet(image) : encoder.Encode(image);
                Console.WriteLine(image);
                foreach (var (label, probability) in output.TopClasses(k))
                    Console.WriteLine($"  {probability,7:P1}  {label}");
            }
            return 0;
        });
        return command;
    }
}
