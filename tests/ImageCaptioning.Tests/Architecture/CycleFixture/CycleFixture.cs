// Two namespaces that use each other: the case FolderCycleTests must catch.
namespace ImageCaptioning.Tests.Architecture.CycleFixture.Alpha
{
    internal sealed class Holder
    {
        public Beta.Holder? Other { get; set; }
    }
}

namespace ImageCaptioning.Tests.Architecture.CycleFixture.Beta
{
    internal sealed class Holder
    {
        public Alpha.Holder? Other { get; set; }
    }
}
