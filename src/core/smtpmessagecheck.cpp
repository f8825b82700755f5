// SmtpMessageCheck: one store-time finding as data, and the stable names of its kinds.
#include "smtpmessagecheck.h"

#include <QDebug>

namespace {

struct KindName
{
    SmtpMessageCheck::Kind kind;
    const char *name;
};

using K = SmtpMessageCheck::Kind;
constexpr KindName kindNames[] = {
    { K::BareLineFeed, "bare-lf" },
    { K::BareCarriageReturn, "bare-cr" },
    { K::LineTooLong, "line-too-long" },
    { K::MissingDate, "missing-date" },
    { K::MissingMessageId, "missing-message-id" },
    { K::EightBitWithout8BitMime, "8bit-without-8bitmime" },
    { K::HtmlWithoutText, "html-without-text" },
    { K::NotAMessage, "not-a-message" },
    { K::MultipartWithoutBoundary, "multipart-without-boundary" },
    { K::BoundaryNeverOccurs, "boundary-never-occurs" },
    { K::MissingClosingBoundary, "missing-closing-boundary" },
    { K::InvalidBase64, "invalid-base64" },
    { K::TruncatedBase64, "truncated-base64" },
    { K::InvalidHeaderLine, "invalid-header-line" },
    { K::InvalidContentType, "invalid-content-type" },
    { K::ConflictingHeaders, "conflicting-headers" },
    { K::ConflictingParameters, "conflicting-parameters" },
    { K::NestingTooDeep, "nesting-too-deep" },
    { K::PartWithoutContent, "part-without-content" },
    { K::PartWithoutHeadersOrContent, "part-without-headers-or-content" },
    { K::MalformedMessage, "malformed-message" },
};

} // namespace

class SmtpMessageCheckData : public QSharedData
{
public:
    SmtpMessageCheck::Kind kind = SmtpMessageCheck::Kind::BareLineFeed;
    qint64 line = 0;
    qint64 occurrences = 1;
    qint64 octets = 0;
    int partId = -1;
    QString partType;
    QString excerpt;
};

SmtpMessageCheck::SmtpMessageCheck()
    : d(new SmtpMessageCheckData)
{ }
SmtpMessageCheck::SmtpMessageCheck(Kind kind)
    : d(new SmtpMessageCheckData)
{
    d->kind = kind;
}
SmtpMessageCheck::SmtpMessageCheck(const SmtpMessageCheck &other) = default;
SmtpMessageCheck::SmtpMessageCheck(SmtpMessageCheck &&other) noexcept = default;
SmtpMessageCheck &SmtpMessageCheck::operator=(const SmtpMessageCheck &other) = default;
SmtpMessageCheck::~SmtpMessageCheck() = default;

SmtpMessageCheck::Kind SmtpMessageCheck::kind() const
{
    return d->kind;
}
void SmtpMessageCheck::setKind(Kind kind)
{
    d->kind = kind;
}

SmtpMessageCheck::Severity SmtpMessageCheck::severity() const
{
    switch (d->kind) {
    case Kind::BareLineFeed:
    case Kind::BareCarriageReturn:
    case Kind::LineTooLong:
    case Kind::MissingDate:
    case Kind::MissingMessageId:
    case Kind::EightBitWithout8BitMime:
    case Kind::HtmlWithoutText:
        return Severity::Warning;
    case Kind::NotAMessage:
    case Kind::MultipartWithoutBoundary:
    case Kind::BoundaryNeverOccurs:
    case Kind::MissingClosingBoundary:
    case Kind::InvalidBase64:
    case Kind::TruncatedBase64:
    case Kind::InvalidHeaderLine:
    case Kind::InvalidContentType:
    case Kind::ConflictingHeaders:
    case Kind::ConflictingParameters:
    case Kind::NestingTooDeep:
    case Kind::PartWithoutContent:
    case Kind::PartWithoutHeadersOrContent:
    case Kind::MalformedMessage:
        break;
    }
    return Severity::Error;
}

QString SmtpMessageCheck::name() const
{
    return name(d->kind);
}

QString SmtpMessageCheck::name(Kind kind)
{
    for (const KindName &entry : kindNames) {
        if (entry.kind == kind)
            return QString::fromLatin1(entry.name);
    }
    return QString();
}

SmtpMessageCheck::Kind SmtpMessageCheck::kindFromName(const QString &name, bool *ok)
{
    for (const KindName &entry : kindNames) {
        if (name == QLatin1String(entry.name)) {
            if (ok)
                *ok = true;
            return entry.kind;
        }
    }
    if (ok)
        *ok = false;
    return Kind::BareLineFeed;
}

qint64 SmtpMessageCheck::line() const
{
    return d->line;
}
void SmtpMessageCheck::setLine(qint64 line)
{
    d->line = line;
}
qint64 SmtpMessageCheck::occurrences() const
{
    return d->occurrences;
}
void SmtpMessageCheck::setOccurrences(qint64 count)
{
    d->occurrences = count;
}
qint64 SmtpMessageCheck::octets() const
{
    return d->octets;
}
void SmtpMessageCheck::setOctets(qint64 octets)
{
    d->octets = octets;
}
int SmtpMessageCheck::partId() const
{
    return d->partId;
}
void SmtpMessageCheck::setPartId(int id)
{
    d->partId = id;
}
QString SmtpMessageCheck::partType() const
{
    return d->partType;
}
void SmtpMessageCheck::setPartType(const QString &type)
{
    d->partType = type;
}
QString SmtpMessageCheck::excerpt() const
{
    return d->excerpt;
}
void SmtpMessageCheck::setExcerpt(const QString &excerpt)
{
    d->excerpt = excerpt;
}

bool SmtpMessageCheck::operator==(const SmtpMessageCheck &other) const
{
    return d == other.d
        || (d->kind == other.d->kind && d->line == other.d->line
            && d->occurrences == other.d->occurrences && d->octets == other.d->octets
            && d->partId == other.d->partId && d->partType == other.d->partType
            && d->excerpt == other.d->excerpt);
}

QDebug operator<<(QDebug debug, const SmtpMessageCheck &check)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpMessageCheck(" << check.name();
    if (check.line() > 0)
        debug << ", line " << check.line();
    if (check.occurrences() > 1)
        debug << ", " << check.occurrences() << " times";
    if (check.octets() > 0)
        debug << ", " << check.octets() << " octets";
    if (check.partId() >= 0)
        debug << ", part " << check.partId() << ' ' << check.partType();
    if (!check.excerpt().isEmpty())
        debug << ", " << check.excerpt();
    debug << ')';
    return debug;
}
