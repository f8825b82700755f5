// The store-time checks of a message, as SmtpMessageCheck values with their facts: a scan of
// the raw bytes, the missing headers, and the broken structure the parser reported.
// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "mimechecks.h"

namespace {

using Kind = SmtpMessageCheck::Kind;

struct RawScan
{
    qint64 bareLf = 0, firstBareLfLine = 0;
    qint64 bareCr = 0, firstBareCrLine = 0;
    qint64 longLines = 0, firstLongLine = 0, firstLongLength = 0;
    qint64 eightBit = 0, firstEightBitLine = 0;
};

constexpr qint64 maxLineLength = 998; // RFC 5322 2.1.1, without the CRLF

RawScan scanRaw(const QByteArray &raw)
{
    RawScan scan;
    const char *data = raw.constData();
    const qsizetype size = raw.size();
    qint64 line = 1;
    qsizetype lineStart = 0;
    auto endLine = [&](qint64 length) {
        if (length > maxLineLength && !scan.longLines++) {
            scan.firstLongLine = line;
            scan.firstLongLength = length;
        }
    };
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c == '\n') {
            const bool crlf = i > 0 && data[i - 1] == '\r';
            if (!crlf && !scan.bareLf++)
                scan.firstBareLfLine = line;
            endLine(i - lineStart - (crlf ? 1 : 0));
            ++line;
            lineStart = i + 1;
        } else if (c == '\r') {
            if ((i + 1 == size || data[i + 1] != '\n') && !scan.bareCr++)
                scan.firstBareCrLine = line;
        } else if (c >= 0x80) {
            if (!scan.eightBit++)
                scan.firstEightBitLine = line;
        }
    }
    if (lineStart < size)
        endLine(size - lineStart);
    return scan;
}

qint64 lineOfOffset(const QByteArray &raw, qint64 offset)
{
    const qsizetype end = qsizetype(qBound(qint64(0), offset, qint64(raw.size())));
    return 1 + QByteArrayView(raw).first(end).count('\n');
}

SmtpMessageCheck check(Kind kind, qint64 line, qint64 occurrences, qint64 octets = 0)
{
    SmtpMessageCheck c(kind);
    c.setLine(line);
    c.setOccurrences(occurrences);
    c.setOctets(octets);
    return c;
}

} // namespace

namespace MimeChecks {

QString excerpt(QByteArrayView bytes)
{
    constexpr qsizetype maxLength = 60;
    QString text;
    for (qsizetype i = 0; i < bytes.size() && i < maxLength; ++i) {
        const auto c = static_cast<unsigned char>(bytes.at(i));
        if (c >= 0x20 && c < 0x7F)
            text += QLatin1Char(char(c));
        else
            text += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > maxLength)
        text += QStringLiteral("...");
    return text;
}

void BrokenStructure::add(const SmtpMessageCheck &check)
{
    for (SmtpMessageCheck &seen : m_checks) {
        if (seen.kind() == check.kind()) {
            seen.setOccurrences(seen.occurrences() + 1);
            return;
        }
    }
    m_checks.append(check);
}

void BrokenStructure::addForPart(
    Kind kind, int partId, const QString &partType, const QString &excerpt, qint64 octets)
{
    SmtpMessageCheck c(kind);
    c.setPartId(partId);
    c.setPartType(partType);
    c.setExcerpt(excerpt);
    c.setOctets(octets);
    add(c);
}

void BrokenStructure::addParserWarnings(
    const std::vector<ParserWarning> &warnings, const QByteArray &raw)
{
    for (const ParserWarning &warning : warnings) {
        Kind kind;
        bool withItem = false;
        switch (GMimeParserWarning(warning.code)) {
        case GMIME_CRIT_INVALID_HEADER_NAME:
            kind = Kind::InvalidHeaderLine;
            withItem = true;
            break;
        case GMIME_WARN_INVALID_CONTENT_TYPE:
            kind = Kind::InvalidContentType;
            withItem = true;
            break;
        case GMIME_CRIT_CONFLICTING_HEADER:
            kind = Kind::ConflictingHeaders;
            withItem = true;
            break;
        case GMIME_CRIT_CONFLICTING_PARAMETER:
            kind = Kind::ConflictingParameters;
            withItem = true;
            break;
        case GMIME_CRIT_NESTING_OVERFLOW:
            kind = Kind::NestingTooDeep;
            break;
        case GMIME_WARN_PART_WITHOUT_CONTENT:
            kind = Kind::PartWithoutContent;
            break;
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
            kind = Kind::PartWithoutHeadersOrContent;
            break;
        case GMIME_WARN_MALFORMED_MESSAGE:
            kind = Kind::MalformedMessage;
            break;
        default:
            // Missing boundaries are reported per part by the tree walk; header-level
            // complaints (duplicates, 8-bit text, bad encoded words) are not structure.
            continue;
        }
        SmtpMessageCheck c(kind);
        if (warning.offset >= 0)
            c.setLine(lineOfOffset(raw, warning.offset));
        if (withItem)
            c.setExcerpt(excerpt(warning.item));
        add(c);
    }
}

void BrokenStructure::addNotAMessage(const QByteArray &raw)
{
    SmtpMessageCheck c(Kind::NotAMessage);
    if (!raw.isEmpty()) {
        QByteArrayView firstLine(raw);
        if (const qsizetype end = raw.indexOf('\n'); end >= 0)
            firstLine = firstLine.first(end);
        if (firstLine.endsWith('\r'))
            firstLine.chop(1);
        c.setLine(1);
        c.setExcerpt(excerpt(firstLine));
    }
    add(c);
}

QList<SmtpMessageCheck> run(
    const QByteArray &raw, const Facts &facts, const BrokenStructure &broken)
{
    QList<SmtpMessageCheck> checks;
    const RawScan scan = scanRaw(raw);
    if (scan.bareLf)
        checks.append(check(Kind::BareLineFeed, scan.firstBareLfLine, scan.bareLf));
    if (scan.bareCr)
        checks.append(check(Kind::BareCarriageReturn, scan.firstBareCrLine, scan.bareCr));
    if (scan.longLines) {
        checks.append(
            check(Kind::LineTooLong, scan.firstLongLine, scan.longLines, scan.firstLongLength));
    }
    if (!facts.hasDate)
        checks.append(SmtpMessageCheck(Kind::MissingDate));
    if (!facts.hasMessageId)
        checks.append(SmtpMessageCheck(Kind::MissingMessageId));
    if (scan.eightBit && !facts.eightBitDeclared) {
        checks.append(
            check(Kind::EightBitWithout8BitMime, scan.firstEightBitLine, 1, scan.eightBit));
    }
    if (facts.hasHtmlBody && !facts.hasTextBody)
        checks.append(SmtpMessageCheck(Kind::HtmlWithoutText));
    checks.append(broken.checks());
    return checks;
}

} // namespace MimeChecks
