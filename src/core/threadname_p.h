// Names the calling thread as ps -L, top -H, perf and debuggers show it, so that a user who sees
// smtp-receiver busy can tell the store's writer from its indexer. Linux keeps at most 15
// characters of a name; a longer one is not set.
#pragma once

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <pthread.h>
#endif

inline void nameThisThread(const char *name)
{
#ifdef Q_OS_LINUX
    pthread_setname_np(pthread_self(), name);
#else
    Q_UNUSED(name);
#endif
}
