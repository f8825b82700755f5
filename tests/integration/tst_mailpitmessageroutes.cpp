// The routes of one message (GET /api/v1/message/{ID}, /headers, /raw, /part/{PartID},
// /view/{ID}.html|.txt) dispatched through HttpRouter over a real store, without sockets:
// latest and latest?query, 404s, content types, the view's CSP and cid: rewriting, part bytes,
// and the read flag, which only GET message sets. POST /api/v1/message/{ID}/release up to the
// point where it would reach the relay.
#include "httprouter.h"
#include "mailpitfixtures.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <storedelivery.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace MailpitFixtures;

class TestMailpitMessageRoutes : public QObject
{
    Q_OBJECT

private:
    SmtpMessageStore *m_store = nullptr;
    SmtpRelay *m_relay = nullptr; // off until a test configures it
    HttpRouter m_router;
    qint64 m_nodemailer = 0;
    qint64 m_plain = 0;

    HttpResponse request(
        const QByteArray &method, const QByteArray &target, const QByteArray &body = QByteArray())
    {
        HttpRequest request;
        request.method = method;
        request.target = target;
        const qsizetype question = target.indexOf('?');
        request.path = question < 0 ? target : target.left(question);
        if (question >= 0)
            request.query.setQuery(QString::fromUtf8(target.mid(question + 1)));
        request.body = body;
        return m_router.dispatch(request);
    }
    HttpResponse get(const QByteArray &target) { return request("GET", target); }
    HttpResponse post(const QByteArray &target, const QByteArray &body)
    {
        return request("POST", target, body);
    }
    // Makes the relay usable; nothing listens at its address, and no test gets as far as it.
    void configureRelay()
    {
        SmtpRelayConfig config;
        config.host = QStringLiteral("127.0.0.1");
        config.port = 9;
        config.allowedPattern = QStringLiteral(".*@allowed\\.test");
        m_relay->setConfig(config);
        QVERIFY(m_relay->isEnabled());
    }
    QByteArray path(qint64 id, const QByteArray &tail = {})
    {
        return "/api/v1/message/" + QByteArray::number(id) + tail;
    }
    static QJsonObject json(const HttpResponse &response)
    {
        return QJsonDocument::fromJson(response.body).object();
    }
    bool isRead(qint64 id) { return m_store->message(id)->summary().read; }

private Q_SLOTS:
    void init()
    {
        m_store = new SmtpMessageStore(this);
        QVERIFY(m_store->open(":memory:"));
        m_relay = new SmtpRelay(m_store, m_store);
        m_router = HttpRouter();
        const MailpitContext context { m_store, nullptr, QDateTime::currentDateTimeUtc() };
        addMailpitMessageRoutes(m_router, context);
        addMailpitReleaseRoute(m_router, context, [this] { return m_relay; });
        m_nodemailer = deliver(*m_store, envelope(nodemailerMessage(), { "alice@example.com" }));
        m_plain = deliver(
            *m_store, envelope(crlf("From: b@example.com\nSubject: plain newest\n\nJust text\n")));
        QVERIFY(m_nodemailer > 0 && m_plain > m_nodemailer);
        QVERIFY(waitForIndex(*m_store)); // latest?query searches words
    }
    void cleanup()
    {
        delete m_store; // and the relay
        m_store = nullptr;
        m_relay = nullptr;
    }

    void messageMarksRead()
    {
        QVERIFY(!isRead(m_nodemailer));
        QSignalSpy readChanged(m_store, &SmtpMessageStore::readChanged);
        const HttpResponse response = get(path(m_nodemailer));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.contentType, QByteArray("application/json"));
        const QJsonObject m = json(response);
        QCOMPARE(m.value("ID").toString(), QString::number(m_nodemailer));
        QCOMPARE(m.value("Subject").toString(), "Grüße from nodemailer");
        QCOMPARE(m.value("Attachments").toArray().size(), 2);
        QVERIFY(isRead(m_nodemailer));
        QTRY_COMPARE(readChanged.count(), 1); // the signal is queued
        QVERIFY(!isRead(m_plain));
    }

    void latest()
    {
        QCOMPARE(
            json(get("/api/v1/message/latest")).value("ID").toString(), QString::number(m_plain));
        QVERIFY(isRead(m_plain));
        QCOMPARE(json(get("/api/v1/message/latest?query=nodemailer")).value("ID").toString(),
            QString::number(m_nodemailer));
        const HttpResponse none = get("/api/v1/message/latest?query=nomatchanywhere");
        QCOMPARE(none.status, 404);
        QCOMPARE(none.body, QByteArray("Message not found"));
        // The query is read as the search route reads it: a date it cannot read is ignored.
        QCOMPARE(json(get("/api/v1/message/latest?query=nodemailer%20before:someday"))
                     .value("ID")
                     .toString(),
            QString::number(m_nodemailer));
        // latest works on every route of a message.
        QCOMPARE(get("/api/v1/message/latest/raw").body, m_store->rawData(m_plain));
        QCOMPARE(get("/api/v1/message/latest/headers?query=nodemailer").status, 200);
        QCOMPARE(get("/api/v1/message/latest/part/2?query=nodemailer").body, notesContent());
        QCOMPARE(get("/view/latest.txt").body, QByteArray("Just text\r\n"));
        QCOMPARE(get("/view/latest.html?query=nodemailer").status, 200);
    }

    void latestOfEmptyStore()
    {
        QVERIFY(m_store->clear());
        for (const QByteArray target : { "/api/v1/message/latest", "/api/v1/message/latest/raw",
                 "/api/v1/message/latest/headers", "/api/v1/message/latest/part/1",
                 "/view/latest.html", "/view/latest.txt" }) {
            const HttpResponse response = get(target);
            QCOMPARE(response.status, 404);
            QCOMPARE(response.body, QByteArray("Message not found"));
        }
    }

    void unknownIds()
    {
        for (const QByteArray id : { "999", "abc", "0", "-1", "1.5", "12abc" }) {
            for (const QByteArray tail : { "", "/headers", "/raw", "/part/1" }) {
                const HttpResponse response = get("/api/v1/message/" + id + tail);
                QCOMPARE(response.status, 404);
                QCOMPARE(response.body, QByteArray("404 page not found"));
            }
            QCOMPARE(get("/view/" + id + ".html").status, 404);
            QCOMPARE(get("/view/" + id + ".txt").status, 404);
        }
    }

    // An ID is the decimal string of the store id and nothing else: other spellings of the same
    // number are unknown IDs, not the message.
    void nonCanonicalIdsAreUnknown()
    {
        const QByteArray id = QByteArray::number(m_nodemailer);
        QCOMPARE(get(path(m_nodemailer, "/raw")).status, 200);
        const QByteArrayList others { "0" + id, "00" + id, "+" + id, "%2B" + id, "%20" + id,
            id + "%20", id + ".0", "0000000000000000000" + id };
        for (const QByteArray &other : others) {
            for (const QByteArray tail : { "", "/headers", "/raw", "/part/2" }) {
                const HttpResponse response = get("/api/v1/message/" + other + tail);
                QVERIFY2(response.status == 404, QByteArray(other + tail).constData());
                QCOMPARE(response.body, QByteArray("404 page not found"));
            }
            QVERIFY2(get("/view/" + other + ".html").status == 404, other);
            QVERIFY2(get("/view/" + other + ".txt").status == 404, other);
        }
        QVERIFY(!isRead(m_nodemailer));
        configureRelay();
        for (const QByteArray &other : others) {
            const HttpResponse released
                = post("/api/v1/message/" + other + "/release", R"({"To":["a@allowed.test"]})");
            QVERIFY2(released.status == 404, QByteArray(other + ": " + released.body).constData());
        }
    }

    // An unknown ID is 404 whatever else is wrong with the request: the message is looked up
    // before the body, the relay and the recipients.
    void releaseOfAnUnknownIdIsNotFound()
    {
        const QByteArray to = R"({"To":["a@allowed.test"]})";
        const QList<QByteArray> bodies { to, QByteArray(), "{", R"({"To":"a@allowed.test"})",
            R"({"To":["a@elsewhere.test"]})" };
        for (bool relayOn : { false, true }) {
            if (relayOn)
                configureRelay();
            for (const QByteArray &body : bodies) {
                const HttpResponse response = post("/api/v1/message/999/release", body);
                QVERIFY2(
                    response.status == 404, QByteArray(body + ": " + response.body).constData());
                QCOMPARE(response.body, QByteArray("404 page not found"));
            }
        }
        // A known message gets the other answers.
        QCOMPARE(post(path(m_plain, "/release"), R"({"To":["a@elsewhere.test"]})").status, 400);
        m_relay->setConfig({});
        const HttpResponse off = post(path(m_plain, "/release"), to);
        QCOMPARE(off.status, 400);
        QCOMPARE(off.body, QByteArray("no relay is configured"));
        QCOMPARE(post(path(m_plain, "/release"), "{").status, 400);
        // latest with a query is the newest message that matches it, as on the other routes.
        configureRelay();
        const HttpResponse noMatch
            = post("/api/v1/message/latest/release?query=nomatchanywhere", to);
        QCOMPARE(noMatch.status, 404);
        QCOMPARE(noMatch.body, QByteArray("Message not found"));
        QCOMPARE(post("/api/v1/message/latest/release?query=nodemailer",
                     R"({"To":["a@elsewhere.test"]})")
                     .status,
            400); // found, and then the recipient refused
        // latest of an empty store is no message either.
        QVERIFY(m_store->clear());
        QCOMPARE(post("/api/v1/message/latest/release", to).status, 404);
    }

    // A 400 is one line (contract.md, HTTP API): a recipient's line end or other control
    // character shows as U+FFFD in the refusal, and such a recipient never reaches the relay's
    // RCPT TO (the answer is the refusal, at once, not the relay's reply).
    void releaseRefusalIsOneLine()
    {
        configureRelay();
        const HttpResponse injected
            = post(path(m_plain, "/release"), R"({"To":["evil@z.test\r\nRCPT TO:<x@evil.test>"]})");
        QCOMPARE(injected.status, 400);
        QCOMPARE(QString::fromUtf8(injected.body),
            QStringLiteral("'evil@z.test\uFFFD\uFFFDRCPT TO:<x@evil.test>' is not an address"));
        // Control characters that are not white space, inside an address the pattern allows.
        const HttpResponse control
            = post(path(m_plain, "/release"), R"({"To":["a\u0001b\u0000@allowed.test"]})");
        QCOMPARE(control.status, 400);
        QCOMPARE(QString::fromUtf8(control.body),
            QStringLiteral("'a\uFFFDb\uFFFD@allowed.test' is not an address"));
        QVERIFY(m_store->releases(m_plain).isEmpty());
    }

    void headers()
    {
        const HttpResponse response = get(path(m_nodemailer, "/headers"));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.contentType, QByteArray("application/json"));
        const QJsonObject h = json(response);
        QCOMPARE(h.value("Subject").toArray(),
            QJsonArray({ "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_from_nodemailer?=" }));
        QCOMPARE(h.value("Message-Id").toArray(), QJsonArray({ "<abc-123@example.com>" }));
        QVERIFY(!h.contains("Bcc"));
        QVERIFY(!h.contains("Received"));
        QVERIFY(!isRead(m_nodemailer));
    }

    void raw()
    {
        const HttpResponse response = get(path(m_nodemailer, "/raw"));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.contentType, QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(response.body, nodemailerMessage());
        QCOMPARE(response.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QVERIFY(response.header("Content-Disposition").isEmpty());
        const HttpResponse download = get(path(m_nodemailer, "/raw?dl=1"));
        QCOMPARE(download.header("Content-Disposition"),
            "attachment; filename=\"" + QByteArray::number(m_nodemailer) + ".eml\"");
        QVERIFY(!isRead(m_nodemailer));
    }

    void parts_data()
    {
        QTest::addColumn<QByteArray>("partId");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("disposition");
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("inline image")
            << QByteArray("1.2.2") << QByteArray("image/png")
            << QByteArray("inline; filename=\"logo.png\"") << pngSignature();
        QTest::newRow("text attachment")
            << QByteArray("2") << QByteArray("text/plain")
            << QByteArray("inline; filename=\"notes.txt\"") << notesContent();
        QTest::newRow("pdf attachment")
            << QByteArray("3") << QByteArray("application/pdf")
            << QByteArray("inline; filename=\"report.pdf\"") << reportContent();
        // Any leaf with a section number may be served: here the text body.
        QTest::newRow("text body")
            << QByteArray("1.1") << QByteArray("text/plain") << QByteArray("inline; filename=\"\"")
            << QByteArray("Hello Bob\r\n");
    }
    void parts()
    {
        QFETCH(QByteArray, partId);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, disposition);
        QFETCH(QByteArray, content);
        const HttpResponse response = get(path(m_nodemailer, "/part/" + partId));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.contentType, contentType); // no parameters
        QCOMPARE(response.header("Content-Disposition"), disposition);
        QCOMPARE(response.body, content);
        // Opened in a browser, a part runs no script in the API's origin.
        QVERIFY(response.header("Content-Security-Policy").startsWith("default-src 'none';"));
        QVERIFY(response.header("Content-Security-Policy").endsWith("; sandbox"));
        QCOMPARE(response.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QVERIFY(!isRead(m_nodemailer));
    }

    void unknownParts()
    {
        for (const QByteArray part : { "0", "1", "1.2", "4", "1.2.3", "x", "2.1" }) {
            const HttpResponse response = get(path(m_nodemailer, "/part/" + part));
            QCOMPARE(response.status, 404);
            QCOMPARE(response.body, QByteArray("404 page not found"));
        }
        // The body of a single-part message is part 1.
        QCOMPARE(get(path(m_plain, "/part/1")).body, QByteArray("Just text\r\n"));
    }

    void partFileNameIsPercentEncoded()
    {
        const qint64 id = deliver(*m_store,
            envelope(crlf(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n"
                "--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
                "filename=\"a \\\"b\\\" ü.pdf\"\n\n%PDF\n--b--\n")));
        QCOMPARE(get(path(id, "/part/2")).header("Content-Disposition"),
            QByteArray("inline; filename=\"a%20%22b%22%20%C3%BC.pdf\""));
    }

    void viewHtml()
    {
        const HttpResponse response = get("/view/" + QByteArray::number(m_nodemailer) + ".html");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.contentType, QByteArray("text/html; charset=utf-8"));
        QCOMPARE(response.body,
            "<p>Hello <b>Bob</b>, this is the <i>HTML</i> part.</p><img src=\"/api/v1/message/"
                + QByteArray::number(m_nodemailer) + "/part/1.2.2\">");
        const QByteArray policy = response.header("Content-Security-Policy");
        QCOMPARE(policy,
            QByteArray(
                "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
                "font-src 'self' data:; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"));
        QVERIFY(!policy.contains("script-src")); // default-src 'none' blocks every script
        // The sandbox (without allow-scripts, allow-top-navigation or allow-same-origin) stops a
        // <meta http-equiv="refresh"> from sending the browser elsewhere, which CSP does not.
        QVERIFY(!policy.contains("allow-scripts"));
        QVERIFY(!policy.contains("allow-top-navigation"));
        QVERIFY(!policy.contains("allow-same-origin"));
        QCOMPARE(response.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QVERIFY(!isRead(m_nodemailer));
        // The rewritten URL serves the image.
        QCOMPARE(get(path(m_nodemailer, "/part/1.2.2")).body, pngSignature());
    }

    void cidRewriting()
    {
        const qint64 id = deliver(*m_store,
            envelope(
                crlf("Content-Type: multipart/related; boundary=b\n\n"
                     "--b\nContent-Type: text/html\n\n"
                     "<img src=cid:one><img src='cid:one'><img SRC = \"CID:two\">"
                     "<p>cid:one stays text</p><img src=\"cid:unknown\"><a href=\"cid:one-more\">\n"
                     "--b\nContent-Type: image/png\nContent-ID: <one>\n\nA\n"
                     "--b\nContent-Type: image/gif\nContent-ID: <two>\n\nB\n--b--\n")));
        const QByteArray prefix = "/api/v1/message/" + QByteArray::number(id) + "/part/";
        QCOMPARE(get("/view/" + QByteArray::number(id) + ".html").body,
            "<img src=" + prefix + "2><img src='" + prefix + "2'><img SRC = \"" + prefix
                + "3\"><p>cid:one stays text</p><img src=\"cid:unknown\"><a "
                  "href=\"cid:one-more\">");
    }

    void viewWithoutHtml()
    {
        const HttpResponse html = get("/view/" + QByteArray::number(m_plain) + ".html");
        QCOMPARE(html.status, 404);
        const HttpResponse text = get("/view/" + QByteArray::number(m_plain) + ".txt");
        QCOMPARE(text.status, 200);
        QCOMPARE(text.contentType, QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(text.body, QByteArray("Just text\r\n"));
        QCOMPARE(get("/view/" + QByteArray::number(m_nodemailer) + ".txt").body,
            QByteArray("Hello Bob\r\n"));
        QVERIFY(!isRead(m_plain));
        QVERIFY(!isRead(m_nodemailer));
    }

    void otherMethods()
    {
        HttpRequest request;
        request.method = "POST";
        request.path = path(m_plain);
        request.target = request.path;
        QCOMPARE(m_router.dispatch(request).status, 405);
    }
};

QTEST_GUILESS_MAIN(TestMailpitMessageRoutes)
#include "tst_mailpitmessageroutes.moc"
