// Releasing a caught message from the desktop app to a real server: a second smtp-receiver
// (headless, STARTTLS with a self-signed certificate and AUTH, a failure rule refusing
// *@refuse.test) is the relay. The local window's "Release…" dialog with its recipients checked
// against the allowed pattern, the relay's reply shown, the message arriving byte-identical with
// the requested recipients and the original sender, the release listed in the SMTP tab; a
// refusing relay recording nothing. The Relay settings page (an invalid pattern blocks Apply, the
// test message shows the reply, where the password is kept), CredentialStore's fallback to the
// settings file at 0600 when no keychain answers, "Release…" in a remote window through the
// catcher's release route, and the window's own HTTP API releasing with the window's relay.
// What the window says of a release that fails unwatched: an automatic one the relay refuses or
// that cannot reach it, a recipient the rules release outside the allowed pattern, a dialog's
// release whose dialog was closed; in the status bar, one line naming the subject, the
// recipients and the reply; counted until dismissed; one notification per burst.
#include <appsettings.h>
#include <credentialstore.h>
#include <mainwindow.h>
#include <messageview.h>
#include <releasedialog.h>
#include <releasenotices.h>
#include <remotemessagesource.h>
#include <remotewindow.h>
#include <settingsdialog.h>
#include <smtprules.h>
#include <sourceinboxmodel.h>
#include <translators.h>

#include "desktopwindow.h"
#include "headlessinstance.h"
#include "smtptestclient.h"
#include "testcertificate.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEventLoop>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <optional>
#include <utility>

#include <inboxmodel.h>

constexpr int timeout = 30000; // the bound of every wait for an event, for loaded machines

namespace {

const QString relayUser = QStringLiteral("relayuser");
const QString relayPassword = QStringLiteral("relay-secret");
const QString allowedPattern = QStringLiteral(".*@(relay|refuse)\\.test");

bool sendMail(quint16 port, const QByteArray &subject, const QByteArray &to = "bob@example.org")
{
    SmtpTestClient client;
    if (!client.connectTo(port))
        return false;
    // Long lines and a leading dot: what a relay must pass on unchanged.
    const QByteArray body = "From: Alice <alice@example.com>\r\nTo: " + to
        + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@example.com>\r\n\r\n"
        + "..a line that starts with a dot\r\nHello from " + subject + ".\r\n";
    return SmtpTestClient::code(client.sendMail("alice@example.com", { to }, body)) == 250;
}

QByteArray raw(const HeadlessInstance &instance, qint64 id)
{
    return instance.get(QString("/api/v1/message/%1/raw").arg(id));
}

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &v : array)
        list.append(v.toString());
    return list;
}

template<typename T>
T *child(QObject *parent, const char *name)
{
    return parent->findChild<T *>(QLatin1String(name));
}

} // namespace

class TestRelease : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void releaseActionNeedsARelay();
    void releaseThroughTheDialog();
    void refusedRecipientKeepsReleaseOff();
    void refusingRelayShowsItsReplyAndRecordsNothing();
    void relayPageInvalidPatternBlocksApply();
    void relayPageTestMessageShowsTheReply();
    void relayPageSaysWhereThePasswordIs();
    void credentialStoreFallsBackToPrivateSettingsFile();
    void remoteWindowReleasesThroughTheCatcher();
    void desktopApiReleasesThroughTheWindowsRelay();
    void automaticReleaseTheRelayRefusesIsShown();
    void automaticReleaseOutsideThePatternIsShownOnOneLine();
    void relayDownForABurstIsOneNotification();
    void manyFailuresAtOnceAreOneNotification();
    void closedDialogsFailedReleaseIsShown();

private:
    void startWindow();
    // The Relay page set to m_relay: STARTTLS, its certificate accepted, AUTH.
    void fillRelayPage(QWidget *page);
    void configureRelay(); // through the settings dialog's Relay page
    ReleaseDialog *openReleaseDialog(QWidget *window, QAction *action);
    qint64 catchOne(const QByteArray &subject);
    // The server's rules (JSON), applied as the settings dialog does.
    void setRules(const QByteArray &json);

    QTemporaryDir m_dir;
    HeadlessInstance m_relay;
    MainWindow *m_window = nullptr;
};

void TestRelease::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings and data go to test locations
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
    QVERIFY(m_dir.isValid());
    // The relay's certificate: self-signed, for localhost and 127.0.0.1.
    QFile cert(m_dir.filePath("cert.pem"));
    QFile key(m_dir.filePath("key.pem"));
    QVERIFY(cert.open(QIODevice::WriteOnly) && cert.write(testCertificatePem) > 0);
    QVERIFY(key.open(QIODevice::WriteOnly) && key.write(testKeyPem) > 0);
    cert.close();
    key.close();
    QFile rules(m_dir.filePath("rules.json"));
    QVERIFY(rules.open(QIODevice::WriteOnly));
    rules.write(R"({"rules":[{"match":"*@refuse.test","action":"fail","stage":"rcpt",)"
                R"("code":550,"message":"no"}]})");
    rules.close();
    QVERIFY(m_relay.start(m_dir.filePath("relay.db"), 0,
        { "--tls-cert", cert.fileName(), "--tls-key", key.fileName(), "--auth",
            relayUser + ':' + relayPassword, "--rules", rules.fileName() }));
}

void TestRelease::init()
{
    QSettings().clear();
    m_relay.messages.clear();
    startWindow();
}

void TestRelease::startWindow()
{
    m_window = new MainWindow(testWindowOptions());
    QVERIFY(m_window->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->server()->isListening(), timeout);
}

void TestRelease::cleanup()
{
    delete m_window;
    m_window = nullptr;
}

void TestRelease::fillRelayPage(QWidget *page)
{
    child<QLineEdit>(page, "relayHost")->setText("127.0.0.1");
    child<QSpinBox>(page, "relayPort")->setValue(m_relay.smtp);
    auto *tls = child<QComboBox>(page, "relayTls");
    tls->setCurrentIndex(tls->findData(int(SmtpClient::TlsMode::StartTls)));
    child<QCheckBox>(page, "relayAcceptSelfSigned")->setChecked(true);
    child<QLineEdit>(page, "relayUser")->setText(relayUser);
    child<QLineEdit>(page, "relayPassword")->setText(relayPassword);
}

void TestRelease::configureRelay()
{
    SettingsDialog dialog(
        m_window->settings(),
        [this](
            const AppSettings &s, QString *error) { return m_window->applyFromDialog(s, error); },
        m_window);
    dialog.setCurrentPage(SettingsDialog::Page::Relay);
    QWidget *page = dialog.page(SettingsDialog::Page::Relay);
    QVERIFY(page);
    fillRelayPage(page);
    child<QLineEdit>(page, "relayAllowed")->setText(allowedPattern);
    QVERIFY(dialog.apply());
    const SmtpRelayConfig config = m_window->relay()->config();
    QCOMPARE(config.address(), QString("127.0.0.1:%1").arg(m_relay.smtp));
    QCOMPARE(config.tlsMode, SmtpClient::TlsMode::StartTls);
    QCOMPARE(config.password, relayPassword);
    QVERIFY(!config.verifyCertificate);
}

qint64 TestRelease::catchOne(const QByteArray &subject)
{
    if (!sendMail(quint16(m_window->server()->serverPort()), subject))
        return 0;
    InboxModel *model = m_window->inboxModel();
    if (!QTest::qWaitFor([model] { return model->rowCount() == 1; }, timeout))
        return 0;
    QSignalSpy loaded(m_window->messageView(), &MessageView::messageLoaded);
    m_window->inboxView()->selectRow(0);
    if (!loaded.wait(timeout))
        return 0;
    return model->idAt(0);
}

void TestRelease::setRules(const QByteArray &json)
{
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json, &rules, &error), qPrintable(error));
    AppSettings settings = m_window->settings();
    settings.server.setRules(rules);
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
}

ReleaseDialog *TestRelease::openReleaseDialog(QWidget *window, QAction *action)
{
    if (!action->isEnabled())
        return nullptr;
    action->trigger();
    return window->findChild<ReleaseDialog *>();
}

void TestRelease::releaseActionNeedsARelay()
{
    QAction *release = m_window->releaseAction();
    QVERIFY(release);
    QVERIFY(!release->isEnabled());
    QVERIFY(catchOne("No relay yet") > 0);
    QVERIFY(!release->isEnabled()); // one message selected, but nowhere to send it
    QCOMPARE(release->toolTip(), QString("No relay configured"));
    configureRelay();
    QVERIFY(release->isEnabled());
}

void TestRelease::releaseThroughTheDialog()
{
    configureRelay();
    const qint64 id = catchOne("Release me");
    QVERIFY(id > 0);
    ReleaseDialog *dialog = openReleaseDialog(m_window, m_window->releaseAction());
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // Prefilled with the original recipients: outside the allowed pattern, so marked.
    QCOMPARE(dialog->recipients(), QStringList { "bob@example.org" });
    QCOMPARE(dialog->refusedRecipients(), QStringList { "bob@example.org" });
    QVERIFY(!dialog->releaseButton()->isEnabled());

    dialog->recipientsEdit()->setPlainText("carol@relay.test,\ndave@relay.test\n");
    QCOMPARE(dialog->recipients(), (QStringList { "carol@relay.test", "dave@relay.test" }));
    QVERIFY(dialog->refusedRecipients().isEmpty());
    QVERIFY(dialog->releaseButton()->isEnabled());
    QSignalSpy finished(dialog, &ReleaseDialog::releaseFinished);
    QTest::mouseClick(dialog->releaseButton(), Qt::LeftButton);
    QVERIFY(dialog->isReleasing()); // asynchronous: the window goes on meanwhile
    QVERIFY(!dialog->releaseButton()->isEnabled());
    QVERIFY(finished.wait(timeout));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY2(finished.at(0).at(1).toString().startsWith("250"),
        qPrintable(finished.at(0).at(1).toString()));
    QVERIFY2(dialog->resultLabel()->text().startsWith(
                 "Released to carol@relay.test, dave@relay.test. The relay said: 250"),
        qPrintable(dialog->resultLabel()->text()));
    QVERIFY(!dialog->releaseButton()->isEnabled()); // not twice by accident

    // The relay got it: the original sender, the requested recipients, over TLS, unchanged.
    QTRY_COMPARE_WITH_TIMEOUT(m_relay.messages.size(), 1, timeout);
    const QJsonObject arrived = m_relay.messages.takeFirst();
    QCOMPARE(arrived.value("mailfrom").toString(), QString("alice@example.com"));
    QCOMPARE(
        strings(arrived.value("rcpttos")), (QStringList { "carol@relay.test", "dave@relay.test" }));
    QVERIFY(arrived.value("tls").toBool());
    const QByteArray ours = m_window->store()->rawData(id);
    QVERIFY(!ours.isEmpty());
    QCOMPARE(raw(m_relay, arrived.value("id").toInteger()), ours);

    // Recorded on the message and listed in its SMTP tab.
    const QList<SmtpMessageRelease> releases = m_window->store()->releases(id);
    QCOMPARE(releases.size(), 1);
    QCOMPARE(releases.at(0).recipients, (QStringList { "carol@relay.test", "dave@relay.test" }));
    auto *shown = child<QLabel>(m_window->messageView(), "smtpReleases");
    QVERIFY(shown);
    QTRY_VERIFY_WITH_TIMEOUT(shown->text().contains("carol@relay.test, dave@relay.test"), timeout);
    QVERIFY(shown->text().contains(releases.at(0).reply));
    QVERIFY(releases.at(0).reply.startsWith("250"));
}

void TestRelease::refusedRecipientKeepsReleaseOff()
{
    configureRelay();
    QVERIFY(catchOne("Not to everyone") > 0);
    ReleaseDialog *dialog = openReleaseDialog(m_window, m_window->releaseAction());
    QVERIFY(dialog);
    auto *check = child<QLabel>(dialog, "releaseCheck");
    dialog->recipientsEdit()->setPlainText("carol@relay.test, eve@elsewhere.test");
    QCOMPARE(dialog->refusedRecipients(), QStringList { "eve@elsewhere.test" });
    QVERIFY(!dialog->releaseButton()->isEnabled());
    QVERIFY(check->text().contains("eve@elsewhere.test"));
    QVERIFY(!check->text().contains("carol@relay.test"));
    // The refused entry is marked where it stands.
    const QList<QTextEdit::ExtraSelection> marks = dialog->recipientsEdit()->extraSelections();
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.at(0).cursor.selectedText(), QString("eve@elsewhere.test"));

    dialog->recipientsEdit()->setPlainText("not an address");
    QVERIFY(!dialog->releaseButton()->isEnabled());
    dialog->recipientsEdit()->setPlainText(" , \n");
    QVERIFY(dialog->recipients().isEmpty());
    QVERIFY(!dialog->releaseButton()->isEnabled());
    dialog->recipientsEdit()->setPlainText("carol@relay.test");
    QVERIFY(dialog->releaseButton()->isEnabled());
    QVERIFY(dialog->recipientsEdit()->extraSelections().isEmpty());
    // A click on a button that is off does nothing; release() checks again.
    dialog->recipientsEdit()->setPlainText("eve@elsewhere.test");
    dialog->release();
    QVERIFY(!dialog->isReleasing());
}

void TestRelease::refusingRelayShowsItsReplyAndRecordsNothing()
{
    configureRelay();
    const qint64 id = catchOne("Refused");
    QVERIFY(id > 0);
    ReleaseDialog *dialog = openReleaseDialog(m_window, m_window->releaseAction());
    QVERIFY(dialog);
    dialog->recipientsEdit()->setPlainText("x@refuse.test");
    QVERIFY(dialog->releaseButton()->isEnabled());
    QSignalSpy finished(dialog, &ReleaseDialog::releaseFinished);
    QSignalSpy recorded(m_window->store(), &SmtpMessageStore::releasesChanged);
    dialog->release();
    QVERIFY(finished.wait(timeout));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    const QString text = finished.at(0).at(1).toString();
    QVERIFY2(text.contains("550") && text.contains("no"), qPrintable(text));
    QVERIFY2(dialog->resultLabel()->text().startsWith("Not released to x@refuse.test: ")
            && dialog->resultLabel()->text().endsWith("550 5.1.1 no"),
        qPrintable(dialog->resultLabel()->text()));
    QVERIFY(dialog->releaseButton()->isEnabled()); // may be tried again
    // Watched in the dialog: not said again in the window.
    QCOMPARE(m_window->releaseNotices()->failureCount(), 0);
    // The job finishes after what it records: nothing was.
    QVERIFY(m_window->store()->releases(id).isEmpty());
    QCOMPARE(recorded.count(), 0);
    auto *shown = child<QLabel>(m_window->messageView(), "smtpReleases");
    QCOMPARE(shown->text(), QString("Never"));
    QVERIFY(!shown->isHidden());
}

void TestRelease::relayPageInvalidPatternBlocksApply()
{
    SettingsDialog dialog(
        m_window->settings(),
        [this](
            const AppSettings &s, QString *error) { return m_window->applyFromDialog(s, error); },
        m_window);
    QWidget *page = dialog.page(SettingsDialog::Page::Relay);
    auto *status = child<QLabel>(page, "relayStatusLabel");
    child<QLineEdit>(page, "relayHost")->setText("127.0.0.1");
    child<QLineEdit>(page, "relayAllowed")->setText(".*@(relay\\.test");
    QVERIFY(!status->isHidden());
    QVERIFY2(status->text().contains("regular expression"), qPrintable(status->text()));
    QVERIFY(!dialog.apply());
    QVERIFY(!dialog.errorText().isEmpty());
    QVERIFY(!m_window->relay()->isEnabled()); // nothing applied
    QVERIFY(m_window->settings().relay.host.isEmpty());

    child<QLineEdit>(page, "relayAllowed")->setText(".*@relay\\.test");
    QVERIFY(status->isHidden());
    QVERIFY(dialog.apply());
    QVERIFY(m_window->relay()->isEnabled());
    QVERIFY(m_window->relay()->isAllowed("Carol@Relay.test"));
    QVERIFY(!m_window->relay()->isAllowed("carol@relay.test.evil"));
    // Saved, without the password.
    QSettings saved;
    QCOMPARE(saved.value("relay/host").toString(), QString("127.0.0.1"));
    QCOMPARE(AppSettings::load(saved).relay.allowedPattern, QString(".*@relay\\.test"));
}

void TestRelease::relayPageTestMessageShowsTheReply()
{
    SettingsDialog dialog(m_window->settings(), {}, m_window);
    QWidget *page = dialog.page(SettingsDialog::Page::Relay);
    auto *button = child<QPushButton>(page, "relayTestButton");
    auto *result = child<QLabel>(page, "relayTestResult");
    QVERIFY(!button->isEnabled()); // no relay, no recipient
    fillRelayPage(page);
    child<QLineEdit>(page, "relayTestRecipient")->setText("tester@relay.test");
    QVERIFY(button->isEnabled());

    QSignalSpy finished(page, SIGNAL(testFinished(bool, QString)));
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!button->isEnabled()); // one at a time
    QVERIFY(finished.wait(timeout));
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY2(result->text().contains("250"), qPrintable(result->text()));
    QTRY_COMPARE_WITH_TIMEOUT(m_relay.messages.size(), 1, timeout);
    const QJsonObject arrived = m_relay.messages.takeFirst();
    QCOMPARE(strings(arrived.value("rcpttos")), QStringList { "tester@relay.test" });
    QCOMPARE(arrived.value("subject").toString(), QString("smtp-receiver relay test"));
    QVERIFY(button->isEnabled());

    // A wrong password: the relay's refusal is shown.
    child<QLineEdit>(page, "relayPassword")->setText("wrong");
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(finished.wait(timeout));
    QCOMPARE(finished.at(1).at(0).toBool(), false);
    QVERIFY2(result->text().contains("535"), qPrintable(result->text()));
}

void TestRelease::relayPageSaysWhereThePasswordIs()
{
    auto *dialog = new SettingsDialog(
        m_window->settings(),
        [this](
            const AppSettings &s, QString *error) { return m_window->applyFromDialog(s, error); },
        m_window);
    QWidget *page = dialog->page(SettingsDialog::Page::Relay);
    auto *where = child<QLabel>(page, "relayCredentialsLabel");
    child<QLineEdit>(page, "relayHost")->setText("127.0.0.1");
    child<QLineEdit>(page, "relayUser")->setText(relayUser);
    child<QLineEdit>(page, "relayPassword")->setText("kept elsewhere");
    QVERIFY(dialog->apply());
    // No keychain answers here (no session bus): the settings file, for its owner alone.
    QTRY_COMPARE_WITH_TIMEOUT(
        CredentialStore::lastWhere(), CredentialStore::Where::SettingsFile, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(where->text(),
        QString("Password stored in the settings file (readable only by you)"), timeout);
    // Once written (the write outlives the window, too).
    QTRY_COMPARE_WITH_TIMEOUT(
        QSettings().value("credentials/relay").toString(), QString("kept elsewhere"), timeout);
    QSettings saved;
    QVERIFY(!saved.value("relay/password").isValid());
    QCOMPARE(QFile::permissions(saved.fileName())
            & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
        QFile::Permissions());

    // The next start reads it back.
    delete m_window;
    startWindow();
    QTRY_COMPARE_WITH_TIMEOUT(
        m_window->relay()->config().password, QString("kept elsewhere"), timeout);
    QCOMPARE(m_window->settings().relay.password, QString("kept elsewhere"));
}

void TestRelease::credentialStoreFallsBackToPrivateSettingsFile()
{
    const QString key = "test key/with:odd chars";
    for (const bool keychainAsked : { true, false }) {
        CredentialStore::setKeychainEnabled(keychainAsked);
        CredentialStore store;
        // Each access answers once, later, never inside the call.
        const auto written = [&store, &key](const QString &password) {
            std::optional<CredentialStore::Where> where;
            store.write(key, password, [&where](CredentialStore::Where w) { where = w; });
            const bool inside = where.has_value();
            (void)QTest::qWaitFor([&where] { return where.has_value(); }, timeout);
            return inside ? CredentialStore::Where::Unknown
                          : where.value_or(CredentialStore::Where::Unknown);
        };
        const auto read = [&store, &key] {
            std::optional<std::pair<QString, CredentialStore::Where>> answer;
            store.read(key, [&answer](const QString &p, CredentialStore::Where w) {
                answer = { p, w };
            });
            (void)QTest::qWaitFor([&answer] { return answer.has_value(); }, timeout);
            return answer.value_or(
                std::pair { QString("(no answer)"), CredentialStore::Where::Unknown });
        };
        QCOMPARE(written("s3cret"), CredentialStore::Where::SettingsFile);
        QSettings settings;
        QCOMPARE(QFile::permissions(settings.fileName())
                & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
            QFile::Permissions());
        QVERIFY(QFile::permissions(settings.fileName()) & QFile::ReadOwner);
        QCOMPARE(read(), std::pair(QString("s3cret"), CredentialStore::Where::SettingsFile));

        // An empty password removes it.
        QCOMPARE(written(QString()), CredentialStore::Where::SettingsFile);
        QCOMPARE(read(), std::pair(QString(), CredentialStore::Where::SettingsFile));
    }
    CredentialStore::setKeychainEnabled(true);
}

void TestRelease::remoteWindowReleasesThroughTheCatcher()
{
    // A staging catcher that releases to the relay, as --relay configures it.
    HeadlessInstance catcher;
    QVERIFY(catcher.start(m_dir.filePath("catcher.db"), 0,
        { "--relay", QString("127.0.0.1:%1").arg(m_relay.smtp), "--relay-tls", "starttls",
            "--relay-cert", m_dir.filePath("cert.pem"), "--relay-auth",
            relayUser + ':' + relayPassword, "--relay-allowed", allowedPattern }));
    QVERIFY(sendMail(catcher.smtp, "From staging"));
    QTRY_COMPARE_WITH_TIMEOUT(catcher.messages.size(), 1, timeout);
    const qint64 catcherId = catcher.messages.at(0).value("id").toInteger();

    auto *window = new RemoteWindow({ catcher.url(), {}, {} });
    QScopedPointer<RemoteWindow> guard(window);
    window->setAttribute(Qt::WA_DeleteOnClose, false);
    QTRY_COMPARE_WITH_TIMEOUT(window->inboxModel()->rowCount(), 1, timeout);
    QAction *release = window->releaseAction();
    QVERIFY(!release->isEnabled()); // nothing selected
    QSignalSpy loaded(window->messageView(), &MessageView::messageLoaded);
    window->inboxView()->selectRow(0);
    QTRY_VERIFY_WITH_TIMEOUT(release->isEnabled(), timeout);
    // The catcher's API does not tell its releases: the SMTP tab does not claim "Never".
    QVERIFY(loaded.count() > 0 || loaded.wait(timeout));
    QVERIFY(child<QLabel>(window->messageView(), "smtpReleases")->isHidden());
    ReleaseDialog *dialog = openReleaseDialog(window, release);
    QVERIFY(dialog);
    QCOMPARE(dialog->recipients(), QStringList { "bob@example.org" });

    // Each release's outcome: ok, and the text the dialog shows.
    const auto releaseTo = [dialog](const QString &recipients) {
        QSignalSpy finished(dialog, &ReleaseDialog::releaseFinished);
        dialog->recipientsEdit()->setPlainText(recipients);
        dialog->release();
        if (!finished.wait(timeout))
            return std::pair(false, QString("(no answer)"));
        return std::pair(finished.at(0).at(0).toBool(), finished.at(0).at(1).toString());
    };
    // The catcher's pattern decides; its refusal is shown and nothing goes out.
    auto [ok, text] = releaseTo("eve@elsewhere.test");
    QVERIFY2(!ok && text.contains("eve@elsewhere.test"), qPrintable(text));
    std::tie(ok, text) = releaseTo("x@refuse.test"); // the relay's refusal
    QVERIFY2(!ok && text.contains("550"), qPrintable(text));
    std::tie(ok, text) = releaseTo("frank@relay.test");
    QVERIFY2(ok, qPrintable(text));
    QVERIFY2(dialog->resultLabel()->text().startsWith("Released"),
        qPrintable(dialog->resultLabel()->text()));
    QTRY_COMPARE_WITH_TIMEOUT(m_relay.messages.size(), 1, timeout);
    const QJsonObject arrived = m_relay.messages.takeFirst();
    QCOMPARE(strings(arrived.value("rcpttos")), QStringList { "frank@relay.test" });
    QCOMPARE(arrived.value("mailfrom").toString(), QString("alice@example.com"));
    QCOMPARE(raw(m_relay, arrived.value("id").toInteger()), raw(catcher, catcherId));

    // A dialog closed before the catcher answered: the failure is said in the status bar.
    dialog->recipientsEdit()->setPlainText("x@refuse.test");
    dialog->release();
    QVERIFY(dialog->isReleasing());
    QPointer<ReleaseDialog> closed = dialog;
    dialog->close();
    QTRY_VERIFY_WITH_TIMEOUT(!closed, timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!window->statusBar()->currentMessage().isEmpty(), timeout);
    const QString line = window->statusBar()->currentMessage();
    QVERIFY2(line.startsWith("Not released: \"From staging\" to x@refuse.test: ")
            && line.contains("550"),
        qPrintable(line));
}

void TestRelease::desktopApiReleasesThroughTheWindowsRelay()
{
    // The window's HTTP API releases with the relay of its settings, as --no-gui --relay does.
    configureRelay();
    const qint64 id = catchOne("Through the API");
    QVERIFY(id > 0);
    QVERIFY(m_window->httpApi()->listen(QHostAddress::LocalHost, 0));
    QNetworkAccessManager network;
    const auto post = [&network, this, id](const QByteArray &body) {
        QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/api/v1/message/%2/release")
                                         .arg(m_window->httpApi()->serverPort())
                                         .arg(id)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        QNetworkReply *reply = network.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        (void)finished.wait(timeout);
        reply->deleteLater();
        return std::pair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QString::fromUtf8(reply->readAll()));
    };
    auto [status, text] = post(R"({"To":["eve@elsewhere.test"]})");
    QCOMPARE(status, 400); // outside the page's allowed pattern
    std::tie(status, text) = post(R"({"To":["grace@relay.test"]})");
    QCOMPARE(status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_relay.messages.size(), 1, timeout);
    QCOMPARE(strings(m_relay.messages.at(0).value("rcpttos")), QStringList { "grace@relay.test" });
    QCOMPARE(m_window->store()->releases(id).size(), 1);
}

void TestRelease::automaticReleaseTheRelayRefusesIsShown()
{
    configureRelay();
    setRules(R"({"rules":[{"match":"*@relay.test","action":"accept","relay":true},)"
             R"({"match":"*@refuse.test","action":"accept","relay":true}]})");
    ReleaseNotices *notices = m_window->releaseNotices();
    QSignalSpy failed(notices, &ReleaseNotices::failed);
    QSignalSpy notified(m_window, &MainWindow::releaseNotificationShown);
    QToolButton *count = m_window->releaseFailuresButton();
    QVERIFY(count->isHidden());
    const quint16 port = quint16(m_window->server()->serverPort());

    // One the relay takes: recorded on the message, as before, and said nowhere else.
    QVERIFY(sendMail(port, "Goes out", "ok@relay.test"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->inboxModel()->rowCount(), 1, timeout);
    const qint64 out = m_window->inboxModel()->idAt(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->store()->releases(out).size(), 1, timeout);
    QCOMPARE(m_relay.messages.size(), 1);
    QVERIFY(failed.isEmpty());
    QVERIFY(count->isHidden());

    // One the relay refuses (550 at RCPT): the subject, the recipient, the relay's reply.
    QVERIFY(sendMail(port, "Order 42", "x@refuse.test"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, timeout);
    const QString line = failed.at(0).at(0).toString();
    QVERIFY2(line.startsWith("\"Order 42\" to x@refuse.test: ") && line.endsWith("550 5.1.1 no"),
        qPrintable(line));
    QCOMPARE(m_window->statusBar()->currentMessage(), "Not released: " + line);
    QVERIFY(!count->isHidden());
    QCOMPARE(count->text(), QString("1 release failed"));
    QVERIFY2(count->toolTip().contains(line.toHtmlEscaped()), qPrintable(count->toolTip()));
    QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, timeout);
    QCOMPARE(notified.at(0).at(0).toString(), QString("Release failed"));
    QCOMPARE(notified.at(0).at(1).toString(), line);
    QCOMPARE(m_window->releaseNotificationsShown(), 1);

    // A click puts the count away, until the next failure.
    QTest::mouseClick(count, Qt::LeftButton);
    QVERIFY(count->isHidden());
    QCOMPARE(notices->failureCount(), 0);
    QVERIFY(sendMail(port, "Order 43", "y@refuse.test"));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, timeout);
    QVERIFY(!count->isHidden());
    QCOMPARE(count->text(), QString("1 release failed"));
}

void TestRelease::automaticReleaseOutsideThePatternIsShownOnOneLine()
{
    configureRelay(); // .*@(relay|refuse)\.test
    setRules(R"({"rules":[{"match":"*@relay.test","action":"accept","relay":true},)"
             R"({"match":"*@elsewhere.test","action":"accept","relay":true}]})");
    QSignalSpy failed(m_window->releaseNotices(), &ReleaseNotices::failed);
    QSignalSpy notified(m_window, &MainWindow::releaseNotificationShown);
    // A subject with a line break in it (an encoded word), to two recipients the rules release.
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_window->server()->serverPort())));
    QCOMPARE(SmtpTestClient::code(
                 client.sendMail("alice@example.com", { "carol@relay.test", "eve@elsewhere.test" },
                     "From: alice@example.com\r\nSubject: =?utf-8?q?Two=0Alines?=\r\n\r\nHi.\r\n")),
        250);

    // The allowed one is released; the other is not, and that is said.
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, timeout);
    const QString line = failed.at(0).at(0).toString();
    QCOMPARE(line,
        QString("\"Two\uFFFDlines\" to eve@elsewhere.test: 'eve@elsewhere.test' is not allowed by "
                "the relay's allowed pattern"));
    const QString shown = m_window->statusBar()->currentMessage();
    QCOMPARE(shown, "Not released: " + line);
    QVERIFY(!shown.contains('\n'));
    QTRY_COMPARE_WITH_TIMEOUT(m_relay.messages.size(), 1, timeout);
    QCOMPARE(strings(m_relay.messages.at(0).value("rcpttos")), QStringList { "carol@relay.test" });
    QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, timeout);
    QCOMPARE(notified.at(0).at(1).toString(), line);
    QCOMPARE(failed.size(), 1); // carol's release went through
}

void TestRelease::relayDownForABurstIsOneNotification()
{
    // A relay that is not there: every release fails at once (connection refused).
    QTcpServer gone;
    QVERIFY(gone.listen(QHostAddress::LocalHost, 0));
    const quint16 closedPort = gone.serverPort();
    gone.close();
    AppSettings settings = m_window->settings();
    settings.relay.host = "127.0.0.1";
    settings.relay.port = closedPort;
    settings.relay.tlsMode = SmtpClient::TlsMode::None;
    QString error;
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
    setRules(R"({"rules":[{"match":"*@relay.test","action":"accept","relay":true}]})");
    QSignalSpy notified(m_window, &MainWindow::releaseNotificationShown);

    constexpr int burst = 40;
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_window->server()->serverPort())));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
    for (int i = 0; i < burst; ++i) {
        QCOMPARE(SmtpTestClient::code(client.mail("app@x.test")), 250);
        QCOMPARE(SmtpTestClient::code(client.rcpt("dev@relay.test")), 250);
        QCOMPARE(SmtpTestClient::code(
                     client.data("Subject: Test run " + QByteArray::number(i) + "\r\n\r\nHi.\r\n")),
            250);
    }
    client.command("QUIT");

    ReleaseNotices *notices = m_window->releaseNotices();
    QTRY_COMPARE_WITH_TIMEOUT(notices->failureCount(), burst, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 1, timeout);
    QCOMPARE(notified.at(0).at(0).toString(), QString("40 releases failed"));
    const QString text = notified.at(0).at(1).toString();
    QVERIFY2(text.startsWith("Latest: \"Test run ") && text.contains("\" to dev@relay.test: "),
        qPrintable(text));
    // The status bar has the latest line; the count all of them; the tooltip the newest few.
    QVERIFY2(m_window->statusBar()->currentMessage().startsWith("Not released: \"Test run "),
        qPrintable(m_window->statusBar()->currentMessage()));
    QCOMPARE(m_window->releaseFailuresButton()->text(), QString("40 releases failed"));
    QCOMPARE(notices->latestFailures().size(), ReleaseNotices::maxLatest);
    QVERIFY2(m_window->releaseFailuresButton()->toolTip().contains("(and 35 earlier)"),
        qPrintable(m_window->releaseFailuresButton()->toolTip()));
    QCOMPARE(notices->unnotifiedCount(), 0); // nothing left for another notification
    QCOMPARE(m_window->store()->releases(m_window->inboxModel()->idAt(0)).size(), 0);
    QCOMPARE(notified.size(), 1);
}

void TestRelease::manyFailuresAtOnceAreOneNotification()
{
    ReleaseNotices *notices = m_window->releaseNotices();
    QSignalSpy failed(notices, &ReleaseNotices::failed);
    QSignalSpy notified(m_window, &MainWindow::releaseNotificationShown);
    for (int i = 0; i < 500; ++i)
        notices->addFailure(
            QString("Mail %1").arg(i), { "a@relay.test", "b@relay.test" }, "421 4.3.0 try\nlater");
    QCOMPARE(failed.size(), 500); // the status bar follows each one
    QVERIFY(notified.isEmpty()); // the notification waits for the burst to end
    QVERIFY(notified.wait(timeout));
    QCOMPARE(notified.size(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), QString("500 releases failed"));
    QCOMPARE(notified.at(0).at(1).toString(),
        QString("Latest: \"Mail 499\" to a@relay.test, b@relay.test: 421 4.3.0 try\uFFFDlater"));
    QCOMPARE(notices->unnotifiedCount(), 0);
}

void TestRelease::closedDialogsFailedReleaseIsShown()
{
    configureRelay();
    // A subject with a line break in it (an encoded word): on one line, in the dialog too.
    QVERIFY(catchOne("=?utf-8?q?Closed=0Atoo_soon?=") > 0);
    QPointer<ReleaseDialog> dialog = openReleaseDialog(m_window, m_window->releaseAction());
    QVERIFY(dialog);
    const QString intro = child<QLabel>(dialog, "releaseIntro")->text();
    QVERIFY2(intro.startsWith("Send \"Closed\uFFFDtoo soon\" unchanged"), qPrintable(intro));
    QSignalSpy failed(m_window->releaseNotices(), &ReleaseNotices::failed);
    dialog->recipientsEdit()->setPlainText("x@refuse.test");
    dialog->release();
    QVERIFY(dialog->isReleasing());
    dialog->close(); // before the relay answered
    QTRY_VERIFY_WITH_TIMEOUT(!dialog, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, timeout);
    const QString line = failed.at(0).at(0).toString();
    QVERIFY2(line.startsWith("\"Closed\uFFFDtoo soon\" to x@refuse.test: ")
            && line.endsWith("550 5.1.1 no"),
        qPrintable(line));
    QCOMPARE(m_window->statusBar()->currentMessage(), "Not released: " + line);
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    // No keychain answers: the fallback to the settings file is what is tested, here and on a
    // desktop whose Secret Service would otherwise be asked.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/smtp-receiver-test-bus");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_release");
    TestRelease test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_release.moc"
