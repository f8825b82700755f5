// Reading single headers out of a raw message, decoded (RFC 2047 words in any charset, folding
// undone). A Qt-only face over GMime: glib's headers must never meet Qt's (TOOLCHAIN.md).
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QString>

namespace MimeHeaders {

// The header block of a message: everything before the first empty line (CRLF or LF endings).
// Exported in every build (not only test builds): the GUI module's Headers tab uses it.
SMTPRECEIVER_EXPORT QByteArrayView headerBlock(QByteArrayView message);
// The first header of that name, unfolded but still encoded; empty if absent.
SMTPRECEIVER_TEST_EXPORT QByteArray rawHeader(QByteArrayView message, QByteArrayView name);
// The same, with RFC 2047 encoded words decoded to Unicode.
SMTPRECEIVER_TEST_EXPORT QString decodedHeader(QByteArrayView message, QByteArrayView name);
// Exported in every build, like headerBlock().
SMTPRECEIVER_EXPORT QString decodeText(const QByteArray &encoded);

} // namespace MimeHeaders
