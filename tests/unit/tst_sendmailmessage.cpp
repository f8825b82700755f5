// The pure parts of `smtp-receiver sendmail`: reading stdin (line ends, the lone dot), the
// addresses -t takes from To/Cc/Bcc, the fields added and removed, dot-stuffing, and the sendmail
// command line.
#include "sendmail.h"
#include "sendmailmessage.h"

#include <QRegularExpression>
#include <QTest>

class TestSendmailMessage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void input_data();
    void input();
    void inputStopsAtTheDot();
    void addressList_data();
    void addressList();
    void qualified_data();
    void qualified();
    void recipients_data();
    void recipients();
    void removeBcc_data();
    void removeBcc();
    void parse_data();
    void parse();
    void addMissingFields_data();
    void addMissingFields();
    void addedFieldsFormat();
    void formatDate_data();
    void formatDate();
    void formatMailbox_data();
    void formatMailbox();
    void invocation_data();
    void invocation();
    void arguments_data();
    void arguments();
    void argumentErrors_data();
    void argumentErrors();
    void target_data();
    void target();
};

void TestSendmailMessage::input_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("ignoreDots");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("LF becomes CRLF")
        << QByteArray("Subject: x\n\nbody\n") << false << QByteArray("Subject: x\r\n\r\nbody\r\n");
    QTest::newRow("CRLF stays") << QByteArray("Subject: x\r\n\r\nbody\r\n") << false
                                << QByteArray("Subject: x\r\n\r\nbody\r\n");
    QTest::newRow("mixed, as PHP writes")
        << QByteArray("To: a@b\nSubject: s\nX-A: 1\r\n\nbody\n") << true
        << QByteArray("To: a@b\r\nSubject: s\r\nX-A: 1\r\n\r\n"
                      "body\r\n");
    QTest::newRow("last line without LF")
        << QByteArray("a\nb") << false << QByteArray("a\r\nb\r\n");
    QTest::newRow("empty") << QByteArray() << false << QByteArray();
    QTest::newRow("bare CR inside a line is data")
        << QByteArray("a\rb\n") << false << QByteArray("a\rb\r\n");
    QTest::newRow("lone dot ends (LF)") << QByteArray("a\n.\nb\n") << false << QByteArray("a\r\n");
    QTest::newRow("lone dot ends (CRLF)")
        << QByteArray("a\r\n.\r\nb\r\n") << false << QByteArray("a\r\n");
    QTest::newRow("lone dot at the end without LF")
        << QByteArray("a\n.") << false << QByteArray("a\r\n");
    QTest::newRow("lone dot first") << QByteArray(".\nb\n") << false << QByteArray();
    QTest::newRow("-i keeps the lone dot")
        << QByteArray("a\n.\nb\n") << true << QByteArray("a\r\n.\r\nb\r\n");
    QTest::newRow("-i keeps a CRLF lone dot")
        << QByteArray("a\r\n.\r\nb\r\n") << true << QByteArray("a\r\n.\r\nb\r\n");
    QTest::newRow("two dots do not end")
        << QByteArray("a\n..\nb\n") << false << QByteArray("a\r\n..\r\nb\r\n");
    QTest::newRow("dot and space do not end")
        << QByteArray("a\n. \nb\n") << false << QByteArray("a\r\n. \r\nb\r\n");
    QTest::newRow("dot and text do not end")
        << QByteArray("a\n.x\nb\n") << false << QByteArray("a\r\n.x\r\nb\r\n");
    QTest::newRow("blank lines kept")
        << QByteArray("\n\n\n") << false << QByteArray("\r\n\r\n\r\n");
}

void TestSendmailMessage::input()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, ignoreDots);
    QFETCH(QByteArray, expected);
    QCOMPARE(SendmailInput::read(stream, ignoreDots), expected);
}

void TestSendmailMessage::inputStopsAtTheDot()
{
    SendmailInput input(false);
    QVERIFY(input.addLine("a\n"));
    QVERIFY(!input.isFinished());
    QVERIFY(!input.addLine(".\n"));
    QVERIFY(input.isFinished());
    QVERIFY(!input.addLine("after\n")); // ignored: the message has ended
    QCOMPARE(input.text(), QByteArray("a\r\n"));
}

void TestSendmailMessage::addressList_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QStringList>("addresses");
    QTest::addColumn<QStringList>("invalid");

    QTest::newRow("one") << QByteArray("a@b.test") << QStringList { "a@b.test" } << QStringList();
    QTest::newRow("list") << QByteArray("a@b.test, c@d.test,e@f.test")
                          << QStringList { "a@b.test", "c@d.test", "e@f.test" } << QStringList();
    QTest::newRow("quoted name with a comma")
        << QByteArray("a@b, \"Doe, J\" <j@d>") << QStringList { "a@b", "j@d" } << QStringList();
    QTest::newRow("plain name") << QByteArray("John Doe <john@example.org>")
                                << QStringList { "john@example.org" } << QStringList();
    QTest::newRow("escaped quote in name") << QByteArray("\"a \\\"b, c\\\"\" <d@e>, f@g")
                                           << QStringList { "d@e", "f@g" } << QStringList();
    QTest::newRow("encoded name") << QByteArray("=?UTF-8?B?SsO8cmdlbg==?= <j@x.test>")
                                  << QStringList { "j@x.test" } << QStringList();
    QTest::newRow("undisclosed recipients")
        << QByteArray("undisclosed-recipients:;") << QStringList() << QStringList();
    QTest::newRow("group with members") << QByteArray("team: a@b, \"X, Y\" <c@d>;, e@f")
                                        << QStringList { "a@b", "c@d", "e@f" } << QStringList();
    QTest::newRow("empty group then address")
        << QByteArray("undisclosed-recipients:; x@y") << QStringList { "x@y" } << QStringList();
    QTest::newRow("semicolons, as people write lists")
        << QByteArray("a@b; c@d;e@f") << QStringList { "a@b", "c@d", "e@f" } << QStringList();
    QTest::newRow("comments") << QByteArray("a@b (Alice, (nested) Smith), c@d (Carl)")
                              << QStringList { "a@b", "c@d" } << QStringList();
    QTest::newRow("comment inside angle brackets")
        << QByteArray("<a(comment)@b>") << QStringList { "a@b" } << QStringList();
    QTest::newRow("source route") << QByteArray("<@relay1.test,@relay2.test:x@y.test>")
                                  << QStringList { "x@y.test" } << QStringList();
    QTest::newRow("quoted local part")
        << QByteArray("\"john doe\"@example.org") << QStringList { "\"john doe\"@example.org" }
        << QStringList();
    QTest::newRow("unqualified") << QByteArray("root") << QStringList { "root" } << QStringList();
    QTest::newRow("empty and stray commas")
        << QByteArray(" , a@b,, ") << QStringList { "a@b" } << QStringList();
    QTest::newRow("nothing") << QByteArray("") << QStringList() << QStringList();
    QTest::newRow("spaces around")
        << QByteArray("   a@b   ") << QStringList { "a@b" } << QStringList();
    QTest::newRow("UTF-8") << QByteArray("J\xc3\xbcrgen <j@\xc3\xbc.test>")
                           << QStringList { QString::fromUtf8("j@\xc3\xbc.test") } << QStringList();
    QTest::newRow("a name without an address")
        << QByteArray("John Doe, a@b") << QStringList { "a@b" } << QStringList { "John Doe" };
    QTest::newRow("empty angle brackets")
        << QByteArray("Nobody <>") << QStringList() << QStringList { "Nobody <>" };
    QTest::newRow("unclosed angle bracket")
        << QByteArray("Jo <j@d") << QStringList() << QStringList { "Jo <j@d>" };
    QTest::newRow("two @ outside quotes")
        << QByteArray("a@b@c") << QStringList() << QStringList { "a@b@c" };
}

void TestSendmailMessage::addressList()
{
    QFETCH(QByteArray, value);
    QFETCH(QStringList, addresses);
    QFETCH(QStringList, invalid);
    const SendmailAddressList list = SendmailAddressList::parse(value);
    QCOMPARE(list.addresses, addresses);
    QCOMPARE(list.invalid, invalid);
}

void TestSendmailMessage::qualified_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("mailbox");
    QTest::newRow("has a domain") << "a@b.test"
                                  << "a@b.test" << true;
    QTest::newRow("local name") << "root"
                                << "root@localhost" << true;
    QTest::newRow("@ in quotes only") << "\"a@b\""
                                      << "\"a@b\"@localhost" << true;
    QTest::newRow("quoted with a domain") << "\"a b\"@c"
                                          << "\"a b\"@c" << true;
    QTest::newRow("space outside quotes") << "a b"
                                          << "a b@localhost" << false;
    QTest::newRow("control character") << "a\r@b"
                                       << "a\r@b" << false;
    QTest::newRow("unbalanced quote") << "\"a@b"
                                      << "\"a@b@localhost" << false;
}

void TestSendmailMessage::qualified()
{
    QFETCH(QString, address);
    QFETCH(QString, expected);
    QFETCH(bool, mailbox);
    const QString result = SendmailAddress::qualified(address, SendmailAddress::localDomain());
    QCOMPARE(result, expected);
    QCOMPARE(SendmailAddress::isMailbox(result), mailbox);
}

void TestSendmailMessage::recipients_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<QStringList>("invalid");

    QTest::newRow("To, Cc, Bcc") << QByteArray("To: a@b\r\nCc: c@d\r\nBcc: e@f\r\nSubject: s\r\n"
                                               "\r\nbody\r\n")
                                 << QStringList { "a@b", "c@d", "e@f" } << QStringList();
    QTest::newRow("folded To") << QByteArray("To: a@b,\r\n  \"Doe,\r\n J\" <j@d>,\r\n\tk@l\r\n"
                                             "\r\n")
                               << QStringList { "a@b", "j@d", "k@l" } << QStringList();
    QTest::newRow("names in any case") << QByteArray("TO: a@b\r\ncc: c@d\r\nBCC: e@f\r\n\r\n")
                                       << QStringList { "a@b", "c@d", "e@f" } << QStringList();
    QTest::newRow("several To fields") << QByteArray("To: a@b\r\nTo: c@d\r\n\r\n")
                                       << QStringList { "a@b", "c@d" } << QStringList();
    QTest::newRow("duplicates once")
        << QByteArray("To: a@b, a@b\r\nCc: a@b\r\n\r\n") << QStringList { "a@b" } << QStringList();
    QTest::newRow("undisclosed recipients and Bcc")
        << QByteArray("To: undisclosed-recipients:;\r\nBcc: hidden@x\r\n\r\n")
        << QStringList { "hidden@x" } << QStringList();
    QTest::newRow("other fields ignored")
        << QByteArray("From: f@x\r\nReply-To: r@x\r\nResent-To: rt@x\r\nX-To: x@x\r\n"
                      "Return-Path: <p@x>\r\nTo: t@x\r\n\r\n")
        << QStringList { "t@x" } << QStringList();
    QTest::newRow("body lines ignored")
        << QByteArray("To: a@b\r\n\r\nTo: not@this\r\n") << QStringList { "a@b" } << QStringList();
    QTest::newRow("no recipient fields")
        << QByteArray("Subject: s\r\n\r\n") << QStringList() << QStringList();
    QTest::newRow("a name without an address")
        << QByteArray("To: John Doe\r\nCc: c@d\r\n\r\n") << QStringList { "c@d" }
        << QStringList { "John Doe" };
}

void TestSendmailMessage::recipients()
{
    QFETCH(QByteArray, message);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, invalid);
    const SendmailAddressList list = SendmailMessage::parse(message).recipients();
    QCOMPARE(list.addresses, expected);
    QCOMPARE(list.invalid, invalid);
}

void TestSendmailMessage::removeBcc_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("one line") << QByteArray("To: a@b\r\nBcc: h@x\r\nSubject: s\r\n\r\nbody\r\n")
                              << QByteArray("To: a@b\r\nSubject: s\r\n\r\nbody\r\n");
    QTest::newRow("folded Bcc") << QByteArray(
        "To: a@b,\r\n c@d\r\nBcc: h1@x,\r\n h2@x,\r\n\th3@x\r\nSubject: s\r\n"
        "\r\nbody\r\n") << QByteArray("To: a@b,\r\n c@d\r\nSubject: s\r\n\r\nbody\r\n");
    QTest::newRow("last field, any case")
        << QByteArray("To: a@b\r\nBCC: h@x,\r\n  h2@x\r\n\r\nbody\r\n")
        << QByteArray("To: a@b\r\n\r\nbody\r\n");
    QTest::newRow("several") << QByteArray("bcc: a@x\r\nTo: t@x\r\nBcc: b@x\r\n\r\n")
                             << QByteArray("To: t@x\r\n\r\n");
    QTest::newRow("Bcc in the body stays")
        << QByteArray("To: t@x\r\n\r\nBcc: b@x\r\n") << QByteArray("To: t@x\r\n\r\nBcc: b@x\r\n");
    QTest::newRow("look-alikes stay")
        << QByteArray("Bccx: a\r\nX-Bcc: b\r\n\r\n") << QByteArray("Bccx: a\r\nX-Bcc: b\r\n\r\n");
}

void TestSendmailMessage::removeBcc()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);
    SendmailMessage parsed = SendmailMessage::parse(message);
    parsed.removeFields("Bcc");
    QCOMPARE(parsed.toByteArray(), expected);
    QVERIFY(!parsed.hasField("bcc"));
}

void TestSendmailMessage::parse_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("header and body")
        << QByteArray("A: 1\r\n\r\nbody\r\n") << QByteArray("A: 1\r\n\r\nbody\r\n");
    QTest::newRow("header only") << QByteArray("A: 1\r\n") << QByteArray("A: 1\r\n\r\n");
    QTest::newRow("empty") << QByteArray() << QByteArray("\r\n");
    QTest::newRow("mbox From line dropped") << QByteArray("From me@x Sat Nov 28 13:06:24 2026\r\n"
                                                          "From: me@x\r\n\r\nb\r\n")
                                            << QByteArray("From: me@x\r\n\r\nb\r\n");
    QTest::newRow("a line that is no field starts the body") << QByteArray(
        "A: 1\r\nhello there\r\nmore\r\n") << QByteArray("A: 1\r\n\r\nhello there\r\nmore\r\n");
    QTest::newRow("no header at all") << QByteArray("hello\r\n") << QByteArray("\r\nhello\r\n");
    QTest::newRow("obsolete space before colon")
        << QByteArray("Subject : s\r\n\r\n") << QByteArray("Subject : s\r\n\r\n");
    QTest::newRow("blank line inside body kept")
        << QByteArray("A: 1\r\n\r\nx\r\n\r\ny\r\n") << QByteArray("A: 1\r\n\r\nx\r\n\r\ny\r\n");
}

void TestSendmailMessage::parse()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);
    QCOMPARE(SendmailMessage::parse(message).toByteArray(), expected);
}

void TestSendmailMessage::addMissingFields_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QString>("fullName");
    QTest::addColumn<QByteArray>("from"); // expected From value
    QTest::addColumn<QByteArray>("date"); // expected Date value
    QTest::addColumn<bool>("newMessageId");

    const QByteArray now = "Sat, 28 Nov 2026 13:06:24 +0100";
    QTest::newRow("nothing there") << QByteArray("Subject: s\r\n\r\nb\r\n") << QString()
                                   << QByteArray("me@localhost") << now << true;
    QTest::newRow("full name") << QByteArray("Subject: s\r\n\r\nb\r\n") << "Cron Daemon"
                               << QByteArray("Cron Daemon <me@localhost>") << now << true;
    QTest::newRow("all present") << QByteArray(
        "from: x@y\r\nDATE: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
        "Message-Id: <1@y>\r\n\r\n")
                                 << "Ignored" << QByteArray("x@y")
                                 << QByteArray("Mon, 1 Jan 2024 00:00:00 +0000") << false;
    QTest::newRow("From in the body does not count")
        << QByteArray("Subject: s\r\n\r\nFrom: body@x\r\n") << QString()
        << QByteArray("me@localhost") << now << true;
}

void TestSendmailMessage::addMissingFields()
{
    QFETCH(QByteArray, message);
    QFETCH(QString, fullName);
    QFETCH(QByteArray, from);
    QFETCH(QByteArray, date);
    QFETCH(bool, newMessageId);
    SendmailMessage parsed = SendmailMessage::parse(message);
    const QList<QByteArray> idsBefore = parsed.values("Message-ID");
    const QDateTime now(QDate(2026, 11, 28), QTime(13, 6, 24), Qt::OffsetFromUTC, 3600);
    parsed.addMissingFields("me@localhost", fullName, now, "localhost");
    QCOMPARE(parsed.values("From"), QList<QByteArray> { from });
    QCOMPARE(parsed.values("Date"), QList<QByteArray> { date });
    const QList<QByteArray> ids = parsed.values("Message-ID");
    QCOMPARE(ids.size(), 1);
    if (newMessageId)
        QVERIFY2(QRegularExpression("^<[0-9a-f-]{36}@localhost>$")
                     .match(QString::fromLatin1(ids.first()))
                     .hasMatch(),
            ids.first());
    else
        QCOMPARE(ids, idsBefore);
    // Whatever was there stays, in its place, and the body is untouched.
    const QByteArray wire = parsed.toByteArray();
    QVERIFY(wire.startsWith(message.left(message.indexOf("\r\n\r\n") + 2)));
    QVERIFY(wire.endsWith(message.mid(message.indexOf("\r\n\r\n"))));
}

void TestSendmailMessage::addedFieldsFormat()
{
    SendmailMessage parsed = SendmailMessage::parse("Subject: s\r\n\r\nb\r\n");
    const QDateTime now(QDate(2026, 11, 28), QTime(13, 6, 24), Qt::UTC);
    parsed.addMissingFields("me@localhost", QString(), now, "localhost");
    const QByteArray wire = parsed.toByteArray();
    QVERIFY2(wire.startsWith("Subject: s\r\nFrom: me@localhost\r\n"
                             "Date: Sat, 28 Nov 2026 13:06:24 +0000\r\nMessage-ID: <"),
        wire.constData());
    QVERIFY(wire.endsWith("@localhost>\r\n\r\nb\r\n"));
    // Two messages never share an id.
    SendmailMessage other = SendmailMessage::parse("Subject: s\r\n\r\n");
    other.addMissingFields("me@localhost", QString(), now, "localhost");
    QVERIFY(other.values("Message-ID") != parsed.values("Message-ID"));
}

void TestSendmailMessage::formatDate_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("UTC") << QDateTime(QDate(2026, 11, 28), QTime(13, 6, 24), Qt::UTC)
                         << QByteArray("Sat, 28 Nov 2026 13:06:24 +0000");
    QTest::newRow("east") << QDateTime(
        QDate(2024, 2, 29), QTime(0, 0, 5), Qt::OffsetFromUTC, 5 * 3600 + 30 * 60)
                          << QByteArray("Thu, 29 Feb 2024 00:00:05 +0530");
    QTest::newRow("west") << QDateTime(
        QDate(2025, 1, 6), QTime(23, 59, 59), Qt::OffsetFromUTC, -(3 * 3600 + 30 * 60))
                          << QByteArray("Mon, 6 Jan 2025 23:59:59 -0330");
}

void TestSendmailMessage::formatDate()
{
    QFETCH(QDateTime, time);
    QFETCH(QByteArray, expected);
    QCOMPARE(SendmailMessage::formatDate(time), expected);
}

void TestSendmailMessage::formatMailbox_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("no name") << QString() << QByteArray("a@b");
    QTest::newRow("atoms") << "Cron Daemon" << QByteArray("Cron Daemon <a@b>");
    QTest::newRow("comma") << "Doe, J" << QByteArray("\"Doe, J\" <a@b>");
    QTest::newRow("dot") << "J. Doe" << QByteArray("\"J. Doe\" <a@b>");
    QTest::newRow("quotes and backslash")
        << "say \"hi\" \\o/" << QByteArray("\"say \\\"hi\\\" \\\\o/\" <a@b>");
    QTest::newRow("not ASCII") << QString::fromUtf8("J\xc3\xbcrgen")
                               << QByteArray("=?UTF-8?B?SsO8cmdlbg==?= <a@b>");
    QTest::newRow("control characters") << "a\r\nb" << QByteArray("a  b <a@b>");
}

void TestSendmailMessage::formatMailbox()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, expected);
    QCOMPARE(SendmailMessage::formatMailbox(name, "a@b"), expected);
}

void TestSendmailMessage::invocation_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("sendmail");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("link") << QStringList { "/usr/sbin/sendmail", "-t", "-i" } << true
                          << QStringList { "-t", "-i" };
    QTest::newRow("link, bare name") << QStringList { "sendmail" } << true << QStringList();
    QTest::newRow("subcommand") << QStringList { "/opt/bin/smtp-receiver", "sendmail", "a@b" }
                                << true << QStringList { "a@b" };
    QTest::newRow("link and the word")
        << QStringList { "sendmail", "sendmail" } << true << QStringList { "sendmail" };
    QTest::newRow("server") << QStringList { "smtp-receiver", "--no-gui" } << false
                            << QStringList();
    QTest::newRow("word later") << QStringList { "smtp-receiver", "--no-gui", "sendmail" } << false
                                << QStringList();
    QTest::newRow("name that only contains it")
        << QStringList { "/x/sendmail.real", "a@b" } << false << QStringList();
}

void TestSendmailMessage::invocation()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, sendmail);
    QFETCH(QStringList, expected);
    const auto result = sendmailArguments(arguments);
    QCOMPARE(result.has_value(), sendmail);
    if (sendmail)
        QCOMPARE(*result, expected);
}

void TestSendmailMessage::arguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<bool>("extract");
    QTest::addColumn<bool>("ignoreDots");
    QTest::addColumn<QString>("sender"); // "(none)": not given
    QTest::addColumn<QString>("fullName");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QStringList>("recipients");

    const QString none = "(none)";
    QTest::newRow("PHP's mail()") << QStringList { "-t", "-i" } << QString() << true << true << none
                                  << QString() << "127.0.0.1:1025" << QStringList();
    QTest::newRow("clustered flags") << QStringList { "-ti" } << QString() << true << true << none
                                     << QString() << "127.0.0.1:1025" << QStringList();
    QTest::newRow("-oi") << QStringList { "-oi", "a@b" } << QString() << false << true << none
                         << QString() << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-f value apart")
        << QStringList { "-f", "me@x", "a@b" } << QString() << false << false << "me@x" << QString()
        << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-f value glued")
        << QStringList { "-fme@x", "a@b" } << QString() << false << false << "me@x" << QString()
        << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-f after a flag") << QStringList { "-tif", "me@x" } << QString() << true << true
                                     << "me@x" << QString() << "127.0.0.1:1025" << QStringList();
    QTest::newRow("-f in brackets")
        << QStringList { "-f", "Me <me@x>", "a@b" } << QString() << false << false << "me@x"
        << QString() << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-f null sender")
        << QStringList { "-f", "<>", "a@b" } << QString() << false << false << QString()
        << QString() << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-f empty") << QStringList { "-f", "", "a@b" } << QString() << false << false
                              << QString() << QString() << "127.0.0.1:1025"
                              << QStringList { "a@b" };
    QTest::newRow("-r") << QStringList { "-r", "bounce@x", "a@b" } << QString() << false << false
                        << "bounce@x" << QString() << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-F apart and -F glued")
        << QStringList { "-F", "Cron Daemon", "-FLast Wins", "a@b" } << QString() << false << false
        << none << "Last Wins"
        << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("cron") << QStringList { "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root" }
                          << QString() << false << true << none << "CronDaemon"
                          << "127.0.0.1:1025" << QStringList { "root" };
    QTest::newRow("ignored flags") << QStringList { "-odi", "-odb", "-oem", "-oee", "-om",
        "-oQ/tmp", "-v", "-bm", "-N", "never", "-B", "8BITMIME", "-R", "hdrs", "-Vid", "-X",
        "/tmp/log", "-OLogLevel=9", "-n", "-m", "-U", "-G", "-Lx", "-Am", "-C/etc/mail.cf", "a@b" }
                                   << QString() << false << false << none << QString()
                                   << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("--smtp") << QStringList { "--smtp", "127.0.0.1:2525", "a@b" } << "[::1]:9"
                            << false << false << none << QString() << "127.0.0.1:2525"
                            << QStringList { "a@b" };
    QTest::newRow("--smtp=") << QStringList { "--smtp=[::1]:2525", "a@b" } << QString() << false
                             << false << none << QString() << "[::1]:2525" << QStringList { "a@b" };
    QTest::newRow("environment") << QStringList { "a@b" } << "localhost:2526" << false << false
                                 << none << QString() << "127.0.0.1:2526" << QStringList { "a@b" };
    QTest::newRow("host name") << QStringList { "--smtp", "mail.test:25", "a@b" } << QString()
                               << false << false << none << QString() << "mail.test:25"
                               << QStringList { "a@b" };
    QTest::newRow("bare port") << QStringList { "--smtp", "2527", "a@b" } << QString() << false
                               << false << none << QString() << "127.0.0.1:2527"
                               << QStringList { "a@b" };
    QTest::newRow("list in one argument, duplicates once")
        << QStringList { "a@b, \"Doe, J\" <j@d>", "a@b", "root" } << QString() << false << false
        << none << QString() << "127.0.0.1:1025" << QStringList { "a@b", "j@d", "root" };
    QTest::newRow("options after addresses")
        << QStringList { "a@b", "-t" } << QString() << true << false << none << QString()
        << "127.0.0.1:1025" << QStringList { "a@b" };
    QTest::newRow("-- ends options")
        << QStringList { "--", "-t@x" } << QString() << false << false << none << QString()
        << "127.0.0.1:1025" << QStringList { "-t@x" };
}

void TestSendmailMessage::arguments()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environment);
    QFETCH(bool, extract);
    QFETCH(bool, ignoreDots);
    QFETCH(QString, sender);
    QFETCH(QString, fullName);
    QFETCH(QString, target);
    QFETCH(QStringList, recipients);
    const SendmailCommandLine parsed = parseSendmailArguments(arguments, environment);
    QCOMPARE(parsed.text, QString());
    QCOMPARE(parsed.action, SendmailCommandLine::Action::Run);
    const SendmailOptions &o = parsed.options;
    QCOMPARE(o.extractRecipients, extract);
    QCOMPARE(o.ignoreDots, ignoreDots);
    QCOMPARE(o.sender.value_or("(none)"), sender);
    QCOMPARE(o.fullName, fullName);
    QCOMPARE(o.target.toString(), target);
    QCOMPARE(o.recipients, recipients);
}

void TestSendmailMessage::argumentErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("mention"); // the error names the problem

    QTest::newRow("unknown letter") << QStringList { "-Z", "a@b" } << QString() << "-Z";
    QTest::newRow("unknown letter in a cluster") << QStringList { "-tZ" } << QString() << "-Z";
    QTest::newRow("unknown long option")
        << QStringList { "--bogus", "a@b" } << QString() << "--bogus";
    QTest::newRow("lone dash") << QStringList { "-", "a@b" } << QString() << "'-'";
    QTest::newRow("-bs") << QStringList { "-bs" } << QString() << "-bs";
    QTest::newRow("-bp") << QStringList { "-bp" } << QString() << "-bp";
    QTest::newRow("-bd") << QStringList { "-bd" } << QString() << "-bd";
    QTest::newRow("-q") << QStringList { "-q" } << QString() << "-q";
    QTest::newRow("-q15m") << QStringList { "-q15m" } << QString() << "-q";
    QTest::newRow("-f without value") << QStringList { "a@b", "-f" } << QString() << "-f";
    QTest::newRow("-f not an address")
        << QStringList { "-f", "John Doe", "a@b" } << QString() << "John Doe";
    QTest::newRow("-f two addresses")
        << QStringList { "-f", "a@b, c@d", "a@b" } << QString() << "-f";
    QTest::newRow("-F two lines") << QStringList { "-F", "a\nb", "a@b" } << QString() << "-F";
    QTest::newRow("unsupported -o") << QStringList { "-oX", "a@b" } << QString() << "-oX";
    QTest::newRow("empty -o") << QStringList { "-o", "", "a@b" } << QString() << "-o";
    QTest::newRow("no recipients") << QStringList { "-i" } << QString() << "recipients";
    QTest::newRow("not an address") << QStringList { "John Doe" } << QString() << "John Doe";
    QTest::newRow("empty address") << QStringList { "" } << QString() << "empty";
    QTest::newRow("bad --smtp") << QStringList { "--smtp", "nonsense", "a@b" } << QString()
                                << "nonsense";
    QTest::newRow("--smtp port 0")
        << QStringList { "--smtp", "127.0.0.1:0", "a@b" } << QString() << "127.0.0.1:0";
    QTest::newRow("--smtp without value")
        << QStringList { "a@b", "--smtp" } << QString() << "--smtp";
    QTest::newRow("bad environment") << QStringList { "a@b" } << "nowhere:x"
                                     << "SMTP_RECEIVER_SMTP";
}

void TestSendmailMessage::argumentErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, environment);
    QFETCH(QString, mention);
    const SendmailCommandLine parsed = parseSendmailArguments(arguments, environment);
    QCOMPARE(parsed.action, SendmailCommandLine::Action::Error);
    QVERIFY2(parsed.text.contains(mention), qPrintable(parsed.text));
    QVERIFY(!parsed.text.contains(QLatin1Char('\n')));
}

void TestSendmailMessage::target_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // empty: invalid
    QTest::newRow("v4") << "127.0.0.1:25"
                        << "127.0.0.1:25";
    QTest::newRow("v6") << "[::1]:25"
                        << "[::1]:25";
    QTest::newRow("localhost") << "localhost:25"
                               << "127.0.0.1:25";
    QTest::newRow("name") << "mail-catcher_1.test:1025"
                          << "mail-catcher_1.test:1025";
    QTest::newRow("port only") << "25"
                               << "127.0.0.1:25";
    QTest::newRow("port 0") << "127.0.0.1:0" << QString();
    QTest::newRow("port too big") << "127.0.0.1:65536" << QString();
    QTest::newRow("no port") << "mail.test" << QString();
    QTest::newRow("v6 without brackets") << "::1:25" << QString();
    QTest::newRow("space in name") << "mail test:25" << QString();
}

void TestSendmailMessage::target()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto target = SendmailTarget::parse(text);
    QCOMPARE(target ? target->toString() : QString(), expected);
}

QTEST_GUILESS_MAIN(TestSendmailMessage)
#include "tst_sendmailmessage.moc"
