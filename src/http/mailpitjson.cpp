// MessageSummary and the other shapes of Mailpit's API, from a stored message.
#include "mailpitjson.h"

#include <smtpstoredmessage.h>

#include <QDateTime>

namespace MailpitJson {

QString timeString(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject summary(const SmtpStoredMessage &message)
{
    // Placeholder shape: the identity, flags and sizes; addresses and the rest come with the
    // full mapping.
    const SmtpMessageSummary s = message.summary();
    return QJsonObject {
        { QStringLiteral("ID"), QString::number(s.id) },
        { QStringLiteral("Read"), s.read },
        { QStringLiteral("Subject"), s.subject },
        { QStringLiteral("Size"), s.size },
        { QStringLiteral("Created"), timeString(s.receivedAt) },
    };
}

} // namespace MailpitJson
