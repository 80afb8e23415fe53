using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace ImageCaptioning.Cli.Arguments;

/// <summary>
/// A folder for <see cref="Microsoft.Extensions.FileSystemGlobbing.Matcher"/> that reports a sub-folder it cannot read
/// (permissions, I/O error) through <paramref name="unreadable"/> and carries on, instead of failing the whole match
/// (the library's own wrapper lets the exception out) or skipping the folder silently.
/// </summary>
internal sealed class ReportingDirectory(DirectoryInfo directory, ReportingDirectory? parent, Action<string, Exception> unreadable,
    Func<DirectoryInfo, IEnumerable<FileSystemInfo>> enumerate) : DirectoryInfoBase
{
    public ReportingDirectory(DirectoryInfo directory, Action<string, Exception> unreadable,
        Func<DirectoryInfo, IEnumerable<FileSystemInfo>>? enumerate = null)
        : this(directory, null, unreadable, enumerate ?? (d => d.EnumerateFileSystemInfos("*", SearchOption.TopDirectoryOnly)))
    {
    }

    public override string Name => directory.Name;

    public override string FullName => directory.FullName;

    public override DirectoryInfoBase? ParentDirectory =>
        parent ?? (directory.Parent is { } up ? new ReportingDirectory(up, null, unreadable, enumerate) : null);

    public override IEnumerable<FileSystemInfoBase> EnumerateFileSystemInfos()
    {
        List<FileSystemInfo> entries;
        try
        {
            entries = [.. enumerate(directory)]; // materialised here so a failure mid-way is caught, not thrown at the matcher
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or System.Security.SecurityException)
        {
            unreadable(directory.FullName, ex);
            yield break;
        }
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo sub)
                yield return new ReportingDirectory(sub, this, unreadable, enumerate);
            else if (entry is FileInfo file)
                yield return new FileInfoWrapper(file);
        }
    }

    public override DirectoryInfoBase? GetDirectory(string path) =>
        path == ".." ? ParentDirectory
        : new DirectoryInfo(Path.Combine(directory.FullName, path)) is { Exists: true } sub ? new ReportingDirectory(sub, this, unreadable, enumerate)
        : null;

    public override FileInfoBase? GetFile(string path) => new FileInfoWrapper(new FileInfo(Path.Combine(directory.FullName, path)));
}
