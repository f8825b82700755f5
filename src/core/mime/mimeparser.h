// What a message says, parsed once with GMime when it is stored (never per view): decoded
// headers, text and HTML bodies in UTF-8, attachments, the part tree, and the checks users ask
// catchers for. A Qt-only header: GMime stays inside mimeparser.cpp (glib's "signals" clash).
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

struct MimeAttachment
{
    int partIndex = -1; // index into MimeParsedMessage::parts (depth-first, root = 0)
    QString fileName; // RFC 2231 / RFC 2047 decoded; may be empty for inline parts
    QString contentType; // "application/pdf"
    qint64 size = 0; // decoded octets
    QString contentId; // without angle brackets
    bool isInline = false; // Content-Disposition: inline (or a cid-referenced part)
};

struct MimePart
{
    int index = 0; // depth-first position, root = 0
    int parent = -1;
    int depth = 0;
    QString contentType; // "multipart/alternative"
    QString charset;
    QString transferEncoding;
    QString disposition; // "inline", "attachment" or ""
    QString fileName;
    QString contentId;
    qint64 size = 0; // decoded octets for leaf parts, 0 for multiparts
};

// Findings of the store-time checks (issue "Message checks users ask peers for").
struct MimeFinding
{
    enum class Kind {
        BareLineFeed, // LF not preceded by CR
        BareCarriageReturn, // CR not followed by LF
        LineTooLong, // a line over 998 octets (RFC 5322 2.1.1)
        MissingDate,
        MissingMessageId,
        EightBitWithout8BitMime, // 8-bit octets although the client did not say BODY=8BITMIME /
                                 // SMTPUTF8
        HtmlWithoutText, // HTML body but no text/plain alternative
        BrokenMime, // the parser could not make sense of part of the structure
    };
    Kind kind;
    QString detail; // human readable, e.g. "line 12 is 1203 octets long"
};

struct MimeParsedMessage
{
    QString subject;
    QString from; // decoded, as displayed: "Alice <alice@example.com>"
    QString to; // decoded, comma separated
    QString cc;
    QString replyTo;
    QString dateHeader; // as written, decoded
    QDateTime date; // parsed Date header (UTC); invalid when missing or unparsable
    QString messageId; // without angle brackets
    QString textBody; // UTF-8
    QString htmlBody; // UTF-8
    QList<MimeAttachment> attachments;
    QList<MimePart> parts;
    QList<MimeFinding> findings;
    bool parseFailed = false; // nothing usable; the raw bytes are still kept

    SMTPRECEIVER_TEST_EXPORT bool hasAttachments() const; // non-inline attachments exist
};

namespace MimeParser {

// eightBitDeclared: the client used BODY=8BITMIME or SMTPUTF8 (for the 8-bit check).
SMTPRECEIVER_TEST_EXPORT MimeParsedMessage parse(const QByteArray &raw, bool eightBitDeclared);

// The decoded content of one part (by MimePart::index), for opening and saving attachments.
// Empty and *ok = false when there is no such leaf part.
SMTPRECEIVER_TEST_EXPORT QByteArray partContent(const QByteArray &raw, int partIndex, bool *ok);

SMTPRECEIVER_TEST_EXPORT QString findingName(MimeFinding::Kind kind); // "bare-lf", ...

} // namespace MimeParser
