using ImageCaptioning.Captioning;
using ImageCaptioning.Configuration;
using ImageCaptioning.Encoder;
using ImageCaptioning.Errors;
using ImageCaptioning.ModelFiles;
using ImageCaptioning.ModelFolder;
using ImageCaptioning.Web.Configuration;
using ImageCaptioning.Web.Problems;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Hosting;

/// <summary>
/// Owns the <see cref="Captioner"/>. It loads in the background after the server starts, so the page is up
/// at once and a missing or broken model never stops the app: until it is ready, <see cref="Require"/>
/// answers with a 503 that says why (still loading, or "no trained decoder found at …").
/// </summary>
public sealed class CaptionerHost(IOptions<WebOptions> options, CaptioningPaths paths, ILogger<CaptionerHost> logger)
    : IHostedService, IDisposable
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private volatile Loaded? _model;
    private volatile string _message = "The captioning model is loading.";
    private volatile ModelState _state = ModelState.Loading;
    private int _disposed;

    private sealed record Loaded(Captioner Captioner, ModelInfo Info);

    /// <summary>The decoder folder used: the configured one, or the shipped model (checkout, or packaged beside the app).</summary>
    public string ModelFolder { get; } = Path.GetFullPath(options.Value.ModelFolder ?? Captioner.DefaultModelFolder(paths));

    public ModelState State => _state;

    /// <summary>One sentence for the page and /api/health.</summary>
    public string Message => _message;

    /// <summary>The loaded model's description, or null before it is ready.</summary>
    public ModelInfo? Info => _model?.Info;

    /// <summary>Completes when loading has finished, successfully or not.</summary>
    public Task WhenLoaded => _loaded.Task;

    /// <summary>The captioner, or a 503 <see cref="WebRequestException"/> saying why there is none.</summary>
    public Captioner Require() => _model?.Captioner ?? throw State switch
    {
        ModelState.Loading => new WebRequestException(StatusCodes.Status503ServiceUnavailable, ApiErrorCode.ModelLoading, Message)
        {
            RetryAfterSeconds = 2,
        },
        _ => new WebRequestException(StatusCodes.Status503ServiceUnavailable, ApiErrorCode.ModelUnavailable, Message),
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not awaited: the server starts listening while the model loads.
        _ = Task.Run(() => LoadAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        try
        {
            if (!File.Exists(Path.Combine(ModelFolder, DecoderModel.ConfigFileName)))
            {
                Fail($"No trained decoder found at '{ModelFolder}'. Train one (see the README) or point " +
                     $"{WebConfiguration.ModelVariable} / --model at a model folder; the page works, but captions cannot be made until then.");
                return;
            }
            logger.LogInformation("Loading the captioning model from {Folder}", ModelFolder);
            var captioner = await CreateCaptionerAsync(ct);
            var card = await ModelCardSummary.ReadAsync(ModelFolder, ct);
            _model = new Loaded(captioner, ModelInfo.From(captioner.Model, card));
            _state = ModelState.Ready;
            _message = $"Model '{_model.Info.Name}' is ready.";
            logger.LogInformation("Captioning model '{Name}' is ready", _model.Info.Name);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Fail("The server is shutting down.");
        }
        catch (ModelFileException ex)
        {
            // The encoder's files live in the models folder / cache the message names, not in the decoder's folder.
            Fail($"The image encoder is not available: {ex.Message}");
        }
        catch (ImageCaptioningException ex)
        {
            Fail($"The captioning model could not be loaded from '{ModelFolder}': {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail($"The captioning model could not be read from '{ModelFolder}': {ex.Message}");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Loading the captioning model failed");
            Fail($"The captioning model could not be loaded ({ex.GetType().Name}); the details are in the server log.");
        }
        finally
        {
            _loaded.TrySetResult();
        }
    }

    /// <summary>
    /// The decoder from <see cref="ModelFolder"/> and an encoder set up for a server: the upload limits, and
    /// <see cref="WebOptions.EncoderThreads"/> ONNX Runtime threads per request, since requests already run in parallel.
    /// </summary>
    private async Task<Captioner> CreateCaptionerAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var model = await Task.Run(() => DecoderModel.Load(ModelFolder), ct);
        if (settings.DecoderPrecision is { } precision) model = model.WithWeightPrecision(precision);
        var encoder = await ImageEncoder.CreateAsync(paths,
            new EncoderOptions
            {
                IntraOpThreads = settings.EncoderThreads, Limits = settings.ImageLimits, FineGrid = Captioner.GridOf(model).NeedsFineMap,
            }, ct);
        try
        {
            return Captioner.Create(encoder, model);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    private void Fail(string message)
    {
        _message = message;
        _state = ModelState.Unavailable;
        logger.LogWarning("{Message}", message);
    }

    public void Dispose()
    {
        // Registered both as a singleton and as a hosted service, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        _stopping.Dispose();
        _model?.Captioner.Dispose();
    }
}
