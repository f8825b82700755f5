// The inbox's sort orders outside SQL: the text each key sorts by and SQLite's NOCASE
// comparison, so that a row can be placed among loaded rows exactly where summaries() puts it.
#include "smtpmessagestore.h"
#include "store/storeencoding.h"

#include <algorithm>

namespace {

// The To sort key's fallback, as StoreSchema::sortExpression(To) computes it in SQL from the
// same JSON: unwrapped, "," between recipients becomes ", ", then \" and \\ are undone.
QString envelopeToSortText(const SmtpMessageSummary &s)
{
    // The JSON differs from the text only where it escapes ('"', '\\', control characters):
    // without those it is what the inbox shows, and no JSON is made per comparison.
    const bool plain = std::none_of(s.rcptTos.cbegin(), s.rcptTos.cend(), [](const QString &a) {
        return std::any_of(a.cbegin(), a.cend(), [](QChar c) {
            return c == QLatin1Char('"') || c == QLatin1Char('\\') || c.unicode() < 0x20;
        });
    });
    if (plain)
        return s.shownTo();
    const QString json = StoreEncoding::recipients(s.rcptTos);
    if (json == QLatin1String("[]"))
        return QStringLiteral("");
    QString text = json.mid(2, json.size() - 4);
    text.replace(QLatin1String("\",\""), QLatin1String(", "));
    text.replace(QLatin1String("\\\""), QLatin1String("\""));
    text.replace(QLatin1String("\\\\"), QLatin1String("\\"));
    return text;
}

QString sortText(const SmtpMessageSummary &s, SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::From:
        return s.shownFrom();
    case SmtpSortKey::To:
        return s.to.isEmpty() ? envelopeToSortText(s) : s.to;
    case SmtpSortKey::Subject:
        return s.subject;
    case SmtpSortKey::Received:
    case SmtpSortKey::Size:
        break;
    }
    return {};
}

// SQLite's NOCASE on UTF-8 text: bytes compared with ASCII A-Z folded to a-z, a prefix first.
// UTF-8 byte order is code point order; UTF-16 code units are brought into it by moving the
// surrogates (code points from U+10000) above U+E000..U+FFFF.
int compareNoCase(QStringView a, QStringView b)
{
    const auto weight = [](char16_t c) -> int {
        if (c >= u'A' && c <= u'Z')
            return c + (u'a' - u'A');
        if (c >= 0xD800)
            return c >= 0xE000 ? c - 0x800 : c + 0x2000;
        return c;
    };
    const qsizetype n = qMin(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const int d = weight(a.at(i).unicode()) - weight(b.at(i).unicode());
        if (d != 0)
            return d;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

template<typename T>
int compareValues(T a, T b)
{
    return a < b ? -1 : b < a ? 1 : 0;
}

} // namespace

SmtpPageRequest SmtpPageRequest::after(const SmtpMessageSummary &last) const
{
    SmtpPageRequest next = *this;
    next.afterId = last.id;
    next.afterValue = SmtpMessageStore::sortValue(last, key);
    return next;
}

QVariant SmtpMessageStore::sortValue(const SmtpMessageSummary &summary, SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::Received:
        return summary.id;
    case SmtpSortKey::Size:
        return summary.size;
    case SmtpSortKey::From:
    case SmtpSortKey::To:
    case SmtpSortKey::Subject:
        break;
    }
    return sortText(summary, key);
}

bool SmtpMessageStore::sortsBefore(
    const SmtpMessageSummary &a, const SmtpMessageSummary &b, SmtpSortKey key, Qt::SortOrder order)
{
    int c = 0;
    switch (key) {
    case SmtpSortKey::Received:
        break;
    case SmtpSortKey::Size:
        c = compareValues(a.size, b.size);
        break;
    case SmtpSortKey::From:
    case SmtpSortKey::To:
    case SmtpSortKey::Subject:
        c = compareNoCase(sortText(a, key), sortText(b, key));
        break;
    }
    if (c == 0)
        c = compareValues(a.id, b.id);
    return order == Qt::AscendingOrder ? c < 0 : c > 0;
}
