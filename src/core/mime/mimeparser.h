// What a message says, parsed once with GMime when it is stored (never per view): decoded
// headers, text and HTML bodies in UTF-8, the part tree with its attachments, and the checks
// users ask catchers for. The parts and checks are the public value types the store hands out.
// A Qt-only header: GMime stays inside the mime/ sources (glib's "signals" clash).
#pragma once

#include "smtpmessagecheck.h"
#include "smtpmimepart.h"
#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

struct MimeParsedMessage
{
    QString subject;
    QString from; // decoded, as displayed: "Alice <alice@example.com>"
    QString to; // decoded, comma separated
    QString cc;
    QString bcc; // a Bcc header, which a sender's client usually leaves out
    QString replyTo;
    QString dateHeader; // as written, decoded
    QDateTime date; // parsed Date header (UTC); invalid when missing or unparsable
    QString messageId; // without angle brackets
    QString textBody; // UTF-8
    QString htmlBody; // UTF-8
    // Every part, depth-first (parts.at(i).partId() == i); the first is the root, whose
    // children() are the tree. Empty when parseFailed.
    QList<SmtpMimePart> parts;
    QList<SmtpMessageCheck> checks;
    bool parseFailed = false; // nothing usable; the raw bytes are still kept

    SmtpMimePart rootPart() const { return parts.value(0); }
    SMTPRECEIVER_TEST_EXPORT QList<SmtpMimePart> attachments() const; // inline ones too
    SMTPRECEIVER_TEST_EXPORT bool hasAttachments() const; // non-inline attachments exist
};

// The headers the inbox shows, read without parsing the message: what the store commits before
// the 250, while the full parse waits for the background indexer. subject, from and to are what
// parse() gives for the same message.
struct MimeInboxHeaders
{
    QString subject;
    QString from;
    QString to;
    // A guess from the top-level Content-Type (multipart/mixed, or a single part that is not
    // text), made exact by parse(): hasAttachments().
    bool hasAttachments = false;
};

namespace MimeParser {

// Reads only the header block: a few microseconds, against a parse of the whole message.
SMTPRECEIVER_TEST_EXPORT MimeInboxHeaders inboxHeaders(const QByteArray &raw);

// eightBitDeclared: the client used BODY=8BITMIME or SMTPUTF8 (for the 8-bit check). known: the
// message's inbox headers when they were read already (the store's row has them), taken as they
// are for subject, from and to instead of reading the bytes again (inboxHeaders() reads them as
// parse() does).
SMTPRECEIVER_TEST_EXPORT MimeParsedMessage parse(
    const QByteArray &raw, bool eightBitDeclared, const MimeInboxHeaders *known = nullptr);

// The decoded content of one part (by SmtpMimePart::partId), for opening and saving
// attachments. Empty and *ok = false when there is no such leaf part.
SMTPRECEIVER_TEST_EXPORT QByteArray partContent(const QByteArray &raw, int partIndex, bool *ok);

} // namespace MimeParser
