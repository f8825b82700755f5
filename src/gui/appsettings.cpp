#include "appsettings.h"

#include "commandline.h"

#include <QLoggingCategory>
#include <QSettings>
#include <QSslConfiguration>
#include <QSysInfo>
#include <limits>
#include <smtpserver.h>

Q_LOGGING_CATEGORY(lcAppSettings, "smtpreceiver.gui.settings")

namespace {

// Keys, grouped as the dialog's pages are.
const auto keySmtpAddress = QStringLiteral("server/smtpAddress");
const auto keySmtpPort = QStringLiteral("server/smtpPort");
const auto keySmtpsEnabled = QStringLiteral("server/smtpsEnabled");
const auto keySmtpsAddress = QStringLiteral("server/smtpsAddress");
const auto keySmtpsPort = QStringLiteral("server/smtpsPort");
const auto keyHostname = QStringLiteral("server/hostname");
const auto keyTlsCertificate = QStringLiteral("server/tlsCertificate");
const auto keyTlsKey = QStringLiteral("server/tlsKey");
const auto keyRequireTls = QStringLiteral("server/requireTls");
const auto keyAuth = QStringLiteral("server/auth");
const auto keyCredentials = QStringLiteral("server/credentials");
const auto keyUser = QStringLiteral("user");
const auto keyPassword = QStringLiteral("password");
const auto keyMaxMessageSize = QStringLiteral("server/maxMessageSize");
const auto keyIdleTimeout = QStringLiteral("server/idleTimeout");
const auto keyMaxConnections = QStringLiteral("server/maxConnections");
const auto keyRules = QStringLiteral("rules/json");
const auto keyDatabase = QStringLiteral("storage/database");
const auto keyMaxMessages = QStringLiteral("storage/maxMessages");
const auto keyNotify = QStringLiteral("notifications/notify");
const auto keyMinimizeToTray = QStringLiteral("notifications/minimizeToTray");
const auto keyStartMinimized = QStringLiteral("notifications/startMinimized");

QString authName(AppSettings::Auth auth)
{
    switch (auth) {
    case AppSettings::Auth::Off:
        return QStringLiteral("off");
    case AppSettings::Auth::AcceptAny:
        return QStringLiteral("accept-any");
    case AppSettings::Auth::Credentials:
        return QStringLiteral("credentials");
    }
    return QStringLiteral("off");
}

// A number from the settings file, or the fallback when it is missing, not a number or out of
// range (a hand-edited file must not give the server a negative port).
qint64 number(
    const QSettings &settings, const QString &key, qint64 fallback, qint64 minimum, qint64 maximum)
{
    const QVariant value = settings.value(key);
    if (!value.isValid())
        return fallback;
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < minimum || n > maximum) {
        qCWarning(lcAppSettings) << "ignoring" << key << "=" << value;
        return fallback;
    }
    return n;
}

bool boolean(const QSettings &settings, const QString &key, bool fallback)
{
    return settings.value(key, fallback).toBool();
}

QString defaultHostname()
{
    const QString name = QSysInfo::machineHostName();
    return name.isEmpty() ? QStringLiteral("localhost") : name;
}

struct Listener
{
    bool listening = false;
    QHostAddress address;
    quint16 port = 0;
};

Listener plainListener(const SmtpServer *server)
{
    const bool listening = server->serverPort() > 0;
    return { listening, server->serverAddress(), quint16(server->serverPort()) };
}

Listener tlsListener(const SmtpServer *server)
{
    const bool listening = server->tlsServerPort() > 0;
    return { listening, server->tlsServerAddress(), quint16(server->tlsServerPort()) };
}

// Whether a listener must be (re)opened to listen on address:port; port 0 means "any free
// port", which the current listener already is when it is on that address.
bool needsListen(const Listener &current, const QHostAddress &address, quint16 port)
{
    if (!current.listening || current.address != address)
        return true;
    return port != 0 && port != current.port;
}

} // namespace

std::optional<QHostAddress> AppSettings::parseAddress(const QString &text)
{
    QString host = text.trimmed();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress address;
    if (host.isEmpty() || !address.setAddress(host))
        return std::nullopt;
    return address;
}

AppSettings AppSettings::load(QSettings &settings)
{
    AppSettings s;
    s.smtpAddress = settings.value(keySmtpAddress, s.smtpAddress).toString();
    s.smtpPort = quint16(number(settings, keySmtpPort, s.smtpPort, 0, 65535));
    s.smtpsEnabled = boolean(settings, keySmtpsEnabled, s.smtpsEnabled);
    s.smtpsAddress = settings.value(keySmtpsAddress, s.smtpsAddress).toString();
    s.smtpsPort = quint16(number(settings, keySmtpsPort, s.smtpsPort, 0, 65535));
    s.hostname = settings.value(keyHostname, s.hostname).toString();
    s.tlsCertificate = settings.value(keyTlsCertificate, s.tlsCertificate).toString();
    s.tlsKey = settings.value(keyTlsKey, s.tlsKey).toString();
    s.requireTls = boolean(settings, keyRequireTls, s.requireTls);
    const QString auth = settings.value(keyAuth, authName(s.auth)).toString();
    for (Auth mode : { Auth::Off, Auth::AcceptAny, Auth::Credentials }) {
        if (auth == authName(mode))
            s.auth = mode;
    }
    const int count = settings.beginReadArray(keyCredentials);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        const QString user = settings.value(keyUser).toString();
        if (!user.isEmpty())
            s.credentials.insert(user, settings.value(keyPassword).toString());
    }
    settings.endArray();
    s.maxMessageSize = number(
        settings, keyMaxMessageSize, s.maxMessageSize, 1, std::numeric_limits<qint64>::max());
    s.idleTimeout = int(number(settings, keyIdleTimeout, s.idleTimeout, 1, 86400));
    s.maxConnections = int(number(settings, keyMaxConnections, s.maxConnections, 1, 1000000));

    const QString rulesJson = settings.value(keyRules).toString();
    if (!rulesJson.isEmpty()) {
        QString error;
        if (!SmtpRuleSet::fromJson(rulesJson.toUtf8(), &s.rules, &error))
            qCWarning(lcAppSettings) << "ignoring the saved rules:" << error;
    }

    s.databasePath = settings.value(keyDatabase, s.databasePath).toString();
    s.maxMessages
        = number(settings, keyMaxMessages, s.maxMessages, 0, std::numeric_limits<qint64>::max());

    s.notify = boolean(settings, keyNotify, s.notify);
    s.minimizeToTray = boolean(settings, keyMinimizeToTray, s.minimizeToTray);
    s.startMinimized = boolean(settings, keyStartMinimized, s.startMinimized);
    return s;
}

void AppSettings::save(QSettings &settings) const
{
    settings.setValue(keySmtpAddress, smtpAddress);
    settings.setValue(keySmtpPort, smtpPort);
    settings.setValue(keySmtpsEnabled, smtpsEnabled);
    settings.setValue(keySmtpsAddress, smtpsAddress);
    settings.setValue(keySmtpsPort, smtpsPort);
    settings.setValue(keyHostname, hostname);
    settings.setValue(keyTlsCertificate, tlsCertificate);
    settings.setValue(keyTlsKey, tlsKey);
    settings.setValue(keyRequireTls, requireTls);
    settings.setValue(keyAuth, authName(auth));
    settings.remove(keyCredentials); // the array may shrink
    QStringList users = credentials.keys();
    users.sort(); // a stable file
    settings.beginWriteArray(keyCredentials, int(users.size()));
    for (int i = 0; i < users.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(keyUser, users.at(i));
        settings.setValue(keyPassword, credentials.value(users.at(i)));
    }
    settings.endArray();
    settings.setValue(keyMaxMessageSize, maxMessageSize);
    settings.setValue(keyIdleTimeout, idleTimeout);
    settings.setValue(keyMaxConnections, maxConnections);

    settings.setValue(keyRules, QString::fromUtf8(rules.toJson()));

    settings.setValue(keyDatabase, databasePath);
    settings.setValue(keyMaxMessages, maxMessages);

    settings.setValue(keyNotify, notify);
    settings.setValue(keyMinimizeToTray, minimizeToTray);
    settings.setValue(keyStartMinimized, startMinimized);
}

AppSettings AppSettings::fromOptions(const AppSettings &saved, const AppOptions &options)
{
    AppSettings s = saved;
    const auto given
        = [&options](const char *name) { return options.given.contains(QLatin1String(name)); };
    if (given("smtp")) {
        s.smtpAddress = options.smtp.address.toString();
        s.smtpPort = options.smtp.port;
    }
    if (given("smtps") && options.smtps) {
        s.smtpsEnabled = true;
        const QString address = options.smtps->address.toString();
        s.smtpsAddress = address == s.smtpAddress ? QString() : address;
        s.smtpsPort = options.smtps->port;
    }
    if (given("hostname"))
        s.hostname = options.hostname;
    if (given("tls-cert"))
        s.tlsCertificate = options.tlsCert;
    if (given("tls-key"))
        s.tlsKey = options.tlsKey;
    if (given("require-tls"))
        s.requireTls = options.requireTls;
    if (given("auth") && !options.credentials.isEmpty()) {
        s.auth = Auth::Credentials;
        s.credentials = options.credentials;
    } else if (given("auth-accept-any") && options.authAcceptAny) {
        s.auth = Auth::AcceptAny;
    }
    if (given("rules")) {
        SmtpRuleSet rules;
        QString error;
        if (SmtpRuleSet::load(options.rulesFile, &rules, &error))
            s.rules = rules;
        else
            qCWarning(lcAppSettings) << "--rules: keeping the saved rules:" << error;
    }
    if (given("max-message-size"))
        s.maxMessageSize = options.maxMessageSize;
    if (given("idle-timeout"))
        s.idleTimeout = options.idleTimeout;
    if (given("max-connections"))
        s.maxConnections = options.maxConnections;
    if (given("database"))
        s.databasePath = options.database;
    if (given("max"))
        s.maxMessages = options.max;
    return s;
}

bool AppSettings::applyTo(SmtpServer *server, QString *errorString) const
{
    const auto fail = [errorString](const QString &why) {
        if (errorString)
            *errorString = why;
        return false;
    };

    // Everything that can be checked without touching the server comes first.
    const std::optional<QHostAddress> address = parseAddress(smtpAddress);
    if (!address)
        return fail(tr("The SMTP address \"%1\" is not an IP address").arg(smtpAddress));
    const QString tlsAddressText = smtpsAddress.isEmpty() ? smtpAddress : smtpsAddress;
    const std::optional<QHostAddress> tlsAddress = parseAddress(tlsAddressText);
    if (smtpsEnabled && !tlsAddress)
        return fail(tr("The SMTPS address \"%1\" is not an IP address").arg(tlsAddressText));
    if (tlsCertificate.isEmpty() != tlsKey.isEmpty())
        return fail(tlsCertificate.isEmpty() ? tr("A TLS key needs a certificate")
                                             : tr("A TLS certificate needs a key"));
    if (smtpsEnabled && tlsCertificate.isEmpty())
        return fail(tr("SMTPS (implicit TLS) needs a certificate and a key"));

    // TLS: setTlsCertificate() changes nothing when it fails.
    const QSslConfiguration previousSsl = server->sslConfiguration();
    const bool previousTls = server->isTlsAvailable();
    bool sslChanged = false;
    if (!tlsCertificate.isEmpty()) {
        if (!server->setTlsCertificate(tlsCertificate, tlsKey))
            return fail(server->errorString());
        sslChanged = true;
    } else if (previousTls) {
        server->setSslConfiguration(QSslConfiguration());
        sslChanged = true;
    }
    const auto restoreSsl = [&] {
        if (sslChanged)
            server->setSslConfiguration(previousSsl);
    };

    // Listeners: only those whose address changed are opened again; a failure puts back what
    // was there.
    const Listener oldPlain = plainListener(server);
    const Listener oldTls = tlsListener(server);
    bool plainNeeded = needsListen(oldPlain, *address, smtpPort);
    const bool tlsNeeded = smtpsEnabled && needsListen(oldTls, *tlsAddress, smtpsPort);
    const bool closeTls = !smtpsEnabled && oldTls.listening;
    quint16 plainPort = smtpPort;
    if (closeTls) {
        // There is no way to close one listener alone; the plain one opens again where it was
        // (the port was just freed by ourselves) unless it moves anyway.
        server->close();
        if (!plainNeeded && smtpPort == 0)
            plainPort = oldPlain.port;
        plainNeeded = true;
    }
    const auto restoreListeners = [&](bool plainTouched, bool tlsTouched) {
        restoreSsl();
        if (plainTouched && oldPlain.listening)
            server->listen(oldPlain.address, oldPlain.port);
        if ((tlsTouched || closeTls) && oldTls.listening)
            server->listenTls(oldTls.address, oldTls.port);
    };

    if (plainNeeded && !server->listen(*address, plainPort)) {
        const QString error = server->errorString();
        restoreListeners(true, false);
        return fail(error);
    }
    if (tlsNeeded && !server->listenTls(*tlsAddress, smtpsPort)) {
        const QString error = server->errorString();
        restoreListeners(plainNeeded, true);
        return fail(error);
    }

    server->setHostname(hostname.isEmpty() ? defaultHostname() : hostname);
    server->setMaxMessageSize(maxMessageSize);
    server->setIdleTimeout(idleTimeout);
    server->setMaxConnections(maxConnections);
    server->setRequireTls(requireTls);
    switch (auth) {
    case Auth::Off:
        server->setAuthMode(SmtpServer::AuthMode::Off);
        break;
    case Auth::AcceptAny:
        server->setAuthMode(SmtpServer::AuthMode::AcceptAny);
        break;
    case Auth::Credentials:
        server->setAuthMode(SmtpServer::AuthMode::Credentials);
        break;
    }
    server->setCredentials(credentials);
    server->setRules(rules);
    if (errorString)
        errorString->clear();
    return true;
}

bool operator==(const AppSettings &a, const AppSettings &b)
{
    return a.smtpAddress == b.smtpAddress && a.smtpPort == b.smtpPort
        && a.smtpsEnabled == b.smtpsEnabled && a.smtpsAddress == b.smtpsAddress
        && a.smtpsPort == b.smtpsPort && a.hostname == b.hostname
        && a.tlsCertificate == b.tlsCertificate && a.tlsKey == b.tlsKey
        && a.requireTls == b.requireTls && a.auth == b.auth && a.credentials == b.credentials
        && a.maxMessageSize == b.maxMessageSize && a.idleTimeout == b.idleTimeout
        && a.maxConnections == b.maxConnections && a.rules == b.rules
        && a.databasePath == b.databasePath && a.maxMessages == b.maxMessages
        && a.notify == b.notify && a.minimizeToTray == b.minimizeToTray
        && a.startMinimized == b.startMinimized;
}
