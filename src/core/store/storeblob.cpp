#include "store/storeblob.h"

#include "offsetreader.h"
#include "store/storesqlite.h"

#include <QIODevice>

#include <climits>

#include <sqlite3.h>

namespace {

// How much is copied at a time: a few pages of the store, not the message.
constexpr qint64 pieceSize = 256 * 1024;

class BlobReader : public OffsetReader
{
public:
    BlobReader(const QSqlDatabase &db, sqlite3 *handle, qint64 id, qint64 size)
        : OffsetReader(size)
        , m_db(db)
        , m_handle(handle)
        , m_id(id)
    { }

protected:
    qint64 readAt(qint64 position, char *data, qint64 maxSize) override
    {
        const int n = int(qMin(maxSize, qint64(INT_MAX)));
        if (n <= 0)
            return 0;
        // A handle for each read, not for the device's life: an open one holds its connection's
        // read transaction, so every other statement on that connection (the thread's reading
        // connection) saw the store as it was when the device opened, e.g. no mail indexed
        // since, and the write-ahead log could not be checkpointed past it.
        sqlite3_blob *blob = nullptr;
        const bool ok = sqlite3_blob_open(m_handle, "main", "message_raw", "data", m_id, 0, &blob)
                == SQLITE_OK
            && sqlite3_blob_read(blob, data, n, int(position)) == SQLITE_OK;
        sqlite3_blob_close(blob);
        return ok ? n : -1;
    }

private:
    QSqlDatabase m_db; // keeps the connection of the handle open
    sqlite3 *m_handle;
    qint64 m_id;
};

} // namespace

bool StoreBlob::write(
    QSqlDatabase &db, qint64 id, QIODevice *device, qint64 size, QString *errorString)
{
    sqlite3 *handle = StoreSqlite::handle(db);
    if (!handle) {
        *errorString = QStringLiteral("no SQLite handle");
        return false;
    }
    sqlite3_blob *blob = nullptr;
    if (sqlite3_blob_open(handle, "main", "message_raw", "data", id, 1, &blob) != SQLITE_OK) {
        *errorString = QString::fromUtf8(sqlite3_errmsg(handle));
        sqlite3_blob_close(blob);
        return false;
    }
    QByteArray piece(qMin(pieceSize, qMax<qint64>(size, 1)), Qt::Uninitialized);
    qint64 done = 0;
    bool ok = device != nullptr;
    while (ok && done < size) {
        const qint64 n = device->read(piece.data(), qMin<qint64>(piece.size(), size - done));
        if (n <= 0) {
            *errorString
                = QStringLiteral("cannot read the spooled message: %1").arg(device->errorString());
            ok = false;
        } else if (sqlite3_blob_write(blob, piece.constData(), int(n), int(done)) != SQLITE_OK) {
            *errorString = QString::fromUtf8(sqlite3_errmsg(handle));
            ok = false;
        }
        done += n;
    }
    if (!ok && device == nullptr)
        *errorString = QStringLiteral("the spooled message is gone");
    if (sqlite3_blob_close(blob) != SQLITE_OK && ok) {
        *errorString = QString::fromUtf8(sqlite3_errmsg(handle));
        ok = false;
    }
    return ok;
}

std::unique_ptr<QIODevice> StoreBlob::open(const QSqlDatabase &db, qint64 id)
{
    sqlite3 *handle = StoreSqlite::handle(db);
    sqlite3_blob *blob = nullptr;
    if (!handle
        || sqlite3_blob_open(handle, "main", "message_raw", "data", id, 0, &blob) != SQLITE_OK) {
        sqlite3_blob_close(blob);
        return nullptr;
    }
    const qint64 size = sqlite3_blob_bytes(blob);
    sqlite3_blob_close(blob);
    return std::make_unique<BlobReader>(db, handle, id, size);
}
