// HttpRequestParser: requests out of bytes, every bound and error status, pipelining, chunked
// bodies, and the same results whatever the bytes are split into.
#include "httprequestparser.h"

#include <QTest>

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private:
    static QList<HttpParsedRequest> parseAll(const QByteArray &bytes, qint64 maxBody = 1024,
        int *error = nullptr, QList<qsizetype> splits = {})
    {
        HttpRequestParser parser(maxBody);
        QList<HttpParsedRequest> out;
        qsizetype from = 0;
        splits.append(bytes.size());
        for (const qsizetype to : std::as_const(splits)) {
            parser.feed(QByteArrayView(bytes).sliced(from, to - from));
            from = to;
            while (parser.hasRequest())
                out.append(parser.takeRequest());
        }
        if (error)
            *error = parser.errorStatus();
        return out;
    }

    static int errorOf(const QByteArray &bytes, qint64 maxBody = 1024)
    {
        int error = 0;
        parseAll(bytes, maxBody, &error);
        return error;
    }

private Q_SLOTS:
    void queryIsFormEncoded()
    {
        // URLSearchParams (mailpit-api) writes spaces as "+"; a plus sign arrives as %2B;
        // UTF-8 percent-encoded in a query is read as UTF-8.
        const auto requests
            = parseAll("GET /api/v1/search?query=subject%3A%22a+b%22+c%2Bd+j%C3%BCrg"
                       " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.constFirst().request.queryItem(QStringLiteral("query")),
            QString::fromUtf8("subject:\"a b\" c+d j\u00fcrg"));
    }

    void simpleGet()
    {
        const auto requests = parseAll("GET /api/v1/search?query=subject%3Ahi&limit=5 HTTP/1.1\r\n"
                                       "Host: localhost:8025\r\n"
                                       "X-Thing:   spaced value  \r\n"
                                       "\r\n");
        QCOMPARE(requests.size(), 1);
        const HttpRequest &r = requests.constFirst().request;
        QCOMPARE(r.method, QByteArray("GET"));
        QCOMPARE(r.target, QByteArray("/api/v1/search?query=subject%3Ahi&limit=5"));
        QCOMPARE(r.path, QByteArray("/api/v1/search"));
        QCOMPARE(r.queryItem(QStringLiteral("query")), QStringLiteral("subject:hi"));
        QCOMPARE(r.queryItem(QStringLiteral("limit")), QStringLiteral("5"));
        QCOMPARE(r.headers.size(), 2);
        QCOMPARE(r.headers.at(0).first, QByteArray("host"));
        QCOMPARE(r.headers.at(1).first, QByteArray("x-thing"));
        QCOMPARE(r.header("X-THING"), QByteArray("spaced value"));
        QCOMPARE(requests.constFirst().minorVersion, 1);
        QVERIFY(requests.constFirst().head.startsWith("GET /api"));
        QVERIFY(requests.constFirst().head.endsWith("\r\n\r\n"));
        QVERIFY(r.body.isEmpty());
    }

    void http10WithoutHost()
    {
        const auto requests = parseAll("GET /livez HTTP/1.0\r\n\r\n");
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.constFirst().minorVersion, 0);
    }

    void absoluteAndAsteriskForms()
    {
        auto requests = parseAll("GET http://localhost:8025/api/v1/info?x=1 HTTP/1.1\r\n"
                                 "Host: localhost\r\n\r\n"
                                 "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                 "GET http://localhost HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(requests.size(), 3);
        QCOMPARE(requests.at(0).request.path, QByteArray("/api/v1/info"));
        QCOMPARE(requests.at(0).request.queryItem(QStringLiteral("x")), QStringLiteral("1"));
        QCOMPARE(requests.at(1).request.path, QByteArray("*"));
        QCOMPARE(requests.at(2).request.path, QByteArray("/"));
        QCOMPARE(errorOf("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
        QCOMPARE(errorOf("GET api HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
    }

    void contentLengthBody()
    {
        const auto requests = parseAll("PUT /api/v1/messages HTTP/1.1\r\nHost: localhost\r\n"
                                       "Content-Length: 11\r\n\r\n{\"Read\":1}\n");
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.constFirst().request.body, QByteArray("{\"Read\":1}\n"));
    }

    void pipelined()
    {
        QByteArray bytes;
        for (int i = 0; i < 5; ++i)
            bytes += "POST /p" + QByteArray::number(i)
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\n"
                + QByteArray::number(i);
        bytes += "GET /last HTTP/1.1\r\nHost: localhost\r\n\r\nGET /partial HT";
        HttpRequestParser parser(1024);
        parser.feed(bytes);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(parser.hasRequest());
            const HttpParsedRequest r = parser.takeRequest();
            QCOMPARE(r.request.path, "/p" + QByteArray::number(i));
            QCOMPARE(r.request.body, QByteArray::number(i));
        }
        QCOMPARE(parser.takeRequest().request.path, QByteArray("/last"));
        QVERIFY(!parser.hasRequest());
        QVERIFY(parser.isInHead());
        QCOMPARE(parser.unparsedBytes(), QByteArray("GET /partial HT"));
        QVERIFY(!parser.hasError());
    }

    void chunked()
    {
        const QByteArray bytes = "POST /api/v1/send HTTP/1.1\r\nHost: localhost\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n"
                                 "5;ext=1\r\nhello\r\n"
                                 "6\r\n world\r\n"
                                 "0\r\nX-Trailer: yes\r\n\r\n"
                                 "GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n";
        const auto requests = parseAll(bytes);
        QCOMPARE(requests.size(), 2);
        QCOMPARE(requests.at(0).request.body, QByteArray("hello world"));
        QCOMPARE(requests.at(1).request.path, QByteArray("/next"));
        // Bounded like a Content-Length body: counted chunk by chunk.
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "8\r\n12345678\r\n3\r\n123\r\n",
                     10),
            413);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "ffffffffffffffffffff\r\n"),
            413);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "zz\r\n"),
            400);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "2\r\nabX\r\n"),
            400);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                     + QByteArray(HttpRequestParser::maxChunkLine + 1, '1')),
            400);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
        QCOMPARE(errorOf("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    }

    // Every request gives the same result whatever the bytes are split into.
    void splitAtEveryByte_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("get") << QByteArray("GET /a?b=c HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n");
        QTest::newRow("content-length")
            << QByteArray("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
        QTest::newRow("chunked") << QByteArray(
            "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            "2\r\nbo\r\n2\r\ndy\r\n0\r\n\r\n");
        QTest::newRow("pipelined")
            << QByteArray("\r\nGET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\n"
                          "Content-Length: 4\r\n\r\nbody");
        QTest::newRow("bare LF") << QByteArray("GET /d HTTP/1.1\nHost: x\n\n");
    }
    void splitAtEveryByte()
    {
        QFETCH(QByteArray, bytes);
        const auto whole = parseAll(bytes);
        QVERIFY(!whole.isEmpty());
        for (qsizetype i = 1; i < bytes.size(); ++i) {
            int error = 0;
            const auto split = parseAll(bytes, 1024, &error, { i });
            QCOMPARE(error, 0);
            QCOMPARE(split.size(), whole.size());
            for (qsizetype k = 0; k < split.size(); ++k) {
                QCOMPARE(split.at(k).request.path, whole.at(k).request.path);
                QCOMPARE(split.at(k).request.body, whole.at(k).request.body);
                QCOMPARE(split.at(k).request.headers, whole.at(k).request.headers);
                QCOMPARE(split.at(k).head, whole.at(k).head);
            }
        }
        // One byte at a time.
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < bytes.size(); ++i)
            everyByte.append(i);
        const auto bytewise = parseAll(bytes, 1024, nullptr, everyByte);
        QCOMPARE(bytewise.size(), whole.size());
        QCOMPARE(bytewise.constLast().request.body, whole.constLast().request.body);
    }

    // What the transport's body rate and body budget read: whether a body is being received,
    // how much of it has come, and how large it will be at least.
    void bodyProgress()
    {
        HttpRequestParser parser(1024);
        parser.feed("POST / HTTP/1.1\r\nHost: x\r\n");
        QVERIFY(parser.isInHead());
        QVERIFY(!parser.isInBody());
        QCOMPARE(parser.bodySizeAtLeast(), 0);
        parser.feed("Content-Length: 10\r\n\r\nabc");
        QVERIFY(parser.isInBody());
        QCOMPARE(parser.bodyBytesReceived(), 3);
        QCOMPARE(parser.bodySizeAtLeast(), 10);
        parser.feed("defghij");
        QVERIFY(!parser.isInBody());
        QCOMPARE(parser.takeRequest().request.body, QByteArray("abcdefghij"));

        // Chunked: the data so far and the rest of the chunk announced.
        parser.feed("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
        QVERIFY(parser.isInBody());
        QCOMPARE(parser.bodyBytesReceived(), 2);
        QCOMPARE(parser.bodySizeAtLeast(), 5);
        parser.feed("cde\r\n20\r\nxy");
        QCOMPARE(parser.bodyBytesReceived(), 7);
        QCOMPARE(parser.bodySizeAtLeast(), 5 + 32);
        parser.feed(QByteArray(QByteArray(30, 'z') + "\r\n0\r\n"));
        QVERIFY(parser.isInBody()); // the trailer section is still to come
        QCOMPARE(parser.bodySizeAtLeast(), 37);
        parser.feed("\r\n");
        QVERIFY(!parser.isInBody());
        QCOMPARE(parser.takeRequest().request.body.size(), 37);
        QCOMPARE(parser.bodyBytesReceived(), 0);
    }

    void requestLineBound()
    {
        const QByteArray longTarget = "/" + QByteArray(HttpRequestParser::maxRequestLine, 'a');
        QCOMPARE(errorOf("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
        // Decided before the line ends.
        HttpRequestParser parser;
        parser.feed(QByteArray("GET " + longTarget));
        QCOMPARE(parser.errorStatus(), 414);
        // Just inside the bound.
        const QByteArray fits
            = "GET /" + QByteArray(HttpRequestParser::maxRequestLine - 14, 'a') + " HTTP/1.1";
        QCOMPARE(fits.size(), HttpRequestParser::maxRequestLine);
        QCOMPARE(parseAll(fits + "\r\nHost: x\r\n\r\n").size(), 1);
    }

    void headerBounds()
    {
        QByteArray many = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 1; i < HttpRequestParser::maxHeaderFields; ++i)
            many += "F" + QByteArray::number(i) + ": v\r\n";
        QCOMPARE(parseAll(many + "\r\n").size(), 1); // exactly 100
        QCOMPARE(errorOf(many + "One-More: v\r\n\r\n"), 431);

        const QByteArray big = "GET / HTTP/1.1\r\nHost: x\r\nBig: "
            + QByteArray(HttpRequestParser::maxHeaderBytes, 'v') + "\r\n\r\n";
        QCOMPARE(errorOf(big), 431);
        // Decided before the field ends.
        HttpRequestParser parser;
        parser.feed(QByteArray(big.first(big.size() - 10)));
        QCOMPARE(parser.errorStatus(), 431);
    }

    void bodyBound()
    {
        // 413 from the header alone: the body is never waited for.
        HttpRequestParser parser(100);
        parser.feed("POST /api/v1/send HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");
        QCOMPARE(parser.errorStatus(), 413);
        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
                         "99999999999999999999999999999\r\n\r\n"),
            413);
        QCOMPARE(parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                         + QByteArray(100, 'b'),
                     100)
                     .size(),
            1);
    }

    void expectContinue()
    {
        HttpRequestParser parser(100);
        parser.feed(
            "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        QVERIFY(parser.takeContinue());
        QVERIFY(!parser.takeContinue()); // once
        parser.feed("hello");
        QCOMPARE(parser.takeRequest().request.body, QByteArray("hello"));

        // Too large: 413, never 100.
        HttpRequestParser small(4);
        small.feed(
            "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        QVERIFY(!small.takeContinue());
        QCOMPARE(small.errorStatus(), 413);

        QCOMPARE(errorOf("POST / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n"), 417);
    }

    void badSyntax_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("no version") << QByteArray("GET /\r\n\r\n") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("control in target")
            << QByteArray("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("garbage version") << QByteArray("GET / HTTX/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
        QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\nHost: x\r\n\r\n") << 505;
        QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << 505;
        QTest::newRow("missing Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two Hosts")
            << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << 400;
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
        QTest::newRow("no colon") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("folded") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n") << 400;
        QTest::newRow("NUL in value")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n", 29) << 400;
        QTest::newRow("CL and TE")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n")
            << 400;
        QTest::newRow("bad CL") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")
                                << 400;
        QTest::newRow("negative CL")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n") << 400;
        QTest::newRow("empty CL") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n")
                                  << 400;
        QTest::newRow("conflicting CL") << QByteArray(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                                        << 400;
    }
    void badSyntax()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        HttpRequestParser parser(1024);
        parser.feed(bytes);
        QVERIFY(!parser.hasRequest());
        QCOMPARE(parser.errorStatus(), status);
        QVERIFY(!parser.errorText().isEmpty());
        QVERIFY(!parser.errorText().contains(QLatin1Char('\n')));
        // Nothing more is parsed after an error.
        parser.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(!parser.hasRequest());
    }

    void requestsBeforeAnErrorStay()
    {
        HttpRequestParser parser(1024);
        parser.feed("GET /ok HTTP/1.1\r\nHost: x\r\n\r\nBAD\r\n\r\n");
        QVERIFY(parser.hasError());
        QCOMPARE(parser.takeRequest().request.path, QByteArray("/ok"));
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
