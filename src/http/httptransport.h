// The API's sockets on a thread of their own: the HTTP connections (reading, parsing, the checks,
// writing the answers, the timers) and the /api/events WebSocket clients. Why: the thread that
// owns the API also serves the SMTP sessions and the store's completions, and every socket it
// watches makes each turn of its event loop dearer (poll() walks them all, and each read
// re-registers a notifier). Two hundred clients polling the API cost the SMTP side a third of
// its rate that way; here they cost it one queued call per request.
//
// The routes still run where the API lives (HttpTransport::setDispatch says how they are
// reached), so everything they touch stays on one thread; only the answers come back here.
#pragma once

#include "httpconnection.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTcpServer>

#include <atomic>
#include <functional>
#include <memory>

class QTimer;
class QWebSocket;
class QWebSocketServer;

// Takes answers to the transport's thread: safe to call from any thread, and after the
// transport has gone (the answer is then dropped).
class SMTPRECEIVERHTTP_TEST_EXPORT HttpAnswerPost
{
public:
    explicit HttpAnswerPost(QObject *target);
    // Runs what on the target's thread, unless the target has gone by then.
    void post(std::function<void()> what);
    void detach(); // the target is going: nothing is posted to it any more

private:
    QMutex m_mutex;
    QObject *m_target;
};

// The WebSocket clients have nothing to say: a frame or message of more than a few KiB closes
// one. At most maxWebSocketClients are served at once (one more is refused with 503 before its
// upgrade), so that they cannot take every connection from the REST API; each is pinged every
// webSocketPingMs and dropped when it has not answered by the next ping.
class SMTPRECEIVERHTTP_TEST_EXPORT HttpTransport : public QObject
{
    Q_OBJECT
public:
    // settings (not owned) outlive the transport.
    explicit HttpTransport(const HttpSharedSettings *settings, QObject *parent = nullptr);
    ~HttpTransport() override;

    // Where each request that passed the checks goes, called on this thread; set before the
    // first connection. The answer is handed to the responder on this thread.
    void setDispatch(HttpDispatch dispatch);

    // Serves a socket accepted on another thread (see HttpListener); over the connection limit
    // it gets 503 and is closed. Call on this object's thread.
    void addConnection(qintptr descriptor);
    // Sends a text frame to every WebSocket client; a client that does not read is dropped.
    void sendFrame(const QByteArray &text);
    // Closes every connection and WebSocket client now.
    void closeAll();

    // From any thread.
    int connectionCount() const { return m_connectionCount.load() + m_webSocketCount.load(); }
    int webSocketClientCount() const { return m_webSocketCount.load(); }
    // The bytes of large request bodies held now (HttpBodyBudget); on this object's thread.
    qint64 bodyBytesHeld() const { return m_bodyBudget->used(); }

Q_SIGNALS:
    // The number of WebSocket clients changed (emitted on this thread).
    void webSocketClientsChanged(int clients);

private:
    void webSocketsChanged();
    // A WebSocket client leaves the list (closed, or dropped): deleted later.
    void forgetWebSocket(QWebSocket *client);
    void dropWebSocket(QWebSocket *client);
    void pingWebSockets();

    const HttpSharedSettings *m_settings;
    HttpDispatch m_dispatch;
    QList<HttpConnection *> m_connections;
    QWebSocketServer *m_webSockets;
    QList<QWebSocket *> m_webSocketClients;
    QSet<QWebSocket *> m_awaitingPong; // pinged, not answered yet
    QTimer *m_pingTimer;
    // Sockets handed to the WebSocket server that are still connected (clients, and upgrades
    // whose handshake is under way): what the WebSocket limit counts.
    int m_upgradedSockets = 0;
    // The large request bodies of all connections (HttpServerSettings::bodyBudget).
    std::shared_ptr<HttpBodyBudget> m_bodyBudget = std::make_shared<HttpBodyBudget>();
    std::atomic<int> m_connectionCount { 0 };
    std::atomic<int> m_webSocketCount { 0 };
};

// The listening socket: accepts on its own thread, which costs that thread one accept() per
// client, and hands each descriptor to take (which passes it to the transport's thread).
class SMTPRECEIVERHTTP_TEST_EXPORT HttpListener : public QTcpServer
{
public:
    explicit HttpListener(std::function<void(qintptr)> take, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::function<void(qintptr)> m_take;
};
