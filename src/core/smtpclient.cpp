// SmtpClient: the socket side of the outgoing SMTP client. The replies are read by the pure
// functions of protocol/smtpclientprotocol; this file sends the commands, keeps the queue of
// replies still owed (several at once when pipelining), the step timer and the TLS upgrade.
#include "smtpclient.h"
#include "smtptext.h"

#include "protocol/smtpclientprotocol.h"

#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

using Stage = SmtpClientResult::Stage;
using Error = SmtpClientResult::Error;

namespace {

bool isAscii(QByteArrayView text)
{
    for (const char c : text)
        if (uchar(c) >= 0x80)
            return false;
    return true;
}

constexpr qsizetype MaxReplyLine = 64 * 1024;

} // namespace

QString SmtpClientReply::toString() const
{
    if (code == 0)
        return {};
    QString result = QString::number(code);
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (!trimmed.isEmpty())
            result += QLatin1Char(' ') + SmtpText::shownOnOneLine(trimmed);
    }
    return result;
}

bool SmtpClientReply::operator==(const SmtpClientReply &other) const
{
    return code == other.code && enhancedCode == other.enhancedCode && lines == other.lines;
}

bool SmtpClientResult::isTransient() const
{
    if (ok)
        return false;
    switch (error) {
    case Error::Reply:
    case Error::RecipientsRefused:
        return reply.isTransient();
    case Error::ConnectionFailed:
    case Error::ConnectionClosed:
    case Error::Timeout:
    case Error::MalformedReply:
        return true;
    default:
        return false;
    }
}

QStringList SmtpClientResult::acceptedRecipients() const
{
    QStringList result;
    for (const SmtpClientRecipient &recipient : recipients)
        if (recipient.reply.isPositive())
            result.append(recipient.address);
    return result;
}

QString SmtpClientResult::toString() const
{
    return ok ? reply.toString() : errorString;
}

class SmtpClientPrivate
{
public:
    explicit SmtpClientPrivate(SmtpClient *client)
        : q(client)
    { }

    struct Expected
    {
        Stage stage;
        int index = -1; // the recipient, for RcptTo
    };

    SmtpClient *q;
    QString host;
    quint16 port = 25;
    SmtpClient::TlsMode tlsMode = SmtpClient::TlsMode::Auto;
    QString user;
    QString password;
    QString heloName = QStringLiteral("localhost");
    int timeout = 60 * 1000;
    int messageTimeout = 5 * 60 * 1000;
    QList<QSslCertificate> acceptedCertificates;
    bool verify = true;
    bool requireAll = false;

    // The send in progress
    QSslSocket *socket = nullptr;
    QTimer timer;
    bool running = false;
    bool settled = false; // the result is known; only QUIT is left
    bool triedHelo = false;
    bool encrypted = false;
    bool pipelining = false;
    QByteArray authMechanism;
    int authStep = 0;
    QList<QByteArray> extensions;
    QByteArray buffer;
    QList<Expected> expected;
    QString sender;
    QStringList recipients;
    QByteArray message;
    SmtpClientResult result;

    QString where() const
    {
        const QString portText = QLatin1Char(':') + QString::number(port);
        return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
            + portText + QLatin1String(": ");
    }
    void start();
    void command(const QByteArray &line, Stage stage, int index = -1);
    void write(const QByteArray &bytes);
    void arm(int milliseconds) { timer.start(milliseconds); }
    void readyRead();
    void handle(const Expected &expected, const SmtpClientReply &reply);
    void hello();
    void afterHello();
    void authenticate();
    void transaction();
    void sendRecipient(int index);
    void afterRecipients(bool dataAccepted = false);
    void fail(Stage stage, Error error, const QString &why, const SmtpClientReply &reply = {});
    void refused(Stage stage, const QString &what, const SmtpClientReply &reply);
    void succeed(const SmtpClientReply &reply);
    void quit();
    void finish();
    void socketError(QAbstractSocket::SocketError error);
    void timedOut();
};

SmtpClient::SmtpClient(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpClientPrivate(this))
{
    Q_D(SmtpClient);
    qRegisterMetaType<SmtpClientReply>();
    qRegisterMetaType<SmtpClientResult>();
    d->timer.setSingleShot(true);
    connect(&d->timer, &QTimer::timeout, this, [d] { d->timedOut(); });
}

SmtpClient::~SmtpClient()
{
    Q_D(SmtpClient);
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
        delete d->socket;
    }
}

QString SmtpClient::host() const
{
    return d_func()->host;
}
void SmtpClient::setHost(const QString &host)
{
    d_func()->host = host;
}
quint16 SmtpClient::port() const
{
    return d_func()->port;
}
void SmtpClient::setPort(quint16 port)
{
    d_func()->port = port;
}
SmtpClient::TlsMode SmtpClient::tlsMode() const
{
    return d_func()->tlsMode;
}
void SmtpClient::setTlsMode(TlsMode mode)
{
    d_func()->tlsMode = mode;
}
QString SmtpClient::user() const
{
    return d_func()->user;
}
void SmtpClient::setCredentials(const QString &user, const QString &password)
{
    Q_D(SmtpClient);
    d->user = user;
    d->password = password;
}
QString SmtpClient::heloName() const
{
    return d_func()->heloName;
}
void SmtpClient::setHeloName(const QString &name)
{
    d_func()->heloName = name;
}
int SmtpClient::timeout() const
{
    return d_func()->timeout;
}
void SmtpClient::setTimeout(int milliseconds)
{
    d_func()->timeout = milliseconds;
}
int SmtpClient::messageTimeout() const
{
    return d_func()->messageTimeout;
}
void SmtpClient::setMessageTimeout(int milliseconds)
{
    d_func()->messageTimeout = milliseconds;
}
QList<QSslCertificate> SmtpClient::acceptedCertificates() const
{
    return d_func()->acceptedCertificates;
}
void SmtpClient::setAcceptedCertificates(const QList<QSslCertificate> &certificates)
{
    d_func()->acceptedCertificates = certificates;
}
bool SmtpClient::verifyCertificate() const
{
    return d_func()->verify;
}
void SmtpClient::setVerifyCertificate(bool verify)
{
    d_func()->verify = verify;
}
bool SmtpClient::requireAllRecipients() const
{
    return d_func()->requireAll;
}
void SmtpClient::setRequireAllRecipients(bool all)
{
    d_func()->requireAll = all;
}
bool SmtpClient::isRunning() const
{
    return d_func()->running;
}
SmtpClientResult SmtpClient::result() const
{
    return d_func()->result;
}

namespace {
// Each mode's name in --relay-tls and the desktop settings, both ways.
const struct
{
    SmtpClient::TlsMode mode;
    QLatin1String name;
} tlsModeNames[] = {
    { SmtpClient::TlsMode::Auto, QLatin1String("auto") },
    { SmtpClient::TlsMode::None, QLatin1String("none") },
    { SmtpClient::TlsMode::StartTls, QLatin1String("starttls") },
    { SmtpClient::TlsMode::Implicit, QLatin1String("tls") },
};
} // namespace

bool SmtpClient::parseTlsMode(const QString &text, TlsMode *mode)
{
    for (const auto &entry : tlsModeNames) {
        if (text.compare(entry.name, Qt::CaseInsensitive) == 0) {
            *mode = entry.mode;
            return true;
        }
    }
    return false;
}

QString SmtpClient::tlsModeName(TlsMode mode)
{
    for (const auto &entry : tlsModeNames) {
        if (entry.mode == mode)
            return entry.name;
    }
    return tlsModeNames[0].name;
}

void SmtpClient::send(
    const QString &sender, const QStringList &recipients, const QByteArray &message)
{
    Q_D(SmtpClient);
    if (d->running)
        return;
    d->sender = sender;
    d->recipients = recipients;
    // Only CRLF line ends go out (SmtpClientProtocol::crlfLineEnds()): SIZE counts them so too.
    d->message = SmtpClientProtocol::crlfLineEnds(message);
    d->start();
}

void SmtpClient::abort()
{
    Q_D(SmtpClient);
    if (!d->running)
        return;
    if (!d->settled)
        d->fail(d->result.stage, Error::Aborted, QStringLiteral("aborted"));
    d->finish();
}

void SmtpClientPrivate::start()
{
    running = true;
    settled = false;
    triedHelo = false;
    encrypted = false;
    pipelining = false;
    authMechanism.clear();
    authStep = 0;
    extensions.clear();
    buffer.clear();
    expected.clear();
    result = SmtpClientResult();
    result.stage = Stage::Connect;
    if (socket) {
        socket->disconnect(q);
        socket->deleteLater();
    }
    socket = new QSslSocket(q);
    QSslConfiguration configuration = socket->sslConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    socket->setSslConfiguration(configuration);
    socket->setPeerVerifyName(host);
    QObject::connect(socket, &QSslSocket::readyRead, q, [this] { readyRead(); });
    QObject::connect(socket, &QAbstractSocket::errorOccurred, q,
        [this](QAbstractSocket::SocketError error) { socketError(error); });
    QObject::connect(socket, &QAbstractSocket::disconnected, q, [this] {
        if (settled)
            finish();
    });
    QObject::connect(socket, &QSslSocket::sslErrors, q, [this](const QList<QSslError> &errors) {
        // The accepted certificates pass as they are (self-signed, another name); anything
        // else is checked as usual unless checking is off.
        if (!verify || acceptedCertificates.contains(socket->peerCertificate())) {
            socket->ignoreSslErrors(errors);
            return;
        }
        QStringList texts;
        for (const QSslError &error : errors)
            texts.append(error.errorString());
        fail(Stage::Tls, Error::TlsFailed,
            QStringLiteral("TLS: the certificate is not trusted (%1)")
                .arg(texts.join(QLatin1String("; "))));
        finish();
    });
    QObject::connect(socket, &QSslSocket::encrypted, q, [this] {
        encrypted = true;
        if (tlsMode == SmtpClient::TlsMode::Implicit) {
            result.stage = Stage::Greeting;
            expected.append({ Stage::Greeting });
            arm(timeout);
        } else {
            hello(); // RFC 3207: start over with EHLO
        }
    });
    QObject::connect(socket, &QAbstractSocket::connected, q, [this] {
        if (tlsMode == SmtpClient::TlsMode::Implicit) {
            result.stage = Stage::Tls;
            socket->startClientEncryption();
            return;
        }
        result.stage = Stage::Greeting;
        expected.append({ Stage::Greeting });
        arm(timeout);
    });
    arm(timeout);
    socket->connectToHost(host, port);
}

void SmtpClientPrivate::write(const QByteArray &bytes)
{
    socket->write(bytes);
}

void SmtpClientPrivate::command(const QByteArray &line, Stage stage, int index)
{
    result.stage = stage;
    expected.append({ stage, index });
    write(line + "\r\n");
    arm(timeout);
}

void SmtpClientPrivate::readyRead()
{
    buffer += socket->readAll();
    while (running && socket && !buffer.isEmpty()) {
        const auto parsed = SmtpClientProtocol::parseReply(buffer, MaxReplyLine);
        if (parsed.status == SmtpClientProtocol::ParsedReply::Status::Incomplete)
            return;
        if (parsed.status == SmtpClientProtocol::ParsedReply::Status::Malformed) {
            if (settled) {
                finish();
                return;
            }
            fail(expected.isEmpty() ? result.stage : expected.constFirst().stage,
                Error::MalformedReply,
                where() + QLatin1String("malformed reply '")
                    + SmtpText::shownOnOneLine(QString::fromUtf8(parsed.badLine))
                    + QLatin1Char('\''));
            finish();
            return;
        }
        buffer.remove(0, parsed.length);
        if (expected.isEmpty())
            continue; // a reply nobody asked for
        const Expected next = expected.takeFirst();
        if (expected.isEmpty())
            timer.stop();
        Q_EMIT q->replyReceived(next.stage, parsed.reply);
        if (!running)
            return;
        handle(next, parsed.reply);
    }
}

void SmtpClientPrivate::handle(const Expected &step, const SmtpClientReply &reply)
{
    if (settled) { // the reply to QUIT, or one after a refusal: nothing more to do
        if (expected.isEmpty())
            finish();
        return;
    }
    switch (step.stage) {
    case Stage::Greeting:
        if (reply.code != 220)
            return refused(Stage::Greeting, QStringLiteral("greeting"), reply);
        hello();
        return;
    case Stage::Hello:
        if (reply.code >= 500 && !triedHelo) { // RFC 5321 3.2: a server that does not know EHLO
            triedHelo = true;
            command("HELO " + heloName.toUtf8(), Stage::Hello);
            return;
        }
        if (reply.code != 250)
            return refused(Stage::Hello, QLatin1String(triedHelo ? "HELO" : "EHLO"), reply);
        extensions = triedHelo ? QList<QByteArray>() : SmtpClientProtocol::extensions(reply);
        afterHello();
        return;
    case Stage::StartTls:
        if (reply.code != 220)
            return refused(Stage::StartTls, QStringLiteral("STARTTLS"), reply);
        buffer.clear(); // nothing sent before the handshake may count after it
        result.stage = Stage::Tls;
        arm(timeout);
        socket->startClientEncryption();
        return;
    case Stage::Auth:
        if (reply.code == 235) {
            transaction();
            return;
        }
        if (reply.code != 334)
            return refused(Stage::Auth, QStringLiteral("AUTH"), reply);
        ++authStep;
        if (authMechanism == "CRAM-MD5") {
            command(SmtpClientProtocol::cramMd5(
                        user, password, reply.lines.value(0).trimmed().toLatin1()),
                Stage::Auth);
        } else if (authMechanism == "LOGIN" && authStep <= 2) {
            command((authStep == 1 ? user : password).toUtf8().toBase64(), Stage::Auth);
        } else {
            write("*\r\n"); // an unexpected challenge: cancel (RFC 4954 4)
            refused(Stage::Auth, QStringLiteral("AUTH"), reply);
        }
        return;
    case Stage::MailFrom:
        if (!reply.isPositive())
            return refused(
                Stage::MailFrom, QLatin1String("MAIL FROM:<") + sender + QLatin1Char('>'), reply);
        if (!pipelining)
            sendRecipient(0);
        return;
    case Stage::RcptTo:
        result.recipients[step.index].reply = reply;
        if (!pipelining) {
            if (step.index + 1 < recipients.size())
                sendRecipient(step.index + 1);
            else
                afterRecipients();
        }
        return;
    case Stage::Data: {
        const qsizetype acceptedCount = result.acceptedRecipients().size();
        const bool someRefused = acceptedCount < result.recipients.size();
        if (reply.code == 354 && (acceptedCount == 0 || (requireAll && someRefused))) {
            // Pipelined: DATA was sent before the refusals came. Hanging up before the final
            // dot leaves the server nothing to deliver.
            afterRecipients(true);
            return;
        }
        if (reply.code != 354) {
            if (acceptedCount == 0 || (requireAll && someRefused)) {
                afterRecipients();
                return;
            }
            return refused(Stage::Data, QStringLiteral("DATA"), reply);
        }
        result.stage = Stage::Message;
        expected.append({ Stage::Message });
        write(SmtpClientProtocol::dotStuffed(message));
        arm(messageTimeout);
        return;
    }
    case Stage::Message:
        if (!reply.isPositive())
            return refused(Stage::Message, QStringLiteral("message"), reply);
        succeed(reply);
        return;
    default:
        return;
    }
}

void SmtpClientPrivate::hello()
{
    triedHelo = false;
    command("EHLO " + heloName.toUtf8(), Stage::Hello);
}

void SmtpClientPrivate::afterHello()
{
    const bool offered = SmtpClientProtocol::offers(extensions, "STARTTLS");
    if (!encrypted
        && (tlsMode == SmtpClient::TlsMode::StartTls
            || (tlsMode == SmtpClient::TlsMode::Auto && offered))) {
        if (!offered) {
            fail(Stage::StartTls, Error::TlsUnavailable,
                where() + QLatin1String("the server does not offer STARTTLS"));
            quit();
            return;
        }
        command("STARTTLS", Stage::StartTls);
        return;
    }
    pipelining = SmtpClientProtocol::offers(extensions, "PIPELINING");
    if (!user.isEmpty()) {
        if (!SmtpClientProtocol::mayAuthenticate(
                tlsMode, encrypted, socket->peerAddress().isLoopback())) {
            fail(Stage::StartTls, Error::TlsUnavailable,
                where()
                    + QLatin1String("the server does not offer STARTTLS, and the password is not "
                                    "sent unencrypted (TLS \"none\" sends it anyway)"));
            quit();
            return;
        }
        authenticate();
        return;
    }
    transaction();
}

void SmtpClientPrivate::authenticate()
{
    QByteArray mechanisms;
    SmtpClientProtocol::offers(extensions, "AUTH", &mechanisms);
    const QList<QByteArray> offered = mechanisms.split(' ');
    authStep = 0;
    if (offered.contains("CRAM-MD5")) {
        authMechanism = "CRAM-MD5";
        command("AUTH CRAM-MD5", Stage::Auth);
    } else if (offered.contains("PLAIN")) {
        authMechanism = "PLAIN";
        command("AUTH PLAIN " + SmtpClientProtocol::authPlain(user, password), Stage::Auth);
    } else if (offered.contains("LOGIN")) {
        authMechanism = "LOGIN";
        command("AUTH LOGIN", Stage::Auth);
    } else {
        fail(Stage::Auth, Error::AuthUnavailable,
            where()
                + (mechanisms.isEmpty()
                        ? QStringLiteral("the server offers no AUTH")
                        : QStringLiteral("the server offers no AUTH mechanism known here (%1)")
                              .arg(QString::fromLatin1(mechanisms))));
        quit();
    }
}

void SmtpClientPrivate::transaction()
{
    QByteArray sizeText;
    if (SmtpClientProtocol::offers(extensions, "SIZE", &sizeText)) {
        const qint64 limit = sizeText.toLongLong();
        if (limit > 0 && message.size() > limit) {
            fail(Stage::MailFrom, Error::MessageTooBig,
                where()
                    + QStringLiteral("message too big: %1 bytes, over the server's SIZE limit of "
                                     "%2 (552 5.3.4); nothing was sent")
                          .arg(message.size())
                          .arg(limit));
            quit();
            return;
        }
    }
    QByteArray mailFrom = "MAIL FROM:<" + sender.toUtf8() + '>';
    if (SmtpClientProtocol::offers(extensions, "SIZE"))
        mailFrom += " SIZE=" + QByteArray::number(message.size());
    if (SmtpClientProtocol::offers(extensions, "8BITMIME") && !isAscii(message))
        mailFrom += " BODY=8BITMIME";
    bool utf8Addresses = !isAscii(sender.toUtf8());
    for (const QString &recipient : std::as_const(recipients))
        utf8Addresses = utf8Addresses || !isAscii(recipient.toUtf8());
    if (SmtpClientProtocol::offers(extensions, "SMTPUTF8") && utf8Addresses)
        mailFrom += " SMTPUTF8";
    result.recipients.clear();
    for (const QString &recipient : std::as_const(recipients))
        result.recipients.append({ recipient, {} });
    if (recipients.isEmpty()) {
        fail(Stage::RcptTo, Error::RecipientsRefused, QStringLiteral("no recipients"));
        quit();
        return;
    }
    command(mailFrom, Stage::MailFrom);
    if (!pipelining)
        return;
    // RFC 2920: MAIL, every RCPT and DATA in one go; DATA is the last of the group.
    for (int i = 0; i < recipients.size(); ++i)
        sendRecipient(i);
    command("DATA", Stage::Data);
}

void SmtpClientPrivate::sendRecipient(int index)
{
    command("RCPT TO:<" + recipients.at(index).toUtf8() + '>', Stage::RcptTo, index);
}

void SmtpClientPrivate::afterRecipients(bool dataAccepted)
{
    const QStringList acceptedRecipients = result.acceptedRecipients();
    SmtpClientReply lastRefusal;
    QStringList refusedTexts;
    for (const SmtpClientRecipient &recipient : std::as_const(result.recipients)) {
        if (!recipient.reply.isPositive()) {
            lastRefusal = recipient.reply;
            refusedTexts.append(QLatin1Char('<') + recipient.address + QLatin1String("> rejected: ")
                + recipient.reply.toString());
        }
    }
    if (acceptedRecipients.isEmpty() || (requireAll && !refusedTexts.isEmpty())) {
        fail(Stage::RcptTo, Error::RecipientsRefused,
            where() + QLatin1String("recipient ") + refusedTexts.join(QLatin1String(", ")),
            lastRefusal);
        if (dataAccepted)
            finish(); // the server waits for the message: hang up without the final dot
        else
            quit();
        return;
    }
    if (!pipelining)
        command("DATA", Stage::Data);
}

void SmtpClientPrivate::fail(
    Stage stage, Error error, const QString &why, const SmtpClientReply &reply)
{
    result.ok = false;
    result.stage = stage;
    result.error = error;
    result.errorString = why;
    result.reply = reply;
    settled = true;
}

void SmtpClientPrivate::refused(Stage stage, const QString &what, const SmtpClientReply &reply)
{
    fail(stage, Error::Reply, where() + what + QLatin1String(" rejected: ") + reply.toString(),
        reply);
    quit();
}

void SmtpClientPrivate::succeed(const SmtpClientReply &reply)
{
    result.ok = true;
    result.stage = Stage::Done;
    result.error = Error::None;
    result.errorString.clear();
    result.reply = reply;
    settled = true;
    quit();
}

void SmtpClientPrivate::quit()
{
    // The outcome is settled; QUIT is manners. A server that does not answer it changes nothing.
    if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
        finish();
        return;
    }
    expected.clear();
    expected.append({ Stage::Done });
    write("QUIT\r\n");
    arm(qMin(timeout, 5000));
}

void SmtpClientPrivate::finish()
{
    if (!running)
        return;
    running = false;
    timer.stop();
    expected.clear();
    if (socket) {
        socket->disconnect(q);
        socket->abort();
        socket->deleteLater();
        socket = nullptr;
    }
    message.clear();
    Q_EMIT q->finished(result);
}

void SmtpClientPrivate::socketError(QAbstractSocket::SocketError error)
{
    if (settled) {
        finish();
        return;
    }
    QString reason;
    Error kind = Error::ConnectionClosed;
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        reason = QStringLiteral("connection refused");
        kind = Error::ConnectionFailed;
        break;
    case QAbstractSocket::HostNotFoundError:
        reason = QStringLiteral("host not found");
        kind = Error::ConnectionFailed;
        break;
    case QAbstractSocket::RemoteHostClosedError:
        reason = QStringLiteral("the server closed the connection");
        break;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        kind = Error::TlsFailed;
        reason = QStringLiteral("TLS: ") + socket->errorString();
        break;
    default:
        reason = socket->errorString();
        if (!reason.isEmpty())
            reason[0] = reason.at(0).toLower();
        if (result.stage == Stage::Connect)
            kind = Error::ConnectionFailed;
        break;
    }
    fail(kind == Error::TlsFailed ? Stage::Tls : result.stage, kind, where() + reason);
    finish();
}

void SmtpClientPrivate::timedOut()
{
    if (settled) {
        finish();
        return;
    }
    const int waited = result.stage == Stage::Message ? messageTimeout : timeout;
    const QString seconds = waited % 1000 == 0 ? QString::number(waited / 1000)
                                               : QString::number(waited / 1000.0, 'f', 1);
    fail(result.stage, Error::Timeout,
        where()
            + (result.stage == Stage::Connect
                    ? QStringLiteral("no connection within %1 s").arg(seconds)
                    : QStringLiteral("no reply within %1 s").arg(seconds)));
    finish();
}
