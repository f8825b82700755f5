// Internal to the mime/ sources, never installed. Keep GMime itself out of this header: each .cpp
// includes <gmime/gmime.h> first, before any Qt header (glib's "signals" clash, TOOLCHAIN.md).
#pragma once

namespace MimeInternal {

// g_mime_init() exactly once per process, from any thread.
void ensureGMime();

} // namespace MimeInternal
