// The rules page's Failure injection group: a fail rule is made and edited with the mouse and
// keyboard (stage, code, message, probability, delay, disconnect), the on/off switch keeps the
// rules but stops applying them, and while fail rules apply the main window's status bar says so.
#include <appoptions.h>
#include <appsettings.h>
#include <mainwindow.h>
#include <messageview.h>
#include <settingsdialog.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTest>

#include <memory>

#define FIND(Type, var, root, name)                                                                \
    auto *var = (root)->findChild<Type *>(QStringLiteral(name));                                   \
    QVERIFY2(var, "no " #Type " named " name)

namespace {

void typeInto(QWidget *widget, const QString &text)
{
    if (auto *edit = qobject_cast<QLineEdit *>(widget))
        edit->selectAll();
    else if (auto *spin = qobject_cast<QAbstractSpinBox *>(widget))
        spin->selectAll();
    QTest::keyClicks(widget, text);
}

// The settings dialog on its Rules page; Apply hands the settings to *applied.
std::unique_ptr<SettingsDialog> openRules(const AppSettings &settings, AppSettings *applied)
{
    auto dialog
        = std::make_unique<SettingsDialog>(settings, [applied](const AppSettings &s, QString *) {
              *applied = s;
              return true;
          });
    dialog->setCurrentPage(SettingsDialog::Page::Rules);
    dialog->show();
    if (!QTest::qWaitForWindowExposed(dialog.get()))
        qWarning("the dialog was not exposed");
    return dialog;
}

QPushButton *applyButton(SettingsDialog *dialog)
{
    auto *box = dialog->findChild<QDialogButtonBox *>(QStringLiteral("buttonBox"));
    return box ? box->button(QDialogButtonBox::Apply) : nullptr;
}

} // namespace

class TestFailInjectionPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void editsAFailRule();
    void switchOffKeepsRules();
    void statusBarShowsActiveFailRules();
};

void TestFailInjectionPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestFailInjectionPage::editsAFailRule()
{
    AppSettings settings;
    auto dialog = openRules(AppSettings(), &settings);
    SettingsDialog &page = *dialog;

    FIND(QPushButton, add, &page, "addRuleButton");
    QTest::mouseClick(add, Qt::LeftButton);
    FIND(QLineEdit, match, &page, "matchEdit");
    typeInto(match, "*@flaky.test");
    FIND(QComboBox, action, &page, "actionCombo");
    FIND(QComboBox, stage, &page, "stageCombo");
    FIND(QSpinBox, probability, &page, "probabilitySpin");
    FIND(QSpinBox, delay, &page, "delaySpin");
    FIND(QCheckBox, disconnect, &page, "disconnectCheck");
    QVERIFY(!stage->isEnabled()); // a reject rule has no stage
    action->setCurrentIndex(action->findData(int(SmtpRule::Action::Fail)));
    QVERIFY(stage->isEnabled() && probability->isEnabled() && delay->isEnabled());
    FIND(QSpinBox, code, &page, "codeSpin");
    FIND(QLineEdit, message, &page, "messageEdit");
    QCOMPARE(code->value(), 451); // a fresh fail rule starts as a temporary failure
    QVERIFY(code->isEnabled());
    typeInto(message, "try later");
    stage->setCurrentIndex(stage->findData(int(SmtpRule::Stage::Rcpt)));
    typeInto(probability, "50");
    typeInto(delay, "200");
    disconnect->setFocus();
    QTest::keyClick(disconnect, Qt::Key_Space);
    QVERIFY(disconnect->isChecked());
    QPushButton *apply = applyButton(dialog.get());
    QVERIFY(apply && apply->isEnabled());
    QTest::mouseClick(apply, Qt::LeftButton);
    QVERIFY2(dialog->errorText().isEmpty(), qPrintable(dialog->errorText()));
    const QList<SmtpRule> rules = settings.server.rules().rules();
    QCOMPARE(rules.size(), 1);
    const SmtpRule &rule = rules.constFirst();
    QCOMPARE(rule.match(), QStringLiteral("*@flaky.test"));
    QCOMPARE(rule.action(), SmtpRule::Action::Fail);
    QCOMPARE(rule.stage(), SmtpRule::Stage::Rcpt);
    QCOMPARE(rule.code(), 451);
    QCOMPARE(rule.message(), QStringLiteral("try later"));
    QCOMPARE(rule.probability(), 50);
    QCOMPARE(rule.delayMs(), 200);
    QVERIFY(rule.disconnect());
    QVERIFY(settings.server.rules().failureInjection());

    FIND(QTableWidget, table, &page, "rulesTable");
    QVERIFY2(table->item(0, 2)->text().contains(QStringLiteral("RCPT")),
        qPrintable(table->item(0, 2)->text()));
    FIND(QLabel, summary, &page, "failureSummaryLabel");
    QVERIFY2(summary->text().contains(QStringLiteral("*@flaky.test")), qPrintable(summary->text()));
}

void TestFailInjectionPage::switchOffKeepsRules()
{
    SmtpRule rule(QStringLiteral("*"), SmtpRule::Action::Fail);
    rule.setStage(SmtpRule::Stage::Mail);
    rule.setCode(421);
    SmtpRuleSet set;
    set.setRules({ rule });
    AppSettings settings;
    settings.server.setRules(set);
    AppSettings applied;
    auto dialog = openRules(settings, &applied);
    SettingsDialog &page = *dialog;
    FIND(QCheckBox, onOff, &page, "failureSwitch");
    QVERIFY(onOff->isChecked());
    QTest::mouseClick(onOff, Qt::LeftButton);
    QVERIFY(!onOff->isChecked());
    FIND(QLabel, summary, &page, "failureSummaryLabel");
    QVERIFY2(summary->text().contains(QStringLiteral("not applied")), qPrintable(summary->text()));

    QTest::mouseClick(applyButton(dialog.get()), Qt::LeftButton);
    QCOMPARE(applied.server.rules().rules().size(), 1); // kept
    QVERIFY(!applied.server.rules().failureInjection());
    QCOMPARE(
        applied.server.rules().failure(SmtpRule::Stage::Mail, QStringLiteral("a@b"), nullptr), -1);
    // Read back (the settings keep the rules as JSON), the switch is still off.
    AppSettings ignored;
    auto again = openRules(applied, &ignored);
    FIND(QCheckBox, onOffAgain, again, "failureSwitch");
    QVERIFY(!onOffAgain->isChecked());
}

void TestFailInjectionPage::statusBarShowsActiveFailRules()
{
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = ":memory:";
    options.given = QStringList { "smtp", "database" };
    MainWindow window(options);
    QVERIFY(window.start());
    FIND(QLabel, label, &window, "failureInjectionLabel");
    QVERIFY(label->isHidden());

    SmtpRule rule(QStringLiteral("*@flaky.test"), SmtpRule::Action::Fail);
    rule.setStage(SmtpRule::Stage::Rcpt);
    rule.setCode(451);
    SmtpRuleSet set;
    set.setRules({ rule });
    window.server()->setRules(set); // as the settings dialog does
    QVERIFY(!label->isHidden());
    QVERIFY2(
        label->text().contains(QStringLiteral("RCPT *@flaky.test")), qPrintable(label->text()));
    QVERIFY(label->text().contains(QStringLiteral("451")));

    set.setFailureInjection(false);
    window.server()->setRules(set);
    QVERIFY(label->isHidden());

    // The HTTP API's chaos triggers (PUT /api/v1/chaos) strike whatever the rules' switch says,
    // and show too.
    SmtpRule trigger(QStringLiteral("*"), SmtpRule::Action::Fail);
    trigger.setStage(SmtpRule::Stage::Mail);
    trigger.setCode(452);
    trigger.setProbability(50);
    window.server()->setChaosTriggers({ trigger });
    QVERIFY(!label->isHidden());
    QVERIFY2(
        label->text().contains(QStringLiteral("MAIL * → 452 (50 %)")), qPrintable(label->text()));
    QVERIFY(!label->text().contains(QStringLiteral("flaky")));
    window.server()->setChaosTriggers({});
    QVERIFY(label->isHidden());
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_failinjectionpage");
    TestFailInjectionPage test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_failinjectionpage.moc"
