// The store's compressed rows on real SQLite files: new mail is kept zstd-compressed (raw bytes
// and HTML body), mail that does not compress and spooled big mail stay verbatim, rows of both
// kinds live side by side in one store, and an older store is migrated without rewriting a row.
// Every read gives back the exact bytes that were received.
#include "sqltesthelpers.h"
#include "storedelivery.h"

#include <smtpmessagestore.h>
#include <store/storecompression.h>
#include <store/storeschema.h>
#include <store/storesqlite.h>

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A message that compresses well: a text part and an HTML part of repeated prose.
// How htmlMessage() sends its two bodies: as they are (the store then keeps each as a reference
// to where it lies in the raw bytes), or in base64 (then the store keeps frames of their own).
enum class Bodies { AsTheyAre, Base64 };

SmtpMessage htmlMessage(const QByteArray &subject, Bodies bodies = Bodies::AsTheyAre)
{
    QByteArray text;
    QByteArray html = "<html><body>";
    for (int i = 0; i < 40; ++i) {
        text += "Line " + QByteArray::number(i) + " of the quarterly report for " + subject
            + ".\r\n";
        html += "<p>Line " + QByteArray::number(i) + " of the <b>quarterly report</b> for "
            + subject + ".</p>\r\n";
    }
    html += "<p>Seen in the <i>HTML</i> alone.</p></body></html>\r\n";
    text += "The plain text alone ends so.\r\n"; // words the HTML does not have
    const auto part = [bodies](const QByteArray &type, const QByteArray &body) -> QByteArray {
        const QByteArray head = "--b\r\nContent-Type: " + type + "; charset=utf-8\r\n";
        if (bodies == Bodies::AsTheyAre)
            return head + "\r\n" + body;
        QByteArray lines;
        // The line end before the next boundary belongs to the boundary: without it, the
        // decoded body is the one sent as it is.
        const QByteArray encoded = body.chopped(2).toBase64();
        for (qsizetype i = 0; i < encoded.size(); i += 76)
            lines += encoded.mid(i, 76) + "\r\n";
        return head + "Content-Transfer-Encoding: base64\r\n\r\n" + lines;
    };
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setRemotePort(40000);
    m.setHelo("client.test");
    m.setMailFrom("sender@x.test");
    m.setRcptTos({ "a@x.test" });
    m.setData("From: Sender <sender@x.test>\r\nTo: a@x.test\r\nSubject: " + subject
        + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
        + part("text/plain", text) + part("text/html", html) + "--b--\r\n");
    return m;
}

// A message of random octets after its header: zstd cannot make it smaller.
SmtpMessage randomMessage(qsizetype bodySize)
{
    QByteArray body(bodySize, Qt::Uninitialized);
    QRandomGenerator generator(42);
    for (char &c : body)
        c = char(generator.bounded(256));
    SmtpMessage m = htmlMessage("random");
    m.setData("Subject: random\r\nContent-Type: application/octet-stream\r\n\r\n" + body);
    return m;
}

// Delivers one message and returns its id (0 when it failed).
qint64 deliverOne(SmtpMessageStore &store, const SmtpMessage &m)
{
    // Shared with the completion, which may run after a timeout here.
    const auto id = std::make_shared<std::atomic<qint64>>(-1);
    store.deliver(m, [id](const SmtpSinkResult &r) { *id = r.ok ? r.id : 0; });
    return QTest::qWaitFor([&] { return *id >= 0; }, 30000) ? id->load() : 0;
}

// 3 MB of very compressible bytes, ending in a line of its own.
QByteArray bigBytes()
{
    QByteArray bytes = "Subject: big\r\n\r\n";
    while (bytes.size() < 3 * 1024 * 1024)
        bytes += "All work and no play makes Jack a dull boy.\r\n";
    return bytes + "The last line of the big one.\r\n";
}

// Delivers bytes as a spooled message arrives (not in memory) and returns the store's answer.
SmtpSinkResult deliverSpooled(SmtpMessageStore &store, const QByteArray &bytes)
{
    SmtpMessage big = htmlMessage("big");
    big.setDataSource(
        [bytes] {
            auto buffer = std::make_unique<QBuffer>();
            buffer->setData(bytes);
            buffer->open(QIODevice::ReadOnly);
            return std::unique_ptr<QIODevice>(std::move(buffer));
        },
        bytes.size());
    [&] { QVERIFY(!big.isDataInMemory()); }();
    struct Answer
    {
        std::atomic<bool> done { false };
        SmtpSinkResult result;
    };
    const auto answer = std::make_shared<Answer>(); // outlives a timeout here
    store.deliver(big, [answer](const SmtpSinkResult &r) {
        answer->result = r;
        answer->done = true;
    });
    if (!QTest::qWaitFor([&] { return answer->done.load(); }, 30000))
        return SmtpSinkResult::failure(QStringLiteral("no answer in 30 s"));
    return answer->result;
}

// The rows as SQLite has them, read on a connection of the test's own.
struct Row
{
    int rawEncoding = -1;
    qint64 rawLength = -1;
    int htmlEncoding = -1;
    QString htmlType;
    QString textType; // of the full-text body (message_text.c3): "blob" when packed
    qint64 htmlLength = -1;
    qint64 textLength = -1;
};

Row rowOf(const QString &path, qint64 id)
{
    Row row;
    const QString name = QStringLiteral("rows");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral(
                "SELECT r.encoding, length(r.data), h.encoding, typeof(h.html), typeof(t.c3), "
                "length(h.html), length(t.c3) "
                "FROM message_raw r LEFT JOIN message_html h ON h.id = r.id "
                "LEFT JOIN message_text t ON t.id = r.id WHERE r.id = ?"));
            q.addBindValue(id);
            if (q.exec() && q.next()) {
                row.rawEncoding = q.value(0).toInt();
                row.rawLength = q.value(1).toLongLong();
                row.htmlEncoding = q.value(2).isNull() ? -1 : q.value(2).toInt();
                row.htmlType = q.value(3).toString();
                row.textType = q.value(4).toString();
                row.htmlLength = q.value(5).isNull() ? -1 : q.value(5).toLongLong();
                row.textLength = q.value(6).isNull() ? -1 : q.value(6).toLongLong();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return row;
}

using SqlTest::execOn;
using SqlTest::scalarOn;
using SqlTest::valueOn;

QByteArray bytesOn(const QString &path, const QString &sql, qint64 id)
{
    return valueOn(path, sql, { id }).toByteArray();
}

// Trains the store's dictionary after `after` messages (on as many), as tests cannot wait for
// the thousand of the default; the default again when it goes.
auto trainDictionaryAfter(qint64 after)
{
    const StoreSchema::DictionaryTraining defaults = StoreSchema::dictionaryTraining();
    StoreSchema::DictionaryTraining training = defaults;
    training.after = after;
    training.samples = int(after);
    StoreSchema::setDictionaryTraining(training);
    return qScopeGuard([defaults] { StoreSchema::setDictionaryTraining(defaults); });
}

// The id of the dictionary the raw bytes of message id were compressed with (0: none).
quint32 dictionaryOfRaw(const QString &path, qint64 id)
{
    return StoreCompression::dictionaryOf(
        bytesOn(path, QStringLiteral("SELECT data FROM message_raw WHERE id = ?"), id));
}

// Delivers htmlMessage("<subject> <n>") for n = 0, 1, ... until one is compressed with the
// dictionary: a store's indexer, at a lower priority, takes a dictionary into use after it has
// caught up (once recorded, or seen in the file). That message and its id; an id of 0 when none
// was within 50 messages.
std::pair<SmtpMessage, qint64> deliverUntilCompressedWith(
    SmtpMessageStore &store, const QString &path, quint32 dictionary, const QByteArray &subject)
{
    for (int n = 0; n < 50; ++n) {
        // Bodies in base64, so that they too are frames of their own, named by the dictionary.
        const SmtpMessage m = htmlMessage(subject + ' ' + QByteArray::number(n), Bodies::Base64);
        const qint64 id = deliverOne(store, m);
        if (id <= 0 || !waitForIndex(store))
            break;
        if (dictionaryOfRaw(path, id) == dictionary)
            return { m, id };
        QTest::qWait(20);
    }
    return { SmtpMessage(), 0 };
}

// htmlMessage("order <n>") for count n from first; by default with bodies in base64 (as the
// dictionary tests send their mail, so that its bodies are frames too).
QList<SmtpMessage> htmlMessages(int count, int first = 0, Bodies bodies = Bodies::Base64)
{
    QList<SmtpMessage> messages;
    for (int i = first; i < first + count; ++i)
        messages.append(htmlMessage("order " + QByteArray::number(i), bodies));
    return messages;
}

// FTS5's own check of the full-text indexes: the two over the text against the text they were
// made of (read through the store's view, so on a connection with the store's functions), the
// contentless From and To indexes of their own structure. Empty when all is well.
QString indexErrors(const QString &path)
{
    QString errors;
    const QString name = QStringLiteral("integrity");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (!db.open() || !StoreSqlite::installFunctions(db, &errors))
            errors += QStringLiteral("cannot open");
        for (const char *index :
            { "messages_trigram", "messages_from_trigram", "messages_to_trigram" }) {
            QSqlQuery q(db);
            if (errors.isEmpty()
                && !q.exec(QStringLiteral("INSERT INTO %1 (%1, rank) VALUES ('integrity-check', 1)")
                               .arg(QLatin1String(index))))
                errors += QLatin1String(index) + QStringLiteral(": ") + q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return errors;
}

// The ids that the From or To index (messages_from_trigram, messages_to_trigram) gives for
// value: the messages it holds with that value's trigrams (three or more characters, no quote).
QList<qint64> headerIndexIds(const QString &path, const char *table, const QString &value)
{
    QStringList grams;
    for (qsizetype i = 0; i + 3 <= value.size(); ++i)
        grams.append(QLatin1Char('"') + value.mid(i, 3) + QLatin1Char('"'));
    QList<qint64> ids;
    const QString name = QStringLiteral("header-index");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QSqlQuery q(db);
        if (db.open()
            && q.exec(QStringLiteral("SELECT rowid FROM %1 WHERE %1 MATCH '%2' ORDER BY rowid")
                          .arg(QLatin1String(table), grams.join(QLatin1String(" AND "))))) {
            while (q.next())
                ids.append(q.value(0).toLongLong());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ids;
}

// htmlMessage(subject, bodies) stored and indexed in the store at path, which is closed again:
// its id, 0 when it could not be stored or indexed.
qint64 storeIndexedAndClose(
    const QString &path, const QByteArray &subject, Bodies bodies = Bodies::AsTheyAre)
{
    SmtpMessageStore store;
    if (!store.open(path))
        return 0;
    const qint64 id = deliverOne(store, htmlMessage(subject, bodies));
    return id > 0 && waitForIndex(store) ? id : 0;
}

// Gives message id's search text what an older version wrote (assignments: "c4 = ''", say), and
// tells the substring index so, as the indexer does: it forgets the old values and is given the
// new ones, both read through the view (which needs the store's functions); then runs after.
bool rewriteSearchText(
    const QString &path, qint64 id, const QString &assignments, const QStringList &after = {})
{
    const QString columns = QStringLiteral("id, c0, c1, c2, c3, c4 FROM messages_fts_content "
                                           "WHERE id = %1")
                                .arg(id);
    QStringList statements {
        QStringLiteral("INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, "
                       "c4) SELECT 'delete', ")
            + columns,
        QStringLiteral("UPDATE message_text SET %1 WHERE id = %2").arg(assignments).arg(id),
        QStringLiteral("INSERT INTO messages_trigram (rowid, c0, c1, c2, c3, c4) SELECT ")
            + columns,
    };
    statements += after;
    bool ok = false;
    SqlTest::onFile(path, [&](QSqlDatabase &db) {
        QString error;
        ok = StoreSqlite::installFunctions(db, &error);
        for (const QString &statement : std::as_const(statements))
            ok = ok && SqlTest::exec(db, statement);
    });
    return ok;
}

QList<qint64> idsFound(SmtpMessageStore &store, const QString &query)
{
    QList<qint64> ids;
    for (const SmtpMessageSummary &s : store.summaries(query, 0, 100))
        ids.append(s.id);
    return ids;
}

// Message id of the store at path (htmlMessage(subject), its text body damaged, which every read
// of it warns of with warning): served from a store opened on the file without a text body (its
// raw bytes are whole), found by what is left, its subject and its HTML's text, not by what only
// the text body has, and removable.
void servedWithoutText(
    const QString &path, qint64 id, const QByteArray &subject, const QString &warning)
{
    const QRegularExpression warned(warning);
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    QTest::ignoreMessage(QtWarningMsg, warned);
    const auto stored = store.message(id);
    QVERIFY(stored);
    QCOMPARE(stored->textBody(), QString());
    QVERIFY(stored->htmlBody().contains(QStringLiteral("quarterly report")));
    QTest::ignoreMessage(QtWarningMsg, warned);
    QCOMPARE(idsFound(store, QStringLiteral("subject:\"%1\"").arg(QString::fromLatin1(subject))),
        QList<qint64> { id });
    QTest::ignoreMessage(QtWarningMsg, warned);
    QCOMPARE(idsFound(store, QStringLiteral("\"plain text alone\"")), QList<qint64> {});
    QCOMPARE(idsFound(store, QStringLiteral("\"line 39 of\"")), QList<qint64> { id });
    QTest::ignoreMessage(QtWarningMsg, warned);
    QVERIFY(store.remove({ id }));
    QCOMPARE(store.count(), 0);
}

} // namespace

class TestStoreCompression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newMailIsCompressed();
    void incompressibleMailStaysVerbatim();
    void spooledMailStaysVerbatimAndStreams();
    void spooledMailInMemoryStore();
    void spooledMailsLongHeaderBlockIsSearchedWhole();
    void verbatimAndCompressedRowsSideBySide();
    void bodiesFoundInTheRawBytesAreReferences();
    void damagedReferenceReadsAsNoText();
    void upgradeFromVersion6KeepsOldRows();
    void upgradeFromVersion8PacksTextAndKeepsSearches();
    void refreshOfSearchTextSkipsWhatItCannotRead();
    void htmlTextIsKeptOnlyWhenTheTextBodyLacksIt();
    void upgradeFromVersion14AddsTheBccHeader();
    void upgradeFromVersion15ReadsOlderMailsBccHeader();
    void damagedFrameIsNotServed();
    void damagedTextFrameReadsAsNoText();
    void dictionaryTrainedOnTheStoresOwnMail();
    void dictionaryOfAnotherStoreIsReadFromTheFile();
};

void TestStoreCompression::newMailIsCompressed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    // In base64, so that the bodies cannot be references to the raw bytes.
    const SmtpMessage m = htmlMessage("compressed", Bodies::Base64);
    const qint64 id = deliverOne(store, m);
    QVERIFY(id > 0);
    // Readable at once, before the indexer has passed it (parsed from the decoded bytes).
    QCOMPARE(store.rawData(id), m.data());
    QVERIFY(waitForIndex(store));

    const Row row = rowOf(path, id);
    QCOMPARE(row.rawEncoding, 1);
    QVERIFY2(row.rawLength < m.size() / 3, qPrintable(QString::number(row.rawLength)));
    QCOMPARE(row.htmlEncoding, 1);
    QCOMPARE(row.htmlType, QStringLiteral("blob"));

    QCOMPARE(store.rawData(id), m.data());
    const auto stored = store.message(id);
    QVERIFY(stored);
    QCOMPARE(stored->message().data(), m.data());
    QVERIFY(stored->htmlBody().startsWith(QStringLiteral("<html><body><p>Line 0 of the <b>")));
    QVERIFY(stored->htmlBody().contains(QStringLiteral("Line 39 of the <b>quarterly report</b>")));
    QVERIFY(stored->textBody().contains(QStringLiteral("Line 39 of the quarterly report")));
    QCOMPARE(stored->header(QStringLiteral("subject")), QStringLiteral("compressed"));
    QCOMPARE(idsFound(store, QStringLiteral("quarterly")), QList<qint64> { id });
    QCOMPARE(idsFound(store, QStringLiteral("\"uarterl\"")), QList<qint64> { id });
    // The text body too is kept packed (it is long and compresses), found by a short word (its
    // text read, as no index finds one) and read back whole.
    QCOMPARE(row.textType, QStringLiteral("blob"));
    QCOMPARE(idsFound(store, QStringLiteral("of")), QList<qint64> { id });
    QCOMPARE(stored->textBody().count(QStringLiteral(" of the quarterly report for ")), 40);
    // The From and To headers in their own indexes.
    QCOMPARE(idsFound(store, QStringLiteral("from:sender@x")), QList<qint64> { id });
    QCOMPARE(headerIndexIds(path, "messages_from_trigram", QStringLiteral("sender")),
        QList<qint64> { id });
    QCOMPARE(headerIndexIds(path, "messages_to_trigram", QStringLiteral("a@x.test")),
        QList<qint64> { id });
    QCOMPARE(indexErrors(path), QString());

    // The same after reopening, and gone with the message.
    store.close();
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(again.rawData(id), m.data());
    QCOMPARE(again.message(id)->htmlBody(), stored->htmlBody());
    QVERIFY(again.remove({ id }));
    QCOMPARE(rowOf(path, id).rawEncoding, -1);
    QVERIFY(again.rawData(id).isEmpty());
    QVERIFY(idsFound(again, QStringLiteral("quarterly")).isEmpty());
    QVERIFY(idsFound(again, QStringLiteral("of")).isEmpty());
    QVERIFY(headerIndexIds(path, "messages_from_trigram", QStringLiteral("sender")).isEmpty());
    QVERIFY(headerIndexIds(path, "messages_to_trigram", QStringLiteral("a@x.test")).isEmpty());
    QCOMPARE(rowOf(path, id).textType, QString());
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::incompressibleMailStaysVerbatim()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    const SmtpMessage random = randomMessage(8000);
    SmtpMessage tiny = htmlMessage("tiny");
    tiny.setData("Subject: t\r\n\r\nhi\r\n");
    SmtpMessage empty = htmlMessage("empty");
    empty.setData(QByteArray());
    const qint64 randomId = deliverOne(store, random);
    const qint64 tinyId = deliverOne(store, tiny);
    const qint64 emptyId = deliverOne(store, empty);
    QVERIFY(randomId > 0 && tinyId > 0 && emptyId > 0);
    QVERIFY(waitForIndex(store));
    QCOMPARE(rowOf(path, randomId).rawEncoding, 0);
    QCOMPARE(rowOf(path, randomId).rawLength, random.size());
    QCOMPARE(rowOf(path, tinyId).rawEncoding, 0);
    QCOMPARE(rowOf(path, emptyId).rawEncoding, 0);
    QCOMPARE(store.rawData(randomId), random.data());
    QCOMPARE(store.message(randomId)->message().data(), random.data());
    QCOMPARE(store.rawData(tinyId), tiny.data());
    QCOMPARE(store.message(emptyId)->message().size(), 0);
}

// The writer reads a spooled message's inbox headers from its first 256 KiB; the indexer reads
// a longer header block whole, so that search finds a Subject that comes after that.
void TestStoreCompression::spooledMailsLongHeaderBlockIsSearchedWhole()
{
    QTemporaryDir dir;
    SmtpMessageStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("s.sqlite"))));
    QByteArray bytes;
    while (bytes.size() < 300 * 1024)
        bytes += "X-Filler: " + QByteArray(60, 'f') + "\r\n";
    bytes += "Subject: quokkafound\r\n\r\nbody\r\n";
    const SmtpSinkResult result = deliverSpooled(store, bytes);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QVERIFY(waitForIndex(store));
    QCOMPARE(idsFound(store, QStringLiteral("quokkafound")), QList<qint64> { result.id });
}

void TestStoreCompression::spooledMailStaysVerbatimAndStreams()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    // 3 MB of very compressible bytes, not in memory (as a spooled message arrives): copied into
    // the store a piece at a time, verbatim, and read back from the store by offset.
    const QByteArray bytes = bigBytes();
    const SmtpSinkResult result = deliverSpooled(store, bytes);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    QVERIFY(result.dataSource);
    std::unique_ptr<QIODevice> device = result.dataSource();
    QVERIFY(device);
    QCOMPARE(device->size(), bytes.size());
    QVERIFY(device->seek(bytes.size() - 10));
    QCOMPARE(device->readAll(), bytes.right(10));
    QVERIFY(device->seek(0));
    QCOMPARE(device->readAll(), bytes);
    QVERIFY(waitForIndex(store));
    QCOMPARE(rowOf(path, result.id).rawEncoding, 0);
    QCOMPARE(rowOf(path, result.id).rawLength, bytes.size());
    QCOMPARE(store.rawData(result.id), bytes);
    // Its text body is the rest of those bytes: a reference to them, read where it lies. Found
    // on this thread while the device is open: the device reads on a connection of its own, so
    // its read transaction (which predates the index) is not this thread's.
    QCOMPARE(rowOf(path, result.id).textLength, 21);
    QCOMPARE(
        idsFound(store, QStringLiteral("\"last line of the big\"")), QList<qint64> { result.id });
    QCOMPARE(store.message(result.id)->textBody().toUtf8(), bytes.mid(16));
    // Mail that comes after it is found too, the device still open.
    QVERIFY(deliverOne(store, htmlMessage("after the big one")) > 0);
    QVERIFY(waitForIndex(store));
    QCOMPARE(idsFound(store, QStringLiteral("\"after the big one\"")).size(), 1);
    // The device owns its connection: it reads on after the store has closed.
    store.close();
    QVERIFY(device->seek(bytes.size() - 10));
    QCOMPARE(device->readAll(), bytes.right(10));
    device.reset();
    // And a new one opens on the file alone.
    device = result.dataSource();
    QVERIFY(device);
    QCOMPARE(device->readAll(), bytes);
}

void TestStoreCompression::spooledMailInMemoryStore()
{
    // The store in memory is one shared cache: the device's own connection must take no table
    // lock there, or the writer could not add mail while it is open.
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    const QByteArray bytes = bigBytes();
    const SmtpSinkResult result = deliverSpooled(store, bytes);
    QVERIFY2(result.ok, qPrintable(result.errorString));
    std::unique_ptr<QIODevice> device = result.dataSource();
    QVERIFY(device);
    QCOMPARE(device->read(12), bytes.left(12));
    QVERIFY(deliverOne(store, htmlMessage("while the device reads")) > 0);
    QCOMPARE(store.count(), qint64(2));
    QCOMPARE(device->readAll(), bytes.mid(12));
    device.reset();
    QCOMPARE(store.rawData(result.id), bytes);
    // A device open across close() and a new open(":memory:") keeps its own database: the new
    // store starts empty, and the device still reads the old message.
    device = result.dataSource();
    QVERIFY(device);
    store.close();
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QCOMPARE(store.count(), qint64(0));
    QCOMPARE(device->readAll(), bytes);
    device.reset();
    // Gone with its last reader: a device asked for afterwards has nothing to read, not the new
    // store's message of that id.
    QVERIFY(deliverOne(store, htmlMessage("the new store's first")) > 0);
    QVERIFY(!result.dataSource());
}

void TestStoreCompression::verbatimAndCompressedRowsSideBySide()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("m.sqlite"));
    const SmtpMessage oldOne = htmlMessage("older");
    const SmtpMessage newOne = htmlMessage("newer");
    qint64 oldId = 0;
    qint64 newId = 0;
    QString html;
    QString text;
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        oldId = deliverOne(store, oldOne);
        newId = deliverOne(store, newOne);
        QVERIFY(oldId > 0 && newId > 0);
        QVERIFY(waitForIndex(store));
        html = store.message(oldId)->htmlBody();
        text = store.message(oldId)->textBody();
    }
    // The first row as a store of an older version wrote it: verbatim bytes, HTML and text as
    // text.
    QVERIFY(
        execOn(path, QStringLiteral("UPDATE message_raw SET data = ?, encoding = 0 WHERE id = ?"),
            { oldOne.data(), oldId }));
    QVERIFY(
        execOn(path, QStringLiteral("UPDATE message_html SET html = ?, encoding = 0 WHERE id = ?"),
            { html, oldId }));
    QVERIFY(execOn(
        path, QStringLiteral("UPDATE message_text SET c3 = ? WHERE id = ?"), { text, oldId }));
    QCOMPARE(rowOf(path, oldId).rawEncoding, 0);
    QCOMPARE(rowOf(path, oldId).htmlType, QStringLiteral("text"));
    QCOMPARE(rowOf(path, newId).rawEncoding, 1);

    SmtpMessageStore store;
    QVERIFY(store.open(path));
    QCOMPARE(store.rawData(oldId), oldOne.data());
    QCOMPARE(store.rawData(newId), newOne.data());
    QCOMPARE(store.message(oldId)->message().data(), oldOne.data());
    QCOMPARE(store.message(newId)->message().data(), newOne.data());
    QCOMPARE(store.message(oldId)->htmlBody(), html);
    QVERIFY(store.message(newId)->htmlBody().contains(QStringLiteral("for newer.</p>")));
    QCOMPARE(idsFound(store, QStringLiteral("quarterly")), (QList<qint64> { newId, oldId }));
}

void TestStoreCompression::bodiesFoundInTheRawBytesAreReferences()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("r.sqlite"));
    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    // The same message twice: its bodies as they are, and in base64 (frames of their own).
    const SmtpMessage plain = htmlMessage("referenced");
    const SmtpMessage encoded = htmlMessage("referenced", Bodies::Base64);
    const qint64 id = deliverOne(store, plain);
    const qint64 twin = deliverOne(store, encoded);
    QVERIFY(id > 0 && twin > 0);
    QVERIFY(waitForIndex(store));

    // Each body of the first is a reference of 21 bytes into the compressed raw bytes.
    const Row row = rowOf(path, id);
    QCOMPARE(row.rawEncoding, int(StoreCompression::Zstd));
    QCOMPARE(row.htmlEncoding, int(StoreCompression::RawSlice));
    QCOMPARE(row.htmlType, QStringLiteral("blob"));
    QCOMPARE(row.htmlLength, 21);
    QCOMPARE(row.textType, QStringLiteral("blob"));
    QCOMPARE(row.textLength, 21);
    QCOMPARE(rowOf(path, twin).htmlEncoding, int(StoreCompression::Zstd));
    QVERIFY(rowOf(path, twin).textLength > 21);

    // Read back as the frames of its twin are.
    const auto stored = store.message(id);
    const auto storedTwin = store.message(twin);
    QVERIFY(stored && storedTwin);
    QVERIFY(stored->htmlBody().contains(QStringLiteral("Line 39 of the <b>quarterly report</b>")));
    QCOMPARE(stored->htmlBody(), storedTwin->htmlBody());
    QVERIFY(stored->textBody().contains(QStringLiteral("Line 39 of the quarterly report")));
    QCOMPARE(stored->textBody(), storedTwin->textBody());
    QCOMPARE(stored->message().data(), plain.data());
    // Found by a word, a part of one and a phrase (the substring index, then the body read
    // through the reference), newest first.
    const QList<qint64> both { twin, id };
    QCOMPARE(idsFound(store, QStringLiteral("quarterly")), both);
    QCOMPARE(idsFound(store, QStringLiteral("of")), both);
    QCOMPARE(idsFound(store, QStringLiteral("\"uarterl\"")), both);
    QCOMPARE(idsFound(store, QStringLiteral("\"line 39 of the quarterly\"")), both);
    QCOMPARE(indexErrors(path), QString()); // the indexes against the text the view reads

    // One search reads many references, each from its own message: the older of these two has
    // every trigram of the phrase (so it is a candidate), and only its own body says it does not
    // have the phrase.
    const qint64 near = deliverOne(store, htmlMessage("alpha; or beta"));
    const qint64 match = deliverOne(store, htmlMessage("beta"));
    QVERIFY(near > 0 && match > 0);
    QVERIFY(waitForIndex(store));
    QCOMPARE(idsFound(store, QStringLiteral("\"report for beta.\"")), QList<qint64> { match });
    QCOMPARE(
        idsFound(store, QStringLiteral("\"report for alpha; or beta.\"")), QList<qint64> { near });
    QVERIFY(store.remove({ near, match }));

    // Removed: the indexes are told what to forget, read through the reference before the raw
    // bytes go.
    QVERIFY(store.remove({ id }));
    QCOMPARE(rowOf(path, id).rawEncoding, -1);
    QCOMPARE(idsFound(store, QStringLiteral("quarterly")), QList<qint64> { twin });
    QCOMPARE(idsFound(store, QStringLiteral("\"uarterl\"")), QList<qint64> { twin });
    QCOMPARE(indexErrors(path), QString());

    // Pruned to a maximum (the oldest go through the same trigger), then cleared.
    QVERIFY(deliverAll(store, htmlMessages(5, 0, Bodies::AsTheyAre)));
    QVERIFY(waitForIndex(store));
    store.setMaxMessages(2);
    QVERIFY(deliverOne(store, htmlMessage("pruned to two")) > 0);
    QVERIFY(waitForIndex(store));
    QTRY_COMPARE(store.count(), 2);
    QCOMPARE(idsFound(store, QStringLiteral("\"report for order\"")).size(), 1);
    QCOMPARE(indexErrors(path), QString());
    QVERIFY(store.clear());
    QVERIFY(idsFound(store, QStringLiteral("quarterly")).isEmpty());
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::damagedReferenceReadsAsNoText()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("d.sqlite"));
    const qint64 id = storeIndexedAndClose(path, "damaged reference");
    QVERIFY(id > 0);
    QCOMPARE(rowOf(path, id).textLength, 21);
    // A reference to more bytes than the message has.
    StoreCompression::Slice past;
    past.rawEncoding = StoreCompression::Zstd;
    past.offset = 10;
    past.length = 1 << 20;
    const QByteArray reference = StoreCompression::referenceTo(past);
    QCOMPARE(reference.size(), 21);
    QVERIFY(execOn(
        path, QStringLiteral("UPDATE message_text SET c3 = ? WHERE id = ?"), { reference, id }));
    servedWithoutText(path, id, "damaged reference", QStringLiteral("do not hold the body"));
}

void TestStoreCompression::upgradeFromVersion6KeepsOldRows()
{
    // A store written by an older release (schema 6): three messages, raw bytes as received.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.sqlite"));
    QVERIFY(QFile::copy(QFINDTESTDATA("../data/store-v6.sqlite"), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 3);
        // The old rows are as they were: verbatim, read back unchanged.
        for (int i = 0; i < 3; ++i) {
            const QByteArray expected = "Subject: old " + QByteArray::number(i) + "\r\n\r\nbody "
                + QByteArray::number(i) + "\r\n";
            QCOMPARE(store.rawData(i + 1), expected);
            QCOMPARE(store.message(i + 1)->message().data(), expected);
            QCOMPARE(rowOf(path, i + 1).rawEncoding, 0);
        }
        // New mail beside them is compressed; both are found and read.
        const SmtpMessage m = htmlMessage("after upgrade");
        const qint64 id = deliverOne(store, m);
        QVERIFY(id > 0);
        QVERIFY(waitForIndex(store));
        QCOMPARE(rowOf(path, id).rawEncoding, 1);
        QCOMPARE(store.rawData(id), m.data());
        QCOMPARE(idsFound(store, QStringLiteral("body")), (QList<qint64> { 3, 2, 1 }));
        QCOMPARE(idsFound(store, QStringLiteral("quarterly")), QList<qint64> { id });
        QVERIFY(store.remove({ 2 }));
        QVERIFY(store.rawData(2).isEmpty());
    }
    QCOMPARE(
        scalarOn(path, QStringLiteral("PRAGMA user_version")), SmtpMessageStore::schemaVersion);
    // Schema 11's table, empty: three messages are too few to train a dictionary on.
    QCOMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM compression_dictionaries")), 0);
    QCOMPARE(
        scalarOn(path, QStringLiteral("SELECT count(*) FROM message_raw WHERE encoding = 0")), 2);
    QCOMPARE(
        scalarOn(path, QStringLiteral("SELECT count(*) FROM message_raw WHERE encoding = 1")), 1);
    // Opened again: nothing to migrate, everything still readable.
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(again.rawData(1), QByteArray("Subject: old 0\r\n\r\nbody 0\r\n"));
    QCOMPARE(again.count(), 3);
}

void TestStoreCompression::upgradeFromVersion8PacksTextAndKeepsSearches()
{
    // A store of the release before (schema 8), indexed: a long text body with an attachment
    // (1), a short one (2), an HTML-only message (3). Its text was FTS5's own content table.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v8.sqlite"));
    QVERIFY(QFile::copy(QFINDTESTDATA("../data/store-v8.sqlite"), path));
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    QCOMPARE(scalarOn(path, QStringLiteral("PRAGMA user_version")), 8);
    QCOMPARE(
        scalarOn(path, QStringLiteral("SELECT length(c3) FROM messages_fts_content WHERE id = 1")),
        3827);
    // Message 3 given a long text body of the old kind (440 KB in the old full-text table): its
    // pages are left free by the migration, most of the file, and so given back.
    // (The substring index, external content over the same text, told as the old indexer did.)
    const QString columns = QStringLiteral("id, c0, c1, c2, c3, c4 FROM messages_fts_content "
                                           "WHERE id = 3");
    QVERIFY(execOn(path,
        QStringLiteral("INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4) "
                       "SELECT 'delete', ")
            + columns));
    QVERIFY(execOn(path, QStringLiteral("UPDATE messages_fts SET body = ? WHERE rowid = 3"),
        { QStringLiteral("tambourine ").repeated(40000) }));
    QVERIFY(execOn(path,
        QStringLiteral("INSERT INTO messages_trigram (rowid, c0, c1, c2, c3, c4) SELECT ")
            + columns));
    QVERIFY(scalarOn(path, QStringLiteral("PRAGMA page_count")) > 100);
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 3);
        // Schema 14: message 3 has HTML alone, which the old version did not search. Listed on
        // the way (search_text_stale), it is indexed again in the background, and then found by
        // its HTML's words (while its old text, the body set above, stays searched too).
        QTRY_COMPARE(idsFound(store, QStringLiteral("\"your invoice for\"")), QList<qint64> { 3 });
        QTRY_COMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM search_text_stale")), 0);
        const QString body = store.message(1)->textBody();
        QCOMPARE(body.size(), 3827);
        QVERIFY(body.startsWith(QStringLiteral("The quarterly report covers the warehouse")));
        QVERIFY(body.endsWith(QStringLiteral("Narwhal ends it.\n")));
        QCOMPARE(store.message(2)->textBody(), QStringLiteral("Go on: it is ok by me.\n"));
        // Every search the old indexes answered: a substring, an attachment's name, short words
        // (the text read: no index finds them), a sender.
        QCOMPARE(idsFound(store, QStringLiteral("narwhal")), QList<qint64> { 1 });
        QCOMPARE(idsFound(store, QStringLiteral("pixel.png")), QList<qint64> { 1 });
        QCOMPARE(idsFound(store, QStringLiteral("ok")), QList<qint64> { 2 });
        QCOMPARE(idsFound(store, QStringLiteral("\"by\"")), QList<qint64> { 2 });
        QCOMPARE(idsFound(store, QStringLiteral("from:erin")), QList<qint64> { 3 });
        // and what the old ones could not: the From and To indexes, built from the headers.
        QCOMPARE(idsFound(store, QStringLiteral("from:example.test")), (QList<qint64> { 3, 2, 1 }));
        QCOMPARE(idsFound(store, QStringLiteral("to:bob")), QList<qint64> { 1 });
        QCOMPARE(headerIndexIds(path, "messages_from_trigram", QStringLiteral("alice")),
            QList<qint64> { 1 });
        QCOMPARE(headerIndexIds(path, "messages_to_trigram", QStringLiteral("example.test")),
            (QList<qint64> { 1, 2, 3 }));
        QCOMPARE(idsFound(store, QStringLiteral("tambourine")), QList<qint64> { 3 });
        QCOMPARE(idsFound(store, QStringLiteral("example.test")), (QList<qint64> { 3, 2, 1 }));
        QCOMPARE(rowOf(path, 1).textType, QStringLiteral("blob")); // packed by the migration
        // The pages the old full-text table held were given back (VACUUM).
        QCOMPARE(scalarOn(path, QStringLiteral("PRAGMA freelist_count")), 0);
        QVERIFY(scalarOn(path, QStringLiteral("PRAGMA page_count")) < 60);
        // and the write-ahead log that carried them is not left that size beside the file.
        QVERIFY2(QFileInfo(path + QStringLiteral("-wal")).size() < 40 * 1024,
            qPrintable(QString::number(QFileInfo(path + QStringLiteral("-wal")).size())));
        QCOMPARE(store.message(3)->textBody().size(), 440000);
        QVERIFY(store.remove({ 1 }));
        QVERIFY(idsFound(store, QStringLiteral("narwhal")).isEmpty());
        QCOMPARE(idsFound(store, QStringLiteral("example.test")), (QList<qint64> { 3, 2 }));
        // The header indexes forgot it too, with the values they were given.
        QVERIFY(idsFound(store, QStringLiteral("from:alice")).isEmpty());
        QCOMPARE(headerIndexIds(path, "messages_from_trigram", QStringLiteral("example.test")),
            (QList<qint64> { 2, 3 }));
        QCOMPARE(headerIndexIds(path, "messages_to_trigram", QStringLiteral("example.test")),
            (QList<qint64> { 2, 3 }));
    }
    QCOMPARE(
        scalarOn(path, QStringLiteral("PRAGMA user_version")), SmtpMessageStore::schemaVersion);
    QCOMPARE(rowOf(path, 2).textType, QStringLiteral("text")); // short: kept as it is
    QCOMPARE(scalarOn(path,
                 QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = "
                                "'messages_fts'")),
        0);
    // Schema 14 dropped the word index (searches find substrings of any length), and a message
    // is deleted without it (the removal above).
    QCOMPARE(scalarOn(path,
                 QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                "'messages_words%'")),
        0);
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::refreshOfSearchTextSkipsWhatItCannotRead()
{
    // search_text_stale may name a message deleted since, one with no HTML, or one the indexer
    // has not reached: each is dropped from the list, and the indexes stay whole.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stale.sqlite"));
    const qint64 html = storeIndexedAndClose(path, "walrus");
    QVERIFY(html > 0);
    SmtpMessage plain = htmlMessage("plain");
    plain.setData("Subject: plain narwhal\r\n\r\nno html here\r\n");
    qint64 plainId = 0;
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        plainId = deliverOne(store, plain);
        QVERIFY(plainId > 0);
        QVERIFY(waitForIndex(store));
    }
    // As an older version left it: the HTML's text not in c4, and the index told so.
    QVERIFY(rewriteSearchText(path, html, QStringLiteral("c4 = ''")));
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        QVERIFY(idsFound(store, QStringLiteral("\"seen in the html alone\"")).isEmpty());
    }
    QCOMPARE(indexErrors(path), QString());
    for (const qint64 id : { html, plainId, qint64(12345) })
        QVERIFY(
            execOn(path, QStringLiteral("INSERT INTO search_text_stale (id) VALUES (?)"), { id }));
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        QTRY_COMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM search_text_stale")), 0);
        QCOMPARE(
            idsFound(store, QStringLiteral("\"seen in the html alone\"")), QList<qint64> { html });
        QCOMPARE(idsFound(store, QStringLiteral("narwhal")), QList<qint64> { plainId });
        QCOMPARE(idsFound(store, QStringLiteral("\"no html here\"")), QList<qint64> { plainId });
    }
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::htmlTextIsKeptOnlyWhenTheTextBodyLacksIt()
{
    // Search looks in the HTML as it reads; when the text body says the same (white space
    // aside), that text is searched already and c4 keeps no second copy.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("twice.sqlite"));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    const auto alternative = [](const QByteArray &subject, const QByteArray &text,
                                 const QByteArray &html) {
        SmtpMessage m = htmlMessage(subject);
        m.setData("Subject: " + subject
            + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
              "--b\r\nContent-Type: text/plain\r\n\r\n"
            + text + "\r\n--b\r\nContent-Type: text/html\r\n\r\n" + html + "\r\n--b--\r\n");
        return m;
    };
    const qint64 same = deliverOne(store,
        alternative("same", "Your order\r\nhas shipped today.",
            "<p>Your <b>order</b> has</p><p>shipped today.</p>"));
    const qint64 different = deliverOne(store,
        alternative("different", "Your order has shipped.",
            "<p>Your order has shipped.</p><p>Track it at the carrier.</p>"));
    QVERIFY(same > 0 && different > 0);
    QVERIFY(waitForIndex(store));
    const QString c4 = QStringLiteral("SELECT length(c4) FROM message_text WHERE id = %1");
    QCOMPARE(scalarOn(path, c4.arg(same)), 0);
    QVERIFY(scalarOn(path, c4.arg(different)) > 0);
    QCOMPARE(idsFound(store, QStringLiteral("\"shipped today\"")), QList<qint64> { same });
    QCOMPARE(idsFound(store, QStringLiteral("carrier")), QList<qint64> { different });
}

void TestStoreCompression::upgradeFromVersion14AddsTheBccHeader()
{
    // Schema 15 keeps a Bcc header, which bcc: checks. A store of version 14 (this build's,
    // without the column) gets the column, and its mail is read again for it in the background
    // (schema 16); new mail is found by its header at once.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v14.sqlite"));
    const QString columnCount = QStringLiteral(
        "SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'bcc_header'");
    const auto withBcc = [](const QByteArray &subject, const QStringList &rcptTos) {
        SmtpMessage m = htmlMessage(subject);
        m.setRcptTos(rcptTos);
        m.setData("From: s@x.test\r\nTo: a@x.test\r\nBcc: Ghost Writer <ghost@y.test>, "
                  "kept@y.test\r\nSubject: "
            + subject + "\r\n\r\nBody.\r\n");
        return m;
    };
    {
        SmtpMessageStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QVERIFY(deliverOne(store, withBcc("before", { "a@x.test", "kept@y.test" })) == 1);
        QVERIFY(waitForIndex(store));
        QCOMPARE(idsFound(store, QStringLiteral("bcc:ghost")), QList<qint64> { 1 });
    }
    // Version 14's table. SQLite checks the view and the trigger that read the table when a
    // column goes, and this connection has not the store's functions: they go, and come back.
    const auto sqlOf = [&path](const char *name) {
        return SqlTest::valueOn(path,
            QStringLiteral("SELECT sql FROM sqlite_master WHERE name = ?"), { QLatin1String(name) })
            .toString();
    };
    const QStringList toVersion14 { QStringLiteral("DROP TRIGGER messages_deleted"),
        QStringLiteral("DROP VIEW messages_fts_content"),
        QStringLiteral("ALTER TABLE messages DROP COLUMN bcc_header"),
        sqlOf("messages_fts_content"), sqlOf("messages_deleted"),
        QStringLiteral("PRAGMA user_version = 14") };
    for (const QString &sql : toVersion14)
        QVERIFY2(execOn(path, sql), qPrintable(sql));
    QCOMPARE(scalarOn(path, columnCount), 0);
    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QCOMPARE(
        scalarOn(path, QStringLiteral("PRAGMA user_version")), SmtpMessageStore::schemaVersion);
    QCOMPARE(scalarOn(path, columnCount), 1);
    QCOMPARE(store.count(), 1);
    const qint64 after = deliverOne(store, withBcc("after", { "a@x.test" }));
    QCOMPARE(after, 2);
    QVERIFY(waitForIndex(store));
    // The header's name and an address that was no recipient, in the old mail's column too
    // once the list of mail to read again is done.
    QTRY_COMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM search_text_stale")), 0);
    QCOMPARE(idsFound(store, QStringLiteral("bcc:\"ghost writer\"")), (QList<qint64> { 2, 1 }));
    QCOMPARE(idsFound(store, QStringLiteral("addressed:ghost@y")), (QList<qint64> { 2, 1 }));
    // An envelope-only recipient, as before; the old mail's search text kept its recipients.
    QCOMPARE(idsFound(store, QStringLiteral("bcc:kept@")), (QList<qint64> { 2, 1 }));
    QCOMPARE(idsFound(store, QStringLiteral("kept@y.test")), (QList<qint64> { 2, 1 }));
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::upgradeFromVersion15ReadsOlderMailsBccHeader()
{
    // Mail that a version before 15 indexed has no Bcc header in its row, nor in its search
    // text: version 15 added the column empty. Schema 16 reads such mail again, once, in the
    // background, and each message with a Bcc header gets both; the others are left as they are.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v15.sqlite"));
    const auto message = [](const QByteArray &data) {
        SmtpMessage m = htmlMessage("any");
        m.setRcptTos({ QStringLiteral("a@x.test") });
        m.setData(data);
        return m;
    };
    const QByteArray head = "From: s@x.test\r\nTo: a@x.test\r\n";
    // Text; HTML too (which a version before 14 did not search either); big mail, spooled as it
    // came and kept verbatim, with an attachment past what the refresh reads of it at first.
    const SmtpMessage text
        = message(head + "Bcc: Ghost Writer <ghost@y.test>\r\nSubject: minutes\r\n\r\nBody.\r\n");
    const SmtpMessage html
        = message("Bcc: Html Reader <html@y.test>\r\n" + htmlMessage("h").data());
    const SmtpMessage big = message(head
        + "Bcc: Big Reader <big@y.test>\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
          "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        + QByteArray(300 * 1024, 'x') + "\r\n--b\r\nContent-Type: application/pdf\r\n"
        + "Content-Disposition: attachment; filename=zebra-report.pdf\r\n\r\n%PDF\r\n--b--\r\n");
    SmtpMessage plain = message(head + "Subject: agenda\r\n\r\nBody.\r\n");
    plain.setRcptTos({ QStringLiteral("b@x.test") });
    QList<qint64> ids;
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        ids = { deliverOne(store, text), deliverOne(store, html),
            deliverSpooled(store, big.data()).id, deliverOne(store, plain) };
        QVERIFY(!ids.contains(0));
        QVERIFY(waitForIndex(store));
    }
    const qint64 textId = ids.at(0), htmlId = ids.at(1), bigId = ids.at(2), plainId = ids.at(3);
    QCOMPARE(rowOf(path, bigId).rawEncoding, 0); // kept as it came
    // As a version before 15 indexed them: the recipients' text without the header (To, Cc, then
    // the envelope), the index told so, the column empty (and before 14, no HTML's text); and as
    // version 15 leaves the file.
    const QString oldRecipients = QStringLiteral("c2 = 'a@x.test  a@x.test'");
    QVERIFY(rewriteSearchText(path, textId, oldRecipients));
    QVERIFY(rewriteSearchText(path, htmlId, oldRecipients + QStringLiteral(", c4 = ''")));
    QVERIFY(rewriteSearchText(path, bigId, oldRecipients,
        { QStringLiteral("UPDATE messages SET bcc_header = ''"),
            QStringLiteral("PRAGMA user_version = 15") }));
    QCOMPARE(headerIndexIds(path, "messages_trigram", QStringLiteral("reader")), QList<qint64> {});
    const QString c2 = QStringLiteral("SELECT c2 FROM message_text WHERE id = %1");
    const QVariant plainText = SqlTest::valueOn(path, c2.arg(plainId));

    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QCOMPARE(
        scalarOn(path, QStringLiteral("PRAGMA user_version")), SmtpMessageStore::schemaVersion);
    QTRY_COMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM search_text_stale")), 0);
    QCOMPARE(SqlTest::valueOn(
                 path, QStringLiteral("SELECT bcc_header FROM messages WHERE id = %1").arg(textId))
                 .toString(),
        QStringLiteral("Ghost Writer <ghost@y.test>"));
    QCOMPARE(headerIndexIds(path, "messages_trigram", QStringLiteral("reader")),
        (QList<qint64> { htmlId, bigId }));
    QCOMPARE(idsFound(store, QStringLiteral("bcc:\"ghost writer\"")), QList<qint64> { textId });
    QCOMPARE(idsFound(store, QStringLiteral("addressed:ghost@y")), QList<qint64> { textId });
    QCOMPARE(idsFound(store, QStringLiteral("\"ghost writer\"")), QList<qint64> { textId });
    QCOMPARE(idsFound(store, QStringLiteral("bcc:reader")), (QList<qint64> { bigId, htmlId }));
    // The HTML's text is back; the big message was parsed whole (its attachment's name stays).
    QCOMPARE(
        idsFound(store, QStringLiteral("\"seen in the html alone\"")), QList<qint64> { htmlId });
    QCOMPARE(idsFound(store, QStringLiteral("zebra-report")), QList<qint64> { bigId });
    // The message without a Bcc header (nor HTML) is as it was.
    QCOMPARE(SqlTest::valueOn(path, c2.arg(plainId)), plainText);
    QCOMPARE(idsFound(store, QStringLiteral("bcc:b@x")), QList<qint64> { plainId });
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::damagedFrameIsNotServed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("d.sqlite"));
    const qint64 id = storeIndexedAndClose(path, "damaged");
    QVERIFY(id > 0);
    // A zstd frame cut short: no bytes are better than wrong bytes.
    QVERIFY(execOn(path,
        QStringLiteral(
            "UPDATE message_raw SET data = substr(data, 1, length(data) / 2) WHERE id = ?"),
        { id }));
    SmtpMessageStore store;
    QVERIFY(store.open(path));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("damaged compressed")));
    QVERIFY(store.rawData(id).isEmpty());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("damaged compressed")));
    QVERIFY(!store.message(id));
    QCOMPARE(store.count(), 1); // still listed, and can be deleted
    QVERIFY(store.remove({ id }));
    QCOMPARE(store.count(), 0);
}

void TestStoreCompression::damagedTextFrameReadsAsNoText()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("t.sqlite"));
    const qint64 id = storeIndexedAndClose(path, "damaged text", Bodies::Base64);
    QVERIFY(id > 0);
    QCOMPARE(rowOf(path, id).textType, QStringLiteral("blob"));
    QVERIFY(execOn(path,
        QStringLiteral("UPDATE message_text SET c3 = substr(c3, 1, length(c3) / 2) WHERE id = ?"),
        { id }));
    servedWithoutText(path, id, "damaged text", QStringLiteral("damaged compressed"));
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(rowOf(path, id).rawEncoding, -1);
}

void TestStoreCompression::dictionaryTrainedOnTheStoresOwnMail()
{
    const auto restore = trainDictionaryAfter(40);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("d.sqlite"));
    const QString dictionaries = QStringLiteral("SELECT count(*) FROM compression_dictionaries");
    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QVERIFY(deliverAll(store, htmlMessages(39)));
    QVERIFY(waitForIndex(store));
    QCOMPARE(scalarOn(path, dictionaries), 0); // too few
    const qint64 before = deliverOne(store, htmlMessage("order 39", Bodies::Base64));
    QVERIFY(before > 0);
    QVERIFY(waitForIndex(store));
    // Trained once the index has caught up with the 40th, which is kept as it came.
    QTRY_COMPARE_WITH_TIMEOUT(scalarOn(path, dictionaries), 1, 10000);
    const auto id
        = quint32(scalarOn(path, QStringLiteral("SELECT id FROM compression_dictionaries")));
    // On the newest 40, or on 39 when the indexer (at a lower priority) looked while the 40th was
    // being committed: the store's count rises just before the commit, and only what is
    // committed is read.
    const qint64 samples
        = scalarOn(path, QStringLiteral("SELECT samples FROM compression_dictionaries"));
    QVERIFY2(samples == 40 || samples == 39, qPrintable(QString::number(samples)));
    QCOMPARE(dictionaryOfRaw(path, before), 0u);

    // New mail is compressed with it: the raw bytes, the HTML and the text body.
    const auto [later, laterId] = deliverUntilCompressedWith(store, path, id, "invoice zebra");
    QVERIFY(laterId > 0);
    const QByteArray subject = later.data().mid(later.data().indexOf("invoice zebra"), 15);
    const QByteArray raw
        = bytesOn(path, QStringLiteral("SELECT data FROM message_raw WHERE id = ?"), laterId);
    QVERIFY2(raw.size() < StoreCompression::encode(later.data()).bytes.size(),
        qPrintable(QString::number(raw.size())));
    QCOMPARE(StoreCompression::dictionaryOf(bytesOn(
                 path, QStringLiteral("SELECT html FROM message_html WHERE id = ?"), laterId)),
        id);
    QCOMPARE(StoreCompression::dictionaryOf(bytesOn(
                 path, QStringLiteral("SELECT c3 FROM message_text WHERE id = ?"), laterId)),
        id);
    // Read back and searched as any other message: by a word and by a part of one (whose
    // candidates' text is expanded with the dictionary).
    QCOMPARE(store.rawData(laterId), later.data());
    QCOMPARE(store.message(laterId)->message().data(), later.data());
    QVERIFY(store.message(laterId)->htmlBody().contains(
        QStringLiteral("Line 39 of the <b>quarterly report</b> for %1.</p>")
            .arg(QString::fromLatin1(subject))));
    QVERIFY(store.message(laterId)->textBody().contains(
        QStringLiteral("Line 0 of the quarterly report for %1.")
            .arg(QString::fromLatin1(subject))));
    QVERIFY(idsFound(store, QStringLiteral("zebra")).contains(laterId));
    QCOMPARE(
        idsFound(store, QStringLiteral("\"report for %1.\"").arg(QString::fromLatin1(subject))),
        QList<qint64> { laterId });
    QCOMPARE(idsFound(store, QStringLiteral("\"for order 39.\"")), QList<qint64> { before });
    // Bodies sent as they are refer to the raw bytes, which the dictionary expands when a search
    // reads them.
    const qint64 plain = deliverOne(store, htmlMessage("plain walrus"));
    QVERIFY(plain > 0);
    QVERIFY(waitForIndex(store));
    QCOMPARE(dictionaryOfRaw(path, plain), id);
    QCOMPARE(rowOf(path, plain).textLength, 21);
    QCOMPARE(
        idsFound(store, QStringLiteral("\"report for plain walrus.\"")), QList<qint64> { plain });
    QCOMPARE(indexErrors(path), QString()); // a connection of its own, reading the dictionary

    // Reopened: the same dictionary for new mail, and no second one.
    store.close();
    SmtpMessageStore again;
    QVERIFY(again.open(path));
    QCOMPARE(again.rawData(laterId), later.data());
    QVERIFY(deliverAll(again, htmlMessages(45, 100)));
    QVERIFY(waitForIndex(again));
    const qint64 newest = scalarOn(path, QStringLiteral("SELECT max(id) FROM messages"));
    QCOMPARE(dictionaryOfRaw(path, newest), id);
    QCOMPARE(again.rawData(newest), htmlMessage("order 144", Bodies::Base64).data());
    QCOMPARE(scalarOn(path, dictionaries), 1);
    // Removed: the full-text indexes forget it, through the text the dictionary expands.
    QVERIFY(again.remove({ laterId }));
    QVERIFY(!idsFound(again, QStringLiteral("zebra")).contains(laterId));
    QVERIFY(idsFound(again, QStringLiteral("\"report for %1.\"").arg(QString::fromLatin1(subject)))
                .isEmpty());
    QCOMPARE(indexErrors(path), QString());
}

void TestStoreCompression::dictionaryOfAnotherStoreIsReadFromTheFile()
{
    const auto restore = trainDictionaryAfter(40);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shared.sqlite"));
    SmtpMessageStore writing;
    QVERIFY2(writing.open(path), qPrintable(writing.errorString()));
    // Opened before any dictionary exists, as other processes would be: one searches and reads,
    // one removes, one reads raw bytes.
    SmtpMessageStore reading;
    QVERIFY2(reading.open(path), qPrintable(reading.errorString()));
    reading.setWatchInterval(20); // to search what the other store's indexer has passed
    SmtpMessageStore removing;
    QVERIFY2(removing.open(path), qPrintable(removing.errorString()));
    SmtpMessageStore rawReading; // and one reads the bytes alone
    QVERIFY2(rawReading.open(path), qPrintable(rawReading.errorString()));
    QVERIFY(deliverAll(writing, htmlMessages(40)));
    QVERIFY(waitForIndex(writing));
    QTRY_COMPARE_WITH_TIMEOUT(
        scalarOn(path, QStringLiteral("SELECT count(*) FROM compression_dictionaries")), 1, 10000);
    const auto dictionary
        = quint32(scalarOn(path, QStringLiteral("SELECT id FROM compression_dictionaries")));
    // The other stores' indexers, seeing mail of their own, take that one instead of training
    // their own; none warns of a dictionary it cannot find.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("dictionary")));
    const auto [m, id] = deliverUntilCompressedWith(writing, path, dictionary, "walrus tusk");
    QVERIFY(id > 0);
    const auto [gone, goneId] = deliverUntilCompressedWith(writing, path, dictionary, "orca fin");
    QVERIFY(goneId > 0);

    // The reading store has never seen it: a search's check of the text (inside an SQL
    // function) reads it from the file, then so do the raw bytes and the HTML.
    const QString phrase
        = QStringLiteral("\"report for %1.\"")
              .arg(QString::fromLatin1(m.data().mid(m.data().indexOf("walrus"), 13)));
    QTRY_COMPARE(idsFound(reading, phrase), QList<qint64> { id });
    QCOMPARE(reading.rawData(id), m.data());
    QVERIFY(reading.message(id)->htmlBody().contains(QStringLiteral("for walrus tusk")));
    QCOMPARE(rawReading.rawData(id), m.data());
    QCOMPARE(rawReading.message(id)->htmlBody(), reading.message(id)->htmlBody());
    // Nor has the removing store: its delete trigger gives the full-text indexes the text
    // they were made of, expanded with the dictionary read then.
    QVERIFY(removing.remove({ goneId }));
    QCOMPARE(indexErrors(path), QString());
    QVERIFY(writing.rawData(goneId).isEmpty());

    // The reading store's own new mail is compressed with that one too.
    const auto [fromReading, readingId]
        = deliverUntilCompressedWith(reading, path, dictionary, "narwhal");
    QVERIFY(readingId > 0);
    QCOMPARE(writing.rawData(readingId), fromReading.data());
    QCOMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM compression_dictionaries")), 1);
}

QTEST_GUILESS_MAIN(TestStoreCompression)
#include "tst_storecompression.moc"
