using Microsoft.Extensions.Options;

namespace ImageCaptioning.Web.Configuration;

/// <summary>Checks <see cref="WebOptions"/> when the app starts, so a bad setting stops it with a sentence naming the setting.</summary>
public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options) =>
        options.Problem() is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
