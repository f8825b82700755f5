// How the store keeps message bytes small: the raw message (message_raw.data), the HTML body
// (message_html.html) and the full-text body (message_text.c3) of a row are either verbatim or
// one zstd frame, as the row's encoding column (or, for c3, its type) says. Rows written before
// the store compressed anything are verbatim (encoding 0).
//
// A frame may be compressed with a dictionary the store trained on its own mail (schema 11,
// compression_dictionaries): the frame's header names it by id. Mail of one app repeats most of
// itself from message to message (headers, MIME boilerplate, a template's text), which a small
// frame compressed on its own cannot refer to; on bench/make-store's mix a raw message took
// 1,514 bytes alone and 1,164 with a dictionary of 32 KiB (zstd's command line, level 1).
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

struct sqlite3;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace StoreCompression {

// message_raw.encoding and message_html.encoding
enum Encoding : int {
    Verbatim = 0, // the bytes as they are (HTML: UTF-8 text)
    Zstd = 1, // one zstd frame of those bytes, stored as a blob (maybe with a dictionary)
    // (A body only, schema 12: message_html.encoding, or a blob in message_text.c3 that is no
    // frame.) A reference to where the body lies in its message's raw bytes, a Slice.
    RawSlice = 2,
};

// Where a text or HTML body lies in the raw bytes of its message. A body that is a run of the raw
// bytes as they are (a text/plain or text/html part sent in 7bit or 8bit UTF-8 or ASCII, the
// usual case) is kept as this reference, 21 bytes, rather than a second copy of itself: on
// bench/make-store's mix the text bodies took 1,180 bytes a message beside raw bytes of 1,328.
// Reading one expands the raw bytes instead of the body's own frame.
struct Slice
{
    int rawEncoding = Verbatim; // of the message_raw row it lies in (its rows never change)
    qint64 offset = 0;
    qint64 length = 0;
};

// What a row holds: its bytes and their encoding.
struct Stored
{
    QByteArray bytes;
    int encoding = Verbatim;
};

// A zstd dictionary, ready to compress and expand with (immutable, shared between threads).
class SMTPRECEIVER_TEST_EXPORT Dictionary
{
public:
    // Trained on samples (the raw bytes of recent mail) to at most maxBytes. Null, with
    // *errorString, when zstd cannot make one of them (too few samples, or nothing they share).
    static std::shared_ptr<const Dictionary> train(
        const QList<QByteArray> &samples, qsizetype maxBytes, QString *errorString);
    // From the bytes train() made (a row of compression_dictionaries); null when they are not a
    // zstd dictionary.
    static std::shared_ptr<const Dictionary> fromBytes(const QByteArray &bytes);
    ~Dictionary();
    Dictionary(const Dictionary &) = delete;
    Dictionary &operator=(const Dictionary &) = delete;

    // What every frame compressed with it names (never 0).
    quint32 id() const { return m_id; }
    const QByteArray &bytes() const { return m_bytes; }
    // zstd's prepared forms (storecompression.cpp)
    const ZSTD_CDict_s *compressor() const { return m_compress; }
    const ZSTD_DDict_s *expander() const { return m_expand; }

private:
    Dictionary() = default;
    QByteArray m_bytes;
    quint32 m_id = 0;
    ZSTD_CDict_s *m_compress = nullptr;
    ZSTD_DDict_s *m_expand = nullptr;
};

// The dictionaries a store's frames may name, by id: those it trained or read at open, and,
// when a frame names one it has not seen (another process trained it since), the one its
// connection reads from compression_dictionaries then. Thread-safe.
class SMTPRECEIVER_TEST_EXPORT Dictionaries
{
public:
    void add(std::shared_ptr<const Dictionary> dictionary);
    void clear();
    // Null when neither this set nor db (when given) has it. An id db did not have is not looked
    // for again: a frame is seen only with its dictionary, which commits first, so one missing
    // then (or damaged) stays missing, and every row that names it would ask again.
    std::shared_ptr<const Dictionary> find(quint32 id, sqlite3 *db) const;

private:
    mutable std::shared_mutex m_mutex;
    mutable std::unordered_map<quint32, std::shared_ptr<const Dictionary>> m_byId;
    mutable std::unordered_set<quint32> m_missing;
};

// data as the store keeps it: a zstd frame when that is smaller (with dictionary, when given),
// else verbatim (so mail that does not compress, e.g. already compressed attachments, costs
// nothing to read back).
SMTPRECEIVER_TEST_EXPORT Stored encode(
    const QByteArray &data, const Dictionary *dictionary = nullptr);

// The original bytes of a row. A frame that names a dictionary is expanded with the one
// dictionaries finds (reading it through db when it must). False (with *data empty) for an
// unknown encoding, a damaged frame or a dictionary not found; then nothing should be served as
// the message.
SMTPRECEIVER_TEST_EXPORT bool decode(const QByteArray &bytes, int encoding, QByteArray *data,
    const Dictionaries *dictionaries = nullptr, sqlite3 *db = nullptr);

// A body as the store keeps it: a reference to it in raw (the message's bytes, kept with
// rawEncoding) when it is found there as it is and is long enough for the reference to save
// anything, else encode(body, dictionary).
SMTPRECEIVER_TEST_EXPORT Stored encodeBody(
    const QByteArray &body, const QByteArray &raw, int rawEncoding, const Dictionary *dictionary);

// A slice's stored form, a blob of 21 bytes that no zstd frame can be.
SMTPRECEIVER_TEST_EXPORT QByteArray referenceTo(const Slice &slice);

// The slice a stored body refers to; nullopt when bytes are not a reference (a zstd frame).
SMTPRECEIVER_TEST_EXPORT std::optional<Slice> sliceOf(const QByteArray &bytes);

// The bytes of slice in raw (the message's bytes, decoded). False (with *data empty) when raw is
// shorter than the slice says: then the store is damaged.
SMTPRECEIVER_TEST_EXPORT bool cut(const Slice &slice, const QByteArray &raw, QByteArray *data);

// The id of the dictionary a frame was compressed with; 0 for none (or not a frame).
SMTPRECEIVER_TEST_EXPORT quint32 dictionaryOf(const QByteArray &frame);

} // namespace StoreCompression
