// Attachments of a message on disk and on screen: the thumbnail the Attachments tab shows, the
// pages of a PDF it previews, and the file helpers behind opening a part with the system's viewer
// and saving it (or the raw message) to a file.
#pragma once

#include <QImage>
#include <QList>
#include <QString>
#include <QTreeWidget>

#include <functional>

class MessageSource;
class SmtpMimePart;

namespace MessageAttachments {

constexpr int thumbnailSize = 64;
// Bigger attachments get no thumbnail and no preview: the user opens them instead.
constexpr qint64 maxPreviewSource = 20 * 1024 * 1024;
// A PDF's preview shows its first pages only: each costs a few megabytes as an image.
constexpr int maxPdfPreviewPages = 10;

// What the Attachments tab previews of an attachment: images (Qt's image readers) and PDFs
// (QtPdf), told by content type, and by the .pdf name of a generic binary part.
enum class PreviewKind { None, Image, Pdf };
PreviewKind previewKind(const SmtpMimePart &attachment);

struct PdfPreview
{
    bool ok = false; // false: damaged, protected by a password, or no PDF
    int pageCount = 0; // of the document
    QList<QImage> pages; // its first pages, rendered
};

// Renders the first maxPages pages of the PDF in bytes, width pixels wide (a page more than four
// times as tall as wide is shown narrower); stops early when keepGoing returns false. Any thread.
PdfPreview renderPdf(
    const QByteArray &bytes, int width, int maxPages, const std::function<bool()> &keepGoing = {});

// A thumbnail of an image attachment of message id, decoded from the source (worker thread); null
// for other types and for images too big to be worth decoding.
QImage thumbnail(const MessageSource *store, qint64 id, const SmtpMimePart &attachment);

// Writes bytes to path atomically; an error text for the user, empty on success.
QString writeFile(const QString &path, const QByteArray &bytes);

// A file name from a sender is a suggestion: no directories, no hidden files, nothing empty.
QString safeFileName(const QString &name, const QString &fallback);

// The name a message is saved or dragged out as: its subject without path separators, control or
// reserved characters, not hidden, at most 100 characters, else "message-ID"; with ".eml". One
// name wherever the raw message becomes a file (Save as in either window, the viewer's Save
// button, a drag out of the inbox).
QString messageFileName(const QString &subject, qint64 id);

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
