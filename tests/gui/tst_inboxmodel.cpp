// The inbox as the window shows it: InboxModel's own display data (icons, fonts, translated
// headers) and the window's table: its header sorting the model and remembering it, and the view
// staying on what it shows while mail goes in above. The model's behaviour itself is tested with
// Qt Core alone (tests/integration/tst_smtpinboxmodel.cpp).
#include <appoptions.h>
#include <inboxfixtures.h>
#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageview.h>
#include <smtpmessagestore.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace InboxFixtures;

class TestInboxModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void displayData();
    void windowHeaderSortsTheInbox();
    void windowKeepsTheViewOnLiveInserts_data();
    void windowKeepsTheViewOnLiveInserts();

private:
    SmtpMessageStore *m_store = nullptr;
    std::unique_ptr<Announcements> m_announced;
};

void TestInboxModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's QSettings go to a test location
}

void TestInboxModel::init()
{
    m_store = new SmtpMessageStore;
    QVERIFY(m_store->open(":memory:"));
    m_announced = std::make_unique<Announcements>(m_store);
}

void TestInboxModel::cleanup()
{
    m_announced.reset();
    delete m_store;
    m_store = nullptr;
}

void TestInboxModel::displayData()
{
    storeMessage(*m_store, "plain");
    storeMessage(*m_store, "with attachment", true);
    InboxModel model(m_store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(m_announced->waitUntilSettled(model));
    QCOMPARE(model.rowCount(), 2);
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
    // Read: no longer bold, and only that row.
    const qint64 plain = model.idAt(1);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(m_store->setRead({ plain }, true));
    QVERIFY(changed.wait(waitTimeout));
    QVERIFY(model.index(model.rowOf(plain), 0).data(InboxModel::ReadRole).toBool());
    QVERIFY(!model.index(model.rowOf(plain), 0).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(
        model.index(model.rowOf(plain) == 0 ? 1 : 0, 0).data(Qt::FontRole).value<QFont>().bold());
}

void TestInboxModel::windowHeaderSortsTheInbox()
{
    // The window's table: sortable by a header click, newest first at first, and the order is
    // part of the header state it saves and restores.
    QSettings().remove("window/columns");
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
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
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = ":memory:";
    options.given = QStringList { "smtp", "database" };
    MainWindow window(options);
    QVERIFY(window.start());
    window.resize(900, 700);
    QTableView *view = window.inboxView();
    InboxModel *model = window.inboxModel();
    const Announcements announced(window.store());
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    view->horizontalHeader()->setSortIndicator(column, order);
    QVERIFY(deliverVaried(*window.store(), 0, 300));
    QVERIFY(announced.waitUntilSettled(*model));
    QVERIFY(model->rowCount() >= 200);
    view->doItemsLayout(); // the rows that went in: the scroll bar's range, laid out at once
    view->scrollTo(model->index(120, 0), QAbstractItemView::PositionAtTop);
    QTRY_COMPARE_WITH_TIMEOUT(view->rowAt(0), 120, waitTimeout);
    QVERIFY(waitUntilIdle(*model)); // had the view asked for another page
    const int topRow = view->rowAt(0);
    QVERIFY(topRow > 50);
    const qint64 topId = model->idAt(topRow);
    const int rowsBefore = model->rowCount();

    // New mail: some sorting before everything, some among the rows above the view.
    QList<SmtpMessage> arriving;
    for (int i = 0; i < 12; ++i)
        arriving.append(variedMessage(500 + i, i % 2 ? QString("0 first") : QString()));
    QVERIFY(deliverAll(*window.store(), arriving));
    QVERIFY(announced.waitUntilSettled(*model));
    QVERIFY(model->rowCount() > rowsBefore);
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
