// A message's Text and HTML as Mailpit gives them (which parts, how joined), in UTF-8. The
// store's textBody() and htmlBody() are used when they are those parts; otherwise the parts'
// content is read and converted from its charset here.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QString>

#include <functional>

class SmtpStoredMessage;

// The decoded content of one part of the message, by its depth-first index (what
// SmtpMessageStore::partContent() takes).
using MailpitPartContent = std::function<QByteArray(int partIndex)>;

struct MailpitBodies
{
    QString text; // of an HTML-only message: the HTML's text
    QString html;
    bool hasHtml = false; // the message has an HTML body (it may be empty)
};

namespace MailpitJson {

SMTPRECEIVERHTTP_TEST_EXPORT MailpitBodies bodies(
    const SmtpStoredMessage &message, const MailpitPartContent &content);

// Bytes in a charset (as a charset parameter names it) as text: unknown or missing charsets
// read as UTF-8 when the bytes are UTF-8, else as Windows-1252.
SMTPRECEIVERHTTP_TEST_EXPORT QString textFromBytes(const QByteArray &bytes, const QString &charset);

} // namespace MailpitJson
