// Attachments of a message on disk and on screen: the thumbnail the Attachments tab shows, and
// the file helpers behind opening a part with the system's viewer and saving it (or the raw
// message) to a file.
#pragma once

#include <QImage>
#include <QString>

class MessageSource;
class SmtpMimePart;

namespace MessageAttachments {

constexpr int thumbnailSize = 64;

// A thumbnail of an image attachment of message id, decoded from the source (worker thread); null
// for other types and for images too big to be worth decoding.
QImage thumbnail(const MessageSource *store, qint64 id, const SmtpMimePart &attachment);

// Writes bytes to path atomically; an error text for the user, empty on success.
QString writeFile(const QString &path, const QByteArray &bytes);

// A file name from a sender is a suggestion: no directories, no hidden files, nothing empty.
QString safeFileName(const QString &name, const QString &fallback);

} // namespace MessageAttachments
