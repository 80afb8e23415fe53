namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>A request body that is sent only when <c>release</c> completes: an upload kept open on purpose (it holds a connection, never a caption slot).</summary>
public sealed class GatedContent(byte[] body, Task release) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await release;
        await stream.WriteAsync(body);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
