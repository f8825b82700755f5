// GMime first: glib's headers use the identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "gmime_p.h"
#include "mimeheaders.h"

#include <mutex>

namespace {

// Unencoded 8-bit header text: UTF-8 first (SMTPUTF8), then what Windows mailers send.
const char *fallbackCharsets[] = { "UTF-8", "windows-1252", nullptr };
GMimeParserOptions *options = nullptr;

// GMime 3.2 joins adjacent encoded-words of one charset before decoding them (so that a
// character split across two words survives) but decodes the joined base64 as one, stopping at
// the first word's padding: "=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?=" comes out as "über".
// Long subjects from Python, Outlook and others look exactly like that. The fix-up joins such
// runs itself, into one correctly padded base64 word, and leaves everything else to GMime.
struct EncodedWord
{
    qsizetype begin = 0;
    qsizetype end = 0;
    QByteArrayView charset;
    char encoding = 0;
    QByteArrayView payload;
};

bool isFoldingSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// "=?charset?e?payload?=" at `at`. Each scan stops at the next '?' (or white space), so looking
// at every "=?" of a hostile 100 KB header stays linear.
bool encodedWordAt(QByteArrayView text, qsizetype at, EncodedWord *word)
{
    const qsizetype size = text.size();
    if (at + 1 >= size || text.at(at) != '=' || text.at(at + 1) != '?')
        return false;
    qsizetype i = at + 2;
    while (i < size && text.at(i) != '?' && !isFoldingSpace(text.at(i)))
        ++i;
    const qsizetype charsetEnd = i;
    if (charsetEnd == at + 2 || charsetEnd + 2 >= size || text.at(charsetEnd) != '?'
        || text.at(charsetEnd + 2) != '?')
        return false;
    i = charsetEnd + 3;
    while (i < size && text.at(i) != '?' && !isFoldingSpace(text.at(i)))
        ++i;
    if (i + 1 >= size || text.at(i) != '?' || text.at(i + 1) != '=')
        return false;
    word->begin = at;
    word->end = i + 2;
    word->charset = text.sliced(at + 2, charsetEnd - at - 2);
    word->encoding = char(text.at(charsetEnd + 1) | 0x20);
    word->payload = text.sliced(charsetEnd + 3, i - charsetEnd - 3);
    return true;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

} // namespace

namespace MimeInternal {

void ensureGMime()
{
    static std::once_flag once;
    std::call_once(once, [] {
        g_mime_init();
        options = g_mime_parser_options_new();
        g_mime_parser_options_set_fallback_charsets(options, fallbackCharsets);
    });
}

GMimeParserOptions *headerOptions()
{
    ensureGMime();
    return options;
}

// Header text with every run of adjacent base64 words of one charset joined into one word;
// empty when there was nothing to join (the common case costs one search).
QByteArray joinBase64Words(QByteArrayView text)
{
    if (!text.contains("?=") || (!text.contains("?B?") && !text.contains("?b?")))
        return {};
    QByteArray out;
    bool joined = false;
    qsizetype copied = 0;
    EncodedWord word;
    for (qsizetype at = text.indexOf("=?"); at >= 0 && at < text.size();) {
        if (!encodedWordAt(text, at, &word) || word.encoding != 'b') {
            at = text.indexOf("=?", at + 2);
            continue;
        }
        QByteArray bytes = QByteArray::fromBase64(word.payload.toByteArray());
        int count = 1;
        qsizetype runEnd = word.end;
        EncodedWord next;
        for (;;) {
            qsizetype after = runEnd;
            while (after < text.size() && isFoldingSpace(text.at(after)))
                ++after;
            if (!encodedWordAt(text, after, &next) || next.encoding != 'b'
                || next.charset.compare(word.charset, Qt::CaseInsensitive) != 0)
                break;
            bytes += QByteArray::fromBase64(next.payload.toByteArray());
            runEnd = next.end;
            ++count;
        }
        if (count > 1) {
            out += text.sliced(copied, word.begin - copied);
            out += "=?" + word.charset.toByteArray() + "?B?" + bytes.toBase64() + "?=";
            copied = runEnd;
            joined = true;
        }
        at = text.indexOf("=?", runEnd);
    }
    if (!joined)
        return {};
    out += text.sliced(copied);
    return out;
}

QString decodeHeaderText(const char *raw)
{
    ensureGMime();
    const QByteArray joined = joinBase64Words(raw);
    char *unfolded = g_mime_utils_header_unfold(joined.isEmpty() ? raw : joined.constData());
    char *decoded = g_mime_utils_header_decode_text(options, unfolded);
    QString text = QString::fromUtf8(decoded);
    g_free(decoded);
    g_free(unfolded);
    return text;
}

} // namespace MimeInternal

namespace MimeHeaders {

QByteArrayView headerBlock(QByteArrayView message)
{
    // A message that starts with an empty line has no header (GMime reads it so too).
    if (message.startsWith('\n') || message.startsWith("\r\n"))
        return message.first(0);
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
        // The name, then optional white space before the colon (RFC 5322 4.5, obsolete syntax
        // that GMime reads too: "Cc : bob@x.org").
        const qsizetype colon = line.indexOf(':');
        qsizetype nameEnd = colon;
        while (nameEnd > 0 && (line.at(nameEnd - 1) == ' ' || line.at(nameEnd - 1) == '\t'))
            --nameEnd;
        if (!line.isEmpty() && !isSpace(line.front()) && nameEnd == name.size()
            && line.first(nameEnd).compare(name, Qt::CaseInsensitive) == 0) {
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
    return encoded.isEmpty() ? QString() : MimeInternal::decodeHeaderText(encoded.constData());
}

QString decodedHeader(QByteArrayView message, QByteArrayView name)
{
    return decodeText(rawHeader(message, name));
}

QList<SmtpHeaderField> fields(QByteArrayView message)
{
    QList<SmtpHeaderField> result;
    const QByteArrayView block = headerBlock(message);
    QByteArray name;
    QByteArray value;
    bool open = false;
    auto flush = [&] {
        if (!open)
            return;
        const QByteArray unfolded = value.trimmed();
        result.append(SmtpHeaderField(QString::fromLatin1(name.trimmed()), decodeText(unfolded),
            QString::fromUtf8(unfolded)));
        open = false;
    };
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        QByteArrayView line = block.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if ((line.front() == ' ' || line.front() == '\t') && open) {
            value += line.toByteArray(); // unfolding removes the line break only
            continue;
        }
        flush();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) { // not a header at all: kept as it is, without a name
            name.clear();
            value = line.toByteArray();
        } else {
            name = line.first(colon).toByteArray();
            value = line.sliced(colon + 1).toByteArray();
        }
        open = true;
    }
    flush();
    return result;
}

} // namespace MimeHeaders
