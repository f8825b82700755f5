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
    QPointer<SmtpConnection> connection;
    QTimer timeout;

    // A request bound to a connection; its timeout answers 451 when nobody does.
    static SmtpRecipient *create(SmtpConnection *connection, const QString &address,
        const QString &mailFrom, bool verify, int timeoutMs);
};
