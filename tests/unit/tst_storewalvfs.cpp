// StoreWalVfs, the VFS the store's writer and indexer open its file with: a commit's log frames
// reach the file in one write, and every connection (including those on SQLite's own VFS) reads
// exactly what was committed, through transactions that spill pages, rewrite frames and outgrow
// the buffer, and after a write that fails. Every test runs with synchronous = FULL (the writer:
// each commit syncs the log) and NORMAL (the indexer: no sync, the frames are published at once).
#include "sqltesthelpers.h"
#include "store/storewalvfs.h"

#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

class TestStoreWalVfs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();
    void commitIsOneWrite();
    void readersSeeEveryCommit();
    void spilledAndRewrittenFrames();
    void rolledBackFramesStayUnwritten();
    void failedWriteFailsTheCommit();
    void pathIsEscaped();

private:
    QTemporaryDir dir;
    QSqlDatabase writer; // through the VFS, synchronous as the test's global data says
    QSqlDatabase reader; // SQLite's own VFS
    QString path;
    qint64 scalar(QSqlDatabase &db, const QString &sql);
    qint64 logBytes() const;
    qint64 integrityProblems();
    // The count, the total size and samples of every row, as the reader sees them.
    QString contents();
    // The same from the writer's own connection.
    QString writersContents();
    // The same from a copy of the files as they are now (what a kill -9 would leave), opened
    // with SQLite's own VFS: committed frames must be in the log's file, with their checksums.
    QString crashedContents();
};

qint64 TestStoreWalVfs::scalar(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) {
        qWarning() << sql << q.lastError().text();
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 TestStoreWalVfs::integrityProblems()
{
    return scalar(reader,
        QStringLiteral(
            "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"));
}

qint64 TestStoreWalVfs::logBytes() const
{
    return QFileInfo(path + QStringLiteral("-wal")).size();
}

QString TestStoreWalVfs::contents()
{
    QSqlQuery q(reader);
    // 8 bytes from the start, the middle and the end of each row: its first page, an overflow
    // page in the middle and the last one of a long row.
    q.exec(
        QStringLiteral("SELECT count(*), total(length(data)), group_concat(hex(substr(data, 1, 8)) "
                       "|| hex(substr(data, length(data) / 2, 8)) || hex(substr(data, -8)), '.') "
                       "FROM (SELECT data FROM t ORDER BY id)"));
    if (!q.next())
        return q.lastError().text();
    return QStringLiteral("%1/%2/%3")
        .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
}

QString TestStoreWalVfs::writersContents()
{
    std::swap(reader, writer);
    const QString result = contents();
    std::swap(reader, writer);
    return result;
}

QString TestStoreWalVfs::crashedContents()
{
    const QString copy = dir.filePath(QStringLiteral("crashed"));
    QDir(copy).removeRecursively();
    if (!QDir().mkpath(copy))
        return QStringLiteral("cannot make %1").arg(copy);
    for (const QString &suffix : { QString(), QStringLiteral("-wal") }) {
        if (QFile::exists(path + suffix)
            && !QFile::copy(path + suffix, copy + QStringLiteral("/store.sqlite") + suffix))
            return QStringLiteral("cannot copy %1").arg(path + suffix);
    }
    QString result;
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("crashed"));
        db.setDatabaseName(copy + QStringLiteral("/store.sqlite"));
        if (!db.open())
            return db.lastError().text();
        std::swap(reader, db);
        result = contents();
        if (integrityProblems() != 0)
            result += QStringLiteral(" (damaged)");
        std::swap(reader, db);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("crashed"));
    return result;
}

void TestStoreWalVfs::initTestCase_data()
{
    QTest::addColumn<QString>("synchronous");
    QTest::newRow("FULL") << QStringLiteral("FULL");
    QTest::newRow("NORMAL") << QStringLiteral("NORMAL");
}

void TestStoreWalVfs::init()
{
    QFETCH_GLOBAL(QString, synchronous);
    QVERIFY(dir.isValid());
    path = dir.filePath(QStringLiteral("store.sqlite"));
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    writer = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
    writer.setDatabaseName(StoreWalVfs::uri(path));
    writer.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI"));
    QVERIFY2(writer.open(), qPrintable(writer.lastError().text()));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA journal_mode = WAL")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA synchronous = %1").arg(synchronous)));
    QCOMPARE(scalar(writer, QStringLiteral("PRAGMA synchronous")), synchronous == "FULL" ? 2 : 1);
    QVERIFY(SqlTest::exec(
        writer, QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)")));
    for (const char *index : { "a", "b", "c", "d", "e", "f" })
        QVERIFY(SqlTest::exec(writer,
            QStringLiteral("CREATE INDEX t_%1 ON t (substr(data, %2, 8))")
                .arg(QLatin1String(index))
                .arg(int(*index))));
    reader = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("reader"));
    reader.setDatabaseName(path);
    QVERIFY2(reader.open(), qPrintable(reader.lastError().text()));
    QVERIFY(SqlTest::exec(reader, QStringLiteral("PRAGMA busy_timeout = 5000")));
}

void TestStoreWalVfs::cleanup()
{
    writer.close();
    reader.close();
    writer = reader = {};
    QSqlDatabase::removeDatabase(QStringLiteral("writer"));
    QSqlDatabase::removeDatabase(QStringLiteral("reader"));
}

void TestStoreWalVfs::commitIsOneWrite()
{
    // Opened through the VFS: the log is its file.
    QVERIFY(StoreWalVfs::uri(path).contains(QLatin1String("vfs=")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(100))")));
    for (int i = 0; i < 20; ++i) {
        const qint64 before = logBytes();
        const quint64 writes = StoreWalVfs::fileWrites();
        // 6 indexes and 12 KB of overflow pages: at least 8 pages.
        QVERIFY(SqlTest::exec(
            writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(12000))")));
        const qint64 frames = (logBytes() - before) / (24 + 4096);
        QVERIFY2(frames >= 8, qPrintable(QString::number(frames)));
        QCOMPARE(StoreWalVfs::fileWrites() - writes, quint64(1));
    }
    QCOMPARE(contents(), writersContents());
    QCOMPARE(scalar(reader, QStringLiteral("SELECT count(*) FROM t")), 21);
}

void TestStoreWalVfs::readersSeeEveryCommit()
{
    // Commits of every size, from one page to several buffers' worth, each checked at once by a
    // connection on SQLite's own VFS, and a checkpoint now and then (the log starts over).
    auto *random = QRandomGenerator::global();
    // A small cache: big transactions spill frames to the log before they commit.
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA cache_size = 8")));
    for (int i = 0; i < 80; ++i) {
        const int rows = 1 + int(random->bounded(4));
        QVERIFY(SqlTest::exec(writer, QStringLiteral("BEGIN")));
        for (int r = 0; r < rows; ++r) {
            // Now and then a row of more than a buffer (StoreWalVfs::bufferBytes).
            const int bytes = i % 10 == 0 ? StoreWalVfs::bufferBytes + int(random->bounded(150000))
                                          : int(random->bounded(5000));
            QVERIFY(SqlTest::exec(
                writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(?))"), { bytes }));
        }
        if (i % 3 == 0)
            QVERIFY(SqlTest::exec(writer,
                QStringLiteral("UPDATE t SET data = randomblob(length(data)) "
                               "WHERE id % 7 = ? AND length(data) < 5000"),
                { i % 7 }));
        QVERIFY(SqlTest::exec(writer, QStringLiteral("COMMIT")));
        QCOMPARE(contents(), writersContents());
        if (i % 8 == 7)
            QCOMPARE(crashedContents(), contents());
        if (i % 25 == 24)
            QVERIFY(SqlTest::exec(reader, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
    }
    QCOMPARE(integrityProblems(), 0);
}

void TestStoreWalVfs::spilledAndRewrittenFrames()
{
    // A cache of a few pages: a big transaction spills pages to the log before its commit, reads
    // them back, and writes the same pages again (SQLite then rewrites their frames in place).
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA cache_size = 4")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("BEGIN")));
    for (int r = 0; r < 300; ++r)
        QVERIFY(SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(?))"),
            { 200 + r * 37 % 9000 }));
    const quint64 writes = StoreWalVfs::fileWrites();
    for (int pass = 0; pass < 3; ++pass)
        QVERIFY(SqlTest::exec(writer,
            QStringLiteral("UPDATE t SET data = randomblob(length(data) + 1) WHERE id % 3 = ?"),
            { pass }));
    // The transaction's own reads of what it spilled come back right.
    QCOMPARE(scalar(writer, QStringLiteral("SELECT total(length(data)) FROM t")),
        scalar(writer, QStringLiteral("SELECT 300 + total(200 + (id - 1) * 37 % 9000) FROM t")));
    QVERIFY(StoreWalVfs::fileWrites() > writes); // it did spill
    const QString before = contents();
    QCOMPARE(before, QStringLiteral("0/0/"));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("COMMIT")));
    QCOMPARE(contents(), writersContents());
    QCOMPARE(crashedContents(), contents());
    QCOMPARE(scalar(reader, QStringLiteral("SELECT count(*) FROM t")), 300);
    QCOMPARE(integrityProblems(), 0);
}

void TestStoreWalVfs::rolledBackFramesStayUnwritten()
{
    // A transaction that spilled frames and rolled back, right after the log started over: then
    // another connection commits at the same offsets. Nothing of the first one's may reach the
    // file after its write lock is gone (its next read of the log would have written it).
    QVERIFY(SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(100))")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("PRAGMA cache_size = 4")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("BEGIN")));
    for (int r = 0; r < 40; ++r)
        QVERIFY(SqlTest::exec(
            writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(3000))")));
    QVERIFY(SqlTest::exec(writer, QStringLiteral("ROLLBACK")));

    // More than the first one wrote, so that its frames cover every offset the first one's did.
    QVERIFY(SqlTest::exec(reader, QStringLiteral("BEGIN")));
    for (int r = 0; r < 80; ++r)
        QVERIFY(SqlTest::exec(
            reader, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(3000))")));
    QVERIFY(SqlTest::exec(reader, QStringLiteral("COMMIT")));
    QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() > 200000);
    const QString committed = contents();
    QCOMPARE(scalar(writer, QStringLiteral("SELECT count(*) FROM t")), 81);
    QCOMPARE(writersContents(), committed);
    QCOMPARE(contents(), committed);
    QCOMPARE(integrityProblems(), 0);
    QCOMPARE(crashedContents(), committed);
}

void TestStoreWalVfs::failedWriteFailsTheCommit()
{
    // A file size limit stands in for a full disk: the gathered frames fail to reach the log at
    // the commit's sync. The commit fails, every connection keeps what was committed before, and
    // once there is room again the next commit succeeds.
    QVERIFY(
        SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(3000))")));
    const QString committed = contents();
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    rlimit limit = old;
    limit.rlim_cur = rlim_t(qMax(logBytes(), QFileInfo(path).size()) + 20000);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const bool ok
        = SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(90000))"));
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &old), 0);
    std::signal(SIGXFSZ, SIG_DFL);
    QVERIFY(!ok);
    QCOMPARE(contents(), committed);
    QCOMPARE(writersContents(), committed);

    QVERIFY(
        SqlTest::exec(writer, QStringLiteral("INSERT INTO t (data) VALUES (randomblob(90000))")));
    QCOMPARE(scalar(reader, QStringLiteral("SELECT count(*) FROM t")), 2);
    QCOMPARE(contents(), writersContents());
    QCOMPARE(integrityProblems(), 0);
}

void TestStoreWalVfs::pathIsEscaped()
{
    // Characters that mean something in a URI stay part of the file's name.
    const QString odd = dir.filePath(QStringLiteral("a?b#c%41 d&vfs=unix/store.sqlite"));
    QVERIFY(QDir().mkpath(QFileInfo(odd).absolutePath()));
    QFile::remove(odd); // from the other synchronous setting's run
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("odd"));
        db.setDatabaseName(StoreWalVfs::uri(odd));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QVERIFY(SqlTest::exec(db, QStringLiteral("PRAGMA journal_mode = WAL")));
        QVERIFY(SqlTest::exec(db, QStringLiteral("CREATE TABLE odd (x)")));
        const quint64 writes = StoreWalVfs::fileWrites();
        QVERIFY(SqlTest::exec(db, QStringLiteral("INSERT INTO odd VALUES (1)")));
        QVERIFY(StoreWalVfs::fileWrites() > writes); // through this VFS, not "unix"
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("odd"));
    QVERIFY(QFileInfo(odd).size() > 0);
    // Nothing named after a piece of it ("a", "b"...) beside the test's own store.
    QStringList entries = QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    entries.removeIf([](const QString &name) {
        return name.startsWith(QLatin1String("store.")) || name == QLatin1String("crashed");
    });
    QCOMPARE(entries, QStringList { QStringLiteral("a?b#c%41 d&vfs=unix") });
}

QTEST_GUILESS_MAIN(TestStoreWalVfs)
#include "tst_storewalvfs.moc"
