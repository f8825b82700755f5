// Mailpit's JSON send request turned into an RFC 5322 message (built with GMime) and its SMTP
// envelope: a pure function, no store and no server, so that every structure, encoding and
// refusal is tested on its own.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

struct SMTPRECEIVERHTTP_TEST_EXPORT MailpitSendMessage
{
    // The bounds of a request (more: a 400 naming the bound). Recipients are To, Cc and Bcc
    // together, as many as one SMTP transaction may have (SmtpLimits::maxRecipients).
    static constexpr int maxRecipients = 1000;
    static constexpr int maxReplyTo = 1000;
    static constexpr int maxAttachments = 100;
    static constexpr int maxHeaders = 100;
    static constexpr int maxTags = 100;

    // Empty when the request was good; otherwise one line saying what was wrong (a 400).
    QString error;
    // The message: CRLF line ends, 7-bit bodies (quoted-printable or base64 as GMime chooses),
    // headers in UTF-8 only where an address needs it.
    QByteArray data;
    QString mailFrom; // From.Email
    QStringList rcptTos; // To, Cc and Bcc addresses, in that order (Bcc is in no header)
    QStringList tags; // the mailboxes the message goes to (those that are mailbox names)

    bool isValid() const { return error.isEmpty(); }

    // Reads the body of POST /api/v1/send: {"From":{"Email","Name"}, "To":[{"Email","Name"}],
    // "Cc":[...], "Bcc":["address"], "ReplyTo":[...], "Subject", "Text", "HTML",
    // "Attachments":[{"Content" (base64, a data: URL prefix allowed), "Filename",
    // "ContentType"?, "ContentID"?}], "Headers":{"Name":"value"}, "Tags":["tag"]}. Unknown
    // fields are ignored. The Message-ID is made up at messageIdDomain (unless Headers gives
    // one), the Date is now.
    static MailpitSendMessage fromJson(const QByteArray &json, const QString &messageIdDomain,
        const QDateTime &now = QDateTime::currentDateTimeUtc());
};
