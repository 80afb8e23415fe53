using System.CommandLine;
using System.CommandLine.Parsing;
using ImageCaptioning.Decoding;

namespace ImageCaptioning.Cli.Arguments;

/// <summary>
/// Checks a decoding option's value at parse time by setting it on <see cref="DecodingOptions"/>, which holds the only copy
/// of each rule: an out-of-range value is a usage error (exit 2) with the same message the library and the web API give.
/// </summary>
internal static class DecodingOptionsValidation
{
    public static void CheckedBy<T>(this Option<T> option, Func<T, DecodingOptions> set) =>
        option.Validators.Add(result =>
        {
            if (!TryGetValue(result, out T value)) return;
            try { set(value); }
            catch (InvalidDecodingOptionsException ex) { result.AddError(ex.Message); }
        });

    /// <summary>The option's value, or false when it is not of the option's type (the parser reports that itself).</summary>
    public static bool TryGetValue<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
