// HttpRouter: patterns with parameters and suffixes, 404 for unknown paths, 405 with Allow for a
// known path and another method, HEAD answered by GET routes.
#include "httprouter.h"

#include <QTest>
#include <QTimer>

class TestHttpRouter : public QObject
{
    Q_OBJECT

private:
    static HttpRequest request(const QByteArray &method, const QByteArray &path)
    {
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.target = path;
        return r;
    }

    static HttpRouter router()
    {
        HttpRouter router;
        router.add("GET", QStringLiteral("/api/v1/messages"),
            [](HttpRequest &) { return HttpResponse::text(200, QStringLiteral("list")); });
        router.add("DELETE", QStringLiteral("/api/v1/messages"),
            [](HttpRequest &) { return HttpResponse::ok(); });
        router.add("GET", QStringLiteral("/api/v1/message/{id}/part/{part}"), [](HttpRequest &r) {
            return HttpResponse::text(200,
                r.parameter(QStringLiteral("id")) + QLatin1Char('|')
                    + r.parameter(QStringLiteral("part")));
        });
        router.add("GET", QStringLiteral("/view/{id}.html"), [](HttpRequest &r) {
            return HttpResponse::text(
                200, QStringLiteral("html ") + r.parameter(QStringLiteral("id")));
        });
        router.add("GET", QStringLiteral("/view/{id}.txt"), [](HttpRequest &r) {
            return HttpResponse::text(
                200, QStringLiteral("txt ") + r.parameter(QStringLiteral("id")));
        });
        return router;
    }

private Q_SLOTS:
    void literalRoute()
    {
        HttpRequest r = request("GET", "/api/v1/messages");
        const HttpResponse response = router().dispatch(r);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("list"));
    }

    void parameters()
    {
        HttpRequest r = request("GET", "/api/v1/message/42/part/1.2.2");
        QCOMPARE(router().dispatch(r).body, QByteArray("42|1.2.2"));
        QCOMPARE(r.parameter(QStringLiteral("part")), QStringLiteral("1.2.2"));
    }

    void percentEncodedParameter()
    {
        HttpRequest r = request("GET", "/api/v1/message/a%20b/part/2");
        QCOMPARE(router().dispatch(r).body, QByteArray("a b|2"));
    }

    void suffixSelectsRoute()
    {
        HttpRequest html = request("GET", "/view/latest.html");
        QCOMPARE(router().dispatch(html).body, QByteArray("html latest"));
        HttpRequest txt = request("GET", "/view/7.txt");
        QCOMPARE(router().dispatch(txt).body, QByteArray("txt 7"));
        HttpRequest bare = request("GET", "/view/.html"); // an empty id is no id
        QCOMPARE(router().dispatch(bare).status, 404);
        HttpRequest other = request("GET", "/view/7.pdf");
        QCOMPARE(router().dispatch(other).status, 404);
    }

    void unknownPathIs404()
    {
        HttpRequest r = request("GET", "/api/v1/nothing");
        const HttpResponse response = router().dispatch(r);
        QCOMPARE(response.status, 404);
        QCOMPARE(response.body, QByteArray("404 page not found"));
        HttpRequest trailing = request("GET", "/api/v1/messages/");
        QCOMPARE(router().dispatch(trailing).status, 404);
        HttpRequest emptyId = request("GET", "/api/v1/message//part/1");
        QCOMPARE(router().dispatch(emptyId).status, 404);
    }

    void wrongMethodIs405WithAllow()
    {
        HttpRequest r = request("POST", "/api/v1/messages");
        const HttpResponse response = router().dispatch(r);
        QCOMPARE(response.status, 405);
        QCOMPARE(response.header("Allow"), QByteArray("GET, DELETE, HEAD"));
        QVERIFY(router().matchesPath("/api/v1/messages"));
        QVERIFY(!router().matchesPath("/api/v2/messages"));
    }

    void headUsesGetRoute()
    {
        HttpRequest r = request("HEAD", "/api/v1/messages");
        QCOMPARE(router().dispatch(r).status, 200);
    }
    void deferredAnswerReachesTheResponder()
    {
        HttpRouter router;
        router.add("POST", QStringLiteral("/later"), [](HttpRequest &) {
            return HttpResponse::later([](HttpResponse::Responder respond) {
                QTimer::singleShot(
                    10, [respond] { respond(HttpResponse::text(202, QStringLiteral("late"))); });
            });
        });
        HttpRequest r = request("POST", "/later");
        int calls = 0;
        HttpResponse answer;
        router.dispatch(r, [&](const HttpResponse &response) {
            answer = response;
            ++calls;
        });
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 1);
        QCOMPARE(answer.status, 202);
        QVERIFY(!answer.isDeferred());

        // The synchronous form cannot wait: it does not start the route.
        HttpRequest again = request("POST", "/later");
        QCOMPARE(router.dispatch(again).status, 500);
    }

    void immediateAnswerReachesTheResponderAtOnce()
    {
        HttpRequest r = request("GET", "/api/v1/messages");
        QByteArray body;
        router().dispatch(r, [&body](const HttpResponse &response) { body = response.body; });
        QCOMPARE(body, QByteArray("list"));
    }
};

QTEST_GUILESS_MAIN(TestHttpRouter)
#include "tst_httprouter.moc"
