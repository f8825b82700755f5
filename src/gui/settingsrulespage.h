// The Rules page of the settings dialog: the recipient rules table, its editor (the mailbox of
// an accept or rewrite rule included), the "try an address" line that says where mail to an
// address would land, import/export of the rules file, and the failure injection group (the
// on/off switch and the fields of a fail rule).
#pragma once

#include "settingspage.h"
#include "ui_settingsrulespage.h"

#include <smtprules.h>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QSpinBox;

class RulesPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit RulesPage(QWidget *parent = nullptr);
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;
    QString problem() const override;

    bool importRules(const QString &fileName);
    bool exportRules(const QString &fileName);

    // One line naming the fail rules that apply (for the status bar); empty when failure
    // injection is off or no fail rule can strike.
    static QString failureSummary(const SmtpRuleSet &rules);
    static QString stageText(SmtpRule::Stage stage);

private:
    enum Column { MatchColumn, ActionColumn, ResultColumn, MailboxColumn, ColumnCount };
    static QString actionText(SmtpRule::Action action);
    static bool takesMailbox(SmtpRule::Action action);
    // Where mail to this address would land, in one sentence: accepted into a mailbox (and
    // released), rejected with the reply, or failed by a fail rule at RCPT. *accepted: whether
    // it can be accepted; *mailbox: the mailbox a rule names for it (empty: none does).
    static QString verdict(
        const SmtpRuleSet &set, const QString &address, bool *accepted, QString *mailbox);
    // The same for a message to several addresses: the mailboxes it lands in.
    static QString messageVerdict(
        const SmtpRuleSet &set, const QStringList &addresses, QStringList *lines, bool *accepted);
    SmtpRuleSet ruleSet() const;
    int currentRow() const;
    void rebuildTable(int select);
    void updateRow(int row);
    void populateEditor();
    void editorEdited();
    void updateEditorState();
    void updateButtons();
    void updateTry();
    void addRule();
    void removeRule();
    void moveRule(int by);
    QString askFile(bool forSaving);
    void setUpFailureGroup();
    void updateFailureSummary();

    Ui::SettingsRulesPage ui;
    QGroupBox *m_failureGroup = nullptr;
    QCheckBox *m_failureSwitch = nullptr; // failure injection on/off
    QLabel *m_failureSummaryLabel = nullptr;
    QComboBox *m_stageCombo = nullptr;
    QSpinBox *m_probabilitySpin = nullptr;
    QSpinBox *m_delaySpin = nullptr;
    QCheckBox *m_disconnectCheck = nullptr;
    QList<QWidget *> m_failFields; // enabled while the selected rule is a fail rule
    QList<SmtpRule> m_rules;
    int m_decidingRow = -1; // the rule that decides the "try" address, shown in bold
    bool m_populating = false;
    QString m_lastDirectory;
};
