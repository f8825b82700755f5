#include "smtpmessage.h"

#include "mime/mimeheaders.h"
#include "smtpmessagesink.h"

#include <QBuffer>
#include <QDebug>

namespace {
// The header block is read from at most this many octets of a message not in memory.
constexpr qint64 headerReadLimit = 256 * 1024;
} // namespace

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
    QStringList relayRcptTos;
    QByteArray data;
    SmtpMessage::DataSource source; // set when the bytes are not held in data
    qint64 sourceSize = 0;
    QString tlsProtocol;
    QString tlsCipher;
    QString authenticatedUser;
    bool smtpUtf8 = false;
    bool eightBitMime = false;
    QStringList mailboxes;
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
QStringList SmtpMessage::relayRcptTos() const
{
    return d->relayRcptTos;
}
void SmtpMessage::setRelayRcptTos(const QStringList &rcpts)
{
    d->relayRcptTos = rcpts;
}
QByteArray SmtpMessage::data() const
{
    if (!d->source)
        return d->data;
    const std::unique_ptr<QIODevice> device = d->source();
    if (!device)
        return {};
    QByteArray all(d->sourceSize, Qt::Uninitialized);
    qint64 got = 0;
    while (got < all.size()) {
        const qint64 n = device->read(all.data() + got, all.size() - got);
        if (n <= 0)
            break;
        got += n;
    }
    all.truncate(got);
    return all;
}
void SmtpMessage::setData(const QByteArray &data)
{
    d->data = data;
    d->source = nullptr;
    d->sourceSize = 0;
}
void SmtpMessage::setDataSource(const DataSource &open, qint64 size)
{
    d->data.clear();
    d->source = open;
    d->sourceSize = size;
}
bool SmtpMessage::isDataInMemory() const
{
    return !d->source;
}
std::unique_ptr<QIODevice> SmtpMessage::openData() const
{
    if (d->source)
        return d->source();
    auto buffer = std::make_unique<QBuffer>();
    buffer->setData(d->data);
    buffer->open(QIODevice::ReadOnly);
    return buffer;
}
QByteArray SmtpMessage::leadingData(qint64 maxSize) const
{
    if (!d->source)
        return d->data.left(maxSize);
    const std::unique_ptr<QIODevice> device = d->source();
    return device ? device->read(qMin(maxSize, d->sourceSize)) : QByteArray();
}
qint64 SmtpMessage::size() const
{
    return d->source ? d->sourceSize : d->data.size();
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
    return MimeHeaders::decodedHeader(
        d->source ? leadingData(headerReadLimit) : d->data, "Subject");
}

QStringList SmtpMessage::mailboxes() const
{
    return d->mailboxes;
}
void SmtpMessage::setMailboxes(const QStringList &names)
{
    QStringList unique;
    for (const QString &name : names)
        if (!unique.contains(name))
            unique.append(name);
    d->mailboxes = unique;
}
QString SmtpMessage::defaultMailbox()
{
    return QStringLiteral("Inbox");
}
bool SmtpMessage::isValidMailboxName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'.' || u == u'_' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
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
        && a.d->relayRcptTos == b.d->relayRcptTos && a.size() == b.size()
        && (a.d->source || b.d->source ? a.data() == b.data() : a.d->data == b.d->data)
        && a.d->tlsProtocol == b.d->tlsProtocol && a.d->tlsCipher == b.d->tlsCipher
        && a.d->authenticatedUser == b.d->authenticatedUser && a.d->smtpUtf8 == b.d->smtpUtf8
        && a.d->eightBitMime == b.d->eightBitMime && a.d->mailboxes == b.d->mailboxes;
}

QDebug operator<<(QDebug debug, const SmtpMessage &message)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpMessage(id=" << message.id() << ", from=" << message.mailFrom()
                    << ", to=" << message.rcptTos() << ", size=" << message.size() << ')';
    return debug;
}

SmtpMessageSink::~SmtpMessageSink() = default;

void SmtpMessageSink::retract(const SmtpMessage &, const SmtpSinkResult &, Completion done)
{
    done(SmtpSinkResult::success());
}
