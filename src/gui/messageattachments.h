// Attachments of a message on disk and on screen: the thumbnail the Attachments tab shows, and
// the file helpers behind opening a part with the system's viewer and saving it (or the raw
// message) to a file.
#pragma once

#include <QImage>
#include <QString>
#include <QTreeWidget>

#include <functional>

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

// The Attachments tab's list: an item (its part index in Qt::UserRole of column 0) drags out as
// the attachment's file, which fileFor writes when the drag starts.
class AttachmentTree : public QTreeWidget
{
    Q_OBJECT
public:
    using QTreeWidget::QTreeWidget;

    // The path of the part's file, written now; empty (the drag does not start) when it cannot be.
    std::function<QString(int partIndex)> fileFor;

    // Public for tests: what a drag of items carries (text/uri-list).
    QMimeData *mimeData(const QList<QTreeWidgetItem *> &items) const override;

protected:
    QStringList mimeTypes() const override;
};
