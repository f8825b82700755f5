// The store's writer thread: deliveries waiting together go into one transaction (group commit),
// the API's writes and the indexer's batches run in order with them, and pruning to the maximum
// follows every commit. The 250 for a message is sent only once its transaction has committed.
#include "smtplog.h"
#include "store/smtpmessagestore_p.h"
#include "store/storeblob.h"
#include "store/storecompression.h"
#include "store/storeencoding.h"
#include "store/storeschema.h"
#include "store/storesqlite.h"
#include "store/storestatement.h"
#include "threadname_p.h"

#include <QIODevice>
#include <QSqlError>
#include <QSqlQuery>

#include <map>
#include <optional>

#include <sqlite3.h>

using StoreInternal::tr;

namespace {
// How long the prune after a commit of mail waits for another process's write lock.
constexpr int pruneBusyTimeoutMs = 100;
} // namespace

void SmtpMessageStorePrivate::notify(std::function<void()> what)
{
    QMetaObject::invokeMethod(q, std::move(what), Qt::QueuedConnection);
}

bool SmtpMessageStorePrivate::prune(QSqlDatabase &db, QList<qint64> *removed,
    std::optional<StoreInternal::NonAdditiveChange> *change, QString *error)
{
    // Deletes the rows the statement selects, counting them out of count and unread.
    const auto deleteOldest = [&](const QString &sql, const QVariantList &bindings) {
        if (!*change)
            change->emplace(nonAdditiveChanges);
        QSqlQuery del(db);
        del.prepare(sql);
        for (const QVariant &value : bindings)
            del.addBindValue(value);
        if (!del.exec()) {
            *error = del.lastError().text();
            return false;
        }
        QList<qint64> ids;
        qint64 unreadRemoved = 0;
        while (del.next()) {
            ids.append(del.value(0).toLongLong());
            unreadRemoved += del.value(1).toBool() ? 0 : 1;
        }
        // Outside a transaction the statement commits as its last row is read, and that can
        // fail (the disk full): then nothing was deleted.
        if (del.lastError().isValid()) {
            *error = del.lastError().text();
            return false;
        }
        const qint64 removedNow = ids.size();
        removed->append(ids);
        count -= removedNow;
        unread -= unreadRemoved;
        return true;
    };
    // The excess as the file counts it, not count: a watch of the file (setWatchInterval) may
    // set count to the file's figure at any moment, even between a commit of mail and count's
    // raise by it, which would then count that mail twice and prune as much too many.
    const qint64 max = maxMessages.load();
    qint64 excess = 0;
    if (max > 0) {
        QSqlQuery read(db);
        read.prepare(QStringLiteral("SELECT messages - ? FROM counters WHERE id = 1"));
        read.addBindValue(max);
        if (!read.exec()) {
            *error = read.lastError().text();
            return false;
        }
        excess = read.next() ? read.value(0).toLongLong() : 0;
        read.finish();
    }
    if (excess > 0
        && !deleteOldest(QStringLiteral("DELETE FROM messages WHERE id IN (SELECT id FROM messages "
                                        "ORDER BY id LIMIT ?) RETURNING id, is_read"),
            { excess }))
        return false;
    // Each mailbox over its maximum loses its oldest messages (from every mailbox they are in).
    // The counters say which are over without counting anything; one mailbox at a time, read
    // afresh, as a message that goes leaves its other mailboxes too. Every round deletes.
    const qint64 perMailbox = maxPerMailbox.load();
    while (perMailbox > 0) {
        QSqlQuery read(db);
        read.prepare(
            QStringLiteral("SELECT name, messages - ? FROM mailboxes WHERE messages > ? LIMIT 1"));
        read.addBindValue(perMailbox);
        read.addBindValue(perMailbox);
        if (!read.exec()) {
            *error = read.lastError().text();
            return false;
        }
        if (!read.next())
            break;
        const QString name = read.value(0).toString();
        const qint64 mailboxExcess = read.value(1).toLongLong();
        read.finish();
        if (!deleteOldest(QStringLiteral("DELETE FROM messages WHERE id IN (SELECT message FROM "
                                         "message_mailboxes WHERE mailbox = ? ORDER BY message "
                                         "LIMIT ?) RETURNING id, is_read"),
                { name, mailboxExcess }))
            return false;
    }
    return true;
}

// At a maximum the user set, the oldest mail goes after each commit of new mail, in statements
// that are each a transaction of their own, not in the mail's:
//  - a DELETE that fires triggers inside a bigger transaction keeps a statement journal of
//    every page it changes (so that it alone can be undone), which past 64 KiB SQLite writes to
//    a temporary file: one for every commit at the maximum;
//  - a prune that fails (a lock, the disk full) fails no mail; the next commit tries again.
// Not synced by itself: the next commit of mail syncs the log, and a crash before then leaves
// the oldest in place for the next prune. Runs before the commit's completions, so a caller woken
// by one finds the store within its maximums.
QList<qint64> SmtpMessageStorePrivate::pruneAfterDelivery(QSqlDatabase &db)
{
    QList<qint64> removed;
    if (maxMessages.load() <= 0 && maxPerMailbox.load() <= 0)
        return removed;
    const UnsyncedCommits unsynced(this, db);
    // The completions wait for it: another process that holds the file's write lock is waited for
    // this long, not the whole busy timeout (the next commit tries again).
    sqlite3 *handle = StoreSqlite::handle(db);
    sqlite3_busy_timeout(handle, pruneBusyTimeoutMs);
    std::optional<StoreInternal::NonAdditiveChange> change;
    QString error;
    if (!prune(db, &removed, &change, &error))
        qCWarning(lcSmtpStore) << "cannot prune to the maximum:" << error;
    change.reset();
    sqlite3_busy_timeout(handle, StoreSchema::busyTimeoutMs);
    return removed;
}

SmtpMessageStorePrivate::UnsyncedCommits::UnsyncedCommits(
    SmtpMessageStorePrivate *store, QSqlDatabase &db)
    : m_store(store)
    , m_db(StoreSqlite::handle(db))
    , m_relaxed(
          sqlite3_exec(m_db, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr) == SQLITE_OK)
{ }

SmtpMessageStorePrivate::UnsyncedCommits::~UnsyncedCommits()
{
    // A 250 means the mail is on disk: should the connection not sync again, no more is taken.
    if (m_relaxed
        && sqlite3_exec(m_db, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr)
            != SQLITE_OK) {
        m_store->commitsNotDurable = true;
        qCCritical(lcSmtpStore) << "cannot make the store's commits durable again:"
                                << sqlite3_errmsg(m_db);
    }
}

// Preparing these (and compiling the triggers they fired) for every commit cost more than the
// inserts themselves when a commit holds one message, as it does for an app that sends one
// message per connection: they are prepared once and bound again for each message.
struct DeliveryStatements
{
    bool prepare(const QSqlDatabase &db, QString *error)
    {
        prepared = insert.prepare(db,
                       "INSERT INTO messages (received_at, remote_address, remote_port, helo, "
                       "mail_from, rcpt_tos, size, tls_protocol, tls_cipher, auth_user, smtputf8, "
                       "subject, from_header, to_header, cc_header, reply_to, date_header, "
                       "message_id, has_attachments, parse_failed, attachments, parts, findings, "
                       "unindexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', "
                       "'', ?, 0, '', '', '', ?)",
                       error)
            && raw.prepare(
                db, "INSERT INTO message_raw (id, data, encoding) VALUES (?, ?, ?)", error)
            // A message not in memory (spooled while it arrived) is copied into its blob a piece
            // at a time, never held whole, verbatim: StoreBlob::open() reads it back at any
            // offset.
            && rawStreamed.prepare(
                db, "INSERT INTO message_raw (id, data) VALUES (?, zeroblob(?))", error)
            // Its mailboxes, known since the message was accepted: in the same transaction.
            && join.prepare(db,
                "INSERT OR IGNORE INTO message_mailboxes (mailbox, message) VALUES (?, ?)", error)
            // The counts of a commit's new mail (all unread), added once per commit: no trigger
            // fires for each row (schema 13, storeschema.cpp). "WHERE id = 1" too: an UPDATE
            // that may change more than one row keeps a statement journal, as a trigger did.
            && counted.prepare(db,
                "UPDATE counters SET messages = messages + ?, unread = unread + ? WHERE id = 1",
                error)
            && mailboxCounted.prepare(db,
                "INSERT INTO mailboxes (name, messages, unread) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET messages = messages + excluded.messages, "
                "unread = unread + excluded.unread",
                error);
        return prepared;
    }

    StoreStatement insert, raw, rawStreamed, join, counted, mailboxCounted;
    bool prepared = false;
};

namespace {
// Adds a commit's new mail to the counters row and to its mailboxes' counts (a mailbox's row is
// made on its first message), before the pruning that reads them.
bool countIn(DeliveryStatements &statements, qint64 messages,
    const std::map<QString, qint64> &joined, QString *error)
{
    statements.counted.bind(0, messages);
    statements.counted.bind(1, messages); // new mail is unread
    if (!statements.counted.exec(error))
        return false;
    for (const auto &[mailbox, messagesJoined] : joined) {
        statements.mailboxCounted.bind(0, mailbox);
        statements.mailboxCounted.bind(1, messagesJoined);
        statements.mailboxCounted.bind(2, messagesJoined);
        if (!statements.mailboxCounted.exec(error))
            return false;
    }
    return true;
}
} // namespace

void SmtpMessageStorePrivate::writeMessages(QSqlDatabase &db, std::vector<StoreJob> &batch)
{
    DeliveryStatements &statements = *deliveryStatements;
    // Only what the inbox shows is read before the commit (the header block, a few
    // microseconds); the MIME parse, the checks and the full-text index follow in the background
    // indexer, so the 250 waits for one small durable write.
    // The raw bytes of mail in memory are compressed here too, outside the transaction; mail
    // spooled to a file is copied into its blob a piece at a time and stays verbatim.
    std::vector<MimeInboxHeaders> headers;
    std::vector<StoreCompression::Stored> raws;
    headers.reserve(batch.size());
    raws.reserve(batch.size());
    const auto dictionary = currentDictionary();
    for (const StoreJob &job : batch) {
        const SmtpMessage &m = job.message;
        headers.push_back(MimeParser::inboxHeaders(
            m.isDataInMemory() ? m.data() : m.leadingData(StoreInternal::headerReadLimit)));
        raws.push_back(m.isDataInMemory() ? StoreCompression::encode(m.data(), dictionary.get())
                                          : StoreCompression::Stored());
    }

    QString error;
    QList<qint64> ids;
    bool ok = !commitsNotDurable && db.transaction();
    if (commitsNotDurable)
        error = tr("the store cannot sync its commits");
    else if (!ok)
        error = db.lastError().text();

    ok = ok && (statements.prepared || statements.prepare(db, &error));
    StoreStatement &insert = statements.insert;
    StoreStatement &raw = statements.raw;
    StoreStatement &rawStreamed = statements.rawStreamed;
    StoreStatement &join = statements.join;
    std::map<QString, qint64> joined; // the mail each mailbox gets in this commit
    // The schema wants text where a QString may be null (unset): bindTextOrEmpty().

    for (size_t i = 0; ok && i < batch.size(); ++i) {
        const SmtpMessage &m = batch[i].message;
        const MimeInboxHeaders &h = headers[i];
        insert.bind(0, m.receivedAt().toMSecsSinceEpoch());
        insert.bindTextOrEmpty(1, m.remoteAddress());
        insert.bind(2, m.remotePort());
        insert.bindTextOrEmpty(3, m.helo());
        insert.bindTextOrEmpty(4, m.mailFrom());
        insert.bindTextOrEmpty(5, StoreEncoding::recipients(m.rcptTos()));
        insert.bind(6, m.size());
        insert.bindTextOrEmpty(7, m.tlsProtocol());
        insert.bindTextOrEmpty(8, m.tlsCipher());
        insert.bindTextOrEmpty(9, m.authenticatedUser());
        insert.bind(10, m.isSmtpUtf8());
        insert.bindTextOrEmpty(11, h.subject);
        insert.bindTextOrEmpty(12, h.from);
        insert.bindTextOrEmpty(13, h.to);
        insert.bind(14, h.hasAttachments);
        insert.bind(15, m.is8BitMime() ? 2 : 1); // waiting for the indexer; 2: 8-bit declared
        if (!insert.exec(&error)) {
            ok = false;
            break;
        }
        const qint64 id = insert.lastInsertId();
        ids.append(id);
        QStringList mailboxes = m.mailboxes();
        if (mailboxes.isEmpty())
            mailboxes.append(SmtpMessage::defaultMailbox());
        for (const QString &mailbox : std::as_const(mailboxes)) {
            join.bind(0, mailbox);
            join.bind(1, id);
            if (!join.exec(&error))
                ok = false;
            else if (join.changes() > 0) // not a membership it already had
                ++joined[mailbox];
        }
        if (!ok)
            break;

        if (!m.isDataInMemory()) {
            rawStreamed.bind(0, id);
            rawStreamed.bind(1, m.size());
            if (!rawStreamed.exec(&error)) {
                ok = false;
            } else {
                const std::unique_ptr<QIODevice> device = m.openData();
                ok = StoreBlob::write(db, id, device.get(), m.size(), &error);
            }
            continue;
        }
        raw.bind(0, id);
        raw.bind(1, raws[i].bytes);
        raw.bind(2, raws[i].encoding);
        if (!raw.exec(&error))
            ok = false;
    }
    if (ok)
        ok = countIn(statements, qint64(ids.size()), joined, &error);
    if (ok && !db.commit()) {
        ok = false;
        error = db.lastError().text();
    }
    if (!ok) {
        db.rollback();
        qCWarning(lcSmtpStore) << "commit failed:" << error;
        for (StoreJob &job : batch)
            job.done(SmtpSinkResult::failure(tr("cannot store the message: %1").arg(error)));
        notify([this, error] { Q_EMIT q->errorOccurred(error); });
        return;
    }
    count += ids.size();
    unread += ids.size();
    StoreInternal::raiseTo(newestNotified, ids.constLast()); // the watcher may raise it too
    // Before the completions: whoever a completion wakes already sees the index behind.
    bool wakeIndexer = false;
    {
        std::lock_guard lock(mutex);
        newestCommitted = ids.constLast();
        committedSinceIndex += ids.size();
        ++commitGeneration;
        indexCaughtUp = false;
        lastCommitAt = std::chrono::steady_clock::now();
        wakeIndexer
            = indexerWaitsForMail || committedSinceIndex >= StoreInternal::indexBatchMessages;
    }
    // Before the completions: a caller woken by one finds the store within its maximums.
    const QList<qint64> removed = pruneAfterDelivery(db);
    for (size_t i = 0; i < batch.size(); ++i) {
        const qint64 id = ids.at(qsizetype(i));
        SmtpSinkResult result = SmtpSinkResult::success(id);
        if (!batch[i].message.isDataInMemory()) {
            // Read back from the store from now on, through a connection of the device's own
            // (StoreBlob::open()); the spool file can go.
            result.dataSource = [name = databaseName, uri = !connectOptions.isEmpty(), id] {
                return StoreBlob::open(name, uri, id);
            };
        }
        batch[i].done(result);
    }
    if (wakeIndexer)
        indexWake.notify_one();
    notify([this, ids, removed] {
        indexCaughtUpSignalled = false; // new mail for the indexer
        if (!removed.isEmpty()) {
            Q_EMIT q->messagesPruned(removed);
            Q_EMIT q->messagesRemoved(removed);
        }
        Q_EMIT q->messagesAdded(ids);
        Q_EMIT q->countChanged();
    });
}

void SmtpMessageStorePrivate::writerLoop(std::promise<QString> *opened)
{
    nameThisThread("smtp-writer");
    commitsNotDurable = false; // a store opened again starts afresh
    const QString name = prefix + QStringLiteral("writer");
    {
        QString error;
        QSqlDatabase db = openConnection(name, &error, true);
        if (db.isOpen() && StoreSchema::prepare(db, &error) && loadDictionaries(db, &error)) {
            QSqlQuery counts(db);
            // The counters row, not count(*): counting 1,000,000 rows took 1 s cold.
            counts.exec(QStringLiteral(
                "SELECT messages, unread, (SELECT max(id) FROM messages) FROM counters"));
            if (counts.next()) {
                count = counts.value(0).toLongLong();
                unread = counts.value(1).toLongLong();
                newestNotified = counts.value(2).toLongLong();
                // Searchable up to the first message a previous run left unindexed.
                indexedUpTo = StoreInternal::readIndexedUpTo(db).value_or(0);
                std::lock_guard lock(mutex);
                newestCommitted = newestNotified;
                ++commitGeneration; // the indexer looks for what a previous run left
            }
        } else if (error.isEmpty()) {
            error = db.lastError().text();
        }
        if (error.isEmpty())
            writerConnection = &db; // before the indexer starts (after the store opened)
        opened->set_value(error);
        if (!error.isEmpty()) {
            db.close();
            db = {};
            QSqlDatabase::removeDatabase(name);
            return;
        }

        std::optional<DeliveryStatements> statements(std::in_place);
        deliveryStatements = &*statements;
        for (;;) {
            std::vector<StoreJob> batch;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [this] { return stopping || !queue.empty(); });
                if (queue.empty() && stopping)
                    break;
                if (queue.front().task) {
                    // A task runs on its own, in order.
                    batch.push_back(std::move(queue.front()));
                    queue.pop_front();
                } else {
                    // Every delivery waiting now goes into one transaction (group commit).
                    while (!queue.empty() && !queue.front().task && batch.size() < 1000) {
                        batch.push_back(std::move(queue.front()));
                        queue.pop_front();
                    }
                }
            }
            if (indexerStarved.load()) {
                // Wakes the indexer (waiting for the lock while writersWaiting is 0) and waits
                // for one transaction of it.
                std::unique_lock write(writeLock);
                writeIdle.notify_all();
                writeIdle.wait(write, [this] { return !indexerStarved.load(); });
            }
            ++writersWaiting;
            {
                std::lock_guard write(writeLock);
                --writersWaiting;
                if (batch.front().task)
                    batch.front().task(db);
                else
                    writeMessages(db, batch);
            }
            writeIdle.notify_all();
        }
        deliveryStatements = nullptr;
        statements.reset(); // before the connection it was prepared on
        writerConnection = nullptr; // the indexer has stopped (SmtpMessageStore::close())
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

bool SmtpMessageStorePrivate::loadDictionaries(QSqlDatabase &db, QString *error)
{
    QSqlQuery ids(db);
    if (!ids.exec(
            QStringLiteral("SELECT id FROM compression_dictionaries ORDER BY trained_at, id"))) {
        *error = ids.lastError().text();
        return false;
    }
    // Each read and checked as a frame that names it would have it read (Dictionaries::find()).
    sqlite3 *handle = StoreSqlite::handle(db);
    std::shared_ptr<const StoreCompression::Dictionary> newest;
    while (ids.next()) {
        const qint64 id = ids.value(0).toLongLong();
        if (auto dictionary = dictionaries->find(quint32(id), handle))
            newest = std::move(dictionary);
        else // what it compressed cannot be read back; the rest of the store can
            qCWarning(lcSmtpStore) << "damaged compression dictionary" << id;
    }
    setCurrentDictionary(std::move(newest));
    return true;
}

bool SmtpMessageStorePrivate::post(StoreJob &job)
{
    {
        std::lock_guard lock(mutex);
        if (stopping)
            return false;
        queue.push_back(std::move(job));
    }
    wake.notify_one();
    return true;
}

bool SmtpMessageStorePrivate::runTask(std::function<void(QSqlDatabase &)> task)
{
    if (!isOpen)
        return false;
    std::promise<void> finished;
    auto future = finished.get_future();
    {
        std::lock_guard lock(mutex);
        StoreJob job;
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
