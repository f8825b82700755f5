// AppSettings: the desktop app's settings in QSettings, and the command line on top of them.
#include "appsettings.h"

#include <appoptions.h>

#include <QLoggingCategory>
#include <QSettings>

#include <algorithm>
#include <limits>
#include <smtpmessage.h>
#include <smtpserver.h>

Q_LOGGING_CATEGORY(lcAppSettings, "smtpreceiver.gui.settings")

namespace {

// Keys, grouped as the dialog's pages are.
const auto keySmtpAddress = QStringLiteral("server/smtpAddress");
const auto keySmtpPort = QStringLiteral("server/smtpPort");
const auto keySmtpsEnabled = QStringLiteral("server/smtpsEnabled");
const auto keySmtpsAddress = QStringLiteral("server/smtpsAddress");
const auto keySmtpsPort = QStringLiteral("server/smtpsPort");
const auto keySmtpMailbox = QStringLiteral("server/smtpMailbox");
const auto keySmtpsMailbox = QStringLiteral("server/smtpsMailbox");
const auto keyListeners = QStringLiteral("server/listeners"); // the others, an array of:
const auto keyListenerAddress = QStringLiteral("address");
const auto keyListenerPort = QStringLiteral("port");
const auto keyListenerSmtps = QStringLiteral("smtps");
const auto keyListenerMailbox = QStringLiteral("mailbox");
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

using AuthMode = SmtpServer::AuthMode;

QString authName(AuthMode auth)
{
    switch (auth) {
    case AuthMode::Off:
        return QStringLiteral("off");
    case AuthMode::AcceptAny:
        return QStringLiteral("accept-any");
    case AuthMode::Credentials:
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

// The form's two listeners: the first plain one and the first implicit-TLS one.
SmtpListenerConfig firstListener(const SmtpServerConfig &config, bool implicitTls)
{
    const QList<SmtpListenerConfig> listeners = config.listeners();
    for (const SmtpListenerConfig &listener : listeners) {
        if (listener.isImplicitTls() == implicitTls)
            return listener;
    }
    return SmtpListenerConfig(QString(),
        implicitTls ? SmtpListenerConfig::DefaultImplicitTlsPort : SmtpListenerConfig::DefaultPort,
        implicitTls);
}

bool hasListener(const SmtpServerConfig &config, bool implicitTls)
{
    const QList<SmtpListenerConfig> listeners = config.listeners();
    return std::any_of(listeners.cbegin(), listeners.cend(),
        [implicitTls](const SmtpListenerConfig &l) { return l.isImplicitTls() == implicitTls; });
}

// The listeners in the order the form and the settings file keep them: the first plain one,
// the first implicit-TLS one, then the others as they were.
QList<SmtpListenerConfig> formOrder(const QList<SmtpListenerConfig> &listeners)
{
    QList<SmtpListenerConfig> rest = listeners;
    QList<SmtpListenerConfig> result;
    for (bool implicitTls : { false, true }) {
        const auto first
            = std::find_if(rest.begin(), rest.end(), [implicitTls](const SmtpListenerConfig &l) {
                  return l.isImplicitTls() == implicitTls;
              });
        if (first != rest.end()) {
            result.append(*first);
            rest.erase(first);
        }
    }
    return result + rest;
}

// The listeners of config with all of one kind (plain or implicit TLS) replaced by those of
// that kind in replacements, as --smtp and --smtps replace the saved ones.
QList<SmtpListenerConfig> replaceListeners(
    const SmtpServerConfig &config, const QList<SmtpListenerConfig> &replacements, bool implicitTls)
{
    QList<SmtpListenerConfig> result;
    const QList<SmtpListenerConfig> listeners = config.listeners();
    for (const SmtpListenerConfig &listener : listeners) {
        if (listener.isImplicitTls() != implicitTls)
            result.append(listener);
    }
    for (const SmtpListenerConfig &listener : replacements) {
        if (listener.isImplicitTls() == implicitTls)
            result.append(listener);
    }
    return formOrder(result);
}

// The HTTP API's command-line options (--http, --http-auth, --http-allowed-host, --http-cors)
// on top of the saved HTTP API settings.
HttpApiSettings httpFromOptions(const HttpApiSettings &saved, const AppOptions &options)
{
    if (!options.http)
        return saved;
    return saved.withCommandLine(options.httpListener.toString(), options.httpCredentials,
        options.httpAllowedHosts, options.httpCorsOrigin);
}

} // namespace

AppSettings AppSettings::load(QSettings &settings)
{
    AppSettings s;
    SmtpServerConfig &c = s.server;
    const SmtpListenerConfig plainDefault = firstListener(c, false);
    const QString smtpAddress = settings.value(keySmtpAddress, plainDefault.address()).toString();
    QList<SmtpListenerConfig> listeners { SmtpListenerConfig(
        smtpAddress, int(number(settings, keySmtpPort, plainDefault.port(), 0, 65535))) };
    if (boolean(settings, keySmtpsEnabled, false)) {
        const QString smtpsAddress = settings.value(keySmtpsAddress).toString();
        listeners.append(SmtpListenerConfig(smtpsAddress.isEmpty() ? smtpAddress : smtpsAddress,
            int(number(
                settings, keySmtpsPort, SmtpListenerConfig::DefaultImplicitTlsPort, 0, 65535)),
            true));
    }
    for (qsizetype i = 0; i < listeners.size(); ++i) {
        const QString &key = i == 0 ? keySmtpMailbox : keySmtpsMailbox;
        const QString mailbox = settings.value(key).toString();
        if (mailbox.isEmpty() || SmtpMessage::isValidMailboxName(mailbox))
            listeners[i].setMailbox(mailbox);
        else
            qCWarning(lcAppSettings) << "ignoring" << key << "=" << mailbox;
    }
    const int extraCount = settings.beginReadArray(keyListeners);
    for (int i = 0; i < extraCount; ++i) {
        settings.setArrayIndex(i);
        SmtpListenerConfig listener(settings.value(keyListenerAddress).toString(),
            int(number(settings, keyListenerPort, -1, 0, 65535)),
            boolean(settings, keyListenerSmtps, false));
        listener.setMailbox(settings.value(keyListenerMailbox).toString());
        // A hand-edited entry that could never listen is left out rather than stop the rest.
        if (const QStringList problems = listener.validate(); !problems.isEmpty())
            qCWarning(lcAppSettings) << "ignoring listener" << i + 1 << ":" << problems;
        else
            listeners.append(listener);
    }
    settings.endArray();
    c.setListeners(listeners);
    c.setHostname(settings.value(keyHostname, c.hostname()).toString());
    c.setTlsCertificateFile(settings.value(keyTlsCertificate, c.tlsCertificateFile()).toString());
    c.setTlsKeyFile(settings.value(keyTlsKey, c.tlsKeyFile()).toString());
    c.setRequireTls(boolean(settings, keyRequireTls, c.requireTls()));
    const QString auth = settings.value(keyAuth, authName(c.authMode())).toString();
    for (AuthMode mode : { AuthMode::Off, AuthMode::AcceptAny, AuthMode::Credentials }) {
        if (auth == authName(mode))
            c.setAuthMode(mode);
    }
    QHash<QString, QString> credentials;
    const int count = settings.beginReadArray(keyCredentials);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        const QString user = settings.value(keyUser).toString();
        if (!user.isEmpty())
            credentials.insert(user, settings.value(keyPassword).toString());
    }
    settings.endArray();
    c.setCredentials(credentials);
    c.setMaxMessageSize(number(
        settings, keyMaxMessageSize, c.maxMessageSize(), 1, SmtpServerConfig::MaxMaxMessageSize));
    c.setIdleTimeout(int(
        number(settings, keyIdleTimeout, c.idleTimeout(), 1, SmtpServerConfig::MaxIdleTimeout)));
    c.setMaxConnections(int(number(
        settings, keyMaxConnections, c.maxConnections(), 1, SmtpServerConfig::MaxMaxConnections)));

    const QString rulesJson = settings.value(keyRules).toString();
    if (!rulesJson.isEmpty()) {
        QString error;
        SmtpRuleSet rules;
        if (SmtpRuleSet::fromJson(rulesJson.toUtf8(), &rules, &error))
            c.setRules(rules);
        else
            qCWarning(lcAppSettings) << "ignoring the saved rules:" << error;
    }

    s.http = HttpApiSettings::load(settings);
    s.relay = RelaySettings::load(settings);

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
    const SmtpServerConfig &c = server;
    const SmtpListenerConfig plain = firstListener(c, false);
    const SmtpListenerConfig tls = firstListener(c, true);
    settings.setValue(keySmtpAddress, plain.address());
    settings.setValue(keySmtpPort, plain.port());
    settings.setValue(keySmtpsEnabled, hasListener(c, true));
    settings.setValue(
        keySmtpsAddress, tls.address() == plain.address() ? QString() : tls.address());
    settings.setValue(keySmtpsPort, tls.port());
    settings.setValue(keySmtpMailbox, plain.mailbox());
    settings.setValue(keySmtpsMailbox, tls.mailbox());
    settings.remove(keyListeners); // the array may shrink
    const QList<SmtpListenerConfig> extras = extraListeners(c);
    settings.beginWriteArray(keyListeners, int(extras.size()));
    for (int i = 0; i < extras.size(); ++i) {
        const SmtpListenerConfig &listener = extras.at(i);
        settings.setArrayIndex(i);
        settings.setValue(keyListenerAddress, listener.address());
        settings.setValue(keyListenerPort, listener.port());
        settings.setValue(keyListenerSmtps, listener.isImplicitTls());
        settings.setValue(keyListenerMailbox, listener.mailbox());
    }
    settings.endArray();
    settings.setValue(keyHostname, c.hostname());
    settings.setValue(keyTlsCertificate, c.tlsCertificateFile());
    settings.setValue(keyTlsKey, c.tlsKeyFile());
    settings.setValue(keyRequireTls, c.requireTls());
    settings.setValue(keyAuth, authName(c.authMode()));
    settings.remove(keyCredentials); // the array may shrink
    const QHash<QString, QString> credentials = c.credentials();
    QStringList users = credentials.keys();
    users.sort(); // a stable file
    settings.beginWriteArray(keyCredentials, int(users.size()));
    for (int i = 0; i < users.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(keyUser, users.at(i));
        settings.setValue(keyPassword, credentials.value(users.at(i)));
    }
    settings.endArray();
    settings.setValue(keyMaxMessageSize, c.maxMessageSize());
    settings.setValue(keyIdleTimeout, c.idleTimeout());
    settings.setValue(keyMaxConnections, c.maxConnections());

    settings.setValue(keyRules, QString::fromUtf8(c.rules().toJson()));

    http.save(settings);
    relay.save(settings);

    settings.setValue(keyDatabase, databasePath);
    settings.setValue(keyMaxMessages, maxMessages);

    settings.setValue(keyNotify, notify);
    settings.setValue(keyMinimizeToTray, minimizeToTray);
    settings.setValue(keyStartMinimized, startMinimized);
}

AppSettings AppSettings::fromOptions(const AppSettings &saved, const AppOptions &options)
{
    AppSettings s = saved;
    SmtpServerConfig &c = s.server;
    const SmtpServerConfig &o = options.server;
    const auto given
        = [&options](const char *name) { return options.given.contains(QLatin1String(name)); };
    // --smtp (repeatable) replaces the saved SMTP listeners, --smtps the SMTPS ones.
    if (given("smtp"))
        c.setListeners(replaceListeners(c, o.listeners(), false));
    if (given("smtps") && hasListener(o, true))
        c.setListeners(replaceListeners(c, o.listeners(), true));
    if (given("hostname"))
        c.setHostname(o.hostname());
    if (given("tls-cert"))
        c.setTlsCertificateFile(o.tlsCertificateFile());
    if (given("tls-key"))
        c.setTlsKeyFile(o.tlsKeyFile());
    if (given("require-tls"))
        c.setRequireTls(o.requireTls());
    if (given("auth") && !o.credentials().isEmpty()) {
        c.setAuthMode(AuthMode::Credentials);
        c.setCredentials(o.credentials());
    } else if (given("auth-accept-any") && o.authMode() == AuthMode::AcceptAny) {
        c.setAuthMode(AuthMode::AcceptAny);
    }
    if (given("rules")) {
        // Read once here: the settings dialog edits the rules themselves.
        SmtpRuleSet rules;
        QString error;
        if (SmtpRuleSet::load(o.rulesFile(), &rules, &error))
            c.setRules(rules);
        else
            qCWarning(lcAppSettings) << "--rules: keeping the saved rules:" << error;
    }
    if (given("max-message-size"))
        c.setMaxMessageSize(o.maxMessageSize());
    if (given("idle-timeout"))
        c.setIdleTimeout(o.idleTimeout());
    if (given("max-connections"))
        c.setMaxConnections(o.maxConnections());
    s.http = httpFromOptions(s.http, options);
    s.relay = s.relay.withCommandLine(options.relay, options.relayCertificateFile);
    if (given("database"))
        s.databasePath = options.database;
    if (given("max"))
        s.maxMessages = options.max;
    return s;
}

QList<SmtpListenerConfig> AppSettings::extraListeners(const SmtpServerConfig &config)
{
    const qsizetype leading
        = (hasListener(config, false) ? 1 : 0) + (hasListener(config, true) ? 1 : 0);
    return formOrder(config.listeners()).mid(leading);
}

bool AppSettings::applyTo(SmtpServer *target, QString *errorString) const
{
    const bool ok = target->applyConfiguration(server);
    if (errorString)
        *errorString = ok ? QString() : target->errorString();
    return ok;
}

bool operator==(const AppSettings &a, const AppSettings &b)
{
    return a.server == b.server && a.http == b.http && a.relay == b.relay
        && a.databasePath == b.databasePath && a.maxMessages == b.maxMessages
        && a.notify == b.notify && a.minimizeToTray == b.minimizeToTray
        && a.startMinimized == b.startMinimized;
}
