// The message view's public API and its core: asking the loader for a message, showing what it
// brought, and serving the shown message's page and parts to the HTML tab.
#include "messageview.h"

#include "messageattachments.h"
#include "messageview_p.h"
#include "messagewebsafety.h"
#include "smtpmessagestore.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QWebEngineProfile>
#include <QWebEngineUrlRequestJob>
#include <QWebEngineView>
#include <QtConcurrent/QtConcurrentRun>

namespace {

struct PartBytes
{
    bool ok = false;
    QByteArray bytes;
};

} // namespace

void MessageViewPrivate::startLoad(qint64 id)
{
    Q_Q(MessageView);
    currentId = id;
    const quint64 sequence = latestLoad.fetch_add(1) + 1;
    if (!store) {
        showPlaceholder(MessageView::tr("No message store"));
        Q_EMIT q->errorOccurred(MessageView::tr("The message view has no message store."));
        return;
    }
    const MessageSource *s = store.data();
    const std::atomic<quint64> *latest = &latestLoad;
    // Every load ends in onLoaded(), which shows the latest and drops the others; always through
    // the event loop, never inside showMessage() (.then(q, ...) would call it right here if the
    // load were done before the continuation is attached).
    QtConcurrent::run(&pool, [s, id, sequence, latest] {
        return loadMessage(s, id, sequence, latest);
    }).then([this, q](const LoadedMessage &loaded) {
        QMetaObject::invokeMethod(
            q, [this, loaded] { onLoaded(loaded); }, Qt::QueuedConnection);
    });
}

void MessageViewPrivate::onLoaded(const LoadedMessage &loaded)
{
    Q_Q(MessageView);
    if (loaded.stale || loaded.sequence != latestLoad.load() || loaded.id != currentId) {
        Q_EMIT q->messageSkipped(loaded.id); // another message was asked for meanwhile
        return;
    }
    if (!loaded.found) {
        currentId = 0;
        shown.reset();
        guard->setCurrent(0);
        page->load(QUrl(QStringLiteral("about:blank")));
        const QString unavailable = store ? store->unavailableReason(loaded.id) : QString();
        showPlaceholder(unavailable.isEmpty()
                ? MessageView::tr("This message is no longer in the store.")
                : unavailable);
        return;
    }
    shown = std::make_shared<const LoadedMessage>(loaded);
    partCache.clear();
    sourceFilled = false;

    fillSummary();
    textEdit->setPlainText(shown->stored.textBody());
    fillHeaders();
    fillAttachments();
    fillParts();
    fillChecks();
    fillSmtp();
    sourceEdit->clear();
    if (tabs->currentIndex() == int(MessageView::Tab::Source))
        fillSourceIfNeeded();

    loadPage();
    if (shown->html.isEmpty()) {
        htmlStack->setCurrentIndex(1);
        if (tabs->currentIndex() == int(MessageView::Tab::Html)) {
            setTab(MessageView::Tab::Text);
            autoSwitchedToText = true;
        }
    } else {
        htmlStack->setCurrentIndex(0);
        // Back to HTML if only the previous message's lack of it had moved the view away.
        if (autoSwitchedToText && tabs->currentIndex() == int(MessageView::Tab::Text))
            setTab(MessageView::Tab::Html);
        autoSwitchedToText = false;
    }
    outerStack->setCurrentIndex(1);
    Q_EMIT q->messageLoaded(shown->id);
}

void MessageViewPrivate::loadPage()
{
    if (!shown || shown->html.isEmpty()) {
        guard->setCurrent(0);
        page->load(QUrl(QStringLiteral("about:blank")));
    } else {
        guard->setCurrent(shown->id);
        page->load(MessageWebSafety::messageUrl(shown->id, QStringLiteral("html")));
    }
    updateRemoteBar();
}

std::optional<SmtpMimePart> MessageViewPrivate::partForContentId(const QString &cid) const
{
    if (!shown || cid.isEmpty())
        return std::nullopt;
    const QList<SmtpMimePart> parts = shown->stored.parts();
    for (const SmtpMimePart &p : parts)
        if (p.contentId() == cid)
            return p;
    for (const SmtpMimePart &p : parts)
        if (p.contentId().compare(cid, Qt::CaseInsensitive) == 0)
            return p;
    return std::nullopt;
}

std::optional<QByteArray> MessageViewPrivate::pageFor(qint64 id) const
{
    if (!shown || shown->id != id)
        return std::nullopt;
    return shown->html;
}

void MessageViewPrivate::servePart(qint64 id, const QString &cid, QWebEngineUrlRequestJob *job)
{
    Q_Q(MessageView);
    const std::optional<SmtpMimePart> part = partForContentId(cid);
    if (!part || !store) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    const QByteArray type = part->contentType().isEmpty()
        ? QByteArrayLiteral("application/octet-stream")
        : part->contentType().toLatin1();
    const int index = part->partId();
    const auto cached = partCache.constFind(index);
    if (cached != partCache.constEnd()) {
        MessageSchemeHandler::replyWith(job, type, *cached);
        return;
    }
    // Decoding a part parses the message: on the pool, answered when done (the job may be gone).
    const MessageSource *s = store.data();
    QPointer<QWebEngineUrlRequestJob> pending(job);
    QtConcurrent::run(&pool, [s, id, index] {
        PartBytes result;
        result.bytes = s->partContent(id, index, &result.ok);
        return result;
    }).then(q, [this, pending, id, index, type](const PartBytes &result) {
        if (result.ok && shown && shown->id == id)
            partCache.insert(index, result.bytes);
        if (!pending)
            return;
        if (result.ok)
            MessageSchemeHandler::replyWith(pending, type, result.bytes);
        else
            pending->fail(QWebEngineUrlRequestJob::UrlNotFound);
    });
}

void MessageViewPrivate::reportError(const QString &text, bool interactive)
{
    Q_Q(MessageView);
    Q_EMIT q->errorOccurred(text);
    if (interactive)
        QMessageBox::warning(q, MessageView::tr("smtp-receiver"), text);
}

// ---- MessageView ------------------------------------------------------------------------------

MessageView::MessageView(QWidget *parent)
    : QWidget(parent)
    , d_ptr(new MessageViewPrivate(this))
{
    Q_D(MessageView);
    d->pool.setMaxThreadCount(2);
    // The store names its read connections after the reading thread: threads that come and go
    // could hand a new thread the name (the address) of a dead one.
    d->pool.setExpiryTimeout(-1);
    d->buildUi();
    d->applyPreviewWidth();
}

MessageView::~MessageView()
{
    Q_D(MessageView);
    // The private part goes before the child widgets: they must not call back into it.
    d->tabs->blockSignals(true);
    d->attachmentsTree->blockSignals(true);
    d->latestLoad.fetch_add(1); // running loads stop early
    d->latestPreview.fetch_add(1); // and a PDF's pages being rendered
    d->pool.clear();
    d->pool.waitForDone();
    // The page (a child of the view) must go before its profile.
    delete d->webView;
    d->webView = nullptr;
    d->page = nullptr;
    delete d->profile;
    d->profile = nullptr;
}

void MessageView::registerUrlSchemes()
{
    static bool registered = false;
    if (registered)
        return;
    registered = true;
    // What Qt WebEngine wants before the application exists (it is loaded as a plugin here).
    if (!QCoreApplication::instance())
        QCoreApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    MessageWebSafety::registerScheme();
}

void MessageView::setStore(SmtpMessageStore *store)
{
    Q_D(MessageView);
    if (d->ownSource && d->ownSource->store() == store && d->store == d->ownSource.get())
        return;
    std::unique_ptr<LocalMessageSource> previous = std::move(d->ownSource);
    if (store)
        d->ownSource = std::make_unique<LocalMessageSource>(store);
    setSource(d->ownSource.get());
}

void MessageView::setSource(MessageSource *store)
{
    Q_D(MessageView);
    if (d->store == store)
        return;
    clear();
    d->pool.waitForDone(); // nothing may still read the old source
    if (d->store)
        disconnect(d->store, nullptr, this, nullptr);
    d->store = store;
    if (!store)
        return;
    // A release of the shown message: its SMTP tab lists it, read off the GUI thread.
    connect(store, &MessageSource::releasesChanged, this, [this, d](qint64 id) {
        if (id == 0 || id != d->currentId || !d->shown)
            return;
        const MessageSource *s = d->store.data();
        QtConcurrent::run(&d->pool, [s, id] {
            return s->releases(id);
        }).then(this, [d, id](const std::optional<QList<SmtpMessageRelease>> &releases) {
            if (d->currentId == id && d->shown)
                d->fillReleases(releases);
        });
    });
    connect(store, &MessageSource::messagesRemoved, this, [this, d](const QList<qint64> &ids) {
        if (d->currentId == 0)
            return;
        if (ids.contains(d->currentId)) {
            clear();
        } else if (ids.isEmpty()) { // "some or all": is ours still there?
            const MessageSource *s = d->store.data();
            const qint64 id = d->currentId;
            QtConcurrent::run(&d->pool, [s, id] {
                return s->message(id).has_value();
            }).then(this, [this, d, id](bool exists) {
                if (!exists && d->currentId == id)
                    clear();
            });
        }
    });
}

void MessageView::showMessage(qint64 id)
{
    Q_D(MessageView);
    if (id <= 0) {
        clear();
        return;
    }
    d->startLoad(id);
}

void MessageView::clear()
{
    Q_D(MessageView);
    d->currentId = 0;
    d->latestLoad.fetch_add(1); // drops whatever is still loading
    d->shown.reset();
    d->partCache.clear();
    d->guard->setCurrent(0);
    if (!d->page->url().isEmpty())
        d->page->load(QUrl(QStringLiteral("about:blank")));
    d->textEdit->clear();
    d->sourceEdit->clear();
    d->headersTable->setRowCount(0);
    d->attachmentsTree->clear();
    d->partsTree->clear();
    d->checksTree->clear();
    d->showPlaceholder(tr("No message selected"));
}

qint64 MessageView::messageId() const
{
    Q_D(const MessageView);
    return d->currentId;
}

void MessageView::setCurrentTab(Tab tab)
{
    Q_D(MessageView);
    d->autoSwitchedToText = false;
    d->setTab(tab);
}

MessageView::Tab MessageView::currentTab() const
{
    Q_D(const MessageView);
    return Tab(d->tabs->currentIndex());
}

void MessageView::setPreviewWidth(PreviewWidth width)
{
    Q_D(MessageView);
    d->previewWidth = width;
    d->applyPreviewWidth();
}

bool MessageView::remoteContentAllowed() const
{
    Q_D(const MessageView);
    return d->shown && d->guard->isAllowed(d->shown->id);
}

int MessageView::blockedRequestCount() const
{
    Q_D(const MessageView);
    return d->guard->blockedCount();
}

QWidget *MessageView::htmlView() const
{
    Q_D(const MessageView);
    return d->webView;
}

bool MessageView::saveSourceTo(const QString &path)
{
    Q_D(MessageView);
    if (!d->shown) {
        Q_EMIT errorOccurred(tr("No message is shown."));
        return false;
    }
    const QString error = MessageAttachments::writeFile(path, d->shown->stored.message().data());
    if (!error.isEmpty())
        Q_EMIT errorOccurred(error);
    return error.isEmpty();
}

QFuture<bool> MessageView::saveAttachment(int partIndex, const QString &path)
{
    Q_D(MessageView);
    return d->saveAttachment(partIndex, path, false);
}

void MessageView::loadRemoteContent()
{
    Q_D(MessageView);
    if (!d->shown || d->shown->html.isEmpty())
        return;
    d->guard->allow(d->shown->id);
    d->loadPage(); // again, now with the remote parts
}

void MessageView::saveSource()
{
    Q_D(MessageView);
    if (!d->shown)
        return;
    const QString dir = d->lastSaveDir.isEmpty() ? QDir::homePath() : d->lastSaveDir;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Message"),
        QDir(dir).filePath(
            MessageAttachments::messageFileName(d->shown->stored.summary().subject, d->shown->id)),
        tr("E-mail messages (*.eml);;All files (*)"));
    if (path.isEmpty())
        return;
    d->lastSaveDir = QFileInfo(path).absolutePath();
    const QString error = MessageAttachments::writeFile(path, d->shown->stored.message().data());
    if (!error.isEmpty())
        d->reportError(error, true);
}

void MessageView::copySource()
{
    Q_D(MessageView);
    if (!d->shown)
        return;
    auto *mime = new QMimeData;
    mime->setText(d->shown->sourceText);
    mime->setData(QStringLiteral("message/rfc822"), d->shown->stored.message().data());
    QGuiApplication::clipboard()->setMimeData(mime);
}
