// SmtpMaildirSink writes real files: tmp -> new, exact content, one file per message.
#include "threadnames.h"

#include <smtpmaildirsink.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>

class TestMaildirSink : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createsLayout();
    void writesExactContent();
    void manyMessagesOneFileEach();
    void refusesUnwritableDirectory();
    void deliverBeforeOpenFails();
    void retractRemovesTheFile();
    void workerThreadIsNamed();
};

namespace {
SmtpMessage sample(const QByteArray &data)
{
    SmtpMessage m;
    m.setMailFrom(QStringLiteral("from@x.test"));
    m.setRcptTos({ QStringLiteral("a@x.test"), QStringLiteral("b@x.test") });
    m.setData(data);
    return m;
}

// Asks the sink and waits (it answers from its worker thread).
SmtpSinkResult answerOf(const std::function<void(SmtpMessageSink::Completion)> &ask)
{
    std::atomic<bool> done { false };
    SmtpSinkResult result;
    ask([&](const SmtpSinkResult &r) {
        result = r;
        done = true;
    });
    QDeadlineTimer deadline(5000);
    while (!done.load() && !deadline.hasExpired())
        QTest::qWait(1);
    if (!done.load())
        return SmtpSinkResult::failure(QStringLiteral("no answer within 5 s"));
    return result;
}

SmtpSinkResult deliverAndWait(SmtpMaildirSink &sink, const SmtpMessage &m)
{
    return answerOf([&](SmtpMessageSink::Completion done) { sink.deliver(m, std::move(done)); });
}
} // namespace

void TestMaildirSink::createsLayout()
{
    QTemporaryDir dir;
    SmtpMaildirSink sink(dir.filePath(QStringLiteral("mail/box")));
    QVERIFY2(sink.open(), qPrintable(sink.errorString()));
    for (const char *sub : { "tmp", "new", "cur" })
        QVERIFY(QDir(dir.filePath(QStringLiteral("mail/box/") + QLatin1String(sub))).exists());
}

void TestMaildirSink::writesExactContent()
{
    QTemporaryDir dir;
    SmtpMaildirSink sink(dir.path());
    QVERIFY(sink.open());
    const QByteArray data("Subject: x\r\n\r\nbare\nlf and \r bare cr\r\n");
    QVERIFY(deliverAndWait(sink, sample(data)).ok);
    const QStringList files = QDir(dir.filePath(QStringLiteral("new"))).entryList(QDir::Files);
    QCOMPARE(files.size(), 1);
    QVERIFY(!files.constFirst().contains(QLatin1Char(':')));
    QFile f(dir.filePath(QStringLiteral("new/") + files.constFirst()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(),
        "Return-Path: <from@x.test>\r\nDelivered-To: <a@x.test>\r\n"
        "Delivered-To: <b@x.test>\r\n"
            + data);
    QCOMPARE(QDir(dir.filePath(QStringLiteral("tmp"))).entryList(QDir::Files).size(), 0);
}

void TestMaildirSink::manyMessagesOneFileEach()
{
    QTemporaryDir dir;
    SmtpMaildirSink sink(dir.path());
    QVERIFY(sink.open());
    std::atomic<int> done { 0 };
    for (int i = 0; i < 200; ++i)
        sink.deliver(sample("n " + QByteArray::number(i) + "\r\n"),
            [&](const SmtpSinkResult &r) { done += r.ok ? 1 : 1000; });
    QTRY_COMPARE_WITH_TIMEOUT(done.load(), 200, 20000);
    QCOMPARE(QDir(dir.filePath(QStringLiteral("new"))).entryList(QDir::Files).size(), 200);
}

void TestMaildirSink::refusesUnwritableDirectory()
{
    QTemporaryDir dir;
    QFile file(dir.filePath(QStringLiteral("plainfile")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    SmtpMaildirSink sink(dir.filePath(QStringLiteral("plainfile/box")));
    QVERIFY(!sink.open());
    QVERIFY(sink.errorString().contains(QLatin1String("plainfile")));
}

void TestMaildirSink::deliverBeforeOpenFails()
{
    QTemporaryDir dir;
    SmtpMaildirSink sink(dir.path());
    bool called = false;
    sink.deliver(sample("x\r\n"), [&](const SmtpSinkResult &r) {
        called = true;
        QVERIFY(!r.ok);
    });
    QVERIFY(called);
}

void TestMaildirSink::retractRemovesTheFile()
{
    // What a server asks when a sink after this one refused the message: the file goes.
    QTemporaryDir dir;
    SmtpMaildirSink sink(dir.path());
    QVERIFY(sink.open());
    const SmtpMessage m = sample("Subject: x\r\n\r\nx\r\n");
    const SmtpSinkResult kept = deliverAndWait(sink, m);
    QVERIFY(kept.ok);
    const QDir delivered(dir.filePath(QStringLiteral("new")));
    QCOMPARE(delivered.entryList(QDir::Files).size(), 1);
    QCOMPARE(kept.location, delivered.filePath(delivered.entryList(QDir::Files).constFirst()));
    const SmtpSinkResult other = deliverAndWait(sink, m);
    QVERIFY(other.ok);
    QVERIFY(other.location != kept.location);

    const auto retract = [&](const SmtpSinkResult &what) {
        return answerOf(
            [&](SmtpMessageSink::Completion done) { sink.retract(m, what, std::move(done)); });
    };
    const SmtpSinkResult taken = retract(kept);
    QVERIFY2(taken.ok, qPrintable(taken.errorString));
    QCOMPARE(
        delivered.entryList(QDir::Files), QStringList { QFileInfo(other.location).fileName() });
    // Gone already (a mail reader moved it into cur): a failure that names the file.
    const SmtpSinkResult again = retract(kept);
    QVERIFY(!again.ok);
    QVERIFY2(again.errorString.contains(kept.location), qPrintable(again.errorString));
    // Nothing this sink kept (no location): nothing to do.
    QVERIFY(retract(SmtpSinkResult::success(7)).ok);
    QCOMPARE(delivered.entryList(QDir::Files).size(), 1);
}

void TestMaildirSink::workerThreadIsNamed()
{
#ifndef Q_OS_LINUX
    QSKIP("thread names are read from /proc");
#endif
    QTemporaryDir dir;
    {
        SmtpMaildirSink sink(dir.filePath(QStringLiteral("box")));
        QVERIFY(!threadNames().contains(QStringLiteral("smtp-maildir")));
        QVERIFY2(sink.open(), qPrintable(sink.errorString()));
        QVERIFY(deliverAndWait(sink, sample("Subject: x\r\n\r\nx\r\n")).ok);
        QCOMPARE(threadNames().count(QStringLiteral("smtp-maildir")), 1);
    }
    QVERIFY(!threadNames().contains(QStringLiteral("smtp-maildir")));
}

QTEST_GUILESS_MAIN(TestMaildirSink)
#include "tst_maildirsink.moc"
