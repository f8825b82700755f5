// The store's SQLite schema, its versions and the checks made before a file is used.
#pragma once

#include <QString>

class QSqlDatabase;

namespace StoreSchema {

// PRAGMA application_id of every smtp-receiver database: "SMTR".
constexpr int applicationId = 0x534D5452;
// PRAGMA user_version: the schema this build writes. Older files are migrated; newer refused.
// 1: messages, raw, HTML, FTS5. 2: + counters (message and unread counts kept by triggers).
constexpr int currentVersion = 2;

// Sets the connection's pragmas (WAL, synchronous=FULL, busy timeout).
bool configure(QSqlDatabase &db, QString *errorString);
// Checks that the file is ours (or empty), creates or migrates the schema. Writer only.
bool prepare(QSqlDatabase &db, QString *errorString);

} // namespace StoreSchema
