// A question the server asks about one recipient (RCPT TO, or VRFY), answered now or later,
// in the manner of QNetworkReply: the server emits recipient(SmtpRecipient *); the handler calls
// accept() or reject(), in the handler or any time after. The session holds that client (and
// keeps pipelined commands in order) until the answer comes, or until the server's
// recipientTimeout passes, which answers 451 4.3.0 to RCPT and 252 ("cannot verify now") to VRFY.
//
// The request deletes itself (deleteLater) after it is answered or timed out; hold it in a
// QPointer if you answer later. Answering after the client left is harmless.
#pragma once

#include "smtpreceiver_global.h"

#include <QObject>
#include <QString>

class SmtpRecipientPrivate;

class SMTPRECEIVER_EXPORT SmtpRecipient : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString address READ address CONSTANT)
    Q_PROPERTY(QString mailfrom READ mailFrom CONSTANT)
    Q_PROPERTY(QString remoteAddress READ remoteAddress CONSTANT)
    Q_PROPERTY(QString helo READ helo CONSTANT)
    Q_PROPERTY(bool verify READ isVerify CONSTANT)
    Q_PROPERTY(bool answered READ isAnswered NOTIFY finished)
    Q_PROPERTY(QString mailbox READ mailbox WRITE setMailbox)
    Q_PROPERTY(bool relay READ relay WRITE setRelay)
public:
    ~SmtpRecipient() override;

    QString address() const; // as the client wrote it (after the server's rules, if any)
    QString mailFrom() const; // the transaction's sender; "" for <> or for VRFY
    QString remoteAddress() const; // the client's IP address
    QString helo() const;
    bool isVerify() const; // VRFY rather than RCPT TO
    bool isAnswered() const;
    // The mailbox the message goes to for this recipient once accepted (set it before
    // accept()); a name SmtpMessage::isValidMailboxName() takes, anything else is ignored.
    // Empty (the default): routing decides (the AUTH user, the listener's mailbox, Inbox).
    QString mailbox() const;
    void setMailbox(const QString &name);
    // Whether the message, once stored, is released to this recipient (the address accepted)
    // through the relay, as a rule's "relay": true does: it lands in SmtpMessage::relayRcptTos(),
    // which SmtpRelay::releaseByRules() sends to. Set it before accept(); false by default, and
    // ignored for VRFY and for a rejection.
    bool relay() const;
    void setRelay(bool relay);

    // The first answer counts; later ones are ignored.
    // Accept; a non-empty address replaces the one written (e.g. with a "+tag" removed) and is
    // what lands in the message's rcpttos. An empty address keeps the one written.
    Q_INVOKABLE void accept(const QString &address);
    // Reject with this SMTP code (4xx or 5xx; anything else becomes 550) and text. The project
    // this descends from answered an error string with 553.
    Q_INVOKABLE void reject(int code, const QString &text);

Q_SIGNALS:
    // Emitted once, when the request was answered (by the handler or by the timeout).
    void finished();

private:
    explicit SmtpRecipient(QObject *parent = nullptr);
    Q_DECLARE_PRIVATE(SmtpRecipient)
    QScopedPointer<SmtpRecipientPrivate> d_ptr;
};
