// The SQL functions the store defines on its connections (StoreSqlite::installFunctions): above
// all smtp_contains(), the check behind every search word, which must say exactly what the SQL it
// replaced says, instr(lower(<the five columns joined by line ends>), lower(?)) > 0, on every
// kind of row: NULL columns, a compressed body, a damaged one, a needle across two columns. And the
// page cache a store's reading connection gets for the size of its file.
#include "store/storesqlite.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

namespace {

// What searches checked before smtp_contains(), over the same columns.
const char joinedInstr[]
    = "instr(lower(ifnull(c0, '') || char(10) || ifnull(c1, '') || char(10) || ifnull(c2, '') "
      "|| char(10) || ifnull(smtp_text(c3), '') || char(10) || ifnull(c4, '')), lower(?)) > 0";

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
    void containsAgreesWithTheJoinedText_data();
    void containsAgreesWithTheJoinedText();
    void packedBodyIsCompressed();
    void damagedBodyIsNoText();
    void nullNeedleIsNull();
    void oneStatementOverManyRowsAndNeedles();
    void readCacheFollowsTheStoreSize_data();
    void readCacheFollowsTheStoreSize();

private:
    QSqlDatabase db;
    // Puts one row in message_text (the body through smtp_pack()) and returns its id.
    qint64 insertRow(const QVariantList &columns);
    QVariant evaluate(const QString &expression, qint64 id, const QVariant &needle);
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
    QTest::newRow("NULL columns, three line ends")
        << sparse << QStringLiteral("\n\n\ncarol") << false;
    QTest::newRow("NULL columns, not found") << sparse << QStringLiteral("null") << false;

    const QVariantList accents { QStringLiteral("Ärger über Émile"), QString(), QString(),
        QStringLiteral("short body, not packed"), QString() };
    // SQLite's lower() folds ASCII letters only: É is not é.
    QTest::newRow("non-ASCII, same case") << accents << QStringLiteral("émile") << false;
    QTest::newRow("non-ASCII, as written") << accents << QStringLiteral("Émile") << true;
    QTest::newRow("non-ASCII, ASCII letters folded") << accents << QStringLiteral("ÄRGER") << true;
    QTest::newRow("verbatim body") << accents << QStringLiteral("BODY, NOT") << true;
    QTest::newRow("longer than every column") << accents << QString(300, QLatin1Char('a')) << false;
}

void TestStoreTextFunctions::containsAgreesWithTheJoinedText()
{
    QFETCH(QVariantList, columns);
    QFETCH(QString, needle);
    QFETCH(bool, contains);
    const qint64 id = insertRow(columns);
    QVERIFY(id > 0);
    const QVariant before = evaluate(QString::fromLatin1(joinedInstr), id, needle);
    const QVariant now
        = evaluate(QStringLiteral("smtp_contains(c0, c1, c2, c3, c4, ?)"), id, needle);
    // Exactly 1 or 0: a NULL or an error is neither.
    QCOMPARE(before, QVariant(qlonglong(contains ? 1 : 0)));
    QCOMPARE(now, QVariant(qlonglong(contains ? 1 : 0)));
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
                              .arg(QLatin1String(joinedInstr))));
    const QStringList needles { QStringLiteral("zebra-stripe"), QStringLiteral("ZEBRA"),
        QStringLiteral("x"), QStringLiteral("42"), QStringLiteral("right"),
        QStringLiteral("t") + QChar(0) + QStringLiteral("r"), QStringLiteral("2.5"),
        QStringLiteral("7\n2.5\nzebra"), QStringLiteral("\n\n42\n"), QStringLiteral("nothing") };
    int found = 0;
    for (const QString &needle : needles) {
        check.addBindValue(needle);
        check.addBindValue(needle);
        QVERIFY2(check.exec(), qPrintable(check.lastError().text()));
        int rows = 0;
        while (check.next()) {
            ++rows;
            const QVariant now = check.value(1);
            QVERIFY2(now == check.value(2),
                qPrintable(QStringLiteral("row %1, needle %2: %3 against %4")
                               .arg(check.value(0).toString(), needle, now.toString(),
                                   check.value(2).toString())));
            QVERIFY(now == QVariant(qlonglong(0)) || now == QVariant(qlonglong(1)));
            found += now.toInt();
        }
        QCOMPARE(rows, 5);
    }
    // zebra-stripe 2, ZEBRA 3, x 1, 42 1, right 1, t\0r 1, 2.5 1, 7\n2.5\nzebra 1, \n\n42\n 1.
    QCOMPARE(found, 12);
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
