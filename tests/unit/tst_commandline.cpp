// The command line of contract.md: defaults, every option, and every usage error.
#include "commandline.h"
#include "eventprinter.h"
#include "importer.h"
#include "testcertificate.h"

#include <smtpmessage.h>
#include <smtpmessagesummary.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

class TestCommandLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void options();
    void listenAddress_data();
    void listenAddress();
    void errors_data();
    void errors();
    void tlsFilesCheckedOnceTheApplicationExists();
    void messageJson();
    void isoTimeIsQtsIsoDate();
    void mailboxOptions();
    void listenersInTheOrderGiven();
    void listenersLine();
    void importSplit_data();
    void importSplit();
    void importEnvelope();
    void httpOptions();
    void httpListeningLine();
    void humanLinesCarryNoTerminalControls();
    void relayOptions();
};

namespace {
CommandLineResult parse(const QStringList &args)
{
    return parseCommandLine(QStringList(QStringLiteral("smtp-receiver")) + args);
}

// What print writes through an EventPrinter on a memory stream.
QByteArray printed(bool json, const std::function<void(EventPrinter &)> &print)
{
    char *buffer = nullptr;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    if (!out)
        return {};
    {
        EventPrinter printer(json, out);
        print(printer);
    }
    std::fclose(out);
    const QByteArray text(buffer, qsizetype(size));
    std::free(buffer);
    return text;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}
} // namespace

void TestCommandLine::defaults()
{
    const CommandLineResult r = parse({ QStringLiteral("--no-gui") });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    // The configuration's defaults, which are contract.md's.
    QCOMPARE(r.options.server, SmtpServerConfig());
    QCOMPARE(r.options.server.listeners().size(), 1);
    QCOMPARE(
        r.options.server.listeners().constFirst().toString(), QStringLiteral("127.0.0.1:1025"));
    QCOMPARE(r.options.server.maxMessageSize(), 26214400);
    QCOMPARE(r.options.server.idleTimeout(), 300);
    QCOMPARE(r.options.server.maxConnections(), 1000);
    QVERIFY(r.options.noGui);
    QVERIFY(!r.options.json);
}

void TestCommandLine::options()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cert = writeFile(dir, QStringLiteral("c.pem"), testCertificatePem);
    const QString key = writeFile(dir, QStringLiteral("k.pem"), testKeyPem);
    const QString rules = writeFile(dir, QStringLiteral("r.json"), R"({"default":"accept"})");
    const CommandLineResult r = parse({ QStringLiteral("--no-gui"), QStringLiteral("--json"),
        QStringLiteral("--smtp"), QStringLiteral("[::1]:0"), QStringLiteral("--smtps"),
        QStringLiteral("127.0.0.1:1465"), QStringLiteral("--tls-cert"), cert,
        QStringLiteral("--tls-key"), key, QStringLiteral("--require-tls"), QStringLiteral("--auth"),
        QStringLiteral("u1:p:with:colons"), QStringLiteral("--auth"), QStringLiteral("u2:p2"),
        QStringLiteral("--hostname"), QStringLiteral("mx.test"),
        QStringLiteral("--max-message-size"), QStringLiteral("1000"),
        QStringLiteral("--idle-timeout"), QStringLiteral("5"), QStringLiteral("--max-connections"),
        QStringLiteral("7"), QStringLiteral("--maildir"), QStringLiteral("/tmp/md"),
        QStringLiteral("--rules"), rules });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    const AppOptions &o = r.options;
    QVERIFY(o.json);
    const SmtpServerConfig &server = o.server;
    QCOMPARE(server.listeners().size(), 2);
    QCOMPARE(server.listeners().at(0), SmtpListenerConfig(QStringLiteral("[::1]"), 0));
    QCOMPARE(server.listeners().at(1), SmtpListenerConfig(QStringLiteral("127.0.0.1"), 1465, true));
    QCOMPARE(server.tlsCertificateFile(), cert);
    QCOMPARE(server.tlsKeyFile(), key);
    QVERIFY(server.requireTls());
    QCOMPARE(server.authMode(), SmtpServer::AuthMode::Credentials);
    QCOMPARE(server.credentials().size(), 2);
    QCOMPARE(server.credentials().value(QStringLiteral("u1")), QStringLiteral("p:with:colons"));
    QCOMPARE(server.hostname(), QStringLiteral("mx.test"));
    QCOMPARE(server.maxMessageSize(), 1000);
    QCOMPARE(server.idleTimeout(), 5);
    QCOMPARE(server.maxConnections(), 7);
    QCOMPARE(o.maildir, QStringLiteral("/tmp/md"));
    QCOMPARE(server.rulesFile(), rules);
}

void TestCommandLine::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // empty: invalid
    QTest::newRow("v4") << "127.0.0.1:25"
                        << "127.0.0.1:25";
    QTest::newRow("any") << "0.0.0.0:0"
                         << "0.0.0.0:0";
    QTest::newRow("v6") << "[::1]:2525"
                        << "[::1]:2525";
    QTest::newRow("localhost") << "localhost:1025"
                               << "localhost:1025";
    QTest::newRow("bare port") << "2525"
                               << "127.0.0.1:2525";
    QTest::newRow("v6 without brackets") << "::1:25"
                                         << "";
    QTest::newRow("port too big") << "127.0.0.1:65536"
                                  << "";
    QTest::newRow("negative port") << "127.0.0.1:-1"
                                   << "";
    QTest::newRow("name") << "mail.example.com:25"
                          << "";
    QTest::newRow("no port") << "127.0.0.1:"
                             << "";
    QTest::newRow("garbage") << "nonsense"
                             << "";
}

void TestCommandLine::listenAddress()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    SmtpListenerConfig listener;
    const bool split = SmtpListenerConfig::fromString(text, false, &listener, nullptr);
    QCOMPARE(split && listener.validate().isEmpty() ? listener.toString() : QString(), expected);
}

void TestCommandLine::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown flag") << QStringList { "--frobnicate" } << "frobnicate";
    QTest::newRow("bad smtp") << QStringList { "--smtp", "x" } << "--smtp";
    QTest::newRow("bad smtp address")
        << QStringList { "--smtp", "256.1.1.1:25" } << "--smtp: The SMTP listen address";
    QTest::newRow("smtp port out of range")
        << QStringList { "--smtp", "127.0.0.1:65536" } << "65536";
    QTest::newRow("missing rules file")
        << QStringList { "--rules", "/nonexistent/rules.json" } << "--rules";
    QTest::newRow("smtps without cert") << QStringList { "--smtps", "127.0.0.1:0" } << "--smtps";
    QTest::newRow("cert without key") << QStringList { "--tls-cert", "c" } << "--tls-key";
    QTest::newRow("key without cert") << QStringList { "--tls-key", "k" } << "--tls-cert";
    QTest::newRow("require-tls without cert") << QStringList { "--require-tls" } << "--require-tls";
    QTest::newRow("auth without colon") << QStringList { "--auth", "user" } << "--auth";
    QTest::newRow("auth both ways")
        << QStringList { "--auth", "u:p", "--auth-accept-any" } << "--auth";
    QTest::newRow("size not a number")
        << QStringList { "--max-message-size", "big" } << "--max-message-size";
    QTest::newRow("size zero") << QStringList { "--max-message-size", "0" } << "--max-message-size";
    QTest::newRow("idle zero") << QStringList { "--idle-timeout", "0" } << "--idle-timeout";
    QTest::newRow("connections zero")
        << QStringList { "--max-connections", "0" } << "--max-connections";
    QTest::newRow("positional") << QStringList { "extra" } << "extra";
    QTest::newRow("missing value") << QStringList { "--smtp" } << "smtp";
    QTest::newRow("bad http") << QStringList { "--http", "x" } << "--http";
    QTest::newRow("http port out of range")
        << QStringList { "--http", "127.0.0.1:65536" } << "--http";
    QTest::newRow("http v6 without brackets") << QStringList { "--http", "::1:80" } << "--http";
    QTest::newRow("http-auth without colon")
        << QStringList { "--http", "127.0.0.1:0", "--http-auth", "user" } << "--http-auth";
    QTest::newRow("http-auth without user")
        << QStringList { "--http", "127.0.0.1:0", "--http-auth", ":pw" } << "--http-auth";
    QTest::newRow("http-cors not an origin")
        << QStringList { "--http", "127.0.0.1:0", "--http-cors", "example.test" } << "--http-cors";
    QTest::newRow("http-cors with a path") << QStringList { "--http", "127.0.0.1:0", "--http-cors",
        "http://a.test/x" } << "--http-cors";
    // Every web page could read all mail: only with Basic auth.
    QTest::newRow("http-cors * without http-auth")
        << QStringList { "--http", "127.0.0.1:0", "--http-cors", "*" } << "--http-cors: '*'";
    QTest::newRow("http-allowed-host with a port") << QStringList { "--http", "127.0.0.1:0",
        "--http-allowed-host", "a.test:80" } << "--http-allowed-host";
    QTest::newRow("http-auth without http")
        << QStringList { "--http-auth", "u:p" } << "--http-auth";
    QTest::newRow("http-cors without http")
        << QStringList { "--http-cors", "http://a.test" } << "--http-cors";
    QTest::newRow("http-allowed-host without http")
        << QStringList { "--http-allowed-host", "a.test" } << "--http-allowed-host";
}

void TestCommandLine::errors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const CommandLineResult r = parse(QStringList(QStringLiteral("--no-gui")) + args);
    QCOMPARE(r.action, CommandLineResult::Action::Error);
    QVERIFY2(r.text.contains(mentions), qPrintable(r.text));
    QVERIFY(!r.text.contains(QLatin1Char('\n')));
}

void TestCommandLine::tlsFilesCheckedOnceTheApplicationExists()
{
    const CommandLineResult r = parse({ QStringLiteral("--no-gui"), QStringLiteral("--tls-cert"),
        QStringLiteral("/nonexistent/c.pem"), QStringLiteral("--tls-key"),
        QStringLiteral("/nonexistent/k.pem") });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    QCOMPARE(checkServerOptions(r.options.server),
        QString::fromUtf8("--tls-cert: The TLS certificate “/nonexistent/c.pem” cannot be read: "
                          "No such file or directory."));
}

void TestCommandLine::messageJson()
{
    SmtpMessageSummary m;
    m.id = 42;
    m.receivedAt = QDateTime(QDate(2026, 11, 28), QTime(11, 30, 0, 123), Qt::UTC);
    m.remoteAddress = "127.0.0.1";
    m.helo = "client";
    m.mailFrom = QString();
    m.rcptTos = QStringList { "a@x.test", "\"q\\\"uote\"@x.test" };
    m.size = 18;
    m.subject = "h\u00e9llo \"q\"\t\x01\\ \U0001F4E6";
    const QByteArray line = EventPrinter::messageJson(m);
    QVERIFY(line.startsWith("{\"event\":\"message\",\"id\":42,"));
    QVERIFY(!line.contains('\n'));
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value("receivedAt").toString(), QString("2026-11-28T11:30:00.123Z"));
    QCOMPARE(o.value("mailfrom").toString(), QString());
    QCOMPARE(o.value("rcpttos").toArray().at(1).toString(), QString("\"q\\\"uote\"@x.test"));
    QCOMPARE(o.value("size").toInt(), 18);
    QCOMPARE(o.value("subject").toString(), QString("h\u00e9llo \"q\"\t\x01\\ \U0001F4E6"));
    QVERIFY(line.contains("\\u0001")); // control characters escaped, never raw
    QCOMPARE(o.value("tls").toBool(), false);
    QCOMPARE(o.value("helo").toString(), QString("client"));
    QCOMPARE(o.value("remoteAddress").toString(), QString("127.0.0.1"));
    QCOMPARE(o.value("mailboxes").toArray(), QJsonArray());
    QCOMPARE(o.keys().size(), 11);
    m.mailboxes = QStringList { "billing", "shop" };
    const QJsonObject routed = QJsonDocument::fromJson(EventPrinter::messageJson(m)).object();
    QCOMPARE(routed.value("mailboxes").toArray(), (QJsonArray { "billing", "shop" }));
    QVERIFY(EventPrinter::messageJson(m).endsWith(R"(,"mailboxes":["billing","shop"]})"));
}

void TestCommandLine::httpOptions()
{
    const CommandLineResult off = parse({ QStringLiteral("--no-gui") });
    QVERIFY(!off.options.http);

    const CommandLineResult r = parse({ QStringLiteral("--no-gui"), QStringLiteral("--http"),
        QStringLiteral("[::1]:8025"), QStringLiteral("--http-auth"), QStringLiteral("a:b:c"),
        QStringLiteral("--http-auth"), QStringLiteral("d:e"), QStringLiteral("--http-allowed-host"),
        QStringLiteral("mail.test"), QStringLiteral("--http-allowed-host"),
        QStringLiteral("[fd00::1]"), QStringLiteral("--http-cors"),
        QStringLiteral("http://app.test:3000") });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    QVERIFY2(r.text.isEmpty(), qPrintable(r.text));
    const AppOptions &o = r.options;
    QVERIFY(o.http);
    QCOMPARE(o.httpListener.hostAddress(), QHostAddress(QStringLiteral("::1")));
    QCOMPARE(o.httpListener.port(), 8025);
    const QHash<QString, QString> credentials { { QStringLiteral("a"), QStringLiteral("b:c") },
        { QStringLiteral("d"), QStringLiteral("e") } };
    QCOMPARE(o.httpCredentials, credentials);
    QCOMPARE(o.httpAllowedHosts,
        QStringList({ QStringLiteral("mail.test"), QStringLiteral("[fd00::1]") }));
    QCOMPARE(o.httpCorsOrigin, QStringLiteral("http://app.test:3000"));

    const CommandLineResult free
        = parse({ QStringLiteral("--no-gui"), QStringLiteral("--http"), QStringLiteral("0") });
    QVERIFY(free.options.http);
    QCOMPARE(free.options.httpListener.port(), 0);
    QCOMPARE(free.options.httpListener.hostAddress(), QHostAddress(QHostAddress::LocalHost));

    // "*" goes with Basic auth, whatever the order of the flags.
    const CommandLineResult any = parse({ QStringLiteral("--no-gui"), QStringLiteral("--http"),
        QStringLiteral("0"), QStringLiteral("--http-cors"), QStringLiteral("*"),
        QStringLiteral("--http-auth"), QStringLiteral("ci:pw") });
    QCOMPARE(any.action, CommandLineResult::Action::Run);
    QCOMPARE(any.options.httpCorsOrigin, QStringLiteral("*"));
}

void TestCommandLine::httpListeningLine()
{
    char *buffer = nullptr;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    QVERIFY(out);
    {
        EventPrinter json(true, out);
        json.listening(
            QStringLiteral("127.0.0.1:2525"), {}, false, QStringLiteral("127.0.0.1:8025"));
        json.listening(QStringLiteral("127.0.0.1:2525"), QStringLiteral("127.0.0.1:4650"), true,
            QStringLiteral("[::1]:8025"));
        EventPrinter human(false, out);
        human.listening(
            QStringLiteral("127.0.0.1:2525"), {}, false, QStringLiteral("127.0.0.1:8025"));
    }
    std::fclose(out);
    const QList<QByteArray> lines = QByteArray(buffer, qsizetype(size)).split('\n');
    std::free(buffer);
    QCOMPARE(lines.value(0),
        QByteArray(R"({"event":"listening","smtp":"127.0.0.1:2525","http":"127.0.0.1:8025"})"));
    QCOMPARE(lines.value(1),
        QByteArray(R"({"event":"listening","smtp":"127.0.0.1:2525","smtps":"127.0.0.1:4650",)"
                   R"("http":"[::1]:8025"})"));
    QVERIFY2(lines.value(2).contains("listening on 127.0.0.1:2525"), lines.value(2));
    QVERIFY2(lines.value(2).contains("HTTP API on http://127.0.0.1:8025"), lines.value(2));
}

void TestCommandLine::isoTimeIsQtsIsoDate()
{
    // Written by hand, it must say what Qt's ISODateWithMs of the UTC time says.
    const auto qt = [](const QDateTime &t) { return t.toUTC().toString(Qt::ISODateWithMs); };
    QList<QDateTime> times { QDateTime(QDate(2026, 11, 28), QTime(11, 30, 0, 123), Qt::UTC),
        QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC),
        QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
        QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::OffsetFromUTC, 5 * 3600 + 1800),
        QDateTime(QDate(2024, 2, 29), QTime(23, 30), Qt::OffsetFromUTC, -7200),
        QDateTime::currentDateTime(), QDateTime::currentDateTimeUtc() };
    QRandomGenerator random(42);
    for (int i = 0; i < 5000; ++i)
        times.append(QDateTime::fromMSecsSinceEpoch(
            random.bounded(qint64(-62135596800000), qint64(253402300799999)), Qt::UTC));
    for (const QDateTime &t : std::as_const(times))
        QCOMPARE(EventPrinter::isoTime(t), qt(t));
    QVERIFY(EventPrinter::isoTime(QDateTime()).isEmpty());
    // Outside years 1-9999 Qt's own words.
    const QDateTime far(QDate(12345, 1, 2), QTime(3, 4, 5, 6), Qt::UTC);
    QCOMPARE(EventPrinter::isoTime(far), qt(far));
}

void TestCommandLine::mailboxOptions()
{
    const CommandLineResult r = parse(
        { QStringLiteral("--no-gui"), QStringLiteral("--smtp"), QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--smtp"), QStringLiteral("127.0.0.1:0=shop"), QStringLiteral("--smtp"),
            QStringLiteral("[::1]:2526=a.b_c-9"), QStringLiteral("--mailbox-from-auth") });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    QVERIFY2(r.text.isEmpty(), qPrintable(r.text));
    const QList<SmtpListenerConfig> listeners = r.options.server.listeners();
    QCOMPARE(listeners.size(), 3);
    QCOMPARE(listeners.at(0).mailbox(), QString());
    QCOMPARE(listeners.at(1).mailbox(), QStringLiteral("shop"));
    QCOMPARE(listeners.at(2).mailbox(), QStringLiteral("a.b_c-9"));
    QCOMPARE(listeners.at(2).port(), 2526);
    QVERIFY(r.options.server.mailboxFromAuth());
    QVERIFY(!parse({ QStringLiteral("--no-gui") }).options.server.mailboxFromAuth());
    // With --auth, a user whose name can never name a mailbox is refused at start, not at AUTH.
    const CommandLineResult named = parse({ QStringLiteral("--no-gui"),
        QStringLiteral("--mailbox-from-auth"), QStringLiteral("--auth"), QStringLiteral("shop:pw"),
        QStringLiteral("--auth"), QStringLiteral("dev@example.test:pw") });
    QCOMPARE(named.action, CommandLineResult::Action::Error);
    QVERIFY2(named.text.startsWith("--auth: user 'dev@example.test' is no mailbox name"),
        qPrintable(named.text));
    QCOMPARE(parse({ QStringLiteral("--no-gui"), QStringLiteral("--auth"),
                       QStringLiteral("dev@example.test:pw") })
                 .action,
        CommandLineResult::Action::Run); // without --mailbox-from-auth any name does

    const CommandLineResult list = parse(
        { QStringLiteral("--list"), QStringLiteral("--mailbox"), QStringLiteral("billing") });
    QCOMPARE(list.action, CommandLineResult::Action::Run);
    QCOMPARE(list.options.listMailbox, QStringLiteral("billing"));

    for (const QStringList &bad : { QStringList { "--smtp", "127.0.0.1:0=bad name" },
             QStringList { "--smtp", "127.0.0.1:0=" }, QStringList { "--smtp", "1025=a/b" },
             QStringList { "--list", "--mailbox", "" }, QStringList { "--mailbox", "shop" } }) {
        const CommandLineResult e = parse(QStringList { QStringLiteral("--no-gui") } + bad);
        QCOMPARE(e.action, CommandLineResult::Action::Error);
        QVERIFY2(e.text.startsWith(bad.contains("--mailbox") ? "--mailbox" : "--smtp"),
            qPrintable(e.text));
        QVERIFY(!e.text.contains('\n'));
    }
}

void TestCommandLine::listenersInTheOrderGiven()
{
    // contract.md: one listener per --smtp or --smtps, in the order given across both flags
    // (the parser keeps each flag's values in order, not their order between the two).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList tls { QStringLiteral("--tls-cert"),
        writeFile(dir, QStringLiteral("c.pem"), testCertificatePem), QStringLiteral("--tls-key"),
        writeFile(dir, QStringLiteral("k.pem"), testKeyPem) };
    const CommandLineResult r = parse(tls
        + QStringList { QStringLiteral("--no-gui"), QStringLiteral("--smtps"),
            QStringLiteral("127.0.0.1:0=secure"), QStringLiteral("--smtp=127.0.0.1:0=plain"),
            QStringLiteral("--smtps=[::1]:0"), QStringLiteral("--smtp"),
            QStringLiteral("[::1]:2526") });
    QVERIFY2(r.action == CommandLineResult::Action::Run, qPrintable(r.text));
    QVERIFY2(r.text.isEmpty(), qPrintable(r.text));
    QList<QString> given;
    for (const SmtpListenerConfig &listener : r.options.server.listeners())
        given.append(QStringLiteral("%1%2=%3").arg(
            listener.isImplicitTls() ? QStringLiteral("s:") : QString(), listener.toString(),
            listener.mailbox()));
    QCOMPARE(given,
        QList<QString>(
            { QStringLiteral("s:127.0.0.1:0=secure"), QStringLiteral("127.0.0.1:0=plain"),
                QStringLiteral("s:[::1]:0="), QStringLiteral("[::1]:2526=") }));

    // --smtps alone keeps the default --smtp listener, first.
    const CommandLineResult alone = parse(tls
        + QStringList {
            QStringLiteral("--no-gui"), QStringLiteral("--smtps"), QStringLiteral("127.0.0.1:0") });
    QVERIFY2(alone.action == CommandLineResult::Action::Run, qPrintable(alone.text));
    QCOMPARE(alone.options.server.listeners().size(), 2);
    QCOMPARE(alone.options.server.listeners().at(0), SmtpServerConfig().listeners().constFirst());
    QVERIFY(alone.options.server.listeners().at(1).isImplicitTls());
}

void TestCommandLine::listenersLine()
{
    const QByteArray line = printed(true, [](EventPrinter &json) {
        json.listening(QStringLiteral("127.0.0.1:2525"), QStringLiteral("127.0.0.1:4650"), true, {},
            { { QStringLiteral("127.0.0.1:2525"), false, QStringLiteral("Inbox") },
                { QStringLiteral("127.0.0.1:2526"), false, QStringLiteral("shop") },
                { QStringLiteral("127.0.0.1:4650"), true, QStringLiteral("Inbox") } });
    }).trimmed();
    QCOMPARE(line,
        QByteArray(R"({"event":"listening","smtp":"127.0.0.1:2525","smtps":"127.0.0.1:4650",)"
                   R"("listeners":[{"smtp":"127.0.0.1:2525","mailbox":"Inbox"},)"
                   R"({"smtp":"127.0.0.1:2526","mailbox":"shop"},)"
                   R"({"smtps":"127.0.0.1:4650","mailbox":"Inbox"}]})"));
    const QByteArray human = printed(false, [](EventPrinter &text) {
        text.listening(QStringLiteral("127.0.0.1:2525"), {}, false, {},
            { { QStringLiteral("127.0.0.1:2525"), false, QStringLiteral("Inbox") },
                { QStringLiteral("127.0.0.1:2526"), false, QStringLiteral("shop") } });
        text.listening(QStringLiteral("127.0.0.1:2525"), {}, false, {},
            { { QStringLiteral("127.0.0.1:2525"), false, QStringLiteral("Inbox") } });
        SmtpMessageSummary m;
        m.mailboxes = QStringList { QStringLiteral("billing"), QStringLiteral("shop") };
        text.message(m);
        m.mailboxes = QStringList { QStringLiteral("Inbox") };
        text.message(m);
    });
    const QList<QByteArray> lines = human.split('\n');
    QVERIFY2(
        lines.value(0).endsWith("; mailboxes: 127.0.0.1:2525 -> Inbox, 127.0.0.1:2526 -> shop"),
        lines.value(0));
    QVERIFY2(!lines.value(1).contains("mailboxes"), lines.value(1));
    QVERIFY2(lines.value(2).contains(" in billing, shop: "), lines.value(2));
    QVERIFY2(!lines.value(3).contains(" in "), lines.value(3));
}

void TestCommandLine::humanLinesCarryNoTerminalControls()
{
    // A subject (decoded from an encoded word), a recipient and a relay's reply can hold any
    // character: an ESC sequence would retitle or recolour the terminal, a CR overwrite the line.
    const QString hostile = QStringLiteral("hi\x1b]0;PWNED\x07\x1b[31mRED\rfake") + QChar(0x9b)
        + QStringLiteral("2J") + QChar(0x2028) + QStringLiteral("end");
    const QByteArray human = printed(false, [&hostile](EventPrinter &text) {
        SmtpMessageSummary m;
        m.id = 7;
        m.subject = hostile;
        m.rcptTos = QStringList { hostile };
        text.message(m);
        text.tableRow(m);
        text.released(7, { QStringLiteral("a@x.test") }, false, hostile);
    });
    const QList<QByteArray> lines = human.split('\n');
    QCOMPARE(lines.size(), 4); // three lines and the end
    const QByteArray fffd = QString(QChar::ReplacementCharacter).toUtf8();
    for (int i = 0; i < 3; ++i) {
        const QByteArray &line = lines.at(i);
        QVERIFY2(std::none_of(line.cbegin(), line.cend(),
                     [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; }),
            line.toPercentEncoding().constData());
        QVERIFY2(!line.contains("\xc2\x9b") && !line.contains("\xe2\x80\xa8"), line.constData());
        QVERIFY2(line.contains(QByteArray(
                     "hi" + fffd + "]0;PWNED" + fffd + fffd + "[31mRED" + fffd + "fake")),
            line.constData());
    }
}

void TestCommandLine::relayOptions()
{
    const CommandLineResult off = parse({ QStringLiteral("--no-gui") });
    QVERIFY(!off.options.relay.isEnabled());

    const CommandLineResult r = parse({ QStringLiteral("--no-gui"), QStringLiteral("--relay"),
        QStringLiteral("[::1]:2525"), QStringLiteral("--relay-tls"), QStringLiteral("tls"),
        QStringLiteral("--relay-auth"), QStringLiteral("me:pa:ss"),
        QStringLiteral("--relay-allowed"), QStringLiteral(".*@example\\.test"),
        QStringLiteral("--relay-timeout"), QStringLiteral("2.5") });
    QCOMPARE(r.action, CommandLineResult::Action::Run);
    QVERIFY2(r.text.isEmpty(), qPrintable(r.text));
    const SmtpRelayConfig &relay = r.options.relay;
    QVERIFY(relay.isEnabled());
    QCOMPARE(relay.host, QStringLiteral("::1"));
    QCOMPARE(relay.port, quint16(2525));
    QCOMPARE(relay.address(), QStringLiteral("[::1]:2525"));
    QCOMPARE(relay.tlsMode, SmtpClient::TlsMode::Implicit);
    QCOMPARE(relay.user, QStringLiteral("me"));
    QCOMPARE(relay.password, QStringLiteral("pa:ss"));
    QCOMPARE(relay.allowedPattern, QStringLiteral(".*@example\\.test"));
    QCOMPARE(relay.timeout, 2500);

    const CommandLineResult plain = parse(
        { QStringLiteral("--no-gui"), QStringLiteral("--relay"), QStringLiteral("mail.test:25") });
    QCOMPARE(plain.options.relay.host, QStringLiteral("mail.test"));
    QCOMPARE(plain.options.relay.tlsMode, SmtpClient::TlsMode::Auto); // STARTTLS when offered
    // The default has a name, and scripts may give it; the error and --help list all four.
    for (const QString &name : { QStringLiteral("auto"), QStringLiteral("AUTO") }) {
        const CommandLineResult given
            = parse({ QStringLiteral("--no-gui"), QStringLiteral("--relay"),
                QStringLiteral("mail.test:25"), QStringLiteral("--relay-tls"), name });
        QCOMPARE(given.action, CommandLineResult::Action::Run);
        QCOMPARE(given.options.relay.tlsMode, SmtpClient::TlsMode::Auto);
    }
    const CommandLineResult ssl = parse({ QStringLiteral("--no-gui"), QStringLiteral("--relay"),
        QStringLiteral("mail.test:25"), QStringLiteral("--relay-tls"), QStringLiteral("ssl") });
    QCOMPARE(ssl.text, QStringLiteral("--relay-tls: 'ssl' is not auto, none, starttls or tls"));
    const CommandLineResult help = parse({ QStringLiteral("--help") });
    QVERIFY2(help.text.contains(QLatin1String("--relay-tls <auto|none|starttls|tls>")),
        qPrintable(help.text));
    QVERIFY2(help.text.simplified().contains(
                 QLatin1String("auto (the default: STARTTLS when the relay offers it, else none)")),
        qPrintable(help.text));

    for (const QStringList &bad :
        { QStringList { "--relay", "mail.test" }, QStringList { "--relay", "mail.test:0" },
            QStringList { "--relay", "mail.test:25", "--relay-tls", "ssl" },
            QStringList { "--relay", "mail.test:25", "--relay-auth", "nopass" },
            QStringList { "--relay", "mail.test:25", "--relay-allowed", "[" },
            QStringList { "--relay-allowed", ".*" } }) {
        const CommandLineResult failed = parse(QStringList { QStringLiteral("--no-gui") } + bad);
        QCOMPARE(failed.action, CommandLineResult::Action::Error);
        QVERIFY2(failed.text.startsWith(QLatin1String("--relay")), qPrintable(failed.text));
    }
}

void TestCommandLine::importSplit_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QList<QByteArray>>("messages"); // empty: refused
    QTest::addColumn<QString>("why");

    const QByteArray eml = "From: a@x.test\r\nSubject: s\r\n\r\nbody\r\n";
    QTest::newRow("eml") << eml << QList<QByteArray> { eml } << QString();
    QTest::newRow("eml, LF") << QByteArray("Date: today\n\nx\n")
                             << QList<QByteArray> { "Date: today\n\nx\n" } << QString();
    QTest::newRow("mbox, mboxrd escapes")
        << QByteArray("From a@x Sat Jan  1 00:00:00 2026\nFrom: a@x\n\n>From here\n>>From "
                      "there\n\nFrom b@x Sat Jan  1 00:00:00 2026\nSubject: two\n\nbye\n")
        << QList<QByteArray> { "From: a@x\n\nFrom here\n>From there\n", "Subject: two\n\nbye\n" }
        << QString();
    QTest::newRow("mbox, CRLF") << QByteArray(
        "From a@x Sat\r\nTo: b@y\r\n\r\n1\r\n\r\nFrom c@x Sat\r\nTo: d@y\r\n\r\n2\r\n")
                                << QList<QByteArray> { "To: b@y\r\n\r\n1\r\n",
                                       "To: d@y\r\n\r\n2\r\n" }
                                << QString();
    QTest::newRow("From: header is no mbox") << eml << QList<QByteArray> { eml } << QString();
    QTest::newRow("empty") << QByteArray("\n\n") << QList<QByteArray>() << "empty";
    QTest::newRow("text") << QByteArray("hello world\n") << QList<QByteArray>()
                          << "no message header";
    QTest::newRow("header-like text")
        << QByteArray("Note: not mail\n\ntext\n") << QList<QByteArray>() << "no message header";
    QTest::newRow("binary") << QByteArray("From: a\0b\r\n\r\n", 14) << QList<QByteArray>()
                            << "binary";
    QTest::newRow("bad message in an mbox")
        << QByteArray("From a Sat\nFrom: a@x\n\nok\n\nFrom b Sat\njunk\n") << QList<QByteArray>()
        << "message 2";
}

void TestCommandLine::importSplit()
{
    QFETCH(QByteArray, file);
    QFETCH(QList<QByteArray>, messages);
    QFETCH(QString, why);
    QList<QByteArray> found;
    QString problem;
    const bool ok = MailImport::split(file, &found, &problem);
    QCOMPARE(ok, why.isEmpty());
    if (ok)
        QCOMPARE(found, messages);
    else
        QVERIFY2(problem.contains(why), qPrintable(problem));
}

void TestCommandLine::importEnvelope()
{
    const QByteArray bytes = "Return-Path: <bounce@x.test>\r\nFrom: A <a@x.test>\r\nTo: b@y.test, "
                             "\"C, D\" <c@y.test>\r\nCc: e@y.test\r\nBcc: f@y.test\r\n\r\nhi\r\n";
    const SmtpMessage m = MailImport::message(bytes, QStringLiteral("old"));
    QCOMPARE(m.data(), bytes);
    QCOMPARE(m.mailFrom(), QStringLiteral("bounce@x.test"));
    QCOMPARE(m.rcptTos(), (QStringList { "b@y.test", "c@y.test", "e@y.test", "f@y.test" }));
    QCOMPARE(m.mailboxes(), QStringList { "old" });
    QVERIFY(qAbs(m.receivedAt().secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QCOMPARE(MailImport::message("From: a@x.test\r\n\r\n", QString()).mailFrom(),
        QStringLiteral("a@x.test"));
    QVERIFY(MailImport::message("From: a@x.test\r\n\r\n", QString()).mailboxes().isEmpty());
    QCOMPARE(MailImport::arguments({ "smtp-receiver", "import", "a.eml" }),
        std::optional<QStringList>(QStringList { "a.eml" }));
    QVERIFY(!MailImport::arguments({ "smtp-receiver", "--list" }));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
