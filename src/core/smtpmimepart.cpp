// SmtpMimePart: one node of a message's MIME tree, an implicitly shared value.
#include "smtpmimepart.h"

#include <QDebug>

#include <vector>

class SmtpMimePartData : public QSharedData
{
public:
    int partId = -1;
    QString contentType;
    QString charset;
    QString transferEncoding;
    QString disposition;
    QString fileName;
    QString contentId;
    qint64 size = 0;
    bool attachment = false;
    bool isInline = false;
    QList<SmtpMimePart> children;
};

SmtpMimePart::SmtpMimePart()
    : d(new SmtpMimePartData)
{ }
SmtpMimePart::SmtpMimePart(const SmtpMimePart &other) = default;
SmtpMimePart::SmtpMimePart(SmtpMimePart &&other) noexcept = default;
SmtpMimePart &SmtpMimePart::operator=(const SmtpMimePart &other) = default;
SmtpMimePart::~SmtpMimePart() = default;

bool SmtpMimePart::isValid() const
{
    return d->partId >= 0;
}
int SmtpMimePart::partId() const
{
    return d->partId;
}
void SmtpMimePart::setPartId(int id)
{
    d->partId = id;
}
QString SmtpMimePart::contentType() const
{
    return d->contentType;
}
void SmtpMimePart::setContentType(const QString &type)
{
    d->contentType = type;
}
QString SmtpMimePart::charset() const
{
    return d->charset;
}
void SmtpMimePart::setCharset(const QString &charset)
{
    d->charset = charset;
}
QString SmtpMimePart::transferEncoding() const
{
    return d->transferEncoding;
}
void SmtpMimePart::setTransferEncoding(const QString &encoding)
{
    d->transferEncoding = encoding;
}
QString SmtpMimePart::disposition() const
{
    return d->disposition;
}
void SmtpMimePart::setDisposition(const QString &disposition)
{
    d->disposition = disposition;
}
QString SmtpMimePart::fileName() const
{
    return d->fileName;
}
void SmtpMimePart::setFileName(const QString &name)
{
    d->fileName = name;
}
QString SmtpMimePart::contentId() const
{
    return d->contentId;
}
void SmtpMimePart::setContentId(const QString &id)
{
    d->contentId = id;
}
qint64 SmtpMimePart::size() const
{
    return d->size;
}
void SmtpMimePart::setSize(qint64 size)
{
    d->size = size;
}
bool SmtpMimePart::isMultipart() const
{
    return d->contentType.startsWith(QLatin1String("multipart/"));
}
bool SmtpMimePart::isAttachment() const
{
    return d->attachment;
}
void SmtpMimePart::setAttachment(bool attachment)
{
    d->attachment = attachment;
}
bool SmtpMimePart::isInline() const
{
    return d->attachment && d->isInline;
}
void SmtpMimePart::setInline(bool isInline)
{
    d->isInline = isInline;
}
QList<SmtpMimePart> SmtpMimePart::children() const
{
    return d->children;
}
void SmtpMimePart::setChildren(const QList<SmtpMimePart> &children)
{
    d->children = children;
}

QList<SmtpMimePart> SmtpMimePart::flattened() const
{
    QList<SmtpMimePart> parts;
    std::vector<SmtpMimePart> pending { *this }; // no recursion: a tree may be deep
    while (!pending.empty()) {
        SmtpMimePart part = std::move(pending.back());
        pending.pop_back();
        const QList<SmtpMimePart> &children = part.d->children;
        for (auto it = children.crbegin(); it != children.crend(); ++it)
            pending.push_back(*it);
        parts.append(std::move(part));
    }
    return parts;
}

bool SmtpMimePart::operator==(const SmtpMimePart &other) const
{
    if (d == other.d)
        return true;
    return d->partId == other.d->partId && d->contentType == other.d->contentType
        && d->charset == other.d->charset && d->transferEncoding == other.d->transferEncoding
        && d->disposition == other.d->disposition && d->fileName == other.d->fileName
        && d->contentId == other.d->contentId && d->size == other.d->size
        && d->attachment == other.d->attachment && d->isInline == other.d->isInline
        && d->children == other.d->children;
}

QDebug operator<<(QDebug debug, const SmtpMimePart &part)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpMimePart(" << part.partId() << ", " << part.contentType();
    if (!part.fileName().isEmpty())
        debug << ", " << part.fileName();
    if (part.isAttachment())
        debug << (part.isInline() ? ", inline" : ", attachment");
    if (!part.isMultipart())
        debug << ", " << part.size() << " bytes";
    const QList<SmtpMimePart> children = part.children();
    if (!children.isEmpty())
        debug << ", " << children;
    debug << ')';
    return debug;
}
