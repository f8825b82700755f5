#include "settingsdialog.h"

#include "ui_settingsdialog.h"
#include "ui_settingsnotificationspage.h"
#include "ui_settingsrulespage.h"
#include "ui_settingsserverpage.h"
#include "ui_settingsstoragepage.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSet>
#include <QSslCertificate>
#include <QSslKey>
#include <QStyle>
#include <QSysInfo>

#include <smtpmessagestore.h>

#include <algorithm>
#include <functional>

namespace {

enum class Tone { Neutral, Good, Bad };

QColor toneColor(const QWidget *widget, Tone tone)
{
    // Readable on light and on dark palettes alike.
    const bool dark = widget->palette().color(QPalette::Window).lightness() < 128;
    if (tone == Tone::Bad)
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc0, 0x39, 0x2b);
    return dark ? QColor(0x7e, 0xe7, 0x87) : QColor(0x1e, 0x84, 0x49);
}

// A status line under a field: hidden when empty, red for a problem, green for a good sign.
void showStatus(QLabel *label, const QString &text, Tone tone = Tone::Neutral)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
    label->setPalette(QPalette());
    if (tone != Tone::Neutral) {
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, toneColor(label, tone));
        label->setPalette(palette);
    }
}

QString byteSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

} // namespace

// One page of the dialog, in the manner of Kate's config pages: it shows settings (load),
// writes what it shows (save), names what keeps it from being applied (problem) and says
// when anything changed. The dialog keeps the applied and default values, so reset and
// defaults are load() with those.
class SettingsPage : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual void load(const AppSettings &settings) = 0;
    virtual void save(AppSettings *settings) const = 0;
    virtual QString problem() const { return {}; }

Q_SIGNALS:
    void changed();
};

// --- Server ---------------------------------------------------------------------------------

class ServerPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit ServerPage(QWidget *parent = nullptr);
    void load(const AppSettings &settings) override;
    void save(AppSettings *settings) const override;
    QString problem() const override;

private:
    struct PemCheck
    {
        QString problem; // keeps the file from being used
        QString summary; // what it holds
        bool warning = false; // usable, but the user should know (an expired certificate)
    };
    static PemCheck checkCertificate(const QString &fileName);
    static PemCheck checkKey(const QString &fileName);
    void showPemCheck(QLabel *label, const QString &fileName, const PemCheck &check);
    void updateTlsStatus();
    void updateEnabled();
    void browse(QLineEdit *edit, const QString &title);
    void addCredential();
    void removeCredentials();

    Ui::SettingsServerPage ui;
};

ServerPage::ServerPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    ui.hostnameEdit->setPlaceholderText(QSysInfo::machineHostName());
    ui.credentialsTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);

    for (QLineEdit *edit : { ui.smtpAddressEdit, ui.smtpsAddressEdit, ui.hostnameEdit,
             ui.certificateEdit, ui.keyEdit })
        connect(edit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    for (QSpinBox *spin :
        { ui.smtpPortSpin, ui.smtpsPortSpin, ui.idleTimeoutSpin, ui.maxConnectionsSpin })
        connect(spin, &QSpinBox::valueChanged, this, &SettingsPage::changed);
    connect(ui.maxMessageSizeSpin, &QDoubleSpinBox::valueChanged, this, [this](double bytes) {
        ui.maxMessageSizeHint->setText(byteSize(qint64(bytes)));
        Q_EMIT changed();
    });
    for (QAbstractButton *button :
        std::initializer_list<QAbstractButton *> { ui.smtpsEnabledCheck, ui.requireTlsCheck,
            ui.authOffRadio, ui.authAcceptAnyRadio, ui.authCredentialsRadio }) {
        connect(button, &QAbstractButton::toggled, this, &ServerPage::updateEnabled);
        connect(button, &QAbstractButton::toggled, this, &SettingsPage::changed);
    }
    connect(ui.certificateEdit, &QLineEdit::textChanged, this, &ServerPage::updateTlsStatus);
    connect(ui.keyEdit, &QLineEdit::textChanged, this, &ServerPage::updateTlsStatus);
    connect(ui.certificateBrowseButton, &QPushButton::clicked, this,
        [this] { browse(ui.certificateEdit, tr("TLS Certificate")); });
    connect(ui.keyBrowseButton, &QPushButton::clicked, this,
        [this] { browse(ui.keyEdit, tr("TLS Private Key")); });
    connect(ui.credentialsTable, &QTableWidget::itemChanged, this, &SettingsPage::changed);
    connect(
        ui.credentialsTable, &QTableWidget::itemSelectionChanged, this, &ServerPage::updateEnabled);
    connect(ui.addCredentialButton, &QPushButton::clicked, this, &ServerPage::addCredential);
    connect(ui.removeCredentialButton, &QPushButton::clicked, this, &ServerPage::removeCredentials);
    updateTlsStatus();
    updateEnabled();
}

void ServerPage::load(const AppSettings &s)
{
    ui.smtpAddressEdit->setText(s.smtpAddress);
    ui.smtpPortSpin->setValue(s.smtpPort);
    ui.smtpsEnabledCheck->setChecked(s.smtpsEnabled);
    ui.smtpsAddressEdit->setText(s.smtpsAddress);
    ui.smtpsPortSpin->setValue(s.smtpsPort);
    ui.hostnameEdit->setText(s.hostname);
    ui.certificateEdit->setText(s.tlsCertificate);
    ui.keyEdit->setText(s.tlsKey);
    ui.requireTlsCheck->setChecked(s.requireTls);
    switch (s.auth) {
    case AppSettings::Auth::Off:
        ui.authOffRadio->setChecked(true);
        break;
    case AppSettings::Auth::AcceptAny:
        ui.authAcceptAnyRadio->setChecked(true);
        break;
    case AppSettings::Auth::Credentials:
        ui.authCredentialsRadio->setChecked(true);
        break;
    }
    QStringList users = s.credentials.keys();
    users.sort(Qt::CaseInsensitive);
    ui.credentialsTable->setRowCount(0);
    for (const QString &user : std::as_const(users)) {
        const int row = ui.credentialsTable->rowCount();
        ui.credentialsTable->insertRow(row);
        ui.credentialsTable->setItem(row, 0, new QTableWidgetItem(user));
        ui.credentialsTable->setItem(row, 1, new QTableWidgetItem(s.credentials.value(user)));
    }
    ui.maxMessageSizeSpin->setValue(double(s.maxMessageSize));
    ui.maxMessageSizeHint->setText(byteSize(s.maxMessageSize));
    ui.idleTimeoutSpin->setValue(s.idleTimeout);
    ui.maxConnectionsSpin->setValue(s.maxConnections);
    updateTlsStatus();
    updateEnabled();
}

void ServerPage::save(AppSettings *s) const
{
    s->smtpAddress = ui.smtpAddressEdit->text();
    s->smtpPort = quint16(ui.smtpPortSpin->value());
    s->smtpsEnabled = ui.smtpsEnabledCheck->isChecked();
    s->smtpsAddress = ui.smtpsAddressEdit->text();
    s->smtpsPort = quint16(ui.smtpsPortSpin->value());
    s->hostname = ui.hostnameEdit->text();
    s->tlsCertificate = ui.certificateEdit->text();
    s->tlsKey = ui.keyEdit->text();
    s->requireTls = ui.requireTlsCheck->isChecked();
    if (ui.authCredentialsRadio->isChecked())
        s->auth = AppSettings::Auth::Credentials;
    else if (ui.authAcceptAnyRadio->isChecked())
        s->auth = AppSettings::Auth::AcceptAny;
    else
        s->auth = AppSettings::Auth::Off;
    s->credentials.clear();
    for (int row = 0; row < ui.credentialsTable->rowCount(); ++row) {
        const QTableWidgetItem *user = ui.credentialsTable->item(row, 0);
        const QTableWidgetItem *password = ui.credentialsTable->item(row, 1);
        if (user && !user->text().isEmpty())
            s->credentials.insert(user->text(), password ? password->text() : QString());
    }
    s->maxMessageSize = qint64(ui.maxMessageSizeSpin->value());
    s->idleTimeout = ui.idleTimeoutSpin->value();
    s->maxConnections = ui.maxConnectionsSpin->value();
}

QString ServerPage::problem() const
{
    AppSettings s;
    save(&s);
    const auto smtpAddress = AppSettings::parseAddress(s.smtpAddress);
    if (!smtpAddress)
        return tr("The SMTP address “%1” is not an IP address (for example 127.0.0.1, "
                  "0.0.0.0 or ::1).")
            .arg(s.smtpAddress);
    if (s.smtpsEnabled) {
        const auto smtpsAddress
            = s.smtpsAddress.isEmpty() ? smtpAddress : AppSettings::parseAddress(s.smtpsAddress);
        if (!smtpsAddress)
            return tr("The SMTPS address “%1” is not an IP address.").arg(s.smtpsAddress);
        if (*smtpsAddress == *smtpAddress && s.smtpPort != 0 && s.smtpPort == s.smtpsPort)
            return tr("SMTP and SMTPS cannot both listen on port %1.").arg(s.smtpPort);
        if (s.tlsCertificate.isEmpty())
            return tr("SMTPS needs a TLS certificate and key.");
    }
    for (const QChar c : s.hostname) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return tr("The host name “%1” must not contain spaces.").arg(s.hostname);
    }
    if (s.tlsCertificate.isEmpty() != s.tlsKey.isEmpty())
        return s.tlsCertificate.isEmpty() ? tr("A TLS key needs its certificate.")
                                          : tr("A TLS certificate needs its private key.");
    if (!s.tlsCertificate.isEmpty()) {
        const PemCheck certificate = checkCertificate(s.tlsCertificate);
        if (!certificate.problem.isEmpty())
            return tr("TLS certificate: %1").arg(certificate.problem);
        const PemCheck key = checkKey(s.tlsKey);
        if (!key.problem.isEmpty())
            return tr("TLS private key: %1").arg(key.problem);
    }
    if (s.requireTls && s.tlsCertificate.isEmpty())
        return tr("Requiring TLS needs a certificate and a key.");
    if (s.auth == AppSettings::Auth::Credentials) {
        QSet<QString> seen;
        for (int row = 0; row < ui.credentialsTable->rowCount(); ++row) {
            const QTableWidgetItem *user = ui.credentialsTable->item(row, 0);
            const QTableWidgetItem *password = ui.credentialsTable->item(row, 1);
            const QString name = user ? user->text() : QString();
            if (name.isEmpty()) {
                if (password && !password->text().isEmpty())
                    return tr("A user in the AUTH table has a password but no name.");
                continue;
            }
            if (seen.contains(name))
                return tr("The user “%1” is in the AUTH table twice.").arg(name);
            seen.insert(name);
        }
        if (seen.isEmpty())
            return tr("Add at least one user to the AUTH table, or choose another AUTH setting.");
    }
    return {};
}

ServerPage::PemCheck ServerPage::checkCertificate(const QString &fileName)
{
    PemCheck check;
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        check.problem = tr("cannot read %1: %2").arg(fileName, file.errorString());
        return check;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull()) {
        check.problem = tr("%1 holds no PEM certificate").arg(fileName);
        return check;
    }
    const QSslCertificate &certificate = chain.constFirst();
    QString subject
        = certificate.subjectInfo(QSslCertificate::CommonName).join(QStringLiteral(", "));
    if (subject.isEmpty())
        subject = certificate.subjectDisplayName();
    const QString expiry
        = QLocale().toString(certificate.expiryDate().toLocalTime().date(), QLocale::ShortFormat);
    if (certificate.expiryDate() < QDateTime::currentDateTimeUtc()) {
        check.warning = true;
        check.summary
            = tr("Certificate for %1, expired on %2: clients that check it will refuse it")
                  .arg(subject, expiry);
    } else {
        check.summary = tr("Certificate for %1, valid until %2").arg(subject, expiry);
    }
    if (chain.size() > 1)
        check.summary += tr(" (and %n more in the chain)", nullptr, int(chain.size() - 1));
    return check;
}

ServerPage::PemCheck ServerPage::checkKey(const QString &fileName)
{
    PemCheck check;
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        check.problem = tr("cannot read %1: %2").arg(fileName, file.errorString());
        return check;
    }
    const QByteArray pem = file.readAll();
    // The same algorithms, in the same order, as SmtpServer::setTlsCertificate.
    const std::pair<QSsl::KeyAlgorithm, const char *> algorithms[]
        = { { QSsl::Rsa, "RSA" }, { QSsl::Ec, "EC" }, { QSsl::Dsa, "DSA" } };
    for (const auto &[algorithm, name] : algorithms) {
        const QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            check.summary
                = tr("%1 private key, %2 bits").arg(QLatin1String(name)).arg(key.length());
            return check;
        }
    }
    check.problem = pem.contains("ENCRYPTED")
        ? tr("the key in %1 is encrypted; the server needs it without a passphrase").arg(fileName)
        : tr("%1 holds no PEM private key").arg(fileName);
    return check;
}

void ServerPage::showPemCheck(QLabel *label, const QString &fileName, const PemCheck &check)
{
    if (fileName.isEmpty())
        showStatus(label, {});
    else if (!check.problem.isEmpty())
        showStatus(label, check.problem, Tone::Bad);
    else
        showStatus(label, check.summary, check.warning ? Tone::Bad : Tone::Good);
}

void ServerPage::updateTlsStatus()
{
    const QString certificate = ui.certificateEdit->text();
    const QString key = ui.keyEdit->text();
    showPemCheck(ui.certificateStatusLabel, certificate,
        certificate.isEmpty() ? PemCheck() : checkCertificate(certificate));
    showPemCheck(ui.keyStatusLabel, key, key.isEmpty() ? PemCheck() : checkKey(key));
}

void ServerPage::updateEnabled()
{
    const bool smtps = ui.smtpsEnabledCheck->isChecked();
    for (QWidget *widget : std::initializer_list<QWidget *> {
             ui.smtpsAddressLabel, ui.smtpsAddressEdit, ui.smtpsPortLabel, ui.smtpsPortSpin })
        widget->setEnabled(smtps);
    const bool credentials = ui.authCredentialsRadio->isChecked();
    ui.credentialsTable->setEnabled(credentials);
    ui.addCredentialButton->setEnabled(credentials);
    ui.removeCredentialButton->setEnabled(
        credentials && !ui.credentialsTable->selectedItems().isEmpty());
}

void ServerPage::browse(QLineEdit *edit, const QString &title)
{
    const QString start = edit->text().isEmpty() ? QString() : QFileInfo(edit->text()).path();
    const QString fileName = QFileDialog::getOpenFileName(
        this, title, start, tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)"));
    if (!fileName.isEmpty())
        edit->setText(fileName);
}

void ServerPage::addCredential()
{
    const int row = ui.credentialsTable->rowCount();
    ui.credentialsTable->insertRow(row);
    ui.credentialsTable->setItem(row, 0, new QTableWidgetItem);
    ui.credentialsTable->setItem(row, 1, new QTableWidgetItem);
    ui.credentialsTable->setCurrentCell(row, 0);
    ui.credentialsTable->editItem(ui.credentialsTable->item(row, 0));
    Q_EMIT changed();
}

void ServerPage::removeCredentials()
{
    QList<int> rows;
    const auto ranges = ui.credentialsTable->selectedRanges();
    for (const QTableWidgetSelectionRange &range : ranges) {
        for (int row = range.topRow(); row <= range.bottomRow(); ++row)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int row : std::as_const(rows))
        ui.credentialsTable->removeRow(row);
    updateEnabled();
    Q_EMIT changed();
}

// --- Rules ----------------------------------------------------------------------------------

class RulesPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit RulesPage(QWidget *parent = nullptr);
    void load(const AppSettings &settings) override;
    void save(AppSettings *settings) const override;
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

RulesPage::RulesPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    for (SmtpRule::Action action :
        { SmtpRule::Action::Accept, SmtpRule::Action::Reject, SmtpRule::Action::Rewrite })
        ui.actionCombo->addItem(actionText(action), int(action));
    ui.defaultActionCombo->addItem(tr("Accept the address"), true);
    ui.defaultActionCombo->addItem(tr("Reject it with 550 Mailbox unavailable"), false);
    QHeaderView *header = ui.rulesTable->horizontalHeader();
    header->setSectionResizeMode(MatchColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(ActionColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ResultColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);

    connect(ui.rulesTable, &QTableWidget::currentCellChanged, this, [this] {
        populateEditor();
        updateButtons();
    });
    connect(ui.matchEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
    connect(ui.rewriteToEdit, &QLineEdit::textChanged, this, &RulesPage::editorEdited);
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
    }
    return {};
}

void RulesPage::load(const AppSettings &s)
{
    m_rules = s.rules.rules();
    ui.defaultActionCombo->setCurrentIndex(
        ui.defaultActionCombo->findData(s.rules.defaultAccept()));
    showStatus(ui.rulesStatusLabel, {});
    rebuildTable(m_rules.isEmpty() ? -1 : 0);
}

void RulesPage::save(AppSettings *s) const
{
    s->rules = ruleSet();
}

SmtpRuleSet RulesPage::ruleSet() const
{
    SmtpRuleSet set;
    set.setDefaultAccept(ui.defaultActionCombo->currentData().toBool());
    set.setRules(m_rules);
    return set;
}

QString RulesPage::problem() const
{
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        const SmtpRule &rule = m_rules.at(i);
        if (!rule.isValid())
            return tr("Rule %1 (“%2”): %3").arg(i + 1).arg(rule.match(), rule.errorString());
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
    }
    const QString texts[] = { rule.match(), actionText(rule.action()), result };
    const bool valid = rule.isValid();
    for (int column = 0; column < 3; ++column) {
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
    ui.codeSpin->setValue(rule.code());
    ui.messageEdit->setText(rule.message());
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
    rule.setMatch(ui.matchEdit->text());
    rule.setAction(SmtpRule::Action(ui.actionCombo->currentData().toInt()));
    rule.setRewriteTo(ui.rewriteToEdit->text());
    rule.setCode(ui.codeSpin->value());
    rule.setMessage(ui.messageEdit->text());
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
    for (QWidget *widget : std::initializer_list<QWidget *> {
             ui.codeLabel, ui.codeSpin, ui.messageLabel, ui.messageEdit })
        widget->setEnabled(reject);
    ui.rewriteToLabel->setEnabled(rewrite);
    ui.rewriteToEdit->setEnabled(rewrite);
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

void RulesPage::updateTry()
{
    const QString address = ui.tryAddressEdit->text().trimmed();
    int deciding = -1;
    if (address.isEmpty()) {
        showStatus(ui.tryResultLabel, {});
    } else {
        const SmtpRuleSet set = ruleSet();
        const SmtpRuleDecision decision = set.decide(address);
        deciding = decision.ruleIndex;
        QStringList lines;
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
        for (int i = 0; i < m_rules.size(); ++i) {
            if (!m_rules.at(i).isValid()) {
                lines.append(tr("Rule %1 is invalid and is skipped.").arg(i + 1));
                break;
            }
        }
        showStatus(ui.tryResultLabel, lines.join(QLatin1Char('\n')),
            decision.accepted ? Tone::Good : Tone::Bad);
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

// --- Storage --------------------------------------------------------------------------------

class StoragePage : public SettingsPage
{
    Q_OBJECT
public:
    explicit StoragePage(QWidget *parent = nullptr);
    void load(const AppSettings &settings) override;
    void save(AppSettings *settings) const override;

Q_SIGNALS:
    void deleteAllRequested();

private:
    void browse();
    void confirmDeleteAll();

    Ui::SettingsStoragePage ui;
};

StoragePage::StoragePage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    ui.databaseEdit->setPlaceholderText(QDir::toNativeSeparators(SmtpMessageStore::defaultPath()));
    ui.maxMessagesSpin->setRange(0, double(qint64(1) << 40));
    connect(ui.databaseEdit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    connect(ui.maxMessagesSpin, &QDoubleSpinBox::valueChanged, this, &SettingsPage::changed);
    connect(ui.databaseBrowseButton, &QPushButton::clicked, this, &StoragePage::browse);
    connect(ui.deleteAllButton, &QPushButton::clicked, this, &StoragePage::confirmDeleteAll);
}

void StoragePage::load(const AppSettings &s)
{
    ui.databaseEdit->setText(s.databasePath);
    ui.maxMessagesSpin->setValue(double(s.maxMessages));
}

void StoragePage::save(AppSettings *s) const
{
    s->databasePath = ui.databaseEdit->text();
    s->maxMessages = qint64(ui.maxMessagesSpin->value());
}

void StoragePage::browse()
{
    const QString current = ui.databaseEdit->text().isEmpty() ? SmtpMessageStore::defaultPath()
                                                              : ui.databaseEdit->text();
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Message Database"), current,
        tr("SQLite databases (*.sqlite *.db);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (!fileName.isEmpty())
        ui.databaseEdit->setText(fileName);
}

void StoragePage::confirmDeleteAll()
{
    QMessageBox box(QMessageBox::Warning, tr("Delete All Messages"),
        tr("Delete every stored message? This cannot be undone."),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteAllConfirmation"));
    box.button(QMessageBox::Yes)->setText(tr("Delete All"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() == QMessageBox::Yes)
        Q_EMIT deleteAllRequested();
}

// --- Notifications and tray -----------------------------------------------------------------

class NotificationsPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit NotificationsPage(QWidget *parent = nullptr)
        : SettingsPage(parent)
    {
        ui.setupUi(this);
        for (QCheckBox *check : { ui.notifyCheck, ui.minimizeToTrayCheck, ui.startMinimizedCheck })
            connect(check, &QCheckBox::toggled, this, &SettingsPage::changed);
    }
    void load(const AppSettings &s) override
    {
        ui.notifyCheck->setChecked(s.notify);
        ui.minimizeToTrayCheck->setChecked(s.minimizeToTray);
        ui.startMinimizedCheck->setChecked(s.startMinimized);
    }
    void save(AppSettings *s) const override
    {
        s->notify = ui.notifyCheck->isChecked();
        s->minimizeToTray = ui.minimizeToTrayCheck->isChecked();
        s->startMinimized = ui.startMinimizedCheck->isChecked();
    }

private:
    Ui::SettingsNotificationsPage ui;
};

// --- The dialog -----------------------------------------------------------------------------

class SettingsDialogPrivate
{
public:
    SettingsDialogPrivate(const AppSettings &current, SettingsDialog::ApplyFunction function)
        : applied(current)
        , apply(std::move(function))
    { }

    void loadPages(const AppSettings &settings);
    void updateState(SettingsDialog *q);
    void setError(const QString &text);
    QPushButton *button(QDialogButtonBox::StandardButton which) const
    {
        return ui.buttonBox->button(which);
    }

    Ui::SettingsDialog ui;
    AppSettings applied; // what the owner runs with: the constructor's or the last applied
    SettingsDialog::ApplyFunction apply;
    QList<SettingsPage *> pages; // in the order of SettingsDialog::Page
    bool loading = false;
    bool modified = false;
};

void SettingsDialogPrivate::loadPages(const AppSettings &settings)
{
    loading = true;
    for (SettingsPage *page : std::as_const(pages))
        page->load(settings);
    loading = false;
}

void SettingsDialogPrivate::updateState(SettingsDialog *q)
{
    if (loading)
        return;
    const AppSettings shown = q->settings();
    const bool nowModified = shown != applied;
    button(QDialogButtonBox::Apply)->setEnabled(nowModified);
    button(QDialogButtonBox::Reset)->setEnabled(nowModified);
    button(QDialogButtonBox::RestoreDefaults)->setEnabled(shown != AppSettings::defaults());
    if (nowModified != modified) {
        modified = nowModified;
        Q_EMIT q->modifiedChanged(modified);
    }
}

void SettingsDialogPrivate::setError(const QString &text)
{
    showStatus(ui.errorLabel, text, Tone::Bad);
}

SettingsDialog::SettingsDialog(const AppSettings &current, ApplyFunction apply, QWidget *parent)
    : QDialog(parent)
    , d_ptr(new SettingsDialogPrivate(current, std::move(apply)))
{
    Q_D(SettingsDialog);
    d->ui.setupUi(this);

    auto *storage = new StoragePage;
    connect(storage, &StoragePage::deleteAllRequested, this, &SettingsDialog::deleteAllRequested);
    const struct
    {
        SettingsPage *page;
        const char *icon;
        QStyle::StandardPixmap fallback;
        QString title;
    } pages[] = {
        { new ServerPage, "network-server", QStyle::SP_DriveNetIcon, tr("Server") },
        { new RulesPage, "view-filter", QStyle::SP_FileDialogListView, tr("Rules") },
        { storage, "drive-harddisk", QStyle::SP_DriveHDIcon, tr("Storage") },
        { new NotificationsPage, "preferences-desktop-notification",
            QStyle::SP_MessageBoxInformation, tr("Notifications and Tray") },
    };
    for (const auto &entry : pages) {
        auto *scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(entry.page);
        d->ui.pageStack->addWidget(scroll);
        const QIcon icon
            = QIcon::fromTheme(QLatin1String(entry.icon), style()->standardIcon(entry.fallback));
        new QListWidgetItem(icon, entry.title, d->ui.pageList);
        d->pages.append(entry.page);
        connect(entry.page, &SettingsPage::changed, this, [this] { d_func()->updateState(this); });
    }
    d->ui.pageList->setFixedWidth(
        d->ui.pageList->sizeHintForColumn(0) + 2 * d->ui.pageList->frameWidth() + 16);
    connect(d->ui.pageList, &QListWidget::currentRowChanged, d->ui.pageStack,
        &QStackedWidget::setCurrentIndex);
    d->ui.pageList->setCurrentRow(0);

    connect(
        d->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(d->button(QDialogButtonBox::Reset), &QPushButton::clicked, this,
        &SettingsDialog::resetToApplied);
    connect(d->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        &SettingsDialog::restoreDefaults);
    connect(d->ui.buttonBox, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(d->ui.buttonBox, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    d->loadPages(d->applied);
    d->setError({});
    d->updateState(this);
}

SettingsDialog::~SettingsDialog()
{
    // ~QDialog hides the window, which can make an open cell editor commit and a page report a
    // change; by then the private part is gone.
    Q_D(SettingsDialog);
    for (SettingsPage *page : std::as_const(d->pages))
        disconnect(page, nullptr, this, nullptr);
}

AppSettings SettingsDialog::settings() const
{
    Q_D(const SettingsDialog);
    AppSettings shown = d->applied;
    for (const SettingsPage *page : d->pages)
        page->save(&shown);
    return shown;
}

bool SettingsDialog::isModified() const
{
    Q_D(const SettingsDialog);
    return settings() != d->applied;
}

QString SettingsDialog::errorText() const
{
    Q_D(const SettingsDialog);
    return d->ui.errorLabel->text();
}

void SettingsDialog::setCurrentPage(Page page)
{
    Q_D(SettingsDialog);
    d->ui.pageList->setCurrentRow(int(page));
}

QWidget *SettingsDialog::page(Page page) const
{
    Q_D(const SettingsDialog);
    return d->pages.value(int(page));
}

bool SettingsDialog::apply()
{
    Q_D(SettingsDialog);
    for (qsizetype i = 0; i < d->pages.size(); ++i) {
        const QString problem = d->pages.at(i)->problem();
        if (!problem.isEmpty()) {
            setCurrentPage(Page(i));
            d->setError(problem);
            return false;
        }
    }
    const AppSettings shown = settings();
    QString error;
    if (d->apply && !d->apply(shown, &error)) {
        d->setError(error.isEmpty() ? tr("The settings could not be applied.") : error);
        return false;
    }
    d->applied = shown;
    d->setError({});
    d->updateState(this);
    Q_EMIT applied(shown);
    return true;
}

void SettingsDialog::resetToApplied()
{
    Q_D(SettingsDialog);
    d->loadPages(d->applied);
    d->setError({});
    d->updateState(this);
}

void SettingsDialog::restoreDefaults()
{
    Q_D(SettingsDialog);
    d->loadPages(AppSettings::defaults());
    d->setError({});
    d->updateState(this);
}

void SettingsDialog::accept()
{
    if (isModified() && !apply())
        return;
    QDialog::accept();
}

#include "settingsdialog.moc"
