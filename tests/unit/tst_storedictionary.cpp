// The store's zstd dictionaries (storecompression.h): trained on mail, they make a message's
// frame smaller than compressing it alone; a frame that names one is read back only with that
// one, found among the store's dictionaries or read from compression_dictionaries on the
// connection that reads the frame (another process trained it), also by the SQL functions that
// expand the full-text body.
#include "store/storecompression.h"
#include "store/storesqlite.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace StoreCompression;

namespace {

// One message as an app's template makes it: the same headers and prose, a few values changed.
QByteArray templatedMessage(int i)
{
    const QByteArray n = QByteArray::number(i);
    QByteArray body;
    for (int line = 0; line < 12; ++line)
        body += "Thank you for your order " + n + ". Your parcel leaves our warehouse in "
            + QByteArray::number((i * 7 + line) % 31) + " days; track it with code TR" + n
            + QByteArray::number(line) + ".\r\n";
    return "Date: Mon, 1 Jan 2024 10:00:" + QByteArray::number(i % 60).rightJustified(2, '0')
        + " +0000\r\nFrom: \"Shop\" <orders@shop.test>\r\nTo: customer" + n
        + "@example.test\r\nSubject: Your order " + n + " is confirmed\r\nMessage-ID: <" + n
        + ".order@shop.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
          "Content-Transfer-Encoding: 7bit\r\n\r\n"
        + body;
}

QList<QByteArray> samples(int count, int first = 0)
{
    QList<QByteArray> result;
    for (int i = first; i < first + count; ++i)
        result.append(templatedMessage(i));
    return result;
}

std::shared_ptr<const Dictionary> trained()
{
    QString error;
    auto dictionary = Dictionary::train(samples(300), 16 * 1024, &error);
    if (!dictionary)
        qWarning() << "training failed:" << error;
    return dictionary;
}

} // namespace

class TestStoreDictionary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void framesWithADictionaryAreSmallerAndReadBack();
    void frameNeedsItsOwnDictionary();
    void onlyZstdDictionariesAreTaken();
    void tooLittleMailMakesNoDictionary();
    void missingDictionaryIsReadFromTheConnection();
    void sqlFunctionsExpandWithTheFilesDictionary();

private:
    QSqlDatabase db;
    std::shared_ptr<const Dictionary> dictionary;
    void recordDictionary(qint64 id, const QByteArray &bytes);
};

void TestStoreDictionary::initTestCase()
{
    dictionary = trained();
    QVERIFY(dictionary);
    QVERIFY(dictionary->id() != 0);
    QVERIFY(dictionary->bytes().size() <= 16 * 1024);

    db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("dictionary"));
    db.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    QSqlQuery q(db);
    // As schema 11 makes it (storeschema.cpp).
    QVERIFY2(q.exec(QStringLiteral(
                 "CREATE TABLE compression_dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT "
                 "NULL, trained_at INTEGER NOT NULL, samples INTEGER NOT NULL)")),
        qPrintable(q.lastError().text()));
}

void TestStoreDictionary::recordDictionary(qint64 id, const QByteArray &bytes)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO compression_dictionaries "
                             "(id, data, trained_at, samples) VALUES (?, ?, 0, 0)"));
    q.addBindValue(id);
    q.addBindValue(bytes);
    QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
}

void TestStoreDictionary::framesWithADictionaryAreSmallerAndReadBack()
{
    Dictionaries dictionaries;
    dictionaries.add(dictionary);
    qsizetype alone = 0;
    qsizetype withDictionary = 0;
    // Messages the dictionary was not trained on.
    for (const QByteArray &message : samples(50, 1000)) {
        const Stored plain = encode(message);
        const Stored packed = encode(message, dictionary.get());
        QCOMPARE(plain.encoding, int(Zstd));
        QCOMPARE(packed.encoding, int(Zstd));
        QCOMPARE(dictionaryOf(plain.bytes), 0u);
        QCOMPARE(dictionaryOf(packed.bytes), dictionary->id());
        alone += plain.bytes.size();
        withDictionary += packed.bytes.size();
        QByteArray back;
        QVERIFY(decode(packed.bytes, packed.encoding, &back, &dictionaries));
        QCOMPARE(back, message);
        QVERIFY(decode(plain.bytes, plain.encoding, &back, &dictionaries));
        QCOMPARE(back, message);
    }
    // The shared lines are in the dictionary: each frame keeps only what is its own.
    QVERIFY2(withDictionary * 2 < alone,
        qPrintable(QStringLiteral("%1 bytes with, %2 alone").arg(withDictionary).arg(alone)));
}

void TestStoreDictionary::frameNeedsItsOwnDictionary()
{
    const QByteArray message = templatedMessage(5000);
    const Stored packed = encode(message, dictionary.get());
    QByteArray back = "left over";
    // Without dictionaries, or with others only: not read, and nothing served.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("name dictionary")));
    QVERIFY(!decode(packed.bytes, packed.encoding, &back));
    QVERIFY(back.isEmpty());
    QString error;
    const auto other = Dictionary::train(samples(300, 20000), 8 * 1024, &error);
    QVERIFY2(other, qPrintable(error));
    QVERIFY(other->id() != dictionary->id());
    Dictionaries others;
    others.add(other);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("name dictionary")));
    QVERIFY(!decode(packed.bytes, packed.encoding, &back, &others));
    QVERIFY(back.isEmpty());
    // Emptied (a store opened on another file): gone too.
    Dictionaries cleared;
    cleared.add(dictionary);
    cleared.clear();
    QVERIFY(!cleared.find(dictionary->id(), nullptr));
}

void TestStoreDictionary::onlyZstdDictionariesAreTaken()
{
    const auto again = Dictionary::fromBytes(dictionary->bytes());
    QVERIFY(again);
    QCOMPARE(again->id(), dictionary->id());
    QCOMPARE(again->bytes(), dictionary->bytes());
    // Another's frame reads back with the copy.
    Dictionaries copies;
    copies.add(again);
    const QByteArray message = templatedMessage(7);
    QByteArray back;
    QVERIFY(decode(encode(message, dictionary.get()).bytes, Zstd, &back, &copies));
    QCOMPARE(back, message);
    // Not a dictionary: raw content (no zstd header, no id), damage, nothing.
    QVERIFY(!Dictionary::fromBytes(templatedMessage(1)));
    QVERIFY(!Dictionary::fromBytes(QByteArray()));
    QVERIFY(!Dictionary::fromBytes(dictionary->bytes().left(12)));
}

void TestStoreDictionary::tooLittleMailMakesNoDictionary()
{
    QString error;
    QVERIFY(!Dictionary::train({ QByteArray("Subject: one\r\n\r\nhello\r\n") }, 16 * 1024, &error));
    QVERIFY(!error.isEmpty());
    error.clear();
    QVERIFY(!Dictionary::train({}, 16 * 1024, &error));
    QVERIFY(!error.isEmpty());
}

void TestStoreDictionary::missingDictionaryIsReadFromTheConnection()
{
    recordDictionary(dictionary->id(), dictionary->bytes());
    sqlite3 *handle = StoreSqlite::handle(db);
    QVERIFY(handle);
    Dictionaries dictionaries; // this process has not seen it
    QVERIFY(!dictionaries.find(dictionary->id(), nullptr));
    const auto found = dictionaries.find(dictionary->id(), handle);
    QVERIFY(found);
    QCOMPARE(found->bytes(), dictionary->bytes());
    // Kept from then on.
    QCOMPARE(dictionaries.find(dictionary->id(), nullptr), found);
    // A frame read through decode() takes the same way.
    Dictionaries fresh;
    const QByteArray message = templatedMessage(42);
    QByteArray back;
    QVERIFY(decode(encode(message, dictionary.get()).bytes, Zstd, &back, &fresh, handle));
    QCOMPARE(back, message);
    // No row for the id, or a row that holds another dictionary: none.
    QVERIFY(!dictionaries.find(dictionary->id() + 1, handle));
    QString error;
    const auto other = Dictionary::train(samples(300, 30000), 8 * 1024, &error);
    QVERIFY2(other, qPrintable(error));
    recordDictionary(qint64(other->id()) + 1, other->bytes());
    QVERIFY(!Dictionaries().find(other->id() + 1, handle));
}

void TestStoreDictionary::sqlFunctionsExpandWithTheFilesDictionary()
{
    recordDictionary(dictionary->id(), dictionary->bytes());
    // The functions given no dictionaries (as a test or a tool that opens a store file installs
    // them) read the one a frame names from the connection's compression_dictionaries.
    QString error;
    QVERIFY2(StoreSqlite::installFunctions(db, &error), qPrintable(error));
    const QByteArray text = templatedMessage(77);
    const QByteArray frame = encode(text, dictionary.get()).bytes;
    QCOMPARE(dictionaryOf(frame), dictionary->id());
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT smtp_text(?), smtp_contains(NULL, NULL, NULL, ?, NULL, ?), "
                             "smtp_contains(NULL, NULL, NULL, ?, NULL, ?)"));
    q.addBindValue(frame);
    q.addBindValue(frame);
    q.addBindValue(QStringLiteral("TRACK IT WITH CODE TR770"));
    q.addBindValue(frame);
    q.addBindValue(QStringLiteral("order 78"));
    QVERIFY2(q.exec() && q.next(), qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toString(), QString::fromUtf8(text));
    QCOMPARE(q.value(1).toInt(), 1);
    QCOMPARE(q.value(2).toInt(), 0);
    q.finish();

    // A connection to a file without it: the body is no text (a damaged frame's fate).
    QSqlDatabase bare
        = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bare"));
    bare.setDatabaseName(QStringLiteral(":memory:"));
    QVERIFY(bare.open());
    QVERIFY2(StoreSqlite::installFunctions(bare, &error), qPrintable(error));
    QVERIFY(QSqlQuery(bare).exec(
        QStringLiteral("CREATE TABLE compression_dictionaries (id INTEGER PRIMARY KEY, data BLOB, "
                       "trained_at INTEGER, samples INTEGER)")));
    QSqlQuery none(bare);
    none.prepare(QStringLiteral("SELECT smtp_text(?) IS NULL"));
    none.addBindValue(frame);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("name dictionary")));
    QVERIFY(none.exec() && none.next());
    QCOMPARE(none.value(0).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestStoreDictionary)
#include "tst_storedictionary.moc"
