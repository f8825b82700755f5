// A stored message in Mailpit's JSON shapes (MessageSummary, Message, headers), as its client
// libraries read them: addresses as {Name, Address}, times in RFC 3339 UTC with milliseconds.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QJsonObject>

class SmtpStoredMessage;

namespace MailpitJson {

// One list or search item (MessageSummary).
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject summary(const SmtpStoredMessage &message);

// An instant as the API writes it: 2026-11-28T11:30:00.123Z.
SMTPRECEIVERHTTP_TEST_EXPORT QString timeString(const QDateTime &at);

} // namespace MailpitJson
