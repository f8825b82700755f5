// Big messages on a real server: past the memory limit a body goes to a spool file in the spool
// directory, and that file is gone (closed, and no name left on disk) as soon as the transaction
// is over: when the client drops in the middle of DATA, and once the store has the message (which
// then reads back from the store). Without a store the message signal reads the spool.
#include "smtptestclient.h"

#include <smtpmessagestore.h>
#include <smtpserver.h>

#include <QCryptographicHash>
#include <QDir>
#include <QIODevice>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

// Files of this process open in directory, named or unnamed (an unnamed one reads
// "DIR/#123 (deleted)"): what spool files there are.
int openFilesIn(const QString &directory)
{
    const QByteArray prefix = QFile::encodeName(QDir(directory).canonicalPath()) + '/';
    int count = 0;
    const QStringList fds
        = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &fd : fds) {
        char target[4096];
        const QByteArray link = QFile::encodeName(QStringLiteral("/proc/self/fd/") + fd);
        const ssize_t n = ::readlink(link.constData(), target, sizeof target - 1);
        if (n > 0 && QByteArray(target, qsizetype(n)).startsWith(prefix))
            ++count;
    }
    return count;
}

QStringList entries(const QString &directory)
{
    return QDir(directory).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

// A body of about size octets in lines, some with a leading dot; and its stuffed wire form.
QByteArray bigBody(qsizetype size)
{
    QByteArray body = "Subject: big\r\n\r\n";
    for (int i = 0; body.size() < size; ++i)
        body += (i % 9 == 0 ? "." : "") + QByteArray::number(i) + QByteArray(70, 'q') + "\r\n";
    return body;
}

QByteArray stuffed(const QByteArray &body)
{
    QByteArray wire = body;
    wire.replace("\r\n.", "\r\n..");
    return wire;
}

} // namespace

class TestSpool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clientGoneMidDataLeavesNoSpool_data();
    void clientGoneMidDataLeavesNoSpool();
    void storedBigMessageReadsFromStore();
    void withoutStoreMessageReadsSpool();
};

void TestSpool::clientGoneMidDataLeavesNoSpool_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("DATA") << false;
    QTest::newRow("BDAT") << true;
}

void TestSpool::clientGoneMidDataLeavesNoSpool()
{
    QFETCH(bool, chunked);
    QTemporaryDir spoolDir;
    SmtpServer server;
    server.setSpoolDirectory(spoolDir.path());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    SmtpTestClient client;
    QVERIFY(client.connectTo(server.serverPort()));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
    const QByteArray body = bigBody(3 * 1024 * 1024);
    if (chunked) {
        client.send("BDAT " + QByteArray::number(body.size() + 100) + " LAST\r\n" + body);
    } else {
        QCOMPARE(SmtpTestClient::code(client.command("DATA")), 354);
        client.send(stuffed(body)); // no end: the client leaves in the middle
    }
    // The server has spooled what it read by now; then the client is gone.
    QTRY_COMPARE_WITH_TIMEOUT(openFilesIn(spoolDir.path()), 1, 10000);
    QCOMPARE(server.connectionCount(), 1);
    client.socket().abort();
    QTRY_COMPARE(server.connectionCount(), 0); // the server saw the disconnect
    QCOMPARE(openFilesIn(spoolDir.path()), 0);
    QCOMPARE(entries(spoolDir.path()), QStringList());
}

void TestSpool::storedBigMessageReadsFromStore()
{
    QTemporaryDir dir;
    const QString spoolPath = dir.filePath(QStringLiteral("spool"));
    SmtpMessageStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("messages.sqlite"))));
    SmtpServer server;
    server.addMessageSink(&store);
    server.setSpoolDirectory(spoolPath);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy received(&server, &SmtpServer::message);

    const QByteArray body = bigBody(3 * 1024 * 1024 + 17);
    SmtpTestClient client;
    QVERIFY(client.connectTo(server.serverPort()));
    const QByteArray reply = client.sendMail("a@x.test", { "b@x.test" }, stuffed(body));
    QVERIFY2(reply.startsWith("250 "), reply.constData());
    QTRY_COMPARE(received.size(), 1);
    SmtpMessage message = received.takeFirst().constFirst().value<SmtpMessage>();

    // Not held in memory; read back from the store, so the spool file goes (once the store's
    // writer thread has let go of its copy too).
    QVERIFY(!message.isDataInMemory());
    QCOMPARE(message.size(), body.size());
    QTRY_COMPARE(openFilesIn(spoolPath), 0);
    QCOMPARE(entries(spoolPath), QStringList());
    QCOMPARE(message.data(), body);
    QCOMPARE(message.leadingData(14), QByteArray("Subject: big\r\n"));
    QCOMPARE(message.subject(), QStringLiteral("big"));
    QCOMPARE(store.rawData(message.id()), body);
    const std::unique_ptr<QIODevice> device = message.openData();
    QVERIFY(device);
    QVERIFY(device->seek(body.size() - 10));
    QCOMPARE(device->readAll(), body.right(10));
}

void TestSpool::withoutStoreMessageReadsSpool()
{
    QTemporaryDir spoolDir;
    SmtpServer server; // no sinks: nothing keeps the bytes but the spool
    server.setSpoolDirectory(spoolDir.path());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy received(&server, &SmtpServer::message);

    const QByteArray body = bigBody(2 * 1024 * 1024);
    SmtpTestClient client;
    QVERIFY(client.connectTo(server.serverPort()));
    QVERIFY(client.sendMail("a@x.test", { "b@x.test" }, stuffed(body)).startsWith("250 "));
    QTRY_COMPARE(received.size(), 1);
    {
        const SmtpMessage message = received.takeFirst().constFirst().value<SmtpMessage>();
        QVERIFY(!message.isDataInMemory());
        QCOMPARE(message.data(), body);
        QCOMPARE(openFilesIn(spoolDir.path()), 1); // kept open while the message lives
    }
    // With the last copy of the message the file goes too.
    QCOMPARE(openFilesIn(spoolDir.path()), 0);
    QCOMPARE(SmtpTestClient::code(client.command("QUIT")), 221);
    QTRY_COMPARE(server.connectionCount(), 0);
    QCOMPARE(entries(spoolDir.path()), QStringList());
}

QTEST_GUILESS_MAIN(TestSpool)
#include "tst_spool.moc"
