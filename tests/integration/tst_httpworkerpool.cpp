// The API's read routes on worker threads (HttpWorkerPool): the same answers as on the
// dispatching thread, the write a read leaves for afterwards (marking read), 503 with
// Retry-After when the queue is full, and closing the store or the API while reads are in
// flight. The list and search answers kept between changes (MailpitReadCache): the same as
// read afresh after inserts, removals and read flags, and one read for many askers; first
// pages of searches read on from the last one (MailpitSearchPages) as while the indexer works.
#include "httprouter.h"
#include "httpworkerpool.h"
#include "mailpitreadcache.h"
#include "mailpitroutes.h"
#include "mailpitsearchpages.h"
#include "smtphttpapi_p.h"
#include "storedelivery.h"

#include <smtphttpapi.h>
#include <smtpmessagestore.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <memory>

namespace {

SmtpMessage makeMessage(int n)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime(QDate(2026, 11, 20), QTime(0, 0), Qt::UTC).addSecs(60 * n));
    m.setRemoteAddress("127.0.0.1");
    m.setHelo("client.test");
    const QByteArray from = n % 2 ? "alice@example.org" : "bob@example.com";
    m.setMailFrom(QString::fromLatin1(from));
    m.setRcptTos({ "team@example.com" });
    QByteArray data = "From: " + from + "\r\nTo: team@example.com\r\nSubject: Message "
        + QByteArray::number(n) + "\r\n";
    if (n % 3 == 0)
        data += "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                "--b\r\nContent-Type: text/plain\r\n\r\nPlain "
            + QByteArray::number(n)
            + "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Html <b>bold</b></p>\r\n--b--\r\n";
    else
        data += "\r\nBody " + QByteArray::number(n) + "\r\n";
    m.setData(data);
    return m;
}

HttpRequest requestFor(const QByteArray &target)
{
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    const qsizetype q = target.indexOf('?');
    request.path = q < 0 ? target : target.left(q);
    if (q >= 0)
        request.query = QUrlQuery(QString::fromUtf8(target.mid(q + 1)));
    return request;
}

// One answer over a socket: the status, or 0 when the connection ended first.
int statusOf(QTcpSocket &socket, int ms = 10000)
{
    QByteArray buffer;
    // Whether it came is read off the buffer.
    (void)QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            return buffer.contains("\r\n\r\n")
                || socket.state() == QAbstractSocket::UnconnectedState;
        },
        ms);
    if (!buffer.startsWith("HTTP/1.1 "))
        return 0;
    return buffer.mid(9, 3).toInt();
}

} // namespace

class TestHttpWorkerPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void answersAsWithoutWorkers_data();
    void answersAsWithoutWorkers();
    void readingAMessageMarksItRead();
    void fullQueueAnswers503();
    void closingTheStoreAnswersWhatWaits();
    void aSlowReadIsNotCutOffAsIdle();
    void closingTheApiWhileReadsAreInFlight();
    void destroyingTheApiWhileReadsAreInFlight();
    void cachedAnswersAsRead();
    void askersShareOneRead();
    void searchPagesReadOnAsAfresh();
    void questionsAboutDaysAreNeverKept_data();
    void questionsAboutDaysAreNeverKept();
    void searchPagesSeeChangesBeforeTheirSignals();

private:
    HttpResponse direct(const QByteArray &target);
    // Through the pool; *atOnce: whether the answer came before dispatch returned.
    HttpResponse pooled(const QByteArray &target, bool *atOnce = nullptr, bool cached = false);
    // Asks the cached router each question twice: both answers must be what a direct read
    // gives, the second from the cache (at once).
    void compareCached(const QByteArrayList &targets);
    // Whether the cached router answers target as a direct read does, while the store may
    // change under both: compared when two direct reads around it agree.
    bool answersAsAfresh(const QByteArray &target);
    HttpResponse send(const QByteArray &method, const QByteArray &target, const QByteArray &body);
    std::unique_ptr<QTcpSocket> sendGet(const QByteArray &target);
    void startApi();

    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<SmtpMessageStore> store;
    std::unique_ptr<HttpWorkerPool> pool;
    HttpRouter directRouter; // every route on this thread
    HttpRouter pooledRouter; // the read routes on the pool
    std::unique_ptr<MailpitReadCache> cache;
    HttpRouter cachedRouter; // on the pool, through the cache
    std::unique_ptr<SmtpHttpApi> api;
    QList<qint64> ids; // of message n at n - 1
};

void TestHttpWorkerPool::init()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
    store = std::make_unique<SmtpMessageStore>();
    QVERIFY2(store->open(dir->filePath("store.sqlite")), qPrintable(store->errorString()));
    pool = std::make_unique<HttpWorkerPool>();
    directRouter = HttpRouter();
    pooledRouter = HttpRouter();
    MailpitContext context;
    context.store = store.get();
    addMailpitListRoutes(directRouter, context);
    addMailpitMessageRoutes(directRouter, context);
    context.readers = pool.get();
    addMailpitListRoutes(pooledRouter, context);
    addMailpitMessageRoutes(pooledRouter, context);
    cache = std::make_unique<MailpitReadCache>(store.get());
    cachedRouter = HttpRouter();
    context.cache = cache.get();
    addMailpitListRoutes(cachedRouter, context);
    addMailpitMessageRoutes(cachedRouter, context);

    QList<SmtpMessage> messages;
    for (int n = 1; n <= 12; ++n)
        messages.append(makeMessage(n));
    QVERIFY(deliverAll(*store, messages));
    QVERIFY(waitForIndex(*store));
    ids.clear();
    const QList<SmtpMessageSummary> all = store->summariesAt(QString(), 0, 12);
    for (auto it = all.crbegin(); it != all.crend(); ++it)
        ids.append(it->id);
    QCOMPARE(ids.size(), 12);
}

void TestHttpWorkerPool::cleanup()
{
    api.reset();
    cachedRouter = HttpRouter();
    cache.reset();
    pool.reset();
    store.reset();
    dir.reset();
}

HttpResponse TestHttpWorkerPool::direct(const QByteArray &target)
{
    HttpRequest request = requestFor(target);
    return directRouter.dispatch(request);
}

HttpResponse TestHttpWorkerPool::pooled(const QByteArray &target, bool *atOnce, bool cached)
{
    HttpRequest request = requestFor(target);
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    (cached ? cachedRouter : pooledRouter).dispatch(request, [answer](const HttpResponse &r) {
        *answer = r;
    });
    if (atOnce)
        *atOnce = answer->has_value();
    if (!QTest::qWaitFor([answer] { return answer->has_value(); }, 10000))
        return HttpResponse::text(599, QStringLiteral("no answer"));
    return **answer;
}

void TestHttpWorkerPool::answersAsWithoutWorkers_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("list") << QByteArray("/api/v1/messages");
    QTest::newRow("list page") << QByteArray("/api/v1/messages?start=3&limit=4");
    QTest::newRow("search") << QByteArray("/api/v1/search?query=from:alice&limit=3");
    QTest::newRow("search words") << QByteArray("/api/v1/search?query=Message+7");
    QTest::newRow("search html") << QByteArray("/api/v1/search?query=bold");
    QTest::newRow("search none") << QByteArray("/api/v1/search?query=xylophonist");
    QTest::newRow("search bad") << QByteArray("/api/v1/search?query=before:%22");
    QTest::newRow("search empty") << QByteArray("/api/v1/search?query=");
    QTest::newRow("headers") << QByteArray("/api/v1/message/@3/headers");
    QTest::newRow("raw") << QByteArray("/api/v1/message/@3/raw?dl=1");
    QTest::newRow("part") << QByteArray("/api/v1/message/@3/part/1");
    QTest::newRow("missing part") << QByteArray("/api/v1/message/@3/part/9");
    QTest::newRow("view html") << QByteArray("/view/@3.html");
    QTest::newRow("view text") << QByteArray("/view/@3.txt");
    QTest::newRow("no html") << QByteArray("/view/@4.html");
    QTest::newRow("missing") << QByteArray("/api/v1/message/999999");
    QTest::newRow("missing raw") << QByteArray("/api/v1/message/999999/raw");
}

void TestHttpWorkerPool::answersAsWithoutWorkers()
{
    QFETCH(QByteArray, target);
    target.replace("@3", QByteArray::number(ids.at(2)))
        .replace("@4", QByteArray::number(ids.at(3)));
    const HttpResponse expected = direct(target);
    bool atOnce = true;
    const HttpResponse actual = pooled(target, &atOnce);
    QVERIFY(!atOnce); // it ran on a worker
    QCOMPARE(actual.status, expected.status);
    QCOMPARE(actual.contentType, expected.contentType);
    QCOMPARE(actual.headers, expected.headers);
    QCOMPARE(actual.body, expected.body);
    QVERIFY(!actual.isDeferred());
}

void TestHttpWorkerPool::readingAMessageMarksItRead()
{
    const QByteArray target = "/api/v1/message/" + QByteArray::number(ids.at(4));
    const HttpResponse expected = direct(target); // marks it read
    QCOMPARE(expected.status, 200);
    QVERIFY(store->message(ids.at(4))->summary().read);
    QVERIFY(store->setRead({ ids.at(4) }, false));

    const HttpResponse actual = pooled(target);
    QCOMPARE(actual.status, 200);
    QCOMPARE(actual.body, expected.body); // "Read" as it was when the message was read
    // The write ran on this thread before the answer was handed over.
    QVERIFY(store->message(ids.at(4))->summary().read);
    const HttpResponse latest = pooled("/api/v1/message/latest");
    QCOMPARE(latest.status, 200);
    QCOMPARE(QJsonDocument::fromJson(latest.body).object().value("ID").toString(),
        QString::number(ids.last()));
}

void TestHttpWorkerPool::fullQueueAnswers503()
{
    pool->setThreadCount(1);
    pool->setMaxQueued(2);
    pool->setHeldForTest(true);
    QList<std::shared_ptr<std::optional<HttpResponse>>> answers;
    for (int i = 0; i < 3; ++i) {
        HttpRequest request = requestFor("/api/v1/search?query=from:alice");
        auto answer = std::make_shared<std::optional<HttpResponse>>();
        pooledRouter.dispatch(request, [answer](const HttpResponse &r) { *answer = r; });
        answers.append(answer);
    }
    // Two wait for the held worker; the third is refused at once.
    QVERIFY(!answers.at(0)->has_value());
    QVERIFY(!answers.at(1)->has_value());
    QVERIFY(answers.at(2)->has_value());
    QCOMPARE((*answers.at(2))->status, 503);
    QCOMPARE((*answers.at(2))->header("Retry-After"), QByteArray("1"));
    QCOMPARE(pool->pendingCount(), 2);

    pool->setHeldForTest(false);
    QTRY_VERIFY(answers.at(0)->has_value() && answers.at(1)->has_value());
    QCOMPARE((*answers.at(0))->status, 200);
    QCOMPARE((*answers.at(1))->body, direct("/api/v1/search?query=from:alice").body);
    QCOMPARE(pool->pendingCount(), 0);
    // Room again.
    QCOMPARE(pooled("/api/v1/messages").status, 200);
}

void TestHttpWorkerPool::startApi()
{
    api = std::make_unique<SmtpHttpApi>(store.get());
    QVERIFY(api->listen(QHostAddress::LocalHost, 0));
}

std::unique_ptr<QTcpSocket> TestHttpWorkerPool::sendGet(const QByteArray &target)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, api->serverPort());
    if (!socket->waitForConnected(5000))
        return nullptr;
    socket->write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return socket;
}

void TestHttpWorkerPool::closingTheStoreAnswersWhatWaits()
{
    startApi();
    HttpWorkerPool *readers = SmtpHttpApiTest::readers(api.get());
    QVERIFY(readers);
    readers->setHeldForTest(true);
    const std::unique_ptr<QTcpSocket> first = sendGet("/api/v1/search?query=from:alice");
    const std::unique_ptr<QTcpSocket> second = sendGet("/api/v1/messages");
    QVERIFY(first && second);
    QTRY_COMPARE(readers->pendingCount(), 2);

    // The store waits for its readers before its connections go; what waited is answered.
    store->close();
    QCOMPARE(statusOf(*first), 503);
    QCOMPARE(statusOf(*second), 503);
    QCOMPARE(readers->pendingCount(), 0);
}

void TestHttpWorkerPool::aSlowReadIsNotCutOffAsIdle()
{
    startApi();
    SmtpHttpApiTest::setTimeouts(api.get(), 300, 5000);
    HttpWorkerPool *readers = SmtpHttpApiTest::readers(api.get());
    readers->setHeldForTest(true);
    const std::unique_ptr<QTcpSocket> reading = sendGet("/api/v1/search?query=from:alice");
    QVERIFY(reading);
    QTRY_COMPARE(readers->pendingCount(), 1);
    // Three idle timeouts pass while the read is held: the client is waiting for us.
    QTest::qWait(900);
    QCOMPARE(reading->state(), QAbstractSocket::ConnectedState);
    readers->setHeldForTest(false);
    QCOMPARE(statusOf(*reading), 200);
    // After the answer the clock runs again: an idle keep-alive connection is closed.
    QTRY_COMPARE_WITH_TIMEOUT(reading->state(), QAbstractSocket::UnconnectedState, 5000);
}

void TestHttpWorkerPool::closingTheApiWhileReadsAreInFlight()
{
    startApi();
    HttpWorkerPool *readers = SmtpHttpApiTest::readers(api.get());
    readers->setHeldForTest(true);
    QList<std::shared_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 4; ++i)
        sockets.append(sendGet("/api/v1/message/" + QByteArray::number(ids.at(i)) + "/raw"));
    QTRY_COMPARE(readers->pendingCount(), 4);

    api->close();
    QVERIFY(!api->isListening());
    for (const auto &socket : sockets) {
        // The connection ends without an answer; nothing is read after it.
        QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
    }
    // The answers that came back after the close go nowhere, and the store still reads.
    QTRY_COMPARE(readers->pendingCount(), 0);
    QVERIFY(store->message(ids.at(0)));

    // Listening again serves reads on the workers.
    QVERIFY(api->listen(QHostAddress::LocalHost, 0));
    const std::unique_ptr<QTcpSocket> again = sendGet("/api/v1/messages");
    QCOMPARE(statusOf(*again), 200);
}

void TestHttpWorkerPool::destroyingTheApiWhileReadsAreInFlight()
{
    startApi();
    HttpWorkerPool *readers = SmtpHttpApiTest::readers(api.get());
    readers->setHeldForTest(true);
    const std::unique_ptr<QTcpSocket> socket = sendGet("/api/v1/search?query=Message");
    QVERIFY(socket);
    QTRY_COMPARE(readers->pendingCount(), 1);
    api.reset(); // waits for its workers
    QTRY_COMPARE(socket->state(), QAbstractSocket::UnconnectedState);
    // The store closes with no reader left on another thread.
    store->close();
    QVERIFY(!store->isOpen());
}

HttpResponse TestHttpWorkerPool::send(
    const QByteArray &method, const QByteArray &target, const QByteArray &body)
{
    HttpRequest request = requestFor(target);
    request.method = method;
    request.body = body;
    return cachedRouter.dispatch(request);
}

void TestHttpWorkerPool::compareCached(const QByteArrayList &targets)
{
    // The store's signals of the last change, posted from its thread, arrive first: as they do
    // before the next request read from a socket.
    QCoreApplication::sendPostedEvents();
    for (const QByteArray &target : targets) {
        const QByteArray expected = direct(target).body;
        bool atOnce = true;
        const HttpResponse first = pooled(target, &atOnce, true);
        QVERIFY2(first.body == expected, target.constData());
        QVERIFY2(!atOnce, target.constData()); // read afresh after the change
        const HttpResponse second = pooled(target, &atOnce, true);
        QVERIFY2(atOnce, target.constData()); // kept
        QVERIFY2(second.body == expected, target.constData());
    }
}

void TestHttpWorkerPool::cachedAnswersAsRead()
{
    const QByteArrayList targets {
        "/api/v1/messages",
        "/api/v1/messages?start=2&limit=3",
        "/api/v1/search?query=from:alice&limit=3",
        "/api/v1/search?query=Message",
        "/api/v1/search?query=is:unread",
        "/api/v1/search?query=Plain",
    };
    compareCached(targets);

    // New mail.
    QList<SmtpMessage> more;
    for (int n = 13; n <= 15; ++n)
        more.append(makeMessage(n));
    QVERIFY(deliverAll(*store, more));
    QVERIFY(waitForIndex(*store));
    compareCached(targets);

    // Removed, by the store itself (the signal comes through the event loop) and through the
    // API (pipelined reads right behind it must see it at once).
    QSignalSpy removed(store.get(), &SmtpMessageStore::messagesRemoved);
    QVERIFY(store->remove({ ids.at(0) }));
    QVERIFY(removed.wait());
    compareCached(targets);
    QCOMPARE(
        send("DELETE", "/api/v1/messages", "{\"IDs\":[\"" + QByteArray::number(ids.at(1)) + "\"]}")
            .status,
        200);
    compareCached(targets);
    QCOMPARE(send("DELETE", "/api/v1/search?query=Message+14", {}).status, 200);
    compareCached(targets);

    // Read flags: through the API, and by reading a message.
    QCOMPARE(send("PUT", "/api/v1/messages",
                 "{\"IDs\":[\"" + QByteArray::number(ids.at(2)) + "\"],\"Read\":true}")
                 .status,
        200);
    compareCached(targets);
    QCOMPARE(pooled("/api/v1/message/" + QByteArray::number(ids.at(3)), nullptr, true).status, 200);
    compareCached(targets);
    QCOMPARE(
        send("PUT", "/api/v1/messages", "{\"Search\":\"from:bob\",\"Read\":true}").status, 200);
    compareCached(targets);
    const SmtpMessageSummary newest = store->summariesAt(QString(), 0, 1).value(0);
    QVERIFY(newest.id > 0);
    QSignalSpy readChanged(store.get(), &SmtpMessageStore::readChanged);
    QVERIFY(store->setRead({ newest.id }, !newest.read));
    QVERIFY(readChanged.wait());
    compareCached(targets);

    // Everything gone.
    QCOMPARE(send("DELETE", "/api/v1/messages", {}).status, 200);
    compareCached(targets);
}

void TestHttpWorkerPool::askersShareOneRead()
{
    pool->setHeldForTest(true);
    const qint64 hitsBefore = cache->hitCount();
    QList<std::shared_ptr<std::optional<HttpResponse>>> answers;
    const auto ask = [&] {
        HttpRequest request = requestFor("/api/v1/search?query=from:alice");
        auto answer = std::make_shared<std::optional<HttpResponse>>();
        cachedRouter.dispatch(request, [answer](const HttpResponse &r) { *answer = r; });
        answers.append(answer);
    };
    ask();
    ask(); // joins the first read
    QCOMPARE(pool->pendingCount(), 1);
    // A change while the read is held: later askers wait for a read that starts after it.
    cache->invalidate();
    ask();
    ask();
    QCOMPARE(pool->pendingCount(), 1);
    QCOMPARE(cache->hitCount(), hitsBefore + 3);
    pool->setHeldForTest(false);
    QTRY_VERIFY(std::all_of(
        answers.cbegin(), answers.cend(), [](const auto &a) { return a->has_value(); }));
    const QByteArray expected = direct("/api/v1/search?query=from:alice").body;
    for (const auto &answer : answers)
        QCOMPARE((*answer)->body, expected);
    QCOMPARE(pool->pendingCount(), 0);
}

bool TestHttpWorkerPool::answersAsAfresh(const QByteArray &target)
{
    // A page kept wrongly stays wrong until the next removal; a race with the indexer passes.
    for (int attempt = 0; attempt < 50; ++attempt) {
        QCoreApplication::sendPostedEvents();
        const QByteArray before = direct(target).body;
        QCoreApplication::sendPostedEvents();
        const QByteArray cached = pooled(target, nullptr, true).body;
        const QByteArray after = direct(target).body;
        if (before == after && cached == before)
            return true;
    }
    qWarning("%s: %s\nafresh: %s", target.constData(),
        pooled(target, nullptr, true).body.constData(), direct(target).body.constData());
    return false;
}

void TestHttpWorkerPool::searchPagesReadOnAsAfresh()
{
    const QByteArrayList targets {
        "/api/v1/search?query=Message&limit=4", // words: the trigram index
        "/api/v1/search?query=subject:message", // a column, looked up in the index
        "/api/v1/search?query=from:alice&limit=3",
        "/api/v1/search?query=is:unread&limit=5", // no index
        "/api/v1/search?query=Plain&limit=2", // the bodies
        "/api/v1/search?query=-from:bob&limit=2",
        "/api/v1/search?query=xylophonist", // nothing
        "/api/v1/search?query=ge", // a short word: the word index
        "/api/v1/search?query=mailbox:Inbox&limit=3", // the counters
    };
    const std::shared_ptr<MailpitSearchPages> pages = cache->searchPages();
    compareCached(targets);
    const qint64 foundBefore = pages->foundCount();
    // New mail in steps, asked about while the indexer is still at work on it.
    int n = 13;
    for (int round = 0; round < 8; ++round) {
        QList<SmtpMessage> more;
        for (int i = 0; i <= round % 3; ++i)
            more.append(makeMessage(n++));
        QVERIFY(deliverAll(*store, more));
        for (const QByteArray &target : targets)
            QVERIFY2(answersAsAfresh(target), target.constData());
    }
    QVERIFY(waitForIndex(*store));
    QCoreApplication::sendPostedEvents();
    for (const QByteArray &target : targets)
        QVERIFY2(pooled(target, nullptr, true).body == direct(target).body, target.constData());
    QVERIFY(pages->foundCount() > foundBefore);

    // The newest messages: gone at once, removed through the API and by the store itself.
    const QList<SmtpMessageSummary> newest = store->summariesAt(QString(), 0, 2);
    QCOMPARE(send("DELETE", "/api/v1/messages",
                 "{\"IDs\":[\"" + QByteArray::number(newest.at(0).id) + "\"]}")
                 .status,
        200);
    compareCached(targets);
    QSignalSpy removed(store.get(), &SmtpMessageStore::messagesRemoved);
    QVERIFY(store->remove({ newest.at(1).id }));
    QVERIFY(removed.wait());
    compareCached(targets);
    // More mail read on from there, then a read flag: shown at once.
    QVERIFY(deliverAll(*store, { makeMessage(n++), makeMessage(n++) }));
    QVERIFY(waitForIndex(*store));
    compareCached(targets);
    const SmtpMessageSummary latest = store->summariesAt(QString(), 0, 1).value(0);
    QCOMPARE(send("PUT", "/api/v1/messages",
                 "{\"IDs\":[\"" + QByteArray::number(latest.id) + "\"],\"Read\":true}")
                 .status,
        200);
    compareCached(targets);
    QSignalSpy readChanged(store.get(), &SmtpMessageStore::readChanged);
    QVERIFY(store->setRead({ latest.id }, false));
    QVERIFY(readChanged.wait());
    compareCached(targets);
}

void TestHttpWorkerPool::questionsAboutDaysAreNeverKept_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("plain") << QByteArray("/api/v1/search?query=before:today&limit=4");
    // Percent-encoded letters: the day is in the query as read, not in the target as sent.
    QTest::newRow("encoded") << QByteArray("/api/v1/search?query=before:%74oday&limit=4");
    QTest::newRow("encoded yesterday")
        << QByteArray("/api/v1/search?query=Message%20after:YESTERDA%59&limit=4");
    QTest::newRow("encoded, not first")
        << QByteArray("/api/v1/search?limit=3&query=from:alice%20before:t%6Fday");
}

void TestHttpWorkerPool::questionsAboutDaysAreNeverKept()
{
    // Such an answer changes at midnight, not with the store: neither the cache nor the search
    // pages may answer it again.
    QFETCH(QByteArray, target);
    const std::shared_ptr<MailpitSearchPages> pages = cache->searchPages();
    QCoreApplication::sendPostedEvents();
    const qint64 hitsBefore = cache->hitCount();
    const qint64 foundBefore = pages->foundCount();
    bool atOnce = true;
    QCOMPARE(pooled(target, &atOnce, true).status, 200);
    QVERIFY(!atOnce);
    QCOMPARE(pooled(target, &atOnce, true).body, direct(target).body);
    QVERIFY(!atOnce); // read again
    // New mail, which a kept search page would be read on with.
    QVERIFY(deliverAll(*store, { makeMessage(13) }));
    QVERIFY(waitForIndex(*store));
    QCoreApplication::sendPostedEvents();
    QCOMPARE(pooled(target, &atOnce, true).body, direct(target).body);
    QVERIFY(!atOnce);
    QCOMPARE(cache->hitCount(), hitsBefore);
    QCOMPARE(pages->foundCount(), foundBefore);
}

void TestHttpWorkerPool::searchPagesSeeChangesBeforeTheirSignals()
{
    // The routes through the cache, read on this thread: a question asked right after a change
    // has committed, before its signals (queued to this thread) have come, as a worker may read
    // it. The page kept from before the change must not be read on.
    MailpitContext context;
    context.store = store.get();
    context.cache = cache.get();
    HttpRouter here;
    addMailpitListRoutes(here, context);
    const auto ask = [&here](const QByteArray &target) {
        HttpRequest request = requestFor(target);
        std::optional<HttpResponse> answer;
        here.dispatch(request, [&answer](const HttpResponse &r) { answer = r; });
        return answer ? answer->body : QByteArray("no answer at once");
    };
    const QByteArrayList targets {
        "/api/v1/search?query=Message&limit=4",
        "/api/v1/search?query=is:unread&limit=5",
        "/api/v1/search?query=from:alice&limit=3",
    };
    const std::shared_ptr<MailpitSearchPages> pages = cache->searchPages();
    const std::function<bool()> changes[] = {
        // The second newest: on the kept pages, the newest is read on.
        [&] { return store->remove({ store->summariesAt(QString(), 0, 2).value(1).id }); },
        [&] {
            const QList<SmtpMessageSummary> newest = store->summariesAt(QString(), 0, 3);
            return store->setRead({ newest.value(1).id, newest.value(2).id }, true);
        },
        [&] { // prunes the oldest
            store->setMaxMessages(store->count() - 1);
            return true;
        },
    };
    int n = 13;
    for (const std::function<bool()> &change : changes) {
        QCoreApplication::sendPostedEvents();
        for (const QByteArray &target : targets)
            QCOMPARE(ask(target), direct(target).body); // kept
        // New mail, signalled: the answers are stale, the pages are read on.
        QVERIFY(deliverAll(*store, { makeMessage(n++), makeMessage(n++) }));
        QVERIFY(waitForIndex(*store));
        QCoreApplication::sendPostedEvents();
        const qint64 found = pages->foundCount();
        for (const QByteArray &target : targets)
            QCOMPARE(ask(target), direct(target).body);
        QCOMPARE(pages->foundCount(), found + targets.size());
        // New mail again (its signals delivered), then the change, whose signals wait.
        QVERIFY(deliverAll(*store, { makeMessage(n++) }));
        QVERIFY(waitForIndex(*store));
        QCoreApplication::sendPostedEvents();
        QVERIFY(change());
        for (const QByteArray &target : targets)
            QCOMPARE(ask(target), direct(target).body);
    }
    QCoreApplication::sendPostedEvents();
}

QTEST_GUILESS_MAIN(TestHttpWorkerPool)
#include "tst_httpworkerpool.moc"
