// A SQLite VFS for the store's connection that writes (the writer's, which the indexer records
// through too) that hands the write-ahead log's writes of a commit to the kernel as one write
// instead of two a page.
//
// SQLite appends a commit's frames to the log with two pwrite() calls each (a 24-byte header,
// then the page), then syncs the log. A message of 1 KB dirties about 15 pages (its row, the raw
// bytes, the counters and each sort index), so the 250 waited for about 30 writes and a sync: on
// this machine's VM a system call costs 5-10 us, and the writes took a third of the commit.
//
// This VFS is the default one with the log's appends gathered: a write that continues the
// previous one is copied into a buffer (up to bufferBytes). The buffer goes to the file
//  - when the page of a transaction's last frame has been written (so a failure fails the
//    commit, before SQLite syncs the log or, with synchronous = NORMAL, publishes the commit);
//  - before anything else touches the log: a read, a rewrite or a write elsewhere, a truncation,
//    a size query, a sync, the close;
//  - before the connection takes or lets go of any of the log's locks, or publishes a commit
//    (the database file's shared-memory lock and barrier, which is why the VFS wraps the database
//    file too). So nothing gathered outlives the transaction that wrote it: not a rolled-back
//    transaction's frames, written later over another connection's, nor frames a reader is
//    pointed at.
// Journals and temporary files are the default VFS's own files, untouched.
#pragma once

#include "smtpreceiver_global.h"

#include <QString>

namespace StoreWalVfs {

// The most bytes a log keeps in memory before it writes them: a commit of 1 KB mail is about
// 60 KB; a bigger one goes out in pieces of this size. Under 128 KiB: the default VFS writes
// only the low 17 bits of a length (unix seekAndWrite()), and took a write of 128 KiB for one of
// none, which it reports as a full disk.
constexpr int bufferBytes = 124 * 1024;

// A URI that opens the file at absolutePath with this VFS (for QSQLITE_OPEN_URI), registering
// the VFS on first use; absolutePath itself when the default VFS is not one it can wrap.
SMTPRECEIVER_TEST_EXPORT QString uri(const QString &absolutePath);

// The number of write() calls the VFS's logs have made to their files since the process started
// (the gathered writes and the direct ones), for tests that show the gathering.
SMTPRECEIVER_TEST_EXPORT quint64 fileWrites();

// The number of statement journals the connections opened through this VFS have written to a
// file since the process started. SQLite keeps one in memory until it outgrows
// SQLITE_CONFIG_STMTJRNL_SPILL (64 KiB) and opens a temporary file for it then; tests that set
// that limit to 0 count every statement journal a statement kept.
SMTPRECEIVER_TEST_EXPORT quint64 statementJournalsOpened();

// The number of times the VFS's logs have been synced (a commit with synchronous = FULL, a
// checkpoint) since the process started, for tests that show which commits are durable.
SMTPRECEIVER_TEST_EXPORT quint64 logsSynced();

} // namespace StoreWalVfs
