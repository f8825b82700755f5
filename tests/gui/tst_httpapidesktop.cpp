// The HTTP API in the desktop app: its settings (checks, QSettings, the command line on top),
// the settings dialog's HTTP API page, and the main window serving it — bound on 127.0.0.1:0
// through the dialog, its address in the status bar, closed when switched off, a port in use
// reported without harm, and the settings kept across a restart of the window.
#include <appoptions.h>
#include <appsettings.h>
#include <httpapisettings.h>
#include <mainwindow.h>
#include <messageview.h>
#include <settingsdialog.h>
#include <settingspage.h>
#include <translators.h>

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
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

void clickIndicator(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(6, button->height() / 2));
}

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

HttpApiSettings enabledOn(const QString &address)
{
    HttpApiSettings s;
    s.enabled = true;
    s.address = address;
    return s;
}

// Whether something accepts connections on 127.0.0.1:port, told by the connection's outcome.
bool accepts(quint16 port)
{
    QTcpSocket socket;
    QSignalSpy connected(&socket, &QTcpSocket::connected);
    QSignalSpy failed(&socket, &QTcpSocket::errorOccurred);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return connected.count() + failed.count() > 0; }, timeout))
        qWarning("neither connected nor refused");
    return connected.count() > 0;
}

} // namespace

Q_DECLARE_METATYPE(HttpApiSettings)

class TestHttpApiDesktop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // HttpApiSettings
    void defaultsAreOffOnLoopback8025();
    void saveLoadRoundTrip();
    void problems_data();
    void problems();
    void exposedAddresses_data();
    void exposedAddresses();
    void commandLineOnTop();
    void applyToRebindsOnlyWhenTheAddressChanges();

    // The settings page
    void pageFollowsTheCheckBox();
    void pageWarnsAboutNonLoopbackAddress();
    void pageRefusesABadAddress();
    void pageRefusesCorsStarWithoutAUser();
    void pageResetApplyDefaults();

    // The window
    void offByDefault();
    void enablingBindsAndShowsAddress();
    void disablingCloses();
    void addressInUseShowsErrorAndKeepsListener();
    void addressInUseAtStartIsReported();
    void settingsPersistAcrossRestart();
    void receivingOffLeavesTheApi();
    void smtpFailureLeavesTheApiAsItWas();

private:
    std::unique_ptr<MainWindow> startWindow();
    // A settings dialog over the window's settings whose Apply is the window's.
    std::unique_ptr<SettingsDialog> openDialog(MainWindow *window);
    static QLabel *apiLabel(MainWindow *window);
};

void TestHttpApiDesktop::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and data go to test locations
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
}

void TestHttpApiDesktop::init()
{
    QSettings().clear(); // each test starts from the defaults
}

void TestHttpApiDesktop::cleanup()
{
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestHttpApiDesktop::startWindow()
{
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = QStringLiteral(":memory:");
    options.given = QStringList { QStringLiteral("smtp"), QStringLiteral("database") };
    auto window = std::make_unique<MainWindow>(options);
    if (!window->start())
        return {};
    return window;
}

std::unique_ptr<SettingsDialog> TestHttpApiDesktop::openDialog(MainWindow *window)
{
    auto dialog = std::make_unique<SettingsDialog>(
        window->settings(), [window](const AppSettings &s, QString *error) {
            return window->applyFromDialog(s, error);
        });
    dialog->setCurrentPage(SettingsDialog::Page::HttpApi);
    dialog->show();
    if (!QTest::qWaitForWindowExposed(dialog.get()))
        qWarning("the dialog was not exposed");
    return dialog;
}

QLabel *TestHttpApiDesktop::apiLabel(MainWindow *window)
{
    return window->findChild<QLabel *>(QStringLiteral("httpApiLabel"));
}

// --- HttpApiSettings -------------------------------------------------------------------------

void TestHttpApiDesktop::defaultsAreOffOnLoopback8025()
{
    const HttpApiSettings s = AppSettings::defaults().http;
    QVERIFY(!s.enabled);
    QCOMPARE(s.address, QString("127.0.0.1:8025"));
    QVERIFY(s.user.isEmpty() && s.password.isEmpty() && s.corsOrigin.isEmpty());
    QVERIFY(!s.isExposed());
    // What the address means.
    QHostAddress host;
    quint16 port = 1;
    QVERIFY(s.listenAddress(&host, &port));
    QCOMPARE(host, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(port, quint16(8025));
}

void TestHttpApiDesktop::saveLoadRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QVERIFY(AppSettings::load(settings).http == HttpApiSettings());

    AppSettings original;
    original.http = enabledOn(QStringLiteral("[::1]:9025"));
    original.http.user = QStringLiteral("ci");
    original.http.password = QStringLiteral("s3cr=t:x");
    original.http.corsOrigin = QStringLiteral("http://localhost:3000");
    original.save(settings);
    settings.sync();
    // Next to the other settings, in a group of its own.
    QVERIFY(settings.childGroups().contains(QStringLiteral("http")));
    QVERIFY(settings.childGroups().contains(QStringLiteral("server")));
    QCOMPARE(settings.value(QStringLiteral("http/address")).toString(), QString("[::1]:9025"));

    const AppSettings loaded = AppSettings::load(settings);
    QCOMPARE(loaded.http.enabled, true);
    QCOMPARE(loaded.http.address, original.http.address);
    QCOMPARE(loaded.http.user, original.http.user);
    QCOMPARE(loaded.http.password, original.http.password);
    QCOMPARE(loaded.http.corsOrigin, original.http.corsOrigin);
    QVERIFY(loaded == original);

    // The command line's allowed hosts are for one run: never written.
    AppSettings withHosts = original;
    withHosts.http.allowedHosts = QStringList { QStringLiteral("catcher.test") };
    withHosts.save(settings);
    settings.sync();
    QVERIFY(AppSettings::load(settings).http.allowedHosts.isEmpty());
}

void TestHttpApiDesktop::problems_data()
{
    QTest::addColumn<HttpApiSettings>("settings");
    QTest::addColumn<QString>("problem"); // a word the sentence must contain; empty: none

    QTest::newRow("default address") << enabledOn("127.0.0.1:8025") << QString();
    QTest::newRow("port 0") << enabledOn("127.0.0.1:0") << QString();
    QTest::newRow("localhost") << enabledOn("localhost:8025") << QString();
    QTest::newRow("IPv6") << enabledOn("[::1]:8025") << QString();
    QTest::newRow("all interfaces") << enabledOn("0.0.0.0:8025") << QString();
    QTest::newRow("bare port") << enabledOn("8025") << QString();
    QTest::newRow("host name") << enabledOn("mail.test:8025") << QString("mail.test");
    QTest::newRow("no port") << enabledOn("127.0.0.1:") << QString("ADDR:PORT");
    QTest::newRow("port not a number") << enabledOn("127.0.0.1:http") << QString("ADDR:PORT");
    QTest::newRow("port too large") << enabledOn("127.0.0.1:70000") << QString("70000");
    QTest::newRow("bare IPv6") << enabledOn("::1:8025") << QString("ADDR:PORT");
    QTest::newRow("empty") << enabledOn("") << QString("ADDR:PORT");

    HttpApiSettings off = enabledOn("not an address");
    off.enabled = false;
    QTest::newRow("anything while off") << off << QString();

    HttpApiSettings s = enabledOn("127.0.0.1:8025");
    s.user = QStringLiteral("a:b");
    QTest::newRow("colon in user") << s << QString(":");
    s.user = QStringLiteral("ci");
    s.password = QStringLiteral("two words");
    QTest::newRow("space in password") << s << QString("spaces");
    s.user.clear();
    s.password = QStringLiteral("secret");
    QTest::newRow("password without user") << s << QString("user name");
    s.password.clear();

    for (const char *origin : { "http://localhost:3000", "https://app.test" }) {
        s.corsOrigin = QLatin1String(origin);
        QTest::addRow("CORS %s", origin) << s << QString();
    }
    // "*": every web page could read all mail; only with a user and password.
    s.corsOrigin = QStringLiteral("*");
    QTest::newRow("CORS * without a user") << s << QString("CORS origin * ");
    HttpApiSettings withUser = s;
    withUser.user = QStringLiteral("ci");
    withUser.password = QStringLiteral("pw");
    QTest::newRow("CORS * with a user") << withUser << QString();
    for (const char *origin : { "localhost:3000", "http://a.test/path", "http://a.test/",
             "ftp://a.test", "http://a.test\r\nX-Evil: 1", "http://" }) {
        s.corsOrigin = QLatin1String(origin);
        QTest::addRow("CORS %s", origin) << s << QString("CORS");
    }
}

void TestHttpApiDesktop::problems()
{
    QFETCH(HttpApiSettings, settings);
    QFETCH(QString, problem);
    const QString sentence = settings.problem();
    if (problem.isEmpty())
        QVERIFY2(sentence.isEmpty(), qPrintable(sentence));
    else
        QVERIFY2(sentence.contains(problem), qPrintable(sentence));
}

void TestHttpApiDesktop::exposedAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("exposed");
    QTest::newRow("127.0.0.1") << "127.0.0.1:8025" << false;
    QTest::newRow("localhost") << "localhost:8025" << false;
    QTest::newRow("::1") << "[::1]:8025" << false;
    QTest::newRow("0.0.0.0") << "0.0.0.0:8025" << true;
    QTest::newRow("::") << "[::]:8025" << true;
    QTest::newRow("LAN") << "192.168.1.20:8025" << true;
    QTest::newRow("unreadable") << "nowhere:8025" << false; // a problem, not a warning
}

void TestHttpApiDesktop::exposedAddresses()
{
    QFETCH(QString, address);
    QFETCH(bool, exposed);
    QCOMPARE(enabledOn(address).isExposed(), exposed);
}

void TestHttpApiDesktop::commandLineOnTop()
{
    HttpApiSettings saved;
    saved.user = QStringLiteral("saved");
    saved.password = QStringLiteral("pw");
    saved.corsOrigin = QStringLiteral("http://saved.test");
    // Nothing given: the saved settings stand.
    QVERIFY(saved.withCommandLine({}, {}, {}, {}) == saved);

    const HttpApiSettings s = saved.withCommandLine(QStringLiteral("127.0.0.1:0"),
        { { QStringLiteral("ci"), QStringLiteral("pa:ss") },
            { QStringLiteral("other"), QStringLiteral("x") } },
        { QStringLiteral("catcher.test") }, QStringLiteral("*"));
    QVERIFY(s.enabled); // --http turns it on
    QCOMPARE(s.address, QString("127.0.0.1:0"));
    QCOMPARE(s.user, QString("ci")); // the first user by name
    QCOMPARE(s.password, QString("pa:ss"));
    QCOMPARE(s.allowedHosts, QStringList { "catcher.test" });
    QCOMPARE(s.corsOrigin, QString("*"));
}

void TestHttpApiDesktop::applyToRebindsOnlyWhenTheAddressChanges()
{
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    SmtpHttpApi api(&store);
    QSignalSpy listening(&api, &SmtpHttpApi::listeningChanged);
    QString error;

    HttpApiSettings s = enabledOn(QStringLiteral("127.0.0.1:0"));
    s.user = QStringLiteral("ci");
    s.password = QStringLiteral("pw");
    s.corsOrigin = QStringLiteral("*");
    s.allowedHosts = QStringList { QStringLiteral("catcher.test") };
    QVERIFY2(s.applyTo(&api, &error), qPrintable(error));
    QVERIFY(api.isListening());
    const quint16 port = api.serverPort();
    QVERIFY(port != 0);
    QCOMPARE(api.credentials(), (QHash<QString, QString> { { "ci", "pw" } }));
    QCOMPARE(api.corsOrigin(), QString("*"));
    QCOMPARE(api.allowedHosts(), QStringList { "catcher.test" });
    QCOMPARE(listening.count(), 1);

    // The same address (port 0: any port will do) keeps the listener; the rest changes.
    s.user.clear();
    s.password.clear();
    s.corsOrigin.clear();
    QVERIFY(s.applyTo(&api, &error));
    QCOMPARE(api.serverPort(), port);
    QCOMPARE(listening.count(), 1);
    QVERIFY(api.credentials().isEmpty());
    QVERIFY(api.corsOrigin().isEmpty());

    // An address that cannot be read changes nothing.
    QVERIFY(!enabledOn(QStringLiteral("mail.test:1")).applyTo(&api, &error));
    QVERIFY(error.contains("mail.test"));
    QCOMPARE(api.serverPort(), port);

    // Off closes it.
    s.enabled = false;
    QVERIFY(s.applyTo(&api, &error));
    QVERIFY(!api.isListening());
    QVERIFY(error.isEmpty());
}

// --- The settings page -----------------------------------------------------------------------

void TestHttpApiDesktop::pageFollowsTheCheckBox()
{
    SettingsDialog dialog(AppSettings::defaults(), {});
    dialog.setCurrentPage(SettingsDialog::Page::HttpApi);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    FIND(QCheckBox, enabled, &dialog, "httpEnabledCheck");
    FIND(QLineEdit, address, &dialog, "httpAddressEdit");
    FIND(QLineEdit, user, &dialog, "httpUserEdit");
    FIND(QLineEdit, cors, &dialog, "httpCorsEdit");
    QCOMPARE(enabled->text(), QString("S&erve the HTTP API (Mailpit-compatible)"));
    QVERIFY(!enabled->isChecked());
    QCOMPARE(address->text(), QString("127.0.0.1:8025"));
    QVERIFY(!address->isEnabled());
    QVERIFY(!user->isEnabled());
    QVERIFY(!dialog.isModified());

    clickIndicator(enabled);
    QVERIFY(enabled->isChecked());
    QVERIFY(address->isEnabled());
    QVERIFY(user->isEnabled());
    QVERIFY(cors->isEnabled());
    QVERIFY(dialog.isModified());
    QVERIFY(dialog.settings().http.enabled);
    QCOMPARE(dialog.settings().http.address, QString("127.0.0.1:8025"));

    // An emptied address field stands for the address its placeholder suggests.
    typeInto(address, QString());
    QCOMPARE(address->placeholderText(), QString("127.0.0.1:8025"));
    QCOMPARE(dialog.settings().http.address, QString("127.0.0.1:8025"));
}

void TestHttpApiDesktop::pageWarnsAboutNonLoopbackAddress()
{
    SettingsDialog dialog(AppSettings::defaults(), {});
    dialog.setCurrentPage(SettingsDialog::Page::HttpApi);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    FIND(QCheckBox, enabled, &dialog, "httpEnabledCheck");
    FIND(QLineEdit, address, &dialog, "httpAddressEdit");
    FIND(QLabel, status, &dialog, "httpStatusLabel");
    clickIndicator(enabled);
    QVERIFY(status->isHidden()); // loopback: nothing to say

    typeInto(address, QStringLiteral("0.0.0.0:8025"));
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains("anyone") && status->text().contains("network"),
        qPrintable(status->text()));
    // A warning, not a problem: it applies.
    QVERIFY(dialog.apply());
    QCOMPARE(dialog.settings().http.address, QString("0.0.0.0:8025"));

    typeInto(address, QStringLiteral("[::1]:8025"));
    QVERIFY(status->isHidden());

    // Switched off, there is nothing to warn about.
    typeInto(address, QStringLiteral("0.0.0.0:8025"));
    QVERIFY(status->isVisible());
    clickIndicator(enabled);
    QVERIFY(status->isHidden());
}

void TestHttpApiDesktop::pageRefusesABadAddress()
{
    int applies = 0;
    SettingsDialog dialog(AppSettings::defaults(), [&applies](const AppSettings &, QString *) {
        ++applies;
        return true;
    });
    dialog.setCurrentPage(SettingsDialog::Page::Notifications);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.setCurrentPage(SettingsDialog::Page::HttpApi);
    FIND(QCheckBox, enabled, &dialog, "httpEnabledCheck");
    FIND(QLineEdit, address, &dialog, "httpAddressEdit");
    FIND(QLabel, status, &dialog, "httpStatusLabel");
    clickIndicator(enabled);
    typeInto(address, QStringLiteral("mail.test:8025"));
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains("mail.test"), qPrintable(status->text()));

    dialog.setCurrentPage(SettingsDialog::Page::Server);
    QTest::mouseClick(dialogButton(&dialog, QDialogButtonBox::Apply), Qt::LeftButton);
    QCOMPARE(applies, 0);
    QCOMPARE(dialog.errorText(), status->text());
    QVERIFY(address->isVisible()); // the dialog went to the page that has the problem

    typeInto(address, QStringLiteral("127.0.0.1:8025"));
    QVERIFY(status->isHidden());
    QTest::mouseClick(dialogButton(&dialog, QDialogButtonBox::Apply), Qt::LeftButton);
    QCOMPARE(applies, 1);
    QVERIFY(dialog.errorText().isEmpty());
}

// "*" would let every web page read the caught mail: the page says so and applies nothing until
// a user and password are given.
void TestHttpApiDesktop::pageRefusesCorsStarWithoutAUser()
{
    int applies = 0;
    SettingsDialog dialog(AppSettings::defaults(), [&applies](const AppSettings &, QString *) {
        ++applies;
        return true;
    });
    dialog.setCurrentPage(SettingsDialog::Page::HttpApi);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    FIND(QCheckBox, enabled, &dialog, "httpEnabledCheck");
    FIND(QLineEdit, user, &dialog, "httpUserEdit");
    FIND(QLineEdit, password, &dialog, "httpPasswordEdit");
    FIND(QLineEdit, cors, &dialog, "httpCorsEdit");
    FIND(QLabel, status, &dialog, "httpStatusLabel");
    clickIndicator(enabled);
    typeInto(cors, QStringLiteral("*"));
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains("CORS origin *"), qPrintable(status->text()));
    QTest::mouseClick(dialogButton(&dialog, QDialogButtonBox::Apply), Qt::LeftButton);
    QCOMPARE(applies, 0);
    QCOMPARE(dialog.errorText(), status->text());

    typeInto(user, QStringLiteral("ci"));
    typeInto(password, QStringLiteral("pw"));
    QVERIFY(status->isHidden());
    QTest::mouseClick(dialogButton(&dialog, QDialogButtonBox::Apply), Qt::LeftButton);
    QCOMPARE(applies, 1);
    QCOMPARE(dialog.settings().http.corsOrigin, QString("*"));
}

void TestHttpApiDesktop::pageResetApplyDefaults()
{
    SettingsDialog dialog(AppSettings::defaults(), {});
    auto *page = qobject_cast<SettingsPage *>(dialog.page(SettingsDialog::Page::HttpApi));
    QVERIFY(page);
    AppSettings unusual;
    unusual.http = enabledOn(QStringLiteral("[::1]:0"));
    unusual.http.user = QStringLiteral("ci");
    unusual.http.password = QStringLiteral("pw");
    unusual.http.corsOrigin = QStringLiteral("http://localhost:3000");
    unusual.http.allowedHosts = QStringList { QStringLiteral("catcher.test") };
    page->reset(unusual);
    AppSettings written;
    page->apply(&written);
    QVERIFY(written.http == unusual.http); // the allowed hosts, not shown, are kept too
    QVERIFY(written == unusual); // and nothing else was touched

    QSignalSpy changed(page, &SettingsPage::changed);
    page->defaults();
    QVERIFY(changed.count() > 0);
    page->apply(&written);
    QVERIFY(written.http == HttpApiSettings());
}

// --- The window ------------------------------------------------------------------------------

void TestHttpApiDesktop::offByDefault()
{
    auto window = startWindow();
    QVERIFY(window);
    QVERIFY(!window->settings().http.enabled);
    QVERIFY(!window->httpApi()->isListening());
    QLabel *label = apiLabel(window.get());
    QVERIFY(label);
    QVERIFY(label->isHidden());
    QVERIFY(label->text().isEmpty());
}

void TestHttpApiDesktop::enablingBindsAndShowsAddress()
{
    auto window = startWindow();
    QVERIFY(window);
    auto dialog = openDialog(window.get());
    FIND(QCheckBox, enabled, dialog, "httpEnabledCheck");
    FIND(QLineEdit, address, dialog, "httpAddressEdit");
    clickIndicator(enabled);
    typeInto(address, QStringLiteral("127.0.0.1:0"));
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));

    SmtpHttpApi *api = window->httpApi();
    QVERIFY(api->isListening());
    QCOMPARE(api->serverAddress(), QHostAddress(QHostAddress::LocalHost));
    const quint16 port = api->serverPort();
    QVERIFY(port != 0);
    QVERIFY(accepts(port));
    // The SMTP listener is where it was.
    QVERIFY(window->server()->isListening());
    QVERIFY(window->server()->serverPort() != port);

    const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port);
    QLabel *label = apiLabel(window.get());
    QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), timeout);
    QCOMPARE(label->text(), QStringLiteral("API <a href=\"%1\">%1</a>").arg(url));
    QVERIFY2(label->toolTip().contains("Mailpit") && label->toolTip().contains(url),
        qPrintable(label->toolTip()));
    // Saved: the next start serves it too.
    QSettings saved;
    QCOMPARE(saved.value(QStringLiteral("http/enabled")).toBool(), true);
    QCOMPARE(saved.value(QStringLiteral("http/address")).toString(), QString("127.0.0.1:0"));

    // Its link copies the address.
    Q_EMIT label->linkActivated(url);
    QCOMPARE(QGuiApplication::clipboard()->text(), url);
}

void TestHttpApiDesktop::disablingCloses()
{
    auto window = startWindow();
    QVERIFY(window);
    AppSettings on = window->settings();
    on.http = enabledOn(QStringLiteral("127.0.0.1:0"));
    QString error;
    QVERIFY2(window->applyFromDialog(on, &error), qPrintable(error));
    const quint16 port = window->httpApi()->serverPort();
    QVERIFY(accepts(port));
    QLabel *label = apiLabel(window.get());
    QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), timeout);

    auto dialog = openDialog(window.get());
    FIND(QCheckBox, enabled, dialog, "httpEnabledCheck");
    QVERIFY(enabled->isChecked());
    clickIndicator(enabled);
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Ok), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    QVERIFY(!dialog->isVisible());

    QVERIFY(!window->httpApi()->isListening());
    QVERIFY(!accepts(port)); // refused
    QTRY_VERIFY_WITH_TIMEOUT(label->isHidden(), timeout);
    QVERIFY(window->server()->isListening()); // SMTP goes on
}

void TestHttpApiDesktop::addressInUseShowsErrorAndKeepsListener()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    const QString blocked = QStringLiteral("127.0.0.1:%1").arg(blocker.serverPort());

    auto window = startWindow();
    QVERIFY(window);
    const quint16 smtpPort = quint16(window->server()->serverPort());
    auto dialog = openDialog(window.get());
    FIND(QCheckBox, enabled, dialog, "httpEnabledCheck");
    FIND(QLineEdit, address, dialog, "httpAddressEdit");
    clickIndicator(enabled);
    typeInto(address, blocked);
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains(blocked), qPrintable(dialog->errorText()));
    QVERIFY(dialog->isModified()); // nothing was applied
    QVERIFY(!window->httpApi()->isListening());
    QVERIFY(!window->settings().http.enabled);
    QCOMPARE(window->server()->serverPort(), int(smtpPort));

    // Listening elsewhere, a move to the blocked port keeps it where it is.
    typeInto(address, QStringLiteral("127.0.0.1:0"));
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    const quint16 port = window->httpApi()->serverPort();
    QVERIFY(window->httpApi()->isListening());
    typeInto(address, blocked);
    QTest::mouseClick(dialogButton(dialog.get(), QDialogButtonBox::Apply), Qt::LeftButton);
    QVERIFY2(dialog->errorText().contains(blocked), qPrintable(dialog->errorText()));
    QVERIFY(window->httpApi()->isListening());
    QCOMPARE(window->httpApi()->serverPort(), port);
    QVERIFY(accepts(port));
    QCOMPARE(window->settings().http.address, QString("127.0.0.1:0"));
}

void TestHttpApiDesktop::addressInUseAtStartIsReported()
{
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    const QString blocked = QStringLiteral("127.0.0.1:%1").arg(blocker.serverPort());
    {
        QSettings saved;
        AppSettings s;
        s.http = enabledOn(blocked);
        s.save(saved);
    }
    auto window = startWindow();
    QVERIFY(window); // the window opens
    QVERIFY(window->server()->isListening()); // and receives mail
    QVERIFY(!window->httpApi()->isListening());
    QVERIFY2(window->statusBar()->currentMessage().contains(blocked),
        qPrintable(window->statusBar()->currentMessage()));
    QLabel *label = apiLabel(window.get());
    QTRY_VERIFY_WITH_TIMEOUT(label->isVisible(), timeout);
    QCOMPARE(label->text(), QString("API not listening"));
    QVERIFY2(label->toolTip().contains(blocked), qPrintable(label->toolTip()));

    // Once the port is free, applying the same settings again starts it.
    blocker.close();
    QString error;
    QVERIFY2(window->applyFromDialog(window->settings(), &error), qPrintable(error));
    QVERIFY(window->httpApi()->isListening());
    QTRY_COMPARE_WITH_TIMEOUT(label->text(),
        QStringLiteral("API <a href=\"http://%1\">http://%1</a>").arg(blocked), timeout);
}

void TestHttpApiDesktop::settingsPersistAcrossRestart()
{
    HttpApiSettings wanted = enabledOn(QStringLiteral("127.0.0.1:0"));
    wanted.user = QStringLiteral("ci");
    wanted.password = QStringLiteral("pw");
    wanted.corsOrigin = QStringLiteral("http://localhost:3000");
    {
        auto window = startWindow();
        QVERIFY(window);
        AppSettings s = window->settings();
        s.http = wanted;
        QString error;
        QVERIFY2(window->applyFromDialog(s, &error), qPrintable(error));
        QVERIFY(window->httpApi()->isListening());
    }
    auto window = startWindow();
    QVERIFY(window);
    QVERIFY(window->settings().http == wanted);
    SmtpHttpApi *api = window->httpApi();
    QVERIFY(api->isListening());
    QCOMPARE(api->credentials(), (QHash<QString, QString> { { "ci", "pw" } }));
    QCOMPARE(api->corsOrigin(), wanted.corsOrigin);
    QVERIFY(accepts(api->serverPort()));
    QTRY_VERIFY_WITH_TIMEOUT(
        apiLabel(window.get())->text().contains(QString::number(api->serverPort())), timeout);
}

void TestHttpApiDesktop::receivingOffLeavesTheApi()
{
    auto window = startWindow();
    QVERIFY(window);
    AppSettings on = window->settings();
    on.http = enabledOn(QStringLiteral("127.0.0.1:0"));
    QString error;
    QVERIFY2(window->applyFromDialog(on, &error), qPrintable(error));
    const quint16 port = window->httpApi()->serverPort();
    QSignalSpy listening(window->httpApi(), &SmtpHttpApi::listeningChanged);

    // Receiving is about SMTP: the API keeps serving what was caught.
    window->setReceiving(false);
    QVERIFY(!window->server()->isListening());
    QVERIFY(window->httpApi()->isListening());
    window->setReceiving(true);
    QVERIFY(window->server()->isListening());
    QCOMPARE(window->httpApi()->serverPort(), port);
    QCOMPARE(listening.count(), 0); // never rebound
}

void TestHttpApiDesktop::smtpFailureLeavesTheApiAsItWas()
{
    // One Apply changes both; when the SMTP listener cannot move, neither changes.
    auto window = startWindow();
    QVERIFY(window);
    const int smtpPort = window->server()->serverPort();
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    AppSettings both = window->settings();
    both.http = enabledOn(QStringLiteral("127.0.0.1:0"));
    both.server.setListeners(
        { SmtpListenerConfig(QStringLiteral("127.0.0.1"), blocker.serverPort()) });
    QString error;
    QVERIFY(!window->applyFromDialog(both, &error));
    QVERIFY2(error.contains(QString::number(blocker.serverPort())), qPrintable(error));
    QVERIFY(!window->httpApi()->isListening());
    QVERIFY(!window->settings().http.enabled);
    QCOMPARE(window->server()->serverPort(), smtpPort);
    QVERIFY(apiLabel(window.get())->isHidden());
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_httpapidesktop");
    TestHttpApiDesktop test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_httpapidesktop.moc"
