// Internal to the mime/ sources, never installed. Keep GMime's own headers out of this one: each
// .cpp includes <gmime/gmime.h> first, before any Qt header (glib's "signals" clash, TOOLCHAIN.md).
#pragma once

#include <QByteArray>
#include <QString>

typedef struct _GMimeParserOptions GMimeParserOptions;

namespace MimeInternal {

// g_mime_init() exactly once per process, from any thread.
void ensureGMime();

// Options for decoding header text: unencoded 8-bit text is tried as UTF-8, then Windows-1252.
GMimeParserOptions *headerOptions();

// GMime 3.2 joins adjacent base64 encoded-words of one charset (so a character split across two
// words survives) but stops at the first word's padding. This does the join itself: the text
// with each such run made one correctly padded word; empty when there was nothing to join.
QByteArray joinBase64Words(QByteArrayView text);

// Header text (folded, RFC 2047 words in any charset) as Unicode, with the join above.
QString decodeHeaderText(const char *raw);

} // namespace MimeInternal
