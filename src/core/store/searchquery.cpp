#include "searchquery.h"

#include <QDateTime>
#include <QList>
#include <QRegularExpression>
#include <QStringList>

#include <limits>
#include <optional>

// The language, term by term (terms are separated by white space):
//
//   word            prefix match in any column: "inv" finds "invoice" (FTS5: "inv" *)
//   "a phrase"      exact phrase in any column; inside quotes \" is a quote and \\ a backslash;
//                   a quote that is never closed runs to the end of the text
//   from:X          sender column (From header and envelope sender)
//   to:X            recipients column (To, Cc and envelope recipients)
//   subject:X       subject column
//                   X unquoted is a prefix match, like a word (from:ali finds alice@...);
//                   X quoted is an exact phrase (from:"alice@example.com"). Addresses are
//                   phrases of their tokens: alice@example.com is "alice example com".
//   has:attachment  (or has:attachments) the message has attachments
//   is:read         is:unread
//   after:DATE      received at or after DATE (a day means its 00:00 UTC)
//   before:DATE     received before DATE (a day means its 00:00 UTC), so after:D and before:D
//                   are complements and "after:D before:E" is the days D .. E-1
//                   DATE: YYYY-MM-DD, today, yesterday (the UTC day of nowUtc / the one
//                   before), or an ISO 8601 date-time YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM]
//                   (no offset means UTC)
//   larger:SIZE     size strictly greater than SIZE bytes
//   smaller:SIZE    size strictly smaller than SIZE bytes
//                   SIZE: decimal digits with an optional k, m or g suffix (1024, 1024^2, 1024^3)
//   -term           negates any of the above
//
// Keys and their keyword values are case-insensitive. A prefix that is not one of these keys
// ("re:", "http:") is not a key: the whole term is a word. A known key with a value it cannot
// use (before:soon, larger:big, is:maybe, has:nothing, or no value at all) is an error naming
// the term. Words and phrases without a single letter or digit ("-", "@@", "...") would give
// an empty FTS5 phrase: they are dropped.
//
// SQL: all positive text terms form one FTS5 query (joined by AND) in one
// "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)", which comes first;
// each negated text term is its own "m.id NOT IN (...)"; the other terms are conditions on
// m.received_at, m.size, m.has_attachments and m.is_read. All are ANDed, in the order typed.
// User text reaches SQLite only through bindings, and reaches FTS5 only inside string literals.
// An invalid query gives where = "0" (matches nothing), no bindings and an errorString.

namespace {

enum class Key { None, From, To, Subject, Has, Is, Before, After, Larger, Smaller };

struct Term
{
    QString typed; // the term as typed, for error messages
    bool negated = false;
    Key key = Key::None;
    QString value;
    bool quoted = false;
};

Key keyFromName(QStringView name)
{
    static const struct
    {
        QLatin1String name;
        Key key;
    } keys[] = {
        { QLatin1String("from"), Key::From },
        { QLatin1String("to"), Key::To },
        { QLatin1String("subject"), Key::Subject },
        { QLatin1String("has"), Key::Has },
        { QLatin1String("is"), Key::Is },
        { QLatin1String("before"), Key::Before },
        { QLatin1String("after"), Key::After },
        { QLatin1String("larger"), Key::Larger },
        { QLatin1String("smaller"), Key::Smaller },
    };
    for (const auto &k : keys) {
        if (name.compare(k.name, Qt::CaseInsensitive) == 0)
            return k.key;
    }
    return Key::None;
}

bool isAsciiLetter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z');
}

QList<Term> splitTerms(const QString &text)
{
    QList<Term> terms;
    const qsizetype n = text.size();
    qsizetype i = 0;
    for (;;) {
        while (i < n && text.at(i).isSpace())
            ++i;
        if (i >= n)
            break;
        const qsizetype start = i;
        Term t;
        if (text.at(i) == u'-' && i + 1 < n && !text.at(i + 1).isSpace()) {
            t.negated = true;
            ++i;
        }
        qsizetype j = i;
        while (j < n && isAsciiLetter(text.at(j)))
            ++j;
        if (j > i && j < n && text.at(j) == u':') {
            t.key = keyFromName(QStringView(text).mid(i, j - i));
            if (t.key != Key::None)
                i = j + 1;
        }
        if (i < n && text.at(i) == u'"') {
            t.quoted = true;
            ++i;
            while (i < n) {
                const QChar c = text.at(i++);
                if (c == u'"')
                    break;
                if (c == u'\\' && i < n && (text.at(i) == u'"' || text.at(i) == u'\\'))
                    t.value += text.at(i++);
                else
                    t.value += c;
            }
        } else {
            while (i < n && !text.at(i).isSpace())
                t.value += text.at(i++);
        }
        t.typed = text.mid(start, i - start);
        terms.append(t);
    }
    return terms;
}

// Whether the unicode61 tokenizer finds at least one token in the text: its token characters
// are the letters, the numbers and the private-use characters (combining marks join a token
// but, with remove_diacritics, make none on their own).
bool hasToken(const QString &text)
{
    const QList<uint> codePoints = text.toUcs4();
    for (const uint c : codePoints) {
        switch (QChar::category(char32_t(c))) {
        case QChar::Letter_Uppercase:
        case QChar::Letter_Lowercase:
        case QChar::Letter_Titlecase:
        case QChar::Letter_Modifier:
        case QChar::Letter_Other:
        case QChar::Number_DecimalDigit:
        case QChar::Number_Letter:
        case QChar::Number_Other:
        case QChar::Other_PrivateUse:
            return true;
        default:
            break;
        }
    }
    return false;
}

// An FTS5 string literal: double quotes, embedded quotes doubled. FTS5 ends its query text at
// a NUL character ("unterminated string"), so NULs become spaces (they separate tokens anyway).
QString ftsString(QString value)
{
    value.replace(QChar(u'\0'), QChar(u' '));
    value.replace(QChar(u'"'), QLatin1String("\"\""));
    return QChar(u'"') + value + QChar(u'"');
}

QString ftsPhrase(QLatin1String column, const Term &t)
{
    QString s;
    if (column.size() > 0)
        s = column + QLatin1String(" : ");
    s += ftsString(t.value);
    if (!t.quoted)
        s += QLatin1String(" *");
    return s;
}

qint64 startOfUtcDay(QDate day)
{
    return QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

std::optional<qint64> parseDate(const QString &value, const QDateTime &nowUtc)
{
    const QDate today
        = (nowUtc.isValid() ? nowUtc : QDateTime::currentDateTimeUtc()).toUTC().date();
    if (value.compare(QLatin1String("today"), Qt::CaseInsensitive) == 0)
        return startOfUtcDay(today);
    if (value.compare(QLatin1String("yesterday"), Qt::CaseInsensitive) == 0)
        return startOfUtcDay(today.addDays(-1));

    static const QRegularExpression day(QStringLiteral("^([0-9]{4})-([0-9]{2})-([0-9]{2})$"));
    const QRegularExpressionMatch m = day.match(value);
    if (m.hasMatch()) {
        const QDate d(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
        if (!d.isValid())
            return std::nullopt;
        return startOfUtcDay(d);
    }

    static const QRegularExpression dateTime(
        QStringLiteral("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?"
                       "(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch dm = dateTime.match(value);
    if (!dm.hasMatch())
        return std::nullopt;
    QDateTime dt = QDateTime::fromString(value.toUpper(), Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    if (dm.capturedLength(3) == 0) // no offset: UTC, like everything else here
        dt = QDateTime(dt.date(), dt.time(), Qt::UTC);
    return dt.toMSecsSinceEpoch();
}

enum class SizeError { None, Malformed, TooLarge };

qint64 parseSize(const QString &value, SizeError *error)
{
    static const QRegularExpression size(
        QStringLiteral("^([0-9]+)([kmg]?)$"), QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = size.match(value);
    if (!m.hasMatch()) {
        *error = SizeError::Malformed;
        return 0;
    }
    bool ok = false;
    const qint64 number = m.captured(1).toLongLong(&ok);
    if (!ok) {
        *error = SizeError::TooLarge;
        return 0;
    }
    int shift = 0;
    switch (m.capturedView(2).isEmpty() ? u'\0' : m.capturedView(2).at(0).toLower().unicode()) {
    case u'k':
        shift = 10;
        break;
    case u'm':
        shift = 20;
        break;
    case u'g':
        shift = 30;
        break;
    default:
        break;
    }
    if (number > (std::numeric_limits<qint64>::max() >> shift)) {
        *error = SizeError::TooLarge;
        return 0;
    }
    *error = SizeError::None;
    return number << shift;
}

QLatin1String keyName(Key key)
{
    switch (key) {
    case Key::From:
        return QLatin1String("from:");
    case Key::To:
        return QLatin1String("to:");
    case Key::Subject:
        return QLatin1String("subject:");
    case Key::Has:
        return QLatin1String("has:");
    case Key::Is:
        return QLatin1String("is:");
    case Key::Before:
        return QLatin1String("before:");
    case Key::After:
        return QLatin1String("after:");
    case Key::Larger:
        return QLatin1String("larger:");
    case Key::Smaller:
        return QLatin1String("smaller:");
    case Key::None:
        break;
    }
    return QLatin1String();
}

SearchQuery failure(const Term &t, const QString &why)
{
    SearchQuery q;
    q.where = QStringLiteral("0");
    q.errorString = QStringLiteral("Invalid search term \"%1\": %2").arg(t.typed, why);
    return q;
}

const QLatin1String ftsIn("m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)");
const QLatin1String ftsNotIn(
    "m.id NOT IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)");

} // namespace

SearchQuery SearchQuery::compile(const QString &text, const QDateTime &nowUtc)
{
    QStringList positiveFts; // one FTS5 query, ANDed
    QStringList conditions; // after the FTS5 clause, in the order typed
    QVariantList conditionBindings;

    bool usesIndex = false;
    const auto addFts = [&](const Term &t, QLatin1String column) {
        if (!hasToken(t.value))
            return;
        usesIndex = true;
        const QString phrase = ftsPhrase(column, t);
        if (t.negated) {
            conditions.append(ftsNotIn);
            conditionBindings.append(phrase);
        } else {
            positiveFts.append(phrase);
        }
    };

    const QList<Term> terms = splitTerms(text);
    for (const Term &t : terms) {
        if (t.key != Key::None && t.value.isEmpty())
            return failure(t, keyName(t.key) + QLatin1String(" needs a value"));

        switch (t.key) {
        case Key::None:
            addFts(t, QLatin1String());
            break;
        case Key::From:
            addFts(t, QLatin1String("sender"));
            break;
        case Key::To:
            addFts(t, QLatin1String("recipients"));
            break;
        case Key::Subject:
            addFts(t, QLatin1String("subject"));
            break;
        case Key::Has:
            if (t.value.compare(QLatin1String("attachment"), Qt::CaseInsensitive) != 0
                && t.value.compare(QLatin1String("attachments"), Qt::CaseInsensitive) != 0)
                return failure(t, QStringLiteral("has: accepts only \"attachment\""));
            conditions.append(t.negated ? QStringLiteral("m.has_attachments = 0")
                                        : QStringLiteral("m.has_attachments <> 0"));
            break;
        case Key::Is: {
            bool read;
            if (t.value.compare(QLatin1String("read"), Qt::CaseInsensitive) == 0)
                read = true;
            else if (t.value.compare(QLatin1String("unread"), Qt::CaseInsensitive) == 0)
                read = false;
            else
                return failure(t, QStringLiteral("is: accepts \"read\" or \"unread\""));
            conditions.append(read != t.negated ? QStringLiteral("m.is_read <> 0")
                                                : QStringLiteral("m.is_read = 0"));
            break;
        }
        case Key::Before:
        case Key::After: {
            const std::optional<qint64> ms = parseDate(t.value, nowUtc);
            if (!ms)
                return failure(t,
                    QStringLiteral("expected a date: YYYY-MM-DD, today, yesterday or "
                                   "an ISO 8601 date-time"));
            // before:D is received_at < D; after:D (and -before:D) is received_at >= D.
            const bool lessThan = (t.key == Key::Before) != t.negated;
            conditions.append(lessThan ? QStringLiteral("m.received_at < ?")
                                       : QStringLiteral("m.received_at >= ?"));
            conditionBindings.append(QVariant::fromValue<qint64>(*ms));
            break;
        }
        case Key::Larger:
        case Key::Smaller: {
            SizeError error = SizeError::None;
            const qint64 size = parseSize(t.value, &error);
            if (error == SizeError::Malformed)
                return failure(t,
                    QStringLiteral("expected a size: digits with an optional k, m or "
                                   "g suffix"));
            if (error == SizeError::TooLarge)
                return failure(t, QStringLiteral("the size is too large"));
            QString condition;
            if (t.key == Key::Larger)
                condition
                    = t.negated ? QStringLiteral("m.size <= ?") : QStringLiteral("m.size > ?");
            else
                condition
                    = t.negated ? QStringLiteral("m.size >= ?") : QStringLiteral("m.size < ?");
            conditions.append(condition);
            conditionBindings.append(QVariant::fromValue<qint64>(size));
            break;
        }
        }
    }

    SearchQuery q;
    if (!positiveFts.isEmpty()) {
        conditions.prepend(ftsIn);
        conditionBindings.prepend(positiveFts.join(QLatin1String(" AND ")));
    }
    q.where = conditions.isEmpty() ? QStringLiteral("1") : conditions.join(QLatin1String(" AND "));
    q.bindings = conditionBindings;
    q.usesFullTextIndex = usesIndex;
    return q;
}
