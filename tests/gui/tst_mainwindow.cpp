// The main window end to end: a real server on port 0 and a real store, mail sent over a socket
// appears as a row, selecting it shows it and marks it read, a burst of mail gives one
// notification, Delete removes, the search field filters.
#include "desktopwindow.h"
#include "modaldialogs.h"
#include "smtptestclient.h"

#include <appoptions.h>
#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageattachments.h>
#include <messageview.h>
#include <translators.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QTranslator>

// The bound of every wait for an event: generous, for loaded CI machines.
constexpr int timeout = 30000;

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
    void saveAsWritesTheStoredBytes();
    void searchFilters();
    void changingDatabaseReopensStore();
    void trayBadgeShowsUnreadCount();
    void toolbarIconsFollowThePalette();
    void statusBarCountsReadAsEnglish();
    void userLanguageWinsOverEnglishPlurals();

private:
    quint16 port() const { return quint16(m_window->server()->serverPort()); }
    void send(const QByteArray &subject, int count = 1);
    MainWindow *m_window = nullptr;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and data go to test locations
    // The window in English, with the translators the application installs.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
}

void TestMainWindow::init()
{
    m_window = new MainWindow(testWindowOptions());
    QVERIFY(m_window->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->server()->isListening(), timeout);
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
    QCOMPARE(m_window->server()->spoolDirectory(), QDir::tempPath()); // a store in memory
    QCOMPARE(m_window->server()->serverAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(port() != 0);
}

void TestMainWindow::mailAppearsAndOpens()
{
    InboxModel *model = m_window->inboxModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    send("Hello from the test");
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, timeout);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(),
        QString("Hello from the test"));
    QVERIFY(!model->index(0, 0).data(InboxModel::ReadRole).toBool());

    QSignalSpy loaded(m_window->messageView(), &MessageView::messageLoaded);
    m_window->inboxView()->selectRow(0);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeout);
    QCOMPARE(loaded.at(0).at(0).toLongLong(), model->idAt(0));
    QCOMPARE(m_window->messageView()->messageId(), model->idAt(0));
    // Opened means read.
    QTRY_VERIFY_WITH_TIMEOUT(model->index(0, 0).data(InboxModel::ReadRole).toBool(), timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->unreadCount(), 0, timeout);
}

void TestMainWindow::burstGivesOneNotification()
{
    QSignalSpy notifications(m_window, &MainWindow::notificationShown);
    QSignalSpy received(m_window->server(), &SmtpServer::message);
    send("Burst", 60);
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 60, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 1, timeout);
    QVERIFY(notifications.at(0).at(0).toString().contains("60"));
    // All 60 are in that one, and nothing is left for another (not one more per message).
    QCOMPARE(m_window->unnotifiedCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 60, timeout);
    QCOMPARE(notifications.count(), 1);
}

void TestMainWindow::largeBurstCountsEveryMessage()
{
    // Regression: the pending notification kept at most 100 messages and said "100 new messages"
    // for any larger burst.
    QSignalSpy notifications(m_window, &MainWindow::notificationShown);
    send("Big burst", 150);
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 1, timeout);
    QVERIFY2(notifications.at(0).at(0).toString().contains("150"),
        qPrintable(notifications.at(0).at(0).toString()));
    QVERIFY(notifications.at(0).at(1).toString().contains("Big burst 149"));
}

void TestMainWindow::deleteKeyRemoves()
{
    send("One");
    send("Two");
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_window->inboxView()->setFocus();
    m_window->inboxView()->selectRow(0);
    QTest::keyClick(m_window->inboxView(), Qt::Key_Delete);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, timeout);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(), QString("One"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->count(), 1, timeout);
}

// Save as (Ctrl+S) offers the name a drag out of the inbox gives the message, and writes its
// stored bytes.
void TestMainWindow::saveAsWritesTheStoredBytes()
{
    const QString subject = QStringLiteral("Q3/Q4: \"final\" report?");
    send(subject.toUtf8());
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, timeout);
    const qint64 id = model->idAt(0);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_window->inboxView()->selectRow(0);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("saved.eml"));
    const QString suggested = saveAsThroughDialog(m_window, path);
    QCOMPARE(suggested, MessageAttachments::messageFileName(subject, id));
    QCOMPARE(suggested, QString("Q3_Q4_ _final_ report_.eml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = m_window->store()->rawData(id);
    QVERIFY(stored.contains(subject.toUtf8()));
    QCOMPARE(file.readAll(), stored);
}

void TestMainWindow::searchFilters()
{
    send("Invoice 42");
    send("Newsletter");
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);
    QTest::keyClicks(m_window->searchField(), "invoice");
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, timeout);
    QCOMPARE(model->index(0, InboxModel::SubjectColumn).data().toString(), QString("Invoice 42"));
    m_window->searchField()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);
}

void TestMainWindow::changingDatabaseReopensStore()
{
    send("In memory");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 1, timeout);
    QTemporaryDir dir;
    AppSettings settings = m_window->settings();
    settings.databasePath = dir.filePath("other.sqlite");
    QString error;
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
    QCOMPARE(m_window->store()->path(), dir.filePath("other.sqlite"));
    // Big messages are spooled beside the new store, on its disk.
    QCOMPARE(m_window->server()->spoolDirectory(), QFileInfo(dir.path()).absoluteFilePath());
    // A new, empty store.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 0, timeout);
    send("On disk");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 1, timeout);
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
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 1, timeout);
    send("Still stored");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->count(), 2, timeout);
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

void TestMainWindow::statusBarCountsReadAsEnglish()
{
    const auto *count = m_window->findChild<QLabel *>("messageCountLabel");
    const auto *connections = m_window->findChild<QLabel *>("connectionsLabel");
    QVERIFY(count && connections);
    QTRY_COMPARE_WITH_TIMEOUT(count->text(), QString("0 messages, 0 unread"), timeout);
    QTRY_COMPARE_WITH_TIMEOUT(connections->text(), QString("0 connections"), timeout);

    SmtpTestClient open; // one connection, held while the count is read
    QVERIFY(open.connectTo(port()));
    QCOMPARE(SmtpTestClient::code(open.greeting()), 220);
    QTRY_COMPARE_WITH_TIMEOUT(connections->text(), QString("1 connection"), timeout);

    send("One");
    QTRY_COMPARE_WITH_TIMEOUT(count->text(), QString("1 message, 1 unread"), timeout);
    send("More", 3);
    QTRY_COMPARE_WITH_TIMEOUT(count->text(), QString("4 messages, 4 unread"), timeout);
    open.command("QUIT");
    QTRY_COMPARE_WITH_TIMEOUT(connections->text(), QString("0 connections"), timeout);
}

void TestMainWindow::userLanguageWinsOverEnglishPlurals()
{
    QCOMPARE(MainWindow::tr("%n message(s)", nullptr, 1), QString("1 message"));
    QCOMPARE(MainWindow::tr("%n message(s)", nullptr, 4), QString("4 messages"));

    // A German user gets German, though the English plural forms are installed too.
    const QList<QTranslator *> before = qApp->findChildren<QTranslator *>();
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    installTranslators(qApp);
    const QString german = MainWindow::tr("%n message(s)", nullptr, 4);
    for (QTranslator *translator : qApp->findChildren<QTranslator *>()) {
        if (!before.contains(translator)) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(german, QString("4 Nachrichten"));
    QCOMPARE(MainWindow::tr("%n message(s)", nullptr, 4), QString("4 messages"));
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
