// The store's SQLite schema, its versions and the checks made before a file is used.
#pragma once

#include "searchquery.h"
#include "smtpmessagestore.h"

#include <QString>
#include <QVariantList>

class QSqlDatabase;

namespace StoreSchema {

// How long every connection to a store waits for another's lock before it gives up: another
// process, or this one's writer or indexer, may hold it for a moment.
constexpr int busyTimeoutMs = 5000;

// PRAGMA application_id of every smtp-receiver database: "SMTR".
constexpr int applicationId = 0x534D5452;
// PRAGMA user_version: the schema this build writes. Older files are migrated; newer refused.
// 1: messages, raw, HTML, FTS5. 2: + counters (message and unread counts kept by triggers).
// 3: + indexes for sorting by From, To, Subject and Size. 4: + unindexed (background indexing).
// 5: + messages_trigram (substring search). 6: + message_releases (releases to a relay).
// 7: + mailboxes and message_mailboxes (a message's mailboxes, counts per mailbox).
// 8: + encoding of message_raw and message_html (zstd-compressed rows beside verbatim ones).
// 9: full-text content in message_text (the body compressed), messages_words for messages_fts.
// 10: + messages_from_trigram and messages_to_trigram (from: and to: without the whole text).
// 11: + compression_dictionaries (zstd dictionaries trained on the store's own mail).
// 12: a text body found in the raw bytes as it is kept as a reference to them (Slice).
// 13: - the triggers that counted each inserted message in (the writer counts a commit's mail).
// 14: the HTML body as it reads in the search text (c4, after the attachment names);
//     - messages_words (the word index: searches match substrings of any length).
// 15: + messages.bcc_header (bcc: and the search text read a Bcc header too).
// 16: the mail indexed before 15 read again for its Bcc header (search_text_stale).
constexpr int currentVersion = SmtpMessageStore::schemaVersion;

// A sort key of SmtpMessageStore::summaries() as SQL over the messages table (no alias), with
// its collation: ORDER BY it (then id) and the keyset conditions use it as it is, because SQLite
// reads an index on an expression only for that very expression. Received is "id".
SMTPRECEIVER_TEST_EXPORT QLatin1String sortExpression(SmtpSortKey key);

// One page of SmtpMessageStore::summaries(): the SQL that follows "SELECT <columns> FROM
// messages m " (WHERE, ORDER BY, LIMIT) and its bindings in order. search must be valid.
struct PageSql
{
    QString from = QStringLiteral("messages m"); // SELECT <summary columns> FROM <from> <sql>
    QString sql;
    QVariantList bindings;
};
// How a page of a search whose leading condition is a full-text lookup (SearchQuery::
// leadingMatchTable) finds its rows (see pageSql()): sorted by anything but arrival, any of
// them; newest (or oldest) first, the index's own order or WalkMailbox.
enum class MatchPlan {
    SortMatches, // look every match up by id and sort them: few matches
    WalkList, // walk the key's index, testing each row against the list of matches (built once)
    WalkChecks, // walk the key's index, reading the checks alone: SearchQuery::leadingMatchImplied
    // Read the messages of the query's mailbox (SearchQuery::mailbox), the checks alone, and
    // sort them: a small mailbox and a term of more matches, implied (as WalkChecks).
    WalkMailbox,
};
// The bounds by which a search's plan is chosen (SmtpMessageStorePrivate::matchPlan() and
// readPage()), read afresh for each query. Tests set them to reach every plan on a small store.
struct PlanLimits
{
    // Below this many matches of the leading full-text term, SortMatches. Sorting n looked-up
    // matches costs about n row reads and checks (about 13 us each on a million messages, warm:
    // 9,000 matches 120 ms); walking the key's index with the list of matches costs building the
    // list (about 0.2 us a match) and a step per index entry until a page is found: p * total / n
    // steps when the matches are spread over the key's order, but the whole index (over a
    // second, more when each listed row's other checks read the row) when they sort last. The
    // bound keeps the sort in the tens of milliseconds.
    int fewMatches = 5000;
    // From this share of the messages (in thousandths) among the first fewMatches matches' ids
    // on, WalkChecks when the leading term is implied. Walking the key's index reading the
    // checks alone costs a check per row walked (a word in the text: 10-40 us, the text read),
    // about p * total / n of them: cheaper than the list only when most messages match, where the
    // list is long ("project", 57% of the messages by its trigrams: 20-50 ms against 120 ms; a
    // name in 26%: 220 ms against 140 ms).
    int denseMatchesPermille = 400;
    // Up to this many messages in the query's mailbox, and fewer than the leading term's matches
    // counted up to fewMatches, WalkMailbox (0: never). Walked in the word's index (newest first)
    // or a key's, a page of a word of many matches in a small mailbox passes every match outside
    // the mailbox ("project", in 470,000 of a million messages, in a mailbox of 500: 0.7 s newest
    // first, 0.3-0.8 s sorted). Reading the mailbox's messages and checking each instead costs
    // about 25 us a message (13 ms for those 500): up to this bound it loses little where the
    // word's walk would have been quick (a small store).
    int smallMailbox = 1000;
    // How many instructions of SQLite's virtual machine a walk of a key's index over the matches
    // of a header's index (SearchQuery::leadingMatchOfHeader()) may take before the matches are
    // sorted instead (StoreSqlite::StatementBudget). A header's matches are nearly its
    // candidates, and sorting them costs a row read each (16,744 senders named Alice in a
    // million: 60-120 ms); walking a key's index costs 7-11 ms, but the whole index when they
    // sort last (by sender, descending: 0.3 s). The walks that find a page of those Alices ran
    // 77,000-177,000 instructions (by sender ascending, by recipient, subject or size); past
    // three times that, about 30 ms, a walk gives way to the sort, when there are at most
    // sortableHeaderMatches to sort.
    qint64 walkInstructions = 600000;
    // A walk of a key's index reads the search's mailbox as a list of its messages
    // (pageSql()'s listMailbox) unless that costs more than this many times the probes of
    // message_mailboxes it is expected to make, one per row it passes (0: never a list). Mail
    // filed together often sorts together, and a walk then passes many more rows than expected
    // (see SmtpMessageStorePrivate::listsMailbox()).
    double mailboxListFactor = 10;
};
SMTPRECEIVER_TEST_EXPORT PlanLimits planLimits();
SMTPRECEIVER_TEST_EXPORT void setPlanLimits(const PlanLimits &limits); // tests
// At most this many candidates of a header's index are sorted when a walk gives way (more,
// and the sort would cost more than most walks: 200,000 rows, a second).
constexpr qint64 sortableHeaderMatches = 40000;
// Whether pageSql() and countSql() can read the search as WalkMailbox: its mailbox condition
// right after its leading full-text lookup, which its checks imply.
SMTPRECEIVER_TEST_EXPORT bool mailboxCanLead(const SearchQuery &search);

// plan: how the leading full-text term is read (see SmtpMessageStorePrivate::matchPlan()), when
// the search has one: sorted by anything but arrival, any plan; by arrival, only WalkMailbox
// changes the SQL. listMailbox: sorted by anything but arrival, the search's mailbox
// (SearchQuery::mailbox) is read once as a list of its messages, not looked up for each row.
SMTPRECEIVER_TEST_EXPORT PageSql pageSql(const SearchQuery &search, const SmtpPageRequest &page,
    MatchPlan plan = MatchPlan::WalkList, bool listMailbox = false);

// The one of search's leading terms (SearchQuery::leadingTerms) that finds the fewest messages,
// estimated from a bounded look at each (newestId: the store's newest id); the leading binding
// as it is when there is no choice. A walk's list of candidates is read from that term alone
// when the search's checks imply its lookup (SearchQuery::leadingMatchImplied).
SMTPRECEIVER_TEST_EXPORT QString rarestTerm(
    QSqlDatabase &db, const SearchQuery &search, qint64 newestId);

// The matches of search counted (or otherwise read in no order): the SQL that follows
// "SELECT count(*) ... FROM <from> WHERE ", read as plan says (only WalkMailbox changes it).
SMTPRECEIVER_TEST_EXPORT PageSql countSql(const SearchQuery &search, MatchPlan plan);

// When the indexer trains the store's compression dictionary (storecompression.h): once the
// store holds `after` messages and has none, on the raw bytes of its newest `samples` messages
// (each cut to sampleBytes: the headers and the start of the body are what mail repeats; at most
// sampleTotal in all, which bounds the memory the training takes, about twice that and zstd's
// 2 MB), into at most dictionaryBytes. On bench/make-store's mix 1,000 samples made a dictionary
// of 16 KiB as good as one of 32 or 110 KiB (1,163 bytes a message against 1,164 and 1,190);
// 32 KiB leaves room for mail more varied than the mix (several apps' templates in one store),
// and zstd suggests samples of about 100 times the dictionary.
struct DictionaryTraining
{
    qint64 after = 1000;
    int samples = 1000;
    int sampleBytes = 8 * 1024;
    int sampleTotal = 4 * 1024 * 1024;
    int dictionaryBytes = 32 * 1024;
};
SMTPRECEIVER_TEST_EXPORT DictionaryTraining dictionaryTraining();
SMTPRECEIVER_TEST_EXPORT void setDictionaryTraining(const DictionaryTraining &training); // tests

// Sets the connection's pragmas (WAL, synchronous=FULL, busy timeout).
bool configure(QSqlDatabase &db, QString *errorString);
// Checks that the file is ours (or empty), creates or migrates the schema. Writer only; the
// connection has StoreSqlite::installFunctions().
bool prepare(QSqlDatabase &db, QString *errorString);

} // namespace StoreSchema
