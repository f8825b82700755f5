// The inbox model over a real store: QAbstractItemModelTester on every case, lazy paging,
// live inserts at the top (batched), removals, read flags and search; the same sorted by every
// column in both orders, checked against orders computed here from the values the inbox shows;
// the window's header sorting the model and remembering it.
#include <commandline.h>
#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageview.h>
#include <smtpmessagestore.h>
#include <sortoracle.h>
#include <storedelivery.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <algorithm>
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

// Varied messages for the sorted cases: runs of equal subjects, senders, recipients and sizes (so
// that page edges fall inside them), ASCII case and non-ASCII text, and messages without From or
// To headers, where the inbox shows the envelope.
const QStringList sortSubjects
    = { "apple", "Apple", "APPLE pie", "banana", "", "Zebra", "zebra", "[bracket]", "_underscore",
          QString::fromUtf8("\xc3\xa9"
                            "clair"),
          QString::fromUtf8("\xc3\x89"
                            "clair"),
          QString::fromUtf8("\xf0\x9f\x98\x80 smile"), QString::fromUtf8("\xef\xbc\xa1 fullwidth"),
          "a", "a b", "ab" };

QByteArray headerText(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8)
        if (uchar(c) >= 0x80)
            return "=?UTF-8?B?" + utf8.toBase64() + "?=";
    return utf8;
}

SmtpMessage variedMessage(int i, const QString &subjectOverride = QString())
{
    static const QStringList fromHeaders = { "Alice <alice@x.test>", "alice@x.test", "", "", "",
        QString::fromUtf8("\xc3\x89mile <e@x.test>"), "bob@x.test" };
    static const QStringList mailFroms = { "alice@x.test", "bounce@x.test", "Zed@x.test",
        "amy@x.test", "", "e@x.test", "bob@x.test" };
    static const QStringList toHeaders = { "Team <team@x.test>", "", "", "a@x.test", "" };
    static const QList<QStringList> rcptTos = { { "a@x.test" }, { "b@x.test", "a@x.test" },
        { "B@x.test" }, { "z@x.test" }, { "c@x.test" } };
    const QString subject = subjectOverride.isNull()
        ? sortSubjects.at((i * 7) % sortSubjects.size())
        : subjectOverride;
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setMailFrom(mailFroms.at(i % mailFroms.size()));
    m.setRcptTos(rcptTos.at((i / 3) % rcptTos.size()));
    QByteArray data;
    if (!fromHeaders.at(i % fromHeaders.size()).isEmpty())
        data += "From: " + headerText(fromHeaders.at(i % fromHeaders.size())) + "\r\n";
    if (!toHeaders.at((i / 3) % toHeaders.size()).isEmpty())
        data += "To: " + headerText(toHeaders.at((i / 3) % toHeaders.size())) + "\r\n";
    data += "Subject: " + headerText(subject) + "\r\n\r\n" + QByteArray((i * 13) % 5 * 10, 'x')
        + "\r\n";
    m.setData(data);
    return m;
}

bool deliverVaried(
    SmtpMessageStore &store, int first, int count, const QString &subject = QString())
{
    QList<SmtpMessage> messages;
    for (int i = first; i < first + count; ++i)
        messages.append(variedMessage(i, subject));
    return deliverAll(store, messages);
}

QList<qint64> expectedOrder(QList<SmtpMessageSummary> all, int column, Qt::SortOrder order)
{
    return SortOracle::expectedOrder(std::move(all), SmtpInboxModel::sortKey(column), order);
}

QList<qint64> expectedOrder(const SmtpMessageStore &store, int column, Qt::SortOrder order,
    const QString &query = QString())
{
    return expectedOrder(store.summaries(query, 0, 1000000), column, order);
}

QList<qint64> shownIds(const InboxModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.idAt(row));
    return ids;
}

bool loadEverything(InboxModel &model)
{
    for (int pages = 0; pages < 100; ++pages) {
        if (!QTest::qWaitFor([&model] { return !model.isLoading(); }, 10000))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
    return false;
}

// Until the model is idle: no page being read, the live-insert batching (100 ms) past.
bool waitUntilQuiet(const InboxModel &model)
{
    for (int i = 0; i < 3; ++i) {
        if (!QTest::qWaitFor([&model] { return !model.isLoading(); }, 10000))
            return false;
        QTest::qWait(150);
    }
    return !model.isLoading();
}

void addSortRows()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    const char *names[] = { "from", "to", "subject", "received", "size" };
    for (int column = 0; column < InboxModel::ColumnCount; ++column)
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder })
            QTest::addRow("%s %s", names[column], order == Qt::AscendingOrder ? "asc" : "desc")
                << column << order;
}

} // namespace

class TestInboxModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void pages_data();
    void pages();
    void displayData();
    void liveInsertsAtTheTop();
    void burstIsBatched_data();
    void burstIsBatched();
    void removals();
    void readFlags();
    void search_data();
    void search();
    void badQuery();
    void sortProperties();
    void sortedPages_data();
    void sortedPages();
    void sortedLiveInserts_data();
    void sortedLiveInserts();
    void sortedRemovalsAndReadFlags_data();
    void sortedRemovalsAndReadFlags();
    void sortedSearch_data();
    void sortedSearch();
    void sortedBurstIsOneLayoutChange();
    void windowHeaderSortsTheInbox();
    void windowKeepsTheViewOnLiveInserts_data();
    void windowKeepsTheViewOnLiveInserts();

private:
    SmtpMessageStore *m_store = nullptr;
};

void TestInboxModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's QSettings go to a test location
}

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

void TestInboxModel::burstIsBatched_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<int>("maxInsertSignals");
    // By arrival, a batch is one run: at the top newest first, at the end oldest first.
    QTest::newRow("newest first") << int(InboxModel::ReceivedColumn) << Qt::DescendingOrder << 30;
    QTest::newRow("oldest first") << int(InboxModel::ReceivedColumn) << Qt::AscendingOrder << 30;
    // By subject (16 values), one run per place in the rows: at most 17 per batch.
    QTest::newRow("by subject") << int(InboxModel::SubjectColumn) << Qt::AscendingOrder << 150;
}

void TestInboxModel::burstIsBatched()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(int, maxInsertSignals);
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(column, order);
    QTRY_VERIFY(!model.isLoading());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    std::atomic<int> done { 0 };
    for (int i = 0; i < 300; ++i) {
        SmtpMessage m = variedMessage(i);
        if (column == InboxModel::ReceivedColumn)
            m.setData("Subject: burst " + QByteArray::number(i) + "\r\n\r\nx\r\n");
        m_store->deliver(m, [&](const SmtpSinkResult &) { ++done; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done.load(), 300, 20000);
    QTRY_COMPARE(model.rowCount(), 300);
    QVERIFY2(inserted.count() < maxInsertSignals, qPrintable(QString::number(inserted.count())));
    QCOMPARE(shownIds(model), expectedOrder(*m_store, column, order));
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
    QVERIFY(waitForIndex(*m_store)); // words are found once indexed
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
    QVERIFY(waitForIndex(*m_store));
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

void TestInboxModel::sortProperties()
{
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Newest first unless told otherwise: today's inbox.
    QCOMPARE(model.sortColumn(), int(InboxModel::ReceivedColumn));
    QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
    QSignalSpy columnChanged(&model, &InboxModel::sortColumnChanged);
    QSignalSpy orderChanged(&model, &InboxModel::sortOrderChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    // As QML sets them: through the properties.
    QVERIFY(model.setProperty("sortColumn", int(InboxModel::SubjectColumn)));
    QCOMPARE(model.sortColumn(), int(InboxModel::SubjectColumn));
    QCOMPARE(columnChanged.count(), 1);
    QCOMPARE(orderChanged.count(), 0);
    QVERIFY(model.setProperty("sortOrder", QVariant::fromValue(Qt::AscendingOrder)));
    QCOMPARE(model.property("sortOrder").value<Qt::SortOrder>(), Qt::AscendingOrder);
    QCOMPARE(orderChanged.count(), 1);
    QCOMPARE(resets.count(), 2);
    // The same order again reloads nothing (QTableView asks when sorting is switched on).
    model.sort(InboxModel::SubjectColumn, Qt::AscendingOrder);
    QCOMPARE(resets.count(), 2);
    // No such column: ignored.
    model.sort(-1, Qt::AscendingOrder);
    model.sort(InboxModel::ColumnCount, Qt::AscendingOrder);
    QCOMPARE(model.sortColumn(), int(InboxModel::SubjectColumn));
    QCOMPARE(resets.count(), 2);
    QCOMPARE(columnChanged.count(), 1);
}

void TestInboxModel::sortedPages_data()
{
    addSortRows();
}

void TestInboxModel::sortedPages()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    const QList<qint64> expected = expectedOrder(*m_store, column, order);
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY(!model.isLoading());
    model.sort(column, order);
    QCOMPARE(model.sortColumn(), column);
    QCOMPARE(model.sortOrder(), order);
    // Page by page: each page continues exactly where the last one ended, across runs of equal
    // values at the page edges.
    for (const int rows : { 200, 400, 450 }) {
        QTRY_VERIFY(!model.isLoading());
        QCOMPARE(model.rowCount(), rows);
        QCOMPARE(shownIds(model), expected.mid(0, rows));
        model.fetchMore({});
    }
    QTRY_VERIFY(!model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(shownIds(model), expected);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.idAt(row)), row);
    QCOMPARE(model.rowOf(999999), -1);
}

void TestInboxModel::sortedLiveInserts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<bool>("everythingLoaded");
    const char *names[] = { "from", "to", "subject", "received", "size" };
    for (int column = 0; column < InboxModel::ColumnCount; ++column)
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder })
            for (const bool all : { false, true })
                QTest::addRow("%s %s, %s", names[column],
                    order == Qt::AscendingOrder ? "asc" : "desc", all ? "all loaded" : "first page")
                    << column << order << all;
}

void TestInboxModel::sortedLiveInserts()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(bool, everythingLoaded);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(column, order);
    if (everythingLoaded)
        QVERIFY(loadEverything(model));
    QTRY_VERIFY(!model.isLoading());
    const int loaded = model.rowCount();
    QCOMPARE(loaded, everythingLoaded ? 450 : 200);
    const QList<qint64> loadedIds = shownIds(model);
    const qint64 lastLoaded = loadedIds.constLast();
    const QPersistentModelIndex selected = model.index(loaded / 2, InboxModel::SubjectColumn);
    const qint64 selectedId = model.idAt(selected.row());

    // New mail that sorts everywhere: before the first row, among the rows, after the last.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy merged(&model, &QAbstractItemModel::layoutChanged); // many places: one merge
    QList<SmtpMessage> arriving;
    const QString lastOfAll = QString::fromUcs4(U"\U0010FFFD end"); // after every subject
    for (int i = 0; i < 30; ++i)
        arriving.append(variedMessage(1000 + i * 11,
            i % 3 == 0       ? QString("0 first")
                : i % 3 == 1 ? (i % 2 ? lastOfAll : QString("~ later"))
                             : QString()));
    QVERIFY(deliverAll(*m_store, arriving));

    // Mail that sorts before the last loaded row goes in where it sorts; mail after it comes
    // with a later page (or at its place at once, when every row was loaded). Whatever the view
    // (here the tester) fetches meanwhile, the rows are always the start of the whole order:
    // nothing missing before the last row, nothing twice, nothing from beyond it.
    const QList<qint64> all = expectedOrder(*m_store, column, order);
    const int lastPlace = int(all.indexOf(lastLoaded));
    int sortBefore = 0;
    for (int i = 0; i < lastPlace; ++i)
        sortBefore += loadedIds.contains(all.at(i)) ? 0 : 1;
    if (column != InboxModel::ReceivedColumn) { // the cases do test both sides of the last row
        QVERIFY(sortBefore > 0);
        if (!everythingLoaded
            || (column == InboxModel::SubjectColumn && order == Qt::AscendingOrder))
            QVERIFY(sortBefore < 30); // U+10FFFD sorts after everything: at the very end
    }
    if (everythingLoaded)
        QTRY_COMPARE(model.rowCount(), int(all.size()));
    else
        QTRY_COMPARE(model.rowOf(lastLoaded), lastPlace);
    QVERIFY(waitUntilQuiet(model));
    QCOMPARE(shownIds(model), all.mid(0, model.rowCount()));
    QCOMPARE(model.rowOf(lastLoaded), lastPlace);
    if (sortBefore > 0)
        QVERIFY(inserted.count() + merged.count() >= 1);
    // The selection stays on its message, wherever rows went in around it.
    QVERIFY(selected.isValid());
    QCOMPARE(model.idAt(selected.row()), selectedId);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.idAt(row)), row);

    // The rest of the pages bring the mail that sorted after the last loaded row, once each.
    QVERIFY(loadEverything(model));
    QCOMPARE(shownIds(model), all);
}

void TestInboxModel::sortedBurstIsOneLayoutChange()
{
    // Loaded rows "s000", "s002", ... "s198"; a burst "s001", "s003", ... lands between them in
    // forty places: one merge and one layout change, not forty row insertions.
    QList<SmtpMessage> loaded;
    for (int i = 0; i < 200; i += 2)
        loaded.append(variedMessage(i, QString::asprintf("s%03d", i)));
    QVERIFY(deliverAll(*m_store, loaded));
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(InboxModel::SubjectColumn, Qt::AscendingOrder);
    QVERIFY(loadEverything(model));
    QCOMPARE(model.rowCount(), 100);
    const QPersistentModelIndex selected = model.index(50, InboxModel::FromColumn);
    const qint64 selectedId = model.idAt(50);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy count(&model, &SmtpInboxModel::countChanged);

    QList<SmtpMessage> burst;
    for (int i = 1; i < 80; i += 2)
        burst.append(variedMessage(i, QString::asprintf("s%03d", i)));
    QVERIFY(deliverAll(*m_store, burst));
    QTRY_COMPARE(model.rowCount(), 140);
    QVERIFY(waitUntilQuiet(model));
    QCOMPARE(inserted.count(), 0);
    QVERIFY2(
        layout.count() >= 1 && layout.count() <= 3, qPrintable(QString::number(layout.count())));
    QVERIFY(count.count() >= 1);
    QCOMPARE(
        shownIds(model), expectedOrder(*m_store, InboxModel::SubjectColumn, Qt::AscendingOrder));
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row, InboxModel::SubjectColumn).data().toString(),
            QString::asprintf("s%03d", row < 80 ? row : 80 + (row - 80) * 2));
        QCOMPARE(model.rowOf(model.idAt(row)), row);
    }
    // The selection followed its message through the merge.
    QVERIFY(selected.isValid());
    QCOMPARE(model.idAt(selected.row()), selectedId);
    QCOMPARE(selected.column(), int(InboxModel::FromColumn));
}

void TestInboxModel::sortedRemovalsAndReadFlags_data()
{
    addSortRows();
}

void TestInboxModel::sortedRemovalsAndReadFlags()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(column, order);
    QTRY_VERIFY(!model.isLoading());
    model.fetchMore({});
    QTRY_VERIFY(!model.isLoading());
    QCOMPARE(model.rowCount(), 400);
    QList<qint64> expected = expectedOrder(*m_store, column, order);
    const QPersistentModelIndex selected = model.index(150, 0);
    const qint64 selectedId = model.idAt(150);

    // Read flags: the rows of those ids, and only those, change.
    const QList<qint64> read
        = { expected.at(0), expected.at(199), expected.at(200), expected.at(333) };
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(m_store->setRead(read, true));
    QTRY_COMPARE(changed.count(), 4);
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const int row = args.at(0).toModelIndex().row();
        QCOMPARE(args.at(1).toModelIndex().row(), row);
        QVERIFY(read.contains(model.idAt(row)));
    }
    QVERIFY(waitUntilQuiet(model));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.index(row, 0).data(InboxModel::ReadRole).toBool(),
            read.contains(model.idAt(row)));

    // Removals: the first row, a run across the first page edge, the last row of the second page
    // and one further down.
    const QList<qint64> removed = { expected.at(0), expected.at(199), expected.at(200),
        expected.at(201), expected.at(399), expected.at(420) };
    QVERIFY(m_store->remove(removed));
    for (const qint64 id : removed)
        expected.removeOne(id);
    QTRY_VERIFY(std::none_of(
        removed.cbegin(), removed.cend(), [&model](qint64 id) { return model.rowOf(id) >= 0; }));
    QVERIFY(waitUntilQuiet(model));
    QVERIFY(model.rowCount() >= 395);
    QCOMPARE(shownIds(model), expected.mid(0, model.rowCount()));
    QCOMPARE(model.idAt(selected.row()), selectedId);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.idAt(row)), row);
    // Paging goes on from the last row.
    QVERIFY(loadEverything(model));
    QCOMPARE(shownIds(model), expected);
}

void TestInboxModel::sortedSearch_data()
{
    addSortRows();
}

void TestInboxModel::sortedSearch()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    QVERIFY(waitForIndex(*m_store)); // words are found once indexed
    const QString query = "apple -pie";
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery(query);
    model.sort(column, order);
    QVERIFY(loadEverything(model));
    QList<qint64> expected = expectedOrder(*m_store, column, order, query);
    QVERIFY(expected.size() > 20 && expected.size() < 100);
    QCOMPARE(shownIds(model), expected);
    // New mail appears only if it matches, where it sorts.
    QList<SmtpMessage> arriving;
    for (int i = 0; i < 6; ++i)
        arriving.append(variedMessage(2000 + i, i % 2 ? QString("Apple") : QString("Apple pie")));
    QVERIFY(deliverAll(*m_store, arriving));
    // They are announced at once and found once the indexer has passed them.
    QVERIFY(waitForIndex(*m_store));
    expected = expectedOrder(*m_store, column, order, query);
    QTRY_COMPARE(model.rowCount(), int(expected.size()));
    QCOMPARE(shownIds(model), expected);
}

void TestInboxModel::windowHeaderSortsTheInbox()
{
    // The window's table: sortable by a header click, newest first at first, and the order is
    // part of the header state it saves and restores.
    QSettings().remove("window/columns");
    AppOptions options;
    options.smtp = *ListenAddress::parse("127.0.0.1:0");
    options.database = ":memory:";
    options.given = QStringList { "smtp", "database" };
    const auto inbox = [](MainWindow *window) {
        auto *view = window->findChild<QTableView *>("inboxView");
        return std::make_pair(view, qobject_cast<InboxModel *>(view ? view->model() : nullptr));
    };
    {
        MainWindow window(options);
        QVERIFY(window.start());
        auto [view, model] = inbox(&window);
        QVERIFY(model);
        QVERIFY(view->isSortingEnabled());
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(InboxModel::ReceivedColumn));
        QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(model->sortColumn(), int(InboxModel::ReceivedColumn));
        QCOMPARE(model->sortOrder(), Qt::DescendingOrder);
        // What a click on "Subject" does.
        view->horizontalHeader()->setSortIndicator(InboxModel::SubjectColumn, Qt::AscendingOrder);
        QCOMPARE(model->sortColumn(), int(InboxModel::SubjectColumn));
        QCOMPARE(model->sortOrder(), Qt::AscendingOrder);
    } // saves the header state
    {
        MainWindow window(options);
        QVERIFY(window.start());
        auto [view, model] = inbox(&window);
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(InboxModel::SubjectColumn));
        QCOMPARE(model->sortColumn(), int(InboxModel::SubjectColumn));
        QCOMPARE(model->sortOrder(), Qt::AscendingOrder);
    }
    // A state saved before the inbox could be sorted: no indicator shown, section 0 (From).
    QHeaderView old(Qt::Horizontal);
    QVERIFY(!old.isSortIndicatorShown());
    QSettings().setValue("window/columns", old.saveState());
    {
        MainWindow window(options);
        QVERIFY(window.start());
        auto [view, model] = inbox(&window);
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(InboxModel::ReceivedColumn));
        QCOMPARE(model->sortColumn(), int(InboxModel::ReceivedColumn));
        QCOMPARE(model->sortOrder(), Qt::DescendingOrder);
    }
    QSettings().remove("window/columns");
}

void TestInboxModel::windowKeepsTheViewOnLiveInserts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("newest first") << int(InboxModel::ReceivedColumn) << Qt::DescendingOrder;
    QTest::newRow("by subject") << int(InboxModel::SubjectColumn) << Qt::AscendingOrder;
}

void TestInboxModel::windowKeepsTheViewOnLiveInserts()
{
    // Mail going in above the first visible row must not move what the user is looking at:
    // at the top newest first, anywhere above it in another order.
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QSettings().remove("window/columns");
    AppOptions options;
    options.smtp = *ListenAddress::parse("127.0.0.1:0");
    options.database = ":memory:";
    options.given = QStringList { "smtp", "database" };
    MainWindow window(options);
    QVERIFY(window.start());
    window.resize(900, 700);
    QTableView *view = window.inboxView();
    InboxModel *model = window.inboxModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view->horizontalHeader()->setSortIndicator(column, order);
    QVERIFY(deliverVaried(*window.store(), 0, 300));
    QTRY_VERIFY(model->rowCount() >= 200);
    QVERIFY(waitUntilQuiet(*model));
    view->scrollTo(model->index(120, 0), QAbstractItemView::PositionAtTop);
    QTest::qWait(50);
    const int topRow = view->rowAt(0);
    QVERIFY(topRow > 50);
    const qint64 topId = model->idAt(topRow);
    const int rowsBefore = model->rowCount();

    // New mail: some sorting before everything, some among the rows above the view.
    QList<SmtpMessage> arriving;
    for (int i = 0; i < 12; ++i)
        arriving.append(variedMessage(500 + i, i % 2 ? QString("0 first") : QString()));
    QVERIFY(deliverAll(*window.store(), arriving));
    QTRY_VERIFY(model->rowCount() > rowsBefore);
    QVERIFY(waitUntilQuiet(*model));
    QVERIFY(model->rowOf(topId) > topRow); // rows did go in above it...
    QCOMPARE(model->idAt(view->rowAt(0)), topId); // ...and it is still the first one in view
    QSettings().remove("window/columns");
}

int main(int argc, char **argv)
{
    // The window holds a MessageView (Qt WebEngine): as in tst_mainwindow.
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_inboxmodel");
    TestInboxModel test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_inboxmodel.moc"
