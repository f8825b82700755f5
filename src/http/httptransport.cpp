// HttpTransport: the connections and WebSocket clients on the transport's thread, their limit,
// and the hand-over of accepted sockets and of answers between threads.
#include "httptransport.h"

#include "httpupgradesocket.h"

#include <QMutexLocker>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace {
// A WebSocket client that has this much unsent is not reading: it is dropped rather than
// buffered for without bound.
constexpr qint64 webSocketBacklogLimit = 4 * 1024 * 1024;
// The largest frame, and message, a WebSocket client may send. The stream only sends; Qt would
// otherwise gather up to 2 GiB of a message nobody reads.
constexpr quint64 webSocketIncomingLimit = 4 * 1024;
} // namespace

HttpAnswerPost::HttpAnswerPost(QObject *target)
    : m_target(target)
{ }

void HttpAnswerPost::post(std::function<void()> what)
{
    QMutexLocker lock(&m_mutex);
    if (m_target)
        QMetaObject::invokeMethod(m_target, std::move(what), Qt::QueuedConnection);
}

void HttpAnswerPost::detach()
{
    QMutexLocker lock(&m_mutex);
    m_target = nullptr;
}

HttpTransport::HttpTransport(const HttpSharedSettings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_webSockets(new QWebSocketServer(
          QStringLiteral("smtp-receiver"), QWebSocketServer::NonSecureMode, this))
    , m_pingTimer(new QTimer(this))
{
    connect(m_webSockets, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *client = m_webSockets->nextPendingConnection()) {
            client->setParent(this);
            // What came before this is bounded by what the socket had read: a frame or a
            // message begun then is refused when its next bytes come.
            client->setMaxAllowedIncomingFrameSize(webSocketIncomingLimit);
            client->setMaxAllowedIncomingMessageSize(webSocketIncomingLimit);
            m_webSocketClients.append(client);
            webSocketsChanged();
            // Incoming messages are not listened to; a closed client is forgotten.
            connect(client, &QWebSocket::disconnected, this,
                [this, client] { forgetWebSocket(client); });
            connect(
                client, &QWebSocket::pong, this, [this, client] { m_awaitingPong.remove(client); });
        }
    });
    connect(m_pingTimer, &QTimer::timeout, this, &HttpTransport::pingWebSockets);
}

HttpTransport::~HttpTransport()
{
    closeAll();
}

void HttpTransport::setDispatch(HttpDispatch dispatch)
{
    m_dispatch = std::move(dispatch);
}

void HttpTransport::webSocketsChanged()
{
    m_webSocketCount = int(m_webSocketClients.size());
    if (m_webSocketClients.isEmpty())
        m_pingTimer->stop();
    else if (!m_pingTimer->isActive())
        m_pingTimer->start(qMax(1, m_settings->current()->webSocketPingMs));
    Q_EMIT webSocketClientsChanged(m_webSocketCount.load());
}

void HttpTransport::pingWebSockets()
{
    const QList<QWebSocket *> clients = m_webSocketClients;
    for (QWebSocket *client : clients) {
        // Not answered since the last ping, or closing and not gone since: dropped.
        if (m_awaitingPong.contains(client) || client->state() != QAbstractSocket::ConnectedState) {
            dropWebSocket(client);
            continue;
        }
        m_awaitingPong.insert(client);
        client->ping();
    }
}

void HttpTransport::addConnection(qintptr descriptor)
{
    auto *socket = new HttpUpgradeSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        return;
    }
    auto *connection = new HttpConnection(socket, m_dispatch, m_settings, this);
    connection->setBodyBudget(m_bodyBudget);
    connection->setWebSocketAdmission(
        [this] { return m_upgradedSockets < m_settings->current()->maxWebSocketClients; });
    connect(connection, &HttpConnection::finished, this, [this, connection] {
        if (m_connections.removeOne(connection))
            m_connectionCount = int(m_connections.size());
        connection->deleteLater();
    });
    connect(connection, &HttpConnection::webSocketRequested, this, [this](QTcpSocket *upgraded) {
        upgraded->setParent(m_webSockets);
        // Counted until it disconnects, client or not (the WebSocket server then deletes it).
        if (upgraded->state() == QAbstractSocket::ConnectedState) {
            ++m_upgradedSockets;
            connect(
                upgraded, &QAbstractSocket::disconnected, this, [this] { --m_upgradedSockets; });
        }
        // A client that sends pings and reads no pongs: what Qt answers piles up unsent.
        connect(
            upgraded, &QTcpSocket::readyRead, upgraded,
            [upgraded] {
                if (upgraded->bytesToWrite() > webSocketBacklogLimit)
                    upgraded->abort();
            },
            Qt::QueuedConnection);
        m_webSockets->handleConnection(upgraded);
    });
    if (connectionCount() >= m_settings->current()->maxConnections) {
        connection->refuse(); // 503; deleted when it has closed
        return;
    }
    m_connections.append(connection);
    m_connectionCount = int(m_connections.size());
}

void HttpTransport::sendFrame(const QByteArray &text)
{
    const QString message = QString::fromUtf8(text);
    const QList<QWebSocket *> clients = m_webSocketClients;
    for (QWebSocket *client : clients) {
        if (client->bytesToWrite() > webSocketBacklogLimit) {
            dropWebSocket(client);
            continue;
        }
        client->sendTextMessage(message);
    }
}

void HttpTransport::forgetWebSocket(QWebSocket *client)
{
    m_webSocketClients.removeOne(client);
    m_awaitingPong.remove(client);
    webSocketsChanged();
    client->deleteLater();
}

void HttpTransport::dropWebSocket(QWebSocket *client)
{
    forgetWebSocket(client);
    client->abort();
}

void HttpTransport::closeAll()
{
    const QList<HttpConnection *> connections = m_connections;
    m_connections.clear();
    m_connectionCount = 0;
    for (HttpConnection *connection : connections) {
        connection->disconnect(this);
        connection->abort();
        delete connection;
    }
    const QList<QWebSocket *> clients = m_webSocketClients;
    m_webSocketClients.clear();
    m_awaitingPong.clear();
    if (!clients.isEmpty())
        webSocketsChanged();
    for (QWebSocket *client : clients) {
        client->disconnect(this);
        client->abort();
        delete client;
    }
}

HttpListener::HttpListener(std::function<void(qintptr)> take, QObject *parent)
    : QTcpServer(parent)
    , m_take(std::move(take))
{ }

void HttpListener::incomingConnection(qintptr descriptor)
{
    m_take(descriptor);
}
