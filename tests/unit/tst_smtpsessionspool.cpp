// SmtpSession with a body spool: a body past the memory limit goes to the spool, dot-unstuffed
// and byte for byte, in whatever pieces the client's bytes arrive; the size cap holds the same;
// a failing spool refuses the message with 451 and nothing else; and the session lets go of the
// spool whenever the transaction ends (stored, refused, reset, cut off), so a spool file cannot
// outlive it.
#include "smtpsession.h"

#include <QTest>

namespace {

using Type = SmtpEvent::Type;

class MemorySpool : public SmtpBodySpool
{
public:
    bool append(QByteArrayView octets) override
    {
        if (failAfter >= 0 && data.size() + octets.size() > failAfter)
            return false;
        data.append(octets.data(), octets.size());
        return true;
    }
    QByteArray data;
    qsizetype failAfter = -1;
};

// Makes the spools and remembers the last one, without keeping it alive.
struct Spooler
{
    std::weak_ptr<MemorySpool> last;
    int made = 0;
    qsizetype failAfter = -1;
    bool refuse = false;

    SmtpBodySpooler function()
    {
        return [this]() -> std::shared_ptr<SmtpBodySpool> {
            if (refuse)
                return nullptr;
            ++made;
            auto spool = std::make_shared<MemorySpool>();
            spool->failAfter = failAfter;
            last = spool;
            return spool;
        };
    }
};

SmtpSessionConfig config(qint64 memoryLimit, qint64 maxSize = 26214400)
{
    SmtpSessionConfig c;
    c.hostname = "mx.test";
    c.limits.memoryBodyLimit = memoryLimit;
    c.limits.maxMessageSize = maxSize;
    return c;
}

const QByteArray envelope = "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n";

// A session that answers every event as a permissive server would; the Message events are kept
// (and with them their spools) until the test lets them go.
class Client
{
public:
    Client(SmtpSessionConfig c, Spooler *spooler)
        : session(std::move(c))
    {
        if (spooler)
            session.setBodySpooler(spooler->function());
        session.start();
        session.takeOutput();
    }

    // Feeds bytes in pieces of chunk octets (0: at once); returns the replies.
    QByteArray run(const QByteArray &bytes, qsizetype chunk = 0)
    {
        QByteArray out;
        if (chunk <= 0)
            chunk = qMax<qsizetype>(1, bytes.size());
        for (qsizetype at = 0; at < bytes.size(); at += chunk) {
            session.feed(QByteArrayView(bytes).sliced(at, qMin(chunk, bytes.size() - at)));
            // An answer lets the session go on, which may make the next event.
            for (QList<SmtpEvent> events = session.takeEvents(); !events.isEmpty();
                 events = session.takeEvents()) {
                for (const SmtpEvent &event : std::as_const(events)) {
                    if (event.type == Type::Recipient)
                        session.acceptRecipient(event.address);
                    if (event.type == Type::Message) {
                        messages << event;
                        session.messageStored("1");
                    }
                }
            }
            out += session.takeOutput();
        }
        return out;
    }

    // The body of a message event, wherever the session put it.
    static QByteArray body(const SmtpEvent &event)
    {
        return event.spool ? static_cast<MemorySpool *>(event.spool.get())->data : event.data;
    }

    SmtpSession session;
    QList<SmtpEvent> messages;
};

// Lines that exercise the unstuffing: leading dots, a lone dot, bare CR and LF, long lines.
QByteArray sampleBody()
{
    QByteArray body = "Subject: spooled\r\n\r\n";
    for (int i = 0; i < 40; ++i) {
        body += "line " + QByteArray::number(i) + " " + QByteArray(i * 7, 'x') + "\r\n";
        body += "..leading dot " + QByteArray::number(i) + "\r\n";
        body += "..\r\n";
        body += "bare\rCR and bare\nLF .\r\n";
    }
    return body + "...\r\n";
}

QByteArray unstuffed(const QByteArray &stuffed)
{
    QByteArray body = stuffed;
    body.replace("\r\n..", "\r\n.");
    return body;
}

} // namespace

class TestSmtpSessionSpool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void smallBodyStaysInMemory();
    void dataIsSpooledAcrossPieces_data();
    void dataIsSpooledAcrossPieces();
    void sizeLimitWithSpool_data();
    void sizeLimitWithSpool();
    void bdatIsSpooledAcrossPieces_data();
    void bdatIsSpooledAcrossPieces();
    void bdatOverflowDropsSpool();
    void spoolFailureAnswers451();
    void noSpoolKeepsBodyInMemory();
    void spoolReleasedWhenTransactionEnds_data();
    void spoolReleasedWhenTransactionEnds();
};

void TestSmtpSessionSpool::smallBodyStaysInMemory()
{
    Spooler spooler;
    Client c(config(64), &spooler);
    const QByteArray body = "Subject: small\r\n\r\n" + QByteArray(40, 'a') + "\r\n";
    QVERIFY(
        c.run(envelope + "DATA\r\n" + body + ".\r\n").endsWith("250 2.0.0 OK: queued as 1\r\n"));
    QCOMPARE(spooler.made, 0);
    QCOMPARE(c.messages.size(), 1);
    QVERIFY(!c.messages.first().spool);
    QCOMPARE(c.messages.first().data, body);
    QCOMPARE(c.messages.first().size, body.size());
}

void TestSmtpSessionSpool::dataIsSpooledAcrossPieces_data()
{
    QTest::addColumn<qsizetype>("chunk");
    QTest::addColumn<qint64>("memoryLimit");
    for (qsizetype chunk : { 0, 1, 2, 3, 5, 7, 64, 1000 }) {
        for (qint64 limit : { 0, 16, 300 })
            QTest::addRow("pieces of %lld, limit %lld", qint64(chunk), limit) << chunk << limit;
    }
}

void TestSmtpSessionSpool::dataIsSpooledAcrossPieces()
{
    QFETCH(qsizetype, chunk);
    QFETCH(qint64, memoryLimit);
    const QByteArray stuffed = sampleBody();
    const QByteArray expected = unstuffed(stuffed);

    Spooler spooler;
    Client c(config(memoryLimit), &spooler);
    const QByteArray replies = c.run(envelope + "DATA\r\n" + stuffed + ".\r\nNOOP\r\n", chunk);
    QVERIFY2(
        replies.endsWith("250 2.0.0 OK: queued as 1\r\n250 2.0.0 OK\r\n"), replies.constData());
    QCOMPARE(spooler.made, 1);
    QCOMPARE(c.messages.size(), 1);
    const SmtpEvent &message = c.messages.first();
    QVERIFY(message.spool);
    QVERIFY(message.data.isEmpty());
    QCOMPARE(Client::body(message), expected);
    QCOMPARE(message.size, expected.size());
    // The session let go of it with the transaction: the event holds the last reference.
    QCOMPARE(spooler.last.use_count(), 1);
}

void TestSmtpSessionSpool::sizeLimitWithSpool_data()
{
    QTest::addColumn<qsizetype>("chunk");
    QTest::addColumn<qint64>("over"); // octets past the limit
    for (qsizetype chunk : { 0, 1, 3, 50 }) {
        QTest::addRow("exactly the limit, pieces of %lld", qint64(chunk)) << chunk << qint64(0);
        QTest::addRow("one over, pieces of %lld", qint64(chunk)) << chunk << qint64(1);
        QTest::addRow("far over, pieces of %lld", qint64(chunk)) << chunk << qint64(5000);
    }
}

void TestSmtpSessionSpool::sizeLimitWithSpool()
{
    QFETCH(qsizetype, chunk);
    QFETCH(qint64, over);
    const QByteArray stuffed = sampleBody();
    const QByteArray expected = unstuffed(stuffed);
    const qint64 limit = expected.size() - over;

    Spooler spooler;
    Client c(config(16, limit), &spooler);
    QByteArray replies = c.run(envelope + "DATA\r\n" + stuffed + ".\r\n", chunk);
    if (over == 0) {
        QVERIFY2(replies.endsWith("250 2.0.0 OK: queued as 1\r\n"), replies.constData());
        QCOMPARE(Client::body(c.messages.value(0)), expected);
        return;
    }
    // Read to its end, refused, and nothing of it kept.
    QVERIFY2(replies.endsWith(SmtpReply::messageTooBig().toWire()), replies.constData());
    QVERIFY(c.messages.isEmpty());
    QVERIFY(spooler.last.expired());
    // The stream is in sync: the next transaction goes through.
    replies
        = c.run("MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nok\r\n.\r\n", chunk);
    QVERIFY2(replies.endsWith("250 2.0.0 OK: queued as 1\r\n"), replies.constData());
}

void TestSmtpSessionSpool::bdatIsSpooledAcrossPieces_data()
{
    QTest::addColumn<qsizetype>("chunk");
    for (qsizetype chunk : { 0, 1, 2, 7, 100 })
        QTest::addRow("pieces of %lld", qint64(chunk)) << chunk;
}

void TestSmtpSessionSpool::bdatIsSpooledAcrossPieces()
{
    QFETCH(qsizetype, chunk);
    // BDAT octets are taken as they are: no unstuffing, CRLF.CRLF is data.
    const QByteArray first = "Subject: chunks\r\n\r\n.\r\n..\r\n" + QByteArray(300, 'b');
    const QByteArray second = "\r\n.\r\nlast words\r\n";
    Spooler spooler;
    Client c(config(8), &spooler);
    const QByteArray replies
        = c.run(envelope + "BDAT " + QByteArray::number(first.size()) + "\r\n" + first + "BDAT "
                + QByteArray::number(second.size()) + " LAST\r\n" + second + "NOOP\r\n",
            chunk);
    QVERIFY2(
        replies.endsWith("250 2.0.0 OK: queued as 1\r\n250 2.0.0 OK\r\n"), replies.constData());
    QCOMPARE(c.messages.size(), 1);
    QVERIFY(c.messages.first().spool);
    QCOMPARE(Client::body(c.messages.first()), first + second);
    QCOMPARE(c.messages.first().size, first.size() + second.size());
}

void TestSmtpSessionSpool::bdatOverflowDropsSpool()
{
    Spooler spooler;
    Client c(config(8, 100), &spooler);
    QByteArray replies = c.run(envelope + "BDAT 60\r\n" + QByteArray(60, 'a'), 7);
    QVERIFY(!spooler.last.expired()); // past the memory limit: spooled
    replies = c.run("BDAT 60 LAST\r\n" + QByteArray(60, 'b'), 7);
    QVERIFY2(replies.endsWith(SmtpReply::messageTooBig().toWire()), replies.constData());
    QVERIFY(spooler.last.expired());
    QVERIFY(c.messages.isEmpty());
}

void TestSmtpSessionSpool::spoolFailureAnswers451()
{
    Spooler spooler;
    spooler.failAfter = 100; // a disk that fills up mid-body
    Client c(config(16), &spooler);
    QByteArray replies = c.run(envelope + "DATA\r\n" + sampleBody() + ".\r\n", 13);
    QVERIFY2(replies.endsWith(SmtpReply::localError().toWire()), replies.constData());
    QVERIFY(c.messages.isEmpty());
    QVERIFY(spooler.last.expired());
    // Nothing else changed: the session goes on, and the next body gets a spool of its own.
    spooler.failAfter = -1;
    replies = c.run(
        "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n" + sampleBody() + ".\r\n");
    QVERIFY2(replies.endsWith("250 2.0.0 OK: queued as 1\r\n"), replies.constData());
    QCOMPARE(Client::body(c.messages.value(0)), unstuffed(sampleBody()));
}

void TestSmtpSessionSpool::noSpoolKeepsBodyInMemory()
{
    Spooler spooler;
    spooler.refuse = true; // no file to be had: the body is not refused for it
    Client c(config(16), &spooler);
    const QByteArray replies = c.run(envelope + "DATA\r\n" + sampleBody() + ".\r\n", 5);
    QVERIFY2(replies.endsWith("250 2.0.0 OK: queued as 1\r\n"), replies.constData());
    QVERIFY(!c.messages.value(0).spool);
    QCOMPARE(c.messages.value(0).data, unstuffed(sampleBody()));
}

void TestSmtpSessionSpool::spoolReleasedWhenTransactionEnds_data()
{
    QTest::addColumn<QByteArray>("start"); // leaves a body half received
    QTest::addColumn<int>("end"); // 0 idle timeout, 1 shutdown, 2 disconnected, 3 RSET
    const QByteArray data = envelope + "DATA\r\n" + QByteArray(500, 'a') + "\r\n";
    const QByteArray bdat = envelope + "BDAT 500\r\n" + QByteArray(500, 'a');
    const QByteArray halfChunk = envelope + "BDAT 800\r\n" + QByteArray(500, 'a');
    QTest::newRow("DATA, idle timeout") << data << 0;
    QTest::newRow("DATA, shutdown") << data << 1;
    QTest::newRow("DATA, client gone") << data << 2;
    QTest::newRow("BDAT, idle timeout") << bdat << 0;
    QTest::newRow("half a BDAT chunk, client gone") << halfChunk << 2;
    QTest::newRow("BDAT chunk, then RSET") << bdat << 3;
}

void TestSmtpSessionSpool::spoolReleasedWhenTransactionEnds()
{
    QFETCH(QByteArray, start);
    QFETCH(int, end);
    Spooler spooler;
    Client c(config(100), &spooler);
    c.run(start, 64);
    QCOMPARE(spooler.made, 1);
    QVERIFY(!spooler.last.expired());
    switch (end) {
    case 0:
        c.session.idleTimeout();
        break;
    case 1:
        c.session.shutdown();
        break;
    case 2:
        c.session.disconnected();
        break;
    case 3:
        QCOMPARE(c.run("RSET\r\n"), "250 2.0.0 OK\r\n");
        break;
    }
    QVERIFY(spooler.last.expired());
    QVERIFY(c.messages.isEmpty());
}

QTEST_GUILESS_MAIN(TestSmtpSessionSpool)
#include "tst_smtpsessionspool.moc"
