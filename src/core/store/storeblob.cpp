#include "store/storeblob.h"

#include "offsetreader.h"
#include "store/storeschema.h"
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
    BlobReader(sqlite3 *db, sqlite3_blob *blob)
        : OffsetReader(sqlite3_blob_bytes(blob))
        , m_db(db)
        , m_blob(blob)
    { }
    ~BlobReader() override
    {
        sqlite3_blob_close(m_blob);
        sqlite3_close_v2(m_db);
    }

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
    sqlite3 *m_db; // the device's own
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

std::unique_ptr<QIODevice> StoreBlob::open(const QString &databaseName, bool uri, qint64 id)
{
    // A store file is never created here (one that is gone has no such message); the store in
    // memory is, when gone (empty: no such message either).
    const int flags = SQLITE_OPEN_READWRITE | (uri ? SQLITE_OPEN_URI : 0);
    sqlite3 *db = nullptr;
    sqlite3_blob *blob = nullptr;
    bool ok = sqlite3_open_v2(databaseName.toUtf8().constData(), &db, flags, nullptr) == SQLITE_OK
        && sqlite3_busy_timeout(db, StoreSchema::busyTimeoutMs) == SQLITE_OK;
    // The store in memory is one shared cache, where a reader's table lock would make the
    // writer fail with "database table is locked"; its readers take none (as the store's own).
    if (ok && uri)
        ok = sqlite3_exec(db, "PRAGMA read_uncommitted = true", nullptr, nullptr, nullptr)
            == SQLITE_OK;
    if (ok)
        ok = sqlite3_blob_open(db, "main", "message_raw", "data", id, 0, &blob) == SQLITE_OK;
    if (!ok) {
        sqlite3_blob_close(blob);
        sqlite3_close(db);
        return nullptr;
    }
    return std::make_unique<BlobReader>(db, blob);
}
