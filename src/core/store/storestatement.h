// A statement the store prepares once on a connection and runs for every message (the writer's
// inserts, the indexer's rows), bound and run through SQLite's C API instead of QSqlQuery.
//
// QSqlQuery keeps each bound value as a QVariant under a name it formats (":0", ":1", ...) in a
// hash, and hands text to SQLite as UTF-16, which SQLite then converts to the database's UTF-8:
// in bench/ingest.sh's W2 (20,000 messages of 1 KB) perf put about 8 % of the server's CPU there,
// for the 57 values a message binds. Here a value goes to SQLite as it is stored.
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QString>

#include <vector>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

class SMTPRECEIVER_TEST_EXPORT StoreStatement
{
public:
    StoreStatement() = default;
    ~StoreStatement(); // must go before the connection closes, as a QSqlQuery must
    StoreStatement(const StoreStatement &) = delete;
    StoreStatement &operator=(const StoreStatement &) = delete;

    // Prepares sql on db, an open QSQLITE connection. False, with *error, when it cannot.
    bool prepare(const QSqlDatabase &db, const char *sql, QString *error);

    // The value of the parameter at index (from 0, as QSqlQuery::bindValue() counts), until it
    // is bound again. As QSqlQuery binds them: a null QString or QByteArray is SQL NULL, an
    // empty one '' or a blob of no bytes; text is stored as UTF-8.
    void bind(int index, qint64 value);
    void bind(int index, const QString &value);
    void bind(int index, const QByteArray &value); // a blob
    void bindText(int index, const QByteArray &utf8); // text already in UTF-8 (null: NULL)
    // Text for a NOT NULL column: a null (unset) QString as '', never NULL.
    void bindTextOrEmpty(int index, const QString &value);

    // Runs the statement to its end, then resets it. False, with SQLite's message in *error,
    // when it fails or when a parameter's value was refused (too big for SQLite) and has not been
    // bound again since; the transaction is then the caller's to roll back. Every parameter must
    // have been bound: one left out keeps its last value (or NULL), unlike QSqlQuery, which
    // refused to run.
    bool exec(QString *error);
    // The rowid the connection's last insert made, and the rows its last statement changed (both
    // the connection's: right after this exec(), this statement's).
    qint64 lastInsertId() const;
    int changes() const;

private:
    // A null value as NULL, else the bytes as UTF-8 text or as a blob.
    void bindBytes(int index, const QByteArray &value, bool text);
    void noteBound(int index, int rc);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    std::vector<QByteArray> m_bytes; // what a bound text or blob points into, while it is bound
    std::vector<int> m_refused; // per parameter: SQLite's code when it refused the last value
};
