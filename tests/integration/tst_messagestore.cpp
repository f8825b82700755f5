// SmtpMessageStore on real SQLite files: group commit, reads, flags, pruning, refusal of files
// that are not ours, and failures that must reach the client as 451 without losing mail.
#include "smtptestclient.h"
#include "sqltesthelpers.h"
#include "threadnames.h"

#include <smtpmaildirsink.h>
#include <smtpmessagestore.h>
#include <smtpserver.h>
#include <store/storesqlite.h>
#include <store/storewalvfs.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>
#include <thread>

namespace {

// Refuses every message, as a Maildir on a full disk would.
class RefusingSink : public SmtpMessageSink
{
public:
    void deliver(const SmtpMessage &, Completion done) override
    {
        done(SmtpSinkResult::failure(QStringLiteral("disk on fire")));
    }
};

// The reply after DATA that says "not kept, try again".
const QByteArray tryAgain("451 4.3.0 Local error in processing, try again later\r\n");

SmtpMessage makeMessage(const QByteArray &subject, const QByteArray &body = "hello\r\n")
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setRemotePort(40000);
    m.setHelo("client.test");
    m.setMailFrom("sender@x.test");
    m.setRcptTos({ "a@x.test", "b@x.test" });
    m.setData("From: Sender <sender@x.test>\r\nTo: a@x.test\r\nSubject: " + subject
        + "\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject
        + "@x.test>\r\n\r\n" + body);
    return m;
}

// Delivers and waits for the store's answer.
SmtpSinkResult store(SmtpMessageStore &s, const SmtpMessage &m, int timeoutMs = 5000)
{
    std::atomic<bool> done { false };
    SmtpSinkResult result;
    s.deliver(m, [&](const SmtpSinkResult &r) {
        result = r;
        done = true;
    });
    for (int i = 0; i < timeoutMs && !done; ++i)
        QTest::qWait(1);
    return done ? result : SmtpSinkResult::failure("timeout");
}

// Waits for the background indexer to pass every message committed so far.
bool waitForIndex(SmtpMessageStore &s)
{
    QSignalSpy caughtUp(&s, &SmtpMessageStore::indexCaughtUp);
    while (!s.isIndexCaughtUp())
        if (!caughtUp.wait(30000))
            return false;
    return true;
}

void makeSqliteFile(const QString &path, const QStringList &statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "fixture");
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QString error;
        QVERIFY2(StoreSqlite::installFunctions(db, &error), qPrintable(error)); // the text's view
        for (const QString &sql : statements)
            QVERIFY2(QSqlQuery(db).exec(sql), qPrintable(sql));
        db.close();
    }
    QSqlDatabase::removeDatabase("fixture");
}

// What a kill -9 before the indexer leaves of the messages whose id is <condition>: no text, in
// none of the indexes (told what to forget with the values they were made of, as the delete
// trigger does).
QStringList forgetText(const QString &condition)
{
    return { "INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4) SELECT "
             "'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id "
            + condition,
        "INSERT INTO messages_from_trigram (messages_from_trigram, rowid, c0) SELECT 'delete', "
        "m.id, m.from_header FROM messages m JOIN message_text t ON t.id = m.id WHERE m.id "
            + condition,
        "INSERT INTO messages_to_trigram (messages_to_trigram, rowid, c0) SELECT 'delete', "
        "m.id, m.to_header FROM messages m JOIN message_text t ON t.id = m.id WHERE m.id "
            + condition,
        "DELETE FROM message_text WHERE id " + condition };
}

// Every string of three of 36 symbols once (a de Bruijn sequence), starting at rotation: about 30
// KB once compressed, but some 46,000 distinct terms of the substring index.
QByteArray everyTrigram(int rotation)
{
    const QByteArray symbols = "abcdefghijklmnopqrstuvwxyz0123456789";
    const int k = int(symbols.size());
    QByteArray sequence;
    std::vector<int> a(std::size_t(k * 3), 0);
    // The standard construction (FKM): Lyndon words of length dividing 3, in order.
    const std::function<void(int, int)> build = [&](int t, int p) {
        if (t > 3) {
            if (3 % p == 0)
                for (int j = 1; j <= p; ++j)
                    sequence += symbols.at(a[std::size_t(j)]);
            return;
        }
        a[std::size_t(t)] = a[std::size_t(t - p)];
        build(t + 1, p);
        for (int j = a[std::size_t(t - p)] + 1; j < k; ++j) {
            a[std::size_t(t)] = j;
            build(t + 1, t);
        }
    };
    build(1, 1);
    sequence = sequence.mid(rotation) + sequence.left(rotation);
    QByteArray lines; // lines of 76, as a body has them
    for (qsizetype i = 0; i < sequence.size(); i += 76)
        lines += sequence.mid(i, 76) + "\r\n";
    return lines;
}

// Counts the warnings of the store that say an index batch was not recorded, while it lives.
class FailedBatches
{
public:
    FailedBatches() { s_previous = qInstallMessageHandler(&FailedBatches::handle); }
    ~FailedBatches() { qInstallMessageHandler(s_previous); }
    static int count() { return s_count.load(); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &text)
    {
        if (text.contains(QLatin1String("indexer: cannot record a batch")))
            ++s_count;
        s_previous(type, context, text);
    }
    static inline QtMessageHandler s_previous = nullptr;
    static inline std::atomic<int> s_count { 0 };
};

} // namespace

class TestMessageStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storesAndReads();
    void fullMessage();
    void partsAndChecksAreTyped();
    void checksStoredAsSentencesAreReadAgain();
    void groupCommitGivesDistinctIds();
    void flags();
    void removeAndClear();
    void removeMatching();
    void nonAdditiveChangesCountWhatIsNotNewMail();
    void indexerCatchesUp();
    void htmlBodyIsSearchedAsItReads();
    void bigIndexBatchWithMailArriving();
    void unindexedMessagesAreIndexedOnOpen();
    void bigBacklogIsRecordedInSeveralTransactions();
    void indexerTriesAFailedBatchAgain();
    void mailIsSyncedAfterTheIndexersCommits();
    void pruning();
    void reopenKeepsEverything();
    void writeAheadLogIsCutBackAfterBigMail();
    void secondReaderSeesWrites();
    void watcherReportsOtherWriters();
    void writesWaitForAnotherProcessesTransaction();
    void watcherFollowsOtherWritersIndex();
    void memoryStoreReadersDoNotBlockWriter();
    void memoryStoreReadersNeverSeeHalfIndexedMail();
    void refusesForeignFiles_data();
    void refusesForeignFiles();
    void fullDatabaseAnswers451();
    void laterSinkFailureTakesTheMessageBack();
    void storeFailureTakesTheMaildirFileBack();
    void notOpenFails();
    void threadsAreNamed();
};

void TestMessageStore::storesAndReads()
{
    SmtpMessageStore s;
    QVERIFY2(s.open(":memory:"), qPrintable(s.errorString()));
    QSignalSpy added(&s, &SmtpMessageStore::messagesAdded);
    const SmtpSinkResult first = store(s, makeMessage("one"));
    QVERIFY2(first.ok, qPrintable(first.errorString));
    QVERIFY(first.id > 0);
    const SmtpSinkResult second = store(s, makeMessage("two"));
    QCOMPARE(second.id, first.id + 1);
    QCOMPARE(s.count(), 2);
    QCOMPARE(s.unreadCount(), 2);
    QTRY_COMPARE(added.count(), 2);
    QCOMPARE(added.at(1).at(0).value<QList<qint64>>(), QList<qint64> { second.id });

    const QList<SmtpMessageSummary> page = s.summaries({}, 0, 10);
    QCOMPARE(page.size(), 2);
    QCOMPARE(page.at(0).id, second.id); // newest first
    QCOMPARE(page.at(0).subject, QString("two"));
    QCOMPARE(page.at(0).from, QString("Sender <sender@x.test>"));
    QCOMPARE(page.at(0).mailFrom, QString("sender@x.test"));
    QCOMPARE(page.at(0).rcptTos, QStringList({ "a@x.test", "b@x.test" }));
    QVERIFY(!page.at(0).read);
    QCOMPARE(s.summaries({}, second.id, 10).size(), 1); // paging: the page after "two"
    QCOMPARE(s.summaries({}, 0, 1).size(), 1);

    QList<qint64> order;
    QVERIFY(s.forEach([&order](const SmtpMessageSummary &m) {
        order << m.id;
        return true;
    }));
    QCOMPARE(order, QList<qint64>({ first.id, second.id })); // oldest first
}

void TestMessageStore::fullMessage()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    SmtpMessage m = makeMessage("full", "the text body\r\n");
    m.setTls("TLSv1.3", "TLS_AES_256_GCM_SHA384");
    m.setAuthenticatedUser("user");
    const qint64 id = store(s, m).id;
    const auto stored = s.message(id);
    QVERIFY(stored);
    QCOMPARE(stored->message().data(), m.data());
    QCOMPARE(s.rawData(id), m.data());
    QCOMPARE(stored->message().remotePort(), 40000);
    QCOMPARE(stored->summary().size, m.size());
    QVERIFY(stored->summary().tls);
    QCOMPARE(stored->tlsCipher(), QString("TLS_AES_256_GCM_SHA384"));
    QCOMPARE(stored->authenticatedUser(), QString("user"));
    QCOMPARE(stored->messageId(), QString("full@x.test"));
    QVERIFY(stored->textBody().contains("the text body"));
    QCOMPARE(stored->summary().receivedAt.toMSecsSinceEpoch(), m.receivedAt().toMSecsSinceEpoch());
    QCOMPARE(stored->headers().size(), 5);
    QCOMPARE(stored->headers().at(0), SmtpHeaderField("From", "Sender <sender@x.test>"));
    QCOMPARE(stored->header("message-id"), QString("<full@x.test>"));
    QCOMPARE(stored->rootPart().contentType(), QString("text/plain"));
    QCOMPARE(stored->parts().size(), 1);
    QVERIFY(stored->attachments().isEmpty());
    QVERIFY(stored->checks().isEmpty());
    QVERIFY(!stored->parseFailed());
    QVERIFY(!s.message(id + 100));
}

// What the parser found comes back as the same typed values, whether read now or after reopen.
void TestMessageStore::partsAndChecksAreTyped()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("typed.sqlite");
    SmtpMessage m = makeMessage("typed");
    m.setData("From: a@x.test\r\nSubject: typed\r\nContent-Type: multipart/mixed; boundary=b\r\n"
              "\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n"
              "--b\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\niVBORw0K\r\n"
              "--b\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
              "Content-Disposition: attachment\r\n\r\n%PDF\r\n--b--\r\n"
              "a bare\nline feed\r\n");
    qint64 id = 0;
    SmtpStoredMessage first;
    {
        SmtpMessageStore s;
        QVERIFY(s.open(path));
        id = store(s, m).id;
        first = *s.message(id);
    }
    const SmtpMimePart root = first.rootPart();
    QCOMPARE(root.partId(), 0);
    QCOMPARE(root.contentType(), QString("multipart/mixed"));
    QCOMPARE(root.children().size(), 3);
    QCOMPARE(root.children().at(2).fileName(), QString("a.pdf"));
    QCOMPARE(first.part(3), root.children().at(2));
    QCOMPARE(first.attachments().size(), 2);
    QVERIFY(first.attachments().at(0).isInline()); // referred to by Content-ID
    QCOMPARE(first.attachments().at(0).contentId(), QString("logo@x"));
    QCOMPARE(first.attachments().at(0).size(), 6);
    QVERIFY(!first.attachments().at(1).isInline());
    QVERIFY(first.hasAttachments());
    QVERIFY(first.summary().hasAttachments);

    QList<SmtpMessageCheck::Kind> kinds;
    for (const SmtpMessageCheck &check : first.checks())
        kinds << check.kind();
    using K = SmtpMessageCheck::Kind;
    QCOMPARE(kinds,
        (QList<K> { K::BareLineFeed, K::MissingDate, K::MissingMessageId, K::HtmlWithoutText }));
    QCOMPARE(first.checks().at(0).line(), 21);
    QCOMPARE(first.checks().at(0).occurrences(), 1);

    SmtpMessageStore reopened;
    QVERIFY(reopened.open(path));
    QCOMPARE(*reopened.message(id), first);
}

// Stores written before checks had facts hold an English sentence per check. They still open,
// and their checks come back with facts (run again on the raw bytes).
void TestMessageStore::checksStoredAsSentencesAreReadAgain()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("sentences.sqlite");
    qint64 id = 0;
    {
        SmtpMessageStore s;
        QVERIFY(s.open(path));
        id = store(s, makeMessage("old", "one\ntwo\n")).id;
    }
    makeSqliteFile(path,
        { QString("UPDATE messages SET findings = '[{\"kind\":\"bare-lf\",\"detail\":\"2 bare LF "
                  "(line feed without carriage return), the first ends line 7\"}]' WHERE id = %1")
                .arg(id) });
    SmtpMessageStore s;
    QVERIFY(s.open(path));
    const QList<SmtpMessageCheck> checks = s.message(id)->checks();
    QCOMPARE(checks.size(), 1);
    QCOMPARE(checks.at(0).kind(), SmtpMessageCheck::Kind::BareLineFeed);
    QCOMPARE(checks.at(0).line(), 7);
    QCOMPARE(checks.at(0).occurrences(), 2);
}

void TestMessageStore::groupCommitGivesDistinctIds()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    std::atomic<int> done { 0 };
    QList<qint64> ids;
    QMutex mutex;
    for (int i = 0; i < 300; ++i)
        s.deliver(makeMessage("m" + QByteArray::number(i)), [&](const SmtpSinkResult &r) {
            QMutexLocker lock(&mutex);
            ids << (r.ok ? r.id : -1);
            ++done;
        });
    QTRY_COMPARE_WITH_TIMEOUT(done.load(), 300, 20000);
    QCOMPARE(QSet<qint64>(ids.begin(), ids.end()).size(), 300);
    QVERIFY(!ids.contains(-1));
    QCOMPARE(s.count(), 300);
}

void TestMessageStore::flags()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    const qint64 a = store(s, makeMessage("a")).id;
    const qint64 b = store(s, makeMessage("b")).id;
    QSignalSpy changed(&s, &SmtpMessageStore::readChanged);
    QVERIFY(s.setRead({ a }, true));
    QCOMPARE(s.unreadCount(), 1);
    QTRY_COMPARE(changed.count(), 1);
    QVERIFY(s.summaries({}, 0, 10).at(1).read);
    QVERIFY(s.setRead({ a }, true)); // no change, no signal, no drift
    QCOMPARE(s.unreadCount(), 1);
    QVERIFY(s.markAllRead());
    QCOMPARE(s.unreadCount(), 0);
    QVERIFY(s.setRead({ a, b }, false));
    QCOMPARE(s.unreadCount(), 2);
}

void TestMessageStore::removeAndClear()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    const qint64 a = store(s, makeMessage("a")).id;
    const qint64 b = store(s, makeMessage("b")).id;
    QSignalSpy removed(&s, &SmtpMessageStore::messagesRemoved);
    QVERIFY(s.remove({ a, 999 }));
    QCOMPARE(s.count(), 1);
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).value<QList<qint64>>(), QList<qint64> { a });
    QVERIFY(s.rawData(a).isEmpty());
    QVERIFY(!s.rawData(b).isEmpty());
    QVERIFY(waitForIndex(s));
    QCOMPARE(s.summaries("from:sender", 0, 10).size(), 1);
    QVERIFY(s.clear());
    QCOMPARE(s.count(), 0);
    QCOMPARE(s.unreadCount(), 0);
    QVERIFY(s.summaries({}, 0, 10).isEmpty());
    QVERIFY(s.rawData(b).isEmpty());
    // The indexes were emptied with the messages: the headers of new mail are found, once.
    QVERIFY(s.summaries("from:sender", 0, 10).isEmpty());
    const qint64 c = store(s, makeMessage("c")).id;
    QVERIFY(waitForIndex(s));
    QCOMPARE(s.countMatching("from:sender to:a@x").messages, 1);
    QCOMPARE(s.summaries("to:a@x.test", 0, 10).size(), 1);
    QCOMPARE(s.summaries("to:a@x.test", 0, 10).at(0).id, c);
}

void TestMessageStore::removeMatching()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    store(s, makeMessage("invoice 1"));
    store(s, makeMessage("newsletter"));
    store(s, makeMessage("invoice 2"));
    QVERIFY(waitForIndex(s)); // words are found once indexed
    QCOMPARE(s.removeMatching("subject:invoice"), 2);
    QCOMPARE(s.count(), 1);
    QCOMPARE(s.summaries({}, 0, 10).at(0).subject, QString("newsletter"));
    QCOMPARE(s.summaries("invoice", 0, 10).size(), 0); // the search index forgot them too
    QCOMPARE(s.summaries("from:sender", 0, 10).size(), 1); // and so did the From index
}

void TestMessageStore::nonAdditiveChangesCountWhatIsNotNewMail()
{
    // Moved before the commit and after it: even between changes, grown by each; new mail and
    // the indexer leave it alone.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("changes.sqlite")));
    quint64 last = s.nonAdditiveChanges();
    QCOMPARE(last % 2, 0u);
    const auto moved = [&] {
        const quint64 now = s.nonAdditiveChanges();
        const bool ok = now > last && now % 2 == 0;
        last = now;
        return ok;
    };
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i)
        ids.append(store(s, makeMessage("m" + QByteArray::number(i))).id);
    QVERIFY(waitForIndex(s));
    QCOMPARE(s.nonAdditiveChanges(), last);
    QVERIFY(s.setRead({ ids.at(0) }, true));
    QVERIFY(moved());
    QCOMPARE(s.setReadMatching("m1", true), 1);
    QVERIFY(moved());
    QVERIFY(s.markAllRead());
    QVERIFY(moved());
    QVERIFY(s.remove({ ids.at(1) }));
    QVERIFY(moved());
    s.setMaxMessages(2); // prunes the oldest
    QVERIFY(moved());
    s.setMaxMessages(3);
    QVERIFY(store(s, makeMessage("m4")).ok);
    QCOMPARE(s.nonAdditiveChanges(), last); // nothing pruned
    QVERIFY(store(s, makeMessage("m5")).ok); // prunes the oldest with it
    QVERIFY(moved());
    QVERIFY(s.removeMailbox(SmtpMessage::defaultMailbox()));
    QVERIFY(moved());
    QVERIFY(s.clear());
    QVERIFY(moved());
}

void TestMessageStore::htmlBodyIsSearchedAsItReads()
{
    // The search text holds the HTML body as a reader sees it (http-api.md): a message with HTML
    // alone is found by its words, across its tags and blocks, but not by its markup, its script
    // or its style; a message with both bodies by the words of either.
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    // makeMessage() with a Content-Type of its own.
    const auto typed = [](const QByteArray &subject, const QByteArray &type,
                           const QByteArray &body) {
        SmtpMessage m = makeMessage(subject, body);
        QByteArray data = m.data();
        data.insert(data.indexOf("\r\n\r\n"), "\r\nMIME-Version: 1.0\r\nContent-Type: " + type);
        m.setData(data);
        return m;
    };
    const qint64 htmlOnly = store(s,
        typed("html only", "text/html; charset=utf-8",
            "<html><head><title>Heading kiwi</title><style>.mango { color: red }</style></head>"
            "<body><p class=\"papaya\">Hello <b>Zanzibar</b> &amp; friends</p>"
            "<div>second block</div><script>var guava = 1;</script></body></html>\r\n"))
                                .id;
    QVERIFY(htmlOnly > 0);
    const SmtpMessage both = typed("both bodies", "multipart/alternative; boundary=b",
        "--b\r\nContent-Type: text/plain\r\n\r\ntext part quokka\r\n"
        "--b\r\nContent-Type: text/html\r\n\r\n<p>html part wombat</p>\r\n--b--\r\n");
    const qint64 multipart = store(s, both).id;
    QVERIFY(multipart > 0);
    QVERIFY(waitForIndex(s));
    const auto found = [&s](const QString &query) {
        QList<qint64> ids;
        for (const SmtpMessageSummary &m : s.summaries(query, 0, 10))
            ids.append(m.id);
        return ids;
    };
    QCOMPARE(found(QStringLiteral("zanzibar")), QList<qint64> { htmlOnly });
    QCOMPARE(found(QStringLiteral("\"hello zanzibar & friends\"")), QList<qint64> { htmlOnly });
    QCOMPARE(found(QStringLiteral("\"friends second block\"")), QList<qint64> { htmlOnly });
    for (const char *hidden : { "papaya", "mango", "guava", "kiwi", "color", "class", "amp" })
        QVERIFY2(found(QLatin1String(hidden)).isEmpty(), hidden);
    QCOMPARE(found(QStringLiteral("wombat")), QList<qint64> { multipart });
    QCOMPARE(found(QStringLiteral("quokka")), QList<qint64> { multipart });
    // The text body read back is still the text part alone.
    QCOMPARE(s.message(multipart)->textBody().trimmed(), QStringLiteral("text part quokka"));
}

void TestMessageStore::indexerCatchesUp()
{
    // The 250 comes before the MIME parse: the message is listed at once, read in full at once
    // (parsed on demand), and found by words once the indexer has passed it.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("index.sqlite")));
    QVERIFY(waitForIndex(s)); // an empty store has nothing to index
    QSignalSpy upTo(&s, &SmtpMessageStore::indexedUpToChanged);
    QSignalSpy caughtUp(&s, &SmtpMessageStore::indexCaughtUp);
    QList<qint64> ids;
    std::optional<SmtpStoredMessage> early;
    for (int i = 0; i < 40; ++i) {
        // "zebraword<i>q": search matches substrings, and zebraword1 is in zebraword12.
        const QByteArray body = "--b\r\nContent-Type: text/plain\r\n\r\nzebraword"
            + QByteArray::number(i)
            + "q\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
              "filename=report.pdf\r\n\r\n%PDF\r\n--b--\r\n";
        SmtpMessage m = makeMessage("indexed " + QByteArray::number(i), body);
        QByteArray data = m.data();
        data.insert(data.indexOf("\r\n\r\n"),
            "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b");
        m.setData(data);
        ids.append(store(s, m).id);
        if (i == 0) {
            // Right after the 250, most likely before the indexer: the same as after it.
            early = s.message(ids.first());
            const QList<SmtpMessageSummary> listed = s.summaries({}, 0, 1);
            QCOMPARE(listed.size(), 1);
            QCOMPARE(listed.first().subject, QString("indexed 0"));
            QCOMPARE(listed.first().from, QString("Sender <sender@x.test>"));
            QVERIFY(listed.first().hasAttachments);
        }
        // Whatever the indexer has passed is found; what it has not, is still listed.
        const qint64 indexed = s.indexedUpTo();
        const QList<SmtpMessageSummary> found
            = s.summaries("zebraword" + QString::number(i) + 'q', 0, 5);
        if (indexed >= ids.last())
            QCOMPARE(found.size(), 1);
        QCOMPARE(s.summaries("subject:indexed", 0, 100).size() <= i + 1, true);
    }
    QVERIFY(early.has_value());
    QCOMPARE(early->textBody(), QString("zebraword0q"));
    QCOMPARE(early->attachments().size(), 1);
    QVERIFY(waitForIndex(s));
    QVERIFY(caughtUp.count() >= 1 || s.isIndexCaughtUp());
    QVERIFY(!upTo.isEmpty());
    QTRY_COMPARE(upTo.last().at(0).toLongLong(), s.indexedUpTo()); // the signal is queued
    QVERIFY(s.indexedUpTo() >= ids.last());
    for (int i = 0; i < ids.size(); ++i) {
        const QList<SmtpMessageSummary> found
            = s.summaries('"' + QString("zebraword%1q").arg(i) + '"', 0, 5);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().id, ids.at(i));
        QVERIFY(found.first().hasAttachments);
    }
    QCOMPARE(s.summaries("report.pdf", 0, 100).size(), 40);
    // Read back from what the indexer stored: the same message as parsed on demand.
    const std::optional<SmtpStoredMessage> indexed = s.message(ids.first());
    QVERIFY(indexed.has_value());
    QVERIFY(*indexed == *early);
}

void TestMessageStore::bigIndexBatchWithMailArriving()
{
    // The indexer records a big batch in transactions that end whenever the writer waits, and
    // mail that arrives meanwhile commits in between: every message is still indexed once.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("chunks.sqlite")));
    std::atomic<int> stored { 0 };
    const int burst = 120;
    for (int i = 0; i < burst; ++i)
        s.deliver(makeMessage("burst", "yakword" + QByteArray::number(i) + "q"),
            [&](const SmtpSinkResult &r) { stored += r.ok ? 1 : 0; });
    QTRY_COMPARE_WITH_TIMEOUT(stored.load(), burst, 30000);
    // One at a time while the indexer records the burst.
    for (int i = burst; i < burst + 40; ++i)
        QVERIFY(store(s, makeMessage("single", "yakword" + QByteArray::number(i) + "q")).ok);
    QVERIFY(waitForIndex(s));
    for (int i = 0; i < burst + 40; ++i)
        QCOMPARE(s.summaries("yakword" + QString::number(i) + 'q', 0, 5).size(), 1);
    QCOMPARE(s.summaries("yakword", 0, 1000).size(), burst + 40);
}

void TestMessageStore::unindexedMessagesAreIndexedOnOpen()
{
    // A file holding a message committed but not indexed (what a kill -9 between the commit and
    // the indexer leaves): message() reads it in full, and the indexer indexes it on open.
    QTemporaryDir dir;
    const QString path = dir.filePath("pending.sqlite");
    qint64 id = 0;
    std::optional<SmtpStoredMessage> before;
    {
        SmtpMessageStore s;
        QVERIFY(s.open(path));
        id = store(s, makeMessage("pending", "quokkaword\r\n")).id;
        QVERIFY(waitForIndex(s));
        before = s.message(id);
    }
    makeSqliteFile(path,
        QStringList { "UPDATE messages SET unindexed = 1, parts = '', attachments = '', "
                      "findings = '', cc_header = '', message_id = '' WHERE id = "
            + QString::number(id) }
            + forgetText("= " + QString::number(id)));
    SmtpMessageStore s;
    QSignalSpy caughtUp(&s, &SmtpMessageStore::indexCaughtUp);
    QVERIFY(s.open(path));
    QCOMPARE(s.summaries({}, 0, 5).size(), 1); // listed whether indexed or not
    const std::optional<SmtpStoredMessage> read = s.message(id);
    QVERIFY(read.has_value());
    QVERIFY(*read == *before);
    QVERIFY(caughtUp.wait(30000) || s.isIndexCaughtUp());
    QCOMPARE(s.indexedUpTo(), id);
    QCOMPARE(s.summaries("quokkaword", 0, 5).size(), 1);
    QVERIFY(*s.message(id) == *before);
}

void TestMessageStore::bigBacklogIsRecordedInSeveralTransactions()
{
    // The indexer records a batch in transactions of about a million characters of text, so that
    // the writer (and the 250s waiting for it) gets the database between two, and searches see
    // the first messages before the batch is done. Six messages of 400,000 characters left
    // unindexed are one batch on open: two transactions, each signalled.
    QTemporaryDir dir;
    const QString path = dir.filePath("backlog.sqlite");
    QList<qint64> ids;
    {
        SmtpMessageStore s;
        QVERIFY(s.open(path));
        for (int i = 0; i < 6; ++i) {
            QByteArray body = "backlogword" + QByteArray::number(i) + "q\r\n";
            while (body.size() < 400000)
                body += "the quick brown fox jumps over the lazy dog again and again\r\n";
            ids.append(store(s, makeMessage("backlog " + QByteArray::number(i), body)).id);
        }
        QVERIFY(waitForIndex(s));
    }
    QStringList idList;
    for (qint64 id : ids)
        idList.append(QString::number(id));
    const QString in = "(" + idList.join(',') + ")";
    // What a kill -9 before the indexer leaves: waiting, with no full-text rows (the substring
    // index's rows go first, with the values they were made of, as the delete trigger does).
    makeSqliteFile(path,
        QStringList { "UPDATE messages SET unindexed = 1 WHERE id IN " + in }
            + forgetText("IN " + in));
    SmtpMessageStore s;
    QSignalSpy upTo(&s, &SmtpMessageStore::indexedUpToChanged);
    QVERIFY(s.open(path));
    QVERIFY(s.summaries("backlogword5q", 0, 5).isEmpty());
    QVERIFY(waitForIndex(s));
    QList<qint64> signalled;
    for (const QList<QVariant> &args : upTo)
        signalled.append(args.at(0).toLongLong());
    QVERIFY2(signalled.contains(ids.at(2)), qPrintable(idList.join(' ')));
    QVERIFY(signalled.contains(ids.at(5)));
    for (int i = 0; i < 6; ++i)
        QCOMPARE(s.summaries("backlogword" + QString::number(i) + 'q', 0, 5).size(), 1);
}

void TestMessageStore::indexerTriesAFailedBatchAgain()
{
    // A batch the indexer could not commit (here: the store's maximum size, reached by the
    // index's pages where the message's own rows fitted) is tried again once the cause has gone,
    // with no new mail to wake it. Before, the message stayed out of search until the next one.
    QTemporaryDir dir;
    const QString path = dir.filePath("retry.sqlite");
    SmtpMessageStore s;
    QVERIFY(s.open(path));
    QVERIFY(store(s, makeMessage("first", everyTrigram(0))).ok);
    QVERIFY(waitForIndex(s));
    const qint64 pageSize = SqlTest::scalarOn(path, "PRAGMA page_size");
    const qint64 pages = SqlTest::scalarOn(path, "PRAGMA page_count");
    QVERIFY(pageSize > 0 && pages > 0);

    const FailedBatches failures;
    const int failedBefore = FailedBatches::count();
    s.setMaxDatabaseSize((pages + 24) * pageSize);
    QVERIFY(store(s, makeMessage("zqxsecond", everyTrigram(1000))).ok);
    QTRY_VERIFY_WITH_TIMEOUT(FailedBatches::count() > failedBefore, 10000);
    QVERIFY(!s.isIndexCaughtUp());
    s.setMaxDatabaseSize(0);
    QTRY_VERIFY_WITH_TIMEOUT(s.isIndexCaughtUp(), 10000);
    const QList<SmtpMessageSummary> found = s.summaries("zqxsecond", 0, 10);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.constFirst().subject, QString("zqxsecond"));
}

void TestMessageStore::mailIsSyncedAfterTheIndexersCommits()
{
    // The indexer records its rows through the writer's connection, in commits that are not
    // synced (a crash loses nothing acknowledged: the mail stays marked unindexed). Each commit
    // of mail after them must sync the log all the same: a 250 means the mail is on disk.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("synced.sqlite")));
    QVERIFY(waitForIndex(s));
    for (int i = 0; i < 4; ++i) {
        const quint64 beforeMail = StoreWalVfs::logsSynced();
        QVERIFY(store(s, makeMessage("synced " + QByteArray::number(i))).ok);
        QVERIFY2(StoreWalVfs::logsSynced() > beforeMail, qPrintable(QString::number(i)));
        const quint64 beforeIndex = StoreWalVfs::logsSynced();
        QVERIFY(waitForIndex(s));
        QCOMPARE(StoreWalVfs::logsSynced(), beforeIndex);
    }
    QCOMPARE(s.summaries("subject:synced", 0, 10).size(), 4);
}

void TestMessageStore::pruning()
{
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids << store(s, makeMessage("p" + QByteArray::number(i))).id;
    QSignalSpy removed(&s, &SmtpMessageStore::messagesRemoved);
    s.setMaxMessages(3);
    QCOMPARE(s.count(), 3);
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).value<QList<qint64>>(), ids.mid(0, 2));
    const qint64 newest = store(s, makeMessage("p5")).id;
    QCOMPARE(s.count(), 3);
    const QList<SmtpMessageSummary> left = s.summaries({}, 0, 10);
    QCOMPARE(left.size(), 3);
    QCOMPARE(left.at(0).id, newest);
    QCOMPARE(left.at(2).id, ids.at(3));
    QCOMPARE(s.summaries("p0", 0, 10).size(), 0);
    QCOMPARE(s.unreadCount(), 3);
}

void TestMessageStore::reopenKeepsEverything()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("sub/dir/messages.sqlite");
    qint64 id = 0;
    {
        SmtpMessageStore s;
        QVERIFY2(s.open(path), qPrintable(s.errorString()));
        id = store(s, makeMessage("kept")).id;
        store(s, makeMessage("kept too"));
        QVERIFY(s.setRead({ id }, true));
        QVERIFY(s.databaseSize() > 0);
    }
    SmtpMessageStore s;
    QVERIFY(s.open(path));
    QCOMPARE(s.count(), 2);
    QCOMPARE(s.unreadCount(), 1);
    QCOMPARE(s.message(id)->summary().subject, QString("kept"));
    // ids are never reused, even after the newest is deleted
    const qint64 last = s.summaries({}, 0, 1).at(0).id;
    QVERIFY(s.remove({ last }));
    QVERIFY(store(s, makeMessage("new")).id > last);
}

// The write-ahead log holds every page written between two checkpoints, big messages whole; it
// must not keep that size on disk once a checkpoint has let it start over.
void TestMessageStore::writeAheadLogIsCutBackAfterBigMail()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("messages.sqlite");
    SmtpMessageStore s;
    QVERIFY2(s.open(path), qPrintable(s.errorString()));
    // One message of 72 MiB that does not compress (binary, so the indexer has no text to
    // index): one transaction, so the log holds all of it at once.
    QByteArray body(72 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(7).fillRange(
        reinterpret_cast<quint32 *>(body.data()), body.size() / qsizetype(sizeof(quint32)));
    SmtpMessage big = makeMessage("big");
    big.setData("From: sender@x.test\r\nTo: a@x.test\r\nSubject: big\r\n"
                "Content-Type: application/octet-stream\r\n"
                "Content-Transfer-Encoding: binary\r\n\r\n"
        + body);
    body.clear();
    QVERIFY(store(s, big, 60000).ok); // 72 MiB written and synced twice (log, checkpoint)
    big = SmtpMessage();
    const auto walSize = [&] { return QFileInfo(path + "-wal").size(); };
    constexpr qint64 limit = 64 * 1024 * 1024;
    QVERIFY2(walSize() > limit, qPrintable(QString::number(walSize())));
    QVERIFY(waitForIndex(s));
    // A checkpoint after a commit copies the log into the database; the next write transaction
    // starts the log over, and that is when it is cut back.
    int small = 0;
    for (; small < 50 && walSize() > limit; ++small) {
        QVERIFY(store(s, makeMessage("small " + QByteArray::number(small))).ok);
        QTest::qWait(20);
    }
    QVERIFY2(walSize() <= limit, qPrintable(QString::number(walSize())));
    QCOMPARE(s.count(), 1 + small);
}

void TestMessageStore::secondReaderSeesWrites()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("shared.sqlite");
    SmtpMessageStore writer;
    QVERIFY(writer.open(path));
    SmtpMessageStore reader; // as another process (the GUI, or --list) would
    QVERIFY(reader.open(path));
    const qint64 id = store(writer, makeMessage("seen")).id;
    const QList<SmtpMessageSummary> page = reader.summaries({}, 0, 10);
    QCOMPARE(page.size(), 1);
    QCOMPARE(page.at(0).id, id);
}

void TestMessageStore::watcherReportsOtherWriters()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("watched.sqlite");
    SmtpMessageStore writer; // another process, as far as the reader can tell
    QVERIFY(writer.open(path));
    const qint64 before = store(writer, makeMessage("before")).id;
    SmtpMessageStore reader;
    QVERIFY(reader.open(path));
    reader.setWatchInterval(20);
    QSignalSpy added(&reader, &SmtpMessageStore::messagesAdded);
    QSignalSpy removed(&reader, &SmtpMessageStore::messagesRemoved);
    QSignalSpy counted(&reader, &SmtpMessageStore::countChanged);

    const qint64 id = store(writer, makeMessage("new")).id;
    QTRY_COMPARE(added.count(), 1);
    QCOMPARE(added.at(0).at(0).value<QList<qint64>>(), QList<qint64> { id });
    QCOMPARE(reader.count(), 2);
    QCOMPARE(reader.unreadCount(), 2);

    QVERIFY(writer.remove({ before }));
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(reader.count(), 1);
    QVERIFY(writer.setRead({ id }, true));
    QTRY_COMPARE(reader.unreadCount(), 0);
    QVERIFY(counted.count() >= 3);
    QCOMPARE(added.count(), 1); // nothing reported twice
}

void TestMessageStore::writesWaitForAnotherProcessesTransaction()
{
    // Another process holds the write lock with a change of its own, and commits it while the
    // store's removal waits: the removal waits for the lock (the busy timeout), then goes ahead
    // on the file as the other left it.
    QTemporaryDir dir;
    const QString path = dir.filePath("two-writers.sqlite");
    SmtpMessageStore catcher;
    QVERIFY(catcher.open(path));
    const qint64 first = store(catcher, makeMessage("first")).id;
    const qint64 second = store(catcher, makeMessage("second")).id;
    QVERIFY(first > 0 && second > 0);
    std::atomic<bool> locked { false };
    std::atomic<bool> committed { false };
    std::thread other([&] {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "other-process");
            db.setDatabaseName(path);
            QSqlQuery q(db);
            if (db.open() && q.exec("BEGIN IMMEDIATE")
                && q.exec(
                    QStringLiteral("UPDATE messages SET is_read = 1 WHERE id = %1").arg(second))) {
                locked = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                committed = q.exec("COMMIT");
            }
            db.close();
        }
        QSqlDatabase::removeDatabase("other-process");
    });
    QTRY_VERIFY(locked.load());
    QVERIFY(catcher.remove({ first }));
    other.join();
    QVERIFY(committed.load());
    const QList<SmtpMessageSummary> left = catcher.summaries({}, 0, 10);
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.at(0).id, second);
    QVERIFY(left.at(0).read); // the other process's change, committed before the removal
    QVERIFY(catcher.setRead({ second }, false)); // and the next write as well
    QVERIFY(!catcher.summaries({}, 0, 10).at(0).read);
}

void TestMessageStore::watcherFollowsOtherWritersIndex()
{
    // A GUI reading a headless server's store: the words of the server's new mail are found
    // once the server's indexer has passed it, not only mail this process indexed.
    QTemporaryDir dir;
    const QString path = dir.filePath("watchedindex.sqlite");
    SmtpMessageStore writer; // another process, as far as the reader can tell
    QVERIFY(writer.open(path));
    store(writer, makeMessage("before", "aardvark\r\n"));
    QVERIFY(waitForIndex(writer));
    SmtpMessageStore reader;
    QVERIFY(reader.open(path));
    reader.setWatchInterval(20);
    QSignalSpy indexed(&reader, &SmtpMessageStore::indexedUpToChanged);
    QCOMPARE(reader.summaries("aardvark", 0, 10).size(), 1);

    const qint64 id = store(writer, makeMessage("after", "zebrafinch\r\n")).id;
    QVERIFY(id > 0);
    QVERIFY(waitForIndex(writer));
    while (reader.indexedUpTo() < id)
        QVERIFY(indexed.wait(5000));
    QCOMPARE(indexed.last().at(0).toLongLong(), reader.indexedUpTo());
    const QList<SmtpMessageSummary> found = reader.summaries("zebrafinch", 0, 10);
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.at(0).id, id);
}

void TestMessageStore::memoryStoreReadersDoNotBlockWriter()
{
    // Regression: ":memory:" is a shared-cache database; a reader's table lock made commits fail
    // with "database table is locked" (451 to the client) while the GUI paged the inbox.
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    std::atomic<bool> stop { false };
    std::atomic<int> reads { 0 };
    std::thread reader([&] {
        while (!stop) {
            s.summaries({}, 0, 200);
            ++reads;
        }
    });
    std::atomic<int> ok { 0 }, failed { 0 };
    for (int i = 0; i < 400; ++i)
        s.deliver(makeMessage("r" + QByteArray::number(i)),
            [&](const SmtpSinkResult &r) { ++(r.ok ? ok : failed); });
    QTRY_COMPARE_WITH_TIMEOUT(ok + failed, 400, 30000);
    stop = true;
    reader.join();
    QCOMPARE(failed.load(), 0);
    QVERIFY(reads > 0);
}

void TestMessageStore::memoryStoreReadersNeverSeeHalfIndexedMail()
{
    // Regression: a reader of ":memory:" (read_uncommitted) sees the indexer's transaction as it
    // is written; a message marked indexed before its HTML row was there read without HTML.
    SmtpMessageStore s;
    QVERIFY(s.open(":memory:"));
    const QByteArray html = "<p>" + QByteArray(2 * 1024 * 1024, 'h') + "</p>"; // slow to write
    // The reader spins from before each delivery: it reads the message from its commit on.
    std::atomic<qint64> target { 0 };
    std::atomic<bool> stop { false };
    std::atomic<int> reads { 0 }, withoutHtml { 0 };
    std::thread reader([&] {
        while (!stop) {
            const qint64 id = target;
            if (id <= 0)
                continue;
            const std::optional<SmtpStoredMessage> read = s.message(id);
            if (!read || read->htmlBody().size() < html.size())
                ++withoutHtml;
            ++reads;
        }
    });
    const auto joinReader = qScopeGuard([&] {
        stop = true;
        reader.join();
    });
    for (int round = 0; round < 3; ++round) {
        SmtpMessage m = makeMessage("html " + QByteArray::number(round));
        m.setData("From: a@x.test\r\nTo: b@x.test\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/html\r\n\r\n"
            + html + "\r\n");
        std::atomic<qint64> id { 0 };
        s.deliver(m, [&](const SmtpSinkResult &r) {
            id = r.ok ? r.id : -1;
            target = id.load(); // on the writer thread, before the indexer can start on it
        });
        QTRY_VERIFY(id != 0);
        QVERIFY(id > 0);
        QVERIFY(waitForIndex(s));
    }
    stop = true;
    QVERIFY(reads > 0);
    QCOMPARE(withoutHtml.load(), 0);
}

void TestMessageStore::refusesForeignFiles_data()
{
    QTest::addColumn<QByteArray>("content"); // raw file content, or empty to use statements
    QTest::addColumn<QStringList>("statements");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not sqlite") << QByteArray(
        "this is a text file, not a database\n" + QByteArray(4096, 'x'))
                                << QStringList() << "not a usable SQLite database";
    QTest::newRow("other sqlite") << QByteArray()
                                  << QStringList { "CREATE TABLE people (name TEXT)" }
                                  << "not an smtp-receiver database";
    QTest::newRow("other application id")
        << QByteArray() << QStringList { "PRAGMA application_id = 42" }
        << "not an smtp-receiver database";
    QTest::newRow("newer schema") << QByteArray()
                                  << QStringList { "PRAGMA application_id = 1397576786",
                                         "PRAGMA user_version = 99",
                                         "CREATE TABLE messages (id INTEGER PRIMARY KEY)" }
                                  << "newer smtp-receiver";
}

void TestMessageStore::refusesForeignFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, statements);
    QFETCH(QString, mentions);
    QTemporaryDir dir;
    const QString path = dir.filePath("file.sqlite");
    if (!content.isEmpty()) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    } else {
        makeSqliteFile(path, statements);
    }
    QFile before(path);
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray original = before.readAll();
    before.close();

    SmtpMessageStore s;
    QVERIFY(!s.open(path));
    QVERIFY2(s.errorString().contains(mentions), qPrintable(s.errorString()));
    QVERIFY(s.errorString().contains(path));
    QVERIFY(!s.isOpen());
    QFile after(path);
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), original); // refused means untouched
}

void TestMessageStore::fullDatabaseAnswers451()
{
    // A database that cannot grow (as on a full disk): the client hears 451, the message is not
    // reported as received, and what was acknowledged before is still there.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("full.sqlite")));
    SmtpServer server;
    server.addMessageSink(&s);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy received(&server, &SmtpServer::message);

    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(server.serverPort())));
    QCOMPARE(SmtpTestClient::code(
                 client.sendMail("a@x.test", { "b@x.test" }, "Subject: ok\r\n\r\nx\r\n")),
        250);
    const qint64 before = s.count();
    s.setMaxDatabaseSize(1); // no room for another page
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
    // Letters at random: the store compresses mail, and this must still take pages (more than
    // the few a new store has free, left by the schema's migrations).
    QByteArray noise(200000, Qt::Uninitialized);
    QRandomGenerator letters(7);
    for (char &c : noise)
        c = char('a' + letters.bounded(26));
    QCOMPARE(client.data("Subject: too much\r\n\r\n" + noise + "\r\n"),
        QByteArray("451 4.3.0 Local error in processing, try again later\r\n"));
    QCOMPARE(received.count(), 1);
    QCOMPARE(s.count(), before);
    QCOMPARE(s.summaries({}, 0, 10).size(), 1);
    s.setMaxDatabaseSize(0); // room again: the client's retry succeeds
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data("Subject: retry\r\n\r\nx\r\n")), 250);
    QCOMPARE(s.count(), before + 1);
    server.removeMessageSink(&s);
}

void TestMessageStore::laterSinkFailureTakesTheMessageBack()
{
    // The store commits, then a sink after it refuses: the client hears 451, so the store must
    // not keep the message (each retry would add one). Whoever listed it on messagesAdded()
    // hears of its removal, in that order, and its id is never given again.
    QTemporaryDir dir;
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("retract.sqlite")));
    RefusingSink refusing;
    SmtpServer server;
    server.addMessageSink(&s);
    server.addMessageSink(&refusing);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QSignalSpy received(&server, &SmtpServer::message);
    QSignalSpy pruned(&s, &SmtpMessageStore::messagesPruned);
    QStringList seen; // what the store told, in order: +id added, -id removed
    connect(&s, &SmtpMessageStore::messagesAdded, this, [&seen](const QList<qint64> &ids) {
        for (qint64 id : ids)
            seen.append(QStringLiteral("+%1").arg(id));
    });
    connect(&s, &SmtpMessageStore::messagesRemoved, this, [&seen](const QList<qint64> &ids) {
        for (qint64 id : ids)
            seen.append(QStringLiteral("-%1").arg(id));
    });
    const quint64 changesBefore = s.nonAdditiveChanges();

    for (int attempt = 0; attempt < 2; ++attempt) {
        SmtpTestClient client;
        QVERIFY(client.connectTo(quint16(server.serverPort())));
        QCOMPARE(
            client.sendMail("a@x.test", { "b@x.test" }, "Subject: refused\r\n\r\nx\r\n"), tryAgain);
        // Gone by the time of the 451, as the file has it.
        QCOMPARE(s.count(), 0);
        QVERIFY(s.summaries({}, 0, 10).isEmpty());
    }
    QTRY_COMPARE(seen.size(), 4);
    QCOMPARE(seen, QStringList({ "+1", "-1", "+2", "-2" }));
    QCOMPARE(pruned.count(), 0); // a removal, not pruning
    QCOMPARE(received.count(), 0);
    QCOMPARE(
        s.nonAdditiveChanges() - changesBefore, quint64(4)); // two removals, each before and after

    server.removeMessageSink(&refusing);
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(server.serverPort())));
    QCOMPARE(client.sendMail("a@x.test", { "b@x.test" }, "Subject: kept\r\n\r\nx\r\n"),
        QByteArray("250 2.0.0 OK: queued as 3\r\n"));
    QCOMPARE(s.count(), 1);
    QCOMPARE(s.summaries({}, 0, 10).constFirst().subject, QStringLiteral("kept"));
    server.removeMessageSink(&s);
}

void TestMessageStore::storeFailureTakesTheMaildirFileBack()
{
    // The Maildir first, then a store that cannot grow: the 451 leaves no file in new.
    QTemporaryDir dir;
    SmtpMaildirSink maildir(dir.filePath("md"));
    QVERIFY(maildir.open());
    SmtpMessageStore s;
    QVERIFY(s.open(dir.filePath("full.sqlite")));
    SmtpServer server;
    server.addMessageSink(&maildir);
    server.addMessageSink(&s);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QDir delivered(dir.filePath("md/new"));

    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(server.serverPort())));
    QCOMPARE(SmtpTestClient::code(
                 client.sendMail("a@x.test", { "b@x.test" }, "Subject: ok\r\n\r\nx\r\n")),
        250);
    QCOMPARE(delivered.entryList(QDir::Files).size(), 1);
    s.setMaxDatabaseSize(1); // no room for another page
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 250);
    QByteArray noise(200000, Qt::Uninitialized); // incompressible: it needs pages
    QRandomGenerator letters(7);
    for (char &c : noise)
        c = char('a' + letters.bounded(26));
    QCOMPARE(client.data("Subject: too much\r\n\r\n" + noise + "\r\n"), tryAgain);
    QCOMPARE(delivered.entryList(QDir::Files).size(), 1);
    QCOMPARE(s.count(), 1);
    server.removeMessageSink(&s);
    server.removeMessageSink(&maildir);
}

void TestMessageStore::notOpenFails()
{
    SmtpMessageStore s;
    bool called = false;
    s.deliver(makeMessage("x"), [&](const SmtpSinkResult &r) {
        called = true;
        QVERIFY(!r.ok);
    });
    QVERIFY(called);
    QCOMPARE(s.count(), 0);
}

void TestMessageStore::threadsAreNamed()
{
#ifndef Q_OS_LINUX
    QSKIP("thread names are read from /proc");
#endif
    // A user who sees smtp-receiver busy in top -H can tell the store's threads apart.
    QTemporaryDir dir;
    QVERIFY(!threadNames().contains(QStringLiteral("smtp-writer")));
    {
        SmtpMessageStore s;
        QVERIFY(s.open(dir.filePath("named.sqlite")));
        // open() returns once the writer has opened the file; the indexer names itself as it
        // starts, which may be a moment later.
        QCOMPARE(threadNames().count(QStringLiteral("smtp-writer")), 1);
        QTRY_COMPARE(threadNames().count(QStringLiteral("smtp-indexer")), 1);
    }
    const QStringList after = threadNames();
    QVERIFY2(!after.contains(QStringLiteral("smtp-writer"))
            && !after.contains(QStringLiteral("smtp-indexer")),
        qPrintable(after.join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(TestMessageStore)
#include "tst_messagestore.moc"
