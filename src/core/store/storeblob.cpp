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
    BlobReader(const QSqlDatabase &db, sqlite3_blob *blob)
        : OffsetReader(sqlite3_blob_bytes(blob))
        , m_db(db)
        , m_blob(blob)
    { }
    ~BlobReader() override { sqlite3_blob_close(m_blob); }

protected:
    qint64 readAt(qint64 position, char *data, qint64 maxSize) override
    {
        const int n = int(qMin(maxSize, qint64(INT_MAX)));
        if (n <= 0)
            return 0;
        if (sqlite3_blob_read(m_blob, data, n, int(position)) != SQLITE_OK)
            return -1;
        return n;
    }

private:
    QSqlDatabase m_db; // keeps the connection of the blob open
    sqlite3_blob *m_blob;
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
    return std::make_unique<BlobReader>(db, blob);
}
