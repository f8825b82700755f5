// SmtpMessageStore's private side, shared by the files of src/core/store: the connections, the
// writer thread's queue (storewriter.cpp), the background indexer (storeindexer.cpp), the watch
// for other processes' writes (storewatcher.cpp). Never installed.
#pragma once

#include "mime/mimeparser.h"
#include "smtpmessagestore.h"
#include "store/searchquery.h"
#include "store/storecompression.h"
#include "store/storeschema.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>
#include <QUuid>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

class QSqlQuery;
class QTimer;
struct sqlite3;

namespace StoreInternal {

// Store messages for the user, through Qt's translation ("SmtpMessageStore" context).
QString tr(const char *text);

// The writer reads the inbox headers of a message not in memory (spooled while it arrived) from
// at most this many of its first octets.
constexpr qint64 headerReadLimit = 256 * 1024;

// The indexer's batch is at most this many messages (storeindexer.cpp); a commit that brings
// this many waiting wakes it (storewriter.cpp).
constexpr int indexBatchMessages = 256;

// The columns summaries are read from (table alias m), in readSummary()'s order.
extern const char summaryColumns[];
SmtpMessageSummary readSummary(const QSqlQuery &q);
// The summaries a page query selects (StoreSchema::pageSql, maybe with more clauses appended),
// read on db; empty, with errorString, when SQLite refuses it.
QList<SmtpMessageSummary> readSummaries(QSqlDatabase &db, const QString &from,
    const QString &clauses, const QVariantList &bindings, QString *errorString);

// How far the full-text index is complete, as any connection reads it from the file: the id
// before the oldest message still unindexed, or the newest id when none is (0: no mail). Whose
// indexer did the work (this process's or another's) does not matter. nullopt when it cannot be
// read.
std::optional<qint64> readIndexedUpTo(QSqlDatabase &db);

// Raises value to at least to, never lowering it, also while another thread raises it.
inline void raiseTo(std::atomic<qint64> &value, qint64 to)
{
    qint64 now = value.load();
    while (now < to && !value.compare_exchange_weak(now, to)) { }
}

// One change that is not new mail, counted in SmtpMessageStorePrivate::nonAdditiveChanges around
// the transaction that makes it: once when made (before the commit) and once when gone.
class NonAdditiveChange
{
public:
    explicit NonAdditiveChange(std::atomic<quint64> &changes)
        : m_changes(changes)
    {
        ++m_changes;
    }
    ~NonAdditiveChange() { ++m_changes; }
    NonAdditiveChange(const NonAdditiveChange &) = delete;
    NonAdditiveChange &operator=(const NonAdditiveChange &) = delete;

private:
    std::atomic<quint64> &m_changes;
};

} // namespace StoreInternal

struct StoreJob
{
    SmtpMessage message; // a delivery, when done is set
    SmtpMessageSink::Completion done;
    std::function<void(QSqlDatabase &)> task; // otherwise: a write of the API, in order with mail
};

// What the indexer found in one stored message, for the writer to record.
struct IndexedMessage
{
    qint64 id = 0;
    qint64 receivedAt = 0; // ms since the epoch, as the messages row has it
    QString sender; // the FTS columns built from the envelope and the parse
    QString recipients;
    // The From and To headers as the messages row has them (what the delete trigger tells
    // their indexes to forget).
    QString fromHeader;
    QString toHeader;
    MimeParsedMessage parsed;
    StoreCompression::Stored html; // the HTML body as message_html keeps it
    StoreCompression::Stored textBody; // the text body as message_text keeps it (its c3)
    QByteArray textUtf8; // the parse's text body in UTF-8 (null when it has none), made once
    // The attachment names, then the HTML body as it reads (SmtpHtmlToText), one line apart: the
    // rest of the search text, in UTF-8 and as message_text keeps it (its c4).
    QByteArray otherUtf8;
    StoreCompression::Stored otherText;
    // Only c2, c4 and the Bcc header are made again, for a message an older version indexed
    // (search_text_stale); a null otherUtf8 then means the message is gone or unreadable, has
    // neither HTML nor a Bcc header (it was not parsed: they cannot have changed), or they come
    // out the same: only its mark is dropped.
    bool refresh = false;
};

// The statements that store new mail, prepared once per writer connection (storewriter.cpp).
struct DeliveryStatements;
// The statements that record the indexer's work, prepared once on the writer's connection
// (storeindexer.cpp).
struct IndexStatements;

class SmtpMessageStorePrivate
{
public:
    explicit SmtpMessageStorePrivate(SmtpMessageStore *store)
        : q(store)
        , prefix(QStringLiteral("smtpreceiver-store-")
              + QUuid::createUuid().toString(QUuid::WithoutBraces) + QLatin1Char('-'))
    { }

    SmtpMessageStore *q;
    const QString prefix; // of this store's connection names
    QString path;
    QString databaseName; // what QSQLITE opens (a URI for ":memory:")
    int memoryDatabases = 0; // ":memory:" opened so far, each its own database
    QString connectOptions;
    QString errorString;
    std::atomic<bool> isOpen { false };
    std::atomic<qint64> count { 0 };
    std::atomic<qint64> unread { 0 };
    std::atomic<qint64> maxMessages { 0 };
    std::atomic<qint64> maxPerMailbox { 0 };
    // What nonAdditiveChanges() answers: bumped before a removal, a read flag, a prune or a
    // clear commits and again after it (StoreInternal::NonAdditiveChange), by 2 for another
    // process's such change once the watcher sees it and for an open.
    std::atomic<quint64> nonAdditiveChanges { 0 };

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<StoreJob> queue;
    bool stopping = false;
    std::thread writer;

    // The background indexer (storeindexer.cpp); its state is guarded by mutex too.
    std::thread indexer;
    std::condition_variable indexWake;
    bool indexerStopping = false;
    quint64 commitGeneration = 0; // counts the writer's commits of new mail
    qint64 newestCommitted = 0; // the newest message id committed
    qint64 committedSinceIndex = 0; // messages committed since the indexer last looked
    // A commit wakes the indexer only when it waits for mail (or when a batch is full): while it
    // lets a stream gather, it reads lastCommitAt at the times it set itself. Waking it for every
    // commit cost each message of a one-message-per-connection stream a switch to the indexer
    // and back (and the writer a futex wake) for nothing.
    bool indexerWaitsForMail = false;
    std::chrono::steady_clock::time_point lastCommitAt; // of new mail
    // The writer's transactions and the indexer's share this lock, and the writer goes first:
    // it says it waits (writersWaiting) before it takes the lock; the indexer ends its
    // transaction after the message it is writing when it sees that, and lets every waiting
    // writer in (writeIdle) before its next one. So a 250 waits for at most one message's
    // index rows, not for a batch.
    std::mutex writeLock;
    std::condition_variable writeIdle;
    std::atomic<int> writersWaiting { 0 };
    // Set by an indexer that waited gatherAtMost for the lock while mail kept the writer busy:
    // the writer then lets it record one transaction before its next, so that the search lag
    // stays bounded under a steady stream.
    std::atomic<bool> indexerStarved { false };
    // The writer's connection, from before the store opens until after the indexer has stopped.
    // The indexer records its rows through it too, under writeLock. Why not a connection of its
    // own: SQLite drops a connection's whole page cache once another connection has written to
    // the file, so each commit of mail and each of the indexer's made the other read its pages
    // again (perf stat: 4.4 reads of the file a W1 message, 1.1 with one connection).
    QSqlDatabase *writerConnection = nullptr;
    std::atomic<qint64> indexedUpTo { 0 };
    std::atomic<bool> indexCaughtUp { false };
    // What indexedUpTo() and isIndexCaughtUp() answer: the values as last signalled, changed on
    // the store's thread together with indexedUpToChanged() / indexCaughtUp() / messagesAdded().
    // A reader that sees "caught up" has then also had every slot connected to those signals run.
    std::atomic<qint64> indexedUpToSignalled { 0 };
    std::atomic<bool> indexCaughtUpSignalled { false };

    mutable QMutex readersMutex;
    mutable QStringList readerNames;

    // The dictionaries this store's frames may name (storecompression.h), emptied at each open,
    // which every connection's SQL functions share; and the one new frames are compressed with
    // (none until the store has trained one: trainDictionaryIfDue()).
    const std::shared_ptr<StoreCompression::Dictionaries> dictionaries
        = std::make_shared<StoreCompression::Dictionaries>();
    std::shared_ptr<const StoreCompression::Dictionary> currentDictionary() const
    {
        return std::atomic_load(&m_dictionary);
    }
    void setCurrentDictionary(std::shared_ptr<const StoreCompression::Dictionary> d)
    {
        std::atomic_store(&m_dictionary, std::move(d));
    }
    // The newest message id from which the indexer next tries to train one, once the store
    // holds StoreSchema::DictionaryTraining::after messages (0: then at once). Indexer thread.
    qint64 nextTraining = 0;
    // When the indexer last gave the CPU up (storeindexer.cpp). Indexer thread.
    std::chrono::steady_clock::time_point indexerGaveWayAt {};
    // Reads the store's dictionaries on db: all known, the newest current (the writer at open;
    // the indexer before it would train one, as another process may have).
    bool loadDictionaries(QSqlDatabase &db, QString *error);
    // Indexer thread: trains a dictionary on the newest mail once the store has enough and has
    // none, and records it before anything is compressed with it.
    void trainDictionaryIfDue(QSqlDatabase &db);

    // While one lives, a commit on the writer's connection is not synced by itself
    // (synchronous=NORMAL): for writes that lose nothing acknowledged in a crash (a prune, the
    // indexer's rows); the next commit of mail syncs the log with them. Made and ended under
    // writeLock. Should the connection not sync its commits again, no more mail is acknowledged
    // (commitsNotDurable).
    class UnsyncedCommits
    {
    public:
        UnsyncedCommits(SmtpMessageStorePrivate *store, QSqlDatabase &db); // the writer's
        ~UnsyncedCommits();
        UnsyncedCommits(const UnsyncedCommits &) = delete;
        UnsyncedCommits &operator=(const UnsyncedCommits &) = delete;

    private:
        SmtpMessageStorePrivate *m_store;
        sqlite3 *m_db;
        bool m_relaxed;
    };

    // Watching for other processes' writes
    QTimer *watchTimer = nullptr;
    qint64 dataVersion = -1;
    std::atomic<qint64> newestNotified { 0 };
    void checkForExternalChanges();

    // A connection to the store; with gatherLogWrites, a file store's connection writes its
    // log through StoreWalVfs (the connection that writes: the writer's).
    QSqlDatabase openConnection(
        const QString &name, QString *error, bool gatherLogWrites = false) const;
    QSqlDatabase readConnection(QString *error = nullptr) const;
    void writerLoop(std::promise<QString> *opened);
    // New mail in one transaction, through the writer's statements; writer thread only (its
    // loop and its tasks).
    void writeMessages(QSqlDatabase &db, std::vector<StoreJob> &batch);
    DeliveryStatements *deliveryStatements = nullptr; // the writer's, while its loop runs
    // Set when the writer's connection could not be made to sync its commits again after
    // commits that need not sync (UnsyncedCommits): from then on no mail is acknowledged. Read
    // and written under writeLock.
    bool commitsNotDurable = false;
    void indexerLoop();
    void indexLoop(QSqlDatabase &db, IndexStatements &statements);
    // Both false when there is nothing more to do now; *failed says whether that is because a
    // read or a commit failed (then the loop tries again later, mail or not).
    bool indexPending(QSqlDatabase &db, IndexStatements &statements, quint64 generation,
        qint64 newest, bool *failed);
    // One batch of search_text_stale; false when none is left (or a read or commit failed).
    bool refreshSearchText(QSqlDatabase &db, IndexStatements &statements, bool *failed);
    bool writeIndex(QSqlDatabase &db, IndexStatements &statements,
        std::vector<IndexedMessage> &batch, bool *failed);
    bool recordTransaction(QSqlDatabase &db, IndexStatements &statements,
        const std::vector<IndexedMessage> &batch, size_t *next, QString *error);
    void startIndexer();
    void stopIndexer();
    // Deletes the oldest mail over the maximums, appending the ids to *removed. Before its first
    // delete it emplaces *change, which the caller ends once the deletes have committed. On
    // failure count and unread keep what the deletes that committed took out (in a transaction
    // of the caller's, what the caller reverts).
    bool prune(QSqlDatabase &db, QList<qint64> *removed,
        std::optional<StoreInternal::NonAdditiveChange> *change, QString *error);
    // Prunes to the maximums in a task of its own (after one of them was lowered).
    void pruneNow();
    // Prunes to the maximums after a commit of mail (storewriter.cpp); the ids removed.
    QList<qint64> pruneAfterDelivery(QSqlDatabase &db);
    // A query compiled as the options read it, bounded by what the indexer has passed when it
    // needs the index (storequeries.cpp). Invalid: errorString says why. With a bound in the
    // options, *upTo gets the id the query reads up to (see SmtpMatchCount::upToId).
    SearchQuery search(
        const QString &query, const SmtpSearchOptions &options, qint64 *upTo = nullptr) const;
    // Adds the options' id bounds to a compiled query; readable: the newest id it may read.
    static void boundIds(
        SearchQuery *search, const SmtpSearchOptions &options, qint64 readable, qint64 *upTo);
    // How StoreSchema::pageSql() (or countSql()) reads the search's leading full-text term for
    // that page, by the term's matches counted up to StoreSchema::PlanLimits::fewMatches and the
    // ids they span, and by the counter of the search's mailbox. *matches, when given: about how
    // many candidates the term has in all (exact below that bound; -1 when it was not counted).
    StoreSchema::MatchPlan matchPlan(QSqlDatabase &db, const SearchQuery &search,
        const SmtpPageRequest &page, qint64 *matches = nullptr) const;
    // Whether a walk of a key's index for that page reads the search's mailbox as a list
    // (StoreSchema::pageSql()'s listMailbox), by the mailbox's counter and the leading term's
    // matches (matchPlan()'s estimate; -1: none).
    bool listsMailbox(const SearchQuery &search, const SmtpPageRequest &page, qint64 matches) const;
    // One page of a search (from offset, when not negative), by matchPlan()'s plan; a walk of a
    // key's index over a header's matches, few enough to sort, that outruns
    // StoreSchema::PlanLimits::walkInstructions is given up for sorting them.
    QList<SmtpMessageSummary> readPage(QSqlDatabase &db, const SearchQuery &search,
        const SmtpPageRequest &page, qint64 offset, QString *error) const;
    // Every match of the search, in no order (to count, remove or mark them): countSql() by the
    // plan of its newest page.
    StoreSchema::PageSql matchingSql(QSqlDatabase &db, const SearchQuery &search) const;
    // Removes these messages in one transaction, on the writer's connection db, and tells of it
    // (messagesRemoved(), countChanged()); false, with *error, when nothing was removed.
    bool removeNow(QSqlDatabase &db, const QList<qint64> &ids, QString *error);
    bool runTask(std::function<void(QSqlDatabase &)> task);
    // Hands job to the writer, without waiting for it (it is moved from then); false, job left as
    // it was, when the store is closing.
    bool post(StoreJob &job);
    void notify(std::function<void()> what);

private:
    std::shared_ptr<const StoreCompression::Dictionary> m_dictionary;
};
