#include "store/storewalvfs.h"

#include <QUrl>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

namespace {

constexpr char vfsName[] = "smtpreceiver-wal";

std::atomic<quint64> writesToFiles { 0 };
std::atomic<quint64> statementJournalFiles { 0 };
std::atomic<quint64> logSyncs { 0 };

struct DatabaseFile;

// A log opened through this VFS. The default VFS's file follows it in the same allocation
// (szOsFile below); SQLite allocates both and does not zero them.
struct LogFile
{
    sqlite3_file base; // base.pMethods is logMethods
    sqlite3_file *real;
    char *buffer; // sqlite3_malloc'd, capacity bytes; null until the first gathered write
    sqlite3_int64 start; // the offset in the file of buffer[0]
    sqlite3_int64 end; // the end of the transaction's furthest write: a write from here appends
    int used;
    int capacity;
    bool commitFrameNext; // the last write appended the header of a transaction's last frame
    DatabaseFile *database; // the connection's database file, while both are open
};
static_assert(sizeof(LogFile) % 8 == 0, "the default VFS's file must start aligned");

// A connection's database file: SQLite takes the log's locks and publishes commits through the
// shared memory it maps, and that is where this VFS empties the connection's log buffer.
struct DatabaseFile
{
    sqlite3_file base; // base.pMethods is databaseMethods
    sqlite3_file *real;
    LogFile *log; // the connection's log, while both are open
};
static_assert(sizeof(DatabaseFile) % 8 == 0, "the default VFS's file must start aligned");

LogFile *logOf(sqlite3_file *file)
{
    return reinterpret_cast<LogFile *>(file);
}

DatabaseFile *databaseOf(sqlite3_file *file)
{
    return reinterpret_cast<DatabaseFile *>(file);
}

int writeReal(LogFile *log, const void *data, int bytes, sqlite3_int64 offset)
{
    writesToFiles.fetch_add(1, std::memory_order_relaxed);
    return log->real->pMethods->xWrite(log->real, data, bytes, offset);
}

// Writes what the buffer holds, and empties it even when the write fails: SQLite answers a failed
// write by rolling the transaction back (or, for a sync, by failing the commit), and writes the
// frames again if it retries.
int flush(LogFile *log)
{
    if (log->used == 0)
        return SQLITE_OK;
    const int bytes = log->used;
    log->used = 0;
    return writeReal(log, log->buffer, bytes, log->start);
}

// A method a wrapped file (LogFile, DatabaseFile) leaves to the default VFS's file:
// Forward<File, &sqlite3_io_methods::xLock>::call has xLock's signature and calls the real
// file's xLock with the same arguments.
template<typename File, auto method, typename = decltype(method)>
struct Forward;
template<typename File, auto method, typename Result, typename... Arguments>
struct Forward<File, method, Result (*sqlite3_io_methods::*)(sqlite3_file *, Arguments...)>
{
    static Result call(sqlite3_file *file, Arguments... arguments)
    {
        sqlite3_file *real = reinterpret_cast<File *>(file)->real;
        return (real->pMethods->*method)(real, arguments...);
    }
};

int logClose(sqlite3_file *file)
{
    LogFile *log = logOf(file);
    if (log->database)
        log->database->log = nullptr;
    const int flushed = flush(log);
    const int closed = log->real->pMethods->xClose(log->real);
    sqlite3_free(log->buffer);
    log->buffer = nullptr;
    return flushed != SQLITE_OK ? flushed : closed;
}

int logRead(sqlite3_file *file, void *data, int bytes, sqlite3_int64 offset)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    return Forward<LogFile, &sqlite3_io_methods::xRead>::call(file, data, bytes, offset);
}

// Room for bytes more in the buffer, which grows by doubling up to StoreWalVfs::bufferBytes.
bool reserve(LogFile *log, int bytes)
{
    const int needed = log->used + bytes;
    if (needed <= log->capacity)
        return true;
    if (needed > StoreWalVfs::bufferBytes)
        return false;
    int capacity = std::max(log->capacity, 64 * 1024);
    while (capacity < needed)
        capacity *= 2;
    capacity = std::min(capacity, StoreWalVfs::bufferBytes);
    char *grown = static_cast<char *>(sqlite3_realloc(log->buffer, capacity));
    if (!grown)
        return false;
    log->buffer = grown;
    log->capacity = capacity;
    return true;
}

// SQLite appends a frame as its 24-byte header alone, then its page. The header's second word is
// the database's size in pages after the commit for a transaction's last frame, 0 for every other
// (the log's file format). https://www.sqlite.org/fileformat2.html#walformat
constexpr int frameHeaderBytes = 24;

bool isCommitFrameHeader(const void *data, int bytes)
{
    if (bytes != frameHeaderBytes)
        return false;
    const auto *header = static_cast<const unsigned char *>(data);
    return (header[4] | header[5] | header[6] | header[7]) != 0;
}

int logWrite(sqlite3_file *file, const void *data, int bytes, sqlite3_int64 offset)
{
    LogFile *log = logOf(file);
    // Only appends are gathered. A write before the end of this transaction's writes so far
    // (SQLite rewriting one of its frames, or the checksums in their headers) goes to the file at
    // once, after what was gathered, so that its error reaches the statement that made it and
    // a rewritten header is not taken for a new one.
    const bool appends = offset >= log->end;
    log->end = std::max(log->end, offset + bytes);
    // The page of a transaction's last frame ends the commit: everything gathered goes to the
    // file then, before SQLite points other connections at the frames, and a failure fails this
    // write and so the commit.
    const bool endsCommit = log->commitFrameNext;
    log->commitFrameNext = appends && isCommitFrameHeader(data, bytes);
    const bool continues = log->used > 0 && offset == log->start + log->used;
    if (!appends || !continues || !reserve(log, bytes)) {
        if (const int rc = flush(log); rc != SQLITE_OK)
            return rc;
        if (!appends || !reserve(log, bytes))
            return writeReal(log, data, bytes, offset);
        log->start = offset;
    }
    std::memcpy(log->buffer + log->used, data, size_t(bytes));
    log->used += bytes;
    return endsCommit ? flush(log) : SQLITE_OK;
}

int logTruncate(sqlite3_file *file, sqlite3_int64 size)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    log->end = std::min(log->end, size);
    return Forward<LogFile, &sqlite3_io_methods::xTruncate>::call(file, size);
}

int logSync(sqlite3_file *file, int flags)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    logSyncs.fetch_add(1, std::memory_order_relaxed);
    return Forward<LogFile, &sqlite3_io_methods::xSync>::call(file, flags);
}

int logFileSize(sqlite3_file *file, sqlite3_int64 *size)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    return Forward<LogFile, &sqlite3_io_methods::xFileSize>::call(file, size);
}

// Version 1: a log is never memory-mapped and has no shared memory (the database file has).
const sqlite3_io_methods logMethods = {
    1,
    logClose,
    logRead,
    logWrite,
    logTruncate,
    logSync,
    logFileSize,
    Forward<LogFile, &sqlite3_io_methods::xLock>::call,
    Forward<LogFile, &sqlite3_io_methods::xUnlock>::call,
    Forward<LogFile, &sqlite3_io_methods::xCheckReservedLock>::call,
    Forward<LogFile, &sqlite3_io_methods::xFileControl>::call,
    Forward<LogFile, &sqlite3_io_methods::xSectorSize>::call,
    Forward<LogFile, &sqlite3_io_methods::xDeviceCharacteristics>::call,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int databaseClose(sqlite3_file *file)
{
    DatabaseFile *database = databaseOf(file);
    if (database->log) {
        flush(database->log); // SQLite closes the log first; this is in case it ever did not
        database->log->database = nullptr;
    }
    return database->real->pMethods->xClose(database->real);
}

// What the log gathered goes to its file before the connection touches the log's locks (above
// all, before it lets go of the write lock when a transaction ends, committed or rolled back:
// nothing of it may be written later, over another connection's frames) and at the memory
// barrier between the two copies of the index header that publish a commit (walIndexWriteHdr():
// readers take the header only when both copies agree). These cannot report a failed write; the
// write that ends a commit already did (logWrite()), so they only catch what SQLite wrote after
// it: sector padding frames, which SQLite writes only without powersafe overwrite (the store
// keeps SQLite's default, with it).
int databaseShmLock(sqlite3_file *file, int offset, int n, int flags)
{
    DatabaseFile *database = databaseOf(file);
    if (database->log) {
        flush(database->log);
        // The next write transaction (or the restart of the log that begins one, which takes the
        // readers' locks first) may write anywhere: a write is a rewrite only past this point.
        database->log->end = 0;
    }
    return Forward<DatabaseFile, &sqlite3_io_methods::xShmLock>::call(file, offset, n, flags);
}

void databaseShmBarrier(sqlite3_file *file)
{
    DatabaseFile *database = databaseOf(file);
    if (database->log)
        flush(database->log);
    Forward<DatabaseFile, &sqlite3_io_methods::xShmBarrier>::call(file);
}

// Version 3, as the default VFS's database files are (openDatabase() checks it).
const sqlite3_io_methods databaseMethods = {
    3,
    databaseClose,
    Forward<DatabaseFile, &sqlite3_io_methods::xRead>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xWrite>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xTruncate>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xSync>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xFileSize>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xLock>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xUnlock>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xCheckReservedLock>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xFileControl>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xSectorSize>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xDeviceCharacteristics>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xShmMap>::call,
    databaseShmLock,
    databaseShmBarrier,
    Forward<DatabaseFile, &sqlite3_io_methods::xShmUnmap>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xFetch>::call,
    Forward<DatabaseFile, &sqlite3_io_methods::xUnfetch>::call,
};

sqlite3_vfs *realVfs(sqlite3_vfs *vfs)
{
    return static_cast<sqlite3_vfs *>(vfs->pAppData);
}

int openDatabase(sqlite3_vfs *real, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    DatabaseFile *database = databaseOf(file);
    database->base.pMethods = nullptr;
    database->real = reinterpret_cast<sqlite3_file *>(database + 1);
    database->log = nullptr;
    const int rc = real->xOpen(real, name, database->real, flags, outFlags);
    if (!database->real->pMethods)
        return rc;
    // A default VFS whose database files have no shared memory or mapping to forward (unix's
    // have both) is not one to wrap.
    if (database->real->pMethods->iVersion < 3) {
        database->real->pMethods->xClose(database->real);
        return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc;
    }
    // SQLite closes a file whose methods are set, even after a failed open; the default VFS's
    // file is closed through ours then.
    database->base.pMethods = &databaseMethods;
    return rc;
}

int openLog(sqlite3_vfs *real, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    LogFile *log = logOf(file);
    log->base.pMethods = nullptr;
    log->real = reinterpret_cast<sqlite3_file *>(log + 1);
    log->buffer = nullptr;
    log->start = 0;
    log->end = 0;
    log->used = 0;
    log->capacity = 0;
    log->commitFrameNext = false;
    log->database = nullptr;
    // The connection's database file, opened through this VFS before its log.
    sqlite3_file *database = sqlite3_database_file_object(name);
    if (!database || database->pMethods != &databaseMethods)
        return SQLITE_CANTOPEN; // without it nothing would empty the buffer in time
    const int rc = real->xOpen(real, name, log->real, flags, outFlags);
    if (!log->real->pMethods)
        return rc;
    log->base.pMethods = &logMethods;
    log->database = databaseOf(database);
    log->database->log = log;
    return rc;
}

int vfsOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    sqlite3_vfs *real = realVfs(vfs);
    if (flags & SQLITE_OPEN_MAIN_DB)
        return openDatabase(real, name, file, flags, outFlags);
    if (flags & SQLITE_OPEN_WAL)
        return openLog(real, name, file, flags, outFlags);
    // Every other file (journals, temporary files) is the default VFS's own, in the memory
    // SQLite gave for this one.
    if (flags & SQLITE_OPEN_SUBJOURNAL)
        statementJournalFiles.fetch_add(1, std::memory_order_relaxed);
    return real->xOpen(real, name, file, flags, outFlags);
}

// The rest is the default VFS's.
int vfsDelete(sqlite3_vfs *vfs, const char *name, int syncDir)
{
    return realVfs(vfs)->xDelete(realVfs(vfs), name, syncDir);
}
int vfsAccess(sqlite3_vfs *vfs, const char *name, int flags, int *result)
{
    return realVfs(vfs)->xAccess(realVfs(vfs), name, flags, result);
}
int vfsFullPathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    return realVfs(vfs)->xFullPathname(realVfs(vfs), name, size, out);
}
void *vfsDlOpen(sqlite3_vfs *vfs, const char *name)
{
    return realVfs(vfs)->xDlOpen(realVfs(vfs), name);
}
void vfsDlError(sqlite3_vfs *vfs, int size, char *out)
{
    realVfs(vfs)->xDlError(realVfs(vfs), size, out);
}
void (*vfsDlSym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void)
{
    return realVfs(vfs)->xDlSym(realVfs(vfs), handle, symbol);
}
void vfsDlClose(sqlite3_vfs *vfs, void *handle)
{
    realVfs(vfs)->xDlClose(realVfs(vfs), handle);
}
int vfsRandomness(sqlite3_vfs *vfs, int size, char *out)
{
    return realVfs(vfs)->xRandomness(realVfs(vfs), size, out);
}
int vfsSleep(sqlite3_vfs *vfs, int microseconds)
{
    return realVfs(vfs)->xSleep(realVfs(vfs), microseconds);
}
int vfsCurrentTime(sqlite3_vfs *vfs, double *now)
{
    return realVfs(vfs)->xCurrentTime(realVfs(vfs), now);
}
int vfsGetLastError(sqlite3_vfs *vfs, int size, char *out)
{
    return realVfs(vfs)->xGetLastError(realVfs(vfs), size, out);
}
int vfsCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *now)
{
    return realVfs(vfs)->xCurrentTimeInt64(realVfs(vfs), now);
}

// Registered once, over the default VFS of the moment; false when that one is too old to wrap
// (before version 2, no xCurrentTimeInt64) or registration failed.
bool registered()
{
    static sqlite3_vfs vfs;
    static bool ok = false;
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_initialize();
        sqlite3_vfs *real = sqlite3_vfs_find(nullptr);
        if (!real || real->iVersion < 2)
            return;
        vfs.iVersion = 2;
        vfs.szOsFile = int(std::max(sizeof(LogFile), sizeof(DatabaseFile))) + real->szOsFile;
        vfs.mxPathname = real->mxPathname;
        vfs.zName = vfsName;
        vfs.pAppData = real;
        vfs.xOpen = vfsOpen;
        vfs.xDelete = vfsDelete;
        vfs.xAccess = vfsAccess;
        vfs.xFullPathname = vfsFullPathname;
        vfs.xDlOpen = vfsDlOpen;
        vfs.xDlError = vfsDlError;
        vfs.xDlSym = vfsDlSym;
        vfs.xDlClose = vfsDlClose;
        vfs.xRandomness = vfsRandomness;
        vfs.xSleep = vfsSleep;
        vfs.xCurrentTime = vfsCurrentTime;
        vfs.xGetLastError = vfsGetLastError;
        vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
        ok = sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
    });
    return ok;
}

} // namespace

namespace StoreWalVfs {

QString uri(const QString &absolutePath)
{
    if (!registered())
        return absolutePath;
    // SQLite decodes %HH in a URI's path; "?" and "#" would otherwise end it. A path that does
    // not start with "/" (C:/ on Windows) gets one, as SQLite's URIs want.
    const QString path = absolutePath.startsWith(QLatin1Char('/'))
        ? absolutePath
        : QLatin1Char('/') + absolutePath;
    return QStringLiteral("file:%1?vfs=%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(path, "/")), QLatin1String(vfsName));
}

quint64 fileWrites()
{
    return writesToFiles.load(std::memory_order_relaxed);
}

quint64 statementJournalsOpened()
{
    return statementJournalFiles.load(std::memory_order_relaxed);
}

quint64 logsSynced()
{
    return logSyncs.load(std::memory_order_relaxed);
}

} // namespace StoreWalVfs
