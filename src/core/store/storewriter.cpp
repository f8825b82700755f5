// The store's writer thread: deliveries queued by the parser pool go into one transaction
// together (group commit), the API's writes run in order with them, and pruning to the maximum
// follows every commit. The 250 for a message is sent only once its transaction has committed.
#include "smtplog.h"
#include "store/smtpmessagestore_p.h"
#include "store/storeencoding.h"
#include "store/storeschema.h"

#include <QSqlError>
#include <QSqlQuery>

using StoreInternal::tr;

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

void SmtpMessageStorePrivate::writeMessages(QSqlDatabase &db, std::vector<StoreJob> &batch)
{
    // Parsed on the parser pool before they got here; the writer thread only writes.
    std::vector<MimeParsedMessage> parsed;
    parsed.reserve(batch.size());
    for (const StoreJob &job : batch)
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
        const QString rcpts = StoreEncoding::recipients(m.rcptTos());
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
            StoreEncoding::attachments(p.rootPart()),
            StoreEncoding::parts(p.rootPart()),
            StoreEncoding::checks(p.checks),
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
        for (const SmtpMimePart &a : p.attachments())
            names.append(a.fileName());
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
        qCWarning(lcSmtpStore) << "commit failed:" << error;
        for (StoreJob &job : batch)
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
            std::vector<StoreJob> batch;
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
