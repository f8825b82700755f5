// SmtpHttpApi: the listener, the connections with their limit, the router with every route, and
// the /api/events WebSocket clients fed by MailpitEvents.
#include "smtphttpapi.h"

#include "mailpitevents.h"
#include "mailpitreadcache.h"
#include "mailpitroutes.h"
#include "smtphttpapi_p.h"

#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <smtpserver.h>

#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace {
// A WebSocket client that has this much unsent is not reading: it is dropped rather than
// buffered for without bound.
constexpr qint64 webSocketBacklogLimit = 4 * 1024 * 1024;
} // namespace

void SmtpHttpApiPrivate::webSocketClientsChanged()
{
    if (events)
        events->setEnabled(!webSocketClients.isEmpty());
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
    const MailpitContext context { store, server, QDateTime::currentDateTimeUtc(), d->readers,
        d->cache };
    addMailpitListRoutes(d->router, context);
    addMailpitMessageRoutes(d->router, context);
    addMailpitSendRoute(d->router, context);
    addMailpitReleaseRoute(d->router, context, [d] { return d->relay.data(); });
    addMailpitChaosRoute(d->router, context);

    d->webSockets = new QWebSocketServer(
        QStringLiteral("smtp-receiver"), QWebSocketServer::NonSecureMode, this);
    connect(d->webSockets, &QWebSocketServer::newConnection, this, [this] {
        Q_D(SmtpHttpApi);
        while (QWebSocket *client = d->webSockets->nextPendingConnection()) {
            client->setParent(this);
            d->webSocketClients.append(client);
            d->webSocketClientsChanged();
            // Incoming messages are not listened to; a closed client is forgotten.
            connect(client, &QWebSocket::disconnected, this, [this, client] {
                d_func()->webSocketClients.removeOne(client);
                d_func()->webSocketClientsChanged();
                client->deleteLater();
            });
        }
    });
    d->events = new MailpitEvents(store, this);
    d->events->setEnabled(false); // until a client listens
    connect(d->events, &MailpitEvents::frame, this, [this](const QByteArray &text) {
        Q_D(SmtpHttpApi);
        const QString message = QString::fromUtf8(text);
        const QList<QWebSocket *> clients = d->webSocketClients;
        for (QWebSocket *client : clients) {
            if (client->bytesToWrite() > webSocketBacklogLimit) {
                d->webSocketClients.removeOne(client);
                d->webSocketClientsChanged();
                client->abort();
                client->deleteLater();
                continue;
            }
            client->sendTextMessage(message);
        }
    });
    connect(&d->listener, &QTcpServer::newConnection, this, [this] {
        Q_D(SmtpHttpApi);
        while (QTcpSocket *socket = d->listener.nextPendingConnection()) {
            d->settings.maxBodySize = maxBodySize();
            auto *connection = new HttpConnection(socket, &d->router, &d->settings, this);
            connect(connection, &HttpConnection::finished, this, [this, connection] {
                d_func()->connections.removeOne(connection);
                connection->deleteLater();
            });
            connect(connection, &HttpConnection::webSocketRequested, this,
                [this](QTcpSocket *upgraded) {
                    Q_D(SmtpHttpApi);
                    upgraded->setParent(d->webSockets);
                    d->webSockets->handleConnection(upgraded);
                });
            if (connectionCount() >= d->maxConnections) {
                connection->refuse(); // 503; deleted when it has closed
                continue;
            }
            d->connections.append(connection);
        }
    });
}

SmtpHttpApi::~SmtpHttpApi()
{
    close();
}

QHash<QString, QString> SmtpHttpApi::credentials() const
{
    return d_func()->settings.credentials;
}
void SmtpHttpApi::setCredentials(const QHash<QString, QString> &c)
{
    d_func()->settings.credentials = c;
}
QStringList SmtpHttpApi::allowedHosts() const
{
    return d_func()->settings.allowedHosts;
}
void SmtpHttpApi::setAllowedHosts(const QStringList &names)
{
    d_func()->settings.allowedHosts = names;
}
QString SmtpHttpApi::corsOrigin() const
{
    return d_func()->settings.corsOrigin;
}
void SmtpHttpApi::setCorsOrigin(const QString &origin)
{
    d_func()->settings.corsOrigin = origin;
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
    d->settings.maxBodySize = maxBodySize();
}

int SmtpHttpApi::maxConnections() const
{
    return d_func()->maxConnections;
}
void SmtpHttpApi::setMaxConnections(int connections)
{
    d_func()->maxConnections = qMax(1, connections);
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
    d->listener.setMaxPendingConnections(256);
    if (!d->listener.listen(address, port)) {
        d->errorString = d->listener.errorString();
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
    const bool wasListening = d->listener.isListening();
    d->listener.close();
    // No worker reads for a connection that is going (their answers would go nowhere).
    d->readers->cancelAndWait();
    const QList<HttpConnection *> connections = d->connections;
    d->connections.clear();
    for (HttpConnection *connection : connections) {
        connection->disconnect(this);
        connection->abort();
        delete connection;
    }
    const QList<QWebSocket *> clients = d->webSocketClients;
    d->webSocketClients.clear();
    d->webSocketClientsChanged();
    for (QWebSocket *client : clients) {
        client->disconnect(this);
        client->abort();
        delete client;
    }
    if (wasListening)
        Q_EMIT listeningChanged();
}

bool SmtpHttpApi::isListening() const
{
    return d_func()->listener.isListening();
}
QHostAddress SmtpHttpApi::serverAddress() const
{
    return d_func()->listener.serverAddress();
}
quint16 SmtpHttpApi::serverPort() const
{
    return d_func()->listener.serverPort();
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
    return int(d->connections.size() + d->webSocketClients.size());
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
    SmtpHttpApiPrivate::get(api)->settings.idleTimeoutMs = idleMs;
    SmtpHttpApiPrivate::get(api)->settings.headTimeoutMs = headMs;
}
HttpWorkerPool *SmtpHttpApiTest::readers(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->readers;
}
MailpitReadCache *SmtpHttpApiTest::cache(SmtpHttpApi *api)
{
    return SmtpHttpApiPrivate::get(api)->cache;
}
int SmtpHttpApiTest::webSocketClientCount(SmtpHttpApi *api)
{
    return int(SmtpHttpApiPrivate::get(api)->webSocketClients.size());
}
