#pragma once

#include "smtprecipient.h"
#include "smtpreply.h"

#include <QPointer>
#include <QTimer>

class SmtpConnection;

class SmtpRecipientPrivate
{
public:
    QString address;
    QString mailFrom;
    QString remoteAddress;
    QString helo;
    bool verify = false;
    bool answered = false;
    QString mailbox;
    bool relay = false;
    QPointer<SmtpConnection> connection;
    QTimer timeout;

    // Passes the first answer on to the connection (if it is still there), then goes away.
    void answer(
        SmtpRecipient *q, bool accepted, const QString &answerAddress, const SmtpReply &rejection);
    // The timeout: no answer came (the connection says 451 to RCPT, 252 to VRFY).
    void giveUp(SmtpRecipient *q);

    // A request bound to a connection; its timeout gives up when nobody answers.
    static SmtpRecipient *create(SmtpConnection *connection, const QString &address,
        const QString &mailFrom, bool verify, int timeoutMs);
};
