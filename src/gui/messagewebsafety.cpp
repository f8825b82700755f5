// The web safety layer of the message view, in one place for a security review. A received
// message is hostile input; its HTML is shown under these rules:
//
// - JavaScript is off (and with it window opening and clipboard access); so are plugins, the
//   PDF viewer, WebGL, local storage, screen capture, full screen, DNS prefetch and hyperlink
//   auditing (applySafeSettings()).
// - The page lives on an off-the-record profile owned by the view: no storage name, so no disk
//   cache, no persistent cookies, nothing written; downloads are refused (createProfile()).
// - Remote requests (http, https, ws, wss, ftp) are blocked by an interceptor and counted, unless
//   the user allowed remote content for that one message (RemoteContentGuard). Every other scheme
//   except the message scheme, data:, about: and blob: is blocked too; file: never loads.
// - The HTML is served by a URL scheme handler (smtp-receiver://message/<id>/html), so there is
//   no 2 MB setHtml() limit, and only for the message being shown, by GET
//   (MessageSchemeHandler). The scheme is local: web pages cannot link to or embed messages.
// - "cid:" references are rewritten to smtp-receiver://message/<id>/cid/<content-id> and answered
//   from the message's own parts (prepareHtml()).
// - Links never navigate the page: a click hands http, https, mailto and ftp URLs to the system
//   browser and nothing else; target="_blank" windows only pass their URL on (MessagePage,
//   LinkCatcherPage). The main frame goes nowhere on its own: no meta refresh, no form
//   submission, no typed URL but about:.
#include "messagewebsafety.h"

#include <QBuffer>
#include <QDesktopServices>
#include <QRegularExpression>
#include <QTimer>
#include <QWebEngineDownloadRequest>
#include <QWebEngineProfile>
#include <QWebEngineSettings>
#include <QWebEngineUrlRequestInfo>
#include <QWebEngineUrlRequestJob>
#include <QWebEngineUrlScheme>

namespace {

constexpr char messageHost[] = "message";

QString ownScheme()
{
    return QLatin1String(MessageWebSafety::schemeName);
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

} // namespace

// ---- URLs and the page's bytes ----------------------------------------------------------------

const char MessageWebSafety::schemeName[] = "smtp-receiver";

void MessageWebSafety::registerScheme()
{
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

QUrl MessageWebSafety::messageUrl(qint64 id, const QString &rest)
{
    QUrl url;
    url.setScheme(ownScheme());
    url.setHost(QLatin1String(messageHost));
    url.setPath(QLatin1Char('/') + QString::number(id) + QLatin1Char('/') + rest);
    return url;
}

qint64 MessageWebSafety::messageIdOf(const QUrl &url, QString *rest)
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

QByteArray MessageWebSafety::prepareHtml(const QString &html, qint64 id)
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

// ---- the profile ------------------------------------------------------------------------------

QWebEngineProfile *MessageWebSafety::createProfile(
    QObject *parent, RemoteContentGuard *guard, MessageSchemeHandler *handler)
{
    auto *profile = new QWebEngineProfile(parent); // no storage name: off the record
    profile->setHttpCacheType(QWebEngineProfile::MemoryHttpCache);
    profile->setPersistentCookiesPolicy(QWebEngineProfile::NoPersistentCookies);
    profile->setSpellCheckEnabled(false);
    applySafeSettings(profile->settings());
    guard->setParent(profile);
    profile->setUrlRequestInterceptor(guard);
    handler->setParent(profile);
    profile->installUrlSchemeHandler(QByteArray(schemeName), handler);
    QObject::connect(profile, &QWebEngineProfile::downloadRequested, profile,
        [](QWebEngineDownloadRequest *download) { download->cancel(); });
    return profile;
}

// ---- RemoteContentGuard -----------------------------------------------------------------------

RemoteContentGuard::RemoteContentGuard(std::function<void()> blockedChanged)
    : m_blockedChanged(std::move(blockedChanged))
{ }

void RemoteContentGuard::interceptRequest(QWebEngineUrlRequestInfo &info)
{
    const QString scheme = info.requestUrl().scheme().toLower();
    if (scheme == ownScheme() || scheme == QLatin1String("data") || scheme == QLatin1String("about")
        || scheme == QLatin1String("blob"))
        return;
    const bool remote = isRemoteScheme(scheme);
    const qint64 page = MessageWebSafety::messageIdOf(info.firstPartyUrl());
    if (remote && page != 0 && isAllowed(page))
        return;
    info.block(true);
    if (remote && page != 0 && page == m_current.load()) {
        m_blocked.fetch_add(1);
        m_blockedChanged();
    }
}

void RemoteContentGuard::setCurrent(qint64 id)
{
    m_current.store(id);
    m_blocked.store(0);
}

int RemoteContentGuard::blockedCount() const
{
    return m_blocked.load();
}

void RemoteContentGuard::allow(qint64 id)
{
    QMutexLocker lock(&m_mutex);
    m_allowed.insert(id);
}

bool RemoteContentGuard::isAllowed(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    return m_allowed.contains(id);
}

// ---- MessageSchemeHandler ---------------------------------------------------------------------

MessageSchemeHandler::MessageSchemeHandler(PageSource pageFor, PartSource servePart)
    : m_pageFor(std::move(pageFor))
    , m_servePart(std::move(servePart))
{ }

void MessageSchemeHandler::requestStarted(QWebEngineUrlRequestJob *job)
{
    QString rest;
    const qint64 id = MessageWebSafety::messageIdOf(job->requestUrl(), &rest);
    const std::optional<QByteArray> page
        = id == 0 || job->requestMethod() != QByteArrayLiteral("GET") ? std::nullopt
                                                                      : m_pageFor(id);
    if (!page) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    if (rest == QLatin1String("html")) {
        replyWith(job, QByteArrayLiteral("text/html;charset=utf-8"), *page);
        return;
    }
    const QLatin1String cidPrefix("cid/");
    if (!rest.startsWith(cidPrefix)) {
        job->fail(QWebEngineUrlRequestJob::UrlNotFound);
        return;
    }
    m_servePart(id, QUrl::fromPercentEncoding(rest.mid(cidPrefix.size()).toUtf8()), job);
}

void MessageSchemeHandler::replyWith(
    QWebEngineUrlRequestJob *job, const QByteArray &contentType, const QByteArray &data)
{
    auto *buffer = new QBuffer(job);
    buffer->setData(data);
    buffer->open(QIODevice::ReadOnly);
    job->reply(contentType, buffer);
}

// ---- MessagePage ------------------------------------------------------------------------------

MessagePage::MessagePage(QWebEngineProfile *profile, QObject *parent)
    : QWebEnginePage(profile, parent)
{
    applySafeSettings(settings());
}

bool MessagePage::acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame)
{
    const QString scheme = url.scheme().toLower();
    if (scheme == ownScheme()) {
        if (type == NavigationTypeLinkClicked) // an anchor on the page itself, nothing else
            return url.adjusted(QUrl::RemoveFragment) == this->url().adjusted(QUrl::RemoveFragment);
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

QWebEnginePage *MessagePage::createWindow(WebWindowType)
{
    return new LinkCatcherPage(profile(), this);
}
