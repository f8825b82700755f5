#include "smtpmessagesummary.h"

#include "mime/mimeheaders.h"
#include "smtpmessage.h"

SmtpMessageSummary SmtpMessageSummary::fromEnvelope(const SmtpMessage &message)
{
    SmtpMessageSummary s;
    s.id = message.id();
    s.receivedAt = message.receivedAt();
    s.remoteAddress = message.remoteAddress();
    s.helo = message.helo();
    s.mailFrom = message.mailFrom();
    s.rcptTos = message.rcptTos();
    s.size = message.size();
    s.tls = message.isTls();
    s.mailboxes = message.mailboxes();
    if (s.mailboxes.isEmpty())
        s.mailboxes = QStringList { SmtpMessage::defaultMailbox() };
    return s;
}

SmtpMessageSummary SmtpMessageSummary::fromMessage(const SmtpMessage &message)
{
    SmtpMessageSummary s = fromEnvelope(message);
    // The header block is all that is needed: not the whole of a big message.
    const QByteArray data
        = message.isDataInMemory() ? message.data() : message.leadingData(256 * 1024);
    s.from = MimeHeaders::decodedHeader(data, "From");
    s.to = MimeHeaders::decodedHeader(data, "To");
    s.subject = MimeHeaders::decodedHeader(data, "Subject");
    return s;
}

bool SmtpMessageSummary::operator==(const SmtpMessageSummary &other) const
{
    return id == other.id && receivedAt == other.receivedAt && remoteAddress == other.remoteAddress
        && helo == other.helo && mailFrom == other.mailFrom && rcptTos == other.rcptTos
        && from == other.from && to == other.to && subject == other.subject && size == other.size
        && tls == other.tls && read == other.read && hasAttachments == other.hasAttachments
        && mailboxes == other.mailboxes;
}
