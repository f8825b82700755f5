// Watching the database file for what other processes write (a headless server filling the
// store a GUI reads): new messages, other changes and what their indexer has passed are reported
// with the store's signals.
#include "store/smtpmessagestore_p.h"

#include <QSqlQuery>
#include <QTimer>

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
    // Our writer may have committed (and signalled) newer mail since the look.
    if (!added.isEmpty())
        StoreInternal::raiseTo(newestNotified, added.constLast());
    // How far the indexers have come: another process's indexer passes that process's mail,
    // which ours never looks at.
    const qint64 indexed = StoreInternal::readIndexedUpTo(db).value_or(0);
    if (!query.exec(QStringLiteral("SELECT messages, unread FROM counters")) || !query.next())
        return;
    const qint64 total = query.value(0).toLongLong();
    const qint64 unreadNow = query.value(1).toLongLong();
    // More gone than our own signals said, or flags changed elsewhere: readers must reload.
    const bool otherChange
        = total != count.load() + added.size() || unreadNow != unread.load() + added.size();
    count = total;
    unread = unreadNow;
    if (otherChange)
        nonAdditiveChanges += 2; // committed already: seen by the readers from now on
    if (!added.isEmpty())
        Q_EMIT q->messagesAdded(added);
    if (otherChange)
        Q_EMIT q->messagesRemoved({});
    if (!added.isEmpty() || otherChange)
        Q_EMIT q->countChanged();
    if (indexed > indexedUpToSignalled.load()) {
        StoreInternal::raiseTo(indexedUpTo, indexed);
        StoreInternal::raiseTo(indexedUpToSignalled, indexed);
        Q_EMIT q->indexedUpToChanged(indexed);
    }
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
