#include "eventprinter.h"

#include <smtpmessage.h>
#include <smtpmessagesummary.h>
#include <smtpserver.h>
#include <smtptext.h>

#include <QDateTime>

#include <algorithm>

QString EventPrinter::isoTime(const QDateTime &time)
{
    // Qt's ISODateWithMs of the UTC time, written by hand: toString() took about 1 us of every
    // message's line in bench/ingest.sh's W2 (perf), more than the rest of the line.
    const QDateTime utc = time.toUTC();
    const QDate date = utc.date();
    const QTime clock = utc.time();
    if (!date.isValid() || !clock.isValid() || date.year() < 1 || date.year() > 9999)
        return utc.toString(Qt::ISODateWithMs); // "" for an invalid time; odd years as Qt has them
    char text[] = "0000-00-00T00:00:00.000Z";
    const auto put = [&text](int at, int digits, int value) {
        for (int i = at + digits - 1; i >= at; --i, value /= 10)
            text[i] = char('0' + value % 10);
    };
    put(0, 4, date.year());
    put(5, 2, date.month());
    put(8, 2, date.day());
    put(11, 2, clock.hour());
    put(14, 2, clock.minute());
    put(17, 2, clock.second());
    put(20, 3, clock.msec());
    return QString::fromLatin1(text, int(sizeof(text) - 1));
}

namespace {

// A JSON string literal, escaped by Qt's own writer.
QByteArray jsonString(const QString &text)
{
    // RFC 8259 escaping by hand: this runs for every field of every line of --list.
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out += '"';
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uchar(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[uchar(c) >> 4];
                out += hex[uchar(c) & 15];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

// A JSON array of strings.
QByteArray jsonArray(const QStringList &texts)
{
    QByteArray out = "[";
    for (const QString &text : texts) {
        if (out.size() > 1)
            out += ',';
        out += jsonString(text);
    }
    return out + ']';
}

} // namespace

QByteArray EventPrinter::messageJson(const SmtpMessageSummary &message)
{
    // Written by hand to keep the order of contract.md ("event" first), which QJsonObject sorts.
    const QByteArray rcpts = jsonArray(message.rcptTos);
    const QByteArray mailboxes = jsonArray(message.mailboxes);
    return "{\"event\":\"message\",\"id\":" + QByteArray::number(message.id)
        + ",\"receivedAt\":" + jsonString(isoTime(message.receivedAt)) + ",\"remoteAddress\":"
        + jsonString(message.remoteAddress) + ",\"helo\":" + jsonString(message.helo)
        + ",\"mailfrom\":" + jsonString(message.mailFrom) + ",\"rcpttos\":" + rcpts + ",\"size\":"
        + QByteArray::number(message.size) + ",\"subject\":" + jsonString(message.subject)
        + ",\"tls\":" + (message.tls ? "true" : "false") + ",\"mailboxes\":" + mailboxes + '}';
}

QByteArray EventPrinter::rejectedJson(const SmtpRejection &rejection)
{
    // "event" first, like the message event.
    return "{\"event\":\"rejected\",\"time\":"
        + jsonString(isoTime(QDateTime::currentDateTimeUtc())) + ",\"stage\":\""
        + SmtpRule::stageName(rejection.stage) + "\",\"code\":" + QByteArray::number(rejection.code)
        + ",\"address\":" + jsonString(rejection.address) + ",\"message\":"
        + jsonString(rejection.message) + ",\"injected\":" + (rejection.injected ? "true" : "false")
        + ",\"delayMs\":" + QByteArray::number(rejection.delayMs)
        + ",\"disconnect\":" + (rejection.disconnect ? "true" : "false")
        + ",\"remoteAddress\":" + jsonString(rejection.remoteAddress) + '}';
}

void EventPrinter::rejected(const SmtpRejection &rejection)
{
    if (m_json) {
        writeLine(rejectedJson(rejection));
        return;
    }
    QString how = rejection.disconnect
        ? QStringLiteral("disconnected")
        : QStringLiteral("%1 %2").arg(rejection.code).arg(rejection.message);
    if (rejection.delayMs > 0)
        how += QStringLiteral(" after %1 ms").arg(rejection.delayMs);
    writeText(QStringLiteral("%1 %2 at %3 for %4 from %5: %6")
                  .arg(isoTime(QDateTime::currentDateTimeUtc()),
                      rejection.injected ? QStringLiteral("injected failure")
                                         : QStringLiteral("rejected"),
                      QString::fromLatin1(SmtpRule::stageName(rejection.stage)), rejection.address,
                      rejection.remoteAddress, how));
}

void EventPrinter::listening(const QString &smtp, const QString &smtps, bool startTls,
    const QString &http, const QList<Listener> &listeners)
{
    if (m_json) {
        QByteArray line = "{\"event\":\"listening\",\"smtp\":" + jsonString(smtp);
        if (!smtps.isEmpty())
            line += ",\"smtps\":" + jsonString(smtps);
        if (!http.isEmpty())
            line += ",\"http\":" + jsonString(http);
        if (!listeners.isEmpty()) {
            line += ",\"listeners\":[";
            for (qsizetype i = 0; i < listeners.size(); ++i) {
                const Listener &l = listeners.at(i);
                line += (i > 0 ? ",{\"" : "{\"") + QByteArray(l.implicitTls ? "smtps" : "smtp")
                    + "\":" + jsonString(l.address) + ",\"mailbox\":" + jsonString(l.mailbox) + '}';
            }
            line += ']';
        }
        writeLine(line + '}');
        return;
    }
    QString line = QStringLiteral("smtp-receiver listening on %1 (SMTP%2)")
                       .arg(smtp, startTls ? QStringLiteral(", STARTTLS") : QString());
    if (!smtps.isEmpty())
        line += QStringLiteral(" and listening on %1 (SMTPS)").arg(smtps);
    if (!http.isEmpty())
        line += QStringLiteral(", HTTP API on http://%1").arg(http);
    // Where each listener's mail goes, once there is more to say than the line above.
    const bool routed = std::any_of(listeners.cbegin(), listeners.cend(),
        [](const Listener &l) { return l.mailbox != SmtpMessage::defaultMailbox(); });
    if (routed || listeners.size() > (smtps.isEmpty() ? 1 : 2)) {
        QStringList where;
        for (const Listener &l : listeners)
            where.append(QStringLiteral("%1%2 -> %3")
                             .arg(l.address, l.implicitTls ? QStringLiteral(" (SMTPS)") : QString(),
                                 l.mailbox));
        line += QStringLiteral("; mailboxes: ") + where.join(QStringLiteral(", "));
    }
    writeText(line);
}

void EventPrinter::message(const SmtpMessageSummary &message)
{
    if (m_json) {
        writeLine(messageJson(message));
        return;
    }
    const QString from = message.mailFrom.isEmpty() ? QStringLiteral("<>") : message.mailFrom;
    // The mailboxes, unless it is just the inbox.
    const QString in = message.mailboxes.isEmpty()
            || message.mailboxes == QStringList { SmtpMessage::defaultMailbox() }
        ? QString()
        : QStringLiteral(" in ") + message.mailboxes.join(QStringLiteral(", "));
    writeText(
        QStringLiteral("%1 #%2 from %3 to %4, %5 bytes%6%7: %8")
            .arg(isoTime(message.receivedAt))
            .arg(message.id)
            .arg(from, message.rcptTos.join(QStringLiteral(", ")))
            .arg(message.size)
            .arg(message.tls ? QStringLiteral(", TLS") : QString(), in,
                message.subject.isEmpty() ? QStringLiteral("(no subject)") : message.subject));
}

void EventPrinter::released(qint64 id, const QStringList &to, bool ok, const QString &reply)
{
    if (m_json) {
        writeLine(QByteArray("{\"event\":\"") + (ok ? "released" : "releaseFailed")
            + "\",\"id\":" + QByteArray::number(id) + ",\"to\":" + jsonArray(to)
            + ",\"reply\":" + jsonString(reply) + '}');
        return;
    }
    writeText(QStringLiteral("%1 #%2 %3 %4: %5")
                  .arg(isoTime(QDateTime::currentDateTimeUtc()))
                  .arg(id)
                  .arg(ok ? QStringLiteral("released to") : QStringLiteral("release failed to"),
                      to.join(QStringLiteral(", ")), reply));
}

void EventPrinter::tableHeader()
{
    writeText(QStringLiteral("%1  %2  %3  %4  %5  %6")
                  .arg(QStringLiteral("ID"), 8)
                  .arg(QStringLiteral("RECEIVED"), -24)
                  .arg(QStringLiteral("FROM"), -28)
                  .arg(QStringLiteral("TO"), -28)
                  .arg(QStringLiteral("SIZE"), 9)
                  .arg(QStringLiteral("SUBJECT")));
}

void EventPrinter::tableRow(const SmtpMessageSummary &message)
{
    const auto cell = [](const QString &text, int width) {
        return text.size() <= width ? text : text.left(width - 1) + QChar(0x2026);
    };
    const QString from = message.mailFrom.isEmpty() ? QStringLiteral("<>") : message.mailFrom;
    writeText(QStringLiteral("%1  %2  %3  %4  %5  %6")
                  .arg(message.id, 8)
                  .arg(isoTime(message.receivedAt), -24)
                  .arg(cell(from, 28), -28)
                  .arg(cell(message.rcptTos.join(QStringLiteral(", ")), 28), -28)
                  .arg(message.size, 9)
                  .arg(message.subject));
}

void EventPrinter::writeText(const QString &line)
{
    // Subjects, addresses and a relay's replies come from outside: a terminal must get them as
    // text, never an escape sequence (a changed title, colours, a CR that fakes a line) of theirs.
    writeLine(SmtpText::shownOnOneLine(line).toUtf8());
}

void EventPrinter::writeLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), m_out);
    std::fputc('\n', m_out);
    if (m_flushEachLine)
        std::fflush(m_out);
}
