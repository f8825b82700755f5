// The settings dialog, driven through its widgets against a real SmtpServer on 127.0.0.1:0,
// and AppSettings (QSettings round trip, command-line precedence, applyTo).
#include <appsettings.h>
#include <commandline.h>
#include <settingsdialog.h>
#include <settingspage.h>
#include <smtpserver.h>

#include "modaldialogs.h"
#include "smtptestclient.h"
#include "testcertificate.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

// Finds a widget of the dialog by its objectName, failing the test when it is missing.
#define FIND(Type, var, root, name)                                                                \
    auto *var = (root)->findChild<Type *>(QStringLiteral(name));                                   \
    QVERIFY2(var, "no " #Type " named " name)

namespace {

// A check box or radio button reacts to clicks on its indicator and text, not on the empty
// rest of its row: click where a user would.
void clickIndicator(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(6, button->height() / 2));
}

void typeInto(QWidget *widget, const QString &text)
{
    if (auto *edit = qobject_cast<QLineEdit *>(widget))
        edit->selectAll();
    else if (auto *spin = qobject_cast<QAbstractSpinBox *>(widget))
        spin->selectAll();
    QTest::keyClicks(widget, text);
}

SmtpRuleSet contractRules()
{
    SmtpRuleSet rules;
    SmtpRule rewrite(QStringLiteral("/^([^+@]+)\\+[^@]*(@.*)$/"), SmtpRule::Action::Rewrite);
    rewrite.setRewriteTo(QStringLiteral("\\1\\2"));
    SmtpRule reject(QStringLiteral("*@example.com"), SmtpRule::Action::Reject);
    reject.setCode(553);
    reject.setMessage(QStringLiteral("Mailbox name invalid"));
    rules.setRules({ rewrite,
        SmtpRule(QStringLiteral("alice@example.com"), SmtpRule::Action::Accept), reject });
    return rules;
}

// Every field away from its default.
AppSettings unusualSettings()
{
    AppSettings s;
    SmtpServerConfig &c = s.server;
    c.setListeners({ SmtpListenerConfig(QStringLiteral("::1"), 2525),
        SmtpListenerConfig(QStringLiteral("127.0.0.2"), 2465, true) });
    c.setHostname(QStringLiteral("mx.test"));
    c.setTlsCertificateFile(QStringLiteral("/etc/certs/cert.pem"));
    c.setTlsKeyFile(QStringLiteral("/etc/certs/key.pem"));
    c.setRequireTls(true);
    c.setAuthMode(SmtpServer::AuthMode::Credentials);
    c.setCredentials({ { QStringLiteral("alice"), QStringLiteral("pa:ss=word") },
        { QStringLiteral("bob/x@y"), QStringLiteral("") } });
    c.setMaxMessageSize(5'000'000'000);
    c.setIdleTimeout(42);
    c.setMaxConnections(7);
    SmtpRuleSet rules = contractRules();
    rules.setDefaultAccept(false);
    c.setRules(rules);
    s.http.enabled = true;
    s.http.address = QStringLiteral("[::1]:9025");
    s.http.user = QStringLiteral("ci");
    s.http.password = QStringLiteral("pw");
    s.http.corsOrigin = QStringLiteral("http://localhost:3000");
    s.relay.host = QStringLiteral("smtp.example.test");
    s.relay.port = 2525;
    s.relay.tlsMode = SmtpClient::TlsMode::Implicit;
    s.relay.user = QStringLiteral("relay");
    s.relay.password = QStringLiteral("relay pw");
    s.relay.allowedPattern = QStringLiteral(".*@example\\.test");
    s.relay.acceptSelfSigned = true;
    s.relay.testRecipient = QStringLiteral("me@example.test");
    s.databasePath = QStringLiteral("/tmp/x/messages.sqlite");
    s.maxMessages = 12345;
    s.notify = false;
    s.minimizeToTray = true;
    s.startMinimized = true;
    return s;
}

// The form's SMTP listener, and its SMTPS listener (added when there is none).
void setPlain(AppSettings *s, const QString &address, int port)
{
    QList<SmtpListenerConfig> listeners = s->server.listeners();
    listeners[0] = SmtpListenerConfig(address, port);
    s->server.setListeners(listeners);
}

void setSmtps(AppSettings *s, const QString &address, int port)
{
    QList<SmtpListenerConfig> listeners = s->server.listeners();
    listeners.resize(1);
    listeners.append(SmtpListenerConfig(address, port, true));
    s->server.setListeners(listeners);
}

QString writePem(const QTemporaryDir &dir, const char *name, const char *pem)
{
    const QString path = dir.filePath(QLatin1String(name));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(pem);
    return path;
}

} // namespace

using Change = std::function<void(AppSettings *)>;
Q_DECLARE_METATYPE(Change)

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // AppSettings
    void saveLoadRoundTrip();
    void loadIgnoresBadValues();
    void fromOptions_data();
    void fromOptions();
    void fromOptionsKeepsSavedRulesWhenFileIsBad();
    void fromOptionsHttpFlags();
    void applyToListensAgainOnlyWhenAddressChanges();

    // The dialog
    void rejectRuleTakesEffectOnServer();
    void invalidRegexIsShownAndRefused();
    void fixedRewriteToNoMailboxIsShownAndRefused();
    void portInUseShowsErrorAndKeepsListener();
    void applyEnabledOnlyWhenModified();
    void resetAndRestoreDefaults();
    void pagesResetApplyDefaults();
    void tryAnAddressShowsDecidingRule();
    void importExportRoundTrip();
    void moveAndRemoveRules();
    void certificateValidationInline();
    void credentialsTable();
    void deleteAllAsksFirst();

private:
    // A dialog over m_server's current settings, shown, with an apply function that counts.
    std::unique_ptr<SettingsDialog> openDialog(const AppSettings &settings);
    QPushButton *button(SettingsDialog *dialog, QDialogButtonBox::StandardButton which);

    std::unique_ptr<SmtpServer> m_server;
    AppSettings m_current;
    int m_applyCalls = 0;
};

void TestSettingsDialog::init()
{
    m_server = std::make_unique<SmtpServer>();
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_current = AppSettings();
    setPlain(&m_current, QStringLiteral("127.0.0.1"), m_server->serverPort());
    QString error;
    QVERIFY2(m_current.applyTo(m_server.get(), &error), qPrintable(error));
    m_applyCalls = 0;
}

void TestSettingsDialog::cleanup()
{
    m_server.reset();
}

std::unique_ptr<SettingsDialog> TestSettingsDialog::openDialog(const AppSettings &settings)
{
    auto dialog
        = std::make_unique<SettingsDialog>(settings, [this](const AppSettings &s, QString *error) {
              ++m_applyCalls;
              return s.applyTo(m_server.get(), error);
          });
    dialog->show();
    if (!QTest::qWaitForWindowExposed(dialog.get()))
        qWarning("the dialog was not exposed");
    return dialog;
}

QPushButton *TestSettingsDialog::button(
    SettingsDialog *dialog, QDialogButtonBox::StandardButton which)
{
    auto *box = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
    return box ? box->button(which) : nullptr;
}

// --- AppSettings ----------------------------------------------------------------------------

void TestSettingsDialog::saveLoadRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("settings.ini"));
    const AppSettings original = unusualSettings();
    QVERIFY(original != AppSettings::defaults());
    {
        QSettings settings(file, QSettings::IniFormat);
        original.save(settings);
    }
    QSettings settings(file, QSettings::IniFormat);
    QVERIFY(settings.childGroups().contains(QStringLiteral("server")));
    QVERIFY(settings.childGroups().contains(QStringLiteral("rules")));
    QVERIFY(settings.childGroups().contains(QStringLiteral("storage")));
    QVERIFY(settings.childGroups().contains(QStringLiteral("notifications")));
    // The rules are the JSON of contract.md.
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(
                 settings.value(QStringLiteral("rules/json")).toString().toUtf8(), &rules, &error),
        qPrintable(error));
    QCOMPARE(rules, original.server.rules());

    const AppSettings loaded = AppSettings::load(settings);
    QCOMPARE(loaded.server.listeners(), original.server.listeners());
    QCOMPARE(loaded.server.credentials(), original.server.credentials());
    QCOMPARE(loaded.server.maxMessageSize(), original.server.maxMessageSize());
    // All but the relay's password: CredentialStore keeps that, not the settings file.
    QVERIFY(!original.relay.password.isEmpty());
    QVERIFY(loaded.relay.password.isEmpty());
    QVERIFY(!settings.allKeys().contains(QStringLiteral("relay/password")));
    AppSettings withoutPassword = original;
    withoutPassword.relay.password.clear();
    QVERIFY(loaded == withoutPassword);

    // Saving fewer credentials leaves none of the old ones behind.
    AppSettings fewer = original;
    fewer.server.setCredentials({ { QStringLiteral("carol"), QStringLiteral("c") } });
    fewer.save(settings);
    settings.sync();
    QCOMPARE(AppSettings::load(settings).server.credentials(), fewer.server.credentials());

    // An empty file gives the defaults.
    QSettings empty(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    QVERIFY(AppSettings::load(empty) == AppSettings::defaults());
}

void TestSettingsDialog::loadIgnoresBadValues()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("bad.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("server/smtpPort"), QStringLiteral("seventy"));
    settings.setValue(QStringLiteral("server/smtpsEnabled"), true);
    settings.setValue(QStringLiteral("server/smtpsPort"), 70000);
    settings.setValue(QStringLiteral("server/idleTimeout"), -5);
    settings.setValue(QStringLiteral("server/auth"), QStringLiteral("sometimes"));
    settings.setValue(QStringLiteral("rules/json"), QStringLiteral("{\"rules\": 3}"));
    settings.setValue(QStringLiteral("server/maxConnections"), 9);
    const AppSettings loaded = AppSettings::load(settings);
    const AppSettings defaults;
    QCOMPARE(loaded.server.listeners().size(), 2);
    QCOMPARE(loaded.server.listeners().at(0).port(), SmtpListenerConfig::DefaultPort);
    QCOMPARE(loaded.server.listeners().at(1).port(), SmtpListenerConfig::DefaultImplicitTlsPort);
    QCOMPARE(loaded.server.idleTimeout(), defaults.server.idleTimeout());
    QCOMPARE(loaded.server.authMode(), defaults.server.authMode());
    QVERIFY(loaded.server.rules() == defaults.server.rules());
    QCOMPARE(loaded.server.maxConnections(), 9); // the good value next to them is kept
}

void TestSettingsDialog::fromOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Change>("expect"); // applied to the saved ones

    QTest::newRow("nothing given: saved values win over the option defaults")
        << QStringList() << Change([](AppSettings *) {});
    QTest::newRow("--smtp") << QStringList { "--smtp", "0.0.0.0:2626" }
                            << Change([](AppSettings *s) { setPlain(s, "0.0.0.0", 2626); });
    QTest::newRow("--hostname --max")
        << QStringList { "--hostname", "cli.test", "--max", "0" } << Change([](AppSettings *s) {
               s->server.setHostname("cli.test");
               s->maxMessages = 0;
           });
    QTest::newRow("limits") << QStringList { "--max-message-size", "1000", "--idle-timeout", "9",
        "--max-connections", "3" }
                            << Change([](AppSettings *s) {
                                   s->server.setMaxMessageSize(1000);
                                   s->server.setIdleTimeout(9);
                                   s->server.setMaxConnections(3);
                               });
    QTest::newRow("--auth") << QStringList { "--auth", "u:p" } << Change([](AppSettings *s) {
        s->server.setAuthMode(SmtpServer::AuthMode::Credentials);
        s->server.setCredentials({ { "u", "p" } });
    });
    QTest::newRow("--auth-accept-any")
        << QStringList { "--auth-accept-any" }
        << Change([](AppSettings *s) { s->server.setAuthMode(SmtpServer::AuthMode::AcceptAny); });
    QTest::newRow("--database") << QStringList { "--database", ":memory:" }
                                << Change([](AppSettings *s) { s->databasePath = ":memory:"; });
    QTest::newRow("tls and smtps") << QStringList { "--tls-cert", "@cert", "--tls-key", "@key",
        "--require-tls", "--smtps", "127.0.0.1:4650" }
                                   << Change([](AppSettings *s) {
                                          s->server.setTlsCertificateFile("@cert");
                                          s->server.setTlsKeyFile("@key");
                                          s->server.setRequireTls(true);
                                          setSmtps(s, "127.0.0.1", 4650);
                                      });
}

void TestSettingsDialog::fromOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(Change, expect);

    AppSettings saved;
    setPlain(&saved, "127.0.0.1", 3025);
    saved.server.setHostname("saved.test");
    saved.server.setIdleTimeout(77); // the option default is 300: must not win when not given
    saved.server.setMaxConnections(11);
    saved.server.setMaxMessageSize(2048);
    saved.maxMessages = 500;
    saved.databasePath = "/saved/db.sqlite";
    saved.server.setAuthMode(SmtpServer::AuthMode::Off);
    saved.server.setRules(contractRules());

    // "@cert" and "@key" stand for readable PEM files: the command line checks them.
    QTemporaryDir dir;
    const QString cert = writePem(dir, "cert.pem", testCertificatePem);
    const QString key = writePem(dir, "key.pem", testKeyPem);
    for (QString &argument : arguments)
        argument = argument == "@cert" ? cert : argument == "@key" ? key : argument;
    const CommandLineResult parsed = parseCommandLine(QStringList { "smtp-receiver" } + arguments);
    QCOMPARE(parsed.action, CommandLineResult::Action::Run);
    AppSettings expected = saved;
    expect(&expected);
    if (expected.server.tlsCertificateFile() == "@cert") {
        expected.server.setTlsCertificateFile(cert);
        expected.server.setTlsKeyFile(key);
    }
    const AppSettings result = AppSettings::fromOptions(saved, parsed.options);
    QCOMPARE(result.server.listeners(), expected.server.listeners());
    QCOMPARE(result.server.idleTimeout(), expected.server.idleTimeout());
    QCOMPARE(result.server, expected.server);
    QVERIFY(result == expected);
}

void TestSettingsDialog::fromOptionsHttpFlags()
{
    // The window takes the headless runner's --http flags over its saved API settings.
    AppSettings saved;
    saved.http.enabled = false;
    saved.http.address = QStringLiteral("127.0.0.1:8025");
    saved.http.corsOrigin = QStringLiteral("http://saved.example");
    const auto none = parseCommandLine({ "smtp-receiver" });
    QVERIFY(AppSettings::fromOptions(saved, none.options).http == saved.http);

    const auto parsed = parseCommandLine(
        { "smtp-receiver", "--http", "127.0.0.1:0", "--http-auth", "zed:two", "--http-auth",
            "amy:one", "--http-allowed-host", "mail.test", "--http-cors", "http://app.test:3000" });
    QCOMPARE(parsed.action, CommandLineResult::Action::Run);
    const HttpApiSettings http = AppSettings::fromOptions(saved, parsed.options).http;
    QVERIFY(http.enabled);
    QCOMPARE(http.address, QStringLiteral("127.0.0.1:0"));
    QCOMPARE(http.user, QStringLiteral("amy")); // the form holds one user: the first by name
    QCOMPARE(http.password, QStringLiteral("one"));
    QCOMPARE(http.allowedHosts, QStringList { QStringLiteral("mail.test") });
    QCOMPARE(http.corsOrigin, QStringLiteral("http://app.test:3000"));
}

void TestSettingsDialog::fromOptionsKeepsSavedRulesWhenFileIsBad()
{
    QTemporaryDir dir;
    AppSettings saved;
    saved.server.setRules(contractRules());

    SmtpRuleSet fileRules;
    fileRules.setDefaultAccept(false);
    const QString good = dir.filePath("good.json");
    QVERIFY(fileRules.save(good, nullptr));
    auto parsed = parseCommandLine({ "smtp-receiver", "--rules", good });
    QVERIFY(AppSettings::fromOptions(saved, parsed.options).server.rules() == fileRules);

    const QString bad = dir.filePath("bad.json");
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{ \"rules\": [ { \"match\": \"/[a-/\", \"action\": \"reject\" } ] }");
    file.close();
    // The command line refuses such a file (exit 2); were it given anyway, the saved rules stay.
    parsed = parseCommandLine({ "smtp-receiver", "--rules", bad });
    QCOMPARE(parsed.action, CommandLineResult::Action::Error);
    AppOptions options;
    options.given = QStringList { "rules" };
    options.server.setRulesFile(bad);
    QVERIFY(AppSettings::fromOptions(saved, options).server.rules() == saved.server.rules());
    options.server.setRulesFile(dir.filePath("missing.json"));
    QVERIFY(AppSettings::fromOptions(saved, options).server.rules() == saved.server.rules());
}

void TestSettingsDialog::applyToListensAgainOnlyWhenAddressChanges()
{
    const int port = m_server->serverPort();
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(port)));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);

    // Same address and port: the listener is left alone (a spy sees no re-listen).
    QSignalSpy listening(m_server.get(), &SmtpServer::listeningChanged);
    AppSettings s = m_current;
    s.server.setIdleTimeout(12);
    s.server.setHostname("applied.test");
    QString error;
    QVERIFY2(s.applyTo(m_server.get(), &error), qPrintable(error));
    QCOMPARE(listening.count(), 0);
    QCOMPARE(m_server->serverPort(), port);
    QCOMPARE(m_server->idleTimeout(), 12);
    QCOMPARE(m_server->hostname(), QString("applied.test"));
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);

    // Port 0 ("any free port") while listening on that address: also left alone.
    setPlain(&s, "127.0.0.1", 0);
    QVERIFY(s.applyTo(m_server.get(), &error));
    QCOMPARE(listening.count(), 0);
    QCOMPARE(m_server->serverPort(), port);

    // A port in use: false, an error naming it, and the old listener still there.
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    setPlain(&s, "127.0.0.1", blocker.serverPort());
    QVERIFY(!s.applyTo(m_server.get(), &error));
    QVERIFY2(error.contains(QString::number(blocker.serverPort())), qPrintable(error));
    QCOMPARE(m_server->serverPort(), port);
    SmtpTestClient again;
    QVERIFY(again.connectTo(quint16(port)));
    QCOMPARE(SmtpTestClient::code(again.greeting()), 220);

    // SMTPS without a certificate is refused before anything changes.
    setPlain(&s, "127.0.0.1", port);
    setSmtps(&s, "127.0.0.1", 0);
    QVERIFY(!s.applyTo(m_server.get(), &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(m_server->tlsServerPort(), 0);
}

// --- The dialog -----------------------------------------------------------------------------

void TestSettingsDialog::rejectRuleTakesEffectOnServer()
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_server->serverPort())));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    QCOMPARE(SmtpTestClient::code(client.mail("sender@client.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("x@blocked.test")), 250); // before the rule

    auto dialog = openDialog(m_current);
    QSignalSpy applied(dialog.get(), &SettingsDialog::applied);
    // To the Rules page through the page list.
    FIND(QListWidget, pages, dialog, "pageList");
    const QRect rulesItem = pages->visualItemRect(pages->item(int(SettingsDialog::Page::Rules)));
    QTest::mouseClick(pages->viewport(), Qt::LeftButton, {}, rulesItem.center());
    FIND(QPushButton, add, dialog, "addRuleButton");
    QTRY_VERIFY(add->isVisible());

    QTest::mouseClick(add, Qt::LeftButton);
    FIND(QTableWidget, table, dialog, "rulesTable");
    QCOMPARE(table->rowCount(), 1);
    FIND(QLineEdit, match, dialog, "matchEdit");
    typeInto(match, "*@blocked.test");
    FIND(QComboBox, action, dialog, "actionCombo");
    action->setCurrentIndex(action->findText("Reject"));
    FIND(QSpinBox, code, dialog, "codeSpin");
    QVERIFY(code->isEnabled());
    typeInto(code, "553");
    QCOMPARE(code->value(), 553);
    QCOMPARE(table->item(0, 0)->text(), QString("*@blocked.test"));

    QPushButton *apply = button(dialog.get(), QDialogButtonBox::Apply);
    QVERIFY(apply && apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(m_applyCalls, 1);
    QCOMPARE(applied.count(), 1);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QVERIFY(!apply->isEnabled());

    // The running server, same session even: 553 for that address, the rest still accepted.
    const QByteArray reply = client.rcpt("x@blocked.test");
    QCOMPARE(SmtpTestClient::code(reply), 553);
    QCOMPARE(SmtpTestClient::code(client.rcpt("someone@other.test")), 250);
    SmtpTestClient fresh;
    QVERIFY(fresh.connectTo(quint16(m_server->serverPort())));
    fresh.greeting();
    fresh.ehlo();
    fresh.mail("a@b.test");
    QCOMPARE(SmtpTestClient::code(fresh.rcpt("X@Blocked.Test")), 553); // globs ignore case
}

void TestSettingsDialog::fixedRewriteToNoMailboxIsShownAndRefused()
{
    // A rewrite whose target is the same text for every address, and no mailbox, would refuse
    // every recipient it matches: the editor says so and Apply is refused, with the rules file's
    // text; importing such a file shows that text too.
    const SmtpRuleSet before = m_server->rules();
    auto dialog = openDialog(m_current);
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    FIND(QPushButton, add, dialog, "addRuleButton");
    QTest::mouseClick(add, Qt::LeftButton);
    FIND(QLineEdit, match, dialog, "matchEdit");
    FIND(QComboBox, action, dialog, "actionCombo");
    FIND(QLineEdit, rewriteTo, dialog, "rewriteToEdit");
    FIND(QLabel, ruleError, dialog, "ruleErrorLabel");
    typeInto(match, "*@old.test");
    action->setCurrentIndex(action->findText("Rewrite"));
    typeInto(rewriteTo, "catchall");

    SmtpRule expectedRule("*@old.test", SmtpRule::Action::Rewrite);
    expectedRule.setRewriteTo("catchall");
    const QString expected = expectedRule.errorString();
    QVERIFY2(expected.contains("\"catchall\", which is not a mailbox"), qPrintable(expected));
    QVERIFY(ruleError->isVisible());
    QCOMPARE(ruleError->text(), expected);

    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains(expected), qPrintable(dialog->errorText()));
    QCOMPARE(m_applyCalls, 0);
    QVERIFY(m_server->rules() == before);

    typeInto(rewriteTo, "sink@new.test");
    QVERIFY(ruleError->isHidden());

    QTemporaryDir dir;
    const QString file = dir.filePath("fixed.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(R"({"rules": [{"match": "*@old.test", "action": "rewrite", "to": "catchall"}]})");
    out.close();
    chooseFile(file);
    FIND(QPushButton, importButton, dialog, "importButton");
    FIND(QLabel, status, dialog, "rulesStatusLabel");
    QTest::mouseClick(importButton, Qt::LeftButton);
    QVERIFY2(status->text().contains(expected), qPrintable(status->text()));
}

void TestSettingsDialog::invalidRegexIsShownAndRefused()
{
    const SmtpRuleSet before = m_server->rules();
    auto dialog = openDialog(m_current);
    QSignalSpy applied(dialog.get(), &SettingsDialog::applied);
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    FIND(QPushButton, add, dialog, "addRuleButton");
    QTest::mouseClick(add, Qt::LeftButton);
    FIND(QLineEdit, match, dialog, "matchEdit");
    FIND(QLabel, ruleError, dialog, "ruleErrorLabel");
    typeInto(match, "/[a-z]+@ok\\.test/");
    QVERIFY(ruleError->isHidden());
    typeInto(match, "/[a-/");

    const QString expected = SmtpRule("/[a-/", SmtpRule::Action::Reject).errorString();
    QVERIFY(!expected.isEmpty());
    QVERIFY(ruleError->isVisible());
    QCOMPARE(ruleError->text(), expected);
    FIND(QTableWidget, table, dialog, "rulesTable");
    QCOMPARE(table->item(0, 0)->toolTip(), expected);

    QPushButton *apply = button(dialog.get(), QDialogButtonBox::Apply);
    QVERIFY(apply->isEnabled()); // the edit is a change; applying it is what is refused
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY(dialog->errorText().contains(expected));
    FIND(QLabel, errorLabel, dialog, "errorLabel");
    QVERIFY(errorLabel->isVisible());
    QCOMPARE(m_applyCalls, 0);
    QCOMPARE(applied.count(), 0);
    QVERIFY(m_server->rules() == before);
    QVERIFY(dialog->isModified());

    // OK is refused as well and the dialog stays open with the edit.
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QCOMPARE(match->text(), QString("/[a-/"));
    QCOMPARE(m_applyCalls, 0);

    // Fixed, it applies.
    typeInto(match, "/^[a-c]+@x\\.test$/");
    QVERIFY(ruleError->isHidden());
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(m_server->rules().rules().size(), 1);
    QCOMPARE(m_server->rules().rules().constFirst().match(), QString("/^[a-c]+@x\\.test$/"));
}

void TestSettingsDialog::portInUseShowsErrorAndKeepsListener()
{
    const int oldPort = m_server->serverPort();
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));

    auto dialog = openDialog(m_current);
    QSignalSpy applied(dialog.get(), &SettingsDialog::applied);
    FIND(QSpinBox, port, dialog, "smtpPortSpin");
    QCOMPARE(port->value(), oldPort);
    typeInto(port, QString::number(blocker.serverPort()));
    QCOMPARE(port->value(), int(blocker.serverPort()));

    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QCOMPARE(m_applyCalls, 1);
    QCOMPARE(applied.count(), 0);
    QVERIFY2(dialog->errorText().contains(QString::number(blocker.serverPort())),
        qPrintable(dialog->errorText()));
    FIND(QLabel, errorLabel, dialog, "errorLabel");
    QVERIFY(errorLabel->isVisible());
    QCOMPARE(errorLabel->text(), dialog->errorText());
    QVERIFY(dialog->isModified());
    QVERIFY(button(dialog.get(), QDialogButtonBox::Apply)->isEnabled());
    QCOMPARE(port->value(), int(blocker.serverPort())); // the edit is kept

    // The server still answers on its old port.
    QCOMPARE(m_server->serverPort(), oldPort);
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(oldPort)));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);

    // OK with the same port keeps the dialog open too.
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->result(), int(QDialog::Rejected));

    // A free port then applies: the server moves and the error goes away.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 freePort = probe.serverPort();
    probe.close();
    typeInto(port, QString::number(freePort));
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(m_server->serverPort(), int(freePort));
    QVERIFY(!dialog->isVisible());
    QCOMPARE(dialog->result(), int(QDialog::Accepted));
}

void TestSettingsDialog::applyEnabledOnlyWhenModified()
{
    auto dialog = openDialog(m_current);
    QSignalSpy modified(dialog.get(), &SettingsDialog::modifiedChanged);
    QSignalSpy applied(dialog.get(), &SettingsDialog::applied);
    QPushButton *apply = button(dialog.get(), QDialogButtonBox::Apply);
    QPushButton *reset = button(dialog.get(), QDialogButtonBox::Reset);
    QVERIFY(apply && reset);
    QVERIFY(!apply->isEnabled());
    QVERIFY(!reset->isEnabled());
    QVERIFY(!dialog->isModified());
    QVERIFY(dialog->settings() == m_current);

    dialog->setCurrentPage(SettingsDialog::Page::Notifications);
    FIND(QCheckBox, notify, dialog, "notifyCheck");
    QVERIFY(notify->isChecked());
    clickIndicator(notify);
    QVERIFY(!notify->isChecked());
    QVERIFY(apply->isEnabled());
    QVERIFY(reset->isEnabled());
    QCOMPARE(modified.count(), 1);
    QCOMPARE(modified.last().at(0).toBool(), true);

    // Back to what it was: nothing to apply any more.
    clickIndicator(notify);
    QVERIFY(!apply->isEnabled());
    QCOMPARE(modified.count(), 2);
    QCOMPARE(modified.last().at(0).toBool(), false);

    // Typing on another page counts too.
    dialog->setCurrentPage(SettingsDialog::Page::Server);
    FIND(QLineEdit, hostname, dialog, "hostnameEdit");
    QTest::keyClicks(hostname, "mx.test");
    QVERIFY(apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(applied.count(), 1);
    QCOMPARE(applied.last().at(0).value<AppSettings>().server.hostname(), QString("mx.test"));
    QCOMPARE(m_server->hostname(), QString("mx.test"));
    QVERIFY(!apply->isEnabled());
    QVERIFY(!reset->isEnabled());
    QVERIFY(!dialog->isModified());
    QCOMPARE(modified.last().at(0).toBool(), false);
}

void TestSettingsDialog::resetAndRestoreDefaults()
{
    AppSettings current = m_current;
    current.server.setIdleTimeout(42);
    current.notify = false;
    current.maxMessages = 100;
    current.server.setRules(contractRules());
    QString error;
    QVERIFY(current.applyTo(m_server.get(), &error));
    auto dialog = openDialog(current);
    QVERIFY(dialog->settings() == current);

    FIND(QLineEdit, hostname, dialog, "hostnameEdit");
    FIND(QSpinBox, idle, dialog, "idleTimeoutSpin");
    FIND(QTableWidget, rules, dialog, "rulesTable");
    FIND(QCheckBox, notify, dialog, "notifyCheck");
    FIND(QDoubleSpinBox, maxMessages, dialog, "maxMessagesSpin");
    QCOMPARE(idle->value(), 42);
    QCOMPARE(rules->rowCount(), 3);
    QCOMPARE(maxMessages->value(), 100.0);

    QTest::keyClicks(hostname, "edited.test");
    typeInto(idle, "99");
    QVERIFY(dialog->isModified());
    QPushButton *reset = button(dialog.get(), QDialogButtonBox::Reset);
    QTest::mouseClick(reset, Qt::LeftButton);
    QCOMPARE(hostname->text(), QString());
    QCOMPARE(idle->value(), 42);
    QVERIFY(!dialog->isModified());
    QVERIFY(dialog->settings() == current);

    QPushButton *defaults = button(dialog.get(), QDialogButtonBox::RestoreDefaults);
    QVERIFY(defaults->isEnabled());
    QTest::mouseClick(defaults, Qt::LeftButton);
    QCOMPARE(idle->value(), 300);
    QCOMPARE(rules->rowCount(), 0);
    QVERIFY(notify->isChecked());
    QCOMPARE(maxMessages->value(), 0.0);
    QVERIFY(dialog->settings() == AppSettings::defaults());
    QVERIFY(!defaults->isEnabled());
    QVERIFY(dialog->isModified());
    QVERIFY(button(dialog.get(), QDialogButtonBox::Apply)->isEnabled());
    // Shown, not applied.
    QCOMPARE(m_applyCalls, 0);
    QCOMPARE(m_server->idleTimeout(), 42);
    QCOMPARE(m_server->rules().rules().size(), 3);

    QTest::mouseClick(reset, Qt::LeftButton);
    QVERIFY(dialog->settings() == current);
    QCOMPARE(rules->rowCount(), 3);
}

void TestSettingsDialog::pagesResetApplyDefaults()
{
    // Each page on its own: reset() shows settings, apply() writes exactly those back,
    // defaults() shows the defaults and says so with changed().
    SettingsDialog dialog(AppSettings::defaults(), {});
    const AppSettings unusual = unusualSettings();
    AppSettings written;
    const QList<SettingsDialog::Page> pages { SettingsDialog::Page::Server,
        SettingsDialog::Page::HttpApi, SettingsDialog::Page::Rules, SettingsDialog::Page::Relay,
        SettingsDialog::Page::Storage, SettingsDialog::Page::Notifications };
    for (SettingsDialog::Page which : pages) {
        auto *page = qobject_cast<SettingsPage *>(dialog.page(which));
        QVERIFY(page);
        page->reset(unusual);
        page->apply(&written);
    }
    QCOMPARE(written.server, unusual.server);
    QVERIFY(written == unusual);

    for (SettingsDialog::Page which : pages) {
        auto *page = qobject_cast<SettingsPage *>(dialog.page(which));
        QSignalSpy changed(page, &SettingsPage::changed);
        page->defaults();
        QVERIFY2(changed.count() > 0, qPrintable(QString::number(int(which))));
        page->apply(&written);
    }
    QCOMPARE(written.server, AppSettings::defaults().server);
    QVERIFY(written == AppSettings::defaults());
}

void TestSettingsDialog::tryAnAddressShowsDecidingRule()
{
    AppSettings current = m_current;
    current.server.setRules(contractRules());
    auto dialog = openDialog(current);
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    FIND(QLineEdit, tryEdit, dialog, "tryAddressEdit");
    FIND(QLabel, result, dialog, "tryResultLabel");
    FIND(QTableWidget, table, dialog, "rulesTable");

    typeInto(tryEdit, "bob@example.com");
    QVERIFY(result->isVisible());
    QVERIFY2(result->text().contains("Rule 3 (*@example.com) rejects it: 553 Mailbox name invalid"),
        qPrintable(result->text()));
    QVERIFY(table->item(2, 0)->font().bold());
    QVERIFY(!table->item(1, 0)->font().bold());

    typeInto(tryEdit, "alice+news@example.com");
    QVERIFY2(result->text().contains("Rule 1 rewrites it to alice@example.com"),
        qPrintable(result->text()));
    QVERIFY2(result->text().contains("Rule 2 (alice@example.com) accepts it"),
        qPrintable(result->text()));
    QVERIFY(table->item(1, 0)->font().bold());
    QVERIFY(!table->item(2, 0)->font().bold());

    typeInto(tryEdit, "someone@else.test");
    QVERIFY2(result->text().contains("No rule decides: accepted by default"),
        qPrintable(result->text()));

    // Live: editing a rule changes the answer without touching the try field.
    typeInto(tryEdit, "bob@example.com");
    table->setCurrentCell(2, 0);
    FIND(QSpinBox, code, dialog, "codeSpin");
    typeInto(code, "554");
    QVERIFY2(result->text().contains("rejects it: 554"), qPrintable(result->text()));
    FIND(QComboBox, defaultAction, dialog, "defaultActionCombo");
    table->setCurrentCell(2, 0);
    FIND(QPushButton, remove, dialog, "removeRuleButton");
    QTest::mouseClick(remove, Qt::LeftButton);
    QVERIFY2(result->text().contains("accepted by default"), qPrintable(result->text()));
    defaultAction->setCurrentIndex(1); // reject
    QVERIFY2(result->text().contains("rejected by default: 550"), qPrintable(result->text()));
}

void TestSettingsDialog::importExportRoundTrip()
{
    QTemporaryDir dir;
    AppSettings current = m_current;
    SmtpRuleSet currentRules = contractRules();
    currentRules.setDefaultAccept(false);
    current.server.setRules(currentRules);
    auto dialog = openDialog(current);
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    FIND(QPushButton, exportButton, dialog, "exportButton");
    FIND(QPushButton, importButton, dialog, "importButton");
    FIND(QPushButton, remove, dialog, "removeRuleButton");
    FIND(QTableWidget, table, dialog, "rulesTable");
    FIND(QLabel, status, dialog, "rulesStatusLabel");

    const QString file = dir.filePath("exported.json");
    chooseFile(file);
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QVERIFY2(QFile::exists(file), qPrintable(status->text()));
    SmtpRuleSet exported;
    QString error;
    QVERIFY2(SmtpRuleSet::load(file, &exported, &error), qPrintable(error));
    QVERIFY(exported == current.server.rules());

    // Empty the table through the widgets, then import the file back.
    while (table->rowCount() > 0) {
        table->setCurrentCell(0, 0);
        QTest::mouseClick(remove, Qt::LeftButton);
    }
    QVERIFY(dialog->settings().server.rules().rules().isEmpty());
    chooseFile(file);
    QTest::mouseClick(importButton, Qt::LeftButton);
    QCOMPARE(table->rowCount(), 3);
    QVERIFY2(status->text().contains("Imported 3 rules"), qPrintable(status->text()));
    QVERIFY(dialog->settings().server.rules() == current.server.rules());
    QVERIFY(!dialog->isModified());

    // A broken file changes nothing and says why.
    const QString broken = dir.filePath("broken.json");
    QFile out(broken);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("{ \"rules\": [ { \"match\": \"x\", \"action\": \"bounce\" } ] }");
    out.close();
    chooseFile(broken);
    QTest::mouseClick(importButton, Qt::LeftButton);
    QVERIFY2(status->text().contains("bounce"), qPrintable(status->text()));
    QCOMPARE(table->rowCount(), 3);
    QVERIFY(dialog->settings().server.rules() == current.server.rules());

    // An invalid rule is not exported.
    const QString second = dir.filePath("second.json");
    FIND(QPushButton, add, dialog, "addRuleButton");
    QTest::mouseClick(add, Qt::LeftButton);
    FIND(QLineEdit, match, dialog, "matchEdit");
    typeInto(match, "/(/");
    QTest::mouseClick(exportButton, Qt::LeftButton);
    QVERIFY(!QFile::exists(second));
    QVERIFY2(status->text().contains("Rule 4"), qPrintable(status->text()));
}

void TestSettingsDialog::moveAndRemoveRules()
{
    AppSettings current = m_current;
    current.server.setRules(contractRules());
    auto dialog = openDialog(current);
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    FIND(QTableWidget, table, dialog, "rulesTable");
    FIND(QPushButton, up, dialog, "moveUpButton");
    FIND(QPushButton, down, dialog, "moveDownButton");
    FIND(QLineEdit, match, dialog, "matchEdit");

    table->setCurrentCell(0, 0);
    QVERIFY(!up->isEnabled());
    QCOMPARE(match->text(), current.server.rules().rules().at(0).match());
    table->setCurrentCell(2, 0);
    QVERIFY(!down->isEnabled());
    QTest::mouseClick(up, Qt::LeftButton);
    QCOMPARE(table->currentRow(), 1);
    QCOMPARE(table->item(1, 0)->text(), QString("*@example.com"));
    const QList<SmtpRule> moved = dialog->settings().server.rules().rules();
    QCOMPARE(moved.at(1).match(), QString("*@example.com"));
    QCOMPARE(moved.at(1).code(), 553);
    QCOMPARE(moved.at(2).match(), QString("alice@example.com"));
    // Order matters: alice is now rejected by the glob before her accept rule.
    QCOMPARE(dialog->settings().server.rules().decide("alice@example.com").accepted, false);
    QTest::mouseClick(down, Qt::LeftButton);
    QVERIFY(dialog->settings().server.rules() == current.server.rules());
    QVERIFY(!dialog->isModified());
}

void TestSettingsDialog::certificateValidationInline()
{
    QTemporaryDir dir;
    const QString junk = dir.filePath("junk.pem");
    const QString cert = dir.filePath("cert.pem");
    const QString key = dir.filePath("key.pem");
    for (const auto &[name, data] : { std::pair { junk, QByteArray("not a certificate") },
             std::pair { cert, QByteArray(testCertificatePem) },
             std::pair { key, QByteArray(testKeyPem) } }) {
        QFile file(name);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(data);
    }

    auto dialog = openDialog(m_current);
    FIND(QLineEdit, certEdit, dialog, "certificateEdit");
    FIND(QLineEdit, keyEdit, dialog, "keyEdit");
    FIND(QLabel, certStatus, dialog, "certificateStatusLabel");
    FIND(QLabel, keyStatus, dialog, "keyStatusLabel");
    QVERIFY(certStatus->isHidden());

    typeInto(certEdit, dir.filePath("missing.pem"));
    QVERIFY(certStatus->isVisible());
    QVERIFY2(certStatus->text().contains("cannot be read"), qPrintable(certStatus->text()));
    typeInto(certEdit, junk);
    QVERIFY2(certStatus->text().contains("no PEM certificate"), qPrintable(certStatus->text()));
    typeInto(keyEdit, junk);
    QVERIFY2(keyStatus->text().contains("no PEM private key"), qPrintable(keyStatus->text()));

    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY(!dialog->errorText().isEmpty());
    QCOMPARE(m_applyCalls, 0);
    QVERIFY(!m_server->isTlsAvailable());

    typeInto(certEdit, cert);
    QVERIFY2(
        certStatus->text().contains("Certificate for localhost"), qPrintable(certStatus->text()));
    typeInto(keyEdit, key);
    QVERIFY2(
        keyStatus->text().contains("belongs to the certificate"), qPrintable(keyStatus->text()));
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QVERIFY(m_server->isTlsAvailable());

    // STARTTLS now works against the running server.
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_server->serverPort())));
    client.greeting();
    QVERIFY(client.ehlo().contains("STARTTLS"));
    QVERIFY(client.startTls());

    // Clearing both takes TLS away again.
    certEdit->clear();
    keyEdit->clear();
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QVERIFY(!m_server->isTlsAvailable());
}

void TestSettingsDialog::credentialsTable()
{
    auto dialog = openDialog(m_current);
    FIND(QRadioButton, credentials, dialog, "authCredentialsRadio");
    FIND(QTableWidget, table, dialog, "credentialsTable");
    FIND(QPushButton, add, dialog, "addCredentialButton");
    QVERIFY(!table->isEnabled());
    clickIndicator(credentials);
    QVERIFY(table->isEnabled());

    // No user yet: refused.
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY(dialog->errorText().contains("at least one user"));
    QCOMPARE(m_applyCalls, 0);

    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(table->rowCount(), 1);
    // The new row is open for editing: type the user, Tab to the password, Enter.
    QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
    QTest::keyClicks(QApplication::focusWidget(), "alice");
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_VERIFY(qobject_cast<QLineEdit *>(QApplication::focusWidget()));
    QTest::keyClicks(QApplication::focusWidget(), "secret");
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QCOMPARE(table->item(0, 0)->text(), QString("alice"));
    QTRY_COMPARE(table->item(0, 1)->text(), QString("secret")); // Return commits queued
    QTest::mouseClick(button(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QCOMPARE(m_server->authMode(), SmtpServer::AuthMode::Credentials);
    QCOMPARE(m_server->credentials(), (QHash<QString, QString> { { "alice", "secret" } }));

    table->selectRow(0);
    FIND(QPushButton, remove, dialog, "removeCredentialButton");
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(dialog->settings().server.credentials().isEmpty());
}

void TestSettingsDialog::deleteAllAsksFirst()
{
    auto dialog = openDialog(m_current);
    QSignalSpy deleteAll(dialog.get(), &SettingsDialog::deleteAllRequested);
    dialog->setCurrentPage(SettingsDialog::Page::Storage);
    FIND(QPushButton, deleteButton, dialog, "deleteAllButton");

    whenModal<QMessageBox>([](QMessageBox *box) { box->button(QMessageBox::Cancel)->click(); });
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QCOMPARE(deleteAll.count(), 0);

    whenModal<QMessageBox>([](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QCOMPARE(deleteAll.count(), 1);
    QVERIFY(!dialog->isModified()); // deleting is not a setting
}

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
