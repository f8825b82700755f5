// smtp_listed(), the list a walk of a sort key's index tests each row against (a search's
// candidates, a mailbox's messages), and StoreSchema::rarestTerm(), the term that list is read
// from. smtp_listed() must say exactly what "id IN (SELECT ...)" says, for dense and sparse ids,
// on every row of one statement, and afresh when the statement runs again.
#include "sqltesthelpers.h"
#include "store/searchquery.h"
#include "store/storeschema.h"
#include "store/storesqlite.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

namespace {

const char *const fullTextTables[]
    = { "messages_trigram", "messages_from_trigram", "messages_to_trigram" };

} // namespace

class TestStoreLists : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void mailboxListIsTheMailbox_data();
    void mailboxListIsTheMailbox();
    void fullTextListsAreTheirMatches();
    void listIsReadAgainForEachRun();
    void unknownListIsAnError();
    void interruptedListFailsTheStatement();
    void rarestTermLeadsTheWalk();

private:
    QSqlDatabase db;
    bool exec(const QString &sql, const QVariantList &bindings = {});
    void addToMailbox(const QString &mailbox, const QList<qint64> &ids);
    // For every id of probes: smtp_listed(list, key, id) and the subquery's answer, from one
    // statement (so one list serves every row), as "id:listed:expected" where they differ.
    QStringList disagreements(const QString &list, const QVariant &key, const QString &expected);
};

bool TestStoreLists::exec(const QString &sql, const QVariantList &bindings)
{
    return SqlTest::exec(db, sql, bindings);
}

void TestStoreLists::init()
{
    db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("lists"));
    db.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    QString error;
    QVERIFY2(StoreSqlite::installFunctions(db, &error), qPrintable(error));
    QVERIFY(
        exec(QStringLiteral("CREATE TABLE message_mailboxes (mailbox TEXT NOT NULL, message "
                            "INTEGER NOT NULL, PRIMARY KEY (mailbox, message)) WITHOUT ROWID")));
    for (const char *table : fullTextTables)
        QVERIFY(exec(QStringLiteral("CREATE VIRTUAL TABLE %1 USING fts5(t, tokenize = 'trigram', "
                                    "detail = none)")
                         .arg(QLatin1String(table))));
    QVERIFY(exec(QStringLiteral("CREATE TABLE probes (id INTEGER PRIMARY KEY)")));
}

void TestStoreLists::cleanup()
{
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("lists"));
}

void TestStoreLists::addToMailbox(const QString &mailbox, const QList<qint64> &ids)
{
    for (const qint64 id : ids) {
        QVERIFY(exec(QStringLiteral("INSERT INTO message_mailboxes VALUES (?, ?)"),
            { mailbox, QVariant::fromValue(id) }));
        QVERIFY(exec(QStringLiteral("INSERT OR IGNORE INTO probes VALUES (?), (?), (?)"),
            { QVariant::fromValue(id), QVariant::fromValue(id - 1), QVariant::fromValue(id + 1) }));
    }
}

QStringList TestStoreLists::disagreements(
    const QString &list, const QVariant &key, const QString &expected)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, smtp_listed(?, ?, id), %1 FROM probes ORDER BY id")
                  .arg(expected));
    q.addBindValue(list);
    q.addBindValue(key);
    q.addBindValue(key);
    if (!q.exec())
        return { q.lastError().text() };
    QStringList differ;
    int rows = 0;
    while (q.next()) {
        ++rows;
        if (q.value(1).toInt() != q.value(2).toInt())
            differ << QStringLiteral("%1:%2:%3")
                          .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
    }
    if (rows == 0)
        differ << QStringLiteral("no probes");
    return differ;
}

void TestStoreLists::mailboxListIsTheMailbox_data()
{
    QTest::addColumn<QList<qint64>>("ids");
    QList<qint64> dense;
    for (qint64 id = 1; id <= 3000; id += 3)
        dense << id;
    QTest::newRow("dense: a bitmap") << dense;
    QTest::newRow("one") << QList<qint64> { 42 };
    // Too far apart for a bitmap to be small (past 1 MiB, and 64 bytes an id): the sorted ids.
    QTest::newRow("sparse") << QList<qint64> { 1, 1000000, 1000000000000, Q_INT64_C(1) << 62 };
    // A bitmap at first, then one far id: the ids so far move to the sorted list.
    QList<qint64> denseThenFar = dense;
    denseThenFar << 100000000 << 100000001;
    QTest::newRow("dense, then far") << denseThenFar;
    // Bits at both ends of 64-bit words.
    QTest::newRow("word edges") << QList<qint64> { 7, 7 + 63, 7 + 64, 7 + 127, 7 + 128 };
}

void TestStoreLists::mailboxListIsTheMailbox()
{
    QFETCH(QList<qint64>, ids);
    addToMailbox(QStringLiteral("box"), ids);
    addToMailbox(QStringLiteral("other"), { 2, 3, 4, 9000000 });
    const QString inBox = QStringLiteral(
        "EXISTS (SELECT 1 FROM message_mailboxes x WHERE x.mailbox = ? AND x.message = id)");
    QCOMPARE(disagreements(QStringLiteral("mailbox"), QStringLiteral("box"), inBox), {});
    QCOMPARE(disagreements(QStringLiteral("mailbox"), QStringLiteral("other"), inBox), {});
    QCOMPARE(disagreements(QStringLiteral("mailbox"), QStringLiteral("none"), inBox), {});
    QCOMPARE(disagreements(QStringLiteral("mailbox"), QVariant(), inBox), {}); // lists nothing
    QSqlQuery listed(db);
    QVERIFY(
        listed.exec(QStringLiteral("SELECT sum(smtp_listed('mailbox', 'box', id)) FROM probes")));
    QVERIFY(listed.next());
    QCOMPARE(listed.value(0).toLongLong(), qint64(ids.size()));
}

void TestStoreLists::fullTextListsAreTheirMatches()
{
    const QStringList texts { QStringLiteral("Alice sends the invoice"),
        QStringLiteral("police notice"), QStringLiteral("Natalie, quality first"),
        QStringLiteral("nothing here"), QStringLiteral("alice again") };
    for (const char *table : fullTextTables) {
        const QString name = QLatin1String(table);
        // Each table its own rows and ids, newest last, some ids skipped.
        for (int i = 0; i < texts.size(); ++i) {
            const qint64 id = 10 + i * 7 + int(qHash(name) % 5);
            QVERIFY(exec(QStringLiteral("INSERT INTO %1 (rowid, t) VALUES (?, ?)").arg(name),
                { id, texts.at(i) }));
            QVERIFY(exec(
                QStringLiteral("INSERT OR IGNORE INTO probes VALUES (?), (?)"), { id, id + 1 }));
        }
    }
    for (const char *table : fullTextTables) {
        const QString name = QLatin1String(table);
        const QString matches
            = QStringLiteral("id IN (SELECT rowid FROM %1 WHERE %1 MATCH ?)").arg(name);
        for (const QString &query : { QStringLiteral("\"ali\""), QStringLiteral("\"ice\""),
                 QStringLiteral("\"ali\" AND \"ice\""), QStringLiteral("\"zzz\"") })
            QVERIFY2(disagreements(name, query, matches).isEmpty(),
                qPrintable(name + QLatin1Char(' ') + query + QLatin1String(": ")
                    + disagreements(name, query, matches).join(QLatin1Char(' '))));
    }
}

void TestStoreLists::listIsReadAgainForEachRun()
{
    // The list is kept for the rows of one run; the next run of the same prepared statement
    // reads it again, and sees what was added meanwhile.
    addToMailbox(QStringLiteral("box"), { 5, 6 });
    QSqlQuery q(db);
    QVERIFY(q.prepare(QStringLiteral("SELECT count(*) FROM probes WHERE smtp_listed('mailbox', ?, "
                                     "id)")));
    q.addBindValue(QStringLiteral("box"));
    QVERIFY(q.exec() && q.next());
    QCOMPARE(q.value(0).toInt(), 2);
    addToMailbox(QStringLiteral("box"), { 20 });
    q.addBindValue(QStringLiteral("box"));
    QVERIFY(q.exec() && q.next());
    QCOMPARE(q.value(0).toInt(), 3);
    // Another key in the same statement: its own list.
    q.addBindValue(QStringLiteral("empty"));
    QVERIFY(q.exec() && q.next());
    QCOMPARE(q.value(0).toInt(), 0);
}

void TestStoreLists::unknownListIsAnError()
{
    addToMailbox(QStringLiteral("box"), { 1 });
    for (const QString &list :
        { QStringLiteral("messages"), QStringLiteral("mailbox; DROP TABLE probes"), QString() }) {
        QSqlQuery q(db);
        QVERIFY(q.prepare(QStringLiteral("SELECT smtp_listed(?, 'box', id) FROM probes")));
        q.addBindValue(list);
        QVERIFY(!q.exec() || !q.next());
        QVERIFY2(q.lastError().text().contains(QLatin1String("no such list")),
            qPrintable(q.lastError().text()));
    }
    QVERIFY(exec(QStringLiteral("SELECT count(*) FROM probes")));
}

void TestStoreLists::interruptedListFailsTheStatement()
{
    // A walk under a StatementBudget that runs out while its list is read fails, as SQLite's own
    // list would: never a page that silently left rows out. The statement around the list does
    // next to nothing, so the interruption is the list's.
    QList<qint64> many;
    for (qint64 id = 1; id <= 5000; ++id)
        many << id;
    addToMailbox(QStringLiteral("box"), many);
    QSqlQuery q(db);
    QVERIFY(q.prepare(QStringLiteral("SELECT smtp_listed('mailbox', 'box', 4999)")));
    {
        StoreSqlite::StatementBudget budget(db, 2000);
        QVERIFY(!q.exec() || !q.next());
        QVERIFY(budget.spent());
    }
    QVERIFY2(q.lastError().text().contains(QLatin1String("smtp_listed(): interrupted")),
        qPrintable(q.lastError().text()));
    QVERIFY(q.exec() && q.next());
    QCOMPARE(q.value(0).toInt(), 1);
}

void TestStoreLists::rarestTermLeadsTheWalk()
{
    // "ice" in every message, "ali" in one of ten: the walk's list is read from "ali" alone.
    for (int i = 1; i <= 2000; ++i)
        QVERIFY(exec(QStringLiteral("INSERT INTO messages_trigram (rowid, t) VALUES (?, ?)"),
            { i, i % 10 == 0 ? QStringLiteral("alice's invoice") : QStringLiteral("notice") }));
    const SearchQuery alice = SearchQuery::compile(QStringLiteral("alice"), QDateTime());
    QCOMPARE(alice.leadingMatchTable, QStringLiteral("messages_trigram"));
    QCOMPARE(
        alice.leadingTerms, (QStringList { QStringLiteral("\"ali\""), QStringLiteral("\"ice\"") }));
    QCOMPARE(alice.bindings.constFirst().toString(), QStringLiteral("\"ali\" AND \"ice\""));
    QCOMPARE(StoreSchema::rarestTerm(db, alice, 2000), QStringLiteral("\"ali\""));
    // Found first or last, the rarer is chosen.
    const SearchQuery notice = SearchQuery::compile(QStringLiteral("ice ali"), QDateTime());
    QCOMPARE(notice.leadingTerms,
        (QStringList { QStringLiteral("\"ice\""), QStringLiteral("\"ali\"") }));
    QCOMPARE(StoreSchema::rarestTerm(db, notice, 2000), QStringLiteral("\"ali\""));
    // A term in no message at all is the rarest.
    const SearchQuery none = SearchQuery::compile(QStringLiteral("alice zebra"), QDateTime());
    QCOMPARE(StoreSchema::rarestTerm(db, none, 2000), QStringLiteral("\"zeb\""));
    // One term: the whole binding.
    const SearchQuery one = SearchQuery::compile(QStringLiteral("ali"), QDateTime());
    QCOMPARE(StoreSchema::rarestTerm(db, one, 2000), QStringLiteral("\"ali\""));
    // A column's check does not imply the lookup (the index may not hold the column): all.
    const SearchQuery column = SearchQuery::compile(QStringLiteral("subject:alice"), QDateTime());
    QVERIFY(!column.leadingMatchImplied);
    QCOMPARE(column.leadingTerms.size(), 2);
    QCOMPARE(StoreSchema::rarestTerm(db, column, 2000), QStringLiteral("\"ali\" AND \"ice\""));
    // Words shorter than a trigram: no lookup at all, their checks alone.
    const SearchQuery words = SearchQuery::compile(QStringLiteral("al ic"), QDateTime());
    QVERIFY(words.leadingMatchTable.isEmpty());
    QVERIFY(words.leadingTerms.isEmpty());
    QCOMPARE(StoreSchema::rarestTerm(db, words, 2000), words.bindings.constFirst().toString());
}

QTEST_GUILESS_MAIN(TestStoreLists)
#include "tst_storelists.moc"
