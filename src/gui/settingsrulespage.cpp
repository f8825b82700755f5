// The Rules page of the settings dialog (see settingsrulespage.h).
#include "settingsrulespage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMetaEnum>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStyle>

#include <smtpmessage.h>

using namespace SettingsUi;

RulesPage::RulesPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    for (SmtpRule::Action action : { SmtpRule::Action::Accept, SmtpRule::Action::Reject,
             SmtpRule::Action::Rewrite, SmtpRule::Action::Fail })
        ui.actionCombo->addItem(actionText(action), int(action));
    setUpFailureGroup();
    ui.defaultActionCombo->addItem(tr("Accept the address"), true);
    ui.defaultActionCombo->addItem(tr("Reject it with 550 Mailbox unavailable"), false);
    QHeaderView *header = ui.rulesTable->horizontalHeader();
    header->setSectionResizeMode(MatchColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ActionColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ResultColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(MailboxColumn, QHeaderView::ResizeToContents);
    header->setStretchLastSection(false);

    connect(ui.rulesTable, &QTableWidget::currentCellChanged, this, [this] {
        populateEditor();
        updateButtons();
    });
    connect(ui.matchEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
    connect(ui.rewriteToEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
    connect(ui.mailboxEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
    connect(ui.messageEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
    connect(ui.codeSpin, &QSpinBox::valueChanged, this, &RulesPage::editorEdited);
    connect(ui.actionCombo, &QComboBox::currentIndexChanged, this, &RulesPage::editorEdited);
    connect(ui.defaultActionCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateTry();
        Q_EMIT changed();
    });
    connect(ui.tryAddressEdit, &QLineEdit::textChanged, this, &RulesPage::updateTry);
    connect(ui.addRuleButton, &QPushButton::clicked, this, &RulesPage::addRule);
    connect(ui.removeRuleButton, &QPushButton::clicked, this, &RulesPage::removeRule);
    connect(ui.moveUpButton, &QPushButton::clicked, this, [this] { moveRule(-1); });
    connect(ui.moveDownButton, &QPushButton::clicked, this, [this] { moveRule(+1); });
    connect(ui.importButton, &QPushButton::clicked, this, [this] {
        const QString fileName = askFile(false);
        if (!fileName.isEmpty())
            importRules(fileName);
    });
    connect(ui.exportButton, &QPushButton::clicked, this, [this] {
        if (const QString why = problem(); !why.isEmpty()) {
            showStatus(ui.rulesStatusLabel, tr("Cannot export: %1").arg(why), Tone::Bad);
            return;
        }
        const QString fileName = askFile(true);
        if (!fileName.isEmpty())
            exportRules(fileName);
    });
    showStatus(ui.rulesStatusLabel, {});
    rebuildTable(-1);
}

QString RulesPage::actionText(SmtpRule::Action action)
{
    switch (action) {
    case SmtpRule::Action::Accept:
        return tr("Accept");
    case SmtpRule::Action::Reject:
        return tr("Reject");
    case SmtpRule::Action::Rewrite:
        return tr("Rewrite");
    case SmtpRule::Action::Fail:
        return tr("Fail (inject)");
    }
    return {};
}

bool RulesPage::takesMailbox(SmtpRule::Action action)
{
    // As the rules file has it: a mailbox goes with accept and rewrite rules only.
    return action == SmtpRule::Action::Accept || action == SmtpRule::Action::Rewrite;
}

QString RulesPage::stageText(SmtpRule::Stage stage)
{
    switch (stage) {
    case SmtpRule::Stage::Mail:
        return tr("MAIL FROM (matches the sender)");
    case SmtpRule::Stage::Rcpt:
        return tr("RCPT TO (matches the recipient)");
    case SmtpRule::Stage::Data:
        return tr("End of DATA (matches the sender)");
    case SmtpRule::Stage::Auth:
        return tr("AUTH (matches the user name)");
    }
    return {};
}

void RulesPage::setUpFailureGroup()
{
    m_failureGroup = new QGroupBox(tr("Failure injection"), this);
    m_failureGroup->setObjectName(QStringLiteral("failureGroup"));
    auto *form = new QFormLayout(m_failureGroup);
    m_failureSwitch = new QCheckBox(tr("Apply fail rules (off keeps them but no failure is "
                                       "injected)"),
        m_failureGroup);
    m_failureSwitch->setObjectName(QStringLiteral("failureSwitch"));
    m_failureSwitch->setChecked(true);
    form->addRow(m_failureSwitch);
    m_failureSummaryLabel = new QLabel(m_failureGroup);
    m_failureSummaryLabel->setObjectName(QStringLiteral("failureSummaryLabel"));
    m_failureSummaryLabel->setWordWrap(true);
    form->addRow(m_failureSummaryLabel);

    m_stageCombo = new QComboBox(m_failureGroup);
    m_stageCombo->setObjectName(QStringLiteral("stageCombo"));
    for (SmtpRule::Stage stage : { SmtpRule::Stage::Mail, SmtpRule::Stage::Rcpt,
             SmtpRule::Stage::Data, SmtpRule::Stage::Auth })
        m_stageCombo->addItem(stageText(stage), int(stage));
    m_probabilitySpin = new QSpinBox(m_failureGroup);
    m_probabilitySpin->setObjectName(QStringLiteral("probabilitySpin"));
    m_probabilitySpin->setRange(0, 100);
    m_probabilitySpin->setSuffix(QStringLiteral(" %"));
    m_delaySpin = new QSpinBox(m_failureGroup);
    m_delaySpin->setObjectName(QStringLiteral("delaySpin"));
    m_delaySpin->setRange(0, SmtpRule::MaxDelayMs);
    m_delaySpin->setSingleStep(100);
    m_delaySpin->setSuffix(tr(" ms"));
    m_disconnectCheck = new QCheckBox(tr("Close the connection instead of replying"), this);
    m_disconnectCheck->setObjectName(QStringLiteral("disconnectCheck"));
    const auto addField = [this, form](const QString &label, QWidget *field) {
        auto *labelWidget = new QLabel(label, m_failureGroup);
        labelWidget->setBuddy(field);
        form->addRow(labelWidget, field);
        m_failFields << labelWidget << field;
    };
    addField(tr("S&tage:"), m_stageCombo);
    addField(tr("&Probability:"), m_probabilitySpin);
    addField(tr("De&lay before the reply:"), m_delaySpin);
    form->addRow(m_disconnectCheck);
    m_failFields << m_disconnectCheck;
    const int editorAt = ui.rulesLayout->indexOf(ui.ruleEditorGroup);
    ui.rulesLayout->insertWidget(editorAt + 1, m_failureGroup);

    connect(m_stageCombo, &QComboBox::currentIndexChanged, this, &RulesPage::editorEdited);
    connect(m_probabilitySpin, &QSpinBox::valueChanged, this, &RulesPage::editorEdited);
    connect(m_delaySpin, &QSpinBox::valueChanged, this, &RulesPage::editorEdited);
    connect(m_disconnectCheck, &QCheckBox::toggled, this, &RulesPage::editorEdited);
    connect(m_failureSwitch, &QCheckBox::toggled, this, [this] {
        updateFailureSummary();
        Q_EMIT changed();
    });
}

QString RulesPage::failureSummary(const SmtpRuleSet &rules)
{
    if (!rules.failureInjection())
        return {};
    QStringList parts;
    for (const SmtpRule &rule : rules.failRules()) {
        if (rule.probability() == 0)
            continue;
        QString part
            = QStringLiteral("%1 %2 → %3")
                  .arg(QString::fromLatin1(
                           QMetaEnum::fromType<SmtpRule::Stage>().valueToKey(int(rule.stage())))
                           .toUpper(),
                      rule.match(),
                      rule.disconnect() ? tr("disconnect") : QString::number(rule.code()));
        if (rule.probability() < 100)
            part += QStringLiteral(" (%1 %)").arg(rule.probability());
        if (rule.delayMs() > 0)
            part += tr(" after %1 ms").arg(rule.delayMs());
        parts.append(part);
    }
    if (parts.isEmpty())
        return {};
    return tr("Failure injection on: %1").arg(parts.join(QStringLiteral("; ")));
}

void RulesPage::updateFailureSummary()
{
    const SmtpRuleSet set = ruleSet();
    const int count = int(set.failRules().size());
    QString text;
    if (count == 0)
        text = tr("No fail rules. Add a rule with the action \"Fail (inject)\" to make the "
                  "server answer with an error, late, or not at all.");
    else if (!set.failureInjection())
        text = tr("Off: %n fail rule(s) kept but not applied.", nullptr, count);
    else
        text = failureSummary(set);
    if (text.isEmpty())
        text = tr("On, but no fail rule can strike (probability 0).");
    m_failureSummaryLabel->setText(text);
}

void RulesPage::reset(const AppSettings &s)
{
    const SmtpRuleSet rules = s.server.rules();
    m_rules = rules.rules();
    ui.defaultActionCombo->setCurrentIndex(ui.defaultActionCombo->findData(rules.defaultAccept()));
    m_failureSwitch->setChecked(rules.failureInjection());
    showStatus(ui.rulesStatusLabel, {});
    rebuildTable(m_rules.isEmpty() ? -1 : 0);
}

void RulesPage::apply(AppSettings *s) const
{
    s->server.setRules(ruleSet());
}

SmtpRuleSet RulesPage::ruleSet() const
{
    SmtpRuleSet set;
    set.setDefaultAccept(ui.defaultActionCombo->currentData().toBool());
    set.setFailureInjection(m_failureSwitch->isChecked());
    set.setRules(m_rules);
    return set;
}

QString RulesPage::problem() const
{
    // The configuration names an invalid rule, in the words used everywhere.
    SmtpServerConfig config;
    config.setRules(ruleSet());
    const QList<SmtpServerConfig::Problem> problems = config.problems();
    for (const SmtpServerConfig::Problem &problem : problems) {
        if (problem.setting == SmtpServerConfig::Setting::Rules)
            return problem.text;
    }
    return {};
}

int RulesPage::currentRow() const
{
    const int row = ui.rulesTable->currentRow();
    return row >= 0 && row < m_rules.size() ? row : -1;
}

void RulesPage::rebuildTable(int select)
{
    ui.rulesTable->setRowCount(int(m_rules.size()));
    for (int row = 0; row < m_rules.size(); ++row)
        updateRow(row);
    if (select >= 0 && select < m_rules.size())
        ui.rulesTable->setCurrentCell(select, MatchColumn);
    else
        ui.rulesTable->setCurrentCell(-1, -1);
    populateEditor();
    updateButtons();
    updateTry();
}

void RulesPage::updateRow(int row)
{
    const SmtpRule &rule = m_rules.at(row);
    QString result;
    switch (rule.action()) {
    case SmtpRule::Action::Accept:
        result = tr("delivered");
        break;
    case SmtpRule::Action::Reject:
        result = QString::number(rule.code()) + QLatin1Char(' ')
            + (rule.message().isEmpty() ? QStringLiteral("Mailbox unavailable") : rule.message());
        break;
    case SmtpRule::Action::Rewrite:
        result = QStringLiteral("→ ") + rule.rewriteTo();
        break;
    case SmtpRule::Action::Fail:
        result = QString::fromLatin1(
                     QMetaEnum::fromType<SmtpRule::Stage>().valueToKey(int(rule.stage())))
                     .toUpper()
            + QLatin1Char(' ')
            + (rule.disconnect()
                    ? tr("disconnect")
                    : QString::number(rule.code()) + QLatin1Char(' ') + rule.message());
        if (rule.probability() < 100)
            result += QStringLiteral(" (%1 %)").arg(rule.probability());
        if (rule.delayMs() > 0)
            result += tr(" after %1 ms").arg(rule.delayMs());
        break;
    }
    const QString texts[ColumnCount] = { rule.match(), actionText(rule.action()), result,
        takesMailbox(rule.action()) ? rule.mailbox() : QString() };
    const bool valid = rule.isValid();
    for (int column = 0; column < ColumnCount; ++column) {
        QTableWidgetItem *item = ui.rulesTable->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            ui.rulesTable->setItem(row, column, item);
        }
        item->setText(texts[column]);
        item->setToolTip(valid ? QString() : rule.errorString());
        item->setData(
            Qt::ForegroundRole, valid ? QVariant() : QVariant(toneColor(ui.rulesTable, Tone::Bad)));
        QFont font = ui.rulesTable->font();
        font.setBold(row == m_decidingRow);
        item->setFont(font);
    }
    ui.rulesTable->item(row, MatchColumn)
        ->setIcon(valid ? QIcon() : style()->standardIcon(QStyle::SP_MessageBoxWarning));
}

void RulesPage::populateEditor()
{
    const int row = currentRow();
    m_populating = true;
    const SmtpRule rule = row >= 0 ? m_rules.at(row) : SmtpRule();
    ui.matchEdit->setText(rule.match());
    ui.actionCombo->setCurrentIndex(ui.actionCombo->findData(int(rule.action())));
    ui.rewriteToEdit->setText(rule.rewriteTo());
    ui.mailboxEdit->setText(rule.mailbox());
    ui.codeSpin->setValue(rule.code());
    ui.messageEdit->setText(rule.message());
    m_stageCombo->setCurrentIndex(m_stageCombo->findData(int(rule.stage())));
    m_probabilitySpin->setValue(rule.probability());
    m_delaySpin->setValue(rule.delayMs());
    m_disconnectCheck->setChecked(rule.disconnect());
    m_populating = false;
    ui.ruleEditorGroup->setEnabled(row >= 0);
    ui.ruleEditorGroup->setTitle(row >= 0 ? tr("Rule %1").arg(row + 1) : tr("No rule selected"));
    updateEditorState();
}

void RulesPage::editorEdited()
{
    const int row = currentRow();
    if (m_populating || row < 0)
        return;
    SmtpRule &rule = m_rules[row];
    const auto action = SmtpRule::Action(ui.actionCombo->currentData().toInt());
    if (action == SmtpRule::Action::Fail && rule.action() != action) {
        // A fresh fail rule: a temporary failure, the usual thing to test a retry against.
        m_populating = true;
        ui.codeSpin->setValue(451);
        ui.messageEdit->setText(SmtpRule::defaultFailMessage());
        m_populating = false;
    }
    rule.setMatch(ui.matchEdit->text());
    rule.setAction(action);
    rule.setRewriteTo(ui.rewriteToEdit->text());
    // Kept in the field while another action is chosen, but not in the rule: the rules file
    // refuses a mailbox on a reject or fail rule.
    rule.setMailbox(takesMailbox(action) ? ui.mailboxEdit->text() : QString());
    rule.setCode(ui.codeSpin->value());
    rule.setMessage(ui.messageEdit->text());
    rule.setStage(SmtpRule::Stage(m_stageCombo->currentData().toInt()));
    rule.setProbability(m_probabilitySpin->value());
    rule.setDelayMs(m_delaySpin->value());
    rule.setDisconnect(m_disconnectCheck->isChecked());
    updateRow(row);
    updateEditorState();
    updateTry();
    Q_EMIT changed();
}

void RulesPage::updateEditorState()
{
    const int row = currentRow();
    const auto action = SmtpRule::Action(ui.actionCombo->currentData().toInt());
    const bool reject = action == SmtpRule::Action::Reject;
    const bool rewrite = action == SmtpRule::Action::Rewrite;
    const bool fail = action == SmtpRule::Action::Fail && row >= 0;
    for (QWidget *widget : std::initializer_list<QWidget *> {
             ui.codeLabel, ui.codeSpin, ui.messageLabel, ui.messageEdit })
        widget->setEnabled(reject || fail);
    for (QWidget *widget : std::as_const(m_failFields))
        widget->setEnabled(fail);
    updateFailureSummary();
    ui.rewriteToLabel->setEnabled(rewrite);
    ui.rewriteToEdit->setEnabled(rewrite);
    const bool mailbox = takesMailbox(action) && row >= 0;
    ui.mailboxLabel->setEnabled(mailbox);
    ui.mailboxEdit->setEnabled(mailbox);
    // An invalid name in red, as the command line would refuse it.
    const QString name = ui.mailboxEdit->text();
    QPalette palette;
    if (mailbox && !name.isEmpty() && !SmtpMessage::isValidMailboxName(name))
        palette.setColor(QPalette::Text, toneColor(ui.mailboxEdit, Tone::Bad));
    ui.mailboxEdit->setPalette(palette);
    const QString error = row >= 0 ? m_rules.at(row).errorString() : QString();
    showStatus(ui.ruleErrorLabel, error, Tone::Bad);
}

void RulesPage::updateButtons()
{
    const int row = currentRow();
    ui.removeRuleButton->setEnabled(row >= 0);
    ui.moveUpButton->setEnabled(row > 0);
    ui.moveDownButton->setEnabled(row >= 0 && row + 1 < m_rules.size());
}

QString RulesPage::verdict(
    const SmtpRuleSet &set, const QString &address, bool *accepted, QString *mailbox)
{
    const SmtpRuleDecision decision = set.decide(address);
    *accepted = decision.accepted;
    *mailbox = decision.accepted ? decision.mailbox : QString();
    QString outcome;
    if (!decision.accepted)
        outcome = tr("Rejected with %1 %2").arg(decision.code).arg(decision.message);
    else if (decision.mailbox.isEmpty() && decision.relay)
        outcome = tr("Accepted into Inbox (unless its listener names a mailbox) and released "
                     "to the relay");
    else if (decision.mailbox.isEmpty())
        outcome = tr("Accepted into Inbox (unless its listener names a mailbox)");
    else if (decision.relay)
        outcome = tr("Accepted into mailbox “%1” and released to the relay").arg(decision.mailbox);
    else
        outcome = tr("Accepted into mailbox “%1”").arg(decision.mailbox);
    // A fail rule at RCPT strikes before the other rules are asked.
    if (!set.failureInjection())
        return outcome;
    const QList<SmtpRule> rules = set.rules();
    for (const SmtpRule &rule : rules) {
        if (rule.action() != SmtpRule::Action::Fail || rule.stage() != SmtpRule::Stage::Rcpt
            || !rule.isValid() || rule.probability() == 0 || !rule.matches(address))
            continue;
        const QString failure = rule.disconnect()
            ? tr("the connection is closed without a reply")
            : QStringLiteral("%1 %2").arg(rule.code()).arg(rule.message());
        if (rule.probability() < 100)
            return tr("Fails in %1 % of tries: %2; otherwise: %3")
                .arg(rule.probability())
                .arg(failure, outcome);
        *accepted = false;
        mailbox->clear();
        return tr("Fails: %1").arg(failure);
    }
    return outcome;
}

QString RulesPage::messageVerdict(
    const SmtpRuleSet &set, const QStringList &addresses, QStringList *lines, bool *accepted)
{
    // A message goes to every mailbox the rules that accepted its recipients name; when none
    // names one, to its listener's mailbox or Inbox.
    QStringList mailboxes;
    *accepted = false;
    for (const QString &address : addresses) {
        bool taken = false;
        QString mailbox;
        lines->append(tr("%1: %2").arg(address, verdict(set, address, &taken, &mailbox)));
        *accepted = *accepted || taken;
        if (!mailbox.isEmpty() && !mailboxes.contains(mailbox))
            mailboxes.append(mailbox);
    }
    if (!*accepted)
        return tr("No recipient is accepted: the message is not stored");
    if (mailboxes.isEmpty())
        return tr("The message lands in Inbox (unless its listener names a mailbox)");
    if (mailboxes.size() == 1)
        return tr("The message lands in mailbox “%1”").arg(mailboxes.constFirst());
    return tr("The message lands in the mailboxes %1")
        .arg(QLocale().createSeparatedList(mailboxes));
}

void RulesPage::updateTry()
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    const QStringList addresses = ui.tryAddressEdit->text().split(separators, Qt::SkipEmptyParts);
    int deciding = -1;
    const SmtpRuleSet set = ruleSet();
    QStringList lines;
    bool accepted = false;
    if (addresses.size() > 1) {
        const QString summary = messageVerdict(set, addresses, &lines, &accepted);
        lines.prepend(summary); // the verdict first, then each address's
    } else if (addresses.size() == 1) {
        const QString address = addresses.constFirst();
        QString mailbox;
        lines.append(verdict(set, address, &accepted, &mailbox));
        const SmtpRuleDecision decision = set.decide(address);
        deciding = decision.ruleIndex;
        // Replay the rewrites the decision went through, to show each step.
        QString current = address;
        const int last = decision.ruleIndex >= 0 ? decision.ruleIndex : int(m_rules.size()) - 1;
        for (int i = 0; i <= last && i < m_rules.size(); ++i) {
            const SmtpRule &rule = m_rules.at(i);
            if (!rule.isValid() || rule.action() != SmtpRule::Action::Rewrite)
                continue;
            const QString rewritten = rule.rewrite(current);
            if (rewritten != current) {
                lines.append(tr("Rule %1 rewrites it to %2").arg(i + 1).arg(rewritten));
                current = rewritten;
            }
        }
        if (decision.ruleIndex >= 0) {
            const QString match = m_rules.at(decision.ruleIndex).match();
            lines.append(decision.accepted
                    ? tr("Rule %1 (%2) accepts it").arg(decision.ruleIndex + 1).arg(match)
                    : tr("Rule %1 (%2) rejects it: %3 %4")
                          .arg(decision.ruleIndex + 1)
                          .arg(match)
                          .arg(decision.code)
                          .arg(decision.message));
        } else {
            lines.append(decision.accepted ? tr("No rule decides: accepted by default")
                                           : tr("No rule decides: rejected by default: %1 %2")
                                                 .arg(decision.code)
                                                 .arg(decision.message));
        }
        if (decision.accepted)
            lines.append(tr("Delivered to %1").arg(decision.address));
    }
    if (lines.isEmpty()) {
        showStatus(ui.tryResultLabel, {});
    } else {
        for (int i = 0; i < m_rules.size(); ++i) {
            if (!m_rules.at(i).isValid()) {
                lines.append(tr("Rule %1 is invalid and is skipped.").arg(i + 1));
                break;
            }
        }
        showStatus(
            ui.tryResultLabel, lines.join(QLatin1Char('\n')), accepted ? Tone::Good : Tone::Bad);
    }
    if (deciding != m_decidingRow) {
        const int previous = m_decidingRow;
        m_decidingRow = deciding;
        if (previous >= 0 && previous < m_rules.size())
            updateRow(previous);
        if (deciding >= 0)
            updateRow(deciding);
    }
}

void RulesPage::addRule()
{
    SmtpRule rule;
    rule.setAction(SmtpRule::Action::Reject); // what a catcher's rule is most often for
    m_rules.append(rule);
    rebuildTable(int(m_rules.size()) - 1);
    ui.matchEdit->setFocus();
    Q_EMIT changed();
}

void RulesPage::removeRule()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_rules.removeAt(row);
    rebuildTable(qMin(row, int(m_rules.size()) - 1));
    Q_EMIT changed();
}

void RulesPage::moveRule(int by)
{
    const int row = currentRow();
    const int to = row + by;
    if (row < 0 || to < 0 || to >= m_rules.size())
        return;
    m_rules.move(row, to);
    rebuildTable(to);
    Q_EMIT changed();
}

QString RulesPage::askFile(bool forSaving)
{
    QFileDialog dialog(this, forSaving ? tr("Export Rules") : tr("Import Rules"), m_lastDirectory);
    dialog.setObjectName(QStringLiteral("rulesFileDialog"));
    dialog.setAcceptMode(forSaving ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog.setFileMode(forSaving ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    dialog.setNameFilters({ tr("Rules files (*.json)"), tr("All files (*)") });
    dialog.setDefaultSuffix(QStringLiteral("json"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return {};
    const QString fileName = dialog.selectedFiles().constFirst();
    m_lastDirectory = QFileInfo(fileName).path();
    return fileName;
}

bool RulesPage::importRules(const QString &fileName)
{
    SmtpRuleSet set;
    QString error;
    if (!SmtpRuleSet::load(fileName, &set, &error)) {
        showStatus(ui.rulesStatusLabel, tr("Not imported: %1").arg(error), Tone::Bad);
        return false;
    }
    m_rules = set.rules();
    ui.defaultActionCombo->setCurrentIndex(ui.defaultActionCombo->findData(set.defaultAccept()));
    m_failureSwitch->setChecked(set.failureInjection());
    rebuildTable(m_rules.isEmpty() ? -1 : 0);
    const int count = int(m_rules.size());
    const QString where = QDir::toNativeSeparators(fileName);
    showStatus(ui.rulesStatusLabel,
        count == 1 ? tr("Imported 1 rule from %1; Apply makes it take effect.").arg(where)
                   : tr("Imported %n rules from %1; Apply makes them take effect.", nullptr, count)
                         .arg(where));
    Q_EMIT changed();
    return true;
}

bool RulesPage::exportRules(const QString &fileName)
{
    QString error;
    if (!ruleSet().save(fileName, &error)) {
        showStatus(ui.rulesStatusLabel, tr("Not exported: %1").arg(error), Tone::Bad);
        return false;
    }
    const int count = int(m_rules.size());
    const QString where = QDir::toNativeSeparators(fileName);
    showStatus(ui.rulesStatusLabel,
        count == 1 ? tr("Exported 1 rule to %1.").arg(where)
                   : tr("Exported %n rules to %1.", nullptr, count).arg(where));
    return true;
}
