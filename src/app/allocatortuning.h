// The C library's allocator set for a mail server's buffers (glibc only; elsewhere a no-op).
#pragma once

namespace AllocatorTuning {

// The blocks a mail server allocates and frees by the thousand (a message's bytes while DATA
// arrives, up to the spool threshold; the same bytes decompressed and decoded by the indexer)
// are kept for reuse instead of being mapped and returned to the kernel each time.
//
// Why: glibc maps blocks past 128 KiB (a little more once its threshold adapts) and returns the
// top of its heap once more than twice that is free. A 100 KB message grows its buffer past
// that, so every message mapped fresh pages and took a page fault for each of them, and
// unmapping in a threaded process costs a TLB shootdown on the other cores (W3, 10 sessions of
// 100 KB messages: 17 minor faults and 1,085-1,285 µs of CPU per message, 2 and 730-810 µs
// with these settings; RSS after the run 41 vs 43 MiB).
//
// A process-wide choice, so only the programs make it (main()), never the library. A user who
// gives glibc settings of its own (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_,
// MALLOC_TOP_PAD_ or a glibc.malloc tunable) keeps them: nothing is changed then. True when the
// settings were applied; false also under an allocator that ignores them (a sanitizer's).
bool keepMailBuffersForReuse();

} // namespace AllocatorTuning
