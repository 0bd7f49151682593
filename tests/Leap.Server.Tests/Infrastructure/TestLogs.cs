using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// Every log line written by every server the tests start, kept in memory and appended to
/// <c>server-logs.txt</c> in the test output folder, so failures can show the server's side and
/// tests can check what logs contain.
/// </summary>
public sealed class TestLogs : ILoggerProvider
{
    private static readonly ConcurrentQueue<string> Lines = new();
    private static readonly Lock FileLock = new();

    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "server-logs.txt");

    public static IReadOnlyList<string> All => Lines.ToArray();

    public static string RecentErrors(int count = 5) =>
        string.Join(Environment.NewLine, Lines.Where(l => l.StartsWith("[Error]", StringComparison.Ordinal) || l.StartsWith("[Critical]", StringComparison.Ordinal)).TakeLast(count));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var line = $"[{logLevel}] {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}";
            Lines.Enqueue(line);
            lock (FileLock)
            {
                File.AppendAllText(FilePath, line + Environment.NewLine);
            }
        }
    }
}
