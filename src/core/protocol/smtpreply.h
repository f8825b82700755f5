// One SMTP reply as a value: code, enhanced status (RFC 3463) and text lines.
// Every reply the server can send is named here, so the protocol and the tests
// speak of replies by name and the wire format is rendered in one place.
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QList>

struct SMTPRECEIVER_TEST_EXPORT SmtpReply
{
    int code = 0;
    QByteArray enhanced; // "2.0.0"; empty where RFC 2034 wants none (greeting, EHLO, 3xx)
    QList<QByteArray> lines;

    SmtpReply() = default;
    SmtpReply(int replyCode, QByteArray enhancedCode, QByteArray text);
    SmtpReply(int replyCode, QByteArray enhancedCode, QList<QByteArray> textLines);

    bool isValid() const { return code >= 200 && code <= 599; }
    bool isPositive() const { return code >= 200 && code < 400; }
    QByteArray text() const { return lines.isEmpty() ? QByteArray() : lines.constFirst(); }
    QByteArray toWire() const;

    // Builds a reply from a user-chosen code and text (rules, recipient handlers): keeps the code
    // when it is a 4xx/5xx, otherwise falls back; derives an enhanced code whose class matches.
    static SmtpReply rejection(int code, const QByteArray &text);

    // Connection
    static SmtpReply greeting(const QByteArray &hostname);
    static SmtpReply bye();
    static SmtpReply idleTimeout();
    static SmtpReply tooManyConnections();
    static SmtpReply tooManyErrors();
    static SmtpReply shuttingDown();

    // Generic
    static SmtpReply ok();
    static SmtpReply helo(const QByteArray &hostname, const QByteArray &client);
    static SmtpReply ehlo(
        const QByteArray &hostname, const QByteArray &client, const QList<QByteArray> &extensions);
    static SmtpReply help();

    // Errors of form and order
    static SmtpReply unrecognized();
    static SmtpReply lineTooLong();
    static SmtpReply syntax(const QByteArray &what);
    static SmtpReply badSequence(const QByteArray &what);
    static SmtpReply notImplemented(const QByteArray &what);
    static SmtpReply parameterNotImplemented(const QByteArray &what);
    static SmtpReply badSenderSyntax();
    static SmtpReply badRecipientSyntax();
    static SmtpReply nonAsciiNotPermitted();

    // Transaction
    static SmtpReply senderOk();
    static SmtpReply recipientOk();
    static SmtpReply tooManyRecipients();
    static SmtpReply recipientUnanswered();
    static SmtpReply startData();
    static SmtpReply chunkReceived(qint64 octets);
    static SmtpReply queued(const QByteArray &id);
    static SmtpReply messageTooBig();
    static SmtpReply sizeExceedsLimit();
    static SmtpReply localError();
    static SmtpReply verifyAccepted(const QByteArray &address);
    // VRFY when no decision came in time: 252, as VRFY has no temporary failure.
    static SmtpReply verifyUndecided();

    // TLS and authentication
    static SmtpReply readyToStartTls();
    static SmtpReply tlsAlreadyActive();
    static SmtpReply tlsRequired();
    static SmtpReply authRequired();
    static SmtpReply authChallenge(const QByteArray &base64);
    static SmtpReply authSucceeded();
    static SmtpReply authFailed();
    // 535 5.7.8: the user name cannot name a mailbox (the name shown in printable ASCII, '?'
    // for anything else, at most 64 characters).
    static SmtpReply authUserNotMailboxName(const QString &user);
    static SmtpReply authCancelled();
    static SmtpReply authMechanismUnknown();
    static SmtpReply authAlreadyDone();
    static SmtpReply authBadEncoding();

    friend bool operator==(const SmtpReply &a, const SmtpReply &b)
    {
        return a.code == b.code && a.enhanced == b.enhanced && a.lines == b.lines;
    }
    friend bool operator!=(const SmtpReply &a, const SmtpReply &b) { return !(a == b); }
};
