// The frames of Mailpit's /api/events WebSocket, made from the store's signals:
// {"Type": "new"|"stats"|"update"|"delete"|"truncate"|"prune"|"error", "Data": ...}.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QObject>

class SmtpMessageStore;

class SMTPRECEIVERHTTP_TEST_EXPORT MailpitEvents : public QObject
{
    Q_OBJECT
public:
    explicit MailpitEvents(SmtpMessageStore *store, QObject *parent = nullptr);

Q_SIGNALS:
    // One text frame for every connected client (compact JSON).
    void frame(const QByteArray &text);
};
