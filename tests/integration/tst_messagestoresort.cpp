// SmtpMessageStore::summaries() in every order: each key, both directions, paged with the keyset
// cursor at several page sizes (page edges inside runs of equal values), with and without a
// search, while mail arrives; the indexes that make it fast at a million messages; the migration
// of a version 2 file. The expected orders are computed here, from the values the inbox shows,
// independently of the store's own comparison.
#include <smtpmessagestore.h>
#include <sortoracle.h>
#include <store/searchquery.h>
#include <store/storeschema.h>
#include <store/storesqlite.h>
#include <storedelivery.h>

#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

namespace {

// An RFC 2047 encoded word when the text is not ASCII (the store decodes headers).
QByteArray headerText(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8)
        if (uchar(c) >= 0x80)
            return "=?UTF-8?B?" + utf8.toBase64() + "?=";
    return utf8;
}

// Runs of equal values so that page edges fall inside them; ASCII case, accents, a character
// above U+FFFF (a surrogate pair in UTF-16) and one in U+E000..U+FFFF (which UTF-16 puts before
// the surrogates, code point order after them); punctuation around the letters.
const QStringList subjects = {
    QStringLiteral("apple"),
    QStringLiteral("Apple"),
    QStringLiteral("APPLE pie"),
    QStringLiteral("banana"),
    QStringLiteral(""),
    QStringLiteral("Zebra"),
    QStringLiteral("zebra"),
    QStringLiteral("[bracket]"),
    QStringLiteral("_underscore"),
    QString::fromUtf8("\xc3\xa9"
                      "clair"), // éclair
    QString::fromUtf8("\xc3\x89"
                      "clair"), // Éclair
    QString::fromUtf8("\xf0\x9f\x98\x80 smile"), // U+1F600
    QString::fromUtf8("\xef\xbc\xa1 fullwidth"), // U+FF21
    QStringLiteral("a"),
    QStringLiteral("a b"),
    QStringLiteral("ab"),
};

struct Sender
{
    QString header; // "" for no From header: the envelope sender is shown
    QString envelope;
};

const QList<Sender> senders = {
    { QStringLiteral("Alice <alice@x.test>"), QStringLiteral("alice@x.test") },
    { QStringLiteral("alice@x.test"), QStringLiteral("bounce@x.test") },
    { QStringLiteral(""), QStringLiteral("Zed@x.test") },
    { QStringLiteral(""), QStringLiteral("amy@x.test") },
    { QStringLiteral(""), QStringLiteral("") }, // <>
    { QString::fromUtf8("\xc3\x89mile <e@x.test>"), QStringLiteral("e@x.test") },
    { QStringLiteral("bob@x.test"), QStringLiteral("bob@x.test") },
};

struct Recipients
{
    QString header; // "" for no To header: the envelope recipients are shown, joined by ", "
    QStringList envelope;
};

const QList<Recipients> recipientLists = {
    { QStringLiteral("Team <team@x.test>"), { QStringLiteral("a@x.test") } },
    { QStringLiteral(""), { QStringLiteral("b@x.test"), QStringLiteral("a@x.test") } },
    { QStringLiteral(""), { QStringLiteral("B@x.test") } },
    // A quoted local part with a quote and a backslash: escaped in the stored JSON.
    { QStringLiteral(""), { QStringLiteral("\"q\\\"r\\\\\"@x.test"), QStringLiteral("c@x.test") } },
    { QStringLiteral("a@x.test"), { QStringLiteral("z@x.test") } },
    { QStringLiteral(""), {} },
};

SmtpMessage makeMessage(int i, const QString &subjectOverride = QString())
{
    const Sender &from = senders.at(i % senders.size());
    const Recipients &to = recipientLists.at((i / 3) % recipientLists.size());
    const QString subject
        = subjectOverride.isNull() ? subjects.at((i * 7) % subjects.size()) : subjectOverride;
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress(QStringLiteral("127.0.0.1"));
    m.setHelo(QStringLiteral("client"));
    m.setMailFrom(from.envelope);
    m.setRcptTos(to.envelope);
    QByteArray data;
    if (!from.header.isEmpty())
        data += "From: " + headerText(from.header) + "\r\n";
    if (!to.header.isEmpty())
        data += "To: " + headerText(to.header) + "\r\n";
    data += "Subject: " + headerText(subject) + "\r\n\r\n";
    data += QByteArray((i * 13) % 5 * 10, 'x') + "\r\n"; // five sizes per header layout: ties
    m.setData(data);
    // Every ninth also in a small mailbox: fewer messages (50) than "apple" has matches (85).
    if (i % 9 == 0)
        m.setMailboxes({ SmtpMessage::defaultMailbox(), QStringLiteral("small") });
    return m;
}

QList<SmtpMessageSummary> everything(const SmtpMessageStore &store, const QString &query = {})
{
    return store.summaries(query, 0, 1000000);
}

using SortOracle::expectedOrder;

// Every page of a request, following the cursor; stops at a short page.
QList<SmtpMessageSummary> allPages(const SmtpMessageStore &store, const QString &query,
    SmtpPageRequest request, int *pages = nullptr)
{
    QList<SmtpMessageSummary> rows;
    int n = 0;
    for (;;) {
        QString error;
        const QList<SmtpMessageSummary> page = store.summaries(query, request, &error);
        [&] { QVERIFY2(error.isEmpty(), qPrintable(error)); }();
        ++n;
        rows += page;
        if (page.size() < request.limit || n > 10000)
            break;
        request = request.after(page.constLast());
    }
    if (pages)
        *pages = n;
    return rows;
}

QList<qint64> idsOf(const QList<SmtpMessageSummary> &rows)
{
    QList<qint64> ids;
    for (const SmtpMessageSummary &s : rows)
        ids.append(s.id);
    return ids;
}

const char *keyName(SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::Received:
        return "received";
    case SmtpSortKey::From:
        return "from";
    case SmtpSortKey::To:
        return "to";
    case SmtpSortKey::Subject:
        return "subject";
    case SmtpSortKey::Size:
        return "size";
    }
    return "?";
}

const SmtpSortKey allKeys[] = { SmtpSortKey::Received, SmtpSortKey::From, SmtpSortKey::To,
    SmtpSortKey::Subject, SmtpSortKey::Size };

} // namespace

Q_DECLARE_METATYPE(SmtpSortKey)

class TestMessageStoreSort : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void fixtureIsWhatItSays();
    void pagesInEveryOrder_data();
    void pagesInEveryOrder();
    void pagingWhileMailArrives_data();
    void pagingWhileMailArrives();
    void cursorOnAnEmptyValue();
    void walkListsTheRarestTrigram();
    void mailboxLeadsOnlyWhereItCan();
    void indexesAnswerEverySort_data();
    void indexesAnswerEverySort();
    void migratesVersion2Files();

private:
    SmtpMessageStore *m_store = nullptr;
};

void TestMessageStoreSort::initTestCase()
{
    m_store = new SmtpMessageStore;
    QVERIFY(m_store->open(QStringLiteral(":memory:")));
    QList<SmtpMessage> messages;
    for (int i = 0; i < 450; ++i)
        messages.append(makeMessage(i));
    QVERIFY(deliverAll(*m_store, messages));
    QVERIFY(waitForIndex(*m_store)); // words are found once indexed
    QCOMPARE(m_store->count(), qint64(450));
}

void TestMessageStoreSort::cleanupTestCase()
{
    delete m_store;
    m_store = nullptr;
}

void TestMessageStoreSort::fixtureIsWhatItSays()
{
    // The headers were decoded as meant, and the fallbacks are really used: otherwise the
    // orders below would prove less than they claim.
    const QList<SmtpMessageSummary> all = everything(*m_store);
    QSet<QString> shownSubjects, shownTo;
    int envelopeFrom = 0, envelopeTo = 0;
    for (const SmtpMessageSummary &s : all) {
        shownSubjects.insert(s.subject);
        shownTo.insert(s.to.isEmpty() ? s.rcptTos.join(QStringLiteral(", ")) : s.to);
        envelopeFrom += s.from.isEmpty() ? 1 : 0;
        envelopeTo += s.to.isEmpty() ? 1 : 0;
    }
    QCOMPARE(shownSubjects, QSet<QString>(subjects.cbegin(), subjects.cend()));
    QVERIFY(shownTo.contains(QStringLiteral("b@x.test, a@x.test")));
    QVERIFY(shownTo.contains(QStringLiteral("\"q\\\"r\\\\\"@x.test, c@x.test")));
    QVERIFY(shownTo.contains(QString()));
    QVERIFY(envelopeFrom > 100);
    QVERIFY(envelopeTo > 100);
}

void TestMessageStoreSort::pagesInEveryOrder_data()
{
    QTest::addColumn<SmtpSortKey>("key");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("fewMatchesBound"); // 0: words always walk the key's index
    QTest::addColumn<int>("densePermille"); // 0: implied words walk it reading the checks alone
    QTest::addColumn<int>("smallMailbox"); // 0: a small mailbox's messages are never read instead
    QTest::addColumn<qint64>("walkBudget"); // 0: a walk over a header's matches gives way at once
    const StoreSchema::PlanLimits defaults = StoreSchema::planLimits();
    const int bound = defaults.fewMatches;
    const int dense = defaults.denseMatchesPermille;
    const int small = defaults.smallMailbox;
    const qint64 budget = defaults.walkInstructions;
    for (const SmtpSortKey key : allKeys) {
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
            const char *dir = order == Qt::AscendingOrder ? "asc" : "desc";
            for (const int limit : { 1, 7, 200 })
                QTest::addRow("%s %s, pages of %d", keyName(key), dir, limit)
                    << key << order << limit << QString() << bound << dense << small << budget;
            QTest::addRow("%s %s, search, matches sorted", keyName(key), dir)
                << key << order << 7 << QStringLiteral("apple") << bound << dense << small
                << budget;
            QTest::addRow("%s %s, search, index walked", keyName(key), dir)
                << key << order << 7 << QStringLiteral("apple") << 0 << dense << small << budget;
            QTest::addRow("%s %s, search, index walked with checks", keyName(key), dir)
                << key << order << 7 << QStringLiteral("apple") << 0 << 0 << small << budget;
            QTest::addRow("%s %s, search in a mailbox, index walked with checks", keyName(key), dir)
                << key << order << 7 << QStringLiteral("mailbox:Inbox apple -pie") << 0 << 0
                << small << budget;
            QTest::addRow("%s %s, search in a small mailbox, its messages read", keyName(key), dir)
                << key << order << 3 << QStringLiteral("apple mailbox:small -pie") << bound << dense
                << small << budget;
            QTest::addRow("%s %s, search in a small mailbox, the word walked", keyName(key), dir)
                << key << order << 3 << QStringLiteral("apple mailbox:small -pie") << bound << dense
                << 0 << budget;
            QTest::addRow("%s %s, search in a small mailbox, index walked", keyName(key), dir)
                << key << order << 3 << QStringLiteral("apple mailbox:small -pie") << 0 << dense
                << 0 << budget;
            QTest::addRow("%s %s, search in a small mailbox, walked with checks", keyName(key), dir)
                << key << order << 3 << QStringLiteral("apple mailbox:small -pie") << 0 << 0 << 0
                << budget;
            QTest::addRow("%s %s, a small mailbox alone", keyName(key), dir)
                << key << order << 7 << QStringLiteral("mailbox:small") << bound << dense << small
                << budget;
            QTest::addRow("%s %s, search outside a mailbox, index walked", keyName(key), dir)
                << key << order << 7 << QStringLiteral("apple -mailbox:small mailbox:Inbox") << 0
                << dense << small << budget;
            QTest::addRow("%s %s, sender, index walked", keyName(key), dir)
                << key << order << 7 << QStringLiteral("from:alice") << 0 << dense << small
                << budget;
            QTest::addRow("%s %s, sender, index walked, then matches sorted", keyName(key), dir)
                << key << order << 7 << QStringLiteral("from:alice") << 0 << dense << small
                << qint64(0);
            QTest::addRow("%s %s, subject filter, index walked", keyName(key), dir)
                << key << order << 7 << QStringLiteral("subject:apple") << 0 << 0 << small
                << budget;
            QTest::addRow("%s %s, size condition", keyName(key), dir)
                << key << order << 13 << QStringLiteral("larger:120") << bound << dense << small
                << budget;
        }
    }
}

void TestMessageStoreSort::pagesInEveryOrder()
{
    QFETCH(SmtpSortKey, key);
    QFETCH(Qt::SortOrder, order);
    QFETCH(int, limit);
    QFETCH(QString, query);
    QFETCH(int, fewMatchesBound);
    QFETCH(int, densePermille);
    QFETCH(int, smallMailbox);
    QFETCH(qint64, walkBudget);
    const StoreSchema::PlanLimits defaults = StoreSchema::planLimits();
    const auto restore = qScopeGuard([defaults] { StoreSchema::setPlanLimits(defaults); });
    // The matches as the full-text index finds them, newest first (never a mailbox read instead).
    StoreSchema::PlanLimits limits = defaults;
    limits.smallMailbox = 0;
    StoreSchema::setPlanLimits(limits);
    const QList<SmtpMessageSummary> matching = everything(*m_store, query);
    StoreSchema::setPlanLimits({ fewMatchesBound, densePermille, smallMailbox, walkBudget });
    // Counted as the plan reads them: the same matches.
    QCOMPARE(m_store->countMatching(query).messages, qint64(matching.size()));
    QVERIFY(!matching.isEmpty());
    if (!query.isEmpty())
        QVERIFY(matching.size() < 450);
    const QList<qint64> expected = expectedOrder(matching, key, order);

    SmtpPageRequest request;
    request.key = key;
    request.order = order;
    request.limit = limit;
    // A walk tests its rows for the mailbox against a list of the mailbox's messages (on this
    // small store, always), and then again probing message_mailboxes for each row.
    const bool mailbox = query.contains(QLatin1String("mailbox:"));
    for (const double listFactor : { defaults.mailboxListFactor, 0.0 }) {
        if (listFactor == 0 && !mailbox)
            break;
        StoreSchema::PlanLimits plan = StoreSchema::planLimits();
        plan.mailboxListFactor = listFactor;
        StoreSchema::setPlanLimits(plan);
        int pages = 0;
        const QList<SmtpMessageSummary> rows = allPages(*m_store, query, request, &pages);
        // No duplicates, no gaps, in exactly the expected order.
        QCOMPARE(idsOf(rows), expected);
        QCOMPARE(pages, int(matching.size() / limit + 1));
        // The store's C++ twin of its SQL order agrees on every neighbour.
        for (qsizetype i = 1; i < rows.size(); ++i) {
            QVERIFY(SmtpMessageStore::sortsBefore(rows.at(i - 1), rows.at(i), key, order));
            QVERIFY(!SmtpMessageStore::sortsBefore(rows.at(i), rows.at(i - 1), key, order));
        }
    }
}

void TestMessageStoreSort::pagingWhileMailArrives_data()
{
    QTest::addColumn<SmtpSortKey>("key");
    QTest::addColumn<Qt::SortOrder>("order");
    for (const SmtpSortKey key : allKeys)
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder })
            QTest::addRow("%s %s", keyName(key), order == Qt::AscendingOrder ? "asc" : "desc")
                << key << order;
}

void TestMessageStoreSort::pagingWhileMailArrives()
{
    QFETCH(SmtpSortKey, key);
    QFETCH(Qt::SortOrder, order);
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QList<SmtpMessage> messages;
    for (int i = 0; i < 120; ++i)
        messages.append(makeMessage(i));
    QVERIFY(deliverAll(store, messages));
    QVERIFY(waitForIndex(store)); // words are found once indexed

    SmtpPageRequest request;
    request.key = key;
    request.order = order;
    request.limit = 50;
    QList<SmtpMessageSummary> rows = store.summaries(QString(), request);
    QCOMPARE(rows.size(), 50);
    const SmtpMessageSummary cursor = rows.constLast();

    // Between two pages, mail sorting everywhere arrives: before the cursor (the reader has
    // passed that place: it must not come now) and after it (it must, once, in its place).
    messages.clear();
    for (int i = 0; i < 40; ++i)
        messages.append(
            makeMessage(1000 + i * 5, i % 2 ? QStringLiteral("~late") : QStringLiteral("0 early")));
    QVERIFY(deliverAll(store, messages));
    QVERIFY(waitForIndex(store)); // words are found once indexed
    while (true) {
        request = request.after(rows.constLast());
        const QList<SmtpMessageSummary> page = store.summaries(QString(), request);
        rows += page;
        if (page.size() < request.limit)
            break;
    }
    QList<SmtpMessageSummary> all = everything(store);
    QList<SmtpMessageSummary> expectedRows;
    for (const SmtpMessageSummary &s : std::as_const(all))
        if (s.id <= 120 || SmtpMessageStore::sortsBefore(cursor, s, key, order))
            expectedRows.append(s);
    const qsizetype newAfterCursor = expectedRows.size() - 120;
    if (key == SmtpSortKey::Received) { // new mail is the newest: after the cursor going up
        QCOMPARE(newAfterCursor, order == Qt::AscendingOrder ? 40 : 0);
    } else { // some before the cursor, some after it
        QVERIFY2(
            newAfterCursor > 0 && newAfterCursor < 40, qPrintable(QString::number(newAfterCursor)));
    }
    const QList<qint64> expected = expectedOrder(expectedRows, key, order);
    QCOMPARE(idsOf(rows), expected);
}

void TestMessageStoreSort::mailboxLeadsOnlyWhereItCan()
{
    // WalkMailbox is chosen only for a query it can read so: its mailbox right after the word
    // lookup, which the checks imply. Otherwise the query would get no plan of its own at all.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(StoreSchema::mailboxCanLead(SearchQuery::compile("apple mailbox:small -pie", now)));
    QVERIFY(StoreSchema::mailboxCanLead(SearchQuery::compile("mailbox:small from:alice", now)));
    // A short word has no lookup: it is checked with the rest.
    QVERIFY(StoreSchema::mailboxCanLead(SearchQuery::compile("apple mailbox:small re", now)));
    // A subject's check does not imply its lookup; no word; no mailbox to read.
    QVERIFY(!StoreSchema::mailboxCanLead(SearchQuery::compile("mailbox:small subject:apple", now)));
    QVERIFY(!StoreSchema::mailboxCanLead(SearchQuery::compile("mailbox:small larger:1", now)));
    QVERIFY(!StoreSchema::mailboxCanLead(SearchQuery::compile("apple -mailbox:small", now)));
    // and the pages of one it cannot read so are still every match, in order.
    SmtpPageRequest request;
    request.key = SmtpSortKey::Subject;
    request.order = Qt::AscendingOrder;
    request.limit = 3;
    const QString query = QStringLiteral("apple mailbox:small a");
    const QList<SmtpMessageSummary> matching = everything(*m_store, query);
    QVERIFY(!matching.isEmpty());
    QCOMPARE(idsOf(allPages(*m_store, query, request)),
        expectedOrder(matching, SmtpSortKey::Subject, Qt::AscendingOrder));
}

void TestMessageStoreSort::walkListsTheRarestTrigram()
{
    // A walk reads its list of candidates from the rarest trigram of the word alone ("ali" of
    // "alice", in fewer messages than "ice"), so the list holds messages that the whole lookup
    // ("ali" AND "ice") leaves out, and only the check of the text then does: Natalie's have
    // "ali" but no "ice".
    SmtpMessageStore store;
    QVERIFY(store.open(QStringLiteral(":memory:")));
    QList<SmtpMessage> messages;
    for (int i = 0; i < 60; ++i) {
        const QString body = i % 4 == 0 ? QStringLiteral("Alice wrote again")
            : i % 4 == 1                ? QStringLiteral("Natalie wrote")
                                        : QStringLiteral("nothing to notice, twice");
        SmtpMessage m = makeMessage(i, QStringLiteral("subject %1").arg((i * 37) % 60));
        m.setData(m.data() + body.toUtf8() + "\r\n");
        messages.append(m);
    }
    QVERIFY(deliverAll(store, messages));
    QVERIFY(waitForIndex(store));
    const StoreSchema::PlanLimits defaults = StoreSchema::planLimits();
    const auto restore = qScopeGuard([defaults] { StoreSchema::setPlanLimits(defaults); });
    // A quarter by their text, and those whose sender is an Alice (makeMessage()'s senders).
    const QList<SmtpMessageSummary> matching = everything(store, QStringLiteral("alice"));
    QVERIFY(matching.size() >= 15 && matching.size() < 40);
    // Walks, with the list (not the checks alone): the superset is the list's.
    StoreSchema::PlanLimits walk = defaults;
    walk.fewMatches = 0;
    walk.denseMatchesPermille = 1001;
    StoreSchema::setPlanLimits(walk);
    for (const SmtpSortKey key : { SmtpSortKey::Subject, SmtpSortKey::Size }) {
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
            SmtpPageRequest request;
            request.key = key;
            request.order = order;
            request.limit = 3;
            QCOMPARE(idsOf(allPages(store, QStringLiteral("alice"), request)),
                expectedOrder(matching, key, order));
            // A column's check with a word: the whole lookup, as the other plans read it.
            const QString subjectToo = QStringLiteral("subject:subject alice");
            QCOMPARE(idsOf(allPages(store, subjectToo, request)),
                expectedOrder(everything(store, subjectToo), key, order));
        }
    }
}

void TestMessageStoreSort::cursorOnAnEmptyValue()
{
    // A row whose subject is empty reads back as a null QString, which Qt binds as SQL NULL, and
    // "subject >= NULL" is never true: the page after it would be empty.
    const QList<qint64> expected
        = expectedOrder(everything(*m_store), SmtpSortKey::Subject, Qt::AscendingOrder);
    SmtpMessageSummary last;
    for (const SmtpMessageSummary &s : everything(*m_store))
        if (s.subject.isEmpty() && s.id == expected.at(3))
            last = s;
    QVERIFY(last.id != 0); // the fixture's empty subjects sort first
    last.subject = QString();
    SmtpPageRequest request;
    request.key = SmtpSortKey::Subject;
    request.order = Qt::AscendingOrder;
    request.limit = 5;
    QCOMPARE(idsOf(m_store->summaries(QString(), request.after(last))), expected.mid(4, 5));
}

void TestMessageStoreSort::indexesAnswerEverySort_data()
{
    QTest::addColumn<SmtpSortKey>("key");
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("index"); // the index the plan must read
    const struct
    {
        SmtpSortKey key;
        const char *index;
    } keys[] = {
        { SmtpSortKey::Received, "" },
        { SmtpSortKey::From, "messages_by_from" },
        { SmtpSortKey::To, "messages_by_to" },
        { SmtpSortKey::Subject, "messages_by_subject" },
        { SmtpSortKey::Size, "messages_by_size" },
    };
    for (const auto &k : keys) {
        for (const char *query : { "", "apple", "apple -pie larger:10 is:unread", "-apple" })
            QTest::addRow("%s, \"%s\"", keyName(k.key), query)
                << k.key << QString::fromLatin1(query) << QString::fromLatin1(k.index);
    }
}

void TestMessageStoreSort::indexesAnswerEverySort()
{
    // SQLite reads an index on an expression only for the very same expression: a page query
    // whose sort expression drifted from its index would sort every message (seconds at a
    // million). With words to find, it must still walk the index rather than sort the matches.
    QFETCH(SmtpSortKey, key);
    QFETCH(QString, query);
    QFETCH(QString, index);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("plan.sqlite"));
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path)); // creates the schema
    }
    const SearchQuery search = SearchQuery::compile(query, QDateTime::currentDateTimeUtc());
    QVERIFY(search.isValid());
    {
        QSqlDatabase db
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("plan"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QString error;
        QVERIFY2(StoreSqlite::installFunctions(db, &error), qPrintable(error)); // the text's view
        SmtpMessageSummary last;
        last.id = 5;
        last.subject = last.from = last.to = QStringLiteral("m");
        last.size = 100;
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
            SmtpPageRequest first;
            first.key = key;
            first.order = order;
            for (const SmtpPageRequest &page : { first, first.after(last) }) {
                const StoreSchema::PageSql sql = StoreSchema::pageSql(search, page);
                QSqlQuery q(db);
                QVERIFY(
                    q.prepare(QStringLiteral("EXPLAIN QUERY PLAN SELECT m.id, m.subject FROM %1 %2")
                                  .arg(sql.from, sql.sql)));
                for (const QVariant &v : sql.bindings)
                    q.addBindValue(v);
                QVERIFY(q.exec());
                QString plan;
                while (q.next())
                    plan += q.value(3).toString() + QLatin1Char('\n');
                const QByteArray why = (sql.sql + QLatin1Char('\n') + plan).toUtf8();
                QVERIFY2(!plan.contains(QLatin1String("TEMP B-TREE")), why.constData());
                if (!index.isEmpty())
                    QVERIFY2(plan.contains(index), why.constData());
                if (page.afterId != 0 && query.isEmpty()) // a seek to the cursor, not a scan
                    QVERIFY2(plan.contains(QLatin1String("SEARCH m")), why.constData());
                // Words, newest or oldest first: the full-text index is walked in id order (from
                // the cursor) and each match looked up, never the list of all matches built.
                if (key == SmtpSortKey::Received && query.startsWith(QLatin1String("apple"))) {
                    QVERIFY2(
                        plan.startsWith(QLatin1String("SCAN f VIRTUAL TABLE")), why.constData());
                    QVERIFY2(plan.contains(QLatin1String("SEARCH m USING INTEGER PRIMARY KEY")),
                        why.constData());
                    if (query == QLatin1String("apple")) // (-pie is a list of its own)
                        QVERIFY2(!plan.contains(QLatin1String("LIST SUBQUERY")), why.constData());
                }
                // Few matches, sorted by a key: the matches are looked up by id (and sorted),
                // not found by walking the key's whole index.
                if (key != SmtpSortKey::Received && query.startsWith(QLatin1String("apple"))) {
                    const StoreSchema::PageSql few
                        = StoreSchema::pageSql(search, page, StoreSchema::MatchPlan::SortMatches);
                    QSqlQuery fq(db);
                    QVERIFY(fq.prepare(
                        QStringLiteral("EXPLAIN QUERY PLAN SELECT m.id, m.subject FROM %1 %2")
                            .arg(few.from, few.sql)));
                    for (const QVariant &v : few.bindings)
                        fq.addBindValue(v);
                    QVERIFY(fq.exec());
                    QString fewPlan;
                    while (fq.next())
                        fewPlan += fq.value(3).toString() + QLatin1Char('\n');
                    const QByteArray fewWhy = (few.sql + QLatin1Char('\n') + fewPlan).toUtf8();
                    QVERIFY2(fewPlan.contains(QLatin1String("SEARCH m USING INTEGER PRIMARY KEY")),
                        fewWhy.constData());
                }
                // Many matches of a word: the key's index walked (from the cursor), the checks
                // read alone, the full-text index not at all.
                if (key != SmtpSortKey::Received && query.startsWith(QLatin1String("apple"))) {
                    QVERIFY(search.leadingMatchImplied);
                    const StoreSchema::PageSql walk
                        = StoreSchema::pageSql(search, page, StoreSchema::MatchPlan::WalkChecks);
                    QCOMPARE(walk.bindings.size(), sql.bindings.size() - 1);
                    QSqlQuery wq(db);
                    QVERIFY(wq.prepare(
                        QStringLiteral("EXPLAIN QUERY PLAN SELECT m.id, m.subject FROM %1 %2")
                            .arg(walk.from, walk.sql)));
                    for (const QVariant &v : walk.bindings)
                        wq.addBindValue(v);
                    QVERIFY(wq.exec());
                    QString walkPlan;
                    while (wq.next())
                        walkPlan += wq.value(3).toString() + QLatin1Char('\n');
                    const QByteArray walkWhy = (walk.sql + QLatin1Char('\n') + walkPlan).toUtf8();
                    // The first loop is the key's index: a scan from its start, or a seek (to
                    // the cursor, or to a size condition's bound).
                    const QString outer = walkPlan.section(QLatin1Char('\n'), 0, 0);
                    QVERIFY2(outer.startsWith(QLatin1String("SEARCH m USING "))
                            || (page.afterId == 0
                                && outer.startsWith(QLatin1String("SCAN m USING "))),
                        walkWhy.constData());
                    QVERIFY2(outer.contains(QLatin1String("INDEX ") + index), walkWhy.constData());
                    QVERIFY2(!walkPlan.contains(QLatin1String("TEMP B-TREE")), walkWhy.constData());
                    if (query == QLatin1String("apple")) // (-pie is a lookup of its own)
                        QVERIFY2(!walkPlan.contains(QLatin1String("messages_trigram")),
                            walkWhy.constData());
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("plan"));
}

void TestMessageStoreSort::migratesVersion2Files()
{
    // A version 2 file is a version 3 one without the sort indexes: make one, open it.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v2.sqlite"));
    {
        SmtpMessageStore store;
        QVERIFY(store.open(path));
        QList<SmtpMessage> messages;
        for (int i = 0; i < 30; ++i)
            messages.append(makeMessage(i));
        QVERIFY(deliverAll(store, messages));
        QVERIFY(waitForIndex(store)); // words are found once indexed
    }
    const auto inspect = [&path](const QStringList &statements, qint64 *version, int *indexes) {
        {
            QSqlDatabase db
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const QString &sql : statements)
                QVERIFY2(q.exec(sql), qPrintable(sql));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
            *version = q.value(0).toLongLong();
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE type = "
                                          "'index' AND name LIKE 'messages_by_%'"))
                && q.next());
            *indexes = q.value(0).toInt();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));
    };
    qint64 version = 0;
    int indexes = 0;
    inspect({ QStringLiteral("DROP INDEX messages_by_from"),
                QStringLiteral("DROP INDEX messages_by_to"),
                QStringLiteral("DROP INDEX messages_by_subject"),
                QStringLiteral("DROP INDEX messages_by_size"),
                QStringLiteral("PRAGMA user_version = 2") },
        &version, &indexes);
    QCOMPARE(version, qint64(2));
    QCOMPARE(indexes, 0);

    SmtpMessageStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QCOMPARE(store.count(), qint64(30));
    SmtpPageRequest request;
    request.key = SmtpSortKey::Subject;
    request.order = Qt::AscendingOrder;
    request.limit = 4;
    QCOMPARE(idsOf(allPages(store, QString(), request)),
        expectedOrder(everything(store), SmtpSortKey::Subject, Qt::AscendingOrder));
    store.close();
    inspect({}, &version, &indexes);
    QCOMPARE(version, qint64(SmtpMessageStore::schemaVersion));
    QCOMPARE(version, qint64(16));
    QCOMPARE(indexes, 4);
}

QTEST_GUILESS_MAIN(TestMessageStoreSort)
#include "tst_messagestoresort.moc"
