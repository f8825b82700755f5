// The Server page of the settings dialog: listeners (the SMTP one, the SMTPS one and a table of
// more, each with the mailbox its mail goes to), host name, TLS files, AUTH and limits. What it
// shows is an SmtpServerConfig; the checks are the configuration's own (validate()).
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

    enum ListenerColumn { AddressColumn, MailboxColumn, SmtpsColumn };
    // The listener a row of the table stands for. False, with *problem, when it is not one the
    // server can take (not ADDR:PORT, a bad address, port or mailbox name); *listener then
    // holds what the row says, with an out-of-range port when the text is not ADDR:PORT.
    bool rowListener(int row, SmtpListenerConfig *listener, QString *problem) const;
    void setListenerRow(int row, const SmtpListenerConfig &listener);
    void addListener();
    void removeListeners();
    // Marks invalid rows and mailbox names in red, with the first problem below the table.
    void updateListenerState();

    Ui::SettingsServerPage ui;
};
