using ImageCaptioning.Decoding;

namespace ImageCaptioning.Training.SelfCritical;

/// <summary>What self-critical training maximises: a score for one generated caption of one training image.</summary>
public interface ICaptionReward
{
    double Score(string imageId, GeneratedCaption caption);
}
