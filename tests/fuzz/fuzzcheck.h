// The fuzz targets' assertion: a broken promise aborts, which libFuzzer reports as a crash with the
// input that made it.
#pragma once

#include <cstdlib>

inline void check(bool condition)
{
    if (!condition)
        std::abort();
}
