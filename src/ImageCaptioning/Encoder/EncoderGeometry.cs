namespace ImageCaptioning.Encoder;

/// <summary>Sizes of the MobileNetV2 encoder's input and of the feature grid the decoder attends over.</summary>
public static class EncoderGeometry
{
    /// <summary>The last convolution's map is GridSide × GridSide positions.</summary>
    public const int GridSide = 7;
    /// <summary>GridSide² positions, index <c>p = row * 7 + col</c>.</summary>
    public const int Positions = GridSide * GridSide;
    /// <summary>Channels of the last convolution (MobileNetV2's 1280).</summary>
    public const int Channels = 1280;
    /// <summary>Input images are InputSize × InputSize RGB.</summary>
    public const int InputSize = 224;
    /// <summary>ImageNet classes in the model's logits.</summary>
    public const int Classes = 1000;
    /// <summary>Floats of one image's input tensor [3, 224, 224].</summary>
    public const int InputFloats = 3 * InputSize * InputSize;
    /// <summary>Floats of one image's feature grid [49, 1280].</summary>
    public const int GridFloats = Positions * Channels;
}
