namespace ImageCaptioning.Data;

/// <summary>The standard Flickr8k split (Flickr_8k.{train,dev,test}Images.txt: 6000 / 1000 / 1000 images).</summary>
public enum DatasetSplit
{
    /// <summary>Images the decoder (and the vocabulary) learn from.</summary>
    Train,
    /// <summary>Images for choosing hyper-parameters and early stopping.</summary>
    Dev,
    /// <summary>Images the reported caption-quality numbers are measured on.</summary>
    Test,
}
