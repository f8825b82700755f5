// One server configuration behind three faces: the same bad listen address is refused by the
// command line, the settings dialog and QML with the same sentence (SmtpServerConfig::validate()),
// and "localhost" is accepted by all three.
#include <appsettings.h>
#include <commandline.h>
#include <settingsdialog.h>
#include <smtpserver.h>
#include <smtpserverconfig.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QSpinBox>
#include <QTest>

#include <memory>

class TestConfigFaces : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void addresses_data();
    void commandLine();
    void commandLine_data() { addresses_data(); }
    void settingsDialog();
    void settingsDialog_data() { addresses_data(); }
    void qml();
    void qml_data() { addresses_data(); }

private:
    // What validate() says about a listener on this address: the one text all faces show.
    static QString expectedProblem(const QString &address);
};

QString TestConfigFaces::expectedProblem(const QString &address)
{
    SmtpServerConfig config;
    config.setListeners({ SmtpListenerConfig(address, 0) });
    const QStringList problems = config.validate();
    return problems.isEmpty() ? QString() : problems.constFirst();
}

void TestConfigFaces::addresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("valid");
    QTest::newRow("octet too big") << "256.1.1.1" << false;
    QTest::newRow("words") << "not an address" << false;
    QTest::newRow("localhost") << "localhost" << true;
}

void TestConfigFaces::commandLine()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    const CommandLineResult r = parseCommandLine({ QStringLiteral("smtp-receiver"),
        QStringLiteral("--no-gui"), QStringLiteral("--smtp"), address + QStringLiteral(":0") });
    if (valid) {
        QCOMPARE(r.action, CommandLineResult::Action::Run);
        QCOMPARE(r.options.server.listeners().constFirst().address(), address);
        return;
    }
    QCOMPARE(r.action, CommandLineResult::Action::Error);
    // One line: the flag, then the configuration's sentence.
    QCOMPARE(r.text, QStringLiteral("--smtp: ") + expectedProblem(address));
}

void TestConfigFaces::settingsDialog()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    SmtpServer server;
    AppSettings settings;
    settings.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    QVERIFY(settings.applyTo(&server, nullptr));
    SettingsDialog dialog(settings,
        [&server](const AppSettings &s, QString *error) { return s.applyTo(&server, error); });
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *edit = dialog.findChild<QLineEdit *>(QStringLiteral("smtpAddressEdit"));
    QVERIFY(edit);
    edit->selectAll();
    QTest::keyClicks(edit, address);
    auto *box = dialog.findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
    QVERIFY(box);
    QTest::mouseClick(box->button(QDialogButtonBox::Apply), Qt::LeftButton);
    if (valid) {
        QVERIFY2(dialog.errorText().isEmpty(), qPrintable(dialog.errorText()));
        QCOMPARE(server.configuration().listeners().constFirst().address(), address);
        QCOMPARE(server.serverAddress(), QHostAddress(QHostAddress::LocalHost));
        return;
    }
    QCOMPARE(dialog.errorText(), expectedProblem(address));
    QVERIFY(server.isListening()); // refused before the server was touched
}

void TestConfigFaces::qml()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(SMTPRECEIVER_QML_IMPORT_DIR));
    QQmlComponent component(&engine);
    component.setData(R"(
import QtQml
import SmtpReceiver
SmtpServer {
    property var errors: []
    port: 0
    onErrorOccurred: (text) => errors = errors.concat([text])
}
)",
        QUrl::fromLocalFile(QDir::temp().filePath(QStringLiteral("Faces.qml"))));
    std::unique_ptr<QObject> root(component.create());
    QVERIFY2(root, qPrintable(component.errorString()));
    QTRY_VERIFY(root->property("listening").toBool());
    root->setProperty("address", address);
    if (valid) {
        QTRY_VERIFY(root->property("listening").toBool());
        QVERIFY(root->property("errors").toStringList().isEmpty());
        QCOMPARE(root->property("serverAddress").toString(), QStringLiteral("127.0.0.1"));
        return;
    }
    QTRY_COMPARE(root->property("errors").toStringList(), QStringList { expectedProblem(address) });
    QVERIFY(!root->property("listening").toBool());
}

QTEST_MAIN(TestConfigFaces)
#include "tst_configfaces.moc"
