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

// A log opened through this VFS. The default VFS's file follows it in the same allocation
// (szOsFile below); SQLite allocates both and does not zero them.
struct LogFile
{
    sqlite3_file base; // base.pMethods is logMethods
    sqlite3_file *real;
    char *buffer; // sqlite3_malloc'd, capacity bytes; null until the first gathered write
    sqlite3_int64 start; // the offset in the file of buffer[0]
    int used;
    int capacity;
    bool commitFrameNext; // the last write was the header of a transaction's last frame
};
static_assert(sizeof(LogFile) % 8 == 0, "the default VFS's file must start aligned");

LogFile *logOf(sqlite3_file *file)
{
    return reinterpret_cast<LogFile *>(file);
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

int logClose(sqlite3_file *file)
{
    LogFile *log = logOf(file);
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
    return log->real->pMethods->xRead(log->real, data, bytes, offset);
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

// SQLite writes a frame's 24-byte header alone, then its page. The header's second word is the
// database's size in pages after the commit for a transaction's last frame, 0 for every other
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
    // The page of a transaction's last frame ends the commit: then everything gathered goes to
    // the file, before SQLite points other connections at the frames (it does so right after,
    // through the shared-memory index, without a sync when synchronous is NORMAL), and a failure
    // fails this write, which fails the commit.
    const bool endsCommit = log->commitFrameNext;
    log->commitFrameNext = isCommitFrameHeader(data, bytes);
    const bool continues = log->used > 0 && offset == log->start + log->used;
    if (!continues || !reserve(log, bytes)) {
        // A write elsewhere (SQLite rewriting a frame of this transaction, or the log's header
        // after a restart) or one the buffer cannot take: what was gathered goes first, in order.
        if (const int rc = flush(log); rc != SQLITE_OK)
            return rc;
        if (!reserve(log, bytes))
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
    return log->real->pMethods->xTruncate(log->real, size);
}

int logSync(sqlite3_file *file, int flags)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    return log->real->pMethods->xSync(log->real, flags);
}

int logFileSize(sqlite3_file *file, sqlite3_int64 *size)
{
    LogFile *log = logOf(file);
    if (const int rc = flush(log); rc != SQLITE_OK)
        return rc;
    return log->real->pMethods->xFileSize(log->real, size);
}

int logLock(sqlite3_file *file, int level)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xLock(real, level);
}

int logUnlock(sqlite3_file *file, int level)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xUnlock(real, level);
}

int logCheckReservedLock(sqlite3_file *file, int *reserved)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xCheckReservedLock(real, reserved);
}

int logFileControl(sqlite3_file *file, int op, void *argument)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xFileControl(real, op, argument);
}

int logSectorSize(sqlite3_file *file)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xSectorSize(real);
}

int logDeviceCharacteristics(sqlite3_file *file)
{
    sqlite3_file *real = logOf(file)->real;
    return real->pMethods->xDeviceCharacteristics(real);
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
    logLock,
    logUnlock,
    logCheckReservedLock,
    logFileControl,
    logSectorSize,
    logDeviceCharacteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

sqlite3_vfs *realVfs(sqlite3_vfs *vfs)
{
    return static_cast<sqlite3_vfs *>(vfs->pAppData);
}

int vfsOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags)
{
    sqlite3_vfs *real = realVfs(vfs);
    // Every other file is the default VFS's own, in the memory SQLite gave for this one.
    if (!(flags & SQLITE_OPEN_WAL))
        return real->xOpen(real, name, file, flags, outFlags);
    LogFile *log = logOf(file);
    log->base.pMethods = nullptr;
    log->real = reinterpret_cast<sqlite3_file *>(log + 1);
    log->buffer = nullptr;
    log->start = 0;
    log->used = 0;
    log->capacity = 0;
    log->commitFrameNext = false;
    const int rc = real->xOpen(real, name, log->real, flags, outFlags);
    // SQLite closes a file whose methods are set, even after a failed open; the default VFS's
    // file is closed through ours then.
    if (log->real->pMethods)
        log->base.pMethods = &logMethods;
    return rc;
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
        vfs.szOsFile = std::max<int>(real->szOsFile, int(sizeof(LogFile)) + real->szOsFile);
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

} // namespace StoreWalVfs
