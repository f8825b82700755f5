#include "store/storesqlite.h"

#include "smtplog.h"
#include "store/storecompression.h"

#include <QSqlDriver>
#include <QVariant>
#include <QtEndian>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace {

using StoreCompression::Dictionaries;

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

// ---- Case folding: FTS5's own, so that a check never accepts what the trigram index lacks ----

// The parts of SQLite's fts5.h (a header this system's SQLite does not install) that reach a
// tokenizer: SQLite keeps these structures' layout, and only ever appends to them.
struct Fts5Tokenizer;
struct Fts5TokenizerMethods
{
    int (*xCreate)(void *userData, const char **arguments, int count, Fts5Tokenizer **out);
    void (*xDelete)(Fts5Tokenizer *tokenizer);
    int (*xTokenize)(Fts5Tokenizer *tokenizer, void *context, int flags, const char *text,
        int bytes,
        int (*token)(
            void *context, int tokenFlags, const char *token, int tokenBytes, int start, int end));
};
struct Fts5Api
{
    int version;
    int (*xCreateTokenizer)(Fts5Api *api, const char *name, void *userData,
        Fts5TokenizerMethods *methods, void (*destroy)(void *));
    int (*xFindTokenizer)(
        Fts5Api *api, const char *name, void **userData, Fts5TokenizerMethods *methods);
};
constexpr int fts5TokenizeDocument = 0x0004; // FTS5_TOKENIZE_DOCUMENT

// The code point whose UTF-8 starts at s (n bytes there, n > 0) in *c, and its length; 0 when
// those bytes are not well-formed UTF-8 (then the byte stands for itself).
int decodeUtf8(const unsigned char *s, qsizetype n, char32_t *c)
{
    const unsigned lead = s[0];
    if (lead < 0x80) {
        *c = lead;
        return 1;
    }
    if (lead < 0xc2 || lead > 0xf4)
        return 0;
    const int length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (n < length)
        return 0;
    char32_t code = lead & (0x7fu >> length);
    for (int i = 1; i < length; ++i) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        code = (code << 6) | (s[i] & 0x3fu);
    }
    constexpr char32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (code < least[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return 0;
    *c = code;
    return length;
}

// c (a code point) in UTF-8 at out; its length.
int encodeUtf8(char32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = char(c);
        return 1;
    }
    if (c < 0x800) {
        out[0] = char(0xc0 | (c >> 6));
        out[1] = char(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = char(0xe0 | (c >> 12));
        out[1] = char(0x80 | ((c >> 6) & 0x3f));
        out[2] = char(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = char(0xf0 | (c >> 18));
    out[1] = char(0x80 | ((c >> 12) & 0x3f));
    out[2] = char(0x80 | ((c >> 6) & 0x3f));
    out[3] = char(0x80 | (c & 0x3f));
    return 4;
}

// What FTS5's trigram tokenizer (case_sensitive 0, as the store's indexes are made) turns each
// code point into: one code point, its simple case folding as SQLite's tables have it (Unicode
// 6.1's: A -> a, Ä -> ä, Σ and ς -> σ, the Kelvin sign -> k, ſ -> s, ẞ -> ß; not ß -> ss, İ and
// ı stay themselves, ﬁ stays ﬁ, Cherokee stays). It is read from the SQLite this program runs on,
// once: its tokenizer folds every code point up to U+1FFFF (every one that has a case is there),
// so that the checks fold exactly as the index does. Folding the same way is what keeps the
// index a pre-filter: when the folded text contains the folded needle, the folded text's
// trigrams (the index's) contain the folded needle's (the query's).
class CaseFold
{
public:
    static const CaseFold &instance()
    {
        static const CaseFold fold = fromSqlite();
        return fold;
    }

    static constexpr int blockBits = 7;
    using Block = std::array<qint32, 1u << blockBits>;

    // The tables as plain pointers, for a loop that writes bytes: through a char *, which may
    // alias anything, the vectors' own pointers would be read again after every byte written.
    struct Lookup
    {
        const quint16 *index;
        const Block *blocks;

        char32_t operator()(char32_t c) const
        {
            if (c >= limit)
                return c;
            return char32_t(qint32(c) + blocks[index[c >> blockBits]][c & blockMask]);
        }
    };
    Lookup lookup() const { return { m_index.data(), m_blocks.data() }; }

private:
    static constexpr char32_t limit = 0x20000;
    static constexpr char32_t blockMask = (1u << blockBits) - 1;

    CaseFold()
        : m_index(limit >> blockBits, 0)
        , m_blocks(1) // block 0: no code point changes
    {
        for (char32_t c = 'A'; c <= 'Z'; ++c)
            set(c, c - 'A' + 'a');
    }

    // Deltas by blocks of 128 code points, the blocks where nothing changes sharing the first:
    // about 40 blocks, 20 KB, where a table of every code point would be 512 KB.
    void set(char32_t from, char32_t to)
    {
        quint16 &block = m_index[from >> blockBits];
        if (block == 0) {
            m_blocks.emplace_back();
            m_blocks.back().fill(0);
            block = quint16(m_blocks.size() - 1);
        }
        m_blocks[block][from & blockMask] = qint32(to) - qint32(from);
    }

    static CaseFold fromSqlite();
    static bool readFromSqlite(std::vector<std::pair<char32_t, char32_t>> *changes, QString *why);

    std::vector<quint16> m_index;
    std::vector<Block> m_blocks;
};

bool CaseFold::readFromSqlite(std::vector<std::pair<char32_t, char32_t>> *changes, QString *why)
{
    sqlite3 *opened = nullptr;
    const int rc
        = sqlite3_open_v2(":memory:", &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    const std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(opened, sqlite3_close);
    if (rc != SQLITE_OK) {
        *why = QStringLiteral("no in-memory database");
        return false;
    }
    // FTS5's documented way to its API: "SELECT fts5(?1)" with a pointer bound.
    Fts5Api *api = nullptr;
    sqlite3_stmt *prepared = nullptr;
    if (sqlite3_prepare_v2(db.get(), "SELECT fts5(?1)", -1, &prepared, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(prepared, 1, static_cast<void *>(&api), "fts5_api_ptr", nullptr);
        sqlite3_step(prepared);
    }
    sqlite3_finalize(prepared);
    Fts5TokenizerMethods methods {};
    void *userData = nullptr;
    Fts5Tokenizer *tokenizer = nullptr;
    if (!api || api->version < 2
        || api->xFindTokenizer(api, "trigram", &userData, &methods) != SQLITE_OK
        || methods.xCreate(userData, nullptr, 0, &tokenizer) != SQLITE_OK || !tokenizer) {
        *why = QStringLiteral("no FTS5 trigram tokenizer");
        return false;
    }
    // Every code point below the limit but NUL (where the tokenizer stops) and the surrogates,
    // then two more so that the last ones start a trigram too: the first code point of each
    // trigram is the fold of the one at its start.
    // In pieces of a few thousand code points, each padded so that its last ones start a
    // trigram too: the text of all at once (and its tables) took 1.5 MB that the heap then kept,
    // on every store's open.
    struct Reading
    {
        std::string text;
        std::vector<int> starts; // of each code point in text
        std::vector<char32_t> codes;
        std::vector<std::pair<char32_t, char32_t>> *changes;
        qsizetype tokens = 0;
    } reading;
    reading.changes = changes;
    constexpr int piece = 2048;
    reading.text.reserve(piece * 4 + 2);
    reading.starts.reserve(piece);
    reading.codes.reserve(piece);
    const auto token = [](void *context, int, const char *bytes, int size, int start, int) {
        auto *r = static_cast<Reading *>(context);
        const auto at = std::lower_bound(r->starts.cbegin(), r->starts.cend(), start);
        char32_t folded = 0;
        if (at == r->starts.cend() || *at != start
            || decodeUtf8(reinterpret_cast<const unsigned char *>(bytes), size, &folded) == 0)
            return SQLITE_ERROR;
        const char32_t code = r->codes[size_t(at - r->starts.cbegin())];
        if (folded != code)
            r->changes->emplace_back(code, folded);
        ++r->tokens;
        return SQLITE_OK;
    };
    int tokenized = SQLITE_OK;
    qsizetype expected = 0;
    for (char32_t c = 1; c < limit && tokenized == SQLITE_OK;) {
        reading.text.clear();
        reading.starts.clear();
        reading.codes.clear();
        for (; c < limit && reading.codes.size() < size_t(piece); ++c) {
            if (c >= 0xd800 && c <= 0xdfff)
                continue;
            char bytes[4];
            reading.starts.push_back(int(reading.text.size()));
            reading.codes.push_back(c);
            reading.text.append(bytes, size_t(encodeUtf8(c, bytes)));
        }
        reading.text.append("aa");
        expected += qsizetype(reading.codes.size());
        tokenized = methods.xTokenize(tokenizer, &reading, fts5TokenizeDocument,
            reading.text.data(), int(reading.text.size()), token);
    }
    methods.xDelete(tokenizer);
    if (tokenized != SQLITE_OK || reading.tokens != expected) {
        *why = QStringLiteral("the trigram tokenizer did not say");
        return false;
    }
    return true;
}

CaseFold CaseFold::fromSqlite()
{
    CaseFold fold;
    std::vector<std::pair<char32_t, char32_t>> changes;
    QString why;
    bool usable = readFromSqlite(&changes, &why);
    // The checks take ASCII a word at a time and NUL as a text's end; the cleaning must not
    // depend on the fold. What breaks these is not used (ASCII letters alone are folded, as
    // FTS5 does too: a subset of its folding, so still no match the index lacks).
    for (const auto &[from, to] : changes) {
        const bool ascii = from < 0x80 && !(from >= 'A' && from <= 'Z' && to == from - 'A' + 'a');
        if (!usable || ascii || to == 0 || to >= limit || StoreSqlite::cleanedAway(from)
            || StoreSqlite::cleanedAway(to)) {
            if (usable)
                why = QStringLiteral("U+%1 folds to U+%2")
                          .arg(uint(from), 4, 16, QLatin1Char('0'))
                          .arg(uint(to), 4, 16, QLatin1Char('0'));
            usable = false;
            break;
        }
    }
    if (!usable) {
        qCWarning(lcSmtpStore) << "searches fold the case of ASCII letters only:" << why;
        return fold;
    }
    for (const auto &[from, to] : changes)
        fold.set(from, to);
    return fold;
}

constexpr quint64 ones = 0x0101010101010101ULL;
constexpr quint64 highBits = 0x80 * ones;

// ASCII letters to lower case: eight bytes at a time in a 64-bit word, all below 0x80 (a search
// checks every candidate's text, and a byte at a time the fold took as long as the search
// itself, 10 instructions a byte, callgrind). In each byte, adding 0x3f sets the high bit from
// 'A' on and adding 0x25 sets it past 'Z', with no carry into the next byte; 0x20 is then or'ed
// into the bytes that are 'A' to 'Z'.
quint64 foldAsciiWord(quint64 word)
{
    const quint64 fromA = word + (0x80 - 'A') * ones;
    const quint64 pastZ = word + (0x7f - 'Z') * ones;
    return word | ((fromA & ~pastZ & highBits) >> 2);
}

// n bytes of UTF-8 from from, case-folded as FTS5 folds them (CaseFold), into to (room for
// n * 3 / 2 + 8 bytes: a folded code point may take 3 bytes for 2); the folded length. A NUL
// ends the text, as it ends FTS5's trigrams of it. Bytes that are not UTF-8 stay as they are.
qsizetype foldInto(const char *from, qsizetype n, char *to)
{
    static const CaseFold &caseFold = CaseFold::instance();
    const CaseFold::Lookup fold = caseFold.lookup();
    const auto *in = reinterpret_cast<const unsigned char *>(from);
    qsizetype i = 0;
    qsizetype o = 0;
    while (i < n) {
        if (i + 8 <= n) {
            const quint64 word = qFromLittleEndian<quint64>(in + i);
            // The bytes past ASCII, and the NULs (the first flagged byte is the first NUL).
            const quint64 special = (word & highBits) | ((word - ones) & ~word & highBits);
            if (special == 0) {
                qToLittleEndian(foldAsciiWord(word), to + o);
                i += 8;
                o += 8;
                continue;
            }
            // The plain bytes before the first special one, then that one below.
            const int plain = int(qCountTrailingZeroBits(special) / 8);
            for (int k = 0; k < plain; ++k) {
                const unsigned char c = in[i + k];
                to[o + k] = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            }
            i += plain;
            o += plain;
        }
        unsigned char c = in[i];
        if (c < 0x80) {
            if (c == 0)
                break;
            to[o++] = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
            ++i;
            continue;
        }
        // Past ASCII: code points one by one for as long as they come.
        do {
            // Two bytes (Latin, Greek, Cyrillic, ...), the most common, decoded here.
            if (c >= 0xc2 && c <= 0xdf && i + 1 < n && (in[i + 1] & 0xc0) == 0x80) {
                const char32_t code = char32_t((c & 0x1f) << 6) | (in[i + 1] & 0x3fu);
                const char32_t folded = fold(code);
                if (folded == code) {
                    to[o] = char(c);
                    to[o + 1] = char(in[i + 1]);
                    o += 2;
                } else {
                    o += encodeUtf8(folded, to + o);
                }
                i += 2;
                continue;
            }
            char32_t code = 0;
            const int length = decodeUtf8(in + i, n - i, &code);
            if (length == 0) { // not UTF-8: the byte as it is
                to[o++] = char(c);
                ++i;
                continue;
            }
            // Most code points past two bytes have no case (CJK): their bytes as they are.
            const char32_t folded = fold(code);
            if (folded == code)
                std::memcpy(to + o, in + i, size_t(length));
            o += folded == code ? length : encodeUtf8(folded, to + o);
            i += length;
        } while (i < n && (c = in[i]) >= 0x80);
    }
    return o;
}

// The room foldInto() needs for n bytes.
qsizetype foldRoom(qsizetype n)
{
    return n + n / 2 + 8;
}

// The n bytes of UTF-8 at s cleaned, in place: each run of cleanedAway() characters made one
// space (not trimmed). The cleaned length.
qsizetype cleanInPlace(char *s, qsizetype n)
{
    const auto *in = reinterpret_cast<const unsigned char *>(s);
    qsizetype o = 0;
    bool space = false; // the last byte written is a space
    for (qsizetype i = 0; i < n;) {
        char32_t code = in[i];
        int length = 1;
        if (code >= 0x80) {
            length = decodeUtf8(in + i, n - i, &code);
            if (length == 0) {
                length = 1;
                code = 0xfffd; // not cleaned
            }
        }
        if (StoreSqlite::cleanedAway(code)) {
            if (!space)
                s[o++] = ' ';
            space = true;
        } else {
            for (int k = 0; k < length; ++k)
                s[o + k] = s[i + k];
            o += length;
            space = false;
        }
        i += length;
    }
    return o;
}

// Whether text, folded as foldInto() does (and cleaned, with cleaned), holds needle (already
// folded, and cleaned). The fold goes through a buffer kept per thread (96 KiB, made once), and
// glibc's memmem does the search: a text is a few kilobytes, and the check runs for every
// candidate a full-text lookup gives. A longer text (a big mail's body) gets a buffer of its
// own, so that no thread keeps megabytes after it.
bool foldedContains(const char *text, qsizetype size, const std::string &needle, bool cleaned)
{
    if (needle.empty())
        return true;
    if (size + size / 2 < qsizetype(needle.size())) // a fold grows by half at most (Ⱥ -> ⱥ)
        return false;
    constexpr qsizetype keptBuffer = 96 * 1024 + 8;
    thread_local std::unique_ptr<char[]> kept(new char[keptBuffer]);
    std::unique_ptr<char[]> own;
    char *folded = kept.get();
    if (foldRoom(size) > keptBuffer) {
        own.reset(new char[size_t(foldRoom(size))]);
        folded = own.get();
    }
    qsizetype length = foldInto(text, size, folded);
    if (cleaned)
        length = cleanInPlace(folded, length);
    return memmem(folded, size_t(length), needle.data(), needle.size()) != nullptr;
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

// Gives smtp_contains()'s result (see storesqlite.h); an error only when out of memory or
// interrupted. count: the arguments, the five columns and the needle, then maybe the message's id.
void containment(sqlite3_context *context, int count, sqlite3_value **arguments)
{
    sqlite3_value *needleValue = arguments[textColumns];
    if (sqlite3_value_type(needleValue) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const Needle *needle = needleOf(context, needleValue, textColumns, true);
    if (!needle) {
        sqlite3_result_error_nomem(context);
        return;
    }
    if (needle->never) {
        sqlite3_result_int(context, 0);
        return;
    }
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
    if (sqlite3_value_type(arguments[1]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const Needle *needle = needleOf(context, arguments[1], 1, cleaned);
    if (!needle) {
        sqlite3_result_error_nomem(context);
        return;
    }
    if (needle->never) {
        sqlite3_result_int(context, 0);
        return;
    }
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
    CaseFold::instance(); // read once, before the first search needs it
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
