// The incremental HTTP/1.1 request parser (RFC 9112): request line, fields, Content-Length and
// chunked bodies, every size bounded.
#include "httprequestparser.h"

#include "httptoken.h"

#include <limits>

namespace {

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isHttpTokenChar(c))
            return false;
    }
    return true;
}

// A field value may hold visible characters, obs-text, spaces and tabs; no other control.
bool isFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const uchar u = uchar(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

// The request-target: visible ASCII only.
bool isTargetText(QByteArrayView target)
{
    for (const char c : target) {
        const uchar u = uchar(c);
        if (u <= 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

} // namespace

HttpRequestParser::HttpRequestParser(qint64 maxBodySize)
    : m_maxBodySize(maxBodySize)
{ }

void HttpRequestParser::feed(QByteArrayView bytes)
{
    if (m_state == State::Error || bytes.isEmpty())
        return;
    m_buffer.append(bytes);
    while (step()) { }
    // Forget what is parsed: requests already complete, and, once the head is kept, the body
    // bytes already taken (so that chunk framing cannot pile up).
    const bool inHead = m_state == State::RequestLine || m_state == State::Headers;
    const qsizetype done = inHead ? m_headStart : m_pos;
    if (m_state != State::Error && done > 0) {
        m_buffer.remove(0, done);
        m_pos -= done;
        m_headStart = inHead ? 0 : m_pos;
    }
}

HttpParsedRequest HttpRequestParser::takeRequest()
{
    return m_requests.isEmpty() ? HttpParsedRequest() : m_requests.takeFirst();
}

bool HttpRequestParser::takeContinue()
{
    const bool due = m_continue;
    m_continue = false;
    return due;
}

bool HttpRequestParser::isInHead() const
{
    return m_state == State::Headers || (m_state == State::RequestLine && m_pos < m_buffer.size());
}

bool HttpRequestParser::isInBody() const
{
    switch (m_state) {
    case State::Body:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkEnd:
    case State::Trailers:
        return true;
    case State::RequestLine:
    case State::Headers:
    case State::Error:
        break;
    }
    return false;
}

qint64 HttpRequestParser::bodyBytesReceived() const
{
    if (!isInBody())
        return 0;
    // A Content-Length body stays in the buffer until it is whole; chunk data is moved out.
    return m_current.request.body.size() + (m_buffer.size() - m_pos);
}

qint64 HttpRequestParser::bodySizeAtLeast() const
{
    if (m_state == State::Body)
        return m_remaining;
    if (!isInBody())
        return 0;
    return m_current.request.body.size() + (m_state == State::ChunkData ? m_remaining : 0);
}

bool HttpRequestParser::fail(int status, const QString &text)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorText = text;
    m_continue = false;
    m_buffer.clear();
    m_pos = m_headStart = 0;
    return false;
}

bool HttpRequestParser::nextLine(QByteArrayView *line, qsizetype *end) const
{
    const qsizetype lf = m_buffer.indexOf('\n', m_pos);
    if (lf < 0)
        return false;
    qsizetype last = lf;
    if (last > m_pos && m_buffer.at(last - 1) == '\r')
        --last;
    *line = QByteArrayView(m_buffer).sliced(m_pos, last - m_pos);
    *end = lf + 1;
    return true;
}

bool HttpRequestParser::step()
{
    QByteArrayView line;
    qsizetype end = 0;
    switch (m_state) {
    case State::Error:
        return false;
    case State::RequestLine:
        if (!nextLine(&line, &end)) {
            if (m_buffer.size() - m_pos > maxRequestLine)
                return fail(414, QStringLiteral("Request line too long"));
            return false;
        }
        if (end - m_pos > maxRequestLine + 2)
            return fail(414, QStringLiteral("Request line too long"));
        if (line.isEmpty()) { // an empty line before a request is ignored (RFC 9112 2.2)
            m_pos = end;
            m_headStart = end;
            return true;
        }
        m_headStart = m_pos;
        m_current = HttpParsedRequest();
        m_headerBytes = 0;
        if (!parseRequestLine(line))
            return false;
        m_pos = end;
        m_state = State::Headers;
        return true;
    case State::Headers:
    case State::Trailers:
        if (!nextLine(&line, &end)) {
            if (m_headerBytes + (m_buffer.size() - m_pos) > maxHeaderBytes)
                return fail(431, QStringLiteral("Request header fields too large"));
            return false;
        }
        m_headerBytes += end - m_pos;
        if (m_headerBytes > maxHeaderBytes + 2)
            return fail(431, QStringLiteral("Request header fields too large"));
        m_pos = end;
        if (line.isEmpty()) {
            if (m_state == State::Trailers) {
                finishRequest();
                return true;
            }
            return headComplete();
        }
        if (m_state == State::Trailers) {
            // Trailer fields are read and dropped; they count against the header bounds.
            if (line.indexOf(':') <= 0)
                return fail(400, QStringLiteral("Malformed trailer field"));
            return true;
        }
        return parseField(line);
    case State::Body: {
        if (m_buffer.size() - m_pos < m_remaining)
            return false;
        m_current.request.body = m_buffer.mid(m_pos, m_remaining);
        m_pos += m_remaining;
        m_remaining = 0;
        finishRequest();
        return true;
    }
    case State::ChunkSize: {
        if (!nextLine(&line, &end)) {
            if (m_buffer.size() - m_pos > maxChunkLine)
                return fail(400, QStringLiteral("Chunk size line too long"));
            return false;
        }
        if (end - m_pos > maxChunkLine)
            return fail(400, QStringLiteral("Chunk size line too long"));
        qsizetype digits = 0;
        qint64 size = 0;
        for (; digits < line.size(); ++digits) {
            const int value = hexValue(line.at(digits));
            if (value < 0)
                break;
            if (size > (std::numeric_limits<qint64>::max() >> 4))
                return fail(413, QStringLiteral("Request body too large"));
            size = size * 16 + value;
        }
        const QByteArrayView rest = trimmed(line.sliced(digits));
        if (digits == 0 || (!rest.isEmpty() && rest.front() != ';'))
            return fail(400, QStringLiteral("Malformed chunk size"));
        if (size > m_maxBodySize - m_current.request.body.size())
            return fail(413, QStringLiteral("Request body too large"));
        m_pos = end;
        if (size == 0) {
            m_state = State::Trailers;
            return true;
        }
        m_remaining = size;
        m_state = State::ChunkData;
        return true;
    }
    case State::ChunkData:
        if (m_buffer.size() - m_pos < m_remaining)
            return false;
        m_current.request.body.append(QByteArrayView(m_buffer).sliced(m_pos, m_remaining));
        m_pos += m_remaining;
        m_remaining = 0;
        m_state = State::ChunkEnd;
        return true;
    case State::ChunkEnd:
        if (m_buffer.size() - m_pos < 2) {
            if (m_buffer.size() > m_pos && m_buffer.at(m_pos) != '\r' && m_buffer.at(m_pos) != '\n')
                return fail(400, QStringLiteral("Malformed chunk"));
            if (m_buffer.size() > m_pos && m_buffer.at(m_pos) == '\n') {
                ++m_pos;
                m_state = State::ChunkSize;
                return true;
            }
            return false;
        }
        if (m_buffer.at(m_pos) == '\n') {
            ++m_pos;
        } else if (m_buffer.at(m_pos) == '\r' && m_buffer.at(m_pos + 1) == '\n') {
            m_pos += 2;
        } else {
            return fail(400, QStringLiteral("Malformed chunk"));
        }
        m_state = State::ChunkSize;
        return true;
    }
    return false;
}

bool HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        return fail(400, QStringLiteral("Malformed request line"));
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(lastSpace + 1);
    if (!isToken(method))
        return fail(400, QStringLiteral("Malformed request method"));
    if (!isTargetText(target))
        return fail(400, QStringLiteral("Malformed request target"));
    if (version.size() != 8 || !version.startsWith("HTTP/") || version.at(6) != '.'
        || version.at(5) < '0' || version.at(5) > '9' || version.at(7) < '0' || version.at(7) > '9')
        return fail(400, QStringLiteral("Malformed HTTP version"));
    if (version.at(5) != '1' || (version.at(7) != '0' && version.at(7) != '1'))
        return fail(505, QStringLiteral("HTTP version not supported"));
    m_current.minorVersion = version.at(7) - '0';

    HttpRequest &request = m_current.request;
    request.method = method.toByteArray();
    request.target = target.toByteArray();
    QByteArray pathAndQuery = target.toByteArray();
    if (target.front() != '/') {
        // The absolute form (RFC 9112 3.2.2) names the server too: keep its path and query.
        // The asterisk form is for OPTIONS only.
        if (target.startsWith("http://") || target.startsWith("https://")) {
            const qsizetype authority = target.indexOf("//") + 2;
            qsizetype slash = authority;
            while (slash < target.size() && target.at(slash) != '/' && target.at(slash) != '?')
                ++slash;
            pathAndQuery = target.sliced(slash).toByteArray();
            if (!pathAndQuery.startsWith('/'))
                pathAndQuery.prepend('/');
        } else if (target != "*" || method != "OPTIONS") {
            return fail(400, QStringLiteral("Malformed request target"));
        }
    }
    const qsizetype question = pathAndQuery.indexOf('?');
    request.path = question >= 0 ? pathAndQuery.first(question) : pathAndQuery;
    if (question >= 0) {
        // A query is form-encoded: "+" is a space (URLSearchParams, which mailpit-api uses,
        // writes "subject:a b" as subject%3Aa+b) and a plus sign comes as %2B.
        QByteArray query = pathAndQuery.sliced(question + 1);
        query.replace('+', "%20");
        request.query = QUrlQuery(QString::fromUtf8(query));
    }
    return true;
}

bool HttpRequestParser::parseField(QByteArrayView line)
{
    if (line.front() == ' ' || line.front() == '\t')
        return fail(400, QStringLiteral("Folded header field"));
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return fail(400, QStringLiteral("Malformed header field"));
    const QByteArrayView name = line.first(colon);
    if (!isToken(name)) // also refuses white space before the colon (RFC 9112 5.1)
        return fail(400, QStringLiteral("Malformed header field name"));
    const QByteArrayView value = trimmed(line.sliced(colon + 1));
    if (!isFieldValue(value))
        return fail(400, QStringLiteral("Malformed header field value"));
    if (m_current.request.headers.size() >= maxHeaderFields)
        return fail(431, QStringLiteral("Too many request header fields"));
    m_current.request.headers.append({ name.toByteArray().toLower(), value.toByteArray() });
    return true;
}

bool HttpRequestParser::headComplete()
{
    HttpRequest &request = m_current.request;
    m_current.head = m_buffer.mid(m_headStart, m_pos - m_headStart);
    int hosts = 0;
    QList<QByteArray> lengths;
    QList<QByteArray> encodings;
    for (const auto &[name, value] : std::as_const(request.headers)) {
        if (name == "host")
            ++hosts;
        else if (name == "content-length")
            lengths.append(value);
        else if (name == "transfer-encoding")
            encodings.append(value);
    }
    if (hosts > 1)
        return fail(400, QStringLiteral("More than one Host field"));
    if (hosts == 0 && m_current.minorVersion == 1)
        return fail(400, QStringLiteral("Missing Host field"));
    if (!lengths.isEmpty() && !encodings.isEmpty())
        return fail(400, QStringLiteral("Both Content-Length and Transfer-Encoding"));

    m_state = State::Body;
    m_remaining = 0;
    if (!encodings.isEmpty()) {
        if (m_current.minorVersion == 0)
            return fail(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
        const QByteArray coding = encodings.join(',').trimmed().toLower();
        if (coding != "chunked")
            return fail(501, QStringLiteral("Transfer coding not supported"));
        m_state = State::ChunkSize;
    } else if (!lengths.isEmpty()) {
        for (const QByteArray &length : std::as_const(lengths)) {
            if (length != lengths.constFirst())
                return fail(400, QStringLiteral("Conflicting Content-Length fields"));
        }
        const QByteArray &text = lengths.constFirst();
        if (text.isEmpty())
            return fail(400, QStringLiteral("Bad Content-Length"));
        qint64 length = 0;
        for (const char c : text) {
            if (c < '0' || c > '9')
                return fail(400, QStringLiteral("Bad Content-Length"));
            if (length > m_maxBodySize) // stop counting: it is too large anyway
                continue;
            length = length * 10 + (c - '0');
        }
        if (length > m_maxBodySize)
            return fail(413, QStringLiteral("Request body too large"));
        m_remaining = length;
    }

    const QByteArray expect = request.header("expect");
    if (!expect.isEmpty()) {
        if (expect.toLower() != "100-continue")
            return fail(417, QStringLiteral("Expectation not supported"));
        // Only when a body is still to come; HTTP/1.0 clients do not understand 100.
        m_continue = m_current.minorVersion == 1 && (m_state != State::Body || m_remaining > 0);
    }
    return true;
}

void HttpRequestParser::finishRequest()
{
    m_requests.append(std::move(m_current));
    m_current = HttpParsedRequest();
    m_state = State::RequestLine;
    m_continue = false;
    m_headStart = m_pos;
}
