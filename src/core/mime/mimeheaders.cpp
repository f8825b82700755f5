// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "mimeheaders.h"

#include <mutex>

namespace {

void ensureGMime()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

} // namespace

namespace MimeHeaders {

QByteArrayView headerBlock(QByteArrayView message)
{
    for (qsizetype i = 0; i < message.size(); ++i) {
        if (message.at(i) != '\n')
            continue;
        const qsizetype next = i + 1;
        if (next < message.size() && message.at(next) == '\n')
            return message.first(next);
        if (next + 1 < message.size() && message.at(next) == '\r' && message.at(next + 1) == '\n')
            return message.first(next);
    }
    return message;
}

QByteArray rawHeader(QByteArrayView message, QByteArrayView name)
{
    const QByteArrayView block = headerBlock(message);
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        const QByteArrayView line = block.sliced(pos, end - pos);
        const qsizetype colon = line.indexOf(':');
        if (!line.isEmpty() && !isSpace(line.front()) && colon == name.size()
            && line.first(colon).compare(name, Qt::CaseInsensitive) == 0) {
            QByteArray value = line.sliced(colon + 1).toByteArray();
            // Unfold: continuation lines start with white space (RFC 5322 2.2.3).
            qsizetype next = end + 1;
            while (next < block.size() && isSpace(block.at(next))) {
                qsizetype contEnd = block.indexOf('\n', next);
                if (contEnd < 0)
                    contEnd = block.size();
                value += block.sliced(next, contEnd - next).toByteArray();
                next = contEnd + 1;
            }
            value.replace('\r', "");
            return value.trimmed();
        }
        pos = end + 1;
    }
    return {};
}

QString decodeText(const QByteArray &encoded)
{
    if (encoded.isEmpty())
        return {};
    ensureGMime();
    char *decoded = g_mime_utils_header_decode_text(nullptr, encoded.constData());
    QString text = QString::fromUtf8(decoded);
    g_free(decoded);
    return text;
}

QString decodedHeader(QByteArrayView message, QByteArrayView name)
{
    return decodeText(rawHeader(message, name));
}

} // namespace MimeHeaders
