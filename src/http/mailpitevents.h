// The frames of Mailpit's /api/events WebSocket, made from the store's signals:
// {"Type": "new"|"stats"|"update"|"delete"|"truncate"|"prune"|"error", "Data": ...}.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QList>
#include <QObject>
#include <QPointer>

class QJsonValue;
class SmtpMessageStore;

// new: the MessageSummary of each added message, as soon as the store says it is there (the
// event loop turn after its commit, so before or just after the client reads its 250);
// stats {Total, Unread, Version}: after any change, at most one per event-loop turn;
// update {ID, Read}: per message whose flag changed (a change of every message's flag sends
// only stats); delete {ID}: per removed message; truncate: the mailbox was cleared (or another
// process changed it); prune: the oldest messages went to keep the store's maximum (no delete
// frames for those).
class SMTPRECEIVERHTTP_TEST_EXPORT MailpitEvents : public QObject
{
    Q_OBJECT
public:
    explicit MailpitEvents(SmtpMessageStore *store, QObject *parent = nullptr);

    // Whether frames are made at all (default: yes). A "new" frame reads the message, and parses
    // it when the indexer has not passed it yet: SmtpHttpApi turns this off while no WebSocket
    // client listens, so that mail nobody watches costs nothing here.
    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }

    // A frame as sent: compact JSON of {"Type": type, "Data": data}.
    static QByteArray frameText(const QString &type, const QJsonValue &data);

Q_SIGNALS:
    // One text frame for every connected client (compact JSON).
    void frame(const QByteArray &text);

private:
    void onAdded(const QList<qint64> &ids);
    void onRemoved(const QList<qint64> &ids);
    void onReadChanged(const QList<qint64> &ids, bool read);
    void scheduleStats();
    void sendStats();

    QPointer<SmtpMessageStore> m_store;
    QList<qint64> m_pruned; // announced by messagesPruned(), removed next
    bool m_statsPending = false;
    bool m_enabled = true;
    qint64 m_indexedUpTo = 0; // the store's index bound the last stats followed
};
