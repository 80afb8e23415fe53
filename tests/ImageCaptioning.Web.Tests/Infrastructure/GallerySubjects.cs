using System.Text.RegularExpressions;

namespace ImageCaptioning.Web.Tests.Infrastructure;

/// <summary>Whether a caption names a gallery photo's subject: one of its subject words or phrases, as whole words (data/subjects' rule).</summary>
public static class GallerySubjects
{
    public static bool Named(string caption, IEnumerable<string> subjects) =>
        subjects.Any(subject => Regex.IsMatch(caption.ToLowerInvariant(), $@"\b{Regex.Escape(subject.ToLowerInvariant())}\b"));
}
