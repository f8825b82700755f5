#include "store/storesqlite.h"

#include "smtpaddresslist.h"
#include "smtplog.h"
#include "store/storecompression.h"
#include "store/storetextfold.h"

#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

using StoreCompression::Dictionaries;
using StoreTextFold::cleanInPlace;
using StoreTextFold::foldedContains;
using StoreTextFold::foldInto;
using StoreTextFold::foldRoom;

// The dictionaries of the store a connection belongs to: the user data of the functions that
// expand frames (installFunctions()).
const Dictionaries *dictionariesOf(sqlite3_context *context)
{
    return static_cast<const std::shared_ptr<const Dictionaries> *>(sqlite3_user_data(context))
        ->get();
}

// A frame as a column of this connection's row holds it, expanded; false when damaged.
bool expandFrame(sqlite3_context *context, sqlite3_value *value, QByteArray *text)
{
    const char *frame = static_cast<const char *>(sqlite3_value_blob(value));
    return StoreCompression::decode(QByteArray::fromRawData(frame, sqlite3_value_bytes(value)),
        StoreCompression::Zstd, text, dictionariesOf(context), sqlite3_context_db_handle(context));
}

// A handle on message_raw's data column, moved from row to row (sqlite3_blob_reopen(), which
// saves the small statement sqlite3_blob_open() prepares each time): kept by a statement that
// reads many references (smtp_contains() over a search's candidates) for as long as it runs.
class RawBlob
{
public:
    RawBlob() = default;
    RawBlob(const RawBlob &) = delete;
    RawBlob &operator=(const RawBlob &) = delete;
    ~RawBlob() { sqlite3_blob_close(m_blob); }

    // The handle on message id's raw bytes, or SQLite's error (SQLITE_ERROR: no such row).
    int open(sqlite3 *db, sqlite3_int64 id, sqlite3_blob **blob)
    {
        if (!m_blob || sqlite3_blob_reopen(m_blob, id) != SQLITE_OK) {
            // A failed reopen leaves the handle unusable: start again.
            sqlite3_blob_close(m_blob);
            m_blob = nullptr;
            const int rc = sqlite3_blob_open(db, "main", "message_raw", "data", id, 0, &m_blob);
            if (rc != SQLITE_OK) {
                sqlite3_blob_close(m_blob);
                m_blob = nullptr;
                return rc;
            }
        }
        *blob = m_blob;
        return SQLITE_OK;
    }

private:
    sqlite3_blob *m_blob = nullptr;
};

// The bytes a body's reference names, read from message id's raw bytes on this connection through
// raws (inside the statement that called the function, which SQLite allows: a blob handle runs a
// small statement of its own). Raw bytes kept verbatim (big mail spooled as it arrived) are
// read only where the body lies. SQLITE_OK, or: SQLITE_NOTFOUND when there is no such body (no
// raw row, or a damaged one, with a warning); an error of SQLite's when it could not read (out of
// memory, or SQLITE_INTERRUPT when a StatementBudget ran out, which must fail the statement, not
// skip a row).
int readSlice(sqlite3_context *context, const StoreCompression::Slice &slice, sqlite3_int64 id,
    RawBlob *raws, QByteArray *text)
{
    text->clear();
    sqlite3 *db = sqlite3_context_db_handle(context);
    sqlite3_blob *blob = nullptr;
    int rc = raws->open(db, id, &blob);
    if (rc == SQLITE_OK) {
        const qint64 size = sqlite3_blob_bytes(blob);
        if (slice.rawEncoding == StoreCompression::Verbatim) {
            if (slice.offset + slice.length > size) {
                rc = SQLITE_NOTFOUND;
            } else {
                text->resize(slice.length);
                rc = sqlite3_blob_read(blob, text->data(), int(slice.length), int(slice.offset));
            }
        } else {
            QByteArray stored(size, Qt::Uninitialized);
            rc = sqlite3_blob_read(blob, stored.data(), int(size), 0);
            QByteArray raw;
            if (rc == SQLITE_OK
                && !(StoreCompression::decode(
                         stored, slice.rawEncoding, &raw, dictionariesOf(context), db)
                    && StoreCompression::cut(slice, raw, text)))
                rc = SQLITE_NOTFOUND;
        }
    }
    if (rc == SQLITE_ERROR || rc == SQLITE_NOTFOUND) {
        // No such row (SQLITE_ERROR is blob_open's "no such rowid"), or damaged: no body.
        qCWarning(lcSmtpStore) << "the raw bytes of message" << id
                               << "do not hold the body that refers to them";
        rc = SQLITE_NOTFOUND;
    }
    if (rc != SQLITE_OK)
        text->clear();
    return rc;
}

// A body column's blob (message_text.c3) expanded: a zstd frame, or a reference into the raw bytes
// of message id (when the caller gave no id, a reference has no text). As readSlice().
int expandBody(sqlite3_context *context, sqlite3_value *value, sqlite3_value *id, RawBlob *raws,
    QByteArray *text)
{
    const char *bytes = static_cast<const char *>(sqlite3_value_blob(value));
    const QByteArray stored = QByteArray::fromRawData(bytes, sqlite3_value_bytes(value));
    if (const auto slice = StoreCompression::sliceOf(stored)) {
        if (!id || sqlite3_value_type(id) != SQLITE_INTEGER) {
            text->clear();
            return SQLITE_NOTFOUND;
        }
        return readSlice(context, *slice, sqlite3_value_int64(id), raws, text);
    }
    return expandFrame(context, value, text) ? SQLITE_OK : SQLITE_NOTFOUND;
}

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

void expand(sqlite3_context *context, int count, sqlite3_value **arguments)
{
    sqlite3_value *value = arguments[0];
    if (sqlite3_value_type(value) != SQLITE_BLOB) {
        sqlite3_result_value(context, value);
        return;
    }
    QByteArray text;
    RawBlob raws;
    const int rc = expandBody(context, value, count > 1 ? arguments[1] : nullptr, &raws, &text);
    if (rc == SQLITE_NOTFOUND) {
        // No text (expandBody() has said why), rather than an error: a damaged row must not stop
        // the searches that pass it, nor the removal of its message.
        sqlite3_result_null(context);
        return;
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(context, rc);
        return;
    }
    sqlite3_result_text(context, text.constData(), int(text.size()), SQLITE_TRANSIENT);
}

// The bytes SQLite's || would take from a column of message_text: a NULL is '' (ifnull), the body
// column's blob is its text (smtp_text(), for message id), a damaged one is as NULL. SQLITE_OK, or
// SQLite's error when it could not give the text (out of memory; interrupted), as || would then
// have failed.
int columnText(sqlite3_context *context, sqlite3_value *value, bool packed, sqlite3_value *id,
    RawBlob *raws, QByteArray *expanded, const char **text, qsizetype *size)
{
    const int type = sqlite3_value_type(value);
    if (packed && type == SQLITE_BLOB) {
        const int rc = expandBody(context, value, id, raws, expanded);
        *text = expanded->constData();
        *size = expanded->size();
        return rc == SQLITE_NOTFOUND ? SQLITE_OK : rc;
    }
    *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
    *size = *text ? sqlite3_value_bytes(value) : 0;
    return *text || type == SQLITE_NULL ? SQLITE_OK : SQLITE_NOMEM;
}

constexpr int textColumns = 5;
// The columns that may hold a zstd frame (when that was smaller): the text body (c3, which may
// also be a reference into the raw bytes) and, from schema 14, the attachment names followed by
// the HTML body as it reads (c4).
constexpr bool packed(int column)
{
    return column == 3 || column == 4;
}

// A statement's needle, folded (and cleaned): worked out once and kept as the auxdata of its
// argument (a bound parameter, the same for every row).
struct Needle
{
    std::string folded;
    // Cleaned, with a space: a text is cleaned to be searched, and a match may span two columns.
    bool spaced = false;
    // A needle with a NUL is in no text, which ends at its first NUL.
    bool never = false;
    // Closed when SQLite drops the auxdata: when the statement is reset or finalized, which is
    // before its connection can close.
    mutable RawBlob raws;
};

// Null when out of memory. argument: the needle's place among the function's arguments;
// cleaned: whether the function cleans (the needle is then cleaned and trimmed too).
const Needle *needleOf(sqlite3_context *context, sqlite3_value *value, int argument, bool cleaned)
{
    if (const auto *kept = static_cast<Needle *>(sqlite3_get_auxdata(context, argument)))
        return kept;
    const char *raw = reinterpret_cast<const char *>(sqlite3_value_text(value));
    if (!raw)
        return nullptr;
    const qsizetype size = sqlite3_value_bytes(value);
    auto needle = std::make_unique<Needle>();
    needle->never = std::memchr(raw, 0, size_t(size)) != nullptr;
    std::string &folded = needle->folded;
    folded.resize(size_t(foldRoom(size)));
    folded.resize(size_t(foldInto(raw, size, folded.data())));
    if (cleaned) {
        folded.resize(size_t(cleanInPlace(folded.data(), qsizetype(folded.size()))));
        if (!folded.empty() && folded.back() == ' ')
            folded.pop_back();
        if (!folded.empty() && folded.front() == ' ')
            folded.erase(0, 1);
        needle->spaced = folded.find(' ') != std::string::npos;
    }
    sqlite3_set_auxdata(
        context, argument, needle.release(), [](void *p) { delete static_cast<Needle *>(p); });
    // SQLite may have dropped it at once (out of memory): then this call's copy is gone too.
    return static_cast<Needle *>(sqlite3_get_auxdata(context, argument));
}

// The needle at arguments[argument] for a search that can only go on with one; null when the
// result is given already: NULL for a NULL needle, 0 for one with a NUL (in no text), or the
// error when out of memory.
const Needle *needleToSearch(
    sqlite3_context *context, sqlite3_value **arguments, int argument, bool cleaned)
{
    if (sqlite3_value_type(arguments[argument]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return nullptr;
    }
    const Needle *needle = needleOf(context, arguments[argument], argument, cleaned);
    if (!needle)
        sqlite3_result_error_nomem(context);
    else if (needle->never)
        sqlite3_result_int(context, 0);
    return needle && !needle->never ? needle : nullptr;
}

// Gives smtp_contains()'s result (see storesqlite.h); an error only when out of memory or
// interrupted. count: the arguments, the five columns and the needle, then maybe the message's id.
void containment(sqlite3_context *context, int count, sqlite3_value **arguments)
{
    const Needle *needle = needleToSearch(context, arguments, textColumns, true);
    if (!needle)
        return;
    sqlite3_value *id = count > textColumns + 1 ? arguments[textColumns + 1] : nullptr;
    QByteArray expanded;
    const char *text = nullptr;
    qsizetype size = 0;
    // Each column alone first, the packed ones (the body, and the HTML's text) last: they are
    // expanded only when the others do not have the needle. Without a space the needle is in no
    // match across two columns, nor in the cleaning's spaces (it is in the cleaned text exactly
    // when in the text); with one, the packed columns are searched once, in the joined text.
    for (const int i : { 0, 1, 2, 4, 3 }) {
        if (packed(i) && needle->spaced)
            continue;
        const int rc = columnText(
            context, arguments[i], packed(i), id, &needle->raws, &expanded, &text, &size);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(context, rc);
            return;
        }
        if (foldedContains(text, size, needle->folded, needle->spaced)) {
            sqlite3_result_int(context, 1);
            return;
        }
    }
    if (!needle->spaced) {
        sqlite3_result_int(context, 0);
        return;
    }
    // A needle with a space may span columns: the whole search text, joined, folded and
    // cleaned (each column to its first NUL).
    std::string joined;
    for (int i = 0; i < textColumns; ++i) {
        const int rc = columnText(
            context, arguments[i], packed(i), id, &needle->raws, &expanded, &text, &size);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(context, rc);
            return;
        }
        const size_t at = joined.size();
        joined.resize(at + size_t(foldRoom(size)));
        joined.resize(at + size_t(foldInto(text, size, joined.data() + at)));
        joined.push_back(' ');
    }
    joined.resize(size_t(cleanInPlace(joined.data(), qsizetype(joined.size()))));
    sqlite3_result_int(context,
        memmem(joined.data(), joined.size(), needle->folded.data(), needle->folded.size())
            != nullptr);
}

// smtp_contains(text, needle) and smtp_contains_uncleaned(text, needle) (see storesqlite.h): one
// text, no columns, no body.
void textContainment(sqlite3_context *context, sqlite3_value **arguments, bool cleaned)
{
    const Needle *needle = needleToSearch(context, arguments, 1, cleaned);
    if (!needle)
        return;
    const char *text = reinterpret_cast<const char *>(sqlite3_value_text(arguments[0]));
    if (!text && sqlite3_value_type(arguments[0]) != SQLITE_NULL) {
        sqlite3_result_error_nomem(context);
        return;
    }
    const qsizetype size = text ? sqlite3_value_bytes(arguments[0]) : 0;
    sqlite3_result_int(context, foldedContains(text, size, needle->folded, needle->spaced));
}

void contains(sqlite3_context *context, int count, sqlite3_value **arguments)
{
    // No C++ exception may cross SQLite's C frames.
    try {
        if (count == 2)
            textContainment(context, arguments, true);
        else
            containment(context, count, arguments);
    } catch (const std::bad_alloc &) {
        sqlite3_result_error_nomem(context);
    }
}

void containsUncleaned(sqlite3_context *context, int, sqlite3_value **arguments)
{
    try {
        textContainment(context, arguments, false);
    } catch (const std::bad_alloc &) {
        sqlite3_result_error_nomem(context);
    }
}

// A value's text as Unicode (NULL as '').
QString valueText(sqlite3_value *value)
{
    const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
    return text ? QString::fromUtf8(text, sqlite3_value_bytes(value)) : QString();
}

// smtp_names_address(address, list [, list]) (see storesqlite.h).
void namesAddress(sqlite3_context *context, int count, sqlite3_value **arguments)
{
    try {
        const QString address = valueText(arguments[0]);
        bool named = false;
        for (int i = 1; i < count && !named; ++i)
            named = SmtpAddressList::contains(valueText(arguments[i]), address);
        sqlite3_result_int(context, named ? 1 : 0);
    } catch (const std::bad_alloc &) {
        sqlite3_result_error_nomem(context);
    }
}

// The lists smtp_listed() reads: what each name's key is looked up in, the ids in ascending order
// (a full-text table gives its rowids so; message_mailboxes' primary key is (mailbox, message)).
// Only these names: the statement text is never made from an argument.
const char *listSql(const char *name)
{
    static const struct
    {
        const char *name;
        const char *sql;
    } lists[] = {
        { "messages_trigram",
            "SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ?1" },
        { "messages_from_trigram",
            "SELECT rowid FROM messages_from_trigram WHERE messages_from_trigram MATCH ?1" },
        { "messages_to_trigram",
            "SELECT rowid FROM messages_to_trigram WHERE messages_to_trigram MATCH ?1" },
        { "mailbox", "SELECT message FROM message_mailboxes WHERE mailbox = ?1" },
    };
    for (const auto &list : lists) {
        if (name && std::strcmp(name, list.name) == 0)
            return list.sql;
    }
    return nullptr;
}

// The ids of one list, as a statement tests its rows against them: a bitmap from the first id on
// (a bit a message of the store: 125 KB for a million), or, when the ids are too sparse for that
// to be small, the sorted ids themselves. Built as the ids come, in ascending order as the lists
// give them (any order works): a vector of every id first cost more than the reading, in
// copies and page faults as it grew (297,000 ids: 30 ms against 10).
class IdList
{
public:
    void add(sqlite3_int64 id)
    {
        if (!m_sparse && !addBit(id))
            toSparse();
        if (m_sparse)
            m_ids.push_back(id);
        ++m_count;
    }

    // After the last add().
    void finish()
    {
        if (m_sparse && !std::is_sorted(m_ids.cbegin(), m_ids.cend()))
            std::sort(m_ids.begin(), m_ids.end());
    }

    bool contains(sqlite3_int64 id) const
    {
        if (m_sparse)
            return std::binary_search(m_ids.cbegin(), m_ids.cend(), id);
        if (id < m_first)
            return false;
        const quint64 at = offset(id);
        return at / 64 < m_bits.size() && (m_bits[size_t(at / 64)] >> (at % 64)) & 1;
    }

private:
    quint64 offset(sqlite3_int64 id) const { return quint64(id) - quint64(m_first); }

    // Sets id's bit; false, and nothing changed, when the bitmap cannot take it: an id before
    // the first, or one that would make it too big. A bitmap of up to 1 MiB (8 million ids'
    // span) whatever the count, past that up to 64 bytes an id. A walk tests every row it
    // passes: a bit costs a few nanoseconds, a binary search of the sorted ids about 50 (the
    // 9,103 ids of "laptop" among a million, 14 bytes an id as a bitmap: a walk of the subject
    // index 71 -> 130 ms).
    bool addBit(sqlite3_int64 id)
    {
        if (m_count == 0)
            m_first = id;
        if (id < m_first)
            return false;
        const quint64 word = offset(id) / 64;
        if (word >= m_bits.size()) {
            if (word > 8 * m_count + (1 << 17))
                return false;
            m_bits.resize(std::max<size_t>(size_t(word) + 1, 2 * m_bits.size()), 0);
        }
        m_bits[size_t(word)] |= quint64(1) << (offset(id) % 64);
        return true;
    }

    // The ids so far out of the bitmap, into the sorted vector.
    void toSparse()
    {
        m_sparse = true;
        m_ids.reserve(size_t(m_count) + 1);
        for (size_t word = 0; word < m_bits.size(); ++word) {
            for (quint64 bits = m_bits[word]; bits; bits &= bits - 1)
                m_ids.push_back(
                    m_first + sqlite3_int64(word * 64 + size_t(qCountTrailingZeroBits(bits))));
        }
        m_bits = {};
    }

    bool m_sparse = false;
    quint64 m_count = 0;
    sqlite3_int64 m_first = 0;
    std::vector<quint64> m_bits;
    std::vector<sqlite3_int64> m_ids;
};

// The list sql reads for the key arguments[1], on this connection (inside the calling statement,
// as its own statement: in the calling statement's read transaction, so the same snapshot).
// SQLITE_OK, or SQLite's error, with its message in *error (SQLITE_INTERRUPT when a
// StatementBudget ran out).
int readList(sqlite3_context *context, const char *sql, sqlite3_value **arguments,
    std::unique_ptr<IdList> *list, std::string *error)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    sqlite3_stmt *prepared = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &prepared, nullptr);
    // Finalized however this returns (an IdList may run out of memory).
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> statement(
        prepared, sqlite3_finalize);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_value(prepared, 1, arguments[1]);
    auto ids = std::make_unique<IdList>();
    while (rc == SQLITE_OK && (rc = sqlite3_step(prepared)) == SQLITE_ROW) {
        ids->add(sqlite3_column_int64(prepared, 0));
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        *error = std::string("smtp_listed(): ") + sqlite3_errmsg(db);
        return rc == SQLITE_OK ? SQLITE_ERROR : rc;
    }
    ids->finish();
    *list = std::move(ids);
    return SQLITE_OK;
}

// smtp_listed(list, key, id): see storesqlite.h. The list read is kept as the auxdata of the key
// alone, so list must be the same for every row of a statement (the store writes it as a
// constant); so must key be, or the list is read again for every row.
void listed(sqlite3_context *context, int, sqlite3_value **arguments)
{
    constexpr int keyArgument = 1;
    const sqlite3_int64 id = sqlite3_value_int64(arguments[2]);
    try {
        if (const auto *list = static_cast<IdList *>(sqlite3_get_auxdata(context, keyArgument))) {
            sqlite3_result_int(context, list->contains(id));
            return;
        }
        const char *sql = listSql(reinterpret_cast<const char *>(sqlite3_value_text(arguments[0])));
        if (!sql) {
            sqlite3_result_error(context, "smtp_listed(): no such list", -1);
            return;
        }
        std::unique_ptr<IdList> list;
        std::string error;
        const int rc = readList(context, sql, arguments, &list, &error);
        if (rc != SQLITE_OK) {
            sqlite3_result_error(context, error.c_str(), -1);
            sqlite3_result_error_code(context, rc);
            return;
        }
        sqlite3_result_int(context, list->contains(id));
        // Kept for the statement's next rows, as the key is the same for all of them (a bound
        // parameter); SQLite drops it when the statement is reset or finalized, so that the
        // next run reads the list afresh, in its own snapshot.
        sqlite3_set_auxdata(
            context, keyArgument, list.release(), [](void *p) { delete static_cast<IdList *>(p); });
    } catch (const std::bad_alloc &) {
        sqlite3_result_error_nomem(context);
    }
}

} // namespace

namespace StoreSqlite {

int readCacheKiB(qint64 fileBytes)
{
    constexpr qint64 defaultKiB = 2000; // SQLite's own (PRAGMA cache_size = -2000)
    constexpr qint64 mostKiB = 16 * 1024;
    return int(qBound(defaultKiB, fileBytes / 256 / 1024, mostKiB));
}

QByteArray foldCase(const QByteArray &utf8)
{
    QByteArray folded(foldRoom(utf8.size()), Qt::Uninitialized);
    folded.resize(foldInto(utf8.constData(), utf8.size(), folded.data()));
    return folded;
}

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

bool installFunctions(const QSqlDatabase &db, QString *errorString,
    std::shared_ptr<const StoreCompression::Dictionaries> dictionaries)
{
    sqlite3 *h = handle(db);
    if (!h) {
        *errorString = QStringLiteral("no SQLite handle");
        return false;
    }
    if (!dictionaries)
        dictionaries = std::make_shared<const Dictionaries>(); // read from the file when named
    StoreTextFold::prepare(); // the fold table read once, before the first search needs it
    // Each function that expands frames keeps a reference, dropped when SQLite drops the
    // function (the connection closes).
    const auto userData = [&] { return new std::shared_ptr<const Dictionaries>(dictionaries); };
    const auto dropUserData
        = [](void *p) { delete static_cast<std::shared_ptr<const Dictionaries> *>(p); };
    // Deterministic (the same value always gives the same result, so SQLite may use them in
    // indexes and views freely) and innocuous (no side effects: allowed in the schema's view
    // even when the connection does not trust the schema). smtp_contains() is only for the
    // store's own queries, never from a schema: direct, not innocuous. smtp_text() and
    // smtp_contains() take the message's id last, or not (then a body kept as a reference to the
    // raw bytes has no text).
    const int schemaFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    const int directFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    struct Function
    {
        const char *name;
        int arguments;
        int flags;
        void (*call)(sqlite3_context *, int, sqlite3_value **);
    };
    const Function functions[] = {
        { "smtp_pack", 1, schemaFlags, pack },
        { "smtp_text", 1, schemaFlags, expand },
        { "smtp_text", 2, schemaFlags, expand },
        { "smtp_contains", 2, directFlags, contains },
        { "smtp_contains_uncleaned", 2, directFlags, containsUncleaned },
        { "smtp_contains", textColumns + 1, directFlags, contains },
        { "smtp_contains", textColumns + 2, directFlags, contains },
        { "smtp_names_address", 2, directFlags, namesAddress },
        { "smtp_names_address", 3, directFlags, namesAddress },
        // Reads the database, so not deterministic: its list is read once per statement.
        { "smtp_listed", 3, SQLITE_UTF8 | SQLITE_DIRECTONLY, listed },
    };
    for (const Function &f : functions) {
        if (sqlite3_create_function_v2(
                h, f.name, f.arguments, f.flags, userData(), f.call, nullptr, nullptr, dropUserData)
            != SQLITE_OK) {
            *errorString = QString::fromUtf8(sqlite3_errmsg(h));
            return false;
        }
    }
    return true;
}

} // namespace StoreSqlite
