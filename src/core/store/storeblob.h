// Big message bytes into and out of the store without holding them whole: SQLite's incremental
// blob I/O (sqlite3_blob_*) on the handle of a Qt Sql connection, a piece at a time.
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <memory>

class QIODevice;

namespace StoreBlob {

// Copies size octets from device into the raw blob of message id, which must have been
// inserted as zeroblob(size). False, with *errorString, when either side fails.
bool write(QSqlDatabase &db, qint64 id, QIODevice *device, qint64 size, QString *errorString);

// A device over the raw bytes of message id in the store databaseName (with uri, a "file:" URI:
// the store in memory), on a connection of its own; null when there is no such message. Only
// for a message stored by write(): its bytes are verbatim (never compressed, see
// storecompression.h), so any offset can be read directly.
//
// Its own connection, because reading a blob holds a read transaction for as long as the device
// is open: on a connection that also searches (a thread's reading connection), every search
// would see the store as it was when the device opened. The device owns the connection and
// closes it with itself, so it may outlive the store (its bytes are still in the file). While it
// is open, the write-ahead log cannot be checkpointed past the moment it opened.
std::unique_ptr<QIODevice> open(const QString &databaseName, bool uri, qint64 id);

} // namespace StoreBlob
