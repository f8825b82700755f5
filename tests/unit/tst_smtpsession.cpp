// SmtpSession driven with byte strings: every reply compared on the wire, every event checked.
// After each test function, every reply line any session wrote is checked against RFC 2034:
// 2xx/4xx/5xx replies (but the greeting and the HELO/EHLO reply) carry an enhanced code of
// their class (contract.md, "SMTP behaviour promised").
#include "smtpsession.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QTest>

namespace {

using Auth = SmtpSessionConfig::Auth;
using State = SmtpSession::State;
using Type = SmtpEvent::Type;

const QByteArray host = "mx.test";

SmtpSessionConfig makeConfig()
{
    SmtpSessionConfig config;
    config.hostname = host;
    return config;
}

SmtpSessionConfig tlsConfig()
{
    SmtpSessionConfig config = makeConfig();
    config.tlsAvailable = true;
    return config;
}

SmtpSessionConfig authConfig(Auth mode)
{
    SmtpSessionConfig config = makeConfig();
    config.auth = mode;
    config.credentials.insert(QStringLiteral("alice"), QStringLiteral("secret"));
    config.credentials.insert(QStringLiteral("bob"), QString::fromUtf8("s\xc3\xa9same"));
    return config;
}

SmtpSessionConfig limitConfig(qint64 maxMessageSize)
{
    SmtpSessionConfig config = makeConfig();
    config.limits.maxMessageSize = maxMessageSize;
    return config;
}

// The wire form of replies, in order.
QByteArray wire(std::initializer_list<SmtpReply> replies)
{
    QByteArray out;
    for (const SmtpReply &r : replies)
        out += r.toWire();
    return out;
}
QByteArray wire(const SmtpReply &reply)
{
    return reply.toWire();
}

QList<QByteArray> extensionsWith(std::initializer_list<QByteArray> extra, qint64 size = 26214400)
{
    QList<QByteArray> list { "PIPELINING", "SIZE " + QByteArray::number(size), "8BITMIME",
        "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING" };
    for (const QByteArray &e : extra)
        list << e;
    list << "HELP";
    return list;
}

QByteArray ehloReply(
    const QByteArray &client = "client", const QList<QByteArray> &extensions = extensionsWith({}))
{
    return SmtpReply::ehlo(host, client, extensions).toWire();
}

QByteArray b64(const QByteArray &text)
{
    return text.toBase64();
}

const QByteArray mailLine = "MAIL FROM:<a@b.example>\r\n";
const QByteArray rcptLine = "RCPT TO:<c@d.example>\r\n";

// ---- RFC 2034 over every transcript -------------------------------------------------------

bool isEnhancedCode(const QByteArray &token, char replyClass)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).size() != 1 || parts.at(0).at(0) != replyClass)
        return false;
    for (int i = 1; i < 3; ++i) {
        if (parts.at(i).isEmpty() || parts.at(i).size() > 3)
            return false;
        for (const char c : parts.at(i))
            if (c < '0' || c > '9')
                return false;
    }
    return true;
}

// Reply lines of `output` that are malformed or lack the enhanced code their class needs.
QList<QByteArray> rfc2034Violations(const QByteArray &output, const QByteArray &hostname)
{
    QList<QByteArray> bad;
    if (output.isEmpty())
        return bad;
    if (!output.endsWith("\r\n"))
        bad << "unterminated: " + output.right(40);
    QList<QByteArray> lines = output.split('\n');
    lines.removeLast(); // after the last LF
    bool exempt = false;
    bool continued = false;
    for (QByteArray line : std::as_const(lines)) {
        if (!line.endsWith('\r')) {
            bad << "bare LF: " + line;
            continue;
        }
        line.chop(1);
        if (line.size() < 4 || line.at(0) < '1' || line.at(0) > '5' || line.at(1) < '0'
            || line.at(1) > '9' || line.at(2) < '0' || line.at(2) > '9'
            || (line.at(3) != ' ' && line.at(3) != '-')) {
            bad << "malformed: " + line;
            continue;
        }
        const int code = line.left(3).toInt();
        const QByteArray text = line.mid(4);
        if (!continued) {
            // The first line of a reply decides whether the whole reply is exempt.
            exempt = (code == 220 && text == QByteArray(hostname + " ESMTP smtp-receiver"))
                || (code == 250 && text.startsWith(QByteArray(hostname + " greets ")));
        }
        continued = line.at(3) == '-';
        const char replyClass = line.at(0);
        if (exempt || replyClass == '3')
            continue;
        const qsizetype space = text.indexOf(' ');
        if (!isEnhancedCode(space < 0 ? text : text.left(space), replyClass))
            bad << line;
    }
    if (continued)
        bad << "unfinished multi-line reply";
    return bad;
}

struct Transcript
{
    QByteArray hostname;
    QByteArray output;
};

QList<Transcript> &transcripts()
{
    static QList<Transcript> list;
    return list;
}

// ---- A client that drives one session -----------------------------------------------------

QByteArray describe(const SmtpEvent &event)
{
    static const char *const names[] = { "Recipient", "Verify", "Message", "StartTls" };
    const SmtpEnvelope &e = event.envelope;
    return QByteArray(names[int(event.type)]) + " address=" + event.address.toUtf8()
        + " helo=" + e.helo + " from=" + e.mailFrom.toUtf8()
        + " to=" + e.rcptTo.join(QLatin1Char(',')).toUtf8()
        + " utf8=" + QByteArray::number(e.smtpUtf8) + " body=" + QByteArray::number(int(e.body))
        + " chunked=" + QByteArray::number(e.chunked) + " data=" + event.data.toPercentEncoding();
}

class Client
{
public:
    explicit Client(SmtpSessionConfig config = makeConfig())
        : m_hostname(config.hostname)
        , m_session(std::move(config))
    {
        m_session.start();
        greeting = take();
    }
    ~Client() { transcripts().append({ m_hostname, m_transcript }); }
    Q_DISABLE_COPY_MOVE(Client)

    SmtpSession *operator->() { return &m_session; }

    // Feeds the bytes; returns what the session wrote. Events are left for the test.
    QByteArray send(const QByteArray &bytes)
    {
        m_session.feed(bytes);
        return take();
    }
    QByteArray take()
    {
        const QByteArray out = m_session.takeOutput();
        m_transcript += out;
        return out;
    }
    QList<SmtpEvent> events() { return m_session.takeEvents(); }

    // Feeds the bytes in pieces of `chunk` octets (0: at once) and answers every event as a
    // permissive server would: recipients accepted as written, messages stored as "1", "2"...,
    // TLS started. Returns what the session wrote; the events go to `answered`.
    QByteArray run(const QByteArray &bytes, qsizetype chunk = 0)
    {
        QByteArray out;
        if (chunk <= 0)
            chunk = qMax<qsizetype>(1, bytes.size());
        for (qsizetype at = 0; at < bytes.size(); at += chunk) {
            m_session.feed(QByteArrayView(bytes).sliced(at, qMin(chunk, bytes.size() - at)));
            answerEvents();
            out += take();
        }
        return out;
    }
    QList<QByteArray> answeredMessages() const
    {
        QList<QByteArray> data;
        for (const SmtpEvent &e : answered)
            if (e.type == Type::Message)
                data << e.data;
        return data;
    }

    QByteArray greeting;
    QList<SmtpEvent> answered;
    const QByteArray &transcript() const { return m_transcript; }

private:
    void answerEvents()
    {
        for (QList<SmtpEvent> events = m_session.takeEvents(); !events.isEmpty();
             events = m_session.takeEvents()) {
            for (const SmtpEvent &event : std::as_const(events)) {
                answered << event;
                switch (event.type) {
                case Type::Recipient:
                case Type::Verify:
                    m_session.acceptRecipient(event.address);
                    break;
                case Type::Message:
                    m_session.messageStored(QByteArray::number(++m_stored));
                    break;
                case Type::StartTls:
                    m_session.tlsStarted();
                    break;
                case Type::Delay:
                    m_session.delayElapsed(); // the time has passed
                    break;
                }
            }
        }
    }

    QByteArray m_hostname;
    SmtpSession m_session;
    QByteArray m_transcript;
    int m_stored = 0;
};

// Drives a full transaction up to the body and returns the Message event.
SmtpEvent deliver(Client &c, const QByteArray &body)
{
    c.run(mailLine + rcptLine + "DATA\r\n");
    c.send(body);
    const QList<SmtpEvent> events = c.events();
    return events.size() == 1 ? events.first() : SmtpEvent { Type::StartTls, {}, {}, {}, {}, 0 };
}

} // namespace

class TestSmtpSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();
    void rfc2034Checker_data();
    void rfc2034Checker();

    void greeting();
    void feedBeforeStart();
    void ehloExtensions_data();
    void ehloExtensions();
    void heloArgument_data();
    void heloArgument();
    void commandReplies_data();
    void commandReplies();

    void fullTransaction();
    void rejectRecipient();
    void recipientUndecided();
    void messageFailed();
    void pipelining();
    void answersOutOfTurnAreIgnored();
    void chunkingDoesNotMatter_data();
    void chunkingDoesNotMatter();

    void commandLineLimit_data();
    void commandLineLimit();
    void longLine_data();
    void longLine();
    void authLineLimit_data();
    void authLineLimit();
    void tooManyErrors_data();
    void tooManyErrors();
    void errorsCountAcrossGoodCommands();

    void messageSizeLimit_data();
    void messageSizeLimit();
    void oversizeDrains();
    void tooManyRecipients();
    void rejectedRecipientsDoNotCount();

    void bdat_data();
    void bdat();
    void bdatOutOfSequence_data();
    void bdatOutOfSequence();
    void bdatOverflow_data();
    void bdatOverflow();

    void startTls();
    void startTlsInjection_data();
    void startTlsInjection();
    void startTlsForgetsState();
    void requireTls_data();
    void requireTls();
    void requireTlsAfterHandshake();

    void auth_data();
    void auth();
    void authUserRefused_data();
    void authUserRefused();
    void cramMd5_data();
    void cramMd5();
    void cramMd5Rfc2195();
    void authGuessingIsLimited();

    void verify_data();
    void verify();
    void verifyLeavesTheTransactionAlone();
    void idleTimeout();
    void shutdown();

    void smtpSmuggling_data();
    void smtpSmuggling();
};

void TestSmtpSession::cleanup()
{
    const QList<Transcript> list = std::exchange(transcripts(), {});
    for (const Transcript &t : list) {
        const QList<QByteArray> bad = rfc2034Violations(t.output, t.hostname);
        QVERIFY2(bad.isEmpty(), QByteArray("RFC 2034: " + bad.join(" | ")).constData());
    }
}

void TestSmtpSession::rfc2034Checker_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<int>("violations");
    QTest::newRow("enhanced") << QByteArray("250 2.0.0 OK\r\n") << 0;
    QTest::newRow("missing") << QByteArray("250 OK\r\n") << 1;
    QTest::newRow("wrong class") << QByteArray("550 4.1.1 x\r\n") << 1;
    QTest::newRow("detail too long") << QByteArray("550 5.1.1000 x\r\n") << 1;
    QTest::newRow("greeting exempt") << QByteArray("220 mx.test ESMTP smtp-receiver\r\n") << 0;
    QTest::newRow("other 220 not exempt") << QByteArray("220 Ready\r\n") << 1;
    QTest::newRow("EHLO reply exempt")
        << QByteArray("250-mx.test greets c\r\n250-PIPELINING\r\n250 HELP\r\n") << 0;
    QTest::newRow("reply after EHLO reply")
        << QByteArray("250-mx.test greets c\r\n250 HELP\r\n250 OK\r\n") << 1;
    QTest::newRow("every line of multi-line") << QByteArray("214-2.0.0 a\r\n214 b\r\n") << 1;
    QTest::newRow("3xx exempt") << QByteArray("354 go ahead\r\n334 \r\n") << 0;
    QTest::newRow("4xx") << QByteArray("421 4.7.0 bye\r\n452 4.5.3 x\r\n") << 0;
    QTest::newRow("not a reply") << QByteArray("hello\r\n") << 1;
    QTest::newRow("bare LF") << QByteArray("250 2.0.0 OK\n") << 2; // and unterminated
    QTest::newRow("unfinished") << QByteArray("250-2.0.0 OK\r\n") << 1;
}

// The checker used by cleanup() can fail.
void TestSmtpSession::rfc2034Checker()
{
    QFETCH(QByteArray, output);
    QFETCH(int, violations);
    QCOMPARE(rfc2034Violations(output, host).size(), qsizetype(violations));
}

void TestSmtpSession::greeting()
{
    Client c;
    QCOMPARE(c.greeting, QByteArray("220 mx.test ESMTP smtp-receiver\r\n"));
    QCOMPARE(c.greeting, wire(SmtpReply::greeting(host)));
    QCOMPARE(c->state(), State::Command);
    c->start(); // a second start() does nothing
    QCOMPARE(c.take(), QByteArray());
    QVERIFY(c.events().isEmpty());
}

void TestSmtpSession::feedBeforeStart()
{
    SmtpSession session(makeConfig());
    QCOMPARE(session.state(), State::Greeting);
    session.feed("NOOP\r\n");
    QVERIFY(!session.hasOutput());
    session.start();
    const QByteArray out = session.takeOutput();
    transcripts().append({ host, out });
    QCOMPARE(out, wire({ SmtpReply::greeting(host), SmtpReply::ok() }));
}

void TestSmtpSession::ehloExtensions_data()
{
    QTest::addColumn<SmtpSessionConfig>("config");
    QTest::addColumn<bool>("handshake"); // STARTTLS and tlsStarted() before the EHLO
    QTest::addColumn<QByteArray>("reply");

    QTest::newRow("plain, written out")
        << makeConfig() << false
        << QByteArray("250-mx.test greets client\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n"
                      "250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n"
                      "250-CHUNKING\r\n250 HELP\r\n");
    QTest::newRow("TLS available")
        << tlsConfig() << false << ehloReply("client", extensionsWith({ "STARTTLS" }));
    QTest::newRow("after STARTTLS") << tlsConfig() << true << ehloReply("client");
    SmtpSessionConfig implicit = tlsConfig();
    implicit.implicitTls = true;
    QTest::newRow("implicit TLS") << implicit << false << ehloReply("client");
    QTest::newRow("size limit") << limitConfig(1000) << false
                                << ehloReply("client", extensionsWith({}, 1000));
    QTest::newRow("auth accept any")
        << authConfig(Auth::AcceptAny) << false
        << ehloReply("client", extensionsWith({ "AUTH PLAIN LOGIN CRAM-MD5" }));
    QTest::newRow("auth credentials")
        << authConfig(Auth::Credentials) << false
        << ehloReply("client", extensionsWith({ "AUTH PLAIN LOGIN CRAM-MD5" }));
    SmtpSessionConfig tlsAuth = authConfig(Auth::Credentials);
    tlsAuth.tlsAvailable = true;
    QTest::newRow("TLS and auth") << tlsAuth << false
                                  << ehloReply("client",
                                         extensionsWith(
                                             { "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5" }));
    SmtpSessionConfig required = tlsAuth;
    required.requireTls = true;
    QTest::newRow("require TLS: no AUTH before STARTTLS")
        << required << false << ehloReply("client", extensionsWith({ "STARTTLS" }));
    QTest::newRow("require TLS: AUTH after STARTTLS")
        << required << true << ehloReply("client", extensionsWith({ "AUTH PLAIN LOGIN CRAM-MD5" }));
    SmtpSessionConfig requiredNoAuth = tlsConfig();
    requiredNoAuth.requireTls = true;
    QTest::newRow("require TLS without auth")
        << requiredNoAuth << false << ehloReply("client", extensionsWith({ "STARTTLS" }));
}

void TestSmtpSession::ehloExtensions()
{
    QFETCH(SmtpSessionConfig, config);
    QFETCH(bool, handshake);
    QFETCH(QByteArray, reply);

    Client c(config);
    if (handshake) {
        QCOMPARE(c.send("STARTTLS\r\n"), wire(SmtpReply::readyToStartTls()));
        c->tlsStarted();
        QVERIFY(c->isTls());
    }
    QCOMPARE(c.send("EHLO client\r\n"), reply);
}

void TestSmtpSession::heloArgument_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<QByteArray>("helo");

    QTest::newRow("EHLO") << QByteArray("EHLO client.example\r\n") << ehloReply("client.example")
                          << QByteArray("client.example");
    QTest::newRow("HELO") << QByteArray("HELO client.example\r\n")
                          << QByteArray("250 mx.test greets client.example\r\n")
                          << QByteArray("client.example");
    QTest::newRow("address literal") << QByteArray("EHLO [192.0.2.1]\r\n")
                                     << ehloReply("[192.0.2.1]") << QByteArray("[192.0.2.1]");
    QTest::newRow("extra words") << QByteArray("EHLO client extra words\r\n") << ehloReply("client")
                                 << QByteArray("client");
    QTest::newRow("trailing spaces")
        << QByteArray("HELO client   \r\n") << wire(SmtpReply::helo(host, "client"))
        << QByteArray("client");
    QTest::newRow("two spaces before the name")
        << QByteArray("HELO  client\r\n") << wire(SmtpReply::helo(host, "client"))
        << QByteArray("client");
    QTest::newRow("EHLO without name")
        << QByteArray("EHLO\r\n") << wire(SmtpReply::syntax("Syntax: EHLO hostname"))
        << QByteArray();
    QTest::newRow("HELO without name")
        << QByteArray("HELO\r\n") << wire(SmtpReply::syntax("Syntax: HELO hostname"))
        << QByteArray();
    QTest::newRow("EHLO with only spaces")
        << QByteArray("EHLO    \r\n") << wire(SmtpReply::syntax("Syntax: EHLO hostname"))
        << QByteArray();
    QTest::newRow("HELO without name is 501")
        << QByteArray("HELO\r\n") << QByteArray("501 5.5.4 Syntax: HELO hostname\r\n")
        << QByteArray();
}

void TestSmtpSession::heloArgument()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, reply);
    QFETCH(QByteArray, helo);

    Client c;
    QCOMPARE(c.send(line), reply);
    QCOMPARE(c->helo(), helo);
    QCOMPARE(c->state(), State::Command);
}

void TestSmtpSession::commandReplies_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");

    const auto row
        = [](const char *tag, const QByteArray &input, std::initializer_list<SmtpReply> replies) {
              QTest::newRow(tag) << input << wire(replies);
          };
    const SmtpReply needMailForRcpt = SmtpReply::badSequence("Need MAIL before RCPT");

    row("NOOP", "NOOP\r\n", { SmtpReply::ok() });
    row("NOOP ignores its argument", "NOOP hello there\r\n", { SmtpReply::ok() });
    row("RSET", "RSET\r\n", { SmtpReply::ok() });
    row("RSET with argument", "RSET now\r\n", { SmtpReply::syntax("RSET takes no argument") });
    row("QUIT", "QUIT\r\n", { SmtpReply::bye() });
    row("QUIT with argument", "QUIT now\r\n", { SmtpReply::syntax("QUIT takes no argument") });
    row("nothing after QUIT runs", "QUIT\r\nNOOP\r\n", { SmtpReply::bye() });
    row("DATA with argument", "DATA now\r\n", { SmtpReply::syntax("DATA takes no argument") });
    row("MAIL before HELO", mailLine, { SmtpReply::senderOk() });
    row("MAIL with null path", "MAIL FROM:<>\r\n", { SmtpReply::senderOk() });
    row("nested MAIL", mailLine + mailLine,
        { SmtpReply::senderOk(), SmtpReply::badSequence("Nested MAIL command") });
    row("RCPT before MAIL", rcptLine, { needMailForRcpt });
    row("DATA before MAIL", "DATA\r\n", { SmtpReply::badSequence("Need MAIL before DATA") });
    row("DATA before RCPT", mailLine + "DATA\r\n",
        { SmtpReply::senderOk(), SmtpReply::badSequence("Need RCPT before DATA") });
    row("unknown command", "XYZZY\r\n", { SmtpReply::unrecognized() });
    row("unknown command is 500", "XYZZY\r\n",
        { SmtpReply(500, "5.5.2", QByteArray("Command unrecognized")) });
    row("empty line", "\r\n", { SmtpReply::unrecognized() });
    row("MAIL without FROM:", "MAIL TO:<a@b.example>\r\n",
        { SmtpReply::syntax("Syntax: MAIL FROM:<address> [parameters]") });
    row("MAIL without argument", "MAIL\r\n",
        { SmtpReply::syntax("Syntax: MAIL FROM:<address> [parameters]") });
    row("RCPT without TO:", mailLine + "RCPT <c@d.example>\r\n",
        { SmtpReply::senderOk(), SmtpReply::syntax("Syntax: RCPT TO:<address>") });
    row("bad sender", "MAIL FROM:<a@>\r\n", { SmtpReply::badSenderSyntax() });
    row("bad recipient", mailLine + "RCPT TO:<c@>\r\n",
        { SmtpReply::senderOk(), SmtpReply::badRecipientSyntax() });
    row("RCPT parameter", mailLine + "RCPT TO:<c@d.example> NOTIFY=NEVER\r\n",
        { SmtpReply::senderOk(),
            SmtpReply::parameterNotImplemented("RCPT parameters are not supported") });
    row("RCPT to postmaster", mailLine + "RCPT TO:<Postmaster>\r\n",
        { SmtpReply::senderOk(), SmtpReply::recipientOk() });
    row("EXPN", "EXPN staff\r\n", { SmtpReply::notImplemented("EXPN is not supported") });
    row("HELP", "HELP\r\n", { SmtpReply::help() });
    row("VRFY without argument", "VRFY\r\n", { SmtpReply::syntax("Syntax: VRFY address") });
    row("STARTTLS without certificate", "STARTTLS\r\n",
        { SmtpReply::notImplemented("STARTTLS not available") });
    row("AUTH not offered", "AUTH PLAIN\r\n", { SmtpReply::notImplemented("AUTH not available") });
    row("RSET ends the transaction", mailLine + "RSET\r\n" + rcptLine,
        { SmtpReply::senderOk(), SmtpReply::ok(), needMailForRcpt });
    row("second EHLO resets the transaction",
        "EHLO one\r\n" + mailLine + "EHLO two\r\n" + rcptLine + mailLine,
        { SmtpReply::ehlo(host, "one", extensionsWith({})), SmtpReply::senderOk(),
            SmtpReply::ehlo(host, "two", extensionsWith({})), needMailForRcpt,
            SmtpReply::senderOk() });
    row("HELO resets the transaction", mailLine + rcptLine + "HELO two\r\nDATA\r\n",
        { SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::helo(host, "two"),
            SmtpReply::badSequence("Need MAIL before DATA") });
    row("lower-case commands",
        "ehlo client\r\nmail from:<a@b.example>\r\nrcpt to:<c@d.example>\r\ndata\r\nx\r\n.\r\n"
        "quit\r\n",
        { SmtpReply::ehlo(host, "client", extensionsWith({})), SmtpReply::senderOk(),
            SmtpReply::recipientOk(), SmtpReply::startData(), SmtpReply::queued("1"),
            SmtpReply::bye() });
    row("transaction after a message",
        mailLine + rcptLine + "DATA\r\nx\r\n.\r\n" + mailLine + rcptLine + "DATA\r\ny\r\n.\r\n",
        { SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData(),
            SmtpReply::queued("1"), SmtpReply::senderOk(), SmtpReply::recipientOk(),
            SmtpReply::startData(), SmtpReply::queued("2") });
    row("a message ends the transaction", mailLine + rcptLine + "DATA\r\nx\r\n.\r\nDATA\r\n",
        { SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData(),
            SmtpReply::queued("1"), SmtpReply::badSequence("Need MAIL before DATA") });
    row("declared SIZE over the limit", "MAIL FROM:<a@b.example> SIZE=26214401\r\n",
        { SmtpReply::sizeExceedsLimit() });
    row("declared SIZE over the limit is 552", "MAIL FROM:<a@b.example> SIZE=26214401\r\n",
        { SmtpReply(552, "5.3.4",
            QByteArray("Declared message size exceeds fixed maximum message size")) });
    row("declared SIZE at the limit", "MAIL FROM:<a@b.example> SIZE=26214400\r\n",
        { SmtpReply::senderOk() });
    row("non-ASCII sender without SMTPUTF8", "MAIL FROM:<j\xc3\xb6rg@b.example>\r\n",
        { SmtpReply::nonAsciiNotPermitted() });
    row("non-ASCII recipient without SMTPUTF8", mailLine + "RCPT TO:<j\xc3\xb6rg@d.example>\r\n",
        { SmtpReply::senderOk(), SmtpReply::nonAsciiNotPermitted() });
    row("non-ASCII with SMTPUTF8",
        "MAIL FROM:<j\xc3\xb6rg@b.example> SMTPUTF8\r\nRCPT TO:<j\xc3\xb6rg@d.example>\r\n",
        { SmtpReply::senderOk(), SmtpReply::recipientOk() });
    row("SMTPUTF8 does not outlive the transaction",
        "MAIL FROM:<a@b.example> SMTPUTF8\r\nRSET\r\n" + mailLine
            + "RCPT TO:<j\xc3\xb6rg@d.example>\r\n",
        { SmtpReply::senderOk(), SmtpReply::ok(), SmtpReply::senderOk(),
            SmtpReply::nonAsciiNotPermitted() });
    row("unknown MAIL parameter", "MAIL FROM:<a@b.example> FOO=1\r\n",
        { SmtpReply::parameterNotImplemented("Unsupported parameter FOO") });
    row("unsupported BODY", "MAIL FROM:<a@b.example> BODY=BINARYMIME\r\n",
        { SmtpReply::parameterNotImplemented("Unsupported BODY type") });
    row("duplicated MAIL parameter", "MAIL FROM:<a@b.example> SIZE=1 SIZE=1\r\n",
        { SmtpReply::syntax("Bad MAIL parameter syntax") });
    row("refused MAIL opens no transaction", "MAIL FROM:<a@b.example> FOO=1\r\n" + rcptLine,
        { SmtpReply::parameterNotImplemented("Unsupported parameter FOO"), needMailForRcpt });
    row("BDAT without size", "BDAT ten\r\n", { SmtpReply::syntax("Syntax: BDAT size [LAST]") });
    row("bare LF ends a command line", "NOOP\nRSET\n", { SmtpReply::ok(), SmtpReply::ok() });
}

void TestSmtpSession::commandReplies()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);

    Client c;
    QCOMPARE(c.run(input), output);
}

void TestSmtpSession::fullTransaction()
{
    Client c;
    QCOMPARE(c.send("EHLO client.example\r\n"), ehloReply("client.example"));
    QCOMPARE(
        c.send("MAIL FROM:<sender@example.org> BODY=8BITMIME\r\n"), wire(SmtpReply::senderOk()));

    // RCPT waits for an answer; input meanwhile is kept, not run.
    QCOMPARE(c.send("RCPT TO:<alice+tag@example.com>\r\n"), QByteArray());
    QCOMPARE(c->state(), State::WaitRecipient);
    QVERIFY(c->isWaiting());
    QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, Type::Recipient);
    QCOMPARE(events.at(0).address, QStringLiteral("alice+tag@example.com"));
    QCOMPARE(events.at(0).envelope.helo, QByteArray("client.example"));
    QCOMPARE(events.at(0).envelope.mailFrom, QStringLiteral("sender@example.org"));
    QVERIFY(events.at(0).envelope.rcptTo.isEmpty());
    QCOMPARE(c.send("NOOP\r\n"), QByteArray());
    QCOMPARE(c->bufferedInput(), qsizetype(6));

    // The server's answer may rewrite the address: the rewritten one is what lands in rcptTo.
    c->acceptRecipient(QStringLiteral("alice@example.com"));
    QCOMPARE(c.take(), wire({ SmtpReply::recipientOk(), SmtpReply::ok() }));
    QCOMPARE(c->state(), State::Command);

    QCOMPARE(c.send("RCPT TO:<bob@example.com>\r\n"), QByteArray());
    events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).envelope.rcptTo, QStringList { QStringLiteral("alice@example.com") });
    c->acceptRecipient(QStringLiteral("bob@example.com"));
    QCOMPARE(c.take(), wire(SmtpReply::recipientOk()));

    QCOMPARE(c.send("DATA\r\n"), QByteArray("354 End data with <CR><LF>.<CR><LF>\r\n"));
    QCOMPARE(c->state(), State::Data);
    QCOMPARE(c.send("Subject: hi\r\n\r\nHello\r\n..dot\r\n"), QByteArray());
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c.send(".\r\n"), QByteArray());
    QCOMPARE(c->state(), State::WaitMessage);
    events = c.events();
    QCOMPARE(events.size(), 1);
    const SmtpEvent &message = events.at(0);
    QCOMPARE(message.type, Type::Message);
    QCOMPARE(message.envelope.helo, QByteArray("client.example"));
    QCOMPARE(message.envelope.mailFrom, QStringLiteral("sender@example.org"));
    QCOMPARE(message.envelope.rcptTo,
        (QStringList { QStringLiteral("alice@example.com"), QStringLiteral("bob@example.com") }));
    QCOMPARE(message.envelope.body, SmtpMailArgument::Body::EightBitMime);
    QVERIFY(!message.envelope.chunked);
    QVERIFY(!message.envelope.smtpUtf8);
    QCOMPARE(message.data, QByteArray("Subject: hi\r\n\r\nHello\r\n.dot\r\n"));

    c->messageStored("42");
    QCOMPARE(c.take(), QByteArray("250 2.0.0 OK: queued as 42\r\n"));
    QCOMPARE(c->state(), State::Command);

    // The next transaction starts empty; the HELO name stays.
    QCOMPARE(
        c.send("MAIL FROM:<>\r\nRCPT TO:<carol@example.com>\r\n"), wire(SmtpReply::senderOk()));
    events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).envelope.mailFrom, QString());
    QVERIFY(events.at(0).envelope.rcptTo.isEmpty());
    QCOMPARE(events.at(0).envelope.helo, QByteArray("client.example"));
    QCOMPARE(events.at(0).envelope.body, SmtpMailArgument::Body::Unspecified);
}

void TestSmtpSession::rejectRecipient()
{
    Client c;
    QCOMPARE(
        c.send(mailLine + "RCPT TO:<nobody@example.com>\r\nDATA\r\n"), wire(SmtpReply::senderOk()));
    const QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).address, QStringLiteral("nobody@example.com"));
    c->rejectRecipient(SmtpReply::rejection(553, "Mailbox name not allowed"));
    // The refused recipient is not in the envelope, so the pipelined DATA has none.
    QCOMPARE(c.take(),
        QByteArray("553 5.1.3 Mailbox name not allowed\r\n"
                   "503 5.5.1 Need RCPT before DATA\r\n"));
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c->state(), State::Command);
}

void TestSmtpSession::recipientUndecided()
{
    // No decision in time: RCPT hears 451 (try again later), and the pipelined DATA has no
    // recipient.
    Client c;
    QCOMPARE(
        c.send(mailLine + "RCPT TO:<slow@example.com>\r\nDATA\r\n"), wire(SmtpReply::senderOk()));
    QCOMPARE(c.events().size(), 1);
    c->recipientUndecided();
    QCOMPARE(c.take(),
        QByteArray("451 4.3.0 Recipient check timed out, try again later\r\n"
                   "503 5.5.1 Need RCPT before DATA\r\n"));
    QCOMPARE(c->state(), State::Command);
    // An answer after that is ignored.
    c->acceptRecipient(QStringLiteral("slow@example.com"));
    QCOMPARE(c.take(), QByteArray());
}

void TestSmtpSession::messageFailed()
{
    Client c;
    const SmtpEvent message = deliver(c, "x\r\n.\r\n" + rcptLine);
    QCOMPARE(message.type, Type::Message);
    QCOMPARE(message.data, QByteArray("x\r\n"));
    c->messageFailed(SmtpReply::localError());
    // The transaction is over either way: the pipelined RCPT needs a new MAIL.
    QCOMPARE(c.take(),
        wire({ SmtpReply::localError(), SmtpReply::badSequence("Need MAIL before RCPT") }));
    c->messageStored("1"); // too late: nothing is waiting
    QCOMPARE(c.take(), QByteArray());
}

void TestSmtpSession::pipelining()
{
    Client c;
    const QByteArray out = c.send("EHLO client\r\n" + mailLine
        + "RCPT TO:<one@d.example>\r\nRCPT TO:<two@d.example>\r\n"
          "DATA\r\nSubject: p\r\n\r\nhi\r\n.\r\nQUIT\r\n");
    QCOMPARE(out, ehloReply() + wire(SmtpReply::senderOk()));
    QCOMPARE(c->state(), State::WaitRecipient);

    QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).address, QStringLiteral("one@d.example"));
    c->acceptRecipient(events.at(0).address);
    QCOMPARE(c.take(), wire(SmtpReply::recipientOk()));

    events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).address, QStringLiteral("two@d.example"));
    c->acceptRecipient(events.at(0).address);
    QCOMPARE(c.take(), wire({ SmtpReply::recipientOk(), SmtpReply::startData() }));

    events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, Type::Message);
    QCOMPARE(events.at(0).data, QByteArray("Subject: p\r\n\r\nhi\r\n"));
    QCOMPARE(events.at(0).envelope.rcptTo,
        (QStringList { QStringLiteral("one@d.example"), QStringLiteral("two@d.example") }));
    QCOMPARE(c->state(), State::WaitMessage);
    c->messageStored("7");
    QCOMPARE(c.take(), wire({ SmtpReply::queued("7"), SmtpReply::bye() }));
    QVERIFY(c->isClosed());
    QVERIFY(c.events().isEmpty());
}

void TestSmtpSession::answersOutOfTurnAreIgnored()
{
    Client c;
    c->acceptRecipient(QStringLiteral("a@b.example"));
    c->rejectRecipient(SmtpReply::rejection(550, {}));
    c->messageStored("1");
    c->messageFailed(SmtpReply::localError());
    c->tlsStarted();
    QCOMPARE(c.take(), QByteArray());
    QCOMPARE(c->state(), State::Command);
    QVERIFY(!c->isTls());
    // And a pending recipient is not answered by the wrong kind of answer.
    c.send(mailLine + rcptLine);
    QCOMPARE(c.events().size(), 1);
    c->messageStored("1");
    c->tlsStarted();
    QCOMPARE(c.take(), QByteArray());
    QCOMPARE(c->state(), State::WaitRecipient);
}

void TestSmtpSession::chunkingDoesNotMatter_data()
{
    QTest::addColumn<SmtpSessionConfig>("config");
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("transaction") << makeConfig()
                                 << QByteArray("EHLO c\r\n" + mailLine + rcptLine
                                        + "DATA\r\nA: b\r\n\r\n..x\r\n\r\n.\r\nNOOP\r\nQUIT\r\n");
    QTest::newRow("errors and VRFY")
        << makeConfig()
        << QByteArray("XYZZY\r\nRCPT TO:<a@b.example>\r\nVRFY <v@w.example>\r\nHELO\r\n"
                      "MAIL FROM:<a@>\r\n"
               + mailLine + mailLine + "RSET x\r\n");
    QTest::newRow("BDAT") << makeConfig()
                          << QByteArray(mailLine + rcptLine
                                 + "BDAT 5\r\n\r\n.\r\nBDAT 7 LAST\r\nQUIT\r\nNOOP\r\n");
    QTest::newRow("smuggling") << makeConfig()
                               << QByteArray(mailLine + rcptLine
                                      + "DATA\r\na\n.\r\nMAIL FROM:<x@y.example>\r\n"
                                        "b\r.\r\nc\r\n.\nd\r\n.\r\nQUIT\r\n");
    QTest::newRow("oversize") << limitConfig(
        10) << QByteArray(mailLine + rcptLine + "DATA\r\n0123456789\r\n.\r\nBDAT 3\r\nNOOP\r\n");
    QTest::newRow("long line") << makeConfig()
                               << QByteArray(QByteArray(1500, 'x') + "\r\nNOOP\r\n"
                                      + QByteArray(13000, 'y') + "\r\nRSET\r\n");
    QTest::newRow("auth") << authConfig(Auth::Credentials)
                          << QByteArray("AUTH LOGIN\r\n" + b64("alice") + "\r\n" + b64("secret")
                                 + "\r\n" + mailLine + "AUTH PLAIN\r\n");
}

// Cutting the same input into any pieces gives the same replies and events.
void TestSmtpSession::chunkingDoesNotMatter()
{
    QFETCH(SmtpSessionConfig, config);
    QFETCH(QByteArray, input);

    Client whole(config);
    const QByteArray expected = whole.run(input);
    QList<QByteArray> expectedEvents;
    for (const SmtpEvent &e : std::as_const(whole.answered))
        expectedEvents << describe(e);
    for (const qsizetype chunk : { 1, 2, 3, 5, 7, 64, 1001 }) {
        Client c(config);
        QCOMPARE(c.run(input, chunk), expected);
        QList<QByteArray> events;
        for (const SmtpEvent &e : std::as_const(c.answered))
            events << describe(e);
        QCOMPARE(events, expectedEvents);
    }
}

void TestSmtpSession::commandLineLimit_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("reply");

    // A line of exactly n octets, CR LF included.
    const auto line = [](const QByteArray &start, int n, char fill = 'x') -> QByteArray {
        return start + QByteArray(n - start.size() - 2, fill) + "\r\n";
    };
    QTest::newRow("NOOP of 999") << line("NOOP ", 999) << wire(SmtpReply::ok());
    QTest::newRow("NOOP of 1000") << line("NOOP ", 1000) << wire(SmtpReply::ok());
    QTest::newRow("NOOP of 1001") << line("NOOP ", 1001) << wire(SmtpReply::lineTooLong());
    QTest::newRow("NOOP of 1002") << line("NOOP ", 1002) << wire(SmtpReply::lineTooLong());
    QTest::newRow("MAIL of 1000") << line("MAIL FROM:<a@b.example> AUTH=", 1000)
                                  << wire(SmtpReply::senderOk());
    QTest::newRow("MAIL of 1001") << line("MAIL FROM:<a@b.example> AUTH=", 1001)
                                  << wire(SmtpReply::lineTooLong());
    QTest::newRow("QUIT of 1001 is not run")
        << line("QUIT", 1001, ' ') << wire(SmtpReply::lineTooLong());
    QTest::newRow("1001 is answered 500")
        << line("NOOP ", 1001) << QByteArray("500 5.5.2 Line too long\r\n");
    QTest::newRow("12288") << line("NOOP ", 12288) << wire(SmtpReply::lineTooLong());
}

void TestSmtpSession::commandLineLimit()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, reply);

    for (const qsizetype chunk : { 0, 1, 100 }) {
        Client c;
        QCOMPARE(c.run(line, chunk), reply);
        // Still usable afterwards.
        QCOMPARE(c.send("NOOP\r\n"), wire(SmtpReply::ok()));
        QCOMPARE(c->state(), State::Command);
    }
}

void TestSmtpSession::longLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("chunk");

    const QByteArray x20000 = QByteArray(20000, 'x') + "\r\n";
    QTest::newRow("one feed") << x20000 << 0;
    QTest::newRow("1000-octet feeds") << x20000 << 1000;
    QTest::newRow("4096-octet feeds") << x20000 << 4096;
    QTest::newRow("octet by octet") << x20000 << 1;
    QTest::newRow("CR LF split") << x20000 << 20001;
    QTest::newRow("QUIT then spaces") << QByteArray("QUIT" + QByteArray(19996, ' ') + "\r\n") << 0;
    QTest::newRow("QUIT then spaces in pieces")
        << QByteArray("QUIT" + QByteArray(19996, ' ') + "\r\n") << 333;
    QTest::newRow("AUTH line") << QByteArray("AUTH PLAIN " + QByteArray(19989, 'A') + "\r\n") << 0;
    QTest::newRow("AUTH line in pieces")
        << QByteArray("AUTH PLAIN " + QByteArray(19989, 'A') + "\r\n") << 1000;
    QTest::newRow("bare LF end") << QByteArray(QByteArray(20000, 'x') + "\n") << 700;
}

// A 20,000-octet line gets exactly one 500, is never run, and the session goes on.
void TestSmtpSession::longLine()
{
    QFETCH(QByteArray, line);
    QFETCH(int, chunk);

    Client c;
    QCOMPARE(c.run(line + "NOOP\r\n", chunk), wire({ SmtpReply::lineTooLong(), SmtpReply::ok() }));
    QCOMPARE(c->state(), State::Command);
    QCOMPARE(c->bufferedInput(), qsizetype(0));
    QVERIFY(c.answered.isEmpty());
}

void TestSmtpSession::authLineLimit_data()
{
    QTest::addColumn<bool>("continuation"); // the response on its own line after 334
    QTest::addColumn<int>("length"); // of the line with the response, CR LF included
    QTest::addColumn<int>("chunk");
    QTest::addColumn<QByteArray>("reply");

    const QByteArray ok = wire(SmtpReply::authSucceeded());
    const QByteArray tooLong = wire(SmtpReply::lineTooLong());
    for (const int chunk : { 0, 1000, 1 }) {
        const QByteArray in
            = chunk == 0 ? QByteArray(" at once") : " in pieces of " + QByteArray::number(chunk);
        QTest::newRow(QByteArray("AUTH of 12288" + in).constData())
            << false << 12288 << chunk << ok;
        QTest::newRow(QByteArray("AUTH of 12289" + in).constData())
            << false << 12289 << chunk << tooLong;
        QTest::newRow(QByteArray("response of 12288" + in).constData())
            << true << 12288 << chunk << ok;
        QTest::newRow(QByteArray("response of 12289" + in).constData())
            << true << 12289 << chunk << tooLong;
        QTest::newRow(QByteArray("response of 20000" + in).constData())
            << true << 20000 << chunk << tooLong;
    }
}

// RFC 4954 4: AUTH lines and SASL responses up to 12288 octets.
void TestSmtpSession::authLineLimit()
{
    QFETCH(bool, continuation);
    QFETCH(int, length);
    QFETCH(int, chunk);
    QFETCH(QByteArray, reply);

    // PLAIN credentials whose base64 takes 12008 octets; spaces (trimmed) fill up the line.
    const QByteArray response = b64(QByteArray("\0user\0", 6) + QByteArray(9000, 'p'));
    QCOMPARE(response.size(), qsizetype(12008));
    const QByteArray start = continuation ? QByteArray() : QByteArray("AUTH PLAIN ");
    const QByteArray line
        = start + response + QByteArray(length - start.size() - response.size() - 2, ' ') + "\r\n";
    QCOMPARE(line.size(), qsizetype(length));

    Client c(authConfig(Auth::AcceptAny));
    if (continuation)
        QCOMPARE(c.send("AUTH PLAIN\r\n"), wire(SmtpReply::authChallenge({})));
    QCOMPARE(c.run(line, chunk), reply);
    QCOMPARE(c->authenticatedUser(),
        reply == wire(SmtpReply::authSucceeded()) ? QStringLiteral("user") : QString());
    // Back to commands either way: this NOOP is a command, not a SASL response.
    QCOMPARE(c.send("NOOP\r\n"), wire(SmtpReply::ok()));
    QCOMPARE(c->state(), State::Command);
}

void TestSmtpSession::tooManyErrors_data()
{
    QTest::addColumn<QList<QByteArray>>("commands"); // each with its own line end
    QTest::addColumn<QList<QByteArray>>("replies");
    QTest::addColumn<bool>("oneFeed");

    QList<QByteArray> unknown, unknownReplies;
    for (int i = 0; i < 20; ++i) {
        unknown << "XYZZY " + QByteArray::number(i) + "\r\n";
        unknownReplies << wire(SmtpReply::unrecognized());
    }
    const QList<QPair<QByteArray, SmtpReply>> mixed = {
        { "XYZZY\r\n", SmtpReply::unrecognized() },
        { "HELO\r\n", SmtpReply::syntax("Syntax: HELO hostname") },
        { "EHLO\r\n", SmtpReply::syntax("Syntax: EHLO hostname") },
        { "RSET now\r\n", SmtpReply::syntax("RSET takes no argument") },
        { "QUIT now\r\n", SmtpReply::syntax("QUIT takes no argument") },
        { "DATA now\r\n", SmtpReply::syntax("DATA takes no argument") },
        { "RCPT TO:<a@b.example>\r\n", SmtpReply::badSequence("Need MAIL before RCPT") },
        { "DATA\r\n", SmtpReply::badSequence("Need MAIL before DATA") },
        { "MAIL TO:<a@b.example>\r\n",
            SmtpReply::syntax("Syntax: MAIL FROM:<address> [parameters]") },
        { "MAIL FROM:<a@>\r\n", SmtpReply::badSenderSyntax() },
        { "VRFY\r\n", SmtpReply::syntax("Syntax: VRFY address") },
        { "STARTTLS\r\n", SmtpReply::notImplemented("STARTTLS not available") },
        { "AUTH PLAIN\r\n", SmtpReply::notImplemented("AUTH not available") },
        { "BDAT ten\r\n", SmtpReply::syntax("Syntax: BDAT size [LAST]") },
        { "MAIL FROM:<a@b.example> FOO=1\r\n",
            SmtpReply::parameterNotImplemented("Unsupported parameter FOO") },
        { "MAIL FROM:<j\xc3\xb6rg@b.example>\r\n", SmtpReply::nonAsciiNotPermitted() },
        { QByteArray(1001, 'x') + "\r\n", SmtpReply::lineTooLong() },
        { "MAIL FROM:<a@b.example> SIZE=1 SIZE=1\r\n",
            SmtpReply::syntax("Bad MAIL parameter syntax") },
        { "\r\n", SmtpReply::unrecognized() },
        { "BDAT 3\r\nabc", SmtpReply::badSequence("Need MAIL before BDAT") },
    };
    QList<QByteArray> mixedCommands, mixedReplies;
    for (const auto &[command, reply] : mixed) {
        mixedCommands << command;
        mixedReplies << wire(reply);
    }
    QTest::newRow("unknown, one feed") << unknown << unknownReplies << true;
    QTest::newRow("unknown, one by one") << unknown << unknownReplies << false;
    QTest::newRow("mixed, one feed") << mixedCommands << mixedReplies << true;
    QTest::newRow("mixed, one by one") << mixedCommands << mixedReplies << false;
}

// After 20 bad commands: 20 error replies, then 421 4.7.0 and the session is closed.
void TestSmtpSession::tooManyErrors()
{
    QFETCH(QList<QByteArray>, commands);
    QFETCH(QList<QByteArray>, replies);
    QFETCH(bool, oneFeed);
    QCOMPARE(commands.size(), 20);

    Client c;
    QByteArray out;
    if (oneFeed) {
        out = c.send(commands.join() + "NOOP\r\n");
    } else {
        for (const QByteArray &command : std::as_const(commands)) {
            QVERIFY(!c->isClosed());
            out += c.send(command);
        }
        out += c.send("NOOP\r\n");
    }
    QCOMPARE(out, replies.join() + "421 4.7.0 Too many errors, closing connection\r\n");
    QVERIFY(c->isClosed());
    QCOMPARE(c->state(), State::Closed);
    QCOMPARE(c.send("NOOP\r\n"), QByteArray());
}

void TestSmtpSession::errorsCountAcrossGoodCommands()
{
    Client c;
    for (int i = 0; i < 19; ++i) {
        QCOMPARE(c.send("XYZZY\r\n"), wire(SmtpReply::unrecognized()));
        QCOMPARE(c.send("NOOP\r\n"), wire(SmtpReply::ok()));
    }
    QVERIFY(!c->isClosed());
    QCOMPARE(c.send("XYZZY\r\n"), wire({ SmtpReply::unrecognized(), SmtpReply::tooManyErrors() }));
    QVERIFY(c->isClosed());
}

void TestSmtpSession::messageSizeLimit_data()
{
    QTest::addColumn<QByteArray>("body"); // dot-stuffed, without the terminator
    QTest::addColumn<QByteArray>("data"); // what is stored; empty when refused
    QTest::addColumn<QByteArray>("reply");

    // The limit is 10 octets.
    QTest::newRow("under the limit")
        << QByteArray("1234567\r\n") << QByteArray("1234567\r\n") << wire(SmtpReply::queued("1"));
    QTest::newRow("exactly the limit")
        << QByteArray("12345678\r\n") << QByteArray("12345678\r\n") << wire(SmtpReply::queued("1"));
    QTest::newRow("one over the limit")
        << QByteArray("123456789\r\n") << QByteArray() << wire(SmtpReply::messageTooBig());
    QTest::newRow("one over is 552") << QByteArray("123456789\r\n") << QByteArray()
                                     << QByteArray("552 5.3.4 Message size exceeds fixed maximum "
                                                   "message size\r\n");
    QTest::newRow("stuffing does not count")
        << QByteArray("..2345678\r\n") << QByteArray(".2345678\r\n")
        << wire(SmtpReply::queued("1"));
    QTest::newRow("far over the limit") << QByteArray(QByteArray(5000, 'z') + "\r\n")
                                        << QByteArray() << wire(SmtpReply::messageTooBig());
    QTest::newRow("empty message") << QByteArray() << QByteArray() << wire(SmtpReply::queued("1"));
}

void TestSmtpSession::messageSizeLimit()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, reply);

    for (const qsizetype chunk : { 0, 1 }) {
        Client c(limitConfig(10));
        QCOMPARE(c.run(mailLine + rcptLine + "DATA\r\n" + body + ".\r\nNOOP\r\n", chunk),
            wire({ SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData() })
                + reply + wire(SmtpReply::ok()));
        const bool stored = reply == wire(SmtpReply::queued("1"));
        QCOMPARE(c.answeredMessages(), stored ? QList<QByteArray> { data } : QList<QByteArray>());
    }
}

// An oversized body is read to its end before the 552, so the stream stays in sync.
void TestSmtpSession::oversizeDrains()
{
    Client c(limitConfig(100));
    QCOMPARE(c.run(mailLine + rcptLine + "DATA\r\n"),
        wire({ SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData() }));
    QCOMPARE(c.send(QByteArray(148, 'a') + "\r\n"), QByteArray());
    QCOMPARE(c->state(), State::Data);
    // Lines in the body are body, however much they look like commands.
    QCOMPARE(c.send("QUIT\r\nMAIL FROM:<evil@x.example>\r\nRSET\r\n"), QByteArray());
    for (int i = 0; i < 100; ++i)
        QCOMPARE(c.send(QByteArray(998, 'b') + "\r\n"), QByteArray());
    QCOMPARE(c->state(), State::Data);
    QCOMPARE(c.send(".\r\nNOOP\r\n"), wire({ SmtpReply::messageTooBig(), SmtpReply::ok() }));
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c->state(), State::Command);
    // The refused transaction is over.
    QCOMPARE(c.send(rcptLine), wire(SmtpReply::badSequence("Need MAIL before RCPT")));
    // A 552 is a refusal, not a client error: only the 503 above and these count.
    for (int i = 0; i < 18; ++i)
        QCOMPARE(c.send("XYZZY\r\n"), wire(SmtpReply::unrecognized()));
    QVERIFY(!c->isClosed());
    QCOMPARE(c.send("XYZZY\r\n"), wire({ SmtpReply::unrecognized(), SmtpReply::tooManyErrors() }));
}

void TestSmtpSession::tooManyRecipients()
{
    Client c;
    QByteArray rcpts;
    QByteArray expected = wire(SmtpReply::senderOk());
    for (int i = 0; i < 1000; ++i) {
        rcpts += "RCPT TO:<r" + QByteArray::number(i) + "@d.example>\r\n";
        expected += wire(SmtpReply::recipientOk());
    }
    QCOMPARE(c.run(mailLine + rcpts), expected);
    QCOMPARE(c.answered.size(), 1000);
    QCOMPARE(
        c.send("RCPT TO:<r1000@d.example>\r\n"), QByteArray("452 4.5.3 Too many recipients\r\n"));
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c.send("RCPT TO:<r1001@d.example>\r\n"), wire(SmtpReply::tooManyRecipients()));
    QVERIFY(!c->isClosed());
    c.answered.clear();
    QCOMPARE(c.run("DATA\r\nx\r\n.\r\n"), wire({ SmtpReply::startData(), SmtpReply::queued("1") }));
    QCOMPARE(c.answered.size(), 1);
    QCOMPARE(c.answered.at(0).envelope.rcptTo.size(), 1000);
    QCOMPARE(c.answered.at(0).envelope.rcptTo.last(), QStringLiteral("r999@d.example"));
}

void TestSmtpSession::rejectedRecipientsDoNotCount()
{
    SmtpSessionConfig config = makeConfig();
    config.limits.maxRecipients = 2;
    Client c(config);
    QCOMPARE(c.send(mailLine + "RCPT TO:<a@d.example>\r\nRCPT TO:<b@d.example>\r\n"
                 + "RCPT TO:<c@d.example>\r\nRCPT TO:<d@d.example>\r\n"),
        wire(SmtpReply::senderOk()));
    QCOMPARE(c.events().size(), 1);
    c->acceptRecipient(QStringLiteral("a@d.example"));
    QCOMPARE(c.events().size(), 1);
    c->rejectRecipient(SmtpReply::rejection(550, {}));
    QCOMPARE(c.events().size(), 1);
    c->acceptRecipient(QStringLiteral("c@d.example"));
    // The fourth is one too many: answered without asking.
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c.take(),
        wire({ SmtpReply::recipientOk(), SmtpReply::rejection(550, {}), SmtpReply::recipientOk(),
            SmtpReply::tooManyRecipients() }));
}

void TestSmtpSession::bdat_data()
{
    QTest::addColumn<QByteArray>("input"); // after MAIL and RCPT
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QList<QByteArray>>("messages");

    const auto row = [](const char *tag, const QByteArray &input,
                         std::initializer_list<SmtpReply> replies, QList<QByteArray> messages) {
        QTest::newRow(tag) << input << wire(replies) << messages;
    };
    row("one LAST chunk", "BDAT 5 LAST\r\nhello", { SmtpReply::queued("1") }, { "hello" });
    row("two chunks", "BDAT 6\r\nhello BDAT 5 LAST\r\nworld",
        { SmtpReply::chunkReceived(6), SmtpReply::queued("1") }, { "hello world" });
    row("chunk reply counts all octets", "BDAT 2\r\nabBDAT 3\r\ncdeBDAT 0 LAST\r\n",
        { SmtpReply::chunkReceived(2), SmtpReply::chunkReceived(5), SmtpReply::queued("1") },
        { "abcde" });
    row("chunk reply on the wire", "BDAT 6\r\nhello BDAT 0 LAST\r\n",
        { SmtpReply(250, "2.0.0", QByteArray("6 octets received")), SmtpReply::queued("1") },
        { "hello " });
    row("BDAT 0 LAST alone", "BDAT 0 LAST\r\n", { SmtpReply::queued("1") }, { "" });
    row("BDAT 0 not last", "BDAT 0\r\nBDAT 2 LAST\r\nhi",
        { SmtpReply::chunkReceived(0), SmtpReply::queued("1") }, { "hi" });
    row("octets kept verbatim", "BDAT 13 LAST\r\n.\r\n..\r\na\nb\r\r\n", { SmtpReply::queued("1") },
        { ".\r\n..\r\na\nb\r\r\n" });
    row("chunk that looks like commands", "BDAT 12\r\nQUIT\r\nRSET\r\nBDAT 0 LAST\r\nNOOP\r\n",
        { SmtpReply::chunkReceived(12), SmtpReply::queued("1"), SmtpReply::ok() },
        { "QUIT\r\nRSET\r\n" });
    row("lower case", "bdat 2 last\r\nhi", { SmtpReply::queued("1") }, { "hi" });
    row("DATA after BDAT", "BDAT 3\r\nabcDATA\r\nBDAT 1 LAST\r\nd",
        { SmtpReply::chunkReceived(3), SmtpReply::badSequence("DATA after BDAT in one transaction"),
            SmtpReply::queued("1") },
        { "abcd" });
    row("BDAT after LAST needs MAIL", "BDAT 1 LAST\r\nxBDAT 1 LAST\r\ny",
        { SmtpReply::queued("1"), SmtpReply::badSequence("Need MAIL before BDAT") }, { "x" });
    row("RSET between chunks", "BDAT 2\r\nabRSET\r\nBDAT 1 LAST\r\nc",
        { SmtpReply::chunkReceived(2), SmtpReply::ok(),
            SmtpReply::badSequence("Need MAIL before BDAT") },
        {});
    row("new transaction after BDAT", "BDAT 1 LAST\r\nx" + mailLine + rcptLine + "BDAT 1 LAST\r\ny",
        { SmtpReply::queued("1"), SmtpReply::senderOk(), SmtpReply::recipientOk(),
            SmtpReply::queued("2") },
        { "x", "y" });
    row("DATA transaction after BDAT one",
        "BDAT 1 LAST\r\nx" + mailLine + rcptLine + "DATA\r\ny\r\n.\r\n",
        { SmtpReply::queued("1"), SmtpReply::senderOk(), SmtpReply::recipientOk(),
            SmtpReply::startData(), SmtpReply::queued("2") },
        { "x", "y\r\n" });
}

void TestSmtpSession::bdat()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);
    QFETCH(QList<QByteArray>, messages);

    for (const qsizetype chunk : { 0, 1, 4 }) {
        Client c;
        QCOMPARE(c.run(mailLine + rcptLine + input, chunk),
            wire({ SmtpReply::senderOk(), SmtpReply::recipientOk() }) + output);
        QCOMPARE(c.answeredMessages(), messages);
        // Every message here but one sent with DATA after a BDAT transaction came with BDAT.
        const bool lastWithData = input.endsWith("DATA\r\ny\r\n.\r\n");
        for (const SmtpEvent &e : std::as_const(c.answered)) {
            if (e.type == Type::Message)
                QCOMPARE(e.envelope.chunked, !(lastWithData && &e == &c.answered.last()));
        }
        QCOMPARE(c->state(), State::Command);
    }
}

void TestSmtpSession::bdatOutOfSequence_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");

    // The chunk's octets are read away before the 503, so none of them runs as a command.
    QTest::newRow("before MAIL") << QByteArray("BDAT 4\r\nNOOP")
                                 << wire(SmtpReply::badSequence("Need MAIL before BDAT"));
    QTest::newRow("before MAIL, LAST") << QByteArray("BDAT 6 LAST\r\nQUIT\r\n")
                                       << wire(SmtpReply::badSequence("Need MAIL before BDAT"));
    QTest::newRow("before MAIL is 503")
        << QByteArray("BDAT 4\r\nNOOP") << QByteArray("503 5.5.1 Need MAIL before BDAT\r\n");
    QTest::newRow("before RCPT") << QByteArray(mailLine + "BDAT 6\r\nRSET\r\n")
                                 << wire({ SmtpReply::senderOk(),
                                        SmtpReply::badSequence("Need RCPT before BDAT") });
    QTest::newRow("zero octets before MAIL")
        << QByteArray("BDAT 0 LAST\r\n") << wire(SmtpReply::badSequence("Need MAIL before BDAT"));
}

void TestSmtpSession::bdatOutOfSequence()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);

    for (const qsizetype chunk : { 0, 1 }) {
        Client c;
        QCOMPARE(c.run(input, chunk), output);
        QVERIFY(c.answered.isEmpty());
        QCOMPARE(c->state(), State::Command);
        QCOMPARE(c.send("NOOP\r\n"), wire(SmtpReply::ok()));
    }
}

void TestSmtpSession::bdatOverflow_data()
{
    QTest::addColumn<QByteArray>("input"); // after MAIL and RCPT; the limit is 10
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QList<QByteArray>>("messages");

    QTest::newRow("one chunk over") << QByteArray("BDAT 11 LAST\r\n01234567890")
                                    << wire(SmtpReply::messageTooBig()) << QList<QByteArray>();
    QTest::newRow("one chunk of the limit")
        << QByteArray("BDAT 10 LAST\r\n0123456789") << wire(SmtpReply::queued("1"))
        << QList<QByteArray> { "0123456789" };
    QTest::newRow("second chunk passes the limit")
        << QByteArray("BDAT 6\r\n012345BDAT 5 LAST\r\n67890")
        << wire({ SmtpReply::chunkReceived(6), SmtpReply::messageTooBig() }) << QList<QByteArray>();
    QTest::newRow("chunks reach the limit")
        << QByteArray("BDAT 6\r\n012345BDAT 4 LAST\r\n6789")
        << wire({ SmtpReply::chunkReceived(6), SmtpReply::queued("1") })
        << QList<QByteArray> { "0123456789" };
    // RFC 3030 2: the chunks a client pipelined behind the one refused are read away, each
    // with the same 552, up to the message's LAST; none counts as a bad command (25 of them here,
    // past the 20 that end a session).
    QTest::newRow("pipelined chunks of a refused message")
        << QByteArray("BDAT 11\r\n01234567890BDAT 3\r\nabcBDAT 2 LAST\r\nxy")
        << wire({ SmtpReply::messageTooBig(), SmtpReply::messageTooBig(),
               SmtpReply::messageTooBig() })
        << QList<QByteArray>();
    QTest::newRow("25 pipelined chunks of a refused message")
        << QByteArray("BDAT 11\r\n01234567890" + QByteArray("BDAT 1\r\nx").repeated(24)
               + "BDAT 1 LAST\r\nx")
        << wire(SmtpReply::messageTooBig()).repeated(26) << QList<QByteArray>();
    // The refusal ends the transaction: past the LAST chunk, or once the client sends another
    // command, a chunk is out of sequence again.
    QTest::newRow("overflow ends the transaction")
        << QByteArray("BDAT 11 LAST\r\n01234567890BDAT 1 LAST\r\nx")
        << wire({ SmtpReply::messageTooBig(), SmtpReply::badSequence("Need MAIL before BDAT") })
        << QList<QByteArray>();
    QTest::newRow("another command ends the refused message")
        << QByteArray("BDAT 11\r\n01234567890RSET\r\nBDAT 1 LAST\r\nx")
        << wire({ SmtpReply::messageTooBig(), SmtpReply::ok(),
               SmtpReply::badSequence("Need MAIL before BDAT") })
        << QList<QByteArray>();
    QTest::newRow("large chunk read away")
        << QByteArray("BDAT 100000 LAST\r\n" + QByteArray(100000, 'q'))
        << wire(SmtpReply::messageTooBig()) << QList<QByteArray>();
}

void TestSmtpSession::bdatOverflow()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);
    QFETCH(QList<QByteArray>, messages);

    for (const qsizetype chunk : { 0, 1, 3 }) {
        Client c(limitConfig(10));
        QCOMPARE(c.run(mailLine + rcptLine + input + "NOOP\r\n", chunk),
            wire({ SmtpReply::senderOk(), SmtpReply::recipientOk() }) + output
                + wire(SmtpReply::ok()));
        QCOMPARE(c.answeredMessages(), messages);
    }
}

void TestSmtpSession::startTls()
{
    Client c(tlsConfig());
    QCOMPARE(c.send("EHLO client\r\n"), ehloReply("client", extensionsWith({ "STARTTLS" })));
    QCOMPARE(c.send("STARTTLS now\r\n"), wire(SmtpReply::syntax("STARTTLS takes no argument")));
    QCOMPARE(c.send("STARTTLS\r\n"), QByteArray("220 2.0.0 Ready to start TLS\r\n"));
    const QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, Type::StartTls);
    QCOMPARE(c->state(), State::WaitTls);
    QVERIFY(!c->isTls());

    c->tlsStarted();
    QCOMPARE(c.take(), QByteArray());
    QVERIFY(c->isTls());
    QCOMPARE(c->state(), State::Command);
    QCOMPARE(c->helo(), QByteArray()); // RFC 3207 4.2: the client greets again
    QCOMPARE(c.send("EHLO client\r\n"), ehloReply("client"));
    QCOMPARE(c.send("STARTTLS\r\n"), wire(SmtpReply::tlsAlreadyActive()));
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c.run(mailLine + rcptLine + "DATA\r\nx\r\n.\r\n"),
        wire({ SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData(),
            SmtpReply::queued("1") }));
}

void TestSmtpSession::startTlsInjection_data()
{
    QTest::addColumn<bool>("sameFeed");
    QTest::addColumn<QByteArray>("injected");
    QTest::newRow("MAIL in the same feed") << true << QByteArray("MAIL FROM:<evil@x>\r\n");
    QTest::newRow("MAIL in a later feed") << false << QByteArray("MAIL FROM:<evil@x>\r\n");
    QTest::newRow("a whole transaction")
        << true << QByteArray("MAIL FROM:<evil@x>\r\nRCPT TO:<victim@y>\r\nDATA\r\nx\r\n.\r\n");
    QTest::newRow("EHLO and QUIT") << true << QByteArray("EHLO evil\r\nQUIT\r\n");
}

// CVE-2011-0411: plaintext pipelined behind STARTTLS is discarded, never run after the handshake.
void TestSmtpSession::startTlsInjection()
{
    QFETCH(bool, sameFeed);
    QFETCH(QByteArray, injected);

    Client c(tlsConfig());
    QCOMPARE(c.send("EHLO client\r\n"), ehloReply("client", extensionsWith({ "STARTTLS" })));
    if (sameFeed) {
        QCOMPARE(c.send("STARTTLS\r\n" + injected), wire(SmtpReply::readyToStartTls()));
    } else {
        QCOMPARE(c.send("STARTTLS\r\n"), wire(SmtpReply::readyToStartTls()));
        QCOMPARE(c.send(injected), QByteArray());
    }
    const QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, Type::StartTls);
    QCOMPARE(c->state(), State::WaitTls);
    QCOMPARE(c->bufferedInput(), qsizetype(0)); // dropped, not kept for later

    c->tlsStarted();
    QCOMPARE(c.take(), QByteArray());
    QVERIFY(c.events().isEmpty());
    QCOMPARE(c->bufferedInput(), qsizetype(0));
    QVERIFY(!c->isClosed());
    QVERIFY(!c.transcript().contains(wire(SmtpReply::senderOk())));
    QVERIFY(!c.transcript().contains("Sender OK"));
    // No transaction was opened by the injected MAIL: it needs its own command now.
    QCOMPARE(c.send(rcptLine), wire(SmtpReply::badSequence("Need MAIL before RCPT")));
    QCOMPARE(c.send("MAIL FROM:<good@x.example>\r\n"), wire(SmtpReply::senderOk()));
}

void TestSmtpSession::startTlsForgetsState()
{
    SmtpSessionConfig config = authConfig(Auth::Credentials);
    config.tlsAvailable = true;
    Client c(config);
    QCOMPARE(c.send("EHLO client\r\nAUTH PLAIN " + b64(QByteArray("\0alice\0secret", 13)) + "\r\n"
                 + mailLine),
        ehloReply("client", extensionsWith({ "STARTTLS", "AUTH PLAIN LOGIN CRAM-MD5" }))
            + wire({ SmtpReply::authSucceeded(), SmtpReply::senderOk() }));
    QCOMPARE(c->authenticatedUser(), QStringLiteral("alice"));
    QCOMPARE(c.send("STARTTLS\r\n"), wire(SmtpReply::readyToStartTls()));
    c->tlsStarted();
    QCOMPARE(c->authenticatedUser(), QString());
    QCOMPARE(c->helo(), QByteArray());
    // Neither the transaction nor the authentication survive the handshake.
    QCOMPARE(c.send(rcptLine + mailLine),
        wire({ SmtpReply::badSequence("Need MAIL before RCPT"), SmtpReply::authRequired() }));
}

void TestSmtpSession::requireTls_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");

    const QByteArray required = wire(SmtpReply::tlsRequired());
    QTest::newRow("MAIL") << mailLine << required;
    QTest::newRow("MAIL is 530 5.7.0")
        << mailLine << QByteArray("530 5.7.0 Must issue a STARTTLS command first\r\n");
    QTest::newRow("RCPT") << rcptLine << required;
    QTest::newRow("DATA") << QByteArray("DATA\r\n") << required;
    QTest::newRow("VRFY") << QByteArray("VRFY alice\r\n") << required;
    QTest::newRow("EXPN") << QByteArray("EXPN staff\r\n") << required;
    QTest::newRow("HELP") << QByteArray("HELP\r\n") << required;
    QTest::newRow("AUTH") << QByteArray("AUTH PLAIN " + b64(QByteArray("\0alice\0secret", 13))
        + "\r\n") << required;
    QTest::newRow("BDAT reads its octets away") << QByteArray("BDAT 6\r\nNOOP\r\n") << required;
    QTest::newRow("BDAT 0 LAST") << QByteArray("BDAT 0 LAST\r\n") << required;
    QTest::newRow("NOOP") << QByteArray("NOOP\r\n") << wire(SmtpReply::ok());
    QTest::newRow("NOOP with argument") << QByteArray("NOOP x\r\n") << wire(SmtpReply::ok());
    QTest::newRow("RSET") << QByteArray("RSET\r\n") << wire(SmtpReply::ok());
    QTest::newRow("EHLO") << QByteArray("EHLO client\r\n")
                          << ehloReply("client", extensionsWith({ "STARTTLS" }));
    QTest::newRow("HELO") << QByteArray("HELO client\r\n") << wire(SmtpReply::helo(host, "client"));
    QTest::newRow("QUIT") << QByteArray("QUIT\r\n") << wire(SmtpReply::bye());
    QTest::newRow("STARTTLS") << QByteArray("STARTTLS\r\n") << wire(SmtpReply::readyToStartTls());
    QTest::newRow("unknown") << QByteArray("XYZZY\r\n") << required;
    QTest::newRow("empty line") << QByteArray("\r\n") << required;
    // Counted as bad commands: the twentieth ends the session.
    QTest::newRow("20 unknown") << QByteArray("XYZZY\r\n").repeated(20)
                                << required.repeated(20) + wire(SmtpReply::tooManyErrors());
}

void TestSmtpSession::requireTls()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);

    SmtpSessionConfig config = authConfig(Auth::Credentials);
    config.tlsAvailable = true;
    config.requireTls = true;
    for (const qsizetype chunk : { 0, 1 }) {
        Client c(config);
        QCOMPARE(c.run(input, chunk), output);
        QVERIFY(c->authenticatedUser().isEmpty());
    }
}

void TestSmtpSession::requireTlsAfterHandshake()
{
    SmtpSessionConfig config = tlsConfig();
    config.requireTls = true;
    Client c(config);
    QCOMPARE(c.send(mailLine), wire(SmtpReply::tlsRequired()));
    QCOMPARE(c.send("STARTTLS\r\n"), wire(SmtpReply::readyToStartTls()));
    c->tlsStarted();
    QCOMPARE(c.send("EHLO client\r\n"), ehloReply("client"));
    QCOMPARE(c.run(mailLine + rcptLine + "BDAT 1 LAST\r\nx"),
        wire({ SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::queued("1") }));
}

void TestSmtpSession::auth_data()
{
    QTest::addColumn<bool>("acceptAny");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("user");

    const auto plain
        = [](const QByteArray &authzid, const QByteArray &user, const QByteArray &password) {
              return b64(authzid + '\0' + user + '\0' + password);
          };
    const QByteArray ok = wire(SmtpReply::authSucceeded());
    const QByteArray failed = wire(SmtpReply::authFailed());
    const QByteArray badEncoding = wire(SmtpReply::authBadEncoding());
    const QByteArray cancelled = wire(SmtpReply::authCancelled());
    const QByteArray emptyChallenge = wire(SmtpReply::authChallenge({}));
    const QByteArray username = QByteArray("334 VXNlcm5hbWU6\r\n"); // "Username:"
    const QByteArray password = QByteArray("334 UGFzc3dvcmQ6\r\n"); // "Password:"
    const QString alice = QStringLiteral("alice");

    QTest::newRow("PLAIN initial response")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "secret") + "\r\n") << ok
        << alice;
    QTest::newRow("PLAIN succeeded is 235 2.7.0")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "secret") + "\r\n")
        << QByteArray("235 2.7.0 Authentication successful\r\n") << alice;
    QTest::newRow("PLAIN with authzid")
        << false << QByteArray("AUTH PLAIN " + plain("alice", "alice", "secret") + "\r\n") << ok
        << alice;
    QTest::newRow("plain in lower case")
        << false << QByteArray("auth plain " + plain("", "alice", "secret") + "\r\n") << ok
        << alice;
    QTest::newRow("PLAIN continuation")
        << false << QByteArray("AUTH PLAIN\r\n" + plain("", "alice", "secret") + "\r\n")
        << QByteArray(emptyChallenge + ok) << alice;
    QTest::newRow("PLAIN UTF-8 password")
        << false << QByteArray("AUTH PLAIN " + plain("", "bob", "s\xc3\xa9same") + "\r\n") << ok
        << QStringLiteral("bob");
    QTest::newRow("PLAIN wrong password")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "wrong") + "\r\n") << failed
        << QString();
    QTest::newRow("PLAIN wrong password is 535")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "wrong") + "\r\n")
        << QByteArray("535 5.7.8 Authentication credentials invalid\r\n") << QString();
    QTest::newRow("PLAIN password prefix")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "secre") + "\r\n") << failed
        << QString();
    QTest::newRow("PLAIN unknown user")
        << false << QByteArray("AUTH PLAIN " + plain("", "mallory", "secret") + "\r\n") << failed
        << QString();
    QTest::newRow("PLAIN user name is case-sensitive")
        << false << QByteArray("AUTH PLAIN " + plain("", "Alice", "secret") + "\r\n") << failed
        << QString();
    QTest::newRow("PLAIN another user's password")
        << false << QByteArray("AUTH PLAIN " + plain("", "bob", "secret") + "\r\n") << failed
        << QString();
    QTest::newRow("PLAIN without NULs")
        << false << QByteArray("AUTH PLAIN " + b64("alicesecret") + "\r\n") << badEncoding
        << QString();
    QTest::newRow("PLAIN bad base64")
        << false << QByteArray("AUTH PLAIN !!!!\r\n") << badEncoding << QString();
    QTest::newRow("PLAIN bad base64 is 501")
        << false << QByteArray("AUTH PLAIN !!!!\r\n")
        << QByteArray("501 5.5.2 Cannot decode response\r\n") << QString();
    QTest::newRow("PLAIN bad base64 response")
        << false << QByteArray("AUTH PLAIN\r\n%%%%\r\n") << QByteArray(emptyChallenge + badEncoding)
        << QString();
    QTest::newRow("PLAIN empty response") << false << QByteArray("AUTH PLAIN\r\n=\r\n")
                                          << QByteArray(emptyChallenge + badEncoding) << QString();
    QTest::newRow("PLAIN cancelled") << false << QByteArray("AUTH PLAIN\r\n*\r\n")
                                     << QByteArray(emptyChallenge + cancelled) << QString();
    QTest::newRow("cancel is 501")
        << false << QByteArray("AUTH PLAIN\r\n*\r\n")
        << QByteArray("334 \r\n501 5.0.0 Authentication cancelled\r\n") << QString();
    QTest::newRow("LOGIN") << false
                           << QByteArray(
                                  "AUTH LOGIN\r\n" + b64("alice") + "\r\n" + b64("secret") + "\r\n")
                           << QByteArray(username + password + ok) << alice;
    QTest::newRow("LOGIN initial response")
        << false << QByteArray("AUTH LOGIN " + b64("alice") + "\r\n" + b64("secret") + "\r\n")
        << QByteArray(password + ok) << alice;
    QTest::newRow("LOGIN wrong password")
        << false << QByteArray("AUTH LOGIN\r\n" + b64("alice") + "\r\n" + b64("nope") + "\r\n")
        << QByteArray(username + password + failed) << QString();
    QTest::newRow("LOGIN cancelled at the user") << false << QByteArray("AUTH LOGIN\r\n*\r\n")
                                                 << QByteArray(username + cancelled) << QString();
    QTest::newRow("LOGIN cancelled at the password")
        << false << QByteArray("AUTH LOGIN\r\n" + b64("alice") + "\r\n*\r\n")
        << QByteArray(username + password + cancelled) << QString();
    QTest::newRow("LOGIN bad base64") << false << QByteArray("AUTH LOGIN\r\n@@@@\r\n")
                                      << QByteArray(username + badEncoding) << QString();
    QTest::newRow("unknown mechanism") << false << QByteArray("AUTH GSSAPI\r\n")
                                       << wire(SmtpReply::authMechanismUnknown()) << QString();
    QTest::newRow("CRAM-MD5 with initial response")
        << false << QByteArray("AUTH CRAM-MD5 " + b64("alice x") + "\r\n")
        << wire(SmtpReply::syntax("CRAM-MD5 takes no initial response")) << QString();
    QTest::newRow("AUTH twice") << false
                                << QByteArray("AUTH PLAIN " + plain("", "alice", "secret")
                                       + "\r\nAUTH PLAIN " + plain("", "bob", "s\xc3\xa9same")
                                       + "\r\n")
                                << QByteArray(ok + wire(SmtpReply::authAlreadyDone())) << alice;
    QTest::newRow("MAIL before AUTH")
        << false << mailLine << wire(SmtpReply::authRequired()) << QString();
    QTest::newRow("MAIL before AUTH is 530 5.7.0")
        << false << mailLine << QByteArray("530 5.7.0 Authentication required\r\n") << QString();
    QTest::newRow("MAIL after failed AUTH")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "wrong") + "\r\n" + mailLine)
        << QByteArray(failed + wire(SmtpReply::authRequired())) << QString();
    QTest::newRow("MAIL after cancelled AUTH")
        << false << QByteArray("AUTH PLAIN\r\n*\r\n" + mailLine)
        << QByteArray(emptyChallenge + cancelled + wire(SmtpReply::authRequired())) << QString();
    QTest::newRow("MAIL after AUTH")
        << false << QByteArray("AUTH PLAIN " + plain("", "alice", "secret") + "\r\n" + mailLine)
        << QByteArray(ok + wire(SmtpReply::senderOk())) << alice;
    QTest::newRow("RSET keeps AUTH")
        << false
        << QByteArray(
               "AUTH PLAIN " + plain("", "alice", "secret") + "\r\nRSET\r\nEHLO c\r\n" + mailLine)
        << QByteArray(ok + wire(SmtpReply::ok())
               + ehloReply("c", extensionsWith({ "AUTH PLAIN LOGIN CRAM-MD5" }))
               + wire(SmtpReply::senderOk()))
        << alice;
    QTest::newRow("accept any: MAIL without AUTH")
        << true << mailLine << wire(SmtpReply::senderOk()) << QString();
    QTest::newRow("accept any: any credentials")
        << true << QByteArray("AUTH PLAIN " + plain("", "anyone", "anything") + "\r\n") << ok
        << QStringLiteral("anyone");
    QTest::newRow("accept any: LOGIN")
        << true << QByteArray("AUTH LOGIN\r\n" + b64("x") + "\r\n" + b64("y") + "\r\n")
        << QByteArray(username + password + ok) << QStringLiteral("x");
    QTest::newRow("accept any: empty user fails")
        << true << QByteArray("AUTH PLAIN " + plain("", "", "anything") + "\r\n") << failed
        << QString();
    QTest::newRow("accept any: AUTH during a transaction")
        << true << QByteArray(mailLine + "AUTH PLAIN " + plain("", "a", "b") + "\r\n")
        << wire({ SmtpReply::senderOk(),
               SmtpReply::badSequence("AUTH not allowed during a mail transaction") })
        << QString();
}

void TestSmtpSession::auth()
{
    QFETCH(bool, acceptAny);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);
    QFETCH(QString, user);

    for (const qsizetype chunk : { 0, 1 }) {
        Client c(authConfig(acceptAny ? Auth::AcceptAny : Auth::Credentials));
        QCOMPARE(c.run(input, chunk), output);
        QCOMPARE(c->authenticatedUser(), user);
        QCOMPARE(c->state(), State::Command);
        QCOMPARE(c.send("NOOP\r\n"), wire(SmtpReply::ok()));
    }
}

void TestSmtpSession::authUserRefused_data()
{
    // refuseAuthUser (the server's --mailbox-from-auth: the name must name a mailbox) is asked
    // once the credentials are good, for every mechanism; its reply refuses the AUTH.
    QTest::addColumn<bool>("acceptAny");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("user");

    const auto plain = [](const QByteArray &user, const QByteArray &password) -> QByteArray {
        return "AUTH PLAIN " + b64('\0' + user + '\0' + password) + "\r\n";
    };
    const QByteArray ok = wire(SmtpReply::authSucceeded());
    const QByteArray refused = QByteArray("535 5.7.8 AUTH user name 'dev@example.com' is no "
                                          "mailbox name (1-64 of A-Z a-z 0-9 . _ -)\r\n");
    const QByteArray username = QByteArray("334 VXNlcm5hbWU6\r\n");
    const QByteArray password = QByteArray("334 UGFzc3dvcmQ6\r\n");

    QTest::newRow("accept any: PLAIN, a name")
        << true << plain("dev", "x") << ok << QStringLiteral("dev");
    QTest::newRow("accept any: PLAIN, no name")
        << true << plain("dev@example.com", "x") << refused << QString();
    QTest::newRow("accept any: LOGIN, no name")
        << true
        << QByteArray("AUTH LOGIN\r\n" + b64("dev@example.com") + "\r\n" + b64("x") + "\r\n")
        << QByteArray(username + password + refused) << QString();
    QTest::newRow("accept any: refused, then MAIL without AUTH")
        << true << QByteArray(plain("dev@example.com", "x") + mailLine)
        << QByteArray(refused + wire(SmtpReply::senderOk())) << QString();
    QTest::newRow("accept any: refused, then AUTH with a name")
        << true << QByteArray(plain("dev@example.com", "x") + plain("dev", "x"))
        << QByteArray(refused + ok) << QStringLiteral("dev");
    // With credentials the password is checked first: a wrong one says so, whatever the name.
    QTest::newRow("credentials: wrong password")
        << false << plain("dev@example.com", "wrong") << wire(SmtpReply::authFailed()) << QString();
    QTest::newRow("credentials: right password, no name")
        << false << plain("dev@example.com", "secret") << refused << QString();
    QTest::newRow("credentials: right password, a name")
        << false << plain("alice", "secret") << ok << QStringLiteral("alice");
    QTest::newRow("credentials: refused, MAIL still needs AUTH")
        << false << QByteArray(plain("dev@example.com", "secret") + mailLine)
        << QByteArray(refused + wire(SmtpReply::authRequired())) << QString();
}

void TestSmtpSession::authUserRefused()
{
    QFETCH(bool, acceptAny);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, output);
    QFETCH(QString, user);

    SmtpSessionConfig config = authConfig(acceptAny ? Auth::AcceptAny : Auth::Credentials);
    config.credentials.insert(QStringLiteral("dev@example.com"), QStringLiteral("secret"));
    QStringList asked;
    config.refuseAuthUser = [&asked](const QString &name) -> std::optional<SmtpReply> {
        asked << name;
        if (!name.contains(QLatin1Char('@')))
            return std::nullopt;
        return SmtpReply::authUserNotMailboxName(name);
    };
    Client c(std::move(config));
    QCOMPARE(c.run(input), output);
    QCOMPARE(c->authenticatedUser(), user);
    QCOMPARE(c->state(), State::Command);
    // Asked only about credentials that are good.
    QCOMPARE(
        asked.contains(QStringLiteral("dev@example.com")), output.contains("is no mailbox name"));
}

void TestSmtpSession::cramMd5_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("password"); // the one the client uses
    QTest::addColumn<bool>("upperHex");
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<QString>("authenticated");

    const QByteArray ok = wire(SmtpReply::authSucceeded());
    const QByteArray failed = wire(SmtpReply::authFailed());
    QTest::newRow("right password")
        << QByteArray("alice") << QByteArray("secret") << false << ok << QStringLiteral("alice");
    QTest::newRow("upper-case digest")
        << QByteArray("alice") << QByteArray("secret") << true << ok << QStringLiteral("alice");
    QTest::newRow("UTF-8 password")
        << QByteArray("bob") << QByteArray("s\xc3\xa9same") << false << ok << QStringLiteral("bob");
    QTest::newRow("wrong password")
        << QByteArray("alice") << QByteArray("guess") << false << failed << QString();
    QTest::newRow("unknown user") << QByteArray("mallory") << QByteArray("secret") << false
                                  << failed << QString();
}

// RFC 2195: the client answers user SP hex(HMAC-MD5(challenge, password)).
void TestSmtpSession::cramMd5()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, password);
    QFETCH(bool, upperHex);
    QFETCH(QByteArray, reply);
    QFETCH(QString, authenticated);

    SmtpSessionConfig config = authConfig(Auth::Credentials);
    config.cramMd5Nonce = "4711.1234";
    Client c(config);
    const QByteArray challengeLine = c.send("AUTH CRAM-MD5\r\n");
    QVERIFY(challengeLine.startsWith("334 "));
    QVERIFY(challengeLine.endsWith("\r\n"));
    const QByteArray challenge
        = QByteArray::fromBase64(challengeLine.mid(4, challengeLine.size() - 6));
    QCOMPARE(challenge, QByteArray("<4711.1234@mx.test>"));
    QCOMPARE(c->state(), State::AuthResponse);

    QByteArray digest
        = QMessageAuthenticationCode::hash(challenge, password, QCryptographicHash::Md5).toHex();
    if (upperHex)
        digest = digest.toUpper();
    QCOMPARE(c.send(b64(user + ' ' + digest) + "\r\n"), reply);
    QCOMPARE(c->authenticatedUser(), authenticated);

    // Malformed answers: no space, bad base64, cancel.
    Client d(config);
    d.send("AUTH CRAM-MD5\r\n");
    QCOMPARE(d.send(b64(digest) + "\r\n"), wire(SmtpReply::authBadEncoding()));
    d.send("AUTH CRAM-MD5\r\n");
    QCOMPARE(d.send("not base64!\r\n"), wire(SmtpReply::authBadEncoding()));
    d.send("AUTH CRAM-MD5\r\n");
    QCOMPARE(d.send("*\r\n"), wire(SmtpReply::authCancelled()));
    QVERIFY(d->authenticatedUser().isEmpty());
}

// The worked example of RFC 2195 section 2, as a known answer.
void TestSmtpSession::cramMd5Rfc2195()
{
    SmtpSessionConfig config = makeConfig();
    config.hostname = "postoffice.reston.mci.net";
    config.cramMd5Nonce = "1896.697170952";
    config.auth = Auth::Credentials;
    config.credentials.insert(QStringLiteral("tim"), QStringLiteral("tanstaaftanstaaf"));
    Client c(config);
    QCOMPARE(c.send("AUTH CRAM-MD5\r\n"),
        QByteArray("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n"));
    QCOMPARE(c.send("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n"),
        wire(SmtpReply::authSucceeded()));
    QCOMPARE(c->authenticatedUser(), QStringLiteral("tim"));
}

// Failed authentications count as errors: guessing ends with the error limit.
void TestSmtpSession::authGuessingIsLimited()
{
    Client c(authConfig(Auth::Credentials));
    const QByteArray guess = "AUTH PLAIN " + b64(QByteArray("\0alice\0guess", 12)) + "\r\n";
    QByteArray expected;
    for (int i = 0; i < 20; ++i)
        expected += wire(SmtpReply::authFailed());
    expected += wire(SmtpReply::tooManyErrors());
    QByteArray all;
    for (int i = 0; i < 21; ++i)
        all += guess;
    QCOMPARE(c.send(all), expected);
    QVERIFY(c->isClosed());
}

void TestSmtpSession::verify_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("address"); // of the Verify event; empty: no event
    QTest::addColumn<bool>("accept");
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<int>("rejectedWith"); // the code the recipient's rule answers; 0: no answer
    QTest::newRow("mailbox accepted")
        << QByteArray("VRFY alice@example.com\r\n") << QStringLiteral("alice@example.com") << true
        << QByteArray("252 2.1.5 Cannot VRFY user, but will accept message for "
                      "alice@example.com\r\n")
        << 550;
    QTest::newRow("path unwrapped")
        << QByteArray("VRFY <alice@example.com>\r\n") << QStringLiteral("alice@example.com") << true
        << wire(SmtpReply::verifyAccepted("alice@example.com")) << 550;
    QTest::newRow("user name") << QByteArray("VRFY alice\r\n") << QStringLiteral("alice") << true
                               << wire(SmtpReply::verifyAccepted("alice")) << 550;
    QTest::newRow("rejected") << QByteArray("VRFY bob@example.com\r\n")
                              << QStringLiteral("bob@example.com") << false
                              << QByteArray("550 5.1.1 Mailbox unavailable\r\n") << 550;
    // VRFY has no temporary failure: a rule's 450 says 550 there (RFC 5321 4.3.2).
    QTest::newRow("rejected for now")
        << QByteArray("VRFY bob@example.com\r\n") << QStringLiteral("bob@example.com") << false
        << QByteArray("550 5.1.1 Mailbox unavailable\r\n") << 450;
    // No decision in time (an embedder's handler did not answer): VRFY may not say 451 (RFC 5321
    // 4.3.2), and 550 would say there is no such mailbox; 252 says it cannot be verified now.
    QTest::newRow("undecided")
        << QByteArray("VRFY bob@example.com\r\n") << QStringLiteral("bob@example.com") << false
        << QByteArray("252 2.0.0 Cannot VRFY user now, the recipient check timed out; try RCPT\r\n")
        << 0;
    QTest::newRow("rejected with 553")
        << QByteArray("VRFY bob@example.com\r\n") << QStringLiteral("bob@example.com") << false
        << wire(SmtpReply::rejection(553, "no")) << 553;
    QTest::newRow("bad path") << QByteArray("VRFY <bob@\r\n") << QString() << false
                              << wire(SmtpReply::badRecipientSyntax()) << 550;
    QTest::newRow("junk after path") << QByteArray("VRFY <a@b.example> x\r\n") << QString() << false
                                     << wire(SmtpReply::badRecipientSyntax()) << 550;
    QTest::newRow("null path") << QByteArray("VRFY <>\r\n") << QString() << false
                               << wire(SmtpReply::badRecipientSyntax()) << 550;
}

void TestSmtpSession::verify()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, address);
    QFETCH(bool, accept);
    QFETCH(QByteArray, reply);
    QFETCH(int, rejectedWith);

    Client c;
    if (address.isEmpty()) {
        QCOMPARE(c.send(line), reply);
        QVERIFY(c.events().isEmpty());
        return;
    }
    QCOMPARE(c.send(line + "NOOP\r\n"), QByteArray());
    QCOMPARE(c->state(), State::WaitRecipient);
    const QList<SmtpEvent> events = c.events();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, Type::Verify);
    QCOMPARE(events.at(0).address, address);
    if (accept)
        c->acceptRecipient(address);
    else if (rejectedWith == 0)
        c->recipientUndecided();
    else
        c->rejectRecipient(SmtpReply::rejection(rejectedWith, rejectedWith == 553 ? "no" : ""));
    QCOMPARE(c.take(), reply + wire(SmtpReply::ok()));
}

void TestSmtpSession::verifyLeavesTheTransactionAlone()
{
    Client c;
    QCOMPARE(c.run(mailLine + "VRFY <v@d.example>\r\nDATA\r\n" + rcptLine + "VRFY w\r\nDATA\r\n"
                 + "x\r\n.\r\n"),
        wire({ SmtpReply::senderOk(), SmtpReply::verifyAccepted("v@d.example"),
            SmtpReply::badSequence("Need RCPT before DATA"), SmtpReply::recipientOk(),
            SmtpReply::verifyAccepted("w"), SmtpReply::startData(), SmtpReply::queued("1") }));
    const QList<QByteArray> messages = c.answeredMessages();
    QCOMPARE(messages, QList<QByteArray> { "x\r\n" });
    QCOMPARE(c.answered.last().envelope.rcptTo, QStringList { QStringLiteral("c@d.example") });
}

void TestSmtpSession::idleTimeout()
{
    Client c;
    c.send("EHLO client\r\n" + mailLine);
    c->idleTimeout();
    QCOMPARE(c.take(), QByteArray("421 4.4.2 Idle timeout, closing connection\r\n"));
    QCOMPARE(c->state(), State::Closed);
    QCOMPARE(c.send("NOOP\r\n"), QByteArray());
    c->idleTimeout();
    c->shutdown();
    QCOMPARE(c.take(), QByteArray());

    // Also while an answer is pending: a late answer then writes nothing.
    Client d;
    d.send(mailLine + rcptLine);
    QCOMPARE(d.events().size(), 1);
    d->idleTimeout();
    QCOMPARE(d.take(), wire(SmtpReply::idleTimeout()));
    d->acceptRecipient(QStringLiteral("c@d.example"));
    QCOMPARE(d.take(), QByteArray());
    QVERIFY(d->isClosed());
}

void TestSmtpSession::shutdown()
{
    Client c;
    c->shutdown();
    QCOMPARE(c.take(), wire(SmtpReply::shuttingDown()));
    QVERIFY(c->isClosed());
    QCOMPARE(c.send("NOOP\r\n"), QByteArray());

    // While a message is being stored: its answer first, then the 421, and nothing pipelined
    // behind it runs. A 421 in its place would have the client send it again, a duplicate.
    for (const bool stored : { true, false }) {
        Client d;
        d.send(mailLine + rcptLine);
        d->acceptRecipient(QStringLiteral("c@d.example"));
        d.send("DATA\r\n");
        d.take();
        d.send("Subject: s\r\n\r\nbody\r\n.\r\nNOOP\r\n");
        QCOMPARE(d->state(), State::WaitMessage);
        d->shutdown();
        QCOMPARE(d.take(), QByteArray());
        QVERIFY(!d->isClosed());
        if (stored)
            d->messageStored("7");
        else
            d->messageFailed(SmtpReply::localError());
        QCOMPARE(d.take(),
            wire({ stored ? SmtpReply::queued("7") : SmtpReply::localError(),
                SmtpReply::shuttingDown() }));
        QVERIFY(d->isClosed());
    }
}

void TestSmtpSession::smtpSmuggling_data()
{
    QTest::addColumn<QByteArray>("separator"); // what a lax server would take for the end
    QTest::addColumn<QByteArray>("kept"); // how it stays in the message

    QTest::newRow("LF . CRLF") << QByteArray("\n.\r\n") << QByteArray("\n.\r\n");
    QTest::newRow("CR . CRLF") << QByteArray("\r.\r\n") << QByteArray("\r.\r\n");
    QTest::newRow("CRLF . LF") << QByteArray("\r\n.\n") << QByteArray("\r\n\n");
    QTest::newRow("LF . LF") << QByteArray("\n.\n") << QByteArray("\n.\n");
    QTest::newRow("CR . CR") << QByteArray("\r.\r") << QByteArray("\r.\r");
    QTest::newRow("CRLF . CR") << QByteArray("\r\n.\r") << QByteArray("\r\n\r");
}

// A body with a fake end followed by a second transaction: all of it stays in the one message.
void TestSmtpSession::smtpSmuggling()
{
    QFETCH(QByteArray, separator);
    QFETCH(QByteArray, kept);

    const QByteArray smuggled = "MAIL FROM:<x@evil.example>\r\nRCPT TO:<victim@example.com>\r\n"
                                "DATA\r\nFrom: ceo@example.com\r\n\r\nforged\r\n";
    const QByteArray body = "Subject: s\r\n\r\nhello" + separator + smuggled;
    for (const qsizetype chunk : { 0, 1, 2, 3 }) {
        Client c;
        QCOMPARE(
            c.run("EHLO client\r\n" + mailLine + rcptLine + "DATA\r\n" + body + ".\r\n", chunk),
            ehloReply()
                + wire({ SmtpReply::senderOk(), SmtpReply::recipientOk(), SmtpReply::startData(),
                    SmtpReply::queued("1") }));
        QCOMPARE(c.answered.size(), 2); // one recipient, one message: nothing for the victim
        QCOMPARE(c.answered.at(0).address, QStringLiteral("c@d.example"));
        QCOMPARE(c.answered.at(1).type, Type::Message);
        QCOMPARE(c.answered.at(1).data, "Subject: s\r\n\r\nhello" + kept + smuggled);
        QCOMPARE(c.answered.at(1).envelope.mailFrom, QStringLiteral("a@b.example"));
    }
}

QTEST_GUILESS_MAIN(TestSmtpSession)
#include "tst_smtpsession.moc"
