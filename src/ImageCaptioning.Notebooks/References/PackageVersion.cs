namespace ImageCaptioning.Notebooks.References;

/// <summary>Just enough of NuGet's version ordering to tell whether a version satisfies a minimum: numeric parts, then pre-release below release.</summary>
internal static class PackageVersion
{
    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>, 0 when equal, positive when newer.</summary>
    public static int Compare(string a, string b)
    {
        var (numbersA, preA) = Split(a);
        var (numbersB, preB) = Split(b);
        for (int i = 0; i < Math.Max(numbersA.Length, numbersB.Length); i++)
        {
            int x = i < numbersA.Length ? numbersA[i] : 0, y = i < numbersB.Length ? numbersB[i] : 0;
            if (x != y)
                return x.CompareTo(y);
        }
        if (preA.Length == 0 && preB.Length == 0)
            return 0;
        if (preA.Length == 0)
            return 1; // a release is newer than its pre-releases
        if (preB.Length == 0)
            return -1;
        return string.CompareOrdinal(preA, preB);
    }

    private static (int[] Numbers, string PreRelease) Split(string version)
    {
        string core = version.Split('+')[0];
        int dash = core.IndexOf('-');
        string pre = dash < 0 ? "" : core[(dash + 1)..];
        string numeric = dash < 0 ? core : core[..dash];
        return ([.. numeric.Split('.').Select(part => int.TryParse(part, out int n) ? n : 0)], pre);
    }
}
