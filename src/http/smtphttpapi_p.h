// What SmtpHttpApi keeps, and the internal accessors that the integration tests use to add a
// route of their own, shorten the timers, or emit an event frame.
#pragma once

#include "smtphttpapi.h"

#include "httpconnection.h"
#include "httprouter.h"
#include "httptransport.h"
#include "httpworkerpool.h"

#include <QPointer>

#include <memory>

class MailpitEvents;
class MailpitReadCache;
class QThread;

class SmtpHttpApiPrivate
{
public:
    SmtpMessageStore *store = nullptr;
    SmtpServer *server = nullptr;
    HttpSharedSettings settings;
    qint64 maxBodySize = 0; // 0: the default (see SmtpHttpApi::maxBodySize())
    QString errorString;
    // The routes, run on the API's thread (the transport's thread hands each request here).
    HttpRouter router;
    // Accepts here; each socket is served on the transport's thread.
    HttpListener *listener = nullptr;
    // The connections and WebSocket clients, on transportThread (both made at the first
    // listen()). answers takes the routes' answers back to it.
    QThread *transportThread = nullptr;
    HttpTransport *transport = nullptr;
    std::shared_ptr<HttpAnswerPost> answers;
    MailpitEvents *events = nullptr;
    QPointer<SmtpRelay> relay; // for the release route; none: releases are refused
    // The read routes' workers (a child of the API; waited for before the store closes).
    HttpWorkerPool *readers = nullptr;
    MailpitReadCache *cache = nullptr; // the list and search answers (a child of the API)
    // The send API's worker, which builds the messages (a child of the API).
    HttpWorkerPool *builders = nullptr;

    // Makes the transport and starts its thread, once.
    void startTransport(SmtpHttpApi *q);
    // Runs what on the transport's thread and waits for it.
    void onTransportThread(const std::function<void(HttpTransport *)> &what);

    static SmtpHttpApiPrivate *get(SmtpHttpApi *api) { return api->d_func(); }
};

namespace SmtpHttpApiTest {
SMTPRECEIVERHTTP_TEST_EXPORT HttpRouter &router(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT MailpitEvents *events(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT void setTimeouts(SmtpHttpApi *api, int idleMs, int headMs);
// A body's grace period and minimum rate (bytes a second, 0: none), and the body budget (0: the
// default). See HttpServerSettings.
SMTPRECEIVERHTTP_TEST_EXPORT void setBodyLimits(
    SmtpHttpApi *api, int graceMs, qint64 minRate, qint64 budget);
// The bytes of large bodies the connections hold now (HttpBodyBudget).
SMTPRECEIVERHTTP_TEST_EXPORT qint64 bodyBytesHeld(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT void setWebSocketLimits(SmtpHttpApi *api, int maxClients, int pingMs);
SMTPRECEIVERHTTP_TEST_EXPORT int webSocketClientCount(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT HttpWorkerPool *readers(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT HttpWorkerPool *builders(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT MailpitReadCache *cache(SmtpHttpApi *api);
// The thread the connections live on; none before the first listen().
SMTPRECEIVERHTTP_TEST_EXPORT QThread *transportThread(SmtpHttpApi *api);
} // namespace SmtpHttpApiTest
