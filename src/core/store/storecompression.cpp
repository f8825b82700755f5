// zstd compression of the store's raw messages and HTML bodies (see storecompression.h).
#include "store/storecompression.h"

#include "smtplog.h"

#include <sqlite3.h>
// For ZDICT_optimizeTrainFromBuffer_fastCover() and its parameters: zstd's "experimental"
// section, exported by Debian's libzstd (1.5.4) and unchanged since zstd 1.3.6.
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

namespace {

// Level 1: on the mail of bench/make-store (2.8 KB messages) it keeps 52% of the bytes where the
// default level 3 keeps 51.8% and level 9 51.2%, at about half of level 3's time; the raw bytes
// are compressed on the writer thread before the group commit, so speed counts more than the
// last percent. A dictionary is prepared for the same level.
constexpr int level = 1;
// Below this nothing is saved: a zstd frame has a few octets of header.
constexpr qsizetype minimumSize = 64;

struct ContextDeleter
{
    void operator()(ZSTD_CCtx *c) const { ZSTD_freeCCtx(c); }
    void operator()(ZSTD_DCtx *c) const { ZSTD_freeDCtx(c); }
};

// One context per thread (the writer, the indexer and each reader compress or decompress on
// their own), kept for the thread's life: creating one costs more than a small message.
ZSTD_CCtx *compressContext()
{
    thread_local std::unique_ptr<ZSTD_CCtx, ContextDeleter> context(ZSTD_createCCtx());
    return context.get();
}

ZSTD_DCtx *decompressContext()
{
    thread_local std::unique_ptr<ZSTD_DCtx, ContextDeleter> context(ZSTD_createDCtx());
    return context.get();
}

} // namespace

// A damaged frame may claim any content size: more than this is refused as damaged instead of
// allocated (no stored message or HTML body comes near it: mail past the spool threshold is
// kept verbatim, and the SMTP size limit is far below it).
constexpr unsigned long long maximumDecodedSize = 1ULL << 30;

namespace StoreCompression {

Stored encode(const QByteArray &data, const Dictionary *dictionary)
{
    Stored stored;
    if (data.size() >= minimumSize) {
        ZSTD_CCtx *context = compressContext();
        QByteArray frame(qsizetype(ZSTD_compressBound(size_t(data.size()))), Qt::Uninitialized);
        size_t n = size_t(-1);
        if (context && dictionary)
            n = ZSTD_compress_usingCDict(context, frame.data(), size_t(frame.size()), data.data(),
                size_t(data.size()), dictionary->compressor());
        else if (context)
            n = ZSTD_compressCCtx(context, frame.data(), size_t(frame.size()), data.data(),
                size_t(data.size()), level);
        if (context && !ZSTD_isError(n) && qsizetype(n) < data.size()) {
            frame.truncate(qsizetype(n));
            frame.squeeze(); // not the compress bound's capacity: a batch holds many of these
            stored.bytes = std::move(frame);
            stored.encoding = Zstd;
            return stored;
        }
    }
    stored.bytes = data; // shared, not copied
    if (stored.bytes.isNull())
        stored.bytes = QByteArray(""); // a null array would bind as SQL NULL
    return stored;
}

bool decode(const QByteArray &bytes, int encoding, QByteArray *data,
    const Dictionaries *dictionaries, sqlite3 *db)
{
    data->clear();
    if (encoding == Verbatim) {
        *data = bytes;
        return true;
    }
    if (encoding != Zstd) {
        qCWarning(lcSmtpStore) << "unknown encoding" << encoding << "of stored bytes";
        return false;
    }
    // Every frame the store writes records its content size.
    const unsigned long long size
        = ZSTD_getFrameContentSize(bytes.constData(), size_t(bytes.size()));
    ZSTD_DCtx *context = decompressContext();
    if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR
        || size > maximumDecodedSize || !context) {
        qCWarning(lcSmtpStore) << "damaged compressed bytes in the store";
        return false;
    }
    std::shared_ptr<const Dictionary> dictionary;
    if (const quint32 id = dictionaryOf(bytes)) {
        dictionary = dictionaries ? dictionaries->find(id, db) : nullptr;
        if (!dictionary) {
            qCWarning(lcSmtpStore) << "compressed bytes in the store name dictionary" << id
                                   << "which the store does not have";
            return false;
        }
    }
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    const size_t n = dictionary
        ? ZSTD_decompress_usingDDict(context, out.data(), size_t(out.size()), bytes.constData(),
            size_t(bytes.size()), dictionary->expander())
        : ZSTD_decompressDCtx(
            context, out.data(), size_t(out.size()), bytes.constData(), size_t(bytes.size()));
    if (ZSTD_isError(n) || n != size) {
        qCWarning(lcSmtpStore) << "damaged compressed bytes in the store:"
                               << (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
        return false;
    }
    *data = std::move(out);
    return true;
}

namespace {

// A reference's layout: this magic (no zstd frame starts with it: theirs is 28 b5 2f fd), the
// raw bytes' encoding in one octet, then offset and length as 64-bit little-endian numbers.
constexpr char sliceMagic[4] = { 'S', 'L', 'C', '1' };
constexpr qsizetype sliceSize = sizeof(sliceMagic) + 1 + 8 + 8;

void appendNumber(QByteArray *bytes, quint64 n)
{
    for (int i = 0; i < 8; ++i)
        bytes->append(char(quint8(n >> (8 * i))));
}

quint64 numberAt(const QByteArray &bytes, qsizetype at)
{
    quint64 n = 0;
    for (int i = 0; i < 8; ++i)
        n |= quint64(quint8(bytes.at(at + i))) << (8 * i);
    return n;
}

} // namespace

QByteArray referenceTo(const Slice &slice)
{
    QByteArray bytes;
    bytes.reserve(sliceSize);
    bytes.append(sliceMagic, sizeof(sliceMagic));
    bytes.append(char(slice.rawEncoding));
    appendNumber(&bytes, quint64(slice.offset));
    appendNumber(&bytes, quint64(slice.length));
    return bytes;
}

namespace {

// Where body first occurs in raw, as memmem() says, usually sooner. memmem's two-way search first
// factorizes the whole needle, a pass over a body of a kilobyte that cost more than finding it
// (perf, bench/ingest.sh's W2: 2.7 % of the server's CPU). A body usually lies where its first
// bytes first occur (right after its part's header block): a short needle is found fast, and the
// rest compared once. A few such places are tried, each within the next 16 KiB only, then the
// two-way search over the rest: a short needle advances at most its own length a step, so over
// megabytes that hold no such place (a base64 body next to an attachment) it took 20 times as long
// as the two-way search, which can leap a whole body's length. The time stays linear whatever the
// bytes.
const void *firstOccurrence(const QByteArray &raw, const QByteArray &body)
{
    constexpr qsizetype prefixSize = 32;
    constexpr qsizetype window = 16 * 1024;
    constexpr int placesTried = 4;
    const qsizetype prefix = qMin(prefixSize, body.size());
    qsizetype from = 0;
    for (int tried = 0; tried < placesTried; ++tried) {
        const qsizetype rest = raw.size() - from;
        const qsizetype span = qMin(rest, window);
        const void *candidate
            = memmem(raw.constData() + from, size_t(span), body.constData(), size_t(prefix));
        if (!candidate) {
            if (span == rest)
                return nullptr; // its first bytes are nowhere: nor is it
            break; // not near: the two-way search over the rest
        }
        const qsizetype at = static_cast<const char *>(candidate) - raw.constData();
        if (raw.size() - at < body.size())
            return nullptr; // every later place is nearer the end still
        if (memcmp(candidate, body.constData(), size_t(body.size())) == 0)
            return candidate;
        from = at + 1;
    }
    return memmem(
        raw.constData() + from, size_t(raw.size() - from), body.constData(), size_t(body.size()));
}

} // namespace

Stored encodeBody(
    const QByteArray &body, const QByteArray &raw, int rawEncoding, const Dictionary *dictionary)
{
    // A shorter body is as small compressed (or verbatim), and reads without the raw bytes.
    if (body.size() >= minimumSize) {
        // glibc's memmem (two-way) takes time linear in the sizes whatever the bytes: a search
        // that compares from the needle's end (Horspool) can take the product of the two on a
        // body that differs from the raw bytes only at its start (quoted-printable "=62aaa..."
        // against "baaa..."), megabytes each.
        const void *at = firstOccurrence(raw, body);
        const qint64 offset = at ? static_cast<const char *>(at) - raw.constData() : 0;
        // sliceOf() reads past maximumDecodedSize as damage: such a body is kept as a frame.
        if (at && quint64(offset) + quint64(body.size()) <= maximumDecodedSize) {
            Stored stored;
            stored.bytes = referenceTo({ rawEncoding, offset, body.size() });
            stored.encoding = RawSlice;
            return stored;
        }
    }
    return encode(body, dictionary);
}

std::optional<Slice> sliceOf(const QByteArray &bytes)
{
    if (bytes.size() != sliceSize || !bytes.startsWith(QByteArrayView(sliceMagic, 4)))
        return std::nullopt;
    Slice slice;
    slice.rawEncoding = quint8(bytes.at(4));
    const quint64 offset = numberAt(bytes, 5);
    const quint64 length = numberAt(bytes, 13);
    // Damaged numbers must not overflow the bounds check of cut().
    if (offset > maximumDecodedSize || length > maximumDecodedSize)
        return std::nullopt;
    slice.offset = qint64(offset);
    slice.length = qint64(length);
    return slice;
}

bool cut(const Slice &slice, const QByteArray &raw, QByteArray *data)
{
    data->clear();
    if (slice.offset + slice.length > raw.size()) {
        qCWarning(lcSmtpStore) << "a body in the store refers to bytes past its message's end";
        return false;
    }
    *data = raw.mid(slice.offset, slice.length);
    return true;
}

quint32 dictionaryOf(const QByteArray &frame)
{
    return quint32(ZSTD_getDictID_fromFrame(frame.constData(), size_t(frame.size())));
}

std::shared_ptr<const Dictionary> Dictionary::train(
    const QList<QByteArray> &samples, qsizetype maxBytes, QString *errorString)
{
    // zstd's trainer takes the samples end to end in one buffer, with their sizes.
    QByteArray flat;
    std::vector<size_t> sizes;
    sizes.reserve(size_t(samples.size()));
    for (const QByteArray &sample : samples) {
        flat += sample;
        sizes.push_back(size_t(sample.size()));
    }
    QByteArray bytes(maxBytes, Qt::Uninitialized);
    // ZDICT_trainFromBuffer() with a smaller frequency table: that one is the same search
    // (fastCover, d = 8, 4 steps) with f = 20, whose tables took 11.4 MB of memory at their
    // peak for 1,000 messages of 1 KB; f = 16 took 2.0 MB and 40 % less time, and its dictionary
    // compressed the mix as well (1,131 bytes a message against 1,133).
    ZDICT_fastCover_params_t parameters {};
    parameters.d = 8;
    parameters.f = 16;
    parameters.steps = 4;
    parameters.accel = 1;
    parameters.splitPoint = 0.75;
    parameters.zParams.compressionLevel = level;
    const size_t n = ZDICT_optimizeTrainFromBuffer_fastCover(bytes.data(), size_t(bytes.size()),
        flat.constData(), sizes.data(), unsigned(sizes.size()), &parameters);
    if (ZDICT_isError(n)) {
        *errorString = QString::fromLatin1(ZDICT_getErrorName(n));
        return nullptr;
    }
    bytes.truncate(qsizetype(n));
    auto dictionary = fromBytes(bytes);
    if (!dictionary)
        *errorString = QStringLiteral("zstd made no usable dictionary");
    return dictionary;
}

std::shared_ptr<const Dictionary> Dictionary::fromBytes(const QByteArray &bytes)
{
    // Only a dictionary in zstd's format has an id (raw content would have 0): frames name it.
    const auto id = quint32(ZSTD_getDictID_fromDict(bytes.constData(), size_t(bytes.size())));
    if (id == 0)
        return nullptr;
    std::shared_ptr<Dictionary> dictionary(new Dictionary);
    dictionary->m_bytes = bytes;
    dictionary->m_id = id;
    dictionary->m_compress = ZSTD_createCDict(bytes.constData(), size_t(bytes.size()), level);
    dictionary->m_expand = ZSTD_createDDict(bytes.constData(), size_t(bytes.size()));
    if (!dictionary->m_compress || !dictionary->m_expand)
        return nullptr;
    return dictionary;
}

Dictionary::~Dictionary()
{
    ZSTD_freeCDict(m_compress);
    ZSTD_freeDDict(m_expand);
}

void Dictionaries::add(std::shared_ptr<const Dictionary> dictionary)
{
    if (!dictionary)
        return;
    std::unique_lock lock(m_mutex);
    m_byId.emplace(dictionary->id(), std::move(dictionary));
}

void Dictionaries::clear()
{
    std::unique_lock lock(m_mutex);
    m_byId.clear();
    m_missing.clear();
}

std::shared_ptr<const Dictionary> Dictionaries::find(quint32 id, sqlite3 *db) const
{
    {
        std::shared_lock lock(m_mutex);
        const auto found = m_byId.find(id);
        if (found != m_byId.end())
            return found->second;
        if (m_missing.count(id))
            return nullptr;
    }
    if (!db)
        return nullptr;
    // Trained by another process after this one read the table: read it now, on the
    // connection that reads the frame (inside one of its statements when the frame is a column
    // an SQL function expands, which SQLite allows).
    QByteArray bytes;
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v2(
            db, "SELECT data FROM compression_dictionaries WHERE id = ?", -1, &statement, nullptr)
            == SQLITE_OK
        && sqlite3_bind_int64(statement, 1, sqlite3_int64(id)) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW) {
        bytes = QByteArray(static_cast<const char *>(sqlite3_column_blob(statement, 0)),
            sqlite3_column_bytes(statement, 0));
    }
    sqlite3_finalize(statement);
    auto dictionary = Dictionary::fromBytes(bytes);
    std::unique_lock lock(m_mutex);
    if (!dictionary || dictionary->id() != id) {
        m_missing.insert(id);
        return nullptr;
    }
    return m_byId.emplace(id, std::move(dictionary)).first->second;
}

} // namespace StoreCompression
