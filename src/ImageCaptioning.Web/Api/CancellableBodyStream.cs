using System.Buffers;
using System.IO.Pipelines;

namespace ImageCaptioning.Web.Api;

/// <summary>
/// The request body as a read-only stream over <see cref="HttpRequest.BodyReader"/> that a deadline can stop with
/// <see cref="PipeReader.CancelPendingRead"/>. Unlike <see cref="HttpRequest.Body"/>, it hands a cancelled read back to
/// Kestrel (AdvanceTo) before throwing, so Kestrel can still drain or close the connection cleanly afterwards; a stream
/// read cancelled by a token or by Kestrel's own stream leaves the body reader "already reading", and every such request
/// then logs an error with a stack trace.
/// </summary>
public sealed class CancellableBodyStream(PipeReader reader) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ReadResult result = await reader.ReadAsync(cancellationToken);
        if (result.IsCanceled)
        {
            reader.AdvanceTo(result.Buffer.Start);
            throw new OperationCanceledException("The request body read was cancelled by its deadline.");
        }
        var available = result.Buffer;
        int count = (int)Math.Min(available.Length, buffer.Length);
        available.Slice(0, count).CopyTo(buffer.Span);
        reader.AdvanceTo(available.GetPosition(count));
        return count; // 0 only when the body is complete and nothing is left
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The request body is read asynchronously.");

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
