// The MIME parse of a stored message: headers, bodies and the part tree, read once with GMime;
// the checks and charsets it uses live beside it (mimechecks.cpp, mimecharsets.cpp).
// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "gmime_p.h"
#include "mimecharsets.h"
#include "mimechecks.h"
#include "mimeheaders.h"
#include "mimeparser.h"

#include <QtGlobal>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace {

struct GObjectUnref
{
    void operator()(gpointer object) const { g_object_unref(object); }
};
template<typename T>
using GRef = std::unique_ptr<T, GObjectUnref>;

QString fromUtf8(const char *text)
{
    return text ? QString::fromUtf8(text) : QString();
}

QString takeUtf8(char *text)
{
    QString result = fromUtf8(text);
    g_free(text);
    return result;
}

void ensureParserReady()
{
    MimeInternal::ensureGMime();
    static std::once_flag once;
    std::call_once(once, [] {
        // An attached message is a leaf for us: an attachment whose exact bytes (transfer-decoded)
        // partContent() hands out, not a message to parse, rewrite and search again.
        for (const char *subtype : { "rfc822", "global", "news" })
            g_mime_object_register_type("message", subtype, GMIME_TYPE_PART);
    });
}

// ---- GMime parsing -------------------------------------------------------------------------

using MimeChecks::ParserWarning;

constexpr std::size_t maxWarnings = 64;
constexpr std::size_t maxWarningItem = 200;

void collectWarning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer userData)
{
    auto *warnings = static_cast<std::vector<ParserWarning> *>(userData);
    if (warnings->size() >= maxWarnings)
        return;
    QByteArray text;
    if (item)
        text = QByteArray(item, qsizetype(strnlen(item, maxWarningItem)));
    warnings->push_back({ int(code), qint64(offset), text });
}

// The parsed message, or null when GMime found no header block. With warnings, the vector must
// outlive the message: its header lists keep a copy of the options, callback included.
GRef<GMimeMessage> parseWithGMime(const QByteArray &raw, std::vector<ParserWarning> *warnings)
{
    ensureParserReady();
    GRef<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.constData(), gsize(raw.size())));
    GRef<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);

    GMimeParserOptions *options = g_mime_parser_options_clone(MimeInternal::headerOptions());
    if (warnings)
        g_mime_parser_options_set_warning_callback(options, collectWarning, warnings);
    GMimeMessage *message = g_mime_parser_construct_message(parser.get(), options);
    g_mime_parser_options_free(options);
    return GRef<GMimeMessage>(message);
}

// The part tree flattened depth-first (root = the message's top-level part = index 0). parse()
// and partContent() both number parts through this one function.
struct Node
{
    GMimeObject *object;
    int parent;
    int depth;
};

std::vector<Node> flatten(GMimeMessage *message)
{
    std::vector<Node> nodes;
    GMimeObject *root = g_mime_message_get_mime_part(message);
    if (!root)
        return nodes;
    std::vector<Node> pending { { root, -1, 0 } }; // no recursion: depth is attacker-controlled
    while (!pending.empty()) {
        const Node node = pending.back();
        pending.pop_back();
        const int index = int(nodes.size());
        nodes.push_back(node);
        if (GMIME_IS_MULTIPART(node.object)) {
            GMimeMultipart *multipart = GMIME_MULTIPART(node.object);
            for (int i = g_mime_multipart_get_count(multipart) - 1; i >= 0; --i)
                pending.push_back(
                    { g_mime_multipart_get_part(multipart, i), index, node.depth + 1 });
        }
    }
    return nodes;
}

// The part's content as written (still transfer-encoded), straight from the parser's buffer:
// with a seekable memory stream GMime keeps each part as a window on it. False otherwise.
bool encodedView(GMimeDataWrapper *content, QByteArrayView *view)
{
    GMimeStream *stream = g_mime_data_wrapper_get_stream(content);
    if (!stream || !GMIME_IS_STREAM_MEM(stream))
        return false;
    const GByteArray *buffer = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    if (!buffer)
        return false;
    const gint64 size = gint64(buffer->len);
    const gint64 start = qBound(gint64(0), stream->bound_start, size);
    const gint64 end = stream->bound_end < 0 ? size : qBound(start, stream->bound_end, size);
    *view = QByteArrayView(reinterpret_cast<const char *>(buffer->data) + start, end - start);
    return true;
}

bool isIdentity(GMimeContentEncoding encoding)
{
    return encoding == GMIME_CONTENT_ENCODING_DEFAULT || encoding == GMIME_CONTENT_ENCODING_7BIT
        || encoding == GMIME_CONTENT_ENCODING_8BIT || encoding == GMIME_CONTENT_ENCODING_BINARY;
}

// Transfer-decoded content. Identity encodings and base64 are decoded from the buffer directly
// (GMime's filter streams cost more GObjects than the whole part is worth); quoted-printable
// and uuencode go through GMime. parse() and partContent() decode through this one function.
QByteArray decodedContent(GMimePart *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return {};
    const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
    QByteArrayView encoded;
    if (encodedView(content, &encoded)) {
        if (isIdentity(encoding))
            return encoded.toByteArray();
        if (encoding == GMIME_CONTENT_ENCODING_BASE64)
            return QByteArray::fromBase64(QByteArray::fromRawData(encoded.data(), encoded.size()));
    }
    GRef<GMimeStream> sink(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, sink.get());
    const GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
    return QByteArray(reinterpret_cast<const char *>(bytes->data), qsizetype(bytes->len));
}

QByteArray serializedMessage(GMimeMessagePart *part)
{
    GMimeMessage *message = g_mime_message_part_get_message(part);
    if (!message)
        return {};
    GRef<GMimeStream> sink(g_mime_stream_mem_new());
    g_mime_object_write_to_stream(GMIME_OBJECT(message), nullptr, sink.get());
    const GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink.get()));
    return QByteArray(reinterpret_cast<const char *>(bytes->data), qsizetype(bytes->len));
}

// Checks base64 content as written (decoders silently skip what they cannot use).
struct Base64Scan
{
    qint64 symbols = 0;
    qint64 padding = 0;
    qint64 invalid = 0;
    bool dataAfterPadding = false;

    bool valid() const
    {
        return invalid == 0 && !dataAfterPadding && padding <= 2 && (symbols + padding) % 4 == 0;
    }
    qint64 decodedSize() const
    {
        const qint64 tail = symbols % 4;
        return symbols / 4 * 3 + (tail == 2 ? 1 : tail == 3 ? 2 : 0);
    }
};

Base64Scan scanBase64(QByteArrayView encoded)
{
    Base64Scan scan;
    for (const char c : encoded) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
            || c == '/') {
            if (scan.padding)
                scan.dataAfterPadding = true;
            ++scan.symbols;
        } else if (c == '=') {
            ++scan.padding;
        } else if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
            ++scan.invalid;
        }
    }
    return scan;
}

// The raw value of a header, or null.
const char *rawHeaderValue(GMimeObject *object, const char *name)
{
    GMimeHeader *header
        = g_mime_header_list_get_header(g_mime_object_get_header_list(object), name);
    return header ? g_mime_header_get_raw_value(header) : nullptr;
}

// ---- Headers and parts ---------------------------------------------------------------------

QString header(GMimeObject *object, const char *name)
{
    return fromUtf8(g_mime_object_get_header(object, name)).trimmed();
}

// A display name that would read as more than one address, or as an address, is quoted.
bool needsQuotes(const QString &name)
{
    for (const QChar c : name) {
        switch (c.unicode()) {
        case ',':
        case ';':
        case ':':
        case '<':
        case '>':
        case '@':
        case '"':
        case '\\':
        case '(':
        case ')':
        case '[':
        case ']':
            return true;
        default:
            break;
        }
    }
    return false;
}

QString quoted(QString name)
{
    name.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    name.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QLatin1Char('"') + name + QLatin1Char('"');
}

// Display form: "Name <addr>", quoted when the name has specials, groups as "Name: a, b;".
// Not internet_address_list_to_string(): that converts every domain to IDNA (libidn2), which
// cost more than the rest of the header handling together, for nothing a reader sees.
void appendAddresses(InternetAddressList *list, QString *text, int depth)
{
    const int count = internet_address_list_length(list);
    for (int i = 0; i < count; ++i) {
        InternetAddress *address = internet_address_list_get_address(list, i);
        const QString name = fromUtf8(internet_address_get_name(address)).trimmed();
        const QString shownName = needsQuotes(name) ? quoted(name) : name;
        QString item;
        if (INTERNET_ADDRESS_IS_GROUP(address)) {
            QString members;
            if (depth < 4) {
                appendAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)),
                    &members, depth + 1);
            }
            item = shownName + QStringLiteral(": ") + members + QLatin1Char(';');
        } else if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
            item = fromUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)));
            if (!name.isEmpty())
                item = shownName + QStringLiteral(" <") + item + QLatin1Char('>');
        }
        if (item.isEmpty())
            continue;
        if (!text->isEmpty())
            *text += QStringLiteral(", ");
        *text += item;
    }
}

// An address header's raw value in display form, as readHeaders() gives it.
QString addressesFrom(const QByteArray &raw)
{
    QString text;
    if (raw.isEmpty())
        return text;
    const QByteArray joined = MimeInternal::joinBase64Words(raw);
    InternetAddressList *list = internet_address_list_parse(
        MimeInternal::headerOptions(), joined.isEmpty() ? raw.constData() : joined.constData());
    if (list) {
        appendAddresses(list, &text, 0);
        g_object_unref(list);
    }
    if (text.isEmpty())
        text = MimeHeaders::decodeText(raw).trimmed();
    return text;
}

// The first header of that name in the message's header block, in display form. The parse and
// the inbox (inboxHeaders(), before the parse) both read the headers they share so, from the
// bytes, and so agree: GMime's own list of a message's addresses joined every header of the name
// (two From lines: both, where the inbox had the first, as Mailpit has), and its raw values keep
// a bare CR that the inbox's reading drops.
QString addressHeader(const QByteArray &raw, const char *name)
{
    return addressesFrom(MimeHeaders::rawHeader(raw, name));
}

QString subjectHeader(const QByteArray &raw)
{
    return MimeHeaders::decodeText(MimeHeaders::rawHeader(raw, "Subject")).trimmed();
}

QString stripAngles(QString id)
{
    id = id.trimmed();
    if (id.startsWith(QLatin1Char('<')) && id.endsWith(QLatin1Char('>')))
        id = id.mid(1, id.size() - 2).trimmed();
    return id;
}

void readHeaders(const QByteArray &raw, GMimeMessage *message, const MimeInboxHeaders *known,
    MimeParsedMessage *result)
{
    GMimeObject *object = GMIME_OBJECT(message);
    if (known) {
        result->subject = known->subject;
        result->from = known->from;
        result->to = known->to;
    } else {
        result->subject = subjectHeader(raw);
        result->from = addressHeader(raw, "From");
        result->to = addressHeader(raw, "To");
    }
    result->cc = addressHeader(raw, "Cc");
    result->bcc = addressHeader(raw, "Bcc");
    result->replyTo = addressHeader(raw, "Reply-To");
    result->dateHeader = header(object, "Date");
    if (GDateTime *date = g_mime_message_get_date(message))
        result->date = QDateTime::fromSecsSinceEpoch(g_date_time_to_unix(date), Qt::UTC);
    result->messageId = fromUtf8(g_mime_message_get_message_id(message)).trimmed();
    if (result->messageId.isEmpty())
        result->messageId = stripAngles(header(object, "Message-ID"));
}

// g_mime_part_get_filename(), with encoded-words that GMime would join wrongly joined first.
QString fileName(GMimeObject *object)
{
    const QByteArray disposition
        = MimeInternal::joinBase64Words(rawHeaderValue(object, "Content-Disposition"));
    if (!disposition.isEmpty()) {
        GMimeContentDisposition *parsed = g_mime_content_disposition_parse(
            MimeInternal::headerOptions(), disposition.constData());
        const QString name
            = fromUtf8(g_mime_content_disposition_get_parameter(parsed, "filename")).trimmed();
        g_object_unref(parsed);
        if (!name.isEmpty())
            return name;
    }
    const QByteArray type = MimeInternal::joinBase64Words(rawHeaderValue(object, "Content-Type"));
    if (!type.isEmpty() && !g_mime_object_get_content_disposition_parameter(object, "filename")) {
        GMimeContentType *parsed
            = g_mime_content_type_parse(MimeInternal::headerOptions(), type.constData());
        const QString name = fromUtf8(g_mime_content_type_get_parameter(parsed, "name")).trimmed();
        g_object_unref(parsed);
        if (!name.isEmpty())
            return name;
    }
    return fromUtf8(g_mime_part_get_filename(GMIME_PART(object))).trimmed();
}

// One part as the tree walk finds it, before the tree of SmtpMimePart values is made.
struct PartRow
{
    int index = 0; // depth-first position, root = 0
    int parent = -1;
    QString contentType;
    QString charset;
    QString transferEncoding;
    QString disposition;
    QString fileName;
    QString contentId;
    qint64 size = 0;
    bool attachment = false;
    bool isInline = false;
};

PartRow describe(GMimeObject *object, const Node &node, int index)
{
    PartRow part;
    part.index = index;
    part.parent = node.parent;
    if (GMimeContentType *type = g_mime_object_get_content_type(object))
        part.contentType = takeUtf8(g_mime_content_type_get_mime_type(type)).toLower();
    part.charset = fromUtf8(g_mime_object_get_content_type_parameter(object, "charset")).trimmed();
    part.transferEncoding = header(object, "Content-Transfer-Encoding").toLower();
    part.disposition = fromUtf8(g_mime_object_get_disposition(object)).trimmed().toLower();
    part.contentId = stripAngles(fromUtf8(g_mime_object_get_content_id(object)));
    if (GMIME_IS_PART(object))
        part.fileName = fileName(object);
    else if (GMIME_IS_MESSAGE_PART(object))
        part.fileName
            = fromUtf8(g_mime_object_get_content_disposition_parameter(object, "filename"))
                  .trimmed();
    return part;
}

void checkMultipart(GMimeObject *object, const PartRow &part, MimeChecks::BrokenStructure *broken)
{
    using Kind = SmtpMessageCheck::Kind;
    GMimeMultipart *multipart = GMIME_MULTIPART(object);
    // Not g_mime_multipart_get_boundary(): that one invents a boundary when there is none.
    const QString boundary = fromUtf8(g_mime_object_get_content_type_parameter(object, "boundary"));
    if (boundary.isEmpty())
        broken->addForPart(Kind::MultipartWithoutBoundary, part.index, part.contentType);
    else if (g_mime_multipart_get_count(multipart) == 0)
        broken->addForPart(Kind::BoundaryNeverOccurs, part.index, part.contentType, boundary);
    else if (!multipart->write_end_boundary)
        broken->addForPart(Kind::MissingClosingBoundary, part.index, part.contentType, boundary);
}

bool isBodyText(const PartRow &part)
{
    return (part.contentType == QLatin1String("text/plain")
               || part.contentType == QLatin1String("text/html"))
        && (part.disposition.isEmpty() || part.disposition == QLatin1String("inline"))
        && part.fileName.isEmpty();
}

// The rows as SmtpMimePart values, each holding its subtree: made from the last row back, so
// that every part's children are complete before it is (no recursion: depth is not ours).
QList<SmtpMimePart> makeTree(const std::vector<PartRow> &rows)
{
    std::vector<SmtpMimePart> parts(rows.size());
    std::vector<QList<SmtpMimePart>> children(rows.size());
    for (std::size_t i = rows.size(); i-- > 0;) {
        const PartRow &row = rows[i];
        SmtpMimePart &part = parts[i];
        part.setPartId(row.index);
        part.setContentType(row.contentType);
        part.setCharset(row.charset);
        part.setTransferEncoding(row.transferEncoding);
        part.setDisposition(row.disposition);
        part.setFileName(row.fileName);
        part.setContentId(row.contentId);
        part.setSize(row.size);
        part.setAttachment(row.attachment);
        part.setInline(row.isInline);
        std::reverse(children[i].begin(), children[i].end());
        part.setChildren(children[i]);
        if (row.parent >= 0)
            children[std::size_t(row.parent)].append(part);
    }
    return QList<SmtpMimePart>(parts.begin(), parts.end());
}

void readParts(GMimeMessage *message, MimeParsedMessage *result,
    MimeChecks::BrokenStructure *broken, bool *sawHtml, bool *sawText)
{
    using Kind = SmtpMessageCheck::Kind;
    const std::vector<Node> nodes = flatten(message);
    std::vector<PartRow> rows;
    rows.reserve(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        GMimeObject *object = nodes[i].object;
        PartRow part = describe(object, nodes[i], int(i));

        if (GMIME_IS_MULTIPART(object)) {
            checkMultipart(object, part, broken);
            rows.push_back(part);
            continue;
        }

        bool isAttachment = true;
        if (GMIME_IS_PART(object)) {
            GMimePart *leaf = GMIME_PART(object);
            GMimeDataWrapper *content = g_mime_part_get_content(leaf);
            const GMimeContentEncoding encoding = content
                ? g_mime_data_wrapper_get_encoding(content)
                : GMIME_CONTENT_ENCODING_DEFAULT;
            QByteArrayView encoded;
            const bool haveView = content && encodedView(content, &encoded);
            bool sizeKnown = !content;
            if (haveView && isIdentity(encoding)) {
                part.size = encoded.size();
                sizeKnown = true;
            } else if (haveView && encoding == GMIME_CONTENT_ENCODING_BASE64) {
                const Base64Scan scan = scanBase64(encoded);
                if (scan.valid()) {
                    part.size = scan.decodedSize();
                    sizeKnown = true;
                } else if (scan.invalid) {
                    broken->addForPart(
                        Kind::InvalidBase64, part.index, part.contentType, {}, scan.invalid);
                } else {
                    broken->addForPart(Kind::TruncatedBase64, part.index, part.contentType, {},
                        scan.symbols + scan.padding);
                }
            }
            if (isBodyText(part)) {
                const bool html = part.contentType == QLatin1String("text/html");
                bool *seen = html ? sawHtml : sawText;
                if (!*seen) {
                    const QByteArray bytes = decodedContent(leaf);
                    part.size = bytes.size();
                    sizeKnown = true;
                    (html ? result->htmlBody : result->textBody)
                        = MimeCharsets::textFromBytes(bytes, part.charset);
                    *seen = true;
                }
                isAttachment = false; // a body, or more inline text after it
            }
            if (!sizeKnown)
                part.size = decodedContent(leaf).size();
        } else if (GMIME_IS_MESSAGE_PART(object)) {
            part.size = serializedMessage(GMIME_MESSAGE_PART(object)).size();
        }

        if (isAttachment) {
            const bool inRelated = part.parent >= 0
                && rows[std::size_t(part.parent)].contentType == QLatin1String("multipart/related");
            part.attachment = true;
            part.isInline = part.disposition == QLatin1String("inline")
                || (part.disposition.isEmpty() && (!part.contentId.isEmpty() || inRelated));
        }
        rows.push_back(part);
    }
    result->parts = makeTree(rows);
}

} // namespace

QList<SmtpMimePart> MimeParsedMessage::attachments() const
{
    QList<SmtpMimePart> result;
    for (const SmtpMimePart &part : parts) {
        if (part.isAttachment())
            result.append(part);
    }
    return result;
}

bool MimeParsedMessage::hasAttachments() const
{
    for (const SmtpMimePart &part : parts) {
        if (part.isAttachment() && !part.isInline())
            return true;
    }
    return false;
}

namespace MimeParser {

MimeParsedMessage parse(const QByteArray &raw, bool eightBitDeclared, const MimeInboxHeaders *known)
{
    MimeParsedMessage result;
    std::vector<ParserWarning> warnings; // declared first: outlives the message
    MimeChecks::BrokenStructure broken;
    MimeChecks::Facts facts;
    facts.eightBitDeclared = eightBitDeclared;

    const GRef<GMimeMessage> message = parseWithGMime(raw, &warnings);
    if (message) {
        readHeaders(raw, message.get(), known, &result);
        readParts(message.get(), &result, &broken, &facts.hasHtmlBody, &facts.hasTextBody);
        broken.addParserWarnings(warnings, raw);
    } else {
        result.parseFailed = true;
        broken.addNotAMessage(raw);
    }
    facts.hasDate = !result.dateHeader.isEmpty();
    facts.hasMessageId = !result.messageId.isEmpty();
    result.checks = MimeChecks::run(raw, facts, broken);
    return result;
}

MimeInboxHeaders inboxHeaders(const QByteArray &raw)
{
    MimeInternal::ensureGMime();
    MimeInboxHeaders result;
    result.subject = subjectHeader(raw);
    result.from = addressHeader(raw, "From");
    result.to = addressHeader(raw, "To");
    // No Content-Type is text/plain. A multipart/mixed message nearly always carries a file;
    // alternative and related ones nearly never do (the parse decides either way).
    const QByteArray type = MimeHeaders::rawHeader(raw, "Content-Type").trimmed().toLower();
    if (type.startsWith("multipart/"))
        result.hasAttachments = type.startsWith("multipart/mixed");
    else
        result.hasAttachments
            = !type.isEmpty() && !type.startsWith("text/") && !type.startsWith(';');
    return result;
}

QByteArray partContent(const QByteArray &raw, int partIndex, bool *ok)
{
    if (ok)
        *ok = false;
    if (partIndex < 0)
        return {};
    const GRef<GMimeMessage> message = parseWithGMime(raw, nullptr);
    if (!message)
        return {};
    const std::vector<Node> nodes = flatten(message.get());
    if (std::size_t(partIndex) >= nodes.size())
        return {};
    GMimeObject *object = nodes[std::size_t(partIndex)].object;
    QByteArray content;
    if (GMIME_IS_PART(object))
        content = decodedContent(GMIME_PART(object));
    else if (GMIME_IS_MESSAGE_PART(object))
        content = serializedMessage(GMIME_MESSAGE_PART(object));
    else
        return {};
    if (ok)
        *ok = true;
    return content;
}

} // namespace MimeParser
