// "A 250 after DATA means the message is committed to disk and survives kill -9."
// The real binary is started on a database file, fed messages one by one, killed with SIGKILL
// while a message is in flight, and every message that got its 250 must then be in the store,
// byte for byte.
#include "smtptestclient.h"

#include <smtpmessagestore.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

class TestDurability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acknowledgedMailSurvivesKill9();
    void unindexedMailIsIndexedAfterKill9();
    void spooledMailSurvivesKill9();
    void acknowledgedMailAtAMaximumSurvivesKill9();

private:
    static quint16 startServer(
        QProcess &process, const QString &database, const QStringList &more = {});
    using Acknowledged = std::vector<std::pair<qint64, QByteArray>>; // id, hash of the bytes
    static void sendThenKill(quint16 port, QProcess &server, int messages,
        const QByteArray &subject, Acknowledged *acknowledged);
};

// Files that process has open in directory other than the store's own: its spool files (an
// unnamed one reads "DIR/#123 (deleted)").
static int spoolFilesOpen(qint64 pid, const QString &directory)
{
    const QString fdDir = QStringLiteral("/proc/%1/fd").arg(pid);
    const QString prefix = QDir(directory).canonicalPath() + QLatin1Char('/');
    int count = 0;
    for (const QString &fd : QDir(fdDir).entryList(QDir::Files | QDir::System)) {
        const QString target = QFile::symLinkTarget(fdDir + QLatin1Char('/') + fd);
        if (target.startsWith(prefix) && !target.mid(prefix.size()).startsWith("messages.sqlite"))
            ++count;
    }
    return count;
}

quint16 TestDurability::startServer(
    QProcess &process, const QString &database, const QStringList &more)
{
    process.setProgram(SMTP_RECEIVER_BINARY);
    process.setArguments(
        QStringList { "--no-gui", "--json", "--smtp", "127.0.0.1:0", "--database", database }
        + more);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start();
    if (!process.waitForStarted(5000) || !process.waitForReadyRead(10000))
        return 0;
    const QJsonObject ready = QJsonDocument::fromJson(process.readLine()).object();
    if (ready.value("event").toString() != "listening")
        return 0;
    return quint16(ready.value("smtp").toString().section(':', -1).toUInt());
}

// Sends messages one by one on one session ("Subject: <subject> <n>"), and kills the server
// while the last is in flight: it may be committing that one right now. *acknowledged: the others,
// in order, each checked to have had its 250.
void TestDurability::sendThenKill(quint16 port, QProcess &server, int messages,
    const QByteArray &subject, Acknowledged *acknowledged)
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(port));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    for (int i = 0; i < messages; ++i) {
        const QByteArray body = "Subject: " + subject + ' ' + QByteArray::number(i) + "\r\n\r\n"
            + QByteArray(100 + i * 37 % 3000, char('a' + i % 26)) + "\r\n";
        QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.command("DATA")), 354);
        client.send(body + ".\r\n");
        if (i == messages - 1) {
            server.kill();
            break;
        }
        const QByteArray reply = client.readReply();
        QVERIFY2(reply.startsWith("250 2.0.0 OK: queued as "), reply.constData());
        const qint64 id = reply.mid(24).trimmed().toLongLong();
        QVERIFY(id > 0);
        acknowledged->emplace_back(id, QCryptographicHash::hash(body, QCryptographicHash::Sha256));
    }
}

void TestDurability::acknowledgedMailSurvivesKill9()
{
    QTemporaryDir dir;
    const QString database = dir.filePath("messages.sqlite");
    QProcess server;
    const quint16 port = startServer(server, database);
    QVERIFY2(port != 0, server.readAllStandardError().constData());

    Acknowledged acknowledged;
    sendThenKill(port, server, 150, "durable", &acknowledged);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::CrashExit);
    QCOMPARE(acknowledged.size(), size_t(149));

    // Read the file the killed process left behind.
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(database), qPrintable(store.errorString()));
        QVERIFY(store.count() >= qint64(acknowledged.size()));
        for (const auto &[id, hash] : acknowledged) {
            const QByteArray data = store.rawData(id);
            QVERIFY2(!data.isEmpty(), qPrintable(QString("message %1 lost").arg(id)));
            QCOMPARE(QCryptographicHash::hash(data, QCryptographicHash::Sha256), hash);
        }
    }

    // And the server starts again on the same file and lists them.
    QProcess list;
    list.start(SMTP_RECEIVER_BINARY, { "--list", "--json", "--database", database });
    QVERIFY(list.waitForFinished(10000));
    QCOMPARE(list.exitCode(), 0);
    const QList<QByteArray> lines = list.readAllStandardOutput().trimmed().split('\n');
    QVERIFY(lines.size() >= qsizetype(acknowledged.size()));
    QCOMPARE(QJsonDocument::fromJson(lines.first()).object().value("subject").toString(),
        QString("durable 0"));
}

void TestDurability::unindexedMailIsIndexedAfterKill9()
{
    // The 250 waits only for the raw bytes and the inbox headers; the MIME parse and the search
    // index follow in the background. A burst, then a kill at once: what was acknowledged but
    // not indexed yet must be there, and searchable once the indexer has caught up after restart.
    QTemporaryDir dir;
    const QString database = dir.filePath("messages.sqlite");
    QProcess server;
    const quint16 port = startServer(server, database);
    QVERIFY2(port != 0, server.readAllStandardError().constData());

    QHash<qint64, QByteArray> acknowledged; // id -> the word only that message holds
    // Eight sessions, each pipelining its whole share in one write (PIPELINING + CHUNKING): the
    // messages commit in groups, faster than they are parsed and indexed.
    constexpr int sessions = 8;
    constexpr int perSession = 50;
    std::vector<std::unique_ptr<SmtpTestClient>> clients;
    for (int c = 0; c < sessions; ++c) {
        clients.push_back(std::make_unique<SmtpTestClient>());
        QVERIFY(clients.back()->connectTo(port));
        QCOMPARE(SmtpTestClient::code(clients.back()->greeting()), 220);
        QCOMPARE(SmtpTestClient::code(clients.back()->ehlo()), 250);
    }
    const QByteArray filler = QByteArray("lorem ipsum dolor sit amet ").repeated(600);
    QList<QList<QByteArray>> words(sessions);
    for (int c = 0; c < sessions; ++c) {
        QByteArray burst;
        for (int i = 0; i < perSession; ++i) {
            const QByteArray word = "burstword" + QByteArray::number(c * perSession + i) + "x";
            const QByteArray body = "Subject: burst " + word
                + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
                  "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
                + word + " " + filler + "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>" + filler
                + "</p>\r\n--b--\r\n";
            burst += "MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nBDAT "
                + QByteArray::number(body.size()) + " LAST\r\n" + body;
            words[c].append(word);
        }
        clients[std::size_t(c)]->send(burst);
    }
    for (int c = 0; c < sessions; ++c) {
        SmtpTestClient &client = *clients[std::size_t(c)];
        for (const QByteArray &word : std::as_const(words[c])) {
            QCOMPARE(SmtpTestClient::code(client.readReply(20000)), 250);
            QCOMPARE(SmtpTestClient::code(client.readReply(20000)), 250);
            const QByteArray reply = client.readReply(20000);
            QVERIFY2(reply.startsWith("250 2.0.0 OK: queued as "), reply.constData());
            acknowledged.insert(reply.mid(24).trimmed().toLongLong(), word);
        }
    }
    server.kill(); // right after the last 250: the indexer is behind, or just done
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::CrashExit);

    // How far behind the indexer was, as the file says (for the log: it depends on the machine).
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "peek");
        db.setDatabaseName(database);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("SELECT count(*) FROM messages WHERE unindexed <> 0") && q.next());
        qInfo("%lld of %lld acknowledged messages were not indexed at the kill",
            q.value(0).toLongLong(), qint64(acknowledged.size()));
        db.close();
    }
    QSqlDatabase::removeDatabase("peek");

    SmtpMessageStore store;
    QSignalSpy caughtUp(&store, &SmtpMessageStore::indexCaughtUp);
    QVERIFY2(store.open(database), qPrintable(store.errorString()));
    QCOMPARE(store.count(), qint64(acknowledged.size()));
    // Listed at once, whether indexed or not.
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
        const auto m = store.message(it.key());
        QVERIFY(m.has_value());
        QVERIFY(m->textBody().startsWith(QString::fromLatin1(it.value())));
    }
    QVERIFY(caughtUp.wait(30000) || store.isIndexCaughtUp());
    QVERIFY(store.isIndexCaughtUp());
    QVERIFY(store.indexedUpTo() >= acknowledged.keys().constLast());
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
        const QList<SmtpMessageSummary> found
            = store.summaries('"' + QString::fromLatin1(it.value()) + '"', 0, 10);
        QVERIFY2(found.size() == 1 && found.first().id == it.key(),
            qPrintable(QString("message %1 not found by search").arg(it.key())));
    }
}

void TestDurability::spooledMailSurvivesKill9()
{
    // Messages past 1 MiB are spooled to a file beside the store while they arrive and streamed
    // into it before their 250: acknowledged ones survive a kill -9, and a message cut off by the
    // kill in the middle of DATA leaves no file behind (its spool never had a name).
    QTemporaryDir dir;
    const QString database = dir.filePath("messages.sqlite");
    QProcess server;
    const quint16 port = startServer(server, database);
    QVERIFY2(port != 0, server.readAllStandardError().constData());

    QHash<qint64, QByteArray> acknowledged; // id -> hash of the bytes
    SmtpTestClient client;
    QVERIFY(client.connectTo(port));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    for (int i = 0; i < 4; ++i) {
        QByteArray body = "Subject: spooled " + QByteArray::number(i) + "\r\n\r\n";
        for (int line = 0; body.size() < (3 << 20) + i * 1000; ++line)
            body += (line % 7 == 0 ? "." : "") + QByteArray::number(line * (i + 1))
                + QByteArray(60, char('a' + i)) + "\r\n";
        QByteArray wire = body;
        wire.replace("\r\n.", "\r\n..");
        QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.command("DATA")), 354);
        if (i == 3) {
            client.send(wire.left(wire.size() / 2)); // cut off in the middle by the kill
            // Killed once the server has this body in a spool file beside the store.
            QTRY_VERIFY_WITH_TIMEOUT(spoolFilesOpen(server.processId(), dir.path()) == 1, 10000);
            server.kill();
            break;
        }
        client.send(wire + ".\r\n");
        const QByteArray reply = client.readReply(30000);
        QVERIFY2(reply.startsWith("250 2.0.0 OK: queued as "), reply.constData());
        acknowledged.insert(reply.mid(24).trimmed().toLongLong(),
            QCryptographicHash::hash(body, QCryptographicHash::Sha256));
    }
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::CrashExit);
    QCOMPARE(acknowledged.size(), 3);

    // Beside the store there is only the store: nothing of the spool files.
    for (const QString &name :
        QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden))
        QVERIFY2(name.startsWith("messages.sqlite"), qPrintable(name));

    SmtpMessageStore store;
    QVERIFY2(store.open(database), qPrintable(store.errorString()));
    QCOMPARE(store.count(), qint64(acknowledged.size()));
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it)
        QCOMPARE(QCryptographicHash::hash(store.rawData(it.key()), QCryptographicHash::Sha256),
            it.value());
}

void TestDurability::acknowledgedMailAtAMaximumSurvivesKill9()
{
    // At a maximum every commit of mail is followed by a prune of its own, which is not synced by
    // itself, and the 250s wait for it. A kill at any moment loses no acknowledged message the
    // maximum keeps, and leaves a file a new run brings within the maximum.
    constexpr int max = 20;
    QTemporaryDir dir;
    const QString database = dir.filePath("messages.sqlite");
    QProcess server;
    const quint16 port = startServer(server, database, { "--max", QString::number(max) });
    QVERIFY2(port != 0, server.readAllStandardError().constData());

    Acknowledged acknowledged; // the last one in flight: committed, pruning, or not yet
    sendThenKill(port, server, 120, "capped", &acknowledged);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(server.waitForFinished(5000));
    QCOMPARE(server.exitStatus(), QProcess::CrashExit);
    QCOMPARE(acknowledged.size(), size_t(119));

    // The newest acknowledged are all there, byte for byte; what the last prune did not get to
    // (at most that commit's mail, and the one in flight) may be there too.
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(database), qPrintable(store.errorString()));
        QVERIFY(store.count() >= max);
        QVERIFY(store.count() <= max + 2);
        for (size_t i = acknowledged.size() - max; i < acknowledged.size(); ++i) {
            const QByteArray data = store.rawData(acknowledged[i].first);
            QVERIFY2(
                !data.isEmpty(), qPrintable(QString("message %1 lost").arg(acknowledged[i].first)));
            QCOMPARE(
                QCryptographicHash::hash(data, QCryptographicHash::Sha256), acknowledged[i].second);
        }
    }

    // A new run with the maximum brings the file within it, keeping the newest.
    QProcess again;
    QVERIFY(startServer(again, database, { "--max", QString::number(max) }) != 0);
    again.terminate();
    QVERIFY(again.waitForFinished(10000));
    SmtpMessageStore store;
    QVERIFY(store.open(database));
    QCOMPARE(store.count(), max);
    const QList<SmtpMessageSummary> kept = store.summaries(QString(), 0, 2 * max);
    QCOMPARE(kept.size(), max);
    QVERIFY(kept.constLast().id >= acknowledged[acknowledged.size() - max].first);
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
