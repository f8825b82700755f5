#include "store/storesqlite.h"

#include "store/storecompression.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace {

void pack(sqlite3_context *context, int, sqlite3_value **arguments)
{
    sqlite3_value *value = arguments[0];
    switch (sqlite3_value_type(value)) {
    case SQLITE_TEXT:
        break;
    case SQLITE_BLOB:
        sqlite3_result_error(context, "smtp_pack() takes text, not a blob", -1);
        return;
    default: // NULL (an empty column of an older store's text), or a number
        sqlite3_result_value(context, value);
        return;
    }
    const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
    const QByteArray utf8 = QByteArray::fromRawData(text, sqlite3_value_bytes(value));
    const StoreCompression::Stored stored = StoreCompression::encode(utf8);
    if (stored.encoding == StoreCompression::Verbatim) {
        sqlite3_result_value(context, value);
        return;
    }
    sqlite3_result_blob(
        context, stored.bytes.constData(), int(stored.bytes.size()), SQLITE_TRANSIENT);
}

void expand(sqlite3_context *context, int, sqlite3_value **arguments)
{
    sqlite3_value *value = arguments[0];
    if (sqlite3_value_type(value) != SQLITE_BLOB) {
        sqlite3_result_value(context, value);
        return;
    }
    const char *frame = static_cast<const char *>(sqlite3_value_blob(value));
    QByteArray text;
    if (!StoreCompression::decode(QByteArray::fromRawData(frame, sqlite3_value_bytes(value)),
            StoreCompression::Zstd, &text)) {
        // No text (decode() has said why), rather than an error: a damaged row must not stop
        // the searches that pass it, nor the removal of its message.
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_text(context, text.constData(), int(text.size()), SQLITE_TRANSIENT);
}

} // namespace

namespace StoreSqlite {

constexpr int instructionsPerStep = 100;

StatementBudget::StatementBudget(const QSqlDatabase &db, qint64 budget)
    : m_db(handle(db))
    , m_left(budget / instructionsPerStep)
{
    if (m_db)
        sqlite3_progress_handler(m_db, instructionsPerStep, &StatementBudget::step, this);
}

StatementBudget::~StatementBudget()
{
    if (m_db)
        sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
}

int StatementBudget::step(void *budget)
{
    auto *self = static_cast<StatementBudget *>(budget);
    if (--self->m_left >= 0)
        return 0;
    self->m_spent = true;
    return 1; // SQLITE_INTERRUPT
}

sqlite3 *handle(const QSqlDatabase &db)
{
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

bool installFunctions(const QSqlDatabase &db, QString *errorString)
{
    sqlite3 *h = handle(db);
    if (!h) {
        *errorString = QStringLiteral("no SQLite handle");
        return false;
    }
    // Deterministic (the same value always gives the same result, so SQLite may use them in
    // indexes and views freely) and innocuous (no side effects: allowed in the schema's view
    // even when the connection does not trust the schema).
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(
            h, "smtp_pack", 1, flags, nullptr, pack, nullptr, nullptr, nullptr)
            != SQLITE_OK
        || sqlite3_create_function_v2(
               h, "smtp_text", 1, flags, nullptr, expand, nullptr, nullptr, nullptr)
            != SQLITE_OK) {
        *errorString = QString::fromUtf8(sqlite3_errmsg(h));
        return false;
    }
    return true;
}

} // namespace StoreSqlite
