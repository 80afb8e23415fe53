using ImageCaptioning.Configuration;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.Web.Hosting;
using ImageCaptioning.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageCaptioning.Web.Tests.Api;

/// <summary>A decoder that is fine and an encoder that is not: the message must point at the encoder's folder.</summary>
public sealed class MissingEncoderTests
{
    [Fact]
    public async Task An_unusable_encoder_is_reported_with_the_encoder_folder_not_the_decoder_folder()
    {
        using var root = new TemporaryFolder("web-no-encoder");
        string decoder = Path.Combine(root.Path, "decoder");
        TestModelFolder.Write(decoder);
        string encoders = Path.Combine(root.Path, "encoders");
        Directory.CreateDirectory(encoders);
        // A file with the encoder's name but the wrong bytes: refused by its hash at once, no download attempted.
        var environment = CaptioningPaths.FromEnvironment();
        string encoderName = ModelManifest.Load(environment).Files.First(f => f.Name.EndsWith(".onnx", StringComparison.Ordinal)).Name;
        File.WriteAllBytes(Path.Combine(encoders, encoderName), [1, 2, 3]);
        var paths = environment with
        {
            ModelSourceDirectory = encoders,
            ModelCacheDirectory = Path.Combine(root.Path, "cache"),
        };
        await using var factory = new CaptionAppFactory(new Dictionary<string, string?>
        {
            [CaptionAppFactory.Key("ModelFolder")] = decoder,
            [CaptionAppFactory.Key("FlagFolder")] = Path.Combine(root.Path, "flagged"),
            [CaptionAppFactory.Key("ExamplesFolder")] = null,
        })
        {
            ReplaceServices = services => services.Replace(ServiceDescriptor.Singleton(paths)),
        };
        using var client = await factory.StartAsync();

        Assert.Equal(ModelState.Unavailable, factory.Host.State);
        Assert.StartsWith("The image encoder is not available:", factory.Host.Message);
        Assert.Contains(encoders, factory.Host.Message);
        Assert.DoesNotContain(decoder, factory.Host.Message);
    }
}
