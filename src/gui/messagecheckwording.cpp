// The titles and sentences of the Checks tab, one per kind of SmtpMessageCheck, through tr().
#include "messagecheckwording.h"

namespace {

using Kind = SmtpMessageCheck::Kind;

int clampedCount(qint64 count)
{
    return int(qBound(qint64(0), count, qint64(INT_MAX)));
}

} // namespace

QString MessageCheckWording::title(const SmtpMessageCheck &check)
{
    switch (check.kind()) {
    case Kind::BareLineFeed:
        return tr("Bare line feed");
    case Kind::BareCarriageReturn:
        return tr("Bare carriage return");
    case Kind::LineTooLong:
        return tr("Line too long");
    case Kind::MissingDate:
        return tr("Missing Date header");
    case Kind::MissingMessageId:
        return tr("Missing Message-ID header");
    case Kind::EightBitWithout8BitMime:
        return tr("8-bit data without 8BITMIME");
    case Kind::HtmlWithoutText:
        return tr("HTML without a plain-text alternative");
    case Kind::NotAMessage:
        return tr("Not a message");
    case Kind::MultipartWithoutBoundary:
        return tr("Multipart without boundary");
    case Kind::BoundaryNeverOccurs:
        return tr("Boundary never occurs");
    case Kind::MissingClosingBoundary:
        return tr("Closing boundary missing");
    case Kind::InvalidBase64:
        return tr("Invalid base64");
    case Kind::TruncatedBase64:
        return tr("Truncated base64");
    case Kind::InvalidHeaderLine:
        return tr("Invalid header line");
    case Kind::InvalidContentType:
        return tr("Invalid Content-Type");
    case Kind::ConflictingHeaders:
        return tr("Conflicting headers");
    case Kind::ConflictingParameters:
        return tr("Conflicting parameters");
    case Kind::NestingTooDeep:
        return tr("Parts nested too deeply");
    case Kind::PartWithoutContent:
        return tr("Part without content");
    case Kind::PartWithoutHeadersOrContent:
        return tr("Empty part");
    case Kind::MalformedMessage:
        return tr("Malformed message");
    }
    return check.name();
}

QString MessageCheckWording::detail(const SmtpMessageCheck &check)
{
    const QString line = QString::number(check.line());
    const QString part = QString::number(check.partId());
    const QString excerpt = check.excerpt();
    QString text;
    switch (check.kind()) {
    case Kind::BareLineFeed:
        return tr("%n bare LF (line feed without carriage return), the first ends line %1", nullptr,
            clampedCount(check.occurrences()))
            .arg(line);
    case Kind::BareCarriageReturn:
        return tr("%n bare CR (carriage return without line feed), the first on line %1", nullptr,
            clampedCount(check.occurrences()))
            .arg(line);
    case Kind::LineTooLong:
        text = tr("Line %1 is %2 octets long (RFC 5322 allows 998)")
                   .arg(line, QString::number(check.octets()));
        if (check.occurrences() > 1)
            text += QLatin1Char(' ')
                + tr("%n lines are too long.", nullptr, clampedCount(check.occurrences()));
        return text;
    case Kind::MissingDate:
        return tr("The message has no Date header.");
    case Kind::MissingMessageId:
        return tr("The message has no Message-ID header.");
    case Kind::EightBitWithout8BitMime:
        return tr("%n octet(s) with the high bit set, the first on line %1, but the client "
                  "declared neither BODY=8BITMIME nor SMTPUTF8",
            nullptr, clampedCount(check.octets()))
            .arg(line);
    case Kind::HtmlWithoutText:
        return tr("The HTML body has no text/plain alternative.");
    case Kind::NotAMessage:
        text = excerpt.isEmpty() && check.line() == 0
            ? tr("The message is empty.")
            : tr("No header fields: line 1 is not a header field: \"%1\"").arg(excerpt);
        break;
    case Kind::MultipartWithoutBoundary:
        text = tr("Part %1 (%2) has no boundary parameter; its content cannot be split into parts")
                   .arg(part, check.partType());
        break;
    case Kind::BoundaryNeverOccurs:
        text = tr("Part %1 (%2): boundary \"%3\" never occurs; no parts found")
                   .arg(part, check.partType(), excerpt);
        break;
    case Kind::MissingClosingBoundary:
        text = tr("Part %1 (%2): closing boundary \"--%3--\" is missing (truncated?)")
                   .arg(part, check.partType(), excerpt);
        break;
    case Kind::InvalidBase64:
        text = tr("Part %1 (%2): base64 content has %n invalid character(s), skipped in decoding",
            nullptr, clampedCount(check.octets()))
                   .arg(part, check.partType());
        break;
    case Kind::TruncatedBase64:
        text = tr("Part %1 (%2): base64 content is truncated or malformed (%n character(s), not "
                  "a multiple of 4)",
            nullptr, clampedCount(check.octets()))
                   .arg(part, check.partType());
        break;
    case Kind::InvalidHeaderLine:
        text = tr("Line %1: not a header field, skipped: \"%2\"").arg(line, excerpt);
        break;
    case Kind::InvalidContentType:
        text = tr("Line %1: invalid Content-Type \"%2\", read as application/octet-stream")
                   .arg(line, excerpt);
        break;
    case Kind::ConflictingHeaders:
        text = tr("Line %1: conflicting %2 headers").arg(line, excerpt);
        break;
    case Kind::ConflictingParameters:
        text = tr("Line %1: conflicting \"%2\" parameters").arg(line, excerpt);
        break;
    case Kind::NestingTooDeep:
        text
            = tr("Line %1: MIME parts nested too deeply; the deeper ones are not parsed").arg(line);
        break;
    case Kind::PartWithoutContent:
        text = tr("Line %1: the headers of a part end in a boundary; the part has no content")
                   .arg(line);
        break;
    case Kind::PartWithoutHeadersOrContent:
        text = tr("Line %1: a part has neither headers nor content").arg(line);
        break;
    case Kind::MalformedMessage:
        text = tr("Line %1: the message is malformed").arg(line);
        break;
    }
    // The structure checks count how often their kind of problem occurred.
    if (check.occurrences() > 1)
        text += QLatin1Char(' ')
            + tr("(and %n more like it)", nullptr, clampedCount(check.occurrences() - 1));
    return text;
}
