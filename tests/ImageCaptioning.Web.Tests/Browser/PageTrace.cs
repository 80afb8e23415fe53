using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace ImageCaptioning.Web.Tests.Browser;

/// <summary>
/// What a page did and looks like, for a failure message that explains itself: its console and errors, the requests
/// it sent (as the network saw them, routed or not), the keys and clicks it received, and its Submit-related state
/// (focus, busy, the chosen file, the error shown) at the moment of failure.
/// </summary>
public sealed class PageTrace
{
    /// <summary>Listens in the page (capture phase, passive: nothing is prevented or changed) and keeps the events in window.__trace.</summary>
    private const string Recorder = """
        started => {
          if (window.__trace) return;
          window.__trace = [];
          const name = node => node === document.body ? 'body' : (node?.id || node?.tagName || String(node));
          const log = text => { if (window.__trace.length < 200) window.__trace.push(`${Date.now() - started} ms ${text}`); };
          for (const type of ['keydown', 'keyup', 'click', 'focusin'])
            document.addEventListener(type, e => log(`${type} ${e.key ?? ''} on ${name(e.target)}${e.defaultPrevented ? ' (prevented)' : ''}`), { capture: true, passive: true });
          window.addEventListener('blur', () => log('window blur'));
          window.addEventListener('focus', () => log('window focus'));
          document.addEventListener('visibilitychange', () => log(`visibility ${document.visibilityState}`));
        }
        """;

    private const string State = """
        () => {
          const $ = id => document.getElementById(id);
          const active = document.activeElement;
          const input = $('file-input');
          return {
            focused: active === document.body ? 'body' : (active?.id || active?.tagName || 'none'),
            documentHasFocus: document.hasFocus(),
            visibility: document.visibilityState,
            submitText: $('submit').textContent,
            submitAriaDisabled: $('submit').getAttribute('aria-disabled'),
            submitDisabled: $('submit').disabled,
            outputBusy: $('output-column').getAttribute('aria-busy'),
            outputState: $('output').dataset.state,
            progressShown: $('progress').checkVisibility(),
            fileInputFiles: [...(input.files || [])].map(f => `${f.name} (${f.size} bytes)`),
            fileName: $('file-name').textContent,
            previewShown: !$('preview').hidden,
            previewAlt: $('preview').alt,
            error: $('error').hidden ? null : `${$('error-title').textContent}: ${$('error-detail').textContent}`,
            caption: $('caption').textContent,
            announcer: $('announcer').textContent,
            events: window.__trace ?? ['(no recorder installed)'],
          };
        }
        """;

    private readonly IPage _page;
    private readonly long _started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(); // one wall clock for the page's events and the test's
    private readonly ConcurrentQueue<string> _log = new();

    private PageTrace(IPage page)
    {
        _page = page;
        page.Console += (_, message) => Add($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Add($"page error: {error}");
        page.Request += (_, request) => Add($"request {request.Method} {request.Url}");
        page.RequestFailed += (_, request) => Add($"request failed {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) => Add($"response {response.Status} {response.Url}");
    }

    /// <summary>Starts tracing <paramref name="page"/> (already loaded): from now on its events are kept.</summary>
    public static async Task<PageTrace> StartAsync(IPage page)
    {
        var trace = new PageTrace(page);
        await page.EvaluateAsync(Recorder, trace._started);
        return trace;
    }

    /// <summary>Notes a step of the test, so the page's events can be read against what the test did.</summary>
    public void Step(string text) => Add($"test: {text}");

    /// <summary>Everything kept so far plus the page's state now, as text for a failure message.</summary>
    public async Task<string> DescribeAsync()
    {
        string state;
        try
        {
            var json = await _page.EvaluateAsync<JsonElement>(State).WaitAsync(TimeSpan.FromSeconds(10));
            state = JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            state = $"(the page's state could not be read: {e.Message})";
        }
        return $"Page state now:\n{state}\nTest side (ms since the trace started, the page's events on the same clock):\n{string.Join("\n", _log)}";
    }

    private void Add(string text) => _log.Enqueue($"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - _started} ms {text}");
}
