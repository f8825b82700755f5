// The text a reader sees in an HTML body: what search looks in when a message has HTML, what the
// HTTP API's snippets are made of, and the Text of a message that has HTML only. Not a renderer:
// tags are dropped, the contents of script, style, head, title and noscript skipped, block
// elements and <br> end a line, <img> is a space, character references decoded, and white space
// collapsed as a browser does.
#pragma once

#include "smtpreceiver_global.h"

#include <QString>
#include <QStringView>

namespace SmtpHtmlToText {

// Lines of text: a line per block, white space within a line collapsed to single spaces,
// characters that do not print turned into spaces, no leading or trailing white space.
// stopAfter >= 0: stop once the text is longer than that many QChars (a snippet needs only the
// start of a long body); -1 reads it all.
SMTPRECEIVER_EXPORT QString text(QStringView html, qsizetype stopAfter = -1);

// text with every run of white space (line ends too) as one space, trimmed; same stopAfter.
SMTPRECEIVER_EXPORT QString collapsed(QStringView text, qsizetype stopAfter = -1);

} // namespace SmtpHtmlToText
