// Reading single headers out of a raw message, decoded (RFC 2047 words in any charset, folding
// undone). A Qt-only face over GMime: glib's headers must never meet Qt's (TOOLCHAIN.md).
#pragma once

#include "smtpheaderfield.h"
#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace MimeHeaders {

// The header block of a message: everything before the first empty line (CRLF or LF endings).
SMTPRECEIVER_TEST_EXPORT QByteArrayView headerBlock(QByteArrayView message);
// The first header of that name, unfolded but still encoded; empty if absent.
SMTPRECEIVER_TEST_EXPORT QByteArray rawHeader(QByteArrayView message, QByteArrayView name);
// The same, with RFC 2047 encoded words decoded to Unicode.
SMTPRECEIVER_TEST_EXPORT QString decodedHeader(QByteArrayView message, QByteArrayView name);
// Header text (RFC 2047 words in any charset) as Unicode.
SMTPRECEIVER_TEST_EXPORT QString decodeText(const QByteArray &encoded);
// Every field of the header block, in order: unfolded (RFC 5322 2.2.3), decoded and trimmed.
// A line that is no header field at all is kept as a field without a name.
SMTPRECEIVER_TEST_EXPORT QList<SmtpHeaderField> fields(QByteArrayView message);

} // namespace MimeHeaders
