// AllocatorTuning: with glibc's allocator, the blocks of a message in memory come from the heap
// (not a fresh mapping each) and freed ones stay for the next message; settings the user gave
// glibc are left alone.
#include "allocatortuning.h"

#include <QTest>

#include <cstdlib>
#include <cstring>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED_ALLOCATOR 1
#endif
#endif

class TestAllocatorTuning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blocksOfAMessageAreReusedNotMapped()
    {
        // Settings of glibc's own would make the program keep its hands off: none here.
        for (const char *name : { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                 "MALLOC_TOP_PAD_", "GLIBC_TUNABLES" })
            qunsetenv(name);
#if !defined(__GLIBC__) || defined(SANITIZED_ALLOCATOR)
        // Another allocator (a sanitizer's ignores mallopt()): nothing is applied, and the
        // program is told so.
        QVERIFY(!AllocatorTuning::keepMailBuffersForReuse());
#else
        QVERIFY(AllocatorTuning::keepMailBuffersForReuse());
        // A 1.5 MiB buffer: glibc maps anything past 128 KiB by default.
        const std::size_t size = 1536 * 1024;
        const std::size_t mappedBefore = mallinfo2().hblks;
        char *block = static_cast<char *>(std::malloc(size));
        QVERIFY(block);
        std::memset(block, 'x', size);
        QCOMPARE(mallinfo2().hblks, mappedBefore);
        std::free(block);
        // Freed, it stays with the heap for the next message (by default glibc returns the top
        // of the heap to the kernel once 128 KiB of it are free, twice its adapted map
        // threshold later on).
        QVERIFY2(mallinfo2().keepcost >= size,
            qPrintable(QStringLiteral("keepcost %1").arg(mallinfo2().keepcost)));
#endif
    }

    void settingsTheUserGaveGlibcAreKept()
    {
        qputenv("MALLOC_TRIM_THRESHOLD_", "131072");
        const bool applied = AllocatorTuning::keepMailBuffersForReuse();
        qunsetenv("MALLOC_TRIM_THRESHOLD_");
        QVERIFY(!applied);
        qputenv("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=65536");
        const bool appliedWithTunables = AllocatorTuning::keepMailBuffersForReuse();
        qunsetenv("GLIBC_TUNABLES");
        QVERIFY(!appliedWithTunables);
    }
};

QTEST_APPLESS_MAIN(TestAllocatorTuning)
#include "tst_allocatortuning.moc"
