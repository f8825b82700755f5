// MailpitEvents on a real store: the frames of Mailpit's /api/events for real deliveries, flag
// changes, removals, a clear and pruning, and how soon the "new" frame follows the commit.
#include "mailpitevents.h"
#include "storedelivery.h"

#include <smtpmessagestore.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {

SmtpMessage makeMessage(const QByteArray &subject)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setHelo("client.test");
    m.setMailFrom("sender@x.test");
    m.setRcptTos({ "a@x.test" });
    m.setData("From: sender@x.test\r\nTo: a@x.test\r\nSubject: " + subject + "\r\n\r\nhi\r\n");
    return m;
}

struct Frame
{
    QString type;
    QJsonValue data;
};

QList<Frame> framesOf(const QSignalSpy &spy)
{
    QList<Frame> frames;
    for (const QList<QVariant> &args : spy) {
        const QByteArray text = args.at(0).toByteArray();
        const QJsonObject o = QJsonDocument::fromJson(text).object();
        frames.append({ o.value("Type").toString(), o.value("Data") });
    }
    return frames;
}

QStringList typesOf(const QSignalSpy &spy)
{
    QStringList types;
    for (const Frame &f : framesOf(spy))
        types.append(f.type);
    return types;
}

// Whether a stats frame counted `total` messages: a delivery's frames have all passed once the
// stats of its last commit did (its messages may commit in more than one batch).
bool statsCounted(const QSignalSpy &spy, int total)
{
    const QList<Frame> frames = framesOf(spy);
    return std::any_of(frames.cbegin(), frames.cend(), [total](const Frame &f) {
        return f.type == QLatin1String("stats")
            && f.data.toObject().value("Total").toInt() == total;
    });
}

// The frames other than stats: a stats frame is a snapshot of the counts, and the store's watcher
// may bring one more of them after a change (an extra one is harmless to a client).
QStringList typesBesideStats(const QSignalSpy &spy)
{
    QStringList types = typesOf(spy);
    types.removeAll(QStringLiteral("stats"));
    return types;
}

} // namespace

class TestMailpitEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void newFrameFollowsTheCommit();
    void framesOfABatchAndCoalescedStats();
    void updateDeleteTruncate();
    void prune();

private:
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<SmtpMessageStore> store;
    std::unique_ptr<MailpitEvents> events;
};

void TestMailpitEvents::init()
{
    dir = std::make_unique<QTemporaryDir>();
    store = std::make_unique<SmtpMessageStore>();
    QVERIFY2(store->open(dir->filePath("store.sqlite")), qPrintable(store->errorString()));
    events = std::make_unique<MailpitEvents>(store.get());
}

void TestMailpitEvents::cleanup()
{
    events.reset();
    store.reset();
    dir.reset();
}

void TestMailpitEvents::newFrameFollowsTheCommit()
{
    QSignalSpy frames(events.get(), &MailpitEvents::frame);
    for (int round = 0; round < 5; ++round) {
        frames.clear();
        // The completion is where the session writes the 250.
        QElapsedTimer sinceCommit;
        std::atomic<qint64> id { 0 };
        store->deliver(
            makeMessage("Round " + QByteArray::number(round)), [&](const SmtpSinkResult &r) {
                sinceCommit.start();
                id = r.id;
            });
        // (A stats frame of the last round's indexing may come first: see statsCounted().)
        QTRY_VERIFY_WITH_TIMEOUT(typesOf(frames).contains("new"), 5000);
        const qint64 elapsed = sinceCommit.elapsed();
        const QList<Frame> got = framesOf(frames);
        const Frame &added = got.at(typesOf(frames).indexOf("new"));
        const QJsonObject summary = added.data.toObject();
        QCOMPARE(summary.value("ID").toString(), QString::number(id));
        QCOMPARE(summary.value("Subject").toString(), QString("Round %1").arg(round));
        QVERIFY2(
            elapsed < 100, qPrintable(QString("new frame %1 ms after the commit").arg(elapsed)));
        // Compact JSON, one line.
        const QByteArray text = frames.at(typesOf(frames).indexOf("new")).at(0).toByteArray();
        QVERIFY(!text.contains('\n'));
        QVERIFY(!text.contains(": "));
        QTRY_COMPARE(typesBesideStats(frames), QStringList { "new" });
        QTRY_COMPARE(typesOf(frames).constLast(), QString("stats"));
    }
}

void TestMailpitEvents::framesOfABatchAndCoalescedStats()
{
    QSignalSpy frames(events.get(), &MailpitEvents::frame);
    QSignalSpy caughtUp(store.get(), &SmtpMessageStore::indexCaughtUp);
    // One transaction, so one batch of the writer (deliveries waiting together usually commit
    // together, but under load the first may commit alone and bring stats of its own).
    const QList<qint64> ids
        = store->storeAll({ makeMessage("a"), makeMessage("b"), makeMessage("c") });
    QCOMPARE(ids.size(), 3);
    // Stats once for the commit, not for each message, and at most once more when the three
    // are indexed (then a search may find them: MailpitEvents), unless both came together.
    // The indexer's last signals come with its catching up (the events, connected first, have
    // asked for their stats by the time the spy sees it), and then none until more mail.
    QTRY_VERIFY(!caughtUp.isEmpty() && store->indexedUpTo() >= ids.constLast());
    QCoreApplication::processEvents();
    const QStringList types = typesOf(frames);
    QCOMPARE(types.mid(0, 4), (QStringList { "new", "new", "new", "stats" }));
    QVERIFY2(types.size() == 4 || types.mid(4) == QStringList { "stats" },
        qPrintable(types.join(QLatin1Char(' '))));
    const QJsonObject stats = framesOf(frames).constLast().data.toObject();
    QCOMPARE(stats.value("Total").toInt(), 3);
    QCOMPARE(stats.value("Unread").toInt(), 3);
    QVERIFY(!stats.value("Version").toString().isEmpty());
    QStringList subjects;
    for (const Frame &f : framesOf(frames).mid(0, 3))
        subjects.append(f.data.toObject().value("Subject").toString());
    QCOMPARE(subjects, (QStringList { "a", "b", "c" }));
    // The next change brings the next stats, and no other came between.
    frames.clear();
    const qint64 first = store->summariesAt(QString(), 2, 1).constFirst().id;
    QVERIFY(store->setRead({ first }, true));
    QTRY_COMPARE(typesOf(frames).count("stats"), 1);
    QCOMPARE(typesOf(frames), (QStringList { "update", "stats" }));
}

void TestMailpitEvents::updateDeleteTruncate()
{
    QSignalSpy frames(events.get(), &MailpitEvents::frame);
    QVERIFY(deliverAll(*store, { makeMessage("a"), makeMessage("b"), makeMessage("c") }));
    QTRY_VERIFY(statsCounted(frames, 3)); // the delivery's frames have passed
    const QList<SmtpMessageSummary> all = store->summariesAt(QString(), 0, 10);
    const QString newest = QString::number(all.at(0).id);
    const QString middle = QString::number(all.at(1).id);
    frames.clear();

    // Each change: its frame, then stats that count the result (a stats snapshot of the
    // delivery may still come late; an extra one is harmless to a client).
    QVERIFY(store->setRead({ all.at(0).id }, true));
    QTRY_COMPARE(typesBesideStats(frames), (QStringList { "update" }));
    QTRY_COMPARE(typesOf(frames).constLast(), QString("stats"));
    QCOMPARE(framesOf(frames).at(typesOf(frames).indexOf("update")).data.toObject(),
        (QJsonObject { { "ID", newest }, { "Read", true } }));
    QTRY_COMPARE(framesOf(frames).constLast().data.toObject().value("Unread").toInt(), 2);

    frames.clear();
    QVERIFY(store->remove({ all.at(1).id }));
    QTRY_VERIFY(statsCounted(frames, 2));
    QCOMPARE(typesBesideStats(frames), (QStringList { "delete" }));
    QCOMPARE(framesOf(frames).at(typesOf(frames).indexOf("delete")).data.toObject(),
        (QJsonObject { { "ID", middle } }));

    frames.clear();
    QVERIFY(store->clear());
    QTRY_VERIFY(statsCounted(frames, 0));
    QCOMPARE(typesBesideStats(frames), (QStringList { "truncate" }));
    const int truncate = typesOf(frames).indexOf("truncate");
    QVERIFY(framesOf(frames).at(truncate).data.isNull());
    QCOMPARE(
        frames.at(truncate).at(0).toByteArray(), QByteArray(R"({"Data":null,"Type":"truncate"})"));
}

void TestMailpitEvents::prune()
{
    QSignalSpy frames(events.get(), &MailpitEvents::frame);
    QVERIFY(deliverAll(*store, { makeMessage("a"), makeMessage("b"), makeMessage("c") }));
    QTRY_VERIFY(statsCounted(frames, 3)); // the delivery's frames have passed
    frames.clear();
    // Lowering the maximum prunes: one prune frame, no delete frames.
    store->setMaxMessages(2);
    QTRY_VERIFY(statsCounted(frames, 2));
    QCOMPARE(typesBesideStats(frames), (QStringList { "prune" }));
    QVERIFY(framesOf(frames).at(typesOf(frames).indexOf("prune")).data.isNull());
    // New mail past the maximum: the oldest goes (prune), the new one comes.
    frames.clear();
    QVERIFY(deliverAll(*store, { makeMessage("d") }));
    QTRY_COMPARE(typesBesideStats(frames), (QStringList { "prune", "new" }));
    QTRY_COMPARE(typesOf(frames).constLast(), QString("stats"));
    QCOMPARE(framesOf(frames).constLast().data.toObject().value("Total").toInt(), 2);
    // A removal by the user is still a delete.
    frames.clear();
    QVERIFY(store->remove({ store->summariesAt(QString(), 0, 1).constFirst().id }));
    QTRY_VERIFY(statsCounted(frames, 1));
    QCOMPARE(typesBesideStats(frames), (QStringList { "delete" }));
}

QTEST_GUILESS_MAIN(TestMailpitEvents)
#include "tst_mailpitevents.moc"
