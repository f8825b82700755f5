// Text from outside (a search term, a recipient, a subject, a relay's reply) shown inside a
// message that must stay one line: an HTTP 400's body, a JSON event, a status bar, a
// notification, a log line.
#pragma once

#include <QChar>
#include <QString>

namespace SmtpText {

// text with its control characters (a line end, a NUL) and Unicode's line and paragraph
// separators shown as U+FFFD.
inline QString shownOnOneLine(QString text)
{
    for (QChar &c : text) {
        const QChar::Category category = c.category();
        if (category == QChar::Other_Control || category == QChar::Separator_Line
            || category == QChar::Separator_Paragraph)
            c = QChar::ReplacementCharacter;
    }
    return text;
}

} // namespace SmtpText
