namespace ImageCaptioning.Web.Queue;

/// <summary>
/// Caption requests holding or waiting for a caption slot (reported by <c>/api/health</c>). Uploads still being
/// read are not counted: they hold no slot (see <see cref="CaptionQueue"/>).
/// </summary>
public sealed class CaptionLoad(CaptionQueue queue)
{
    public int Pending => queue.Pending;
}
