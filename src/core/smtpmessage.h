// One received message: the envelope and the raw bytes exactly as they arrived (after
// dot-unstuffing). An implicitly shared value type; readable from QML through its properties.
// The bytes of a big message are not held in memory: they are read on demand from where they
// are kept (the spool file while it arrives, the store once it is stored); see setDataSource().
#pragma once

#include "smtpreceiver_global.h"

#include <QDateTime>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QStringList>

#include <functional>
#include <memory>

class QDebug;
class QIODevice;
class SmtpMessageData;

class SMTPRECEIVER_EXPORT SmtpMessage
{
    Q_GADGET
    Q_PROPERTY(qint64 id READ id)
    Q_PROPERTY(QDateTime receivedAt READ receivedAt)
    Q_PROPERTY(QString remoteAddress READ remoteAddress)
    Q_PROPERTY(int remotePort READ remotePort)
    Q_PROPERTY(QString helo READ helo)
    Q_PROPERTY(QString mailfrom READ mailFrom)
    Q_PROPERTY(QStringList rcpttos READ rcptTos)
    Q_PROPERTY(QStringList relayRcptTos READ relayRcptTos)
    Q_PROPERTY(QByteArray data READ data)
    Q_PROPERTY(qint64 size READ size)
    Q_PROPERTY(bool tls READ isTls)
    Q_PROPERTY(QString tlsProtocol READ tlsProtocol)
    Q_PROPERTY(QString tlsCipher READ tlsCipher)
    Q_PROPERTY(QString authenticatedUser READ authenticatedUser)
    Q_PROPERTY(bool smtpUtf8 READ isSmtpUtf8)
    Q_PROPERTY(bool eightBitMime READ is8BitMime)
    Q_PROPERTY(QString subject READ subject)
    Q_PROPERTY(QStringList mailboxes READ mailboxes)
public:
    // Opens the bytes for reading: a device positioned at the first octet, or null when they are
    // gone. Called from whichever thread reads the message; the device is used on that thread.
    using DataSource = std::function<std::unique_ptr<QIODevice>()>;

    SmtpMessage();
    SmtpMessage(const SmtpMessage &other);
    SmtpMessage(SmtpMessage &&other) noexcept;
    SmtpMessage &operator=(const SmtpMessage &other);
    SmtpMessage &operator=(SmtpMessage &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~SmtpMessage();
    void swap(SmtpMessage &other) noexcept { d.swap(other.d); }

    qint64 id() const;
    void setId(qint64 id);
    QDateTime receivedAt() const; // UTC
    void setReceivedAt(const QDateTime &at);
    QString remoteAddress() const;
    void setRemoteAddress(const QString &address);
    int remotePort() const;
    void setRemotePort(int port);
    QString helo() const;
    void setHelo(const QString &helo);
    QString mailFrom() const; // "" for the null reverse-path <>
    void setMailFrom(const QString &from);
    QStringList rcptTos() const; // after rules and recipient handlers rewrote them
    void setRcptTos(const QStringList &rcpts);
    // Those of rcptTos() that the recipient rules accepted at RCPT with a rule that says
    // "relay": true, in rcptTos() order, each once: what SmtpRelay::releaseByRules() releases
    // after the 250. The server sets it from each recipient's decision (SmtpRuleDecision::relay)
    // as it was made, which a stored address cannot tell again (rewrites and rule order decided
    // it). Empty for mail that no RCPT rule decided (the HTTP send API, an import, a recipient()
    // handler) unless its maker sets it. Not kept by the store: it matters only on the way in.
    QStringList relayRcptTos() const;
    void setRelayRcptTos(const QStringList &rcpts);
    // All the bytes. For a message whose bytes are not in memory (isDataInMemory() false) each
    // call reads them from their source: keep the result rather than calling again, or read
    // with openData() a piece at a time.
    QByteArray data() const;
    void setData(const QByteArray &data);
    // The bytes come from open() whenever they are read, instead of being held here; size is
    // their count. The server does this for a message past SmtpLimits::memoryBodyLimit.
    void setDataSource(const DataSource &open, qint64 size);
    bool isDataInMemory() const;
    // A device over the bytes, wherever they are; null when they cannot be read.
    std::unique_ptr<QIODevice> openData() const;
    // At most maxSize octets from the start (all of a shorter message), without reading the rest:
    // enough for the header block.
    QByteArray leadingData(qint64 maxSize) const;
    qint64 size() const;
    bool isTls() const;
    QString tlsProtocol() const; // "TLSv1.3"; empty without TLS
    QString tlsCipher() const;
    void setTls(const QString &protocol, const QString &cipher);
    QString authenticatedUser() const;
    void setAuthenticatedUser(const QString &user);
    bool isSmtpUtf8() const;
    void setSmtpUtf8(bool on);
    bool is8BitMime() const; // the client declared BODY=8BITMIME
    void set8BitMime(bool on);

    // The Subject header, RFC 2047 words decoded; "" when there is none.
    QString subject() const;

    // The mailboxes the message belongs to, in the order routing named them (each once); the
    // server fills them in when it accepts the message. Empty means defaultMailbox().
    QStringList mailboxes() const;
    void setMailboxes(const QStringList &names);
    // "Inbox": where a message goes when nothing routes it elsewhere.
    static QString defaultMailbox();
    // A mailbox name is 1-64 characters of A-Z a-z 0-9 . _ -
    static bool isValidMailboxName(const QString &name);

    // Every field equal (the same shared data is equal at once).
    bool operator==(const SmtpMessage &other) const;
    bool operator!=(const SmtpMessage &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpMessageData> d;
};

Q_DECLARE_SHARED(SmtpMessage)
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpMessage &message);
