// The main window end to end: a real server on port 0 and a real store, mail sent over a socket
// appears as a row, selecting it shows it and marks it read, a burst of mail gives one
// notification, Delete removes, the search field filters.
#include "smtptestclient.h"

#include <commandline.h>
#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageview.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void commandLineOverridesSettings();
    void mailAppearsAndOpens();
    void burstGivesOneNotification();
    void largeBurstCountsEveryMessage();
    void deleteKeyRemoves();
    void searchFilters();
    void changingDatabaseReopensStore();
    void trayBadgeShowsUnreadCount();
    void toolbarIconsFollowThePalette();

private:
    quint16 port() const { return quint16(m_window->server()->serverPort()); }
    void send(const QByteArray &subject, int count = 1);
    MainWindow *m_window = nullptr;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and data go to test locations
}

void TestMainWindow::init()
{
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = ":memory:";
    options.given = QStringList { "smtp", "database" };
    m_window = new MainWindow(options);
    QVERIFY(m_window->start());
    QTRY_VERIFY(m_window->server()->isListening());
}

void TestMainWindow::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void TestMainWindow::send(const QByteArray &subject, int count)
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(SmtpTestClient::code(client.mail("app@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.rcpt("dev@x.test")), 250);
        const QByteArray s = count == 1 ? subject : subject + ' ' + QByteArray::number(i);
        QCOMPARE(SmtpTestClient::code(client.data("From: App <app@x.test>\r\nSubject: " + s
                     + "\r\nContent-Type: text/html\r\n\r\n"
                       "<p style=\"background:#c00\">"
                     + s + "</p>\r\n")),
            250);
    }
    client.command("QUIT");
}

void TestMainWindow::commandLineOverridesSettings()
{
    QCOMPARE(m_window->settings().databasePath, QString(":memory:"));
    QCOMPARE(m_window->server()->serverAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(port() != 0);
}

void TestMainWindow::mailAppearsAndOpens()
{
    InboxModel *model = m_window->inboxModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    send("Hello from the test");
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(),
        QString("Hello from the test"));
    QVERIFY(!model->index(0, 0).data(InboxModel::ReadRole).toBool());

    QSignalSpy loaded(m_window->messageView(), &MessageView::messageLoaded);
    m_window->inboxView()->selectRow(0);
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toLongLong(), model->idAt(0));
    QCOMPARE(m_window->messageView()->messageId(), model->idAt(0));
    QTRY_VERIFY(model->index(0, 0).data(InboxModel::ReadRole).toBool()); // opened means read
    QTRY_COMPARE(m_window->store()->unreadCount(), 0);
}

void TestMainWindow::burstGivesOneNotification()
{
    QSignalSpy notifications(m_window, &MainWindow::notificationShown);
    send("Burst", 60);
    QTRY_COMPARE(m_window->inboxModel()->rowCount(), 60);
    QTRY_COMPARE(notifications.count(), 1);
    QVERIFY(notifications.at(0).at(0).toString().contains("60"));
    QTest::qWait(1500);
    QCOMPARE(notifications.count(), 1); // and not one more per message
}

void TestMainWindow::largeBurstCountsEveryMessage()
{
    // Regression: the pending notification kept at most 100 messages and said "100 new messages"
    // for any larger burst.
    QSignalSpy notifications(m_window, &MainWindow::notificationShown);
    send("Big burst", 150);
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 1, 10000);
    QVERIFY2(notifications.at(0).at(0).toString().contains("150"),
        qPrintable(notifications.at(0).at(0).toString()));
    QVERIFY(notifications.at(0).at(1).toString().contains("Big burst 149"));
}

void TestMainWindow::deleteKeyRemoves()
{
    send("One");
    send("Two");
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE(model->rowCount(), 2);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_window->inboxView()->setFocus();
    m_window->inboxView()->selectRow(0);
    QTest::keyClick(m_window->inboxView(), Qt::Key_Delete);
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(), QString("One"));
    QTRY_COMPARE(m_window->store()->count(), 1);
}

void TestMainWindow::searchFilters()
{
    send("Invoice 42");
    send("Newsletter");
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE(model->rowCount(), 2);
    QTest::keyClicks(m_window->searchField(), "invoice");
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(), QString("Invoice 42"));
    m_window->searchField()->clear();
    QTRY_COMPARE(model->rowCount(), 2);
}

void TestMainWindow::changingDatabaseReopensStore()
{
    send("In memory");
    QTRY_COMPARE(m_window->inboxModel()->rowCount(), 1);
    QTemporaryDir dir;
    AppSettings settings = m_window->settings();
    settings.databasePath = dir.filePath("other.sqlite");
    QString error;
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
    QCOMPARE(m_window->store()->path(), dir.filePath("other.sqlite"));
    QTRY_COMPARE(m_window->inboxModel()->rowCount(), 0); // a new, empty store
    send("On disk");
    QTRY_COMPARE(m_window->inboxModel()->rowCount(), 1);
    QCOMPARE(m_window->inboxModel()->index(0, InboxModel::SubjectColumn).data().toString(),
        QString("On disk"));

    // A path that cannot be a database: refused, and the store stays where it was.
    QFile blocker(dir.filePath("plainfile"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    settings.databasePath = dir.filePath("plainfile/messages.sqlite");
    QVERIFY(!m_window->applyFromDialog(settings, &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(m_window->store()->path(), dir.filePath("other.sqlite"));
    QTRY_COMPARE(m_window->inboxModel()->rowCount(), 1);
    send("Still stored");
    QTRY_COMPARE(m_window->store()->count(), 2);
}

void TestMainWindow::trayBadgeShowsUnreadCount()
{
    const QIcon icon(":/icons/smtp-receiver.svg");
    const QImage plain = MainWindow::badgeIcon(icon, 0).pixmap(64, 64).toImage();
    const QImage badged = MainWindow::badgeIcon(icon, 7).pixmap(64, 64).toImage();
    QVERIFY(!plain.isNull());
    QCOMPARE(badged.size(), plain.size());
    // The badge sits in the top right corner, red, where the plain icon is not.
    const QColor corner = badged.pixelColor(badged.width() - 6, 15);
    QVERIFY2(corner.red() > 180 && corner.green() < 90, qPrintable(corner.name()));
    QVERIFY(plain.pixelColor(plain.width() - 6, 15) != corner);
    QVERIFY(MainWindow::badgeIcon(icon, 150).pixmap(64, 64).toImage() != badged); // "99+"
}

void TestMainWindow::toolbarIconsFollowThePalette()
{
    // No icon theme here (as on a bare desktop): the shipped SVGs, drawn in the text colour.
    QIcon::setThemeName(QString());
    const auto *toolbar = m_window->findChild<QToolBar *>("mainToolbar");
    QVERIFY(toolbar);
    // The grey of the most opaque pixel (anti-aliased edges round a little).
    const auto inkOf = [](const QIcon &icon) {
        const QImage image = icon.pixmap(24, 24).toImage();
        QColor ink(Qt::transparent);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (image.pixelColor(x, y).alpha() > ink.alpha())
                    ink = image.pixelColor(x, y);
        return ink.alpha() == 255 ? ink.red() / 8 : -1; // -1: nothing solid drawn
    };
    QPalette light = m_window->palette();
    light.setColor(QPalette::WindowText, QColor(0x11, 0x11, 0x11));
    m_window->setPalette(light);
    for (QAction *action : toolbar->actions()) {
        if (action->isSeparator())
            continue;
        QVERIFY2(!action->icon().isNull(), qPrintable(action->text()));
        QCOMPARE(inkOf(action->icon()), 0x11 / 8);
    }
    QPalette dark = light;
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    m_window->setPalette(dark); // a switch to dark mode redraws them
    for (QAction *action : toolbar->actions())
        if (!action->isSeparator())
            QCOMPARE(inkOf(action->icon()), 0xee / 8);
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_mainwindow");
    TestMainWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mainwindow.moc"
