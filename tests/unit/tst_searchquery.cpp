#include "store/searchquery.h"
#include "store/storesqlite.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

namespace {

const QString trigramIn
    = "m.id IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ?)";
// from: and to: alone look up the index of their own header.
const QString fromIn
    = "m.id IN (SELECT rowid FROM messages_from_trigram WHERE messages_from_trigram MATCH ?)";
const QString toIn
    = "m.id IN (SELECT rowid FROM messages_to_trigram WHERE messages_to_trigram MATCH ?)";
// The full-text columns contain the (lowercased) value.
const QString textContains = "EXISTS (SELECT 1 FROM message_text c WHERE c.id = m.id "
                             "AND smtp_contains(c.c0, c.c1, c.c2, c.c3, c.c4, ?, c.id))";
const QString notText = "NOT (" + trigramIn + " AND " + textContains + ")";

// A value as the trigram index is asked for it: every third trigram and the last, distinct,
// ANDed, at most 17.
QString grams(const QString &value)
{
    const QList<uint> c = value.toUcs4();
    QStringList out;
    const auto add = [&](qsizetype i) {
        QString g = QString::fromUcs4(reinterpret_cast<const char32_t *>(c.constData() + i), 3);
        g.replace(QChar(0), QChar(' '));
        g = "\"" + g.replace("\"", "\"\"") + "\"";
        if (!out.contains(g))
            out.append(g);
    };
    for (qsizetype i = 0; i + 3 <= c.size() && out.size() < 16; i += 3)
        add(i);
    if (c.size() >= 3)
        add(c.size() - 3);
    return out.join(" AND ");
}

// A cleaned value as the trigram index is asked for it: the trigrams of its words (between its
// spaces) alone, as grams() takes them, at most 17 in all.
QString words(const QString &value)
{
    QStringList out;
    for (const QString &w : value.split(' ', Qt::SkipEmptyParts)) {
        const QList<uint> c = w.toUcs4();
        const auto add = [&](qsizetype i) {
            QString g = QString::fromUcs4(reinterpret_cast<const char32_t *>(c.constData() + i), 3);
            g = "\"" + g.replace("\"", "\"\"") + "\"";
            if (!out.contains(g))
                out.append(g);
        };
        for (qsizetype i = 0; i + 3 <= c.size() && out.size() < 16; i += 3)
            add(i);
        if (c.size() >= 3 && out.size() < 17)
            add(c.size() - 3);
    }
    return out.join(" AND ");
}

// "Now" for every test: Friday 2026-11-27 15:30 UTC, so today = 2026-11-27, yesterday = 11-26.
QDateTime now()
{
    return QDateTime(QDate(2026, 11, 27), QTime(15, 30), Qt::UTC);
}

qint64 ms(const char *isoUtc)
{
    const QDateTime dt = QDateTime::fromString(QString::fromLatin1(isoUtc), Qt::ISODateWithMs);
    Q_ASSERT(dt.isValid());
    return dt.toMSecsSinceEpoch();
}

QVariant i64(qint64 v)
{
    return QVariant::fromValue<qint64>(v);
}

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

QVariantList strings(const QStringList &list)
{
    QVariantList out;
    for (const QString &x : list)
        out.append(x);
    return out;
}

using Ids = QList<qint64>;

struct Message
{
    qint64 id;
    const char *receivedAt; // ISO 8601, UTC
    qint64 size;
    bool hasAttachments;
    bool isRead;
    const char *subject;
    const char *sender;
    const char *recipients;
    const char *body;
    const char *attachments;
};

// The mailbox of the SQL tests. Tokens (unicode61, remove_diacritics 2) are in the comments.
const Message messages[] = {
    // invoice 42 for november / alice smith alice example com ... / bob example org
    { 1, "2026-11-20T08:00:00Z", 500, true, true, "Invoice 42 for November",
        "Alice Smith <alice@example.com> alice@example.com", "bob@example.org",
        "Please find the invoice attached.", "invoice-42.pdf" },
    { 2, "2026-11-21T09:00:00Z", 1024, false, false, "Weekly report", "noreply@service.example",
        "team@example.org carol@example.net", "The weekly report is ready.", "" },
    // both words, not the phrase "weekly report"
    { 3, "2026-11-22T10:00:00Z", 1025, false, true, "Report on the weekly meeting",
        "Bob <bob@example.org> bob@example.org", "alice@example.com", "Notes are below.", "" },
    { 4, "2026-11-23T12:00:00Z", 1048576, true, false, "Re: meeting notes",
        "alice.cooper@example.com", "dave@example.com", "He said \"hello world\" twice.",
        "notes.txt" },
    { 5, "2026-11-24T12:00:00Z", 1048577, false, false, "Café menu", "alice@example.org",
        "bob@example.org", "Meet me NEAR the office, or not.", "" },
    // the last millisecond before today
    { 6, "2026-11-26T23:59:59.999Z", 2048, false, true, "Late night", "alice@example.community",
        "erin@example.com", "O'Brien called.", "" },
    // the first millisecond of today
    { 7, "2026-11-27T00:00:00.000Z", 3221225472LL, true, false, "Midnight backup",
        "backup@example.com", "alice@example.com bob@example.org", "Backup complete.",
        "backup.tar.gz" },
    { 8, "2026-11-27T12:00:00Z", 100, false, false, "Invitation: party",
        "Carol <carol@example.net> carol@example.net", "alice@example.com", "You're invited.", "" },
    // from dave, *to* noreply
    { 9, "2026-11-26T12:00:00Z", 1023, false, true, "Hello again", "dave@example.com",
        "noreply@service.example", "Just saying hello world.", "" },
    { 10, "2026-11-25T00:00:00Z", 0, false, false, "Empty", "erin@example.com", "bob@example.org",
        "", "" },
    { 11, "2026-11-25T06:00:00Z", 4096, false, true, "The \"big\" deal", "frank@example.com",
        "bob@example.org", "Details inside.", "" },
};

const Ids allIds { 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };

// Makes on db (open on nothing) the store's tables that the language reads, with the functions
// the store defines, and puts messages in them. False with *error when it cannot.
bool createStore(QSqlDatabase &db, const QList<Message> &list, QString *error)
{
    db.setDatabaseName(":memory:");
    if (!db.open()) {
        *error = db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    const auto fail = [&](const QSqlQuery &failed) {
        *error = failed.lastError().text();
        return false;
    };
    // The store's columns the language reads. The header columns hold the whole sender and
    // recipients text here (the store's real columns are tested in tst_mailpitsearch).
    if (!q.exec("CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "received_at INTEGER NOT NULL, size INTEGER NOT NULL, "
                "has_attachments INTEGER NOT NULL, is_read INTEGER NOT NULL DEFAULT 0, "
                "subject TEXT NOT NULL, from_header TEXT NOT NULL, to_header TEXT NOT NULL, "
                "cc_header TEXT NOT NULL DEFAULT '', reply_to TEXT NOT NULL DEFAULT '', "
                "message_id TEXT NOT NULL DEFAULT '', rcpt_tos TEXT NOT NULL DEFAULT '[]', "
                "parts TEXT NOT NULL DEFAULT '')"))
        return fail(q);
    // The full-text content as the store keeps it (there, its body may be compressed), and the
    // view the indexes read, with the store's own SQL functions.
    if (!StoreSqlite::installFunctions(db, error))
        return false;
    if (!q.exec("CREATE TABLE message_text (id INTEGER PRIMARY KEY, c0, c1, c2, c3, c4)")
        || !q.exec("CREATE VIEW messages_fts_content (id, c0, c1, c2, c3, c4) AS "
                   "SELECT id, c0, c1, c2, smtp_text(c3), c4 FROM message_text")
        || !q.exec("CREATE VIRTUAL TABLE messages_trigram USING fts5(c0, c1, c2, c3, c4, "
                   "content='messages_fts_content', content_rowid='id', tokenize='trigram', "
                   "detail='none')"))
        return fail(q);

    QSqlQuery insert(db);
    QSqlQuery insertFts(db);
    if (!insert.prepare("INSERT INTO messages (id, received_at, size, has_attachments, is_read, "
                        "subject, from_header, to_header) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        || !insertFts.prepare("INSERT INTO message_text (id, c0, c1, c2, c3, c4) "
                              "VALUES (?, ?, ?, ?, smtp_pack(?), ?)"))
        return fail(insert.lastError().isValid() ? insert : insertFts);
    for (const Message &m : list) {
        insert.addBindValue(m.id);
        insert.addBindValue(ms(m.receivedAt));
        insert.addBindValue(m.size);
        insert.addBindValue(m.hasAttachments ? 1 : 0);
        insert.addBindValue(m.isRead ? 1 : 0);
        insert.addBindValue(s(m.subject));
        insert.addBindValue(s(m.sender));
        insert.addBindValue(s(m.recipients));
        if (!insert.exec())
            return fail(insert);
        insertFts.addBindValue(m.id);
        insertFts.addBindValue(s(m.subject));
        insertFts.addBindValue(s(m.sender));
        insertFts.addBindValue(s(m.recipients));
        insertFts.addBindValue(s(m.body));
        insertFts.addBindValue(s(m.attachments));
        if (!insertFts.exec())
            return fail(insertFts);
    }
    if (!q.exec(
            QStringLiteral("INSERT INTO messages_trigram (messages_trigram) VALUES ('rebuild')")))
        return fail(q);
    // The From and To indexes keep nothing but what they are given: the headers' columns.
    for (const char *header : { "from", "to" })
        if (!q.exec(QStringLiteral("CREATE VIRTUAL TABLE messages_%1_trigram USING fts5(c0, "
                                   "content='', tokenize='trigram', detail='none', "
                                   "columnsize=0)")
                        .arg(QLatin1String(header)))
            || !q.exec(QStringLiteral("INSERT INTO messages_%1_trigram (rowid, c0) "
                                      "SELECT id, %1_header FROM messages")
                           .arg(QLatin1String(header))))
            return fail(q);
    return true;
}

// Where folding letters past ASCII matters. Each has its text checked as the store checks it,
// after the trigram index (which folds case as FTS5 does) has narrowed the candidates.
const Message unicodeMessages[] = {
    { 1, "2026-11-20T08:00:00Z", 100, false, false, "Café Über plain", "Alice <alice@x.test>",
        "Ödön <oedoen@x>", "Äpfel und Öl", "" },
    { 2, "2026-11-21T08:00:00Z", 100, false, false, "Straße", "Bob <bob@x.test>", "carol@x.test",
        "İstanbul ılık", "" },
    { 3, "2026-11-22T08:00:00Z", 100, false, false, "ΟΔΟΣ", "dave@x.test", "erin@x.test", "Σίσυφος",
        "ﬁle.txt" },
    { 4, "2026-11-23T08:00:00Z", 100, false, false, "Kelvin", "frank@x.test", "grace@x.test",
        "300 \u212a", "\u023a.txt" },
    { 5, "2026-11-24T08:00:00Z", 100, false, false, "ÉMILE", "émile@x.test", "heidi@x.test",
        "émile", "" },
    // Symbols and punctuation alone (rule 4 ignores only what is empty after cleaning).
    { 6, "2026-11-25T08:00:00Z", 100, false, false, "Done ✓", "ivan@x.test", "judy@x.test",
        "Is a = b? Yes - no.", "" },
};

} // namespace

class TestSearchQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void compile_data();
    void compile();
    void leadingMatch_data();
    void leadingMatch();
    void indexedColumnsAreBoundedByTheIndexer_data();
    void indexedColumnsAreBoundedByTheIndexer();
    void errors_data();
    void errors();
    void lenient_data();
    void lenient();
    void search_data();
    void search();
    void hostileTextIsNeverAnSqlError_data();
    void hostileTextIsNeverAnSqlError();
    void unicodeAndSymbols_data();
    void unicodeAndSymbols();

private:
    QSqlDatabase db;
    QSqlDatabase unicodeDb;
    bool run(const SearchQuery &q, Ids *ids, QString *error);
    static bool run(QSqlDatabase &on, const QString &where, const QVariantList &bindings, Ids *ids,
        QString *error);
    // Whether the query finds the same messages without its leading full-text lookup (a
    // pre-filter must never leave out a message its checks accept).
    void expectPrefilterKeepsEveryMatch(QSqlDatabase &on, const SearchQuery &q);
};

void TestSearchQuery::initTestCase()
{
    // Far from UTC (UTC+14, POSIX TZ syntax, no tzdata needed), so that anything that slips into
    // local time shows.
    qputenv("TZ", "XXX-14");
    QCOMPARE(QDateTime(QDate(2026, 11, 27), QTime(0, 0)).offsetFromUtc(), 14 * 3600);

    db = QSqlDatabase::addDatabase("QSQLITE", "tst_searchquery");
    QString error;
    QVERIFY2(createStore(db, QList<Message>(std::begin(messages), std::end(messages)), &error),
        qPrintable(error));
    unicodeDb = QSqlDatabase::addDatabase("QSQLITE", "tst_searchquery_unicode");
    QVERIFY2(createStore(unicodeDb,
                 QList<Message>(std::begin(unicodeMessages), std::end(unicodeMessages)), &error),
        qPrintable(error));

    // The fixture itself: everything is there.
    Ids ids;
    QVERIFY2(run(SearchQuery::compile(QString(), now()), &ids, &error), qPrintable(error));
    QCOMPARE(ids, allIds);
}

void TestSearchQuery::cleanupTestCase()
{
    db.close();
    db = QSqlDatabase();
    unicodeDb.close();
    unicodeDb = QSqlDatabase();
    QSqlDatabase::removeDatabase("tst_searchquery");
    QSqlDatabase::removeDatabase("tst_searchquery_unicode");
}

bool TestSearchQuery::run(const SearchQuery &q, Ids *ids, QString *error)
{
    return run(db, q.where, q.bindings, ids, error);
}

bool TestSearchQuery::run(
    QSqlDatabase &on, const QString &where, const QVariantList &bindings, Ids *ids, QString *error)
{
    QSqlQuery sql(on);
    if (!sql.prepare(
            "SELECT m.id FROM messages m WHERE " + where + " ORDER BY m.id DESC LIMIT ?")) {
        *error = sql.lastError().text() + " in " + where;
        return false;
    }
    for (const QVariant &v : bindings)
        sql.addBindValue(v);
    sql.addBindValue(1000);
    if (!sql.exec()) {
        *error = sql.lastError().text() + " in " + where;
        return false;
    }
    ids->clear();
    while (sql.next())
        ids->append(sql.value(0).toLongLong());
    return true;
}

void TestSearchQuery::expectPrefilterKeepsEveryMatch(QSqlDatabase &on, const SearchQuery &q)
{
    Ids withLookup;
    QString error;
    QVERIFY2(run(on, q.where, q.bindings, &withLookup, &error), qPrintable(error));
    if (q.leadingMatchTable.isEmpty())
        return;
    const QString lookup = SearchQuery::matchCondition(q.leadingMatchTable);
    QVERIFY(q.where.startsWith(lookup));
    QString checks = q.where.mid(lookup.size());
    checks = checks.startsWith(" AND ") ? checks.mid(5) : QStringLiteral("1");
    Ids checksAlone;
    QVERIFY2(run(on, checks, q.bindings.mid(1), &checksAlone, &error), qPrintable(error));
    QCOMPARE(withLookup, checksAlone);
}

void TestSearchQuery::compile_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariantList>("bindings");

    const QString in = trigramIn;

    QTest::newRow("empty") << QString() << "1" << QVariantList();
    QTest::newRow("white space") << " \t\n  "
                                 << "1" << QVariantList();

    // Words and phrases: three characters or more are trigrams that cover them in the index
    // and a substring of the text; shorter ones the start of a word (the word index).
    const QString word = in + " AND " + textContains;
    QTest::newRow("word: substring") << "inv" << word << strings({ "\"inv\"", "inv" });
    QTest::newRow("word: trigrams that cover it")
        << "Hello" << word << strings({ "\"Hel\" AND \"llo\"", "Hello" });
    QTest::newRow("word: every third trigram and the last")
        << "abcdefgh" << word << strings({ "\"abc\" AND \"def\" AND \"fgh\"", "abcdefgh" });
    QTest::newRow("word: repeated trigrams once")
        << "aaaa" << word << strings({ "\"aaa\"", "aaaa" });
    QTest::newRow("word: at most 17 trigrams")
        << QString(40, 'x') + "abcdefghijklmnopqrstuvwxyz0123456789" << word
        << strings({ grams(QString(40, 'x') + "abcdefghijklmnopqrstuvwxyz0123456789"),
               QString(40, 'x') + "abcdefghijklmnopqrstuvwxyz0123456789" });
    // Shorter than a trigram: the check alone, in every message (no index can narrow it).
    QTest::newRow("word: short, checked alone") << "in" << textContains << strings({ "in" });
    QTest::newRow("word: short, quoted, the same") << "\"in\"" << textContains << strings({ "in" });
    QTest::newRow("word: one character") << "x" << textContains << strings({ "x" });
    QTest::newRow("words: one MATCH, ANDed")
        << "  inv   report " << word + " AND " + textContains
        << strings({ "\"inv\" AND " + grams("report"), "inv", "report" });
    // A phrase's trigrams are its words': its space is any run of what cleaning makes one.
    QTest::newRow("phrase: exact")
        << "\"weekly report\"" << word << strings({ words("weekly report"), "weekly report" });
    QTest::newRow("phrase and word")
        << "inv \"weekly report\"" << word + " AND " + textContains
        << strings({ "\"inv\" AND " + words("weekly report"), "inv", "weekly report" });
    QTest::newRow("phrase: escaped quote, cleaned")
        << R"("say \"hi\" now")" << word << strings({ words("say hi now"), "say hi now" });
    QTest::newRow("phrase: a quote is cleaned, and short words have no trigram")
        << R"("a\"b")" << textContains << strings({ "a b" });
    QTest::newRow("phrase: escaped backslash")
        << R"("a\\b")" << word << strings({ R"("a\b")", R"(a\b)" });
    QTest::newRow("phrase: other backslash kept")
        << R"("a\b")" << word << strings({ R"("a\b")", R"(a\b)" });
    QTest::newRow("phrase: unterminated runs to the end")
        << "\"weekly report" << word << strings({ words("weekly report"), "weekly report" });
    QTest::newRow("quotes are dropped, the term goes on")
        << "\"inv\"oice" << word << strings({ grams("invoice"), "invoice" });
    QTest::newRow("word: a quote opens a quoted part")
        << "o\"brien" << word << strings({ grams("obrien"), "obrien" });
    QTest::newRow("phrase: spaces collapse")
        << "\"weekly   report\"" << word << strings({ words("weekly report"), "weekly report" });
    // Mailpit's cleaning (rule 4): line ends, tabs and < > " , ; ( ) are spaces, runs of them
    // one, the ends trimmed.
    QTest::newRow("word: a comma is a space")
        << "hello,bob" << word << strings({ words("hello bob"), "hello bob" });
    QTest::newRow("word: a semicolon is a space")
        << "hello;bob" << word << strings({ words("hello bob"), "hello bob" });
    QTest::newRow("word: every cleaned character")
        << "\"a<b>c(d)e,f;g\\\"h\tsix\r\nseven\u00a0eight\u3000nine\"" << word
        << strings({ words(s("a b c d e f g h six seven eight nine")),
               s("a b c d e f g h six seven eight nine") });
    QTest::newRow("word: -cleaned, without trigrams")
        << "-\"ab, cd\""
        << "NOT " + textContains << strings({ "ab cd" });
    QTest::newRow("word: a colon is kept")
        << "re:hello,there" << word << strings({ words("re:hello there"), "re:hello there" });
    QTest::newRow("word: Mailpit's cleaned characters trimmed")
        << "<alice@example.com>, (invoice);" << word + " AND " + textContains
        << strings({ grams("alice@example.com") + " AND " + grams("invoice"), "alice@example.com",
               "invoice" });
    QTest::newRow("word: FTS5 operators are plain words")
        << "AND OR NOT NEAR"
        << in + " AND " + textContains + " AND " + textContains + " AND " + textContains + " AND "
            + textContains
        << strings({ "\"AND\" AND \"NOT\" AND \"NEA\" AND \"EAR\"", "AND", "OR", "NOT", "NEAR" });
    QTest::newRow("word: FTS5 syntax characters")
        << "a*b ^c (d) {e}:f"
        << in + " AND " + textContains + " AND " + textContains + " AND " + textContains + " AND "
            + textContains
        << strings({ "\"a*b\" AND " + grams("{e}:f"), "a*b", "^c", "d", "{e}:f" });
    QTest::newRow("word: NUL parts words in the index")
        << QString(QString("abc") + QChar(0) + "b") << word
        << QVariantList { "\"abc\"", QString(QString("abc") + QChar(0) + "b") };
    QTest::newRow("word: non-ASCII, as typed (the check folds it)")
        << s("CAFÉ") << word << strings({ grams(s("CAFÉ")), s("CAFÉ") });
    // Without a letter or digit, a word all the same; empty after cleaning, none.
    QTest::newRow("word: punctuation is a word") << "--- @@ \"...\" \"\" -! inv"
                                                 << in + " AND NOT " + textContains + " AND "
            + textContains + " AND " + textContains + " AND NOT " + textContains + " AND "
            + textContains << strings({ "\"...\" AND \"inv\"", "--", "@@", "...", "!", "inv" });
    QTest::newRow("word: punctuation alone")
        << "@@ -- \"!\"" << textContains + " AND NOT " + textContains + " AND " + textContains
        << strings({ "@@", "-", "!" });
    QTest::newRow("word: a symbol") << s("✓") << textContains << strings({ s("✓") });
    QTest::newRow("word: a question mark") << "?" << textContains << strings({ "?" });
    QTest::newRow("word: three symbols, a trigram")
        << s("✓✓✓") << word << strings({ s("\"✓✓✓\""), s("✓✓✓") });
    QTest::newRow("word: a combining mark")
        << s("\u0301") << textContains << strings({ s("\u0301") });
    QTest::newRow("word: a lone dash is a word")
        << "- inv" << word + " AND " + textContains << strings({ "\"inv\"", "-", "inv" });
    QTest::newRow("word: only what cleaning makes spaces is none") << "\",;\" <> ()"
                                                                   << "1" << QVariantList();

    // Negation, with "-" or "!".
    QTest::newRow("-word") << "-spam" << notText << strings({ grams("spam"), "spam" });
    QTest::newRow("!word") << "!spam" << notText << strings({ grams("spam"), "spam" });
    QTest::newRow("-short word") << "-sp"
                                 << "NOT " + textContains << strings({ "sp" });
    QTest::newRow("-phrase") << "-\"a phrase\"" << notText
                             << strings({ words("a phrase"), "a phrase" });
    QTest::newRow("!phrase") << "!\"a phrase\"" << notText
                             << strings({ words("a phrase"), "a phrase" });
    QTest::newRow("-word, each its own NOT, positive MATCH first")
        << "-spam inv -ham report"
        << in + " AND " + notText + " AND " + textContains + " AND " + notText + " AND "
            + textContains
        << strings({ "\"inv\" AND " + grams("report"), grams("spam"), "spam", "inv", "\"ham\"",
               "ham", "report" });
    QTest::newRow("--word is -(-word)")
        << "--spam" << notText << strings({ grams("-spam"), "-spam" });
    QTest::newRow("!-word is !(-word)")
        << "!-spam" << notText << strings({ grams("-spam"), "-spam" });
    QTest::newRow("a lone ! is a word")
        << "! inv" << word + " AND " + textContains << strings({ "\"inv\"", "!", "inv" });

    // Column keys: the trigram index narrows, the column decides.
    const QString fromCheck = "smtp_contains(m.from_header, ?)";
    const QString toCheck = "smtp_contains(m.to_header, ?)";
    const QString ccCheck = "smtp_contains(m.cc_header, ?)";
    const QString replyToCheck = "smtp_contains(m.reply_to, ?)";
    const QString recipientCheck = "EXISTS (SELECT 1 FROM json_each(m.rcpt_tos) r WHERE "
                                   "smtp_contains(r.value, ?) AND NOT smtp_names_address(r.value, "
                                   "m.to_header, m.cc_header))";
    // The recipients' JSON text first, for a value JSON writes as it is.
    const QString bccCheck = "(smtp_contains(m.bcc_header, ?) OR (smtp_contains(m.rcpt_tos, ?) "
                             "AND "
        + recipientCheck + "))";
    // Without it for one JSON would write otherwise, or that smtp_contains() cleans for.
    const QString bccOnlyCheck = "(smtp_contains(m.bcc_header, ?) OR " + recipientCheck + ")";
    const QString subjectCheck = "smtp_contains_uncleaned(m.subject, ?)";
    QTest::newRow("from: address") << "from:alice@example.com" << fromIn + " AND " + fromCheck
                                   << strings({ grams("alice@example.com"), "alice@example.com" });
    QTest::newRow("from: quoted address")
        << "from:\"Alice@example.com\"" << fromIn + " AND " + fromCheck
        << strings({ grams("Alice@example.com"), "Alice@example.com" });
    QTest::newRow("from: cleaned") << "from:<alice@example.com>" << fromIn + " AND " + fromCheck
                                   << strings({ grams("alice@example.com"), "alice@example.com" });
    QTest::newRow("from: short, the column alone") << "from:Al" << fromCheck << strings({ "Al" });
    QTest::newRow("from: cleaned inside") << "from:\"Doe, John\"" << fromIn + " AND " + fromCheck
                                          << strings({ words("Doe John"), "Doe John" });
    QTest::newRow("to:") << "to:bob" << toIn + " AND " + toCheck << strings({ "\"bob\"", "bob" });
    QTest::newRow("to: and from:: the From index leads, To is checked")
        << "to:bob from:alice" << fromIn + " AND " + toCheck + " AND " + fromCheck
        << strings({ grams("alice"), "bob", "alice" });
    QTest::newRow("to: and cc:: the whole text's index")
        << "to:bob cc:carol" << in + " AND " + toCheck + " AND " + ccCheck
        << strings({ "\"bob\" AND " + grams("carol"), "bob", "carol" });
    QTest::newRow("from: and a word: the whole text's index")
        << "from:alice apple" << in + " AND " + fromCheck + " AND " + textContains
        << strings({ grams("alice") + " AND " + grams("apple"), "alice", "apple" });
    QTest::newRow("cc:") << "cc:bob" << in + " AND " + ccCheck << strings({ "\"bob\"", "bob" });
    QTest::newRow("bcc:") << "bcc:bob" << in + " AND " + bccCheck
                          << strings({ "\"bob\"", "bob", "bob", "bob" });
    QTest::newRow("bcc: with a space")
        << "bcc:\"bob smith\"" << in + " AND " + bccOnlyCheck
        << strings({ "\"bob\" AND \"smi\" AND \"ith\"", "bob smith", "bob smith" });
    QTest::newRow("bcc: with a backslash") << "bcc:b\\ob" << in + " AND " + bccOnlyCheck
                                           << strings({ grams("b\\ob"), "b\\ob", "b\\ob" });
    QTest::newRow("reply-to:") << "Reply-To:bob" << in + " AND " + replyToCheck
                               << strings({ "\"bob\"", "bob" });
    QTest::newRow("addressed:") << "addressed:bob"
                                << in + " AND (" + fromCheck + " OR " + toCheck + " OR " + ccCheck
            + " OR " + replyToCheck + " OR " + bccCheck
            + ")" << strings({ "\"bob\"", "bob", "bob", "bob", "bob", "bob", "bob", "bob" });
    QTest::newRow("message-id:: the column alone")
        << "message-id:abc@x"
        << "smtp_contains(m.message_id, ?)" << strings({ "abc@x" });
    QTest::newRow("-cc:") << "-cc:bob"
                          << "NOT " + ccCheck << strings({ "bob" });
    QTest::newRow("!bcc:") << "!bcc:bob"
                           << "NOT " + bccCheck << strings({ "bob", "bob", "bob" });
    QTest::newRow("subject: phrase") << "subject:\"weekly report\"" << in + " AND " + subjectCheck
                                     << strings({ grams("weekly report"), "weekly report" });
    QTest::newRow("subject: short, the column alone")
        << "subject:re" << subjectCheck << strings({ "re" });
    QTest::newRow("subject: value with a colon")
        << "subject:re:" << in + " AND " + subjectCheck << strings({ "\"re:\"", "re:" });
    QTest::newRow("subject: not cleaned") << "subject:(draft)" << in + " AND " + subjectCheck
                                          << strings({ grams("(draft)"), "(draft)" });
    QTest::newRow("subject: quote inside")
        << R"(subject:"the \"big\" deal")" << in + " AND " + subjectCheck
        << strings({ grams(R"(the "big" deal)"), R"(the "big" deal)" });
    QTest::newRow("keys are case-insensitive")
        << "FROM:Alice To:Bob SUBJECT:Hi"
        << fromIn + " AND " + fromCheck + " AND " + toCheck + " AND " + subjectCheck
        << strings({ grams("Alice"), "Alice", "Bob", "Hi" });
    QTest::newRow("-from:") << "-from:noreply"
                            << "NOT " + fromCheck << strings({ "noreply" });
    QTest::newRow("-subject:") << "-subject:noreply"
                               << "NOT " + subjectCheck << strings({ "noreply" });
    QTest::newRow("from: punctuation is a value") << "from:@@" << fromCheck << strings({ "@@" });
    QTest::newRow("from: empty after cleaning is none") << "from:<>"
                                                        << "1" << QVariantList();
    QTest::newRow("subject: a symbol") << s("subject:✓") << subjectCheck << strings({ s("✓") });
    QTest::newRow("subject: a space is a value")
        << "subject:\" \"" << subjectCheck << strings({ " " });
    QTest::newRow("unknown key: a word")
        << "re:hello" << word << strings({ grams("re:hello"), "re:hello" });
    QTest::newRow("unknown key: negated word")
        << "-re:hello" << notText << strings({ grams("re:hello"), "re:hello" });
    QTest::newRow("unknown key: url")
        << "http://x.org" << word << strings({ grams("http://x.org"), "http://x.org" });
    QTest::newRow("quoted key: still a key (the quotes are dropped)")
        << "\"from:alice\"" << fromIn + " AND " + fromCheck << strings({ grams("alice"), "alice" });
    QTest::newRow("key with a non-letter: a word")
        << "from1:x" << word << strings({ grams("from1:x"), "from1:x" });

    // Flags.
    QTest::newRow("has:attachment") << "has:attachment"
                                    << "m.has_attachments <> 0" << QVariantList();
    QTest::newRow("has:attachments") << "has:Attachments"
                                     << "m.has_attachments <> 0" << QVariantList();
    QTest::newRow("-has:attachment") << "-HAS:attachment"
                                     << "m.has_attachments = 0" << QVariantList();
    QTest::newRow("is:read") << "is:read"
                             << "m.is_read <> 0" << QVariantList();
    QTest::newRow("is:unread") << "IS:UNREAD"
                               << "m.is_read = 0" << QVariantList();
    QTest::newRow("-is:read") << "-is:read"
                              << "m.is_read = 0" << QVariantList();
    QTest::newRow("-is:unread") << "-is:unread"
                                << "m.is_read <> 0" << QVariantList();

    // Dates.
    QTest::newRow("before: day") << "before:2026-11-27"
                                 << "m.received_at <= ?"
                                 << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };
    QTest::newRow("after: day") << "after:2026-11-27"
                                << "m.received_at >= ?"
                                << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };
    QTest::newRow("-before: day") << "-before:2026-11-27"
                                  << "m.received_at > ?"
                                  << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };
    QTest::newRow("-after: day") << "-after:2026-11-27"
                                 << "m.received_at < ?"
                                 << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };
    QTest::newRow("after: leap day")
        << "after:2028-02-29"
        << "m.received_at >= ?" << QVariantList { i64(ms("2028-02-29T00:00:00Z")) };
    QTest::newRow("after:today") << "after:today"
                                 << "m.received_at >= ?"
                                 << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };
    QTest::newRow("before:Yesterday")
        << "before:Yesterday"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-11-26T00:00:00Z")) };
    QTest::newRow("after: date-time Z")
        << "after:2026-11-27T10:30:00Z"
        << "m.received_at >= ?" << QVariantList { i64(ms("2026-11-27T10:30:00Z")) };
    QTest::newRow("after: date-time ms")
        << "after:2026-11-27T10:30:00.250Z"
        << "m.received_at >= ?" << QVariantList { i64(ms("2026-11-27T10:30:00.250Z")) };
    QTest::newRow("before: date-time offset")
        << "before:2026-11-27T10:30:00+02:00"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-11-27T08:30:00Z")) };
    QTest::newRow("before: date-time negative offset")
        << "before:2026-11-27T10:30-0500"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-11-27T15:30:00Z")) };
    QTest::newRow("before: date-time without offset is UTC")
        << "before:2026-11-27t10:30"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-11-27T10:30:00Z")) };
    QTest::newRow("after: quoted")
        << "after:\"2026-11-27\""
        << "m.received_at >= ?" << QVariantList { i64(ms("2026-11-27T00:00:00Z")) };

    // Sizes.
    QTest::newRow("larger: bytes") << "larger:1000"
                                   << "m.size > ?" << QVariantList { i64(1000) };
    QTest::newRow("larger: k") << "larger:10k"
                               << "m.size > ?" << QVariantList { i64(10240) };
    QTest::newRow("larger: K") << "larger:10K"
                               << "m.size > ?" << QVariantList { i64(10240) };
    QTest::newRow("smaller: m") << "smaller:2m"
                                << "m.size < ?" << QVariantList { i64(2097152) };
    QTest::newRow("smaller: G") << "smaller:3G"
                                << "m.size < ?" << QVariantList { i64(3221225472LL) };
    QTest::newRow("larger: 0") << "larger:0"
                               << "m.size > ?" << QVariantList { i64(0) };
    QTest::newRow("-larger:") << "-larger:5"
                              << "m.size <= ?" << QVariantList { i64(5) };
    QTest::newRow("-smaller:") << "-smaller:5"
                               << "m.size >= ?" << QVariantList { i64(5) };
    QTest::newRow("larger: largest g") << "larger:8589934591g"
                                       << "m.size > ?" << QVariantList { i64(8589934591LL << 30) };

    QTest::newRow("has:inline") << "has:Inline"
                                << "instr(m.parts, '\"disposition\":\"inline\"') > 0"
                                << QVariantList();
    QTest::newRow("-has:inlines") << "-has:inlines"
                                  << "instr(m.parts, '\"disposition\":\"inline\"') = 0"
                                  << QVariantList();
    const QString tagged = QStringLiteral(
        "EXISTS (SELECT 1 FROM message_mailboxes x WHERE x.message = m.id AND x.mailbox <> "
        "'Inbox')");
    QTest::newRow("is:tagged") << "is:tagged" << tagged << QVariantList();
    QTest::newRow("-is:tagged") << "-is:tagged"
                                << "NOT " + tagged << QVariantList();
    const QString inMailbox = SearchQuery::mailboxCondition();
    QTest::newRow("tag:") << "tag:\"work\"" << inMailbox << QVariantList { "work" };
    QTest::newRow("!tag:") << "!tag:work"
                           << "NOT " + inMailbox << QVariantList { "work" };
    QTest::newRow("mailbox:") << "Mailbox:shop-1" << inMailbox << QVariantList { "shop-1" };
    // The first positive mailbox goes first (the store may walk it); later ones stay in place.
    QTest::newRow("mailbox: first")
        << "larger:5 mailbox:a -mailbox:b tag:c"
        << inMailbox + " AND m.size > ? AND NOT " + inMailbox + " AND " + inMailbox
        << QVariantList { "a", i64(5), "b", "c" };

    // Everything at once: the positive MATCH first, then the rest in the order typed.
    QTest::newRow("combination")
        << "from:alice has:attachment -is:read larger:1k inv -\"spam\" before:2026-11-27 to:bob"
        << in
            + " AND smtp_contains(m.from_header, ?) AND m.has_attachments <> 0 AND "
              "m.is_read = 0 AND m.size > ? AND "
            + textContains + " AND " + notText
            + " AND m.received_at <= ? AND smtp_contains(m.to_header, ?)"
        << QVariantList { QString(grams("alice") + " AND \"inv\" AND \"bob\""), "alice", i64(1024),
               "inv", grams("spam"), "spam", i64(ms("2026-11-27T00:00:00Z")), "bob" };
}

void TestSearchQuery::compile()
{
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QVariantList, bindings);

    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    QCOMPARE(q.errorString, QString());
    QCOMPARE(q.where, where);
    QCOMPARE(q.bindings, bindings);
    for (qsizetype i = 0; i < bindings.size(); ++i)
        QCOMPARE(q.bindings.at(i).typeId(), bindings.at(i).typeId());
}

void TestSearchQuery::leadingMatch_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("table"); // the full-text table of where's first condition
    QTest::addColumn<bool>("implied"); // the rest of where implies that condition
    QTest::newRow("word") << QStringLiteral("apple") << QStringLiteral("messages_trigram") << true;
    QTest::newRow("words, a negated one, a mailbox, a size")
        << QStringLiteral("apple pie -crumble mailbox:x larger:10")
        << QStringLiteral("messages_trigram") << true;
    // A column's check reads that column, not the text the trigram index was made of.
    QTest::newRow("subject filter")
        << QStringLiteral("subject:apple") << QStringLiteral("messages_trigram") << false;
    QTest::newRow("word and sender")
        << QStringLiteral("apple from:alice") << QStringLiteral("messages_trigram") << false;
    // A header's check reads the very header its index was made of.
    QTest::newRow("sender") << QStringLiteral("from:alice")
                            << QStringLiteral("messages_from_trigram") << true;
    QTest::newRow("recipient and subject")
        << QStringLiteral("to:bob subject:hi") << QStringLiteral("messages_to_trigram") << true;
    QTest::newRow("recipient and a longer subject")
        << QStringLiteral("to:bob subject:hello") << QStringLiteral("messages_trigram") << false;
    // A short word has no lookup: its check alone.
    QTest::newRow("short word") << QStringLiteral("re") << QString() << false;
    QTest::newRow("word and a short word")
        << QStringLiteral("apple re") << QStringLiteral("messages_trigram") << true;
    QTest::newRow("no words") << QStringLiteral("larger:10") << QString() << false;
}

void TestSearchQuery::leadingMatch()
{
    QFETCH(QString, text);
    QFETCH(QString, table);
    QFETCH(bool, implied);
    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    QCOMPARE(q.leadingMatchTable, table);
    QCOMPARE(q.leadingMatchImplied, implied);
}

void TestSearchQuery::indexedColumnsAreBoundedByTheIndexer_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("usesIndex"); // bounded by what the indexer has passed
    // has_attachments holds a guess from the Content-Type until the indexer has parsed the
    // message (multipart/mixed with text alone has none): its answer must not change afterwards.
    QTest::newRow("has:attachment") << QStringLiteral("has:attachment") << true;
    QTest::newRow("-has:attachment") << QStringLiteral("-has:attachment") << true;
    QTest::newRow("has:inline") << QStringLiteral("has:inline") << true;
    QTest::newRow("word") << QStringLiteral("apple") << true;
    QTest::newRow("is:unread") << QStringLiteral("is:unread") << false;
    QTest::newRow("larger:10") << QStringLiteral("larger:10") << false;
}

void TestSearchQuery::indexedColumnsAreBoundedByTheIndexer()
{
    QFETCH(QString, text);
    QFETCH(bool, usesIndex);
    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    QCOMPARE(q.usesFullTextIndex, usesIndex);
}

void TestSearchQuery::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("term"); // must be named in the error
    QTest::addColumn<QString>("reason"); // and this too

    const QString date = "expected a date";
    const QString size = "expected a size";
    QTest::newRow("before:soon") << "before:soon"
                                 << "before:soon" << date;
    QTest::newRow("after: month 13") << "after:2026-13-01"
                                     << "after:2026-13-01" << date;
    QTest::newRow("after: Feb 30") << "after:2026-02-30"
                                   << "after:2026-02-30" << date;
    QTest::newRow("after: not a leap year") << "after:2027-02-29"
                                            << "after:2027-02-29" << date;
    QTest::newRow("before: short fields") << "before:2026-1-5"
                                          << "before:2026-1-5" << date;
    QTest::newRow("before: slashes") << "before:2026/11/27"
                                     << "before:2026/11/27" << date;
    QTest::newRow("before: time 25h") << "before:2026-11-27T25:00"
                                      << "before:2026-11-27T25:00" << date;
    QTest::newRow("before: trailing junk") << "before:2026-11-27x"
                                           << "before:2026-11-27x" << date;
    QTest::newRow("before: tomorrow") << "before:tomorrow"
                                      << "before:tomorrow" << date;
    QTest::newRow("before: no value") << "before:"
                                      << "before:"
                                      << "needs a value";
    QTest::newRow("after: empty quotes") << "after:\"\""
                                         << "after:\"\""
                                         << "needs a value";
    QTest::newRow("larger:big") << "larger:big"
                                << "larger:big" << size;
    QTest::newRow("larger: decimal") << "larger:1.5m"
                                     << "larger:1.5m" << size;
    QTest::newRow("larger: negative") << "larger:-5"
                                      << "larger:-5" << size;
    QTest::newRow("larger: unit kb") << "larger:10kb"
                                     << "larger:10kb" << size;
    QTest::newRow("smaller: unit t") << "smaller:1t"
                                     << "smaller:1t" << size;
    QTest::newRow("smaller: Arabic-Indic digits")
        << s("smaller:\u0661\u0662") << s("smaller:\u0661\u0662") << size;
    QTest::newRow("larger: too many digits") << "larger:99999999999999999999"
                                             << "larger:99999999999999999999"
                                             << "too large";
    QTest::newRow("larger: too large with suffix") << "larger:8589934592g"
                                                   << "larger:8589934592g"
                                                   << "too large";
    QTest::newRow("smaller: no value") << "smaller:"
                                       << "smaller:"
                                       << "needs a value";
    QTest::newRow("is:maybe") << "is:maybe"
                              << "is:maybe"
                              << "\"read\" or \"unread\"";
    QTest::newRow("is: no value") << "is:"
                                  << "is:"
                                  << "needs a value";
    QTest::newRow("has:nothing") << "has:nothing"
                                 << "has:nothing"
                                 << "attachment";
    QTest::newRow("has:attach") << "has:attach"
                                << "has:attach"
                                << "attachment";
    QTest::newRow("from: no value") << "from:"
                                    << "from:"
                                    << "needs a value";
    QTest::newRow("from: unterminated empty quote") << "from:\""
                                                    << "from:\""
                                                    << "needs a value";
    QTest::newRow("to: empty quotes") << "to:\"\""
                                      << "to:\"\""
                                      << "needs a value";
    QTest::newRow("subject: no value") << "subject: weekly"
                                       << "subject:"
                                       << "needs a value";
    QTest::newRow("negated term named as typed") << "-IS:maybe"
                                                 << "-IS:maybe"
                                                 << "is:";
    QTest::newRow("amid valid terms") << "inv from:alice before:soon is:read"
                                      << "before:soon" << date;
    QTest::newRow("placeholders in the term stay as typed") << "before:%2%1"
                                                            << "before:%2%1" << date;
    QTest::newRow("the first error wins") << "larger:big is:maybe"
                                          << "larger:big" << size;
    // A quoted term may hold a line end or a NUL; the message stays one line.
    QTest::newRow("control characters shown as U+FFFD")
        << QString("is:\"may\nbe\"") << QString("is:\"may\uFFFDbe\"") << "is:";
    QTest::newRow("a line separator shown as U+FFFD")
        << QString::fromUtf16(u"is:\"a\u2028b\"") << QString::fromUtf16(u"is:\"a\uFFFDb\"")
        << "is:";
    QTest::newRow("a NUL shown as U+FFFD")
        << QStringLiteral("before:\"a\0b\"") << QString::fromUtf16(u"before:\"a\uFFFDb\"") << date;
}

void TestSearchQuery::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, term);
    QFETCH(QString, reason);

    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY(!q.isValid());
    QVERIFY2(q.errorString.contains(QString("\"" + term + "\"")), qPrintable(q.errorString));
    QVERIFY2(q.errorString.contains(reason), qPrintable(q.errorString));
    // A caller that runs it anyway gets nothing, not everything.
    QCOMPARE(q.where, QString("0"));
    QCOMPARE(q.bindings, QVariantList());
}

void TestSearchQuery::lenient_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QVariantList>("bindings");

    // Mailpit's reading: what it cannot use is ignored, is:/has: with other values are words.
    QTest::newRow("before:soon is ignored") << "before:soon is:read"
                                            << ""
                                            << "m.is_read <> 0" << QVariantList();
    QTest::newRow("larger:big is ignored") << "larger:big"
                                           << ""
                                           << "1" << QVariantList();
    QTest::newRow("empty filters are ignored") << "to: from:\"\" subject: before:"
                                               << ""
                                               << "1" << QVariantList();
    QTest::newRow("larger: Mailpit's decimal") << "larger:1.5m"
                                               << ""
                                               << "m.size > ?" << QVariantList { i64(1572864) };
    QTest::newRow("smaller: Mailpit's kb") << "smaller:10kb"
                                           << ""
                                           << "m.size < ?" << QVariantList { i64(10240) };
    QTest::newRow("larger: ours still") << "larger:2g"
                                        << ""
                                        << "m.size > ?" << QVariantList { i64(2147483648LL) };
    QTest::newRow("is:maybe is a word")
        << "is:maybe"
        << "" << trigramIn + " AND " + textContains << strings({ grams("is:maybe"), "is:maybe" });
    QTest::newRow("has:nothing is a word")
        << "-has:nothing"
        << "" << notText << strings({ grams("has:nothing"), "has:nothing" });
    QTest::newRow("tz: a day starts in the zone")
        << "after:2026-11-27"
        << "Europe/Berlin"
        << "m.received_at >= ?" << QVariantList { i64(ms("2026-11-26T23:00:00Z")) };
    QTest::newRow("tz: a date-time without offset is in the zone")
        << "before:2026-07-01T12:00"
        << "America/New_York"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-07-01T16:00:00Z")) };
    QTest::newRow("tz: an offset wins")
        << "before:2026-07-01T12:00Z"
        << "America/New_York"
        << "m.received_at <= ?" << QVariantList { i64(ms("2026-07-01T12:00:00Z")) };
    QTest::newRow("tz: today is the zone's")
        << "after:today"
        << "Pacific/Kiritimati" // UTC+14: 11-28 already
        << "m.received_at >= ?" << QVariantList { i64(ms("2026-11-27T10:00:00Z")) };
}

void TestSearchQuery::lenient()
{
    QFETCH(QString, text);
    QFETCH(QString, zone);
    QFETCH(QString, where);
    QFETCH(QVariantList, bindings);

    SearchQuery::Options options;
    options.nowUtc = now();
    options.lenient = true;
    if (!zone.isEmpty()) {
        options.timeZone = QTimeZone(zone.toUtf8());
        QVERIFY(options.timeZone.isValid());
    }
    const SearchQuery q = SearchQuery::compile(text, options);
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    QCOMPARE(q.where, where);
    QCOMPARE(q.bindings, bindings);
}

void TestSearchQuery::search_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Ids>("ids");

    QTest::newRow("empty") << "" << allIds;
    QTest::newRow("only punctuation") << "--- @@ \"...\"" << Ids {};
    QTest::newRow("-punctuation") << "-@@" << allIds;
    QTest::newRow("a dot") << "." << allIds;
    QTest::newRow("an apostrophe") << "'" << Ids { 8, 6 };
    QTest::newRow("-apostrophe") << "-'" << Ids { 11, 10, 9, 7, 5, 4, 3, 2, 1 };
    QTest::newRow("a lone dash") << "-" << Ids { 1 };
    QTest::newRow("nothing after cleaning") << "\",\" ;" << allIds;

    // Words: prefix, any column, case and accents folded.
    QTest::newRow("word: prefix") << "inv" << Ids { 8, 1 };
    QTest::newRow("word: whole") << "invoice" << Ids { 1 };
    QTest::newRow("word: case") << "INVOICE" << Ids { 1 };
    QTest::newRow("word: no match") << "invoices" << Ids {};
    // Substrings keep accents (Mailpit's LIKE does too): "cafe" is not "Café".
    QTest::newRow("word: accents are kept") << "cafe" << Ids {};
    QTest::newRow("word: substring inside a word") << "nvoic" << Ids { 1 };
    QTest::newRow("word: substring across punctuation")
        << "ple.org" << Ids { 11, 10, 7, 5, 3, 2, 1 };
    // Short words are substrings too (rule 6), checked in every message's text.
    QTest::newRow("word: short") << "42" << Ids { 1 };
    QTest::newRow("word: short, inside a word") << "nv" << Ids { 8, 1 };
    QTest::newRow("word: short, in example") << "le" << allIds;
    QTest::newRow("word: short, case") << "IG" << Ids { 11, 7, 6 };
    QTest::newRow("word: one character") << "k" << Ids { 11, 7, 3, 2 };
    QTest::newRow("word: one character, quoted") << "\"k\"" << Ids { 11, 7, 3, 2 };
    QTest::newRow("word: short words in a phrase") << "\"re: me\"" << Ids { 4 };
    QTest::newRow("word: accent in query") << s("CAFÉ") << Ids { 5 };
    QTest::newRow("word: in sender") << "noreply" << Ids { 9, 2 };
    QTest::newRow("word: in attachments") << "backup.tar" << Ids { 7 };
    QTest::newRow("word: with punctuation") << "invoice-42" << Ids { 1 };
    QTest::newRow("word: apostrophe") << "o'brien" << Ids { 6 };
    QTest::newRow("word: a quote opens a quoted part") << "o\"brie" << Ids {};
    QTest::newRow("word: apostrophe, substring") << "'brie" << Ids { 6 };
    QTest::newRow("words: AND") << "weekly report" << Ids { 3, 2 };
    QTest::newRow("words: AND across columns") << "invoice alice" << Ids { 1 };
    QTest::newRow("words: FTS5 keywords") << "near \"or\" \"NOT\"" << Ids { 5 };
    QTest::newRow("words: AND is a word") << "AND" << Ids {};
    QTest::newRow("words: punctuation is a word") << "--- invoice @@" << Ids {};
    QTest::newRow("words: a dash and a word") << "invoice -" << Ids { 1 };
    QTest::newRow("unknown key: a word") << "re:meeting" << Ids {}; // "Re: meeting"
    QTest::newRow("unknown key: quoted with its space") << "\"re: meeting\"" << Ids { 4 };

    // Phrases: exact, no prefix.
    QTest::newRow("phrase") << "\"weekly report\"" << Ids { 2 };
    QTest::newRow("phrase: a substring too") << "\"inv\"" << Ids { 8, 1 };
    QTest::newRow("phrase: two hits") << "\"hello world\"" << Ids { 9, 4 };
    QTest::newRow("phrase: with quotes inside") << R"("said \"hello world\"")" << Ids { 4 };
    QTest::newRow("phrase: quoted word") << R"("\"big\"")" << Ids { 11 };
    QTest::newRow("phrase: unterminated") << "\"weekly report" << Ids { 2 };
    QTest::newRow("phrase and word") << "\"hello world\" twice" << Ids { 4 };

    // Cleaned (rule 4): the query and the text alike, so punctuation Mailpit cleans is a space.
    QTest::newRow("cleaned: a comma") << "hello,world" << Ids { 9, 4 };
    QTest::newRow("cleaned: quotes in the text") << "\"said hello\"" << Ids { 4 };
    QTest::newRow("cleaned: quotes in the text, a comma") << "said,hello" << Ids { 4 };
    QTest::newRow("cleaned: across a quote") << "\"world twice\"" << Ids { 4 };
    QTest::newRow("cleaned: quoted subject") << "\"the big deal\"" << Ids { 11 };
    QTest::newRow("cleaned: a colon is no space") << "\"invitation party\"" << Ids {};
    QTest::newRow("cleaned: across two fields") << "\"party carol\"" << Ids { 8 };
    QTest::newRow("cleaned: from:") << "from:\"smith alice\"" << Ids { 1 };
    QTest::newRow("cleaned: from: brackets") << "from:\"smith <alice\"" << Ids { 1 };
    QTest::newRow("cleaned: subject: is not") << "subject:\"the big deal\"" << Ids {};

    // Negation.
    QTest::newRow("-phrase") << "-\"weekly report\"" << Ids { 11, 10, 9, 8, 7, 6, 5, 4, 3, 1 };
    QTest::newRow("word -phrase") << "weekly -\"weekly report\"" << Ids { 3 };
    QTest::newRow("word -word") << "inv -invitation" << Ids { 1 };
    QTest::newRow("-word -word") << "-example -inv" << Ids {};
    QTest::newRow("-word: short, a substring") << "-re" << Ids { 11, 10, 7, 6, 5, 1 };
    QTest::newRow("-x: in every message") << "-x" << Ids {};
    QTest::newRow("-k") << "-k" << Ids { 10, 9, 8, 6, 5, 4, 1 };
    QTest::newRow("word -short word") << "example -ig" << Ids { 10, 9, 8, 5, 4, 3, 2, 1 };
    QTest::newRow("-unknown key") << "-\"re: meeting\"" << Ids { 11, 10, 9, 8, 7, 6, 5, 3, 2, 1 };
    QTest::newRow("!word") << "!example" << Ids {};
    QTest::newRow("!word and a word") << "inv !party" << Ids { 1 };

    // Addresses and columns.
    QTest::newRow("from: address, prefix")
        << "from:alice@example.com" << Ids { 6, 1 }; // alice@example.com(munity)
    QTest::newRow("from: address, quoted: a substring too")
        << "from:\"alice@example.com\"" << Ids { 6, 1 };
    QTest::newRow("from: address, case") << "FROM:\"Alice@Example.COM\"" << Ids { 6, 1 };
    QTest::newRow("from: address, cleaned") << "from:<alice@example.com>," << Ids { 6, 1 };
    QTest::newRow("from: domain") << "from:example.org" << Ids { 5, 3 };
    QTest::newRow("from: short") << "from:ob" << Ids { 3 };
    QTest::newRow("!from:") << "!from:alice" << Ids { 11, 10, 9, 8, 7, 3, 2 };
    QTest::newRow("from: other domain") << "from:alice@example.org" << Ids { 5 };
    QTest::newRow("from: local part") << "from:alice" << Ids { 6, 5, 4, 1 };
    QTest::newRow("from: partial") << "from:ali" << Ids { 6, 5, 4, 1 };
    QTest::newRow("from: display name") << "from:smith" << Ids { 1 };
    QTest::newRow("from: dotted local part") << "from:alice.cooper@example.com" << Ids { 4 };
    QTest::newRow("-from:") << "-from:alice" << Ids { 11, 10, 9, 8, 7, 3, 2 };
    QTest::newRow("from: is not to:") << "from:noreply" << Ids { 2 };
    QTest::newRow("to: is not from:") << "to:noreply" << Ids { 9 };
    QTest::newRow("to: address") << "to:alice@example.com" << Ids { 8, 7, 3 };
    QTest::newRow("to: second recipient") << "to:\"bob@example.org\"" << Ids { 11, 10, 7, 5, 1 };
    QTest::newRow("-to:") << "-to:bob@example.org" << Ids { 9, 8, 6, 4, 3, 2 };
    QTest::newRow("subject:") << "subject:meeting" << Ids { 4, 3 };
    QTest::newRow("subject: not the body") << "subject:notes" << Ids { 4 };
    QTest::newRow("subject: phrase") << "subject:\"weekly report\"" << Ids { 2 };
    QTest::newRow("subject: -phrase") << "subject:report -subject:\"weekly report\"" << Ids { 3 };
    QTest::newRow("subject: quotes inside") << R"(subject:"the \"big\" deal")" << Ids { 11 };
    QTest::newRow("subject: re:") << "subject:re: subject:meet" << Ids { 4 };
    QTest::newRow("subject: short") << "subject:rt" << Ids { 8, 3, 2 }; // (Re)port, pa(rt)y
    QTest::newRow("subject: re: exact") << "subject:\"re:\" subject:meet" << Ids { 4 };

    // Flags.
    QTest::newRow("has:attachment") << "has:attachment" << Ids { 7, 4, 1 };
    QTest::newRow("has:attachments") << "HAS:Attachments" << Ids { 7, 4, 1 };
    QTest::newRow("-has:attachment") << "-has:attachment" << Ids { 11, 10, 9, 8, 6, 5, 3, 2 };
    QTest::newRow("is:read") << "is:read" << Ids { 11, 9, 6, 3, 1 };
    QTest::newRow("is:unread") << "is:unread" << Ids { 10, 8, 7, 5, 4, 2 };
    QTest::newRow("-is:read") << "-is:read" << Ids { 10, 8, 7, 5, 4, 2 };
    QTest::newRow("-is:unread") << "-is:unread" << Ids { 11, 9, 6, 3, 1 };

    // Dates: 6 is 2026-11-26 23:59:59.999, 7 is 2026-11-27 00:00:00.000 (UTC); now is 11-27.
    // before: and after: both take the instant itself (received <= D, >= D).
    QTest::newRow("before: day") << "before:2026-11-27" << Ids { 11, 10, 9, 7, 6, 5, 4, 3, 2, 1 };
    QTest::newRow("after: day") << "after:2026-11-27" << Ids { 8, 7 };
    QTest::newRow("-after: day") << "-after:2026-11-27" << Ids { 11, 10, 9, 6, 5, 4, 3, 2, 1 };
    QTest::newRow("-before: day") << "-before:2026-11-27" << Ids { 8 };
    QTest::newRow("one day and its end") << "after:2026-11-26 before:2026-11-27" << Ids { 9, 7, 6 };
    QTest::newRow("day at 00:00 is in") << "after:2026-11-25 before:2026-11-26" << Ids { 11, 10 };
    QTest::newRow("after:today") << "after:today" << Ids { 8, 7 };
    QTest::newRow("yesterday") << "after:yesterday before:today" << Ids { 9, 7, 6 };
    QTest::newRow("before: the instant")
        << "before:2026-11-27T00:00:00Z" << Ids { 11, 10, 9, 7, 6, 5, 4, 3, 2, 1 };
    QTest::newRow("before:yesterday") << "before:yesterday" << Ids { 11, 10, 5, 4, 3, 2, 1 };
    QTest::newRow("date-time: at the instant") << "after:2026-11-27T00:00:00Z" << Ids { 8, 7 };
    QTest::newRow("date-time: 1 ms later") << "after:2026-11-27T00:00:00.001Z" << Ids { 8 };
    QTest::newRow("date-time: offset")
        << "before:2026-11-27T01:00:00+01:00" << Ids { 11, 10, 9, 7, 6, 5, 4, 3, 2, 1 };
    QTest::newRow("date-time: 1 ms before")
        << "before:2026-11-26T23:59:59.999Z" << Ids { 11, 10, 9, 6, 5, 4, 3, 2, 1 };
    QTest::newRow("date-time: -before: 1 ms before")
        << "-before:2026-11-26T23:59:59.999Z" << Ids { 8, 7 };
    QTest::newRow("date-time: 2 ms window")
        << "after:2026-11-26T23:59:59.999Z before:2026-11-27T00:00:00.001Z" << Ids { 7, 6 };
    QTest::newRow("date-time: no offset is UTC") << "after:2026-11-27T12:00" << Ids { 8 };
    QTest::newRow("dates: the same instant") << "after:2026-11-27 before:2026-11-27" << Ids { 7 };
    QTest::newRow("dates: nothing between")
        << "after:2026-11-27T00:00:00.001Z before:2026-11-27" << Ids {};

    // Sizes: strict, powers of 1024. 2 is exactly 1k, 4 exactly 1m, 7 exactly 3g.
    QTest::newRow("larger: 1k") << "larger:1k" << Ids { 11, 7, 6, 5, 4, 3 };
    QTest::newRow("larger: 1024") << "larger:1024" << Ids { 11, 7, 6, 5, 4, 3 };
    QTest::newRow("larger: 1023") << "larger:1023" << Ids { 11, 7, 6, 5, 4, 3, 2 };
    QTest::newRow("smaller: 1K") << "smaller:1K" << Ids { 10, 9, 8, 1 };
    QTest::newRow("-larger: 1k") << "-larger:1k" << Ids { 10, 9, 8, 2, 1 };
    QTest::newRow("-smaller: 1k") << "-smaller:1k" << Ids { 11, 7, 6, 5, 4, 3, 2 };
    QTest::newRow("larger: 1m") << "larger:1m" << Ids { 7, 5 };
    QTest::newRow("larger: 1M smaller: 2g") << "larger:1M smaller:2g" << Ids { 5 };
    QTest::newRow("larger: 2G") << "larger:2G" << Ids { 7 };
    QTest::newRow("larger: 3g") << "larger:3g" << Ids {};
    QTest::newRow("smaller: 3g+1") << "smaller:3221225473 larger:1m" << Ids { 7, 5 };
    QTest::newRow("smaller: 1") << "smaller:1" << Ids { 10 };

    // Combinations.
    QTest::newRow("from has is") << "from:alice has:attachment is:read" << Ids { 1 };
    QTest::newRow("unread, attachment, large")
        << "is:unread has:attachment larger:1k" << Ids { 7, 4 };
    QTest::newRow("word -from") << "hello -from:dave" << Ids { 4 };
    QTest::newRow("dates and -is") << "after:2026-11-21 before:2026-11-24 -is:read" << Ids { 4, 2 };
    QTest::newRow("words, negations, flags and dates")
        << "example -\"weekly report\" -from:alice -has:attachment after:2026-11-22 smaller:1m"
        << Ids { 11, 10, 9, 8, 3 };
}

void TestSearchQuery::search()
{
    QFETCH(QString, text);
    QFETCH(Ids, ids);

    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    Ids found;
    QString error;
    QVERIFY2(run(q, &found, &error), qPrintable(error));
    QCOMPARE(found, ids);
    expectPrefilterKeepsEveryMatch(db, q);
}

void TestSearchQuery::hostileTextIsNeverAnSqlError_data()
{
    QTest::addColumn<QString>("text");

    const char *const texts[] = {
        "\"",
        "\"\"\"",
        "\\",
        "\\\"",
        "*",
        "inv*",
        "^inv",
        ":",
        "(",
        ")",
        "{",
        "}",
        "+",
        "NEAR(",
        "NEAR(a b, 2)",
        "a OR b",
        "a NOT b",
        "sender:x",
        "{sender body}:x",
        "col:",
        "'",
        "';--",
        "'); DROP TABLE messages; --",
        "?",
        "?1",
        ":name",
        "@x",
        "$x",
        "%",
        "_",
        "subject:\"\\",
        "-\"",
        "-\"-\"",
        "from:-",
        "to:*",
        "\"a\" * \"b\"",
    };
    for (const char *t : texts)
        QTest::newRow(t) << QString::fromUtf8(t);
    QTest::newRow("NUL") << QString(QChar(0));
    QTest::newRow("NUL in a phrase") << QString(QString("\"a") + QChar(0) + "\"");
    QTest::newRow("emoji") << s("\U0001F600 x\U0001F600");
    QTest::newRow("private use") << s("\uE000");
    QTest::newRow("lone surrogate") << QString(QString(QChar(0xD800)) + "x");
}

void TestSearchQuery::hostileTextIsNeverAnSqlError()
{
    QFETCH(QString, text);

    // Plain words can never be an error; after a key they may be ("subject:\"" has no value),
    // and then the query matches nothing, but still runs.
    const QList<QPair<QString, bool>> variants {
        { text, true },
        { "-" + text, true },
        { text + " inv", true },
        { "inv " + text, true },
        { "subject:" + text, false },
        { "-from:" + text, false },
    };
    for (const auto &[t, mustBeValid] : variants) {
        const SearchQuery q = SearchQuery::compile(t, now());
        if (mustBeValid)
            QVERIFY2(q.isValid(), qPrintable(t + ": " + q.errorString));
        Ids found;
        QString error;
        QVERIFY2(run(q, &found, &error), qPrintable(t + ": " + error));
    }
    // The messages are all still there.
    Ids found;
    QString error;
    QVERIFY2(run(SearchQuery::compile(QString(), now()), &found, &error), qPrintable(error));
    QCOMPARE(found, allIds);
}

void TestSearchQuery::unicodeAndSymbols_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Ids>("ids");

    // The audit's cases: letters past ASCII matched in the same case and in the other.
    QTest::newRow("subject:Über") << s("subject:Über") << Ids { 1 };
    QTest::newRow("subject:über") << s("subject:über") << Ids { 1 };
    QTest::newRow("subject:ÜBER") << s("subject:ÜBER") << Ids { 1 };
    QTest::newRow("to:Ödön") << s("to:Ödön") << Ids { 1 };
    QTest::newRow("to:ödön") << s("to:ödön") << Ids { 1 };
    QTest::newRow("to:ÖDÖN") << s("to:ÖDÖN") << Ids { 1 };
    QTest::newRow("Äpfel") << s("Äpfel") << Ids { 1 };
    QTest::newRow("äpfel") << s("äpfel") << Ids { 1 };
    QTest::newRow("ÄPFEL") << s("ÄPFEL") << Ids { 1 };
    QTest::newRow("ÉMILE") << s("ÉMILE") << Ids { 5 };
    QTest::newRow("émile") << s("émile") << Ids { 5 };
    QTest::newRow("from:ÉMILE@") << s("from:ÉMILE@") << Ids { 5 };
    QTest::newRow("subject:émile") << s("subject:émile") << Ids { 5 };
    // The trigram index's folding, one code point for one: no more, or it would leave out
    // what the check accepts (the same case always matches).
    QTest::newRow("ß is not ss") << s("STRASSE") << Ids {};
    QTest::newRow("ẞ is ß") << s("STRAẞE") << Ids { 2 };
    QTest::newRow("ß") << s("straße") << Ids { 2 };
    QTest::newRow("İ as written") << s("İstanbul") << Ids { 2 };
    QTest::newRow("İ is no i") << s("istanbul") << Ids {};
    QTest::newRow("ı as written") << s("ılık") << Ids { 2 };
    QTest::newRow("I is no ı") << s("ILIK") << Ids {};
    QTest::newRow("final sigma") << s("οδος") << Ids { 3 };
    QTest::newRow("capital sigma") << s("ΣΊΣΥΦΟΣ") << Ids { 3 };
    QTest::newRow("ligature as written") << s("ﬁle") << Ids { 3 };
    QTest::newRow("ligature is no fi") << s("file") << Ids {};
    QTest::newRow("Kelvin sign") << s("\"300 k\"") << Ids { 4 };
    QTest::newRow("two bytes fold to three") << s("\u2c65.TXT") << Ids { 4 };

    // Terms without a letter or digit are matched as any other.
    QTest::newRow("subject:✓") << s("subject:✓") << Ids { 6 };
    QTest::newRow("✓") << s("✓") << Ids { 6 };
    QTest::newRow("-subject:✓") << s("-subject:✓") << Ids { 5, 4, 3, 2, 1 };
    QTest::newRow("?") << s("?") << Ids { 6 };
    QTest::newRow("=") << s("=") << Ids { 6 };
    QTest::newRow("- (a word)") << s("-") << Ids { 6 };
    QTest::newRow("-? (negated)") << s("-?") << Ids { 5, 4, 3, 2, 1 };
    QTest::newRow("-- (negated -)") << s("--") << Ids { 5, 4, 3, 2, 1 };
    QTest::newRow("\"b? yes\"") << s("\"B? YES\"") << Ids { 6 };
}

void TestSearchQuery::unicodeAndSymbols()
{
    QFETCH(QString, text);
    QFETCH(Ids, ids);

    const SearchQuery q = SearchQuery::compile(text, now());
    QVERIFY2(q.isValid(), qPrintable(q.errorString));
    Ids found;
    QString error;
    QVERIFY2(run(unicodeDb, q.where, q.bindings, &found, &error), qPrintable(error));
    QCOMPARE(found, ids);
    expectPrefilterKeepsEveryMatch(unicodeDb, q);
}

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
