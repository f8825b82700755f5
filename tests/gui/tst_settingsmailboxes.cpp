// The mailbox parts of the settings dialog, against a running desktop window: a rule's mailbox
// edited on the Rules page reaches the server and the saved rules, "try an address" says where
// mail lands, an invalid name refuses Apply; a listener added on the Server page receives mail
// into its mailbox and is closed once removed; a port in use is reported like the main
// listener's. And the listeners in AppSettings: saved, loaded, and replaced by the command line.
#include "desktopwindow.h"
#include "smtptestclient.h"

#include <appsettings.h>
#include <commandline.h>
#include <mainwindow.h>
#include <settingsdialog.h>
#include <settingspage.h>
#include <translators.h>

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// Finds a widget by its objectName, failing the test when it is missing.
#define FIND(Type, var, root, name)                                                                \
    auto *var = (root)->findChild<Type *>(QStringLiteral(name));                                   \
    QVERIFY2(var, "no " #Type " named " name)

// The bound of every wait for an event: generous, for loaded CI machines.
constexpr int timeout = 30000;

namespace {

void typeInto(QLineEdit *edit, const QString &text)
{
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Backspace);
    else
        QTest::keyClicks(edit, text);
}

QPushButton *dialogButton(SettingsDialog *dialog, QDialogButtonBox::StandardButton which)
{
    auto *box = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
    return box ? box->button(which) : nullptr;
}

// One message to one recipient on a new connection; the reply to its end of data.
int sendTo(quint16 port, const QByteArray &to, const QByteArray &subject)
{
    SmtpTestClient client;
    if (!client.connectTo(port))
        return -1;
    return SmtpTestClient::code(client.sendMail("a@client.test", { to },
        "From: a@client.test\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHello.\r\n"));
}

bool isRed(const QWidget *widget, const QColor &color)
{
    return color == SettingsUi::toneColor(widget, SettingsUi::Tone::Bad);
}

} // namespace

class TestSettingsMailboxes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // The Rules page
    void ruleMailboxReachesServerAndSavedRules();
    void tryAnAddressSaysWhereItLands();
    void savedRulesWithMailboxesAreShown();
    void invalidMailboxIsRedAndRefused();

    // The Server page
    void extraListenerReceivesIntoItsMailbox();
    void extraListenerPortInUseIsReported();
    void invalidListenerRowIsRedAndRefused();

    // AppSettings
    void listenersSaveLoadRoundTrip();
    void commandLineListenersReplaceSavedOnes();

private:
    std::unique_ptr<MainWindow> startWindow();
    // A settings dialog over the window's settings whose Apply is the window's.
    std::unique_ptr<SettingsDialog> openDialog(MainWindow *window, SettingsDialog::Page page);
};

void TestSettingsMailboxes::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and data go to test locations
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
}

void TestSettingsMailboxes::init()
{
    QSettings().clear(); // each test starts from the defaults
}

void TestSettingsMailboxes::cleanup()
{
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestSettingsMailboxes::startWindow()
{
    auto window = std::make_unique<MainWindow>(testWindowOptions());
    if (!window->start())
        return {};
    return window;
}

std::unique_ptr<SettingsDialog> TestSettingsMailboxes::openDialog(
    MainWindow *window, SettingsDialog::Page page)
{
    auto dialog = std::make_unique<SettingsDialog>(
        window->settings(), [window](const AppSettings &s, QString *error) {
            return window->applyFromDialog(s, error);
        });
    dialog->setCurrentPage(page);
    dialog->show();
    if (!QTest::qWaitForWindowExposed(dialog.get()))
        qWarning("the dialog was not exposed");
    return dialog;
}

// --- The Rules page ---------------------------------------------------------------------------

void TestSettingsMailboxes::ruleMailboxReachesServerAndSavedRules()
{
    auto window = startWindow();
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->server()->isListening(), timeout);
    auto dialog = openDialog(window.get(), SettingsDialog::Page::Rules);
    FIND(QPushButton, add, dialog, "addRuleButton");
    FIND(QTableWidget, table, dialog, "rulesTable");
    FIND(QLineEdit, match, dialog, "matchEdit");
    FIND(QComboBox, action, dialog, "actionCombo");
    FIND(QLineEdit, mailbox, dialog, "mailboxEdit");

    QTest::mouseClick(add, Qt::LeftButton);
    typeInto(match, "*@billing.test");
    QVERIFY(!mailbox->isEnabled()); // a new rule rejects: no mailbox for that
    action->setCurrentIndex(action->findText("Accept"));
    QVERIFY(mailbox->isEnabled());
    typeInto(mailbox, "billing");
    QCOMPARE(table->horizontalHeaderItem(3)->text(), QString("Mailbox"));
    QCOMPARE(table->item(0, 3)->text(), QString("billing"));

    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    const QList<SmtpRule> applied = window->server()->rules().rules();
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.constFirst().mailbox(), QString("billing"));

    // Saved as the rules file of contract.md, with the mailbox.
    QSettings saved;
    const QString json = saved.value("rules/json").toString();
    QVERIFY2(json.contains("\"mailbox\": \"billing\""), qPrintable(json));
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json.toUtf8(), &rules, &error), qPrintable(error));
    QCOMPARE(rules.rules().constFirst().mailbox(), QString("billing"));

    // Mail to the rule's domain lands in that mailbox, other mail in Inbox.
    const quint16 port = window->server()->serverPort();
    QCOMPARE(sendTo(port, "b@billing.test", "invoice"), 250);
    QCOMPARE(sendTo(port, "a@x.test", "hello"), 250);
    QTRY_COMPARE_WITH_TIMEOUT(window->store()->count("billing"), 1, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(window->store()->count(SmtpMessage::defaultMailbox()), 1, timeout);

    // A dialog opened later shows the mailbox in the table and in the editor.
    dialog.reset();
    auto again = openDialog(window.get(), SettingsDialog::Page::Rules);
    FIND(QTableWidget, table2, again, "rulesTable");
    QCOMPARE(table2->item(0, 3)->text(), QString("billing"));
    table2->setCurrentCell(0, 0);
    FIND(QLineEdit, mailbox2, again, "mailboxEdit");
    QCOMPARE(mailbox2->text(), QString("billing"));
    QVERIFY(!again->isModified());
}

void TestSettingsMailboxes::tryAnAddressSaysWhereItLands()
{
    auto window = startWindow();
    QVERIFY(window);
    AppSettings settings = window->settings();
    SmtpRule billing("*@billing.test", SmtpRule::Action::Accept);
    billing.setMailbox("billing");
    SmtpRule shop("/^(.*)@shop\\.test$/", SmtpRule::Action::Rewrite);
    shop.setRewriteTo("\\1@shop.example");
    shop.setMailbox("shop");
    SmtpRule spam("*@spam.test", SmtpRule::Action::Reject);
    spam.setCode(554);
    spam.setMessage("Go away");
    SmtpRule flaky("*@flaky.test", SmtpRule::Action::Fail);
    flaky.setStage(SmtpRule::Stage::Rcpt);
    flaky.setCode(451);
    flaky.setMessage("Try later");
    SmtpRuleSet rules;
    rules.setRules({ billing, shop, spam, flaky });
    settings.server.setRules(rules);
    QString error;
    QVERIFY2(window->applyFromDialog(settings, &error), qPrintable(error));

    auto dialog = openDialog(window.get(), SettingsDialog::Page::Rules);
    FIND(QLineEdit, tryEdit, dialog, "tryAddressEdit");
    FIND(QLabel, result, dialog, "tryResultLabel");
    const auto firstLine = [result] { return result->text().section('\n', 0, 0); };

    typeInto(tryEdit, "b@billing.test");
    QCOMPARE(firstLine(), QString("Accepted into mailbox “billing”"));
    QVERIFY(!isRed(result, result->palette().color(QPalette::WindowText)));
    typeInto(tryEdit, "joe@shop.test"); // a rewrite rule names the mailbox
    QCOMPARE(firstLine(), QString("Accepted into mailbox “shop”"));
    QVERIFY2(result->text().contains("Delivered to joe@shop.example"), qPrintable(result->text()));
    typeInto(tryEdit, "a@x.test");
    QCOMPARE(firstLine(), QString("Accepted into Inbox (unless its listener names a mailbox)"));
    typeInto(tryEdit, "x@spam.test");
    QCOMPARE(firstLine(), QString("Rejected with 554 Go away"));
    QVERIFY(isRed(result, result->palette().color(QPalette::WindowText)));
    typeInto(tryEdit, "x@flaky.test");
    QCOMPARE(firstLine(), QString("Fails: 451 Try later"));

    // Several recipients: the mailboxes the message lands in, then each address.
    typeInto(tryEdit, "a@x.test, b@billing.test joe@shop.test");
    QCOMPARE(firstLine(), QString("The message lands in the mailboxes billing and shop"));
    QVERIFY2(result->text().contains("a@x.test: Accepted into Inbox"), qPrintable(result->text()));
    typeInto(tryEdit, "x@spam.test, y@flaky.test");
    QCOMPARE(firstLine(), QString("No recipient is accepted: the message is not stored"));
}

void TestSettingsMailboxes::savedRulesWithMailboxesAreShown()
{
    // A rules file with mailboxes, as the settings keep it, read when the window starts.
    QSettings().setValue("rules/json",
        QStringLiteral("{ \"rules\": [ { \"match\": \"*@billing.test\", \"action\": \"accept\", "
                       "\"mailbox\": \"billing\" }, { \"match\": \"*@old.test\", \"action\": "
                       "\"rewrite\", \"to\": \"new@shop.test\", \"mailbox\": \"shop\" } ] }"));
    auto window = startWindow();
    QVERIFY(window);
    QCOMPARE(window->server()->rules().rules().size(), 2);
    auto dialog = openDialog(window.get(), SettingsDialog::Page::Rules);
    FIND(QTableWidget, table, dialog, "rulesTable");
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 3)->text(), QString("billing"));
    QCOMPARE(table->item(1, 3)->text(), QString("shop"));
    table->setCurrentCell(1, 0);
    FIND(QLineEdit, mailbox, dialog, "mailboxEdit");
    QCOMPARE(mailbox->text(), QString("shop"));
    QVERIFY(mailbox->isEnabled());
    FIND(QLineEdit, tryEdit, dialog, "tryAddressEdit");
    FIND(QLabel, result, dialog, "tryResultLabel");
    typeInto(tryEdit, "a@old.test");
    QCOMPARE(result->text().section('\n', 0, 0), QString("Accepted into mailbox “shop”"));
    QVERIFY(!dialog->isModified());
}

void TestSettingsMailboxes::invalidMailboxIsRedAndRefused()
{
    auto window = startWindow();
    QVERIFY(window);
    const SmtpRuleSet before = window->server()->rules();
    auto dialog = openDialog(window.get(), SettingsDialog::Page::Rules);
    FIND(QPushButton, add, dialog, "addRuleButton");
    FIND(QTableWidget, table, dialog, "rulesTable");
    FIND(QLineEdit, match, dialog, "matchEdit");
    FIND(QComboBox, action, dialog, "actionCombo");
    FIND(QLineEdit, mailbox, dialog, "mailboxEdit");
    FIND(QLabel, ruleError, dialog, "ruleErrorLabel");

    QTest::mouseClick(add, Qt::LeftButton);
    typeInto(match, "*@x.test");
    action->setCurrentIndex(action->findText("Accept"));
    typeInto(mailbox, "no spaces");
    QVERIFY(isRed(mailbox, mailbox->palette().color(QPalette::Text)));
    QVERIFY(isRed(table, table->item(0, 3)->foreground().color()));
    QVERIFY(ruleError->isVisible());
    QVERIFY2(ruleError->text().contains("no spaces"), qPrintable(ruleError->text()));

    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains("no spaces"), qPrintable(dialog->errorText()));
    QVERIFY(window->server()->rules() == before);
    QVERIFY(dialog->isModified());

    // A rule that cannot take a mailbox keeps it out of the rules (the file would refuse it).
    action->setCurrentIndex(action->findText("Reject"));
    QVERIFY(!mailbox->isEnabled());
    QVERIFY(dialog->settings().server.rules().rules().constFirst().mailbox().isEmpty());
    action->setCurrentIndex(action->findText("Accept"));

    typeInto(mailbox, "x-test_1.0");
    QVERIFY(!isRed(mailbox, mailbox->palette().color(QPalette::Text)));
    QVERIFY(ruleError->isHidden());
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(window->server()->rules().rules().constFirst().mailbox(), QString("x-test_1.0"));
}

// --- The Server page --------------------------------------------------------------------------

void TestSettingsMailboxes::extraListenerReceivesIntoItsMailbox()
{
    auto window = startWindow();
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->server()->isListening(), timeout);
    QCOMPARE(window->server()->listenerCount(), 1);
    auto dialog = openDialog(window.get(), SettingsDialog::Page::Server);
    FIND(QTableWidget, table, dialog, "extraListenersTable");
    FIND(QPushButton, add, dialog, "addListenerButton");
    FIND(QPushButton, remove, dialog, "removeListenerButton");
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(!remove->isEnabled());

    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(table->rowCount(), 1);
    QVERIFY2(table->item(0, 0)->text().startsWith("127.0.0.1:"), // loopback by default
        qPrintable(table->item(0, 0)->text()));
    // The mailbox cell is being edited: type the name as a user would.
    QLineEdit *editor = nullptr;
    QTRY_VERIFY((editor = table->viewport()->findChild<QLineEdit *>()) != nullptr);
    QTest::keyClicks(editor, "shop");
    QTest::keyClick(editor, Qt::Key_Return); // the delegate commits from the event loop
    QTRY_COMPARE(table->item(0, 1)->text(), QString("shop"));
    table->item(0, 0)->setText("127.0.0.1:0"); // a port the system picks
    QVERIFY(dialog->isModified());

    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    SmtpServer *server = window->server();
    QCOMPARE(server->listenerCount(), 2);
    QVERIFY(server->isListenerOpen(1));
    const quint16 shopPort = server->listenerPort(1);
    QVERIFY(shopPort != 0);
    QCOMPARE(server->configuration().listeners().at(1).mailbox(), QString("shop"));
    // The window's listen status names each listener with its mailbox.
    FIND(QLabel, listenLabel, window, "listenLabel");
    const QString shopLine = QStringLiteral("SMTP 127.0.0.1:%1 → shop").arg(shopPort);
    QVERIFY2(listenLabel->toolTip().contains(shopLine), qPrintable(listenLabel->toolTip()));
    QVERIFY2(listenLabel->toolTip().contains(
                 QStringLiteral("SMTP 127.0.0.1:%1 → Inbox").arg(server->serverPort())),
        qPrintable(listenLabel->toolTip()));

    // Mail on that port lands in "shop"; mail on the main port still in Inbox.
    QCOMPARE(sendTo(shopPort, "a@x.test", "order"), 250);
    QCOMPARE(sendTo(server->serverPort(), "a@x.test", "other"), 250);
    QTRY_COMPARE_WITH_TIMEOUT(window->store()->count("shop"), 1, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(window->store()->count(SmtpMessage::defaultMailbox()), 1, timeout);

    // Saved with the window's settings, and loaded back.
    QSettings saved;
    const QList<SmtpListenerConfig> loaded = AppSettings::load(saved).server.listeners();
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded.at(1).mailbox(), QString("shop"));
    QCOMPARE(loaded.at(1).port(), 0);

    // Removed and applied: that port is closed (a connection is refused), the main one stays.
    table->selectRow(0);
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(table->rowCount(), 0);
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(server->listenerCount(), 1);
    QVERIFY2(!listenLabel->toolTip().contains(shopLine), qPrintable(listenLabel->toolTip()));
    SmtpTestClient refused;
    QVERIFY(!refused.connectTo(shopPort));
    SmtpTestClient stillThere;
    QVERIFY(stillThere.connectTo(server->serverPort()));
    QCOMPARE(SmtpTestClient::code(stillThere.greeting()), 220);
    QCOMPARE(AppSettings::load(saved).server.listeners().size(), 1);
}

void TestSettingsMailboxes::extraListenerPortInUseIsReported()
{
    auto window = startWindow();
    QVERIFY(window);
    QTRY_VERIFY_WITH_TIMEOUT(window->server()->isListening(), timeout);
    const quint16 mainPort = window->server()->serverPort();
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));

    auto dialog = openDialog(window.get(), SettingsDialog::Page::Server);
    FIND(QTableWidget, table, dialog, "extraListenersTable");
    FIND(QPushButton, add, dialog, "addListenerButton");
    QTest::mouseClick(add, Qt::LeftButton);
    table->item(0, 0)->setText(QStringLiteral("127.0.0.1:%1").arg(blocker.serverPort()));
    table->item(0, 1)->setText("shop");

    // As for the main listener: the error in the dialog, which stays open with the edit.
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->errorText().contains(QString::number(blocker.serverPort())),
        qPrintable(dialog->errorText()));
    FIND(QLabel, errorLabel, dialog, "errorLabel");
    QVERIFY(errorLabel->isVisible());
    QVERIFY(dialog->isModified());
    QCOMPARE(table->rowCount(), 1);
    // The server goes on as it was.
    QCOMPARE(window->server()->listenerCount(), 1);
    QCOMPARE(window->server()->serverPort(), mainPort);
    SmtpTestClient client;
    QVERIFY(client.connectTo(mainPort));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
}

void TestSettingsMailboxes::invalidListenerRowIsRedAndRefused()
{
    auto window = startWindow();
    QVERIFY(window);
    auto dialog = openDialog(window.get(), SettingsDialog::Page::Server);
    FIND(QTableWidget, table, dialog, "extraListenersTable");
    FIND(QPushButton, add, dialog, "addListenerButton");
    FIND(QLabel, status, dialog, "extraListenersStatusLabel");
    QVERIFY(status->isHidden());
    QTest::mouseClick(add, Qt::LeftButton);
    QVERIFY(status->isHidden()); // the new row is a listener the server can take

    table->item(0, 0)->setText("somewhere");
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains("not ADDR:PORT"), qPrintable(status->text()));
    QVERIFY(isRed(table, table->item(0, 0)->foreground().color()));
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains("Listener 1"), qPrintable(dialog->errorText()));
    QCOMPARE(window->server()->listenerCount(), 1);

    table->item(0, 0)->setText("127.0.0.1:0");
    table->item(0, 1)->setText("bad/name");
    QVERIFY2(status->text().contains("bad/name"), qPrintable(status->text()));
    QVERIFY(isRed(table, table->item(0, 1)->foreground().color()));
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains("bad/name"), qPrintable(dialog->errorText()));
    QCOMPARE(window->server()->listenerCount(), 1);

    // The main listener's mailbox is checked the same way.
    table->item(0, 1)->setText("shop");
    QVERIFY(status->isHidden());
    FIND(QLineEdit, mainMailbox, dialog, "smtpMailboxEdit");
    typeInto(mainMailbox, "bad name");
    QVERIFY(isRed(mainMailbox, mainMailbox->palette().color(QPalette::Text)));
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains("bad name"), qPrintable(dialog->errorText()));
    typeInto(mainMailbox, "main");
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(window->server()->listenerCount(), 2);
    QCOMPARE(window->server()->configuration().listeners().at(0).mailbox(), QString("main"));
}

// --- AppSettings ------------------------------------------------------------------------------

void TestSettingsMailboxes::listenersSaveLoadRoundTrip()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath("settings.ini"), QSettings::IniFormat);
    AppSettings original;
    SmtpListenerConfig plain("127.0.0.1", 2525);
    plain.setMailbox("main");
    SmtpListenerConfig tls("127.0.0.1", 2465, true);
    SmtpListenerConfig shop("::1", 2526);
    shop.setMailbox("shop");
    SmtpListenerConfig secure("127.0.0.1", 2466, true);
    secure.setMailbox("secure");
    original.server.setListeners({ plain, tls, shop, secure });
    original.save(settings);
    settings.sync();
    QCOMPARE(AppSettings::load(settings).server.listeners(), original.server.listeners());
    QCOMPARE(
        AppSettings::extraListeners(original.server), (QList<SmtpListenerConfig> { shop, secure }));

    // Fewer listeners leave none of the old ones behind; a bad hand-edited entry is skipped.
    original.server.setListeners({ plain });
    original.save(settings);
    settings.sync();
    QCOMPARE(AppSettings::load(settings).server.listeners(), original.server.listeners());
    settings.beginWriteArray("server/listeners", 2);
    settings.setArrayIndex(0);
    settings.setValue("address", "127.0.0.1");
    settings.setValue("port", 2600);
    settings.setValue("mailbox", "not a name");
    settings.setArrayIndex(1);
    settings.setValue("address", "127.0.0.1");
    settings.setValue("port", 2601);
    settings.setValue("mailbox", "ok");
    settings.endArray();
    const QList<SmtpListenerConfig> loaded = AppSettings::load(settings).server.listeners();
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded.at(1).port(), 2601);
    QCOMPARE(loaded.at(1).mailbox(), QString("ok"));
}

void TestSettingsMailboxes::commandLineListenersReplaceSavedOnes()
{
    AppSettings saved;
    SmtpListenerConfig savedShop("127.0.0.1", 3026);
    savedShop.setMailbox("saved-shop");
    saved.server.setListeners({ SmtpListenerConfig("127.0.0.1", 3025),
        SmtpListenerConfig("127.0.0.1", 3465, true), savedShop });

    // Every --smtp replaces the saved SMTP listeners; the SMTPS one stays.
    CommandLineResult parsed = parseCommandLine(
        { "smtp-receiver", "--smtp", "127.0.0.1:4025", "--smtp", "127.0.0.1:4026=shop" });
    QCOMPARE(parsed.action, CommandLineResult::Action::Run);
    QList<SmtpListenerConfig> listeners
        = AppSettings::fromOptions(saved, parsed.options).server.listeners();
    QCOMPARE(listeners.size(), 3);
    QCOMPARE(listeners.at(0), SmtpListenerConfig("127.0.0.1", 4025));
    QCOMPARE(listeners.at(1), SmtpListenerConfig("127.0.0.1", 3465, true));
    QCOMPARE(listeners.at(2).port(), 4026);
    QCOMPARE(listeners.at(2).mailbox(), QString("shop"));

    // Nothing given: the saved ones, as they were.
    parsed = parseCommandLine({ "smtp-receiver" });
    QCOMPARE(AppSettings::fromOptions(saved, parsed.options).server.listeners(),
        saved.server.listeners());
}

QTEST_MAIN(TestSettingsMailboxes)
#include "tst_settingsmailboxes.moc"
