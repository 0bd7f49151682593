using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Operations;

/// <summary>What is published as documentation reads as written: no merge left half-done in it.</summary>
public sealed class DocumentationFilesTests
{
    [Fact]
    public void No_document_holds_merge_conflict_markers()
    {
        var documents = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md")
            .Append(Path.Combine(RepositoryRoot.Path, "README.md"))
            .Append(Path.Combine(RepositoryRoot.Path, "src", "Leap.Client", "README.md"));
        var markers = documents
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (File: Path.GetFileName(file), Line: i + 1, Text: line)))
            .Where(l => l.Text.StartsWith("<<<<<<< ", StringComparison.Ordinal) || l.Text.StartsWith(">>>>>>> ", StringComparison.Ordinal) || l.Text == "=======")
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(markers.Count == 0, string.Join('\n', markers));
    }
}
