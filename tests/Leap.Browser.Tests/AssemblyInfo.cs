using Leap.Browser.Tests.Infrastructure;

// One Chromium for the run, beside the shared per-engine servers (Infrastructure/Shared/AssemblyInfo.cs).
[assembly: AssemblyFixture(typeof(Chromium))]
