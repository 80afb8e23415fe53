using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;

namespace ImageCaptioning.Encoder;

/// <summary>
/// The ML.NET path: LoadImages → ResizeImages(224×224, Fill) → ExtractPixels(planar RGB, 0..255) →
/// ApplyOnnxModel(derived model). The pipeline is fitted once; prediction engines are not
/// thread-safe, so they are kept in a pool and each call borrows one.
/// </summary>
internal sealed class MlNetFeaturePipeline : IDisposable
{
    private const string PathColumn = nameof(ImagePathRow.ImagePath);
    private const string ImageColumn = "image";

    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<ImagePathRow, FeatureRow>> _engines = [];
    private bool _disposed;

    public MlNetFeaturePipeline(string derivedModelPath, int intraOpThreads)
    {
        int side = EncoderGeometry.InputSize;
        var pipeline = _ml.Transforms.LoadImages(ImageColumn, imageFolder: null, inputColumnName: PathColumn)
            .Append(_ml.Transforms.ResizeImages(ImageColumn, side, side, ImageColumn, ImageResizingEstimator.ResizingKind.Fill))
            .Append(_ml.Transforms.ExtractPixels(FeatureModel.PixelsInput, ImageColumn,
                ImagePixelExtractingEstimator.ColorBits.Rgb, ImagePixelExtractingEstimator.ColorsOrder.ARGB,
                interleavePixelColors: false, offsetImage: 0f, scaleImage: 1f))
            .Append(_ml.Transforms.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = derivedModelPath,
                InputColumns = [FeatureModel.PixelsInput],
                OutputColumns = [FeatureModel.FeaturesOutput, FeatureModel.LogitsOutput],
                IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : null,
                FallbackToCpu = true,
            }));
        // Fitting needs only the schema: the transforms are not trained.
        _model = pipeline.Fit(_ml.Data.LoadFromEnumerable(Array.Empty<ImagePathRow>()));
    }

    /// <summary>Features [1280, 7, 7] (channel-major) and logits [1000] for one image file.</summary>
    public (float[] Features, float[] Logits) Run(string imagePath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_engines.TryTake(out var engine))
            engine = _ml.Model.CreatePredictionEngine<ImagePathRow, FeatureRow>(_model);
        try
        {
            FeatureRow row = engine.Predict(new ImagePathRow { ImagePath = imagePath });
            return (row.Features, row.Logits);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        while (_engines.TryTake(out var engine))
            engine.Dispose();
        (_model as IDisposable)?.Dispose();
    }

    private sealed class ImagePathRow
    {
        public string ImagePath { get; set; } = "";
    }

    private sealed class FeatureRow
    {
        [ColumnName(FeatureModel.FeaturesOutput)]
        public float[] Features { get; set; } = [];

        [ColumnName(FeatureModel.LogitsOutput)]
        public float[] Logits { get; set; } = [];
    }
}
