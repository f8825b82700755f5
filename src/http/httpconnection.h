// One HTTP client: the only code of the API that touches a socket. Moves bytes between the
// QTcpSocket and the pure HttpRequestParser; runs the checks every request passes before the
// router (Host, the Origin of what may change state, CORS preflight, Basic auth, and the Origin
// of a WebSocket upgrade); writes the answers in order with the fields every answer carries; owns
// the idle and head timers, the back-pressure and the closing handshake.
#pragma once

#include "httpmessage.h"
#include "httprequestparser.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class HttpUpgradeSocket;
class QTcpSocket;

// What the connections of one API share; owned by the API, read at every request.
struct SMTPRECEIVERHTTP_TEST_EXPORT HttpServerSettings
{
    QHash<QString, QString> credentials; // user -> password; empty: no auth
    QStringList allowedHosts; // Host names besides localhost and addresses; allowed origins too
    QString corsOrigin; // empty: no CORS fields
    qint64 maxBodySize = qint64(25) * 1024 * 1024;
    int idleTimeoutMs = 60 * 1000; // no request for this long: closed
    int headTimeoutMs = 30 * 1000; // a request head that has begun must be complete by then
    int maxConnections = 1000; // open connections and WebSocket clients; over it: 503
    // A request body must come at minBodyRate bytes a second on average, counted from the end of
    // its head, once bodyGraceMs have passed; slower: 408 and closed. 0: no minimum.
    int bodyGraceMs = 10 * 1000;
    qint64 minBodyRate = 8 * 1024;
    // The bytes of the bodies over HttpBodyBudget::smallBody that all connections hold at once
    // (0: 4 × maxBodySize); one that would pass it: 503.
    qint64 bodyBudget = 0;
    int maxWebSocketClients = 100; // at once, within maxConnections; over it: 503
    // Each WebSocket client is pinged this often; one that has not answered by the next ping is
    // dropped.
    int webSocketPingMs = 30 * 1000;
};

// The request bodies that the connections hold at once, from the end of a request's head until
// its answer is written, in bytes. Bodies of smallBody bytes or less are not counted: a
// connection reads at most that much ahead, so they are bounded by the connection limit. Used on
// the transport's thread only.
class SMTPRECEIVERHTTP_TEST_EXPORT HttpBodyBudget
{
public:
    static constexpr qint64 smallBody = 64 * 1024;

    // Takes bytes from the budget unless that would bring what is taken past limit.
    bool reserve(qint64 bytes, qint64 limit);
    void release(qint64 bytes);
    qint64 used() const { return m_used; }

private:
    qint64 m_used = 0;
};

// The settings as the API's thread changes them and the transport's thread reads them: each
// reader takes the current version whole (a request never sees half of a change).
class SMTPRECEIVERHTTP_TEST_EXPORT HttpSharedSettings
{
public:
    std::shared_ptr<const HttpServerSettings> current() const;
    void change(const std::function<void(HttpServerSettings &settings)> &edit);

private:
    mutable QMutex m_mutex;
    std::shared_ptr<const HttpServerSettings> m_current = std::make_shared<HttpServerSettings>();
};

// Where a request that passed the checks goes: respond takes its answer, at most once, and must
// be called on the connection's thread (the transport's), whichever thread answered.
using HttpDispatch = std::function<void(HttpRequest &request, HttpResponse::Responder respond)>;

namespace HttpChecks {
// Whether a Host field value names this server (the DNS rebinding check), with any port, in any
// case: localhost, 127.0.0.1, [::1] or an allowed name; on a connection that arrived on an
// address other than loopback also any other address literal (a dotted quad or a bracketed IPv6
// address), which no rebound name can put in a browser's Host field.
SMTPRECEIVERHTTP_TEST_EXPORT bool isAllowedHost(
    const QByteArray &host, const QStringList &allowedHosts, bool loopbackListener);
// The authority a request names its server by: that of a target in absolute form, whose Host
// field is then ignored (RFC 9112 3.2.2, RFC 7230 5.4), else the Host field; empty when there is
// neither (an HTTP/1.0 request need not send Host).
SMTPRECEIVERHTTP_TEST_EXPORT QByteArray requestAuthority(const HttpRequest &request);
// Whether a page of this origin (an Origin field's value) may use the API: the API's own origin
// ("http://" and the authority the request names, see requestAuthority(), compared without case
// and with port 80 when none is written), the CORS origin (one named; "*" names none), or
// http(s)://NAME[:port] of an allowed host name. Never "null", nor anything but http(s). The
// WebSocket (to which browsers apply no CORS) takes these origins and no others.
SMTPRECEIVERHTTP_TEST_EXPORT bool isAllowedOrigin(const QByteArray &origin,
    const QByteArray &authority, const QStringList &allowedHosts, const QString &corsOrigin);
// Whether a request may go on as far as the browser fields tell where it comes from. A method
// other than GET, HEAD and OPTIONS (which may change state, and which a page can send without a
// preflight) is refused when an Origin field is not allowed (isAllowedOrigin), or when
// Sec-Fetch-Site says "cross-site" or "same-site" and no Origin is given. Clients that send
// neither field (curl, the Mailpit client libraries) always pass. With the CORS origin "*", a
// page of any origin passes too, but only with a request a browser sends after a preflight (a
// method but POST, or a POST whose Content-Type a form cannot send): a preflight answered "*"
// lets no request with the browser's credentials through, so the page must know them itself.
// A form, or a no-cors fetch, would carry the Basic credentials the browser has cached.
SMTPRECEIVERHTTP_TEST_EXPORT bool isAllowedRequestOrigin(
    const HttpRequest &request, const QStringList &allowedHosts, const QString &corsOrigin);
// Whether an Authorization field carries one of the credentials (Basic). Every credential is
// compared, in time that does not depend on where the first difference is.
SMTPRECEIVERHTTP_TEST_EXPORT bool isAuthorized(
    const QByteArray &authorization, const QHash<QString, QString> &credentials);
// Now as an HTTP date (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
SMTPRECEIVERHTTP_TEST_EXPORT QByteArray httpDate();
} // namespace HttpChecks

class SMTPRECEIVERHTTP_TEST_EXPORT HttpConnection : public QObject
{
    Q_OBJECT
public:
    // Takes the socket (reparented to the connection) and starts serving it; settings (not
    // owned) are read afresh for every request.
    HttpConnection(HttpUpgradeSocket *socket, HttpDispatch dispatch,
        const HttpSharedSettings *settings, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Where the bodies of large requests are counted (none: they are not).
    void setBodyBudget(std::shared_ptr<HttpBodyBudget> budget);
    // Asked before a WebSocket upgrade is handed over: false answers it 503 (too many clients).
    void setWebSocketAdmission(std::function<bool()> admit);

    // Over the connection limit: answers 503 and closes.
    void refuse();
    // Closes the connection now, without an answer.
    void abort();

Q_SIGNALS:
    // The socket is closed: the connection may be deleted.
    void finished();
    // A WebSocket upgrade passed every check. The socket, with the handshake still unread in
    // it, belongs to the receiver now (the connection is finished, without touching it again).
    void webSocketRequested(QTcpSocket *socket);

private:
    // Wait: the route answers later (a deferred answer); nothing more is read until it has.
    enum class Outcome { Continue, Stop, Wait };

    void onReadyRead();
    void process();
    Outcome handle(HttpParsedRequest parsed);
    // The answer that refuses a request before the router (a foreign Host, a state-changing
    // request from a foreign Origin, missing auth), if any.
    std::optional<HttpResponse> refusal(const HttpRequest &request) const;
    void write(const HttpResponse &response, const HttpParsedRequest &request, bool keepAlive);
    void answer(const HttpResponse &response, const HttpParsedRequest &parsed, bool keepAlive);
    void beginClose();
    // The connection is done (or handed over): none of its timers fires again.
    void stopTimers();
    void halfClose();
    void handOver(const HttpParsedRequest &parsed);
    void updateTimers();
    // Counts the body being received against the budget; false (after answering 503) when it
    // does not fit.
    bool admitBody();
    void releaseBody();
    void bodyTooSlow();

    HttpUpgradeSocket *m_socket;
    HttpDispatch m_dispatch;
    const HttpSharedSettings *m_shared;
    std::shared_ptr<const HttpServerSettings> m_settings; // as of the last bytes read
    HttpRequestParser m_parser;
    QTimer m_idleTimer;
    QTimer m_headTimer;
    QTimer m_bodyTimer; // fires when the body being received has fallen below the minimum rate
    QElapsedTimer m_bodyClock; // since the end of the head of the body being received
    std::shared_ptr<HttpBodyBudget> m_bodyBudget;
    qint64 m_bodyReserved = 0; // of m_bodyBudget, for the request being received or answered
    std::function<bool()> m_admitWebSocket;
    bool m_loopback = false; // arrived on a loopback address (its Host check is the contract's)
    bool m_closing = false;
    bool m_halfClosed = false;
    bool m_done = false;
    bool m_readScheduled = false;
    bool m_awaitingAnswer = false; // a route's deferred answer is outstanding
    bool m_deferred = false; // ... and handle() has returned Wait for it
};
