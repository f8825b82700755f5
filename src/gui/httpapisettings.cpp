// HttpApiSettings: the HTTP API's settings, checked, persisted and applied (see the header).
#include "httpapisettings.h"

#include <smtphttpapi.h>
#include <smtpserverconfig.h>

#include <QSettings>
#include <QUrl>

#include <algorithm>

namespace {

const auto keyEnabled = QStringLiteral("http/enabled");
const auto keyAddress = QStringLiteral("http/address");
const auto keyUser = QStringLiteral("http/user");
const auto keyPassword = QStringLiteral("http/password");
const auto keyCorsOrigin = QStringLiteral("http/corsOrigin");

bool hasControlOrSpace(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(),
        [](QChar c) { return c.category() == QChar::Other_Control || c.isSpace(); });
}

} // namespace

QString HttpApiSettings::defaultAddress()
{
    return QStringLiteral("127.0.0.1:8025");
}

bool HttpApiSettings::listenAddress(QHostAddress *host, quint16 *port, QString *problem) const
{
    const QString text = address.trimmed();
    SmtpListenerConfig listener;
    QHostAddress parsed;
    const auto fail = [problem](const QString &sentence) {
        if (problem)
            *problem = sentence;
        return false;
    };
    // The same reading as the SMTP listen addresses: ADDR:PORT, [v6]:PORT, localhost:PORT, or a
    // bare PORT on 127.0.0.1.
    if (text.isEmpty() || !SmtpListenerConfig::fromString(text, false, &listener, nullptr))
        return fail(tr("The HTTP API address “%1” is not ADDR:PORT (for example 127.0.0.1:8025).")
                        .arg(text));
    if (!SmtpListenerConfig::parseAddress(listener.address(), &parsed))
        return fail(tr("The HTTP API address “%1” is not an IP address or localhost (for example "
                       "127.0.0.1, 0.0.0.0 or ::1).")
                        .arg(listener.address()));
    if (listener.port() < 0 || listener.port() > 65535)
        return fail(tr("The HTTP API port %1 is out of range: a port is a number from 0 to 65535 "
                       "(0 picks a free one).")
                        .arg(listener.port()));
    if (host)
        *host = parsed;
    if (port)
        *port = quint16(listener.port());
    return true;
}

QString HttpApiSettings::problem() const
{
    if (!enabled)
        return {};
    QString sentence;
    if (!listenAddress(nullptr, nullptr, &sentence))
        return sentence;
    if (user.contains(QLatin1Char(':')))
        return tr("The HTTP API user name must not contain “:”.");
    if (hasControlOrSpace(user) || hasControlOrSpace(password))
        return tr("The HTTP API user name and password must not contain spaces or line breaks.");
    if (user.isEmpty() && !password.isEmpty())
        return tr("The HTTP API has a password but no user name.");
    if (corsOrigin == QLatin1String("*") && user.isEmpty())
        return tr("The CORS origin * lets every web page read the caught mail: it needs a user "
                  "name and password (or name one origin, such as http://localhost:3000).");
    if (!corsOrigin.isEmpty() && corsOrigin != QLatin1String("*")) {
        // An origin as a browser sends it: scheme, host and port, nothing after them (not even
        // a "/"), or the browser's Origin would never equal it.
        const QUrl origin(corsOrigin, QUrl::StrictMode);
        const bool ok = !hasControlOrSpace(corsOrigin) && origin.isValid()
            && (origin.scheme() == QLatin1String("http")
                || origin.scheme() == QLatin1String("https"))
            && !origin.host().isEmpty() && origin.path().isEmpty() && !origin.hasQuery()
            && !origin.hasFragment() && origin.userInfo().isEmpty();
        if (!ok)
            return tr("The CORS origin “%1” is not * or an origin such as http://localhost:3000.")
                .arg(corsOrigin);
    }
    return {};
}

bool HttpApiSettings::isExposed() const
{
    QHostAddress host;
    return listenAddress(&host, nullptr) && !host.isLoopback();
}

HttpApiSettings HttpApiSettings::load(QSettings &settings)
{
    HttpApiSettings s;
    s.enabled = settings.value(keyEnabled, s.enabled).toBool();
    s.address = settings.value(keyAddress, s.address).toString();
    s.user = settings.value(keyUser).toString();
    s.password = settings.value(keyPassword).toString();
    s.corsOrigin = settings.value(keyCorsOrigin).toString();
    return s;
}

void HttpApiSettings::save(QSettings &settings) const
{
    settings.setValue(keyEnabled, enabled);
    settings.setValue(keyAddress, address);
    settings.setValue(keyUser, user);
    settings.setValue(keyPassword, password);
    settings.setValue(keyCorsOrigin, corsOrigin);
}

HttpApiSettings HttpApiSettings::withCommandLine(const QString &httpAddress,
    const QHash<QString, QString> &credentials, const QStringList &allowedHostNames,
    const QString &cors) const
{
    HttpApiSettings s = *this;
    if (!httpAddress.isEmpty()) {
        s.enabled = true;
        s.address = httpAddress;
    }
    if (!credentials.isEmpty()) {
        QStringList users = credentials.keys();
        users.sort();
        s.user = users.constFirst();
        s.password = credentials.value(s.user);
    }
    if (!allowedHostNames.isEmpty())
        s.allowedHosts = allowedHostNames;
    if (!cors.isEmpty())
        s.corsOrigin = cors;
    return s;
}

bool HttpApiSettings::applyTo(SmtpHttpApi *api, QString *errorString) const
{
    const auto configure = [this, api] {
        QHash<QString, QString> credentials;
        if (!user.isEmpty())
            credentials.insert(user, password);
        api->setCredentials(credentials);
        api->setAllowedHosts(allowedHosts);
        api->setCorsOrigin(corsOrigin);
    };
    if (errorString)
        errorString->clear();
    if (!enabled) {
        api->close();
        configure();
        return true;
    }
    QHostAddress host;
    quint16 port = 0;
    QString sentence = problem();
    if (sentence.isEmpty() && listenAddress(&host, &port, &sentence)) {
        // Port 0 asks for any free port: the one it has will do.
        const bool same = api->isListening() && api->serverAddress() == host
            && (port == 0 || api->serverPort() == port);
        if (same) {
            configure();
            return true;
        }
        const bool wasListening = api->isListening();
        const QHostAddress oldHost = api->serverAddress();
        const quint16 oldPort = api->serverPort();
        if (api->listen(host, port)) {
            configure();
            return true;
        }
        sentence
            = tr("The HTTP API cannot listen on %1: %2").arg(address.trimmed(), api->errorString());
        if (wasListening) // goes on as it was
            api->listen(oldHost, oldPort);
    }
    if (errorString)
        *errorString = sentence;
    return false;
}

bool operator==(const HttpApiSettings &a, const HttpApiSettings &b)
{
    return a.enabled == b.enabled && a.address == b.address && a.user == b.user
        && a.password == b.password && a.corsOrigin == b.corsOrigin
        && a.allowedHosts == b.allowedHosts;
}
