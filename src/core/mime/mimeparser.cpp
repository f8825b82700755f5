// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "gmime_p.h"
#include "mimeparser.h"

#include <QtGlobal>

#include <cerrno>
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

struct ParserWarning
{
    GMimeParserWarning code;
    gint64 offset;
    QByteArray item;
};

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
    warnings->push_back({ code, offset, text });
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

// ---- Charsets ------------------------------------------------------------------------------

// Windows-1252, which WHATWG also uses for text labelled ISO-8859-1 or US-ASCII: 0x80..0x9F are
// printable there (euro sign, curly quotes) where Latin-1 has C1 controls.
QString fromWindows1252(const QByteArray &bytes)
{
    // clang-format off
    static const char16_t high[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    };
    // clang-format on
    QString text(bytes.size(), Qt::Uninitialized);
    QChar *out = text.data();
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        *out++ = (u >= 0x80 && u < 0xA0) ? QChar(high[u - 0x80]) : QChar(char16_t(u));
    }
    return text;
}

bool isValidUtf8(const QByteArray &bytes)
{
    return g_utf8_validate(bytes.constData(), gssize(bytes.size()), nullptr);
}

// Converts with iconv; an undecodable sequence becomes U+FFFD. False if iconv lacks the charset.
bool convertWithIconv(const QByteArray &bytes, const char *charset, QString *text)
{
    iconv_t cd = g_mime_iconv_open("UTF-8", g_mime_charset_iconv_name(charset));
    if (cd == reinterpret_cast<iconv_t>(-1))
        return false;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);

    QByteArray out(bytes.size() * 3 + 16, Qt::Uninitialized);
    char *in = const_cast<char *>(bytes.constData());
    size_t inLeft = size_t(bytes.size());
    qsizetype used = 0;
    for (;;) {
        char *outPtr = out.data() + used;
        size_t outLeft = size_t(out.size() - used);
        const bool flushing = inLeft == 0; // stateful charsets (ISO-2022-JP) end their shift
        const size_t converted = flushing ? iconv(cd, nullptr, nullptr, &outPtr, &outLeft)
                                          : iconv(cd, &in, &inLeft, &outPtr, &outLeft);
        const int error = errno;
        used = outPtr - out.data();
        if (converted != size_t(-1)) {
            if (flushing)
                break;
            continue;
        }
        if (error == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        if (flushing)
            break;
        // EILSEQ, or EINVAL for a sequence cut short at the end: U+FFFD for one octet, go on.
        if (out.size() - used < 3)
            out.resize(out.size() * 2);
        memcpy(out.data() + used, "\xEF\xBF\xBD", 3);
        used += 3;
        ++in;
        --inLeft;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
    g_mime_iconv_close(cd);
    *text = QString::fromUtf8(out.constData(), used);
    return true;
}

QString textFromBytes(const QByteArray &bytes, const QString &charsetParameter)
{
    const QByteArray charset = charsetParameter.trimmed().toLower().toLatin1();
    if (charset == "utf-8" || charset == "utf8")
        return QString::fromUtf8(bytes);
    if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso_8859-1"
        || charset == "windows-1252" || charset == "cp1252")
        return fromWindows1252(bytes);
    const bool unlabelled = charset.isEmpty() || charset == "us-ascii" || charset == "ascii";
    QString text;
    if (!unlabelled && convertWithIconv(bytes, charset.constData(), &text))
        return text;
    // Missing, US-ASCII (often a lie) or unknown to iconv: UTF-8 if it is, else Windows-1252.
    return isValidUtf8(bytes) ? QString::fromUtf8(bytes) : fromWindows1252(bytes);
}

// ---- Checks --------------------------------------------------------------------------------

struct RawScan
{
    qint64 bareLf = 0, firstBareLfLine = 0;
    qint64 bareCr = 0, firstBareCrLine = 0;
    qint64 longLines = 0, firstLongLine = 0, firstLongLength = 0;
    qint64 eightBit = 0, firstEightBitLine = 0;
};

constexpr qint64 maxLineLength = 998; // RFC 5322 2.1.1, without the CRLF

RawScan scanRaw(const QByteArray &raw)
{
    RawScan scan;
    const char *data = raw.constData();
    const qsizetype size = raw.size();
    qint64 line = 1;
    qsizetype lineStart = 0;
    auto endLine = [&](qint64 length) {
        if (length > maxLineLength && !scan.longLines++) {
            scan.firstLongLine = line;
            scan.firstLongLength = length;
        }
    };
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c == '\n') {
            const bool crlf = i > 0 && data[i - 1] == '\r';
            if (!crlf && !scan.bareLf++)
                scan.firstBareLfLine = line;
            endLine(i - lineStart - (crlf ? 1 : 0));
            ++line;
            lineStart = i + 1;
        } else if (c == '\r') {
            if ((i + 1 == size || data[i + 1] != '\n') && !scan.bareCr++)
                scan.firstBareCrLine = line;
        } else if (c >= 0x80) {
            if (!scan.eightBit++)
                scan.firstEightBitLine = line;
        }
    }
    if (lineStart < size)
        endLine(size - lineStart);
    return scan;
}

qint64 lineOfOffset(const QByteArray &raw, gint64 offset)
{
    const qsizetype end = qsizetype(qBound(gint64(0), offset, gint64(raw.size())));
    return 1 + QByteArrayView(raw).first(end).count('\n');
}

// Bytes of the input shown in a finding: printable ASCII kept, everything else escaped.
QString excerpt(QByteArrayView bytes)
{
    constexpr qsizetype maxLength = 60;
    QString text;
    for (qsizetype i = 0; i < bytes.size() && i < maxLength; ++i) {
        const auto c = static_cast<unsigned char>(bytes.at(i));
        if (c >= 0x20 && c < 0x7F)
            text += QLatin1Char(char(c));
        else
            text += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > maxLength)
        text += QStringLiteral("...");
    return text;
}

// What was wrong with the structure, one finding per kind of problem (a truncated message
// with 500 nested multiparts is one finding, not 500).
class BrokenMimeLog
{
public:
    template<typename MakeDetail>
    void add(int category, MakeDetail makeDetail)
    {
        for (Entry &entry : m_entries) {
            if (entry.category == category) {
                ++entry.more;
                return;
            }
        }
        m_entries.push_back({ category, makeDetail(), 0 });
    }

    void appendTo(QList<MimeFinding> *findings) const
    {
        for (const Entry &entry : m_entries) {
            QString detail = entry.detail;
            if (entry.more)
                detail += QStringLiteral(" (and %1 more like it)").arg(entry.more);
            findings->append({ MimeFinding::Kind::BrokenMime, detail });
        }
    }

private:
    struct Entry
    {
        int category;
        QString detail;
        int more;
    };
    std::vector<Entry> m_entries;
};

enum BrokenCategory {
    NotAMessage,
    NoBoundary,
    NoParts,
    MissingEndBoundary,
    Base64Invalid,
    Base64Truncated,
    WarningBase = 100, // + GMimeParserWarning
};

void logParserWarnings(
    const std::vector<ParserWarning> &warnings, const QByteArray &raw, BrokenMimeLog *log)
{
    for (const ParserWarning &warning : warnings) {
        const QString where = warning.offset >= 0
            ? QStringLiteral("line %1: ").arg(lineOfOffset(raw, warning.offset))
            : QString();
        const QString item = excerpt(warning.item);
        QString detail;
        switch (warning.code) {
        case GMIME_CRIT_INVALID_HEADER_NAME:
            detail = QStringLiteral("not a header field, skipped: \"%1\"").arg(item);
            break;
        case GMIME_WARN_INVALID_CONTENT_TYPE:
            detail = QStringLiteral("invalid Content-Type \"%1\", read as "
                                    "application/octet-stream")
                         .arg(item);
            break;
        case GMIME_CRIT_CONFLICTING_HEADER:
            detail = QStringLiteral("conflicting %1 headers").arg(item);
            break;
        case GMIME_CRIT_CONFLICTING_PARAMETER:
            detail = QStringLiteral("conflicting \"%1\" parameters").arg(item);
            break;
        case GMIME_CRIT_NESTING_OVERFLOW:
            detail = QStringLiteral("MIME parts nested too deeply; the deeper ones are not parsed");
            break;
        case GMIME_WARN_PART_WITHOUT_CONTENT:
            detail = QStringLiteral("a part's headers end in a boundary: the part has no content");
            break;
        case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
            detail = QStringLiteral("a part has neither headers nor content");
            break;
        case GMIME_WARN_MALFORMED_MESSAGE:
            detail = QStringLiteral("malformed message");
            break;
        default:
            // Missing boundaries are reported per part by the tree walk; header-level
            // complaints (duplicates, 8-bit text, bad encoded words) are not structure.
            continue;
        }
        log->add(WarningBase + int(warning.code), [&]() -> QString { return where + detail; });
    }
}

QString partLabel(const MimePart &part)
{
    return QStringLiteral("part %1 (%2)").arg(part.index).arg(part.contentType);
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

QString addresses(GMimeMessage *message, GMimeAddressType type, const char *name)
{
    QString text;
    const QByteArray joined
        = MimeInternal::joinBase64Words(rawHeaderValue(GMIME_OBJECT(message), name));
    if (!joined.isEmpty()) {
        InternetAddressList *list
            = internet_address_list_parse(MimeInternal::headerOptions(), joined.constData());
        if (list) {
            appendAddresses(list, &text, 0);
            g_object_unref(list);
        }
    } else if (InternetAddressList *list = g_mime_message_get_addresses(message, type)) {
        appendAddresses(list, &text, 0);
    }
    if (text.isEmpty()) // not an address list GMime understands: the decoded text as written
        text = header(GMIME_OBJECT(message), name);
    return text;
}

QString stripAngles(QString id)
{
    id = id.trimmed();
    if (id.startsWith(QLatin1Char('<')) && id.endsWith(QLatin1Char('>')))
        id = id.mid(1, id.size() - 2).trimmed();
    return id;
}

void readHeaders(GMimeMessage *message, MimeParsedMessage *result)
{
    GMimeObject *object = GMIME_OBJECT(message);
    const char *rawSubject = rawHeaderValue(object, "Subject");
    result->subject = rawSubject ? MimeInternal::decodeHeaderText(rawSubject).trimmed()
                                 : fromUtf8(g_mime_message_get_subject(message)).trimmed();
    result->from = addresses(message, GMIME_ADDRESS_TYPE_FROM, "From");
    result->to = addresses(message, GMIME_ADDRESS_TYPE_TO, "To");
    result->cc = addresses(message, GMIME_ADDRESS_TYPE_CC, "Cc");
    result->replyTo = addresses(message, GMIME_ADDRESS_TYPE_REPLY_TO, "Reply-To");
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

MimePart describe(GMimeObject *object, const Node &node, int index)
{
    MimePart part;
    part.index = index;
    part.parent = node.parent;
    part.depth = node.depth;
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

void checkMultipart(GMimeObject *object, const MimePart &part, BrokenMimeLog *log)
{
    GMimeMultipart *multipart = GMIME_MULTIPART(object);
    // Not g_mime_multipart_get_boundary(): that one invents a boundary when there is none.
    const QString boundary = fromUtf8(g_mime_object_get_content_type_parameter(object, "boundary"));
    if (boundary.isEmpty()) {
        log->add(NoBoundary, [&]() -> QString {
            return QStringLiteral("%1 has no boundary parameter; its content cannot be split "
                                  "into parts")
                .arg(partLabel(part));
        });
    } else if (g_mime_multipart_get_count(multipart) == 0) {
        log->add(NoParts, [&]() -> QString {
            return QStringLiteral("%1: boundary \"%2\" never occurs; no parts found")
                .arg(partLabel(part), boundary);
        });
    } else if (!multipart->write_end_boundary) {
        log->add(MissingEndBoundary, [&]() -> QString {
            return QStringLiteral("%1: closing boundary \"--%2--\" is missing (truncated?)")
                .arg(partLabel(part), boundary);
        });
    }
}

bool isBodyText(const MimePart &part)
{
    return (part.contentType == QLatin1String("text/plain")
               || part.contentType == QLatin1String("text/html"))
        && (part.disposition.isEmpty() || part.disposition == QLatin1String("inline"))
        && part.fileName.isEmpty();
}

void readParts(GMimeMessage *message, MimeParsedMessage *result, BrokenMimeLog *log, bool *sawHtml,
    bool *sawText)
{
    const std::vector<Node> nodes = flatten(message);
    result->parts.reserve(qsizetype(nodes.size()));
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        GMimeObject *object = nodes[i].object;
        MimePart part = describe(object, nodes[i], int(i));

        if (GMIME_IS_MULTIPART(object)) {
            checkMultipart(object, part, log);
            result->parts.append(part);
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
                    log->add(Base64Invalid, [&]() -> QString {
                        return QStringLiteral("%1: base64 content has %2 invalid characters, "
                                              "skipped in decoding")
                            .arg(partLabel(part))
                            .arg(scan.invalid);
                    });
                } else {
                    log->add(Base64Truncated, [&]() -> QString {
                        return QStringLiteral("%1: base64 content is truncated or malformed "
                                              "(%2 characters, not a multiple of 4)")
                            .arg(partLabel(part))
                            .arg(scan.symbols + scan.padding);
                    });
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
                        = textFromBytes(bytes, part.charset);
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
                && result->parts.at(part.parent).contentType == QLatin1String("multipart/related");
            MimeAttachment attachment;
            attachment.partIndex = part.index;
            attachment.fileName = part.fileName;
            attachment.contentType = part.contentType;
            attachment.size = part.size;
            attachment.contentId = part.contentId;
            attachment.isInline = part.disposition == QLatin1String("inline")
                || (part.disposition.isEmpty() && (!part.contentId.isEmpty() || inRelated));
            result->attachments.append(attachment);
        }
        result->parts.append(part);
    }
}

} // namespace

bool MimeParsedMessage::hasAttachments() const
{
    for (const MimeAttachment &attachment : attachments) {
        if (!attachment.isInline)
            return true;
    }
    return false;
}

namespace MimeParser {

MimeParsedMessage parse(const QByteArray &raw, bool eightBitDeclared)
{
    MimeParsedMessage result;
    std::vector<ParserWarning> warnings; // declared first: outlives the message
    BrokenMimeLog broken;
    bool sawHtml = false;
    bool sawText = false;

    const GRef<GMimeMessage> message = parseWithGMime(raw, &warnings);
    if (message) {
        readHeaders(message.get(), &result);
        readParts(message.get(), &result, &broken, &sawHtml, &sawText);
        logParserWarnings(warnings, raw, &broken);
    } else {
        result.parseFailed = true;
        broken.add(NotAMessage, [&]() -> QString {
            if (raw.isEmpty())
                return QStringLiteral("the message is empty");
            QByteArrayView firstLine(raw);
            if (const qsizetype end = raw.indexOf('\n'); end >= 0)
                firstLine = firstLine.first(end);
            if (firstLine.endsWith('\r'))
                firstLine.chop(1);
            return QStringLiteral("no header fields: line 1 is not a header field: \"%1\"")
                .arg(excerpt(firstLine));
        });
    }

    const RawScan scan = scanRaw(raw);
    QList<MimeFinding> &findings = result.findings;
    if (scan.bareLf) {
        findings.append({ MimeFinding::Kind::BareLineFeed,
            QStringLiteral("%1 bare LF (line feed without carriage return), the "
                           "first ends line %2")
                .arg(scan.bareLf)
                .arg(scan.firstBareLfLine) });
    }
    if (scan.bareCr) {
        findings.append({ MimeFinding::Kind::BareCarriageReturn,
            QStringLiteral("%1 bare CR (carriage return without line feed), the "
                           "first on line %2")
                .arg(scan.bareCr)
                .arg(scan.firstBareCrLine) });
    }
    if (scan.longLines) {
        QString detail = QStringLiteral("line %1 is %2 octets long (RFC 5322 allows 998)")
                             .arg(scan.firstLongLine)
                             .arg(scan.firstLongLength);
        if (scan.longLines > 1)
            detail += QStringLiteral("; %1 lines are too long").arg(scan.longLines);
        findings.append({ MimeFinding::Kind::LineTooLong, detail });
    }
    if (result.dateHeader.isEmpty())
        findings.append({ MimeFinding::Kind::MissingDate, QStringLiteral("no Date header") });
    if (result.messageId.isEmpty()) {
        findings.append(
            { MimeFinding::Kind::MissingMessageId, QStringLiteral("no Message-ID header") });
    }
    if (scan.eightBit && !eightBitDeclared) {
        findings.append({ MimeFinding::Kind::EightBitWithout8BitMime,
            QStringLiteral("%1 octets with the high bit set, the first on line %2, "
                           "but the client declared neither BODY=8BITMIME nor "
                           "SMTPUTF8")
                .arg(scan.eightBit)
                .arg(scan.firstEightBitLine) });
    }
    if (sawHtml && !sawText) {
        findings.append({ MimeFinding::Kind::HtmlWithoutText,
            QStringLiteral("HTML body without a text/plain alternative") });
    }
    broken.appendTo(&findings);
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

QString findingName(MimeFinding::Kind kind)
{
    switch (kind) {
    case MimeFinding::Kind::BareLineFeed:
        return QStringLiteral("bare-lf");
    case MimeFinding::Kind::BareCarriageReturn:
        return QStringLiteral("bare-cr");
    case MimeFinding::Kind::LineTooLong:
        return QStringLiteral("line-too-long");
    case MimeFinding::Kind::MissingDate:
        return QStringLiteral("missing-date");
    case MimeFinding::Kind::MissingMessageId:
        return QStringLiteral("missing-message-id");
    case MimeFinding::Kind::EightBitWithout8BitMime:
        return QStringLiteral("8bit-without-8bitmime");
    case MimeFinding::Kind::HtmlWithoutText:
        return QStringLiteral("html-without-text");
    case MimeFinding::Kind::BrokenMime:
        return QStringLiteral("broken-mime");
    }
    return QString();
}

} // namespace MimeParser
