// SmtpClient: the one outgoing SMTP client, asynchronous on a QSslSocket. It submits one message
// per send(): EHLO (HELO when EHLO is refused), STARTTLS or implicit TLS, AUTH (CRAM-MD5, PLAIN or
// LOGIN, the strongest offered), the SIZE check before anything is sent, MAIL FROM, RCPT TO,
// DATA with dot-stuffing, QUIT; pipelined when the server offers PIPELINING. Every reply is
// reported with its code and text, every step has a timeout, and the outcome is one value
// saying whether it worked, at which stage it failed and with which reply.
#pragma once

#include "smtpreceiver_global.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QScopedPointer>
#include <QSslCertificate>
#include <QString>
#include <QStringList>

// One reply of the server: "250-first line" ... "250 last line".
struct SMTPRECEIVER_EXPORT SmtpClientReply
{
    int code = 0; // 0: no reply (the connection failed before one came)
    QString enhancedCode; // "2.1.5" when the first line starts with one, else empty
    QStringList lines; // the text after "NNN-" / "NNN " of every line, as sent

    bool isValid() const { return code != 0; }
    bool isPositive() const { return code >= 200 && code < 400; }
    bool isTransient() const { return code >= 400 && code < 500; }
    // The reply on one line, "553 5.1.1 Mailbox name invalid", control characters replaced, so
    // that it can go into a log line or a JSON string unchanged.
    QString toString() const;
    bool operator==(const SmtpClientReply &other) const;
    bool operator!=(const SmtpClientReply &other) const { return !(*this == other); }
};

// What one RCPT TO got.
struct SMTPRECEIVER_EXPORT SmtpClientRecipient
{
    QString address;
    SmtpClientReply reply;
};

// The outcome of SmtpClient::send().
struct SMTPRECEIVER_EXPORT SmtpClientResult
{
    // Where it stopped (Done after the reply to the message's end, whatever it said).
    enum class Stage {
        None,
        Connect,
        Greeting,
        Hello,
        StartTls,
        Tls,
        Auth,
        MailFrom,
        RcptTo,
        Data,
        Message,
        Done
    };
    enum class Error {
        None,
        Reply, // the server refused: reply says how
        ConnectionFailed, // no connection (refused, host not found, unreachable)
        ConnectionClosed, // the server hung up
        Timeout, // no reply within the step's timeout
        MalformedReply, // not "NNN text" lines
        TlsFailed, // the handshake or the certificate check failed
        TlsUnavailable, // TLS was required (or credentials need it) and the server offers no
                        // STARTTLS
        AuthUnavailable, // credentials are set and the server offers no usable AUTH
        MessageTooBig, // over the server's SIZE: nothing was sent
        RecipientsRefused, // no recipient accepted (or one refused, with requireAllRecipients)
        Aborted, // abort() was called
    };

    bool ok = false;
    Stage stage = Stage::None;
    Error error = Error::None;
    // The reply that ended it: the reply to the message's end when ok, the refusal otherwise
    // (for RecipientsRefused the last refused recipient's).
    SmtpClientReply reply;
    QString errorString; // one line, for people; empty when ok
    QList<SmtpClientRecipient> recipients; // every RCPT TO sent, in order, with its reply

    bool isTransient() const; // a 4xx or a network problem: trying again later may work
    QStringList acceptedRecipients() const;
    // "250 2.0.0 queued" when ok, else errorString.
    QString toString() const;
};

class SmtpClientPrivate;

class SMTPRECEIVER_EXPORT SmtpClient : public QObject
{
    Q_OBJECT
public:
    enum class TlsMode {
        Auto, // STARTTLS when the server offers it, else plain (no AUTH then, unless the
              // server is on this machine: SmtpClientProtocol::mayAuthenticate())
        None, // never TLS
        StartTls, // STARTTLS, and fail when it is not offered
        Implicit, // TLS from the first byte (RFC 8314, usually port 465)
    };
    Q_ENUM(TlsMode)

    explicit SmtpClient(QObject *parent = nullptr);
    ~SmtpClient() override;

    QString host() const;
    void setHost(const QString &host);
    quint16 port() const;
    void setPort(quint16 port);
    TlsMode tlsMode() const;
    void setTlsMode(TlsMode mode);
    // "none", "starttls", "tls" (and "auto"); false when text names no mode.
    static bool parseTlsMode(const QString &text, TlsMode *mode);
    // The name parseTlsMode() reads back: "auto", "none", "starttls" or "tls".
    static QString tlsModeName(TlsMode mode);
    // AUTH with these; an empty user: no AUTH.
    QString user() const;
    void setCredentials(const QString &user, const QString &password);
    // The name in EHLO/HELO. Default: "localhost".
    QString heloName() const;
    void setHeloName(const QString &name);
    // How long each reply may take (ms); the reply to the message's end waits messageTimeout.
    int timeout() const;
    void setTimeout(int milliseconds);
    int messageTimeout() const;
    void setMessageTimeout(int milliseconds);
    // Certificates are checked against the system's CAs and the host name. These certificates
    // are accepted besides, as they are, whatever signed them and whatever name they carry (a
    // relay's self-signed certificate).
    QList<QSslCertificate> acceptedCertificates() const;
    void setAcceptedCertificates(const QList<QSslCertificate> &certificates);
    // false accepts any certificate from this host: encrypted, but not authenticated.
    bool verifyCertificate() const;
    void setVerifyCertificate(bool verify);
    // true: one refused recipient fails the whole send and nothing is sent (a release is all or
    // nothing). false (the default): the message goes to the recipients that were accepted.
    bool requireAllRecipients() const;
    void setRequireAllRecipients(bool all);

    // Submits message (CRLF lines as stored, not dot-stuffed) from sender ("" for <>) to the
    // recipients. Ends with finished(). One send at a time; a call while running is ignored.
    void send(const QString &sender, const QStringList &recipients, const QByteArray &message);
    // Stops at once: finished() with Error::Aborted, unless the message was already settled.
    void abort();
    bool isRunning() const;
    SmtpClientResult result() const; // of the last send that finished

Q_SIGNALS:
    // Every reply of the server, at the stage it answered.
    void replyReceived(SmtpClientResult::Stage stage, const SmtpClientReply &reply);
    void finished(const SmtpClientResult &result);

private:
    Q_DECLARE_PRIVATE(SmtpClient)
    QScopedPointer<SmtpClientPrivate> d_ptr;
};

Q_DECLARE_METATYPE(SmtpClientReply)
Q_DECLARE_METATYPE(SmtpClientResult)
