// How the store keeps message bytes small: the raw message (message_raw.data) and the HTML body
// (message_html.html) of a row are either verbatim or one zstd frame, as the row's encoding
// column says. Rows written before the store compressed anything are verbatim (encoding 0).
#pragma once

#include <QByteArray>

namespace StoreCompression {

// message_raw.encoding and message_html.encoding
enum Encoding : int {
    Verbatim = 0, // the bytes as they are (HTML: UTF-8 text)
    Zstd = 1, // one zstd frame of those bytes, stored as a blob
};

// What a row holds: its bytes and their encoding.
struct Stored
{
    QByteArray bytes;
    int encoding = Verbatim;
};

// data as the store keeps it: a zstd frame when that is smaller, else verbatim (so mail that does
// not compress, e.g. already compressed attachments, costs nothing to read back).
Stored encode(const QByteArray &data);

// The original bytes of a row. False (with *data empty) for an unknown encoding or a damaged
// frame; then nothing should be served as the message.
bool decode(const QByteArray &bytes, int encoding, QByteArray *data);

} // namespace StoreCompression
