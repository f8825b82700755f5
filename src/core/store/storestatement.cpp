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
    m_bytes.clear();
    m_refused.clear();
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
    const auto parameters = std::size_t(sqlite3_bind_parameter_count(m_statement));
    m_bytes.assign(parameters, QByteArray());
    m_refused.assign(parameters, SQLITE_OK);
    return true;
}

void StoreStatement::bind(int index, qint64 value)
{
    noteBound(index, sqlite3_bind_int64(m_statement, index + 1, value));
}

void StoreStatement::bind(int index, const QString &value)
{
    bindText(index, value.isNull() ? QByteArray() : value.toUtf8());
}

void StoreStatement::bindText(int index, const QByteArray &utf8)
{
    bindBytes(index, utf8, true);
}

void StoreStatement::bindTextOrEmpty(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    bindText(index, utf8.isNull() ? QByteArray("") : utf8);
}

void StoreStatement::bind(int index, const QByteArray &value)
{
    bindBytes(index, value, false);
}

void StoreStatement::bindBytes(int index, const QByteArray &value, bool text)
{
    if (value.isNull()) {
        noteBound(index, sqlite3_bind_null(m_statement, index + 1));
        return;
    }
    QByteArray &bytes = m_bytes.at(std::size_t(index));
    bytes = value; // shares the caller's bytes, kept until bound again: SQLite reads them uncopied
    const auto size = sqlite3_uint64(bytes.size());
    noteBound(index,
        text ? sqlite3_bind_text64(
            m_statement, index + 1, bytes.constData(), size, SQLITE_STATIC, SQLITE_UTF8)
             : sqlite3_bind_blob64(m_statement, index + 1, bytes.constData(), size, SQLITE_STATIC));
}

void StoreStatement::noteBound(int index, int rc)
{
    // A value SQLite refused (too big, no memory) left NULL in its place: the statement must not
    // run until that parameter is bound again.
    m_refused.at(std::size_t(index)) = rc;
}

bool StoreStatement::exec(QString *error)
{
    for (const int refused : m_refused) {
        if (refused != SQLITE_OK) {
            *error = QString::fromUtf8(sqlite3_errstr(refused));
            return false;
        }
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
