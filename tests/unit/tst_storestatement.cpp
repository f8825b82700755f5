// StoreStatement: the store's statements bound through SQLite's C API must store what QSqlQuery
// stored (the rows the rest of the store, and older builds, read back), and fail as loudly.
#include "sqltesthelpers.h"
#include "store/storesqlite.h"
#include "store/storestatement.h"

#include <QSqlQuery>
#include <QTest>

#include <sqlite3.h>

class TestStoreStatement : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void storesWhatQSqlQueryStores();
    void failuresAreReportedAndPassing();
    void bindingsOutliveTheirArguments();

private:
    QSqlDatabase m_db;
    // typeof and value of each column of the row with rowid id: "text:abc|null:|integer:7|..."
    QString row(qint64 id);
};

void TestStoreStatement::init()
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("statement"));
    m_db.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY(m_db.open());
    QVERIFY(SqlTest::exec(m_db,
        QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c, d, e, f NOT NULL)")));
}

void TestStoreStatement::cleanup()
{
    m_db.close();
    m_db = {};
    QSqlDatabase::removeDatabase(QStringLiteral("statement"));
}

QString TestStoreStatement::row(qint64 id)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT typeof(a) || ':' || ifnull(hex(a), ''), typeof(b) || ':' || ifnull(hex(b), ''), "
        "typeof(c) || ':' || ifnull(hex(c), ''), typeof(d) || ':' || ifnull(hex(d), ''), "
        "typeof(e) || ':' || ifnull(hex(e), ''), typeof(f) || ':' || ifnull(hex(f), '') "
        "FROM t WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return QStringLiteral("no row");
    QStringList columns;
    for (int i = 0; i < 6; ++i)
        columns.append(q.value(i).toString());
    return columns.join(QLatin1Char('|'));
}

void TestStoreStatement::storesWhatQSqlQueryStores()
{
    // The same values, bound by QSqlQuery (row 1) and by StoreStatement (row 2).
    const QString text
        = QStringLiteral("Grüße, 日本 \U0001F600 and a") + QChar(0) + QLatin1Char('b');
    const QByteArray blob("\x00\x01\xff zstd", 8);
    const QString emptyText = QStringLiteral("");
    const QByteArray emptyBlob("");
    QVERIFY(!emptyText.isNull() && !emptyBlob.isNull());
    const char sql[] = "INSERT INTO t (id, a, b, c, d, e, f) VALUES (?, ?, ?, ?, ?, ?, ?)";

    QSqlQuery viaQt(m_db);
    QVERIFY(viaQt.prepare(QString::fromLatin1(sql)));
    const QVariantList values { 1, text, blob, QString(), emptyText, emptyBlob,
        -(qint64(1) << 40) };
    for (int i = 0; i < values.size(); ++i)
        viaQt.bindValue(i, values.at(i));
    QVERIFY(viaQt.exec());
    viaQt.finish();
    QVERIFY(SqlTest::exec(m_db, QStringLiteral("INSERT INTO t (id, a, f) VALUES (3, NULL, 1)")));
    viaQt.bindValue(0, 4);
    viaQt.bindValue(6, QByteArray()); // a null QByteArray is NULL too
    QVERIFY(!viaQt.exec()); // f NOT NULL

    StoreStatement statement;
    QString error;
    QVERIFY2(statement.prepare(m_db, sql, &error), qPrintable(error));
    statement.bind(0, 2);
    statement.bind(1, text);
    statement.bind(2, blob);
    statement.bind(3, QString());
    statement.bind(4, emptyText);
    statement.bind(5, emptyBlob);
    statement.bind(6, -(qint64(1) << 40));
    QVERIFY2(statement.exec(&error), qPrintable(error));
    QCOMPARE(statement.lastInsertId(), 2);
    QCOMPARE(statement.changes(), 1);

    QCOMPARE(row(2), row(1));
    // Text handed over in UTF-8 already: the same row.
    statement.bind(0, 6);
    statement.bindText(1, text.toUtf8());
    statement.bind(2, blob);
    statement.bindText(3, QByteArray());
    statement.bindText(4, QByteArray(""));
    statement.bind(5, emptyBlob);
    statement.bind(6, -(qint64(1) << 40));
    QVERIFY2(statement.exec(&error), qPrintable(error));
    QCOMPARE(row(6), row(1));
    QCOMPARE(row(2),
        QStringLiteral("text:%1|blob:%2|null:|text:|blob:|integer:%3")
            .arg(QString::fromLatin1(text.toUtf8().toHex().toUpper()),
                QString::fromLatin1(blob.toHex().toUpper()),
                QString::fromLatin1(QByteArray::number(-(qint64(1) << 40)).toHex().toUpper())));
    statement.bind(0, 5);
    statement.bind(6, QByteArray());
    QVERIFY(!statement.exec(&error));
    QVERIFY2(error.contains(QLatin1String("NOT NULL")), qPrintable(error));

    // For a NOT NULL column: text as bind() binds it, a null QString as ''.
    statement.bind(0, 7);
    statement.bindTextOrEmpty(1, text);
    statement.bind(2, blob);
    statement.bindTextOrEmpty(3, emptyText);
    statement.bindTextOrEmpty(4, QString());
    statement.bind(5, emptyBlob);
    statement.bind(6, -(qint64(1) << 40));
    QVERIFY2(statement.exec(&error), qPrintable(error));
    QCOMPARE(row(7).section(QLatin1Char('|'), 0, 0), row(1).section(QLatin1Char('|'), 0, 0));
    QCOMPARE(row(7).section(QLatin1Char('|'), 2, 3), QStringLiteral("text:|text:"));
}

void TestStoreStatement::failuresAreReportedAndPassing()
{
    StoreStatement statement;
    QString error;
    QVERIFY(!statement.prepare(m_db, "INSERT INTO nowhere VALUES (?)", &error));
    QVERIFY2(error.contains(QLatin1String("nowhere")), qPrintable(error));

    QVERIFY(statement.prepare(m_db, "INSERT INTO t (id, a, f) VALUES (?, ?, 0)", &error));
    // A value SQLite refuses leaves NULL in its place: the statement must fail, not store that.
    sqlite3 *handle = StoreSqlite::handle(m_db);
    const int limit = sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, 64);
    statement.bind(0, 1);
    statement.bind(1, QString(65, QLatin1Char('x')));
    error.clear();
    QVERIFY(!statement.exec(&error));
    QVERIFY2(error.contains(QLatin1String("too big")), qPrintable(error));
    QCOMPARE(row(1), QStringLiteral("no row"));
    // Still refused while that parameter keeps the refused value, whatever else is bound.
    statement.bind(0, 1);
    QVERIFY(!statement.exec(&error));
    // Bound again within the limit, it runs.
    statement.bind(1, QString(20, QLatin1Char('x')));
    QVERIFY2(statement.exec(&error), qPrintable(error));
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, limit); // for row()'s hex
    QCOMPARE(row(1).section(QLatin1Char('|'), 0, 0),
        QStringLiteral("text:") + QString::fromLatin1(QByteArray(20, 'x').toHex().toUpper()));
    // A constraint: the message, and the statement reset for the next run.
    statement.bind(0, 1);
    QVERIFY(!statement.exec(&error));
    QVERIFY2(error.contains(QLatin1String("UNIQUE")), qPrintable(error));
    statement.bind(0, 2);
    QVERIFY2(statement.exec(&error), qPrintable(error));
    QCOMPARE(statement.lastInsertId(), 2);

    // Prepared again, nothing refused before counts.
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, 64);
    statement.bind(1, QString(65, QLatin1Char('y')));
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, limit);
    QVERIFY(statement.prepare(m_db, "INSERT INTO t (id, a, f) VALUES (?, ?, 0)", &error));
    statement.bind(0, 3);
    statement.bind(1, QStringLiteral("again"));
    QVERIFY2(statement.exec(&error), qPrintable(error));
}

void TestStoreStatement::bindingsOutliveTheirArguments()
{
    // Bound from temporaries, read by SQLite only when the statement runs (under AddressSanitizer
    // a binding that pointed into a temporary's freed bytes fails here).
    StoreStatement statement;
    QString error;
    QVERIFY(statement.prepare(m_db, "INSERT INTO t (id, a, b, f) VALUES (?, ?, ?, 0)", &error));
    statement.bind(0, 1);
    statement.bind(1, QString(QStringLiteral("temporary ") + QString::number(42)));
    statement.bind(2, QByteArray("bytes ") + QByteArray::number(7));
    QVERIFY2(statement.exec(&error), qPrintable(error));
    QSqlQuery q(m_db);
    QVERIFY(q.exec(QStringLiteral("SELECT a, b FROM t WHERE id = 1")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("temporary 42"));
    QCOMPARE(q.value(1).toByteArray(), QByteArray("bytes 7"));
}

QTEST_GUILESS_MAIN(TestStoreStatement)
#include "tst_storestatement.moc"
