// The order the store and the inbox model must give, computed independently of SQLite: every
// summary sorted by the value the inbox shows for the key (From header or envelope sender, To
// header or envelope recipients, subject), as UTF-8 with ASCII letters folded (bytewise, the
// order of SQLite's NOCASE); by size; by id for Received. Ties by id; reversed for descending.
#pragma once

#include <smtpmessagestore.h>

#include <QList>

#include <algorithm>

namespace SortOracle {

inline QByteArray shownKey(const SmtpMessageSummary &s, SmtpSortKey key)
{
    QString text;
    switch (key) {
    case SmtpSortKey::From:
        text = s.from.isEmpty() ? s.mailFrom : s.from;
        break;
    case SmtpSortKey::To:
        text = s.to.isEmpty() ? s.rcptTos.join(QStringLiteral(", ")) : s.to;
        break;
    case SmtpSortKey::Subject:
        text = s.subject;
        break;
    case SmtpSortKey::Received:
    case SmtpSortKey::Size:
        break;
    }
    QByteArray bytes = text.toUtf8();
    for (char &c : bytes)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return bytes;
}

inline QList<qint64> expectedOrder(
    QList<SmtpMessageSummary> all, SmtpSortKey key, Qt::SortOrder order)
{
    std::sort(
        all.begin(), all.end(), [key](const SmtpMessageSummary &a, const SmtpMessageSummary &b) {
            if (key == SmtpSortKey::Size && a.size != b.size)
                return a.size < b.size;
            if (key != SmtpSortKey::Size && key != SmtpSortKey::Received) {
                const QByteArray ka = shownKey(a, key);
                const QByteArray kb = shownKey(b, key);
                if (ka != kb)
                    return ka < kb;
            }
            return a.id < b.id;
        });
    QList<qint64> ids;
    for (const SmtpMessageSummary &s : std::as_const(all))
        ids.append(s.id);
    if (order == Qt::DescendingOrder)
        std::reverse(ids.begin(), ids.end());
    return ids;
}

} // namespace SortOracle
