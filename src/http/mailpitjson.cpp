// MessageSummary and Message, Mailpit's shapes of a stored message.
#include "mailpitjson.h"

#include "mailpitheaders.h"
#include "mailpitmime.h"
#include "mailpitparts.h"
#include "mailpitunsubscribe.h"

#include <smtpaddresslist.h>
#include <smtphtmltotext.h>
#include <smtpmessagestore.h>
#include <smtpstoredmessage.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace {

constexpr qsizetype snippetBytes = 200;

QJsonObject addressJson(const QString &name, const QString &address)
{
    return QJsonObject { { QStringLiteral("Name"), name }, { QStringLiteral("Address"), address } };
}

QJsonArray addressArray(const QList<SmtpNamedAddress> &list)
{
    QJsonArray array;
    for (const SmtpNamedAddress &a : list)
        array.append(addressJson(a.name, a.address));
    return array;
}

QString bareAddress(QString address)
{
    address = address.trimmed();
    if (address.startsWith(QLatin1Char('<')) && address.endsWith(QLatin1Char('>')))
        address = address.mid(1, address.size() - 2).trimmed();
    return address;
}

// The addresses of a message: From, To, Cc, Bcc (with the envelope recipients that no header
// names) and Reply-To.
struct Addresses
{
    QJsonObject from;
    QJsonArray to;
    QJsonArray cc;
    QJsonArray bcc;
    QJsonArray replyTo;
};

Addresses addressesOf(const SmtpStoredMessage &message)
{
    const SmtpMessageSummary s = message.summary();
    Addresses result;
    // From, To, Cc and Reply-To as the store decoded them (names from RFC 2047 words, in any
    // charset); their display form quotes names that hold specials, so it splits again exactly.
    const QList<SmtpNamedAddress> from = SmtpAddressList::parse(s.from);
    if (!from.isEmpty())
        result.from = addressJson(from.constFirst().name, from.constFirst().address);
    else // a From header with no address in it: the text as its name
        result.from = addressJson(s.from.trimmed(), QString());
    const QList<SmtpNamedAddress> to = SmtpAddressList::parse(s.to);
    const QList<SmtpNamedAddress> cc = SmtpAddressList::parse(message.cc());
    QList<SmtpNamedAddress> bcc;
    for (const SmtpHeaderField &field : message.headers()) {
        if (field.name().compare(QLatin1String("Bcc"), Qt::CaseInsensitive) == 0) {
            bcc = SmtpAddressList::parse(
                field.rawValue().isEmpty() ? field.value() : field.rawValue());
            break;
        }
    }
    QSet<QString> named;
    const QList<SmtpNamedAddress> *headerLists[] = { &to, &cc, &bcc };
    for (const QList<SmtpNamedAddress> *list : headerLists) {
        for (const SmtpNamedAddress &a : *list)
            named.insert(a.address.toLower());
    }
    for (const QString &rcpt : s.rcptTos) {
        const QString address = bareAddress(rcpt);
        if (address.isEmpty() || named.contains(address.toLower()))
            continue;
        named.insert(address.toLower());
        bcc.append({ QString(), address });
    }
    result.to = addressArray(to);
    result.cc = addressArray(cc);
    result.bcc = addressArray(bcc);
    result.replyTo = addressArray(SmtpAddressList::parse(message.replyTo()));
    return result;
}

// Text cut to at most maxBytes of UTF-8, never inside a character; whether it was cut.
QString cutUtf8(const QString &text, qsizetype maxBytes, bool *cut)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const bool pair
            = c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate();
        const qsizetype length = pair ? 4 : c.unicode() < 0x80 ? 1 : c.unicode() < 0x800 ? 2 : 3;
        if (bytes + length > maxBytes) {
            *cut = true;
            return text.left(i);
        }
        bytes += length;
        if (pair)
            ++i;
    }
    *cut = false;
    return text;
}

QJsonObject checksums(const QByteArray &content)
{
    auto hex = [&content](QCryptographicHash::Algorithm algorithm) {
        return QString::fromLatin1(QCryptographicHash::hash(content, algorithm).toHex());
    };
    return QJsonObject { { QStringLiteral("MD5"), hex(QCryptographicHash::Md5) },
        { QStringLiteral("SHA1"), hex(QCryptographicHash::Sha1) },
        { QStringLiteral("SHA256"), hex(QCryptographicHash::Sha256) } };
}

QJsonArray partArray(
    const QList<MailpitParts::Section> &sections, const MailpitPartContent &content)
{
    QJsonArray array;
    for (const MailpitParts::Section &section : sections) {
        const SmtpMimePart &part = section.part;
        const QByteArray bytes = content ? content(part.partId()) : QByteArray();
        array.append(QJsonObject { { QStringLiteral("PartID"), section.partId },
            { QStringLiteral("FileName"),
                part.fileName().isEmpty() ? part.contentId() : part.fileName() },
            { QStringLiteral("ContentType"), part.contentType() },
            { QStringLiteral("ContentID"), part.contentId() },
            { QStringLiteral("Size"), content ? bytes.size() : part.size() },
            { QStringLiteral("Checksums"), checksums(bytes) } });
    }
    return array;
}

} // namespace

namespace MailpitJson {

QString id(qint64 storeId)
{
    return QString::number(storeId);
}

qint64 storeId(QStringView id)
{
    // What the number reads back as must be the text itself: no zeros, signs or spaces around
    // it, nothing beyond qint64.
    bool ok = false;
    const qint64 number = id.toLongLong(&ok);
    return ok && number > 0 && MailpitJson::id(number) == id ? number : 0;
}

QJsonArray tags(const QStringList &mailboxes)
{
    QJsonArray result;
    for (const QString &mailbox : mailboxes)
        if (mailbox != SmtpMessage::defaultMailbox())
            result.append(mailbox);
    return result;
}

QJsonObject tagCounts(const SmtpMessageStore &store)
{
    QJsonObject result;
    const QList<SmtpMailbox> mailboxes = store.mailboxes();
    for (const SmtpMailbox &mailbox : mailboxes)
        if (mailbox.name != SmtpMessage::defaultMailbox() && mailbox.messages > 0)
            result.insert(mailbox.name, mailbox.messages);
    return result;
}

QJsonArray allTags(const SmtpMessageStore &store)
{
    return QJsonArray::fromStringList(tagCounts(store).keys()); // keys are sorted
}

QString timeString(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QString snippet(const QString &html, const QString &text)
{
    // One character more than fits is enough to know that it must be cut.
    const bool hasHtml
        = std::any_of(html.cbegin(), html.cend(), [](QChar c) { return !c.isSpace(); });
    const QString full = hasHtml ? SmtpHtmlToText::text(html, snippetBytes)
                                 : SmtpHtmlToText::collapsed(text, snippetBytes);
    bool cut = false;
    QString result = cutUtf8(SmtpHtmlToText::collapsed(full), snippetBytes, &cut);
    if (cut)
        result += QStringLiteral("...");
    return result;
}

QJsonObject summary(const SmtpStoredMessage &message)
{
    const SmtpMessageSummary s = message.summary();
    const Addresses addresses = addressesOf(message);
    return QJsonObject {
        { QStringLiteral("ID"), id(s.id) },
        { QStringLiteral("MessageID"), message.messageId() },
        { QStringLiteral("Read"), s.read },
        { QStringLiteral("From"), addresses.from },
        { QStringLiteral("To"), addresses.to },
        { QStringLiteral("Cc"), addresses.cc },
        { QStringLiteral("Bcc"), addresses.bcc },
        { QStringLiteral("ReplyTo"), addresses.replyTo },
        { QStringLiteral("Subject"), s.subject },
        { QStringLiteral("Created"), timeString(s.receivedAt) },
        { QStringLiteral("Tags"), tags(s.mailboxes) },
        { QStringLiteral("Size"), s.size },
        { QStringLiteral("Attachments"), MailpitParts::attachmentCount(message.rootPart()) },
        { QStringLiteral("Snippet"), snippet(message.htmlBody(), message.textBody()) },
        { QStringLiteral("Username"), message.authenticatedUser() },
    };
}

QJsonObject message(const SmtpStoredMessage &message, const MailpitPartContent &content)
{
    const SmtpMessageSummary s = message.summary();
    const Addresses addresses = addressesOf(message);
    const MailpitBodies texts = bodies(message, content);
    const SmtpMimePart root = message.rootPart();
    QDateTime date = MailpitMime::date(message.dateHeader());
    if (!date.isValid())
        date = s.receivedAt;
    return QJsonObject {
        { QStringLiteral("ID"), id(s.id) },
        { QStringLiteral("MessageID"), message.messageId() },
        { QStringLiteral("From"), addresses.from },
        { QStringLiteral("To"), addresses.to },
        { QStringLiteral("Cc"), addresses.cc },
        { QStringLiteral("Bcc"), addresses.bcc },
        { QStringLiteral("ReplyTo"), addresses.replyTo },
        { QStringLiteral("ReturnPath"), s.mailFrom },
        { QStringLiteral("Subject"), s.subject },
        { QStringLiteral("ListUnsubscribe"),
            MailpitUnsubscribe::json(message.header(QStringLiteral("List-Unsubscribe")),
                message.header(QStringLiteral("List-Unsubscribe-Post"))) },
        { QStringLiteral("Date"), timeString(date) },
        { QStringLiteral("Tags"), tags(s.mailboxes) },
        { QStringLiteral("Username"), message.authenticatedUser() },
        { QStringLiteral("Text"), texts.text },
        { QStringLiteral("HTML"), texts.html },
        { QStringLiteral("Size"), s.size },
        { QStringLiteral("Inline"), partArray(MailpitParts::inlines(root), content) },
        { QStringLiteral("Attachments"), partArray(MailpitParts::attachments(root), content) },
    };
}

QJsonObject headers(const QByteArray &raw)
{
    return MailpitHeaders::headers(raw);
}

} // namespace MailpitJson
