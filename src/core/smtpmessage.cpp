#include "smtpmessage.h"

#include "mime/mimeheaders.h"
#include "smtpmessagesink.h"

#include <QDebug>

class SmtpMessageData : public QSharedData
{
public:
    qint64 id = 0;
    QDateTime receivedAt;
    QString remoteAddress;
    int remotePort = 0;
    QString helo;
    QString mailFrom;
    QStringList rcptTos;
    QByteArray data;
    QString tlsProtocol;
    QString tlsCipher;
    QString authenticatedUser;
    bool smtpUtf8 = false;
    bool eightBitMime = false;
};

SmtpMessage::SmtpMessage()
    : d(new SmtpMessageData)
{ }
SmtpMessage::SmtpMessage(const SmtpMessage &other) = default;
SmtpMessage::SmtpMessage(SmtpMessage &&other) noexcept = default;
SmtpMessage &SmtpMessage::operator=(const SmtpMessage &other) = default;
SmtpMessage::~SmtpMessage() = default;

qint64 SmtpMessage::id() const
{
    return d->id;
}
void SmtpMessage::setId(qint64 id)
{
    d->id = id;
}
QDateTime SmtpMessage::receivedAt() const
{
    return d->receivedAt;
}
void SmtpMessage::setReceivedAt(const QDateTime &at)
{
    d->receivedAt = at.toUTC();
}
QString SmtpMessage::remoteAddress() const
{
    return d->remoteAddress;
}
void SmtpMessage::setRemoteAddress(const QString &address)
{
    d->remoteAddress = address;
}
int SmtpMessage::remotePort() const
{
    return d->remotePort;
}
void SmtpMessage::setRemotePort(int port)
{
    d->remotePort = port;
}
QString SmtpMessage::helo() const
{
    return d->helo;
}
void SmtpMessage::setHelo(const QString &helo)
{
    d->helo = helo;
}
QString SmtpMessage::mailFrom() const
{
    return d->mailFrom;
}
void SmtpMessage::setMailFrom(const QString &from)
{
    d->mailFrom = from;
}
QStringList SmtpMessage::rcptTos() const
{
    return d->rcptTos;
}
void SmtpMessage::setRcptTos(const QStringList &rcpts)
{
    d->rcptTos = rcpts;
}
QByteArray SmtpMessage::data() const
{
    return d->data;
}
void SmtpMessage::setData(const QByteArray &data)
{
    d->data = data;
}
bool SmtpMessage::isTls() const
{
    return !d->tlsProtocol.isEmpty();
}
QString SmtpMessage::tlsProtocol() const
{
    return d->tlsProtocol;
}
QString SmtpMessage::tlsCipher() const
{
    return d->tlsCipher;
}
void SmtpMessage::setTls(const QString &protocol, const QString &cipher)
{
    d->tlsProtocol = protocol;
    d->tlsCipher = cipher;
}
QString SmtpMessage::authenticatedUser() const
{
    return d->authenticatedUser;
}
void SmtpMessage::setAuthenticatedUser(const QString &user)
{
    d->authenticatedUser = user;
}
bool SmtpMessage::isSmtpUtf8() const
{
    return d->smtpUtf8;
}
void SmtpMessage::setSmtpUtf8(bool on)
{
    d->smtpUtf8 = on;
}
bool SmtpMessage::is8BitMime() const
{
    return d->eightBitMime;
}
void SmtpMessage::set8BitMime(bool on)
{
    d->eightBitMime = on;
}

QString SmtpMessage::subject() const
{
    return MimeHeaders::decodedHeader(d->data, "Subject");
}

bool SmtpMessage::operator==(const SmtpMessage &other) const
{
    const SmtpMessage &a = *this;
    const SmtpMessage &b = other;
    if (a.d == b.d)
        return true;
    return a.d->id == b.d->id && a.d->receivedAt == b.d->receivedAt
        && a.d->remoteAddress == b.d->remoteAddress && a.d->remotePort == b.d->remotePort
        && a.d->helo == b.d->helo && a.d->mailFrom == b.d->mailFrom && a.d->rcptTos == b.d->rcptTos
        && a.d->data == b.d->data && a.d->tlsProtocol == b.d->tlsProtocol
        && a.d->tlsCipher == b.d->tlsCipher && a.d->authenticatedUser == b.d->authenticatedUser
        && a.d->smtpUtf8 == b.d->smtpUtf8 && a.d->eightBitMime == b.d->eightBitMime;
}

QDebug operator<<(QDebug debug, const SmtpMessage &message)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpMessage(id=" << message.id() << ", from=" << message.mailFrom()
                    << ", to=" << message.rcptTos() << ", size=" << message.size() << ')';
    return debug;
}

SmtpMessageSink::~SmtpMessageSink() = default;
