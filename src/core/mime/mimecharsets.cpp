// Body text in any charset as Unicode: the charset a part declares, iconv for the rare ones,
// and the fallbacks mail needs when the label is missing or wrong.
// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "mimecharsets.h"

#include <cerrno>
#include <cstring>

namespace {

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

} // namespace

namespace MimeCharsets {

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

} // namespace MimeCharsets
