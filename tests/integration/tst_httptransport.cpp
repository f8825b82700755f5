// The HTTP transport of SmtpHttpApi over real sockets: the Host check, CORS, Basic auth, the
// bounds, keep-alive and pipelining, the timers, the connection limit, hundreds of concurrent
// clients, the Origin check of what may change state, and the /api/events WebSocket with its
// Origin check.
#include "httpconnection.h"
#include "httpupgradesocket.h"
#include "mailpitevents.h"
#include "networkaddress.h"
#include "smtphttpapi_p.h"

#include <smtphttpapi.h>
#include <smtpmessagestore.h>

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QWebSocket>

#include <limits>
#include <memory>

namespace {

struct Answer
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool complete = false;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &field : headers) {
            if (name.compare(field.first, Qt::CaseInsensitive) == 0)
                return field.second;
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const
    {
        for (const auto &field : headers) {
            if (name.compare(field.first, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

// Takes one answer off the front of *buffer, if it is all there. head: no body follows.
bool takeAnswer(QByteArray *buffer, Answer *answer, bool head = false)
{
    const qsizetype end = buffer->indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = buffer->first(end).split('\n');
    Answer a;
    const QList<QByteArray> statusLine = lines.constFirst().trimmed().split(' ');
    if (statusLine.size() < 2)
        return false;
    a.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        a.headers.append({ line.first(colon), line.sliced(colon + 1).trimmed() });
    }
    const qint64 length = head ? 0 : a.header("content-length").toLongLong();
    if (buffer->size() < end + 4 + length)
        return false;
    a.body = buffer->mid(end + 4, length);
    a.complete = true;
    buffer->remove(0, end + 4 + length);
    *answer = a;
    return true;
}

// Waits while the event loop runs (the server lives in this thread): for bytes, or the end.
bool waitForBytes(QTcpSocket &socket, int ms)
{
    return QTest::qWaitFor(
        [&socket] {
            return socket.bytesAvailable() > 0
                || socket.state() == QAbstractSocket::UnconnectedState;
        },
        ms);
}

// A blocking-style client whose waits run the event loop.
class Client
{
public:
    explicit Client(
        quint16 port, const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
    {
        socket.connectToHost(address, port);
        ok = QTest::qWaitFor(
            [this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    // Sends bytes and reads n answers.
    QList<Answer> exchange(const QByteArray &bytes, int n = 1, bool head = false)
    {
        socket.write(bytes);
        return read(n, head);
    }
    QList<Answer> read(int n = 1, bool head = false)
    {
        QList<Answer> answers;
        QElapsedTimer timer;
        timer.start();
        while (answers.size() < n && timer.elapsed() < 10000) {
            Answer a;
            if (takeAnswer(&buffer, &a, head)) {
                answers.append(a);
                continue;
            }
            waitForBytes(socket, 200);
            if (socket.bytesAvailable() == 0 && socket.state() != QAbstractSocket::ConnectedState)
                break;
            buffer += socket.readAll();
        }
        return answers;
    }
    Answer get(const QByteArray &path, const QByteArray &extra = "Host: localhost\r\n")
    {
        const QList<Answer> answers = exchange("GET " + path + " HTTP/1.1\r\n" + extra + "\r\n");
        return answers.value(0);
    }
    bool waitForClose(int ms = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < ms) {
            waitForBytes(socket, 100);
            buffer += socket.readAll();
        }
        return socket.state() == QAbstractSocket::UnconnectedState;
    }

    QTcpSocket socket;
    QByteArray buffer;
    bool ok = false;
};

const QByteArray upgradeRequest = "GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                  "Sec-WebSocket-Version: 13\r\n\r\n";

// A frame as a client sends it: masked (with a zero mask, so the payload reads as it is).
QByteArray clientFrame(quint8 opcode, const QByteArray &payload, bool fin = true,
    quint64 announced = std::numeric_limits<quint64>::max())
{
    const quint64 length
        = announced == std::numeric_limits<quint64>::max() ? quint64(payload.size()) : announced;
    QByteArray frame;
    frame += char((fin ? 0x80 : 0x00) | opcode);
    if (length < 126) {
        frame += char(0x80 | length);
    } else if (length <= 0xffff) {
        frame += char(0x80 | 126);
        frame += char(length >> 8);
        frame += char(length & 0xff);
    } else {
        frame += char(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            frame += char((length >> shift) & 0xff);
    }
    frame += QByteArray(4, '\0'); // the mask
    return frame + payload;
}

// Takes one frame the server sent (unmasked, payload under 126 bytes: control frames and short
// text) off the front of *buffer, if it is all there.
bool takeServerFrame(QByteArray *buffer, quint8 *opcode, QByteArray *payload)
{
    if (buffer->size() < 2 || (uchar(buffer->at(1)) & 0x7f) >= 126)
        return false;
    const int length = uchar(buffer->at(1)) & 0x7f;
    if (buffer->size() < 2 + length)
        return false;
    *opcode = uchar(buffer->at(0)) & 0x0f;
    *payload = buffer->mid(2, length);
    buffer->remove(0, 2 + length);
    return true;
}

// The close code of the close frame in what a WebSocket client has read; 0 without one.
int closeCode(QByteArray buffer)
{
    quint8 opcode = 0;
    QByteArray payload;
    while (takeServerFrame(&buffer, &opcode, &payload)) {
        if (opcode == 0x8)
            return payload.size() >= 2 ? (uchar(payload.at(0)) << 8) | uchar(payload.at(1)) : 0;
    }
    return 0;
}

} // namespace

class TestHttpTransport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SmtpMessageStore> m_store;
    std::unique_ptr<SmtpHttpApi> m_api;
    quint16 m_port = 0;

    void start()
    {
        m_api = std::make_unique<SmtpHttpApi>(m_store.get());
        HttpRouter &router = SmtpHttpApiTest::router(m_api.get());
        router.add("GET", QStringLiteral("/test/echo"), [](HttpRequest &request) {
            return HttpResponse::text(200, QString::fromLatin1(request.path + ' ' + request.body));
        });
        router.add("POST", QStringLiteral("/test/echo"), [](HttpRequest &request) {
            return HttpResponse::text(200, QString::fromLatin1(request.body));
        });
        if (!router.matchesPath("/livez")) // until the list routes bring it
            router.add(
                "GET", QStringLiteral("/livez"), [](HttpRequest &) { return HttpResponse(); });
        QVERIFY(m_api->listen(QHostAddress::LocalHost, 0));
        m_port = m_api->serverPort();
    }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<SmtpMessageStore>();
        QVERIFY(m_store->open(QStringLiteral(":memory:")));
        start();
    }
    void cleanup()
    {
        m_api.reset();
        m_store.reset();
    }

    void everyAnswerCarriesTheCommonFields()
    {
        Client c(m_port);
        const Answer a = c.get("/test/echo");
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, QByteArray("/test/echo "));
        QCOMPARE(a.header("content-length"), QByteArray("11"));
        QCOMPARE(a.header("x-content-type-options"), QByteArray("nosniff"));
        QCOMPARE(a.header("cache-control"), QByteArray("no-store"));
        // IMF-fixdate, e.g. "Sat, 05 Dec 2026 06:00:00 GMT", close to now.
        const QByteArray date = a.header("date");
        QVERIFY2(date.endsWith(" GMT") && date.size() == 29, date.constData());
        const QDateTime parsed = QLocale::c().toDateTime(
            QString::fromLatin1(date.chopped(4)), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"));
        QVERIFY(parsed.isValid());
        QVERIFY(qAbs(parsed.toSecsSinceEpoch() - QDateTime::currentDateTimeUtc().toSecsSinceEpoch()
                    - parsed.offsetFromUtc())
            < 5);
        QVERIFY(!a.hasHeader("access-control-allow-origin"));

        // HEAD: the same fields, no body.
        const QList<Answer> head = c.exchange("HEAD /test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                              "GET /test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n",
            1, true);
        QCOMPARE(head.value(0).status, 200);
        QCOMPARE(head.value(0).header("content-length"), QByteArray("11"));
        QVERIFY(head.value(0).body.isEmpty());
        QCOMPARE(c.read().value(0).body, QByteArray("/test/echo ")); // the next one is intact
    }

    void hostCheck_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<int>("status");
        QTest::newRow("attacker") << QByteArray("attacker.example") << 403;
        QTest::newRow("attacker with port") << QByteArray("attacker.example:8025") << 403;
        QTest::newRow("localhost suffix") << QByteArray("localhost.attacker.example") << 403;
        QTest::newRow("other loopback") << QByteArray("127.0.0.2") << 403;
        QTest::newRow("localhost:8025") << QByteArray("localhost:8025") << 200;
        QTest::newRow("LocalHost") << QByteArray("LocalHost") << 200;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1") << 200;
        QTest::newRow("[::1]:1") << QByteArray("[::1]:1") << 200;
        QTest::newRow("allowed") << QByteArray("mail.example.test:8025") << 200;
    }
    void hostCheck()
    {
        QFETCH(QByteArray, host);
        QFETCH(int, status);
        m_api->setAllowedHosts({ QStringLiteral("mail.example.test") });
        Client c(m_port);
        const Answer a = c.get("/test/echo", "Host: " + host + "\r\n");
        QCOMPARE(a.status, status);
        if (status == 403) {
            QCOMPARE(
                a.body, QByteArray("Forbidden: unknown Host (name it with --http-allowed-host)"));
            QVERIFY(c.waitForClose());
        }
    }

    // What names the server besides a Host field: nothing (an HTTP/1.0 request may have none),
    // which a loopback listener refuses like a foreign name; and the target in absolute form,
    // whose authority counts instead of the Host field (RFC 7230 5.4, RFC 9112 3.2.2).
    void hostCheckOfTheRequestAuthority_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("HTTP/1.0 without Host")
            << QByteArray("GET /test/echo HTTP/1.0\r\n\r\n") << 403;
        QTest::newRow("HTTP/1.0 keep-alive without Host")
            << QByteArray("GET /test/echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << 403;
        QTest::newRow("HTTP/1.0 with Host")
            << QByteArray("GET /test/echo HTTP/1.0\r\nHost: localhost\r\n\r\n") << 200;
        QTest::newRow("foreign target, local Host")
            << QByteArray("GET http://evil.test/test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n")
            << 403;
        QTest::newRow("foreign target with port, local Host")
            << QByteArray("GET http://evil.test:8025/test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n")
            << 403;
        QTest::newRow("foreign target, HTTP/1.0 without Host")
            << QByteArray("GET http://evil.test/test/echo HTTP/1.0\r\n\r\n") << 403;
        QTest::newRow("user info before a local name") << QByteArray(
            "GET http://localhost@evil.test/test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n")
                                                       << 403;
        QTest::newRow("user info before a foreign name") << QByteArray(
            "GET http://evil.test@localhost/test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n")
                                                         << 403;
        QTest::newRow("empty authority")
            << QByteArray("GET http:///test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n") << 403;
        QTest::newRow("local target, foreign Host")
            << QByteArray("GET http://localhost:8025/test/echo HTTP/1.1\r\nHost: evil.test\r\n\r\n")
            << 200;
        QTest::newRow("local target, HTTP/1.0 without Host")
            << QByteArray("GET https://127.0.0.1/test/echo HTTP/1.0\r\n\r\n") << 200;
        QTest::newRow("[::1] target with a query")
            << QByteArray("GET http://[::1]:1?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n") << 404;
        QTest::newRow("allowed target")
            << QByteArray("GET http://mail.example.test/test/echo HTTP/1.1\r\nHost: x\r\n\r\n")
            << 200;
    }
    void hostCheckOfTheRequestAuthority()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        m_api->setAllowedHosts({ QStringLiteral("mail.example.test") });
        Client c(m_port);
        const Answer a = c.exchange(request).value(0);
        QCOMPARE(a.status, status);
        if (status == 403) {
            QCOMPARE(
                a.body, QByteArray("Forbidden: unknown Host (name it with --http-allowed-host)"));
            QVERIFY(c.waitForClose());
        }
    }

    void hostChecks_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("onLoopback");
        QTest::addColumn<bool>("onOther");
        QTest::newRow("localhost") << QByteArray("localhost:8025") << true << true;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1") << true << true;
        QTest::newRow("[::1]") << QByteArray("[::1]:8025") << true << true;
        QTest::newRow("allowed name") << QByteArray("Mail.Example.Test:1") << true << true;
        QTest::newRow("LAN address") << QByteArray("192.0.2.7:8025") << false << true;
        QTest::newRow("other loopback") << QByteArray("127.0.0.2") << false << true;
        QTest::newRow("IPv6 address") << QByteArray("[fd00::1]:8025") << false << true;
        QTest::newRow("mapped IPv4") << QByteArray("[::ffff:192.0.2.7]") << false << true;
        QTest::newRow("name") << QByteArray("evil.test:8025") << false << false;
        QTest::newRow("name of digits") << QByteArray("1.2.3") << false << false;
        QTest::newRow("short address form") << QByteArray("127.1") << false << false;
        QTest::newRow("octet over 255") << QByteArray("192.0.2.256") << false << false;
        QTest::newRow("address under a name")
            << QByteArray("192.0.2.7.evil.test") << false << false;
        QTest::newRow("IPv6 with a zone") << QByteArray("[fe80::1%25eth0]") << false << false;
        QTest::newRow("IPv4 in brackets") << QByteArray("[192.0.2.7]") << false << false;
        QTest::newRow("unbracketed IPv6") << QByteArray("fd00::1") << false << false;
        QTest::newRow("empty") << QByteArray() << false << false;
    }
    void hostChecks()
    {
        QFETCH(QByteArray, host);
        QFETCH(bool, onLoopback);
        QFETCH(bool, onOther);
        const QStringList allowed { QStringLiteral("mail.example.test") };
        QCOMPARE(HttpChecks::isAllowedHost(host, allowed, true), onLoopback);
        QCOMPARE(HttpChecks::isAllowedHost(host, allowed, false), onOther);
    }

    // A connection that arrives on an address other than loopback (the API on 0.0.0.0 in a
    // container whose port is published on the host's 127.0.0.1) is checked as well: a name that
    // was rebound to the address must not read mail, an address literal is not such a name.
    void hostCheckOnAnAddressOtherThanLoopback()
    {
        const QHostAddress local = nonLoopbackIPv4();
        if (local.isNull())
            QSKIP("this machine has no IPv4 address but loopback");
        m_api->setAllowedHosts({ QStringLiteral("mail.example.test") });
        QVERIFY(m_api->listen(QHostAddress::AnyIPv4, 0));
        const quint16 port = m_api->serverPort();
        const QByteArray hostPort = local.toString().toLatin1() + ':' + QByteArray::number(port);
        const auto status = [&](const QByteArray &host) {
            Client c(port, local);
            return c.get("/test/echo", "Host: " + host + "\r\n").status;
        };
        QCOMPARE(status("evil.test"), 403);
        QCOMPARE(status("evil.test:" + QByteArray::number(port)), 403);
        QCOMPARE(status("localhost.evil.test"), 403);
        QCOMPARE(status(hostPort), 200);
        QCOMPARE(status("localhost:" + QByteArray::number(port)), 200);
        QCOMPARE(status("127.0.0.1"), 200);
        QCOMPARE(status("[fd00::1]:8025"), 200);
        QCOMPARE(status("mail.example.test"), 200);
        Client noHost(port, local);
        QCOMPARE(noHost.exchange("GET /test/echo HTTP/1.0\r\n\r\n").value(0).status, 403);
        // On loopback the contract's list stands.
        Client loopback(port);
        QCOMPARE(loopback.get("/test/echo", "Host: evil.test\r\n").status, 403);
        Client address(port);
        QCOMPARE(address.get("/test/echo", "Host: " + hostPort + "\r\n").status, 403);
    }

    void missingHostIsBadRequest()
    {
        Client c(m_port);
        const Answer a = c.exchange("GET /test/echo HTTP/1.1\r\n\r\n").value(0);
        QCOMPARE(a.status, 400);
        QVERIFY(!a.body.contains('\n'));
        QVERIFY(c.waitForClose());
    }

    void cors()
    {
        {
            Client c(m_port);
            const Answer a = c.exchange("OPTIONS /test/echo HTTP/1.1\r\nHost: localhost\r\n"
                                        "Origin: http://app.test\r\n\r\n")
                                 .value(0);
            QVERIFY(a.status != 200 || !a.hasHeader("access-control-allow-origin"));
            QVERIFY(!a.hasHeader("access-control-allow-methods"));
        }
        m_api->setCorsOrigin(QStringLiteral("http://app.test:3000"));
        m_api->setCredentials({ { QStringLiteral("u"), QStringLiteral("p") } });
        Client c(m_port);
        // The preflight comes before auth.
        const Answer preflight
            = c.exchange("OPTIONS /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n"
                         "Origin: http://app.test:3000\r\n"
                         "Access-Control-Request-Method: DELETE\r\n\r\n")
                  .value(0);
        QCOMPARE(preflight.status, 200);
        QCOMPARE(
            preflight.header("access-control-allow-origin"), QByteArray("http://app.test:3000"));
        QCOMPARE(preflight.header("access-control-allow-methods"),
            QByteArray("GET, POST, PUT, DELETE, OPTIONS"));
        QCOMPARE(preflight.header("access-control-allow-headers"),
            QByteArray("Authorization, Content-Type"));
        QCOMPARE(preflight.header("vary"), QByteArray("Origin"));
        const Answer denied = c.get("/test/echo");
        QCOMPARE(denied.status, 401);
        QCOMPARE(denied.header("access-control-allow-origin"), QByteArray("http://app.test:3000"));
    }

    // What a web page can send anywhere without a preflight (a form, a no-cors fetch with a
    // text/plain body) must not change anything unless the page is of an allowed origin: a
    // method other than GET, HEAD and OPTIONS with a foreign Origin, or that Sec-Fetch-Site says
    // comes from another site without an Origin, gets 403 and reaches no route.
    void writesFromAForeignPageAreRefused_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<int>("status");
        const QByteArray post = "POST";
        QTest::newRow("no Origin (curl, client libraries)") << post << QByteArray() << 200;
        QTest::newRow("foreign, text/plain") << post
                                             << QByteArray("Origin: http://evil.test\r\n"
                                                           "Sec-Fetch-Site: cross-site\r\n")
                                             << 403;
        QTest::newRow("foreign PUT")
            << QByteArray("PUT") << QByteArray("Origin: http://evil.test\r\n") << 403;
        QTest::newRow("foreign DELETE")
            << QByteArray("DELETE") << QByteArray("Origin: http://evil.test\r\n") << 403;
        QTest::newRow("foreign PATCH")
            << QByteArray("PATCH") << QByteArray("Origin: http://evil.test\r\n") << 403;
        QTest::newRow("null") << post << QByteArray("Origin: null\r\n") << 403;
        QTest::newRow("another local port")
            << post << QByteArray("Origin: http://localhost:3000\r\n") << 403;
        QTest::newRow("own origin")
            << post << QByteArray("Origin: http://localhost:8025\r\n") << 200;
        QTest::newRow("own origin, cross-site said")
            << post
            << QByteArray("Origin: http://localhost:8025\r\n"
                          "Sec-Fetch-Site: cross-site\r\n")
            << 200;
        QTest::newRow("own and foreign") << post
                                         << QByteArray("Origin: http://localhost:8025\r\n"
                                                       "Origin: http://evil.test\r\n")
                                         << 403;
        QTest::newRow("CORS origin")
            << post << QByteArray("Origin: http://app.test:3000\r\n") << 200;
        QTest::newRow("allowed host")
            << post << QByteArray("Origin: https://mail.example.test\r\n") << 200;
        QTest::newRow("cross-site without Origin")
            << post << QByteArray("Sec-Fetch-Site: cross-site\r\n") << 403;
        QTest::newRow("same-site without Origin")
            << post << QByteArray("Sec-Fetch-Site: Same-Site\r\n") << 403;
        QTest::newRow("same-origin without Origin")
            << post << QByteArray("Sec-Fetch-Site: same-origin\r\n") << 200;
        QTest::newRow("typed in without Origin")
            << post << QByteArray("Sec-Fetch-Site: none\r\n") << 200;
        // What a page reads is kept from it by CORS; GET and HEAD change nothing here.
        QTest::newRow("foreign GET")
            << QByteArray("GET") << QByteArray("Origin: http://evil.test\r\n") << 200;
    }
    void writesFromAForeignPageAreRefused()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, fields);
        QFETCH(int, status);
        int calls = 0;
        for (const char *m : { "GET", "POST", "PUT", "DELETE", "PATCH" }) {
            SmtpHttpApiTest::router(m_api.get())
                .add(m, QStringLiteral("/test/write"), [&calls](HttpRequest &) {
                    ++calls;
                    return HttpResponse::ok();
                });
        }
        m_api->setCorsOrigin(QStringLiteral("http://app.test:3000"));
        m_api->setAllowedHosts({ QStringLiteral("mail.example.test") });
        Client c(m_port);
        const QByteArray body = R"({"To":["attacker@evil.test"]})";
        const Answer a
            = c.exchange(method + " /test/write HTTP/1.1\r\nHost: localhost:8025\r\n" + fields
                   + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: "
                   + QByteArray::number(body.size()) + "\r\n\r\n" + body)
                  .value(0);
        QCOMPARE(a.status, status);
        QCOMPARE(calls, status == 200 ? 1 : 0);
        if (status == 403) {
            QCOMPARE(a.body, QByteArray("Forbidden: unknown Origin"));
            QVERIFY(c.waitForClose());
        }
    }

    // The Origin check comes before auth (a browser sends Basic credentials it has cached), and
    // before the client sends its body.
    void foreignWritesAreRefusedBeforeAuthAndBody()
    {
        int calls = 0;
        SmtpHttpApiTest::router(m_api.get())
            .add("POST", QStringLiteral("/test/write"), [&calls](HttpRequest &) {
                ++calls;
                return HttpResponse::ok();
            });
        m_api->setCredentials({ { QStringLiteral("u"), QStringLiteral("p") } });
        const QByteArray authorization = "Authorization: Basic " + QByteArray("u:p").toBase64();
        Client c(m_port);
        const Answer refused
            = c.exchange("POST /test/write HTTP/1.1\r\nHost: localhost\r\n" + authorization
                   + "\r\nOrigin: http://evil.test\r\nExpect: 100-continue\r\n"
                     "Content-Length: 2\r\n\r\n")
                  .value(0);
        QCOMPARE(refused.status, 403);
        QVERIFY(c.waitForClose());
        QCOMPARE(calls, 0);
        Client own(m_port);
        QCOMPARE(own.exchange("POST /test/write HTTP/1.1\r\nHost: localhost\r\n" + authorization
                        + "\r\nOrigin: http://localhost\r\nContent-Length: 2\r\n\r\n{}")
                     .value(0)
                     .status,
            200);
        QCOMPARE(calls, 1);
        // With CORS "*" a page of any origin may write with a request the browser sent after a
        // preflight (which, answered "*", lets none with the browser's credentials through: the
        // page knows them itself). Not with one a form or a no-cors fetch sends, which would
        // carry the credentials the browser has cached.
        m_api->setCorsOrigin(QStringLiteral("*"));
        const auto fromAnyPage = [&](const QByteArray &contentType) {
            Client any(m_port);
            return any
                .exchange("POST /test/write HTTP/1.1\r\nHost: localhost\r\n" + authorization
                    + "\r\nOrigin: http://evil.test\r\n" + contentType
                    + "Content-Length: 2\r\n\r\n{}")
                .value(0)
                .status;
        };
        QCOMPARE(fromAnyPage("Content-Type: application/json\r\n"), 200);
        QCOMPARE(calls, 2);
        QCOMPARE(fromAnyPage("Content-Type: text/plain;charset=UTF-8\r\n"), 403);
        QCOMPARE(fromAnyPage("Content-Type: Application/X-WWW-Form-Urlencoded\r\n"), 403);
        QCOMPARE(fromAnyPage("Content-Type: multipart/form-data; boundary=x\r\n"), 403);
        QCOMPARE(fromAnyPage(QByteArray()), 403); // a Blob without a type
        QCOMPARE(calls, 2);
    }

    void basicAuth()
    {
        m_api->setCredentials({ { QStringLiteral("alice"), QStringLiteral("s3cret:x") },
            { QStringLiteral("bob"), QStringLiteral("pw") } });
        Client c(m_port);
        const Answer none = c.get("/test/echo");
        QCOMPARE(none.status, 401);
        QCOMPARE(none.header("www-authenticate"), QByteArray("Basic realm=\"smtp-receiver\""));
        const auto withAuth = [&c](const QByteArray &userPass) {
            return c.get("/test/echo",
                "Host: localhost\r\nAuthorization: Basic " + userPass.toBase64() + "\r\n");
        };
        QCOMPARE(withAuth("alice:s3cret:x").status, 200); // the password may hold a colon
        QCOMPARE(withAuth("bob:pw").status, 200);
        QCOMPARE(withAuth("alice:pw").status, 401);
        QCOMPARE(withAuth("bob:pw2").status, 401);
        QCOMPARE(withAuth("bob:p").status, 401);
        QCOMPARE(withAuth("bob").status, 401);
        QCOMPARE(
            c.get("/test/echo", "Host: localhost\r\nAuthorization: Basic !!!\r\n").status, 401);
        QCOMPARE(c.get("/test/echo", "Host: localhost\r\nAuthorization: Bearer x\r\n").status, 401);
        // The probes stay open.
        QCOMPARE(c.get("/livez").status, 200);
        QCOMPARE(c.get("/livez").status, 200);
        // Without credentials configured, an Authorization field is ignored.
        m_api->setCredentials({});
        QCOMPARE(withAuth("nobody:nothing").status, 200);
    }

    void authChecks()
    {
        const QHash<QString, QString> credentials { { QStringLiteral("u"), QStringLiteral("p") } };
        QVERIFY(HttpChecks::isAuthorized("Basic " + QByteArray("u:p").toBase64(), credentials));
        QVERIFY(HttpChecks::isAuthorized("basic " + QByteArray("u:p").toBase64(), credentials));
        QVERIFY(!HttpChecks::isAuthorized("Basic " + QByteArray("u:").toBase64(), credentials));
        QVERIFY(!HttpChecks::isAuthorized("Basic " + QByteArray(":p").toBase64(), credentials));
        QVERIFY(!HttpChecks::isAuthorized({}, credentials));
        QVERIFY(!HttpChecks::isAuthorized("Basic " + QByteArray("u:p").toBase64(), {}));
    }

    void methodNotAllowed()
    {
        Client c(m_port);
        const Answer a
            = c.exchange("DELETE /test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n").value(0);
        QCOMPARE(a.status, 405);
        QVERIFY(a.header("allow").contains("GET"));
        QCOMPARE(c.get("/nothing/here").status, 404);
    }

    void bodyTooLargeIsRefusedFromTheHeader()
    {
        m_api->setMaxBodySize(100);
        Client c(m_port);
        // No body is sent: the answer comes from the header alone.
        const Answer a = c.exchange("POST /test/echo HTTP/1.1\r\nHost: localhost\r\n"
                                    "Content-Length: 1000000\r\n\r\n")
                             .value(0);
        QCOMPARE(a.status, 413);
        QVERIFY(c.waitForClose());

        Client fits(m_port);
        const Answer ok = fits.exchange("POST /test/echo HTTP/1.1\r\nHost: localhost\r\n"
                                        "Content-Length: 100\r\n\r\n"
                                  + QByteArray(100, 'x'))
                              .value(0);
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.body, QByteArray(100, 'x'));
    }

    void expectContinue()
    {
        Client c(m_port);
        c.socket.write("POST /test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                       "Expect: 100-continue\r\n\r\n");
        const Answer interim = c.read().value(0);
        QCOMPARE(interim.status, 100);
        const Answer a = c.exchange("hello").value(0);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, QByteArray("hello"));

        // A request that will be refused gets its refusal instead of the 100: the body is
        // never invited.
        m_api->setCredentials({ { QStringLiteral("u"), QStringLiteral("p") } });
        Client refused(m_port);
        refused.socket.write("POST /test/echo HTTP/1.1\r\nHost: localhost\r\n"
                             "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QCOMPARE(refused.read().value(0).status, 401);
        QVERIFY(refused.waitForClose());
        Client foreign(m_port);
        foreign.socket.write("POST /test/echo HTTP/1.1\r\nHost: attacker.example\r\n"
                             "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QCOMPARE(foreign.read().value(0).status, 403);
        QVERIFY(foreign.waitForClose());
    }

    void headerTooLarge()
    {
        Client c(m_port);
        const Answer a = c.exchange("GET /test/echo HTTP/1.1\r\nHost: localhost\r\nBig: "
                              + QByteArray(40000, 'x') + "\r\n\r\n")
                             .value(0);
        QCOMPARE(a.status, 431);
        QVERIFY(c.waitForClose());
    }

    void badRequestClosesAfterOneLine()
    {
        Client c(m_port);
        const QList<Answer> answers
            = c.exchange("GET /test/echo HTTP/1.1\r\nHost: localhost\r\n\r\nNONSENSE\r\n\r\n", 2);
        QCOMPARE(answers.size(), 2);
        QCOMPARE(answers.at(0).status, 200);
        QCOMPARE(answers.at(1).status, 400);
        QCOMPARE(answers.at(1).header("connection"), QByteArray("close"));
        QVERIFY(!answers.at(1).body.isEmpty());
        QVERIFY(!answers.at(1).body.contains('\n'));
        QVERIFY(c.waitForClose());
    }

    void keepAliveAndPipelining()
    {
        Client c(m_port);
        const QList<Answer> answers = c.exchange(
            "GET /test/echo?1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
            "POST /test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc"
            "POST /test/echo HTTP/1.1\r\nHost: localhost\r\n"
            "Transfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
            3);
        QCOMPARE(answers.size(), 3);
        QCOMPARE(answers.at(0).body, QByteArray("/test/echo "));
        QCOMPARE(answers.at(1).body, QByteArray("abc"));
        QCOMPARE(answers.at(2).body, QByteArray("z"));
        QVERIFY(!answers.at(2).hasHeader("connection"));
        QCOMPARE(c.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(c.get("/test/echo").status, 200); // still open

        // Connection: close is honoured.
        const Answer last = c.get("/test/echo", "Host: localhost\r\nConnection: close\r\n");
        QCOMPARE(last.header("connection"), QByteArray("close"));
        QVERIFY(c.waitForClose());

        // HTTP/1.0 closes unless asked to keep alive.
        Client old(m_port);
        QCOMPARE(old.exchange("GET /test/echo HTTP/1.0\r\nHost: localhost\r\n\r\n").value(0).status,
            200);
        QVERIFY(old.waitForClose());
        Client kept(m_port);
        const Answer a = kept.exchange("GET /test/echo HTTP/1.0\r\nHost: localhost\r\n"
                                       "Connection: keep-alive\r\n\r\n")
                             .value(0);
        QCOMPARE(a.header("connection"), QByteArray("keep-alive"));
        QCOMPARE(
            kept.exchange("GET /test/echo HTTP/1.0\r\nHost: localhost\r\n\r\n").value(0).status,
            200);
        QVERIFY(kept.waitForClose());
    }

    void idleAndHeadTimeouts()
    {
        SmtpHttpApiTest::setTimeouts(m_api.get(), 300, 200);
        Client idle(m_port);
        QCOMPARE(idle.get("/test/echo").status, 200);
        QVERIFY(idle.waitForClose(3000));

        // A head that trickles in is cut off by the head timer, even though bytes keep coming.
        SmtpHttpApiTest::setTimeouts(m_api.get(), 100000, 300);
        Client slow(m_port);
        QElapsedTimer timer;
        timer.start();
        slow.socket.write("GET /test/echo HTTP/1.1\r\n");
        while (slow.socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < 5000) {
            slow.socket.write("X: y\r\n");
            waitForBytes(slow.socket, 50);
        }
        QCOMPARE(slow.socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY(timer.elapsed() < 3000);
    }

    void concurrentClients()
    {
        constexpr int count = 300;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < count; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, m_port);
            sockets.push_back(std::move(socket));
        }
        for (auto &socket : sockets) {
            QVERIFY(QTest::qWaitFor(
                [&socket] { return socket->state() == QAbstractSocket::ConnectedState; }, 5000));
            socket->write("GET /test/echo HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_api->connectionCount(), count, 10000);
        int answered = 0;
        for (auto &socket : sockets) {
            QByteArray buffer;
            Answer a;
            QElapsedTimer timer;
            timer.start();
            while (!takeAnswer(&buffer, &a) && timer.elapsed() < 10000) {
                if (socket->bytesAvailable() == 0)
                    waitForBytes(*socket, 100);
                buffer += socket->readAll();
            }
            answered += a.status == 200 ? 1 : 0;
        }
        QCOMPARE(answered, count);
    }

    void connectionLimit()
    {
        m_api->setMaxConnections(2);
        Client a(m_port);
        Client b(m_port);
        QTRY_COMPARE(m_api->connectionCount(), 2);
        Client c(m_port);
        const Answer refused = c.read().value(0);
        QCOMPARE(refused.status, 503);
        QVERIFY(c.waitForClose());
        QCOMPARE(a.get("/test/echo").status, 200);
        // A place freed is a place taken.
        b.socket.disconnectFromHost();
        QTRY_COMPARE(m_api->connectionCount(), 1);
        Client d(m_port);
        QCOMPARE(d.get("/test/echo").status, 200);
    }

    void closeClosesEverything()
    {
        Client a(m_port);
        QCOMPARE(a.get("/test/echo").status, 200);
        QWebSocket ws;
        QSignalSpy connected(&ws, &QWebSocket::connected);
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/events").arg(m_port)));
        QVERIFY(connected.wait(5000));
        QTRY_COMPARE(m_api->connectionCount(), 2);
        m_api->close();
        QCOMPARE(m_api->connectionCount(), 0);
        QVERIFY(!m_api->isListening());
        QVERIFY(a.waitForClose());
        QTRY_COMPARE(ws.state(), QAbstractSocket::UnconnectedState);
    }

    void webSocketReceivesFrames()
    {
        QWebSocket ws;
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy received(&ws, &QWebSocket::textMessageReceived);
        ws.open(QUrl(QStringLiteral("ws://localhost:%1/api/events").arg(m_port)));
        QVERIFY(connected.wait(5000));
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        Q_EMIT SmtpHttpApiTest::events(m_api.get())->frame(R"({"Type":"truncate","Data":null})");
        QVERIFY(received.wait(5000));
        QCOMPARE(received.constFirst().constFirst().toString(),
            QStringLiteral(R"({"Type":"truncate","Data":null})"));
        ws.sendTextMessage(QStringLiteral("ignored")); // incoming frames change nothing
        Q_EMIT SmtpHttpApiTest::events(m_api.get())->frame("second");
        QTRY_COMPARE(received.size(), 2);
        ws.close();
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
    }

    // The 101 carries the CORS fields of every other answer: none without a CORS origin, else
    // that origin (never the request's Origin, nor "*"). The frames after it arrive intact.
    void webSocketUpgradeHasTheCorsFieldsOfEveryAnswer_data()
    {
        QTest::addColumn<QString>("corsOrigin");
        QTest::addColumn<QByteArray>("origin"); // of the request; empty: none
        QTest::newRow("no CORS, no Origin") << QString() << QByteArray();
        QTest::newRow("no CORS, own Origin") << QString() << QByteArray("http://localhost");
        QTest::newRow("CORS, its Origin")
            << "http://app.test:3000" << QByteArray("http://app.test:3000");
        QTest::newRow("CORS, own Origin")
            << "http://app.test:3000" << QByteArray("http://localhost");
        QTest::newRow("CORS, no Origin") << "http://app.test:3000" << QByteArray();
    }
    void webSocketUpgradeHasTheCorsFieldsOfEveryAnswer()
    {
        QFETCH(QString, corsOrigin);
        QFETCH(QByteArray, origin);
        m_api->setCorsOrigin(corsOrigin);
        Client c(m_port);
        const Answer upgraded
            = c.exchange("GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n"
                   + (origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n") + "\r\n")
                  .value(0);
        QCOMPARE(upgraded.status, 101);
        QCOMPARE(
            upgraded.header("sec-websocket-accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QByteArrayList cors;
        for (const auto &[name, value] : upgraded.headers) {
            if (name.toLower().startsWith("access-control-"))
                cors.append(name.toLower() + ": " + value);
        }
        if (corsOrigin.isEmpty()) {
            QCOMPARE(cors, QByteArrayList());
        } else {
            QCOMPARE(
                cors, QByteArrayList { "access-control-allow-origin: " + corsOrigin.toUtf8() });
            QCOMPARE(upgraded.header("vary"), QByteArray("Origin"));
        }

        // The stream after the head is the WebSocket's, untouched.
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        Q_EMIT SmtpHttpApiTest::events(m_api.get())->frame("hello");
        QVERIFY(QTest::qWaitFor(
            [&c] {
                c.buffer += c.socket.readAll();
                return c.buffer.size() >= 7;
            },
            5000));
        QCOMPARE(c.buffer, QByteArray("\x81\x05hello"));
    }

    void upgradeHeadRewriting()
    {
        const QByteArray head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                "access-control-allow-origin: *\r\n"
                                "Access-Control-Allow-Methods: GET\r\nServer: x\r\n\r\n";
        QCOMPARE(HttpUpgradeSocket::rewrittenHead(head, {}),
            QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       "Server: x\r\n\r\n"));
        QCOMPARE(HttpUpgradeSocket::rewrittenHead(head, "A: b\r\n"),
            QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       "Server: x\r\nA: b\r\n\r\n"));
    }

    void webSocketWithAuthAndAllowedOrigin()
    {
        m_api->setCredentials({ { QStringLiteral("u"), QStringLiteral("p") } });
        {
            QWebSocket ws;
            QSignalSpy disconnected(&ws, &QWebSocket::disconnected);
            ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/events").arg(m_port)));
            QVERIFY(disconnected.wait(5000)); // 401: no upgrade
            QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
        }
        QWebSocket ws(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); // its own page
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/events").arg(m_port)));
        request.setRawHeader("Authorization", "Basic " + QByteArray("u:p").toBase64());
        ws.open(request);
        QVERIFY(connected.wait(5000));
    }

    void webSocketFromAForeignOriginIsRefused()
    {
        QWebSocket ws(QStringLiteral("http://attacker.example"));
        QSignalSpy connected(&ws, &QWebSocket::connected);
        QSignalSpy disconnected(&ws, &QWebSocket::disconnected);
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/events").arg(m_port)));
        QVERIFY(disconnected.wait(5000));
        QCOMPARE(connected.size(), 0);
        QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);

        // The same on the wire: a 403 before any upgrade.
        Client c(m_port);
        const Answer a = c.exchange("GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    "Sec-WebSocket-Version: 13\r\n"
                                    "Origin: http://attacker.example\r\n\r\n")
                             .value(0);
        QCOMPARE(a.status, 403);
        QVERIFY(c.waitForClose());
    }

    // The Origin of a WebSocket is checked as a write's is (isAllowedOrigin): a page served on
    // another local port (another dev server) is as foreign as any other site.
    void webSocketOrigins_data()
    {
        QTest::addColumn<QByteArray>("origin"); // empty: none
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("cors");
        const QString app = QStringLiteral("https://app.test");
        QTest::newRow("none") << QByteArray() << 101 << app;
        QTest::newRow("own") << QByteArray("http://localhost:8025") << 101 << app;
        QTest::newRow("allowed host") << QByteArray("http://mail.example.test:3000") << 101 << app;
        QTest::newRow("CORS origin") << QByteArray("https://app.test") << 101 << app;
        QTest::newRow("another local port") << QByteArray("http://localhost:5173") << 403 << app;
        QTest::newRow("another local name") << QByteArray("http://127.0.0.1:8025") << 403 << app;
        QTest::newRow("[::1] on another port") << QByteArray("http://[::1]:3000") << 403 << app;
        QTest::newRow("null") << QByteArray("null") << 403 << app;
        QTest::newRow("foreign") << QByteArray("http://attacker.example") << 403 << app;
        // A browser sends the Basic credentials it has cached with a WebSocket, and applies no
        // CORS to it: "*" lets no page of another origin open one.
        QTest::newRow("foreign, CORS *")
            << QByteArray("http://attacker.example") << 403 << QStringLiteral("*");
        QTest::newRow("own, CORS *")
            << QByteArray("http://localhost:8025") << 101 << QStringLiteral("*");
    }
    void webSocketOrigins()
    {
        QFETCH(QByteArray, origin);
        QFETCH(int, status);
        QFETCH(QString, cors);
        m_api->setAllowedHosts({ QStringLiteral("mail.example.test") });
        m_api->setCorsOrigin(cors);
        Client c(m_port);
        const Answer a
            = c.exchange("GET /api/events HTTP/1.1\r\nHost: localhost:8025\r\n"
                         "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n"
                   + (origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n") + "\r\n")
                  .value(0);
        QCOMPARE(a.status, status);
        if (status == 101) {
            QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        } else {
            QCOMPARE(a.body, QByteArray("Forbidden: unknown Origin"));
            QVERIFY(c.waitForClose());
            QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
        }
    }

    void badWebSocketHandshakes()
    {
        const QByteArray upgrade = "GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                                   "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        Client noVersion(m_port);
        const Answer a
            = noVersion.exchange(upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                  .value(0);
        QCOMPARE(a.status, 426);
        QCOMPARE(a.header("sec-websocket-version"), QByteArray("13"));
        QVERIFY(noVersion.waitForClose());
        Client noKey(m_port);
        QCOMPARE(
            noKey.exchange(upgrade + "Sec-WebSocket-Version: 13\r\n\r\n").value(0).status, 400);
        QVERIFY(noKey.waitForClose());
        QTRY_COMPARE(m_api->connectionCount(), 0);
    }

    // /api/events is a route like the others for what is not an upgrade: without one, 400 (as
    // Mailpit answers); another method, 405 with Allow.
    void eventsWithoutAnUpgrade()
    {
        Client c(m_port);
        const Answer plain = c.get("/api/events");
        QCOMPARE(plain.status, 400);
        QVERIFY(plain.header("content-type").startsWith("text/plain"));
        QVERIFY(!plain.body.isEmpty());
        QVERIFY(!plain.body.contains('\n'));
        const Answer post = c.exchange("POST /api/events HTTP/1.1\r\nHost: localhost\r\n"
                                       "Content-Length: 0\r\n\r\n")
                                .value(0);
        QCOMPARE(post.status, 405);
        QCOMPARE(post.header("allow"), QByteArray("GET, HEAD"));
        // An upgrade with another method is no WebSocket either.
        const Answer upgradePost = c.exchange("POST /api/events HTTP/1.1\r\nHost: localhost\r\n"
                                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Content-Length: 0\r\n\r\n")
                                       .value(0);
        QCOMPARE(upgradePost.status, 405);
        QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
    }

    // The sockets are served on a thread of their own, the routes on the API's: what needs no
    // route is answered while the API's thread runs no event loop at all.
    void connectionsLiveOnTheTransportThread()
    {
        QThread *transportThread = SmtpHttpApiTest::transportThread(m_api.get());
        QVERIFY(transportThread);
        QVERIFY(transportThread != QThread::currentThread());
        QVERIFY(transportThread->isRunning());
        QThread *routeThread = nullptr;
        SmtpHttpApiTest::router(m_api.get())
            .add("GET", QStringLiteral("/test/thread"), [&routeThread](HttpRequest &) {
                routeThread = QThread::currentThread();
                return HttpResponse::ok();
            });
        Client c(m_port);
        QCOMPARE(c.get("/test/thread").status, 200);
        QCOMPARE(routeThread, QThread::currentThread());

        // waitForReadyRead() waits for this socket alone, without running this thread's loop.
        c.socket.write("GET /test/echo HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
        QVERIFY(c.socket.waitForBytesWritten(5000));
        QByteArray bytes;
        while (!bytes.contains("\r\n\r\n") && c.socket.waitForReadyRead(10000))
            bytes += c.socket.readAll();
        QVERIFY2(bytes.startsWith("HTTP/1.1 403 "), bytes.constData());
    }

    void originChecks_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<QByteArray>("authority"); // the request's Host
        QTest::addColumn<QString>("cors");
        QTest::addColumn<bool>("allowed");
        const QString none;
        const QString app = QStringLiteral("https://app.test");
        QTest::newRow("own") << QByteArray("http://localhost:8025") << QByteArray("localhost:8025")
                             << none << true;
        QTest::newRow("own, in another case")
            << QByteArray("HTTP://LocalHost:8025") << QByteArray("LOCALHOST:8025") << none << true;
        QTest::newRow("own, default port written")
            << QByteArray("http://127.0.0.1:80") << QByteArray("127.0.0.1") << none << true;
        QTest::newRow("own, default port left out")
            << QByteArray("http://127.0.0.1") << QByteArray("127.0.0.1:80") << none << true;
        QTest::newRow("own IPv6") << QByteArray("http://[::1]:8025") << QByteArray("[::1]:8025")
                                  << none << true;
        QTest::newRow("own name over https") << QByteArray("https://localhost:8025")
                                             << QByteArray("localhost:8025") << none << false;
        QTest::newRow("another local port")
            << QByteArray("http://localhost:5173") << QByteArray("localhost:8025") << none << false;
        QTest::newRow("another local name")
            << QByteArray("http://127.0.0.1:8025") << QByteArray("localhost:8025") << none << false;
        QTest::newRow("own with a path") << QByteArray("http://localhost:8025/")
                                         << QByteArray("localhost:8025") << none << false;
        QTest::newRow("own with user info") << QByteArray("http://x@localhost:8025")
                                            << QByteArray("localhost:8025") << none << false;
        QTest::newRow("empty port")
            << QByteArray("http://localhost:") << QByteArray("localhost:80") << none << false;
        QTest::newRow("CORS") << QByteArray("https://app.test") << QByteArray("localhost") << app
                              << true;
        QTest::newRow("CORS with its default port")
            << QByteArray("https://APP.test:443") << QByteArray("localhost") << app << true;
        QTest::newRow("CORS over http")
            << QByteArray("http://app.test") << QByteArray("localhost") << app << false;
        QTest::newRow("CORS on another port")
            << QByteArray("https://app.test:8443") << QByteArray("localhost") << app << false;
        QTest::newRow("no CORS") << QByteArray("https://app.test") << QByteArray("localhost")
                                 << none << false;
        // "*" names no origin: it lets pages read (CORS), not write nor open the WebSocket.
        QTest::newRow("CORS *") << QByteArray("http://evil.test") << QByteArray("localhost")
                                << QStringLiteral("*") << false;
        QTest::newRow("allowed host") << QByteArray("http://mail.example.test:8025")
                                      << QByteArray("localhost") << none << true;
        QTest::newRow("allowed host, https, any port")
            << QByteArray("https://Mail.Example.Test:9") << QByteArray("localhost") << none << true;
        QTest::newRow("attacker") << QByteArray("http://attacker.example")
                                  << QByteArray("localhost") << app << false;
        QTest::newRow("attacker named like the Host")
            << QByteArray("http://localhost.attacker.example") << QByteArray("localhost") << app
            << false;
        QTest::newRow("attacker behind user info")
            << QByteArray("http://localhost@attacker.example") << QByteArray("localhost") << app
            << false;
        QTest::newRow("null") << QByteArray("null") << QByteArray("localhost") << app << false;
        QTest::newRow("file") << QByteArray("file://localhost") << QByteArray("localhost") << app
                              << false;
        QTest::newRow("empty") << QByteArray() << QByteArray("localhost") << app << false;
        QTest::newRow("no authority")
            << QByteArray("http://localhost") << QByteArray() << none << false;
    }
    void originChecks()
    {
        QFETCH(QByteArray, origin);
        QFETCH(QByteArray, authority);
        QFETCH(QString, cors);
        QFETCH(bool, allowed);
        const QStringList hosts { QStringLiteral("mail.example.test") };
        QCOMPARE(HttpChecks::isAllowedOrigin(origin, authority, hosts, cors), allowed);
    }

    // A body must keep coming after its head: once the grace period has passed, at the minimum
    // rate on average, or the request is answered 408 and the connection closed. The idle timer
    // alone let one byte now and then hold a connection, and its body in memory, for ever.
    void aBodyThatComesTooSlowlyIs408()
    {
        SmtpHttpApiTest::setTimeouts(m_api.get(), 100000, 100000);
        SmtpHttpApiTest::setBodyLimits(m_api.get(), 200, 10 * 1024, 0);
        const QByteArray head
            = "POST /test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n";
        // A body that stops.
        Client stalled(m_port);
        const Answer cut = stalled.exchange(head + "0123456789").value(0);
        QCOMPARE(cut.status, 408);
        QCOMPARE(cut.header("connection"), QByteArray("close"));
        QVERIFY(!cut.body.contains('\n'));
        QVERIFY(stalled.waitForClose());

        // A body that trickles: a byte every 20 ms, so the idle timer never fires.
        Client trickle(m_port);
        trickle.socket.write(head);
        QElapsedTimer timer;
        timer.start();
        while (trickle.socket.state() == QAbstractSocket::ConnectedState
            && trickle.socket.bytesAvailable() == 0 && timer.elapsed() < 10000) {
            trickle.socket.write("x");
            waitForBytes(trickle.socket, 20);
        }
        QCOMPARE(trickle.read().value(0).status, 408);
        QVERIFY(trickle.waitForClose());

        // The same body at once is taken; so is one on a connection that waited for it.
        Client fast(m_port);
        const Answer taken = fast.exchange(head + QByteArray(100000, 'x')).value(0);
        QCOMPARE(taken.status, 200);
        QCOMPARE(taken.body.size(), 100000);
        QCOMPARE(fast.exchange(head + QByteArray(100000, 'y')).value(0).status, 200);
    }

    // The bodies over 64 KiB that are being received or answered share one budget; a request
    // whose body would pass it is refused with 503 from its head, before its body is read or
    // invited. Smaller bodies are not counted.
    void largeBodiesShareABudget()
    {
        SmtpHttpApiTest::setTimeouts(m_api.get(), 100000, 100000);
        SmtpHttpApiTest::setBodyLimits(m_api.get(), 100000, 0, 300 * 1024);
        const auto head = [](qint64 length, const QByteArray &extra = {}) -> QByteArray {
            return "POST /test/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + QByteArray::number(length) + "\r\n" + extra + "\r\n";
        };
        constexpr qint64 large = 200 * 1024;
        Client first(m_port);
        first.socket.write(head(large) + QByteArray(1000, 'a'));
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), large);

        Client second(m_port);
        const Answer refused = second.exchange(head(large)).value(0);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("retry-after"), QByteArray("1"));
        QVERIFY(!refused.body.contains('\n'));
        QVERIFY(second.waitForClose());
        Client asking(m_port);
        QCOMPARE(asking.exchange(head(large, "Expect: 100-continue\r\n")).value(0).status, 503);
        QVERIFY(asking.waitForClose());
        Client small(m_port);
        QCOMPARE(small.exchange(head(60000) + QByteArray(60000, 's')).value(0).status, 200);
        QCOMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), large);

        // Answered, the first gives its share back.
        const Answer done = first.exchange(QByteArray(large - 1000, 'a')).value(0);
        QCOMPARE(done.status, 200);
        QCOMPARE(done.body.size(), large);
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), qint64(0));
        Client third(m_port);
        QCOMPARE(third.exchange(head(large) + QByteArray(large, 'c')).value(0).status, 200);

        // A chunked body counts as its chunks are announced.
        Client holder(m_port);
        holder.socket.write(head(large));
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), large);
        Client chunked(m_port);
        const QByteArray chunk
            = QByteArray::number(80 * 1024, 16) + "\r\n" + QByteArray(80 * 1024, 'z') + "\r\n";
        chunked.socket.write("POST /test/echo HTTP/1.1\r\nHost: localhost\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n"
            + chunk);
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), large + 80 * 1024);
        QCOMPARE(chunked.exchange(chunk).value(0).status, 503);
        QVERIFY(chunked.waitForClose());
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), large);
        holder.socket.abort();
        QTRY_COMPARE(SmtpHttpApiTest::bodyBytesHeld(m_api.get()), qint64(0));
    }

    // A WebSocket client has nothing to say: a frame or a message of more than a few KiB closes
    // it (1009), before Qt gathers it. An unfinished 300 MiB message used to be buffered whole.
    void webSocketClientThatSendsTooMuchIsClosed_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QByteArray fragments;
        for (int i = 0; i < 8; ++i)
            fragments += clientFrame(i == 0 ? 0x1 : 0x0, QByteArray(1024, 'f'), false);
        // (Little is sent after what is refused, so that the server has read it all when it
        // closes: unread bytes would make the close a reset, and the close frame could be lost.)
        QTest::newRow("an unfinished 300 MiB frame")
            << clientFrame(0x2, QByteArray(1024, 'b'), false, quint64(300) << 20);
        QTest::newRow("a message in 1 KiB fragments") << fragments;
    }
    void webSocketClientThatSendsTooMuchIsClosed()
    {
        QFETCH(QByteArray, sent);
        Client c(m_port);
        QCOMPARE(c.exchange(upgradeRequest).value(0).status, 101);
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        // A small message is let be.
        c.socket.write(clientFrame(0x1, "hello"));
        Q_EMIT SmtpHttpApiTest::events(m_api.get())->frame("still here");
        QVERIFY(QTest::qWaitFor(
            [&c] {
                c.buffer += c.socket.readAll();
                return c.buffer.contains("still here");
            },
            5000));
        c.buffer.clear();
        c.socket.write(sent);
        QVERIFY(c.waitForClose());
        QCOMPARE(closeCode(c.buffer), 1009);
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
    }

    // WebSocket clients have a limit of their own, so that they cannot take every connection
    // from the REST API: one more is refused with 503 before its upgrade.
    void webSocketClientsHaveTheirOwnLimit()
    {
        SmtpHttpApiTest::setWebSocketLimits(m_api.get(), 2, 30000);
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/api/events").arg(m_port));
        QWebSocket a;
        QWebSocket b;
        QSignalSpy aConnected(&a, &QWebSocket::connected);
        QSignalSpy bConnected(&b, &QWebSocket::connected);
        a.open(url);
        b.open(url);
        QVERIFY(aConnected.wait(5000));
        QVERIFY(bConnected.size() == 1 || bConnected.wait(5000));
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 2);

        Client third(m_port);
        const Answer refused = third.exchange(upgradeRequest).value(0);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.body, QByteArray("Service Unavailable: too many WebSocket clients"));
        QVERIFY(third.waitForClose());
        QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 2);
        Client rest(m_port);
        QCOMPARE(rest.get("/test/echo").status, 200);

        // A place freed is a place taken.
        a.close();
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        QWebSocket d;
        QSignalSpy dConnected(&d, &QWebSocket::connected);
        d.open(url);
        QVERIFY(dConnected.wait(5000));
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 2);
    }

    // Every client is pinged; one that has not answered by the next ping is dropped, one that
    // answers stays.
    void webSocketClientsThatDoNotAnswerPingsAreDropped()
    {
        SmtpHttpApiTest::setWebSocketLimits(m_api.get(), 100, 500);
        Client answering(m_port);
        QCOMPARE(answering.exchange(upgradeRequest).value(0).status, 101);
        Client silent(m_port);
        QCOMPARE(silent.exchange(upgradeRequest).value(0).status, 101);
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 2);

        int pings = 0;
        int silentPings = 0;
        QElapsedTimer timer;
        timer.start();
        while ((pings < 3 || silent.socket.state() == QAbstractSocket::ConnectedState)
            && answering.socket.state() == QAbstractSocket::ConnectedState
            && timer.elapsed() < 20000) {
            waitForBytes(answering.socket, 20);
            answering.buffer += answering.socket.readAll();
            quint8 opcode = 0;
            QByteArray payload;
            while (takeServerFrame(&answering.buffer, &opcode, &payload)) {
                if (opcode == 0x9) {
                    ++pings;
                    answering.socket.write(clientFrame(0xA, payload));
                }
            }
            silent.buffer += silent.socket.readAll();
            while (takeServerFrame(&silent.buffer, &opcode, &payload))
                silentPings += opcode == 0x9 ? 1 : 0;
        }
        QVERIFY2(pings >= 3, QByteArray::number(pings).constData());
        QCOMPARE(answering.socket.state(), QAbstractSocket::ConnectedState);
        QVERIFY(silentPings >= 1);
        QVERIFY(silent.waitForClose());
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
    }

    // Qt answers each ping with a pong: a client that sends pings and reads nothing would pile
    // them up unsent. It is dropped, as one that does not read the stream is.
    void webSocketClientThatPingsWithoutReadingIsDropped()
    {
        Client c(m_port);
        c.socket.setReadBufferSize(1); // Qt reads nothing more from the kernel for us
        c.socket.write(upgradeRequest);
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        QByteArray pings;
        while (pings.size() < 1024 * 1024)
            pings += clientFrame(0x9, QByteArray(125, 'p'));
        for (int i = 0; i < 200 && SmtpHttpApiTest::webSocketClientCount(m_api.get()) > 0; ++i) {
            c.socket.write(pings);
            c.socket.waitForBytesWritten(100);
            QTest::qWait(5);
        }
        QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
    }

    void webSocketClientThatDoesNotReadIsDropped()
    {
        // A client that completes the handshake and then never reads.
        Client c(m_port);
        c.socket.setReadBufferSize(1); // Qt reads nothing more from the kernel for us
        c.socket.write("GET /api/events HTTP/1.1\r\nHost: localhost\r\n"
                       "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n\r\n");
        QTRY_COMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 1);
        const QByteArray big(1024 * 1024, 'x');
        for (int i = 0; i < 200 && SmtpHttpApiTest::webSocketClientCount(m_api.get()) > 0; ++i) {
            Q_EMIT SmtpHttpApiTest::events(m_api.get())->frame(big);
            QTest::qWait(5);
        }
        QCOMPARE(SmtpHttpApiTest::webSocketClientCount(m_api.get()), 0);
    }
};

QTEST_GUILESS_MAIN(TestHttpTransport)
#include "tst_httptransport.moc"
