#include "eventprinter.h"

#include <smtpmessage.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

QString EventPrinter::isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs); // UTC renders with a trailing "Z"
}

namespace {

// A JSON string literal, escaped by Qt's own writer.
QByteArray jsonString(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

} // namespace

QByteArray EventPrinter::messageJson(const SmtpMessage &message, const QString &subject)
{
    // Written by hand to keep the order of contract.md ("event" first), which QJsonObject sorts.
    QByteArray rcpts = "[";
    for (const QString &rcpt : message.rcptTos()) {
        if (rcpts.size() > 1)
            rcpts += ',';
        rcpts += jsonString(rcpt);
    }
    rcpts += ']';
    return "{\"event\":\"message\",\"id\":" + QByteArray::number(message.id())
        + ",\"receivedAt\":" + jsonString(isoTime(message.receivedAt())) + ",\"remoteAddress\":"
        + jsonString(message.remoteAddress()) + ",\"helo\":" + jsonString(message.helo())
        + ",\"mailfrom\":" + jsonString(message.mailFrom()) + ",\"rcpttos\":" + rcpts
        + ",\"size\":" + QByteArray::number(message.size()) + ",\"subject\":" + jsonString(subject)
        + ",\"tls\":" + (message.isTls() ? "true" : "false") + '}';
}

void EventPrinter::listening(const QString &smtp, const QString &smtps, bool startTls)
{
    if (m_json) {
        QByteArray line = "{\"event\":\"listening\",\"smtp\":" + jsonString(smtp);
        if (!smtps.isEmpty())
            line += ",\"smtps\":" + jsonString(smtps);
        writeLine(line + '}');
        return;
    }
    QString line = QStringLiteral("smtp-receiver listening on %1 (SMTP%2)")
                       .arg(smtp, startTls ? QStringLiteral(", STARTTLS") : QString());
    if (!smtps.isEmpty())
        line += QStringLiteral(" and listening on %1 (SMTPS)").arg(smtps);
    writeLine(line.toUtf8());
}

void EventPrinter::message(const SmtpMessage &message, const QString &subject)
{
    if (m_json) {
        writeLine(messageJson(message, subject));
        return;
    }
    const QString from = message.mailFrom().isEmpty() ? QStringLiteral("<>") : message.mailFrom();
    writeLine(QStringLiteral("%1 #%2 from %3 to %4, %5 bytes%6: %7")
                  .arg(isoTime(message.receivedAt()))
                  .arg(message.id())
                  .arg(from, message.rcptTos().join(QStringLiteral(", ")))
                  .arg(message.size())
                  .arg(message.isTls() ? QStringLiteral(", TLS") : QString(),
                      subject.isEmpty() ? QStringLiteral("(no subject)") : subject)
                  .toUtf8());
}

void EventPrinter::writeLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), m_out);
    std::fputc('\n', m_out);
    std::fflush(m_out);
}
