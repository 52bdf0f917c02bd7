using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// An INSERT prepared once on the writer's connection and run through SQLite's own API: values bound by position, one
/// step, a reset. For the writer's hot rows (a ticket's log rows and its history): a Microsoft.Data.Sqlite command costs
/// about a microsecond more a row (parameters looked up by name, their types inferred, a data reader per execution).
/// It runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class SqliteInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteInsert(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Binds a text value (null: SQL NULL) to the 1-based parameter <paramref name="index"/>.</summary>
    public SqliteInsert Text(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    public SqliteInsert Integer(int index, long? value)
    {
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));
        return this;
    }

    public SqliteInsert Blob(int index, byte[]? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    /// <summary>Inserts the row with the values bound; throws <see cref="SqliteException"/> if SQLite refuses it.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) Check(rc);
    }

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);

    public void Dispose() => _statement.Dispose();
}
