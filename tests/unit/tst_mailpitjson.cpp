// MailpitJson: stored messages in Mailpit's MessageSummary, Message and headers shapes, from real
// MIME messages delivered into a store (nodemailer's structure, single parts, HTML only,
// RFC 2047 names, envelope-only recipients, broken and folded headers).
#include "mailpitfixtures.h"
#include "mailpitheaders.h"
#include "mailpitjson.h"
#include "mailpitunsubscribe.h"

#include <smtphtmltotext.h>
#include <smtpmessagestore.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <limits>

using namespace MailpitFixtures;

namespace {

QJsonObject address(const QString &name, const QString &address)
{
    return QJsonObject { { "Name", name }, { "Address", address } };
}

QString hex(const QByteArray &bytes, QCryptographicHash::Algorithm algorithm)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, algorithm).toHex());
}

} // namespace

class TestMailpitJson : public QObject
{
    Q_OBJECT

private:
    SmtpMessageStore *m_store = nullptr;

    // The message as the store hands it out after delivery.
    SmtpStoredMessage stored(const SmtpMessage &message)
    {
        const qint64 id = deliver(*m_store, message);
        if (!id)
            qFatal("delivery failed");
        const std::optional<SmtpStoredMessage> m = m_store->message(id);
        if (!m)
            qFatal("stored message not found");
        return *m;
    }
    SmtpStoredMessage stored(
        const QByteArray &data, const QStringList &rcptTos = { "to@example.com" })
    {
        return stored(envelope(data, rcptTos));
    }
    QJsonObject full(const SmtpStoredMessage &message)
    {
        SmtpMessageStore *store = m_store;
        const qint64 id = message.id();
        return MailpitJson::message(
            message, [store, id](int index) { return store->partContent(id, index); });
    }

private Q_SLOTS:
    void init()
    {
        m_store = new SmtpMessageStore(this);
        QVERIFY(m_store->open(":memory:"));
    }
    void cleanup()
    {
        delete m_store;
        m_store = nullptr;
    }

    void nodemailerSummary()
    {
        SmtpMessage m = envelope(nodemailerMessage(),
            { "alice@example.com", "JOHN@example.com", "carol@example.com", "hidden@example.com",
                "Hidden@Example.com" });
        m.setAuthenticatedUser("smtp-user");
        const SmtpStoredMessage message = stored(m);
        const QJsonObject s = MailpitJson::summary(message);

        QCOMPARE(s.value("ID").toString(), QString::number(message.id()));
        QCOMPARE(s.value("MessageID").toString(), "abc-123@example.com");
        QCOMPARE(s.value("Read").toBool(), false);
        QCOMPARE(s.value("From").toObject(), address("Jürgen Sender", "sender@example.com"));
        QCOMPARE(s.value("To").toArray(),
            QJsonArray({ address("Alice", "alice@example.com"),
                address("Doe, John", "john@example.com") }));
        QCOMPARE(s.value("Cc").toArray(), QJsonArray({ address("", "carol@example.com") }));
        // Only the envelope recipient that no header names, once, in RCPT order.
        QCOMPARE(s.value("Bcc").toArray(), QJsonArray({ address("", "hidden@example.com") }));
        QCOMPARE(s.value("ReplyTo").toArray(),
            QJsonArray({ address("Replies", "replies@example.com") }));
        QCOMPARE(s.value("Subject").toString(), "Grüße from nodemailer");
        QCOMPARE(s.value("Created").toString(), "2026-11-28T11:30:00.123Z");
        QCOMPARE(s.value("Tags").toArray(), QJsonArray());
        QCOMPARE(s.value("Size").toInteger(), nodemailerMessage().size());
        QCOMPARE(s.value("Attachments").toInt(), 2); // the inline image does not count
        QCOMPARE(s.value("Snippet").toString(), "Hello Bob, this is the HTML part.");
        QCOMPARE(s.value("Username").toString(), "smtp-user");
    }

    void nodemailerMessageParts()
    {
        const SmtpStoredMessage message = stored(nodemailerMessage(), { "alice@example.com" });
        const QJsonObject m = full(message);

        QCOMPARE(m.value("ReturnPath").toString(), "sender@example.com");
        QCOMPARE(m.value("Date").toString(), "2026-11-28T09:00:00.000Z");
        // The line end before a boundary belongs to the boundary.
        QCOMPARE(m.value("Text").toString(), "Hello Bob\r\n");
        QCOMPARE(m.value("HTML").toString(),
            "<p>Hello <b>Bob</b>, this is the <i>HTML</i> part.</p><img "
            "src=\"cid:logo@nodemailer\">");

        const QJsonArray inlines = m.value("Inline").toArray();
        QCOMPARE(inlines.size(), 1);
        const QJsonObject image = inlines.at(0).toObject();
        QCOMPARE(image.value("PartID").toString(), "1.2.2");
        QCOMPARE(image.value("FileName").toString(), "logo.png");
        QCOMPARE(image.value("ContentType").toString(), "image/png");
        QCOMPARE(image.value("ContentID").toString(), "logo@nodemailer");
        QCOMPARE(image.value("Size").toInt(), pngSignature().size());

        const QJsonArray attachments = m.value("Attachments").toArray();
        QCOMPARE(attachments.size(), 2);
        const QJsonObject notes = attachments.at(0).toObject();
        QCOMPARE(notes.value("PartID").toString(), "2");
        QCOMPARE(notes.value("FileName").toString(), "notes.txt");
        QCOMPARE(notes.value("ContentType").toString(), "text/plain");
        QCOMPARE(notes.value("ContentID").toString(), "");
        QCOMPARE(notes.value("Size").toInt(), notesContent().size());
        const QJsonObject sums = notes.value("Checksums").toObject();
        QCOMPARE(sums.value("MD5").toString(), hex(notesContent(), QCryptographicHash::Md5));
        QCOMPARE(sums.value("SHA1").toString(), hex(notesContent(), QCryptographicHash::Sha1));
        QCOMPARE(sums.value("SHA256").toString(), hex(notesContent(), QCryptographicHash::Sha256));
        const QJsonObject report = attachments.at(1).toObject();
        QCOMPARE(report.value("PartID").toString(), "3");
        QCOMPARE(report.value("FileName").toString(), "report.pdf");
        QCOMPARE(report.value("ContentType").toString(), "application/pdf");
        QCOMPARE(report.value("Checksums").toObject().value("SHA256").toString(),
            hex(reportContent(), QCryptographicHash::Sha256));

        const QJsonObject unsubscribe = m.value("ListUnsubscribe").toObject();
        QCOMPARE(unsubscribe.value("Header").toString(),
            "<mailto:unsub@example.com>, <https://example.com/unsub>");
        QCOMPARE(unsubscribe.value("Links").toArray(),
            QJsonArray({ "mailto:unsub@example.com", "https://example.com/unsub" }));
        QCOMPARE(unsubscribe.value("Errors").toString(), "");
        QCOMPARE(unsubscribe.value("HeaderPost").toString(), "List-Unsubscribe=One-Click");

        // Mailpit's Message carries no list-only fields.
        QVERIFY(!m.contains("Snippet"));
        QVERIFY(!m.contains("Created"));
        QCOMPARE(m.value("Tags").toArray(), QJsonArray());
        QCOMPARE(m.value("Size").toInteger(), nodemailerMessage().size());
    }

    void singlePartText()
    {
        const SmtpStoredMessage message
            = stored(crlf("From: a@example.com\nSubject: plain\n\nLine one\n  Line   two\n"),
                { "b@example.com" });
        const QJsonObject s = MailpitJson::summary(message);
        QCOMPARE(s.value("MessageID").toString(), ""); // none written, none made up
        QCOMPARE(s.value("From").toObject(), address("", "a@example.com"));
        QCOMPARE(s.value("To").toArray(), QJsonArray());
        QCOMPARE(s.value("Cc").toArray(), QJsonArray());
        QCOMPARE(s.value("ReplyTo").toArray(), QJsonArray());
        QCOMPARE(s.value("Bcc").toArray(), QJsonArray({ address("", "b@example.com") }));
        QCOMPARE(s.value("Attachments").toInt(), 0);
        QCOMPARE(s.value("Snippet").toString(), "Line one Line two");

        const QJsonObject m = full(message);
        QCOMPARE(m.value("Text").toString(), "Line one\r\n  Line   two\r\n"); // the last CRLF kept
        QCOMPARE(m.value("HTML").toString(), "");
        QCOMPARE(m.value("Attachments").toArray(), QJsonArray());
        QCOMPARE(m.value("Inline").toArray(), QJsonArray());
        // No Date header: the received time.
        QCOMPARE(m.value("Date").toString(), "2026-11-28T11:30:00.123Z");
        const QJsonObject unsubscribe = m.value("ListUnsubscribe").toObject();
        QCOMPARE(unsubscribe.value("Header").toString(), "");
        QCOMPARE(unsubscribe.value("Links").toArray(), QJsonArray());
    }

    void htmlOnly()
    {
        const QByteArray html = "<html><head><title>Title</title><style>p{color:red}</style></head>"
                                "<body><script>alert(1)</script><noscript>enable js</noscript>"
                                "<h1>Caf&eacute; &amp; more</h1><table><tr><td>a</td><td>b</td>"
                                "</tr></table>x<br>y&nbsp;z &#8364;&#x41;</body></html>";
        const SmtpStoredMessage message = stored(crlf("From: a@example.com\nSubject: html\n"
                                                      "Content-Type: text/html; charset=utf-8\n\n")
            + html + "\r\n");
        QCOMPARE(
            MailpitJson::summary(message).value("Snippet").toString(), "Café & more a b x y z €A");
        const QJsonObject m = full(message);
        QCOMPARE(m.value("HTML").toString(), QString::fromUtf8(html + "\r\n"));
        // Mailpit gives an HTML-only message the HTML's text as its Text.
        QCOMPARE(m.value("Text").toString(), "Café & more\na\nb\nx\ny z €A");
    }

    void snippetIsCutOnCharacters()
    {
        const QString twoByte = QString(150, QChar(0xe4)); // 300 bytes of UTF-8
        QCOMPARE(
            MailpitJson::snippet("<p>" + twoByte + "</p>", ""), QString(100, QChar(0xe4)) + "...");
        const QString threeByte = QString(100, QChar(0x20ac));
        QCOMPARE(MailpitJson::snippet("", threeByte), QString(66, QChar(0x20ac)) + "...");
        const QString exact = QString(200, QLatin1Char('x'));
        QCOMPARE(MailpitJson::snippet("", exact), exact);
        QCOMPARE(MailpitJson::snippet("", exact + "y"), exact + "...");
        // A character outside the BMP (4 bytes) is never split either.
        QString emoji = QString(198, QLatin1Char('x'));
        emoji += QString::fromUcs4(U"\U0001F600");
        QCOMPARE(MailpitJson::snippet("", emoji), QString(198, QLatin1Char('x')) + "...");
        QCOMPARE(MailpitJson::snippet("", "  a\r\n\tb  "), "a b");
        QCOMPARE(MailpitJson::snippet("", ""), "");
    }

    void specSnippetExample()
    {
        QCOMPARE(MailpitJson::snippet(
                     "<p>Hello <b>Bob</b>, this is the <i>HTML</i> part.</p><img src=\"cid:x\">",
                     "text"),
            "Hello Bob, this is the HTML part.");
    }

    void htmlToTextEdges()
    {
        QCOMPARE(SmtpHtmlToText::text(QString("a<!-- hidden -->b")), "ab");
        QCOMPARE(SmtpHtmlToText::text(QString("<!DOCTYPE html><p title=\"a>b\">x</p>")), "x");
        QCOMPARE(SmtpHtmlToText::text(QString("1 < 2 &unknown; &amp")), "1 < 2 &unknown; &amp");
        QCOMPARE(SmtpHtmlToText::text(QString("<head><title>t</title>no end of head<body>shown")),
            "shown");
        QCOMPARE(
            SmtpHtmlToText::text(QString("a\u200bb")), "a b"); // format characters do not print
        QCOMPARE(SmtpHtmlToText::text(QString("<div>a</div><div>b</div>"), 1),
            "a\nb"); // stops once longer
        // Heads without their end tags, each ending where a body starts, and skipped elements
        // that never end: read in one pass (each looked for the rest of the markup again, so
        // these 3 MB took minutes; the indexer reads every HTML body of incoming mail).
        const QString heads = QString("<head>x<body>").repeated(250000) + "<p>end</p>";
        QCOMPARE(SmtpHtmlToText::text(heads), "end");
        const QString titles = QString("<p>a<title>").repeated(100000);
        QCOMPARE(SmtpHtmlToText::text(titles), "a");
    }

    void rfc2047Names()
    {
        // Two base64 words split inside a character's run, and a name with a comma encoded.
        const SmtpStoredMessage message
            = stored(crlf("From: =?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?= <a@example.com>\n"
                          "To: =?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <j@example.com>, "
                          "=?ISO-8859-1?Q?Ren=E9?= "
                          "<r@example.com>\n"
                          "Cc: Team: x@example.com, \"Y\" <y@example.com>;\n"
                          "Bcc: =?UTF-8?Q?Bl=C3=A4ck?= <blind@example.com>\n"
                          "Subject: =?UTF-8?B?8J+YgCBlbW9qaQ==?=\n\nbody\n"),
                { "j@example.com", "blind@example.com", "extra@example.com" });
        const QJsonObject s = MailpitJson::summary(message);
        QCOMPARE(s.value("From").toObject(), address("über alles", "a@example.com"));
        QCOMPARE(s.value("To").toArray(),
            QJsonArray(
                { address("Müller, Jürgen", "j@example.com"), address("René", "r@example.com") }));
        // A group's members take its place.
        QCOMPARE(s.value("Cc").toArray(),
            QJsonArray({ address("", "x@example.com"), address("Y", "y@example.com") }));
        QCOMPARE(s.value("Bcc").toArray(),
            QJsonArray(
                { address("Bläck", "blind@example.com"), address("", "extra@example.com") }));
        QCOMPARE(s.value("Subject").toString(), QString::fromUtf8("\xF0\x9F\x98\x80 emoji"));
    }

    void fromWithoutAddress()
    {
        const SmtpStoredMessage named
            = stored(crlf("From: Undisclosed sender\nSubject: x\n\nbody\n"));
        QCOMPARE(MailpitJson::summary(named).value("From").toObject(),
            address("Undisclosed sender", ""));
        const SmtpStoredMessage local = stored(crlf("From: root\nSubject: x\n\nbody\n"));
        QCOMPARE(MailpitJson::summary(local).value("From").toObject(), address("root", ""));
        const SmtpStoredMessage none = stored(crlf("Subject: x\n\nbody\n"));
        QCOMPARE(MailpitJson::summary(none).value("From").toObject(), address("", ""));
        QCOMPARE(full(none).value("ReturnPath").toString(), "sender@example.com");
        const SmtpStoredMessage bounce
            = stored(envelope(crlf("Subject: bounce\n\nbody\n"), { "to@example.com" }, ""));
        QCOMPARE(full(bounce).value("ReturnPath").toString(), "");
    }

    void singlePartAttachment()
    {
        const SmtpStoredMessage message
            = stored(crlf("From: a@example.com\nContent-Type: application/pdf; name=r.pdf\n"
                          "Content-Disposition: attachment; filename=r.pdf\n"
                          "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"));
        QCOMPARE(MailpitJson::summary(message).value("Attachments").toInt(), 1);
        const QJsonObject m = full(message);
        QCOMPARE(m.value("Text").toString(), "");
        const QJsonArray attachments = m.value("Attachments").toArray();
        QCOMPARE(attachments.size(), 1);
        QCOMPARE(attachments.at(0).toObject().value("PartID").toString(), "1");
        QCOMPARE(attachments.at(0).toObject().value("Size").toInt(), reportContent().size());
    }

    void textPartsJoinedAndUnnamedParts()
    {
        // A mixed message with a second text/plain shown inline (with a name): Mailpit joins the
        // texts; an unnamed octet-stream counts as an attachment but is not listed; an image
        // without a disposition but with a Content-ID is inline.
        const SmtpStoredMessage message = stored(
            crlf("From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n"
                 "--b\nContent-Type: text/plain\n\nfirst\n"
                 "--b\nContent-Type: text/plain; charset=iso-8859-1; name=log.txt\n"
                 "Content-Disposition: inline; filename=log.txt\nContent-Transfer-Encoding: "
                 "quoted-printable\n\ncaf=E9\n"
                 "--b\nContent-Type: application/octet-stream\n\nxyz\n"
                 "--b\nContent-Type: image/gif\nContent-ID: <pic>\n\nGIF\n"
                 "--b--\n"));
        QCOMPARE(MailpitJson::summary(message).value("Attachments").toInt(), 1);
        const QJsonObject m = full(message);
        QCOMPARE(m.value("Text").toString(), "first\n--\ncafé");
        QCOMPARE(m.value("Attachments").toArray(), QJsonArray());
        const QJsonArray inlines = m.value("Inline").toArray();
        QCOMPARE(inlines.size(), 2);
        QCOMPARE(inlines.at(0).toObject().value("PartID").toString(), "2");
        QCOMPARE(inlines.at(0).toObject().value("FileName").toString(), "log.txt");
        QCOMPARE(inlines.at(1).toObject().value("PartID").toString(), "4");
        QCOMPARE(inlines.at(1).toObject().value("FileName").toString(), "pic"); // the Content-ID
    }

    void namedHtmlPartIsTheHtml()
    {
        // An HTML part shown inline with a file name: the store keeps no HTML body for it, but
        // Mailpit's HTML is the first text/html that is not an attachment.
        const SmtpStoredMessage message
            = stored(crlf("From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n"
                          "--b\nContent-Type: text/html; charset=iso-8859-1\n"
                          "Content-Disposition: inline; filename=page.html\n\n<p>caf\xe9</p>\n"
                          "--b--\n"));
        const QJsonObject m = full(message);
        QCOMPARE(m.value("HTML").toString(), "<p>café</p>");
        QCOMPARE(m.value("Text").toString(), "café");
        QCOMPARE(m.value("Inline").toArray().size(), 1);
    }

    void summaryAlikeBeforeAndAfterIndexing()
    {
        const qint64 id = deliver(*m_store, envelope(nodemailerMessage(), { "x@example.com" }));
        const QJsonObject early = MailpitJson::summary(*m_store->message(id));
        QTRY_VERIFY_WITH_TIMEOUT(m_store->indexedUpTo() >= id, 30000);
        QCOMPARE(MailpitJson::summary(*m_store->message(id)), early);
    }

    void headersShape()
    {
        const QByteArray raw = "message-id: <m@example.com>\r\n"
                               "MIME-Version: 1.0\r\n"
                               "x-test-run: 7\r\n"
                               "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and\r\n"
                               "   a folded\r\n"
                               "\tline  \r\n"
                               "Received: one\r\n"
                               "X-Latin: caf\xe9\r\n"
                               "received: two\r\n"
                               "X Weird: kept\r\n"
                               "not a field\r\n"
                               "\r\n"
                               "Body: not a header\r\n";
        const QJsonObject h = MailpitJson::headers(raw);
        QCOMPARE(h.keys(),
            QStringList({ "Message-Id", "Mime-Version", "Received", "Subject", "X Weird", "X-Latin",
                "X-Test-Run" }));
        QCOMPARE(h.value("Message-Id").toArray(), QJsonArray({ "<m@example.com>" }));
        QCOMPARE(h.value("Subject").toArray(),
            QJsonArray({ "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= and a folded line" }));
        QCOMPARE(h.value("Received").toArray(), QJsonArray({ "one", "two" }));
        QCOMPARE(
            h.value("X-Latin").toArray(), QJsonArray({ QString::fromUtf8("caf\xEF\xBF\xBD") }));
        QVERIFY(!h.contains("Body"));
        // Written in key order, as Go's encoder does.
        const QByteArray json = QJsonDocument(h).toJson(QJsonDocument::Compact);
        QVERIFY(json.indexOf("\"Message-Id\"") < json.indexOf("\"Mime-Version\""));
        QVERIFY(json.indexOf("\"X-Latin\"") < json.indexOf("\"X-Test-Run\""));
    }

    void canonicalKeys_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("key");
        QTest::newRow("lower") << QByteArray("content-type") << QByteArray("Content-Type");
        QTest::newRow("upper") << QByteArray("MESSAGE-ID") << QByteArray("Message-Id");
        QTest::newRow("digits") << QByteArray("x-1a-b2") << QByteArray("X-1a-B2");
        QTest::newRow("space") << QByteArray("bad key") << QByteArray("bad key");
        QTest::newRow("8bit") << QByteArray("x-\xc3\xa4") << QByteArray("x-\xc3\xa4");
    }
    void canonicalKeys()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, key);
        QCOMPARE(MailpitHeaders::canonicalKey(name), key);
    }

    void nonUtf8HeaderBytes()
    {
        const SmtpStoredMessage message = stored(
            QByteArray("From: Ren\xe9 <r@example.com>\r\nSubject: caf\xe9\r\n\r\nbody\r\n"));
        const QJsonObject s = MailpitJson::summary(message);
        QCOMPARE(s.value("From").toObject(), address("René", "r@example.com"));
        QCOMPARE(s.value("Subject").toString(), "café");
        QCOMPARE(MailpitJson::headers(message.message().data()).value("Subject").toArray(),
            QJsonArray({ QString::fromUtf8("caf\xEF\xBF\xBD") }));
    }

    void storeIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<qint64>("storeId"); // 0: names no message
        QTest::newRow("6") << "6" << qint64(6);
        QTest::newRow("1234") << "1234" << qint64(1234);
        QTest::newRow("largest") << "9223372036854775807" << std::numeric_limits<qint64>::max();
        // One message, one ID: every other spelling of the number names none.
        QTest::newRow("leading zero") << "06" << qint64(0);
        QTest::newRow("zeros") << "0000000000000000006" << qint64(0);
        QTest::newRow("plus") << "+6" << qint64(0);
        QTest::newRow("space before") << " 6" << qint64(0);
        QTest::newRow("space after") << "6 " << qint64(0);
        QTest::newRow("decimal point") << "6.0" << qint64(0);
        QTest::newRow("exponent") << "6e0" << qint64(0);
        QTest::newRow("hex") << "0x6" << qint64(0);
        QTest::newRow("Arabic-Indic digit") << QString(QChar(0x0666)) << qint64(0);
        QTest::newRow("zero") << "0" << qint64(0);
        QTest::newRow("negative") << "-6" << qint64(0);
        QTest::newRow("too large") << "9223372036854775808" << qint64(0);
        QTest::newRow("too long") << "12345678901234567890123" << qint64(0);
        QTest::newRow("empty") << "" << qint64(0);
        QTest::newRow("latest") << "latest" << qint64(0);
    }
    void storeIds()
    {
        QFETCH(QString, id);
        QFETCH(qint64, storeId);
        QCOMPARE(MailpitJson::storeId(id), storeId);
    }

    void listUnsubscribeErrors()
    {
        QCOMPARE(MailpitUnsubscribe::parse("<https://a.example/u> (comment)").links,
            QStringList({ "https://a.example/u" }));
        QCOMPARE(MailpitUnsubscribe::parse("https://a.example/u").errors,
            "\"https://a.example/u\" no valid unsubscribe links found");
        const MailpitUnsubscribe::Result two
            = MailpitUnsubscribe::parse("<http://a.example>, <http://b.example>");
        QCOMPARE(two.links, QStringList({ "http://a.example" }));
        QCOMPARE(two.errors, "\"http://b.example\" should only contain one HTTP link");
        QCOMPARE(MailpitUnsubscribe::parse("<ftp://x>").errors,
            "\"ftp://x\" should start with either http(s):// or mailto:");
        QCOMPARE(MailpitUnsubscribe::parse("<mailto:a@x> <http://b>").errors,
            "\"<mailto:a@x> <http://b>\" <> should be split with a comma and optional spaces");
    }
};

QTEST_GUILESS_MAIN(TestMailpitJson)
#include "tst_mailpitjson.moc"
