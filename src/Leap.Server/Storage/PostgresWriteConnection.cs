using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace Leap.Server.Storage;

/// <summary>
/// A PostgreSQL write's connection as its statements see it (Dapper uses it like any connection), with one addition:
/// a statement whose outcome the write does not read (<see cref="SqlSession.ExecuteBatchedAsync"/>) is held back and
/// sent together with the write's next statement, or before the commit, as one <see cref="NpgsqlBatch"/>: one round
/// trip instead of one per statement. PostgreSQL runs the batch's statements in order and stops at the first error,
/// which then surfaces from the statement that sent the batch; since any error aborts the transaction, the write
/// fails as it would have one statement earlier.
/// </summary>
internal sealed class PostgresWriteConnection(NpgsqlConnection inner, NpgsqlTransaction transaction) : DbConnection
{
    private readonly NpgsqlConnection inner = inner;
    private readonly NpgsqlTransaction transaction = transaction;
    private static readonly ConcurrentDictionary<string, string[]> statementsOf = new(StringComparer.Ordinal);

    private readonly List<NpgsqlBatchCommand> held = [];

    /// <summary>How many of the held statements return rows (a lock taken with SELECT): result sets to skip.</summary>
    private int heldResultSets;

    /// <summary>Set around one Dapper call whose statement is to be held rather than sent.</summary>
    internal bool HoldNext { get; set; }

    /// <summary>Whether statements are waiting to be sent.</summary>
    internal bool HasHeld => held.Count > 0;

    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => throw new NotSupportedException();
    }

    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();
    public override void Open() => throw new NotSupportedException("The write's connection is already open.");
    public override void Close() => throw new NotSupportedException("The write's connection is closed by its owner.");
    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException("The write is a transaction already.");
    protected override DbCommand CreateDbCommand() => new Command(this);

    /// <summary>Sends what is held, if anything (before the commit).</summary>
    internal async Task FlushAsync(CancellationToken ct)
    {
        if (held.Count > 0)
        {
            await using var batch = TakeBatch();
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private void Hold(NpgsqlCommand command)
    {
        foreach (var statement in Statements(command.CommandText))
        {
            held.Add(Copy(statement, command.Parameters));
            if (ReturnsRows(statement))
            {
                heldResultSets++;
            }
        }
    }

    /// <summary>The held statements as a batch (the holding list starts afresh: a batch is sent once, whatever its outcome).</summary>
    private NpgsqlBatch TakeBatch()
    {
        var batch = new NpgsqlBatch(inner, transaction);
        foreach (var command in held)
        {
            batch.BatchCommands.Add(command);
        }
        held.Clear();
        heldResultSets = 0;
        return batch;
    }

    /// <summary>A command's text, one statement each (a batch command holds one).</summary>
    private static string[] Statements(string sql) =>
        statementsOf.GetOrAdd(sql, text => text.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToArray());

    private static NpgsqlBatchCommand Copy(string statement, NpgsqlParameterCollection parameters)
    {
        var command = new NpgsqlBatchCommand(statement);
        foreach (NpgsqlParameter parameter in parameters)
        {
            // A statement may ignore some of the command's parameters: PostgreSQL is sent only those it names.
            command.Parameters.Add(parameter.Clone());
        }
        return command;
    }

    private static bool ReturnsRows(string statement) =>
        statement.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || statement.Contains("RETURNING", StringComparison.OrdinalIgnoreCase);

    /// <summary>A command Dapper prepares as usual; executing it holds it, runs it alone, or sends it after what is held.</summary>
    private sealed class Command(PostgresWriteConnection owner) : DbCommand
    {
        private readonly NpgsqlCommand command = new() { Connection = owner.inner, Transaction = owner.transaction };

        [AllowNull]
        public override string CommandText
        {
            get => command.CommandText;
            set => command.CommandText = value;
        }

        public override int CommandTimeout
        {
            get => command.CommandTimeout;
            set => command.CommandTimeout = value;
        }

        public override CommandType CommandType
        {
            get => command.CommandType;
            set => command.CommandType = value;
        }

        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => owner;
            set { }
        }

        protected override DbParameterCollection DbParameterCollection => command.Parameters;

        // Always the write's own transaction.
        protected override DbTransaction? DbTransaction
        {
            get => owner.transaction;
            set { }
        }

        public override void Cancel() => command.Cancel();
        public override void Prepare() => command.Prepare();
        protected override DbParameter CreateDbParameter() => new NpgsqlParameter();

        public override int ExecuteNonQuery() => throw Synchronous();
        public override object? ExecuteScalar() => throw Synchronous();
        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => throw Synchronous();

        private static NotSupportedException Synchronous() => new("Leap runs SQL asynchronously.");

        public override async Task<int> ExecuteNonQueryAsync(CancellationToken ct)
        {
            if (owner.HoldNext)
            {
                owner.Hold(command);
                return 0;
            }
            if (!owner.HasHeld)
            {
                return await command.ExecuteNonQueryAsync(ct);
            }
            var first = owner.held.Count;
            owner.Hold(command);
            await using var batch = owner.TakeBatch();
            await batch.ExecuteNonQueryAsync(ct);
            // What this command changed, as its own ExecuteNonQuery would count it (the held statements' rows are not its).
            var changed = 0;
            for (var i = first; i < batch.BatchCommands.Count; i++)
            {
                if (batch.BatchCommands[i].StatementType is Npgsql.StatementType.Insert or Npgsql.StatementType.Update or Npgsql.StatementType.Delete or Npgsql.StatementType.Merge)
                {
                    changed += batch.BatchCommands[i].RecordsAffected;
                }
            }
            return changed;
        }

        public override async Task<object?> ExecuteScalarAsync(CancellationToken ct)
        {
            await using var reader = await ExecuteDbDataReaderAsync(CommandBehavior.Default, ct);
            return await reader.ReadAsync(ct) && reader.FieldCount > 0 ? reader.GetValue(0) : null;
        }

        protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken ct)
        {
            if (owner.HoldNext)
            {
                throw new InvalidOperationException("Only statements whose outcome is not read can be held.");
            }
            if (!owner.HasHeld)
            {
                return await command.ExecuteReaderAsync(behavior, ct);
            }
            var skip = owner.heldResultSets;
            owner.Hold(command);
            var batch = owner.TakeBatch();
            // The batch's first result sets are the held statements' (locks taken with SELECT): this command's follow.
            var reader = await batch.ExecuteReaderAsync(CommandBehavior.Default, ct);
            for (var i = 0; i < skip; i++)
            {
                await reader.NextResultAsync(ct);
            }
            return reader;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                command.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
