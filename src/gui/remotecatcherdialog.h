// "Open Remote Catcher…": the address of another smtp-receiver's HTTP API or a Mailpit, with
// optional Basic auth, and the catchers opened before. The recent ones live in the application's
// settings file; their passwords with CredentialStore (the system keychain, or that file made
// readable by its owner alone).
#pragma once

#include "remotewindow.h"

#include <QDialog>

class CredentialStore;
class QComboBox;
class QLineEdit;
class QSettings;

class RemoteCatcherDialog : public QDialog
{
    Q_OBJECT
public:
    static constexpr int maxRecent = 10;

    explicit RemoteCatcherDialog(QWidget *parent = nullptr);

    RemoteCatcher catcher() const;
    // A catcher's URL as typed: http(s) with a host, else an error text.
    static QString check(const QUrl &url);

    // The recent catchers, newest first, without their passwords (CredentialStore has them,
    // under credentialKey()); remember() puts one first and hands its password to a
    // CredentialStore. A password an older version kept in the settings file is still read.
    static QList<RemoteCatcher> recent(QSettings &settings);
    static void remember(QSettings &settings, const RemoteCatcher &catcher);
    static QString credentialKey(const QUrl &url);

    void accept() override;

private:
    QComboBox *m_url = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QList<RemoteCatcher> m_recent;
    CredentialStore *m_credentials = nullptr;
};
