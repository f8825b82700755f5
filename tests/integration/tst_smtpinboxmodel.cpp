// SmtpInboxModel over a real store, with Qt Core alone: QAbstractItemModelTester on every case,
// lazy paging, live inserts (batched), removals, read flags and search; the same sorted by every
// column in both orders, checked against orders computed here from the values the inbox shows;
// and the busy hook: once it turns false, every announced message that belongs is there.
#include <inboxfixtures.h>
#include <smtpinboxmodel.h>
#include <smtpmessagestore.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <memory>

using namespace InboxFixtures;

class TestSmtpInboxModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void pages_data();
    void pages();
    void roles();
    void liveInsertsAtTheTop();
    void burstIsBatched_data();
    void burstIsBatched();
    void removals();
    void readFlags();
    void search_data();
    void search();
    void badQuery();
    void busy();
    void idleMeansSettled_data();
    void idleMeansSettled();
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

private:
    SmtpMessageStore *m_store = nullptr;
    std::unique_ptr<Announcements> m_announced;
};

void TestSmtpInboxModel::init()
{
    m_store = new SmtpMessageStore;
    QVERIFY(m_store->open(":memory:"));
    m_announced = std::make_unique<Announcements>(m_store);
}

void TestSmtpInboxModel::cleanup()
{
    m_announced.reset();
    delete m_store;
    m_store = nullptr;
}

void TestSmtpInboxModel::pages_data()
{
    QTest::addColumn<int>("messages");
    QTest::addColumn<QList<int>>("rowsAfterEachFetch");
    QTest::newRow("empty") << 0 << QList<int> { 0 };
    QTest::newRow("one") << 1 << QList<int> { 1 };
    QTest::newRow("exactly a page") << 200 << QList<int> { 200, 200 };
    QTest::newRow("two and a bit") << 450 << QList<int> { 200, 400, 450 };
}

void TestSmtpInboxModel::pages()
{
    QFETCH(int, messages);
    QFETCH(QList<int>, rowsAfterEachFetch);
    for (int i = 0; i < messages; ++i)
        QVERIFY(storeMessage(*m_store, "m" + QByteArray::number(i)) > 0);
    SmtpInboxModel model(m_store);
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

void TestSmtpInboxModel::roles()
{
    // What the core shows by itself: text, no icons or fonts (those are the GUI's).
    storeMessage(*m_store, "plain");
    storeMessage(*m_store, "with attachment", true);
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(SmtpInboxModel::ColumnCount));
    const QModelIndex subject = model.index(0, SmtpInboxModel::SubjectColumn);
    QCOMPARE(subject.data().toString(), QString("with attachment"));
    QVERIFY(subject.data(SmtpInboxModel::HasAttachmentsRole).toBool());
    QVERIFY(!model.index(1, 0).data(SmtpInboxModel::HasAttachmentsRole).toBool());
    QVERIFY(subject.data(Qt::DecorationRole).isNull());
    QCOMPARE(model.index(0, SmtpInboxModel::FromColumn).data().toString(),
        QString("Sender <sender@x.test>"));
    QVERIFY(model.index(0, 0).data(SmtpInboxModel::UnreadRole).toBool());
    QVERIFY(!model.index(0, 0).data(SmtpInboxModel::ReadRole).toBool());
    QVERIFY(model.index(0, 0).data(Qt::FontRole).isNull());
    QCOMPARE(
        model.headerData(SmtpInboxModel::SizeColumn, Qt::Horizontal).toString(), QString("Size"));
    QCOMPARE(model.roleNames().value(SmtpInboxModel::UnreadRole), QByteArray("unread"));
}

void TestSmtpInboxModel::liveInsertsAtTheTop()
{
    storeMessage(*m_store, "old");
    SmtpInboxModel model(m_store);
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

void TestSmtpInboxModel::burstIsBatched_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<int>("maxInsertSignals");
    // By arrival, a batch is one run: at the top newest first, at the end oldest first.
    QTest::newRow("newest first") << int(SmtpInboxModel::ReceivedColumn) << Qt::DescendingOrder
                                  << 30;
    QTest::newRow("oldest first") << int(SmtpInboxModel::ReceivedColumn) << Qt::AscendingOrder
                                  << 30;
    // By subject (16 values), one run per place in the rows: at most 17 per batch.
    QTest::newRow("by subject") << int(SmtpInboxModel::SubjectColumn) << Qt::AscendingOrder << 150;
}

void TestSmtpInboxModel::burstIsBatched()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(int, maxInsertSignals);
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(column, order);
    QTRY_VERIFY(!model.isLoading());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    std::atomic<int> done { 0 };
    for (int i = 0; i < 300; ++i) {
        SmtpMessage m = variedMessage(i);
        if (column == SmtpInboxModel::ReceivedColumn)
            m.setData("Subject: burst " + QByteArray::number(i) + "\r\n\r\nx\r\n");
        m_store->deliver(m, [&](const SmtpSinkResult &) { ++done; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(done.load(), 300, 20000);
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(model.rowCount(), 300);
    QVERIFY2(inserted.count() < maxInsertSignals, qPrintable(QString::number(inserted.count())));
    QCOMPARE(shownIds(model), expectedOrder(*m_store, column, order));
}

void TestSmtpInboxModel::removals()
{
    QList<qint64> ids;
    for (int i = 0; i < 6; ++i)
        ids << storeMessage(*m_store, "r" + QByteArray::number(i));
    SmtpInboxModel model(m_store);
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

void TestSmtpInboxModel::readFlags()
{
    const qint64 a = storeMessage(*m_store, "a");
    storeMessage(*m_store, "b");
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), 2);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(m_store->setRead({ a }, true));
    QTRY_VERIFY(model.index(model.rowOf(a), 0).data(SmtpInboxModel::ReadRole).toBool());
    QVERIFY(!model.index(model.rowOf(a), 0).data(SmtpInboxModel::UnreadRole).toBool());
    QVERIFY(!model.index(0, 0).data(SmtpInboxModel::ReadRole).toBool());
    QVERIFY(m_store->markAllRead());
    QTRY_VERIFY(model.index(0, 0).data(SmtpInboxModel::ReadRole).toBool());
    QVERIFY(changed.count() >= 2);
}

void TestSmtpInboxModel::search_data()
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

void TestSmtpInboxModel::search()
{
    QFETCH(QString, query);
    QFETCH(QStringList, subjects);
    QFETCH(QStringList, newMatches);
    storeMessage(*m_store, "Invoice 3");
    storeMessage(*m_store, "Invoice 7", true);
    storeMessage(*m_store, "Weekly report");
    QVERIFY(waitForIndex(*m_store)); // words are found once indexed
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setQuery(query);
    QTRY_VERIFY(!model.isLoading());
    const auto shown = [&model] {
        QStringList list;
        for (int row = 0; row < model.rowCount(); ++row)
            list << model.index(row, SmtpInboxModel::SubjectColumn).data().toString();
        return list;
    };
    QCOMPARE(shown(), subjects);
    QVERIFY(model.queryError().isEmpty());
    // A message arriving while a search is shown appears only if it matches.
    storeMessage(*m_store, "Invoice 9");
    storeMessage(*m_store, "Lunch");
    // Both were announced and indexed, and the model is done with them: what was to appear has
    // appeared.
    QVERIFY(waitForIndex(*m_store));
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(shown(), newMatches + subjects);
}

void TestSmtpInboxModel::badQuery()
{
    storeMessage(*m_store, "x");
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy errors(&model, &SmtpInboxModel::queryErrorChanged);
    model.setQuery("before:soon");
    QTRY_COMPARE(errors.count(), 1);
    QVERIFY(model.queryError().contains("before:soon"));
    QCOMPARE(model.rowCount(), 0);
    model.setQuery("");
    QTRY_COMPARE(model.rowCount(), 1);
    QVERIFY(model.queryError().isEmpty());
}

void TestSmtpInboxModel::busy()
{
    SmtpInboxModel none; // no store: nothing to do
    QVERIFY(!none.isBusy());
    QVERIFY(deliverVaried(*m_store, 0, 450));
    QVERIFY(m_announced->waitForAll());
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Reading the first page from the start, as QML sees it too.
    QVERIFY(model.isBusy());
    QVERIFY(model.isLoading());
    QCOMPARE(model.property("busy").toBool(), true);
    QSignalSpy busyChanged(&model, &SmtpInboxModel::busyChanged);
    QVERIFY(busyChanged.wait(waitTimeout));
    QVERIFY(!model.isBusy());
    QCOMPARE(model.rowCount(), 200);
    // New mail: busy from its announcement, while it waits for its batch (no page is read),
    // until it is in.
    busyChanged.clear();
    struct
    {
        int announcements = 0;
        bool busy = false;
        bool loading = true;
        int rows = 0;
    } atAnnouncement;
    // Connected after the model: runs once the model heard the announcement.
    connect(m_store, &SmtpMessageStore::messagesAdded, &model, [&] {
        ++atAnnouncement.announcements;
        atAnnouncement.busy = model.isBusy();
        atAnnouncement.loading = model.isLoading();
        atAnnouncement.rows = model.rowCount();
    });
    const qint64 id = storeMessage(*m_store, "new");
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(atAnnouncement.announcements, 1);
    QVERIFY(atAnnouncement.busy);
    QVERIFY(!atAnnouncement.loading);
    QCOMPARE(atAnnouncement.rows, 200);
    QCOMPARE(model.idAt(0), id);
    QVERIFY(model.rowCount() >= 201); // the tester fetches a page after rows went in
    QCOMPARE(busyChanged.count(), 2);
    // The next page.
    QVERIFY(model.canFetchMore({}));
    const int rowsBefore = model.rowCount();
    model.fetchMore({});
    QVERIFY(model.isBusy());
    QVERIFY(model.isLoading());
    QVERIFY(waitUntilIdle(model));
    QVERIFY(model.rowCount() > rowsBefore);
    QCOMPARE(busyChanged.count(), 4);
    // A page being read when the store closes: nothing left to do.
    model.reload();
    QVERIFY(model.isBusy());
    m_store->close();
    QVERIFY(!model.isBusy());
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(busyChanged.count(), 6);
}

void TestSmtpInboxModel::idleMeansSettled_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("newest first") << int(SmtpInboxModel::ReceivedColumn) << Qt::DescendingOrder;
    QTest::newRow("by subject") << int(SmtpInboxModel::SubjectColumn) << Qt::AscendingOrder;
}

void TestSmtpInboxModel::idleMeansSettled()
{
    // Whenever the model turns idle, the rows are the start of the whole order, holding every
    // announced message up to the last loaded row: no batch still waits, none is being read, no
    // page is in flight. Mail arrives while pages are read, and pages are asked for while a batch
    // waits, so that idle would come early if either were forgotten.
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QStringList early;
    int idles = 0;
    QVERIFY(deliverVaried(*m_store, 0, 450));
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connect(&model, &SmtpInboxModel::busyChanged, &model, [&] {
        if (model.isBusy())
            return;
        ++idles;
        const QList<qint64> all = expectedOrder(*m_store, column, order);
        const QList<qint64> shown = shownIds(model);
        const QSet<qint64> shownSet(shown.cbegin(), shown.cend());
        const qsizetype last = shown.isEmpty() ? -1 : all.indexOf(shown.constLast());
        QList<qint64> want; // a page may bring mail not yet announced: it is there all the same
        for (qsizetype i = 0; i <= last; ++i)
            if (m_announced->contains(all.at(i)) || shownSet.contains(all.at(i)))
                want.append(all.at(i));
        if (shown != want)
            early.append(QString("idle %1: %2 rows, %3 expected")
                             .arg(idles)
                             .arg(shown.size())
                             .arg(want.size()));
    });
    model.sort(column, order);
    QVERIFY(waitUntilIdle(model));
    for (int round = 0; round < 8; ++round) {
        QList<SmtpMessage> arriving;
        for (int i = 0; i < 15; ++i)
            arriving.append(variedMessage(1000 + round * 15 + i));
        if (round % 2 == 0) {
            // Mail arriving while a page is read.
            const auto done = std::make_shared<std::atomic<int>>(0);
            for (const SmtpMessage &m : std::as_const(arriving))
                m_store->deliver(m, [done](const SmtpSinkResult &) { ++*done; });
            model.fetchMore({});
            QVERIFY(QTest::qWaitFor([&done] { return done->load() == 15; }, waitTimeout));
        } else {
            // A page asked for as the mail is announced, while it waits for its batch.
            const QMetaObject::Connection fetch = connect(m_store, &SmtpMessageStore::messagesAdded,
                &model, [&model] { model.fetchMore({}); });
            QVERIFY(deliverAll(*m_store, arriving));
            QVERIFY(m_announced->waitForAll());
            disconnect(fetch);
        }
        QVERIFY(m_announced->waitUntilSettled(model));
    }
    QVERIFY(loadEverything(model));
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(shownIds(model), expectedOrder(*m_store, column, order));
    QVERIFY2(early.isEmpty(), qPrintable(early.join("; ")));
    QVERIFY(idles >= 9);
}

void TestSmtpInboxModel::sortProperties()
{
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Newest first unless told otherwise: today's inbox.
    QCOMPARE(model.sortColumn(), int(SmtpInboxModel::ReceivedColumn));
    QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
    QSignalSpy columnChanged(&model, &SmtpInboxModel::sortColumnChanged);
    QSignalSpy orderChanged(&model, &SmtpInboxModel::sortOrderChanged);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    // As QML sets them: through the properties.
    QVERIFY(model.setProperty("sortColumn", int(SmtpInboxModel::SubjectColumn)));
    QCOMPARE(model.sortColumn(), int(SmtpInboxModel::SubjectColumn));
    QCOMPARE(columnChanged.count(), 1);
    QCOMPARE(orderChanged.count(), 0);
    QVERIFY(model.setProperty("sortOrder", QVariant::fromValue(Qt::AscendingOrder)));
    QCOMPARE(model.property("sortOrder").value<Qt::SortOrder>(), Qt::AscendingOrder);
    QCOMPARE(orderChanged.count(), 1);
    QCOMPARE(resets.count(), 2);
    // The same order again reloads nothing (QTableView asks when sorting is switched on).
    model.sort(SmtpInboxModel::SubjectColumn, Qt::AscendingOrder);
    QCOMPARE(resets.count(), 2);
    // No such column: ignored.
    model.sort(-1, Qt::AscendingOrder);
    model.sort(SmtpInboxModel::ColumnCount, Qt::AscendingOrder);
    QCOMPARE(model.sortColumn(), int(SmtpInboxModel::SubjectColumn));
    QCOMPARE(resets.count(), 2);
    QCOMPARE(columnChanged.count(), 1);
}

void TestSmtpInboxModel::sortedPages_data()
{
    addSortRows();
}

void TestSmtpInboxModel::sortedPages()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    const QList<qint64> expected = expectedOrder(*m_store, column, order);
    SmtpInboxModel model(m_store);
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

void TestSmtpInboxModel::sortedLiveInserts_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<bool>("everythingLoaded");
    const char *names[] = { "from", "to", "subject", "received", "size" };
    for (int column = 0; column < SmtpInboxModel::ColumnCount; ++column)
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder })
            for (const bool all : { false, true })
                QTest::addRow("%s %s, %s", names[column],
                    order == Qt::AscendingOrder ? "asc" : "desc", all ? "all loaded" : "first page")
                    << column << order << all;
}

void TestSmtpInboxModel::sortedLiveInserts()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(bool, everythingLoaded);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(column, order);
    if (everythingLoaded)
        QVERIFY(loadEverything(model));
    QTRY_VERIFY(!model.isLoading());
    const int loaded = model.rowCount();
    QCOMPARE(loaded, everythingLoaded ? 450 : 200);
    const QList<qint64> loadedIds = shownIds(model);
    const qint64 lastLoaded = loadedIds.constLast();
    const QPersistentModelIndex selected = model.index(loaded / 2, SmtpInboxModel::SubjectColumn);
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
    if (column != SmtpInboxModel::ReceivedColumn) { // the cases do test both sides of the last row
        QVERIFY(sortBefore > 0);
        if (!everythingLoaded
            || (column == SmtpInboxModel::SubjectColumn && order == Qt::AscendingOrder))
            QVERIFY(sortBefore < 30); // U+10FFFD sorts after everything: at the very end
    }
    if (everythingLoaded)
        QTRY_COMPARE(model.rowCount(), int(all.size()));
    else
        QTRY_COMPARE(model.rowOf(lastLoaded), lastPlace);
    // Every arrival announced and dealt with: what sorts after the last loaded row stays out.
    QVERIFY(m_announced->waitUntilSettled(model));
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

void TestSmtpInboxModel::sortedBurstIsOneLayoutChange()
{
    // Loaded rows "s000", "s002", ... "s198"; a burst "s001", "s003", ... lands between them in
    // forty places: one merge and one layout change, not forty row insertions.
    QList<SmtpMessage> loaded;
    for (int i = 0; i < 200; i += 2)
        loaded.append(variedMessage(i, QString::asprintf("s%03d", i)));
    QVERIFY(deliverAll(*m_store, loaded));
    SmtpInboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.sort(SmtpInboxModel::SubjectColumn, Qt::AscendingOrder);
    QVERIFY(loadEverything(model));
    QCOMPARE(model.rowCount(), 100);
    const QPersistentModelIndex selected = model.index(50, SmtpInboxModel::FromColumn);
    const qint64 selectedId = model.idAt(50);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy count(&model, &SmtpInboxModel::countChanged);

    QList<SmtpMessage> burst;
    for (int i = 1; i < 80; i += 2)
        burst.append(variedMessage(i, QString::asprintf("s%03d", i)));
    QVERIFY(deliverAll(*m_store, burst));
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(model.rowCount(), 140);
    QCOMPARE(inserted.count(), 0);
    QVERIFY2(
        layout.count() >= 1 && layout.count() <= 3, qPrintable(QString::number(layout.count())));
    QVERIFY(count.count() >= 1);
    QCOMPARE(shownIds(model),
        expectedOrder(*m_store, SmtpInboxModel::SubjectColumn, Qt::AscendingOrder));
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(model.index(row, SmtpInboxModel::SubjectColumn).data().toString(),
            QString::asprintf("s%03d", row < 80 ? row : 80 + (row - 80) * 2));
        QCOMPARE(model.rowOf(model.idAt(row)), row);
    }
    // The selection followed its message through the merge.
    QVERIFY(selected.isValid());
    QCOMPARE(model.idAt(selected.row()), selectedId);
    QCOMPARE(selected.column(), int(SmtpInboxModel::FromColumn));
}

void TestSmtpInboxModel::sortedRemovalsAndReadFlags_data()
{
    addSortRows();
}

void TestSmtpInboxModel::sortedRemovalsAndReadFlags()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    SmtpInboxModel model(m_store);
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
    QVERIFY(waitUntilIdle(model));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.index(row, 0).data(SmtpInboxModel::ReadRole).toBool(),
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
    QVERIFY(waitUntilIdle(model));
    QVERIFY(model.rowCount() >= 395);
    QCOMPARE(shownIds(model), expected.mid(0, model.rowCount()));
    QCOMPARE(model.idAt(selected.row()), selectedId);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.idAt(row)), row);
    // Paging goes on from the last row.
    QVERIFY(loadEverything(model));
    QCOMPARE(shownIds(model), expected);
}

void TestSmtpInboxModel::sortedSearch_data()
{
    addSortRows();
}

void TestSmtpInboxModel::sortedSearch()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QVERIFY(deliverVaried(*m_store, 0, 450));
    QVERIFY(waitForIndex(*m_store)); // words are found once indexed
    const QString query = "apple -pie";
    SmtpInboxModel model(m_store);
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
    QVERIFY(waitForIndex(*m_store)); // announced at once, found once indexed
    expected = expectedOrder(*m_store, column, order, query);
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(model.rowCount(), int(expected.size()));
    QCOMPARE(shownIds(model), expected);
}

QTEST_GUILESS_MAIN(TestSmtpInboxModel)
#include "tst_smtpinboxmodel.moc"
