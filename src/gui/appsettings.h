// Everything the desktop app lets a user set, persisted with QSettings. The command line
// overrides these values for one run (AppSettings::fromOptions); they are saved only when the
// user applies the settings dialog, which shows (and so saves) what is in effect.
#pragma once

#include "httpapisettings.h"
#include "relaysettings.h"

#include <QString>

#include <smtpserverconfig.h>

struct AppOptions;
class QSettings;
class SmtpServer;

struct AppSettings
{
    // Server: listeners, TLS, AUTH, limits and rules, with the library's defaults. The form
    // and the settings file have one SMTP and one SMTPS listener, then any number of others,
    // each with its mailbox (like --smtp ADDR:PORT=MAILBOX); the listeners are kept in that
    // order: the first SMTP one, the first SMTPS one, then the others as given.
    SmtpServerConfig server;

    // The Mailpit-compatible HTTP API: off by default.
    HttpApiSettings http;

    // Where "Release…" sends messages: off by default. Its password is not saved with the rest
    // (CredentialStore keeps it).
    RelaySettings relay;

    // Storage
    QString databasePath; // empty: SmtpMessageStore::defaultPath()
    qint64 maxMessages = 0;

    // Notifications and tray
    bool notify = true;
    bool minimizeToTray = false;
    bool startMinimized = false;

    static AppSettings defaults() { return {}; }
    static AppSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // The saved settings with whatever the command line set put on top.
    // Only options given on the command line (AppOptions::given) count.
    static AppSettings fromOptions(const AppSettings &saved, const AppOptions &options);
    // The listeners after the form's first SMTP and first SMTPS one, in order.
    static QList<SmtpListenerConfig> extraListeners(const SmtpServerConfig &config);

    // Hands the server configuration to the server (SmtpServer::applyConfiguration()). False
    // and *errorString when it refused; the server then goes on as it was.
    bool applyTo(SmtpServer *target, QString *errorString) const;
};

bool operator==(const AppSettings &a, const AppSettings &b);
inline bool operator!=(const AppSettings &a, const AppSettings &b)
{
    return !(a == b);
}
