// Text as the store's searches compare it: case folded exactly as FTS5's trigram tokenizer folds
// it (read from the running SQLite, so that a check never accepts a text whose trigrams the index
// lacks), and cleaned as Mailpit cleans it (StoreSqlite::cleanedAway()). smtp_contains() and
// StoreSqlite::foldCase() (storesqlite.cpp) are made of these.
#pragma once

#include <QtGlobal>

#include <string>

namespace StoreTextFold {

// Reads the fold table from SQLite, once per process; later calls return at once. The first
// fold reads it too: this is for a connection's setup, before the first search needs it.
void prepare();
// The room foldInto() needs for n bytes.
qsizetype foldRoom(qsizetype n);
// n bytes of UTF-8 from from, case-folded as FTS5 folds them, into to (room for foldRoom(n)
// bytes); the folded length. A NUL ends the text, as it ends FTS5's trigrams of it. Bytes that
// are not UTF-8 stay as they are.
qsizetype foldInto(const char *from, qsizetype n, char *to);
// The n bytes of UTF-8 at s cleaned, in place: each run of cleanedAway() characters made one
// space (not trimmed). The cleaned length.
qsizetype cleanInPlace(char *s, qsizetype n);
// Whether text, folded (and, when cleaned, cleaned), holds needle (already so made).
bool foldedContains(const char *text, qsizetype size, const std::string &needle, bool cleaned);

} // namespace StoreTextFold
