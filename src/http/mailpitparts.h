// A stored message's part tree as Mailpit reads it: the MIME section numbers that are its
// PartIDs, which leaves are attachments and which inline, and which parts are the Text and
// HTML bodies. From the part tree alone: no part's content is read here.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <smtpmimepart.h>

#include <QList>
#include <QString>

namespace MailpitParts {

struct Section
{
    SmtpMimePart part;
    QString partId; // "1", "1.2.2"; "1" for the body of a message that is one part
};

// Every leaf (a part that is not multipart; message/rfc822 parts are leaves), breadth-first.
SMTPRECEIVERHTTP_TEST_EXPORT QList<Section> leaves(const SmtpMimePart &root);

// The leaf with that PartID; an invalid part when there is none.
SMTPRECEIVERHTTP_TEST_EXPORT SmtpMimePart leaf(const SmtpMimePart &root, const QString &partId);

// Disposition attachment, or application/octet-stream.
SMTPRECEIVERHTTP_TEST_EXPORT bool isAttachment(const SmtpMimePart &leaf);
// How many leaves are attachments, named or not (MessageSummary's Attachments).
SMTPRECEIVERHTTP_TEST_EXPORT int attachmentCount(const SmtpMimePart &root);
// Message's Attachments: the attachments that have a file name or a Content-ID.
SMTPRECEIVERHTTP_TEST_EXPORT QList<Section> attachments(const SmtpMimePart &root);
// Message's Inline: leaves with disposition inline, then leaves with no disposition that are no
// body text (not text/plain, text/html or octet-stream); each only with a file name or a
// Content-ID.
SMTPRECEIVERHTTP_TEST_EXPORT QList<Section> inlines(const SmtpMimePart &root);

// Which leaves make the Text and the HTML (by SmtpMimePart::partId, the index that
// SmtpMessageStore::partContent() takes).
struct Bodies
{
    QList<int> text; // joined with "\n--\n" when more than one
    int html = -1;
};
SMTPRECEIVERHTTP_TEST_EXPORT Bodies bodies(const SmtpMimePart &root);

// The parts SmtpStoredMessage::textBody() and htmlBody() were read from (its first text/plain
// and text/html leaves, depth-first, with no file name, shown rather than attached); -1 for none.
int storedTextPart(const SmtpMimePart &root);
int storedHtmlPart(const SmtpMimePart &root);

} // namespace MailpitParts
