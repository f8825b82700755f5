// The SQL functions the store defines on its connections (StoreSqlite::installFunctions): above
// all smtp_contains(), the check behind every search word, which must say what a plain reference
// says (the five columns, each to its first NUL, joined by spaces, cleaned as Mailpit cleans and
// case-folded as FTS5's trigram tokenizer folds, contain the needle so cleaned and folded), on
// every kind of row: NULL columns, a compressed body, a damaged one, a needle across two columns,
// letters past ASCII. Its fold must be exactly the trigram index's: a text it finds a needle in
// must have the needle's trigrams. And the page cache a store's reading connection gets for the
// size of its file.
#include "store/storesqlite.h"

#include <QHash>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

namespace {

// What searches checked before smtp_contains(), over the same columns: still what it says of
// ASCII text without NULs.
const char joinedInstr[]
    = "instr(lower(ifnull(c0, '') || char(10) || ifnull(c1, '') || char(10) || ifnull(c2, '') "
      "|| char(10) || ifnull(smtp_text(c3), '') || char(10) || ifnull(c4, '')), lower(?)) > 0";

// The columns as SQLite's text of them, for the reference.
const char columnsAsText[] = "CAST(c0 AS TEXT), CAST(c1 AS TEXT), CAST(c2 AS TEXT), "
                             "CAST(smtp_text(c3) AS TEXT), CAST(c4 AS TEXT)";

// A body long and repetitive enough that smtp_pack() keeps it as a zstd frame.
QString longBody(const QString &middle)
{
    return QString(QStringLiteral("Lorem ipsum dolor sit amet. ")).repeated(40) + middle
        + QString(QStringLiteral(" consectetur adipiscing elit.")).repeated(40);
}

} // namespace

class TestStoreTextFunctions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void foldIsTheTrigramIndexs();
    void foldAtEveryOffset();
    void containsAgreesWithTheJoinedText_data();
    void containsAgreesWithTheJoinedText();
    void oneTextContains_data();
    void oneTextContains();
    void namesAddress_data();
    void namesAddress();
    void packedBodyIsCompressed();
    void damagedBodyIsNoText();
    void nullNeedleIsNull();
    void oneStatementOverManyRowsAndNeedles();
    void readCacheFollowsTheStoreSize_data();
    void readCacheFollowsTheStoreSize();

private:
    QSqlDatabase db;
    // FTS5's trigram tokenizer's fold of each code point that it changes, read through SQL
    // (fts5vocab), a way of its own to what smtp_contains() reads.
    QHash<char32_t, char32_t> ftsFold;
    // Puts one row in message_text (the body through smtp_pack()) and returns its id.
    qint64 insertRow(const QVariantList &columns);
    QVariant evaluate(const QString &expression, qint64 id, const QVariant &needle);
    QString fold(const QString &text) const;
    static QString clean(const QString &text);
    // What smtp_contains() must say of these columns' text (NULL as '').
    bool reference(const QStringList &columns, const QString &needle) const;
    QStringList columnsOf(qint64 id);
};

void TestStoreTextFunctions::initTestCase()
{
    db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("textfunctions"));
    db.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    QString error;
    QVERIFY2(StoreSqlite::installFunctions(db, &error), qPrintable(error));
    QSqlQuery q(db);
    QVERIFY2(q.exec(QStringLiteral(
                 "CREATE TABLE message_text (id INTEGER PRIMARY KEY, c0, c1, c2, c3, c4)")),
        qPrintable(q.lastError().text()));

    // Each code point up to U+1FFFF but NUL and the surrogates, as the trigram tokenizer folds
    // it: the first code point of the trigram it starts (an instance of the vocabulary, at its
    // offset in the row).
    QVERIFY2(q.exec(QStringLiteral("CREATE VIRTUAL TABLE temp.folds USING fts5(x, "
                                   "tokenize = 'trigram')"))
            && q.exec(QStringLiteral(
                "CREATE VIRTUAL TABLE temp.folded USING fts5vocab(temp, folds, 'instance')")),
        qPrintable(q.lastError().text()));
    QList<char32_t> codes;
    for (char32_t c = 1; c < 0x20000; ++c)
        if (c < 0xd800 || c > 0xdfff)
            codes.append(c);
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT INTO temp.folds (x) VALUES (?)"));
    insert.addBindValue(
        QString(QString::fromUcs4(codes.constData(), codes.size()) + QStringLiteral("aa")));
    QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
    QVERIFY(q.exec(QStringLiteral("SELECT offset, unicode(term) FROM temp.folded")));
    qsizetype rows = 0;
    while (q.next()) {
        const char32_t code = codes.at(q.value(0).toLongLong());
        const auto folded = char32_t(q.value(1).toLongLong());
        if (folded != code)
            ftsFold.insert(code, folded);
        ++rows;
    }
    QCOMPARE(rows, codes.size());
    // The folds this test's rows speak of.
    QCOMPARE(ftsFold.value(U'\u00c4'), U'\u00e4'); // Ä
    QCOMPARE(ftsFold.value(U'\u03a3'), U'\u03c3'); // Σ
    QCOMPARE(ftsFold.value(U'\u03c2'), U'\u03c3'); // ς
    QCOMPARE(ftsFold.value(U'\u1e9e'), U'\u00df'); // ẞ
    QCOMPARE(ftsFold.value(U'\u212a'), U'k'); // Kelvin
    QCOMPARE(ftsFold.value(U'\u023a'), U'\u2c65'); // Ⱥ, two bytes to three
    QVERIFY(!ftsFold.contains(U'\u00df')); // ß is no ss
    QVERIFY(!ftsFold.contains(U'\u0130')); // İ
    QVERIFY(!ftsFold.contains(U'\u0131')); // ı
    QVERIFY(!ftsFold.contains(U'\ufb01')); // ﬁ
}

QString TestStoreTextFunctions::fold(const QString &text) const
{
    QList<uint> codes = text.toUcs4();
    for (uint &c : codes)
        c = ftsFold.value(char32_t(c), char32_t(c));
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(codes.constData()), codes.size());
}

QString TestStoreTextFunctions::clean(const QString &text)
{
    // Mailpit's cleanString() (strings.Fields splits on Go's unicode.IsSpace).
    static const QRegularExpression cleaned(QStringLiteral("[\\r\\n\\t<>\",;()]"));
    return QString(text).replace(cleaned, QStringLiteral(" ")).simplified();
}

bool TestStoreTextFunctions::reference(const QStringList &columns, const QString &needle) const
{
    if (needle.contains(QChar(0)))
        return false;
    QStringList folded;
    for (const QString &column : columns)
        folded.append(fold(column.left(column.indexOf(QChar(0)))));
    return clean(folded.join(QLatin1Char(' '))).contains(clean(fold(needle)));
}

QStringList TestStoreTextFunctions::columnsOf(qint64 id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM message_text WHERE id = ?")
                  .arg(QLatin1String(columnsAsText)));
    q.addBindValue(id);
    QStringList columns;
    if (q.exec() && q.next())
        for (int i = 0; i < 5; ++i)
            columns.append(q.value(i).toString());
    return columns;
}

void TestStoreTextFunctions::foldIsTheTrigramIndexs()
{
    // Every code point folded as FTS5 folds it, so that no check finds a needle in a text
    // whose trigrams (the index's) lack the needle's.
    QString all;
    for (char32_t c = 1; c < 0x20000; ++c)
        if (c < 0xd800 || c > 0xdfff)
            all += QString::fromUcs4(&c, 1);
    const QString folded = QString::fromUtf8(StoreSqlite::foldCase(all.toUtf8()));
    QCOMPARE(folded.size(), fold(all).size());
    const QList<uint> codes = all.toUcs4();
    const QList<uint> mine = folded.toUcs4();
    const QList<uint> fts = fold(all).toUcs4();
    for (qsizetype i = 0; i < fts.size(); ++i) {
        if (mine.at(i) != fts.at(i))
            QFAIL(qPrintable(QStringLiteral("U+%1 folds to U+%2, FTS5 to U+%3")
                                 .arg(codes.at(i), 4, 16, QLatin1Char('0'))
                                 .arg(mine.at(i), 4, 16, QLatin1Char('0'))
                                 .arg(fts.at(i), 4, 16, QLatin1Char('0'))));
    }
    // Bytes that are not UTF-8 stay as they are; a NUL ends the text.
    QCOMPARE(StoreSqlite::foldCase(QByteArray("A\xff\xc3(B\xed\xa0\x80"
                                              "C",
                 9)),
        QByteArray("a\xff\xc3(b\xed\xa0\x80"
                   "c",
            9));
    QCOMPARE(StoreSqlite::foldCase(QByteArray("AB\0CD", 5)), QByteArray("ab"));
}

void TestStoreTextFunctions::foldAtEveryOffset()
{
    // The fold takes eight ASCII bytes at a time: a letter past ASCII, or a NUL, at every place
    // in and across those words.
    for (int at = 0; at < 20; ++at) {
        const QString before(at, QLatin1Char('X'));
        const QString text = before + QStringLiteral("ÄBC\u00ddEFGHIJKLMNOP");
        QCOMPARE(QString::fromUtf8(StoreSqlite::foldCase(text.toUtf8())),
            QString(at, QLatin1Char('x')) + QStringLiteral("äbc\u00fdefghijklmnop"));
        const QString cut = before + QChar(0) + QStringLiteral("ABCDEFGHIJKLMNOP");
        QCOMPARE(
            QString::fromUtf8(StoreSqlite::foldCase(cut.toUtf8())), QString(at, QLatin1Char('x')));
        // A sequence cut short by the text's end stays as it is.
        const QByteArray cutShort = before.toUtf8() + QByteArray("\xc3");
        QCOMPARE(StoreSqlite::foldCase(cutShort), QByteArray(at, 'x') + QByteArray("\xc3"));
        const QByteArray cutShort3 = before.toUtf8() + QByteArray("\xc3\x84\xe2\x84");
        QCOMPARE(
            StoreSqlite::foldCase(cutShort3), QByteArray(at, 'x') + QByteArray("\xc3\xa4\xe2\x84"));
    }
}

qint64 TestStoreTextFunctions::insertRow(const QVariantList &columns)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO message_text (c0, c1, c2, c3, c4) "
                             "VALUES (?, ?, ?, smtp_pack(?), ?)"));
    for (const QVariant &v : columns)
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning() << q.lastError().text();
        return -1;
    }
    return q.lastInsertId().toLongLong();
}

QVariant TestStoreTextFunctions::evaluate(
    const QString &expression, qint64 id, const QVariant &needle)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM message_text WHERE id = ?").arg(expression));
    q.addBindValue(needle);
    q.addBindValue(id);
    if (!q.exec() || !q.next()) {
        qWarning() << q.lastError().text();
        return QStringLiteral("error");
    }
    return q.value(0);
}

void TestStoreTextFunctions::containsAgreesWithTheJoinedText_data()
{
    QTest::addColumn<QVariantList>("columns"); // subject, sender, recipients, body, attachments
    QTest::addColumn<QString>("needle");
    QTest::addColumn<bool>("contains");

    const QVariant null;
    const QString body = longBody(QStringLiteral("the Quarterly REPORT is attached"));
    const QVariantList row { QStringLiteral("Invoice 42"), QStringLiteral("Alice <alice@x.test>"),
        QStringLiteral("bob@y.test"), body, QStringLiteral("report.pdf") };
    QTest::newRow("subject") << row << QStringLiteral("invoice 4") << true;
    QTest::newRow("sender, ASCII case") << row << QStringLiteral("ALICE@X") << true;
    QTest::newRow("recipients") << row << QStringLiteral("bob@y") << true;
    QTest::newRow("compressed body") << row << QStringLiteral("quarterly report") << true;
    QTest::newRow("attachment name") << row << QStringLiteral(".pdf") << true;
    QTest::newRow("nowhere") << row << QStringLiteral("quarterly invoice") << false;
    QTest::newRow("empty needle") << row << QStringLiteral("") << true;
    QTest::newRow("needle across two columns") << row << QStringLiteral("42\nalice") << true;
    QTest::newRow("needle across body and attachments")
        << row << QStringLiteral("elit.\nreport.pdf") << true;
    QTest::newRow("needle across columns that do not meet")
        << row << QStringLiteral("42\nbob") << false;
    QTest::newRow("needle ending in a line end") << row << QStringLiteral("y.test\n") << true;

    // Past 64 KiB the fold has a buffer of its own.
    const QVariantList big { QStringLiteral("big"), QString(), QString(),
        longBody(QString(QStringLiteral("0123456789abcdef")).repeated(5000)
            + QStringLiteral("END-mark")),
        QString() };
    QTest::newRow("long body") << big << QStringLiteral("end-MARK") << true;
    QTest::newRow("long body, not found") << big << QStringLiteral("end-mask") << false;

    // The fold takes eight bytes at a time, then the rest one by one: the letters' neighbours
    // ('@' before 'A', '[' after 'Z', '`' before 'a', '{' after 'z') stay as they are, in a word
    // and in the rest.
    const QVariantList edges { QStringLiteral("12345678@[AZ`{az@[AZ"), QString(), QString(),
        QString(), QString() };
    QTest::newRow("fold: letters in a word") << edges << QStringLiteral("AZ`{AZ") << true;
    QTest::newRow("fold: across a word's end") << edges << QStringLiteral("`{az@[az") << true;
    QTest::newRow("fold: '@' stays") << edges << QStringLiteral("`[az") << false;
    QTest::newRow("fold: '[' stays") << edges << QStringLiteral("@{az") << false;
    QTest::newRow("fold: '@' stays in the rest") << edges << QStringLiteral("az`[") << false;
    QTest::newRow("fold: '[' stays in the rest") << edges << QStringLiteral("az@{") << false;
    // Nor a byte of a longer UTF-8 sequence whose low seven bits are a letter: were the lead byte
    // of Ä (c3 84) folded, it would be the first two bytes of U+3105 (e3 84 85). (The needle is
    // eight bytes and more, so that its fold too takes a word.)
    const QVariantList cjk { QStringLiteral("abcdef \u3105 y"), QString(), QString(), QString(),
        QString() };
    QTest::newRow("fold: bytes past ASCII stay") << cjk << QStringLiteral("abcdef \u00c4") << false;

    const QVariantList sparse { null, null, QStringLiteral("carol@z.test"), null, null };
    QTest::newRow("NULL columns are empty") << sparse << QStringLiteral("carol") << true;
    QTest::newRow("NULL columns still part lines") << sparse << QStringLiteral("\n\ncarol") << true;
    QTest::newRow("NULL columns, cleaned line ends")
        << sparse << QStringLiteral("\n\n\ncarol") << true;
    QTest::newRow("NULL columns, not found") << sparse << QStringLiteral("null") << false;

    const QVariantList accents { QStringLiteral("Ärger über Émile"), QString(), QString(),
        QStringLiteral("short body, not packed"), QString() };
    // Letters past ASCII without case too (SQLite's lower() folded ASCII letters only).
    QTest::newRow("non-ASCII, other case") << accents << QStringLiteral("émile") << true;
    QTest::newRow("non-ASCII, as written") << accents << QStringLiteral("Émile") << true;
    QTest::newRow("non-ASCII, upper case") << accents << QStringLiteral("ÄRGER ÜBER") << true;
    QTest::newRow("non-ASCII, accents kept") << accents << QStringLiteral("uber") << false;
    QTest::newRow("verbatim body") << accents << QStringLiteral("BODY, NOT") << true;
    QTest::newRow("longer than every column") << accents << QString(300, QLatin1Char('a')) << false;

    // The audit's cases, each in its column: the same case and the other.
    const QVariantList audit { QStringLiteral("Café Über plain"),
        QStringLiteral("Alice <alice@x.test>"), QStringLiteral("Ödön <oedoen@x>"),
        longBody(QStringLiteral("Äpfel und Öl")), QString() };
    QTest::newRow("Über, as written") << audit << QStringLiteral("Über") << true;
    QTest::newRow("über") << audit << QStringLiteral("über") << true;
    QTest::newRow("ÜBER PLAIN") << audit << QStringLiteral("ÜBER PLAIN") << true;
    QTest::newRow("Ödön, as written") << audit << QStringLiteral("Ödön") << true;
    QTest::newRow("ÖDÖN <OE") << audit << QStringLiteral("ÖDÖN <OE") << true;
    QTest::newRow("Äpfel in a packed body") << audit << QStringLiteral("Äpfel") << true;
    QTest::newRow("äpfel und öl") << audit << QStringLiteral("äpfel und öl") << true;
    QTest::newRow("ÄPFEL UND ÖL") << audit << QStringLiteral("ÄPFEL UND ÖL") << true;

    // Where folding differs: as FTS5 folds, one code point for one (the trigram index's way,
    // which a check may not outdo), never Unicode's full folding or a language's own.
    const QVariantList special { QStringLiteral("Straße in İstanbul, ılık"),
        QStringLiteral("ΟΔΟΣ Σίσυφος"), QStringLiteral("ﬁle at 300 \u212a"),
        QStringLiteral("\u023a.txt"), QString() };
    QTest::newRow("ß is not ss") << special << QStringLiteral("STRASSE") << false;
    QTest::newRow("ẞ is ß") << special << QStringLiteral("STRAẞE") << true;
    QTest::newRow("ß as written") << special << QStringLiteral("straße") << true;
    QTest::newRow("İ as written") << special << QStringLiteral("İstanbul") << true;
    QTest::newRow("İ is no i") << special << QStringLiteral("istanbul") << false;
    QTest::newRow("I is no İ") << special << QStringLiteral("ISTANBUL") << false;
    QTest::newRow("ı as written") << special << QStringLiteral("ılık") << true;
    QTest::newRow("I is no ı") << special << QStringLiteral("ILIK") << false;
    QTest::newRow("final sigma is sigma") << special << QStringLiteral("οδος") << true;
    QTest::newRow("capital sigma is sigma") << special << QStringLiteral("ΣΊΣΥΦΟΣ") << true;
    QTest::newRow("accents kept, Greek") << special << QStringLiteral("σισυφος") << false;
    QTest::newRow("ligature as written") << special << QStringLiteral("ﬁle") << true;
    QTest::newRow("ligature is no fi") << special << QStringLiteral("file") << false;
    QTest::newRow("Kelvin sign is k") << special << QStringLiteral("300 k") << true;
    QTest::newRow("k is the Kelvin sign's") << special << QStringLiteral("300 K") << true;
    QTest::newRow("two bytes fold to three") << special << QStringLiteral("\u2c65.TXT") << true;
    QTest::newRow("as written, two bytes") << special << QStringLiteral("\u023a.txt") << true;

    // Cleaned (rule 4), the needle and the text alike: line ends, tabs, < > " , ; ( ) and white
    // space are spaces, runs of them one, the needle trimmed; the columns are one text.
    const QVariantList plain { QStringLiteral("Plain"), QStringLiteral("\"Doe, John\" <j@x>"),
        QStringLiteral("carol@x"), longBody(QStringLiteral("Hello Bob, this is plain text")),
        QStringLiteral("a.txt b.pdf") };
    QTest::newRow("cleaned: a comma") << plain << QStringLiteral("hello,bob") << true;
    QTest::newRow("cleaned: a semicolon") << plain << QStringLiteral("hello;bob") << true;
    QTest::newRow("cleaned: the text's comma") << plain << QStringLiteral("bob this") << true;
    QTest::newRow("cleaned: both") << plain << QStringLiteral("Bob, this") << true;
    QTest::newRow("cleaned: runs") << plain << QStringLiteral(" (hello)\t\r\n<BOB>; ") << true;
    QTest::newRow("cleaned: no space is no space") << plain << QStringLiteral("hellobob") << false;
    QTest::newRow("cleaned: sender") << plain << QStringLiteral("doe john j@x") << true;
    QTest::newRow("cleaned: across columns") << plain << QStringLiteral("plain doe") << true;
    QTest::newRow("cleaned: across the body") << plain << QStringLiteral("elit. a.txt") << true;
    QTest::newRow("cleaned: not next to each other")
        << plain << QStringLiteral("plain carol") << false;
    QTest::newRow("cleaned: a colon stays") << plain << QStringLiteral("hello:bob") << false;
    QTest::newRow("cleaned: only cleaned characters") << plain << QStringLiteral(" ,;") << true;
    const QVariantList spaces { QStringLiteral("a\u00a0b\u3000c\u2003d"), QString(), QString(),
        QString(), QString() };
    QTest::newRow("cleaned: white space past ASCII") << spaces << QStringLiteral("A B C D") << true;
    QTest::newRow("cleaned: in the needle too")
        << spaces << QStringLiteral("a\u2028b\u0085c\u202fd") << true;

    // A text ends at its first NUL (as its trigrams in FTS5 do); a needle with one is in none.
    const QVariantList nul { QString(QStringLiteral("before") + QChar(0) + QStringLiteral("after")),
        QString(), QString(), QString(), QString() };
    QTest::newRow("NUL: before it") << nul << QStringLiteral("BEFORE") << true;
    QTest::newRow("NUL: after it") << nul << QStringLiteral("after") << false;
    QTest::newRow("NUL: in the needle") << nul << QString(QStringLiteral("e") + QChar(0)) << false;
}

void TestStoreTextFunctions::containsAgreesWithTheJoinedText()
{
    QFETCH(QVariantList, columns);
    QFETCH(QString, needle);
    QFETCH(bool, contains);
    const qint64 id = insertRow(columns);
    QVERIFY(id > 0);
    const QVariant now
        = evaluate(QStringLiteral("smtp_contains(c0, c1, c2, c3, c4, ?)"), id, needle);
    // Exactly 1 or 0: a NULL or an error is neither.
    QCOMPARE(now, QVariant(qlonglong(contains ? 1 : 0)));
    QCOMPARE(reference(columnsOf(id), needle), contains);
    // On ASCII text without NULs, for a needle that cleaning leaves as it is, what the SQL it
    // replaced says.
    bool ascii = true;
    for (const QString &text : columnsOf(id) + QStringList { needle })
        for (const QChar c : text)
            ascii = ascii && c.unicode() > 0 && c.unicode() < 0x80;
    for (const QChar c : needle)
        ascii = ascii && !StoreSqlite::cleanedAway(c.unicode());
    if (ascii)
        QCOMPARE(evaluate(QString::fromLatin1(joinedInstr), id, needle),
            QVariant(qlonglong(contains ? 1 : 0)));
}

void TestStoreTextFunctions::oneTextContains_data()
{
    QTest::addColumn<QVariant>("text");
    QTest::addColumn<QVariant>("needle");
    QTest::addColumn<QVariant>("contains");
    QTest::addColumn<QVariant>("uncleaned"); // what smtp_contains_uncleaned() says

    const QVariant null;
    const QVariant yes(1);
    const QVariant no(0);
    const QVariant odon("Ödön <oedoen@x>");
    QTest::newRow("as written") << odon << QVariant("Ödön") << yes << yes;
    QTest::newRow("other case") << odon << QVariant("ÖDÖN <OE") << yes << yes;
    QTest::newRow("cleaned") << odon << QVariant("ödön oedoen@x") << yes << no;
    QTest::newRow("cleaned, trimmed") << odon << QVariant("(ödön)") << yes << no;
    QTest::newRow("not there") << odon << QVariant("odon") << no << no;
    const QVariant doe("\"Doe, John\" <john@x>");
    QTest::newRow("a name with a comma") << doe << QVariant("doe john") << yes << no;
    QTest::newRow("a name with a comma, as written") << doe << QVariant("doe, john") << yes << yes;
    QTest::newRow("no space is no space") << doe << QVariant("doejohn") << no << no;
    QTest::newRow("NULL text") << null << QVariant("a") << no << no;
    QTest::newRow("NULL needle") << QVariant("a") << null << null << null;
    QTest::newRow("empty needle") << QVariant("a") << QVariant("") << yes << yes;
    QTest::newRow("a number") << QVariant(1420) << QVariant("42") << yes << yes;
    QTest::newRow("NUL ends the text")
        << QVariant(QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))) << QVariant("b")
        << no << no;
}

void TestStoreTextFunctions::oneTextContains()
{
    QFETCH(QVariant, text);
    QFETCH(QVariant, needle);
    QFETCH(QVariant, contains);
    QFETCH(QVariant, uncleaned);
    QSqlQuery q(db);
    QVERIFY(q.prepare(QStringLiteral("SELECT smtp_contains(?, ?), smtp_contains_uncleaned(?, ?)")));
    for (int i = 0; i < 2; ++i) {
        q.addBindValue(text);
        q.addBindValue(needle);
    }
    QVERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).isNull(), contains.isNull());
    QCOMPARE(q.value(0).toInt(), contains.toInt());
    QCOMPARE(q.value(1).isNull(), uncleaned.isNull());
    QCOMPARE(q.value(1).toInt(), uncleaned.toInt());
}

void TestStoreTextFunctions::namesAddress_data()
{
    QTest::addColumn<QVariant>("address");
    QTest::addColumn<QVariant>("to");
    QTest::addColumn<QVariant>("cc");
    QTest::addColumn<int>("named");

    const QVariant null;
    const QVariant ann("ann@shop.example");
    QTest::newRow("the address") << ann << QVariant("Ann <ann@shop.example>") << null << 1;
    QTest::newRow("bare") << ann << QVariant("ann@shop.example") << null << 1;
    QTest::newRow("another case") << ann << QVariant("ANN@Shop.Example") << null << 1;
    QTest::newRow("in the second list")
        << ann << QVariant("bob@x.example") << QVariant("Ann <ann@shop.example>") << 1;
    QTest::newRow("one of several")
        << ann << QVariant("bob@x.example, \"Doe, Ann\" <ann@shop.example>") << null << 1;
    QTest::newRow("a group's member")
        << ann << QVariant("shop: bob@x.example, ann@shop.example;") << null << 1;
    QTest::newRow("angle brackets around the address")
        << QVariant("<ann@shop.example>") << QVariant("ann@shop.example") << null << 1;
    // A substring is not enough: the address itself must be one of the list's.
    QTest::newRow("inside a longer address")
        << ann << QVariant("Jo <joann@shop.example>") << null << 0;
    QTest::newRow("the start of a longer address")
        << ann << QVariant("ann@shop.example.org") << null << 0;
    QTest::newRow("inside a quoted name")
        << ann << QVariant("\"ann@shop.example\" <desk@shop.example>") << null << 0;
    QTest::newRow("no list") << ann << null << null << 0;
    QTest::newRow("no address") << null << QVariant("ann@shop.example") << null << 0;
}

void TestStoreTextFunctions::namesAddress()
{
    QFETCH(QVariant, address);
    QFETCH(QVariant, to);
    QFETCH(QVariant, cc);
    QFETCH(int, named);
    QSqlQuery q(db);
    QVERIFY(q.prepare(QStringLiteral("SELECT smtp_names_address(?, ?, ?)")));
    q.addBindValue(address);
    q.addBindValue(to);
    q.addBindValue(cc);
    QVERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toInt(), named);
}

void TestStoreTextFunctions::packedBodyIsCompressed()
{
    // The rows above do reach the expanding path: a long body is a blob (a zstd frame).
    const qint64 id
        = insertRow({ QString(), QString(), QString(), longBody(QString()), QString() });
    QCOMPARE(evaluate(QStringLiteral("typeof(c3) || ?"), id, QStringLiteral("")).toString(),
        QStringLiteral("blob"));
}

void TestStoreTextFunctions::damagedBodyIsNoText()
{
    const qint64 id = insertRow({ QStringLiteral("subject here"), QString(), QString(),
        longBody(QStringLiteral("hidden word")), QString() });
    QSqlQuery q(db);
    QVERIFY(q.exec(
        QStringLiteral("UPDATE message_text SET c3 = substr(c3, 1, length(c3) / 2) WHERE id = %1")
            .arg(id)));
    // As smtp_text() gives NULL for it: the other columns are still searched, as the joined
    // text was.
    const QString contains = QStringLiteral("smtp_contains(c0, c1, c2, c3, c4, ?)");
    for (const QString &expression : { contains, QString::fromLatin1(joinedInstr) }) {
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("damaged compressed")));
        QCOMPARE(evaluate(expression, id, QStringLiteral("hidden")), QVariant(qlonglong(0)));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("damaged compressed")));
    QCOMPARE(evaluate(QString::fromLatin1(joinedInstr), id, QStringLiteral("SUBJECT")),
        QVariant(qlonglong(1)));
    // The subject has it: the body is not expanded (no warning of its damage).
    QTest::failOnWarning(QRegularExpression(QStringLiteral("damaged compressed")));
    QCOMPARE(evaluate(contains, id, QStringLiteral("SUBJECT")), QVariant(qlonglong(1)));
}

void TestStoreTextFunctions::nullNeedleIsNull()
{
    const qint64 id
        = insertRow({ QStringLiteral("a"), QString(), QString(), QString(), QString() });
    QVERIFY(
        evaluate(QStringLiteral("smtp_contains(c0, c1, c2, c3, c4, ?)"), id, QVariant()).isNull());
}

void TestStoreTextFunctions::oneStatementOverManyRowsAndNeedles()
{
    // One statement over rows of every kind, run again for each needle: the folded needle kept
    // for a statement's rows follows a new binding, and the fold's buffer, kept from a longer
    // text, never shows a shorter one what the longer held.
    QSqlQuery q(db);
    QVERIFY(q.exec(QStringLiteral("DELETE FROM message_text")));
    const QString nul = QStringLiteral("left") + QChar(0) + QStringLiteral("Right");
    QVERIFY(insertRow({ QString(), QString(), QString(),
                longBody(QStringLiteral("zebra-stripe at the end")), QString() })
        > 0);
    QVERIFY(insertRow({ QStringLiteral("x"), QString(), QString(), QString(), QString() }) > 0);
    QVERIFY(insertRow({ nul, QString(), QString(), 42, QString() }) > 0);
    QVERIFY(insertRow({ QString(), QString(), QStringLiteral("zebra"), QString(), QString() }) > 0);
    QVERIFY(q.exec(QStringLiteral("INSERT INTO message_text (c0, c1, c2, c3, c4) "
                                  "VALUES (x'5A45425241', 7, 2.5, 'zebra-stripe', x'00ff')")));
    QSqlQuery check(db);
    QVERIFY(check.prepare(QStringLiteral("SELECT id, smtp_contains(c0, c1, c2, c3, c4, ?), %1 "
                                         "FROM message_text ORDER BY id")
                              .arg(QLatin1String(columnsAsText))));
    const QStringList needles { QStringLiteral("zebra-stripe"), QStringLiteral("ZEBRA"),
        QStringLiteral("x"), QStringLiteral("42"), QStringLiteral("right"),
        QStringLiteral("t") + QChar(0) + QStringLiteral("r"), QStringLiteral("2.5"),
        QStringLiteral("7\n2.5\nzebra"), QStringLiteral("\n\n42\n"), QStringLiteral("nothing") };
    int found = 0;
    for (const QString &needle : needles) {
        check.addBindValue(needle);
        QVERIFY2(check.exec(), qPrintable(check.lastError().text()));
        int rows = 0;
        while (check.next()) {
            ++rows;
            const QVariant now = check.value(1);
            QStringList columns;
            for (int i = 2; i < 7; ++i)
                columns.append(check.value(i).toString());
            const bool expected = reference(columns, needle);
            QVERIFY2(now == QVariant(qlonglong(expected ? 1 : 0)),
                qPrintable(QStringLiteral("row %1, needle %2: %3 against %4")
                               .arg(check.value(0).toString(), needle, now.toString())
                               .arg(expected)));
            found += now.toInt();
        }
        QCOMPARE(rows, 5);
    }
    // zebra-stripe 2, ZEBRA 3, x 1, 42 1, 2.5 1, 7\n2.5\nzebra 1, \n\n42\n 1 ("right" and "t\0r"
    // are past a NUL, where a text ends).
    QCOMPARE(found, 10);
}

void TestStoreTextFunctions::readCacheFollowsTheStoreSize_data()
{
    QTest::addColumn<qint64>("fileBytes");
    QTest::addColumn<int>("kib");
    const qint64 mib = 1024 * 1024;
    QTest::newRow("new store") << qint64(0) << 2000;
    QTest::newRow("500 MB: SQLite's default") << 500 * mib << 2000;
    QTest::newRow("1 GiB") << 1024 * mib << 4096;
    QTest::newRow("2.5 GiB") << 2560 * mib << 10240;
    QTest::newRow("4 GiB: the most") << 4096 * mib << 16384;
    QTest::newRow("a million messages, 5.5 GB") << qint64(5818023936) << 16384;
}

void TestStoreTextFunctions::readCacheFollowsTheStoreSize()
{
    QFETCH(qint64, fileBytes);
    QFETCH(int, kib);
    QCOMPARE(StoreSqlite::readCacheKiB(fileBytes), kib);
}

QTEST_GUILESS_MAIN(TestStoreTextFunctions)
#include "tst_storetextfunctions.moc"
