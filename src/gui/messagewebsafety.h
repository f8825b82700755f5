// The web safety layer of the message view: what the HTML tab's page may load, run and navigate
// to. The rules it enforces are written at the top of messagewebsafety.cpp; the message view
// only creates these objects and answers the two questions the scheme handler asks.
#pragma once

#include <QMutex>
#include <QSet>
#include <QWebEnginePage>
#include <QWebEngineUrlRequestInterceptor>
#include <QWebEngineUrlSchemeHandler>

#include <atomic>
#include <functional>
#include <optional>

class QWebEngineProfile;
class QWebEngineUrlRequestJob;

namespace MessageWebSafety {

// The scheme the message page and its parts are served from: smtp-receiver://message/<id>/...
extern const char schemeName[];

// Registers that scheme; must run before the QApplication exists (QWebEngineUrlScheme rule).
void registerScheme();

// smtp-receiver://message/<id>/<rest>
QUrl messageUrl(qint64 id, const QString &rest);

// The message id of an smtp-receiver://message/<id>/... URL (0 for any other URL); *rest gets
// what follows the id, still percent-encoded.
qint64 messageIdOf(const QUrl &url, QString *rest = nullptr);

// The page served for message id: "cid:" references point into the message's own parts, and the
// bytes are UTF-8 with a BOM whatever a <meta charset> copied from the original says.
QByteArray prepareHtml(const QString &html, qint64 id);

} // namespace MessageWebSafety

// Blocks every request that is not the message itself, its parts or inline data. Remote ones
// (http, https, ws, wss, ftp) pass only for messages the user allowed, and are counted when
// blocked. May be called on a Chromium thread: everything here is atomic or locked.
class RemoteContentGuard final : public QWebEngineUrlRequestInterceptor
{
public:
    // blockedChanged runs on whichever thread blocked a request of the current message.
    explicit RemoteContentGuard(std::function<void()> blockedChanged);

    void interceptRequest(QWebEngineUrlRequestInfo &info) override;

    // The message shown now; its blocked requests are counted from zero.
    void setCurrent(qint64 id);
    int blockedCount() const;
    void allow(qint64 id);
    bool isAllowed(qint64 id) const;

private:
    const std::function<void()> m_blockedChanged;
    mutable QMutex m_mutex;
    QSet<qint64> m_allowed;
    std::atomic<qint64> m_current { 0 };
    std::atomic<int> m_blocked { 0 };
};

// Answers smtp-receiver://message/<id>/html and .../cid/<content-id>, GET only, and only for the
// message the view shows; everything else fails as "not found".
class MessageSchemeHandler final : public QWebEngineUrlSchemeHandler
{
public:
    // pageFor(id): the prepared page of message id, or nothing when that message is not shown.
    using PageSource = std::function<std::optional<QByteArray>(qint64 id)>;
    // servePart(id, contentId, job): answers job with the part of the shown message id whose
    // Content-ID is contentId, or fails it.
    using PartSource
        = std::function<void(qint64 id, const QString &contentId, QWebEngineUrlRequestJob *job)>;

    MessageSchemeHandler(PageSource pageFor, PartSource servePart);
    void requestStarted(QWebEngineUrlRequestJob *job) override;

    // Replies to job with data of the given content type.
    static void replyWith(
        QWebEngineUrlRequestJob *job, const QByteArray &contentType, const QByteArray &data);

private:
    const PageSource m_pageFor;
    const PartSource m_servePart;
};

// The page of the HTML tab: safe settings, never navigates away, links open externally.
class MessagePage final : public QWebEnginePage
{
public:
    MessagePage(QWebEngineProfile *profile, QObject *parent);

protected:
    bool acceptNavigationRequest(const QUrl &url, NavigationType type, bool isMainFrame) override;
    QWebEnginePage *createWindow(WebWindowType) override;
};

namespace MessageWebSafety {

// The off-the-record profile the message page lives on, owned by parent: guard becomes its
// request interceptor and handler serves the message scheme (the profile takes both over).
// Downloads are refused.
QWebEngineProfile *createProfile(
    QObject *parent, RemoteContentGuard *guard, MessageSchemeHandler *handler);

} // namespace MessageWebSafety
