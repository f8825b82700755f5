// SmtpMessageStore: opening and closing the database, the connections of its readers, the
// reads (summaries, one message, raw bytes and parts) and the API's writes. The writer thread,
// the sort order, the watch for other processes and the column encoding have files of their own.
#include "smtpmessagestore.h"

#include "mime/mimeheaders.h"
#include "smtplog.h"
#include "store/searchquery.h"
#include "store/smtpmessagestore_p.h"
#include "store/storecompression.h"
#include "store/storeencoding.h"
#include "store/storeschema.h"
#include "store/storesqlite.h"
#include "store/storewalvfs.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

using StoreInternal::readSummaries;
using StoreInternal::readSummary;
using StoreInternal::summaryColumns;
using StoreInternal::tr;

QString StoreInternal::tr(const char *text)
{
    return QCoreApplication::translate("SmtpMessageStore", text);
}

const char StoreInternal::summaryColumns[]
    = "m.id, m.received_at, m.remote_address, m.helo, m.mail_from, m.rcpt_tos, m.from_header, "
      "m.to_header, m.subject, m.size, m.tls_protocol, m.is_read, m.has_attachments, "
      "(SELECT group_concat(mm.mailbox, char(31)) FROM message_mailboxes mm "
      "WHERE mm.message = m.id)";

SmtpMessageSummary StoreInternal::readSummary(const QSqlQuery &q)
{
    SmtpMessageSummary s;
    s.id = q.value(0).toLongLong();
    s.receivedAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
    s.remoteAddress = q.value(2).toString();
    s.helo = q.value(3).toString();
    s.mailFrom = q.value(4).toString();
    s.rcptTos = StoreEncoding::recipientsFrom(q.value(5).toByteArray());
    s.from = q.value(6).toString();
    s.to = q.value(7).toString();
    s.subject = q.value(8).toString();
    s.size = q.value(9).toLongLong();
    s.tls = !q.value(10).toString().isEmpty();
    s.read = q.value(11).toBool();
    s.hasAttachments = q.value(12).toBool();
    s.mailboxes = q.value(13).toString().split(QChar(31), Qt::SkipEmptyParts);
    s.mailboxes.sort();
    return s;
}

QList<SmtpMessageSummary> StoreInternal::readSummaries(QSqlDatabase &db, const QString &from,
    const QString &clauses, const QVariantList &bindings, QString *errorString)
{
    QList<SmtpMessageSummary> result;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT %1 FROM %2 %3").arg(QLatin1String(summaryColumns), from, clauses));
    for (const QVariant &v : bindings)
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

QSqlDatabase SmtpMessageStorePrivate::openConnection(
    const QString &name, QString *error, bool gatherLogWrites) const
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (gatherLogWrites && connectOptions.isEmpty()) {
        db.setDatabaseName(StoreWalVfs::uri(databaseName));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI"));
    } else {
        db.setDatabaseName(databaseName);
        db.setConnectOptions(connectOptions);
    }
    QString why;
    if (!db.open())
        why = db.lastError().text();
    else if (!StoreSqlite::installFunctions(db, &why, dictionaries))
        db.close();
    if (error && !why.isEmpty())
        *error = why;
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
        QSqlQuery(db).exec(
            QStringLiteral("PRAGMA busy_timeout = %1").arg(StoreSchema::busyTimeoutMs));
        // A bigger store, a bigger page cache for its inner pages (storesqlite.h); read when the
        // thread first reads, so a store that has grown since gets it from the next new thread.
        if (connectOptions.isEmpty())
            QSqlQuery(db).exec(QStringLiteral("PRAGMA cache_size = -%1")
                                   .arg(StoreSqlite::readCacheKiB(QFileInfo(databaseName).size())));
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

SmtpMessageStore::SmtpMessageStore(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpMessageStorePrivate(this))
{
    qRegisterMetaType<QList<qint64>>();
    // Every change of the counts (new mail, removal, read flags, pruning, clearing, another
    // process's writes) may change a mailbox's counts.
    connect(this, &SmtpMessageStore::countChanged, this, &SmtpMessageStore::mailboxesChanged);
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
        // Named afresh for each open: a device still reading a message of the last one keeps that
        // database alive, which the new one must not be.
        d->databaseName = QStringLiteral("file:%1%2?mode=memory&cache=shared")
                              .arg(d->prefix)
                              .arg(++d->memoryDatabases);
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
    d->indexedUpTo = 0;
    d->dictionaries->clear(); // another file's (the writer reads this one's, and the current)
    d->nextTraining = 0;
    d->writer = std::thread([d, &started] { d->writerLoop(&started); });
    const QString error = result.get();
    if (!error.isEmpty()) {
        d->writer.join();
        d->errorString = tr("%1: %2").arg(path, error);
        return false;
    }
    d->isOpen = true;
    d->nonAdditiveChanges += 2; // another file, maybe
    d->indexCaughtUp = false;
    d->indexedUpToSignalled = d->indexedUpTo.load();
    d->indexCaughtUpSignalled = false;
    d->startIndexer(); // first indexes what a previous run committed but did not index
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
    d->stopIndexer();
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

bool SmtpMessageStore::isOpen() const
{
    return d_func()->isOpen;
}
QString SmtpMessageStore::path() const
{
    return d_func()->path;
}
QString SmtpMessageStore::spoolDirectory() const
{
    Q_D(const SmtpMessageStore);
    if (d->path.isEmpty() || d->path == QLatin1String(":memory:"))
        return {};
    return QFileInfo(d->path).absolutePath();
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
    d->pruneNow();
}

void SmtpMessageStorePrivate::pruneNow()
{
    runTask([this](QSqlDatabase &db) {
        QList<qint64> removed;
        QString error;
        if (!db.transaction())
            return;
        const qint64 countBefore = count.load();
        const qint64 unreadBefore = unread.load();
        std::optional<StoreInternal::NonAdditiveChange> change; // until the commit has ended
        bool pruned = prune(db, &removed, &change, &error);
        if (pruned && !db.commit()) {
            pruned = false;
            error = db.lastError().text();
        }
        if (pruned) {
            if (!removed.isEmpty())
                notify([this, removed] {
                    Q_EMIT q->messagesPruned(removed);
                    Q_EMIT q->messagesRemoved(removed);
                    Q_EMIT q->countChanged();
                });
        } else {
            db.rollback();
            count = countBefore;
            unread = unreadBefore;
            qCWarning(lcSmtpStore) << "cannot prune to the maximum:" << error;
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
        q.exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages)); // the indexer's too
    });
}

void SmtpMessageStore::deliver(const SmtpMessage &message, Completion done)
{
    Q_D(SmtpMessageStore);
    if (!d->isOpen) {
        done(SmtpSinkResult::failure(tr("the message store is not open")));
        return;
    }
    StoreJob job { message, std::move(done), {} };
    if (!d->post(job))
        job.done(SmtpSinkResult::failure(tr("the message store is closing")));
}

void SmtpMessageStore::retract(const SmtpMessage &, const SmtpSinkResult &kept, Completion done)
{
    Q_D(SmtpMessageStore);
    const qint64 id = kept.id;
    // A task of the writer, behind the commit that stored the message, and not waited for here:
    // the server's thread goes on with other sessions. The writer's connection syncs its
    // commits (synchronous=FULL): once done hears of it, the removal survives a crash too.
    StoreJob job;
    job.task = [d, id, done](QSqlDatabase &db) {
        QString error;
        if (d->removeNow(db, { id }, &error)) {
            done(SmtpSinkResult::success(id));
            return;
        }
        qCWarning(lcSmtpStore) << "cannot remove message" << id
                               << "refused after its commit:" << error;
        done(SmtpSinkResult::failure(
            tr("cannot remove message %1 from the store: %2").arg(QString::number(id), error)));
    };
    if (!d->isOpen || !d->post(job))
        done(SmtpSinkResult::failure(tr("the message store is closing")));
}

quint64 SmtpMessageStore::nonAdditiveChanges() const
{
    return d_func()->nonAdditiveChanges.load();
}

qint64 SmtpMessageStore::indexedUpTo() const
{
    return d_func()->indexedUpToSignalled;
}

bool SmtpMessageStore::isIndexCaughtUp() const
{
    // Both: the signalled state keeps this in step with indexCaughtUp(); the writer's flag makes
    // it false as soon as a commit completes, before its messagesAdded() reaches this thread.
    Q_D(const SmtpMessageStore);
    return d->indexCaughtUpSignalled && d->indexCaughtUp.load();
}

qint64 SmtpMessageStore::count() const
{
    return d_func()->count;
}
qint64 SmtpMessageStore::unreadCount() const
{
    return d_func()->unread;
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
    // Bounded by what the indexer has passed when the query needs the index.
    const SearchQuery search = d->search(query, SmtpSearchOptions());
    if (!search.isValid()) {
        if (errorString)
            *errorString = search.errorString;
        return result;
    }
    QSqlDatabase db = d->readConnection(errorString);
    return d->readPage(db, search, page, -1, errorString);
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
        "m.attachments, m.parts, m.findings, m.parse_failed, m.unindexed, h.html, "
        "(SELECT c3 FROM messages_fts_content WHERE id = m.id), r.encoding, h.encoding "
        "FROM messages m JOIN message_raw r ON r.id = m.id "
        "LEFT JOIN message_html h ON h.id = m.id WHERE m.id = ?")
                  .arg(QLatin1String(summaryColumns)));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    const SmtpMessageSummary summary = readSummary(q);
    int c = 14;
    // The raw bytes (column c), the HTML body (c + 15) and their encodings (the last two).
    const int htmlColumn = c + 15;
    const int encodings = c + 17;
    QByteArray data;
    sqlite3 *handle = StoreSqlite::handle(db);
    if (!StoreCompression::decode(q.value(c).toByteArray(), q.value(encodings).toInt(), &data,
            d->dictionaries.get(), handle))
        return std::nullopt;
    QString htmlBody;
    const int htmlEncoding = q.value(encodings + 1).toInt();
    if (htmlEncoding == StoreCompression::Verbatim) {
        htmlBody = q.value(htmlColumn).toString();
    } else {
        QByteArray html; // left empty when damaged: the message is still there to read
        const QByteArray stored = q.value(htmlColumn).toByteArray();
        if (htmlEncoding != StoreCompression::RawSlice)
            StoreCompression::decode(stored, htmlEncoding, &html, d->dictionaries.get(), handle);
        else if (const auto slice = StoreCompression::sliceOf(stored))
            StoreCompression::cut(*slice, data, &html);
        else
            qCWarning(lcSmtpStore) << "the HTML body of message" << id << "is a damaged reference";
        htmlBody = QString::fromUtf8(html);
    }
    SmtpMessage m;
    m.setId(summary.id);
    m.setReceivedAt(summary.receivedAt);
    m.setRemoteAddress(summary.remoteAddress);
    m.setHelo(summary.helo);
    m.setMailFrom(summary.mailFrom);
    m.setRcptTos(summary.rcptTos);
    m.setMailboxes(summary.mailboxes);
    m.setData(data);
    ++c; // the raw bytes, decoded above
    m.setRemotePort(q.value(c++).toInt());
    const QString tlsProtocol = q.value(c++).toString();
    const QString tlsCipher = q.value(c++).toString();
    m.setTls(tlsProtocol, tlsCipher);
    m.setAuthenticatedUser(q.value(c++).toString());
    m.setSmtpUtf8(q.value(c++).toBool());

    SmtpStoredMessage s;
    const int parsedColumns = c;
    const int unindexed = q.value(parsedColumns + 8).toInt();
    if (unindexed != 0) {
        // Committed, not yet reached by the indexer: parsed here as the indexer will parse it.
        const MimeParsedMessage p = MimeParser::parse(m.data(), unindexed == 2 || m.isSmtpUtf8());
        SmtpMessageSummary exact = summary;
        exact.hasAttachments = p.hasAttachments();
        s.setSummary(exact);
        s.setCc(p.cc);
        s.setReplyTo(p.replyTo);
        s.setDateHeader(p.dateHeader);
        s.setMessageId(p.messageId);
        s.setRootPart(p.rootPart());
        s.setChecks(p.checks);
        s.setParseFailed(p.parseFailed);
        s.setHtmlBody(p.htmlBody);
        s.setTextBody(p.textBody);
        s.setHeaders(MimeHeaders::fields(m.data()));
        s.setMessage(m);
        return s;
    }
    s.setSummary(summary);
    s.setCc(q.value(c++).toString());
    s.setReplyTo(q.value(c++).toString());
    s.setDateHeader(q.value(c++).toString());
    s.setMessageId(q.value(c++).toString());
    const QByteArray attachments = q.value(c++).toByteArray();
    s.setRootPart(StoreEncoding::partTree(q.value(c++).toByteArray(), attachments));
    bool sentences = false;
    QStringList kinds;
    QList<SmtpMessageCheck> checks
        = StoreEncoding::checksFrom(q.value(c++).toByteArray(), &sentences, &kinds);
    if (sentences) {
        // Stored by a version that kept the checks as English sentences: run them again for
        // their facts. Whether the client declared 8-bit is known from what was found then.
        const bool eightBitDeclared
            = m.isSmtpUtf8() || !kinds.contains(QLatin1String("8bit-without-8bitmime"));
        checks = MimeParser::parse(m.data(), eightBitDeclared).checks;
    }
    s.setChecks(checks);
    s.setParseFailed(q.value(c++).toBool());
    ++c; // unindexed
    ++c; // the HTML body, decoded above
    s.setHtmlBody(htmlBody);
    s.setTextBody(q.value(c++).toString());
    // The header block is read here, not stored: it is in the raw bytes already.
    s.setHeaders(MimeHeaders::fields(m.data()));
    s.setMessage(m);
    return s;
}

QByteArray SmtpMessageStore::rawData(qint64 id) const
{
    Q_D(const SmtpMessageStore);
    QSqlDatabase db = d->readConnection();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT data, encoding FROM message_raw WHERE id = ?"));
    q.addBindValue(id);
    QByteArray data;
    if (q.exec() && q.next())
        StoreCompression::decode(q.value(0).toByteArray(), q.value(1).toInt(), &data,
            d->dictionaries.get(), StoreSqlite::handle(db));
    return data;
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

bool SmtpMessageStorePrivate::removeNow(QSqlDatabase &db, const QList<qint64> &ids, QString *error)
{
    const StoreInternal::NonAdditiveChange change(nonAdditiveChanges);
    QList<qint64> removed;
    qint64 unreadRemoved = 0;
    if (!db.transaction()) {
        *error = db.lastError().text();
        return false;
    }
    // One statement per thousand ids rather than one per id: each statement is a savepoint,
    // at which FTS5 writes out what it has pending.
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM messages WHERE id IN (SELECT value FROM "
                               "json_each(?)) RETURNING id, is_read"));
    bool ok = true;
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
        if (!ok)
            *error = del.lastError().text();
        del.finish();
    }
    if (ok && !db.commit()) {
        ok = false;
        *error = db.lastError().text();
    }
    if (!ok) {
        db.rollback();
        return false;
    }
    count -= removed.size();
    unread -= unreadRemoved;
    if (!removed.isEmpty())
        notify([this, removed] {
            Q_EMIT q->messagesRemoved(removed);
            Q_EMIT q->countChanged();
        });
    return true;
}

bool SmtpMessageStore::remove(const QList<qint64> &ids)
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &ids, &ok](QSqlDatabase &db) {
        QString ignored;
        ok = d->removeNow(db, ids, &ignored);
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
        const StoreInternal::NonAdditiveChange change(d->nonAdditiveChanges);
        QSqlQuery q(db);
        // The memberships and the text first, so that the triggers of each message row find
        // none to count and no text to take out of the indexes, which are emptied at once.
        ok = db.transaction() && q.exec(QStringLiteral("DELETE FROM message_mailboxes"))
            && q.exec(QStringLiteral("DELETE FROM mailboxes"));
        for (const char *index :
            { "messages_trigram", "messages_from_trigram", "messages_to_trigram" })
            ok = ok
                && q.exec(QStringLiteral("INSERT INTO %1 (%1) VALUES ('delete-all')")
                              .arg(QLatin1String(index)));
        ok = ok && q.exec(QStringLiteral("DELETE FROM message_text"))
            && q.exec(QStringLiteral("DELETE FROM messages"))
            && q.exec(QStringLiteral("DELETE FROM message_raw"))
            && q.exec(QStringLiteral("DELETE FROM message_html")) && db.commit();
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
        const StoreInternal::NonAdditiveChange change(d->nonAdditiveChanges);
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
        const StoreInternal::NonAdditiveChange change(d->nonAdditiveChanges);
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
