// SmtpMessageStore's private side, shared by the files of src/core/store: the connections, the
// writer thread's queue (storewriter.cpp), the watch for other processes' writes
// (storewatcher.cpp). Never installed.
#pragma once

#include "mime/mimeparser.h"
#include "smtpmessagestore.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>
#include <QThreadPool>
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

} // namespace StoreInternal

struct StoreJob
{
    SmtpMessage message; // a delivery, when done is set
    SmtpMessageSink::Completion done;
    std::function<void(QSqlDatabase &)> task; // otherwise: a write of the API, in order with mail
    std::shared_ptr<MimeParsedMessage> parsed; // parsed before it reaches the writer
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

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<StoreJob> queue;
    bool stopping = false;
    std::thread writer;
    QThreadPool parsers; // MIME parsing of incoming mail, beside the writer

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
    void writeMessages(QSqlDatabase &db, std::vector<StoreJob> &batch);
    bool prune(QSqlDatabase &db, QList<qint64> *removed, QString *error);
    bool runTask(std::function<void(QSqlDatabase &)> task);
    void notify(std::function<void()> what);
};
