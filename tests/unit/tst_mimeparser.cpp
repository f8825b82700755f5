// MimeParser: decoded headers, bodies, attachments, the part tree, partContent and the
// store-time checks, on well-formed mail from real producers and on broken input.
#include "mime/mimeparser.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

namespace {

// Test messages are written with "\n"; the wire has CRLF.
QByteArray crlf(QByteArray text)
{
    return text.replace("\n", "\r\n");
}

QByteArray headersFor(const QByteArray &extra)
{
    return crlf("From: a@example.com\nTo: b@example.com\nDate: Tue, 05 Mar 2024 14:30:00 +0000\n"
                "Message-ID: <id@example.com>\n")
        + crlf(extra);
}

QList<SmtpMessageCheck> checksOf(const MimeParsedMessage &message, SmtpMessageCheck::Kind kind)
{
    QList<SmtpMessageCheck> found;
    for (const SmtpMessageCheck &check : message.checks) {
        if (check.kind() == kind)
            found.append(check);
    }
    return found;
}

// A check's facts in a form tests can compare: "bare-lf line=8 x2", "invalid-base64 part=2
// (application/pdf) octets=2", "invalid-header-line line=3 \"This is not a header\"".
QString describeCheck(const SmtpMessageCheck &check)
{
    QString text = check.name();
    if (check.line() > 0)
        text += QString(" line=%1").arg(check.line());
    if (check.partId() >= 0)
        text += QString(" part=%1 (%2)").arg(check.partId()).arg(check.partType());
    if (check.octets() > 0)
        text += QString(" octets=%1").arg(check.octets());
    if (check.occurrences() > 1)
        text += QString(" x%1").arg(check.occurrences());
    if (!check.excerpt().isEmpty())
        text += QString(" \"%1\"").arg(check.excerpt());
    return text;
}

// The structural checks (severity Error), described.
QString brokenDetails(const MimeParsedMessage &message)
{
    QStringList details;
    for (const SmtpMessageCheck &check : message.checks) {
        if (check.severity() == SmtpMessageCheck::Severity::Error)
            details.append(describeCheck(check));
    }
    return details.join(" | ");
}

// Each part as "id parent depth type", depth-first, read from the tree.
QStringList describeParts(const MimeParsedMessage &message)
{
    QStringList parts;
    struct Pending
    {
        SmtpMimePart part;
        int parent;
        int depth;
    };
    QList<Pending> pending;
    if (message.rootPart().isValid())
        pending.append({ message.rootPart(), -1, 0 });
    while (!pending.isEmpty()) {
        const Pending p = pending.takeLast();
        parts.append(QString("%1 %2 %3 %4")
                         .arg(p.part.partId())
                         .arg(p.parent)
                         .arg(p.depth)
                         .arg(p.part.contentType()));
        const QList<SmtpMimePart> children = p.part.children();
        for (qsizetype i = children.size() - 1; i >= 0; --i)
            pending.append({ children.at(i), p.part.partId(), p.depth + 1 });
    }
    return parts;
}

QStringList describeAttachments(const MimeParsedMessage &message)
{
    QStringList attachments;
    for (const SmtpMimePart &a : message.attachments()) {
        attachments.append(QString("%1 [%2] %3 %4 cid=%5 %6")
                               .arg(a.partId())
                               .arg(a.fileName(), a.contentType())
                               .arg(a.size())
                               .arg(a.contentId(), a.isInline() ? "inline" : "attachment"));
    }
    return attachments;
}

QByteArray fixture(const QString &name)
{
    QFile file(QFINDTESTDATA("data/" + name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QByteArray pngBytes()
{
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    for (int i = 0; i < 50; ++i)
        png.append(char(i * 7));
    return png;
}

// multipart/mixed( related( alternative(text, html), image/png cid ), application/pdf )
QByteArray nestedMessage()
{
    return headersFor("Subject: nested\nMIME-Version: 1.0\n"
                      "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
                      "This is a multi-part message in MIME format.\n"
                      "--outer\n"
                      "Content-Type: multipart/related; boundary=\"rel\"; type=\"multipart/"
                      "alternative\"\n\n"
                      "--rel\n"
                      "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
                      "--alt\n"
                      "Content-Type: text/plain; charset=utf-8\n\n"
                      "plain text\n"
                      "--alt\n"
                      "Content-Type: text/html; charset=utf-8\n\n"
                      "<p>html <img src=\"cid:logo@example.com\"></p>\n"
                      "--alt--\n"
                      "--rel\n"
                      "Content-Type: image/png\n"
                      "Content-Transfer-Encoding: base64\n"
                      "Content-ID: <logo@example.com>\n\n")
        + pngBytes().toBase64() + "\r\n"
        + crlf("--rel--\n"
               "--outer\n"
               "Content-Type: application/pdf; name=\"doc.pdf\"\n"
               "Content-Transfer-Encoding: base64\n"
               "Content-Disposition: attachment; filename=\"doc.pdf\"\n\n")
        + QByteArray("%PDF-1.4 tiny").toBase64() + "\r\n" + crlf("--outer--\n");
}

QByteArray singlePart(const QByteArray &contentHeaders, const QByteArray &body)
{
    return headersFor("Subject: s\nMIME-Version: 1.0\n" + contentHeaders + "\n") + body;
}

QByteArray withAttachment(const QByteArray &attachmentHeaders, const QByteArray &content)
{
    return headersFor("Subject: a\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\nbody\n--b\n"
               + attachmentHeaders + "\n")
        + content + crlf("\n--b--\n");
}

QByteArray wrap76(const QByteArray &base64)
{
    QByteArray lines;
    for (qsizetype at = 0; at < base64.size(); at += 76)
        lines += base64.mid(at, 76) + "\r\n";
    return lines;
}

QByteArray randomBytes(int size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (char &c : bytes)
        c = char(generator.bounded(256));
    return bytes;
}

} // namespace

class TestMimeParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void subject_data();
    void subject();
    void addresses_data();
    void addresses();
    void date_data();
    void date();
    void messageId_data();
    void messageId();
    void bodies_data();
    void bodies();
    void pythonEmail_data();
    void pythonEmail();
    void attachmentNames_data();
    void attachmentNames();
    void attachments_data();
    void attachments();
    void partTree_data();
    void partTree();
    void partContent_data();
    void partContent();
    void noMime();
    void inboxHeadersAreTheParsesOwn_data();
    void inboxHeadersAreTheParsesOwn();
    void brokenInput_data();
    void brokenInput();
    void mutatedInputKeepsInvariants();
    void hostileHeadersStayFast_data();
    void hostileHeadersStayFast();
    void findings_data();
    void findings();
    void cleanMessageHasNoFindings();
    void findingNames_data();
    void findingNames();
    void parseSpeed_data();
    void parseSpeed();
    void parseTimeBound_data();
    void parseTimeBound();
};

void TestMimeParser::subject_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain ascii") << QByteArray("Hello world") << "Hello world";
    QTest::newRow("utf-8 B") << QByteArray("=?UTF-8?B?R3LDvMOfZQ==?=") << "Grüße";
    QTest::newRow("utf-8 Q") << QByteArray("=?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=")
                             << "Grüße aus Köln";
    QTest::newRow("iso-8859-1 Q") << QByteArray("=?ISO-8859-1?Q?caf=E9_cr=E8me?=") << "café crème";
    QTest::newRow("iso-8859-1 B") << QByteArray("=?iso-8859-1?b?Y2Fm6SBjcuhtZQ==?=")
                                  << "café crème";
    QTest::newRow("windows-1252 Q") << QByteArray("=?windows-1252?Q?=80_5_=93quoted=94_=96_dash?=")
                                    << "€ 5 \u201cquoted\u201d \u2013 dash";
    QTest::newRow("windows-1252 B")
        << QByteArray("=?windows-1252?B?k0hplCCA?=") << "\u201cHi\u201d €";
    QTest::newRow("shift_jis B") << QByteArray("=?Shift_JIS?B?g2WDWINn?=") << "テスト";
    QTest::newRow("shift_jis Q") << QByteArray("=?shift_jis?Q?=83e=83X=83g?=") << "テスト";
    QTest::newRow("iso-2022-jp B") << QByteArray("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=") << "テスト";
    QTest::newRow("adjacent words join") << QByteArray("=?UTF-8?Q?a?= =?UTF-8?Q?b?=") << "ab";
    // GMime 3.2 alone stops at the first word's padding and gives "über".
    QTest::newRow("padded base64 words")
        << QByteArray("=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?=") << "über alles";
    QTest::newRow("padded base64 words, folded, like Python")
        << QByteArray(
               "=?utf-8?b?R3LDvMOfZSBhdXMgS8O2bG4gdW5kIGVpbmUgc2VociBsYW5nZSBaZWlsZSDigJMg?=\n"
               " =?utf-8?b?UmVjaG51bmcg4oSWIDQyIOKCrA==?= tail")
        << "Grüße aus Köln und eine sehr lange Zeile – Rechnung № 42 € tail";
    QTest::newRow("Q, padded B, B, Q") << QByteArray("=?UTF-8?Q?=C3=BC?= =?UTF-8?B?w7w=?= "
                                                     "=?UTF-8?B?w7w=?= =?UTF-8?Q?=C3=BC?=")
                                       << "üüüü";
    QTest::newRow("padded words without space")
        << QByteArray("=?UTF-8?B?w7w=?==?UTF-8?B?w7w=?=") << "üü";
    QTest::newRow("not encoded words")
        << QByteArray("1+1=?2 ?= =?B?x =?utf-8?b?") << "1+1=?2 ?= =?B?x =?utf-8?b?";
    QTest::newRow("character split across words")
        << QByteArray("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?=") << "€";
    QTest::newRow("padded words, two charsets")
        << QByteArray("=?UTF-8?B?w7w=?= =?ISO-8859-1?B?/A==?= =?UTF-8?B?w7w=?= =?UTF-8?B?w7w=?=")
        << "üüüü";
    QTest::newRow("words in text")
        << QByteArray("Re: =?UTF-8?Q?K=C3=B6ln?= trip") << "Re: Köln trip";
    QTest::newRow("mixed charsets") << QByteArray("=?Shift_JIS?B?g2WDWINn?= "
                                                  "=?iso-8859-1?q?caf=E9?=")
                                    << "テストcafé";
    QTest::newRow("folded") << QByteArray("Re: a rather long\n subject that was\n folded")
                            << "Re: a rather long subject that was folded";
    QTest::newRow("folded encoded words")
        << QByteArray("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n =?UTF-8?Q?_aus_K=C3=B6ln?=")
        << "Grüße aus Köln";
    QTest::newRow("raw utf-8 (SMTPUTF8)") << QByteArray("Grüße") << "Grüße";
    QTest::newRow("raw latin-1") << QByteArray("caf\xe9") << "café";
    QTest::newRow("empty") << QByteArray("") << "";
}

void TestMimeParser::subject()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    const QByteArray raw = headersFor("Subject: " + header + "\n\nbody\n");
    const MimeParsedMessage message = MimeParser::parse(raw, true);
    QCOMPARE(message.subject, expected);
    QVERIFY(!message.parseFailed);
}

void TestMimeParser::addresses_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("cc");
    QTest::addColumn<QString>("replyTo");
    QTest::newRow("simple") << QByteArray("From: Alice <alice@example.com>\n"
                                          "To: Alice <alice@example.com>, bob@example.com\n")
                            << "Alice <alice@example.com>"
                            << "Alice <alice@example.com>, bob@example.com"
                            << ""
                            << "";
    QTest::newRow("encoded names")
        << QByteArray("From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <jm@example.com>\n"
                      "To: =?iso-8859-1?q?Ren=E9?= <rene@example.fr>\n"
                      "Cc: =?Shift_JIS?B?g2WDWINn?= <test@example.jp>\n"
                      "Reply-To: \"=?utf-8?b?w6k=?=\" <e@example.com>\n")
        << "Jürgen Müller <jm@example.com>"
        << "René <rene@example.fr>"
        << "テスト <test@example.jp>"
        << "é <e@example.com>";
    QTest::newRow("padded base64 words in names")
        << QByteArray("From: =?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?= <a@example.com>\n"
                      "To: =?UTF-8?B?w7w=?= =?UTF-8?B?w7w=?= <b@example.com>, c@example.com\n")
        << "über alles <a@example.com>"
        << "üü <b@example.com>, c@example.com"
        << ""
        << "";
    QTest::newRow("quoted comma stays quoted")
        << QByteArray("From: x@example.com\nTo: y@example.com\n"
                      "Cc: \"Doe, John\" <john@example.org>, jane@example.org\n")
        << "x@example.com"
        << "y@example.com"
        << "\"Doe, John\" <john@example.org>, jane@example.org"
        << "";
    QTest::newRow("folded list") << QByteArray(
        "From: x@example.com\n"
        "To: a@example.com,\n b@example.com,\n\tC <c@example.com>\n")
                                 << "x@example.com"
                                 << "a@example.com, b@example.com, C <c@example.com>"
                                 << ""
                                 << "";
    QTest::newRow("missing") << QByteArray("X-Other: 1\n") << ""
                             << ""
                             << ""
                             << "";
}

void TestMimeParser::addresses()
{
    QFETCH(QByteArray, headers);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, cc);
    QFETCH(QString, replyTo);
    const QByteArray raw = crlf(headers + "Subject: s\n\nbody\n");
    const MimeParsedMessage message = MimeParser::parse(raw, true);
    QCOMPARE(message.from, from);
    QCOMPARE(message.to, to);
    QCOMPARE(message.cc, cc);
    QCOMPARE(message.replyTo, replyTo);
}

void TestMimeParser::date_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("dateHeader");
    QTest::addColumn<QDateTime>("utc");
    const QDateTime at1430(QDate(2024, 3, 5), QTime(14, 30), Qt::UTC);
    QTest::newRow("+0100") << QByteArray("Date: Tue, 05 Mar 2024 15:30:00 +0100\n")
                           << "Tue, 05 Mar 2024 15:30:00 +0100" << at1430;
    QTest::newRow("-0800 without weekday")
        << QByteArray("Date: 5 Mar 2024 06:30:00 -0800\n") << "5 Mar 2024 06:30:00 -0800" << at1430;
    QTest::newRow("GMT") << QByteArray("Date: Tue, 5 Mar 2024 14:30:00 GMT\n")
                         << "Tue, 5 Mar 2024 14:30:00 GMT" << at1430;
    QTest::newRow("obsolete EST") << QByteArray("Date: Tue, 5 Mar 2024 09:30:00 EST\n")
                                  << "Tue, 5 Mar 2024 09:30:00 EST" << at1430;
    QTest::newRow("folded") << QByteArray("Date: Tue, 05 Mar 2024\n 14:30:00 +0000\n")
                            << "Tue, 05 Mar 2024 14:30:00 +0000" << at1430;
    QTest::newRow("unparsable") << QByteArray("Date: not a date\n") << "not a date" << QDateTime();
    QTest::newRow("missing") << QByteArray() << "" << QDateTime();
}

void TestMimeParser::date()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, dateHeader);
    QFETCH(QDateTime, utc);
    const MimeParsedMessage message
        = MimeParser::parse(crlf("From: a@example.com\n" + header + "Subject: s\n\nbody\n"), true);
    QCOMPARE(message.dateHeader, dateHeader);
    QCOMPARE(message.date.isValid(), utc.isValid());
    if (utc.isValid()) {
        QCOMPARE(message.date, utc);
        QCOMPARE(message.date.timeSpec(), Qt::UTC);
    }
}

void TestMimeParser::messageId_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");
    QTest::newRow("brackets") << QByteArray("Message-ID: <abc.123@example.com>\n")
                              << "abc.123@example.com";
    QTest::newRow("spelling Message-Id")
        << QByteArray("Message-Id: <x+y@example.com>\n") << "x+y@example.com";
    QTest::newRow("folded") << QByteArray("Message-ID:\n <folded@example.com>\n")
                            << "folded@example.com";
    QTest::newRow("no brackets") << QByteArray("Message-ID: bare@example.com\n")
                                 << "bare@example.com";
    QTest::newRow("missing") << QByteArray() << "";
}

void TestMimeParser::messageId()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    const MimeParsedMessage message
        = MimeParser::parse(crlf("From: a@example.com\n" + header + "Subject: s\n\nbody\n"), true);
    QCOMPARE(message.messageId, expected);
}

void TestMimeParser::bodies_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("html");
    QTest::newRow("text/plain 7bit")
        << singlePart("Content-Type: text/plain; charset=us-ascii\n", crlf("Hello\nworld\n"))
        << "Hello\r\nworld\r\n"
        << "";
    QTest::newRow("alternative with quoted-printable html")
        << headersFor("Subject: alt\nMIME-Version: 1.0\n"
                      "Content-Type: multipart/alternative; boundary=\"==alt==\"\n\n"
                      "--==alt==\n"
                      "Content-Type: text/plain; charset=\"utf-8\"\n"
                      "Content-Transfer-Encoding: quoted-printable\n\n"
                      "Gr=C3=BC=C3=9Fe =E2=82=AC\n"
                      "--==alt==\n"
                      "Content-Type: text/html; charset=\"utf-8\"\n"
                      "Content-Transfer-Encoding: quoted-printable\n\n"
                      "<p style=3D\"color:red\">Gr=C3=BC=C3=9Fe, a long line that is wrapped =\n"
                      "softly</p>\n"
                      "--==alt==--\n")
        << "Grüße €"
        << "<p style=\"color:red\">Grüße, a long line that is wrapped softly</p>";
    QTest::newRow("base64 iso-8859-1")
        << singlePart("Content-Type: text/plain; charset=ISO-8859-1\n"
                      "Content-Transfer-Encoding: base64\n",
               "Y2Fm6SBjcuhtZQ==\r\n")
        << "café crème"
        << "";
    QTest::newRow("windows-1252 8bit")
        << singlePart("Content-Type: text/plain; charset=windows-1252\n"
                      "Content-Transfer-Encoding: 8bit\n",
               "\x93quoted\x94 \x80 5")
        << "\u201cquoted\u201d € 5"
        << "";
    QTest::newRow("shift_jis base64") << singlePart("Content-Type: text/plain; charset=Shift_JIS\n"
                                                    "Content-Transfer-Encoding: base64\n",
        "g2WDWINn\r\n") << "テスト"
                                      << "";
    QTest::newRow("iso-2022-jp (stateful)")
        << singlePart("Content-Type: text/plain; charset=ISO-2022-JP\n"
                      "Content-Transfer-Encoding: 7bit\n",
               "\x1b$B%F%9%H\x1b(B")
        << "テスト"
        << "";
    QTest::newRow("missing charset, utf-8 octets") << singlePart("Content-Type: text/plain\n",
        "Gr\xc3\xbc\xc3\x9f"
        "e") << "Grüße"
                                                   << "";
    QTest::newRow("missing charset, latin-1 octets")
        << singlePart("Content-Type: text/plain\n", "caf\xe9") << "café"
        << "";
    QTest::newRow("us-ascii label, latin-1 octets")
        << singlePart("Content-Type: text/plain; charset=us-ascii\n", "caf\xe9") << "café"
        << "";
    QTest::newRow("unknown charset, utf-8 octets")
        << singlePart("Content-Type: text/plain; charset=x-no-such-charset\n",
               "Gr\xc3\xbc\xc3\x9f"
               "e")
        << "Grüße"
        << "";
    QTest::newRow("invalid shift_jis octet replaced")
        << singlePart("Content-Type: text/plain; charset=Shift_JIS\n",
               "a\x83\xff"
               "b")
        << "a\uFFFD\uFFFDb"
        << "";
    QTest::newRow("no MIME headers, utf-8")
        << crlf("Subject: x\n\nPlain \xc3\xa9t\xc3\xa9\n") << "Plain été\r\n"
        << "";
    QTest::newRow("nested mixed/related/alternative") << nestedMessage() << "plain text"
                                                      << "<p>html <img "
                                                         "src=\"cid:logo@example.com\"></p>";
    QTest::newRow("html only") << singlePart("Content-Type: text/html; charset=utf-8\n",
        "<b>only</b>") << ""
                               << "<b>only</b>";
    QTest::newRow("text attachment is not the body")
        << withAttachment("Content-Type: text/html\nContent-Disposition: attachment; "
                          "filename=page.html\n",
               "<b>attached</b>")
        << "body"
        << "";
    QTest::newRow("first inline text wins")
        << headersFor("Subject: two\nContent-Type: multipart/mixed; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\nfirst\n"
                      "--b\nContent-Type: text/plain\n\nsecond\n--b--\n")
        << "first"
        << "";
}

void TestMimeParser::bodies()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, text);
    QFETCH(QString, html);
    const MimeParsedMessage message = MimeParser::parse(raw, true);
    QCOMPARE(message.textBody, text);
    QCOMPARE(message.htmlBody, html);
    QCOMPARE(brokenDetails(message), QString());
}

void TestMimeParser::pythonEmail_data()
{
    QTest::addColumn<bool>("eightBitDeclared");
    QTest::newRow("BODY=8BITMIME") << true;
    QTest::newRow("no 8BITMIME") << false;
}

// Written by tests/unit/data/make_python_email.py with Python's email package.
void TestMimeParser::pythonEmail()
{
    QFETCH(bool, eightBitDeclared);
    const QByteArray raw = fixture("python-email.eml");
    const QByteArray pdf = fixture("python-email-attachment.pdf");
    QVERIFY(!raw.isEmpty());
    QCOMPARE(pdf.size(), 342);

    const MimeParsedMessage message = MimeParser::parse(raw, eightBitDeclared);
    QVERIFY(!message.parseFailed);
    QCOMPARE(message.subject, "Grüße aus Köln – Rechnung № 42 €");
    QCOMPARE(message.from, "Jürgen Müller <juergen@example.com>");
    QCOMPARE(message.to, "Alice <alice@example.com>, bob@example.com");
    QCOMPARE(message.cc, "\"Doe, John\" <john@example.org>");
    QCOMPARE(message.replyTo, "Support Team <support@example.com>");
    QCOMPARE(message.dateHeader, "Tue, 05 Mar 2024 14:30:00 +0100");
    QCOMPARE(message.date, QDateTime(QDate(2024, 3, 5), QTime(13, 30), Qt::UTC));
    QCOMPARE(message.messageId, "20240305143000.4711@example.com");
    QCOMPARE(message.textBody,
        "Hallo Alice,\r\n\r\nanbei die Rechnung über 42 €.\r\n\r\nGrüße\r\n"
        "Jürgen\r\n");
    QCOMPARE(message.htmlBody,
        "<html><body><p>Hallo Alice,</p><p>anbei die Rechnung über "
        "<b>42&nbsp;€</b>.</p><p>Grüße<br>Jürgen</p></body></html>\r\n");

    QCOMPARE(describeParts(message),
        QStringList({ "0 -1 0 multipart/mixed", "1 0 1 multipart/alternative", "2 1 2 text/plain",
            "3 1 2 text/html", "4 0 1 application/pdf" }));
    QCOMPARE(message.parts.at(2).charset(), "utf-8");
    QCOMPARE(message.parts.at(2).transferEncoding(), "8bit");
    QCOMPARE(message.parts.at(3).transferEncoding(), "quoted-printable");
    QCOMPARE(message.parts.at(4).transferEncoding(), "base64");
    QCOMPARE(message.parts.at(4).disposition(), "attachment");
    QCOMPARE(message.parts.at(4).fileName(), "Rechnung-42.pdf");

    QCOMPARE(describeAttachments(message),
        QStringList({ "4 [Rechnung-42.pdf] application/pdf 342 cid= attachment" }));
    QVERIFY(message.hasAttachments());

    bool ok = false;
    QCOMPARE(MimeParser::partContent(raw, 4, &ok), pdf);
    QVERIFY(ok);

    // The only finding: 8-bit UTF-8 text when the client did not announce it.
    QStringList names;
    for (const SmtpMessageCheck &check : message.checks)
        names.append(check.name());
    QCOMPARE(names, eightBitDeclared ? QStringList() : QStringList({ "8bit-without-8bitmime" }));
}

void TestMimeParser::attachmentNames_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QString>("fileName");
    QTest::newRow("quoted") << QByteArray("Content-Type: application/pdf\n"
                                          "Content-Disposition: attachment; filename=\"a b.pdf\"\n")
                            << "a b.pdf";
    QTest::newRow("RFC 2231 utf-8")
        << QByteArray("Content-Type: application/pdf\n"
                      "Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC.pdf\n")
        << "€.pdf";
    QTest::newRow("RFC 2231 with language")
        << QByteArray("Content-Type: text/plain\n"
                      "Content-Disposition: attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt\n")
        << "Grüße.txt";
    QTest::newRow("RFC 2231 encoded continuations")
        << QByteArray("Content-Type: application/pdf\n"
                      "Content-Disposition: attachment;\n filename*0*=UTF-8''%E2%82;\n"
                      " filename*1*=%AC-report;\n filename*2=\".pdf\"\n")
        << "€-report.pdf";
    QTest::newRow("RFC 2231 plain continuations") << QByteArray(
        "Content-Type: application/pdf\n"
        "Content-Disposition: attachment; filename*0=\"a very long \";\n"
        " filename*1=\"file name.pdf\"\n") << "a very long file name.pdf";
    QTest::newRow("RFC 2047 in quoted filename")
        << QByteArray("Content-Type: application/pdf\n"
                      "Content-Disposition: attachment; filename=\"=?UTF-8?B?4oKsLnBkZg==?=\"\n")
        << "€.pdf";
    QTest::newRow("RFC 2047 padded words in filename")
        << QByteArray("Content-Type: application/pdf\n"
                      "Content-Disposition: attachment;\n"
                      " filename=\"=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVzLnBkZg==?=\"\n")
        << "über alles.pdf";
    QTest::newRow("RFC 2047 padded words in name")
        << QByteArray("Content-Type: application/pdf;\n"
                      " name=\"=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVzLnBkZg==?=\"\n")
        << "über alles.pdf";
    QTest::newRow("name in Content-Type only")
        << QByteArray("Content-Type: application/pdf; name=\"report.pdf\"\n") << "report.pdf";
    QTest::newRow("RFC 2047 in name")
        << QByteArray("Content-Type: application/pdf; name=\"=?iso-8859-1?q?r=E9sum=E9.pdf?=\"\n")
        << "résumé.pdf";
    QTest::newRow("no name") << QByteArray("Content-Type: application/octet-stream\n") << "";
}

void TestMimeParser::attachmentNames()
{
    QFETCH(QByteArray, headers);
    QFETCH(QString, fileName);
    const MimeParsedMessage message = MimeParser::parse(withAttachment(headers, "data"), true);
    QCOMPARE(message.attachments().size(), 1);
    QCOMPARE(message.attachments().at(0).fileName(), fileName);
    QCOMPARE(message.attachments().at(0).partId(), 2);
    QCOMPARE(message.parts.at(2).fileName(), fileName);
    QCOMPARE(message.textBody, "body");
}

void TestMimeParser::attachments_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QStringList>("attachments");
    QTest::addColumn<bool>("hasAttachments");
    QTest::newRow("inline cid image and pdf")
        << nestedMessage()
        << QStringList({ "5 [] image/png 66 cid=logo@example.com inline",
               "6 [doc.pdf] application/pdf 13 cid= attachment" })
        << true;
    QTest::newRow("only an inline image")
        << headersFor("Subject: s\nContent-Type: multipart/related; boundary=r\n\n"
                      "--r\nContent-Type: text/html\n\n<img src=\"cid:i1\">\n"
                      "--r\nContent-Type: image/gif\nContent-ID: <i1>\n"
                      "Content-Disposition: inline; filename=\"dot.gif\"\n"
                      "Content-Transfer-Encoding: base64\n\n"
                      "R0lGODlhAQABAAAAACw=\n--r--\n")
        << QStringList({ "2 [dot.gif] image/gif 14 cid=i1 inline" }) << false;
    QTest::newRow("image in related without Content-ID is inline")
        << headersFor("Subject: s\nContent-Type: multipart/related; boundary=r\n\n"
                      "--r\nContent-Type: text/html\n\nx\n"
                      "--r\nContent-Type: image/gif\n\nGIF\n--r--\n")
        << QStringList({ "2 [] image/gif 3 cid= inline" }) << false;
    QTest::newRow("image in mixed without disposition is an attachment")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=m\n\n"
                      "--m\nContent-Type: text/plain\n\nx\n"
                      "--m\nContent-Type: image/gif\n\nGIF\n--m--\n")
        << QStringList({ "2 [] image/gif 3 cid= attachment" }) << true;
    QTest::newRow("text attachment")
        << withAttachment("Content-Type: text/csv; charset=utf-8\n"
                          "Content-Disposition: attachment; filename=\"t.csv\"\n",
               "a,b")
        << QStringList({ "2 [t.csv] text/csv 3 cid= attachment" }) << true;
    QTest::newRow("attached message is one leaf")
        << withAttachment("Content-Type: message/rfc822\n", crlf("Subject: inner\n\ninner body"))
        << QStringList({ "2 [] message/rfc822 28 cid= attachment" }) << true;
    QTest::newRow("no attachments")
        << singlePart("Content-Type: text/plain\n", "x") << QStringList() << false;
}

void TestMimeParser::attachments()
{
    QFETCH(QByteArray, raw);
    QFETCH(QStringList, attachments);
    QFETCH(bool, hasAttachments);
    const MimeParsedMessage message = MimeParser::parse(raw, true);
    QCOMPARE(describeAttachments(message), attachments);
    QCOMPARE(message.hasAttachments(), hasAttachments);
    for (const SmtpMimePart &attachment : message.attachments()) {
        bool ok = false;
        QCOMPARE(MimeParser::partContent(raw, attachment.partId(), &ok).size(), attachment.size());
        QVERIFY(ok);
    }
}

void TestMimeParser::partTree_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QStringList>("parts");
    QTest::newRow("single part") << singlePart("Content-Type: text/plain\n", "x")
                                 << QStringList({ "0 -1 0 text/plain" });
    QTest::newRow("nested") << nestedMessage()
                            << QStringList({ "0 -1 0 multipart/mixed", "1 0 1 multipart/related",
                                   "2 1 2 multipart/alternative", "3 2 3 text/plain",
                                   "4 2 3 text/html", "5 1 2 image/png", "6 0 1 application/pdf" });
    QTest::newRow("sibling multiparts")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=a\n\n"
                      "--a\nContent-Type: multipart/alternative; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\n1\n--b--\n"
                      "--a\nContent-Type: multipart/mixed; boundary=c\n\n"
                      "--c\nContent-Type: image/png\n\n2\n"
                      "--c\nContent-Type: image/jpeg\n\n3\n--c--\n"
                      "--a\nContent-Type: application/zip\n\n4\n--a--\n")
        << QStringList({ "0 -1 0 multipart/mixed", "1 0 1 multipart/alternative",
               "2 1 2 text/plain", "3 0 1 multipart/mixed", "4 3 2 image/png", "5 3 2 image/jpeg",
               "6 0 1 application/zip" });
    QTest::newRow("attached message not descended")
        << withAttachment("Content-Type: message/rfc822\n",
               crlf("Subject: inner\nContent-Type: multipart/mixed; boundary=z\n\n"
                    "--z\nContent-Type: text/plain\n\nin\n--z--"))
        << QStringList({ "0 -1 0 multipart/mixed", "1 0 1 text/plain", "2 0 1 message/rfc822" });
    QTest::newRow("no MIME") << crlf("Subject: s\n\nhello\n")
                             << QStringList({ "0 -1 0 text/plain" });
}

void TestMimeParser::partTree()
{
    QFETCH(QByteArray, raw);
    QFETCH(QStringList, parts);
    QCOMPARE(describeParts(MimeParser::parse(raw, true)), parts);
}

void TestMimeParser::partContent_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("content");
    QByteArray binary;
    for (int i = 0; i < 1024; ++i)
        binary.append(char(i % 256));
    QTest::newRow("base64 binary, every octet") << withAttachment(
        "Content-Type: application/octet-stream\n"
        "Content-Transfer-Encoding: base64\n",
        binary.toBase64()) << 2 << true << binary;
    QTest::newRow("base64 in 76-column lines") << withAttachment(
        "Content-Type: image/png\nContent-Transfer-Encoding: base64\n", wrap76(binary.toBase64()))
                                               << 2 << true << binary;
    QTest::newRow("quoted-printable")
        << withAttachment("Content-Type: text/plain; name=q.txt\n"
                          "Content-Transfer-Encoding: quoted-printable\n",
               "a=3Db=\r\nc =E2=82=AC")
        << 2 << true << QByteArray("a=bc \xe2\x82\xac");
    QTest::newRow("8bit keeps CRLF")
        << withAttachment("Content-Type: text/plain; name=x.txt\n", "line1\r\nline2") << 2 << true
        << QByteArray("line1\r\nline2");
    QTest::newRow("text body") << nestedMessage() << 3 << true << QByteArray("plain text");
    QTest::newRow("attached message, exact bytes")
        << withAttachment("Content-Type: message/rfc822\n", "Subject: inner\r\n\r\ninner body") << 2
        << true << QByteArray("Subject: inner\r\n\r\ninner body");
    QTest::newRow("multipart is not a leaf") << nestedMessage() << 1 << false << QByteArray();
    QTest::newRow("negative index") << nestedMessage() << -1 << false << QByteArray();
    QTest::newRow("past the end") << nestedMessage() << 7 << false << QByteArray();
    QTest::newRow("not a message") << randomBytes(512, 7) << 0 << false << QByteArray();
}

void TestMimeParser::partContent()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, index);
    QFETCH(bool, ok);
    QFETCH(QByteArray, content);
    bool actualOk = !ok;
    QCOMPARE(MimeParser::partContent(raw, index, &actualOk), content);
    QCOMPARE(actualOk, ok);
    // ok may be null
    QCOMPARE(MimeParser::partContent(raw, index, nullptr), content);
    if (ok)
        QCOMPARE(MimeParser::parse(raw, true).parts.at(index).size(), qint64(content.size()));
}

void TestMimeParser::noMime()
{
    const QByteArray raw = crlf("Return-Path: <a@example.com>\n"
                                "From: Alice <a@example.com>\nTo: b@example.com\n"
                                "Subject: plain RFC 5322\nDate: Tue, 05 Mar 2024 14:30:00 +0000\n"
                                "Message-ID: <plain@example.com>\n\n"
                                "Just text.\n.. not a dot line\n");
    const MimeParsedMessage message = MimeParser::parse(raw, false);
    QVERIFY(!message.parseFailed);
    QCOMPARE(message.subject, "plain RFC 5322");
    QCOMPARE(message.textBody, "Just text.\r\n.. not a dot line\r\n");
    QCOMPARE(message.htmlBody, QString());
    QCOMPARE(describeParts(message), QStringList({ "0 -1 0 text/plain" }));
    QCOMPARE(message.parts.at(0).size(), 31);
    QVERIFY(message.attachments().isEmpty());
    QVERIFY(!message.hasAttachments());
    QVERIFY(message.checks.isEmpty());
}

void TestMimeParser::inboxHeadersAreTheParsesOwn_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::newRow("plain") << crlf("From: Alice <a@x.test>\nTo: b@x.test\nSubject: Hi\n\nBody\n")
                           << "Hi"
                           << "Alice <a@x.test>"
                           << "b@x.test";
    // Two From (and To) lines: the first of each, as Mailpit reads them; GMime's address list
    // has both.
    QTest::newRow("two From lines") << crlf(
        "From: First <a@x.test>\nTo: b@x.test\nFrom: second@x.test\nTo: c@x.test\n"
        "Subject: Twice\n\nBody\n") << "Twice"
                                    << "First <a@x.test>"
                                    << "b@x.test";
    // A bare CR inside a header's value, which GMime keeps in its raw value.
    QTest::newRow("a bare CR in the subject")
        << QByteArray("From: a@x.test\r\nTo: b@x.test\r\nSubject: one\rtwo\r\n\r\nBody\r\n")
        << "onetwo"
        << "a@x.test"
        << "b@x.test";
    QTest::newRow("folded, encoded")
        << crlf("From: =?UTF-8?B?SsO8cmdlbg==?= <j@x.test>\nTo: b@x.test\n"
                "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n =?UTF-8?Q?_aus_K=C3=B6ln?=\n\nBody\n")
        << QStringLiteral("Grüße aus Köln") << QStringLiteral("Jürgen <j@x.test>") << "b@x.test";
    QTest::newRow("none") << crlf("X-Only: this\n\nBody\n") << QString() << QString() << QString();
    // Obsolete syntax GMime reads too (RFC 5322 4.5): white space before the colon.
    QTest::newRow("space before the colon")
        << crlf("Subject : hi\nFrom\t: a@x.test\nTo : b@x.test\nCc : c@x.test\n\nBody\n") << "hi"
        << "a@x.test"
        << "b@x.test";
    // An empty first line ends a header block that has nothing: the rest is the body.
    QTest::newRow("an empty first line")
        << crlf("\nSubject: hi\nFrom: a@x.test\n\nBody\n") << QString() << QString() << QString();
}

// What the inbox shows before the indexer has passed a message (inboxHeaders(), committed with
// the 250) is what the parse finds afterwards: the subject, From and To, read the same way.
void TestMimeParser::inboxHeadersAreTheParsesOwn()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, subject);
    QFETCH(QString, from);
    QFETCH(QString, to);
    const MimeInboxHeaders inbox = MimeParser::inboxHeaders(raw);
    const MimeParsedMessage parsed = MimeParser::parse(raw, false);
    QVERIFY(!parsed.parseFailed);
    QCOMPARE(inbox.subject, subject);
    QCOMPARE(inbox.from, from);
    QCOMPARE(inbox.to, to);
    QCOMPARE(parsed.subject, subject);
    QCOMPARE(parsed.from, from);
    QCOMPARE(parsed.to, to);
    // The other address headers are read the same way.
    QCOMPARE(parsed.cc, QString(raw.contains("Cc : c@x.test") ? "c@x.test" : ""));

    // The indexer hands the parse the row's inbox headers (read so before the 250): the parse
    // takes them as they are, and reads the rest as without them.
    MimeInboxHeaders row;
    row.subject = QStringLiteral("the row's subject");
    row.from = QStringLiteral("row-from@x.test");
    row.to = QStringLiteral("row-to@x.test");
    const MimeParsedMessage given = MimeParser::parse(raw, false, &row);
    QCOMPARE(given.subject, row.subject);
    QCOMPARE(given.from, row.from);
    QCOMPARE(given.to, row.to);
    QCOMPARE(given.cc, parsed.cc);
    QCOMPARE(given.textBody, parsed.textBody);
    QCOMPARE(given.checks.size(), parsed.checks.size());
}

void TestMimeParser::brokenInput_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("parseFailed");
    QTest::addColumn<QString>("broken"); // expected in the broken-mime details; "" = none
    QTest::newRow("random bytes") << randomBytes(4096, 42) << true << "not-a-message line=1";
    QTest::newRow("empty") << QByteArray() << true << "not-a-message";
    QTest::newRow("text without headers")
        << QByteArray("hello world\r\n") << true << "not-a-message line=1 \"hello world\"";
    QTest::newRow("multipart without boundary")
        << headersFor("Subject: s\nContent-Type: multipart/mixed\n\n"
                      "--foo\nContent-Type: text/plain\n\nhi\n--foo--\n")
        << false << "multipart-without-boundary part=0 (multipart/mixed)";
    QTest::newRow("boundary never occurs")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=b\n\nno parts\n")
        << false << "boundary-never-occurs part=0 (multipart/mixed) \"b\"";
    QTest::newRow("missing closing boundary")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\ncut off\n")
        << false << "missing-closing-boundary part=0 (multipart/mixed) \"b\"";
    QTest::newRow("nested closing boundaries missing")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=o\n\n"
                      "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
                      "--i\nContent-Type: text/plain\n\ncut off\n")
        << false << "missing-closing-boundary part=0 (multipart/mixed) x2 \"o\"";
    QTest::newRow("truncated base64")
        << withAttachment("Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n",
               "JVBERi0xLjQKJeLjz9MKMSAwIG9iago8PCAvTGVuZ3RoIDI1NiA+PgpzdHJ")
        << false << "truncated-base64 part=2 (application/pdf) octets=59";
    QTest::newRow("invalid base64 characters") << withAttachment(
        "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n",
        "JVBE*Ri0x!LjQK") << false << "invalid-base64 part=2 (application/pdf) octets=2";
    QTest::newRow("invalid header line")
        << crlf("From: a@example.com\nSubject: s\nThis is not a header\nDate: x\n\nbody\n") << false
        << "invalid-header-line line=3 \"This is not a header";
    QTest::newRow("nesting bomb") << [] {
        QByteArray raw = crlf("Subject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 1; i < 3000; ++i)
            raw += "--b" + QByteArray::number(i - 1)
                + "\r\nContent-Type: multipart/mixed; "
                  "boundary=b"
                + QByteArray::number(i) + "\r\n\r\n";
        return raw;
    }() << false << "nesting-too-deep";
    QTest::newRow("binary body with NULs")
        << headersFor("Subject: s\n\n") + QByteArray("a\0b\0c", 5) + randomBytes(2000, 3) << false
        << "";
    QTest::newRow("headers only, no blank line")
        << crlf("Subject: s\nFrom: a@example.com\n") << false << "";
    QTest::newRow("100 KB header line")
        << crlf("Subject: " + QByteArray(100 * 1024, 'x') + "\n\nbody\n") << false << "";
}

void TestMimeParser::brokenInput()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, parseFailed);
    QFETCH(QString, broken);
    const MimeParsedMessage message = MimeParser::parse(raw, false);
    QCOMPARE(message.parseFailed, parseFailed);
    if (parseFailed)
        QVERIFY(message.parts.isEmpty());
    const QString details = brokenDetails(message);
    if (broken.isEmpty())
        QCOMPARE(details, QString());
    else
        QVERIFY2(details.contains(broken), qPrintable(details));
    for (int i = 0; i < message.parts.size() && i < 16; ++i) {
        bool ok = false;
        MimeParser::partContent(raw, i, &ok);
        QCOMPARE(ok, !message.parts.at(i).contentType().startsWith("multipart/"));
    }
}

// A cheap fuzzer: mutations of a real message never crash, hang or break the tree's invariants,
// and every leaf's recorded size is what partContent() returns.
void TestMimeParser::mutatedInputKeepsInvariants()
{
    const QByteArray original = fixture("python-email.eml") + nestedMessage();
    QVERIFY(!original.isEmpty());
    QRandomGenerator generator(2024);
    for (int round = 0; round < 300; ++round) {
        QByteArray raw = original;
        const int edits = 1 + int(generator.bounded(8));
        for (int e = 0; e < edits && !raw.isEmpty(); ++e) {
            const qsizetype at = generator.bounded(qint64(raw.size()));
            switch (generator.bounded(4)) {
            case 0:
                raw[at] = char(generator.bounded(256));
                break;
            case 1:
                raw.remove(at, generator.bounded(64));
                break;
            case 2:
                raw.truncate(at);
                break;
            default:
                raw.insert(at, raw.mid(generator.bounded(qint64(raw.size())), 40));
                break;
            }
        }
        const MimeParsedMessage message = MimeParser::parse(raw, false);
        QCOMPARE(message.rootPart().isValid(), !message.parseFailed);
        if (!message.parseFailed)
            QCOMPARE(message.rootPart().flattened(), message.parts);
        for (int i = 0; i < message.parts.size(); ++i) {
            const SmtpMimePart &part = message.parts.at(i);
            QCOMPARE(part.partId(), i);
            QCOMPARE(part.isMultipart(), part.contentType().startsWith("multipart/"));
            QVERIFY(part.isMultipart() || part.children().isEmpty());
            bool ok = false;
            const QByteArray content = MimeParser::partContent(raw, i, &ok);
            QCOMPARE(ok, !part.contentType().startsWith("multipart/"));
            QCOMPARE(qint64(content.size()), part.size());
        }
        for (const SmtpMimePart &attachment : message.attachments()) {
            QVERIFY(attachment.partId() > 0 || message.parts.size() == 1);
            QVERIFY(attachment.partId() < message.parts.size());
        }
        for (const SmtpMessageCheck &check : message.checks)
            QVERIFY(!check.name().isEmpty());
    }
}

void TestMimeParser::hostileHeadersStayFast_data()
{
    QTest::addColumn<QByteArray>("subject");
    QTest::addColumn<int>("expectedLength");
    QTest::newRow("200 KB of unterminated encoded-word starts")
        << QByteArray("=?a?b?x").repeated(30000) + " ?=" << -1;
    QTest::newRow("20,000 padded base64 words to join")
        << QByteArray("=?UTF-8?B?QQ==?= ").repeated(20000) << 20000;
}

// Header work is linear: a quadratic scan would take minutes on these.
void TestMimeParser::hostileHeadersStayFast()
{
    QFETCH(QByteArray, subject);
    QFETCH(int, expectedLength);
    QElapsedTimer timer;
    timer.start();
    const MimeParsedMessage message
        = MimeParser::parse(headersFor("Subject: " + subject + "\n\nbody\n"), true);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!message.parseFailed);
    if (expectedLength >= 0) {
        QCOMPARE(message.subject.size(), expectedLength);
        QCOMPARE(message.subject.count('A'), expectedLength);
    }
}

void TestMimeParser::findings_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("eightBitDeclared");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("present");
    QTest::addColumn<QString>("detail");
    using K = SmtpMessageCheck::Kind;
    const QByteArray good = headersFor("Subject: s\n\nline one\nline two\nline three\n");

    QTest::newRow("bare-lf present") << headersFor("Subject: s\n\nline one\n") + "lf only\nand\n"
                                     << true << int(K::BareLineFeed) << true << "bare-lf line=8 x2";
    QTest::newRow("bare-lf absent") << good << true << int(K::BareLineFeed) << false << "";
    QTest::newRow("bare-cr present")
        << headersFor("Subject: s\n\n") + "text\rmore\r\n"
        << true << int(K::BareCarriageReturn) << true << "bare-cr line=7";
    QTest::newRow("bare-cr at the very end")
        << headersFor("Subject: s\n\n") + "text\r" << true << int(K::BareCarriageReturn) << true
        << "bare-cr line=7";
    QTest::newRow("bare-cr absent") << good << true << int(K::BareCarriageReturn) << false << "";
    QTest::newRow("line-too-long present, 999")
        << headersFor("Subject: s\n\n") + QByteArray(999, 'x') + "\r\n"
        << true << int(K::LineTooLong) << true << "line-too-long line=7 octets=999";
    QTest::newRow("line-too-long, several")
        << headersFor("Subject: s\n\n") + QByteArray(1200, 'x') + "\r\n" + QByteArray(2000, 'y')
        << true << int(K::LineTooLong) << true << "line-too-long line=7 octets=1200 x2";
    QTest::newRow("line-too-long absent, exactly 998")
        << headersFor("Subject: s\n\n") + QByteArray(998, 'x') + "\r\n"
        << true << int(K::LineTooLong) << false << "";
    QTest::newRow("missing-date present")
        << crlf("From: a@example.com\nMessage-ID: <i@example.com>\nSubject: s\n\nb\n") << true
        << int(K::MissingDate) << true << "missing-date";
    QTest::newRow("missing-date absent") << good << true << int(K::MissingDate) << false << "";
    QTest::newRow("missing-message-id present")
        << crlf("From: a@example.com\nDate: Tue, 05 Mar 2024 14:30:00 +0000\nSubject: s\n\nb\n")
        << true << int(K::MissingMessageId) << true << "missing-message-id";
    QTest::newRow("missing-message-id absent")
        << good << true << int(K::MissingMessageId) << false << "";
    const QByteArray eightBit = headersFor("Subject: s\n\nascii\nGr\xc3\xbc\xc3\x9f"
                                           "e\n");
    QTest::newRow("8bit-without-8bitmime present")
        << eightBit << false << int(K::EightBitWithout8BitMime) << true
        << "8bit-without-8bitmime line=8 octets=4";
    QTest::newRow("8bit-without-8bitmime absent: declared")
        << eightBit << true << int(K::EightBitWithout8BitMime) << false << "";
    QTest::newRow("8bit-without-8bitmime absent: ascii")
        << good << false << int(K::EightBitWithout8BitMime) << false << "";
    QTest::newRow("html-without-text present: html only")
        << singlePart("Content-Type: text/html\n", "<b>x</b>") << true << int(K::HtmlWithoutText)
        << true << "html-without-text";
    QTest::newRow("html-without-text present: html and a pdf")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=m\n\n"
                      "--m\nContent-Type: text/html\n\n<b>x</b>\n"
                      "--m\nContent-Type: application/pdf\n\n%PDF\n--m--\n")
        << true << int(K::HtmlWithoutText) << true << "html-without-text";
    QTest::newRow("html-without-text absent: alternative")
        << nestedMessage() << true << int(K::HtmlWithoutText) << false << "";
    QTest::newRow("html-without-text absent: text only")
        << good << true << int(K::HtmlWithoutText) << false << "";
    QTest::newRow("broken-mime present")
        << headersFor("Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n"
                      "--b\nContent-Type: text/plain\n\ncut off\n")
        << true << int(K::MissingClosingBoundary) << true
        << "missing-closing-boundary part=0 (multipart/mixed) \"b\"";
    QTest::newRow("broken-mime absent")
        << nestedMessage() << true << int(K::MissingClosingBoundary) << false << "";
}

void TestMimeParser::findings()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, eightBitDeclared);
    QFETCH(int, kind);
    QFETCH(bool, present);
    QFETCH(QString, detail);
    const MimeParsedMessage message = MimeParser::parse(raw, eightBitDeclared);
    const QList<SmtpMessageCheck> found = checksOf(message, SmtpMessageCheck::Kind(kind));
    QCOMPARE(found.size(), present ? 1 : 0);
    if (present)
        QCOMPARE(describeCheck(found.at(0)), detail);
}

void TestMimeParser::cleanMessageHasNoFindings()
{
    const MimeParsedMessage message = MimeParser::parse(nestedMessage(), false);
    QVERIFY(!message.parseFailed);
    QCOMPARE(message.checks.size(), 0);
}

void TestMimeParser::findingNames_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    using K = SmtpMessageCheck::Kind;
    QTest::newRow("bare-lf") << int(K::BareLineFeed) << "bare-lf";
    QTest::newRow("bare-cr") << int(K::BareCarriageReturn) << "bare-cr";
    QTest::newRow("line-too-long") << int(K::LineTooLong) << "line-too-long";
    QTest::newRow("missing-date") << int(K::MissingDate) << "missing-date";
    QTest::newRow("missing-message-id") << int(K::MissingMessageId) << "missing-message-id";
    QTest::newRow("8bit") << int(K::EightBitWithout8BitMime) << "8bit-without-8bitmime";
    QTest::newRow("html-without-text") << int(K::HtmlWithoutText) << "html-without-text";
    QTest::newRow("missing-closing-boundary")
        << int(K::MissingClosingBoundary) << "missing-closing-boundary";
    QTest::newRow("malformed-message") << int(K::MalformedMessage) << "malformed-message";
}

// Names are stable (JSON writers use them) and lead back to their kind.
void TestMimeParser::findingNames()
{
    QFETCH(int, kind);
    QFETCH(QString, name);
    const auto k = SmtpMessageCheck::Kind(kind);
    QCOMPARE(SmtpMessageCheck::name(k), name);
    QCOMPARE(SmtpMessageCheck(k).name(), name);
    bool ok = false;
    QCOMPARE(SmtpMessageCheck::kindFromName(name, &ok), k);
    QVERIFY(ok);
    SmtpMessageCheck::kindFromName("no-such-check", &ok);
    QVERIFY(!ok);
}

void TestMimeParser::parseSpeed_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("subject");
    QTest::newRow("1 KB plain") << headersFor("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n"
                                              "Content-Type: text/plain; charset=utf-8\n\n"
        + QByteArray(900, 'x') + "\n")
                                << "Grüße";
    QTest::newRow("python email 2 KB")
        << fixture("python-email.eml") << "Grüße aus Köln – Rechnung № 42 €";
    QTest::newRow("nested 1.5 KB") << nestedMessage() << "nested";
}

// Parsing happens once per stored message, on the store thread: it must stay far below the
// store's per-message budget. QBENCHMARK reports the time (run with -iterations or -tickcounter
// for steadier numbers); parseTimeBound guards a bound that holds even in Debug + ASan builds.
void TestMimeParser::parseSpeed()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, subject);
    QVERIFY(!raw.isEmpty());
    MimeParsedMessage message;
    QBENCHMARK
    {
        message = MimeParser::parse(raw, false);
    }
    QCOMPARE(message.subject, subject);
}

void TestMimeParser::parseTimeBound_data()
{
    parseSpeed_data();
}

void TestMimeParser::parseTimeBound()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, subject);
    constexpr int rounds = 1000;
    MimeParsedMessage message;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < rounds; ++i)
        message = MimeParser::parse(raw, false);
    const double microseconds = double(timer.nsecsElapsed()) / 1000.0 / rounds;
    qInfo("%lld octets: %.1f us per parse", qlonglong(raw.size()), microseconds);
    QCOMPARE(message.subject, subject);
    QVERIFY2(microseconds < 2000.0, qPrintable(QString::number(microseconds)));
}

QTEST_GUILESS_MAIN(TestMimeParser)
#include "tst_mimeparser.moc"
