// SmtpStoredMessage: one stored message with what its parse found, an implicitly shared value.
#include "smtpstoredmessage.h"

#include <QDebug>

class SmtpStoredMessageData : public QSharedData
{
public:
    SmtpMessageSummary summary;
    SmtpMessage message;
    QString cc;
    QString replyTo;
    QString dateHeader;
    QString messageId;
    QString textBody;
    QString htmlBody;
    QList<SmtpHeaderField> headers;
    SmtpMimePart root;
    QList<SmtpMimePart> parts; // root.flattened(), made once
    QList<SmtpMessageCheck> checks;
    bool parseFailed = false;
};

SmtpStoredMessage::SmtpStoredMessage()
    : d(new SmtpStoredMessageData)
{ }
SmtpStoredMessage::SmtpStoredMessage(const SmtpStoredMessage &other) = default;
SmtpStoredMessage::SmtpStoredMessage(SmtpStoredMessage &&other) noexcept = default;
SmtpStoredMessage &SmtpStoredMessage::operator=(const SmtpStoredMessage &other) = default;
SmtpStoredMessage::~SmtpStoredMessage() = default;

SmtpMessageSummary SmtpStoredMessage::summary() const
{
    return d->summary;
}
void SmtpStoredMessage::setSummary(const SmtpMessageSummary &summary)
{
    d->summary = summary;
}
SmtpMessage SmtpStoredMessage::message() const
{
    return d->message;
}
void SmtpStoredMessage::setMessage(const SmtpMessage &message)
{
    d->message = message;
}
QString SmtpStoredMessage::cc() const
{
    return d->cc;
}
void SmtpStoredMessage::setCc(const QString &cc)
{
    d->cc = cc;
}
QString SmtpStoredMessage::replyTo() const
{
    return d->replyTo;
}
void SmtpStoredMessage::setReplyTo(const QString &replyTo)
{
    d->replyTo = replyTo;
}
QString SmtpStoredMessage::dateHeader() const
{
    return d->dateHeader;
}
void SmtpStoredMessage::setDateHeader(const QString &date)
{
    d->dateHeader = date;
}
QString SmtpStoredMessage::messageId() const
{
    return d->messageId;
}
void SmtpStoredMessage::setMessageId(const QString &id)
{
    d->messageId = id;
}
QString SmtpStoredMessage::textBody() const
{
    return d->textBody;
}
void SmtpStoredMessage::setTextBody(const QString &text)
{
    d->textBody = text;
}
QString SmtpStoredMessage::htmlBody() const
{
    return d->htmlBody;
}
void SmtpStoredMessage::setHtmlBody(const QString &html)
{
    d->htmlBody = html;
}
QList<SmtpHeaderField> SmtpStoredMessage::headers() const
{
    return d->headers;
}
void SmtpStoredMessage::setHeaders(const QList<SmtpHeaderField> &headers)
{
    d->headers = headers;
}

QString SmtpStoredMessage::header(const QString &name) const
{
    for (const SmtpHeaderField &field : d->headers) {
        if (field.name().compare(name, Qt::CaseInsensitive) == 0)
            return field.value();
    }
    return QString();
}

SmtpMimePart SmtpStoredMessage::rootPart() const
{
    return d->root;
}

void SmtpStoredMessage::setRootPart(const SmtpMimePart &root)
{
    d->root = root;
    d->parts = root.isValid() ? root.flattened() : QList<SmtpMimePart>();
}

QList<SmtpMimePart> SmtpStoredMessage::parts() const
{
    return d->parts;
}

SmtpMimePart SmtpStoredMessage::part(int partId) const
{
    if (partId >= 0 && partId < d->parts.size() && d->parts.at(partId).partId() == partId)
        return d->parts.at(partId);
    for (const SmtpMimePart &part : d->parts) {
        if (part.partId() == partId)
            return part;
    }
    return SmtpMimePart();
}

QList<SmtpMimePart> SmtpStoredMessage::attachments() const
{
    QList<SmtpMimePart> result;
    for (const SmtpMimePart &part : d->parts) {
        if (part.isAttachment())
            result.append(part);
    }
    return result;
}

bool SmtpStoredMessage::hasAttachments() const
{
    for (const SmtpMimePart &part : d->parts) {
        if (part.isAttachment() && !part.isInline())
            return true;
    }
    return false;
}

QList<SmtpMessageCheck> SmtpStoredMessage::checks() const
{
    return d->checks;
}
void SmtpStoredMessage::setChecks(const QList<SmtpMessageCheck> &checks)
{
    d->checks = checks;
}
bool SmtpStoredMessage::parseFailed() const
{
    return d->parseFailed;
}
void SmtpStoredMessage::setParseFailed(bool failed)
{
    d->parseFailed = failed;
}

bool SmtpStoredMessage::operator==(const SmtpStoredMessage &other) const
{
    if (d == other.d)
        return true;
    return d->summary == other.d->summary && d->message == other.d->message && d->cc == other.d->cc
        && d->replyTo == other.d->replyTo && d->dateHeader == other.d->dateHeader
        && d->messageId == other.d->messageId && d->textBody == other.d->textBody
        && d->htmlBody == other.d->htmlBody && d->headers == other.d->headers
        && d->root == other.d->root && d->checks == other.d->checks
        && d->parseFailed == other.d->parseFailed;
}

QDebug operator<<(QDebug debug, const SmtpStoredMessage &message)
{
    QDebugStateSaver saver(debug);
    const SmtpMessageSummary summary = message.summary();
    debug.nospace() << "SmtpStoredMessage(" << summary.id << ", " << summary.subject << ", "
                    << message.parts().size() << " parts, " << message.attachments().size()
                    << " attachments, " << message.checks().size() << " checks";
    if (message.parseFailed())
        debug << ", parse failed";
    debug << ')';
    return debug;
}
