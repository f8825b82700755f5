#include "searchquery.h"

#include "smtptext.h"
#include "store/storesqlite.h"

#include <QDateTime>
#include <QList>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <limits>
#include <optional>

// The language, term by term, as http-api.md §3.2 has it (Mailpit's). The text is split on white
// space outside double quotes; the quotes are then dropped, so subject:"a b" is one term,
// "inv"oice is the word invoice, and "from:alice" is a from: filter. A quote that is never closed
// runs to the end of the text. A term that starts with "-" or "!" (and has more after it) is
// negated; a lone "-" or "!" is a word.
//
//   word            the message's search text contains it, both cleaned (below): the full-text
//                   columns joined by spaces, in their order: subject; From, envelope sender,
//                   Reply-To; To, Cc, envelope recipients, Bcc; text body; attachment names, then
//                   the HTML body as a reader sees it (when the text body does not say it)
//   subject:X       the decoded Subject contains X (taken as it is: not cleaned)
//   from:X          the decoded From header contains X, both cleaned
//   to:X  cc:X      the decoded To / Cc header contains X, both cleaned
//   reply-to:X      the decoded Reply-To header contains X, both cleaned
//   bcc:X           the decoded Bcc header, or an envelope recipient that no To or Cc header
//                   names, contains X, both cleaned
//   addressed:X     any of from:, to:, cc:, bcc:, reply-to: matches X
//   message-id:X    the Message-ID (without <>) contains X, both cleaned
//   has:attachment  (or has:attachments) the message has attachments
//   has:inline      (or has:inlines) a part has Content-Disposition: inline
//   is:read         is:unread
//   mailbox:X, tag:X   in the mailbox named X (exactly, case-sensitive)
//   is:tagged       in a mailbox other than Inbox
//   after:DATE      received at or after DATE (received >= D)
//   before:DATE     received at or before DATE (received <= D), so a message received at D
//                   itself is both before:D and after:D
//                   DATE: YYYY-MM-DD, today, yesterday (days of the zone, relative to nowUtc; a
//                   day means its 00:00 there, so "after:D before:E" is the days D .. E-1 and
//                   the first millisecond of E), or an ISO 8601 date-time
//                   YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM] (no offset means the zone, UTC
//                   unless told)
//   larger:SIZE     size strictly greater than SIZE bytes
//   smaller:SIZE    size strictly smaller than SIZE bytes
//                   SIZE: decimal digits with an optional k, m or g suffix (1024, 1024^2, 1024^3)
//   -term, !term    negates any of the above
//
// Keys and their keyword values are case-insensitive. A prefix that is not one of these keys
// ("re:", "http:") is not a key: the whole term is a word. A known key with a value it cannot
// use (before:soon, larger:big, is:maybe, has:nothing, or no value at all) is an error naming
// the term; with Options::lenient (the HTTP API's reading) it is ignored, as Mailpit ignores it
// (is:/has: with another value are words).
//
// Cleaning (rule 4, Mailpit's cleanString) of words and of the values of the address filters and
// message-id:, and alike of the text they are matched in: line ends, tabs, < > " , ; ( ) and
// white space (StoreSqlite::cleanedAway()) are spaces, runs of them one space, and the value is
// trimmed. So "hello,bob" and "bob this" both find "Hello Bob, this", and from:"doe john" finds
// "Doe, John" <j@x>. A value that is empty after cleaning (",", "<>") is ignored; any other is
// matched, letters or not ("-", "?", "✓", "...").
//
// Matching (rule 6). Every text match is a substring match without case: from:example.org,
// to:jürg, pixel.png and "le" (in "example") match. The check is smtp_contains() (storesqlite.h;
// smtp_contains_uncleaned() for subject:), which cleans the text and the value (as typed) and
// folds their case as FTS5 folds the trigram index: one code point for one, Unicode's simple case
// folding as SQLite has it (§7.6). So "JÜRGEN" and "jürgen" find each other and ς and Σ find σ,
// but "STRASSE" is no "straße", "istanbul" no "İstanbul" and "file" no "ﬁle"; accents are kept;
// the same case always matches. Folding more than the index does would let the check accept a
// text whose trigrams the lookup leaves out. A text ends at its first NUL, as FTS5's trigrams of
// it do.
//
// The lookup. A value is looked up as trigrams in the trigram full-text index (messages_trigram,
// which keeps no positions to stay small), a superset of the matches, which the check of the
// column the term speaks of then narrows: the search text (for words), the decoded Subject, or
// the header's own column (from:, to:, ...; wider columns of the index, like the sender column
// that also holds the envelope sender, do not count). A cleaned value gives the trigrams of its
// words alone (the runs between its spaces): its space stands for any run of what cleaning
// makes one, so a trigram across it may be in no text that matches; a subject: value gives all.
// message-id:, and values without a word of three characters or more ("le", "x", "a b"), have
// no lookup: their check alone reads every message's text or column (a scan, which a page
// newest first ends once full). No index can narrow a substring of one or two characters (see
// addWord); a word index finds the start of a word alone, so the store keeps none (schema 14
// dropped messages_words).
//
// Departures that remain: inside quotes \" is a quote and \\ a backslash (rule 1 has no
// escape); the search text's fields follow the full-text columns' order, not rule 5's (From,
// Subject, To, Cc, Bcc, Reply-To, envelope sender, body, names), which only a phrase spanning two
// fields can tell; it has the text body and the HTML's text both, where rule 5 takes the HTML's
// alone when there is HTML. Beyond Mailpit (whose LIKE folds ASCII alone), case folds past ASCII
// (§7.6).
//
// SQL: all positive trigram lookups form one FTS5 query (joined by AND) in one
// "m.id IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ?)", which comes
// first (when the only lookups are of from: and to:, the same on messages_from_trigram, or on
// messages_to_trigram when there is no from:: indexes of that header alone, where a candidate is
// far likelier to be a match); each negated term is its own "NOT (...)"; the checks and the
// other terms are conditions on the messages' columns. All are ANDed, in the order typed. User
// text reaches SQLite only through bindings, and reaches FTS5 only inside string literals. An
// invalid query gives where = "0" (matches nothing), no bindings and an errorString.

namespace {

enum class Key {
    None,
    From,
    To,
    Cc,
    Bcc,
    ReplyTo,
    Addressed,
    MessageId,
    Subject,
    Tag,
    Mailbox,
    Has,
    Is,
    Before,
    After,
    Larger,
    Smaller
};

struct Term
{
    QString typed; // the term as typed, for error messages
    bool negated = false;
    Key key = Key::None;
    QString keyText; // the key as typed, with its colon
    QString value;
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
        { QLatin1String("cc"), Key::Cc },
        { QLatin1String("bcc"), Key::Bcc },
        { QLatin1String("reply-to"), Key::ReplyTo },
        { QLatin1String("addressed"), Key::Addressed },
        { QLatin1String("message-id"), Key::MessageId },
        { QLatin1String("subject"), Key::Subject },
        { QLatin1String("tag"), Key::Tag },
        { QLatin1String("mailbox"), Key::Mailbox },
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
        QString v;
        bool inQuote = false;
        while (i < n) {
            const QChar c = text.at(i);
            if (!inQuote && c.isSpace())
                break;
            ++i;
            if (c == u'"') {
                inQuote = !inQuote;
            } else if (inQuote && c == u'\\' && i < n
                && (text.at(i) == u'"' || text.at(i) == u'\\')) {
                v += text.at(i++);
            } else {
                v += c;
            }
        }
        t.typed = text.mid(start, i - start);
        if (v.size() > 1 && (v.at(0) == u'-' || v.at(0) == u'!')) {
            t.negated = true;
            v.remove(0, 1);
        }
        qsizetype j = 0;
        while (j < v.size() && (isAsciiLetter(v.at(j)) || (j > 0 && v.at(j) == u'-')))
            ++j;
        if (j > 0 && j < v.size() && v.at(j) == u':') {
            t.key = keyFromName(QStringView(v).left(j));
            if (t.key != Key::None) {
                t.keyText = v.left(j + 1).toLower();
                v.remove(0, j + 1);
            }
        }
        t.value = v;
        terms.append(t);
    }
    return terms;
}

// Mailpit's cleaning of words and address values (http-api.md §3.2 rule 4), of the query's side:
// every character it turns into a space (StoreSqlite::cleanedAway(): line ends, tabs, < > " , ;
// ( ) and white space) is one, runs of them are one space, and the ends are trimmed. The case is
// left to the check, which folds it (and cleans the text alike).
QString cleanValue(const QString &value)
{
    QString result;
    bool space = false;
    for (const char32_t c : QStringView(value).toUcs4()) {
        if (StoreSqlite::cleanedAway(c)) {
            space = !result.isEmpty();
            continue;
        }
        if (space)
            result += QLatin1Char(' ');
        space = false;
        result += QString::fromUcs4(&c, 1);
    }
    return result;
}

// An FTS5 string literal: double quotes, embedded quotes doubled. FTS5 ends its query text at
// a NUL character ("unterminated string"), so NULs become spaces (they separate tokens anyway).
QString ftsString(QString value)
{
    value.replace(QChar(u'\0'), QChar(u' '));
    value.replace(QChar(u'"'), QLatin1String("\"\""));
    return QChar(u'"') + value + QChar(u'"');
}

qint64 startOfDay(QDate day, const QTimeZone &zone)
{
    return QDateTime(day, QTime(0, 0), zone).toMSecsSinceEpoch();
}

std::optional<qint64> parseDate(const QString &value, const SearchQuery::Options &options)
{
    const QTimeZone &zone = options.timeZone;
    const QDateTime now
        = options.nowUtc.isValid() ? options.nowUtc : QDateTime::currentDateTimeUtc();
    const QDate today = now.toTimeZone(zone).date();
    if (value.compare(QLatin1String("today"), Qt::CaseInsensitive) == 0)
        return startOfDay(today, zone);
    if (value.compare(QLatin1String("yesterday"), Qt::CaseInsensitive) == 0)
        return startOfDay(today.addDays(-1), zone);

    static const QRegularExpression day(QStringLiteral("^([0-9]{4})-([0-9]{2})-([0-9]{2})$"));
    const QRegularExpressionMatch m = day.match(value);
    if (m.hasMatch()) {
        const QDate d(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
        if (!d.isValid())
            return std::nullopt;
        return startOfDay(d, zone);
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
    if (dm.capturedLength(3) == 0) // no offset: the zone (UTC unless told)
        dt = QDateTime(dt.date(), dt.time(), zone);
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

// Mailpit's own size forms, read only when lenient: a decimal number, an optional space and
// k, kb, m or mb (powers of 1024), truncated to whole bytes.
std::optional<qint64> parseMailpitSize(const QString &value)
{
    static const QRegularExpression size(QStringLiteral("^([0-9]+(\\.[0-9]+)?) ?(k|kb|m|mb)?$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = size.match(value);
    if (!m.hasMatch())
        return std::nullopt;
    bool ok = false;
    double number = m.captured(1).toDouble(&ok);
    const QString unit = m.captured(3).toLower();
    if (unit.startsWith(QLatin1Char('k')))
        number *= 1024;
    else if (unit.startsWith(QLatin1Char('m')))
        number *= 1024 * 1024;
    if (!ok || number >= 9.0e18)
        return std::nullopt;
    return qint64(number);
}

SearchQuery failure(const Term &t, const QString &why)
{
    SearchQuery q;
    q.where = QStringLiteral("0");
    // The term as typed, on one line: a quoted term may hold a line end or a NUL.
    q.errorString = QStringLiteral("Invalid search term \"%1\": %2")
                        .arg(SmtpText::shownOnOneLine(t.typed), why);
    return q;
}

const QLatin1String trigramTable("messages_trigram");
const QLatin1String fromTrigramTable("messages_from_trigram");
const QLatin1String toTrigramTable("messages_to_trigram");

// A case-insensitive substring test of a column ("? " is the value): smtp_contains()
// (storesqlite.h), which folds both as the trigram index does.
QString contains(QLatin1String column)
{
    return QStringLiteral("smtp_contains(%1, ?)").arg(column);
}

// Whether value is in the envelope recipients' JSON text (messages.rcpt_tos) whenever it is in
// one of the recipients: when JSON writes each of its characters as it is (StoreEncoding: no
// quote, backslash, control character or lone surrogate; paired ones are left out too) and
// smtp_contains() does not clean for it (no space). Such a value can span no escape.
bool inRecipientsJsonWhenInARecipient(const QString &value)
{
    return std::none_of(value.cbegin(), value.cend(), [](QChar c) {
        return c.unicode() < 0x20 || c == u'"' || c == u'\\' || c == u' ' || c.isSurrogate();
    });
}

// Mailpit's Bcc (http-api.md §3.1) contains value: the Bcc header, or one of the envelope
// recipients that no To or Cc header names (as the API's Bcc tells them: by address, not by a
// substring of the header, where "ann@x.test" is in "joann@x.test"), and how many times it binds
// value. The recipients' JSON text is looked in first when it must hold a recipient that
// contains value, so that json_each() reads only its rows: bcc:alice on a million messages
// walked the recipients of the 260,000 that have its trigrams, where 26,000 have it there.
std::pair<QString, int> bccCheck(const QString &value)
{
    const QLatin1String recipient(
        "EXISTS (SELECT 1 FROM json_each(m.rcpt_tos) r WHERE smtp_contains(r.value, ?) AND NOT "
        "smtp_names_address(r.value, m.to_header, m.cc_header))");
    const QString header = contains(QLatin1String("m.bcc_header"));
    if (inRecipientsJsonWhenInARecipient(value))
        return { QStringLiteral("(%1 OR (%2 AND %3))")
                     .arg(header, contains(QLatin1String("m.rcpt_tos")), recipient),
            3 };
    return { QStringLiteral("(%1 OR %2)").arg(header, recipient), 2 };
}

// The header filter's check of value on its own columns, and how many times it binds value.
std::pair<QString, int> headerCheck(Key key, const QString &value)
{
    switch (key) {
    case Key::From:
        return { contains(QLatin1String("m.from_header")), 1 };
    case Key::To:
        return { contains(QLatin1String("m.to_header")), 1 };
    case Key::Cc:
        return { contains(QLatin1String("m.cc_header")), 1 };
    case Key::ReplyTo:
        return { contains(QLatin1String("m.reply_to")), 1 };
    case Key::Bcc:
        return bccCheck(value);
    case Key::MessageId:
        return { contains(QLatin1String("m.message_id")), 1 };
    case Key::Addressed: {
        const auto [bcc, bccBindings] = bccCheck(value);
        return { QStringLiteral("(%1 OR %2 OR %3 OR %4 OR %5)")
                     .arg(contains(QLatin1String("m.from_header")),
                         contains(QLatin1String("m.to_header")),
                         contains(QLatin1String("m.cc_header")),
                         contains(QLatin1String("m.reply_to")), bcc),
            4 + bccBindings };
    }
    default:
        break;
    }
    return { QString(), 0 };
}

// A value as terms of the trigram index, to be ANDed: trigrams that cover it ("hello": "hel"
// and "llo"), every third one and the last, at most 17. The index keeps no positions
// (detail=none), so this finds the messages that have those trigrams somewhere; the caller's
// check on the text decides. Fewer trigrams than all of them are as good a filter and walk
// fewer lists of the index (the common ones, " th", "ing", hold most messages). A cleaned value
// gives the trigrams of its words alone (the runs between its spaces), for the text's: its
// space stands for any run of the characters cleaning makes one ("hello bob" is in "Hello,
// Bob"), so a trigram across it may be in no text that has the value. A NUL (where FTS5 stops
// reading a text) parts words too.
QStringList trigramTerms(const QString &value, bool cleaned)
{
    const QList<uint> characters = value.toUcs4();
    QStringList grams;
    const auto add = [&](qsizetype at) {
        const QString gram = ftsString(
            QString::fromUcs4(reinterpret_cast<const char32_t *>(characters.constData() + at), 3));
        if (!grams.contains(gram))
            grams.append(gram);
    };
    for (qsizetype start = 0; start < characters.size();) {
        qsizetype end = start;
        while (end < characters.size() && characters.at(end) != 0
            && !(cleaned && characters.at(end) == u' '))
            ++end;
        for (qsizetype i = start; i + 3 <= end && grams.size() < 16; i += 3)
            add(i);
        if (end - start >= 3 && grams.size() < 17)
            add(end - 3);
        start = end + 1;
    }
    return grams;
}

// The terms as one query of a full-text table: all of them (ANDed).
QString allOf(const QStringList &terms)
{
    return terms.join(QLatin1String(" AND "));
}

// The message's text (the five full-text columns, one line apart, so that no match spans two:
// a value has no line end; a column may be NULL, as an empty one was stored) contains ?, without
// case: smtp_contains() (storesqlite.h), which expands the compressed body only when the other
// columns do not have it (SQLite still reads the row's every column).
const QLatin1String textContains("EXISTS (SELECT 1 FROM message_text c WHERE c.id = m.id "
                                 "AND smtp_contains(c.c0, c.c1, c.c2, c.c3, c.c4, ?, c.id))");

} // namespace

QString SearchQuery::matchCondition(const QString &table)
{
    return QStringLiteral("m.id IN (SELECT rowid FROM %1 WHERE %1 MATCH ?)").arg(table);
}

bool SearchQuery::leadingMatchOfHeader() const
{
    return leadingMatchTable == fromTrigramTable || leadingMatchTable == toTrigramTable;
}

QString SearchQuery::mailboxCondition()
{
    return QStringLiteral(
        "EXISTS (SELECT 1 FROM message_mailboxes x WHERE x.mailbox = ? AND x.message = m.id)");
}

SearchQuery SearchQuery::compile(const QString &text, const QDateTime &nowUtc)
{
    Options options;
    options.nowUtc = nowUtc;
    return compile(text, options);
}

SearchQuery SearchQuery::compile(const QString &text, const Options &options)
{
    QStringList positiveTrigram; // the terms of the FTS5 queries, ANDed
    QStringList conditions; // after the MATCH clauses, in the order typed
    QVariantList conditionBindings;

    bool usesIndex = false;
    bool trigramOfColumn = false; // a trigram lookup for a column's check (not implied by it)
    // The lookups of from: and to: (also in positiveTrigram), and whether positiveTrigram has
    // any other: a query of those headers alone asks their own indexes, which hold nothing else.
    QStringList positiveFrom;
    QStringList positiveTo;
    bool trigramOfOthers = false;
    QString firstMailbox; // the first positive mailbox: term, moved to the front
    // A word: the trigrams of its words in the index (when it has a word of three characters or
    // more) and the search text containing it. A shorter one is checked in every message's text
    // (a scan, bounded by the page when newest first): no index can narrow a substring of one
    // or two characters. The trigram index lacks a text's last two characters (no trigram starts
    // there) and FTS5 does not look trigrams up by their start or end; the word index finds the
    // start of a word alone ("le" is in "example"). A short word is most often a common one,
    // where a page newest first is full after a few hundred rows (on a million messages, warm,
    // "le": under 5 ms); a rare one ("qz"), or a count, reads every message's text, as
    // Mailpit's LIKE does for every search: 6.5-7 s for a million, most of it expanding the
    // bodies of the messages whose other columns do not have it (about 9 us a body).
    const auto addWord = [&](const Term &t, const QString &value) {
        usesIndex = true;
        const QStringList lookup = trigramTerms(value, true);
        if (t.negated && lookup.isEmpty()) {
            conditions.append(QStringLiteral("NOT ") + textContains);
        } else if (t.negated) {
            conditions.append(
                QStringLiteral("NOT (%1 AND %2)")
                    .arg(SearchQuery::matchCondition(trigramTable), QString(textContains)));
            conditionBindings.append(allOf(lookup));
        } else {
            positiveTrigram.append(lookup);
            trigramOfOthers = trigramOfOthers || !lookup.isEmpty();
            conditions.append(textContains);
        }
        conditionBindings.append(value);
    };
    // A filter on a column of the messages: the trigram index narrows the candidates (when the
    // column's text is in it), the column decides.
    const auto addCheck = [&](const Term &t, const QString &value, bool indexed) {
        usesIndex = true;
        const auto [check, count] = t.key == Key::Subject
            ? std::pair<QString, int>(QStringLiteral("smtp_contains_uncleaned(m.subject, ?)"), 1)
            : headerCheck(t.key, value);
        const QStringList lookup
            = indexed ? trigramTerms(value, t.key != Key::Subject) : QStringList();
        if (!t.negated && !lookup.isEmpty()) {
            positiveTrigram.append(lookup);
            trigramOfColumn = true;
            if (t.key == Key::From)
                positiveFrom.append(lookup);
            else if (t.key == Key::To)
                positiveTo.append(lookup);
            else
                trigramOfOthers = true;
        }
        conditions.append(t.negated ? QStringLiteral("NOT ") + check : check);
        for (int i = 0; i < count; ++i)
            conditionBindings.append(value);
    };
    const auto word = [&](const Term &t) {
        // A term that is no filter after all (is:maybe when lenient) is a word as typed.
        QString value = t.value;
        if (t.key != Key::None)
            value.prepend(t.keyText);
        value = cleanValue(value);
        if (!value.isEmpty()) // nothing but what cleaning makes spaces: ignored (rule 1)
            addWord(t, value);
    };

    const QList<Term> terms = splitTerms(text);
    for (const Term &t : terms) {
        if (t.key != Key::None && t.value.isEmpty()) {
            if (options.lenient)
                continue;
            return failure(t, t.keyText + QLatin1String(" needs a value"));
        }

        switch (t.key) {
        case Key::None:
            word(t);
            break;
        case Key::Subject: // taken as it is, not cleaned (and not empty: see above)
            addCheck(t, t.value, true);
            break;
        case Key::From:
        case Key::To:
        case Key::Cc:
        case Key::Bcc:
        case Key::ReplyTo:
        case Key::Addressed:
        case Key::MessageId: {
            const QString value = cleanValue(t.value);
            if (!value.isEmpty()) // the Message-ID is in no full-text column
                addCheck(t, value, t.key != Key::MessageId);
            break;
        }
        case Key::Tag:
        case Key::Mailbox:
            if (!t.negated && firstMailbox.isNull()) {
                firstMailbox = t.value;
                break;
            }
            conditions.append(
                t.negated ? QStringLiteral("NOT ") + mailboxCondition() : mailboxCondition());
            conditionBindings.append(t.value);
            break;
        case Key::Has: {
            const bool attachment
                = t.value.compare(QLatin1String("attachment"), Qt::CaseInsensitive) == 0
                || t.value.compare(QLatin1String("attachments"), Qt::CaseInsensitive) == 0;
            const bool inlinePart
                = t.value.compare(QLatin1String("inline"), Qt::CaseInsensitive) == 0
                || t.value.compare(QLatin1String("inlines"), Qt::CaseInsensitive) == 0;
            if (attachment) {
                // Until the indexer has parsed a message, has_attachments is the guess read from
                // its Content-Type at delivery (multipart/mixed says yes), which the indexer
                // corrects: an answer bounded by what it has passed does not change afterwards.
                usesIndex = true;
                conditions.append(t.negated ? QStringLiteral("m.has_attachments = 0")
                                            : QStringLiteral("m.has_attachments <> 0"));
            } else if (inlinePart) {
                // The part tree the indexer records, compact JSON.
                usesIndex = true;
                conditions.append(
                    QStringLiteral("instr(m.parts, '\"disposition\":\"inline\"') %1 0")
                        .arg(t.negated ? QLatin1String("=") : QLatin1String(">")));
            } else if (options.lenient) {
                word(t);
            } else {
                return failure(t, QStringLiteral("has: accepts \"attachment\" or \"inline\""));
            }
            break;
        }
        case Key::Is: {
            if (t.value.compare(QLatin1String("tagged"), Qt::CaseInsensitive) == 0) {
                conditions.append(
                    QStringLiteral("%1EXISTS (SELECT 1 FROM message_mailboxes x WHERE "
                                   "x.message = m.id AND x.mailbox <> 'Inbox')")
                        .arg(t.negated ? QLatin1String("NOT ") : QLatin1String()));
                break;
            }
            bool read;
            if (t.value.compare(QLatin1String("read"), Qt::CaseInsensitive) == 0) {
                read = true;
            } else if (t.value.compare(QLatin1String("unread"), Qt::CaseInsensitive) == 0) {
                read = false;
            } else if (options.lenient) {
                word(t);
                break;
            } else {
                return failure(
                    t, QStringLiteral("is: accepts \"read\" or \"unread\" (or \"tagged\")"));
            }
            conditions.append(read != t.negated ? QStringLiteral("m.is_read <> 0")
                                                : QStringLiteral("m.is_read = 0"));
            break;
        }
        case Key::Before:
        case Key::After: {
            const std::optional<qint64> ms = parseDate(t.value, options);
            if (!ms) {
                if (options.lenient)
                    break;
                return failure(t,
                    QStringLiteral("expected a date: YYYY-MM-DD, today, yesterday or "
                                   "an ISO 8601 date-time"));
            }
            // before:D is received_at <= D, after:D received_at >= D (both take D itself, as
            // http-api.md §3.2 says); negated, what they leave out.
            if (t.key == Key::Before)
                conditions.append(t.negated ? QStringLiteral("m.received_at > ?")
                                            : QStringLiteral("m.received_at <= ?"));
            else
                conditions.append(t.negated ? QStringLiteral("m.received_at < ?")
                                            : QStringLiteral("m.received_at >= ?"));
            conditionBindings.append(QVariant::fromValue<qint64>(*ms));
            break;
        }
        case Key::Larger:
        case Key::Smaller: {
            SizeError error = SizeError::None;
            qint64 size = parseSize(t.value, &error);
            if (error != SizeError::None && options.lenient) {
                const std::optional<qint64> mailpit = parseMailpitSize(t.value);
                if (!mailpit)
                    break;
                size = *mailpit;
                error = SizeError::None;
            }
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
    if (!firstMailbox.isNull()) {
        q.onlyMailbox = conditions.isEmpty() && positiveTrigram.isEmpty();
        conditions.prepend(mailboxCondition());
        conditionBindings.prepend(firstMailbox);
        q.leadingMailbox = firstMailbox;
        q.mailbox = firstMailbox;
    }
    if (!positiveTrigram.isEmpty() && !trigramOfOthers) {
        // Only From and To to look up: the index of one of them, where a candidate is a header
        // that has the trigrams, and which its check (on that very header) implies.
        const bool from = !positiveFrom.isEmpty();
        const QLatin1String table = from ? fromTrigramTable : toTrigramTable;
        conditions.prepend(SearchQuery::matchCondition(table));
        q.leadingTerms = from ? positiveFrom : positiveTo;
        conditionBindings.prepend(allOf(q.leadingTerms));
        q.leadingMatchTable = table;
        q.leadingMatchImplied = true;
    } else if (!positiveTrigram.isEmpty()) {
        conditions.prepend(SearchQuery::matchCondition(trigramTable));
        conditionBindings.prepend(allOf(positiveTrigram));
        q.leadingMatchTable = trigramTable;
        q.leadingTerms = positiveTrigram;
        q.leadingMatchImplied = !trigramOfColumn;
    }
    if (!q.leadingMatchTable.isEmpty())
        q.leadingMailbox.clear(); // words lead

    q.where = conditions.isEmpty() ? QStringLiteral("1") : conditions.join(QLatin1String(" AND "));
    q.bindings = conditionBindings;
    q.usesFullTextIndex = usesIndex;
    return q;
}
