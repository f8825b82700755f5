// The socket side of one HTTP client: checks, answers in order, timers, closing.
#include "httpconnection.h"

#include "httpupgradesocket.h"

#include <QDateTime>
#include <QHostAddress>
#include <QLocale>
#include <QPointer>
#include <QTcpSocket>

#include <algorithm>
#include <limits>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace {
// The socket reads at most this much ahead of the parser (then TCP pushes back on the client).
constexpr qint64 readBufferLimit = 64 * 1024;
// While more than this waits to be sent, no further request is read (a client that pipelines
// requests but does not read the answers).
constexpr qint64 writeBacklogLimit = 4 * 1024 * 1024;
// How long a closing connection may take to send its last answer and see the client go.
constexpr int closeGraceMs = 5000;

const QByteArray forbiddenHost = "Forbidden: unknown Host (name it with --http-allowed-host)";
const QByteArray forbiddenOrigin = "Forbidden: unknown Origin";

bool isLoopback(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4).isLoopback() : address.isLoopback();
}

// The host part of a Host field or of an origin's authority: "[::1]:8025" -> "[::1]",
// "LocalHost:1" -> "localhost".
QByteArray hostPart(QByteArrayView authority)
{
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return {};
        const QByteArrayView rest = authority.sliced(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(':'))
            return {};
        return authority.first(close + 1).toByteArray().toLower();
    }
    const qsizetype colon = authority.indexOf(':');
    return (colon >= 0 ? authority.first(colon) : authority).toByteArray().toLower();
}

// A dotted quad ("192.0.2.7") or a bracketed IPv6 address ("[fd00::1]"), as a browser writes an
// address in a URL's host (it turns "127.1" or "0x7f.0.0.1" into a dotted quad first).
bool isAddressLiteral(const QByteArray &host)
{
    if (host.startsWith('[') && host.endsWith(']')) {
        const QByteArray inside = host.sliced(1, host.size() - 2);
        QHostAddress address;
        return !inside.contains('%') && address.setAddress(QString::fromLatin1(inside))
            && address.protocol() == QAbstractSocket::IPv6Protocol;
    }
    const QList<QByteArray> parts = host.split('.');
    if (parts.size() != 4)
        return false;
    for (const QByteArray &part : parts) {
        if (part.isEmpty() || part.size() > 3
            || !std::all_of(part.cbegin(), part.cend(), [](char c) { return c >= '0' && c <= '9'; })
            || part.toInt() > 255)
            return false;
    }
    return true;
}

// anyAddress: any address literal names us too (see HttpChecks::isAllowedHost).
bool isKnownHostName(const QByteArray &host, const QStringList &allowedHosts, bool anyAddress)
{
    if (host.isEmpty())
        return false;
    if (host == "localhost" || host == "127.0.0.1" || host == "[::1]")
        return true;
    if (anyAddress && isAddressLiteral(host))
        return true;
    for (const QString &allowed : allowedHosts) {
        if (hostPart(allowed.toUtf8()) == host)
            return true;
    }
    return false;
}

// An origin, or the authority of a request with its scheme: what two of them must share to be
// the same origin (RFC 6454 5).
struct OriginParts
{
    QByteArray scheme; // "http" or "https"
    QByteArray host; // lowercase; an IPv6 address in brackets
    int port = 0; // the scheme's default port when none is written

    bool operator==(const OriginParts &other) const
    {
        return scheme == other.scheme && host == other.host && port == other.port;
    }
};

// "host[:port]" as a Host field or an origin writes it: a name of letters, digits, ".", "-", "_"
// and "~" or a bracketed IPv6 address, then nothing, or ":" and a port; anything else (user
// info, a path, an empty host) is none.
std::optional<OriginParts> readAuthority(
    QByteArrayView authority, const QByteArray &scheme, int defaultPort)
{
    OriginParts parts;
    parts.scheme = scheme;
    parts.host = hostPart(authority);
    if (parts.host.isEmpty())
        return std::nullopt;
    const bool bracketed = parts.host.startsWith('[');
    for (const char c : QByteArrayView(parts.host)
                            .sliced(bracketed ? 1 : 0, parts.host.size() - (bracketed ? 2 : 0))) {
        const bool ok = bracketed
            ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')
            : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-' || c == '_'
                || c == '~');
        if (!ok)
            return std::nullopt;
    }
    const QByteArrayView rest = authority.sliced(parts.host.size());
    if (rest.isEmpty()) {
        parts.port = defaultPort;
        return parts;
    }
    const QByteArrayView digits = rest.sliced(1);
    if (!rest.startsWith(':') || digits.isEmpty() || digits.size() > 5
        || !std::all_of(
            digits.cbegin(), digits.cend(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    parts.port = digits.toInt();
    if (parts.port > 65535)
        return std::nullopt;
    return parts;
}

// An Origin field's value, "http://host[:port]" or "https://host[:port]", in any case; nothing for
// every other value ("null", "file://", one with a path).
std::optional<OriginParts> readOrigin(QByteArrayView origin)
{
    const QByteArray lower = origin.trimmed().toByteArray().toLower();
    if (lower.startsWith("http://"))
        return readAuthority(QByteArrayView(lower).sliced(7), "http", 80);
    if (lower.startsWith("https://"))
        return readAuthority(QByteArrayView(lower).sliced(8), "https", 443);
    return std::nullopt;
}

// Whether a browser asks before it sends this request from a page of another origin (the
// Fetch standard's CORS preflight): any method but GET, HEAD and POST, and a POST whose
// Content-Type is none of the three a form can send.
bool preflighted(const HttpRequest &request)
{
    if (request.method != "POST")
        return true;
    const QByteArray type
        = request.header("content-type").split(';').constFirst().trimmed().toLower();
    return !type.isEmpty() && type != "application/x-www-form-urlencoded"
        && type != "multipart/form-data" && type != "text/plain";
}

// Whether every Origin field of a request is allowed; *any: whether there is one.
bool hasOnlyAllowedOrigins(const HttpRequest &request, const QStringList &allowedHosts,
    const QString &corsOrigin, bool *any)
{
    const QByteArray authority = HttpChecks::requestAuthority(request);
    bool allowed = true;
    *any = false;
    for (const auto &[name, value] : request.headers) {
        if (name != "origin")
            continue;
        *any = true;
        allowed &= HttpChecks::isAllowedOrigin(value, authority, allowedHosts, corsOrigin);
    }
    return allowed;
}

// a == b in time that depends on the lengths only.
bool equalBytes(const QByteArray &a, const QByteArray &b)
{
    const qsizetype length = qMax(a.size(), b.size());
    unsigned difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const uchar x = i < a.size() ? uchar(a.at(i)) : 0;
        const uchar y = i < b.size() ? uchar(b.at(i)) : 0;
        difference |= unsigned(x ^ y);
    }
    return difference == 0;
}

// The CORS fields of every answer, the 101 of an upgrade included: none without a CORS origin.
QByteArray corsFields(const HttpServerSettings &settings)
{
    if (settings.corsOrigin.isEmpty())
        return {};
    return "Access-Control-Allow-Origin: " + settings.corsOrigin.toUtf8() + "\r\nVary: Origin\r\n";
}

bool hasToken(const QByteArray &list, QByteArrayView token)
{
    for (const QByteArray &item : list.split(',')) {
        if (QByteArrayView(item.trimmed()).compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

bool HttpChecks::isAllowedHost(
    const QByteArray &host, const QStringList &allowedHosts, bool loopbackListener)
{
    return isKnownHostName(hostPart(host.trimmed()), allowedHosts, !loopbackListener);
}

QByteArray HttpChecks::requestAuthority(const HttpRequest &request)
{
    // The parser takes no other absolute form.
    const QByteArrayView target = request.target;
    if (!target.startsWith("http://") && !target.startsWith("https://"))
        return request.header("host");
    const qsizetype start = target.indexOf("//") + 2;
    qsizetype end = start;
    while (end < target.size() && target.at(end) != '/' && target.at(end) != '?'
        && target.at(end) != '#')
        ++end;
    return target.sliced(start, end - start).toByteArray();
}

bool HttpChecks::isAllowedOrigin(const QByteArray &origin, const QByteArray &authority,
    const QStringList &allowedHosts, const QString &corsOrigin)
{
    const std::optional<OriginParts> parts = readOrigin(origin);
    if (!parts)
        return false;
    // The API's own origin: a page it served itself.
    if (parts == readAuthority(authority.trimmed(), "http", 80))
        return true;
    if (!corsOrigin.isEmpty() && parts == readOrigin(corsOrigin.toUtf8()))
        return true;
    // A page on an allowed name (any port): one the user has said serves the API.
    for (const QString &allowed : allowedHosts) {
        if (hostPart(allowed.toUtf8()) == parts->host)
            return true;
    }
    return false;
}

bool HttpChecks::isAllowedRequestOrigin(
    const HttpRequest &request, const QStringList &allowedHosts, const QString &corsOrigin)
{
    const QByteArray &method = request.method;
    if (method == "GET" || method == "HEAD" || method == "OPTIONS")
        return true; // CORS keeps what they answer from a foreign page
    bool hasOrigin = false;
    if (!hasOnlyAllowedOrigins(request, allowedHosts, corsOrigin, &hasOrigin))
        return corsOrigin == QLatin1String("*") && preflighted(request);
    // A browser that names no origin but says the page is of another site.
    const QByteArray site = request.header("sec-fetch-site").toLower();
    return hasOrigin || (site != "cross-site" && site != "same-site");
}

bool HttpChecks::isAuthorized(
    const QByteArray &authorization, const QHash<QString, QString> &credentials)
{
    QByteArray user;
    QByteArray password;
    bool wellFormed = false;
    if (authorization.size() > 6
        && authorization.first(6).compare("basic ", Qt::CaseInsensitive) == 0) {
        const auto decoded = QByteArray::fromBase64Encoding(
            authorization.sliced(6).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (colon >= 0) {
            user = decoded.decoded.first(colon);
            password = decoded.decoded.sliced(colon + 1);
            wellFormed = true;
        }
    }
    // Every credential is compared, whatever matched before: no early exit.
    bool match = false;
    for (auto it = credentials.cbegin(); it != credentials.cend(); ++it) {
        const bool userMatches = equalBytes(it.key().toUtf8(), user);
        const bool passwordMatches = equalBytes(it.value().toUtf8(), password);
        match |= userMatches & passwordMatches;
    }
    return wellFormed && match;
}

QByteArray HttpChecks::httpDate()
{
    return QLocale::c()
               .toString(
                   QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
               .toLatin1()
        + " GMT";
}

bool HttpBodyBudget::reserve(qint64 bytes, qint64 limit)
{
    if (bytes > limit - m_used)
        return false;
    m_used += bytes;
    return true;
}

void HttpBodyBudget::release(qint64 bytes)
{
    m_used -= bytes;
}

std::shared_ptr<const HttpServerSettings> HttpSharedSettings::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_current;
}

void HttpSharedSettings::change(const std::function<void(HttpServerSettings &)> &edit)
{
    QMutexLocker lock(&m_mutex);
    auto next = std::make_shared<HttpServerSettings>(*m_current);
    edit(*next);
    m_current = std::move(next);
}

HttpConnection::HttpConnection(HttpUpgradeSocket *socket, HttpDispatch dispatch,
    const HttpSharedSettings *settings, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_dispatch(std::move(dispatch))
    , m_shared(settings)
    , m_settings(settings->current())
    , m_parser(m_settings->maxBodySize)
{
    m_socket->setParent(this);
    m_socket->setReadBufferSize(readBufferLimit);
    m_loopback = isLoopback(m_socket->localAddress());
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_closing && !m_halfClosed && m_socket->bytesToWrite() == 0)
            halfClose();
        else if (!m_closing && m_socket->bytesToWrite() < writeBacklogLimit)
            onReadyRead(); // resume reading after back-pressure
    });
    connect(m_socket, &QTcpSocket::disconnected, this, [this] {
        if (m_done)
            return;
        m_done = true;
        stopTimers();
        Q_EMIT finished();
    });
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() != QAbstractSocket::ConnectedState && !m_done) {
            m_done = true;
            Q_EMIT finished();
        }
    });

    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::abort);
    m_headTimer.setSingleShot(true);
    connect(&m_headTimer, &QTimer::timeout, this, &HttpConnection::abort);
    m_bodyTimer.setSingleShot(true);
    connect(&m_bodyTimer, &QTimer::timeout, this, &HttpConnection::bodyTooSlow);
    m_idleTimer.start(m_settings->idleTimeoutMs);
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection()
{
    releaseBody();
}

void HttpConnection::setBodyBudget(std::shared_ptr<HttpBodyBudget> budget)
{
    releaseBody();
    m_bodyBudget = std::move(budget);
}

void HttpConnection::setWebSocketAdmission(std::function<bool()> admit)
{
    m_admitWebSocket = std::move(admit);
}

void HttpConnection::refuse()
{
    HttpParsedRequest none;
    write(HttpResponse::text(503, QStringLiteral("Service Unavailable: too many connections")),
        none, false);
    beginClose();
}

void HttpConnection::abort()
{
    if (m_done)
        return;
    m_socket->abort();
    if (!m_done) {
        m_done = true;
        Q_EMIT finished();
    }
}

void HttpConnection::onReadyRead()
{
    m_readScheduled = false;
    if (m_done)
        return;
    if (m_closing) {
        m_socket->skip(m_socket->bytesAvailable()); // after the last answer: read and drop
        return;
    }
    if (m_socket->bytesToWrite() >= writeBacklogLimit || m_awaitingAnswer)
        return; // resumed by bytesWritten, or once the outstanding answer is written
    const QByteArray bytes = m_socket->read(readBufferLimit);
    if (bytes.isEmpty())
        return;
    m_settings = m_shared->current();
    m_idleTimer.start(m_settings->idleTimeoutMs);
    m_parser.setMaxBodySize(m_settings->maxBodySize);
    m_parser.feed(bytes);
    process();
}

void HttpConnection::process()
{
    if (m_done || m_closing || m_awaitingAnswer)
        return;
    while (m_parser.hasRequest()) {
        m_bodyClock.invalidate(); // the next body has its own clock
        if (handle(m_parser.takeRequest()) != Outcome::Continue)
            return;
    }
    if (m_parser.hasError()) {
        HttpParsedRequest none;
        write(HttpResponse::text(m_parser.errorStatus(), m_parser.errorText()), none, false);
        beginClose();
        return;
    }
    // Before the 100 that would invite it: a body that does not fit the budget is refused.
    if (!admitBody())
        return;
    if (m_parser.takeContinue()) {
        // A request that will be refused is refused now, before the client sends its body.
        const HttpParsedRequest &pending = m_parser.pendingRequest();
        if (const std::optional<HttpResponse> refused = refusal(pending.request)) {
            write(*refused, pending, false);
            beginClose();
            return;
        }
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    updateTimers();
    if (!m_readScheduled && m_socket->bytesAvailable() > 0
        && m_socket->bytesToWrite() < writeBacklogLimit) {
        m_readScheduled = true;
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
    }
}

void HttpConnection::updateTimers()
{
    if (m_parser.isInHead()) {
        if (!m_headTimer.isActive())
            m_headTimer.start(m_settings->headTimeoutMs);
    } else {
        m_headTimer.stop();
    }
    // A body must keep coming: minBodyRate bytes a second on average since the end of its head,
    // once the grace period has passed. The timer is set for the moment what has come falls
    // short of that; every read sets it later. The idle timer alone would let one byte a minute
    // hold the connection, and its body in memory, for ever.
    const HttpServerSettings &settings = *m_settings;
    if (!m_parser.isInBody() || settings.minBodyRate <= 0) {
        m_bodyTimer.stop();
        m_bodyClock.invalidate();
        return;
    }
    if (!m_bodyClock.isValid())
        m_bodyClock.start();
    const qint64 dueMs
        = settings.bodyGraceMs + m_parser.bodyBytesReceived() * 1000 / settings.minBodyRate;
    const qint64 leftMs = dueMs - m_bodyClock.elapsed();
    m_bodyTimer.start(int(qBound(qint64(0), leftMs, qint64(std::numeric_limits<int>::max()))));
}

bool HttpConnection::admitBody()
{
    const qint64 size = m_parser.isInBody() ? m_parser.bodySizeAtLeast() : 0;
    if (!m_bodyBudget || size <= HttpBodyBudget::smallBody || size <= m_bodyReserved)
        return true;
    const HttpServerSettings &settings = *m_settings;
    constexpr qint64 most = std::numeric_limits<qint64>::max();
    const qint64 limit = settings.bodyBudget > 0 ? settings.bodyBudget
        : settings.maxBodySize > most / 4        ? most
                                                 : 4 * settings.maxBodySize;
    if (m_bodyBudget->reserve(size - m_bodyReserved, limit)) {
        m_bodyReserved = size;
        return true;
    }
    write(HttpResponse::tryAgainSoon(QStringLiteral("too many large request bodies at once")),
        m_parser.pendingRequest(), false);
    beginClose();
    return false;
}

void HttpConnection::releaseBody()
{
    if (m_bodyBudget && m_bodyReserved > 0)
        m_bodyBudget->release(m_bodyReserved);
    m_bodyReserved = 0;
}

void HttpConnection::bodyTooSlow()
{
    if (m_done || m_closing || m_awaitingAnswer || !m_parser.isInBody())
        return;
    write(HttpResponse::text(
              408, QStringLiteral("Request Timeout: the request body came too slowly")),
        m_parser.pendingRequest(), false);
    beginClose();
}

std::optional<HttpResponse> HttpConnection::refusal(const HttpRequest &request) const
{
    const HttpServerSettings &settings = *m_settings;
    // DNS rebinding: a page served from another name must not reach us, on whatever address the
    // connection arrived (a container's port published on the host's loopback arrives on the
    // container's own address). A request that names no server at all is refused too: nothing
    // says it is meant for us.
    if (!HttpChecks::isAllowedHost(
            HttpChecks::requestAuthority(request), settings.allowedHosts, m_loopback))
        return HttpResponse::text(403, QString::fromLatin1(forbiddenHost));
    // A web page may send a form or a no-cors fetch anywhere, with no preflight: what would
    // change state (release a message, send, delete) must come from an allowed origin.
    if (!HttpChecks::isAllowedRequestOrigin(request, settings.allowedHosts, settings.corsOrigin))
        return HttpResponse::text(403, QString::fromLatin1(forbiddenOrigin));
    if (!settings.corsOrigin.isEmpty() && request.method == "OPTIONS")
        return std::nullopt; // the preflight, answered before auth
    // Basic auth; the probes stay open.
    if (!settings.credentials.isEmpty() && request.path != "/livez" && request.path != "/readyz"
        && !HttpChecks::isAuthorized(request.header("authorization"), settings.credentials)) {
        HttpResponse denied = HttpResponse::text(401, QStringLiteral("Unauthorized"));
        denied.setHeader("WWW-Authenticate", "Basic realm=\"smtp-receiver\"");
        return denied;
    }
    return std::nullopt;
}

HttpConnection::Outcome HttpConnection::handle(HttpParsedRequest parsed)
{
    HttpRequest &request = parsed.request;
    request.peerAddress = m_socket->peerAddress();
    const QByteArray connection = request.header("connection");
    const bool upgrade = hasToken(request.header("upgrade"), "websocket");
    // A refused upgrade ends the connection: the client would wait for a 101 otherwise.
    const bool keepAlive = !upgrade
        && (parsed.minorVersion == 1 ? !hasToken(connection, "close")
                                     : hasToken(connection, "keep-alive"));
    const HttpServerSettings &settings = *m_settings;

    // (a) The Host check, and (c) auth, unless (b) this is a CORS preflight.
    if (const std::optional<HttpResponse> refused = refusal(request)) {
        const bool stay = keepAlive && refused->status != 403; // a foreign Host: nothing else
        write(*refused, parsed, stay);
        return stay ? Outcome::Continue : (beginClose(), Outcome::Stop);
    }
    // (b) The CORS preflight carries no credentials, so it is answered before auth.
    if (!settings.corsOrigin.isEmpty() && request.method == "OPTIONS") {
        HttpResponse preflight;
        preflight.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        preflight.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
        preflight.setHeader("Access-Control-Max-Age", "600");
        write(preflight, parsed, keepAlive);
        return keepAlive ? Outcome::Continue : (beginClose(), Outcome::Stop);
    }
    if (upgrade && request.method == "GET" && request.path == "/api/events") {
        // Browsers apply no CORS to WebSockets: without this, any page could read caught mail.
        // A client that sends no Origin is no browser.
        bool hasOrigin = false;
        if (!hasOnlyAllowedOrigins(
                request, settings.allowedHosts, settings.corsOrigin, &hasOrigin)) {
            write(HttpResponse::text(403, QString::fromLatin1(forbiddenOrigin)), parsed, false);
            beginClose();
            return Outcome::Stop;
        }
        // What Qt WebSockets would refuse is refused here, so that every socket handed over
        // becomes a client.
        if (request.header("sec-websocket-version") != "13") {
            HttpResponse wrongVersion
                = HttpResponse::text(426, QStringLiteral("WebSocket version 13 required"));
            wrongVersion.setHeader("Sec-WebSocket-Version", "13");
            write(wrongVersion, parsed, false);
            beginClose();
            return Outcome::Stop;
        }
        if (QByteArray::fromBase64(request.header("sec-websocket-key")).size() != 16) {
            write(
                HttpResponse::text(400, QStringLiteral("Bad WebSocket handshake")), parsed, false);
            beginClose();
            return Outcome::Stop;
        }
        handOver(parsed);
        return Outcome::Stop;
    }

    // Answers are written in the order of the requests: while a route's answer is outstanding
    // (the send API answers once the message is stored), later requests wait in the parser.
    m_awaitingAnswer = true;
    const QPointer<HttpConnection> self(this);
    m_dispatch(request, [self, parsed, keepAlive](const HttpResponse &response) {
        if (self)
            self->answer(response, parsed, keepAlive);
    });
    if (m_awaitingAnswer) {
        m_deferred = true;
        // The client waits for us now, not we for it: a slow read (a common word on a big
        // store) must not be cut off as idle. answer() starts the clock again.
        m_idleTimer.stop();
        return Outcome::Wait;
    }
    return m_closing ? Outcome::Stop : Outcome::Continue;
}

void HttpConnection::answer(
    const HttpResponse &response, const HttpParsedRequest &parsed, bool keepAlive)
{
    if (!m_awaitingAnswer)
        return;
    m_awaitingAnswer = false;
    const bool resume = m_deferred;
    m_deferred = false;
    if (m_done)
        return;
    write(response, parsed, keepAlive);
    if (!keepAlive) {
        beginClose();
        return;
    }
    if (resume) { // pipelined requests may be waiting in the parser, or bytes in the socket
        m_idleTimer.start(m_settings->idleTimeoutMs);
        QMetaObject::invokeMethod(this, &HttpConnection::process, Qt::QueuedConnection);
    }
}

void HttpConnection::write(
    const HttpResponse &response, const HttpParsedRequest &parsed, bool keepAlive)
{
    // Every request ends with its answer, and so does the hold of its body on the budget.
    releaseBody();
    const bool head = parsed.request.method == "HEAD";
    const bool noBody = response.status == 204 || response.status == 304;
    QByteArray out;
    out.reserve(256 + (head ? 0 : response.body.size()));
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' '
        + HttpResponse::reasonPhrase(response.status) + "\r\n";
    out += "Date: " + HttpChecks::httpDate() + "\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    bool hasNoSniff = false;
    bool hasCacheControl = false;
    for (const auto &[name, value] : response.headers) {
        const QByteArray lower = name.toLower();
        // The transport owns the framing fields.
        if (lower == "content-length" || lower == "connection" || lower == "date"
            || lower == "transfer-encoding" || lower == "content-type")
            continue;
        hasNoSniff |= lower == "x-content-type-options";
        hasCacheControl |= lower == "cache-control";
        out += name + ": " + value + "\r\n";
    }
    if (!hasNoSniff)
        out += "X-Content-Type-Options: nosniff\r\n";
    if (!hasCacheControl)
        out += "Cache-Control: no-store\r\n";
    out += corsFields(*m_settings);
    if (!noBody)
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (!keepAlive)
        out += "Connection: close\r\n";
    else if (parsed.minorVersion == 0)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!head && !noBody)
        out += response.body;
    m_socket->write(out);
}

void HttpConnection::stopTimers()
{
    m_idleTimer.stop();
    m_headTimer.stop();
    m_bodyTimer.stop();
}

void HttpConnection::beginClose()
{
    if (m_closing || m_done)
        return;
    m_closing = true;
    m_headTimer.stop();
    m_bodyTimer.stop();
    // The last answer gets this long to leave; then the connection is dropped.
    m_idleTimer.start(closeGraceMs);
    if (m_socket->bytesToWrite() == 0)
        halfClose();
}

void HttpConnection::halfClose()
{
    // Send FIN but keep reading (and dropping) until the client closes: closing with unread
    // bytes would reset the connection and could destroy the answer before the client reads it.
    m_halfClosed = true;
    m_socket->flush();
#ifdef Q_OS_UNIX
    if (m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0) {
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        m_socket->skip(m_socket->bytesAvailable());
        return;
    }
#endif
    m_socket->disconnectFromHost();
}

void HttpConnection::handOver(const HttpParsedRequest &parsed)
{
    if (m_admitWebSocket && !m_admitWebSocket()) {
        write(HttpResponse::tryAgainSoon(QStringLiteral("too many WebSocket clients")), parsed,
            false);
        beginClose();
        return;
    }
    releaseBody();
    // The handshake goes back into the socket's read buffer, ahead of anything unread, for the
    // WebSocket server to read as if it came first.
    const QByteArray again = parsed.head + m_parser.unparsedBytes();
    m_done = true;
    stopTimers();
    disconnect(m_socket, nullptr, this, nullptr);
    for (qsizetype i = again.size() - 1; i >= 0; --i)
        m_socket->ungetChar(again.at(i));
    m_socket->setReadBufferSize(0);
    // Qt WebSockets writes the 101; its CORS fields are made those of every answer.
    m_socket->rewriteNextHead(corsFields(*m_settings));
    QTcpSocket *socket = m_socket;
    socket->setParent(nullptr);
    Q_EMIT webSocketRequested(socket);
    Q_EMIT finished();
}
