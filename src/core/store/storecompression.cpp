// zstd compression of the store's raw messages and HTML bodies (see storecompression.h).
#include "store/storecompression.h"

#include "smtplog.h"

#include <zstd.h>

#include <memory>

namespace {

// Level 1: on the mail of bench/make-store (2.8 KB messages) it keeps 52% of the bytes where the
// default level 3 keeps 51.8% and level 9 51.2%, at about half of level 3's time; the raw bytes
// are compressed on the writer thread before the group commit, so speed counts more than the
// last percent.
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

Stored encode(const QByteArray &data)
{
    Stored stored;
    if (data.size() >= minimumSize) {
        ZSTD_CCtx *context = compressContext();
        QByteArray frame(qsizetype(ZSTD_compressBound(size_t(data.size()))), Qt::Uninitialized);
        const size_t n = context ? ZSTD_compressCCtx(context, frame.data(), size_t(frame.size()),
                             data.data(), size_t(data.size()), level)
                                 : size_t(-1);
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

bool decode(const QByteArray &bytes, int encoding, QByteArray *data)
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
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    const size_t n = ZSTD_decompressDCtx(
        context, out.data(), size_t(out.size()), bytes.constData(), size_t(bytes.size()));
    if (ZSTD_isError(n) || n != size) {
        qCWarning(lcSmtpStore) << "damaged compressed bytes in the store:"
                               << (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
        return false;
    }
    *data = std::move(out);
    return true;
}

} // namespace StoreCompression
