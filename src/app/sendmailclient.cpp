#include "sendmailclient.h"

#include "commandline.h"

#include <smtpclient.h>

#include <QEventLoop>

namespace {

// A catcher on localhost answers in milliseconds; these only bound a server that hangs. The reply
// to the end of the data waits for the message to be stored durably, so it gets the most.
constexpr int ReplyTimeout = 60 * 1000;
constexpr int DataReplyTimeout = 5 * 60 * 1000;

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
    SmtpClient client;
    client.setHost(target.host);
    client.setPort(target.port);
    client.setTlsMode(SmtpClient::TlsMode::None);
    client.setHeloName(heloName);
    client.setTimeout(ReplyTimeout);
    client.setMessageTimeout(DataReplyTimeout);
    QEventLoop loop;
    QObject::connect(&client, &SmtpClient::finished, &loop, &QEventLoop::quit);
    client.send(sender, recipients, message);
    if (client.isRunning())
        loop.exec();
    const SmtpClientResult result = client.result();

    SendmailOutcome outcome;
    const auto note = [&outcome](bool transient, const QString &line) {
        outcome.errors.append(line);
        // A permanent refusal outranks a temporary one: retrying the whole message would not
        // help.
        if (!transient || outcome.exitCode == SendmailExit::Ok)
            outcome.exitCode = transient ? SendmailExit::TempFail : SendmailExit::Failed;
    };
    // When some recipients are refused the message still went to the others: a line each.
    for (const SmtpClientRecipient &recipient : result.recipients)
        if (recipient.reply.isValid() && !recipient.reply.isPositive())
            note(recipient.reply.isTransient(),
                QLatin1String("recipient <") + recipient.address + QLatin1String("> rejected: ")
                    + recipient.reply.toString());
    if (!result.ok && result.error != SmtpClientResult::Error::RecipientsRefused)
        note(result.isTransient(), result.errorString);
    return outcome;
}
