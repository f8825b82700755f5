// The checks run on every message when it is stored, as SmtpMessageCheck values: the raw
// bytes' line endings, line lengths and 8-bit octets, missing headers, and what was broken in
// the MIME structure. Internal to the mime/ sources; mimeparser.cpp collects the facts.
#pragma once

#include "smtpmessagecheck.h"

#include <QByteArray>
#include <QList>

#include <vector>

namespace MimeChecks {

// A complaint of GMime's parser, kept from its warning callback.
struct ParserWarning
{
    int code; // GMimeParserWarning
    qint64 offset; // into the raw message; negative when unknown
    QByteArray item; // what it was about, cut to 200 octets
};

// Input bytes quoted in a check: printable ASCII kept, everything else as \xNN; at most 60
// octets, then "...".
QString excerpt(QByteArrayView bytes);

// The structural problems of one message, one check per kind: a truncated message with 500
// nested multiparts is one check that occurred 500 times, with the facts of the first.
class BrokenStructure
{
public:
    void add(const SmtpMessageCheck &check);
    // The part a check is about (partId, partType) and the check.
    void addForPart(SmtpMessageCheck::Kind kind, int partId, const QString &partType,
        const QString &excerpt = {}, qint64 octets = 0);
    // GMime's warnings that are about structure; those about header text are not.
    void addParserWarnings(const std::vector<ParserWarning> &warnings, const QByteArray &raw);
    // No header block at all.
    void addNotAMessage(const QByteArray &raw);
    QList<SmtpMessageCheck> checks() const { return m_checks; }

private:
    QList<SmtpMessageCheck> m_checks;
};

// What the parser found that the checks need besides the raw bytes.
struct Facts
{
    bool eightBitDeclared = false; // BODY=8BITMIME or SMTPUTF8
    bool hasDate = false;
    bool hasMessageId = false;
    bool hasHtmlBody = false;
    bool hasTextBody = false;
};

// Every check in the order a reader meets them: line endings and lengths, 8-bit octets and
// missing headers, HTML without text, then the broken structure.
QList<SmtpMessageCheck> run(
    const QByteArray &raw, const Facts &facts, const BrokenStructure &broken);

} // namespace MimeChecks
