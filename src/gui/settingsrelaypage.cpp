// The Relay page of the settings dialog (see settingsrelaypage.h).
#include "settingsrelaypage.h"

#include "credentialstore.h"

#include <smtprelay.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace SettingsUi;

namespace {

QLabel *statusLabel(const char *name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->hide();
    return label;
}

} // namespace

RelayPage::RelayPage(QWidget *parent)
    : SettingsPage(parent)
{
    const auto named = [](QWidget *widget, const char *name) {
        widget->setObjectName(QLatin1String(name));
        return widget;
    };
    auto *intro = new QLabel(tr("\"Release…\" on a message sends it unchanged, with its original "
                                "sender, to a real mail server, for example to see it in a real "
                                "mailbox. Leave the host empty to turn releasing off."),
        this);
    intro->setWordWrap(true);

    auto *serverGroup = new QGroupBox(tr("Relay server"), this);
    m_host = new QLineEdit(serverGroup);
    named(m_host, "relayHost");
    m_host->setPlaceholderText(tr("smtp.example.com"));
    m_port = new QSpinBox(serverGroup);
    named(m_port, "relayPort");
    m_port->setRange(1, 65535);
    m_tls = new QComboBox(serverGroup);
    named(m_tls, "relayTls");
    m_tls->addItem(tr("STARTTLS when offered"), int(SmtpClient::TlsMode::Auto));
    m_tls->addItem(tr("STARTTLS, required"), int(SmtpClient::TlsMode::StartTls));
    m_tls->addItem(tr("TLS from the start (port 465)"), int(SmtpClient::TlsMode::Implicit));
    m_tls->addItem(tr("None (plain text)"), int(SmtpClient::TlsMode::None));
    m_acceptSelfSigned
        = new QCheckBox(tr("Accept a self-signed certificate (encrypted, not verified)"));
    named(m_acceptSelfSigned, "relayAcceptSelfSigned");
    m_user = new QLineEdit(serverGroup);
    named(m_user, "relayUser");
    m_user->setPlaceholderText(tr("none: no AUTH"));
    m_password = new QLineEdit(serverGroup);
    named(m_password, "relayPassword");
    m_password->setEchoMode(QLineEdit::Password);
    m_credentials = statusLabel("relayCredentialsLabel", serverGroup);
    auto *serverForm = new QFormLayout(serverGroup);
    serverForm->addRow(tr("&Host:"), m_host);
    serverForm->addRow(tr("&Port:"), m_port);
    serverForm->addRow(tr("&TLS:"), m_tls);
    serverForm->addRow(QString(), m_acceptSelfSigned);
    serverForm->addRow(tr("&User:"), m_user);
    serverForm->addRow(tr("Pass&word:"), m_password);
    serverForm->addRow(QString(), m_credentials);

    auto *allowedGroup = new QGroupBox(tr("Recipients"), this);
    m_allowed = new QLineEdit(allowedGroup);
    named(m_allowed, "relayAllowed");
    m_allowed->setPlaceholderText(tr("anyone"));
    m_allowed->setToolTip(tr("A regular expression a recipient must match in full, ignoring "
                             "case, e.g. .*@example\\.com"));
    m_status = statusLabel("relayStatusLabel", allowedGroup);
    auto *allowedForm = new QFormLayout(allowedGroup);
    allowedForm->addRow(tr("&Allowed recipients:"), m_allowed);
    allowedForm->addRow(QString(), m_status);

    auto *testGroup = new QGroupBox(tr("Test"), this);
    m_testRecipient = new QLineEdit(testGroup);
    named(m_testRecipient, "relayTestRecipient");
    m_testRecipient->setPlaceholderText(tr("you@example.com"));
    m_testButton = new QPushButton(tr("&Send Test Message"), testGroup);
    named(m_testButton, "relayTestButton");
    m_testResult = statusLabel("relayTestResult", testGroup);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testRecipient, 1);
    testRow->addWidget(m_testButton);
    auto *testForm = new QFormLayout(testGroup);
    testForm->addRow(tr("Send a test message &to:"), testRow);
    testForm->addRow(QString(), m_testResult);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(serverGroup);
    layout->addWidget(allowedGroup);
    layout->addWidget(testGroup);
    layout->addStretch(1);

    for (QLineEdit *edit : { m_host, m_user, m_password, m_allowed, m_testRecipient }) {
        connect(edit, &QLineEdit::textChanged, this, &RelayPage::updateState);
        connect(edit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    }
    connect(m_port, &QSpinBox::valueChanged, this, &SettingsPage::changed);
    connect(m_tls, &QComboBox::currentIndexChanged, this, &SettingsPage::changed);
    connect(m_acceptSelfSigned, &QCheckBox::toggled, this, &SettingsPage::changed);
    connect(m_testButton, &QPushButton::clicked, this, &RelayPage::sendTestMessage);
    // Where the password goes is known once the keychain was asked (at start, or on Apply).
    auto *credentials = new CredentialStore(this);
    connect(credentials, &CredentialStore::whereChanged, this, &RelayPage::updateCredentialsLine);
    reset(AppSettings::defaults());
}

RelayPage::~RelayPage() = default;

void RelayPage::reset(const AppSettings &settings)
{
    const RelaySettings &s = settings.relay;
    m_others = s;
    m_host->setText(s.host);
    m_port->setValue(s.port);
    m_tls->setCurrentIndex(qMax(0, m_tls->findData(int(s.tlsMode))));
    m_acceptSelfSigned->setChecked(s.acceptSelfSigned);
    m_user->setText(s.user);
    m_password->setText(s.password);
    m_allowed->setText(s.allowedPattern);
    m_testRecipient->setText(s.testRecipient);
    updateState();
}

RelaySettings RelayPage::shown() const
{
    RelaySettings s = m_others;
    s.host = m_host->text().trimmed();
    s.port = quint16(m_port->value());
    s.tlsMode = SmtpClient::TlsMode(m_tls->currentData().toInt());
    s.acceptSelfSigned = m_acceptSelfSigned->isChecked();
    s.user = m_user->text();
    s.password = m_password->text();
    s.allowedPattern = m_allowed->text();
    s.testRecipient = m_testRecipient->text().trimmed();
    return s;
}

void RelayPage::apply(AppSettings *settings) const
{
    settings->relay = shown();
}

QString RelayPage::problem() const
{
    return shown().problem();
}

void RelayPage::updateState()
{
    const RelaySettings s = shown();
    const QString problem = s.problem();
    showStatus(m_status, problem, problem.isEmpty() ? Tone::Neutral : Tone::Bad);
    m_testButton->setEnabled(
        s.isEnabled() && problem.isEmpty() && !s.testRecipient.isEmpty() && !m_testRelay);
    updateCredentialsLine();
}

void RelayPage::updateCredentialsLine()
{
    const bool any = !m_user->text().isEmpty() || !m_password->text().isEmpty();
    showStatus(m_credentials,
        any ? CredentialStore::description(CredentialStore::lastWhere()) : QString());
}

void RelayPage::sendTestMessage()
{
    const RelaySettings s = shown();
    if (!s.isEnabled() || !s.problem().isEmpty() || s.testRecipient.isEmpty() || m_testRelay)
        return;
    m_testRelay = new SmtpRelay(nullptr, this);
    m_testRelay->setConfig(s.toConfig(QString()));
    showStatus(m_testResult, tr("Sending to %1…").arg(s.toConfig(QString()).address()));
    updateState();
    SmtpRelayJob *job = m_testRelay->sendTestMessage(s.testRecipient, s.testRecipient);
    connect(job, &SmtpRelayJob::finished, this, [this, job] {
        const bool ok = job->isOk();
        const QString text = job->replyText();
        showStatus(m_testResult,
            ok ? tr("The relay accepted the test message: %1").arg(text)
               : tr("The test message was not sent: %1").arg(text),
            ok ? Tone::Good : Tone::Bad);
        m_testRelay->deleteLater();
        m_testRelay = nullptr;
        updateState();
        Q_EMIT testFinished(ok, text);
    });
}
