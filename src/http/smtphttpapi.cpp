// SmtpHttpApi: the listener, the router with every route, the transport's thread with the
// connections and the /api/events WebSocket clients fed by MailpitEvents.
#include "smtphttpapi.h"

#include "mailpitevents.h"
#include "mailpitreadcache.h"
#include "mailpitroutes.h"
#include "smtphttpapi_p.h"

#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <smtpserver.h>

#include <QThread>

void SmtpHttpApiPrivate::startTransport(SmtpHttpApi *q)
{
    if (transport)
        return;
    transport = new HttpTransport(&settings);
    answers = std::make_shared<HttpAnswerPost>(transport);
    // A request goes from the transport's thread to the routes here; the answer goes back.
    transport->setDispatch([q, router = &router, answers = answers](
                               HttpRequest &request, HttpResponse::Responder respond) {
        QMetaObject::invokeMethod(
            q,
            [router, answers, request, respond = std::move(respond)]() mutable {
                router->dispatch(request, [answers, respond](const HttpResponse &response) {
                    answers->post([respond, response] { respond(response); });
                });
            },
            Qt::QueuedConnection);
    });
    // Events are made only while a WebSocket client listens (see MailpitEvents::setEnabled).
    QObject::connect(transport, &HttpTransport::webSocketClientsChanged, events,
        [events = events](int clients) { events->setEnabled(clients > 0); });
    QObject::connect(events, &MailpitEvents::frame, transport, &HttpTransport::sendFrame);
    transportThread = new QThread(q);
    transportThread->setObjectName(QStringLiteral("smtp-http"));
    transport->moveToThread(transportThread);
    QObject::connect(transportThread, &QThread::finished, transport, &QObject::deleteLater);
    transportThread->start();
}

void SmtpHttpApiPrivate::onTransportThread(const std::function<void(HttpTransport *)> &what)
{
    if (!transport)
        return;
    QMetaObject::invokeMethod(
        transport, [this, &what] { what(transport); }, Qt::BlockingQueuedConnection);
}

SmtpHttpApi::SmtpHttpApi(SmtpMessageStore *store, SmtpServer *server, QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpHttpApiPrivate)
{
    Q_D(SmtpHttpApi);
    d->store = store;
    d->server = server;
    // Reads answer off this thread, which serves the SMTP sessions too; the store waits for
    // them before it closes.
    d->readers = new HttpWorkerPool(this);
    if (store) {
        connect(store, &SmtpMessageStore::aboutToClose, d->readers, &HttpWorkerPool::cancelAndWait,
            Qt::DirectConnection);
        connect(store, &QObject::destroyed, d->readers, &HttpWorkerPool::cancelAndWait,
            Qt::DirectConnection);
    }
    d->cache = new MailpitReadCache(store, this);
    // The send API builds its messages off this thread too, on a worker of its own (a slow
    // search never holds up a send). Each connection has one request in flight at most, so the
    // queue is bounded by the connections; the bodies waiting in it count against the
    // transport's body budget until answered.
    d->builders = new HttpWorkerPool(this);
    d->builders->setThreadCount(1);
    d->builders->setMaxQueued(HttpServerSettings().maxConnections);
    const MailpitContext context { store, server, QDateTime::currentDateTimeUtc(), d->readers,
        d->cache, d->builders };
    addMailpitListRoutes(d->router, context);
    addMailpitMessageRoutes(d->router, context);
    addMailpitSendRoute(d->router, context);
    addMailpitReleaseRoute(d->router, context, [d] { return d->relay.data(); });
    addMailpitChaosRoute(d->router, context);
    addMailpitEventsRoute(d->router);

    d->events = new MailpitEvents(store, this);
    d->events->setEnabled(false); // until a client listens
    d->listener = new HttpListener(
        [this](qintptr descriptor) {
            Q_D(SmtpHttpApi);
            // The limit as it is now (the server's may have changed since).
            const qint64 bodyLimit = maxBodySize();
            if (d->settings.current()->maxBodySize != bodyLimit)
                d->settings.change(
                    [bodyLimit](HttpServerSettings &s) { s.maxBodySize = bodyLimit; });
            HttpTransport *transport = d->transport;
            QMetaObject::invokeMethod(
                transport, [transport, descriptor] { transport->addConnection(descriptor); },
                Qt::QueuedConnection);
        },
        this);
}

SmtpHttpApi::~SmtpHttpApi()
{
    Q_D(SmtpHttpApi);
    close();
    if (d->transport) {
        d->answers->detach(); // answers still on their way are dropped
        d->transportThread->quit(); // which deletes the transport there
        d->transportThread->wait();
    }
}

QHash<QString, QString> SmtpHttpApi::credentials() const
{
    return d_func()->settings.current()->credentials;
}
void SmtpHttpApi::setCredentials(const QHash<QString, QString> &c)
{
    d_func()->settings.change([&c](HttpServerSettings &s) { s.credentials = c; });
}
QStringList SmtpHttpApi::allowedHosts() const
{
    return d_func()->settings.current()->allowedHosts;
}
void SmtpHttpApi::setAllowedHosts(const QStringList &names)
{
    d_func()->settings.change([&names](HttpServerSettings &s) { s.allowedHosts = names; });
}
QString SmtpHttpApi::corsOrigin() const
{
    return d_func()->settings.current()->corsOrigin;
}
void SmtpHttpApi::setCorsOrigin(const QString &origin)
{
    d_func()->settings.change([&origin](HttpServerSettings &s) { s.corsOrigin = origin; });
}

qint64 SmtpHttpApi::maxBodySize() const
{
    Q_D(const SmtpHttpApi);
    if (d->maxBodySize > 0)
        return d->maxBodySize;
    return d->server ? d->server->maxMessageSize() : qint64(25) * 1024 * 1024;
}

void SmtpHttpApi::setMaxBodySize(qint64 bytes)
{
    Q_D(SmtpHttpApi);
    d->maxBodySize = bytes;
    const qint64 limit = maxBodySize();
    d->settings.change([limit](HttpServerSettings &s) { s.maxBodySize = limit; });
}

int SmtpHttpApi::maxConnections() const
{
    return d_func()->settings.current()->maxConnections;
}
void SmtpHttpApi::setMaxConnections(int connections)
{
    const int limit = qMax(1, connections);
    d_func()->settings.change([limit](HttpServerSettings &s) { s.maxConnections = limit; });
}

SmtpRelay *SmtpHttpApi::relay() const
{
    return d_func()->relay.data();
}

void SmtpHttpApi::setRelay(SmtpRelay *relay)
{
    d_func()->relay = relay;
}

bool SmtpHttpApi::listen(const QHostAddress &address, quint16 port)
{
    Q_D(SmtpHttpApi);
    close();
    d->startTransport(this);
    if (!d->listener->listen(address, port)) {
        d->errorString = d->listener->errorString();
        Q_EMIT errorOccurred(d->errorString);
        return false;
    }
    d->errorString.clear();
    Q_EMIT listeningChanged();
    return true;
}

void SmtpHttpApi::close()
{
    Q_D(SmtpHttpApi);
    const bool wasListening = d->listener->isListening();
    d->listener->close();
    // No worker reads for a connection that is going (their answers would go nowhere).
    d->readers->cancelAndWait();
    d->builders->cancelAndWait();
    // After the sockets accepted so far have reached the transport (queued before this).
    d->onTransportThread([](HttpTransport *transport) { transport->closeAll(); });
    d->events->setEnabled(false);
    if (wasListening)
        Q_EMIT listeningChanged();
}

bool SmtpHttpApi::isListening() const
{
    return d_func()->listener->isListening();
}
QHostAddress SmtpHttpApi::serverAddress() const
{
    return d_func()->listener->serverAddress();
}
quint16 SmtpHttpApi::serverPort() const
{
    return d_func()->listener->serverPort();
}

QString SmtpHttpApi::addressString() const
{
    if (!isListening())
        return {};
    // Written as the SMTP listeners are ("[::1]:8025" for IPv6).
    return SmtpListenerConfig(serverAddress().toString(), serverPort()).toString();
}

QString SmtpHttpApi::errorString() const
{
    return d_func()->errorString;
}

int SmtpHttpApi::connectionCount() const
{
    Q_D(const SmtpHttpApi);
    return d->transport ? d->transport->connectionCount() : 0;
}

HttpRouter &SmtpHttpApiTest::router(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->router;
}
MailpitEvents *SmtpHttpApiTest::events(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->events;
}
void SmtpHttpApiTest::setTimeouts(SmtpHttpApi *api, int idleMs, int headMs)
{
    SmtpHttpApiPrivate::get(api)->settings.change([idleMs, headMs](HttpServerSettings &s) {
        s.idleTimeoutMs = idleMs;
        s.headTimeoutMs = headMs;
    });
}
void SmtpHttpApiTest::setBodyLimits(SmtpHttpApi *api, int graceMs, qint64 minRate, qint64 budget)
{
    SmtpHttpApiPrivate::get(api)->settings.change([=](HttpServerSettings &s) {
        s.bodyGraceMs = graceMs;
        s.minBodyRate = minRate;
        s.bodyBudget = budget;
    });
}
qint64 SmtpHttpApiTest::bodyBytesHeld(SmtpHttpApi *api)
{
    qint64 held = 0;
    SmtpHttpApiPrivate::get(api)->onTransportThread(
        [&held](HttpTransport *transport) { held = transport->bodyBytesHeld(); });
    return held;
}
void SmtpHttpApiTest::setWebSocketLimits(SmtpHttpApi *api, int maxClients, int pingMs)
{
    SmtpHttpApiPrivate::get(api)->settings.change([=](HttpServerSettings &s) {
        s.maxWebSocketClients = maxClients;
        s.webSocketPingMs = pingMs;
    });
}
HttpWorkerPool *SmtpHttpApiTest::readers(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->readers;
}
HttpWorkerPool *SmtpHttpApiTest::builders(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->builders;
}
MailpitReadCache *SmtpHttpApiTest::cache(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->cache;
}
int SmtpHttpApiTest::webSocketClientCount(SmtpHttpApi *api)
{
    const HttpTransport *transport = SmtpHttpApiPrivate::get(api)->transport;
    return transport ? transport->webSocketClientCount() : 0;
}
QThread *SmtpHttpApiTest::transportThread(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->transportThread;
}
