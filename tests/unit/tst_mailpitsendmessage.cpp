// MailpitSendMessage: the JSON of POST /api/v1/send turned into a message. Every structure is
// read back by the store's own parser (a ':memory:' store), so parts, encodings and attachments
// are checked the way every reader of the store will see them; refusals are one line each.
#include "mailpitsendmessage.h"

#include <smtpmessagestore.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <atomic>
#include <memory>

class TestMailpitSendMessage : public QObject
{
    Q_OBJECT

private:
    SmtpMessageStore *m_store = nullptr;

    static QJsonObject mailbox(const QString &email, const QString &name = {})
    {
        return QJsonObject { { QStringLiteral("Email"), email }, { QStringLiteral("Name"), name } };
    }

    // The smallest good request: From, one To, a subject and a text.
    static QJsonObject minimal()
    {
        return QJsonObject {
            { QStringLiteral("From"),
                mailbox(QStringLiteral("sender@example.com"), QStringLiteral("Sender")) },
            { QStringLiteral("To"), QJsonArray { mailbox(QStringLiteral("to@example.com")) } },
            { QStringLiteral("Subject"), QStringLiteral("Hello") },
            { QStringLiteral("Text"), QStringLiteral("Hello there\n") },
        };
    }

    static MailpitSendMessage build(const QJsonObject &request)
    {
        return MailpitSendMessage::fromJson(QJsonDocument(request).toJson(QJsonDocument::Compact),
            QStringLiteral("mail.example.test"),
            QDateTime(QDate(2026, 12, 5), QTime(7, 1, 2), Qt::UTC));
    }

    // Stores data and reads it back, parsed by the store.
    SmtpStoredMessage parsed(const MailpitSendMessage &built)
    {
        SmtpMessage message;
        message.setReceivedAt(QDateTime::currentDateTimeUtc());
        message.setMailFrom(built.mailFrom);
        message.setRcptTos(built.rcptTos);
        message.setData(built.data);
        const auto id = std::make_shared<std::atomic<qint64>>(-1);
        m_store->deliver(message, [id](const SmtpSinkResult &r) { *id = r.ok ? r.id : 0; });
        if (!QTest::qWaitFor([&] { return *id >= 0; }, 10000) || *id == 0)
            return {};
        return m_store->message(*id).value_or(SmtpStoredMessage());
    }

    static QByteArray headerBlock(const QByteArray &data)
    {
        return data.left(data.indexOf("\r\n\r\n") + 2);
    }

    static QList<QByteArray> headerNames(const QByteArray &data)
    {
        QList<QByteArray> names;
        for (const QByteArray &line : headerBlock(data).split('\n')) {
            if (!line.isEmpty() && line.at(0) != ' ' && line.at(0) != '\t' && line.contains(':'))
                names.append(line.left(line.indexOf(':')).toLower());
        }
        return names;
    }

    static QStringList types(const QList<SmtpMimePart> &parts)
    {
        QStringList out;
        for (const SmtpMimePart &part : parts)
            out.append(part.contentType());
        return out;
    }

    static QJsonObject attachment(const QByteArray &content, const QString &name,
        const QString &type = {}, const QString &cid = {})
    {
        QJsonObject object { { QStringLiteral("Content"), QString::fromLatin1(content.toBase64()) },
            { QStringLiteral("Filename"), name } };
        if (!type.isEmpty())
            object.insert(QStringLiteral("ContentType"), type);
        if (!cid.isEmpty())
            object.insert(QStringLiteral("ContentID"), cid);
        return object;
    }

    static QByteArray pngBytes()
    {
        QByteArray png = QByteArray::fromHex("89504e470d0a1a0a0000000d49484452");
        for (int i = 0; i < 300; ++i)
            png.append(char(i * 7));
        return png;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_store = new SmtpMessageStore(this);
        QVERIFY2(m_store->open(QStringLiteral(":memory:")), qPrintable(m_store->errorString()));
    }

    void textOnlyIsOneTextPlainPart()
    {
        const MailpitSendMessage built = build(minimal());
        QVERIFY2(built.isValid(), qPrintable(built.error));
        const SmtpStoredMessage stored = parsed(built);
        QVERIFY(!stored.parseFailed());
        QCOMPARE(stored.rootPart().contentType(), QStringLiteral("text/plain"));
        QCOMPARE(stored.rootPart().charset().toLower(), QStringLiteral("utf-8"));
        QCOMPARE(stored.rootPart().children().size(), 0);
        QCOMPARE(stored.textBody(), QStringLiteral("Hello there\r\n"));
        QCOMPARE(stored.summary().subject, QStringLiteral("Hello"));
        QCOMPARE(stored.summary().from, QStringLiteral("Sender <sender@example.com>"));
        QCOMPARE(stored.summary().to, QStringLiteral("to@example.com"));
        QCOMPARE(built.mailFrom, QStringLiteral("sender@example.com"));
        QCOMPARE(built.rcptTos, QStringList { QStringLiteral("to@example.com") });
    }

    void headersTheBuilderWrites()
    {
        const MailpitSendMessage built = build(minimal());
        const QList<QByteArray> names = headerNames(built.data);
        for (const char *name : { "date", "message-id", "from", "to", "subject", "mime-version" })
            QVERIFY2(names.count(name) == 1, name);
        const QByteArray block = headerBlock(built.data);
        QVERIFY2(block.contains("Date: Sat, 05 Dec 2026 07:01:02 +0000"), block.constData());
        QVERIFY(block.contains("MIME-Version: 1.0\r\n"));
        const SmtpStoredMessage stored = parsed(built);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f-]{36}@mail\\.example\\.test$"))
                    .match(stored.messageId())
                    .hasMatch());
        // Two builds never share a Message-ID.
        QVERIFY(parsed(build(minimal())).messageId() != stored.messageId());
    }

    void everyLineEndsInCrlf()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Text"), QStringLiteral("one\ntwo\r\nthree\rfour"));
        request.insert(QStringLiteral("HTML"), QStringLiteral("<p>one</p>\n<p>two</p>"));
        request.insert(QStringLiteral("Attachments"),
            QJsonArray {
                attachment("a\nb\n", QStringLiteral("notes.txt"), QStringLiteral("text/plain")) });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.data.count('\n'), built.data.count("\r\n"));
        QCOMPARE(built.data.count('\r'), built.data.count("\r\n"));
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(stored.textBody(), QStringLiteral("one\r\ntwo\r\nthree\r\nfour"));
    }

    void textAndHtmlAreAlternatives()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("HTML"), QStringLiteral("<p>Hello <b>there</b></p>"));
        const SmtpStoredMessage stored = parsed(build(request));
        QCOMPARE(stored.rootPart().contentType(), QStringLiteral("multipart/alternative"));
        QCOMPARE(types(stored.rootPart().children()),
            (QStringList { QStringLiteral("text/plain"), QStringLiteral("text/html") }));
        QCOMPARE(stored.htmlBody(), QStringLiteral("<p>Hello <b>there</b></p>"));
        QCOMPARE(stored.textBody(), QStringLiteral("Hello there\r\n"));
        QVERIFY(stored.attachments().isEmpty());
    }

    void htmlOnlyIsOneTextHtmlPart()
    {
        QJsonObject request = minimal();
        request.remove(QStringLiteral("Text"));
        request.insert(QStringLiteral("HTML"), QStringLiteral("<p>only</p>"));
        const SmtpStoredMessage stored = parsed(build(request));
        QCOMPARE(stored.rootPart().contentType(), QStringLiteral("text/html"));
        // A single-part body keeps the CRLF that ends the message.
        QCOMPARE(stored.htmlBody(), QStringLiteral("<p>only</p>\r\n"));
    }

    void inlinePartsAreRelatedToTheHtmlAndAttachmentsMixed()
    {
        // nodemailer's shape: mixed[alternative[text, related[html, image]], attachment...].
        QJsonObject request = minimal();
        request.insert(
            QStringLiteral("HTML"), QStringLiteral("<p>logo: <img src=\"cid:logo@x\"></p>"));
        const QByteArray png = pngBytes();
        const QByteArray pdf = QByteArray("%PDF-1.4\n") + QByteArray(2000, '\x01');
        request.insert(QStringLiteral("Attachments"),
            QJsonArray { attachment(png, QStringLiteral("logo.png"), QStringLiteral("image/png"),
                             QStringLiteral("<logo@x>")),
                attachment(pdf, QStringLiteral("report.pdf"), QStringLiteral("application/pdf")),
                attachment(
                    "plain words\n", QStringLiteral("notes.txt"), QStringLiteral("text/plain")) });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        const SmtpStoredMessage stored = parsed(built);
        const SmtpMimePart root = stored.rootPart();
        QCOMPARE(root.contentType(), QStringLiteral("multipart/mixed"));
        QCOMPARE(types(root.children()),
            (QStringList { QStringLiteral("multipart/alternative"),
                QStringLiteral("application/pdf"), QStringLiteral("text/plain") }));
        const SmtpMimePart alternative = root.children().at(0);
        QCOMPARE(types(alternative.children()),
            (QStringList { QStringLiteral("text/plain"), QStringLiteral("multipart/related") }));
        const SmtpMimePart related = alternative.children().at(1);
        QCOMPARE(types(related.children()),
            (QStringList { QStringLiteral("text/html"), QStringLiteral("image/png") }));

        const SmtpMimePart image = related.children().at(1);
        QCOMPARE(image.contentId(), QStringLiteral("logo@x"));
        QCOMPARE(image.disposition(), QStringLiteral("inline"));
        QCOMPARE(image.fileName(), QStringLiteral("logo.png"));
        QCOMPARE(image.transferEncoding(), QStringLiteral("base64"));
        QVERIFY(image.isInline());
        QCOMPARE(m_store->partContent(stored.id(), image.partId()), png);

        const SmtpMimePart report = root.children().at(1);
        QCOMPARE(report.disposition(), QStringLiteral("attachment"));
        QCOMPARE(report.fileName(), QStringLiteral("report.pdf"));
        QVERIFY(report.isAttachment() && !report.isInline());
        QCOMPARE(m_store->partContent(stored.id(), report.partId()), pdf);
        QCOMPARE(m_store->partContent(stored.id(), root.children().at(2).partId()),
            QByteArray("plain words\r\n"));
        QVERIFY(stored.hasAttachments());
        QCOMPARE(stored.htmlBody(), QStringLiteral("<p>logo: <img src=\"cid:logo@x\"></p>"));
        QCOMPARE(stored.textBody(), QStringLiteral("Hello there\r\n"));
    }

    void htmlOnlyWithAnInlineImageIsRelated()
    {
        QJsonObject request = minimal();
        request.remove(QStringLiteral("Text"));
        request.insert(QStringLiteral("HTML"), QStringLiteral("<img src=\"cid:a\">"));
        request.insert(QStringLiteral("Attachments"),
            QJsonArray {
                attachment(pngBytes(), QStringLiteral("a.png"), {}, QStringLiteral("a")) });
        const SmtpStoredMessage stored = parsed(build(request));
        QCOMPARE(stored.rootPart().contentType(), QStringLiteral("multipart/related"));
        QCOMPARE(types(stored.rootPart().children()),
            (QStringList { QStringLiteral("text/html"), QStringLiteral("image/png") }));
    }

    // A text attachment with a bare CR cannot go as 7bit lines (GMime would let the CR
    // through, SMTP forbids it): it goes as base64 and comes back byte for byte. Found by
    // fuzz_mailpitsend.
    void textAttachmentWithBareCarriageReturnIsBase64()
    {
        const QByteArray content("a\rb\nc\r");
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Attachments"),
            QJsonArray {
                attachment(content, QStringLiteral("odd.txt"), QStringLiteral("text/plain")) });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.data.count('\r'), built.data.count("\r\n"));
        QCOMPARE(built.data.count('\n'), built.data.count("\r\n"));
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(m_store->partContent(stored.id(), stored.rootPart().children().at(1).partId()),
            content);
    }

    void attachmentTypeIsGuessedWhenMissing()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Attachments"),
            QJsonArray { attachment(pngBytes(), QStringLiteral("picture.png")),
                attachment(QByteArray(100, '\x02'), QString()) });
        const SmtpStoredMessage stored = parsed(build(request));
        QCOMPARE(types(stored.rootPart().children()),
            (QStringList { QStringLiteral("text/plain"), QStringLiteral("image/png"),
                QStringLiteral("application/octet-stream") }));
    }

    void dataUrlContentIsDecoded()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Attachments"),
            QJsonArray {
                QJsonObject { { QStringLiteral("Content"),
                                  QString(QStringLiteral("data:text/plain;base64,")
                                      + QString::fromLatin1(QByteArray("hi there").toBase64())) },
                    { QStringLiteral("Filename"), QStringLiteral("hi.txt") } } });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(m_store->partContent(stored.id(), stored.rootPart().children().at(1).partId()),
            QByteArray("hi there"));
    }

    void nonAsciiIsEncodedSevenBit()
    {
        QJsonObject request = minimal();
        const QString text = QStringLiteral("Grüße aus Zürich, 日本語のテキスト\n");
        const QString subject = QStringLiteral("Grüße, 日本");
        request.insert(QStringLiteral("Subject"), subject);
        request.insert(QStringLiteral("Text"), text);
        request.insert(QStringLiteral("HTML"), QStringLiteral("<p>Grüße</p>"));
        request.insert(QStringLiteral("From"),
            mailbox(QStringLiteral("sender@example.com"), QStringLiteral("Jürgen Müller")));
        request.insert(QStringLiteral("Attachments"),
            QJsonArray { attachment(
                "x", QStringLiteral("Bericht über Äpfel.txt"), QStringLiteral("text/plain")) });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        for (const char c : built.data)
            QVERIFY2(uchar(c) < 0x80, "a byte above 127");
        const QByteArray block = headerBlock(built.data);
        QVERIFY2(block.toLower().contains("subject: =?utf-8?"), block.constData());
        QVERIFY2(block.toLower().contains("from: =?utf-8?"), block.constData());
        QVERIFY2(!built.data.toLower().contains("iso-8859-1"), built.data.constData());
        QVERIFY2(
            built.data.toLower().contains("*=utf-8''bericht%20%c3%bcber"), built.data.constData());
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(stored.summary().subject, subject);
        QCOMPARE(stored.summary().from, QStringLiteral("Jürgen Müller <sender@example.com>"));
        QCOMPARE(
            stored.textBody(), QString(text).replace(QStringLiteral("\n"), QStringLiteral("\r\n")));
        QCOMPARE(stored.htmlBody(), QStringLiteral("<p>Grüße</p>"));
        const QList<SmtpMimePart> bodies = stored.rootPart().children().at(0).children();
        for (const SmtpMimePart &body : bodies) {
            QVERIFY2(body.transferEncoding() == QStringLiteral("quoted-printable")
                    || body.transferEncoding() == QStringLiteral("base64"),
                qPrintable(body.transferEncoding()));
            QCOMPARE(body.charset().toLower(), QStringLiteral("utf-8"));
        }
        QCOMPARE(stored.rootPart().children().at(1).fileName(),
            QStringLiteral("Bericht über Äpfel.txt"));
    }

    void bccIsInTheEnvelopeOnly()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("To"),
            QJsonArray { mailbox(QStringLiteral("a@example.com"), QStringLiteral("A")),
                mailbox(QStringLiteral("b@example.com")) });
        request.insert(
            QStringLiteral("Cc"), QJsonArray { mailbox(QStringLiteral("c@example.com")) });
        request.insert(QStringLiteral("Bcc"),
            QJsonArray {
                QStringLiteral("hidden@example.com"), QStringLiteral("secret@example.org") });
        request.insert(QStringLiteral("ReplyTo"),
            QJsonArray { mailbox(QStringLiteral("reply@example.com"), QStringLiteral("Desk")) });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.rcptTos,
            (QStringList { QStringLiteral("a@example.com"), QStringLiteral("b@example.com"),
                QStringLiteral("c@example.com"), QStringLiteral("hidden@example.com"),
                QStringLiteral("secret@example.org") }));
        QVERIFY(!headerNames(built.data).contains("bcc"));
        QVERIFY(!built.data.contains("hidden@example.com"));
        QVERIFY(!built.data.contains("secret@example.org"));
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(stored.summary().to, QStringLiteral("A <a@example.com>, b@example.com"));
        QCOMPARE(stored.cc(), QStringLiteral("c@example.com"));
        QCOMPARE(stored.replyTo(), QStringLiteral("Desk <reply@example.com>"));
    }

    void bccAloneIsEnough()
    {
        QJsonObject request = minimal();
        request.remove(QStringLiteral("To"));
        request.insert(QStringLiteral("Bcc"), QJsonArray { QStringLiteral("only@example.com") });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.rcptTos, QStringList { QStringLiteral("only@example.com") });
    }

    void customHeadersAreWritten()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Headers"),
            QJsonObject { { QStringLiteral("X-Test-Run"), QStringLiteral("42") },
                { QStringLiteral("X-Note"), QStringLiteral("Grüße") },
                { QStringLiteral("Message-ID"), QStringLiteral("<given@example.com>") } });
        request.insert(
            QStringLiteral("Tags"), QJsonArray { QStringLiteral("one"), QStringLiteral("two") });
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.tags, (QStringList { QStringLiteral("one"), QStringLiteral("two") }));
        QVERIFY(headerBlock(built.data).contains("X-Test-Run: 42\r\n"));
        QCOMPARE(headerNames(built.data).count("message-id"), 1);
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(stored.header(QStringLiteral("X-Note")), QStringLiteral("Grüße"));
        QCOMPARE(stored.messageId(), QStringLiteral("given@example.com"));
    }

    void lineBreaksInTheSubjectAndNamesBecomeSpaces()
    {
        QJsonObject request = minimal();
        request.insert(
            QStringLiteral("Subject"), QStringLiteral("one\r\nBcc: injected@example.com"));
        request.insert(QStringLiteral("From"),
            mailbox(QStringLiteral("sender@example.com"), QStringLiteral("Eve\r\nX-Evil: 1")));
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        const QList<QByteArray> names = headerNames(built.data);
        QVERIFY(!names.contains("bcc"));
        QVERIFY(!names.contains("x-evil"));
        QCOMPARE(parsed(built).summary().subject, QStringLiteral("one Bcc: injected@example.com"));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const auto with = [](const char *key, const QJsonValue &value) {
            QJsonObject request = minimal();
            request.insert(QLatin1String(key), value);
            return QJsonDocument(request).toJson(QJsonDocument::Compact);
        };
        const auto without = [](const char *key) {
            QJsonObject request = minimal();
            request.remove(QLatin1String(key));
            return QJsonDocument(request).toJson(QJsonDocument::Compact);
        };
        QTest::newRow("not JSON") << QByteArray("{\"From\": ") << QStringLiteral("invalid JSON");
        QTest::newRow("empty body") << QByteArray() << QStringLiteral("invalid JSON");
        QTest::newRow("an array") << QByteArray("[]") << QStringLiteral("invalid JSON");
        QTest::newRow("no From") << without("From") << QStringLiteral("From.Email is required");
        QTest::newRow("empty From.Email")
            << with("From", mailbox(QString())) << QStringLiteral("From.Email is required");
        QTest::newRow("From not an object")
            << with("From", QStringLiteral("a@b.c")) << QStringLiteral("From.Email is required");
        QTest::newRow("bad From") << with("From", mailbox(QStringLiteral("not an address")))
                                  << QStringLiteral("invalid From address: not an address");
        QTest::newRow("bad To") << with("To", QJsonArray { mailbox(QStringLiteral("a@@b")) })
                                << QStringLiteral("invalid To address: a@@b");
        QTest::newRow("To with CRLF")
            << with("To", QJsonArray { mailbox(QStringLiteral("a@b.c\r\nBcc: x@y.z")) })
            << QStringLiteral("invalid To address");
        QTest::newRow("bad Cc") << with("Cc", QJsonArray { mailbox(QStringLiteral("@b.c")) })
                                << QStringLiteral("invalid Cc address: @b.c");
        QTest::newRow("bad Bcc") << with("Bcc", QJsonArray { QStringLiteral("x@") })
                                 << QStringLiteral("invalid Bcc address: x@");
        QTest::newRow("bad Reply-To")
            << with("ReplyTo", QJsonArray { mailbox(QStringLiteral("a b@c.d")) })
            << QStringLiteral("invalid Reply-To address: a b@c.d");
        QTest::newRow("To not an array") << with("To", mailbox(QStringLiteral("a@b.c")))
                                         << QStringLiteral("To must be an array");
        QTest::newRow("no recipients")
            << without("To") << QStringLiteral("no recipients specified");
        QTest::newRow("empty recipients")
            << with("To", QJsonArray {}) << QStringLiteral("no recipients specified");
        QTest::newRow("Text not a string")
            << with("Text", 42) << QStringLiteral("Text must be a string");
        QTest::newRow("bad base64") << with("Attachments",
            QJsonArray {
                QJsonObject { { QStringLiteral("Content"), QStringLiteral("@@not base64!!") },
                    { QStringLiteral("Filename"), QStringLiteral("f.bin") } } })
                                    << QStringLiteral("error decoding base64 attachment \"f.bin\"");
        QTest::newRow("truncated base64") << with("Attachments",
            QJsonArray { QJsonObject { { QStringLiteral("Content"), QStringLiteral("aGVsbG") },
                { QStringLiteral("Filename"), QStringLiteral("t.bin") } } })
                                          << QStringLiteral(
                                                 "error decoding base64 attachment \"t.bin\"");
        QTest::newRow("bad ContentType") << with("Attachments",
            QJsonArray { QJsonObject { { QStringLiteral("Content"), QStringLiteral("aGk=") },
                { QStringLiteral("Filename"), QStringLiteral("f") },
                { QStringLiteral("ContentType"), QStringLiteral("text/plain\r\nX-Evil: 1") } } })
                                         << QStringLiteral("invalid ContentType");
        QTest::newRow("header name with a space")
            << with("Headers", QJsonObject { { QStringLiteral("X Bad"), QStringLiteral("v") } })
            << QStringLiteral("invalid header name: \"X Bad\"");
        QTest::newRow("header name with a colon")
            << with("Headers", QJsonObject { { QStringLiteral("X-Bad:"), QStringLiteral("v") } })
            << QStringLiteral("invalid header name");
        QTest::newRow("header name not ASCII")
            << with("Headers", QJsonObject { { QStringLiteral("X-Grüße"), QStringLiteral("v") } })
            << QStringLiteral("invalid header name");
        QTest::newRow("header value with CRLF")
            << with("Headers",
                   QJsonObject { { QStringLiteral("X-Ok"), QStringLiteral("v\r\nBcc: x@y.z") } })
            << QStringLiteral("invalid value for header \"X-Ok\"");
        QTest::newRow("header value with LF") << with(
            "Headers", QJsonObject { { QStringLiteral("X-Ok"), QStringLiteral("v\nX-Evil: 1") } })
                                              << QStringLiteral("line breaks are not allowed");
        QTest::newRow("header value not a string")
            << with("Headers", QJsonObject { { QStringLiteral("X-Ok"), 1 } })
            << QStringLiteral("must be a string");
        QTest::newRow("Subject in Headers")
            << with("Headers", QJsonObject { { QStringLiteral("Subject"), QStringLiteral("x") } })
            << QStringLiteral("cannot overwrite header: \"Subject\"");
        QTest::newRow("Bcc in Headers")
            << with("Headers", QJsonObject { { QStringLiteral("bcc"), QStringLiteral("x@y.z") } })
            << QStringLiteral("cannot overwrite header: \"bcc\"");
        QTest::newRow("Content-Type in Headers") << with("Headers",
            QJsonObject { { QStringLiteral("Content-Type"), QStringLiteral("text/html") } })
                                                 << QStringLiteral("cannot overwrite header");
        QTest::newRow("Tags not strings")
            << with("Tags", QJsonArray { 1 }) << QStringLiteral("Tags must be an array of strings");
    }

    void refused()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const MailpitSendMessage built = MailpitSendMessage::fromJson(json, QStringLiteral("x"));
        QVERIFY(!built.isValid());
        QVERIFY2(built.error.contains(error), qPrintable(built.error));
        QVERIFY(
            !built.error.contains(QLatin1Char('\n')) && !built.error.contains(QLatin1Char('\r')));
        QVERIFY(built.data.isEmpty());
    }

    // Each list of the request is bounded, the recipients as SMTP bounds them: at the bound the
    // request is taken, one more is a 400 whose line names the bound.
    void listsAreBounded_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("error"); // empty: accepted
        const QString recipients = QStringLiteral(
            "too many recipients (To, Cc and Bcc together): 1001, at most 1000 are allowed");
        QTest::newRow("1000 recipients") << QStringLiteral("To+Cc+Bcc") << 1000 << QString();
        QTest::newRow("1001 recipients") << QStringLiteral("To+Cc+Bcc") << 1001 << recipients;
        QTest::newRow("1001 To") << QStringLiteral("To") << 1001 << recipients;
        QTest::newRow("1001 Bcc") << QStringLiteral("Bcc") << 1001 << recipients;
        QTest::newRow("1000 Reply-To") << QStringLiteral("ReplyTo") << 1000 << QString();
        QTest::newRow("1001 Reply-To")
            << QStringLiteral("ReplyTo") << 1001
            << QStringLiteral("too many ReplyTo: 1001, at most 1000 are allowed");
        QTest::newRow("100 attachments") << QStringLiteral("Attachments") << 100 << QString();
        QTest::newRow("101 attachments")
            << QStringLiteral("Attachments") << 101
            << QStringLiteral("too many Attachments: 101, at most 100 are allowed");
        QTest::newRow("100 headers") << QStringLiteral("Headers") << 100 << QString();
        QTest::newRow("101 headers") << QStringLiteral(
            "Headers") << 101 << QStringLiteral("too many Headers: 101, at most 100 are allowed");
        QTest::newRow("100 tags") << QStringLiteral("Tags") << 100 << QString();
        QTest::newRow("101 tags") << QStringLiteral("Tags") << 101
                                  << QStringLiteral("too many Tags: 101, at most 100 are allowed");
    }
    void listsAreBounded()
    {
        QFETCH(QString, key);
        QFETCH(int, count);
        QFETCH(QString, error);
        QJsonObject request = minimal();
        const auto address = [](int i) { return QStringLiteral("r%1@example.com").arg(i); };
        if (key == QStringLiteral("To+Cc+Bcc")) {
            // Thirds, the rest in Bcc.
            QJsonArray to, cc, bcc;
            for (int i = 0; i < count; ++i) {
                if (i < count / 3)
                    to.append(mailbox(address(i)));
                else if (i < 2 * (count / 3))
                    cc.append(mailbox(address(i)));
                else
                    bcc.append(address(i));
            }
            request.insert(QStringLiteral("To"), to);
            request.insert(QStringLiteral("Cc"), cc);
            request.insert(QStringLiteral("Bcc"), bcc);
        } else if (key == QStringLiteral("Headers")) {
            QJsonObject headers;
            for (int i = 0; i < count; ++i)
                headers.insert(QStringLiteral("X-Field-%1").arg(i), QStringLiteral("v"));
            request.insert(key, headers);
        } else {
            QJsonArray items;
            for (int i = 0; i < count; ++i) {
                if (key == QStringLiteral("Bcc") || key == QStringLiteral("Tags"))
                    items.append(key == QStringLiteral("Tags") ? QStringLiteral("tag%1").arg(i)
                                                               : address(i));
                else if (key == QStringLiteral("Attachments"))
                    items.append(attachment("x", QStringLiteral("f%1.txt").arg(i)));
                else
                    items.append(mailbox(address(i)));
            }
            if (key == QStringLiteral("To") || key == QStringLiteral("Bcc"))
                request.remove(QStringLiteral("To"));
            request.insert(key, items);
        }
        const MailpitSendMessage built = build(request);
        if (error.isEmpty()) {
            QVERIFY2(built.isValid(), qPrintable(built.error));
            return;
        }
        QCOMPARE(built.error, error);
        QVERIFY(built.data.isEmpty());
    }

    // A thousand recipients and a thousand Reply-To addresses: every one is in its field, in
    // order, as the store reads them back.
    void aThousandAddressesAreAllInTheirFields()
    {
        QJsonObject request = minimal();
        QJsonArray to, cc, bcc, replyTo;
        QStringList toShown, ccShown, replyToShown, rcptTos;
        for (int i = 0; i < 1000; ++i) {
            const QString address = QStringLiteral("r%1@example.com").arg(i);
            const QString name = QStringLiteral("Recipient Nümber %1").arg(i);
            rcptTos.append(address);
            if (i < 600) {
                to.append(mailbox(address, name));
                toShown.append(name + QStringLiteral(" <") + address + u'>');
            } else if (i < 900) {
                cc.append(mailbox(address));
                ccShown.append(address);
            } else {
                bcc.append(address);
            }
            const QString reply = QStringLiteral("desk%1@example.org").arg(i);
            replyTo.append(mailbox(reply, QStringLiteral("Desk %1").arg(i)));
            replyToShown.append(QStringLiteral("Desk %1 <").arg(i) + reply + u'>');
        }
        request.insert(QStringLiteral("To"), to);
        request.insert(QStringLiteral("Cc"), cc);
        request.insert(QStringLiteral("Bcc"), bcc);
        request.insert(QStringLiteral("ReplyTo"), replyTo);
        const MailpitSendMessage built = build(request);
        QVERIFY2(built.isValid(), qPrintable(built.error));
        QCOMPARE(built.rcptTos, rcptTos);
        QVERIFY(!built.data.contains("r900@example.com")); // Bcc: the envelope only
        const SmtpStoredMessage stored = parsed(built);
        QCOMPARE(stored.summary().to, toShown.join(QStringLiteral(", ")));
        QCOMPARE(stored.cc(), ccShown.join(QStringLiteral(", ")));
        QCOMPARE(stored.replyTo(), replyToShown.join(QStringLiteral(", ")));
        QCOMPARE(stored.summary().from, QStringLiteral("Sender <sender@example.com>"));
    }

    void unknownFieldsAreIgnored()
    {
        QJsonObject request = minimal();
        request.insert(QStringLiteral("Whatever"), QJsonArray { 1, 2 });
        QVERIFY(build(request).isValid());
    }
};

QTEST_GUILESS_MAIN(TestMailpitSendMessage)
#include "tst_mailpitsendmessage.moc"
