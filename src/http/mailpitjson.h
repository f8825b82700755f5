// A stored message in Mailpit's JSON shapes (MessageSummary, Message, headers), as its client
// libraries read them: addresses as {Name, Address}, times in RFC 3339 UTC with milliseconds.
#pragma once

#include "mailpitbodies.h"
#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

class SmtpMessageStore;
class SmtpStoredMessage;

namespace MailpitJson {

// A message's ID, as every answer and event writes it: its store id in decimal ("6"), the same
// as the "id" of the message event.
SMTPRECEIVERHTTP_TEST_EXPORT QString id(qint64 storeId);
// The store id an ID from a client names, or 0 for none. Only the form id() writes names a
// message: "06", "+6", " 6" or "6.0" name none, so that a message has one ID, and one URL.
SMTPRECEIVERHTTP_TEST_EXPORT qint64 storeId(QStringView id);

// One list or search item (MessageSummary). Reads only what the stored message holds (no part
// content): cheap enough for every item of a page and every "new" event.
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject summary(const SmtpStoredMessage &message);

// A message's Tags: its mailboxes other than Inbox, in order.
SMTPRECEIVERHTTP_TEST_EXPORT QJsonArray tags(const QStringList &mailboxes);
// Every tag in use: the store's mailboxes other than Inbox that hold mail, by name.
SMTPRECEIVERHTTP_TEST_EXPORT QJsonArray allTags(const SmtpMessageStore &store);
// The same, each with its number of messages (Info's Tags).
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject tagCounts(const SmtpMessageStore &store);

// An instant as the API writes it: 2026-11-28T11:30:00.123Z.
SMTPRECEIVERHTTP_TEST_EXPORT QString timeString(const QDateTime &at);

// The whole message (Message): the summary's identity and addresses, ReturnPath, Date, Text,
// HTML, the Attachments and Inline parts with their checksums, ListUnsubscribe. content reads
// a part's decoded bytes (for checksums, and bodies the store did not keep).
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject message(
    const SmtpStoredMessage &message, const MailpitPartContent &content);

// The top-level header block of raw message bytes: canonical name -> [raw values in order].
SMTPRECEIVERHTTP_TEST_EXPORT QJsonObject headers(const QByteArray &raw);

// Up to 200 bytes of UTF-8 of the HTML's text, or else of the text body, white space collapsed;
// "..." follows when it was cut.
SMTPRECEIVERHTTP_TEST_EXPORT QString snippet(const QString &html, const QString &text);

} // namespace MailpitJson
