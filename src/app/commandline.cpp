#include "commandline.h"

#include <smtpmessage.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QUrl>

#include <array>
#include <limits>
#include <optional>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CommandLine", text);
}

std::optional<qint64> parseInteger(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

int clampToInt(qint64 value)
{
    return int(qBound(
        qint64(std::numeric_limits<int>::min()), value, qint64(std::numeric_limits<int>::max())));
}

// The flag a problem of the server configuration is about.
QString flagOf(const SmtpServerConfig &config, const SmtpServerConfig::Problem &problem)
{
    using Setting = SmtpServerConfig::Setting;
    switch (problem.setting) {
    case Setting::Listener:
        return problem.listener >= 0 && config.listeners().value(problem.listener).isImplicitTls()
            ? QStringLiteral("--smtps")
            : QStringLiteral("--smtp");
    case Setting::Hostname:
        return QStringLiteral("--hostname");
    case Setting::TlsCertificate:
        return QStringLiteral("--tls-cert");
    case Setting::TlsKey:
        return QStringLiteral("--tls-key");
    case Setting::RequireTls:
        return QStringLiteral("--require-tls");
    case Setting::Auth:
        return QStringLiteral("--auth");
    case Setting::MaxMessageSize:
        return QStringLiteral("--max-message-size");
    case Setting::IdleTimeout:
        return QStringLiteral("--idle-timeout");
    case Setting::MaxConnections:
        return QStringLiteral("--max-connections");
    case Setting::RecipientTimeout:
        return QStringLiteral("recipient timeout");
    case Setting::Rules:
        return QStringLiteral("--rules");
    }
    return {};
}

// The USER:PASS values of a repeatable flag (--auth, --http-auth) into user -> password; false,
// with the first value that is not one in *bad.
bool readCredentials(const QStringList &values, QHash<QString, QString> *credentials, QString *bad)
{
    for (const QString &pair : values) {
        const qsizetype colon = pair.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            *bad = pair;
            return false;
        }
        credentials->insert(pair.left(colon), pair.mid(colon + 1));
    }
    return true;
}

// --relay and its companions into *config; the first problem as one line, or empty.
QString readRelayOptions(const QCommandLineParser &parser,
    const std::array<const QCommandLineOption *, 6> &options, SmtpRelayConfig *config,
    QString &relayCertificateFile)
{
    const auto &[relay, tls, auth, allowed, cert, timeout] = options;
    if (!parser.isSet(*relay)) {
        for (const QCommandLineOption *option : { tls, auth, allowed, cert, timeout })
            if (parser.isSet(*option))
                return tr("--%1 needs --relay").arg(option->names().constFirst());
        return {};
    }
    const QString address = parser.value(*relay);
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon > 0 ? address.mid(colon + 1).toUInt(&portOk) : 0;
    QString host = colon > 0 ? address.left(colon) : QString();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (!portOk || port == 0 || port > 65535 || host.isEmpty() || host.contains(QLatin1Char('/'))
        || host.contains(QLatin1Char(' ')))
        return tr("--relay: '%1' is not HOST:PORT").arg(address);
    config->host = host;
    config->port = quint16(port);
    if (parser.isSet(*tls) && !SmtpClient::parseTlsMode(parser.value(*tls), &config->tlsMode))
        return tr("--relay-tls: '%1' is not auto, none, starttls or tls").arg(parser.value(*tls));
    if (parser.isSet(*auth)) {
        QHash<QString, QString> credentials;
        QString bad;
        if (!readCredentials({ parser.value(*auth) }, &credentials, &bad))
            return tr("--relay-auth: '%1' is not USER:PASS").arg(bad);
        config->user = credentials.constBegin().key();
        config->password = credentials.constBegin().value();
    }
    config->allowedPattern = parser.value(*allowed);
    if (parser.isSet(*allowed) && config->allowedPattern.isEmpty())
        return tr("--relay-allowed needs a regular expression");
    if (const QString problem = config->problem(); !problem.isEmpty())
        return QStringLiteral("--relay-allowed: %1").arg(problem);
    // Read once there is an application object (TLS needs one): see readRelayCertificate().
    if (parser.isSet(*cert) && parser.value(*cert).isEmpty())
        return tr("--relay-cert needs a file");
    relayCertificateFile = parser.value(*cert);
    if (parser.isSet(*timeout)) {
        bool ok = false;
        const double seconds = parser.value(*timeout).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 3600)
            return tr("--relay-timeout: '%1' is not a number of seconds (up to 3600)")
                .arg(parser.value(*timeout));
        config->timeout = int(seconds * 1000);
    }
    return {};
}

} // namespace

QString checkServerOptions(const SmtpServerConfig &config, SmtpServerConfig::Validation validation)
{
    const QList<SmtpServerConfig::Problem> problems = config.problems(validation);
    if (problems.isEmpty())
        return {};
    return QStringLiteral("%1: %2").arg(
        flagOf(config, problems.constFirst()), problems.constFirst().text);
}

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("A mail catcher for developers: receives SMTP on localhost, keeps every message, "
           "delivers nothing.")
        + QLatin1Char('\n')
        + tr("smtp-receiver sendmail [-t] [-i] [-f SENDER] [ADDRESS...] submits a message read "
             "on stdin, like sendmail (see smtp-receiver sendmail --help).")
        + QLatin1Char('\n')
        + tr("smtp-receiver import [--database PATH] [--mailbox NAME] FILE... stores .eml or mbox "
             "files (see smtp-receiver import --help)."));
    const QCommandLineOption help(
        { QStringLiteral("h"), QStringLiteral("help") }, tr("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"), tr("Show the version and exit."));
    const QCommandLineOption noGui(QStringLiteral("no-gui"), tr("Run headless (no window)."));
    const SmtpServerConfig defaults;
    const QCommandLineOption smtp(QStringLiteral("smtp"),
        tr("SMTP listener (STARTTLS when a certificate is given); ADDR is an IP address or "
           "localhost, port 0 picks a free port. Default %1. Repeatable; =MAILBOX sends its "
           "mail to that mailbox (when no rule or AUTH user routes it).")
            .arg(defaults.listeners().constFirst().toString()),
        tr("ADDR:PORT[=MAILBOX]"));
    const QCommandLineOption smtps(QStringLiteral("smtps"),
        tr("Implicit-TLS listener (RFC 8314); needs --tls-cert and "
           "--tls-key. Repeatable, =MAILBOX as for --smtp."),
        tr("ADDR:PORT[=MAILBOX]"));
    const QCommandLineOption mailboxFromAuth(QStringLiteral("mailbox-from-auth"),
        tr("The AUTH user name names the mailbox of the mail (offers AUTH, accepts any "
           "password; with --auth only those credentials). A user name that is no mailbox name "
           "is refused with 535 (with --auth: a usage error)."));
    const QCommandLineOption mailbox(
        QStringLiteral("mailbox"), tr("With --list: list only this mailbox."), tr("NAME"));
    const QCommandLineOption hostname(QStringLiteral("hostname"),
        tr("Name in the greeting and EHLO reply. Default: the machine's host name."), tr("NAME"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"), tr("PEM certificate (chain)."), tr("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), tr("PEM private key."), tr("FILE"));
    const QCommandLineOption requireTls(
        QStringLiteral("require-tls"), tr("Refuse mail until the client used STARTTLS."));
    const QCommandLineOption auth(QStringLiteral("auth"),
        tr("Accept only these credentials (repeatable); offers AUTH."), tr("USER:PASS"));
    const QCommandLineOption authAny(
        QStringLiteral("auth-accept-any"), tr("Offer AUTH and accept any credentials."));
    const QCommandLineOption rules(QStringLiteral("rules"),
        tr("Recipient rules and failure injection (JSON). A fail rule's match is compared with "
           "the recipient at stage rcpt, the sender at mail and data, and the AUTH user name "
           "at auth (\"*\" matches any)."),
        tr("FILE"));
    const QCommandLineOption chaosSeed(QStringLiteral("chaos-seed"),
        tr("Seed the random source of fail rules' probabilities: the same seed gives the same "
           "failures."),
        tr("N"));
    const QCommandLineOption maxSize(QStringLiteral("max-message-size"),
        tr("Largest message accepted, advertised as SIZE. Default %1.")
            .arg(defaults.maxMessageSize()),
        tr("BYTES"));
    const QCommandLineOption idle(QStringLiteral("idle-timeout"),
        tr("Close idle sessions after this long. Default %1.").arg(defaults.idleTimeout()),
        tr("SECONDS"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
        tr("Concurrent SMTP connections. Default %1.").arg(defaults.maxConnections()), tr("N"));
    const QCommandLineOption maildir(
        QStringLiteral("maildir"), tr("Also deliver each message into this Maildir."), tr("DIR"));
    const QCommandLineOption database(QStringLiteral("database"),
        tr("SQLite message store; ':memory:' keeps nothing. "
           "Default: messages.sqlite in the data directory."),
        tr("PATH"));
    const QCommandLineOption max(QStringLiteral("max"),
        tr("Keep at most N newest messages in each mailbox (0 = unlimited); a mailbox over it "
           "loses its oldest, the other mailboxes keep theirs."),
        tr("N"));
    const QCommandLineOption list(
        QStringLiteral("list"), tr("Print the stored messages (JSON Lines with --json) and exit."));
    const QCommandLineOption json(
        QStringLiteral("json"), tr("Print JSON Lines on stdout, one object per event."));
    const QCommandLineOption http(QStringLiteral("http"),
        tr("Serve the HTTP API (Mailpit's /api/v1) here; off by default, port 0 picks a free "
           "port."),
        tr("ADDR:PORT"));
    const QCommandLineOption httpAuth(QStringLiteral("http-auth"),
        tr("HTTP Basic auth on every route but /livez and /readyz (repeatable)."), tr("USER:PASS"));
    const QCommandLineOption httpAllowedHost(QStringLiteral("http-allowed-host"),
        tr("A Host name the HTTP API accepts besides localhost, 127.0.0.1 and [::1] "
           "(repeatable)."),
        tr("NAME"));
    const QCommandLineOption httpCors(QStringLiteral("http-cors"),
        tr("Send Access-Control-Allow-Origin: ORIGIN (default: no CORS headers); * needs "
           "--http-auth."),
        tr("ORIGIN"));
    const QCommandLineOption remote(QStringLiteral("remote"),
        tr("Open a window on the catcher whose HTTP API is at URL (another smtp-receiver's "
           "--http, or a Mailpit) instead of the local store; user:password@ in the URL for "
           "Basic auth."),
        tr("URL"));
    parser.addOptions({ help, version, noGui, smtp, smtps, hostname, tlsCert, tlsKey, requireTls,
        auth, authAny, rules, maxSize, idle, maxConnections, maildir, database, max, list, json,
        http, httpAuth, httpAllowedHost, httpCors });
    const QCommandLineOption relay(QStringLiteral("relay"),
        tr("The SMTP server that releases go to (off by default)."), tr("HOST:PORT"));
    const QCommandLineOption relayTls(QStringLiteral("relay-tls"),
        tr("TLS to the relay: auto (the default: STARTTLS when the relay offers it, else none), "
           "none, starttls or tls (implicit)."),
        QStringLiteral("auto|none|starttls|tls"));
    const QCommandLineOption relayAuth(QStringLiteral("relay-auth"),
        tr("AUTH to the relay with these credentials."), tr("USER:PASS"));
    const QCommandLineOption relayAllowed(QStringLiteral("relay-allowed"),
        tr("Only recipients this regular expression matches (in full, ignoring case) may be "
           "released to. Default: all."),
        tr("REGEX"));
    const QCommandLineOption relayCert(QStringLiteral("relay-cert"),
        tr("Accept this PEM certificate from the relay as it is (a self-signed one)."), tr("FILE"));
    const QCommandLineOption relayTimeout(QStringLiteral("relay-timeout"),
        tr("How long the relay may take to answer each step. Default 30."), tr("SECONDS"));
    parser.addOptions({ relay, relayTls, relayAuth, relayAllowed, relayCert, relayTimeout });
    parser.addOption(chaosSeed);
    parser.addOption(remote);
    parser.addOptions({ mailboxFromAuth, mailbox });

    CommandLineResult result;
    const auto fail = [&result](const QString &why) {
        result.action = CommandLineResult::Action::Error;
        result.text = why;
        return result;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help)) {
        result.action = CommandLineResult::Action::ShowHelp;
        // The parser names the program after QCoreApplication's arguments, and there is no
        // application object yet when options are checked.
        result.text = parser.helpText().replace(
            QLatin1String("<executable_name>"), QStringLiteral("smtp-receiver"));
        return result;
    }
    if (parser.isSet(version)) {
        result.action = CommandLineResult::Action::ShowVersion;
        result.text = QCoreApplication::applicationName() + QLatin1Char(' ')
            + QCoreApplication::applicationVersion();
        return result;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(tr("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()));

    AppOptions &o = result.options;
    o.noGui = parser.isSet(noGui);
    o.json = parser.isSet(json);
    o.list = parser.isSet(list);
    for (const QString &name : parser.optionNames())
        if (name.size() > 1 && !o.given.contains(name))
            o.given.append(name);
    SmtpServerConfig &server = o.server;
    // Where to listen: one listener per --smtp and --smtps, in the order given across the two
    // (the readiness line lists them so). values() keeps the order of one option's values only;
    // optionNames() has every option found, in order, so it says which flag came when. Without
    // --smtp the default listener stays, first.
    QList<SmtpListenerConfig> listeners = server.listeners();
    if (parser.isSet(smtp))
        listeners.clear();
    const QStringList smtpValues = parser.values(smtp);
    const QStringList smtpsValues = parser.values(smtps);
    qsizetype smtpNext = 0;
    qsizetype smtpsNext = 0;
    for (const QString &name : parser.optionNames()) {
        const bool implicitTls = name == smtps.names().constFirst();
        if (!implicitTls && name != smtp.names().constFirst())
            continue;
        const QCommandLineOption *option = implicitTls ? &smtps : &smtp;
        qsizetype &next = implicitTls ? smtpsNext : smtpNext;
        const QStringList &values = implicitTls ? smtpsValues : smtpValues;
        if (next >= values.size())
            break; // cannot happen: a name found is a value given
        const QString &value = values.at(next++);
        // ADDR:PORT=MAILBOX: neither an address nor a port holds "=".
        const qsizetype equals = value.indexOf(QLatin1Char('='));
        SmtpListenerConfig listener;
        QString error;
        if (!SmtpListenerConfig::fromString(
                equals < 0 ? value : value.left(equals), implicitTls, &listener, &error))
            return fail(QStringLiteral("--%1: %2").arg(option->names().constLast(), error));
        if (equals >= 0) {
            const QString mailboxName = value.mid(equals + 1);
            if (!SmtpMessage::isValidMailboxName(mailboxName))
                return fail(tr("--%1: '%2' is not a mailbox name (1-64 characters of A-Z a-z "
                               "0-9 . _ -)")
                                .arg(option->names().constLast(), mailboxName));
            listener.setMailbox(mailboxName);
        }
        listeners.append(listener);
    }
    server.setListeners(listeners);
    server.setMailboxFromAuth(parser.isSet(mailboxFromAuth));
    if (parser.isSet(mailbox)) {
        if (!o.list)
            return fail(tr("--mailbox goes with --list"));
        if (!SmtpMessage::isValidMailboxName(parser.value(mailbox)))
            return fail(tr("--mailbox: '%1' is not a mailbox name (1-64 characters of A-Z a-z "
                           "0-9 . _ -)")
                            .arg(parser.value(mailbox)));
        o.listMailbox = parser.value(mailbox);
    }
    if (parser.isSet(hostname)) {
        if (parser.value(hostname).isEmpty())
            return fail(tr("--hostname needs a name"));
        server.setHostname(parser.value(hostname));
    }
    server.setTlsCertificateFile(parser.value(tlsCert));
    server.setTlsKeyFile(parser.value(tlsKey));
    server.setRequireTls(parser.isSet(requireTls));
    QHash<QString, QString> credentials;
    QString badPair;
    if (!readCredentials(parser.values(auth), &credentials, &badPair))
        return fail(tr("--auth: '%1' is not USER:PASS").arg(badPair));
    if (parser.isSet(authAny) && !credentials.isEmpty())
        return fail(tr("--auth and --auth-accept-any exclude each other"));
    if (parser.isSet(mailboxFromAuth)) {
        // Such a user could authenticate and never send: every AUTH of theirs is refused (535).
        for (auto it = credentials.cbegin(); it != credentials.cend(); ++it) {
            if (!SmtpMessage::isValidMailboxName(it.key()))
                return fail(tr("--auth: user '%1' is no mailbox name (1-64 characters of A-Z a-z "
                               "0-9 . _ -), which --mailbox-from-auth needs")
                                .arg(it.key()));
        }
    }
    if (!credentials.isEmpty()) {
        server.setAuthMode(SmtpServer::AuthMode::Credentials);
        server.setCredentials(credentials);
    } else if (parser.isSet(authAny)) {
        server.setAuthMode(SmtpServer::AuthMode::AcceptAny);
    }
    server.setRulesFile(parser.value(rules));
    // A numeric option into *value; false (error set) when it is not a number. Ranges are the
    // configuration's to check.
    QString numberError;
    const auto number = [&parser, &numberError](const QCommandLineOption &option, qint64 *value) {
        if (!parser.isSet(option))
            return true;
        const auto parsed = parseInteger(parser.value(option));
        if (!parsed) {
            numberError = tr("--%1: '%2' is not a number")
                              .arg(option.names().constLast(), parser.value(option));
            return false;
        }
        *value = *parsed;
        return true;
    };
    qint64 maxSizeValue = server.maxMessageSize();
    qint64 idleValue = server.idleTimeout();
    qint64 connectionsValue = server.maxConnections();
    if (!number(maxSize, &maxSizeValue) || !number(idle, &idleValue)
        || !number(maxConnections, &connectionsValue))
        return fail(numberError);
    server.setMaxMessageSize(maxSizeValue);
    server.setIdleTimeout(clampToInt(idleValue));
    server.setMaxConnections(clampToInt(connectionsValue));
    if (parser.isSet(chaosSeed)) {
        qint64 seedValue = -1;
        if (!number(chaosSeed, &seedValue))
            return fail(numberError);
        if (seedValue < 0)
            return fail(
                tr("--chaos-seed: '%1' is not a seed (0 or more)").arg(parser.value(chaosSeed)));
        server.setChaosSeed(seedValue);
    }
    if (const QString problem
        = checkServerOptions(server, SmtpServerConfig::Validation::WithoutTlsFiles);
        !problem.isEmpty())
        return fail(problem);

    o.maildir = parser.value(maildir);
    if (parser.isSet(maildir) && o.maildir.isEmpty())
        return fail(tr("--maildir needs a directory"));
    o.database = parser.value(database);
    if (parser.isSet(database) && o.database.isEmpty())
        return fail(tr("--database needs a path"));
    qint64 maxValue = 0;
    if (!number(max, &maxValue))
        return fail(numberError);
    if (maxValue < 0)
        return fail(tr("--max: '%1' is not a number of messages").arg(parser.value(max)));
    o.max = maxValue;
    if (const QString problem = readRelayOptions(parser,
            { &relay, &relayTls, &relayAuth, &relayAllowed, &relayCert, &relayTimeout }, &o.relay,
            o.relayCertificateFile);
        !problem.isEmpty())
        return fail(problem);

    if (parser.isSet(remote)) {
        const QUrl url(parser.value(remote), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return fail(
                tr("--remote: '%1' is not an http:// or https:// URL").arg(parser.value(remote)));
        if (o.noGui || o.list)
            return fail(tr("--remote opens a window; it does not go with --no-gui or --list"));
        o.remote = url;
    }

    // The HTTP API: its companions mean nothing without it.
    if (!parser.isSet(http)) {
        for (const QCommandLineOption *option : { &httpAuth, &httpAllowedHost, &httpCors }) {
            if (parser.isSet(*option))
                return fail(tr("--%1 needs --http").arg(option->names().constFirst()));
        }
        return result;
    }
    o.http = true;
    QString httpError;
    if (!SmtpListenerConfig::fromString(parser.value(http), false, &o.httpListener, &httpError))
        return fail(QStringLiteral("--http: %1").arg(httpError));
    if (const QStringList problems = o.httpListener.validate(); !problems.isEmpty())
        return fail(QStringLiteral("--http: %1").arg(problems.constFirst()));
    if (!readCredentials(parser.values(httpAuth), &o.httpCredentials, &badPair))
        return fail(tr("--http-auth: '%1' is not USER:PASS").arg(badPair));
    for (const QString &name : parser.values(httpAllowedHost)) {
        // A host name or address as a Host field carries it, without a port.
        const bool bracketed = name.startsWith(QLatin1Char('[')) && name.endsWith(QLatin1Char(']'));
        if (name.isEmpty() || (!bracketed && name.contains(QLatin1Char(':')))
            || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char(' ')))
            return fail(tr("--http-allowed-host: '%1' is not a host name").arg(name));
        o.httpAllowedHosts.append(name);
    }
    if (parser.isSet(httpCors)) {
        // An origin is scheme://host[:port], no path; "*" allows every origin.
        const QString origin = parser.value(httpCors);
        const QUrl url(origin);
        const bool wellFormed = origin == QLatin1String("*")
            || (url.isValid() && !url.host().isEmpty()
                && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
                && url.path().isEmpty() && !url.hasQuery() && !url.hasFragment()
                && url.userInfo().isEmpty());
        if (!wellFormed)
            return fail(
                tr("--http-cors: '%1' is not an origin (scheme://host[:port])").arg(origin));
        // Every page could read all mail, and release it, with nothing to stop it.
        if (origin == QLatin1String("*") && o.httpCredentials.isEmpty())
            return fail(tr("--http-cors: '*' lets every web page read the caught mail; it needs "
                           "--http-auth (or name one origin)"));
        o.httpCorsOrigin = origin;
    }
    return result;
}

QString readRelayCertificate(const QString &file, SmtpRelayConfig *config)
{
    if (file.isEmpty())
        return {};
    QFile pem(file);
    if (!pem.open(QIODevice::ReadOnly))
        return QStringLiteral("--relay-cert: cannot read '%1': %2").arg(file, pem.errorString());
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(pem.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        return QStringLiteral("--relay-cert: '%1' holds no PEM certificate").arg(file);
    config->acceptedCertificates = certificates;
    return {};
}
