// Test helper for the Mailpit API's message shapes: real MIME messages (the shapes nodemailer
// and other senders write) and a store they are delivered into.
#pragma once

#include <smtpmessagestore.h>

#include <QDateTime>
#include <QTest>

#include <atomic>
#include <memory>

namespace MailpitFixtures {

inline QByteArray crlf(QByteArray text)
{
    return text.replace("\r\n", "\n").replace("\n", "\r\n");
}

// mixed[alternative[text, related[html, inline image]], attachment, attachment], as nodemailer
// builds a message with text, HTML, an embedded image and two attachments.
inline QByteArray nodemailerMessage()
{
    return crlf("Content-Type: multipart/mixed; boundary=\"--_NmP-mixed\"\n"
                "From: =?UTF-8?Q?J=C3=BCrgen_Sender?= <sender@example.com>\n"
                "To: Alice <alice@example.com>, \"Doe, John\" <john@example.com>\n"
                "Cc: carol@example.com\n"
                "Reply-To: Replies <replies@example.com>\n"
                "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_from_nodemailer?=\n"
                "Message-ID: <abc-123@example.com>\n"
                "Date: Sat, 28 Nov 2026 10:00:00 +0100\n"
                "List-Unsubscribe: <mailto:unsub@example.com>, <https://example.com/unsub>\n"
                "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
                "MIME-Version: 1.0\n"
                "\n"
                "----_NmP-mixed\n"
                "Content-Type: multipart/alternative; boundary=\"--_NmP-alt\"\n"
                "\n"
                "----_NmP-alt\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 7bit\n"
                "\n"
                "Hello Bob\n"
                "\n"
                "----_NmP-alt\n"
                "Content-Type: multipart/related; type=\"text/html\"; boundary=\"--_NmP-rel\"\n"
                "\n"
                "----_NmP-rel\n"
                "Content-Type: text/html; charset=utf-8\n"
                "Content-Transfer-Encoding: 7bit\n"
                "\n"
                "<p>Hello <b>Bob</b>, this is the <i>HTML</i> part.</p><img "
                "src=\"cid:logo@nodemailer\">\n"
                "----_NmP-rel\n"
                "Content-Type: image/png; name=logo.png\n"
                "Content-ID: <logo@nodemailer>\n"
                "Content-Transfer-Encoding: base64\n"
                "Content-Disposition: inline; filename=logo.png\n"
                "\n"
                "iVBORw0KGgo=\n"
                "----_NmP-rel--\n"
                "\n"
                "----_NmP-alt--\n"
                "\n"
                "----_NmP-mixed\n"
                "Content-Type: text/plain; name=notes.txt\n"
                "Content-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename=notes.txt\n"
                "\n"
                "aGVsbG8gbm90ZXMK\n"
                "----_NmP-mixed\n"
                "Content-Type: application/pdf; name=\"report.pdf\"\n"
                "Content-Transfer-Encoding: base64\n"
                "Content-Disposition: attachment; filename=\"report.pdf\"\n"
                "\n"
                "JVBERi0xLjQK\n"
                "----_NmP-mixed--\n");
}

// The decoded content of nodemailerMessage()'s parts.
inline QByteArray pngSignature()
{
    return QByteArray::fromBase64("iVBORw0KGgo=");
}
inline QByteArray notesContent()
{
    return "hello notes\n";
}
inline QByteArray reportContent()
{
    return "%PDF-1.4\n";
}

inline SmtpMessage envelope(const QByteArray &data,
    const QStringList &rcptTos = { "to@example.com" },
    const QString &mailFrom = "sender@example.com")
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime(QDate(2026, 11, 28), QTime(11, 30, 0, 123), Qt::UTC));
    m.setRemoteAddress("127.0.0.1");
    m.setRemotePort(40000);
    m.setHelo("client.test");
    m.setMailFrom(mailFrom);
    m.setRcptTos(rcptTos);
    m.setData(data);
    return m;
}

// Delivers and waits for the store's answer; the id the store gave, 0 when it failed.
inline qint64 deliver(SmtpMessageStore &store, const SmtpMessage &message)
{
    struct Result
    {
        std::atomic<bool> done { false };
        std::atomic<qint64> id { 0 };
    };
    const auto result = std::make_shared<Result>();
    store.deliver(message, [result](const SmtpSinkResult &r) {
        result->id = r.ok ? r.id : 0;
        result->done = true;
    });
    if (!QTest::qWaitFor([&] { return result->done.load(); }, 30000))
        return 0;
    return result->id;
}

} // namespace MailpitFixtures
