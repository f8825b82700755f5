#include "allocatortuning.h"

#include <QByteArray>
#include <QtGlobal>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {
#ifdef __GLIBC__
// Past the largest block a message in memory needs: the session spools to a file from 1 MiB,
// and a growing buffer may double to 2 MiB before it does.
constexpr int mapThreshold = 4 * 1024 * 1024;
// Free memory at the top of the heap kept for the next messages: ten sessions of 1 MiB
// messages, with room to spare, and no more than that held after a burst.
constexpr int trimThreshold = 16 * 1024 * 1024;

bool userChoseMallocSettings()
{
    return qEnvironmentVariableIsSet("MALLOC_MMAP_THRESHOLD_")
        || qEnvironmentVariableIsSet("MALLOC_TRIM_THRESHOLD_")
        || qEnvironmentVariableIsSet("MALLOC_TOP_PAD_")
        || qgetenv("GLIBC_TUNABLES").contains("glibc.malloc.");
}
#endif
} // namespace

bool AllocatorTuning::keepMailBuffersForReuse()
{
#ifdef __GLIBC__
    if (userChoseMallocSettings())
        return false;
    // Either call fixes the thresholds (glibc stops adapting them); a sanitizer's allocator
    // ignores both and says so by returning 0.
    return mallopt(M_MMAP_THRESHOLD, mapThreshold) == 1
        && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
#else
    return false;
#endif
}
