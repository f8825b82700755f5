// SmtpPath::parse: RFC 5321 4.1.2 paths, RFC 6531 UTF-8, the 4.5.3.1 length limits, and the
// promise to fail closed (anything not fully understood is an error, never a partial address).
#include "smtpaddress.h"

#include <QTest>

namespace {

using Error = SmtpPath::Error;
using Kind = SmtpPath::Kind;

QByteArray errorName(Error error)
{
    switch (error) {
    case Error::None:
        return "None";
    case Error::Syntax:
        return "Syntax";
    case Error::TooLong:
        return "TooLong";
    case Error::NonAscii:
        return "NonAscii";
    }
    return "?";
}

// A domain of exactly `length` octets: labels of 50 letters, then one of 1 to 63.
QByteArray domainOfLength(int length)
{
    QByteArray domain;
    int remaining = length;
    while (remaining > 63) {
        domain += QByteArray(50, 'd') + '.';
        remaining -= 51;
    }
    return domain + QByteArray(remaining, 'd');
}

} // namespace

class TestSmtpAddress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void prefixesNeverOverrun_data();
    void prefixesNeverOverrun();
    void domainLimitAlone_data();
    void domainLimitAlone();
    void customLimits();
};

void TestSmtpAddress::parse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("reverse"); // true: reverse path (MAIL), false: forward path (RCPT)
    QTest::addColumn<bool>("utf8");
    QTest::addColumn<QByteArray>("error");
    QTest::addColumn<QString>("mailbox");
    QTest::addColumn<bool>("isNull");
    QTest::addColumn<int>("consumed");

    const auto ok = [](const char *name, const QByteArray &input, bool reverse, bool utf8,
                        const QString &mailbox, int consumed) {
        QTest::newRow(name) << input << reverse << utf8 << QByteArray("None") << mailbox << false
                            << consumed;
    };
    const auto bad = [](const char *name, const QByteArray &input, bool reverse, bool utf8,
                         const char *error) {
        QTest::newRow(name) << input << reverse << utf8 << QByteArray(error) << QString() << false
                            << 0;
    };

    // The null path
    QTest::newRow("null reverse path")
        << QByteArray("<>") << true << false << QByteArray("None") << QString() << true << 2;
    QTest::newRow("null reverse path after spaces")
        << QByteArray("  <>") << true << false << QByteArray("None") << QString() << true << 4;
    QTest::newRow("null reverse path then parameter")
        << QByteArray("<> SIZE=10") << true << false << QByteArray("None") << QString() << true
        << 2;
    bad("null forward path", "<>", false, false, "Syntax");
    bad("null path without brackets", "", true, false, "Syntax");
    bad("only spaces", "   ", true, false, "Syntax");
    bad("half null path", "<", true, false, "Syntax");
    bad("null path reversed", "><", true, false, "Syntax");

    // Plain mailboxes
    ok("plain reverse", "<user@example.com>", true, false, QStringLiteral("user@example.com"), 18);
    ok("plain forward", "<user@example.com>", false, false, QStringLiteral("user@example.com"), 18);
    ok("dot-atom local part", "<first.last+tag@sub.example.com>", false, false,
        QStringLiteral("first.last+tag@sub.example.com"), 32);
    ok("every atext special", "<!#$%&'*+-/=?^_`{|}~@example.com>", false, false,
        QStringLiteral("!#$%&'*+-/=?^_`{|}~@example.com"), 33);
    ok("single-label domain", "<u@localhost>", false, false, QStringLiteral("u@localhost"), 13);
    ok("case kept", "<User@Example.COM>", false, false, QStringLiteral("User@Example.COM"), 18);
    ok("digits in domain", "<u@123.example>", false, false, QStringLiteral("u@123.example"), 15);
    bad("leading dot in local part", "<.u@example.com>", false, false, "Syntax");
    bad("trailing dot in local part", "<u.@example.com>", false, false, "Syntax");
    bad("two dots in local part", "<a..b@example.com>", false, false, "Syntax");
    bad("space in local part", "<u v@example.com>", false, false, "Syntax");
    bad("two at signs", "<u@v@example.com>", false, false, "Syntax");
    bad("no local part", "<@example.com>", false, false, "Syntax");
    bad("no domain", "<u@>", false, false, "Syntax");
    bad("no at sign", "<user>", false, false, "Syntax");
    bad("missing closing bracket", "<u@example.com", false, false, "Syntax");
    bad("bracket inside", "<u<@example.com>", false, false, "Syntax");
    bad("comma in local part", "<a,b@example.com>", false, false, "Syntax");
    bad("NUL in local part", QByteArray("<a\0b@example.com>", 17), false, false, "Syntax");
    bad("CR LF inside", "<u@exa\r\nmple.com>", false, false, "Syntax");
    bad("tab before path", "\t<u@example.com>", false, false, "Syntax");

    // Quoted local parts
    ok("quoted local part", "<\"john doe\"@example.com>", false, false,
        QStringLiteral("\"john doe\"@example.com"), 24);
    ok("quoted with escaped quote and backslash", "<\"a\\\"b\\\\c\"@example.com>", false, false,
        QStringLiteral("\"a\\\"b\\\\c\"@example.com"), 23);
    ok("quoted with at sign and specials", "<\"a@b,c<d>\"@example.com>", false, false,
        QStringLiteral("\"a@b,c<d>\"@example.com"), 24);
    ok("empty quoted string", "<\"\"@example.com>", false, false,
        QStringLiteral("\"\"@example.com"), 16);
    bad("unterminated quoted string", "<\"abc@example.com>", false, false, "Syntax");
    bad("escape at the end", "<\"abc\\", false, false, "Syntax");
    bad("escaped control character", "<\"a\\\x01\"@example.com>", false, false, "Syntax");
    bad("tab inside quotes", "<\"a\tb\"@example.com>", false, false, "Syntax");
    bad("DEL inside quotes", "<\"a\x7f\"@example.com>", false, false, "Syntax");
    bad("quoted then atom", "<\"a\"b@example.com>", false, false, "Syntax");

    // Address literals
    ok("IPv4 literal", "<user@[127.0.0.1]>", false, false, QStringLiteral("user@[127.0.0.1]"), 18);
    ok("IPv4 literal 255", "<u@[255.255.255.255]>", false, false,
        QStringLiteral("u@[255.255.255.255]"), 21);
    ok("IPv6 loopback", "<u@[IPv6:::1]>", false, false, QStringLiteral("u@[IPv6:::1]"), 14);
    ok("IPv6 address", "<u@[IPv6:2001:db8::1]>", false, false,
        QStringLiteral("u@[IPv6:2001:db8::1]"), 22);
    ok("IPv6 full form", "<u@[IPv6:1:2:3:4:5:6:7:8]>", false, false,
        QStringLiteral("u@[IPv6:1:2:3:4:5:6:7:8]"), 26);
    ok("IPv6 with IPv4 tail", "<u@[IPv6:::ffff:192.0.2.1]>", false, false,
        QStringLiteral("u@[IPv6:::ffff:192.0.2.1]"), 27);
    ok("IPv6 tag in lower case", "<u@[ipv6:::1]>", false, false, QStringLiteral("u@[ipv6:::1]"),
        14);
    bad("IPv4 octet over 255", "<u@[256.0.0.1]>", false, false, "Syntax");
    bad("IPv4 with three parts", "<u@[1.2.3]>", false, false, "Syntax");
    bad("IPv4 with five parts", "<u@[1.2.3.4.5]>", false, false, "Syntax");
    bad("IPv4 with empty part", "<u@[1..2.3]>", false, false, "Syntax");
    bad("IPv4 with four digits", "<u@[1.2.3.1000]>", false, false, "Syntax");
    bad("IPv4 with a letter", "<u@[1.2.3.4x]>", false, false, "Syntax");
    bad("empty literal", "<u@[]>", false, false, "Syntax");
    bad("unterminated literal", "<u@[127.0.0.1>", false, false, "Syntax");
    bad("IPv6 empty", "<u@[IPv6:]>", false, false, "Syntax");
    bad("IPv6 bad digit", "<u@[IPv6:::g]>", false, false, "Syntax");
    bad("IPv6 one group", "<u@[IPv6:1]>", false, false, "Syntax");
    bad("IPv6 nine groups", "<u@[IPv6:1:2:3:4:5:6:7:8:9]>", false, false, "Syntax");
    bad("IPv6 two double colons", "<u@[IPv6:1::2::3]>", false, false, "Syntax");
    bad("IPv6 scope id", "<u@[IPv6:fe80::1%eth0]>", false, false, "Syntax");
    bad("IPv6 without tag", "<u@[::1]>", false, false, "Syntax");
    bad("literal tag with underscore", "<u@[a_b:c]>", false, false, "Syntax");
    bad("space in literal", "<u@[127.0.0.1 ]>", false, false, "Syntax");
    bad("literal with backslash", "<u@[a:b\\c]>", false, false, "Syntax");
    bad("literal then domain", "<u@[127.0.0.1].com>", false, false, "Syntax");

    // Source routes are read and ignored (RFC 5321 appendix C)
    ok("source route", "<@a.example,@b.example:user@d.example>", false, false,
        QStringLiteral("user@d.example"), 38);
    ok("source route on reverse path", "<@relay.example:user@d.example>", true, false,
        QStringLiteral("user@d.example"), 31);
    bad("source route without mailbox", "<@a.example:>", false, false, "Syntax");
    bad("source route without colon", "<@a.example,@b.example>", false, false, "Syntax");
    bad("source route with empty domain", "<@:u@d.example>", false, false, "Syntax");
    bad("source route element without at", "<@a.example,b.example:u@d.example>", false, false,
        "Syntax");
    bad("source route without brackets", "@a.example:u@d.example", false, false, "Syntax");
    bad("source route to null path", "<@a.example:>", true, false, "Syntax");

    // Postmaster (RFC 5321 4.5.1) is a forward path only
    ok("postmaster", "<postmaster>", false, false, QStringLiteral("postmaster"), 12);
    ok("Postmaster in mixed case", "<PostMaster>", false, false, QStringLiteral("PostMaster"), 12);
    ok("postmaster with domain", "<postmaster@example.com>", true, false,
        QStringLiteral("postmaster@example.com"), 24);
    bad("postmaster as reverse path", "<postmaster>", true, false, "Syntax");
    bad("postmaster without brackets", "postmaster", false, false, "Syntax");
    bad("postmaster without closing bracket", "<postmaster", false, false, "Syntax");
    bad("postmasterx", "<postmasterx>", false, false, "Syntax");

    // Bare addresses, as most servers accept
    ok("bare address", "user@example.com", false, false, QStringLiteral("user@example.com"), 16);
    ok("bare reverse address", "user@example.com", true, false, QStringLiteral("user@example.com"),
        16);
    ok("bare address then parameter", "user@example.com SIZE=10", true, false,
        QStringLiteral("user@example.com"), 16);
    ok("bare address after spaces", "  user@example.com", false, false,
        QStringLiteral("user@example.com"), 18);
    bad("bare address with closing bracket", "user@example.com>", false, false, "Syntax");
    bad("bare address with junk", "user@example.com,x", false, false, "Syntax");
    bad("bare user", "user", false, false, "Syntax");

    // Spaces after the colon and what follows the path
    ok("spaces before path", "   <u@example.com>", false, false, QStringLiteral("u@example.com"),
        18);
    ok("junk after path is left to the caller", "<u@example.com>junk", false, false,
        QStringLiteral("u@example.com"), 15);
    ok("parameter after path", "<u@example.com> NOTIFY=NEVER", false, false,
        QStringLiteral("u@example.com"), 15);

    // Domain syntax: letters, digits, hyphens inside a label only
    ok("hyphen inside label", "<u@ex-ample.com>", false, false, QStringLiteral("u@ex-ample.com"),
        16);
    ok("two hyphens inside label", "<u@xn--bcher-kva.example>", false, false,
        QStringLiteral("u@xn--bcher-kva.example"), 25);
    bad("leading hyphen", "<u@-example.com>", false, false, "Syntax");
    bad("trailing hyphen", "<u@example-.com>", false, false, "Syntax");
    bad("leading hyphen in second label", "<u@a.-b.com>", false, false, "Syntax");
    bad("trailing hyphen in last label", "<u@a.b->", false, false, "Syntax");
    bad("label of one hyphen", "<u@a.-.com>", false, false, "Syntax");
    bad("empty label", "<u@example..com>", false, false, "Syntax");
    bad("leading dot in domain", "<u@.example.com>", false, false, "Syntax");
    bad("trailing dot in domain", "<u@example.com.>", false, false, "Syntax");
    bad("underscore in domain", "<u@under_score.com>", false, false, "Syntax");
    bad("bare domain with trailing hyphen", "u@example-", false, false, "Syntax");

    // UTF-8 (RFC 6531): only with SMTPUTF8, and only well formed
    ok("UTF-8 local part", "<j\xc3\xb6rg@example.com>", true, true,
        QString::fromUtf8("j\xc3\xb6rg@example.com"), 19);
    ok("UTF-8 domain",
        "<u@b\xc3\xbc"
        "cher.example>",
        false, true,
        QString::fromUtf8("u@b\xc3\xbc"
                          "cher.example"),
        19);
    ok("UTF-8 quoted local part", "<\"j\xc3\xb6 rg\"@example.com>", false, true,
        QString::fromUtf8("\"j\xc3\xb6 rg\"@example.com"), 22);
    ok("UTF-8 four octets", "<\xf0\x9f\x98\x80@example.com>", false, true,
        QString::fromUtf8("\xf0\x9f\x98\x80@example.com"), 18);
    ok("UTF-8 three octets", "<\xe2\x82\xac@example.com>", false, true,
        QString::fromUtf8("\xe2\x82\xac@example.com"), 17);
    ok("UTF-8 bare address", "\xc3\xa9@example.com", false, true,
        QString::fromUtf8("\xc3\xa9@example.com"), 14);
    bad("UTF-8 local part without SMTPUTF8", "<j\xc3\xb6rg@example.com>", true, false, "NonAscii");
    bad("UTF-8 domain without SMTPUTF8",
        "<u@b\xc3\xbc"
        "cher.example>",
        false, false, "NonAscii");
    bad("UTF-8 quoted without SMTPUTF8", "<\"j\xc3\xb6rg\"@example.com>", false, false, "NonAscii");
    bad("UTF-8 bare without SMTPUTF8", "\xc3\xa9@example.com", false, false, "NonAscii");
    bad("truncated sequence", "<\xc3(@example.com>", false, true, "Syntax");
    bad("truncated sequence without SMTPUTF8", "<\xc3(@example.com>", false, false, "Syntax");
    bad("overlong slash", "<\xc0\xaf@example.com>", false, true, "Syntax");
    bad("overlong three octets", "<\xe0\x80\xaf@example.com>", false, true, "Syntax");
    bad("surrogate", "<\xed\xa0\x80@example.com>", false, true, "Syntax");
    bad("beyond U+10FFFF", "<\xf4\x90\x80\x80@example.com>", false, true, "Syntax");
    bad("lone continuation octet", "<\x80@example.com>", false, true, "Syntax");
    bad("0xFF octet", "<\xff@example.com>", false, true, "Syntax");
    bad("sequence cut by the end", "<u@example.co\xe2\x82", false, true, "Syntax");
    bad("sequence cut before bracket", "<u@example.co\xe2\x82>", false, true, "Syntax");
    bad("malformed in quotes", "<\"\xc3\"@example.com>", false, true, "Syntax");
    bad("malformed domain",
        "<u@b\xfc"
        "cher.example>",
        false, true, "Syntax");
    bad("malformed domain without SMTPUTF8",
        "<u@b\xfc"
        "cher.example>",
        false, false, "Syntax");
    bad("UTF-8 in address literal", "<u@[IPv6:\xc3\xa9]>", false, true, "Syntax");

    // Lengths (RFC 5321 4.5.3.1): local part 64, domain 255, path 256 octets with brackets
    const QByteArray local64(64, 'l');
    ok("local part of 64", "<" + local64 + "@example.com>", false, false,
        QString::fromLatin1(local64 + "@example.com"), 78);
    bad("local part of 65", "<" + local64 + "l@example.com>", false, false, "TooLong");
    bad("quoted local part of 65", "<\"" + QByteArray(63, 'q') + "\"@example.com>", false, false,
        "TooLong");
    bad("UTF-8 local part of 66 octets",
        "<" + QByteArray(62, 'l') + "\xc3\xa9\xc3\xa9@example.com>", false, true, "TooLong");
    const QByteArray domain252 = domainOfLength(252);
    const QByteArray path256 = "<u@" + domain252 + ">";
    ok("path of 256", path256, false, false, QString::fromLatin1("u@" + domain252), 256);
    const QByteArray domain253 = domainOfLength(253);
    bad("path of 257", "<u@" + domain253 + ">", false, false, "TooLong");
    bad("domain of 256", "<u@" + domainOfLength(256) + ">", false, false, "TooLong");
    bad("bare path over 256", QByteArray(60, 'b') + "@" + domainOfLength(200), false, false,
        "TooLong");
    ok("source route counts in the path",
        "<@" + domainOfLength(200) + ":u@" + domainOfLength(50) + ">", false, false,
        QString::fromLatin1("u@" + domainOfLength(50)), 256);
    bad("source route makes the path too long",
        "<@" + domainOfLength(201) + ":u@" + domainOfLength(50) + ">", false, false, "TooLong");
    ok("leading spaces do not count", "   " + path256, false, false,
        QString::fromLatin1("u@" + domain252), 259);
}

void TestSmtpAddress::parse()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, reverse);
    QFETCH(bool, utf8);
    QFETCH(QByteArray, error);
    QFETCH(QString, mailbox);
    QFETCH(bool, isNull);
    QFETCH(int, consumed);

    const SmtpPath path
        = SmtpPath::parse(input, reverse ? Kind::ReversePath : Kind::ForwardPath, utf8);
    QCOMPARE(errorName(path.error), error);
    QCOMPARE(path.isValid(), error == "None");
    QCOMPARE(path.mailbox, mailbox);
    QCOMPARE(path.isNull, isNull);
    QCOMPARE(path.consumed, qsizetype(consumed));
}

void TestSmtpAddress::prefixesNeverOverrun_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("bracketed") << QByteArray("<user@example.com>");
    QTest::newRow("quoted") << QByteArray("<\"a\\\"b\"@example.com>");
    QTest::newRow("literal") << QByteArray("<u@[IPv6:2001:db8::1]>");
    QTest::newRow("source route") << QByteArray("<@a.example,@b.example:u@d.example>");
    QTest::newRow("postmaster") << QByteArray("<postmaster>");
    QTest::newRow("utf8") << QByteArray("<j\xc3\xb6rg@b\xc3\xbc"
                                        "cher.example>");
}

// A path cut anywhere must never be read past its end: bracketed paths fail until complete.
void TestSmtpAddress::prefixesNeverOverrun()
{
    QFETCH(QByteArray, input);
    for (qsizetype n = 0; n < input.size(); ++n) {
        // A copy of exactly n octets, so that a read past the view would read past the buffer.
        const QByteArray prefix = input.left(n);
        for (const Kind kind : { Kind::ReversePath, Kind::ForwardPath }) {
            const SmtpPath path = SmtpPath::parse(QByteArrayView(prefix), kind, true);
            QVERIFY2(!path.isValid(), prefix.constData());
            QCOMPARE(path.consumed, qsizetype(0));
            QVERIFY(path.mailbox.isEmpty());
        }
    }
    const SmtpPath whole = SmtpPath::parse(input, Kind::ForwardPath, true);
    QVERIFY(whole.isValid());
    QCOMPARE(whole.consumed, input.size());
}

void TestSmtpAddress::domainLimitAlone_data()
{
    QTest::addColumn<int>("domainLength");
    QTest::addColumn<QByteArray>("error");
    QTest::newRow("254") << 254 << QByteArray("None");
    QTest::newRow("255") << 255 << QByteArray("None");
    QTest::newRow("256") << 256 << QByteArray("TooLong");
    QTest::newRow("300") << 300 << QByteArray("TooLong");
}

// With the path limit out of the way, the domain limit alone decides.
void TestSmtpAddress::domainLimitAlone()
{
    QFETCH(int, domainLength);
    QFETCH(QByteArray, error);
    SmtpLimits limits;
    limits.maxPathLength = 10000;
    const QByteArray domain = domainOfLength(domainLength);
    QCOMPARE(domain.size(), qsizetype(domainLength));
    const SmtpPath path
        = SmtpPath::parse(QByteArray("<u@" + domain + ">"), Kind::ForwardPath, false, limits);
    QCOMPARE(errorName(path.error), error);
}

void TestSmtpAddress::customLimits()
{
    SmtpLimits limits;
    limits.maxLocalPartLength = 3;
    limits.maxDomainLength = 5;
    limits.maxPathLength = 12;
    QCOMPARE(errorName(SmtpPath::parse("<abc@d.com>", Kind::ForwardPath, false, limits).error),
        QByteArray("None"));
    QCOMPARE(errorName(SmtpPath::parse("<abcd@d.com>", Kind::ForwardPath, false, limits).error),
        QByteArray("TooLong"));
    QCOMPARE(errorName(SmtpPath::parse("<abc@dd.com>", Kind::ForwardPath, false, limits).error),
        QByteArray("TooLong"));
    limits.maxDomainLength = 100;
    QCOMPARE(errorName(SmtpPath::parse("<abc@d.comx>", Kind::ForwardPath, false, limits).error),
        QByteArray("None"));
    QCOMPARE(errorName(SmtpPath::parse("<abc@d.comxy>", Kind::ForwardPath, false, limits).error),
        QByteArray("TooLong"));
}

QTEST_GUILESS_MAIN(TestSmtpAddress)
#include "tst_smtpaddress.moc"
