#include "store/storestatement.h"

#include "store/storesqlite.h"

#include <QSqlDatabase>

#include <sqlite3.h>

StoreStatement::~StoreStatement()
{
    sqlite3_finalize(m_statement);
}

bool StoreStatement::prepare(const QSqlDatabase &db, const char *sql, QString *error)
{
    sqlite3_finalize(m_statement);
    m_statement = nullptr;
    m_db = StoreSqlite::handle(db);
    if (!m_db) {
        *error = QStringLiteral("no SQLite handle");
        return false;
    }
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
        != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(m_db));
        sqlite3_finalize(m_statement);
        m_statement = nullptr;
        return false;
    }
    m_bytes.assign(std::size_t(sqlite3_bind_parameter_count(m_statement)), QByteArray());
    return true;
}

void StoreStatement::bind(int index, qint64 value)
{
    noteBound(sqlite3_bind_int64(m_statement, index + 1, value));
}

void StoreStatement::bind(int index, const QString &value)
{
    if (value.isNull()) {
        noteBound(sqlite3_bind_null(m_statement, index + 1));
        return;
    }
    QByteArray &bytes = m_bytes.at(std::size_t(index));
    bytes = value.toUtf8();
    // Kept in m_bytes until bound again: SQLite reads it when the statement runs, uncopied.
    noteBound(sqlite3_bind_text(
        m_statement, index + 1, bytes.constData(), int(bytes.size()), SQLITE_STATIC));
}

void StoreStatement::bind(int index, const QByteArray &value)
{
    if (value.isNull()) {
        noteBound(sqlite3_bind_null(m_statement, index + 1));
        return;
    }
    QByteArray &bytes = m_bytes.at(std::size_t(index));
    bytes = value; // shares the caller's bytes
    noteBound(sqlite3_bind_blob(
        m_statement, index + 1, bytes.constData(), int(bytes.size()), SQLITE_STATIC));
}

void StoreStatement::noteBound(int rc)
{
    // A value SQLite refused (too big, no memory) left NULL in its place: the statement must not
    // run with it.
    if (rc != SQLITE_OK && m_bindError == SQLITE_OK)
        m_bindError = rc;
}

bool StoreStatement::exec(QString *error)
{
    if (m_bindError != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errstr(m_bindError));
        m_bindError = SQLITE_OK;
        return false;
    }
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(m_statement);
    const bool ok = rc == SQLITE_DONE;
    if (!ok)
        *error = QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(m_statement);
    return ok;
}

qint64 StoreStatement::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int StoreStatement::changes() const
{
    return sqlite3_changes(m_db);
}
