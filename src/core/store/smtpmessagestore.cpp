#include "smtpmessagestore.h"

#include "mime/mimeparser.h"
#include "smtplog.h"
#include "store/searchquery.h"
#include "store/storeschema.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SmtpMessageStore", text);
}

struct Job
{
    SmtpMessage message; // a delivery, when done is set
    SmtpMessageSink::Completion done;
    std::function<void(QSqlDatabase &)> task; // otherwise: a write of the API, in order with mail
    std::shared_ptr<MimeParsedMessage> parsed; // parsed before it reaches the writer
};

struct Prepared
{
    SmtpMessage message;
    MimeParsedMessage parsed;
};

QString jsonText(const QJsonDocument &doc)
{
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

QJsonArray attachmentsJson(const MimeParsedMessage &parsed)
{
    QJsonArray array;
    for (const MimeAttachment &a : parsed.attachments)
        array.append(QJsonObject { { QStringLiteral("part"), a.partIndex },
            { QStringLiteral("name"), a.fileName }, { QStringLiteral("type"), a.contentType },
            { QStringLiteral("size"), a.size }, { QStringLiteral("contentId"), a.contentId },
            { QStringLiteral("inline"), a.isInline } });
    return array;
}

QJsonArray partsJson(const MimeParsedMessage &parsed)
{
    QJsonArray array;
    for (const MimePart &p : parsed.parts)
        array.append(QJsonObject { { QStringLiteral("index"), p.index },
            { QStringLiteral("parent"), p.parent }, { QStringLiteral("depth"), p.depth },
            { QStringLiteral("type"), p.contentType }, { QStringLiteral("charset"), p.charset },
            { QStringLiteral("encoding"), p.transferEncoding },
            { QStringLiteral("disposition"), p.disposition },
            { QStringLiteral("name"), p.fileName }, { QStringLiteral("contentId"), p.contentId },
            { QStringLiteral("size"), p.size } });
    return array;
}

QJsonArray findingsJson(const MimeParsedMessage &parsed)
{
    QJsonArray array;
    for (const MimeFinding &f : parsed.findings)
        array.append(QJsonObject { { QStringLiteral("kind"), MimeParser::findingName(f.kind) },
            { QStringLiteral("detail"), f.detail } });
    return array;
}

constexpr auto summaryColumns = "m.id, m.received_at, m.remote_address, m.helo, m.mail_from, "
                                "m.rcpt_tos, m.from_header, m.to_header, m.subject, m.size, "
                                "m.tls_protocol, m.is_read, m.has_attachments";

SmtpMessageSummary readSummary(const QSqlQuery &q)
{
    SmtpMessageSummary s;
    s.id = q.value(0).toLongLong();
    s.receivedAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
    s.remoteAddress = q.value(2).toString();
    s.helo = q.value(3).toString();
    s.mailFrom = q.value(4).toString();
    const QJsonArray rcpts = QJsonDocument::fromJson(q.value(5).toByteArray()).array();
    for (const QJsonValue &v : rcpts)
        s.rcptTos.append(v.toString());
    s.from = q.value(6).toString();
    s.to = q.value(7).toString();
    s.subject = q.value(8).toString();
    s.size = q.value(9).toLongLong();
    s.tls = !q.value(10).toString().isEmpty();
    s.read = q.value(11).toBool();
    s.hasAttachments = q.value(12).toBool();
    return s;
}

// rcpt_tos as the writer stores it.
QString recipientsJson(const QStringList &rcptTos)
{
    return jsonText(QJsonDocument(QJsonArray::fromStringList(rcptTos)));
}

// The To sort key's fallback, as StoreSchema::sortExpression(To) computes it in SQL from the
// same JSON: unwrapped, "," between recipients becomes ", ", then \" and \\ are undone.
QString envelopeToSortText(const SmtpMessageSummary &s)
{
    // The JSON differs from the text only where it escapes ('"', '\\', control characters):
    // without those it is what the inbox shows, and no JSON is made per comparison.
    const bool plain = std::none_of(s.rcptTos.cbegin(), s.rcptTos.cend(), [](const QString &a) {
        return std::any_of(a.cbegin(), a.cend(), [](QChar c) {
            return c == QLatin1Char('"') || c == QLatin1Char('\\') || c.unicode() < 0x20;
        });
    });
    if (plain)
        return s.shownTo();
    const QString json = recipientsJson(s.rcptTos);
    if (json == QLatin1String("[]"))
        return QStringLiteral("");
    QString text = json.mid(2, json.size() - 4);
    text.replace(QLatin1String("\",\""), QLatin1String(", "));
    text.replace(QLatin1String("\\\""), QLatin1String("\""));
    text.replace(QLatin1String("\\\\"), QLatin1String("\\"));
    return text;
}

QString sortText(const SmtpMessageSummary &s, SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::From:
        return s.shownFrom();
    case SmtpSortKey::To:
        return s.to.isEmpty() ? envelopeToSortText(s) : s.to;
    case SmtpSortKey::Subject:
        return s.subject;
    case SmtpSortKey::Received:
    case SmtpSortKey::Size:
        break;
    }
    return {};
}

// SQLite's NOCASE on UTF-8 text: bytes compared with ASCII A-Z folded to a-z, a prefix first.
// UTF-8 byte order is code point order; UTF-16 code units are brought into it by moving the
// surrogates (code points from U+10000) above U+E000..U+FFFF.
int compareNoCase(QStringView a, QStringView b)
{
    const auto weight = [](char16_t c) -> int {
        if (c >= u'A' && c <= u'Z')
            return c + (u'a' - u'A');
        if (c >= 0xD800)
            return c >= 0xE000 ? c - 0x800 : c + 0x2000;
        return c;
    };
    const qsizetype n = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const int d = weight(a.at(i).unicode()) - weight(b.at(i).unicode());
        if (d != 0)
            return d;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

template<typename T>
int compareValues(T a, T b)
{
    return a < b ? -1 : b < a ? 1 : 0;
}

} // namespace

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
    std::deque<Job> queue;
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
    void writeMessages(QSqlDatabase &db, std::vector<Job> &batch);
    bool prune(QSqlDatabase &db, QList<qint64> *removed, QString *error);
    bool runTask(std::function<void(QSqlDatabase &)> task);
    void notify(std::function<void()> what);
};

QSqlDatabase SmtpMessageStorePrivate::openConnection(const QString &name, QString *error) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(databaseName);
    db.setConnectOptions(connectOptions);
    if (!db.open()) {
        if (error)
            *error = db.lastError().text();
    }
    return db;
}

QSqlDatabase SmtpMessageStorePrivate::readConnection(QString *error) const
{
    // One connection per thread that reads: Qt Sql connections belong to their thread. Threads
    // are told apart by a number of their own (a new thread may reuse an old one's address).
    static std::atomic<quint64> lastThreadKey { 0 };
    thread_local const quint64 threadKey = ++lastThreadKey;
    const QString name = prefix + QStringLiteral("r") + QString::number(threadKey);
    if (QSqlDatabase::contains(name))
        return QSqlDatabase::database(name);
    QString why;
    QSqlDatabase db = openConnection(name, &why);
    if (db.isOpen()) {
        QSqlQuery(db).exec(QStringLiteral("PRAGMA busy_timeout = 5000"));
        // ":memory:" is one shared-cache database, where a reader's table lock makes the writer
        // fail with "database table is locked" (no busy timeout applies). Readers of it take no
        // table locks; a file database has WAL snapshots instead and needs none of this.
        if (!connectOptions.isEmpty())
            QSqlQuery(db).exec(QStringLiteral("PRAGMA read_uncommitted = true"));
        QMutexLocker lock(&readersMutex);
        readerNames.append(name);
    } else if (error) {
        *error = why;
    }
    return db;
}

void SmtpMessageStorePrivate::notify(std::function<void()> what)
{
    QMetaObject::invokeMethod(q, std::move(what), Qt::QueuedConnection);
}

bool SmtpMessageStorePrivate::prune(QSqlDatabase &db, QList<qint64> *removed, QString *error)
{
    const qint64 max = maxMessages.load();
    const qint64 excess = max > 0 ? count.load() - max : 0;
    if (excess <= 0)
        return true;
    QSqlQuery del(db);
    del.prepare(
        QStringLiteral("DELETE FROM messages WHERE id IN "
                       "(SELECT id FROM messages ORDER BY id LIMIT ?) RETURNING id, is_read"));
    del.addBindValue(excess);
    if (!del.exec()) {
        *error = del.lastError().text();
        return false;
    }
    qint64 unreadRemoved = 0;
    while (del.next()) {
        removed->append(del.value(0).toLongLong());
        unreadRemoved += del.value(1).toBool() ? 0 : 1;
    }
    count -= removed->size();
    unread -= unreadRemoved;
    return true;
}

void SmtpMessageStorePrivate::writeMessages(QSqlDatabase &db, std::vector<Job> &batch)
{
    // Parsed on the parser pool before they got here; the writer thread only writes.
    std::vector<MimeParsedMessage> parsed;
    parsed.reserve(batch.size());
    for (const Job &job : batch)
        parsed.push_back(job.parsed ? std::move(*job.parsed)
                                    : MimeParser::parse(job.message.data(),
                                        job.message.isSmtpUtf8() || job.message.is8BitMime()));

    QString error;
    QList<qint64> ids;
    QList<qint64> removed;
    const qint64 countBefore = count.load();
    const qint64 unreadBefore = unread.load();
    bool ok = db.transaction();
    if (!ok)
        error = db.lastError().text();

    QSqlQuery insert(db), raw(db), html(db), fts(db);
    ok = ok
        && insert.prepare(QStringLiteral(
            "INSERT INTO messages (received_at, remote_address, remote_port, helo, mail_from, "
            "rcpt_tos, size, tls_protocol, tls_cipher, auth_user, smtputf8, subject, from_header, "
            "to_header, cc_header, reply_to, date_header, message_id, has_attachments, "
            "parse_failed, attachments, parts, findings) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        && raw.prepare(QStringLiteral("INSERT INTO message_raw (id, data) VALUES (?, ?)"))
        && html.prepare(QStringLiteral("INSERT INTO message_html (id, html) VALUES (?, ?)"))
        && fts.prepare(QStringLiteral("INSERT INTO messages_fts (rowid, subject, sender, "
                                      "recipients, body, attachments) VALUES (?, ?, ?, ?, ?, ?)"));

    for (size_t i = 0; ok && i < batch.size(); ++i) {
        const SmtpMessage &m = batch[i].message;
        const MimeParsedMessage &p = parsed[i];
        const QString rcpts = recipientsJson(m.rcptTos());
        const QVariantList values {
            m.receivedAt().toMSecsSinceEpoch(),
            m.remoteAddress(),
            m.remotePort(),
            m.helo(),
            m.mailFrom(),
            rcpts,
            m.size(),
            m.tlsProtocol(),
            m.tlsCipher(),
            m.authenticatedUser(),
            m.isSmtpUtf8(),
            p.subject,
            p.from,
            p.to,
            p.cc,
            p.replyTo,
            p.dateHeader,
            p.messageId,
            p.hasAttachments(),
            p.parseFailed,
            jsonText(QJsonDocument(attachmentsJson(p))),
            jsonText(QJsonDocument(partsJson(p))),
            jsonText(QJsonDocument(findingsJson(p))),
        };
        for (int v = 0; v < values.size(); ++v) {
            // A null QString binds as SQL NULL; the schema wants text.
            const QVariant &value = values.at(v);
            if (value.typeId() == QMetaType::QString && value.toString().isNull())
                insert.bindValue(v, QStringLiteral(""));
            else
                insert.bindValue(v, value);
        }
        if (!insert.exec()) {
            error = insert.lastError().text();
            ok = false;
            break;
        }
        const qint64 id = insert.lastInsertId().toLongLong();
        ids.append(id);

        raw.bindValue(0, id);
        const QByteArray data = m.data();
        raw.bindValue(1, data.isNull() ? QByteArray("") : data); // null would bind as SQL NULL
        ok = raw.exec();
        if (ok && !p.htmlBody.isEmpty()) {
            html.bindValue(0, id);
            html.bindValue(1, p.htmlBody);
            ok = html.exec();
        }
        if (!ok) {
            for (const QSqlQuery *failed : { &raw, &html })
                if (failed->lastError().isValid())
                    error = failed->lastError().text();
        }
    }
    // The FTS5 rows go in after all the messages rows of the batch. An INSERT into messages fires
    // the counters trigger, so it runs in a statement savepoint, and FTS5 writes its pending
    // terms to disk as a new segment at every savepoint: interleaved, that was one segment per
    // message (+150 us of CPU each, and a larger file); this way it is one per batch.
    for (size_t i = 0; ok && i < batch.size(); ++i) {
        const SmtpMessage &m = batch[i].message;
        const MimeParsedMessage &p = parsed[i];
        QStringList names;
        for (const MimeAttachment &a : p.attachments)
            names.append(a.fileName);
        fts.bindValue(0, ids.at(qsizetype(i)));
        fts.bindValue(1, QString(p.subject + QStringLiteral("")));
        fts.bindValue(2, QString(p.from + QLatin1Char(' ') + m.mailFrom()));
        fts.bindValue(3,
            QString(p.to + QLatin1Char(' ') + p.cc + QLatin1Char(' ')
                + m.rcptTos().join(QLatin1Char(' '))));
        fts.bindValue(4, QString(p.textBody + QStringLiteral("")));
        fts.bindValue(5, names.join(QLatin1Char(' ')));
        if (!fts.exec()) {
            error = fts.lastError().text();
            ok = false;
        }
    }
    if (ok) {
        count += ids.size();
        unread += ids.size();
        ok = prune(db, &removed, &error);
    }
    insert.finish();
    raw.finish();
    html.finish();
    fts.finish();
    if (ok && !db.commit()) {
        ok = false;
        error = db.lastError().text();
    }
    if (!ok) {
        db.rollback();
        count = countBefore;
        unread = unreadBefore;
        qCWarning(lcSmtpSink) << "store: commit failed:" << error;
        for (Job &job : batch)
            job.done(SmtpSinkResult::failure(tr("cannot store the message: %1").arg(error)));
        notify([this, error] { Q_EMIT q->errorOccurred(error); });
        return;
    }
    for (size_t i = 0; i < batch.size(); ++i)
        batch[i].done(SmtpSinkResult::success(ids.at(qsizetype(i))));
    newestNotified = qMax(newestNotified.load(), ids.constLast());
    notify([this, ids, removed] {
        if (!removed.isEmpty())
            Q_EMIT q->messagesRemoved(removed);
        Q_EMIT q->messagesAdded(ids);
        Q_EMIT q->countChanged();
    });
}

void SmtpMessageStorePrivate::writerLoop(std::promise<QString> *opened)
{
    const QString name = prefix + QStringLiteral("writer");
    {
        QString error;
        QSqlDatabase db = openConnection(name, &error);
        if (db.isOpen() && StoreSchema::prepare(db, &error)) {
            QSqlQuery counts(db);
            // The counters row, not count(*): counting 1,000,000 rows took 1 s cold.
            counts.exec(QStringLiteral(
                "SELECT messages, unread, (SELECT max(id) FROM messages) FROM counters"));
            if (counts.next()) {
                count = counts.value(0).toLongLong();
                unread = counts.value(1).toLongLong();
                newestNotified = counts.value(2).toLongLong();
            }
        } else if (error.isEmpty()) {
            error = db.lastError().text();
        }
        opened->set_value(error);
        if (!error.isEmpty()) {
            db.close();
            db = {};
            QSqlDatabase::removeDatabase(name);
            return;
        }

        for (;;) {
            std::vector<Job> batch;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [this] { return stopping || !queue.empty(); });
                if (queue.empty() && stopping)
                    break;
                // Every delivery waiting now goes into one transaction (group commit); a task
                // runs on its own, in order.
                if (queue.front().task) {
                    batch.push_back(std::move(queue.front()));
                    queue.pop_front();
                } else {
                    while (!queue.empty() && !queue.front().task && batch.size() < 1000) {
                        batch.push_back(std::move(queue.front()));
                        queue.pop_front();
                    }
                }
            }
            if (batch.front().task)
                batch.front().task(db);
            else
                writeMessages(db, batch);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void SmtpMessageStorePrivate::checkForExternalChanges()
{
    QSqlDatabase db = readConnection();
    QSqlQuery query(db);
    // data_version changes whenever another connection (our writer included) commits.
    if (!query.exec(QStringLiteral("PRAGMA data_version")) || !query.next())
        return;
    const qint64 version = query.value(0).toLongLong();
    if (version == dataVersion)
        return;
    const bool first = dataVersion < 0;
    dataVersion = version;
    if (first)
        return;
    QList<qint64> added;
    query.prepare(QStringLiteral("SELECT id FROM messages WHERE id > ? ORDER BY id"));
    query.addBindValue(newestNotified.load());
    if (query.exec())
        while (query.next())
            added.append(query.value(0).toLongLong());
    if (!added.isEmpty())
        newestNotified = added.constLast();
    if (!query.exec(QStringLiteral("SELECT messages, unread FROM counters")) || !query.next())
        return;
    const qint64 total = query.value(0).toLongLong();
    const qint64 unreadNow = query.value(1).toLongLong();
    // More gone than our own signals said, or flags changed elsewhere: readers must reload.
    const bool otherChange
        = total != count.load() + added.size() || unreadNow != unread.load() + added.size();
    count = total;
    unread = unreadNow;
    if (!added.isEmpty())
        Q_EMIT q->messagesAdded(added);
    if (otherChange)
        Q_EMIT q->messagesRemoved({});
    if (!added.isEmpty() || otherChange)
        Q_EMIT q->countChanged();
}

bool SmtpMessageStorePrivate::runTask(std::function<void(QSqlDatabase &)> task)
{
    if (!isOpen)
        return false;
    std::promise<void> finished;
    auto future = finished.get_future();
    {
        std::lock_guard lock(mutex);
        Job job;
        job.task = [&](QSqlDatabase &db) {
            task(db);
            finished.set_value();
        };
        queue.push_back(std::move(job));
    }
    wake.notify_one();
    future.wait();
    return true;
}

SmtpMessageStore::SmtpMessageStore(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpMessageStorePrivate(this))
{
    qRegisterMetaType<QList<qint64>>();
}

SmtpMessageStore::~SmtpMessageStore()
{
    close();
}

QString SmtpMessageStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/messages.sqlite");
}

bool SmtpMessageStore::open(const QString &path)
{
    Q_D(SmtpMessageStore);
    close();
    d->path = path;
    if (path == QLatin1String(":memory:")) {
        // One in-memory database shared by this store's connections, gone with the last one.
        d->databaseName
            = QStringLiteral("file:") + d->prefix + QStringLiteral("?mode=memory&cache=shared");
        d->connectOptions = QStringLiteral("QSQLITE_OPEN_URI");
    } else {
        const QFileInfo info(path);
        if (!QDir().mkpath(info.absolutePath())) {
            d->errorString = tr("cannot create the directory %1").arg(info.absolutePath());
            return false;
        }
        if (info.exists() && !info.isFile()) {
            d->errorString = tr("%1 is not a file").arg(path);
            return false;
        }
        d->databaseName = info.absoluteFilePath();
        d->connectOptions.clear();
    }
    std::promise<QString> started;
    auto result = started.get_future();
    d->stopping = false;
    d->writer = std::thread([d, &started] { d->writerLoop(&started); });
    const QString error = result.get();
    if (!error.isEmpty()) {
        d->writer.join();
        d->errorString = tr("%1: %2").arg(path, error);
        return false;
    }
    d->isOpen = true;
    Q_EMIT countChanged();
    Q_EMIT opened();
    return true;
}

void SmtpMessageStore::close()
{
    Q_D(SmtpMessageStore);
    if (!d->writer.joinable())
        return;
    Q_EMIT aboutToClose(); // readers on other threads finish before the connections go
    d->parsers.waitForDone(); // what is being parsed still goes in before the writer stops
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    d->writer.join();
    d->isOpen = false;
    QMutexLocker lock(&d->readersMutex);
    // Not QSqlDatabase::database(): that may only be called from the connection's own thread.
    for (const QString &name : std::as_const(d->readerNames))
        QSqlDatabase::removeDatabase(name);
    d->readerNames.clear();
}

void SmtpMessageStore::setWatchInterval(int milliseconds)
{
    Q_D(SmtpMessageStore);
    if (milliseconds <= 0) {
        delete d->watchTimer;
        d->watchTimer = nullptr;
        return;
    }
    if (!d->watchTimer) {
        d->watchTimer = new QTimer(this);
        connect(d->watchTimer, &QTimer::timeout, this, [d] { d->checkForExternalChanges(); });
    }
    d->checkForExternalChanges(); // remember where we start
    d->watchTimer->start(milliseconds);
}

bool SmtpMessageStore::isOpen() const
{
    return d_func()->isOpen;
}
QString SmtpMessageStore::path() const
{
    return d_func()->path;
}
QString SmtpMessageStore::errorString() const
{
    return d_func()->errorString;
}

qint64 SmtpMessageStore::maxMessages() const
{
    return d_func()->maxMessages;
}

void SmtpMessageStore::setMaxMessages(qint64 max)
{
    Q_D(SmtpMessageStore);
    if (d->maxMessages == max)
        return;
    d->maxMessages = max;
    Q_EMIT maxMessagesChanged();
    d->runTask([d](QSqlDatabase &db) {
        QList<qint64> removed;
        QString error;
        if (!db.transaction())
            return;
        if (d->prune(db, &removed, &error) && db.commit()) {
            if (!removed.isEmpty())
                d->notify([d, removed] {
                    Q_EMIT d->q->messagesRemoved(removed);
                    Q_EMIT d->q->countChanged();
                });
        } else {
            db.rollback();
        }
    });
}

void SmtpMessageStore::setMaxDatabaseSize(qint64 bytes)
{
    Q_D(SmtpMessageStore);
    d->runTask([bytes](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA page_size"));
        const qint64 pageSize = q.next() ? q.value(0).toLongLong() : 4096;
        const qint64 pages = bytes > 0 ? qMax<qint64>(1, bytes / pageSize) : 4294967294LL;
        q.exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages));
    });
}

void SmtpMessageStore::deliver(const SmtpMessage &message, Completion done)
{
    Q_D(SmtpMessageStore);
    if (!d->isOpen) {
        done(SmtpSinkResult::failure(tr("the message store is not open")));
        return;
    }
    // MIME parsing is the costliest step and needs no database: it runs on a pool beside the
    // writer thread, which then spends its time on inserts and commits only.
    d->parsers.start([d, message, done = std::move(done)]() mutable {
        auto parsed = std::make_shared<MimeParsedMessage>(
            MimeParser::parse(message.data(), message.isSmtpUtf8() || message.is8BitMime()));
        {
            std::lock_guard lock(d->mutex);
            if (!d->stopping) {
                d->queue.push_back({ message, std::move(done), {}, std::move(parsed) });
                done = nullptr;
            }
        }
        if (done)
            done(SmtpSinkResult::failure(tr("the message store is closing")));
        else
            d->wake.notify_one();
    });
}

qint64 SmtpMessageStore::count() const
{
    return d_func()->count;
}
qint64 SmtpMessageStore::unreadCount() const
{
    return d_func()->unread;
}

SmtpPageRequest SmtpPageRequest::after(const SmtpMessageSummary &last) const
{
    SmtpPageRequest next = *this;
    next.afterId = last.id;
    next.afterValue = SmtpMessageStore::sortValue(last, key);
    return next;
}

QVariant SmtpMessageStore::sortValue(const SmtpMessageSummary &summary, SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::Received:
        return summary.id;
    case SmtpSortKey::Size:
        return summary.size;
    case SmtpSortKey::From:
    case SmtpSortKey::To:
    case SmtpSortKey::Subject:
        break;
    }
    return sortText(summary, key);
}

bool SmtpMessageStore::sortsBefore(
    const SmtpMessageSummary &a, const SmtpMessageSummary &b, SmtpSortKey key, Qt::SortOrder order)
{
    int c = 0;
    switch (key) {
    case SmtpSortKey::Received:
        break;
    case SmtpSortKey::Size:
        c = compareValues(a.size, b.size);
        break;
    case SmtpSortKey::From:
    case SmtpSortKey::To:
    case SmtpSortKey::Subject:
        c = compareNoCase(sortText(a, key), sortText(b, key));
        break;
    }
    if (c == 0)
        c = compareValues(a.id, b.id);
    return order == Qt::AscendingOrder ? c < 0 : c > 0;
}

QList<SmtpMessageSummary> SmtpMessageStore::summaries(
    const QString &query, qint64 beforeId, int limit, QString *errorString) const
{
    SmtpPageRequest page;
    page.limit = limit;
    page.afterId = beforeId;
    return summaries(query, page, errorString);
}

QList<SmtpMessageSummary> SmtpMessageStore::summaries(
    const QString &query, const SmtpPageRequest &page, QString *errorString) const
{
    Q_D(const SmtpMessageStore);
    QList<SmtpMessageSummary> result;
    const SearchQuery search = SearchQuery::compile(query, QDateTime::currentDateTimeUtc());
    if (!search.isValid()) {
        if (errorString)
            *errorString = search.errorString;
        return result;
    }
    const StoreSchema::PageSql sql = StoreSchema::pageSql(search, page);
    QSqlDatabase db = d->readConnection(errorString);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM %2 %3")
                  .arg(QLatin1String(summaryColumns), sql.from, sql.sql));
    for (const QVariant &v : sql.bindings)
        q.addBindValue(v);
    if (!q.exec()) {
        if (errorString)
            *errorString = q.lastError().text();
        return result;
    }
    while (q.next())
        result.append(readSummary(q));
    return result;
}

std::optional<SmtpStoredMessage> SmtpMessageStore::message(qint64 id) const
{
    Q_D(const SmtpMessageStore);
    QSqlDatabase db = d->readConnection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT %1, r.data, m.remote_port, m.tls_protocol, m.tls_cipher, m.auth_user, "
        "m.smtputf8, m.cc_header, m.reply_to, m.date_header, m.message_id, "
        "m.attachments, m.parts, m.findings, m.parse_failed, "
        "(SELECT html FROM message_html WHERE id = m.id), "
        "(SELECT body FROM messages_fts WHERE rowid = m.id) "
        "FROM messages m JOIN message_raw r ON r.id = m.id WHERE m.id = ?")
                  .arg(QLatin1String(summaryColumns)));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    SmtpStoredMessage s;
    s.summary = readSummary(q);
    int c = 13;
    SmtpMessage &m = s.message;
    m.setId(s.summary.id);
    m.setReceivedAt(s.summary.receivedAt);
    m.setRemoteAddress(s.summary.remoteAddress);
    m.setHelo(s.summary.helo);
    m.setMailFrom(s.summary.mailFrom);
    m.setRcptTos(s.summary.rcptTos);
    m.setData(q.value(c++).toByteArray());
    m.setRemotePort(q.value(c++).toInt());
    s.tlsProtocol = q.value(c++).toString();
    s.tlsCipher = q.value(c++).toString();
    m.setTls(s.tlsProtocol, s.tlsCipher);
    s.authenticatedUser = q.value(c++).toString();
    m.setAuthenticatedUser(s.authenticatedUser);
    m.setSmtpUtf8(q.value(c++).toBool());
    s.cc = q.value(c++).toString();
    s.replyTo = q.value(c++).toString();
    s.dateHeader = q.value(c++).toString();
    s.messageId = q.value(c++).toString();
    s.attachmentsJson = q.value(c++).toByteArray();
    s.partsJson = q.value(c++).toByteArray();
    s.findingsJson = q.value(c++).toByteArray();
    s.parseFailed = q.value(c++).toBool();
    s.htmlBody = q.value(c++).toString();
    s.textBody = q.value(c++).toString();
    return s;
}

QByteArray SmtpMessageStore::rawData(qint64 id) const
{
    Q_D(const SmtpMessageStore);
    QSqlQuery q(d->readConnection());
    q.prepare(QStringLiteral("SELECT data FROM message_raw WHERE id = ?"));
    q.addBindValue(id);
    return q.exec() && q.next() ? q.value(0).toByteArray() : QByteArray();
}

QByteArray SmtpMessageStore::partContent(qint64 id, int partIndex, bool *ok) const
{
    bool found = false;
    const QByteArray raw = rawData(id);
    const QByteArray content
        = raw.isEmpty() ? QByteArray() : MimeParser::partContent(raw, partIndex, &found);
    if (ok)
        *ok = found;
    return content;
}

bool SmtpMessageStore::forEach(
    const std::function<bool(const SmtpMessageSummary &)> &visit, QString *errorString) const
{
    Q_D(const SmtpMessageStore);
    QSqlDatabase db = d->readConnection(errorString);
    QSqlQuery q(db);
    q.setForwardOnly(true); // streamed: one row in memory at a time
    if (!q.exec(QStringLiteral("SELECT %1 FROM messages m ORDER BY m.id")
                    .arg(QLatin1String(summaryColumns)))) {
        if (errorString)
            *errorString = q.lastError().text();
        return false;
    }
    while (q.next())
        if (!visit(readSummary(q)))
            break;
    return true;
}

qint64 SmtpMessageStore::databaseSize() const
{
    Q_D(const SmtpMessageStore);
    if (d->path == QLatin1String(":memory:"))
        return 0;
    return QFileInfo(d->databaseName).size()
        + QFileInfo(d->databaseName + QStringLiteral("-wal")).size();
}

bool SmtpMessageStore::remove(const QList<qint64> &ids)
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &ids, &ok](QSqlDatabase &db) {
        QList<qint64> removed;
        qint64 unreadRemoved = 0;
        if (!db.transaction())
            return;
        // One statement per thousand ids rather than one per id: each statement is a savepoint,
        // at which FTS5 writes out what it has pending.
        QSqlQuery del(db);
        del.prepare(QStringLiteral("DELETE FROM messages WHERE id IN (SELECT value FROM "
                                   "json_each(?)) RETURNING id, is_read"));
        ok = true;
        for (qsizetype first = 0; ok && first < ids.size(); first += 1000) {
            QByteArray list = "[";
            for (qint64 id : ids.mid(first, 1000))
                list += QByteArray::number(id) + ',';
            list.back() = ']';
            del.bindValue(0, QString::fromLatin1(list));
            ok = del.exec();
            while (ok && del.next()) {
                removed.append(del.value(0).toLongLong());
                unreadRemoved += del.value(1).toBool() ? 0 : 1;
            }
            del.finish();
        }
        if (!ok || !db.commit()) {
            db.rollback();
            ok = false;
            return;
        }
        d->count -= removed.size();
        d->unread -= unreadRemoved;
        if (!removed.isEmpty())
            d->notify([d, removed] {
                Q_EMIT d->q->messagesRemoved(removed);
                Q_EMIT d->q->countChanged();
            });
    });
    return ok;
}

qint64 SmtpMessageStore::removeMatching(const QString &query)
{
    QList<qint64> ids;
    qint64 before = 0;
    for (;;) {
        const QList<SmtpMessageSummary> page = summaries(query, before, 1000);
        for (const SmtpMessageSummary &s : page)
            ids.append(s.id);
        if (page.size() < 1000)
            break;
        before = page.constLast().id;
    }
    return remove(ids) ? ids.size() : 0;
}

bool SmtpMessageStore::clear()
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &ok](QSqlDatabase &db) {
        QSqlQuery q(db);
        ok = db.transaction() && q.exec(QStringLiteral("DELETE FROM messages"))
            && q.exec(QStringLiteral("DELETE FROM message_raw"))
            && q.exec(QStringLiteral("DELETE FROM message_html"))
            && q.exec(QStringLiteral("DELETE FROM messages_fts")) && db.commit();
        if (!ok) {
            db.rollback();
            return;
        }
        d->count = 0;
        d->unread = 0;
        d->notify([d] {
            Q_EMIT d->q->messagesRemoved({});
            Q_EMIT d->q->countChanged();
        });
    });
    return ok;
}

bool SmtpMessageStore::setRead(const QList<qint64> &ids, bool read)
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &ids, &ok, read](QSqlDatabase &db) {
        if (!db.transaction())
            return;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE messages SET is_read = ? WHERE id = ? AND is_read <> ?"));
        QList<qint64> changed;
        ok = true;
        for (qint64 id : ids) {
            q.bindValue(0, read);
            q.bindValue(1, id);
            q.bindValue(2, read);
            if (!q.exec()) {
                ok = false;
                break;
            }
            if (q.numRowsAffected() > 0)
                changed.append(id);
        }
        if (!ok || !db.commit()) {
            db.rollback();
            ok = false;
            return;
        }
        d->unread += read ? -changed.size() : changed.size();
        if (!changed.isEmpty())
            d->notify([d, changed, read] {
                Q_EMIT d->q->readChanged(changed, read);
                Q_EMIT d->q->countChanged();
            });
    });
    return ok;
}

bool SmtpMessageStore::markAllRead()
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &ok](QSqlDatabase &db) {
        QSqlQuery q(db);
        ok = q.exec(QStringLiteral("UPDATE messages SET is_read = 1 WHERE is_read = 0"));
        if (!ok)
            return;
        d->unread = 0;
        d->notify([d] {
            Q_EMIT d->q->readChanged({}, true);
            Q_EMIT d->q->countChanged();
        });
    });
    return ok;
}
