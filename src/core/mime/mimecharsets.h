// Body text in any charset, as Unicode: what a part's charset parameter says, with the
// fallbacks mail needs (unlabelled or mislabelled text). Internal to the mime/ sources.
#pragma once

#include <QByteArray>
#include <QString>

namespace MimeCharsets {

// Bytes labelled with that charset parameter (as written, any case) as text. UTF-8 and Latin-1
// labels are read directly (Latin-1 as Windows-1252, as WHATWG does); others through iconv,
// with U+FFFD for what does not convert. No label, US-ASCII or a charset iconv does not know:
// UTF-8 when the bytes are valid UTF-8, else Windows-1252.
QString textFromBytes(const QByteArray &bytes, const QString &charsetParameter);

} // namespace MimeCharsets
