// The Relay page of the settings dialog: where "Release…" sends a message (host, port, TLS,
// AUTH, a self-signed certificate accepted or not) and to whom it may (the allowed recipients, a
// regular expression checked as it is typed: an invalid one keeps the dialog from applying). A
// test message goes out with what the page shows, and the relay's reply is shown beside it.
// The line under the password says where it is kept (CredentialStore).
#pragma once

#include "settingspage.h"

#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class SmtpRelay;

class RelayPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit RelayPage(QWidget *parent = nullptr);
    ~RelayPage() override;
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;
    QString problem() const override;

public Q_SLOTS:
    // Sends a test message with the settings shown to the test recipient; the relay's final
    // reply, or why it failed, shows under the button (testFinished() follows).
    void sendTestMessage();

Q_SIGNALS:
    void testFinished(bool ok, const QString &text);

private:
    RelaySettings shown() const;
    void updateState();
    void updateCredentialsLine();

    RelaySettings m_others; // what the page does not show (--relay-cert's certificates)
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_tls = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_credentials = nullptr;
    QCheckBox *m_acceptSelfSigned = nullptr;
    QLineEdit *m_allowed = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_testRecipient = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_testResult = nullptr;
    SmtpRelay *m_testRelay = nullptr; // made for each test, with the settings shown then
};
