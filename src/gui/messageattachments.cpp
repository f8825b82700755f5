// Attachments of the shown message: their thumbnails, the preview of an image or a PDF (decoded
// and rendered on a worker thread), saving a part to a file on a worker thread, and opening it with
// the system's viewer from a private temporary folder.
#include "messageattachments.h"

#include "messageview_p.h"

#include <QBuffer>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QPdfDocument>
#include <QSaveFile>
#include <QScrollArea>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace {

constexpr int maxPageAspect = 4; // height per width of a rendered page, at most
// Pixels of a PDF preview: each page at most this many (scaled down past it), and all pages
// together at most the total (the pages after it are left to "Open"). 4 bytes a pixel: a few
// tens of megabytes at most, whatever the screen's density or the pages' shape.
constexpr qint64 maxPagePixels = 4'000'000;
constexpr qint64 maxPreviewPixels = 12'000'000;

} // namespace

MessageAttachments::PreviewKind MessageAttachments::previewKind(const SmtpMimePart &a)
{
    const QString type = a.contentType();
    if (type.startsWith(QLatin1String("image/"), Qt::CaseInsensitive))
        return PreviewKind::Image;
    if (type.compare(QLatin1String("application/pdf"), Qt::CaseInsensitive) == 0
        || type.compare(QLatin1String("application/x-pdf"), Qt::CaseInsensitive) == 0
        || (type.compare(QLatin1String("application/octet-stream"), Qt::CaseInsensitive) == 0
            && a.fileName().endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)))
        return PreviewKind::Pdf;
    return PreviewKind::None;
}

MessageAttachments::PdfPreview MessageAttachments::renderPdf(
    const QByteArray &bytes, int width, int maxPages, const std::function<bool()> &keepGoing)
{
    PdfPreview preview;
    QByteArray shared = bytes; // QBuffer wants a mutable array; this one shares the bytes
    QBuffer buffer(&shared);
    if (width <= 0 || !buffer.open(QIODevice::ReadOnly))
        return preview;
    QPdfDocument document;
    document.load(&buffer); // at once: a buffer is a random-access device
    if (document.status() != QPdfDocument::Status::Ready || document.pageCount() <= 0)
        return preview;
    preview.pageCount = document.pageCount();
    qint64 renderedPixels = 0;
    for (int page = 0; page < qMin(preview.pageCount, maxPages); ++page) {
        if (keepGoing && !keepGoing())
            break;
        const QSizeF points = document.pagePointSize(page);
        if (points.isEmpty())
            break;
        QSizeF scaled
            = points.scaled(QSizeF(width, qreal(width) * maxPageAspect), Qt::KeepAspectRatio);
        const qreal pixels = scaled.width() * scaled.height();
        if (pixels > qreal(maxPagePixels))
            scaled *= std::sqrt(qreal(maxPagePixels) / pixels);
        const QSize size = scaled.toSize().expandedTo(QSize(1, 1));
        const qint64 pagePixels = qint64(size.width()) * size.height();
        if (!preview.pages.isEmpty() && renderedPixels + pagePixels > maxPreviewPixels)
            break;
        renderedPixels += pagePixels;
        const QImage rendered = document.render(page, size);
        if (rendered.isNull())
            break;
        // On white paper: what a page leaves unpainted comes transparent.
        QImage paper(rendered.size(), QImage::Format_RGB32);
        paper.fill(Qt::white);
        QPainter painter(&paper);
        painter.drawImage(0, 0, rendered);
        painter.end();
        preview.pages.append(paper);
    }
    preview.ok = !preview.pages.isEmpty();
    return preview;
}

QImage MessageAttachments::thumbnail(const MessageSource *store, qint64 id, const SmtpMimePart &a)
{
    if (previewKind(a) != PreviewKind::Image || a.size() <= 0 || a.size() > maxPreviewSource)
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

QString MessageAttachments::messageFileName(const QString &subject, qint64 id)
{
    constexpr qsizetype longest = 100;
    const QString fallback = QStringLiteral("message-%1").arg(id);
    // A long subject's start says more than its end (safeFileName() keeps the end of a name,
    // where an attachment's extension is); never half a surrogate pair.
    QString start = subject.left(longest);
    if (start.size() == longest && start.back().isHighSurrogate())
        start.chop(1);
    QString name = safeFileName(start, fallback);
    for (QChar &c : name)
        if (QStringLiteral("*?\"<>|").contains(c) || c.category() == QChar::Other_Format)
            c = QLatin1Char('_');
    name = name.trimmed();
    return (name.isEmpty() ? fallback : name) + QStringLiteral(".eml");
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

void MessageViewPrivate::clearAttachmentPreview()
{
    attachmentPreview->hide();
    attachmentPreviewNote->hide();
    attachmentPreviewNote->clear();
    attachmentPreviewLabel->clear();
    attachmentPreviewLabel->show();
    while (previewPagesLayout->count() > 1) { // the image label stays, the PDF's pages go
        QLayoutItem *item = previewPagesLayout->takeAt(1);
        delete item->widget();
        delete item;
    }
}

void MessageViewPrivate::showAttachmentNote(const QString &text)
{
    attachmentPreviewNote->setText(text);
    attachmentPreviewNote->show();
}

void MessageViewPrivate::previewAttachment(int partIndex)
{
    using namespace MessageAttachments;
    Q_Q(MessageView);
    // Every choice starts a new preview; a worker's result for an older one is dropped.
    const quint64 generation = latestPreview.fetch_add(1) + 1;
    clearAttachmentPreview();
    const SmtpMimePart *a = attachment(partIndex);
    const PreviewKind kind = a ? previewKind(*a) : PreviewKind::None;
    if (!store || kind == PreviewKind::None)
        return;
    if (a->size() > maxPreviewSource) {
        showAttachmentNote(MessageView::tr("This attachment is too big to preview here (over %1). "
                                           "Open it to see it.")
                               .arg(QLocale().formattedDataSize(maxPreviewSource)));
        return;
    }
    const MessageSource *s = store.data();
    const qint64 id = shown->id;
    if (kind == PreviewKind::Image) {
        QtConcurrent::run(&pool, [s, id, partIndex] {
            bool ok = false;
            QByteArray bytes = s->partContent(id, partIndex, &ok);
            QBuffer buffer(&bytes);
            QImageReader reader(&buffer);
            reader.setAutoTransform(true);
            return ok ? reader.read() : QImage();
        }).then(q, [this, generation](const QImage &image) {
            if (generation != latestPreview.load())
                return;
            if (image.isNull()) {
                showAttachmentNote(MessageView::tr(
                    "This image cannot be previewed: it is damaged or in a format that cannot "
                    "be read here."));
                return;
            }
            attachmentPreviewLabel->setPixmap(QPixmap::fromImage(image));
            attachmentPreview->show();
        });
        return;
    }
    // Pages as wide as the list beside them, sharp on a high-density screen.
    const qreal ratio = q->devicePixelRatioF();
    const int width = qRound(qBound(200, attachmentsTree->viewport()->width() - 40, 800) * ratio);
    const std::atomic<quint64> *latest = &latestPreview;
    QtConcurrent::run(&pool, [s, id, partIndex, width, generation, latest] {
        bool ok = false;
        const QByteArray bytes = s->partContent(id, partIndex, &ok);
        if (!ok)
            return PdfPreview();
        return renderPdf(bytes, width, maxPdfPreviewPages,
            [generation, latest] { return latest->load() == generation; });
    }).then(q, [this, generation, ratio](const PdfPreview &pdf) {
        if (generation != latestPreview.load())
            return;
        if (!pdf.ok) {
            showAttachmentNote(MessageView::tr("This PDF cannot be previewed: it is damaged, "
                                               "protected by a password, or not a PDF."));
            return;
        }
        attachmentPreviewLabel->hide();
        for (qsizetype i = 0; i < pdf.pages.size(); ++i) {
            QPixmap pixmap = QPixmap::fromImage(pdf.pages.at(i));
            pixmap.setDevicePixelRatio(ratio);
            auto *pageLabel = new QLabel;
            pageLabel->setObjectName(QStringLiteral("pdfPage%1").arg(i + 1));
            pageLabel->setPixmap(pixmap);
            pageLabel->setFrameShape(QFrame::Box);
            pageLabel->setToolTip(MessageView::tr("Page %1 of %2").arg(i + 1).arg(pdf.pageCount));
            previewPagesLayout->addWidget(pageLabel, 0, Qt::AlignHCenter);
        }
        if (pdf.pageCount > pdf.pages.size())
            showAttachmentNote(MessageView::tr("The first %1 of %n pages are shown. Open the PDF "
                                               "to see them all.",
                nullptr, pdf.pageCount)
                                   .arg(pdf.pages.size()));
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
