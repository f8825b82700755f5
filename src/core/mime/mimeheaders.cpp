// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "gmime_p.h"
#include "mimeheaders.h"

#include <QRegularExpression>

#include <mutex>

void MimeInternal::ensureGMime()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

namespace {

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
    MimeInternal::ensureGMime();
    // GMime 3.2 joins adjacent encoded-words of one charset before decoding them, and loses the
    // text after the first one's base64 padding ("=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?="
    // gives "über"). So each encoded-word is decoded on its own, and the white space between two
    // of them is dropped (RFC 2047 6.2); the other text goes through GMime for its charset.
    static const QRegularExpression encodedWord(
        QStringLiteral(R"(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)"));
    const auto gmimeDecode = [](const QByteArray &text) {
        char *decoded = g_mime_utils_header_decode_text(nullptr, text.constData());
        QString result = QString::fromUtf8(decoded);
        g_free(decoded);
        return result;
    };
    if (!encoded.contains("=?"))
        return gmimeDecode(encoded);
    const QString latin = QString::fromLatin1(encoded); // 1:1 with the octets
    QString text;
    qsizetype pos = 0;
    bool previousWasEncoded = false;
    QRegularExpressionMatchIterator it = encodedWord.globalMatch(latin);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QByteArray between = encoded.mid(pos, match.capturedStart() - pos);
        if (!(previousWasEncoded && between.trimmed().isEmpty()) && !between.isEmpty())
            text += gmimeDecode(between);
        text += gmimeDecode(encoded.mid(match.capturedStart(), match.capturedLength()));
        pos = match.capturedEnd();
        previousWasEncoded = true;
    }
    if (pos < encoded.size())
        text += gmimeDecode(encoded.mid(pos));
    return text;
}

QString decodedHeader(QByteArrayView message, QByteArrayView name)
{
    return decodeText(rawHeader(message, name));
}

} // namespace MimeHeaders
