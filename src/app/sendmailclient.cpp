#include "sendmailclient.h"

#include "commandline.h"
#include "sendmailmessage.h"

#include <QDeadlineTimer>
#include <QTcpSocket>

namespace {

// A catcher on localhost answers in milliseconds; these only bound a server that hangs. The reply
// to the end of the data waits for the message to be stored durably, so it gets the most.
constexpr int ConnectTimeout = 30 * 1000;
constexpr int ReplyTimeout = 60 * 1000;
constexpr int DataReplyTimeout = 5 * 60 * 1000;
constexpr qsizetype MaxReplyLine = 64 * 1024;

// Server text goes to one stderr line: no control character may break or forge it.
QString printable(const QString &text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar c : text)
        result += c.unicode() < 0x20 || c.unicode() == 0x7f ? QLatin1Char('?') : c;
    return result;
}

struct Reply
{
    int code = 0;
    QList<QByteArray> lines; // the text after "NNN-" / "NNN "

    bool isPositive() const { return code >= 200 && code < 300; }
    // "553 5.1.1 Mailbox name invalid" on one line, whatever the server put in it.
    QString text() const
    {
        QString result = QString::number(code);
        for (const QByteArray &line : lines) {
            const QString decoded = QString::fromUtf8(line).trimmed();
            if (decoded.isEmpty())
                continue;
            result += QLatin1Char(' ') + printable(decoded);
        }
        return result;
    }
};

bool isAscii(QByteArrayView text)
{
    for (const char c : text)
        if (uchar(c) >= 0x80)
            return false;
    return true;
}

class Session
{
public:
    explicit Session(const SendmailTarget &target)
        : m_target(target)
    { }

    SendmailOutcome run(const QString &heloName, const QString &sender,
        const QStringList &recipients, const QByteArray &message);

private:
    void note(int exitCode, const QString &line);
    void noteReply(const Reply &reply, const QString &what);
    void noteSocketError(const QString &context);
    bool connectToServer();
    bool send(QByteArrayView data);
    std::optional<Reply> readReply(int timeout);
    std::optional<Reply> command(const QByteArray &line, int timeout = ReplyTimeout);
    void quit();

    SendmailTarget m_target;
    QTcpSocket m_socket;
    SendmailOutcome m_outcome;
};

void Session::note(int exitCode, const QString &line)
{
    m_outcome.errors.append(line);
    // A permanent refusal outranks a temporary one: retrying the whole message would not help.
    if (exitCode == SendmailExit::Failed || m_outcome.exitCode == SendmailExit::Ok)
        m_outcome.exitCode = exitCode;
}

void Session::noteReply(const Reply &reply, const QString &what)
{
    note(reply.code >= 400 && reply.code < 500 ? SendmailExit::TempFail : SendmailExit::Failed,
        what + QLatin1String(" rejected: ") + reply.text());
}

void Session::noteSocketError(const QString &context)
{
    QString reason;
    switch (m_socket.error()) {
    case QAbstractSocket::ConnectionRefusedError:
        reason = QStringLiteral("connection refused");
        break;
    case QAbstractSocket::HostNotFoundError:
        reason = QStringLiteral("host not found");
        break;
    case QAbstractSocket::RemoteHostClosedError:
        reason = QStringLiteral("the server closed the connection");
        break;
    default:
        reason = m_socket.errorString();
        if (!reason.isEmpty())
            reason[0] = reason.at(0).toLower();
        break;
    }
    note(SendmailExit::TempFail,
        m_target.toString() + QLatin1String(": ") + (context.isEmpty() ? QString() : context)
            + reason);
}

bool Session::connectToServer()
{
    m_socket.connectToHost(m_target.host, m_target.port);
    if (m_socket.waitForConnected(ConnectTimeout))
        return true;
    if (m_socket.error() == QAbstractSocket::SocketTimeoutError)
        note(SendmailExit::TempFail,
            m_target.toString()
                + QStringLiteral(": no connection within %1 s").arg(ConnectTimeout / 1000));
    else
        noteSocketError(QString());
    return false;
}

bool Session::send(QByteArrayView data)
{
    if (m_socket.write(data.data(), data.size()) != data.size()) {
        noteSocketError(QStringLiteral("cannot send: "));
        return false;
    }
    while (m_socket.bytesToWrite() > 0) {
        if (!m_socket.waitForBytesWritten(ReplyTimeout)) {
            noteSocketError(QStringLiteral("cannot send: "));
            return false;
        }
    }
    return true;
}

std::optional<Reply> Session::readReply(int timeout)
{
    const QDeadlineTimer deadline(timeout);
    Reply reply;
    for (;;) {
        while (!m_socket.canReadLine()) {
            if (m_socket.bytesAvailable() > MaxReplyLine) {
                note(SendmailExit::TempFail,
                    m_target.toString() + QLatin1String(": reply line too long"));
                return std::nullopt;
            }
            if (m_socket.state() != QAbstractSocket::ConnectedState) {
                note(SendmailExit::TempFail,
                    m_target.toString() + QLatin1String(": the server closed the connection"));
                return std::nullopt;
            }
            if (!m_socket.waitForReadyRead(int(deadline.remainingTime()))) {
                if (m_socket.error() == QAbstractSocket::SocketTimeoutError
                    || deadline.hasExpired()) {
                    note(SendmailExit::TempFail,
                        m_target.toString()
                            + QStringLiteral(": no reply within %1 s").arg(timeout / 1000));
                    return std::nullopt;
                }
                if (!m_socket.canReadLine()) {
                    noteSocketError(QString());
                    return std::nullopt;
                }
            }
        }
        QByteArray line = m_socket.readLine();
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        // RFC 5321 4.2: "NNN-text" continues, "NNN text" or "NNN" ends the reply.
        bool ok = false;
        const int code = line.size() >= 3 ? line.left(3).toInt(&ok) : 0;
        const bool last = line.size() == 3 || (line.size() > 3 && line.at(3) == ' ');
        if (!ok || code < 200 || code > 599 || (!last && line.at(3) != '-')
            || (reply.code != 0 && code != reply.code)) {
            note(SendmailExit::TempFail,
                m_target.toString() + QLatin1String(": malformed reply '")
                    + printable(QString::fromUtf8(line.left(80))) + QLatin1Char('\''));
            return std::nullopt;
        }
        reply.code = code;
        reply.lines.append(line.mid(4));
        if (last)
            return reply;
    }
}

std::optional<Reply> Session::command(const QByteArray &line, int timeout)
{
    if (!send(QByteArray(line + "\r\n")))
        return std::nullopt;
    return readReply(timeout);
}

void Session::quit()
{
    // The message is settled by now; a server that hangs up without answering QUIT changes
    // nothing, so nothing here is an error.
    if (m_socket.state() == QAbstractSocket::ConnectedState && m_socket.write("QUIT\r\n") == 6
        && m_socket.waitForBytesWritten(ReplyTimeout)) {
        const QDeadlineTimer deadline(ReplyTimeout);
        while (!m_socket.canReadLine() && m_socket.waitForReadyRead(int(deadline.remainingTime())))
            ;
    }
    m_socket.abort();
}

SendmailOutcome Session::run(const QString &heloName, const QString &sender,
    const QStringList &recipients, const QByteArray &message)
{
    if (!connectToServer())
        return m_outcome;
    const auto greeting = readReply(ReplyTimeout);
    if (!greeting)
        return m_outcome;
    if (greeting->code != 220) {
        noteReply(*greeting, m_target.toString() + QLatin1String(": greeting"));
        quit();
        return m_outcome;
    }

    QLatin1String helloVerb("EHLO");
    auto hello = command("EHLO " + heloName.toUtf8());
    if (!hello)
        return m_outcome;
    QList<QByteArray> extensions;
    if (hello->code >= 500) { // RFC 5321 3.2: a server that does not know EHLO
        helloVerb = QLatin1String("HELO");
        hello = command("HELO " + heloName.toUtf8());
        if (!hello)
            return m_outcome;
    } else if (hello->code == 250) {
        for (qsizetype i = 1; i < hello->lines.size(); ++i)
            extensions.append(hello->lines.at(i).trimmed().toUpper());
    }
    if (hello->code != 250) {
        noteReply(*hello, m_target.toString() + QLatin1String(": ") + helloVerb);
        quit();
        return m_outcome;
    }
    const auto offers = [&extensions](QByteArrayView keyword) {
        for (const QByteArray &extension : extensions)
            if (extension.startsWith(keyword)
                && (extension.size() == keyword.size() || extension.at(keyword.size()) == ' '))
                return true;
        return false;
    };

    QByteArray mailFrom = "MAIL FROM:<" + sender.toUtf8() + '>';
    if (offers("SIZE"))
        mailFrom += " SIZE=" + QByteArray::number(message.size());
    if (offers("8BITMIME") && !isAscii(message))
        mailFrom += " BODY=8BITMIME";
    bool utf8Addresses = !isAscii(sender.toUtf8());
    for (const QString &recipient : recipients)
        utf8Addresses = utf8Addresses || !isAscii(recipient.toUtf8());
    if (offers("SMTPUTF8") && utf8Addresses)
        mailFrom += " SMTPUTF8";
    const auto mailReply = command(mailFrom);
    if (!mailReply)
        return m_outcome;
    if (!mailReply->isPositive()) {
        noteReply(*mailReply,
            m_target.toString() + QLatin1String(": MAIL FROM:<") + sender + QLatin1Char('>'));
        quit();
        return m_outcome;
    }

    int accepted = 0;
    for (const QString &recipient : recipients) {
        const auto rcptReply = command("RCPT TO:<" + recipient.toUtf8() + '>');
        if (!rcptReply)
            return m_outcome;
        if (rcptReply->isPositive())
            ++accepted;
        else
            noteReply(*rcptReply, QLatin1String("recipient <") + recipient + QLatin1Char('>'));
    }
    if (accepted == 0) { // every refusal has its line already
        quit();
        return m_outcome;
    }

    const auto dataReply = command("DATA");
    if (!dataReply)
        return m_outcome;
    if (dataReply->code != 354) {
        noteReply(*dataReply, m_target.toString() + QLatin1String(": DATA"));
        quit();
        return m_outcome;
    }
    if (!send(sendmailDotStuffed(message)))
        return m_outcome;
    const auto endReply = readReply(DataReplyTimeout);
    if (!endReply)
        return m_outcome;
    if (!endReply->isPositive())
        noteReply(*endReply, m_target.toString() + QLatin1String(": message"));
    quit();
    return m_outcome;
}

} // namespace

QString SendmailTarget::toString() const
{
    const QString portText = QLatin1Char(':') + QString::number(port);
    if (host.contains(QLatin1Char(':')))
        return QLatin1Char('[') + host + QLatin1Char(']') + portText;
    return host + portText;
}

std::optional<SendmailTarget> SendmailTarget::parse(const QString &text)
{
    SendmailTarget target;
    SmtpListenerConfig listener;
    if (SmtpListenerConfig::fromString(text, false, &listener, nullptr)
        && listener.validate().isEmpty()) {
        target.host = listener.hostAddress().toString();
        target.port = quint16(listener.port());
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon <= 0)
            return std::nullopt;
        target.host = text.left(colon);
        for (const QChar c : std::as_const(target.host))
            if (!c.isLetterOrNumber() && c != QLatin1Char('.') && c != QLatin1Char('-')
                && c != QLatin1Char('_'))
                return std::nullopt;
        bool ok = false;
        const uint port = text.mid(colon + 1).toUInt(&ok);
        if (!ok || port > 65535)
            return std::nullopt;
        target.port = quint16(port);
    }
    if (target.port == 0)
        return std::nullopt;
    return target;
}

SendmailOutcome submitBySmtp(const SendmailTarget &target, const QString &heloName,
    const QString &sender, const QStringList &recipients, const QByteArray &message)
{
    Session session(target);
    return session.run(heloName, sender, recipients, message);
}
