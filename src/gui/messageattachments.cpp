// Attachments of the shown message: their thumbnails, the preview of an image, saving a part to a
// file on a worker thread, and opening it with the system's viewer from a private temporary
// folder.
#include "messageattachments.h"

#include "messageview_p.h"

#include <QBuffer>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QMimeData>
#include <QSaveFile>
#include <QScrollArea>
#include <QTreeWidget>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace {

constexpr qint64 maxThumbnailSource = 20 * 1024 * 1024; // bigger images get no thumbnail or preview

} // namespace

QImage MessageAttachments::thumbnail(const MessageSource *store, qint64 id, const SmtpMimePart &a)
{
    if (!a.contentType().startsWith(QLatin1String("image/"), Qt::CaseInsensitive) || a.size() <= 0
        || a.size() > maxThumbnailSource)
        return QImage();
    bool ok = false;
    const QByteArray bytes = store->partContent(id, a.partId(), &ok);
    QImage image;
    if (ok && image.loadFromData(bytes))
        return image.scaled(
            thumbnailSize, thumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return QImage();
}

QString MessageAttachments::writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return MessageView::tr("Could not write %1: %2")
            .arg(QDir::toNativeSeparators(path), file.errorString());
    return QString();
}

QString MessageAttachments::safeFileName(const QString &name, const QString &fallback)
{
    QString safe = name;
    for (QChar &c : safe)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':')
            || c.category() == QChar::Other_Control)
            c = QLatin1Char('_');
    safe = safe.trimmed();
    while (safe.startsWith(QLatin1Char('.')))
        safe.remove(0, 1);
    if (safe.size() > 200)
        safe = safe.right(200);
    return safe.isEmpty() ? fallback : safe;
}

QFuture<bool> MessageViewPrivate::saveAttachment(
    int partIndex, const QString &path, bool interactive)
{
    Q_Q(MessageView);
    if (!store || !shown || !attachment(partIndex)) {
        reportError(MessageView::tr("There is no such attachment."), interactive);
        return QtFuture::makeReadyFuture(false);
    }
    const MessageSource *s = store.data();
    const qint64 id = shown->id;
    return QtConcurrent::run(&pool, [s, id, partIndex, path] {
        bool ok = false;
        const QByteArray bytes = s->partContent(id, partIndex, &ok);
        if (!ok)
            return MessageView::tr("Part %1 of message %2 could not be read.")
                .arg(partIndex)
                .arg(id);
        return MessageAttachments::writeFile(path, bytes);
    }).then(q, [this, interactive](const QString &error) {
        if (!error.isEmpty())
            reportError(error, interactive);
        return error.isEmpty();
    });
}

const SmtpMimePart *MessageViewPrivate::attachment(int partIndex) const
{
    if (!shown)
        return nullptr;
    for (const SmtpMimePart &a : shown->attachments)
        if (a.partId() == partIndex)
            return &a;
    return nullptr;
}

int MessageViewPrivate::selectedAttachmentPart() const
{
    const QList<QTreeWidgetItem *> selected = attachmentsTree->selectedItems();
    return selected.isEmpty() ? -1 : selected.first()->data(0, Qt::UserRole).toInt();
}

QString MessageViewPrivate::attachmentPath(int partIndex)
{
    const SmtpMimePart *a = attachment(partIndex);
    if (!a)
        return QString();
    // One folder per message and part.
    QString error;
    const QString path = scratch.filePath(
        QString::number(shown->id) + QLatin1Char('-') + QString::number(partIndex),
        MessageAttachments::safeFileName(
            a->fileName(), QStringLiteral("attachment-%1").arg(partIndex)),
        &error);
    if (path.isEmpty())
        reportError(error, true);
    return path;
}

void MessageViewPrivate::openAttachment(int partIndex)
{
    Q_Q(MessageView);
    const QString path = attachmentPath(partIndex);
    if (path.isEmpty())
        return;
    saveAttachment(partIndex, path, true).then(q, [path](bool ok) {
        if (ok)
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
}

QString MessageViewPrivate::dragAttachment(int partIndex)
{
    // Written on the GUI thread: a drag needs its file before it starts.
    const QString path = attachmentPath(partIndex);
    if (path.isEmpty() || !store)
        return QString();
    bool ok = false;
    const QByteArray bytes = store->partContent(shown->id, partIndex, &ok);
    const QString error = ok
        ? MessageAttachments::writeFile(path, bytes)
        : MessageView::tr("Part %1 of message %2 could not be read.").arg(partIndex).arg(shown->id);
    if (error.isEmpty())
        return path;
    reportError(error, true);
    return QString();
}

void MessageViewPrivate::saveAttachmentInteractively(int partIndex)
{
    Q_Q(MessageView);
    const SmtpMimePart *a = attachment(partIndex);
    if (!a)
        return;
    const QString dir = lastSaveDir.isEmpty() ? QDir::homePath() : lastSaveDir;
    const QString path = QFileDialog::getSaveFileName(q, MessageView::tr("Save Attachment"),
        QDir(dir).filePath(MessageAttachments::safeFileName(
            a->fileName(), QStringLiteral("attachment-%1").arg(partIndex))));
    if (path.isEmpty())
        return;
    lastSaveDir = QFileInfo(path).absolutePath();
    saveAttachment(partIndex, path, true);
}

void MessageViewPrivate::previewAttachment(int partIndex)
{
    Q_Q(MessageView);
    attachmentPreview->hide();
    attachmentPreviewLabel->clear();
    const SmtpMimePart *a = attachment(partIndex);
    if (!a || !store || !a->contentType().startsWith(QLatin1String("image/"), Qt::CaseInsensitive)
        || a->size() > maxThumbnailSource)
        return;
    const MessageSource *s = store.data();
    const qint64 id = shown->id;
    QtConcurrent::run(&pool, [s, id, partIndex] {
        bool ok = false;
        QByteArray bytes = s->partContent(id, partIndex, &ok);
        QBuffer buffer(&bytes);
        QImageReader reader(&buffer);
        reader.setAutoTransform(true);
        return ok ? reader.read() : QImage();
    }).then(q, [this, id, partIndex](const QImage &image) {
        // Dropped when another message or part was chosen meanwhile.
        if (image.isNull() || !shown || shown->id != id || selectedAttachmentPart() != partIndex)
            return;
        attachmentPreviewLabel->setPixmap(QPixmap::fromImage(image));
        attachmentPreview->show();
    });
}

QMimeData *AttachmentTree::mimeData(const QList<QTreeWidgetItem *> &items) const
{
    QList<QUrl> urls;
    for (const QTreeWidgetItem *item : items) {
        const QString path = fileFor ? fileFor(item->data(0, Qt::UserRole).toInt()) : QString();
        if (path.isEmpty())
            return nullptr;
        urls.append(QUrl::fromLocalFile(path));
    }
    if (urls.isEmpty())
        return nullptr;
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

QStringList AttachmentTree::mimeTypes() const
{
    return { QStringLiteral("text/uri-list") };
}
