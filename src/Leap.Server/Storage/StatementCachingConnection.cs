using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Leap.Server.Storage;

/// <summary>
/// A long-lived SQLite connection as callers see it: commands created on it are kept prepared and reused
/// whenever the same SQL text comes again. Microsoft.Data.Sqlite compiles a statement anew for every new
/// command (and re-runs its set-up on every pooled open); under a booking load that was the largest cost of
/// both the writer and the readers. A connection serves one caller at a time, so reusing statements is safe.
/// Callers (Dapper) use it like any connection; disposing it hands it back to its owner via
/// its release callback instead of closing it.
/// </summary>
internal sealed class StatementCachingConnection : DbConnection
{
    private const int MaxStatements = 200;
    private const int EnableQueryPlannerStabilityGuarantee = 1007; // SQLITE_DBCONFIG_ENABLE_QPSG

    private readonly SqliteConnection inner;
    private Action<StatementCachingConnection>? release;
    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);

    public StatementCachingConnection(SqliteConnection inner, Action<StatementCachingConnection>? release = null)
    {
        this.inner = inner;
        this.release = release;
        // A statement whose plan depends on a bound value (a LIMIT, the pattern of a LIKE) is otherwise compiled
        // again each time that value is bound, that is, on every use: every page of every list paid a full compile.
        // With the guarantee, a statement keeps the plan it was compiled with, whatever the values.
        if (raw.sqlite3_db_config(inner.Handle, EnableQueryPlannerStabilityGuarantee, 1, out _) != raw.SQLITE_OK)
        {
            throw new InvalidOperationException("SQLite refused the query planner stability guarantee.");
        }
    }

    public SqliteConnection Inner => inner;

    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => inner.ConnectionString = value;
    }

    public override string Database => inner.Database;
    public override string DataSource => inner.DataSource;
    public override string ServerVersion => inner.ServerVersion;
    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
    public override void Open() => inner.Open();
    /// <summary>Closing is releasing: the connection stays open for its next user.</summary>
    public override void Close()
    {
        if (release is null)
        {
            inner.Close();
        }
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new CachedCommand(this);

    /// <summary>Closes the connection for good (disposing only returns it to its owner).</summary>
    public void Destroy()
    {
        release = null;
        Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && release is { } returnToOwner)
        {
            returnToOwner(this);
            return;
        }
        if (disposing)
        {
            foreach (var command in prepared.Values)
            {
                command.Dispose();
            }
            prepared.Clear();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private SqliteCommand Rent(string sql)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            if (prepared.Count >= MaxStatements)
            {
                // Ad-hoc SQL (list filters, migrations) must not grow the cache without bound.
                return inner.CreateCommand();
            }
            command = inner.CreateCommand();
            command.CommandText = sql;
            prepared[sql] = command;
        }
        return command;
    }

    private bool IsCached(SqliteCommand command) => prepared.TryGetValue(command.CommandText, out var cached) && ReferenceEquals(cached, command);

    /// <summary>A command whose SQL is bound to a cached, already compiled <see cref="SqliteCommand"/>.</summary>
    private sealed class CachedCommand(StatementCachingConnection owner) : DbCommand
    {
        private SqliteCommand? command;
        private DbTransaction? transaction;

        // Parameters live here until execution: Dapper keeps a reference to the collection and may rewrite the
        // text halfway (expanding "IN @list"), so the collection cannot belong to a cached command.
        private readonly SqliteCommand parameterHolder = new();

        private SqliteCommand Current => command ?? throw new InvalidOperationException("CommandText must be set first.");

        [AllowNull]
        public override string CommandText
        {
            get => command?.CommandText ?? "";
            set
            {
                if (command is not null && !owner.IsCached(command))
                {
                    command.Dispose();
                }
                command = owner.Rent(value ?? "");
                if (command.CommandText.Length == 0)
                {
                    command.CommandText = value ?? "";
                }
            }
        }

        public override int CommandTimeout { get; set; } = 30;
        public override CommandType CommandType { get; set; } = CommandType.Text;
        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection
        {
            get => owner;
            set { }
        }

        protected override DbParameterCollection DbParameterCollection => parameterHolder.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => transaction;
            set => transaction = value;
        }

        public override void Cancel() => command?.Cancel();
        public override void Prepare() => Current.Prepare();
        protected override DbParameter CreateDbParameter() => new SqliteParameter();

        public override int ExecuteNonQuery() => Bind().ExecuteNonQuery();
        public override object? ExecuteScalar() => Bind().ExecuteScalar();
        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Bind().ExecuteReader(behavior);

        private SqliteCommand Bind()
        {
            var current = Current;
            current.Transaction = (SqliteTransaction?)transaction;
            current.CommandTimeout = CommandTimeout;
            current.Parameters.Clear();
            foreach (SqliteParameter parameter in parameterHolder.Parameters)
            {
                // Dapper names parameters without their prefix; SQLite then searches the statement for each
                // name once bare and once per prefix. Naming them as written in the SQL binds in one lookup.
                if (parameter.ParameterName.Length > 0 && parameter.ParameterName[0] is not ('@' or '$' or ':'))
                {
                    parameter.ParameterName = "@" + parameter.ParameterName;
                }
                current.Parameters.Add(parameter);
            }
            return current;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && command is not null && !owner.IsCached(command))
            {
                command.Dispose();
            }
            command = null;
            parameterHolder.Dispose();
            base.Dispose(disposing);
        }
    }
}
