// Everything the desktop app lets a user set, persisted with QSettings. The command line
// overrides these values for one run (AppSettings::fromOptions); they are saved only when the
// user applies the settings dialog, which shows (and so saves) what is in effect.
#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QHostAddress>
#include <QString>

#include <optional>
#include <smtprules.h>

struct AppOptions;
class QSettings;
class SmtpServer;

struct AppSettings
{
    Q_DECLARE_TR_FUNCTIONS(AppSettings)

public:
    // Server
    QString smtpAddress = QStringLiteral("127.0.0.1");
    quint16 smtpPort = 1025;
    bool smtpsEnabled = false;
    QString smtpsAddress; // empty: the SMTP address
    quint16 smtpsPort = 1465;
    QString hostname; // empty: the machine's name
    QString tlsCertificate;
    QString tlsKey;
    bool requireTls = false;
    enum class Auth { Off, AcceptAny, Credentials };
    Auth auth = Auth::Off;
    QHash<QString, QString> credentials;
    qint64 maxMessageSize = 26214400;
    int idleTimeout = 300;
    int maxConnections = 1000;

    // Rules
    SmtpRuleSet rules;

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

    // Configures a server (listening again when the address changed). False and *errorString
    // when a certificate cannot be read or an address cannot be listened on; the server keeps
    // listening where it was in that case.
    bool applyTo(SmtpServer *server, QString *errorString) const;

    // "127.0.0.1", "::1", "[::1]", "0.0.0.0", "localhost"; nullopt for anything else.
    static std::optional<QHostAddress> parseAddress(const QString &text);

    friend bool operator==(const AppSettings &a, const AppSettings &b);
    friend bool operator!=(const AppSettings &a, const AppSettings &b) { return !(a == b); }
};
