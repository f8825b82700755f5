// Case folding as FTS5's trigram tokenizer folds, and Mailpit's cleaning (storetextfold.h).
#include "store/storetextfold.h"

#include "smtplog.h"
#include "store/storesqlite.h"

#include <QString>
#include <QtEndian>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace {

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

} // namespace

namespace StoreTextFold {

void prepare()
{
    CaseFold::instance();
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

} // namespace StoreTextFold
