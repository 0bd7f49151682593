namespace Leap.Server.Tests.Infrastructure;

/// <summary>The checkout the tests run from: the folder above the test output that holds README.md and Leap.slnx.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(System.IO.Path.Combine(directory.FullName, "README.md")) || !File.Exists(System.IO.Path.Combine(directory.FullName, "Leap.slnx")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("README.md not found above the test output.");
        }
        return directory.FullName;
    }
}
