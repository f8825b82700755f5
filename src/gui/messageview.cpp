// The message view: one stored message in tabs, read from the store on a worker thread.
//
// The HTML tab is the part that needs care. The page lives on an off-the-record profile owned by
// this view, with JavaScript off. Its HTML comes from a URL scheme handler
// (smtp-receiver://message/<id>/html, so there is no 2 MB setHtml() limit), "cid:" references are
// rewritten to smtp-receiver://message/<id>/cid/<content-id> and answered from the message's own
// parts, and an interceptor blocks every other request (counting the remote ones) unless the user
// allowed remote content for that message. Links never navigate the page: a click opens the
// system browser.
#include "messageview.h"

#include "mime/mimeheaders.h"
#include "smtpmessagestore.h"

#include <QApplication>
#include <QBuffer>
#include <QButtonGroup>
#include <QCheckBox>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QMimeData>
#include <QMimeDatabase>
#include <QMutex>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QSet>
#include <QSpacerItem>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWebEngineDownloadRequest>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineUrlRequestInfo>
#include <QWebEngineUrlRequestInterceptor>
#include <QWebEngineUrlRequestJob>
#include <QWebEngineUrlScheme>
#include <QWebEngineUrlSchemeHandler>
#include <QWebEngineView>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>

namespace {

constexpr char schemeName[] = "smtp-receiver";
constexpr char messageHost[] = "message";
constexpr int phoneWidth = 375;
constexpr int tabletWidth = 768;
constexpr int thumbnailSize = 64;
constexpr qint64 maxThumbnailSource = 20 * 1024 * 1024; // bigger images get no thumbnail

QString ownScheme()
{
    return QLatin1String(schemeName);
}

// smtp-receiver://message/<id>/<rest>
QUrl messageUrl(qint64 id, const QString &rest)
{
    QUrl url;
    url.setScheme(ownScheme());
    url.setHost(QLatin1String(messageHost));
    url.setPath(QLatin1Char('/') + QString::number(id) + QLatin1Char('/') + rest);
    return url;
}

// The message id of an smtp-receiver://message/<id>/... URL (0 for any other URL); *rest gets
// what follows the id, still percent-encoded.
qint64 messageIdOf(const QUrl &url, QString *rest = nullptr)
{
    if (url.scheme() != ownScheme() || url.host() != QLatin1String(messageHost))
        return 0;
    const QString path = url.path(QUrl::FullyEncoded);
    if (!path.startsWith(QLatin1Char('/')))
        return 0;
    const qsizetype slash = path.indexOf(QLatin1Char('/'), 1);
    bool ok = false;
    const qint64 id = path.mid(1, slash < 0 ? -1 : slash - 1).toLongLong(&ok);
    if (!ok || id <= 0)
        return 0;
    if (rest)
        *rest = slash < 0 ? QString() : path.mid(slash + 1);
    return id;
}

bool isRemoteScheme(const QString &scheme)
{
    return scheme == QLatin1String("http") || scheme == QLatin1String("https")
        || scheme == QLatin1String("ws") || scheme == QLatin1String("wss")
        || scheme == QLatin1String("ftp");
}

// Clicked links go to the system's handler, but only for schemes that cannot run anything local.
void openExternally(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https")
        || scheme == QLatin1String("mailto") || scheme == QLatin1String("ftp"))
        QDesktopServices::openUrl(url);
}

void applySafeSettings(QWebEngineSettings *settings)
{
    settings->setAttribute(QWebEngineSettings::JavascriptEnabled, false);
    settings->setAttribute(QWebEngineSettings::JavascriptCanOpenWindows, false);
    settings->setAttribute(QWebEngineSettings::JavascriptCanAccessClipboard, false);
    settings->setAttribute(QWebEngineSettings::AutoLoadImages, true); // cid: images; remote ones
                                                                      // are the interceptor's job
    settings->setAttribute(QWebEngineSettings::LocalStorageEnabled, false);
    // The message scheme is a local one; with this off Chromium would drop remote requests
    // before the interceptor sees them, so nothing could be counted or allowed. The interceptor
    // is the one gate for remote content.
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessRemoteUrls, true);
    settings->setAttribute(QWebEngineSettings::LocalContentCanAccessFileUrls, false);
    settings->setAttribute(QWebEngineSettings::PluginsEnabled, false);
    settings->setAttribute(QWebEngineSettings::PdfViewerEnabled, false);
    settings->setAttribute(QWebEngineSettings::WebGLEnabled, false);
    settings->setAttribute(QWebEngineSettings::AutoLoadIconsForPage, false);
    settings->setAttribute(QWebEngineSettings::TouchIconsEnabled, false);
    settings->setAttribute(QWebEngineSettings::HyperlinkAuditingEnabled, false);
    settings->setAttribute(QWebEngineSettings::DnsPrefetchEnabled, false);
    settings->setAttribute(QWebEngineSettings::ErrorPageEnabled, false);
    settings->setAttribute(QWebEngineSettings::FullScreenSupportEnabled, false);
    settings->setAttribute(QWebEngineSettings::ScreenCaptureEnabled, false);
    settings->setAttribute(QWebEngineSettings::NavigateOnDropEnabled, false);
    // Selecting messages with the keyboard must not move the focus into the page.
    settings->setAttribute(QWebEngineSettings::FocusOnNavigationEnabled, false);
    settings->setUnknownUrlSchemePolicy(QWebEngineSettings::DisallowUnknownUrlSchemes);
}

// ---- what the worker thread prepares ----------------------------------------------------------

struct HeaderField
{
    QString name;
    QString value; // unfolded, RFC 2047 decoded
    QString raw; // unfolded, as written
};

struct AttachmentInfo
{
    int part = -1;
    QString name;
    QString type;
    qint64 size = 0;
    QString contentId;
    bool isInline = false;
    QImage thumbnail;
};

struct PartInfo
{
    int index = 0;
    int parent = -1;
    int depth = 0;
    QString type;
    QString charset;
    QString encoding;
    QString disposition;
    QString name;
    QString contentId;
    qint64 size = 0;
};

struct Finding
{
    QString kind;
    QString detail;
};

struct LoadedMessage
{
    qint64 id = 0;
    quint64 sequence = 0;
    bool stale = false; // skipped: another message was asked for meanwhile
    bool found = false;
    SmtpStoredMessage stored;
    QList<HeaderField> headers;
    QString sourceText;
    QByteArray html; // UTF-8 with a BOM, cid: references rewritten; empty without HTML
    QList<AttachmentInfo> attachments;
    QList<PartInfo> parts;
    QList<Finding> findings;
};

QList<HeaderField> parseHeaders(const QByteArray &raw)
{
    QList<HeaderField> fields;
    const QByteArrayView block = MimeHeaders::headerBlock(raw);
    QByteArray name;
    QByteArray value;
    bool open = false;
    auto flush = [&] {
        if (!open)
            return;
        const QByteArray unfolded = value.trimmed();
        HeaderField field;
        field.name = QString::fromLatin1(name.trimmed());
        field.raw = QString::fromUtf8(unfolded);
        field.value = MimeHeaders::decodeText(unfolded);
        fields.append(field);
        open = false;
    };
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        QByteArrayView line = block.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if ((line.front() == ' ' || line.front() == '\t') && open) {
            value += line.toByteArray(); // unfolding removes the line break only (RFC 5322 2.2.3)
            continue;
        }
        flush();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) { // not a header at all: shown as it is, without a name
            name.clear();
            value = line.toByteArray();
        } else {
            name = line.first(colon).toByteArray();
            value = line.sliced(colon + 1).toByteArray();
        }
        open = true;
    }
    flush();
    return fields;
}

QString sourceText(const QByteArray &raw)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(raw);
    if (utf8.hasError())
        text = QString::fromLatin1(raw); // legacy 8-bit mail: show every octet as something
    return text;
}

QJsonArray jsonArray(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).array();
}

QByteArray prepareHtml(const QString &html, qint64 id)
{
    // cid: in attribute values and CSS url() point into this message's parts.
    static const QRegularExpression cidReference(
        QStringLiteral(
            R"(((?:\b(?:src|background|href|poster|data)\s*=\s*["']?\s*)|(?:url\(\s*["']?\s*))cid:)"),
        QRegularExpression::CaseInsensitiveOption);
    QString rewritten = html;
    rewritten.replace(cidReference,
        QStringLiteral("\\1")
            + messageUrl(id, QStringLiteral("cid/")).toString(QUrl::FullyEncoded));
    // The BOM makes the page UTF-8 whatever a <meta charset> copied from the original says.
    return QByteArrayLiteral("\xEF\xBB\xBF") + rewritten.toUtf8();
}

LoadedMessage loadMessage(
    const SmtpMessageStore *store, qint64 id, quint64 sequence, const std::atomic<quint64> *latest)
{
    LoadedMessage m;
    m.id = id;
    m.sequence = sequence;
    auto stale = [&] { return latest->load() != sequence; };
    if (stale()) {
        m.stale = true;
        return m;
    }
    std::optional<SmtpStoredMessage> stored = store->message(id);
    if (!stored)
        return m;
    m.found = true;
    m.stored = *stored;
    const QByteArray raw = m.stored.message.data();
    m.headers = parseHeaders(raw);
    m.sourceText = sourceText(raw);
    if (!m.stored.htmlBody.isEmpty())
        m.html = prepareHtml(m.stored.htmlBody, id);

    for (const QJsonValue &v : jsonArray(m.stored.attachmentsJson)) {
        const QJsonObject o = v.toObject();
        AttachmentInfo a;
        a.part = o.value(QLatin1String("part")).toInt(-1);
        a.name = o.value(QLatin1String("name")).toString();
        a.type = o.value(QLatin1String("type")).toString();
        a.size = o.value(QLatin1String("size")).toInteger();
        a.contentId = o.value(QLatin1String("contentId")).toString();
        a.isInline = o.value(QLatin1String("inline")).toBool();
        m.attachments.append(a);
    }
    for (const QJsonValue &v : jsonArray(m.stored.partsJson)) {
        const QJsonObject o = v.toObject();
        PartInfo p;
        p.index = o.value(QLatin1String("index")).toInt();
        p.parent = o.value(QLatin1String("parent")).toInt(-1);
        p.depth = o.value(QLatin1String("depth")).toInt();
        p.type = o.value(QLatin1String("type")).toString();
        p.charset = o.value(QLatin1String("charset")).toString();
        p.encoding = o.value(QLatin1String("encoding")).toString();
        p.disposition = o.value(QLatin1String("disposition")).toString();
        p.name = o.value(QLatin1String("name")).toString();
        p.contentId = o.value(QLatin1String("contentId")).toString();
        p.size = o.value(QLatin1String("size")).toInteger();
        m.parts.append(p);
    }
    for (const QJsonValue &v : jsonArray(m.stored.findingsJson)) {
        const QJsonObject o = v.toObject();
        m.findings.append({ o.value(QLatin1String("kind")).toString(),
            o.value(QLatin1String("detail")).toString() });
    }
    // Thumbnails last: each one decodes a part; give up as soon as nobody wants this message.
    for (AttachmentInfo &a : m.attachments) {
        if (stale())
            break;
        if (!a.type.startsWith(QLatin1String("image/"), Qt::CaseInsensitive) || a.size <= 0
            || a.size > maxThumbnailSource)
            continue;
        bool ok = false;
        const QByteArray bytes = store->partContent(id, a.part, &ok);
        QImage image;
        if (ok && image.loadFromData(bytes))
            a.thumbnail = image.scaled(
                thumbnailSize, thumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    return m;
}

QString writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return MessageView::tr("Could not write %1: %2")
            .arg(QDir::toNativeSeparators(path), file.errorString());
    return QString();
}

// A file name from a sender is a suggestion: no directories, no hidden files, nothing empty.
QString safeFileName(const QString &name, const QString &fallback)
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

QString findingTitle(const QString &kind)
{
    if (kind == QLatin1String("bare-lf"))
        return MessageView::tr("Bare line feed");
    if (kind == QLatin1String("bare-cr"))
        return MessageView::tr("Bare carriage return");
    if (kind == QLatin1String("line-too-long"))
        return MessageView::tr("Line too long");
    if (kind == QLatin1String("missing-date"))
        return MessageView::tr("Missing Date header");
    if (kind == QLatin1String("missing-message-id"))
        return MessageView::tr("Missing Message-ID header");
    if (kind == QLatin1String("8bit-without-8bitmime"))
        return MessageView::tr("8-bit data without 8BITMIME");
    if (kind == QLatin1String("html-without-text"))
        return MessageView::tr("HTML without a plain-text alternative");
    if (kind == QLatin1String("broken-mime"))
        return MessageView::tr("Broken MIME structure");
    return kind;
}

// ---- the web side -----------------------------------------------------------------------------

// Blocks every request that is not the message itself, its parts or inline data. Remote ones
// (http, https, ws, wss, ftp) pass only for messages the user allowed, and are counted when
// blocked. May be called on a Chromium thread: everything here is atomic or locked.
class RemoteContentGuard final : public QWebEngineUrlRequestInterceptor
{
public:
    explicit RemoteContentGuard(std::function<void()> blockedChanged, QObject *parent)
        : QWebEngineUrlRequestInterceptor(parent)
        , m_blockedChanged(std::move(blockedChanged))
    { }

    void interceptRequest(QWebEngineUrlRequestInfo &info) override
    {
        const QString scheme = info.requestUrl().scheme().toLower();
        if (scheme == ownScheme() || scheme == QLatin1String("data")
            || scheme == QLatin1String("about") || scheme == QLatin1String("blob"))
            return;
        const bool remote = isRemoteScheme(scheme);
        const qint64 page = messageIdOf(info.firstPartyUrl());
        if (remote && page != 0 && isAllowed(page))
            return;
        info.block(true);
        if (remote && page != 0 && page == m_current.load()) {
            m_blocked.fetch_add(1);
            m_blockedChanged();
        }
    }

    void setCurrent(qint64 id)
    {
        m_current.store(id);
        m_blocked.store(0);
    }
    int blockedCount() const { return m_blocked.load(); }
    void allow(qint64 id)
    {
        QMutexLocker lock(&m_mutex);
        m_allowed.insert(id);
    }
    bool isAllowed(qint64 id) const
    {
        QMutexLocker lock(&m_mutex);
        return m_allowed.contains(id);
    }

private:
    const std::function<void()> m_blockedChanged;
    mutable QMutex m_mutex;
    QSet<qint64> m_allowed;
    std::atomic<qint64> m_current { 0 };
    std::atomic<int> m_blocked { 0 };
};

class MessageSchemeHandler final : public QWebEngineUrlSchemeHandler
{
public:
    MessageSchemeHandler(std::function<void(QWebEngineUrlRequestJob *)> serve, QObject *parent)
        : QWebEngineUrlSchemeHandler(parent)
        , m_serve(std::move(serve))
    { }
    void requestStarted(QWebEngineUrlRequestJob *job) override { m_serve(job); }

private:
    const std::function<void(QWebEngineUrlRequestJob *)> m_serve;
};

// What a link with target="_blank" creates: it hands the first URL to the system browser and
// goes away.
class LinkCatcherPage final : public QWebEnginePage
{
public:
    LinkCatcherPage(QWebEngineProfile *profile, QObject *parent)
        : QWebEnginePage(profile, parent)
    {
        applySafeSettings(settings());
        QTimer::singleShot(30000, this, &QObject::deleteLater);
    }

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType, bool) override
    {
        openExternally(url);
        deleteLater();
        return false;
    }
};

class MessagePage final : public QWebEnginePage
{
public:
    MessagePage(QWebEngineProfile *profile, QObject *parent)
        : QWebEnginePage(profile, parent)
    {
        applySafeSettings(settings());
    }

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override
    {
        const QString scheme = url.scheme().toLower();
        if (scheme == ownScheme()) {
            if (type == NavigationTypeLinkClicked) // an anchor on the page itself, nothing else
                return url.adjusted(QUrl::RemoveFragment)
                    == this->url().adjusted(QUrl::RemoveFragment);
            return true;
        }
        if (type == NavigationTypeLinkClicked) {
            openExternally(url);
            return false;
        }
        if (type == NavigationTypeTyped) // only this view loads pages programmatically
            return scheme == QLatin1String("about");
        // Frames may load what the interceptor lets through; the page itself goes nowhere
        // (no meta refresh, no form submission).
        return !isMainFrame;
    }

    QWebEnginePage *createWindow(WebWindowType) override
    {
        return new LinkCatcherPage(profile(), this);
    }
};

void replyWith(QWebEngineUrlRequestJob *job, const QByteArray &contentType, const QByteArray &data)
{
    auto *buffer = new QBuffer(job);
    buffer->setData(data);
    buffer->open(QIODevice::ReadOnly);
    job->reply(contentType, buffer);
}

struct PartBytes
{
    bool ok = false;
    QByteArray bytes;
};

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

} // namespace

// ---- the private part -------------------------------------------------------------------------

class MessageViewPrivate
{
    Q_DECLARE_PUBLIC(MessageView)
public:
    explicit MessageViewPrivate(MessageView *q)
        : q_ptr(q)
    { }

    void buildUi();
    QWidget *buildHtmlTab();
    QWidget *buildTextTab();
    QWidget *buildHeadersTab();
    QWidget *buildSourceTab();
    QWidget *buildAttachmentsTab();
    QWidget *buildPartsTab();
    QWidget *buildChecksTab();
    QWidget *buildSmtpTab();

    void startLoad(qint64 id);
    void onLoaded(const LoadedMessage &loaded);
    void showPlaceholder(const QString &text);
    void fillSummary();
    void fillHeaders();
    void fillAttachments();
    void fillParts();
    void fillChecks();
    void fillSmtp();
    void fillSourceIfNeeded();
    void loadPage();
    void updateRemoteBar();
    void applyPreviewWidth();
    void setTab(MessageView::Tab tab);
    void serve(QWebEngineUrlRequestJob *job);
    const PartInfo *partForContentId(const QString &cid) const;
    QFuture<bool> saveAttachment(int partIndex, const QString &path, bool interactive);
    void reportError(const QString &text, bool interactive);
    int selectedAttachmentPart() const;
    const AttachmentInfo *attachment(int partIndex) const;
    void openAttachment(int partIndex);
    void saveAttachmentInteractively(int partIndex);

    MessageView *q_ptr;
    QPointer<SmtpMessageStore> store;
    qint64 currentId = 0; // asked for (messageId())
    std::atomic<quint64> latestLoad { 0 };
    QThreadPool pool;
    QFutureWatcher<LoadedMessage> *loadWatcher = nullptr;
    std::shared_ptr<const LoadedMessage> shown; // what the tabs show
    QHash<int, QByteArray> partCache; // decoded cid parts of the shown message
    bool sourceFilled = false;
    bool autoSwitchedToText = false;
    bool switchingTab = false;
    MessageView::PreviewWidth previewWidth = MessageView::PreviewWidth::Desktop;
    std::unique_ptr<QTemporaryDir> openDir; // attachments opened with the system's viewer
    QString lastSaveDir;

    // web
    QWebEngineProfile *profile = nullptr;
    RemoteContentGuard *guard = nullptr;
    QWebEngineView *webView = nullptr;
    MessagePage *page = nullptr;

    // widgets
    QStackedWidget *outerStack = nullptr;
    QLabel *placeholder = nullptr;
    QLabel *subjectLabel = nullptr;
    QFormLayout *summaryForm = nullptr;
    QLabel *fromLabel = nullptr;
    QLabel *toLabel = nullptr;
    QLabel *ccLabel = nullptr;
    QLabel *dateLabel = nullptr;
    QTabWidget *tabs = nullptr;
    QFrame *remoteBar = nullptr;
    QLabel *remoteLabel = nullptr;
    QStackedWidget *htmlStack = nullptr;
    QHBoxLayout *viewHostLayout = nullptr;
    QSpacerItem *leftSpacer = nullptr;
    QSpacerItem *rightSpacer = nullptr;
    QButtonGroup *widthButtons = nullptr;
    QPlainTextEdit *textEdit = nullptr;
    QCheckBox *monospaceCheck = nullptr;
    QTableWidget *headersTable = nullptr;
    QPlainTextEdit *sourceEdit = nullptr;
    QTreeWidget *attachmentsTree = nullptr;
    QLabel *noAttachmentsLabel = nullptr;
    QPushButton *openButton = nullptr;
    QPushButton *saveAttachmentButton = nullptr;
    QTreeWidget *partsTree = nullptr;
    QTreeWidget *checksTree = nullptr;
    QLabel *noProblemsLabel = nullptr;
    QLabel *smtpId = nullptr;
    QLabel *smtpReceived = nullptr;
    QLabel *smtpRemote = nullptr;
    QLabel *smtpHelo = nullptr;
    QLabel *smtpMailFrom = nullptr;
    QLabel *smtpRcptTo = nullptr;
    QLabel *smtpTls = nullptr;
    QLabel *smtpAuth = nullptr;
    QLabel *smtpSize = nullptr;
    QLabel *smtpExtensions = nullptr;
};

void MessageViewPrivate::buildUi()
{
    Q_Q(MessageView);
    auto *outer = new QVBoxLayout(q);
    outer->setContentsMargins(0, 0, 0, 0);
    outerStack = new QStackedWidget(q);
    outer->addWidget(outerStack);

    placeholder = new QLabel(MessageView::tr("No message selected"), outerStack);
    placeholder->setObjectName(QStringLiteral("placeholderLabel"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setEnabled(false);
    outerStack->addWidget(placeholder);

    auto *content = new QWidget(outerStack);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);

    auto *summary = new QWidget(content);
    auto *summaryLayout = new QVBoxLayout(summary);
    subjectLabel = valueLabel(QStringLiteral("subjectLabel"), summary);
    QFont subjectFont = subjectLabel->font();
    subjectFont.setBold(true);
    subjectFont.setPointSizeF(subjectFont.pointSizeF() * 1.25);
    subjectLabel->setFont(subjectFont);
    summaryLayout->addWidget(subjectLabel);
    summaryForm = new QFormLayout;
    summaryForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    fromLabel = valueLabel(QStringLiteral("fromLabel"), summary);
    toLabel = valueLabel(QStringLiteral("toLabel"), summary);
    ccLabel = valueLabel(QStringLiteral("ccLabel"), summary);
    dateLabel = valueLabel(QStringLiteral("dateLabel"), summary);
    summaryForm->addRow(MessageView::tr("From:"), fromLabel);
    summaryForm->addRow(MessageView::tr("To:"), toLabel);
    summaryForm->addRow(MessageView::tr("Cc:"), ccLabel);
    summaryForm->addRow(MessageView::tr("Date:"), dateLabel);
    summaryLayout->addLayout(summaryForm);
    contentLayout->addWidget(summary);

    tabs = new QTabWidget(content);
    tabs->setObjectName(QStringLiteral("tabs"));
    tabs->setDocumentMode(true);
    // In the order of MessageView::Tab.
    tabs->addTab(buildHtmlTab(), MessageView::tr("HTML"));
    tabs->addTab(buildTextTab(), MessageView::tr("Text"));
    tabs->addTab(buildHeadersTab(), MessageView::tr("Headers"));
    tabs->addTab(buildSourceTab(), MessageView::tr("Source"));
    tabs->addTab(buildAttachmentsTab(), MessageView::tr("Attachments"));
    tabs->addTab(buildPartsTab(), MessageView::tr("Parts"));
    tabs->addTab(buildChecksTab(), MessageView::tr("Checks"));
    tabs->addTab(buildSmtpTab(), MessageView::tr("SMTP"));
    contentLayout->addWidget(tabs, 1);
    outerStack->addWidget(content);

    QObject::connect(tabs, &QTabWidget::currentChanged, q, [this](int index) {
        if (!switchingTab)
            autoSwitchedToText = false;
        if (index == int(MessageView::Tab::Source))
            fillSourceIfNeeded();
    });
}

QWidget *MessageViewPrivate::buildHtmlTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    remoteBar = new QFrame(tab);
    remoteBar->setObjectName(QStringLiteral("remoteBar"));
    remoteBar->setFrameShape(QFrame::StyledPanel);
    remoteBar->setAutoFillBackground(true);
    QPalette barPalette = remoteBar->palette();
    barPalette.setColor(QPalette::Window, barPalette.color(QPalette::AlternateBase));
    remoteBar->setPalette(barPalette);
    auto *barLayout = new QHBoxLayout(remoteBar);
    barLayout->setContentsMargins(8, 4, 8, 4);
    auto *barIcon = new QLabel(remoteBar);
    const int iconSize = q->style()->pixelMetric(QStyle::PM_SmallIconSize);
    barIcon->setPixmap(
        q->style()->standardIcon(QStyle::SP_MessageBoxInformation).pixmap(iconSize, iconSize));
    barLayout->addWidget(barIcon);
    remoteLabel = new QLabel(remoteBar);
    remoteLabel->setObjectName(QStringLiteral("remoteLabel"));
    barLayout->addWidget(remoteLabel, 1);
    auto *loadButton = new QPushButton(MessageView::tr("Load remote content"), remoteBar);
    loadButton->setObjectName(QStringLiteral("loadRemoteButton"));
    loadButton->setToolTip(MessageView::tr(
        "Loads images and styles from the Internet for this message. The sender may learn "
        "that, when and where the message was opened."));
    QObject::connect(loadButton, &QPushButton::clicked, q, &MessageView::loadRemoteContent);
    barLayout->addWidget(loadButton);
    remoteBar->hide();
    layout->addWidget(remoteBar);

    auto *widthRow = new QHBoxLayout;
    widthRow->setContentsMargins(6, 2, 6, 2);
    widthRow->addStretch(1);
    widthRow->addWidget(new QLabel(MessageView::tr("Preview width:"), tab));
    widthButtons = new QButtonGroup(tab);
    widthButtons->setExclusive(true);
    const struct
    {
        MessageView::PreviewWidth width;
        QString text;
        QString toolTip;
        const char *objectName;
    } widths[] = {
        { MessageView::PreviewWidth::Phone, MessageView::tr("Phone"),
            MessageView::tr("%1 pixels wide").arg(phoneWidth), "phoneWidthButton" },
        { MessageView::PreviewWidth::Tablet, MessageView::tr("Tablet"),
            MessageView::tr("%1 pixels wide").arg(tabletWidth), "tabletWidthButton" },
        { MessageView::PreviewWidth::Desktop, MessageView::tr("Desktop"),
            MessageView::tr("The full width of the view"), "desktopWidthButton" },
    };
    for (const auto &w : widths) {
        auto *button = new QToolButton(tab);
        button->setObjectName(QLatin1String(w.objectName));
        button->setText(w.text);
        button->setToolTip(w.toolTip);
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setChecked(w.width == previewWidth);
        widthButtons->addButton(button, int(w.width));
        widthRow->addWidget(button);
    }
    QObject::connect(widthButtons, &QButtonGroup::idClicked, q,
        [q](int id) { q->setPreviewWidth(MessageView::PreviewWidth(id)); });
    layout->addLayout(widthRow);

    htmlStack = new QStackedWidget(tab);
    auto *viewHost = new QWidget(htmlStack);
    viewHostLayout = new QHBoxLayout(viewHost);
    viewHostLayout->setContentsMargins(0, 0, 0, 0);
    viewHostLayout->setSpacing(0);
    leftSpacer = new QSpacerItem(0, 0, QSizePolicy::Fixed, QSizePolicy::Minimum);
    rightSpacer = new QSpacerItem(0, 0, QSizePolicy::Fixed, QSizePolicy::Minimum);

    // The profile first; the page is a child of the view, so it goes before the profile
    // (~MessageView deletes the view explicitly, then the profile).
    profile = new QWebEngineProfile(q); // no storage name: off the record
    profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    profile->setSpellCheckEnabled(false);
    applySafeSettings(profile->settings());
    guard = new RemoteContentGuard(
        [this, q] {
            QMetaObject::invokeMethod(
                q, [this] { updateRemoteBar(); }, Qt::QueuedConnection);
        },
        profile);
    profile->setUrlRequestInterceptor(guard);
    profile->installUrlSchemeHandler(QByteArray(schemeName),
        new MessageSchemeHandler([this](QWebEngineUrlRequestJob *job) { serve(job); }, profile));
    QObject::connect(profile, &QWebEngineProfile::downloadRequested, q,
        [](QWebEngineDownloadRequest *download) { download->cancel(); });

    webView = new QWebEngineView(viewHost);
    webView->setObjectName(QStringLiteral("htmlView"));
    page = new MessagePage(profile, webView);
    webView->setPage(page);
    webView->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    QObject::connect(page, &QWebEnginePage::loadFinished, q, [this, q](bool ok) {
        const qint64 id = messageIdOf(page->url());
        if (ok && id != 0 && id == currentId && shown && shown->id == id)
            Q_EMIT q->htmlRendered(id);
    });

    viewHostLayout->addItem(leftSpacer);
    viewHostLayout->addWidget(webView, 1000);
    viewHostLayout->addItem(rightSpacer);
    htmlStack->addWidget(viewHost);

    auto *noHtml = new QLabel(
        MessageView::tr("This message has no HTML part. Its text is on the Text tab."), htmlStack);
    noHtml->setObjectName(QStringLiteral("noHtmlLabel"));
    noHtml->setAlignment(Qt::AlignCenter);
    noHtml->setWordWrap(true);
    htmlStack->addWidget(noHtml);

    layout->addWidget(htmlStack, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildTextTab()
{
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    textEdit = new QPlainTextEdit(tab);
    textEdit->setObjectName(QStringLiteral("textEdit"));
    textEdit->setReadOnly(true);
    textEdit->setPlaceholderText(MessageView::tr("This message has no plain-text part."));
    layout->addWidget(textEdit, 1);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    monospaceCheck = new QCheckBox(MessageView::tr("Monospace font"), tab);
    monospaceCheck->setObjectName(QStringLiteral("monospaceCheck"));
    QObject::connect(monospaceCheck, &QCheckBox::toggled, textEdit, [this](bool on) {
        textEdit->setFont(on ? QFontDatabase::systemFont(QFontDatabase::FixedFont) : QFont());
    });
    row->addWidget(monospaceCheck);
    row->addStretch(1);
    layout->addLayout(row);
    return tab;
}

QWidget *MessageViewPrivate::buildHeadersTab()
{
    headersTable = new QTableWidget(0, 2);
    headersTable->setObjectName(QStringLiteral("headersTable"));
    headersTable->setHorizontalHeaderLabels({ MessageView::tr("Name"), MessageView::tr("Value") });
    headersTable->verticalHeader()->hide();
    headersTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    headersTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    headersTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    headersTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    headersTable->setWordWrap(true);
    headersTable->setAlternatingRowColors(true);
    headersTable->setShowGrid(false);
    return headersTable;
}

QWidget *MessageViewPrivate::buildSourceTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    auto *copy = new QPushButton(MessageView::tr("Copy"), tab);
    copy->setObjectName(QStringLiteral("copySourceButton"));
    copy->setToolTip(MessageView::tr("Copy the raw message to the clipboard"));
    QObject::connect(copy, &QPushButton::clicked, q, &MessageView::copySource);
    auto *save = new QPushButton(MessageView::tr("Save…"), tab);
    save->setObjectName(QStringLiteral("saveSourceButton"));
    save->setToolTip(MessageView::tr("Save the raw message as an .eml file"));
    QObject::connect(save, &QPushButton::clicked, q, &MessageView::saveSource);
    row->addWidget(copy);
    row->addWidget(save);
    row->addStretch(1);
    layout->addLayout(row);
    sourceEdit = new QPlainTextEdit(tab);
    sourceEdit->setObjectName(QStringLiteral("sourceEdit"));
    sourceEdit->setReadOnly(true);
    sourceEdit->setLineWrapMode(QPlainTextEdit::NoWrap);
    sourceEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(sourceEdit, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildAttachmentsTab()
{
    Q_Q(MessageView);
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    noAttachmentsLabel = new QLabel(MessageView::tr("This message has no attachments."), tab);
    noAttachmentsLabel->setObjectName(QStringLiteral("noAttachmentsLabel"));
    noAttachmentsLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(noAttachmentsLabel);
    attachmentsTree = new QTreeWidget(tab);
    attachmentsTree->setObjectName(QStringLiteral("attachmentsTree"));
    attachmentsTree->setHeaderLabels(
        { MessageView::tr("Name"), MessageView::tr("Type"), MessageView::tr("Size") });
    attachmentsTree->setRootIsDecorated(false);
    attachmentsTree->setIconSize(QSize(thumbnailSize, thumbnailSize));
    attachmentsTree->setSelectionMode(QAbstractItemView::SingleSelection);
    attachmentsTree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    attachmentsTree->header()->setStretchLastSection(false);
    layout->addWidget(attachmentsTree, 1);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    openButton = new QPushButton(MessageView::tr("Open"), tab);
    openButton->setObjectName(QStringLiteral("openAttachmentButton"));
    saveAttachmentButton = new QPushButton(MessageView::tr("Save…"), tab);
    saveAttachmentButton->setObjectName(QStringLiteral("saveAttachmentButton"));
    openButton->setEnabled(false);
    saveAttachmentButton->setEnabled(false);
    row->addWidget(openButton);
    row->addWidget(saveAttachmentButton);
    row->addStretch(1);
    layout->addLayout(row);

    QObject::connect(attachmentsTree, &QTreeWidget::itemSelectionChanged, q, [this] {
        const bool any = selectedAttachmentPart() >= 0;
        openButton->setEnabled(any);
        saveAttachmentButton->setEnabled(any);
    });
    QObject::connect(attachmentsTree, &QTreeWidget::itemActivated, q,
        [this](QTreeWidgetItem *item) { openAttachment(item->data(0, Qt::UserRole).toInt()); });
    QObject::connect(
        openButton, &QPushButton::clicked, q, [this] { openAttachment(selectedAttachmentPart()); });
    QObject::connect(saveAttachmentButton, &QPushButton::clicked, q,
        [this] { saveAttachmentInteractively(selectedAttachmentPart()); });
    return tab;
}

QWidget *MessageViewPrivate::buildPartsTab()
{
    partsTree = new QTreeWidget;
    partsTree->setObjectName(QStringLiteral("partsTree"));
    partsTree->setHeaderLabels({ MessageView::tr("Type"), MessageView::tr("Name"),
        MessageView::tr("Disposition"), MessageView::tr("Charset"), MessageView::tr("Encoding"),
        MessageView::tr("Content-ID"), MessageView::tr("Size"), MessageView::tr("Part") });
    partsTree->setUniformRowHeights(true);
    return partsTree;
}

QWidget *MessageViewPrivate::buildChecksTab()
{
    auto *tab = new QWidget;
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    noProblemsLabel = new QLabel(MessageView::tr("No problems found"), tab);
    noProblemsLabel->setObjectName(QStringLiteral("noProblemsLabel"));
    noProblemsLabel->setAlignment(Qt::AlignCenter);
    layout->addWidget(noProblemsLabel, 1);
    checksTree = new QTreeWidget(tab);
    checksTree->setObjectName(QStringLiteral("checksTree"));
    checksTree->setHeaderLabels({ MessageView::tr("Problem"), MessageView::tr("Details") });
    checksTree->setRootIsDecorated(false);
    checksTree->setWordWrap(true);
    layout->addWidget(checksTree, 1);
    return tab;
}

QWidget *MessageViewPrivate::buildSmtpTab()
{
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *inner = new QWidget(scroll);
    auto *form = new QFormLayout(inner);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    smtpId = valueLabel(QStringLiteral("smtpId"), inner);
    smtpReceived = valueLabel(QStringLiteral("smtpReceived"), inner);
    smtpRemote = valueLabel(QStringLiteral("smtpRemote"), inner);
    smtpHelo = valueLabel(QStringLiteral("smtpHelo"), inner);
    smtpMailFrom = valueLabel(QStringLiteral("smtpMailFrom"), inner);
    smtpRcptTo = valueLabel(QStringLiteral("smtpRcptTo"), inner);
    smtpTls = valueLabel(QStringLiteral("smtpTls"), inner);
    smtpAuth = valueLabel(QStringLiteral("smtpAuth"), inner);
    smtpSize = valueLabel(QStringLiteral("smtpSize"), inner);
    smtpExtensions = valueLabel(QStringLiteral("smtpExtensions"), inner);
    form->addRow(MessageView::tr("MAIL FROM:"), smtpMailFrom);
    form->addRow(MessageView::tr("RCPT TO:"), smtpRcptTo);
    form->addRow(MessageView::tr("HELO:"), smtpHelo);
    form->addRow(MessageView::tr("Remote address:"), smtpRemote);
    form->addRow(MessageView::tr("Received at:"), smtpReceived);
    form->addRow(MessageView::tr("TLS:"), smtpTls);
    form->addRow(MessageView::tr("Authenticated user:"), smtpAuth);
    form->addRow(MessageView::tr("Extensions:"), smtpExtensions);
    form->addRow(MessageView::tr("Size:"), smtpSize);
    form->addRow(MessageView::tr("Stored as:"), smtpId);
    scroll->setWidget(inner);
    return scroll;
}

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
    const SmtpMessageStore *s = store.data();
    const std::atomic<quint64> *latest = &latestLoad;
    // A new future replaces the watched one: a result for an older request is never delivered.
    loadWatcher->setFuture(QtConcurrent::run(
        &pool, [s, id, sequence, latest] { return loadMessage(s, id, sequence, latest); }));
}

void MessageViewPrivate::onLoaded(const LoadedMessage &loaded)
{
    Q_Q(MessageView);
    if (loaded.stale || loaded.sequence != latestLoad.load() || loaded.id != currentId)
        return; // another message was asked for meanwhile
    if (!loaded.found) {
        currentId = 0;
        shown.reset();
        guard->setCurrent(0);
        page->load(QUrl(QStringLiteral("about:blank")));
        showPlaceholder(MessageView::tr("This message is no longer in the store."));
        return;
    }
    shown = std::make_shared<const LoadedMessage>(loaded);
    partCache.clear();
    sourceFilled = false;

    fillSummary();
    textEdit->setPlainText(shown->stored.textBody);
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

void MessageViewPrivate::showPlaceholder(const QString &text)
{
    placeholder->setText(text);
    outerStack->setCurrentIndex(0);
    remoteBar->hide();
}

void MessageViewPrivate::loadPage()
{
    if (!shown || shown->html.isEmpty()) {
        guard->setCurrent(0);
        page->load(QUrl(QStringLiteral("about:blank")));
    } else {
        guard->setCurrent(shown->id);
        page->load(messageUrl(shown->id, QStringLiteral("html")));
    }
    updateRemoteBar();
}

void MessageViewPrivate::updateRemoteBar()
{
    const int blocked = guard->blockedCount();
    const bool show
        = shown && !shown->html.isEmpty() && blocked > 0 && !guard->isAllowed(shown->id);
    if (show)
        remoteLabel->setText(
            MessageView::tr("Remote content blocked (%n request(s))", nullptr, blocked));
    remoteBar->setVisible(show);
}

void MessageViewPrivate::fillSummary()
{
    const SmtpStoredMessage &m = shown->stored;
    subjectLabel->setText(
        m.summary.subject.isEmpty() ? MessageView::tr("(no subject)") : m.summary.subject);
    fromLabel->setText(m.summary.from);
    toLabel->setText(m.summary.to);
    ccLabel->setText(m.cc);
    summaryForm->setRowVisible(ccLabel, !m.cc.isEmpty());
    const QDateTime received = m.summary.receivedAt.toLocalTime();
    dateLabel->setText(
        m.dateHeader.isEmpty() ? QLocale().toString(received, QLocale::LongFormat) : m.dateHeader);
}

void MessageViewPrivate::fillHeaders()
{
    headersTable->setRowCount(0);
    headersTable->setRowCount(int(shown->headers.size()));
    int row = 0;
    for (const HeaderField &h : shown->headers) {
        auto *name = new QTableWidgetItem(h.name);
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        auto *value = new QTableWidgetItem(h.value);
        if (h.raw != h.value)
            value->setToolTip(h.raw);
        headersTable->setItem(row, 0, name);
        headersTable->setItem(row, 1, value);
        ++row;
    }
    headersTable->resizeRowsToContents();
}

void MessageViewPrivate::fillAttachments()
{
    Q_Q(MessageView);
    attachmentsTree->clear();
    const QMimeDatabase mimeDatabase;
    const QIcon fallback = q->style()->standardIcon(QStyle::SP_FileIcon);
    const QLocale locale;
    for (const AttachmentInfo &a : shown->attachments) {
        auto *item = new QTreeWidgetItem(attachmentsTree);
        item->setText(
            0, a.name.isEmpty() ? MessageView::tr("(unnamed part %1)").arg(a.part) : a.name);
        item->setText(1, a.type);
        item->setText(2, locale.formattedDataSize(a.size));
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, Qt::UserRole, a.part);
        item->setData(2, Qt::UserRole, a.size);
        item->setToolTip(
            2, MessageView::tr("%n byte(s)", nullptr, int(qMin<qint64>(a.size, INT_MAX))));
        QString tip = a.isInline ? MessageView::tr("Inline part") : MessageView::tr("Attachment");
        if (!a.contentId.isEmpty())
            tip += QLatin1Char('\n') + MessageView::tr("Content-ID: %1").arg(a.contentId);
        item->setToolTip(0, tip);
        if (!a.thumbnail.isNull()) {
            item->setIcon(0, QIcon(QPixmap::fromImage(a.thumbnail)));
        } else {
            const QMimeType type = mimeDatabase.mimeTypeForName(a.type);
            item->setIcon(0, QIcon::fromTheme(type.iconName(), fallback));
        }
    }
    const int count = int(shown->attachments.size());
    attachmentsTree->setVisible(count > 0);
    noAttachmentsLabel->setVisible(count == 0);
    openButton->setEnabled(false);
    saveAttachmentButton->setEnabled(false);
    tabs->setTabText(int(MessageView::Tab::Attachments),
        count > 0 ? MessageView::tr("Attachments (%1)").arg(count)
                  : MessageView::tr("Attachments"));
}

void MessageViewPrivate::fillParts()
{
    partsTree->clear();
    const QLocale locale;
    QHash<int, QTreeWidgetItem *> items;
    for (const PartInfo &p : shown->parts) {
        QTreeWidgetItem *parent = items.value(p.parent);
        auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(partsTree);
        item->setText(0, p.type);
        item->setText(1, p.name);
        item->setText(2, p.disposition);
        item->setText(3, p.charset);
        item->setText(4, p.encoding);
        item->setText(5, p.contentId);
        item->setText(6,
            p.type.startsWith(QLatin1String("multipart/"), Qt::CaseInsensitive)
                ? QString()
                : locale.formattedDataSize(p.size));
        item->setText(7, QString::number(p.index));
        item->setData(0, Qt::UserRole, p.index);
        items.insert(p.index, item);
    }
    partsTree->expandAll();
    for (int column = 0; column < partsTree->columnCount(); ++column)
        partsTree->resizeColumnToContents(column);
}

void MessageViewPrivate::fillChecks()
{
    Q_Q(MessageView);
    checksTree->clear();
    const QIcon warning = q->style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const Finding &f : shown->findings) {
        auto *item = new QTreeWidgetItem(checksTree);
        item->setIcon(0, warning);
        item->setText(0, findingTitle(f.kind));
        item->setData(0, Qt::UserRole, f.kind);
        item->setText(1, f.detail);
    }
    checksTree->resizeColumnToContents(0);
    const int count = int(shown->findings.size());
    checksTree->setVisible(count > 0);
    noProblemsLabel->setVisible(count == 0);
    tabs->setTabText(int(MessageView::Tab::Checks),
        count > 0 ? MessageView::tr("Checks (%1)").arg(count) : MessageView::tr("Checks"));
    tabs->setTabIcon(int(MessageView::Tab::Checks), count > 0 ? warning : QIcon());
}

void MessageViewPrivate::fillSmtp()
{
    const SmtpStoredMessage &s = shown->stored;
    const SmtpMessage &m = s.message;
    const QLocale locale;
    smtpId->setText(QString::number(shown->id));
    const QDateTime received = s.summary.receivedAt;
    smtpReceived->setText(QLocale().toString(received.toLocalTime(), QLocale::LongFormat));
    smtpReceived->setToolTip(received.toUTC().toString(Qt::ISODateWithMs));
    QString remote = m.remoteAddress();
    if (remote.contains(QLatin1Char(':')))
        remote = QLatin1Char('[') + remote + QLatin1Char(']'); // IPv6
    smtpRemote->setText(
        m.remotePort() > 0 ? remote + QLatin1Char(':') + QString::number(m.remotePort()) : remote);
    smtpHelo->setText(m.helo());
    smtpMailFrom->setText(
        m.mailFrom().isEmpty() ? MessageView::tr("<> (null sender)") : m.mailFrom());
    smtpRcptTo->setText(m.rcptTos().join(QLatin1Char('\n')));
    const QString protocol = s.tlsProtocol.isEmpty() ? m.tlsProtocol() : s.tlsProtocol;
    const QString cipher = s.tlsCipher.isEmpty() ? m.tlsCipher() : s.tlsCipher;
    smtpTls->setText(protocol.isEmpty() ? MessageView::tr("No")
            : cipher.isEmpty()          ? protocol
                                        : MessageView::tr("%1, %2").arg(protocol, cipher));
    const QString user
        = s.authenticatedUser.isEmpty() ? m.authenticatedUser() : s.authenticatedUser;
    smtpAuth->setText(user.isEmpty() ? MessageView::tr("Not authenticated") : user);
    QStringList extensions;
    if (m.isSmtpUtf8())
        extensions << QStringLiteral("SMTPUTF8");
    if (m.is8BitMime())
        extensions << QStringLiteral("8BITMIME");
    smtpExtensions->setText(
        extensions.isEmpty() ? MessageView::tr("None") : extensions.join(QStringLiteral(", ")));
    smtpSize->setText(
        MessageView::tr("%1 (%Ln byte(s))", nullptr, int(qMin<qint64>(m.size(), INT_MAX)))
            .arg(locale.formattedDataSize(m.size())));
}

void MessageViewPrivate::fillSourceIfNeeded()
{
    if (sourceFilled || !shown)
        return;
    sourceEdit->setPlainText(shown->sourceText);
    sourceFilled = true;
}

void MessageViewPrivate::setTab(MessageView::Tab tab)
{
    switchingTab = true;
    tabs->setCurrentIndex(int(tab));
    switchingTab = false;
}

void MessageViewPrivate::applyPreviewWidth()
{
    int width = 0;
    switch (previewWidth) {
    case MessageView::PreviewWidth::Phone:
        width = phoneWidth;
        break;
    case MessageView::PreviewWidth::Tablet:
        width = tabletWidth;
        break;
    case MessageView::PreviewWidth::Desktop:
        break;
    }
    const QSizePolicy::Policy spacerPolicy
        = width > 0 ? QSizePolicy::Expanding : QSizePolicy::Fixed;
    leftSpacer->changeSize(0, 0, spacerPolicy, QSizePolicy::Minimum);
    rightSpacer->changeSize(0, 0, spacerPolicy, QSizePolicy::Minimum);
    webView->setMaximumWidth(width > 0 ? width : QWIDGETSIZE_MAX);
    viewHostLayout->invalidate();
    if (QAbstractButton *button = widthButtons->button(int(previewWidth)))
        button->setChecked(true);
}

const PartInfo *MessageViewPrivate::partForContentId(const QString &cid) const
{
    if (!shown || cid.isEmpty())
        return nullptr;
    for (const PartInfo &p : shown->parts)
        if (p.contentId == cid)
            return &p;
    for (const PartInfo &p : shown->parts)
        if (p.contentId.compare(cid, Qt::CaseInsensitive) == 0)
            return &p;
    return nullptr;
}

void MessageViewPrivate::serve(QWebEngineUrlRequestJob *job)
{
    Q_Q(MessageView);
    QString rest;
    const qint64 id = messageIdOf(job->requestUrl(), &rest);
    if (id == 0 || !shown || shown->id != id || job->requestMethod() != QByteArrayLiteral("GET")) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    if (rest == QLatin1String("html")) {
        replyWith(job, QByteArrayLiteral("text/html;charset=utf-8"), shown->html);
        return;
    }
    const QLatin1String cidPrefix("cid/");
    if (!rest.startsWith(cidPrefix)) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    const QString cid = QUrl::fromPercentEncoding(rest.mid(cidPrefix.size()).toUtf8());
    const PartInfo *part = partForContentId(cid);
    if (!part || !store) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    const QByteArray type = part->type.isEmpty() ? QByteArrayLiteral("application/octet-stream")
                                                 : part->type.toLatin1();
    const int index = part->index;
    const auto cached = partCache.constFind(index);
    if (cached != partCache.constEnd()) {
        replyWith(job, type, *cached);
        return;
    }
    // Decoding a part parses the message: on the pool, answered when done (the job may be gone).
    const SmtpMessageStore *s = store.data();
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
            replyWith(pending, type, result.bytes);
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

QFuture<bool> MessageViewPrivate::saveAttachment(
    int partIndex, const QString &path, bool interactive)
{
    Q_Q(MessageView);
    if (!store || !shown || !attachment(partIndex)) {
        reportError(MessageView::tr("There is no such attachment."), interactive);
        return QtFuture::makeReadyFuture(false);
    }
    const SmtpMessageStore *s = store.data();
    const qint64 id = shown->id;
    return QtConcurrent::run(&pool, [s, id, partIndex, path] {
        bool ok = false;
        const QByteArray bytes = s->partContent(id, partIndex, &ok);
        if (!ok)
            return MessageView::tr("Part %1 of message %2 could not be read.")
                .arg(partIndex)
                .arg(id);
        return writeFile(path, bytes);
    }).then(q, [this, interactive](const QString &error) {
        if (!error.isEmpty())
            reportError(error, interactive);
        return error.isEmpty();
    });
}

const AttachmentInfo *MessageViewPrivate::attachment(int partIndex) const
{
    if (!shown)
        return nullptr;
    for (const AttachmentInfo &a : shown->attachments)
        if (a.part == partIndex)
            return &a;
    return nullptr;
}

int MessageViewPrivate::selectedAttachmentPart() const
{
    const QList<QTreeWidgetItem *> selected = attachmentsTree->selectedItems();
    return selected.isEmpty() ? -1 : selected.first()->data(0, Qt::UserRole).toInt();
}

void MessageViewPrivate::openAttachment(int partIndex)
{
    Q_Q(MessageView);
    const AttachmentInfo *a = attachment(partIndex);
    if (!a)
        return;
    if (!openDir) {
        openDir = std::make_unique<QTemporaryDir>(
            QDir::tempPath() + QStringLiteral("/smtp-receiver-XXXXXX"));
        if (!openDir->isValid()) {
            reportError(MessageView::tr("Could not create a temporary folder: %1")
                            .arg(openDir->errorString()),
                true);
            openDir.reset();
            return;
        }
    }
    // One folder per message and part, so that equal names never overwrite each other.
    const QString folder = openDir->filePath(
        QString::number(shown->id) + QLatin1Char('-') + QString::number(partIndex));
    if (!QDir().mkpath(folder)) {
        reportError(
            MessageView::tr("Could not create %1").arg(QDir::toNativeSeparators(folder)), true);
        return;
    }
    const QString path = QDir(folder).filePath(
        safeFileName(a->name, QStringLiteral("attachment-%1").arg(partIndex)));
    saveAttachment(partIndex, path, true).then(q, [path](bool ok) {
        if (ok)
            QDesktopServices::openUrl(QUrl::fromLocalFile(path));
    });
}

void MessageViewPrivate::saveAttachmentInteractively(int partIndex)
{
    Q_Q(MessageView);
    const AttachmentInfo *a = attachment(partIndex);
    if (!a)
        return;
    const QString dir = lastSaveDir.isEmpty() ? QDir::homePath() : lastSaveDir;
    const QString path = QFileDialog::getSaveFileName(q, MessageView::tr("Save Attachment"),
        QDir(dir).filePath(safeFileName(a->name, QStringLiteral("attachment-%1").arg(partIndex))));
    if (path.isEmpty())
        return;
    lastSaveDir = QFileInfo(path).absolutePath();
    saveAttachment(partIndex, path, true);
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
    d->loadWatcher = new QFutureWatcher<LoadedMessage>(this);
    connect(d->loadWatcher, &QFutureWatcherBase::finished, this, [d] {
        if (d->loadWatcher->future().isValid() && d->loadWatcher->future().resultCount() > 0)
            d->onLoaded(d->loadWatcher->result());
    });
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
    QWebEngineUrlScheme scheme { QByteArray(schemeName) };
    scheme.setSyntax(QWebEngineUrlScheme::Syntax::Host);
    // Local: web pages cannot link to or embed messages. LocalAccessAllowed: a message page may
    // load its own parts (a local scheme's pages need it even for their own scheme); file: and
    // qrc: stay out because the interceptor lets nothing but this scheme, data: and about:
    // through (and LocalContentCanAccessFileUrls is off). Secure: no mixed-content rules for
    // remote content the user allowed (an http image is fetched as it is, not upgraded).
    scheme.setFlags(QWebEngineUrlScheme::LocalScheme | QWebEngineUrlScheme::LocalAccessAllowed
        | QWebEngineUrlScheme::SecureScheme);
    QWebEngineUrlScheme::registerScheme(scheme);
}

void MessageView::setStore(SmtpMessageStore *store)
{
    Q_D(MessageView);
    if (d->store == store)
        return;
    clear();
    d->pool.waitForDone(); // nothing may still read the old store
    if (d->store)
        disconnect(d->store, nullptr, this, nullptr);
    d->store = store;
    if (!store)
        return;
    connect(store, &SmtpMessageStore::messagesRemoved, this, [this, d](const QList<qint64> &ids) {
        if (d->currentId == 0)
            return;
        if (ids.contains(d->currentId)) {
            clear();
        } else if (ids.isEmpty()) { // "some or all": is ours still there?
            const SmtpMessageStore *s = d->store.data();
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
    const QString error = writeFile(path, d->shown->stored.message.data());
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
    const QString subject = d->shown->stored.summary.subject.left(80);
    const QString fallback = QStringLiteral("message-%1").arg(d->shown->id);
    const QString dir = d->lastSaveDir.isEmpty() ? QDir::homePath() : d->lastSaveDir;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Message"),
        QDir(dir).filePath(safeFileName(subject, fallback) + QStringLiteral(".eml")),
        tr("E-mail messages (*.eml);;All files (*)"));
    if (path.isEmpty())
        return;
    d->lastSaveDir = QFileInfo(path).absolutePath();
    const QString error = writeFile(path, d->shown->stored.message.data());
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
    mime->setData(QStringLiteral("message/rfc822"), d->shown->stored.message.data());
    QGuiApplication::clipboard()->setMimeData(mime);
}
