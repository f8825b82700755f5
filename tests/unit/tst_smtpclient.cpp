// SmtpClient against a scripted fake server (a QTcpServer in the test), and the pure functions of
// the client protocol (reply parsing, dot-stuffing, AUTH responses) on their own.
#include "networkaddress.h"

#include <protocol/smtpclientprotocol.h>
#include <smtpclient.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>

using Stage = SmtpClientResult::Stage;
using Error = SmtpClientResult::Error;
using Parsed = SmtpClientProtocol::ParsedReply;

namespace {

// One connection at a time, answering by verb like a small server would. replies maps a verb
// (GREETING, EHLO, HELO, MAIL, RCPT, DATA, END for the end of the data, QUIT, AUTH, and the
// AUTH continuation lines as AUTH2, AUTH3) to the reply to send; "" means say nothing (a stall)
// and "CLOSE" means hang up.
class FakeServer : public QObject
{
public:
    explicit FakeServer(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
    {
        replies = { { "GREETING", "220 fake.test ESMTP" }, { "EHLO", "250 fake.test" },
            { "HELO", "250 fake.test" }, { "MAIL", "250 2.1.0 ok" }, { "RCPT", "250 2.1.5 ok" },
            { "DATA", "354 go ahead" }, { "END", "250 2.0.0 queued as 42" },
            { "QUIT", "221 2.0.0 bye" }, { "RSET", "250 ok" } };
        QVERIFY(listener.listen(address, 0));
        connect(&listener, &QTcpServer::newConnection, this, [this] {
            socket = listener.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, this, [this] { read(); });
            say("GREETING");
        });
    }

    quint16 port() const { return listener.serverPort(); }
    QString host() const { return listener.serverAddress().toString(); }

    QMap<QByteArray, QByteArray> replies;
    QList<QByteArray> commands; // as received, without CRLF
    QByteArray data; // the DATA payload as sent (dot-stuffed, with the final ".\r\n")
    // With this set, nothing is answered until DATA has come: a client that waits for each
    // reply never gets there (what PIPELINING lets a client skip).
    bool holdUntilData = false;
    int authLines = 0;
    QList<QByteArray> rcptReplies; // when set: the replies to the RCPTs, in order

private:
    void say(const QByteArray &key)
    {
        const QByteArray reply = replies.value(key);
        if (reply == "CLOSE") {
            socket->disconnectFromHost();
            return;
        }
        if (!reply.isEmpty())
            socket->write(QByteArray(reply).replace("\n", "\r\n") + "\r\n");
    }

    void read()
    {
        buffer += socket->readAll();
        while (true) {
            if (inData) {
                const qsizetype end = buffer.indexOf("\r\n.\r\n");
                const bool onlyDot = buffer.startsWith(".\r\n");
                if (end < 0 && !onlyDot)
                    return;
                const qsizetype length = onlyDot ? 3 : end + 5;
                data = buffer.left(length);
                buffer.remove(0, length);
                inData = false;
                say("END");
                continue;
            }
            const qsizetype newline = buffer.indexOf("\r\n");
            if (newline < 0)
                return;
            const QByteArray line = buffer.left(newline);
            buffer.remove(0, newline + 2);
            commands.append(line);
            held.append(line);
            if (holdUntilData && held.constFirst().startsWith("MAIL") && !line.startsWith("DATA"))
                continue;
            const QList<QByteArray> now = held;
            held.clear();
            for (const QByteArray &command : now)
                answer(command);
        }
    }

    void answer(const QByteArray &line)
    {
        if (inAuth) {
            ++authLines;
            say("AUTH" + QByteArray::number(authLines + 1));
            inAuth = !replies.value("AUTH" + QByteArray::number(authLines + 1)).startsWith("235");
            return;
        }
        QByteArray verb = line.split(' ').constFirst().split(':').constFirst().toUpper();
        if (verb == "AUTH") {
            say("AUTH");
            inAuth = replies.value("AUTH").startsWith("334");
            return;
        }
        if (!replies.contains(verb))
            verb = "QUIT";
        if (verb == "RCPT" && !rcptReplies.isEmpty()) {
            socket->write(rcptReplies.takeFirst() + "\r\n");
            return;
        }
        say(verb);
        if (verb == "DATA" && replies.value("DATA").startsWith("354"))
            inData = true;
    }

    QTcpServer listener;
    QTcpSocket *socket = nullptr;
    QByteArray buffer;
    QList<QByteArray> held;
    bool inData = false;
    bool inAuth = false;
};

const QByteArray sampleMessage = "From: a@example.test\r\nSubject: hi\r\n\r\n.dot\r\nbody\r\n";

} // namespace

class TestSmtpClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseReply_data();
    void parseReply();
    void parseSeveralReplies();
    void dotStuffed_data();
    void dotStuffed();
    void crlfLineEnds_data();
    void crlfLineEnds();
    void authResponses();
    void mayAuthenticate_data();
    void mayAuthenticate();
    void extensions();

    void sendsOneMessage();
    void heloFallback();
    void pipelining();
    void tooBigForSizeIsNotSent();
    void bareLineEndsGoOutAsCrlf();
    void authMechanisms_data();
    void authMechanisms();
    void authRefused();
    void noPasswordInClearToAnotherMachine();
    void someRecipientsRefused();
    void allOrNothing();
    void refusals_data();
    void refusals();
    void stallTimesOut();
    void dropIsConnectionClosed();
    void connectionRefused();
    void malformedReply();
    void startTlsRequiredButNotOffered();

private:
    SmtpClientResult run(SmtpClient &client, FakeServer &server,
        const QStringList &recipients = { QStringLiteral("b@example.test") },
        const QByteArray &message = sampleMessage);
};

void TestSmtpClient::parseReply_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("enhanced");
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<int>("length");
    const int complete = int(Parsed::Status::Complete);
    const int incomplete = int(Parsed::Status::Incomplete);
    const int malformed = int(Parsed::Status::Malformed);
    QTest::newRow("one line") << QByteArray("250 ok\r\n") << complete << 250 << QString()
                              << QStringList { "ok" } << 8;
    QTest::newRow("enhanced") << QByteArray("550 5.1.1 no such user\r\n") << complete << 550
                              << QString("5.1.1") << QStringList { "5.1.1 no such user" } << 24;
    QTest::newRow("enhanced class must match") << QByteArray("550 2.1.1 odd\r\n") << complete << 550
                                               << QString() << QStringList { "2.1.1 odd" } << 15;
    QTest::newRow("multi-line") << QByteArray("250-fake.test\r\n250-SIZE 10\r\n250 PIPELINING\r\n")
                                << complete << 250 << QString()
                                << QStringList { "fake.test", "SIZE 10", "PIPELINING" } << 44;
    QTest::newRow("bare code") << QByteArray("250\r\n") << complete << 250 << QString()
                               << QStringList { "" } << 5;
    QTest::newRow("bare LF") << QByteArray("221 bye\n") << complete << 221 << QString()
                             << QStringList { "bye" } << 8;
    QTest::newRow("half a line") << QByteArray("250 o") << incomplete << 0 << QString()
                                 << QStringList() << 0;
    QTest::newRow("continuation pending")
        << QByteArray("250-a\r\n250-b\r\n") << incomplete << 0 << QString() << QStringList() << 0;
    QTest::newRow("not a code") << QByteArray("hello there\r\n") << malformed << 0 << QString()
                                << QStringList() << 0;
    QTest::newRow("code out of range")
        << QByteArray("199 x\r\n") << malformed << 0 << QString() << QStringList() << 0;
    QTest::newRow("code changes") << QByteArray("250-a\r\n251 b\r\n") << malformed << 0 << QString()
                                  << QStringList() << 0;
    QTest::newRow("bad separator")
        << QByteArray("250xok\r\n") << malformed << 0 << QString() << QStringList() << 0;
    QTest::newRow("endless line") << QByteArray(5000, '2') << malformed << 0 << QString()
                                  << QStringList() << 0;
}

void TestSmtpClient::parseReply()
{
    QFETCH(QByteArray, input);
    QFETCH(int, status);
    const Parsed parsed = SmtpClientProtocol::parseReply(input, 4096);
    QCOMPARE(int(parsed.status), status);
    if (parsed.status != Parsed::Status::Complete)
        return;
    QTEST(parsed.reply.code, "code");
    QTEST(parsed.reply.enhancedCode, "enhanced");
    QTEST(parsed.reply.lines, "lines");
    QTEST(int(parsed.length), "length");
}

void TestSmtpClient::parseSeveralReplies()
{
    // Pipelined replies arrive together: each is taken off the front in turn.
    QByteArray buffer = "250 2.1.0 ok\r\n550 5.1.1 no\r\n354 go\r\n";
    QList<int> codes;
    while (!buffer.isEmpty()) {
        const Parsed parsed = SmtpClientProtocol::parseReply(buffer);
        QCOMPARE(parsed.status, Parsed::Status::Complete);
        codes.append(parsed.reply.code);
        buffer.remove(0, parsed.length);
    }
    QCOMPARE(codes, (QList<int> { 250, 550, 354 }));
    SmtpClientReply reply;
    reply.code = 550;
    // A relay's reply is shown (the release's 400, the desktop, the JSON event) on one line as
    // text: C0 and C1 controls (ESC, CSI) and the line separators as U+FFFD.
    reply.lines = QStringList { "5.1.1 no\x01such", " user\x1b[2J" + QString(QChar(0x9b)) + "x " };
    QCOMPARE(reply.toString(), QString("550 5.1.1 no\uFFFDsuch user\uFFFD[2J\uFFFDx"));
}

void TestSmtpClient::crlfLineEnds_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("CRLF as it is") << QByteArray("a\r\nb\r\n") << QByteArray("a\r\nb\r\n");
    QTest::newRow("bare LF") << QByteArray("a\nb\n") << QByteArray("a\r\nb\r\n");
    QTest::newRow("bare CR") << QByteArray("a\rb") << QByteArray("a\r\nb");
    QTest::newRow("CR CR LF is one line end") << QByteArray("a\r\r\nb") << QByteArray("a\r\nb");
    QTest::newRow("CR CR") << QByteArray("a\r\rb") << QByteArray("a\r\n\r\nb");
    QTest::newRow("LF first, CR last") << QByteArray("\na\r") << QByteArray("\r\na\r\n");
    QTest::newRow("LF CR") << QByteArray("a\n\rb") << QByteArray("a\r\n\r\nb");
    QTest::newRow("empty") << QByteArray() << QByteArray();
}

void TestSmtpClient::crlfLineEnds()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(SmtpClientProtocol::crlfLineEnds(text), expected);
}

void TestSmtpClient::dotStuffed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("a\r\nb\r\n") << QByteArray("a\r\nb\r\n.\r\n");
    QTest::newRow("leading dots") << QByteArray(".a\r\n..b\r\n.\r\n")
                                  << QByteArray("..a\r\n...b\r\n..\r\n.\r\n");
    QTest::newRow("first line") << QByteArray(".\r\n") << QByteArray("..\r\n.\r\n");
    QTest::newRow("dot not at a line start")
        << QByteArray("a.b\r\n a\r\n") << QByteArray("a.b\r\n a\r\n.\r\n");
    QTest::newRow("dot after a bare CR is no line start")
        << QByteArray("a\r.b\r\n") << QByteArray("a\r.b\r\n.\r\n");
    QTest::newRow("no final CRLF") << QByteArray("a") << QByteArray("a\r\n.\r\n");
    QTest::newRow("empty") << QByteArray() << QByteArray(".\r\n");
}

void TestSmtpClient::dotStuffed()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(SmtpClientProtocol::dotStuffed(text), expected);
}

void TestSmtpClient::authResponses()
{
    QCOMPARE(SmtpClientProtocol::authPlain("user", "pass"), QByteArray("AHVzZXIAcGFzcw=="));
    // RFC 2195's example.
    QCOMPARE(SmtpClientProtocol::cramMd5("tim", "tanstaaftanstaaf",
                 QByteArray("<1896.697170952@postoffice.reston.mci.net>").toBase64()),
        QByteArray("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"));
}

void TestSmtpClient::mayAuthenticate_data()
{
    QTest::addColumn<SmtpClient::TlsMode>("mode");
    QTest::addColumn<bool>("encrypted");
    QTest::addColumn<bool>("loopback");
    QTest::addColumn<bool>("expected");
    using Mode = SmtpClient::TlsMode;
    QTest::newRow("auto, no STARTTLS offered, elsewhere") << Mode::Auto << false << false << false;
    QTest::newRow("auto, no STARTTLS offered, this machine") << Mode::Auto << false << true << true;
    QTest::newRow("auto, after STARTTLS") << Mode::Auto << true << false << true;
    QTest::newRow("none, elsewhere (the user's choice)") << Mode::None << false << false << true;
    QTest::newRow("starttls, encrypted") << Mode::StartTls << true << false << true;
    QTest::newRow("implicit TLS") << Mode::Implicit << true << false << true;
}

void TestSmtpClient::mayAuthenticate()
{
    QFETCH(SmtpClient::TlsMode, mode);
    QFETCH(bool, encrypted);
    QFETCH(bool, loopback);
    QFETCH(bool, expected);
    QCOMPARE(SmtpClientProtocol::mayAuthenticate(mode, encrypted, loopback), expected);
}

void TestSmtpClient::extensions()
{
    SmtpClientReply ehlo;
    ehlo.code = 250;
    ehlo.lines = QStringList { "fake.test hello", "size 1000", "AUTH PLAIN LOGIN", "PIPELINING" };
    const QList<QByteArray> list = SmtpClientProtocol::extensions(ehlo);
    QByteArray parameters;
    QVERIFY(SmtpClientProtocol::offers(list, "SIZE", &parameters));
    QCOMPARE(parameters, QByteArray("1000"));
    QVERIFY(SmtpClientProtocol::offers(list, "AUTH", &parameters));
    QCOMPARE(parameters, QByteArray("PLAIN LOGIN"));
    QVERIFY(SmtpClientProtocol::offers(list, "PIPELINING"));
    QVERIFY(!SmtpClientProtocol::offers(list, "PIPE"));
    QVERIFY(!SmtpClientProtocol::offers(list, "STARTTLS"));
}

SmtpClientResult TestSmtpClient::run(SmtpClient &client, FakeServer &server,
    const QStringList &recipients, const QByteArray &message)
{
    client.setHost(server.host());
    client.setPort(server.port());
    QSignalSpy finished(&client, &SmtpClient::finished);
    client.send(QStringLiteral("a@example.test"), recipients, message);
    if (!finished.wait(10000))
        return {};
    return finished.constFirst().constFirst().value<SmtpClientResult>();
}

void TestSmtpClient::sendsOneMessage()
{
    FakeServer server;
    SmtpClient client;
    QSignalSpy replies(&client, &SmtpClient::replyReceived);
    const SmtpClientResult result = run(client, server);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QCOMPARE(result.stage, Stage::Done);
    QCOMPARE(result.reply.code, 250);
    QCOMPARE(result.reply.enhancedCode, QString("2.0.0"));
    QCOMPARE(result.toString(), QString("250 2.0.0 queued as 42"));
    QCOMPARE(server.commands,
        (QList<QByteArray> { "EHLO localhost", "MAIL FROM:<a@example.test>",
            "RCPT TO:<b@example.test>", "DATA", "QUIT" }));
    QCOMPARE(server.data, "From: a@example.test\r\nSubject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n");
    // greeting, EHLO, MAIL, RCPT, DATA, end of data, QUIT: every reply is surfaced.
    QCOMPARE(replies.size(), 7);
    QCOMPARE(replies.at(0).at(0).value<Stage>(), Stage::Greeting);
    QCOMPARE(result.recipients.size(), 1);
    QCOMPARE(result.recipients.constFirst().reply.code, 250);
}

void TestSmtpClient::heloFallback()
{
    FakeServer server;
    server.replies["EHLO"] = "502 5.5.1 what is EHLO";
    SmtpClient client;
    client.setHeloName(QStringLiteral("me.test"));
    const SmtpClientResult result = run(client, server);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QCOMPARE(server.commands.mid(0, 2), (QList<QByteArray> { "EHLO me.test", "HELO me.test" }));
}

void TestSmtpClient::pipelining()
{
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 PIPELINING";
    server.holdUntilData = true; // answers MAIL only once DATA is there
    SmtpClient client;
    client.setTimeout(3000);
    const SmtpClientResult result = run(
        client, server, { QStringLiteral("b@example.test"), QStringLiteral("c@example.test") });
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QCOMPARE(result.acceptedRecipients(),
        (QStringList { QStringLiteral("b@example.test"), QStringLiteral("c@example.test") }));
}

void TestSmtpClient::tooBigForSizeIsNotSent()
{
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 SIZE 20";
    SmtpClient client;
    const SmtpClientResult result = run(client, server);
    QVERIFY(!result.ok);
    QCOMPARE(result.error, Error::MessageTooBig);
    QVERIFY2(result.errorString.contains("over the server's SIZE limit of 20 (552 5.3.4)"),
        qPrintable(result.errorString));
    QCOMPARE(server.commands, (QList<QByteArray> { "EHLO localhost", "QUIT" }));
}

// A stored message keeps the bare LFs it came with; sent on as they are, "\n.\r\n" ends the
// message for a relay that takes LF as a line end, and the rest runs as its commands (SMTP
// smuggling). Only CRLF goes out, and the dot of that line is stuffed; SIZE counts the CRLFs.
void TestSmtpClient::bareLineEndsGoOutAsCrlf()
{
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 SIZE 1000";
    SmtpClient client;
    const QByteArray smuggling = "Subject: hi\r\n\r\nhello\n.\r\nMAIL FROM:<ceo@bank.test>\r\n"
                                 "RCPT TO:<victim@z.test>\r\nDATA\r\nbare\rCR\r\n";
    const SmtpClientResult result
        = run(client, server, { QStringLiteral("b@example.test") }, smuggling);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QCOMPARE(server.data,
        QByteArray("Subject: hi\r\n\r\nhello\r\n..\r\nMAIL FROM:<ceo@bank.test>\r\n"
                   "RCPT TO:<victim@z.test>\r\nDATA\r\nbare\r\nCR\r\n.\r\n"));
    QVERIFY(!server.data.chopped(3).contains("\r\n.\r\n"));
    QCOMPARE(server.commands.at(1),
        "MAIL FROM:<a@example.test> SIZE=" + QByteArray::number(smuggling.size() + 2));
}

void TestSmtpClient::authMechanisms_data()
{
    QTest::addColumn<QByteArray>("offered");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::newRow("PLAIN") << QByteArray("PLAIN")
                           << QList<QByteArray> { "AUTH PLAIN AHVzZXIAcGFzcw==" };
    QTest::newRow("LOGIN") << QByteArray("LOGIN")
                           << QList<QByteArray> { "AUTH LOGIN", "dXNlcg==", "cGFzcw==" };
    QTest::newRow("CRAM-MD5 preferred")
        << QByteArray("LOGIN PLAIN CRAM-MD5")
        << QList<QByteArray> { "AUTH CRAM-MD5",
               SmtpClientProtocol::cramMd5("user", "pass", QByteArray("<1.2@fake>").toBase64()) };
}

void TestSmtpClient::authMechanisms()
{
    QFETCH(QByteArray, offered);
    QFETCH(QList<QByteArray>, expected);
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 AUTH " + offered;
    if (offered == "PLAIN") {
        server.replies["AUTH"] = "235 2.7.0 ok";
    } else if (offered == "LOGIN") {
        server.replies["AUTH"] = "334 VXNlcm5hbWU6";
        server.replies["AUTH2"] = "334 UGFzc3dvcmQ6";
        server.replies["AUTH3"] = "235 2.7.0 ok";
    } else {
        server.replies["AUTH"] = "334 " + QByteArray("<1.2@fake>").toBase64();
        server.replies["AUTH2"] = "235 2.7.0 ok";
    }
    SmtpClient client;
    client.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    const SmtpClientResult result = run(client, server);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QCOMPARE(server.commands.mid(1, expected.size()), expected);
    QCOMPARE(server.commands.at(1 + expected.size()), QByteArray("MAIL FROM:<a@example.test>"));
}

void TestSmtpClient::noPasswordInClearToAnotherMachine()
{
    // This machine's own address on a network interface: not loopback, as a relay elsewhere.
    const QHostAddress elsewhere = nonLoopbackIPv4();
    if (elsewhere.isNull())
        QSKIP("no IPv4 address but loopback here");
    for (const SmtpClient::TlsMode mode :
        { SmtpClient::TlsMode::Auto, SmtpClient::TlsMode::None }) {
        FakeServer server(elsewhere);
        server.replies["EHLO"] = "250-fake.test\n250 AUTH PLAIN"; // no STARTTLS (stripped?)
        server.replies["AUTH"] = "235 2.7.0 ok";
        SmtpClient client;
        client.setTlsMode(mode);
        client.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
        const SmtpClientResult result = run(client, server);
        const bool sentAuth
            = server.commands.size() > 1 && server.commands.at(1).startsWith("AUTH");
        if (mode == SmtpClient::TlsMode::Auto) {
            QCOMPARE(result.error, Error::TlsUnavailable);
            QCOMPARE(result.stage, Stage::StartTls);
            QVERIFY2(result.errorString.contains("password is not sent unencrypted"),
                qPrintable(result.errorString));
            QVERIFY(!sentAuth);
            QVERIFY(!server.commands.contains("MAIL FROM:<a@example.test>"));
        } else { // the user chose plain text
            QVERIFY2(result.ok, qPrintable(result.errorString));
            QVERIFY(sentAuth);
        }
    }
}

void TestSmtpClient::authRefused()
{
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 AUTH PLAIN";
    server.replies["AUTH"] = "535 5.7.8 bad credentials";
    SmtpClient client;
    client.setCredentials(QStringLiteral("user"), QStringLiteral("wrong"));
    const SmtpClientResult result = run(client, server);
    QVERIFY(!result.ok);
    QCOMPARE(result.stage, Stage::Auth);
    QCOMPARE(result.error, Error::Reply);
    QCOMPARE(result.reply.code, 535);
    QVERIFY(!server.commands.contains("MAIL FROM:<a@example.test>"));

    FakeServer noAuth;
    SmtpClient second;
    second.setCredentials(QStringLiteral("user"), QStringLiteral("pass"));
    const SmtpClientResult none = run(second, noAuth);
    QCOMPARE(none.error, Error::AuthUnavailable);
}

void TestSmtpClient::someRecipientsRefused()
{
    FakeServer server;
    server.replies["RCPT"] = "550 5.1.1 no such user";
    SmtpClient client;
    const SmtpClientResult result = run(client, server);
    QVERIFY(!result.ok);
    QCOMPARE(result.error, Error::RecipientsRefused);
    QCOMPARE(result.reply.code, 550);
    QVERIFY(!server.commands.contains("DATA"));
}

void TestSmtpClient::allOrNothing()
{
    // The second recipient is refused, pipelined: DATA got 354 before the client knew. With
    // requireAllRecipients it hangs up before the final dot, so nothing is delivered.
    FakeServer server;
    server.replies["EHLO"] = "250-fake.test\n250 PIPELINING";
    server.holdUntilData = true;
    server.rcptReplies = { "250 2.1.5 ok", "550 5.1.1 no such user" };
    SmtpClient client;
    client.setRequireAllRecipients(true);
    const SmtpClientResult result = run(
        client, server, { QStringLiteral("b@example.test"), QStringLiteral("c@example.test") });
    QVERIFY(!result.ok);
    QCOMPARE(result.error, Error::RecipientsRefused);
    QCOMPARE(result.reply.code, 550);
    QVERIFY2(result.errorString.contains("<c@example.test> rejected: 550 5.1.1 no such user"),
        qPrintable(result.errorString));
    QVERIFY(server.commands.contains("DATA"));
    QVERIFY(server.data.isEmpty());

    // Without pipelining, DATA is never sent.
    FakeServer plain;
    plain.rcptReplies = { "250 2.1.5 ok", "550 5.1.1 no such user" };
    SmtpClient second;
    second.setRequireAllRecipients(true);
    const SmtpClientResult refused = run(
        second, plain, { QStringLiteral("b@example.test"), QStringLiteral("c@example.test") });
    QCOMPARE(refused.error, Error::RecipientsRefused);
    QVERIFY(!plain.commands.contains("DATA"));
}

void TestSmtpClient::refusals_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<int>("stage");
    QTest::addColumn<bool>("transient");
    QTest::newRow("greeting 554") << QByteArray("GREETING") << QByteArray("554 5.3.2 go away")
                                  << int(Stage::Greeting) << false;
    QTest::newRow("MAIL 451") << QByteArray("MAIL") << QByteArray("451 4.3.0 later")
                              << int(Stage::MailFrom) << true;
    QTest::newRow("end 554") << QByteArray("END") << QByteArray("554 5.6.0 no thanks")
                             << int(Stage::Message) << false;
    QTest::newRow("end 451") << QByteArray("END") << QByteArray("451 4.3.0 disk full")
                             << int(Stage::Message) << true;
}

void TestSmtpClient::refusals()
{
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, reply);
    FakeServer server;
    server.replies[verb] = reply;
    SmtpClient client;
    const SmtpClientResult result = run(client, server);
    QVERIFY(!result.ok);
    QCOMPARE(result.error, Error::Reply);
    QTEST(int(result.stage), "stage");
    QTEST(result.isTransient(), "transient");
    QCOMPARE(result.reply.toString(), QString::fromLatin1(reply));
    QVERIFY2(
        result.errorString.contains(QString::fromLatin1(reply)), qPrintable(result.errorString));
}

void TestSmtpClient::stallTimesOut()
{
    FakeServer server;
    server.replies["END"] = ""; // never answers the end of the data
    SmtpClient client;
    client.setMessageTimeout(300);
    QElapsedTimer timer;
    timer.start();
    const SmtpClientResult result = run(client, server);
    QCOMPARE(result.error, Error::Timeout);
    QCOMPARE(result.stage, Stage::Message);
    QVERIFY(result.isTransient());
    QVERIFY2(result.errorString.contains("no reply within 0.3 s"), qPrintable(result.errorString));
    QVERIFY(timer.elapsed() >= 250);
}

void TestSmtpClient::dropIsConnectionClosed()
{
    FakeServer server;
    server.replies["RCPT"] = "CLOSE";
    SmtpClient client;
    const SmtpClientResult result = run(client, server);
    QCOMPARE(result.error, Error::ConnectionClosed);
    QCOMPARE(result.stage, Stage::RcptTo);
    QVERIFY2(result.errorString.contains("closed"), qPrintable(result.errorString));
}

void TestSmtpClient::connectionRefused()
{
    QTcpServer bound;
    QVERIFY(bound.listen(QHostAddress::LocalHost, 0));
    const quint16 port = bound.serverPort();
    bound.close(); // nothing listens there now
    SmtpClient client;
    client.setHost(QStringLiteral("127.0.0.1"));
    client.setPort(port);
    QSignalSpy finished(&client, &SmtpClient::finished);
    client.send(QString(), { QStringLiteral("b@example.test") }, sampleMessage);
    QVERIFY(finished.wait(5000));
    QCOMPARE(client.result().error, Error::ConnectionFailed);
    QCOMPARE(client.result().stage, Stage::Connect);
    QVERIFY(client.result().errorString.endsWith("connection refused"));
}

void TestSmtpClient::malformedReply()
{
    FakeServer server;
    server.replies["EHLO"] = "hello there";
    SmtpClient client;
    const SmtpClientResult result = run(client, server);
    QCOMPARE(result.error, Error::MalformedReply);
    QVERIFY2(result.errorString.contains("malformed reply 'hello there'"),
        qPrintable(result.errorString));
}

void TestSmtpClient::startTlsRequiredButNotOffered()
{
    FakeServer server;
    SmtpClient client;
    client.setTlsMode(SmtpClient::TlsMode::StartTls);
    const SmtpClientResult result = run(client, server);
    QCOMPARE(result.error, Error::TlsUnavailable);
    QVERIFY(!server.commands.contains("MAIL FROM:<a@example.test>"));
}

QTEST_GUILESS_MAIN(TestSmtpClient)
#include "tst_smtpclient.moc"
