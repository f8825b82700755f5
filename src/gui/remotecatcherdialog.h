// "Open Remote Catcher…": the address of another smtp-receiver's HTTP API or a Mailpit, with
// optional Basic auth, and the catchers opened before. The recent ones (with their credentials)
// live in the application's settings file, which is then made readable by its owner alone.
#pragma once

#include "remotewindow.h"

#include <QDialog>

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

    // The recent catchers, newest first; remember() puts one first and restricts the settings
    // file to its owner (0600), since it holds passwords.
    static QList<RemoteCatcher> recent(QSettings &settings);
    static void remember(QSettings &settings, const RemoteCatcher &catcher);

    void accept() override;

private:
    QComboBox *m_url = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QList<RemoteCatcher> m_recent;
};
