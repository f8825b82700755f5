// One finding of the checks run on every message when it is stored: what kind of problem, how
// bad, and the facts (where, how long, how many) as numbers and excerpts, never as a sentence.
// Whoever shows a check words it in the reader's language from kind() and the facts; whoever
// writes one to JSON uses name(), a stable machine name ("bare-lf").
#pragma once

#include "smtpreceiver_global.h"

#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QDebug;
class SmtpMessageCheckData;

class SMTPRECEIVER_EXPORT SmtpMessageCheck
{
    Q_GADGET
    Q_PROPERTY(Kind kind READ kind)
    Q_PROPERTY(QString name READ name)
    Q_PROPERTY(Severity severity READ severity)
    Q_PROPERTY(qint64 line READ line)
    Q_PROPERTY(qint64 occurrences READ occurrences)
    Q_PROPERTY(qint64 octets READ octets)
    Q_PROPERTY(int partId READ partId)
    Q_PROPERTY(QString partType READ partType)
    Q_PROPERTY(QString excerpt READ excerpt)
public:
    // Which facts each kind fills in is said beside it; the others stay 0, -1 or "".
    enum class Kind {
        // line: of the first; occurrences: how many.
        BareLineFeed, // LF not preceded by CR
        BareCarriageReturn, // CR not followed by LF
        // line and octets: the first line over 998 octets (RFC 5322 2.1.1, without the CRLF);
        // occurrences: how many lines are that long.
        LineTooLong,
        MissingDate, // no Date header
        MissingMessageId, // no Message-ID header
        // line: of the first octet with the high bit set; octets: how many there are; the
        // client declared neither BODY=8BITMIME nor SMTPUTF8.
        EightBitWithout8BitMime,
        HtmlWithoutText, // an HTML body but no text/plain alternative

        // The structure is broken (severity Error). occurrences: how many times this kind of
        // problem was found; the facts are those of the first.
        // excerpt: line 1, which is not a header field; "" when the message is empty.
        NotAMessage,
        MultipartWithoutBoundary, // partId, partType: its content cannot be split into parts
        BoundaryNeverOccurs, // partId, partType; excerpt: the boundary; no parts found
        MissingClosingBoundary, // partId, partType; excerpt: the boundary (truncated?)
        InvalidBase64, // partId, partType; octets: characters outside base64, skipped
        TruncatedBase64, // partId, partType; octets: base64 characters, not a multiple of 4
        InvalidHeaderLine, // line; excerpt: the line, which was skipped
        InvalidContentType, // line; excerpt: the type, read as application/octet-stream
        ConflictingHeaders, // line; excerpt: the header name
        ConflictingParameters, // line; excerpt: the parameter name
        NestingTooDeep, // line: where the parts that were not parsed begin
        PartWithoutContent, // line: a part's headers end in a boundary
        PartWithoutHeadersOrContent, // line
        MalformedMessage, // line
    };
    Q_ENUM(Kind)

    // Warning: the message reads, but a receiver may see it differently or reject it.
    // Error: part of the message cannot be read as its sender meant.
    enum class Severity { Warning, Error };
    Q_ENUM(Severity)

    // Checks come from the store; these make them (the default: BareLineFeed, no facts).
    SmtpMessageCheck();
    explicit SmtpMessageCheck(Kind kind);
    SmtpMessageCheck(const SmtpMessageCheck &other);
    SmtpMessageCheck(SmtpMessageCheck &&other) noexcept;
    SmtpMessageCheck &operator=(const SmtpMessageCheck &other);
    SmtpMessageCheck &operator=(SmtpMessageCheck &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~SmtpMessageCheck();
    void swap(SmtpMessageCheck &other) noexcept { d.swap(other.d); }

    Kind kind() const;
    void setKind(Kind kind);
    Severity severity() const; // follows from the kind
    // Stable, for JSON and logs: "bare-lf", "missing-closing-boundary", ...
    QString name() const;
    static QString name(Kind kind);
    // The kind with that name(); false in *ok (and BareLineFeed) for a name no kind has.
    static Kind kindFromName(const QString &name, bool *ok = nullptr);

    qint64 line() const; // 1-based line of the raw message; 0 when not about one line
    void setLine(qint64 line);
    qint64 occurrences() const; // at least 1
    void setOccurrences(qint64 count);
    qint64 octets() const;
    void setOctets(qint64 octets);
    int partId() const; // SmtpMimePart::partId(), or -1
    void setPartId(int id);
    QString partType() const; // that part's content type
    void setPartType(const QString &type);
    // Input quoted in the finding: printable ASCII kept, other octets as \xNN, at most 60
    // octets followed by "..."; or a name (boundary, header, parameter) as written.
    QString excerpt() const;
    void setExcerpt(const QString &excerpt);

    bool operator==(const SmtpMessageCheck &other) const;
    bool operator!=(const SmtpMessageCheck &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpMessageCheckData> d;
};

Q_DECLARE_SHARED(SmtpMessageCheck)
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpMessageCheck &check);
