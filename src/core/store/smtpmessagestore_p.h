// SmtpMessageStore's private side, shared by the files of src/core/store: the connections, the
// writer thread's queue (storewriter.cpp), the background indexer (storeindexer.cpp), the watch
// for other processes' writes (storewatcher.cpp). Never installed.
#pragma once

#include "mime/mimeparser.h"
#include "smtpmessagestore.h"
#include "store/searchquery.h"
#include "store/storecompression.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>
#include <QUuid>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

class QSqlQuery;
class QTimer;

namespace StoreInternal {

// Store messages for the user, through Qt's translation ("SmtpMessageStore" context).
QString tr(const char *text);

// The columns summaries are read from (table alias m), in readSummary()'s order.
extern const char summaryColumns[];
SmtpMessageSummary readSummary(const QSqlQuery &q);
// The summaries a page query selects (StoreSchema::pageSql, maybe with more clauses appended),
// read on db; empty, with errorString, when SQLite refuses it.
QList<SmtpMessageSummary> readSummaries(QSqlDatabase &db, const QString &from,
    const QString &clauses, const QVariantList &bindings, QString *errorString);

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
    QString sender; // the FTS columns built from the envelope and the parse
    QString recipients;
    MimeParsedMessage parsed;
    StoreCompression::Stored html; // the HTML body as message_html keeps it
};

// A batch of parsed messages the indexer hands the writer; done says whether it committed.
// The statements that store new mail, prepared once per writer connection (storewriter.cpp).
struct DeliveryStatements;
struct IndexStatements;
struct IndexStatementsDeleter
{
    void operator()(IndexStatements *statements) const;
};

struct IndexBatch
{
    std::vector<IndexedMessage> messages;
    std::size_t next = 0; // the first message not recorded yet
    std::promise<bool> done;
};

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
    QString connectOptions;
    QString errorString;
    std::atomic<bool> isOpen { false };
    std::atomic<qint64> count { 0 };
    std::atomic<qint64> unread { 0 };
    std::atomic<qint64> maxMessages { 0 };
    std::atomic<qint64> maxPerMailbox { 0 };

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
    IndexBatch *indexBatch = nullptr; // waiting for the writer
    bool indexTurn = false; // the writer owes the indexer a turn between two commits of mail
    std::atomic<qint64> indexedUpTo { 0 };
    std::atomic<bool> indexCaughtUp { false };
    // What indexedUpTo() and isIndexCaughtUp() answer: the values as last signalled, changed on
    // the store's thread together with indexedUpToChanged() / indexCaughtUp() / messagesAdded().
    // A reader that sees "caught up" has then also had every slot connected to those signals run.
    std::atomic<qint64> indexedUpToSignalled { 0 };
    std::atomic<bool> indexCaughtUpSignalled { false };

    mutable QMutex readersMutex;
    mutable QStringList readerNames;

    // Watching for other processes' writes
    QTimer *watchTimer = nullptr;
    qint64 dataVersion = -1;
    std::atomic<qint64> newestNotified { 0 };
    void checkForExternalChanges();

    QSqlDatabase openConnection(const QString &name, QString *error) const;
    QSqlDatabase readConnection(QString *error = nullptr) const;
    void writerLoop(std::promise<QString> *opened);
    // New mail in one transaction, through the writer's statements; writer thread only (its
    // loop and its tasks).
    void writeMessages(QSqlDatabase &db, std::vector<StoreJob> &batch);
    DeliveryStatements *deliveryStatements = nullptr; // the writer's, while its loop runs
    // The statements that record the indexer's batches, prepared at the first batch on the
    // writer's connection and kept with it (storeindexer.cpp); reset before it closes.
    std::unique_ptr<IndexStatements, IndexStatementsDeleter> indexStatements;
    void indexerLoop();
    bool indexPending(quint64 generation, qint64 newest);
    // Records the batch from batch.next on; *finished is false when it stopped early for mail
    // that waits (what it recorded is committed; the rest is for a later turn).
    bool writeIndex(QSqlDatabase &db, IndexBatch &batch, bool *finished);
    void startIndexer();
    void stopIndexer();
    bool prune(QSqlDatabase &db, QList<qint64> *removed, QString *error);
    // Prunes to the maximums in a task of its own (after one of them was lowered).
    void pruneNow();
    // A query compiled as the options read it, bounded by what the indexer has passed when it
    // needs the index (storequeries.cpp). Invalid: errorString says why.
    SearchQuery search(const QString &query, const SmtpSearchOptions &options) const;
    // Whether the search's leading full-text term matches fewer than
    // StoreSchema::fewMatchesBound() messages, for a page sorted by anything but arrival
    // (StoreSchema::pageSql() picks its plan by it).
    bool hasFewMatches(
        QSqlDatabase &db, const SearchQuery &search, const SmtpPageRequest &page) const;
    bool runTask(std::function<void(QSqlDatabase &)> task);
    void notify(std::function<void()> what);
};
