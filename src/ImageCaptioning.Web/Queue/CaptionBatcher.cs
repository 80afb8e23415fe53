using System.Diagnostics;
using ImageCaptioning.Captioning;
using ImageCaptioning.Decoding;
using ImageCaptioning.Imaging;
using ImageCaptioning.Web.Configuration;
using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Queue;

/// <summary>
/// Captions waiting requests together. A request joins the waiting list and asks the <see cref="CaptionQueue"/> for a
/// slot as before (so the queue's bounds and 503s are unchanged); the request that gets a slot captions itself and up to
/// <see cref="WebOptions.MaxBatch"/> − 1 of the requests still waiting with the same decoding options in one
/// <see cref="Captioner.CaptionBatch(IReadOnlyList{ValidatedImage}, DecodingOptions?)"/> pass, which reads each decoder
/// weight once for all of them. A caption does not depend on its batch (every step product's output depends on its own
/// row alone), so a batched answer is the one the request would have got alone. A request whose caption another batch
/// made gives up its place in the queue and answers at once. Decode memory is reserved per image as before: the request
/// holding the slot waits for its own, and a batch adds only images whose memory is free at that moment, so a batch
/// never waits holding others' memory and every request it claims is answered by it.
/// </summary>
public sealed class CaptionBatcher(CaptionQueue queue, DecodeMemoryBudget decodeMemory, LatencyTracker latency, IOptions<WebOptions> options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Pending> _waiting = new();                     // arrival order; guarded by _gate
    private long _batches, _batchedCaptions;

    /// <summary>Most captions computed in one pass (1: every request alone, on the same path).</summary>
    public int MaxBatch { get; } = options.Value.MaxBatch;

    /// <summary>Passes that captioned two or more requests together, since start.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests captioned in such passes, since start.</summary>
    public long BatchedCaptions => Interlocked.Read(ref _batchedCaptions);

    /// <summary>One request waiting for its caption: claimed by exactly one batch (<see cref="Claimed"/>, under the gate).</summary>
    private sealed class Pending(ValidatedImage image, DecodingOptions decoding)
    {
        public ValidatedImage Image { get; } = image;
        public DecodingOptions Decoding { get; } = decoding;
        public TaskCompletionSource<(CaptionResult Result, TimeSpan Elapsed)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Pending>? Node { get; set; }
        public bool Claimed { get; set; }
    }

    /// <summary>
    /// The caption of <paramref name="image"/> and how long computing it took (its batch's time), made alone or with
    /// other waiting requests.
    /// </summary>
    /// <exception cref="Problems.WebRequestException">503 when the slots and the queue are full.</exception>
    /// <exception cref="InvalidImageException">This image cannot be decoded, or its decode alone exceeds the memory budget.</exception>
    public async Task<(CaptionResult Result, TimeSpan Elapsed)> CaptionAsync(Captioner captioner, ValidatedImage image, DecodingOptions decoding,
        CancellationToken ct)
    {
        var me = new Pending(image, decoding);
        lock (_gate) me.Node = _waiting.AddLast(me);
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var slotTask = queue.AcquireAsync(stopWaiting.Token).AsTask();
        if (await Task.WhenAny(slotTask, me.Done.Task) == me.Done.Task)
        {
            // Another batch made this caption: leave the queue without running anything.
            await stopWaiting.CancelAsync();
            try { (await slotTask).Dispose(); } catch (OperationCanceledException) { } catch (Problems.WebRequestException) { }
            return await me.Done.Task;
        }
        IDisposable slot;
        try { slot = await slotTask; }
        catch
        {
            if (Withdraw(me)) throw;                                             // refused (503) or cancelled while still waiting
            return await me.Done.Task.WaitAsync(ct);                            // claimed meanwhile: its batch answers
        }
        using (slot)
        {
            if (Withdraw(me))                                                      // else another batch claimed it meanwhile
            {
                long start = Stopwatch.GetTimestamp();                             // its time counts from getting the slot
                using var memory = await decodeMemory.ReserveAsync(image, ct);    // as a lone caption: wait for its own
                var (others, leases) = ClaimOthers(me);
                try { Run(captioner, [me, .. others], start); }
                finally
                {
                    foreach (var lease in leases) lease.Dispose();
                }
            }
        }
        return await me.Done.Task.WaitAsync(ct);
    }

    /// <summary>Takes <paramref name="me"/> off the waiting list unless a batch has claimed it; true when it was still waiting.</summary>
    private bool Withdraw(Pending me)
    {
        lock (_gate)
        {
            if (me.Claimed) return false;
            me.Claimed = true;
            _waiting.Remove(me.Node!);
            return true;
        }
    }

    /// <summary>
    /// The oldest other waiting requests with <paramref name="me"/>'s decoding options whose decode memory is free now, up
    /// to <see cref="MaxBatch"/> in all, claimed with their memory reserved: a batch never waits holding memory, and a
    /// request it claims is always captioned by it. The others keep waiting for a slot of their own.
    /// </summary>
    private (List<Pending> Others, List<IDisposable> Leases) ClaimOthers(Pending me)
    {
        var others = new List<Pending>();
        var leases = new List<IDisposable>();
        lock (_gate)
            for (var node = _waiting.First; node is not null && others.Count < MaxBatch - 1;)
            {
                var next = node.Next;
                if (node.Value.Decoding == me.Decoding && TryReserve(node.Value.Image) is { } lease)
                {
                    node.Value.Claimed = true;
                    _waiting.Remove(node);
                    others.Add(node.Value);
                    leases.Add(lease);
                }
                node = next;
            }
        return (others, leases);
    }

    /// <summary>The image's decode memory if it is free now; null if not, or if it can never fit (its own slot says so: 413).</summary>
    private IDisposable? TryReserve(ValidatedImage image)
    {
        try { return decodeMemory.TryReserve(image); }
        catch (InvalidImageException) { return null; }
    }

    /// <summary>
    /// Captions the batch in one pass and answers each request (every one, whatever happens). If one image cannot be
    /// decoded the pass fails as a whole, so the same images are captioned one by one and only that one gets the error.
    /// </summary>
    private void Run(Captioner captioner, List<Pending> batch, long start)
    {
        try
        {
            var results = batch.Count == 1
                ? [captioner.Caption(batch[0].Image, batch[0].Decoding)]
                : captioner.CaptionBatch([.. batch.Select(r => r.Image)], batch[0].Decoding);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (batch.Count > 1)
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _batchedCaptions, batch.Count);
            }
            for (int i = 0; i < batch.Count; i++)
            {
                latency.Record(elapsed / batch.Count);
                batch[i].Done.TrySetResult((results[i], elapsed));
            }
        }
        catch (InvalidImageException) when (batch.Count > 1)
        {
            foreach (var request in batch) Run(captioner, [request], Stopwatch.GetTimestamp());   // one bad image: each alone
        }
        catch (Exception ex)
        {
            foreach (var request in batch) request.Done.TrySetException(ex);
        }
    }
}
