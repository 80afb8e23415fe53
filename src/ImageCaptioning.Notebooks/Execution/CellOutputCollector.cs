using ImageCaptioning.Notebooks.Format;

namespace ImageCaptioning.Notebooks.Execution;

/// <summary>
/// Gathers one cell's outputs in the order they happen: console text and displayed values interleave as they would
/// in a notebook, consecutive writes to the same stream merge into one stream output. Thread-safe, since a cell's
/// code may print from parallel loops.
/// </summary>
internal sealed class CellOutputCollector
{
    private readonly List<CellOutput> _outputs = [];
    private readonly Lock _lock = new();

    public void Write(string streamName, string text)
    {
        if (text.Length == 0)
            return;
        lock (_lock)
        {
            if (_outputs.Count > 0 && _outputs[^1] is StreamOutput last && last.Name == streamName)
                _outputs[^1] = last with { Text = last.Text + text };
            else
                _outputs.Add(new StreamOutput(streamName, text));
        }
    }

    public void Add(CellOutput output)
    {
        lock (_lock)
            _outputs.Add(output);
    }

    public IReadOnlyList<CellOutput> Snapshot()
    {
        lock (_lock)
            return [.. _outputs];
    }
}
