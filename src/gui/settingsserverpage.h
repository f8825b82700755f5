// The Server page of the settings dialog: listeners, host name, TLS files, AUTH and limits.
// What it shows is an SmtpServerConfig; the checks are the configuration's own (validate()).
#pragma once

#include "settingspage.h"
#include "ui_settingsserverpage.h"

class ServerPage : public SettingsPage
{
    Q_OBJECT
public:
    explicit ServerPage(QWidget *parent = nullptr);
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;
    QString problem() const override;

private:
    struct PemCheck
    {
        QString problem; // keeps the file from being used
        QString summary; // what it holds
        bool warning = false; // usable, but the user should know (an expired certificate)
    };
    static PemCheck checkCertificate(const QString &fileName);
    static PemCheck checkKey(const QString &fileName, const QString &certificate);
    void showPemCheck(QLabel *label, const QString &fileName, const PemCheck &check);
    void updateTlsStatus();
    void updateEnabled();
    void browse(QLineEdit *edit, const QString &title);
    void addCredential();
    void removeCredentials();

    Ui::SettingsServerPage ui;
};
