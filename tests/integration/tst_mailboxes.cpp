// Mailboxes: the store's memberships and counters (schema 7 and its upgrade from a version 6
// file), removing a mailbox, the per-mailbox maximum, mailbox:/tag: search, the routing order of
// the server (rules, AUTH user, listener, Inbox) and SmtpInboxModel's mailbox filter.
#include "smtptestclient.h"
#include "sqltesthelpers.h"
#include "store/storewalvfs.h"
#include "storedelivery.h"

#include <smtpinboxmodel.h>
#include <smtpmessagestore.h>
#include <smtprecipient.h>
#include <smtprules.h>
#include <smtpserver.h>
#include <smtpserverconfig.h>

#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

namespace {

SmtpMessage makeMessage(const QByteArray &subject, const QStringList &mailboxes)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress(QStringLiteral("127.0.0.1"));
    m.setHelo(QStringLiteral("client.test"));
    m.setMailFrom(QStringLiteral("sender@x.test"));
    m.setRcptTos({ QStringLiteral("a@x.test") });
    m.setData("From: sender@x.test\r\nTo: a@x.test\r\nSubject: " + subject + "\r\n\r\nhello\r\n");
    m.setMailboxes(mailboxes);
    return m;
}

QString counts(const SmtpMessageStore &store)
{
    // "Inbox 2/1, shop 3/0": every mailbox with its messages/unread, as mailboxes() lists them.
    QStringList parts;
    const QList<SmtpMailbox> all = store.mailboxes();
    for (const SmtpMailbox &m : all)
        parts.append(QStringLiteral("%1 %2/%3").arg(m.name).arg(m.messages).arg(m.unread));
    return parts.join(QStringLiteral(", "));
}

QList<qint64> idsOf(const QList<SmtpMessageSummary> &summaries)
{
    QList<qint64> ids;
    for (const SmtpMessageSummary &s : summaries)
        ids.append(s.id);
    return ids;
}

// The counters as SQLite counts them from the memberships: what the triggers must agree with.
QString countedCounts(const QString &path)
{
    QStringList parts;
    SqlTest::onFile(path, [&](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.exec(QStringLiteral(
            "SELECT b.mailbox, count(*), total(m.is_read = 0) FROM message_mailboxes b "
            "JOIN messages m ON m.id = b.message GROUP BY b.mailbox ORDER BY b.mailbox"));
        while (q.next())
            parts.append(QStringLiteral("%1 %2/%3")
                             .arg(q.value(0).toString())
                             .arg(q.value(1).toLongLong())
                             .arg(qint64(q.value(2).toDouble())));
    });
    return parts.join(QStringLiteral(", "));
}

} // namespace

class TestMailboxes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void upgradeFromVersion6();
    void countersFollowEveryChange();
    void removeMailbox();
    void maxPerMailbox();
    void maxPerMailboxSharedMessage();
    void storeAllIsOneTransaction();
    void deliveryKeepsNoStatementJournal();
    void pruningAfterDeliveryKeepsNoStatementJournal();
    void maximumIsOfWhatTheFileHolds();
    void search();
    void routingOrder();
    void recipientHandlerSetsMailbox();
    void modelFiltersByMailbox();
};

void TestMailboxes::initTestCase()
{
    // Every statement journal goes to a file from its first byte (SQLite keeps up to 64 KiB of
    // one in memory by default), so that StoreWalVfs counts each one kept, and every test here
    // runs its deletes and prunings with journals on disk. Only possible before SQLite starts.
    QCOMPARE(sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 0), SQLITE_OK);
}

void TestMailboxes::upgradeFromVersion6()
{
    // A store written by the previous release (schema 6): three messages, the second read.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.sqlite"));
    QVERIFY(QFile::copy(QFINDTESTDATA("../data/store-v6.sqlite"), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 3);
        QCOMPARE(store.unreadCount(), 2);
        QCOMPARE(counts(store), QStringLiteral("Inbox 3/2"));
        QCOMPARE(store.count(QStringLiteral("Inbox")), 3);
        QCOMPARE(store.unreadCount(QStringLiteral("Inbox")), 2);
        const QList<SmtpMessageSummary> inbox
            = store.summaries(QStringLiteral("mailbox:Inbox"), 0, 10);
        QCOMPARE(idsOf(inbox), (QList<qint64> { 3, 2, 1 }));
        QCOMPARE(inbox.constFirst().mailboxes, QStringList { QStringLiteral("Inbox") });
        QCOMPARE(store.message(1)->summary().subject, QStringLiteral("old 0"));
        // New mail lands beside the old, with its own mailbox.
        QVERIFY(deliverAll(store, { makeMessage("new", { QStringLiteral("shop") }) }));
        QCOMPARE(counts(store), QStringLiteral("Inbox 3/2, shop 1/1"));
    }
    QCOMPARE(countedCounts(path), QStringLiteral("Inbox 3/2, shop 1/1"));
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(counts(again), QStringLiteral("Inbox 3/2, shop 1/1"));
}

void TestMailboxes::countersFollowEveryChange()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("m.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    QCOMPARE(counts(store), QStringLiteral("Inbox 0/0"));
    QSignalSpy changed(&store, &SmtpMessageStore::mailboxesChanged);
    QVERIFY(deliverAll(store,
        { makeMessage("one", { QStringLiteral("shop") }),
            makeMessage("two", { QStringLiteral("shop"), QStringLiteral("billing") }),
            makeMessage("three", {}) }));
    QTRY_VERIFY(!changed.isEmpty());
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 1/1, shop 2/2"));
    QCOMPARE(store.message(2)->summary().mailboxes,
        (QStringList { QStringLiteral("billing"), QStringLiteral("shop") }));
    QCOMPARE(store.message(3)->summary().mailboxes, QStringList { QStringLiteral("Inbox") });
    QCOMPARE(store.message(2)->message().mailboxes(),
        (QStringList { QStringLiteral("billing"), QStringLiteral("shop") }));

    QVERIFY(store.setRead({ 2 }, true));
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 1/0, shop 2/1"));
    QVERIFY(store.setRead({ 2 }, true)); // no change, no double count
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 1/0, shop 2/1"));
    QCOMPARE(store.setReadMatching(QStringLiteral("mailbox:shop"), true), 1);
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 1/0, shop 2/0"));
    QVERIFY(store.markAllRead());
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/0, billing 1/0, shop 2/0"));
    QVERIFY(store.setRead({ 1, 3 }, false));
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 1/0, shop 2/1"));
    QCOMPARE(countedCounts(path), QStringLiteral("Inbox 1/1, billing 1/0, shop 2/1"));

    QVERIFY(store.remove({ 2 }));
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 0/0, shop 1/1"));
    QCOMPARE(countedCounts(path), QStringLiteral("Inbox 1/1, shop 1/1"));

    // The overall maximum prunes the oldest, counted out of its mailbox.
    QSignalSpy pruned(&store, &SmtpMessageStore::messagesPruned);
    store.setMaxMessages(1);
    QTRY_COMPARE(pruned.size(), 1);
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 0/0, shop 0/0"));
    store.setMaxMessages(0);

    changed.clear();
    QVERIFY(store.clear());
    QTRY_VERIFY(!changed.isEmpty());
    QCOMPARE(counts(store), QStringLiteral("Inbox 0/0"));
    QCOMPARE(store.count(), 0);
}

void TestMailboxes::removeMailbox()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QVERIFY(deliverAll(store,
        { makeMessage("only a", { QStringLiteral("a") }),
            makeMessage("a and b", { QStringLiteral("a"), QStringLiteral("b") }),
            makeMessage("inbox", {}) }));
    QSignalSpy removed(&store, &SmtpMessageStore::messagesRemoved);
    QVERIFY(store.removeMailbox(QStringLiteral("a")));
    QTRY_COMPARE(removed.size(), 1);
    // The message in a alone went; the one also in b only left a.
    QCOMPARE(store.count(), 2);
    QVERIFY(!store.message(1));
    QCOMPARE(store.message(2)->summary().mailboxes, QStringList { QStringLiteral("b") });
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, b 1/1"));
    QCOMPARE(store.mailbox(QStringLiteral("a")).messages, 0);
    QVERIFY(store.summaries(QStringLiteral("mailbox:a"), 0, 10).isEmpty());
}

void TestMailboxes::maxPerMailbox()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    store.setMaxMessagesPerMailbox(2);
    QCOMPARE(store.maxMessagesPerMailbox(), 2);
    QSignalSpy pruned(&store, &SmtpMessageStore::messagesPruned);
    QVERIFY(deliverAll(store, { makeMessage("inbox", {}) }));
    for (const QByteArray subject : { "s1", "s2", "s3" })
        QVERIFY(deliverAll(store, { makeMessage(subject, { QStringLiteral("shop") }) }));
    // The noisy mailbox lost its oldest; the inbox kept its one message.
    QTRY_COMPARE(pruned.size(), 1);
    QCOMPARE(pruned.constFirst().constFirst().value<QList<qint64>>(), QList<qint64> { 2 });
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, shop 2/2"));
    QCOMPARE(
        idsOf(store.summaries(QStringLiteral("mailbox:shop"), 0, 10)), (QList<qint64> { 4, 3 }));
    QCOMPARE(store.count(), 3);
}

void TestMailboxes::maxPerMailboxSharedMessage()
{
    // Two mailboxes over at once, sharing their oldest message: it goes, and with it both are
    // within the maximum; nothing else goes.
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    store.setMaxMessagesPerMailbox(1);
    QString error;
    const QList<qint64> ids = store.storeAll(
        { makeMessage("both", { QStringLiteral("a"), QStringLiteral("b") }),
            makeMessage("a", { QStringLiteral("a") }), makeMessage("b", { QStringLiteral("b") }) },
        &error);
    QCOMPARE(ids, (QList<qint64> { 1, 2, 3 }));
    QCOMPARE(idsOf(store.summaries(QString(), 0, 10)), (QList<qint64> { 3, 2 }));
    QCOMPARE(counts(store), QStringLiteral("Inbox 0/0, a 1/1, b 1/1"));
}

void TestMailboxes::storeAllIsOneTransaction()
{
    QTemporaryDir dir;
    SmtpMessageStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("all.sqlite"))));
    QSignalSpy added(&store, &SmtpMessageStore::messagesAdded);
    QList<SmtpMessage> many;
    for (int i = 0; i < 1500; ++i) // more than one group commit of mail holds
        many.append(makeMessage("m" + QByteArray::number(i), { QStringLiteral("imported") }));
    QString error;
    const QList<qint64> ids = store.storeAll(many, &error);
    QVERIFY2(ids.size() == 1500, qPrintable(error));
    QCOMPARE(ids.constFirst(), 1);
    QCOMPARE(ids.constLast(), 1500);
    QTRY_COMPARE(added.size(), 1);
    QCOMPARE(store.count(QStringLiteral("imported")), 1500);

    // A store that cannot grow takes none of them.
    store.setMaxDatabaseSize(1);
    QVERIFY(store.storeAll(many, &error).isEmpty());
    QVERIFY(!error.isEmpty());
    QCOMPARE(store.count(), 1500);
    QCOMPARE(store.count(QStringLiteral("imported")), 1500);
}

void TestMailboxes::deliveryKeepsNoStatementJournal()
{
    // The path of the 250 writes no temporary file: a full or unwritable temporary directory must
    // not fail the commit of mail the store has room for. A trigger counting each inserted row
    // made SQLite keep a statement journal for the insert (schema 13 counts a commit at once).
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("journals.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    const quint64 before = StoreWalVfs::statementJournalsOpened();
    QVERIFY(deliverAll(store,
        { makeMessage("one", { QStringLiteral("shop") }),
            makeMessage("two", { QStringLiteral("shop"), QStringLiteral("billing") }),
            makeMessage("twice", { QStringLiteral("shop"), QStringLiteral("shop") }),
            makeMessage("three", {}) }));
    QList<SmtpMessage> many;
    for (int i = 0; i < 300; ++i)
        many.append(makeMessage("m" + QByteArray::number(i),
            { QStringLiteral("bulk"), QStringLiteral("box-%1").arg(i % 3) }));
    QString error;
    QVERIFY2(store.storeAll(many, &error).size() == 300, qPrintable(error));
    QVERIFY(waitForIndex(store)); // nor does the indexer's
    QCOMPARE(StoreWalVfs::statementJournalsOpened(), before);
    QCOMPARE(counts(store),
        QStringLiteral("Inbox 1/1, billing 1/1, box-0 100/100, box-1 100/100, box-2 100/100, "
                       "bulk 300/300, shop 3/3"));
    QCOMPARE(store.count(), 304);
    QCOMPARE(store.unreadCount(), 304);
    QCOMPARE(countedCounts(path), counts(store));

    // What the counter counts: a delete still fires its triggers, in a statement of its own.
    QVERIFY(store.remove({ 1 }));
    QCOMPARE_GT(StoreWalVfs::statementJournalsOpened(), before);
    QCOMPARE(counts(store),
        QStringLiteral("Inbox 1/1, billing 1/1, box-0 100/100, box-1 100/100, box-2 100/100, "
                       "bulk 300/300, shop 2/2"));
    SmtpMessageStore again; // the counters row, read at open
    store.close();
    QVERIFY(again.open(path));
    QCOMPARE(again.count(), 303);
    QCOMPARE(again.unreadCount(), 303);
}

void TestMailboxes::pruningAfterDeliveryKeepsNoStatementJournal()
{
    // At a maximum every commit of mail prunes. Its deletes fire triggers: in the mail's own
    // transaction each kept a statement journal, a temporary file past 64 KiB, on the 250's path.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("capped.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    store.setMaxMessages(12);
    store.setMaxMessagesPerMailbox(5);
    QSignalSpy pruned(&store, &SmtpMessageStore::messagesPruned);
    const quint64 before = StoreWalVfs::statementJournalsOpened();
    QList<qint64> delivered;
    for (int round = 0; round < 6; ++round) {
        QList<SmtpMessage> batch;
        for (int i = 0; i < 4; ++i) {
            const int n = round * 4 + i;
            batch.append(makeMessage("capped" + QByteArray::number(n),
                { QStringLiteral("box-%1").arg(n % 3), QStringLiteral("all") }));
        }
        QString error;
        const QList<qint64> ids = store.storeAll(batch, &error);
        QVERIFY2(ids.size() == 4, qPrintable(error));
        delivered += ids;
        // Within both maximums as soon as the commit's completion comes.
        QCOMPARE_LE(store.count(), 5);
        QCOMPARE_LE(store.count(QStringLiteral("all")), 5);
    }
    QVERIFY(waitForIndex(store));
    QCOMPARE(StoreWalVfs::statementJournalsOpened(), before);
    // The five newest stayed (every message is in "all"), and only they are found.
    QCOMPARE(idsOf(store.summaries(QString(), 0, 100)),
        (QList<qint64> { delivered.at(23), delivered.at(22), delivered.at(21), delivered.at(20),
            delivered.at(19) }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("capped3"), 0, 100)), QList<qint64> {});
    QCOMPARE(idsOf(store.summaries(QStringLiteral("capped21"), 0, 100)),
        QList<qint64> { delivered.at(21) });
    QList<qint64> removed;
    for (const QList<QVariant> &signal : std::as_const(pruned))
        removed += signal.constFirst().value<QList<qint64>>();
    QCOMPARE(removed, delivered.mid(0, 19));
    QCOMPARE(store.count(), 5);
    QCOMPARE(store.unreadCount(), 5);
    QCOMPARE(counts(store), QStringLiteral("Inbox 0/0, all 5/5, box-0 1/1, box-1 2/2, box-2 2/2"));
    QCOMPARE(countedCounts(path), QStringLiteral("all 5/5, box-0 1/1, box-1 2/2, box-2 2/2"));
    store.close();
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(again.count(), 5);
    QCOMPARE(counts(again), QStringLiteral("Inbox 0/0, all 5/5, box-0 1/1, box-1 2/2, box-2 2/2"));
}

void TestMailboxes::maximumIsOfWhatTheFileHolds()
{
    // Another process's mail counts against the maximum as soon as this one commits: the excess is
    // read from the file, not from this store's count (which a watch may set at any moment, and
    // which without one knows nothing of the other's mail).
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shared.sqlite"));
    SmtpMessageStore capped;
    QVERIFY(capped.open(path));
    capped.setMaxMessages(3);
    SmtpMessageStore other;
    QVERIFY(other.open(path));
    QVERIFY(
        deliverAll(other, { makeMessage("o1", {}), makeMessage("o2", {}), makeMessage("o3", {}) }));
    QCOMPARE(capped.count(), 0);
    QVERIFY(deliverAll(capped, { makeMessage("c1", {}) }));
    QCOMPARE(countedCounts(path), QStringLiteral("Inbox 3/3"));
    other.close();
    capped.close();
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(idsOf(again.summaries(QString(), 0, 10)), (QList<qint64> { 4, 3, 2 }));
}

void TestMailboxes::search()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QList<SmtpMessage> batch;
    for (int i = 1; i <= 9; ++i) {
        // 1 4 7: shop; 2 5 8: billing; 3 6 9: Inbox; 9 also in billing
        QStringList mailboxes;
        if (i % 3 == 1)
            mailboxes = { QStringLiteral("shop") };
        else if (i % 3 == 2)
            mailboxes = { QStringLiteral("billing") };
        if (i == 9)
            mailboxes = { QStringLiteral("Inbox"), QStringLiteral("billing") };
        batch.append(makeMessage("invoice " + QByteArray::number(i), mailboxes));
    }
    QVERIFY(deliverAll(store, batch));
    QVERIFY(waitForIndex(store));

    QCOMPARE(
        idsOf(store.summaries(QStringLiteral("mailbox:shop"), 0, 10)), (QList<qint64> { 7, 4, 1 }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("tag:billing"), 0, 10)),
        (QList<qint64> { 9, 8, 5, 2 }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("mailbox:Inbox"), 0, 10)),
        (QList<qint64> { 9, 6, 3 }));
    // Paged by the keyset cursor, walking the mailbox.
    QCOMPARE(
        idsOf(store.summaries(QStringLiteral("mailbox:billing"), 8, 2)), (QList<qint64> { 5, 2 }));
    SmtpPageRequest oldestFirst;
    oldestFirst.order = Qt::AscendingOrder;
    oldestFirst.limit = 2;
    oldestFirst.afterId = 2;
    QCOMPARE(idsOf(store.summaries(QStringLiteral("mailbox:billing"), oldestFirst)),
        (QList<qint64> { 5, 8 }));
    SmtpPageRequest bySubject;
    bySubject.key = SmtpSortKey::Subject;
    bySubject.order = Qt::AscendingOrder;
    QCOMPARE(idsOf(store.summaries(QStringLiteral("mailbox:shop"), bySubject)),
        (QList<qint64> { 1, 4, 7 }));
    // With other terms, negated, with words, and is:tagged.
    QCOMPARE(idsOf(store.summaries(QStringLiteral("mailbox:billing mailbox:Inbox"), 0, 10)),
        QList<qint64> { 9 });
    QCOMPARE(idsOf(store.summaries(QStringLiteral("-mailbox:shop -tag:billing"), 0, 10)),
        (QList<qint64> { 6, 3 }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("invoice mailbox:shop"), 0, 10)),
        (QList<qint64> { 7, 4, 1 }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("\"invoice 4\" tag:shop"), 0, 10)),
        QList<qint64> { 4 });
    QCOMPARE(idsOf(store.summaries(QStringLiteral("-is:tagged"), 0, 10)), (QList<qint64> { 6, 3 }));
    QCOMPARE(idsOf(store.summaries(QStringLiteral("is:tagged mailbox:Inbox"), 0, 10)),
        QList<qint64> { 9 });
    QVERIFY(store.summaries(QStringLiteral("mailbox:nowhere"), 0, 10).isEmpty());

    // Counting one mailbox reads its counters; with more terms it counts.
    QVERIFY(store.setRead({ 4 }, true));
    SmtpMatchCount shop = store.countMatching(QStringLiteral("mailbox:shop"));
    QCOMPARE(shop.messages, 3);
    QCOMPARE(shop.unread, 2);
    SmtpMatchCount unreadShop = store.countMatching(QStringLiteral("tag:shop is:unread"));
    QCOMPARE(unreadShop.messages, 2);
    QCOMPARE(store.summariesAt(QStringLiteral("tag:billing"), 1, 2).size(), 2);
    QCOMPARE(store.removeMatching(QStringLiteral("tag:shop"), SmtpSearchOptions()), 3);
    QCOMPARE(store.mailbox(QStringLiteral("shop")).messages, 0);
}

void TestMailboxes::routingOrder()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    SmtpServer server;
    server.addMessageSink(&store);
    SmtpServerConfig config;
    SmtpListenerConfig plain(QStringLiteral("127.0.0.1"), 0);
    SmtpListenerConfig shop(QStringLiteral("127.0.0.1"), 0);
    shop.setMailbox(QStringLiteral("shop"));
    config.setListeners({ plain, shop });
    SmtpRuleSet rules;
    SmtpRule billing(QStringLiteral("*@billing.test"), SmtpRule::Action::Accept);
    billing.setMailbox(QStringLiteral("billing"));
    SmtpRule rewrite(QStringLiteral("*@old.test"), SmtpRule::Action::Rewrite);
    rewrite.setRewriteTo(QStringLiteral("new@x.test"));
    rewrite.setMailbox(QStringLiteral("moved"));
    rules.setRules({ billing, rewrite });
    config.setRules(rules);
    config.setMailboxFromAuth(true);
    QVERIFY2(server.applyConfiguration(config), qPrintable(server.errorString()));
    QSignalSpy messages(&server, &SmtpServer::message);

    const auto send = [](quint16 port, const QList<QByteArray> &to, const QByteArray &user) {
        SmtpTestClient client;
        if (!client.connectTo(port))
            return 0;
        client.greeting();
        client.ehlo();
        if (!user.isEmpty()) {
            const QByteArray plainAuth = QByteArray('\0' + user + '\0' + "any").toBase64();
            if (SmtpTestClient::code(client.command("AUTH PLAIN " + plainAuth)) != 235)
                return 0;
        }
        client.mail("sender@x.test");
        for (const QByteArray &address : to)
            client.rcpt(address);
        return SmtpTestClient::code(client.data("Subject: routed\r\n\r\nhello\r\n"));
    };
    const quint16 first = server.listenerPort(0);
    const quint16 second = server.listenerPort(1);
    struct Case
    {
        quint16 port;
        QList<QByteArray> to;
        QByteArray user;
        QStringList expected;
    };
    const QList<Case> cases {
        { first, { "a@x.test" }, {}, { QStringLiteral("Inbox") } },
        { first, { "b@billing.test" }, {}, { QStringLiteral("billing") } },
        { second, { "c@x.test" }, {}, { QStringLiteral("shop") } },
        { second, { "d@x.test" }, "crm", { QStringLiteral("crm") } },
        { first, { "e@x.test" }, "crm", { QStringLiteral("crm") } },
        // A rule beats the AUTH user and the listener; several rules, several mailboxes.
        { second, { "f@billing.test" }, "crm", { QStringLiteral("billing") } },
        { second, { "g@billing.test", "h@old.test", "i@x.test" }, {},
            { QStringLiteral("billing"), QStringLiteral("moved") } },
    };
    for (const Case &c : cases) {
        messages.clear();
        QCOMPARE(send(c.port, c.to, c.user), 250);
        QTRY_COMPARE(messages.size(), 1);
        const SmtpMessage m = messages.constFirst().constFirst().value<SmtpMessage>();
        QCOMPARE(m.mailboxes(), c.expected);
        QCOMPARE(store.message(m.id())->summary().mailboxes, c.expected);
    }

    // An AUTH user name that cannot name a mailbox is refused at AUTH, saying why, instead of
    // its mail going to the listener's mailbox unasked. Mail sent without AUTH then goes there.
    SmtpTestClient client;
    QVERIFY(client.connectTo(second));
    client.greeting();
    client.ehlo();
    QCOMPARE(client.command("AUTH PLAIN " + QByteArrayLiteral("\0dev@example.com\0any").toBase64()),
        QByteArray("535 5.7.8 AUTH user name 'dev@example.com' is no mailbox name (1-64 of A-Z "
                   "a-z 0-9 . _ -)\r\n"));
    messages.clear();
    client.mail("sender@x.test");
    client.rcpt("j@x.test");
    QCOMPARE(SmtpTestClient::code(client.data("Subject: routed\r\n\r\nhello\r\n")), 250);
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.constFirst().constFirst().value<SmtpMessage>().mailboxes(),
        QStringList { QStringLiteral("shop") });
    QCOMPARE(counts(store), QStringLiteral("Inbox 1/1, billing 3/3, crm 2/2, moved 1/1, shop 2/2"));

    // Without --mailbox-from-auth any name is taken as before.
    config.setMailboxFromAuth(false);
    config.setAuthMode(SmtpServer::AuthMode::AcceptAny);
    QVERIFY2(server.applyConfiguration(config), qPrintable(server.errorString()));
    SmtpTestClient other;
    QVERIFY(other.connectTo(server.listenerPort(0)));
    other.greeting();
    other.ehlo();
    QCOMPARE(SmtpTestClient::code(other.command(
                 "AUTH PLAIN " + QByteArrayLiteral("\0dev@example.com\0any").toBase64())),
        235);
}

void TestMailboxes::recipientHandlerSetsMailbox()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    SmtpServer server;
    server.addMessageSink(&store);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &SmtpServer::recipient, this, [](SmtpRecipient *request) {
        if (request->address().startsWith(QLatin1String("vip")))
            request->setMailbox(QStringLiteral("vip"));
        request->setMailbox(QStringLiteral("not valid")); // ignored: not a name
        request->accept({});
    });
    QSignalSpy messages(&server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(server.serverPort()));
    QCOMPARE(SmtpTestClient::code(client.sendMail("s@x.test", { "vip@x.test" }, "x\r\n")), 250);
    QTRY_COMPARE(messages.size(), 1);
    QCOMPARE(messages.constFirst().constFirst().value<SmtpMessage>().mailboxes(),
        QStringList { QStringLiteral("vip") });
    // The next transaction on the same connection starts afresh.
    QCOMPARE(SmtpTestClient::code(client.mail("s@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("other@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data("y\r\n")), 250);
    QTRY_COMPARE(messages.size(), 2);
    QCOMPARE(messages.at(1).constFirst().value<SmtpMessage>().mailboxes(),
        QStringList { QStringLiteral("Inbox") });
}

void TestMailboxes::modelFiltersByMailbox()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QVERIFY(deliverAll(store,
        { makeMessage("shop 1", { QStringLiteral("shop") }), makeMessage("inbox 1", {}),
            makeMessage("shop 2", { QStringLiteral("shop") }) }));
    SmtpInboxModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy mailboxChanged(&model, &SmtpInboxModel::mailboxChanged);
    QTRY_VERIFY(!model.isBusy());
    QCOMPARE(model.rowCount(), 3);

    model.setMailbox(QStringLiteral("shop"));
    QCOMPARE(model.property("mailbox").toString(), QStringLiteral("shop"));
    QCOMPARE(mailboxChanged.size(), 1);
    QTRY_VERIFY(!model.isBusy());
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(model.idAt(0), 3);
    QCOMPARE(model.idAt(1), 1);

    // Live: only the mailbox's new mail goes in. The Inbox message comes first, then the shop
    // one; once the shop one is in, the other was passed over.
    QVERIFY(deliverAll(store, { makeMessage("inbox 2", {}) }));
    QVERIFY(deliverAll(store, { makeMessage("shop 3", { QStringLiteral("shop") }) }));
    QTRY_COMPARE(model.rowCount(), 3);
    QTRY_VERIFY(!model.isBusy());
    QCOMPARE(model.idAt(0), 5);
    QCOMPARE(model.rowCount(), 3);

    // A query searches within the mailbox.
    QVERIFY(waitForIndex(store));
    model.setQuery(QStringLiteral("subject:\"shop 1\""));
    QTRY_VERIFY(!model.isBusy());
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.idAt(0), 1);

    model.setQuery(QString());
    model.setMailbox(QString());
    QTRY_VERIFY(!model.isBusy());
    QTRY_COMPARE(model.rowCount(), 5);
}

QTEST_GUILESS_MAIN(TestMailboxes)
#include "tst_mailboxes.moc"
