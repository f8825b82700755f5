// The mailbox list beside the inbox: mail routed by a rule to "billing" makes that mailbox appear
// live; clicking it shows only its mail, "All mail" shows all; unread counts follow reading;
// Ctrl+1…9 choose rows; the context menu's actions mark a mailbox read and delete it; .eml files
// dropped on a row land in that mailbox only, dropped on the window in the chosen one; the tray's
// line names the mailboxes with the most unread mail.
// Fed by the store's MessageSource instead, the list model shows the same.
#include "desktopwindow.h"
#include "smtptestclient.h"

#include <inboxmodel.h>
#include <mailboxlist.h>
#include <mailboxlistmodel.h>
#include <mainwindow.h>
#include <messagefiles.h>
#include <messagesource.h>
#include <translators.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

constexpr int timeout = 30000;

namespace {

// An .eml file in dir; its path.
QString emlFile(const QTemporaryDir &dir, const QByteArray &subject)
{
    const QString path = dir.filePath(QString::fromLatin1(subject) + QStringLiteral(".eml"));
    QFile file(path);
    const QByteArray bytes = "From: app@x.test\r\nTo: dev@x.test\r\nSubject: " + subject
        + "\r\nMessage-ID: <" + subject + "@x.test>\r\n\r\nimported\r\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QString();
    return path;
}

// Drops files on widget at `at` as a file manager would: a drag enters, moves there, drops.
bool dropFiles(QWidget *widget, const QPoint &at, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime.setUrls(urls);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &enter);
    if (!enter.isAccepted())
        return false;
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
    if (!move.isAccepted())
        return false;
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &drop);
    return drop.isAccepted();
}

SmtpMailbox mailbox(const QString &name, qint64 unread)
{
    SmtpMailbox m;
    m.name = name;
    m.messages = unread + 1;
    m.unread = unread;
    return m;
}

} // namespace

class TestMailboxList : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void clickingAMailboxShowsOnlyItsMail();
    void unreadCountsFollowReading();
    void ctrlNumberChoosesARow();
    void deleteAllAsksAndRemovesTheMailbox();
    void notificationNamesTheMailbox();
    void keepAtMostAppliesToEachMailbox();
    void filesDroppedOnARowLandInItsMailbox();
    void filesDroppedOnTheWindowLandInTheChosenMailbox();
    void trayLineNamesTheMailboxes();
    void trayLineIsBounded();
    void aLocalSourceFeedsTheSameList();

private:
    void send(const QByteArray &to, const QByteArray &subject) { sendEach({ { to, subject } }); }
    // Each (recipient, subject) as one message, in one session: one burst.
    void sendEach(const QList<QPair<QByteArray, QByteArray>> &messages);
    QStringList subjects() const;
    MailboxList *list() const { return m_window->findChild<MailboxList *>("mailboxList"); }
    void click(int row);

    MainWindow *m_window = nullptr;
};

void TestMailboxList::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
}

void TestMailboxList::init()
{
    QSettings().clear(); // the test-mode settings: nothing saved by an earlier test (Keep at most)
    m_window = new MainWindow(testWindowOptions());
    QVERIFY(m_window->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->server()->isListening(), timeout);
    SmtpRule billing(QStringLiteral("*@billing.test"), SmtpRule::Action::Accept);
    billing.setMailbox(QStringLiteral("billing"));
    SmtpRuleSet rules;
    rules.setRules({ billing });
    m_window->server()->setRules(rules);
    QVERIFY(list());
}

void TestMailboxList::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void TestMailboxList::sendEach(const QList<QPair<QByteArray, QByteArray>> &messages)
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_window->server()->serverPort())));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    for (const auto &[to, subject] : messages) {
        QCOMPARE(SmtpTestClient::code(client.mail("app@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.rcpt(to)), 250);
        QCOMPARE(
            SmtpTestClient::code(client.data("Subject: " + subject + "\r\n\r\nhello\r\n")), 250);
    }
    client.command("QUIT");
}

QStringList TestMailboxList::subjects() const
{
    QStringList result;
    InboxModel *model = m_window->inboxModel();
    for (int row = 0; row < model->rowCount(); ++row)
        result << model->index(row, InboxModel::SubjectColumn).data().toString();
    result.sort();
    return result;
}

void TestMailboxList::click(int row)
{
    MailboxList *view = list();
    const QRect rect = view->visualRect(view->model()->index(row, 0));
    QVERIFY(rect.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
}

void TestMailboxList::clickingAMailboxShowsOnlyItsMail()
{
    m_window->show();
    MailboxListModel *model = list()->mailboxModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model->rowCount(), 2); // All mail, Inbox
    QCOMPARE(model->index(0).data().toString(), QString("All mail"));
    QCOMPARE(model->mailboxAt(1), QString("Inbox"));

    send("a@x.test", "to the inbox");
    send("b@billing.test", "first bill");
    // The mailbox appears live, with its unread count, in bold.
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    QCOMPARE(model->mailboxAt(2), QString("billing"));
    send("c@billing.test", "second bill");
    QTRY_COMPARE_WITH_TIMEOUT(model->index(2).data().toString(), QString("billing (2)"), timeout);
    QVERIFY(model->index(2).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model->index(0).data().toString(), QString("All mail (3)"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 3, timeout);

    click(2);
    QCOMPARE(list()->currentMailbox(), QString("billing"));
    QCOMPARE(m_window->inboxModel()->mailbox(), QString("billing"));
    QTRY_COMPARE_WITH_TIMEOUT(subjects(), QStringList({ "first bill", "second bill" }), timeout);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->windowTitle().startsWith("billing"), timeout);

    // New mail of another mailbox stays out; of this one comes in.
    send("d@x.test", "another inbox mail");
    send("e@billing.test", "third bill");
    QTRY_COMPARE_WITH_TIMEOUT(
        subjects(), QStringList({ "first bill", "second bill", "third bill" }), timeout);

    click(1);
    QTRY_COMPARE_WITH_TIMEOUT(
        subjects(), QStringList({ "another inbox mail", "to the inbox" }), timeout);
    click(0);
    QCOMPARE(m_window->inboxModel()->mailbox(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 5, timeout);
}

void TestMailboxList::unreadCountsFollowReading()
{
    MailboxListModel *model = list()->mailboxModel();
    send("b@billing.test", "bill");
    send("c@billing.test", "bill 2");
    QTRY_COMPARE_WITH_TIMEOUT(
        model->index(2).data(MailboxListModel::UnreadRole).toLongLong(), qint64(2), timeout);
    list()->selectMailbox("billing");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 2, timeout);
    m_window->inboxView()->selectRow(0); // opening a message reads it
    QTRY_COMPARE_WITH_TIMEOUT(model->index(2).data().toString(), QString("billing (1)"), timeout);
    QCOMPARE(model->index(0).data().toString(), QString("All mail (1)"));

    list()->markMailboxRead("billing"); // the context menu's "Mark All Read"
    QTRY_COMPARE_WITH_TIMEOUT(model->index(2).data().toString(), QString("billing"), timeout);
    QVERIFY(!model->index(2).data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model->index(0).data().toString(), QString("All mail"));
}

// The list model fed by the store's MessageSource (as a remote window feeds it by its catcher)
// shows what the store-fed list shows, and follows mail and reading the same way.
void TestMailboxList::aLocalSourceFeedsTheSameList()
{
    LocalMessageSource source(m_window->store());
    QVERIFY(source.hasMailboxes());
    MailboxListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&source);
    MailboxListModel *byStore = list()->mailboxModel();
    const auto rows = [](const MailboxListModel *m) {
        QStringList texts;
        for (int row = 0; row < m->rowCount(); ++row)
            texts.append(m->index(row).data().toString());
        return texts;
    };
    QCOMPARE(rows(&model), (QStringList { "All mail", "Inbox" }));
    send("a@x.test", "to the inbox");
    send("b@billing.test", "bill");
    QTRY_COMPARE_WITH_TIMEOUT(
        rows(&model), (QStringList { "All mail (2)", "Inbox (1)", "billing (1)" }), timeout);
    QTRY_COMPARE_WITH_TIMEOUT(rows(byStore), rows(&model), timeout);
    source.markAllRead();
    QTRY_COMPARE_WITH_TIMEOUT(
        rows(&model), (QStringList { "All mail", "Inbox", "billing" }), timeout);
    QCOMPARE(source.mailboxes().value(1).name, QString("billing"));
    QCOMPARE(source.mailboxes().value(1).messages, 1);
}

void TestMailboxList::ctrlNumberChoosesARow()
{
    send("b@billing.test", "bill");
    QTRY_COMPARE_WITH_TIMEOUT(list()->mailboxModel()->rowCount(), 3, timeout);
    m_window->show();
    QApplication::setActiveWindow(m_window);
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    QTest::keyClick(m_window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(list()->currentMailbox(), QString("billing"));
    QCOMPARE(m_window->inboxModel()->mailbox(), QString("billing"));
    QTest::keyClick(m_window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(list()->currentMailbox(), QString("Inbox"));
    QTest::keyClick(m_window, Qt::Key_9, Qt::ControlModifier); // no ninth row: nothing changes
    QCOMPARE(list()->currentMailbox(), QString("Inbox"));
    QTest::keyClick(m_window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(list()->currentMailbox(), QString());
    QCOMPARE(m_window->inboxModel()->mailbox(), QString());
}

void TestMailboxList::deleteAllAsksAndRemovesTheMailbox()
{
    MailboxListModel *model = list()->mailboxModel();
    send("a@x.test", "stays");
    send("b@billing.test", "goes");
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    list()->selectMailbox("billing");

    // Cancelled: nothing goes.
    QTimer::singleShot(0, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        QVERIFY(box->text().contains("billing"));
        box->button(QMessageBox::Cancel)->click();
    });
    list()->removeMailbox("billing");
    QCOMPARE(m_window->store()->count("billing"), qint64(1));

    QTimer::singleShot(0, this, [] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        box->button(QMessageBox::Yes)->click();
    });
    list()->removeMailbox("billing");
    // The mailbox goes from the list, and the inbox falls back to all mail.
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);
    QCOMPARE(list()->currentMailbox(), QString());
    QCOMPARE(m_window->inboxModel()->mailbox(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(subjects(), QStringList({ "stays" }), timeout);
}

void TestMailboxList::notificationNamesTheMailbox()
{
    QSignalSpy notifications(m_window, &MainWindow::notificationShown);
    sendEach({ { "b@billing.test", "bill 1" }, { "c@billing.test", "bill 2" },
        { "d@billing.test", "bill 3" } });
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 1, timeout);
    QCOMPARE(notifications.at(0).at(0).toString(), QString("3 new messages in billing"));

    // A burst that went to two mailboxes names none; one to Inbox names none either.
    sendEach({ { "e@billing.test", "bill 4" }, { "a@x.test", "inbox mail" } });
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 2, timeout);
    QCOMPARE(notifications.at(1).at(0).toString(), QString("2 new messages"));
    sendEach({ { "a@x.test", "inbox 1" }, { "a@x.test", "inbox 2" } });
    QTRY_COMPARE_WITH_TIMEOUT(notifications.count(), 3, timeout);
    QCOMPARE(notifications.at(2).at(0).toString(), QString("2 new messages"));
}

void TestMailboxList::keepAtMostAppliesToEachMailbox()
{
    // The Storage page's "Keep at most", as --max in --no-gui: per mailbox.
    AppSettings settings = m_window->settings();
    settings.maxMessages = 2;
    QString error;
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
    QCOMPARE(m_window->store()->maxMessagesPerMailbox(), qint64(2));
    SmtpRule billing(QStringLiteral("*@billing.test"), SmtpRule::Action::Accept);
    billing.setMailbox(QStringLiteral("billing"));
    SmtpRuleSet rules;
    rules.setRules({ billing });
    m_window->server()->setRules(rules);
    QSignalSpy pruned(m_window->store(), &SmtpMessageStore::messagesPruned);
    sendEach({ { "a@x.test", "inbox" }, { "b@billing.test", "bill 1" },
        { "b@billing.test", "bill 2" }, { "b@billing.test", "bill 3" } });
    QTRY_COMPARE_WITH_TIMEOUT(pruned.count(), 1, timeout);
    QCOMPARE(m_window->store()->count("billing"), qint64(2));
    QCOMPARE(m_window->store()->count("Inbox"), qint64(1));
}

void TestMailboxList::filesDroppedOnARowLandInItsMailbox()
{
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    MailboxListModel *model = list()->mailboxModel();
    send("a@x.test", "to the inbox");
    send("b@billing.test", "a bill");
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    QCOMPARE(model->mailboxAt(2), QString("billing"));
    list()->selectRow(1); // Inbox chosen: the row under the drop decides, not the choice

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = emlFile(dir, "dropped-bill");
    QVERIFY(!path.isEmpty());
    QSignalSpy added(m_window->store(), &SmtpMessageStore::messagesAdded);
    const QRect billingRow = list()->visualRect(model->index(2));
    QVERIFY(billingRow.isValid());
    QVERIFY(dropFiles(list()->viewport(), billingRow.center(), { path }));
    QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, timeout);
    const QList<qint64> ids = added.at(0).at(0).value<QList<qint64>>();
    QCOMPARE(ids.size(), 1);
    const auto stored = m_window->store()->message(ids.first());
    QVERIFY(stored);
    QCOMPARE(stored->message().mailboxes(), QStringList { "billing" });
    QCOMPARE(m_window->store()->count("billing"), qint64(2));
    QCOMPARE(m_window->store()->count("Inbox"), qint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(model->index(2).data().toString(), QString("billing (2)"), timeout);
    QCOMPARE(list()->currentMailbox(), QString("Inbox")); // the drop chose nothing

    // Only local files are taken.
    QMimeData files;
    files.setUrls({ QUrl::fromLocalFile(path) });
    QVERIFY(model->canDropMimeData(&files, Qt::CopyAction, -1, -1, model->index(2)));
    QMimeData noFiles;
    noFiles.setText("just text");
    QVERIFY(!model->canDropMimeData(&noFiles, Qt::CopyAction, -1, -1, model->index(2)));
}

void TestMailboxList::filesDroppedOnTheWindowLandInTheChosenMailbox()
{
    MailboxListModel *model = list()->mailboxModel();
    send("b@billing.test", "a bill");
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString billPath = emlFile(dir, "bill-by-window");
    const QString allPath = emlFile(dir, "all-mail-by-window");
    QVERIFY(!billPath.isEmpty() && !allPath.isEmpty());
    const QPoint middle(m_window->width() / 2, m_window->height() / 2);

    list()->selectMailbox("billing");
    QVERIFY(dropFiles(m_window, middle, { billPath }));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->count("billing"), qint64(2), timeout);
    QCOMPARE(m_window->store()->count("Inbox"), qint64(0));

    list()->selectRow(0); // All mail: into Inbox
    QVERIFY(dropFiles(m_window, middle, { allPath }));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->count("Inbox"), qint64(1), timeout);
    QCOMPARE(m_window->store()->count("billing"), qint64(2));

    // The same through the list's import signal, as a drop below its rows sends it.
    QVERIFY(m_window->messageFiles()->importFiles({ allPath }, "billing"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->count("billing"), qint64(3), timeout);
}

void TestMailboxList::trayLineNamesTheMailboxes()
{
    MailboxListModel *model = list()->mailboxModel();
    QCOMPARE(model->unreadSummary(), QString("No unread mail"));
    send("a@x.test", "one");
    QTRY_COMPARE_WITH_TIMEOUT(model->unreadSummary(), QString("1 unread"), timeout); // Inbox only
    sendEach({ { "b@billing.test", "bill 1" }, { "c@billing.test", "bill 2" } });
    QTRY_COMPARE_WITH_TIMEOUT(
        model->unreadSummary(), QString("3 unread: billing 2, Inbox 1"), timeout);
    list()->markMailboxRead("billing");
    QTRY_COMPARE_WITH_TIMEOUT(model->unreadSummary(), QString("1 unread: Inbox 1"), timeout);
}

void TestMailboxList::trayLineIsBounded()
{
    const QList<SmtpMailbox> mailboxes { mailbox("Inbox", 1), mailbox("alpha", 0),
        mailbox("billing", 3), mailbox("crm", 1), mailbox("shop-backend", 9), mailbox("zeta", 1) };
    QCOMPARE(MailboxListModel::unreadSummary(mailboxes, 15, 3),
        QString("15 unread: shop-backend 9, billing 3, Inbox 1, …"));
    QCOMPARE(MailboxListModel::unreadSummary(mailboxes, 15, 5),
        QString("15 unread: shop-backend 9, billing 3, Inbox 1, crm 1, zeta 1"));
    QCOMPARE(MailboxListModel::unreadSummary(mailboxes.mid(0, 1), 1, 3), QString("1 unread"));
    QCOMPARE(MailboxListModel::unreadSummary(mailboxes, 0, 3), QString("No unread mail"));
    QCOMPARE(
        MailboxListModel::unreadSummary({ mailbox("Inbox", 0), mailbox("big", 12345) }, 12345, 3),
        QString("12,345 unread: big 12,345"));
}

QTEST_MAIN(TestMailboxList)
#include "tst_mailboxlist.moc"
