// Big message bytes into and out of the store without holding them whole: SQLite's incremental
// blob I/O (sqlite3_blob_*) on the handle of a Qt Sql connection, a piece at a time.
#pragma once

#include <QSqlDatabase>
#include <QString>

#include <memory>

class QIODevice;
struct sqlite3;

namespace StoreBlob {

// The SQLite connection under a Qt Sql one; null when db is not a QSQLITE connection.
sqlite3 *handle(const QSqlDatabase &db);

// Copies size octets from device into the raw blob of message id, which must have been
// inserted as zeroblob(size). False, with *errorString, when either side fails.
bool write(QSqlDatabase &db, qint64 id, QIODevice *device, qint64 size, QString *errorString);

// A device over the raw bytes of message id, read on db (so only on db's thread) while it is
// open; null when there is no such message. Only for a message stored by write(): its bytes are
// verbatim (never compressed, see storecompression.h), so any offset can be read directly.
std::unique_ptr<QIODevice> open(const QSqlDatabase &db, qint64 id);

} // namespace StoreBlob
