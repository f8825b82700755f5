// The header block of a raw message as Mailpit's /headers answers it (Go's textproto reading):
// field names canonicalised, values raw but unfolded, every occurrence in order.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QJsonObject>

namespace MailpitHeaders {

// As Go's CanonicalMIMEHeaderKey: "message-id" -> "Message-Id"; a name with a byte that is not
// a token character stays as it is.
SMTPRECEIVERHTTP_TEST_EXPORT QByteArray canonicalKey(const QByteArray &name);

// The top-level header block: canonical name -> [values in order]. Values are not decoded from
// RFC 2047; each continuation line is trimmed and joined with one space, the value trimmed;
// bytes that are not UTF-8 read as U+FFFD. Lines that are no field are skipped.
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject headers(const QByteArray &raw);

} // namespace MailpitHeaders
