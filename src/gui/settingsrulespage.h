// The Rules page of the settings dialog: the recipient rules table, its editor, the
// "try an address" line, and import/export of the rules file.
#pragma once

#include "settingspage.h"
#include "ui_settingsrulespage.h"

#include <smtprules.h>

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

private:
    enum Column { MatchColumn, ActionColumn, ResultColumn };
    static QString actionText(SmtpRule::Action action);
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

    Ui::SettingsRulesPage ui;
    QList<SmtpRule> m_rules;
    int m_decidingRow = -1; // the rule that decides the "try" address, shown in bold
    bool m_populating = false;
    QString m_lastDirectory;
};
