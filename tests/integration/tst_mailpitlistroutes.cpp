// The list side of Mailpit's API through HttpRouter::dispatch on a real store (no sockets):
// GET|PUT|DELETE /api/v1/messages, GET|DELETE /api/v1/search, /api/v1/info, /api/v1/webui,
// /livez, /readyz, with the paging the clients do.
#include "httprouter.h"
#include "mailpitroutes.h"
#include "storedelivery.h"

#include <smtpmessagestore.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <thread>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <memory>

namespace {

SmtpMessage makeMessage(int n, const QByteArray &subject, const QByteArray &from)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime(QDate(2026, 11, 20), QTime(0, 0), Qt::UTC).addSecs(60 * n));
    m.setRemoteAddress("127.0.0.1");
    m.setHelo("client.test");
    m.setMailFrom(QString::fromLatin1(from));
    m.setRcptTos({ "team@example.com" });
    m.setData("From: " + from + "\r\nTo: team@example.com\r\nSubject: " + subject + "\r\n\r\nBody "
        + QByteArray::number(n) + "\r\n");
    return m;
}

QJsonObject object(const HttpResponse &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

QStringList idsOf(const QJsonObject &summary)
{
    QStringList ids;
    for (const QJsonValue &v : summary.value("messages").toArray())
        ids.append(v.toObject().value("ID").toString());
    return ids;
}

} // namespace

class TestMailpitListRoutes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void list();
    void listStartAndLimit_data();
    void listStartAndLimit();
    void pagingAsPytestMailpit();
    void search();
    void searchNeedsAQuery_data();
    void searchNeedsAQuery();
    void searchAsMailpitReadsIt();
    void timeZoneIdShapes_data();
    void timeZoneIdShapes();
#ifdef Q_OS_UNIX // a FIFO stands for a file that blocks whoever opens it
    void timeZoneNeverOpensAPath();
#endif
    void deleteSearch();
    void setReadStatus();
    void setReadStatusRefusesBadBodies_data();
    void setReadStatusRefusesBadBodies();
    void deleteMessages();
    void deleteRefusesBadBodies_data();
    void deleteRefusesBadBodies();
    void deleteAllForms_data();
    void deleteAllForms();
    void info();
    void infoListsMailboxes();
    void webui();
    void health();
    void otherMethods();

private:
    HttpResponse call(
        const QByteArray &method, const QByteArray &target, const QByteArray &body = QByteArray());
    void deliver(int count); // messages 1..count: "Message n", odd ones from alice
    QString idOf(int n) const
    {
        return QString::number(ids.value(n - 1));
    }

    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<SmtpMessageStore> store;
    std::unique_ptr<HttpRouter> router;
    QList<qint64> ids; // of message n at n - 1
};

void TestMailpitListRoutes::init()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
    store = std::make_unique<SmtpMessageStore>();
    QVERIFY2(store->open(dir->filePath("store.sqlite")), qPrintable(store->errorString()));
    router = std::make_unique<HttpRouter>();
    MailpitContext context;
    context.store = store.get();
    context.startedAt = QDateTime::currentDateTimeUtc().addSecs(-5);
    addMailpitListRoutes(*router, context);
    ids.clear();
}

void TestMailpitListRoutes::cleanup()
{
    router.reset();
    store.reset();
    dir.reset();
}

HttpResponse TestMailpitListRoutes::call(
    const QByteArray &method, const QByteArray &target, const QByteArray &body)
{
    HttpRequest request;
    request.method = method;
    request.target = target;
    const qsizetype q = target.indexOf('?');
    request.path = q < 0 ? target : target.left(q);
    if (q >= 0)
        request.query = QUrlQuery(QString::fromUtf8(target.mid(q + 1)));
    request.body = body;
    return router->dispatch(request);
}

void TestMailpitListRoutes::deliver(int count)
{
    // One group commit: the ids follow the order of delivery.
    QList<SmtpMessage> messages;
    for (int n = 1; n <= count; ++n) {
        const QByteArray from = n % 2 ? "alice@example.org" : "bob@example.com";
        messages.append(makeMessage(n, "Message " + QByteArray::number(n), from));
    }
    QVERIFY(deliverAll(*store, messages));
    QVERIFY(waitForIndex(*store));
    ids.clear();
    const QList<SmtpMessageSummary> all = store->summariesAt(QString(), 0, count);
    for (auto it = all.crbegin(); it != all.crend(); ++it)
        ids.append(it->id);
    QCOMPARE(ids.size(), count);
}

void TestMailpitListRoutes::list()
{
    deliver(7);
    QVERIFY(store->setRead({ ids.at(0), ids.at(1) }, true));
    const HttpResponse response = call("GET", "/api/v1/messages");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.contentType, QByteArray("application/json"));
    const QJsonObject o = object(response);
    QCOMPARE(o.value("total").toInt(), 7);
    QCOMPARE(o.value("unread").toInt(), 5);
    QCOMPARE(o.value("messages_count").toInt(), 7);
    QCOMPARE(o.value("messages_unread").toInt(), 5);
    QCOMPARE(o.value("start").toInt(), 0);
    QCOMPARE(o.value("count").toInt(), 7);
    QVERIFY(o.value("tags").isArray());
    QVERIFY(o.value("tags").toArray().isEmpty());
    // Newest first, IDs as strings of the store's ids, items from MailpitJson::summary.
    QCOMPARE(
        idsOf(o), (QStringList { idOf(7), idOf(6), idOf(5), idOf(4), idOf(3), idOf(2), idOf(1) }));
    const QJsonObject first = o.value("messages").toArray().at(0).toObject();
    QCOMPARE(first.value("Subject").toString(), QString("Message 7"));
    QCOMPARE(first.value("Read").toBool(), false);
    QCOMPARE(o.value("messages").toArray().at(6).toObject().value("Read").toBool(), true);
}

void TestMailpitListRoutes::listStartAndLimit_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("start");
    QTest::addColumn<QList<int>>("messages");

    const QList<int> all { 60, 59, 58, 57, 56 };
    QTest::newRow("defaults: 50") << QByteArray() << 0 << QList<int> { -50 };
    QTest::newRow("limit") << QByteArray("limit=3") << 0 << QList<int> { 60, 59, 58 };
    QTest::newRow("start") << QByteArray("start=2&limit=2") << 2 << QList<int> { 58, 57 };
    QTest::newRow("start negative: 0")
        << QByteArray("start=-5&limit=2") << 0 << QList<int> { 60, 59 };
    QTest::newRow("start not a number: 0")
        << QByteArray("start=abc&limit=2") << 0 << QList<int> { 60, 59 };
    QTest::newRow("limit negative: 50") << QByteArray("limit=-1") << 0 << QList<int> { -50 };
    QTest::newRow("limit not a number: 50") << QByteArray("limit=ten") << 0 << QList<int> { -50 };
    QTest::newRow("limit 0: all (Mailpit's list)")
        << QByteArray("limit=0") << 0 << QList<int> { -60 };
    QTest::newRow("near the end") << QByteArray("start=58&limit=10") << 58 << QList<int> { 2, 1 };
    QTest::newRow("past the end") << QByteArray("start=100") << 100 << QList<int> {};
}

void TestMailpitListRoutes::listStartAndLimit()
{
    QFETCH(QByteArray, query);
    QFETCH(int, start);
    QFETCH(QList<int>, messages);

    deliver(60);
    const HttpResponse response = call("GET", "/api/v1/messages?" + query);
    QCOMPARE(response.status, 200);
    const QJsonObject o = object(response);
    QCOMPARE(o.value("start").toInt(), start);
    QCOMPARE(o.value("messages_count").toInt(), 60);
    const QStringList got = idsOf(o);
    QCOMPARE(o.value("count").toInt(), got.size());
    if (messages.size() == 1 && messages.constFirst() < 0) { // the newest -n
        QCOMPARE(got.size(), -messages.constFirst());
        QCOMPARE(got.constFirst(), idOf(60));
        return;
    }
    QStringList expected;
    for (int n : messages)
        expected.append(idOf(n));
    QCOMPARE(got, expected);
}

void TestMailpitListRoutes::pagingAsPytestMailpit()
{
    deliver(23);
    // pytest-mailpit's search_all: start += len(messages) until start >= messages_count.
    const auto pageAll = [this](const QByteArray &route) {
        QStringList seen;
        int start = 0;
        for (int guard = 0; guard < 100; ++guard) {
            const QJsonObject o
                = object(call("GET", route + "&limit=5&start=" + QByteArray::number(start)));
            const QStringList page = idsOf(o);
            seen += page;
            start += page.size();
            if (page.isEmpty() || start >= o.value("messages_count").toInt())
                break;
        }
        return seen;
    };
    QStringList alice;
    for (int n = 23; n >= 1; n -= 2)
        alice.append(idOf(n));
    QCOMPARE(pageAll("/api/v1/search?query=from:alice"), alice);
    QStringList all;
    for (int n = 23; n >= 1; --n)
        all.append(idOf(n));
    QCOMPARE(pageAll("/api/v1/messages?x=1"), all);
}

void TestMailpitListRoutes::search()
{
    deliver(9);
    QVERIFY(store->setRead({ ids.at(0) }, true)); // message 1, from alice
    const HttpResponse response = call("GET", "/api/v1/search?query=from:alice&limit=2");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.contentType, QByteArray("application/json"));
    const QJsonObject o = object(response);
    QCOMPARE(o.value("messages_count").toInt(), 5); // 1, 3, 5, 7, 9
    QCOMPARE(o.value("messages_unread").toInt(), 4);
    QCOMPARE(o.value("total").toInt(), 9);
    QCOMPARE(o.value("unread").toInt(), 8);
    QCOMPARE(o.value("count").toInt(), 2);
    QCOMPARE(idsOf(o), (QStringList { idOf(9), idOf(7) }));
    // The second page.
    const QJsonObject next = object(call("GET", "/api/v1/search?query=from:alice&limit=2&start=2"));
    QCOMPARE(idsOf(next), (QStringList { idOf(5), idOf(3) }));
    QCOMPARE(next.value("start").toInt(), 2);
    // limit=0: none (Mailpit's search), the counts still right.
    const QJsonObject none = object(call("GET", "/api/v1/search?query=from:alice&limit=0"));
    QCOMPARE(none.value("messages_count").toInt(), 5);
    QCOMPARE(none.value("count").toInt(), 0);
    QVERIFY(none.value("messages").toArray().isEmpty());
    // Nothing matches: 200 with zero.
    const HttpResponse nothing = call("GET", "/api/v1/search?query=nobody-has-this");
    QCOMPARE(nothing.status, 200);
    QCOMPARE(object(nothing).value("messages_count").toInt(), 0);
    QVERIFY(object(nothing).value("messages").isArray());
    // Searching leaves read flags alone.
    QCOMPARE(store->unreadCount(), qint64(8));
}

void TestMailpitListRoutes::searchNeedsAQuery_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("no query") << QByteArray("/api/v1/search");
    QTest::newRow("empty") << QByteArray("/api/v1/search?query=");
    QTest::newRow("blank") << QByteArray("/api/v1/search?query=%20%20&limit=5");
}

void TestMailpitListRoutes::searchNeedsAQuery()
{
    QFETCH(QByteArray, target);
    deliver(2);
    for (const QByteArray &method : { QByteArray("GET"), QByteArray("DELETE") }) {
        const HttpResponse response = call(method, target);
        QCOMPARE(response.status, 400);
        QCOMPARE(response.body, QByteArray("Error: no search query"));
        QVERIFY(response.contentType.startsWith("text/plain"));
    }
    QCOMPARE(store->count(), qint64(2));
}

void TestMailpitListRoutes::searchAsMailpitReadsIt()
{
    deliver(4);
    // Values Mailpit cannot read are ignored, not errors; quotes group; tz is used.
    QCOMPARE(object(call("GET", "/api/v1/search?query=before:soon%20from:alice"))
                 .value("messages_count")
                 .toInt(),
        2);
    QCOMPARE(object(call("GET", "/api/v1/search?query=subject:%22Message%203%22"))
                 .value("messages_count")
                 .toInt(),
        1);
    // The messages came 2026-11-20 00:01 .. 00:04 UTC, 2026-11-19 in New York.
    QCOMPARE(object(call("GET", "/api/v1/search?query=after:2026-11-20&tz=America/New_York"))
                 .value("messages_count")
                 .toInt(),
        0);
    QCOMPARE(object(call("GET", "/api/v1/search?query=after:2026-11-20"))
                 .value("messages_count")
                 .toInt(),
        4);
    QCOMPARE(object(call("GET", "/api/v1/search?query=after:2026-11-20&tz=No/Such_Zone"))
                 .value("messages_count")
                 .toInt(),
        4);
    // A zone that is a link to another (no canonical id of the zone table) is used too.
    for (const char *link : { "US/Eastern", "Etc/GMT%2B5" }) {
        QCOMPARE(object(call("GET", QByteArray("/api/v1/search?query=after:2026-11-20&tz=") + link))
                     .value("messages_count")
                     .toInt(),
            0);
    }
}

void TestMailpitListRoutes::timeZoneIdShapes_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("shape");
    QTest::newRow("IANA") << "Europe/Berlin" << true;
    QTest::newRow("three segments") << "America/Argentina/Buenos_Aires" << true;
    QTest::newRow("with a sign") << "Etc/GMT+5" << true;
    QTest::newRow("with a hyphen") << "America/Port-au-Prince" << true;
    QTest::newRow("one segment") << "UTC" << true;
    QTest::newRow("UTC+HH") << "UTC+02" << true;
    QTest::newRow("UTC-HH:MM") << "UTC-05:30" << true;
    QTest::newRow("parent") << "../../../../dev/stdin" << false;
    QTest::newRow("parent inside") << "Europe/../../../../dev/stdin" << false;
    QTest::newRow("absolute") << "/dev/stdin" << false;
    QTest::newRow("dot") << "zone.tab" << false;
    QTest::newRow("empty segment") << "Europe//Berlin" << false;
    QTest::newRow("trailing slash") << "Europe/" << false;
    QTest::newRow("digit first") << "1/x" << false;
    QTest::newRow("backslash") << "Europe\\Berlin" << false;
    QTest::newRow("space") << "Europe/Ber lin" << false;
    QTest::newRow("line end") << "Europe/Berlin\n" << false;
    QTest::newRow("NUL") << QStringLiteral("Europe/Berlin") + QChar(u'\0') << false;
    QTest::newRow("bad offset") << "UTC+2:00" << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("too long") << QString(65, QLatin1Char('A')) << false;
    QTest::newRow("64") << QString(64, QLatin1Char('A')) << true;
}

void TestMailpitListRoutes::timeZoneIdShapes()
{
    QFETCH(QString, id);
    QFETCH(bool, shape);
    QCOMPARE(isTimeZoneIdShape(id), shape);
}

// ?tz= is no path: Qt opens an IANA id as a file below /usr/share/zoneinfo, and a FIFO (or
// /dev/stdin) there would block the thread for good, with Qt's zone cache locked. The search is
// answered at once, the tz ignored.
#ifdef Q_OS_UNIX
void TestMailpitListRoutes::timeZoneNeverOpensAPath()
{
    // The path below climbs out of the zone directory: without it, it would lead nowhere and
    // the test could not fail (scripts/install-deps.sh installs tzdata).
    QVERIFY2(QFileInfo(QStringLiteral("/usr/share/zoneinfo")).isDir(), "tzdata is not installed");
    deliver(2);
    const QString fifo = dir->filePath(QStringLiteral("fifo"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    // Were the FIFO opened, this unblocks the reader after a while (the test then fails).
    QSemaphore answered;
    std::thread watchdog([&answered, fifo] {
        if (answered.tryAcquire(1, 5000))
            return;
        const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0)
            ::close(fd);
    });
    QElapsedTimer timer;
    timer.start();
    const QByteArray tz = "../../../../../../.." + QUrl::toPercentEncoding(fifo, "/");
    const HttpResponse response = call("GET", "/api/v1/search?query=after:2026-11-20&tz=" + tz);
    const qint64 elapsed = timer.elapsed();
    answered.release();
    watchdog.join();
    QVERIFY2(elapsed < 4000, "the FIFO was opened as a time zone");
    QCOMPARE(response.status, 200);
    QCOMPARE(object(response).value("messages_count").toInt(), 2);
}
#endif

void TestMailpitListRoutes::deleteSearch()
{
    deliver(6);
    const HttpResponse response = call("DELETE", "/api/v1/search?query=from:bob");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("ok"));
    QCOMPARE(store->count(), qint64(3));
    QCOMPARE(idsOf(object(call("GET", "/api/v1/messages"))),
        (QStringList { idOf(5), idOf(3), idOf(1) }));
    // Nothing matches: still ok.
    QCOMPARE(call("DELETE", "/api/v1/search?query=nobody-has-this").status, 200);
    QCOMPARE(store->count(), qint64(3));
}

void TestMailpitListRoutes::setReadStatus()
{
    deliver(6);
    const auto unread = [this] { return store->unreadCount(); };
    // mailpit-api's setReadStatus() with no argument sends {}: every message, Read false.
    QCOMPARE(call("PUT", "/api/v1/messages", R"({"Read":true})").status, 200);
    QCOMPARE(unread(), qint64(0));
    const HttpResponse response = call("PUT", "/api/v1/messages", "{}");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("ok"));
    QCOMPARE(unread(), qint64(6));
    // cypress-mailpit's "all": IDs [].
    QCOMPARE(call("PUT", "/api/v1/messages", R"({"IDs":[],"Read":true})").status, 200);
    QCOMPARE(unread(), qint64(0));
    // Some by ID; unknown and malformed IDs are ignored.
    QCOMPARE(call("PUT", "/api/v1/messages",
                 QString(R"({"IDs":["%1","%2","999999","nope"],"Read":false})")
                     .arg(idOf(2), idOf(4))
                     .toUtf8())
                 .status,
        200);
    QCOMPARE(unread(), qint64(2));
    QCOMPARE(
        object(call("GET", "/api/v1/search?query=is:unread")).value("messages_count").toInt(), 2);
    // Another spelling of an ID's number is an unknown ID.
    QCOMPARE(call("PUT", "/api/v1/messages",
                 QString(R"({"IDs":["0%1","+%1"," %1"],"Read":true})").arg(idOf(2)).toUtf8())
                 .status,
        200);
    QCOMPARE(unread(), qint64(2));
    // By search, with unknown fields ignored.
    QCOMPARE(
        call("PUT", "/api/v1/messages", R"({"Search":"from:alice","Read":false,"X":1})").status,
        200);
    QCOMPARE(unread(), qint64(5)); // 1, 3, 5 and 2, 4
    QCOMPARE(call("PUT", "/api/v1/messages?tz=Europe/Berlin",
                 R"({"Search":"after:2026-11-20","Read":true})")
                 .status,
        200);
    QCOMPARE(unread(), qint64(0));
}

void TestMailpitListRoutes::setReadStatusRefusesBadBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("message"); // empty: any

    QTest::newRow("no body") << QByteArray() << QByteArray();
    QTest::newRow("not JSON") << QByteArray("{\"IDs\":") << QByteArray();
    QTest::newRow("not an object") << QByteArray("[1,2]") << QByteArray();
    QTest::newRow("IDs and Search")
        << QByteArray(R"({"IDs":["1"],"Search":"from:alice","Read":true})")
        << QByteArray("You may specify either IDs or a search query, not both");
    // A field of the wrong type is never read as absent: no IDs and no Search mean every
    // message.
    const QByteArray notStrings("IDs must be an array of strings");
    QTest::newRow("IDs a string") << QByteArray(R"({"IDs":"1","Read":true})") << notStrings;
    QTest::newRow("IDs numbers") << QByteArray(R"({"IDs":[1],"Read":true})") << notStrings;
    QTest::newRow("IDs mixed") << QByteArray(R"({"IDs":["1",2],"Read":true})") << notStrings;
    QTest::newRow("IDs an object") << QByteArray(R"({"IDs":{},"Read":true})") << notStrings;
    QTest::newRow("IDs null") << QByteArray(R"({"IDs":null,"Read":true})") << notStrings;
    const QByteArray read("Read must be true or false");
    QTest::newRow("Read a string") << QByteArray(R"({"Read":"yes"})") << read;
    QTest::newRow("Read a number") << QByteArray(R"({"Read":1})") << read;
    QTest::newRow("Read null") << QByteArray(R"({"Read":null})") << read;
    const QByteArray search("Search must be a string");
    QTest::newRow("Search a number") << QByteArray(R"({"Search":5,"Read":true})") << search;
    QTest::newRow("Search an array")
        << QByteArray(R"({"Search":["from:alice"],"Read":true})") << search;
}

void TestMailpitListRoutes::setReadStatusRefusesBadBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, message);
    deliver(2);
    QVERIFY(store->setRead({ ids.at(0) }, true)); // one read, one not: any change shows
    const HttpResponse response = call("PUT", "/api/v1/messages", body);
    QCOMPARE(response.status, 400);
    QVERIFY(!response.body.isEmpty());
    QVERIFY(!response.body.contains('\n'));
    if (!message.isEmpty())
        QCOMPARE(response.body, message);
    QVERIFY(store->message(ids.at(0))->summary().read);
    QVERIFY(!store->message(ids.at(1))->summary().read);
}

void TestMailpitListRoutes::deleteMessages()
{
    deliver(5);
    QCOMPARE(call("DELETE", "/api/v1/messages",
                 QString(R"({"IDs":["%1","%2","999999","x"]})").arg(idOf(2), idOf(5)).toUtf8())
                 .status,
        200);
    QCOMPARE(idsOf(object(call("GET", "/api/v1/messages"))),
        (QStringList { idOf(4), idOf(3), idOf(1) }));
    // A damaged body must not empty the mailbox.
    const HttpResponse damaged = call("DELETE", "/api/v1/messages", "{\"IDs\": [");
    QCOMPARE(damaged.status, 400);
    QCOMPARE(store->count(), qint64(3));
    // Only unknown IDs: nothing goes. Another spelling of an ID's number is an unknown ID.
    QCOMPARE(call("DELETE", "/api/v1/messages", R"({"IDs":["999999"]})").status, 200);
    QCOMPARE(store->count(), qint64(3));
    QCOMPARE(call("DELETE", "/api/v1/messages",
                 QString(R"({"IDs":["0%1","+%1"," %1","%1.0"]})").arg(idOf(1)).toUtf8())
                 .status,
        200);
    QCOMPARE(store->count(), qint64(3));
}

void TestMailpitListRoutes::deleteRefusesBadBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("message"); // empty: any

    QTest::newRow("not JSON") << QByteArray("{\"IDs\": [") << QByteArray();
    QTest::newRow("not an object") << QByteArray(R"(["1"])") << QByteArray();
    // Read as absent, any of these would delete every message.
    const QByteArray notStrings("IDs must be an array of strings");
    QTest::newRow("IDs a string") << QByteArray(R"({"IDs":"1"})") << notStrings;
    QTest::newRow("IDs numbers") << QByteArray(R"({"IDs":[1]})") << notStrings;
    QTest::newRow("IDs mixed") << QByteArray(R"({"IDs":["1",2]})") << notStrings;
    QTest::newRow("IDs an object") << QByteArray(R"({"IDs":{"0":"1"}})") << notStrings;
    QTest::newRow("IDs null") << QByteArray(R"({"IDs":null})") << notStrings;
    QTest::newRow("IDs true") << QByteArray(R"({"IDs":true})") << notStrings;
}

void TestMailpitListRoutes::deleteRefusesBadBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, message);
    deliver(3);
    const HttpResponse response = call("DELETE", "/api/v1/messages", body);
    QCOMPARE(response.status, 400);
    QVERIFY(!response.body.isEmpty());
    QVERIFY(!response.body.contains('\n'));
    if (!message.isEmpty())
        QCOMPARE(response.body, message);
    QCOMPARE(store->count(), qint64(3));
}

void TestMailpitListRoutes::deleteAllForms_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no body (mailpit-api, cypress-mailpit)") << QByteArray();
    QTest::newRow("{}") << QByteArray("{}");
    QTest::newRow("IDs []") << QByteArray(R"({"IDs":[]})");
    QTest::newRow("white space") << QByteArray(" \r\n");
}

void TestMailpitListRoutes::deleteAllForms()
{
    QFETCH(QByteArray, body);
    deliver(4);
    const HttpResponse response = call("DELETE", "/api/v1/messages", body);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("ok"));
    QCOMPARE(store->count(), qint64(0));
    QCOMPARE(object(call("GET", "/api/v1/messages")).value("total").toInt(), 0);
}

void TestMailpitListRoutes::info()
{
    deliver(3);
    QVERIFY(store->setRead({ ids.at(0) }, true));
    QCOMPARE(call("DELETE", "/api/v1/messages", QString(R"({"IDs":["%1"]})").arg(idOf(2)).toUtf8())
                 .status,
        200);
    const HttpResponse response = call("GET", "/api/v1/info");
    QCOMPARE(response.status, 200);
    const QJsonObject o = object(response);
    QCOMPARE(o.value("Messages").toInt(), 2);
    QCOMPARE(o.value("Unread").toInt(), 1);
    QVERIFY(!o.value("Version").toString().isEmpty());
    QCOMPARE(o.value("LatestVersion").toString(), QString("disabled"));
    QCOMPARE(o.value("Database").toString(), dir->filePath("store.sqlite"));
    QVERIFY(o.value("DatabaseSize").toInteger() > 0);
    QVERIFY(o.value("Tags").isObject());
    QVERIFY(o.value("Tags").toObject().isEmpty());
    const QJsonObject stats = o.value("RuntimeStats").toObject();
    for (const char *key : { "Uptime", "Memory", "MessagesDeleted", "SMTPAccepted",
             "SMTPAcceptedSize", "SMTPRejected", "SMTPIgnored" })
        QVERIFY2(stats.value(key).isDouble(), key);
    QVERIFY(stats.value("Uptime").toInt() >= 5);
    QVERIFY(stats.value("Memory").toInteger() > 0);
    QTRY_COMPARE(object(call("GET", "/api/v1/info"))
                     .value("RuntimeStats")
                     .toObject()
                     .value("MessagesDeleted")
                     .toInt(),
        1);
    QCOMPARE(stats.value("SMTPAccepted").toInt(), 0); // no server in the context
    // A clear counts what it took.
    QCOMPARE(call("DELETE", "/api/v1/messages").status, 200);
    QTRY_COMPARE(object(call("GET", "/api/v1/info"))
                     .value("RuntimeStats")
                     .toObject()
                     .value("MessagesDeleted")
                     .toInt(),
        3);
}

// Our addition to the info answer: the mailboxes in the store's order with their counters.
void TestMailpitListRoutes::infoListsMailboxes()
{
    const auto mailboxes = [this] {
        QList<std::tuple<QString, int, int>> list;
        for (const QJsonValue &v : object(call("GET", "/api/v1/info")).value("Mailboxes").toArray())
            list.append({ v.toObject().value("Name").toString(),
                v.toObject().value("Messages").toInt(), v.toObject().value("Unread").toInt() });
        return list;
    };
    using Row = std::tuple<QString, int, int>;
    QCOMPARE(mailboxes(), (QList<Row> { { "Inbox", 0, 0 } })); // Inbox always
    QList<SmtpMessage> messages;
    for (int n = 1; n <= 4; ++n) {
        SmtpMessage m = makeMessage(n, "Message " + QByteArray::number(n), "alice@example.org");
        m.setMailboxes({ n == 1 ? "zeta" : n == 4 ? "Inbox" : "shop" });
        messages.append(m);
    }
    QVERIFY(deliverAll(*store, messages));
    const QList<SmtpMessageSummary> shop = store->summariesAt("mailbox:shop", 0, 10);
    QCOMPARE(shop.size(), 2);
    QVERIFY(store->setRead({ shop.at(0).id }, true));
    // Inbox first, then by name, whatever the order the mail came in.
    QCOMPARE(mailboxes(), (QList<Row> { { "Inbox", 1, 1 }, { "shop", 2, 1 }, { "zeta", 1, 1 } }));
    // Mailpit's own fields stay as they were.
    const QJsonObject o = object(call("GET", "/api/v1/info"));
    QCOMPARE(o.value("Messages").toInt(), 4);
    QCOMPARE(o.value("Tags").toObject(), (QJsonObject { { "shop", 2 }, { "zeta", 1 } }));
}

void TestMailpitListRoutes::webui()
{
    const HttpResponse response = call("GET", "/api/v1/webui");
    QCOMPARE(response.status, 200);
    const QJsonObject o = object(response);
    QCOMPARE(o.value("Label").toString(), QString(""));
    QVERIFY(o.value("Label").isString());
    const QJsonObject relay = o.value("MessageRelay").toObject();
    QCOMPARE(relay.value("Enabled").toBool(true), false);
    for (const char *key : { "SMTPServer", "ReturnPath", "AllowedRecipients", "BlockedRecipients",
             "OverrideFrom", "RecipientAllowlist" })
        QVERIFY2(relay.value(key).isString(), key);
    QCOMPARE(relay.value("PreserveMessageIDs").toBool(true), false);
    for (const char *key :
        { "SpamAssassin", "ChaosEnabled", "DuplicatesIgnored", "HideDeleteAllButton" }) {
        QVERIFY2(o.value(key).isBool(), key);
        QCOMPARE(o.value(key).toBool(), false);
    }
}

void TestMailpitListRoutes::health()
{
    HttpResponse live = call("GET", "/livez");
    QCOMPARE(live.status, 200);
    QVERIFY(live.body.isEmpty());
    HttpResponse ready = call("GET", "/readyz");
    QCOMPARE(ready.status, 200);
    QVERIFY(ready.body.isEmpty());
    store->close();
    QCOMPARE(call("GET", "/readyz").status, 503);
    QCOMPARE(call("GET", "/livez").status, 200);
}

void TestMailpitListRoutes::otherMethods()
{
    QCOMPARE(call("POST", "/api/v1/messages").status, 405);
    QCOMPARE(call("PUT", "/api/v1/search?query=x").status, 405);
    QCOMPARE(call("DELETE", "/api/v1/info").status, 405);
    QCOMPARE(call("GET", "/api/v1/nothing-here").status, 404);
}

QTEST_GUILESS_MAIN(TestMailpitListRoutes)
#include "tst_mailpitlistroutes.moc"
