// SmtpCommand and its argument parsers: what a command line says, before the session decides what
// it means. Expected refusals are written as SmtpReply factories so that a changed code shows.
#include "smtpcommand.h"

#include <QTest>

namespace {

using Verb = SmtpCommand::Verb;
using Body = SmtpMailArgument::Body;

QByteArray verbName(Verb verb)
{
    switch (verb) {
    case Verb::Unknown:
        return "Unknown";
    case Verb::Helo:
        return "Helo";
    case Verb::Ehlo:
        return "Ehlo";
    case Verb::Mail:
        return "Mail";
    case Verb::Rcpt:
        return "Rcpt";
    case Verb::Data:
        return "Data";
    case Verb::Bdat:
        return "Bdat";
    case Verb::Rset:
        return "Rset";
    case Verb::Noop:
        return "Noop";
    case Verb::Quit:
        return "Quit";
    case Verb::Vrfy:
        return "Vrfy";
    case Verb::Expn:
        return "Expn";
    case Verb::Help:
        return "Help";
    case Verb::StartTls:
        return "StartTls";
    case Verb::Auth:
        return "Auth";
    }
    return "?";
}

QByteArray bodyName(Body body)
{
    switch (body) {
    case Body::Unspecified:
        return "Unspecified";
    case Body::SevenBit:
        return "7BIT";
    case Body::EightBitMime:
        return "8BITMIME";
    }
    return "?";
}

// The reply a parser refused with, on the wire; empty when it accepted.
QByteArray refusal(const std::optional<SmtpReply> &error)
{
    return error ? error->toWire() : QByteArray();
}

SmtpLimits limitsWithMaxSize(qint64 maxSize)
{
    SmtpLimits limits;
    limits.maxMessageSize = maxSize;
    return limits;
}

const QByteArray badMailParameter = SmtpReply::syntax("Bad MAIL parameter syntax").toWire();
const QByteArray badSize = SmtpReply::syntax("Bad SIZE parameter").toWire();
const QByteArray mailSyntax
    = SmtpReply::syntax("Syntax: MAIL FROM:<address> [parameters]").toWire();
const QByteArray rcptSyntax = SmtpReply::syntax("Syntax: RCPT TO:<address>").toWire();

} // namespace

class TestSmtpCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void mail_data();
    void mail();
    void rcpt_data();
    void rcpt();
    void bdat_data();
    void bdat();
};

void TestSmtpCommand::parse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("argument");
    QTest::addColumn<bool>("hasArgument");

    const auto row = [](const char *tag, const QByteArray &line, const char *verb,
                         const QByteArray &name, const QByteArray &argument, bool hasArgument) {
        QTest::newRow(tag) << line << QByteArray(verb) << name << argument << hasArgument;
    };

    // Every verb, case-insensitively
    row("HELO", "HELO client.example", "Helo", "HELO", "client.example", true);
    row("helo", "helo client.example", "Helo", "HELO", "client.example", true);
    row("EHLO", "EHLO client.example", "Ehlo", "EHLO", "client.example", true);
    row("eHlO", "eHlO client.example", "Ehlo", "EHLO", "client.example", true);
    row("MAIL", "MAIL FROM:<a@b.example>", "Mail", "MAIL", "FROM:<a@b.example>", true);
    row("mail keeps argument case", "mail from:<A@B.example>", "Mail", "MAIL", "from:<A@B.example>",
        true);
    row("RCPT", "RCPT TO:<a@b.example>", "Rcpt", "RCPT", "TO:<a@b.example>", true);
    row("DATA", "DATA", "Data", "DATA", "", false);
    row("data", "data", "Data", "DATA", "", false);
    row("BDAT", "BDAT 100 LAST", "Bdat", "BDAT", "100 LAST", true);
    row("RSET", "RSET", "Rset", "RSET", "", false);
    row("NOOP", "NOOP", "Noop", "NOOP", "", false);
    row("NOOP with words", "NOOP some words here", "Noop", "NOOP", "some words here", true);
    row("QUIT", "QUIT", "Quit", "QUIT", "", false);
    row("quit", "quit", "Quit", "QUIT", "", false);
    row("VRFY", "VRFY alice", "Vrfy", "VRFY", "alice", true);
    row("EXPN", "EXPN staff", "Expn", "EXPN", "staff", true);
    row("HELP", "HELP", "Help", "HELP", "", false);
    row("HELP topic", "help MAIL", "Help", "HELP", "MAIL", true);
    row("STARTTLS", "STARTTLS", "StartTls", "STARTTLS", "", false);
    row("StartTls", "StartTls", "StartTls", "STARTTLS", "", false);
    row("AUTH", "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "Auth", "AUTH",
        "PLAIN AGFsaWNlAHNlY3JldA==", true);

    // Splitting and trimming
    row("trailing spaces trimmed", "NOOP arg   ", "Noop", "NOOP", "arg", true);
    row("trailing tabs and spaces trimmed", "NOOP arg \t \t", "Noop", "NOOP", "arg", true);
    row("only trailing spaces is no argument", "DATA   ", "Data", "DATA", "", false);
    row("one trailing space is no argument", "QUIT ", "Quit", "QUIT", "", false);
    row("inner spaces kept", "NOOP a  b", "Noop", "NOOP", "a  b", true);
    row("second space is part of the argument", "VRFY  alice", "Vrfy", "VRFY", " alice", true);
    row("split at the first space only", "MAIL FROM:<a@b.example> SIZE=10", "Mail", "MAIL",
        "FROM:<a@b.example> SIZE=10", true);

    // Not a verb
    row("empty line", "", "Unknown", "", "", false);
    row("unknown verb", "XYZZY", "Unknown", "XYZZY", "", false);
    row("unknown verb with argument", "xyzzy plugh", "Unknown", "XYZZY", "plugh", true);
    row("verb prefix", "HEL", "Unknown", "HEL", "", false);
    row("verb with suffix", "HELOX there", "Unknown", "HELOX", "there", true);
    row("no space after verb", "MAILFROM:<a@b>", "Unknown", "MAILFROM:<A@B>", "", false);
    row("tab is no separator", "NOOP\tx", "Unknown", "NOOP\tX", "", false);
    row("leading space", " NOOP", "Unknown", "", "NOOP", true);
    row("NUL in verb", QByteArray("NO\0OP", 5), "Unknown", QByteArray("NO\0OP", 5), "", false);
}

void TestSmtpCommand::parse()
{
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, verb);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, argument);
    QFETCH(bool, hasArgument);

    const SmtpCommand command = SmtpCommand::parse(line);
    QCOMPARE(verbName(command.verb), verb);
    QCOMPARE(command.name, name);
    QCOMPARE(command.argument, argument);
    QCOMPARE(command.hasArgument, hasArgument);
}

void TestSmtpCommand::mail_data()
{
    QTest::addColumn<QByteArray>("argument");
    QTest::addColumn<QByteArray>("error"); // wire of the refusal, empty when accepted
    QTest::addColumn<QString>("reversePath");
    QTest::addColumn<qint64>("declaredSize");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("smtpUtf8");

    // The limit used by every row: 1000 octets.
    const auto ok = [](const char *tag, const QByteArray &argument, const QString &path,
                        qint64 size = -1, const char *body = "Unspecified", bool utf8 = false) {
        QTest::newRow(tag) << argument << QByteArray() << path << size << QByteArray(body) << utf8;
    };
    const auto bad = [](const char *tag, const QByteArray &argument, const QByteArray &wire) {
        QTest::newRow(tag) << argument << wire << QString() << qint64(-1)
                           << QByteArray("Unspecified") << false;
    };
    const QString ab = QStringLiteral("a@b.example");

    ok("plain", "FROM:<a@b.example>", ab);
    ok("lower-case prefix", "from:<a@b.example>", ab);
    ok("mixed-case prefix", "From:<a@b.example>", ab);
    ok("space after colon", "FROM: <a@b.example>", ab);
    ok("spaces after colon", "FROM:   <a@b.example>", ab);
    ok("null path", "FROM:<>", QString());
    ok("null path with parameter", "FROM:<> BODY=8BITMIME", QString(), -1, "8BITMIME");
    ok("bare address", "FROM:a@b.example", ab);
    ok("bare address with parameter", "FROM:a@b.example SIZE=5", ab, 5);
    ok("source route dropped", "FROM:<@relay.example:a@b.example>", ab);
    bad("missing FROM:", "<a@b.example>", mailSyntax);
    bad("FROM without colon", "FROM <a@b.example>", mailSyntax);
    bad("space before colon", "FROM :<a@b.example>", mailSyntax);
    bad("TO: instead of FROM:", "TO:<a@b.example>", mailSyntax);
    bad("empty argument", "", mailSyntax);
    bad("nothing after FROM:", "FROM:", SmtpReply::badSenderSyntax().toWire());
    bad("unterminated path", "FROM:<a@b.example", SmtpReply::badSenderSyntax().toWire());
    bad("junk glued to path", "FROM:<a@b.example>SIZE=10", SmtpReply::badSenderSyntax().toWire());
    bad("postmaster is no reverse path", "FROM:<postmaster>",
        SmtpReply::badSenderSyntax().toWire());
    bad("local part too long", "FROM:<" + QByteArray(65, 'x') + "@b.example>",
        SmtpReply::badSenderSyntax().toWire());
    bad("malformed UTF-8 even with SMTPUTF8", "FROM:<\xc3(@b.example> SMTPUTF8",
        SmtpReply::badSenderSyntax().toWire());

    // SIZE (RFC 1870)
    ok("SIZE", "FROM:<a@b.example> SIZE=500", ab, 500);
    ok("SIZE zero", "FROM:<a@b.example> SIZE=0", ab, 0);
    ok("SIZE at the limit", "FROM:<a@b.example> SIZE=1000", ab, 1000);
    ok("size in lower case", "FROM:<a@b.example> size=12", ab, 12);
    ok("two spaces before parameter", "FROM:<a@b.example>  SIZE=12", ab, 12);
    ok("trailing space", "FROM:<a@b.example> SIZE=12 ", ab, 12);
    bad("SIZE over the limit", "FROM:<a@b.example> SIZE=1001",
        SmtpReply::sizeExceedsLimit().toWire());
    bad("SIZE of 18 digits", "FROM:<a@b.example> SIZE=999999999999999999",
        SmtpReply::sizeExceedsLimit().toWire());
    bad("SIZE of 19 digits", "FROM:<a@b.example> SIZE=1234567890123456789", badSize);
    bad("SIZE not a number", "FROM:<a@b.example> SIZE=12a", badSize);
    bad("SIZE negative", "FROM:<a@b.example> SIZE=-1", badSize);
    bad("SIZE with plus", "FROM:<a@b.example> SIZE=+1", badSize);
    bad("SIZE without value", "FROM:<a@b.example> SIZE", badSize);
    bad("SIZE with empty value", "FROM:<a@b.example> SIZE=", badMailParameter);
    bad("SIZE with two equals", "FROM:<a@b.example> SIZE=1=2", badMailParameter);

    // BODY (RFC 6152)
    ok("BODY=7BIT", "FROM:<a@b.example> BODY=7BIT", ab, -1, "7BIT");
    ok("BODY=8BITMIME", "FROM:<a@b.example> BODY=8BITMIME", ab, -1, "8BITMIME");
    ok("body=8bitmime", "FROM:<a@b.example> body=8bitmime", ab, -1, "8BITMIME");
    bad("BODY=BINARYMIME", "FROM:<a@b.example> BODY=BINARYMIME",
        SmtpReply::parameterNotImplemented("Unsupported BODY type").toWire());
    bad("BODY=8BIT", "FROM:<a@b.example> BODY=8BIT",
        SmtpReply::parameterNotImplemented("Unsupported BODY type").toWire());
    bad("BODY without value", "FROM:<a@b.example> BODY",
        SmtpReply::parameterNotImplemented("Unsupported BODY type").toWire());

    // SMTPUTF8 (RFC 6531)
    ok("SMTPUTF8", "FROM:<a@b.example> SMTPUTF8", ab, -1, "Unspecified", true);
    ok("smtputf8", "FROM:<a@b.example> smtputf8", ab, -1, "Unspecified", true);
    ok("UTF-8 sender with SMTPUTF8", "FROM:<j\xc3\xb6rg@b.example> SMTPUTF8",
        QString::fromUtf8("j\xc3\xb6rg@b.example"), -1, "Unspecified", true);
    ok("UTF-8 domain with SMTPUTF8 and BODY",
        "FROM:<a@b\xc3\xbc"
        "cher.example> BODY=8BITMIME SMTPUTF8",
        QString::fromUtf8("a@b\xc3\xbc"
                          "cher.example"),
        -1, "8BITMIME", true);
    bad("UTF-8 sender without SMTPUTF8", "FROM:<j\xc3\xb6rg@b.example>",
        SmtpReply::nonAsciiNotPermitted().toWire());
    bad("UTF-8 sender with other parameters", "FROM:<j\xc3\xb6rg@b.example> BODY=8BITMIME",
        SmtpReply::nonAsciiNotPermitted().toWire());
    bad("SMTPUTF8 with value", "FROM:<a@b.example> SMTPUTF8=yes",
        SmtpReply::syntax("SMTPUTF8 takes no value").toWire());

    // AUTH= (RFC 4954 5) is informational
    ok("AUTH=<>", "FROM:<a@b.example> AUTH=<>", ab);
    ok("AUTH=xtext", "FROM:<a@b.example> AUTH=a+40b.example", ab);
    ok("every parameter", "FROM:<a@b.example> SIZE=10 BODY=7BIT SMTPUTF8 AUTH=<>", ab, 10, "7BIT",
        true);

    // Unknown, duplicated and malformed parameters
    bad("unknown parameter", "FROM:<a@b.example> FOO=bar",
        SmtpReply::parameterNotImplemented("Unsupported parameter FOO").toWire());
    bad("unknown parameter in lower case", "FROM:<a@b.example> ret=HDRS",
        SmtpReply::parameterNotImplemented("Unsupported parameter RET").toWire());
    bad("unknown keyword without value", "FROM:<a@b.example> XFOO",
        SmtpReply::parameterNotImplemented("Unsupported parameter XFOO").toWire());
    bad("duplicated SIZE", "FROM:<a@b.example> SIZE=1 SIZE=2", badMailParameter);
    bad("duplicated in other case", "FROM:<a@b.example> size=1 SIZE=1", badMailParameter);
    bad("duplicated SMTPUTF8", "FROM:<a@b.example> SMTPUTF8 SMTPUTF8", badMailParameter);
    bad("duplicated BODY", "FROM:<a@b.example> BODY=7BIT BODY=8BITMIME", badMailParameter);
    bad("empty keyword", "FROM:<a@b.example> =x", badMailParameter);
    bad("keyword starting with hyphen", "FROM:<a@b.example> -X=1", badMailParameter);
    bad("underscore in keyword", "FROM:<a@b.example> X_Y=1", badMailParameter);
    bad("control character in value", "FROM:<a@b.example> AUTH=a\x01", badMailParameter);
}

void TestSmtpCommand::mail()
{
    QFETCH(QByteArray, argument);
    QFETCH(QByteArray, error);
    QFETCH(QString, reversePath);
    QFETCH(qint64, declaredSize);
    QFETCH(QByteArray, body);
    QFETCH(bool, smtpUtf8);

    const SmtpMailArgument mail = SmtpMailArgument::parse(argument, limitsWithMaxSize(1000));
    QCOMPARE(refusal(mail.error), error);
    if (mail.error)
        return; // a refused argument carries nothing else worth reading
    QCOMPARE(mail.reversePath, reversePath);
    QCOMPARE(mail.declaredSize, declaredSize);
    QCOMPARE(bodyName(mail.body), body);
    QCOMPARE(mail.smtpUtf8, smtpUtf8);
}

void TestSmtpCommand::rcpt_data()
{
    QTest::addColumn<QByteArray>("argument");
    QTest::addColumn<bool>("utf8");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<QString>("forwardPath");

    const auto ok
        = [](const char *tag, const QByteArray &argument, const QString &path, bool utf8 = false) {
              QTest::newRow(tag) << argument << utf8 << QByteArray() << path;
          };
    const auto bad
        = [](const char *tag, const QByteArray &argument, const QByteArray &wire,
              bool utf8 = false) { QTest::newRow(tag) << argument << utf8 << wire << QString(); };
    const QByteArray badRecipient = SmtpReply::badRecipientSyntax().toWire();
    const QByteArray noParameters
        = SmtpReply::parameterNotImplemented("RCPT parameters are not supported").toWire();

    ok("plain", "TO:<a@b.example>", QStringLiteral("a@b.example"));
    ok("lower-case prefix", "to:<a@b.example>", QStringLiteral("a@b.example"));
    ok("space after colon", "TO: <a@b.example>", QStringLiteral("a@b.example"));
    ok("bare address", "TO:a@b.example", QStringLiteral("a@b.example"));
    ok("trailing spaces", "TO:<a@b.example>   ", QStringLiteral("a@b.example"));
    ok("postmaster", "TO:<postmaster>", QStringLiteral("postmaster"));
    ok("Postmaster", "TO:<Postmaster>", QStringLiteral("Postmaster"));
    ok("source route dropped", "TO:<@hop.example:a@b.example>", QStringLiteral("a@b.example"));
    ok("address literal", "TO:<a@[192.0.2.1]>", QStringLiteral("a@[192.0.2.1]"));
    ok("UTF-8 with SMTPUTF8", "TO:<j\xc3\xb6rg@b.example>",
        QString::fromUtf8("j\xc3\xb6rg@b.example"), true);
    bad("UTF-8 without SMTPUTF8", "TO:<j\xc3\xb6rg@b.example>",
        SmtpReply::nonAsciiNotPermitted().toWire());
    bad("malformed UTF-8 with SMTPUTF8", "TO:<\xc3(@b.example>", badRecipient, true);
    bad("missing TO:", "<a@b.example>", rcptSyntax);
    bad("FROM: instead of TO:", "FROM:<a@b.example>", rcptSyntax);
    bad("TO without colon", "TO <a@b.example>", rcptSyntax);
    bad("empty argument", "", rcptSyntax);
    bad("nothing after TO:", "TO:", badRecipient);
    bad("null path", "TO:<>", badRecipient);
    bad("no domain", "TO:<a>", badRecipient);
    bad("too long", "TO:<" + QByteArray(65, 'x') + "@b.example>", badRecipient);
    bad("DSN parameter", "TO:<a@b.example> NOTIFY=NEVER", noParameters);
    bad("two parameters", "TO:<a@b.example> NOTIFY=NEVER ORCPT=rfc822;a@b.example", noParameters);
    bad("parameter after bare address", "TO:a@b.example NOTIFY=NEVER", noParameters);
    bad("parameter glued to path", "TO:<a@b.example>NOTIFY=NEVER", badRecipient);
    bad("malformed parameter", "TO:<a@b.example> =x", badRecipient);
    bad("junk after path", "TO:<a@b.example> <c@d.example>", badRecipient);
}

void TestSmtpCommand::rcpt()
{
    QFETCH(QByteArray, argument);
    QFETCH(bool, utf8);
    QFETCH(QByteArray, error);
    QFETCH(QString, forwardPath);

    const SmtpRcptArgument rcpt = SmtpRcptArgument::parse(argument, utf8, SmtpLimits());
    QCOMPARE(refusal(rcpt.error), error);
    QCOMPARE(rcpt.forwardPath, forwardPath);
}

void TestSmtpCommand::bdat_data()
{
    QTest::addColumn<QByteArray>("argument");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("last");

    QTest::newRow("size") << QByteArray("1024") << true << qint64(1024) << false;
    QTest::newRow("zero") << QByteArray("0") << true << qint64(0) << false;
    QTest::newRow("zero LAST") << QByteArray("0 LAST") << true << qint64(0) << true;
    QTest::newRow("LAST") << QByteArray("1024 LAST") << true << qint64(1024) << true;
    QTest::newRow("last") << QByteArray("1024 last") << true << qint64(1024) << true;
    QTest::newRow("LaSt") << QByteArray("7 LaSt") << true << qint64(7) << true;
    QTest::newRow("leading zeros") << QByteArray("007") << true << qint64(7) << false;
    QTest::newRow("18 digits") << QByteArray("999999999999999999") << true
                               << qint64(999999999999999999) << false;
    QTest::newRow("19 digits") << QByteArray("1234567890123456789") << false << qint64(0) << false;
    QTest::newRow("empty") << QByteArray() << false << qint64(0) << false;
    QTest::newRow("negative") << QByteArray("-1") << false << qint64(0) << false;
    QTest::newRow("plus sign") << QByteArray("+1") << false << qint64(0) << false;
    QTest::newRow("unit") << QByteArray("1k") << false << qint64(0) << false;
    QTest::newRow("only LAST") << QByteArray("LAST") << false << qint64(0) << false;
    QTest::newRow("LAST first") << QByteArray("LAST 10") << false << qint64(0) << false;
    QTest::newRow("other word") << QByteArray("10 FIRST") << false << qint64(0) << false;
    QTest::newRow("three words") << QByteArray("10 LAST x") << false << qint64(0) << false;
    QTest::newRow("two spaces") << QByteArray("10  LAST") << false << qint64(0) << false;
    QTest::newRow("leading space") << QByteArray(" 10") << false << qint64(0) << false;
    QTest::newRow("LAST without space") << QByteArray("10LAST") << false << qint64(0) << false;
}

void TestSmtpCommand::bdat()
{
    QFETCH(QByteArray, argument);
    QFETCH(bool, valid);
    QFETCH(qint64, size);
    QFETCH(bool, last);

    const SmtpBdatArgument bdat = SmtpBdatArgument::parse(argument);
    QCOMPARE(bdat.valid, valid);
    if (!valid)
        return;
    QCOMPARE(bdat.size, size);
    QCOMPARE(bdat.last, last);
}

QTEST_GUILESS_MAIN(TestSmtpCommand)
#include "tst_smtpcommand.moc"
