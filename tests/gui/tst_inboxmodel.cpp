// The inbox model over a real store: QAbstractItemModelTester on every case, lazy paging,
// live inserts at the top (batched), removals, read flags and search.
#include <inboxmodel.h>
#include <smtpmessagestore.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <atomic>

namespace {

qint64 storeMessage(SmtpMessageStore &store, const QByteArray &subject, bool attachment = false)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setHelo("client");
    m.setMailFrom("sender@x.test");
    m.setRcptTos({ "to@x.test" });
    QByteArray data
        = "From: Sender <sender@x.test>\r\nTo: to@x.test\r\nSubject: " + subject + "\r\n";
    if (attachment)
        data += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: application/pdf\r\n"
                "Content-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n--b--\r\n";
    else
        data += "\r\nbody\r\n";
    m.setData(data);
    std::atomic<qint64> id { 0 };
    store.deliver(m, [&](const SmtpSinkResult &r) { id = r.ok ? r.id : -1; });
    for (int i = 0; i < 5000 && id == 0; ++i)
        QTest::qWait(1);
    return id;
}

} // namespace

class TestInboxModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void pages_data();
    void pages();
    void displayData();
    void liveInsertsAtTheTop();
    void burstIsBatched();
    void removals();
    void readFlags();
    void search_data();
    void search();
    void badQuery();

private:
    SmtpMessageStore *m_store = nullptr;
};

void TestInboxModel::init()
{
    m_store = new SmtpMessageStore;
    QVERIFY(m_store->open(":memory:"));
}

void TestInboxModel::cleanup()
{
    delete m_store;
    m_store = nullptr;
}

void TestInboxModel::pages_data()
{
    QTest::addColumn<int>("messages");
    QTest::addColumn<QList<int>>("rowsAfterEachFetch");
    QTest::newRow("empty") << 0 << QList<int> { 0 };
    QTest::newRow("one") << 1 << QList<int> { 1 };
    QTest::newRow("exactly a page") << 200 << QList<int> { 200, 200 };
    QTest::newRow("two and a bit") << 450 << QList<int> { 200, 400, 450 };
}

void TestInboxModel::pages()
{
    QFETCH(int, messages);
    QFETCH(QList<int>, rowsAfterEachFetch);
    for (int i = 0; i < messages; ++i)
        QVERIFY(storeMessage(*m_store, "m" + QByteArray::number(i)) > 0);
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int expected : rowsAfterEachFetch) {
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), expected);
        model.fetchMore({});
    }
    QTRY_VERIFY(!model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    // Newest first, strictly descending ids.
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.idAt(row - 1) > model.idAt(row));
    if (messages > 0)
        QCOMPARE(model.rowOf(model.idAt(model.rowCount() - 1)), model.rowCount() - 1);
}

void TestInboxModel::displayData()
{
    storeMessage(*m_store, "plain");
    storeMessage(*m_store, "with attachment", true);
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(InboxModel::ColumnCount));
    const QModelIndex subject = model.index(0, InboxModel::SubjectColumn);
    QCOMPARE(subject.data().toString(), QString("with attachment"));
    QVERIFY(subject.data(InboxModel::HasAttachmentsRole).toBool());
    QVERIFY(!subject.data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(model.index(1, InboxModel::SubjectColumn).data(Qt::DecorationRole).isNull());
    QCOMPARE(model.index(0, InboxModel::FromColumn).data().toString(),
        QString("Sender <sender@x.test>"));
    QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold()); // unread
    QCOMPARE(model.headerData(InboxModel::SizeColumn, Qt::Horizontal).toString(), QString("Size"));
}

void TestInboxModel::liveInsertsAtTheTop()
{
    storeMessage(*m_store, "old");
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), 1);
    const QPersistentModelIndex selected = model.index(0, 0);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    const qint64 id = storeMessage(*m_store, "new");
    QTRY_COMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0); // at the top
    QCOMPARE(model.idAt(0), id);
    QCOMPARE(selected.row(), 1); // what was selected moved down with its row
}

void TestInboxModel::burstIsBatched()
{
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(!model.isLoading());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    std::atomic<int> done { 0 };
    for (int i = 0; i < 300; ++i) {
        SmtpMessage m;
        m.setReceivedAt(QDateTime::currentDateTimeUtc());
        m.setData("Subject: burst " + QByteArray::number(i) + "\r\n\r\nx\r\n");
        m_store->deliver(m, [&](const SmtpSinkResult &) { ++done; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done.load(), 300, 20000);
    QTRY_COMPARE(model.rowCount(), 300);
    QVERIFY2(inserted.count() < 30, qPrintable(QString::number(inserted.count())));
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.idAt(row - 1) > model.idAt(row));
}

void TestInboxModel::removals()
{
    QList<qint64> ids;
    for (int i = 0; i < 6; ++i)
        ids << storeMessage(*m_store, "r" + QByteArray::number(i));
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), 6);
    QVERIFY(m_store->remove({ ids.at(1), ids.at(2), ids.at(4) }));
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(model.idAt(0), ids.at(5));
    QCOMPARE(model.idAt(1), ids.at(3));
    QCOMPARE(model.idAt(2), ids.at(0));
    QVERIFY(m_store->clear());
    QTRY_COMPARE(model.rowCount(), 0);
}

void TestInboxModel::readFlags()
{
    const qint64 a = storeMessage(*m_store, "a");
    storeMessage(*m_store, "b");
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), 2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(m_store->setRead({ a }, true));
    QTRY_VERIFY(model.index(model.rowOf(a), 0).data(InboxModel::ReadRole).toBool());
    QVERIFY(!model.index(model.rowOf(a), 0).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.index(0, 0).data(InboxModel::ReadRole).toBool());
    QVERIFY(m_store->markAllRead());
    QTRY_VERIFY(model.index(0, 0).data(InboxModel::ReadRole).toBool());
    QVERIFY(changed.count() >= 2);
}

void TestInboxModel::search_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("subjects");
    QTest::addColumn<QStringList>("newMatches"); // of "Invoice 9" and "Lunch", arriving later
    QTest::newRow("all") << "" << QStringList { "Weekly report", "Invoice 7", "Invoice 3" }
                         << QStringList { "Lunch", "Invoice 9" };
    QTest::newRow("word") << "invoice" << QStringList { "Invoice 7", "Invoice 3" }
                          << QStringList { "Invoice 9" };
    QTest::newRow("prefix") << "inv" << QStringList { "Invoice 7", "Invoice 3" }
                            << QStringList { "Invoice 9" };
    QTest::newRow("negation") << "-invoice" << QStringList { "Weekly report" }
                              << QStringList { "Lunch" };
    QTest::newRow("subject phrase")
        << "subject:\"weekly report\"" << QStringList { "Weekly report" } << QStringList {};
    QTest::newRow("has attachment")
        << "has:attachment" << QStringList { "Invoice 7" } << QStringList {};
    QTest::newRow("nothing") << "zebra" << QStringList {} << QStringList {};
}

void TestInboxModel::search()
{
    QFETCH(QString, query);
    QFETCH(QStringList, subjects);
    QFETCH(QStringList, newMatches);
    storeMessage(*m_store, "Invoice 3");
    storeMessage(*m_store, "Invoice 7", true);
    storeMessage(*m_store, "Weekly report");
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery(query);
    QTRY_VERIFY(!model.isLoading());
    const auto shown = [&model] {
        QStringList list;
        for (int row = 0; row < model.rowCount(); ++row)
            list << model.index(row, InboxModel::SubjectColumn).data().toString();
        return list;
    };
    QCOMPARE(shown(), subjects);
    QVERIFY(model.queryError().isEmpty());
    // A message arriving while a search is shown appears only if it matches.
    storeMessage(*m_store, "Invoice 9");
    storeMessage(*m_store, "Lunch");
    QTest::qWait(300); // past the insert batching
    QTRY_COMPARE(shown(), newMatches + subjects);
}

void TestInboxModel::badQuery()
{
    storeMessage(*m_store, "x");
    InboxModel model(m_store);
    QSignalSpy errors(&model, &InboxModel::queryErrorChanged);
    model.setQuery("before:soon");
    QTRY_COMPARE(errors.count(), 1);
    QVERIFY(model.queryError().contains("before:soon"));
    QCOMPARE(model.rowCount(), 0);
    model.setQuery("");
    QTRY_COMPARE(model.rowCount(), 1);
    QVERIFY(model.queryError().isEmpty());
}

QTEST_MAIN(TestInboxModel)
#include "tst_inboxmodel.moc"
