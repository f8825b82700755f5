#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CommandLine", text);
}

template<typename Int>
std::optional<Int> parseNumber(const QString &text, qint64 minimum, qint64 maximum)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        return std::nullopt;
    return Int(value);
}

} // namespace

QString ListenAddress::toString() const
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

std::optional<ListenAddress> ListenAddress::parse(const QString &text)
{
    QString host;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0)
            return std::nullopt;
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) {
            portText = text; // a bare port listens on loopback
            host = QStringLiteral("127.0.0.1");
        } else {
            host = text.left(colon);
            portText = text.mid(colon + 1);
            if (host.contains(QLatin1Char(':')))
                return std::nullopt; // IPv6 needs brackets
        }
    }
    const auto port = parseNumber<quint16>(portText, 0, 65535);
    if (!port || host.isEmpty())
        return std::nullopt;
    ListenAddress result;
    result.port = *port;
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        result.address = QHostAddress(QHostAddress::LocalHost);
    else if (!result.address.setAddress(host))
        return std::nullopt; // names are not resolved: listening needs an address
    return result;
}

CommandLineResult parseCommandLine(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("A mail catcher for developers: receives SMTP on localhost, keeps every message, "
           "delivers nothing.")
        + QLatin1Char('\n')
        + tr("smtp-receiver sendmail [-t] [-i] [-f SENDER] [ADDRESS...] submits a message read "
             "on stdin, like sendmail (see smtp-receiver sendmail --help)."));
    const QCommandLineOption help(
        { QStringLiteral("h"), QStringLiteral("help") }, tr("Show this help and exit."));
    const QCommandLineOption version(QStringLiteral("version"), tr("Show the version and exit."));
    const QCommandLineOption noGui(QStringLiteral("no-gui"), tr("Run headless (no window)."));
    const QCommandLineOption smtp(QStringLiteral("smtp"),
        tr("SMTP listener (STARTTLS when a certificate is given); "
           "port 0 picks a free port. Default 127.0.0.1:1025."),
        tr("ADDR:PORT"));
    const QCommandLineOption smtps(QStringLiteral("smtps"),
        tr("Implicit-TLS listener (RFC 8314); needs --tls-cert and "
           "--tls-key."),
        tr("ADDR:PORT"));
    const QCommandLineOption hostname(
        QStringLiteral("hostname"), tr("Name in the greeting and EHLO reply."), tr("NAME"));
    const QCommandLineOption tlsCert(
        QStringLiteral("tls-cert"), tr("PEM certificate (chain)."), tr("FILE"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"), tr("PEM private key."), tr("FILE"));
    const QCommandLineOption requireTls(
        QStringLiteral("require-tls"), tr("Refuse mail until the client used STARTTLS."));
    const QCommandLineOption auth(QStringLiteral("auth"),
        tr("Accept only these credentials (repeatable); offers AUTH."), tr("USER:PASS"));
    const QCommandLineOption authAny(
        QStringLiteral("auth-accept-any"), tr("Offer AUTH and accept any credentials."));
    const QCommandLineOption rules(
        QStringLiteral("rules"), tr("Recipient rules (JSON)."), tr("FILE"));
    const QCommandLineOption maxSize(QStringLiteral("max-message-size"),
        tr("Largest message accepted, advertised as SIZE. "
           "Default 26214400."),
        tr("BYTES"));
    const QCommandLineOption idle(QStringLiteral("idle-timeout"),
        tr("Close idle sessions after this long. Default 300."), tr("SECONDS"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
        tr("Concurrent SMTP connections. Default 1000."), tr("N"));
    const QCommandLineOption maildir(
        QStringLiteral("maildir"), tr("Also deliver each message into this Maildir."), tr("DIR"));
    const QCommandLineOption database(QStringLiteral("database"),
        tr("SQLite message store; ':memory:' keeps nothing. "
           "Default: messages.sqlite in the data directory."),
        tr("PATH"));
    const QCommandLineOption max(
        QStringLiteral("max"), tr("Keep at most N newest messages (0 = unlimited)."), tr("N"));
    const QCommandLineOption list(
        QStringLiteral("list"), tr("Print the stored messages (JSON Lines with --json) and exit."));
    const QCommandLineOption json(
        QStringLiteral("json"), tr("Print JSON Lines on stdout, one object per event."));
    parser.addOptions({ help, version, noGui, smtp, smtps, hostname, tlsCert, tlsKey, requireTls,
        auth, authAny, rules, maxSize, idle, maxConnections, maildir, database, max, list, json });

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
    if (parser.isSet(smtp)) {
        const auto address = ListenAddress::parse(parser.value(smtp));
        if (!address)
            return fail(tr("--smtp: '%1' is not ADDR:PORT").arg(parser.value(smtp)));
        o.smtp = *address;
    }
    if (parser.isSet(smtps)) {
        const auto address = ListenAddress::parse(parser.value(smtps));
        if (!address)
            return fail(tr("--smtps: '%1' is not ADDR:PORT").arg(parser.value(smtps)));
        o.smtps = *address;
    }
    o.hostname = parser.value(hostname);
    if (parser.isSet(hostname)
        && (o.hostname.isEmpty() || o.hostname.contains(QLatin1Char(' '))
            || o.hostname.contains(QLatin1Char('\r')) || o.hostname.contains(QLatin1Char('\n'))))
        return fail(tr("--hostname: '%1' is not a host name").arg(o.hostname));
    o.tlsCert = parser.value(tlsCert);
    o.tlsKey = parser.value(tlsKey);
    if (o.tlsCert.isEmpty() != o.tlsKey.isEmpty())
        return fail(o.tlsCert.isEmpty() ? tr("--tls-key needs --tls-cert")
                                        : tr("--tls-cert needs --tls-key"));
    if (o.smtps && o.tlsCert.isEmpty())
        return fail(tr("--smtps needs --tls-cert and --tls-key"));
    o.requireTls = parser.isSet(requireTls);
    if (o.requireTls && o.tlsCert.isEmpty())
        return fail(tr("--require-tls needs --tls-cert and --tls-key"));
    for (const QString &pair : parser.values(auth)) {
        const qsizetype colon = pair.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            return fail(tr("--auth: '%1' is not USER:PASS").arg(pair));
        o.credentials.insert(pair.left(colon), pair.mid(colon + 1));
    }
    o.authAcceptAny = parser.isSet(authAny);
    if (o.authAcceptAny && !o.credentials.isEmpty())
        return fail(tr("--auth and --auth-accept-any exclude each other"));
    o.rulesFile = parser.value(rules);
    // A numeric option within [minimum, maximum] into *target; false (error set) when malformed.
    QString numberError;
    const auto number = [&parser, &numberError](const QCommandLineOption &option, auto *target,
                            qint64 minimum, qint64 maximum, const QString &what) {
        if (!parser.isSet(option))
            return true;
        const QString text = parser.value(option);
        const auto value
            = parseNumber<std::remove_pointer_t<decltype(target)>>(text, minimum, maximum);
        if (!value) {
            numberError = QStringLiteral("--%1: '%2' is not %3")
                              .arg(option.names().constLast(), text, what);
            return false;
        }
        *target = *value;
        return true;
    };
    if (!number(maxSize, &o.maxMessageSize, 1, qint64(1) << 40, tr("a positive number of bytes"))
        || !number(idle, &o.idleTimeout, 1, 86400, tr("a number of seconds from 1 to 86400"))
        || !number(maxConnections, &o.maxConnections, 1, 1000000, tr("a positive number")))
        return fail(numberError);
    o.maildir = parser.value(maildir);
    if (parser.isSet(maildir) && o.maildir.isEmpty())
        return fail(tr("--maildir needs a directory"));
    o.database = parser.value(database);
    if (parser.isSet(database) && o.database.isEmpty())
        return fail(tr("--database needs a path"));
    if (!number(max, &o.max, 0, qint64(1) << 40, tr("a number of messages")))
        return fail(numberError);
    return result;
}
