// Builds the message of POST /api/v1/send: validates the JSON request and writes the MIME tree
// with GMime (GMime's header first: glib's "signals" field clashes with Qt's keyword).
#include <gmime/gmime.h>

#include "mailpitsendmessage.h"

#include "mailpitmime.h"

#include <smtpmessage.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMimeDatabase>
#include <QUuid>

#include <memory>
#include <optional>
#include <vector>

namespace {

// GMime objects are GObjects: one unref each, whatever path the build takes.
struct GObjectUnref
{
    void operator()(gpointer object) const
    {
        if (object)
            g_object_unref(object);
    }
};
template<typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

// A request error: one line for the 400.
struct Refusal
{
    QString text;
};

// Printable on one line, for error texts that quote what the client sent.
QString shown(const QString &text)
{
    QString out;
    for (const QChar c : text)
        out += c.isPrint() ? c : QChar(u'?');
    return out.size() > 200 ? out.left(200) + QStringLiteral("...") : out;
}

// Line breaks in a display name or the subject become spaces: a reader unfolds them anyway, and
// they must never reach the header block raw.
QString oneLine(const QString &text)
{
    QString out = text;
    out.replace(QStringLiteral("\r\n"), QStringLiteral(" "));
    out.replace(QChar(u'\r'), QChar(u' '));
    out.replace(QChar(u'\n'), QChar(u' '));
    out.replace(QChar(u'\0'), QChar(u' '));
    return out;
}

bool isAtext(QChar c)
{
    if (c.unicode() >= 0x80)
        return c.isPrint(); // SMTPUTF8 local parts
    if (c.isLetterOrNumber())
        return true;
    return QStringView(u"!#$%&'*+-/=?^_`{|}~").contains(c);
}

// local@domain: a dot-atom local part (or a quoted string without controls) and a domain of
// letters, digits, hyphens and dots, or an address literal in brackets.
bool isValidAddress(const QString &address)
{
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    if (at <= 0 || at == address.size() - 1 || address.size() > 254)
        return false;
    const QString local = address.left(at);
    const QString domain = address.mid(at + 1);
    if (local.size() > 64)
        return false;
    if (local.size() >= 2 && local.startsWith(QLatin1Char('"'))
        && local.endsWith(QLatin1Char('"'))) {
        for (const QChar c : QStringView(local).sliced(1, local.size() - 2)) {
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                return false;
        }
    } else {
        if (local.startsWith(QLatin1Char('.')) || local.endsWith(QLatin1Char('.'))
            || local.contains(QStringLiteral("..")))
            return false;
        for (const QChar c : local) {
            if (c != QLatin1Char('.') && !isAtext(c))
                return false;
        }
    }
    if (domain.startsWith(QLatin1Char('[')) && domain.endsWith(QLatin1Char(']'))) {
        for (const QChar c : QStringView(domain).sliced(1, domain.size() - 2)) {
            if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != QLatin1Char('.')
                && c != QLatin1Char(':'))
                return false;
        }
        return domain.size() > 2;
    }
    const QStringList labels = domain.split(QLatin1Char('.'));
    for (const QString &label : labels) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(QLatin1Char('-'))
            || label.endsWith(QLatin1Char('-')))
            return false;
        for (const QChar c : label) {
            const bool ascii = c.unicode() < 0x80;
            if (ascii ? !(c.isLetterOrNumber() || c == QLatin1Char('-')) : !c.isPrint())
                return false;
        }
    }
    return true;
}

struct Mailbox
{
    QString name;
    QString email;
};

struct Attachment
{
    QByteArray content;
    QString fileName;
    QString contentType;
    QString contentId;
};

// The request, read and checked.
struct Request
{
    Mailbox from;
    QList<Mailbox> to, cc, replyTo;
    QStringList bcc;
    QString subject, text, html;
    QList<Attachment> attachments;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QStringList tags;
};

std::optional<Refusal> readString(
    const QJsonObject &object, const QString &key, const QString &where, QString *out)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        return Refusal { QStringLiteral("%1 must be a string").arg(where) };
    *out = value.toString();
    return {};
}

std::optional<Refusal> readMailbox(const QJsonValue &value, const QString &field, Mailbox *out)
{
    if (!value.isObject())
        return Refusal { QStringLiteral("%1 must be an object {\"Email\", \"Name\"}").arg(field) };
    const QJsonObject object = value.toObject();
    if (auto refusal = readString(object, QStringLiteral("Email"), field + u".Email", &out->email))
        return refusal;
    if (auto refusal = readString(object, QStringLiteral("Name"), field + u".Name", &out->name))
        return refusal;
    out->email = out->email.trimmed();
    out->name = oneLine(out->name).trimmed();
    if (!isValidAddress(out->email))
        return Refusal { QStringLiteral("invalid %1 address: %2").arg(field, shown(out->email)) };
    return {};
}

std::optional<Refusal> readMailboxes(
    const QJsonObject &body, const QString &key, const QString &field, QList<Mailbox> *out)
{
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        return Refusal {
            QStringLiteral("%1 must be an array of {\"Email\", \"Name\"} objects").arg(key)
        };
    for (const QJsonValue &item : value.toArray()) {
        Mailbox mailbox;
        if (auto refusal = readMailbox(item, field, &mailbox))
            return refusal;
        out->append(mailbox);
    }
    return {};
}

std::optional<Refusal> readStrings(const QJsonObject &body, const QString &key, QStringList *out)
{
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    bool ok = value.isArray();
    if (ok) {
        for (const QJsonValue &item : value.toArray()) {
            ok = ok && item.isString();
            out->append(item.toString().trimmed());
        }
    }
    if (!ok)
        return Refusal { QStringLiteral("%1 must be an array of strings").arg(key) };
    return {};
}

// RFC 5322 field-name: printable US-ASCII other than ':'.
bool isFieldName(const QString &name)
{
    if (name.isEmpty() || name.size() > 998)
        return false;
    for (const QChar c : name) {
        if (c.unicode() < 33 || c.unicode() > 126 || c == QLatin1Char(':'))
            return false;
    }
    return true;
}

// Fields the builder writes itself; Headers may not replace them (Mailpit refuses the same).
bool isRestrictedField(const QString &name)
{
    static const QStringList restricted { QStringLiteral("To"), QStringLiteral("From"),
        QStringLiteral("Cc"), QStringLiteral("Bcc"), QStringLiteral("Reply-To"),
        QStringLiteral("Date"), QStringLiteral("Subject"), QStringLiteral("MIME-Version") };
    return restricted.contains(name, Qt::CaseInsensitive)
        || name.startsWith(QStringLiteral("Content-"), Qt::CaseInsensitive);
}

std::optional<Refusal> readHeaders(const QJsonObject &body, Request *request)
{
    const QJsonValue value = body.value(QStringLiteral("Headers"));
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject())
        return Refusal { QStringLiteral("Headers must be an object of \"Name\": \"value\"") };
    const QJsonObject headers = value.toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        const QString name = it.key();
        if (!isFieldName(name))
            return Refusal { QStringLiteral("invalid header name: \"%1\"").arg(shown(name)) };
        if (isRestrictedField(name))
            return Refusal { QStringLiteral("cannot overwrite header: \"%1\"").arg(name) };
        if (!it.value().isString())
            return Refusal {
                QStringLiteral("the value of header \"%1\" must be a string").arg(name)
            };
        const QString text = it.value().toString();
        if (text.contains(QChar(u'\r')) || text.contains(QChar(u'\n'))
            || text.contains(QChar(u'\0')))
            return Refusal { QStringLiteral(
                "invalid value for header \"%1\": line breaks are not allowed")
                                 .arg(name) };
        request->headers.append({ name.toLatin1(), text.trimmed().toUtf8() });
    }
    return {};
}

bool isMediaType(const QString &type)
{
    // type/subtype, both RFC 2045 tokens; parameters after ';' are read by GMime.
    const QString bare = type.section(QLatin1Char(';'), 0, 0).trimmed();
    const qsizetype slash = bare.indexOf(QLatin1Char('/'));
    if (slash <= 0 || slash == bare.size() - 1)
        return false;
    for (qsizetype i = 0; i < bare.size(); ++i) {
        const QChar c = bare.at(i);
        if (i == slash)
            continue;
        if (c.unicode() <= 32 || c.unicode() >= 127
            || QStringView(u"()<>@,;:\\\"/[]?=").contains(c))
            return false;
    }
    return !type.contains(QChar(u'\r')) && !type.contains(QChar(u'\n'));
}

std::optional<Refusal> readAttachments(const QJsonObject &body, Request *request)
{
    const QJsonValue value = body.value(QStringLiteral("Attachments"));
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isArray())
        return Refusal { QStringLiteral("Attachments must be an array of objects") };
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isObject())
            return Refusal { QStringLiteral("Attachments must be an array of objects") };
        const QJsonObject object = item.toObject();
        Attachment attachment;
        QString content;
        for (const auto &[key, out] : { std::pair { QStringLiteral("Content"), &content },
                 std::pair { QStringLiteral("Filename"), &attachment.fileName },
                 std::pair { QStringLiteral("ContentType"), &attachment.contentType },
                 std::pair { QStringLiteral("ContentID"), &attachment.contentId } }) {
            if (auto refusal = readString(object, key, QStringLiteral("Attachments[].") + key, out))
                return refusal;
        }
        attachment.fileName = oneLine(attachment.fileName).trimmed();
        // A data: URL ("data:image/png;base64,...") as a browser's readAsDataURL() gives it.
        const qsizetype comma = content.lastIndexOf(QLatin1Char(','));
        QByteArray encoded = content.mid(comma + 1).toLatin1();
        encoded = encoded.simplified().replace(' ', QByteArray());
        auto decoded
            = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || (encoded.size() % 4) != 0)
            return Refusal { QStringLiteral("error decoding base64 attachment \"%1\"")
                                 .arg(shown(attachment.fileName)) };
        attachment.content = *decoded;
        attachment.contentType = attachment.contentType.trimmed();
        if (!attachment.contentType.isEmpty() && !isMediaType(attachment.contentType))
            return Refusal { QStringLiteral("invalid ContentType for attachment \"%1\": %2")
                                 .arg(shown(attachment.fileName), shown(attachment.contentType)) };
        if (attachment.contentType.isEmpty())
            attachment.contentType
                = QMimeDatabase()
                      .mimeTypeForFileNameAndData(attachment.fileName, attachment.content)
                      .name();
        QString cid = attachment.contentId.trimmed();
        if (cid.startsWith(QLatin1Char('<')) && cid.endsWith(QLatin1Char('>')))
            cid = cid.mid(1, cid.size() - 2);
        for (const QChar c : cid) {
            if (c.unicode() <= 32 || c.unicode() >= 127 || c == QLatin1Char('<')
                || c == QLatin1Char('>'))
                return Refusal { QStringLiteral("invalid ContentID for attachment \"%1\": %2")
                                     .arg(shown(attachment.fileName), shown(cid)) };
        }
        attachment.contentId = cid;
        request->attachments.append(attachment);
    }
    return {};
}

// How many items body[key] has when it is an array or an object (a value of another type is
// refused where it is read).
qsizetype itemCount(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (value.isArray())
        return value.toArray().size();
    return value.isObject() ? value.toObject().size() : 0;
}

// The bounds of the lists, checked before any item is read.
std::optional<Refusal> checkCounts(const QJsonObject &body)
{
    const auto tooMany = [](const QString &what, qsizetype count, int limit) {
        return Refusal { QStringLiteral("too many %1: %2, at most %3 are allowed")
                             .arg(what)
                             .arg(count)
                             .arg(limit) };
    };
    const qsizetype recipients = itemCount(body, QStringLiteral("To"))
        + itemCount(body, QStringLiteral("Cc")) + itemCount(body, QStringLiteral("Bcc"));
    if (recipients > MailpitSendMessage::maxRecipients)
        return tooMany(QStringLiteral("recipients (To, Cc and Bcc together)"), recipients,
            MailpitSendMessage::maxRecipients);
    for (const auto &[key, limit] :
        { std::pair { QStringLiteral("ReplyTo"), MailpitSendMessage::maxReplyTo },
            std::pair { QStringLiteral("Attachments"), MailpitSendMessage::maxAttachments },
            std::pair { QStringLiteral("Headers"), MailpitSendMessage::maxHeaders },
            std::pair { QStringLiteral("Tags"), MailpitSendMessage::maxTags } }) {
        const qsizetype count = itemCount(body, key);
        if (count > limit)
            return tooMany(key, count, limit);
    }
    return {};
}

std::optional<Refusal> readRequest(const QByteArray &json, Request *request)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Refusal { QStringLiteral("invalid JSON: %1 at offset %2")
                             .arg(parseError.errorString())
                             .arg(parseError.offset) };
    if (!document.isObject())
        return Refusal { QStringLiteral("invalid JSON: the body must be an object") };
    const QJsonObject body = document.object();
    if (auto refusal = checkCounts(body))
        return refusal;

    const QJsonValue from = body.value(QStringLiteral("From"));
    if (!from.isObject() || from.toObject().value(QStringLiteral("Email")).toString().isEmpty())
        return Refusal { QStringLiteral("From.Email is required") };
    if (auto refusal = readMailbox(from, QStringLiteral("From"), &request->from))
        return refusal;
    if (auto refusal
        = readMailboxes(body, QStringLiteral("To"), QStringLiteral("To"), &request->to))
        return refusal;
    if (auto refusal
        = readMailboxes(body, QStringLiteral("Cc"), QStringLiteral("Cc"), &request->cc))
        return refusal;
    if (auto refusal = readStrings(body, QStringLiteral("Bcc"), &request->bcc))
        return refusal;
    for (const QString &address : std::as_const(request->bcc)) {
        if (!isValidAddress(address))
            return Refusal { QStringLiteral("invalid Bcc address: %1").arg(shown(address)) };
    }
    if (auto refusal = readMailboxes(
            body, QStringLiteral("ReplyTo"), QStringLiteral("Reply-To"), &request->replyTo))
        return refusal;
    if (request->to.isEmpty() && request->cc.isEmpty() && request->bcc.isEmpty())
        return Refusal { QStringLiteral("no recipients specified: To, Cc and Bcc are empty") };
    for (const auto &[key, out] : { std::pair { QStringLiteral("Subject"), &request->subject },
             std::pair { QStringLiteral("Text"), &request->text },
             std::pair { QStringLiteral("HTML"), &request->html } }) {
        if (auto refusal = readString(body, key, key, out))
            return refusal;
    }
    request->subject = oneLine(request->subject);
    if (auto refusal = readAttachments(body, request))
        return refusal;
    if (auto refusal = readHeaders(body, request))
        return refusal;
    if (auto refusal = readStrings(body, QStringLiteral("Tags"), &request->tags))
        return refusal;
    return {};
}

// Body text in canonical form, CRLF line ends: a base64 body keeps them inside the encoding,
// and the writer leaves existing CRLFs alone.
QByteArray canonicalLines(const QString &text)
{
    QByteArray bytes = text.toUtf8();
    bytes.replace("\r\n", "\n");
    bytes.replace('\r', '\n');
    bytes.replace("\n", "\r\n");
    return bytes;
}

void setContent(GMimePart *part, const QByteArray &bytes)
{
    GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.constData(), bytes.size()));
    GPtr<GMimeDataWrapper> wrapper(
        g_mime_data_wrapper_new_with_stream(stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
    g_mime_part_set_content(part, wrapper.get());
}

GPtr<GMimeObject> textPart(const char *subtype, const QString &text)
{
    GPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype(subtype));
    setContent(GMIME_PART(part.get()), canonicalLines(text));
    g_mime_text_part_set_charset(part.get(), "utf-8");
    return GPtr<GMimeObject>(GMIME_OBJECT(part.release()));
}

// Text GMime may send as it is (7bit or quoted-printable, lines made CRLF): no NUL and no CR
// outside a CRLF. GMime's 7bit choice lets a bare CR through, which SMTP forbids (RFC 5321
// 2.3.8) and which would not survive the trip byte for byte, so other text goes as base64.
bool isLineText(const QByteArray &content)
{
    for (qsizetype i = 0; i < content.size(); ++i) {
        const char c = content.at(i);
        if (c == '\0' || (c == '\r' && (i + 1 == content.size() || content.at(i + 1) != '\n')))
            return false;
    }
    return true;
}

GPtr<GMimeObject> attachmentPart(const Attachment &attachment, const char *disposition)
{
    GPtr<GMimeContentType> type(
        g_mime_content_type_parse(nullptr, attachment.contentType.toUtf8().constData()));
    GPtr<GMimePart> part(g_mime_part_new());
    g_mime_object_set_content_type(GMIME_OBJECT(part.get()), type.get());
    setContent(part.get(), attachment.content);
    g_mime_object_set_disposition(GMIME_OBJECT(part.get()), disposition);
    if (!attachment.fileName.isEmpty()) {
        g_mime_part_set_filename(part.get(), attachment.fileName.toUtf8().constData());
        // RFC 2231 names in UTF-8 (GMime would pick Latin-1 if it fits).
        GMimeObject *object = GMIME_OBJECT(part.get());
        for (GMimeParamList *params : { g_mime_content_disposition_get_parameters(
                                            g_mime_object_get_content_disposition(object)),
                 g_mime_content_type_get_parameters(g_mime_object_get_content_type(object)) }) {
            for (const char *name : { "filename", "name" }) {
                if (GMimeParam *param = g_mime_param_list_get_parameter(params, name))
                    g_mime_param_set_charset(param, "utf-8");
            }
        }
    }
    if (!attachment.contentId.isEmpty())
        g_mime_part_set_content_id(part.get(), attachment.contentId.toUtf8().constData());
    if (!attachment.contentType.startsWith(QStringLiteral("text/"), Qt::CaseInsensitive)
        || !isLineText(attachment.content))
        g_mime_part_set_content_encoding(part.get(), GMIME_CONTENT_ENCODING_BASE64);
    return GPtr<GMimeObject>(GMIME_OBJECT(part.release()));
}

GPtr<GMimeObject> multipart(const char *subtype, std::vector<GPtr<GMimeObject>> children)
{
    GPtr<GMimeMultipart> part(g_mime_multipart_new_with_subtype(subtype));
    for (const auto &child : children)
        g_mime_multipart_add(part.get(), child.get());
    return GPtr<GMimeObject>(GMIME_OBJECT(part.release()));
}

// text → text/plain; text and HTML → alternative; inline parts (those with a ContentID) go into
// a related part around the HTML; the other attachments make the whole a mixed part.
GPtr<GMimeObject> bodyTree(const Request &request)
{
    std::vector<GPtr<GMimeObject>> inlines;
    std::vector<GPtr<GMimeObject>> attachments;
    for (const Attachment &attachment : request.attachments) {
        if (!attachment.contentId.isEmpty() && !request.html.isEmpty())
            inlines.push_back(attachmentPart(attachment, "inline"));
        else
            attachments.push_back(attachmentPart(
                attachment, attachment.contentId.isEmpty() ? "attachment" : "inline"));
    }
    GPtr<GMimeObject> html;
    if (!request.html.isEmpty()) {
        html = textPart("html", request.html);
        if (!inlines.empty()) {
            inlines.insert(inlines.begin(), std::move(html));
            html = multipart("related", std::move(inlines));
        }
    }
    GPtr<GMimeObject> body;
    if (html && !request.text.isEmpty()) {
        std::vector<GPtr<GMimeObject>> alternatives;
        alternatives.push_back(textPart("plain", request.text));
        alternatives.push_back(std::move(html));
        body = multipart("alternative", std::move(alternatives));
    } else if (html) {
        body = std::move(html);
    } else {
        body = textPart("plain", request.text);
    }
    if (attachments.empty())
        return body;
    attachments.insert(attachments.begin(), std::move(body));
    return multipart("mixed", std::move(attachments));
}

QByteArray build(const Request &request, const QString &messageIdDomain, const QDateTime &now)
{
    MailpitMime::ensureGMime();
    GPtr<GMimeMessage> message(g_mime_message_new(FALSE));
    GMimeObject *object = GMIME_OBJECT(message.get());
    // Each address field is written once: the list is made apart and handed to the message in
    // one piece. GMime writes a message's field anew from the whole list at every change of the
    // list, so adding the addresses one by one cost the square of their number (16,000
    // recipients took 8 s).
    const auto setAddresses = [&](GMimeAddressType type, const QList<Mailbox> &mailboxes) {
        if (mailboxes.isEmpty())
            return; // appending an empty list would still write an empty field
        GPtr<InternetAddressList> list(internet_address_list_new());
        for (const Mailbox &mailbox : mailboxes) {
            GPtr<InternetAddress> address(internet_address_mailbox_new(
                mailbox.name.toUtf8().constData(), mailbox.email.toUtf8().constData()));
            // GMime would pick Latin-1 if it fits.
            internet_address_set_charset(address.get(), "utf-8");
            internet_address_list_add(list.get(), address.get());
        }
        internet_address_list_append(g_mime_message_get_addresses(message.get(), type), list.get());
    };

    GDateTime *date = g_date_time_new_from_unix_utc(now.toSecsSinceEpoch());
    g_mime_message_set_date(message.get(), date);
    g_date_time_unref(date);
    const QString localPart = QUuid::createUuid().toString(QUuid::WithoutBraces);
    g_mime_message_set_message_id(
        message.get(), (localPart + u'@' + messageIdDomain).toUtf8().constData());
    setAddresses(GMIME_ADDRESS_TYPE_FROM, { request.from });
    setAddresses(GMIME_ADDRESS_TYPE_TO, request.to);
    setAddresses(GMIME_ADDRESS_TYPE_CC, request.cc);
    setAddresses(GMIME_ADDRESS_TYPE_REPLY_TO, request.replyTo);
    g_mime_message_set_subject(message.get(), request.subject.toUtf8().constData(), "utf-8");
    g_mime_object_set_header(object, "MIME-Version", "1.0", nullptr);
    for (const auto &[name, value] : request.headers)
        g_mime_object_set_header(object, name.constData(), value.constData(), "utf-8");

    GPtr<GMimeObject> body = bodyTree(request);
    g_mime_message_set_mime_part(message.get(), body.get());
    g_mime_object_encode(object, GMIME_ENCODING_CONSTRAINT_7BIT);

    GMimeFormatOptions *options = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(options, GMIME_NEWLINE_FORMAT_DOS);
    GPtr<GMimeStream> stream(g_mime_stream_mem_new());
    g_mime_object_write_to_stream(object, options, stream.get());
    g_mime_format_options_free(options);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
    return QByteArray(reinterpret_cast<const char *>(bytes->data), qsizetype(bytes->len));
}

} // namespace

MailpitSendMessage MailpitSendMessage::fromJson(
    const QByteArray &json, const QString &messageIdDomain, const QDateTime &now)
{
    MailpitSendMessage result;
    Request request;
    if (const auto refusal = readRequest(json, &request)) {
        result.error = refusal->text;
        return result;
    }
    result.data = build(request, messageIdDomain, now);
    result.mailFrom = request.from.email;
    for (const Mailbox &mailbox : std::as_const(request.to))
        result.rcptTos.append(mailbox.email);
    for (const Mailbox &mailbox : std::as_const(request.cc))
        result.rcptTos.append(mailbox.email);
    result.rcptTos += request.bcc;
    result.tags = request.tags;
    return result;
}
