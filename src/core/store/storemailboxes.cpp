// SmtpMessageStore's mailboxes: the list with the counts the store keeps (table mailboxes: new mail
// added by the writer, the rest by the schema's triggers), one mailbox's counts, ending a mailbox,
// and the per-mailbox maximum.
#include "store/smtpmessagestore_p.h"

#include <QSqlError>
#include <QSqlQuery>

QList<SmtpMailbox> SmtpMessageStore::mailboxes() const
{
    Q_D(const SmtpMessageStore);
    QList<SmtpMailbox> result;
    SmtpMailbox inbox;
    inbox.name = SmtpMessage::defaultMailbox();
    result.append(inbox);
    QSqlQuery q(d->readConnection());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT name, messages, unread FROM mailboxes ORDER BY name")))
        return result;
    while (q.next()) {
        SmtpMailbox mailbox;
        mailbox.name = q.value(0).toString();
        mailbox.messages = q.value(1).toLongLong();
        mailbox.unread = q.value(2).toLongLong();
        if (mailbox.name == inbox.name)
            result.first() = mailbox;
        else
            result.append(mailbox);
    }
    return result;
}

SmtpMailbox SmtpMessageStore::mailbox(const QString &name) const
{
    Q_D(const SmtpMessageStore);
    SmtpMailbox result;
    result.name = name;
    QSqlQuery q(d->readConnection());
    q.prepare(QStringLiteral("SELECT messages, unread FROM mailboxes WHERE name = ?"));
    q.addBindValue(name);
    if (q.exec() && q.next()) {
        result.messages = q.value(0).toLongLong();
        result.unread = q.value(1).toLongLong();
    }
    return result;
}

bool SmtpMessageStore::removeMailbox(const QString &name)
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    d->runTask([d, &name, &ok](QSqlDatabase &db) {
        const StoreInternal::NonAdditiveChange change(d->nonAdditiveChanges);
        if (!db.transaction())
            return;
        // The messages in no other mailbox go; then the memberships that are left, and the
        // mailbox's row with its (now zero) counts.
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "DELETE FROM messages WHERE id IN (SELECT message FROM message_mailboxes b WHERE "
            "b.mailbox = ? AND NOT EXISTS (SELECT 1 FROM message_mailboxes o WHERE "
            "o.message = b.message AND o.mailbox <> b.mailbox)) RETURNING id, is_read"));
        q.addBindValue(name);
        QList<qint64> removed;
        qint64 unreadRemoved = 0;
        ok = q.exec();
        while (ok && q.next()) {
            removed.append(q.value(0).toLongLong());
            unreadRemoved += q.value(1).toBool() ? 0 : 1;
        }
        q.finish();
        QSqlQuery rest(db);
        ok = ok && rest.prepare(QStringLiteral("DELETE FROM message_mailboxes WHERE mailbox = ?"));
        rest.addBindValue(name);
        ok = ok && rest.exec();
        QSqlQuery row(db);
        ok = ok && row.prepare(QStringLiteral("DELETE FROM mailboxes WHERE name = ?"));
        row.addBindValue(name);
        ok = ok && row.exec();
        if (!ok || !db.commit()) {
            db.rollback();
            ok = false;
            return;
        }
        d->count -= removed.size();
        d->unread -= unreadRemoved;
        // Messages that stay (in other mailboxes) changed too: then "reload" (an empty list).
        const bool membershipsLeft = rest.numRowsAffected() > 0;
        d->notify([d, removed, membershipsLeft] {
            if (membershipsLeft)
                Q_EMIT d->q->messagesRemoved({});
            else if (!removed.isEmpty())
                Q_EMIT d->q->messagesRemoved(removed);
            Q_EMIT d->q->countChanged(); // and so mailboxesChanged()
        });
    });
    return ok;
}

QList<qint64> SmtpMessageStore::storeAll(const QList<SmtpMessage> &messages, QString *errorString)
{
    Q_D(SmtpMessageStore);
    QList<qint64> ids;
    QString error = StoreInternal::tr("the message store is not open");
    d->runTask([d, &messages, &ids, &error](QSqlDatabase &db) {
        // One batch of the writer, however large: one transaction.
        std::vector<StoreJob> jobs;
        jobs.reserve(size_t(messages.size()));
        for (const SmtpMessage &message : messages)
            jobs.push_back({ message,
                [&ids, &error](const SmtpSinkResult &result) {
                    if (result.ok)
                        ids.append(result.id);
                    else
                        error = result.errorString;
                },
                {} });
        if (!jobs.empty())
            d->writeMessages(db, jobs);
    });
    if (ids.size() != messages.size()) {
        if (errorString)
            *errorString = error;
        return {};
    }
    return ids;
}

qint64 SmtpMessageStore::maxMessagesPerMailbox() const
{
    return d_func()->maxPerMailbox;
}

void SmtpMessageStore::setMaxMessagesPerMailbox(qint64 max)
{
    Q_D(SmtpMessageStore);
    if (d->maxPerMailbox == max)
        return;
    d->maxPerMailbox = max;
    d->pruneNow();
}
