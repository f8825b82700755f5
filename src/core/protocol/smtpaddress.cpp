#include "smtpaddress.h"

#include <QHostAddress>
#include <QList>

#include <cstring>

namespace {

bool isAlpha(uchar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(uchar c)
{
    return c >= '0' && c <= '9';
}
bool isAtext(uchar c)
{
    return isAlpha(c) || isDigit(c) || (c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c));
}

// Length of one well-formed UTF-8 sequence (2-4 octets) at p, or 0 if there is none.
qsizetype utf8SequenceLength(const uchar *p, qsizetype available)
{
    const uchar c = p[0];
    qsizetype n = 0;
    uint minimum = 0, value = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, minimum = 0x80, value = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, minimum = 0x800, value = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, minimum = 0x10000, value = c & 0x07;
    } else {
        return 0;
    }
    if (available < n)
        return 0;
    for (qsizetype i = 1; i < n; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (p[i] & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    return n;
}

// A cursor over the input with the small recognisers of the RFC 5321 grammar.
class Scanner
{
public:
    Scanner(QByteArrayView text, bool utf8)
        : m_p(reinterpret_cast<const uchar *>(text.data()))
        , m_size(text.size())
        , m_utf8(utf8)
    { }

    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_size; }
    uchar peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_size ? m_p[m_pos + ahead] : 0;
    }
    bool take(uchar c)
    {
        if (peek() != c || atEnd())
            return false;
        ++m_pos;
        return true;
    }
    bool sawNonAscii() const { return m_sawNonAscii; }

    // One UTF-8 character of 2+ octets, if allowed; remembers that it was seen.
    bool takeNonAscii()
    {
        if (atEnd() || peek() < 0x80)
            return false;
        const qsizetype n = utf8SequenceLength(m_p + m_pos, m_size - m_pos);
        if (n == 0)
            return false;
        m_sawNonAscii = true;
        if (!m_utf8)
            return false;
        m_pos += n;
        return true;
    }

    bool atom()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && (isAtext(peek()) ? (++m_pos, true) : takeNonAscii())) { }
        return m_pos > start;
    }

    bool dotString()
    {
        if (!atom())
            return false;
        while (peek() == '.') {
            ++m_pos;
            if (!atom())
                return false;
        }
        return true;
    }

    bool quotedString()
    {
        if (!take('"'))
            return false;
        while (!atEnd()) {
            const uchar c = peek();
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c == '\\') {
                const uchar next = peek(1);
                if (m_pos + 1 >= m_size || next < 32 || next > 126)
                    return false;
                m_pos += 2;
            } else if (c >= 32 && c <= 126) {
                ++m_pos;
            } else if (!takeNonAscii()) {
                return false;
            }
        }
        return false;
    }

    bool subDomain()
    {
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const uchar c = peek();
            if (isAlpha(c) || isDigit(c) || c == '-')
                ++m_pos;
            else if (!takeNonAscii())
                break;
        }
        // Let-dig at both ends: no leading or trailing hyphen
        return m_pos > start && m_p[start] != '-' && m_p[m_pos - 1] != '-';
    }

    bool domain()
    {
        if (!subDomain())
            return false;
        while (peek() == '.') {
            ++m_pos;
            if (!subDomain())
                return false;
        }
        return true;
    }

    bool addressLiteral()
    {
        if (!take('['))
            return false;
        const qsizetype start = m_pos;
        while (!atEnd() && peek() != ']') {
            const uchar c = peek();
            if (c < 33 || c > 126 || c == '[' || c == '\\')
                return false;
            ++m_pos;
        }
        const QByteArrayView body(reinterpret_cast<const char *>(m_p + start), m_pos - start);
        if (!take(']') || body.isEmpty())
            return false;
        return validLiteral(body);
    }

    bool mailbox(qsizetype *localLength, qsizetype *domainLength)
    {
        const qsizetype start = m_pos;
        if (!(peek() == '"' ? quotedString() : dotString()))
            return false;
        *localLength = m_pos - start;
        if (!take('@'))
            return false;
        const qsizetype domainStart = m_pos;
        if (!(peek() == '[' ? addressLiteral() : domain()))
            return false;
        *domainLength = m_pos - domainStart;
        return true;
    }

    // A-d-l = At-domain *( "," At-domain ) ":" — a source route, parsed and ignored (RFC 5321 C).
    bool sourceRoute()
    {
        do {
            if (!take('@') || !domain())
                return false;
        } while (take(','));
        return take(':');
    }

private:
    static bool validLiteral(QByteArrayView body)
    {
        if (isDigit(uchar(body.front()))) {
            const QList<QByteArray> parts = body.toByteArray().split('.');
            if (parts.size() != 4)
                return false;
            for (const QByteArray &part : parts) {
                if (part.isEmpty() || part.size() > 3)
                    return false;
                for (char c : part)
                    if (!isDigit(uchar(c)))
                        return false;
                if (part.toInt() > 255)
                    return false;
            }
            return true;
        }
        const qsizetype colon = body.indexOf(':');
        if (colon <= 0)
            return false;
        const QByteArrayView tag = body.first(colon);
        for (char c : tag)
            if (!isAlpha(uchar(c)) && !isDigit(uchar(c)) && c != '-')
                return false;
        const QByteArrayView rest = body.sliced(colon + 1);
        if (rest.isEmpty())
            return false;
        if (tag.compare("IPv6", Qt::CaseInsensitive) == 0) {
            for (char c : rest)
                if (!isDigit(uchar(c)) && !std::strchr("abcdefABCDEF:.", c))
                    return false;
            // The characters alone let "1" or "1::2::3" through: it must be an IPv6 address.
            QHostAddress address;
            return address.setAddress(QString::fromLatin1(rest))
                && address.protocol() == QAbstractSocket::IPv6Protocol;
        }
        return true;
    }

    const uchar *m_p;
    qsizetype m_size;
    qsizetype m_pos = 0;
    bool m_utf8;
    bool m_sawNonAscii = false;
};

SmtpPath failure(SmtpPath::Error error)
{
    SmtpPath path;
    path.error = error;
    return path;
}

} // namespace

SmtpPath SmtpPath::parse(QByteArrayView text, Kind kind, bool utf8Allowed, const SmtpLimits &limits)
{
    qsizetype skip = 0;
    while (skip < text.size() && text.at(skip) == ' ')
        ++skip;
    text = text.sliced(skip);

    Scanner scan(text, utf8Allowed);
    const bool bracketed = scan.take('<');
    const auto fail = [&](Error plain) {
        return failure(scan.sawNonAscii() && !utf8Allowed ? Error::NonAscii : plain);
    };

    SmtpPath path;
    if (bracketed && scan.take('>')) {
        if (kind != Kind::ReversePath)
            return failure(Error::Syntax);
        path.error = Error::None;
        path.isNull = true;
        path.consumed = skip + scan.pos();
        return path;
    }
    if (bracketed && scan.peek() == '@' && !scan.sourceRoute())
        return fail(Error::Syntax);

    const qsizetype mailboxStart = scan.pos();
    qsizetype localLength = 0, domainLength = 0;
    qsizetype mailboxEnd = 0;
    qsizetype pathEnd = 0;
    if (scan.mailbox(&localLength, &domainLength)) {
        mailboxEnd = scan.pos();
        if (bracketed ? !scan.take('>') : !(scan.atEnd() || scan.peek() == ' '))
            return fail(Error::Syntax);
        pathEnd = scan.pos();
    } else if (kind == Kind::ForwardPath && bracketed && text.size() - mailboxStart >= 11
        && text.sliced(mailboxStart, 11).compare("postmaster>", Qt::CaseInsensitive) == 0) {
        // RFC 5321 4.5.1: "<Postmaster>" without a domain must be accepted.
        localLength = 10;
        mailboxEnd = mailboxStart + localLength;
        pathEnd = mailboxEnd + 1;
    } else {
        return fail(Error::Syntax);
    }

    if (localLength > limits.maxLocalPartLength || domainLength > limits.maxDomainLength
        || pathEnd > limits.maxPathLength)
        return failure(Error::TooLong);

    path.error = Error::None;
    path.mailbox = QString::fromUtf8(text.sliced(mailboxStart, mailboxEnd - mailboxStart));
    path.consumed = skip + pathEnd;
    return path;
}
