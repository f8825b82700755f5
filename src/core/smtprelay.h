// SmtpRelay: releases stored messages to a real SMTP server. A release sends the stored bytes
// unchanged, with the original MAIL FROM, to the recipients asked for, after checking them
// against the allowed pattern; a release the server accepts is recorded on the message in the
// store (SmtpMessageStore::releases()), a failed one changes nothing.
#pragma once

#include "smtpclient.h"
#include "smtpreceiver_global.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QScopedPointer>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

class SmtpMessage;
class SmtpMessageStore;

// Where releases go and how. Off (isEnabled() false) until host and port are set.
struct SMTPRECEIVER_EXPORT SmtpRelayConfig
{
    QString host;
    quint16 port = 0;
    SmtpClient::TlsMode tlsMode = SmtpClient::TlsMode::Auto;
    QString user; // AUTH when not empty
    QString password;
    // Only recipients this regular expression matches in full may be released to; empty: all.
    QString allowedPattern;
    // Certificates accepted as they are (a relay's self-signed one); see SmtpClient.
    QList<QSslCertificate> acceptedCertificates;
    bool verifyCertificate = true;
    QString heloName = QStringLiteral("localhost");
    int timeout = 30 * 1000; // per reply (the end of the data included), ms

    bool isEnabled() const { return !host.isEmpty() && port != 0; }
    // Why the configuration cannot be used (a bad pattern), or empty.
    QString problem() const;
    // "HOST:PORT", "[v6]:PORT".
    QString address() const;
};

class SmtpRelayJobPrivate;

// One release in progress. Finishes exactly once, never inside SmtpRelay::release(); deletes
// itself after finished().
class SMTPRECEIVER_EXPORT SmtpRelayJob : public QObject
{
    Q_OBJECT
public:
    ~SmtpRelayJob() override;

    qint64 messageId() const;
    QStringList recipients() const;
    bool isFinished() const;
    bool isOk() const; // the relay accepted the message
    // Why the release was refused before anything was sent (no relay, a recipient outside the
    // allowed pattern, no such message); empty when it went to the relay.
    QString refusal() const;
    // What the relay said (when refusal() is empty).
    SmtpClientResult result() const;
    // One line for people: the relay's final reply, or why it failed.
    QString replyText() const;

Q_SIGNALS:
    void finished();

private:
    explicit SmtpRelayJob(QObject *parent);
    Q_DECLARE_PRIVATE(SmtpRelayJob)
    QScopedPointer<SmtpRelayJobPrivate> d_ptr;
};

class SmtpRelayPrivate;

class SMTPRECEIVER_EXPORT SmtpRelay : public QObject
{
    Q_OBJECT
public:
    // Releases messages of store (not owned; may be null for test messages only).
    explicit SmtpRelay(SmtpMessageStore *store, QObject *parent = nullptr);
    ~SmtpRelay() override;

    SmtpRelayConfig config() const;
    void setConfig(const SmtpRelayConfig &config);
    bool isEnabled() const;
    // Whether address may be released to (the allowed pattern).
    bool isAllowed(const QString &address) const;
    // Whether address can be a release's recipient at all: something, "@", something, and no
    // white space, control characters or angle brackets (it goes into RCPT TO:<...> as it is).
    static bool isAddress(const QString &address);
    // Why a release to these recipients would be refused before sending, or empty. One line: a
    // recipient it names has its control characters shown as U+FFFD.
    QString check(const QStringList &recipients) const;

    // Sends stored message messageId to recipients. Safe to call right after the 250 of the
    // message: it reads the store and connects asynchronously, never blocking the caller. At
    // most four releases (and test messages) talk to the relay at once; the others wait, in
    // the order asked.
    SmtpRelayJob *release(qint64 messageId, const QStringList &recipients);
    // The automatic release: message (just stored) to its relayRcptTos(), the recipients that
    // an accept rule with relay() accepted at RCPT (the server notes them as it decides; mail
    // that no RCPT rule decided has none and is never released here). Those that check()
    // refuses (outside the allowed pattern) are left out and reported by releaseRefused(), one
    // signal each; the others are released together. Null when none is left or no relay is
    // configured.
    SmtpRelayJob *releaseByRules(const SmtpMessage &message);
    // Sends a small test message from sender to recipient, to check the configuration; nothing
    // is recorded.
    SmtpRelayJob *sendTestMessage(const QString &sender, const QString &recipient);

Q_SIGNALS:
    // Every release that went to the relay, accepted or not (test messages too, with id 0).
    void released(qint64 messageId, const QStringList &recipients, const SmtpClientResult &result);
    // A recipient that releaseByRules() left out, and why (check()'s reason); nothing was sent
    // to it. Emitted from the event loop, never inside releaseByRules(). A release() asked for
    // directly reports its refusal through its job instead (the HTTP API answers it).
    void releaseRefused(qint64 messageId, const QStringList &recipients, const QString &reason);

private:
    Q_DECLARE_PRIVATE(SmtpRelay)
    QScopedPointer<SmtpRelayPrivate> d_ptr;
};
