// The store's direct use of SQLite's C API beneath Qt Sql: a connection's handle, and the SQL
// functions the schema calls.
#pragma once

#include "smtpreceiver_global.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

struct sqlite3;

namespace StoreCompression {
class Dictionaries;
}

namespace StoreSqlite {

// The sqlite3 handle of an open QSQLITE connection; null for any other.
SMTPRECEIVER_TEST_EXPORT sqlite3 *handle(const QSqlDatabase &db);

// Defines, on this connection, the functions the schema's view and the indexer call (schema
// version 9 keeps long full-text bodies compressed, see storecompression.h):
//   smtp_pack(text)  a zstd frame of text's UTF-8 (a BLOB) when that is smaller, else text itself;
//                    NULL stays NULL; a BLOB is an error (it would read back as a frame).
//   smtp_text(value [, id])
//                    what smtp_pack was given: a BLOB is expanded to its text, anything else is
//                    returned as it is; a damaged frame gives NULL (with a warning), never other
//                    text. (Its message is then found by its other columns only, and removing
//                    it leaves the indexes' entries for its id, which no message has again.)
//                    A BLOB that is a reference to the raw bytes (schema 12, Slice in
//                    storecompression.h) is read from message_raw's row id; without an id, or
//                    when that row does not hold it, it gives NULL (with a warning).
//   smtp_contains(c0, c1, c2, c3, c4, needle [, id])
//                    1 when the search text contains needle, both cleaned and case-folded, else
//                    0 (NULL for a NULL needle): the search text is the five text columns of
//                    message_text, NULL as '', c3 and c4 expanded as smtp_text() does (c4 is
//                    a frame from schema 14 on when it holds a long HTML body's text), joined
//                    by spaces; cleaned is Mailpit's cleaning (http-api.md §3.2 rule 4: the
//                    cleanedAway() characters made spaces, runs of them one space, and the
//                    needle trimmed), so "hello,bob" finds "Hello Bob, this". It never builds
//                    the joined text, nor expands c3 or c4, when one column already has it,
//                    and cleans a text only for a needle with a space (without one, a needle is
//                    in the cleaned text exactly when it is in the text); an error only when
//                    out of memory or interrupted (reading a reference runs a statement of its
//                    own). The fold is FTS5's, the trigram index's own (Unicode's simple case
//                    folding as SQLite has it: Ä -> ä, Σ and ς -> σ, K (Kelvin) -> k), so that a
//                    text that contains a needle always has the needle's trigrams in the index
//                    (those within its words: the cleaning changes no other); a text ends at its
//                    first NUL, as FTS5's trigrams of it do (a needle with a NUL is in none).
//                    For the store's queries alone (SQLITE_DIRECTONLY: no schema may call it).
//   smtp_contains(text, needle)
//                    the same of one text (NULL as ''). SQLITE_DIRECTONLY.
//   smtp_contains_uncleaned(text, needle)
//                    1 when text (NULL as '') case-folded contains needle case-folded, neither
//                    cleaned (a subject: value is only lowercased), else 0 (NULL for a NULL
//                    needle). SQLITE_DIRECTONLY.
//   smtp_names_address(address, list [, list])
//                    1 when one of the address lists (header values, NULL as '') has a mailbox
//                    whose address is address, both lowercased (SmtpAddressList::contains(): a
//                    substring is not enough), else 0. SQLITE_DIRECTONLY.
//   smtp_listed(list, key, id)
//                    1 when id is among the ids of list for key, else 0: list is one of the
//                    full-text tables messages_trigram, messages_from_trigram and
//                    messages_to_trigram (the rowids whose text MATCHes key), or "mailbox"
//                    (the messages in the mailbox named key). The ids are read once per
//                    statement, on its first call, into a bitmap (with key a bound parameter),
//                    so that a walk of an index tests each row for a few nanoseconds. An error
//                    when list is none of these, when out of memory or interrupted. For the
//                    store's queries alone (SQLITE_DIRECTONLY).
// Every connection to a store needs them before it reads the full-text content (the view
// messages_fts_content; the searches that check a word's text, through smtp_contains()) or
// deletes a message. A body compressed with a dictionary is expanded with the one dictionaries
// has, or else the one this connection reads from compression_dictionaries (without
// dictionaries: always that). False, with *errorString, when they cannot be defined.
SMTPRECEIVER_TEST_EXPORT bool installFunctions(const QSqlDatabase &db, QString *errorString,
    std::shared_ptr<const StoreCompression::Dictionaries> dictionaries = {});

// Whether Mailpit's cleaning (http-api.md §3.2 rule 4) makes c a space: line ends, tabs and
// < > " , ; ( ), and the white space it collapses (Go's unicode.IsSpace, which QChar::isSpace()
// agrees with). smtp_contains() cleans with it, and so does SearchQuery.
constexpr bool cleanedAway(char32_t c)
{
    switch (c) {
    case u'\t':
    case u'\n':
    case u'\v':
    case u'\f':
    case u'\r':
    case u' ':
    case u'<':
    case u'>':
    case u'"':
    case u',':
    case u';':
    case u'(':
    case u')':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200a;
    }
}

// utf8 case-folded as smtp_contains() folds texts and needles (FTS5's folding, read from the
// SQLite this program runs on), up to its first NUL. For tests.
SMTPRECEIVER_TEST_EXPORT QByteArray foldCase(const QByteArray &utf8);

// The page cache, in KiB, of a connection that reads a store file of fileBytes: about 1/256 of
// the file, which holds the inner pages of its tables and indexes (what every lookup passes
// through), between SQLite's default of 2,000 KiB and 16 MiB. A small store keeps the default;
// on 1,000,000 messages (5.5 GB) 16 MiB made sorted and filtered pages 10-50 % faster, warm.
// The cache grows only as pages are read.
SMTPRECEIVER_TEST_EXPORT int readCacheKiB(qint64 fileBytes);

// While it lives, the connection's statements are interrupted (they fail with "interrupted")
// once they have run about budget instructions of SQLite's virtual machine between them: a plan
// that turns out slow is given up for another. Counted, not timed, so that the same query on the
// same data gives up at the same point however busy the machine is. SQLite's progress handler,
// called every hundred instructions; one per connection at a time.
class SMTPRECEIVER_TEST_EXPORT StatementBudget
{
public:
    StatementBudget(const QSqlDatabase &db, qint64 budget);
    ~StatementBudget();
    StatementBudget(const StatementBudget &) = delete;
    StatementBudget &operator=(const StatementBudget &) = delete;

    // Whether a statement was interrupted.
    bool spent() const { return m_spent; }

private:
    static int step(void *budget);

    sqlite3 *m_db;
    qint64 m_left; // progress handler calls
    bool m_spent = false;
};

} // namespace StoreSqlite
