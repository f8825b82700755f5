// Mailpit's search language on a real store: a dozen varied messages delivered and indexed, then
// every kind of term, negation with - and !, quoting, the substring rule (from:example.org,
// to:jürg, subject:ello, pixel.png), a number that is only in a MIME boundary, and ?tz=; plus
// the store's reads and writes by query (count, page by offset, read flags, removal).
#include "storedelivery.h"

#include "mailpitjson.h"
#include <smtpmessagestore.h>
#include <smtpstoredmessage.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

namespace {

struct Mail
{
    const char *name; // how the tests call it
    const char *mailFrom;
    QStringList rcptTos;
    QByteArray data;
    const char *receivedAt = nullptr; // ISO 8601 UTC; default: 2026-11-20 plus an hour each
};

QByteArray lines(const QByteArray &text)
{
    QByteArray crlf = text;
    crlf.replace("\n", "\r\n");
    return crlf;
}

QList<Mail> mails()
{
    return {
        { "hello", "alice@example.org", { "bob@example.com" },
            lines("From: Alice Example <alice@example.org>\nTo: Bob <bob@example.com>\n"
                  "Subject: Hello World\nMessage-ID: <first.1@example.org>\n\n"
                  "Invoice 1420 is attached.\n") },
        { "juergen", "shop@store.example", { "juergen@example.de" },
            lines("From: Shop <shop@store.example>\n"
                  "To: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>\n"
                  "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\n\nDanke.\n") },
        { "pixel", "alice@example.org", { "erin@example.com" },
            lines("From: alice@example.org\nTo: erin@example.com\nSubject: A picture\n"
                  "MIME-Version: 1.0\n"
                  "Content-Type: multipart/mixed; boundary=\"----=_Part_4242_77\"\n\n"
                  "------=_Part_4242_77\nContent-Type: text/plain\n\nsee the picture\n"
                  "------=_Part_4242_77\nContent-Type: image/png; name=pixel.png\n"
                  "Content-Disposition: attachment; filename=pixel.png\n"
                  "Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
                  "------=_Part_4242_77--\n") },
        { "meeting", "bob@example.com", { "alice@example.org", "carol@example.net" },
            lines("From: Bob <bob@example.com>\nTo: alice@example.org\n"
                  "Cc: Carol <carol@example.net>\nReply-To: replies@lists.example\n"
                  "Subject: Meeting notes\n\nNotes follow.\n") },
        { "hidden", "news@example.com", { "dave@example.com", "hidden@secret.example" },
            lines("From: news@example.com\nTo: dave@example.com\n"
                  "Bcc: Ghost Writer <ghost@elsewhere.example>\nSubject: Newsletter\n\n"
                  "Weekly news.\n") },
        { "bounce", "bounce-77@bounces.example", { "frank@example.com" },
            lines("From: Offers <offers@newsletter.example>\nTo: frank@example.com\n"
                  "Subject: Spam offer\n\nBuy now!\n") },
        { "inline", "alice@example.org", { "bob@example.com" },
            lines("From: alice@example.org\nTo: bob@example.com\nSubject: With a logo\n"
                  "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b1\n\n"
                  "--b1\nContent-Type: text/html\n\n<p>Logo: <img src=\"cid:logo\"></p>\n"
                  "--b1\nContent-Type: image/gif\nContent-ID: <logo>\n"
                  "Content-Disposition: inline; filename=logo.gif\n"
                  "Content-Transfer-Encoding: base64\n\nR0lGODlhAQABAAAAACw=\n--b1--\n") },
        { "read", "bob@example.com", { "alice@example.org" },
            lines("From: bob@example.com\nTo: alice@example.org\nSubject: Read me\n\nok\n") },
        { "late", "bob@example.com", { "alice@example.org" },
            lines("From: bob@example.com\nTo: alice@example.org\nSubject: Late evening\n\n"
                  "Sent just before midnight UTC.\n"),
            "2026-11-27T23:30:00Z" },
        { "report", "carol@example.net", { "team@example.com" },
            lines("From: carol@example.net\nTo: team@example.com\n"
                  "Subject: Quarterly report draft\n\nNumbers inside.\n") },
        { "yellow", "carol@example.net", { "team@example.com" },
            lines("From: carol@example.net\nTo: team@example.com\nSubject: Yellow paint\n\n"
                  "Bright.\n") },
        { "big", "carol@example.net", { "team@example.com" },
            lines("From: carol@example.net\nTo: team@example.com\nSubject: Big one\n\n"
                + QByteArray(20000, 'x') + "\n") },
    };
}

// The second store's: what the audit of the search against http-api.md §3.2 found missing.
QList<Mail> specMails()
{
    return {
        { "uber", "alice@example.org", { "bob@example.com" },
            lines("From: alice@example.org\nTo: bob@example.com\n"
                  "Subject: =?UTF-8?Q?Caf=C3=A9_=C3=9Cber_plain?=\n\nNothing else.\n") },
        { "odon", "alice@example.org", { "oedoen@x" },
            lines("From: alice@example.org\nTo: =?UTF-8?Q?=C3=96d=C3=B6n?= <oedoen@x>\n"
                  "Subject: For him\n\nSee you.\n") },
        { "apfel", "alice@example.org", { "bob@example.com" },
            lines("From: alice@example.org\nTo: bob@example.com\nSubject: Shopping\n"
                  "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
                  "Content-Transfer-Encoding: quoted-printable\n\n=C3=84pfel und =C3=96l\n") },
        { "hellobob", "john@example.com", { "bob@example.com" },
            lines("From: \"Doe, John\" <john@example.com>\nTo: bob@example.com\n"
                  "Subject: Greetings\n\nHello Bob, this is plain text\n") },
        { "check", "ivan@example.com", { "judy@example.com" },
            lines("From: ivan@example.com\nTo: judy@example.com\n"
                  "Subject: =?UTF-8?Q?Done_=E2=9C=93?=\n\nIs a = b? Yes - no.\n") },
    };
}

} // namespace

class TestMailpitSearch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void search_data();
    void search();
    void ignoredAsMailpitIgnores();
    void countsAndOffsets();
    void boundedByIds();
    void readFlagsByQuery();
    void removeByQuery();
    void spec_data();
    void spec();
    void bccTellsAddressesApart();

private:
    QStringList names(const QString &query, const SmtpSearchOptions &options = {}) const;
    // The names of the first 100 matches in a store, newest first ("error: ..." when it fails).
    static QStringList namesIn(const SmtpMessageStore &from, const QHash<qint64, QString> &names,
        const QString &query, const SmtpSearchOptions &options);
    SmtpSearchOptions mailpit(const char *zone = nullptr) const;
    static bool deliver(
        SmtpMessageStore &into, const QList<Mail> &list, QHash<qint64, QString> *names);

    QTemporaryDir dir;
    SmtpMessageStore store;
    QHash<qint64, QString> nameOf;
    // specMails(), in a store of their own.
    SmtpMessageStore specStore;
    QHash<qint64, QString> specNameOf;
};

bool TestMailpitSearch::deliver(
    SmtpMessageStore &into, const QList<Mail> &list, QHash<qint64, QString> *names)
{
    int hour = 0;
    for (const Mail &mail : list) {
        SmtpMessage m;
        m.setReceivedAt(mail.receivedAt
                ? QDateTime::fromString(QString::fromLatin1(mail.receivedAt), Qt::ISODate)
                : QDateTime(QDate(2026, 11, 20), QTime(hour, 0), Qt::UTC));
        ++hour;
        m.setRemoteAddress("127.0.0.1");
        m.setHelo("client.test");
        m.setMailFrom(QString::fromLatin1(mail.mailFrom));
        m.setRcptTos(mail.rcptTos);
        m.setData(mail.data);
        // One at a time, so that the ids follow the list.
        if (!deliverAll(into, { m }))
            return false;
    }
    if (!waitForIndex(into))
        return false;
    const QList<SmtpMessageSummary> all = into.summariesAt(QString(), 0, 100);
    if (all.size() != list.size())
        return false;
    for (qsizetype i = 0; i < all.size(); ++i)
        names->insert(all.at(i).id, QString::fromLatin1(list.at(list.size() - 1 - i).name));
    return true;
}

void TestMailpitSearch::initTestCase()
{
    QVERIFY(dir.isValid());
    QVERIFY2(specStore.open(dir.filePath("spec.sqlite")), qPrintable(specStore.errorString()));
    QVERIFY(deliver(specStore, specMails(), &specNameOf));
    QVERIFY2(store.open(dir.filePath("store.sqlite")), qPrintable(store.errorString()));
    QVERIFY(deliver(store, mails(), &nameOf));
    QSignalSpy readChanged(&store, &SmtpMessageStore::readChanged);
    QVERIFY(store.setRead({ nameOf.key("read") }, true));
    QVERIFY(readChanged.wait()); // not to be seen by a later test
}

void TestMailpitSearch::cleanupTestCase()
{
    store.close();
    specStore.close();
}

SmtpSearchOptions TestMailpitSearch::mailpit(const char *zone) const
{
    SmtpSearchOptions options;
    options.lenient = true;
    if (zone)
        options.timeZone = QTimeZone(zone);
    return options;
}

QStringList TestMailpitSearch::names(const QString &query, const SmtpSearchOptions &options) const
{
    return namesIn(store, nameOf, query, options);
}

QStringList TestMailpitSearch::namesIn(const SmtpMessageStore &from,
    const QHash<qint64, QString> &names, const QString &query, const SmtpSearchOptions &options)
{
    QString error;
    const QList<SmtpMessageSummary> page = from.summariesAt(query, 0, 100, options, &error);
    if (!error.isEmpty())
        return { "error: " + error };
    QStringList result;
    for (const SmtpMessageSummary &s : page)
        result.append(names.value(s.id));
    return result;
}

void TestMailpitSearch::search_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected"); // newest first

    // Substrings, case-insensitive.
    QTest::newRow("subject:ello") << "subject:ello" << QStringList { "yellow", "hello" };
    QTest::newRow("subject: case") << "SUBJECT:HELLO" << QStringList { "hello" };
    QTest::newRow("from:example.org")
        << "from:example.org" << QStringList { "inline", "pixel", "hello" };
    QTest::newRow("to:jürg") << "to:jürg" << QStringList { "juergen" };
    QTest::newRow("to: decoded name") << "to:\"Jürgen Müller\"" << QStringList { "juergen" };
    QTest::newRow("subject: decoded") << "subject:grüße" << QStringList { "juergen" };
    QTest::newRow("pixel.png") << "pixel.png" << QStringList { "pixel" };
    QTest::newRow("a word inside a word") << "nvoic" << QStringList { "hello" };
    QTest::newRow("a number inside a number") << "142" << QStringList { "hello" };
    QTest::newRow("a boundary's number is not text") << "4242" << QStringList {};
    QTest::newRow("a short number is a substring too") << "42" << QStringList { "hello" };
    QTest::newRow("a boundary is not text") << "Part_4242" << QStringList {};

    // Address filters read their own header.
    QTest::newRow("from: not the envelope sender") << "from:bounces" << QStringList {};
    QTest::newRow("the envelope sender is text") << "bounces" << QStringList { "bounce" };
    QTest::newRow("from: the header") << "from:newsletter" << QStringList { "bounce" };
    QTest::newRow("to: not Cc") << "to:carol" << QStringList {};
    QTest::newRow("cc:") << "cc:carol@example" << QStringList { "meeting" };
    QTest::newRow("cc: short") << "cc:ca" << QStringList { "meeting" };
    QTest::newRow("bcc: envelope only") << "bcc:secret" << QStringList { "hidden" };
    QTest::newRow("bcc: not when in To") << "bcc:dave" << QStringList {};
    QTest::newRow("bcc: not when in Cc") << "bcc:carol" << QStringList {};
    // A Bcc header (§3.1's Bcc has its addresses), here of an address that was no recipient.
    QTest::newRow("bcc: a Bcc header's name") << "bcc:\"ghost writer\"" << QStringList { "hidden" };
    QTest::newRow("bcc: a Bcc header's address")
        << "bcc:ghost@elsewhere" << QStringList { "hidden" };
    QTest::newRow("-bcc: a Bcc header") << "-bcc:ghost subject:newsletter" << QStringList {};
    QTest::newRow("a Bcc header is text") << "elsewhere.example" << QStringList { "hidden" };
    QTest::newRow("addressed: a Bcc header") << "addressed:ghost" << QStringList { "hidden" };
    QTest::newRow("reply-to:") << "reply-to:lists.example" << QStringList { "meeting" };
    QTest::newRow("reply-to: not From") << "reply-to:bob" << QStringList {};
    QTest::newRow("addressed: To") << "addressed:erin" << QStringList { "pixel" };
    QTest::newRow("addressed: Reply-To") << "addressed:replies@" << QStringList { "meeting" };
    QTest::newRow("addressed: Bcc") << "addressed:hidden@secret" << QStringList { "hidden" };
    QTest::newRow("addressed: From and To")
        << "addressed:\"bob@example.com\""
        << QStringList { "late", "read", "inline", "meeting", "hello" };
    QTest::newRow("message-id:") << "message-id:first.1@" << QStringList { "hello" };
    QTest::newRow("message-id: no brackets") << "message-id:<first.1" << QStringList { "hello" };

    // Flags.
    QTest::newRow("has:attachment") << "has:attachment" << QStringList { "pixel" };
    QTest::newRow("has:inline") << "has:inline" << QStringList { "inline" };
    QTest::newRow("has:inlines with a word") << "has:inlines logo" << QStringList { "inline" };
    QTest::newRow("is:read") << "is:read" << QStringList { "read" };
    QTest::newRow("is:unread from:bob")
        << "is:unread from:bob" << QStringList { "late", "meeting" };
    QTest::newRow("is:tagged") << "is:tagged" << QStringList {};
    QTest::newRow("tag:") << "tag:work" << QStringList {};
    QTest::newRow("-tag: is everything")
        << "-tag:work from:carol" << QStringList { "big", "yellow", "report" };
    QTest::newRow("larger:") << "larger:10kb" << QStringList { "big" };
    QTest::newRow("smaller:") << "smaller:75" << QStringList { "read" }; // 70 bytes

    // Negation and quoting.
    QTest::newRow("-word") << "from:carol -paint" << QStringList { "big", "report" };
    QTest::newRow("!word") << "from:carol !paint" << QStringList { "big", "report" };
    QTest::newRow("!filter") << "from:carol !subject:report" << QStringList { "big", "yellow" };
    QTest::newRow("-phrase") << "from:carol -\"report draft\"" << QStringList { "big", "yellow" };
    QTest::newRow("quoted subject") << "subject:\"report draft\"" << QStringList { "report" };
    QTest::newRow("quoted subject, other order") << "subject:\"draft report\"" << QStringList {};
    QTest::newRow("unquoted: two terms") << "subject:Quarterly draft" << QStringList { "report" };
    QTest::newRow("unquoted: the second is any text") << "subject:Big inside" << QStringList {};
    QTest::newRow("pytest-mailpit's quoted values")
        << "addressed:\"team@example.com\" from:\"carol@example.net\" subject:\"Yellow\""
        << QStringList { "yellow" };
    QTest::newRow("cypress's unquoted subject")
        << "subject:Meeting notes" << QStringList { "meeting" };

    // Dates (UTC without tz): "late" came 2026-11-27 23:30 UTC.
    QTest::newRow("after: UTC day") << "after:2026-11-27" << QStringList { "late" };
    QTest::newRow("before: UTC day") << "before:2026-11-21 is:read" << QStringList { "read" };
}

void TestMailpitSearch::search()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    QCOMPARE(names(query, mailpit()), expected);
    // Counting agrees with the page.
    QCOMPARE(store.countMatching(query, mailpit()).messages, qint64(expected.size()));
}

void TestMailpitSearch::ignoredAsMailpitIgnores()
{
    // The inbox says what it cannot read; the API ignores it.
    QString error;
    store.summariesAt("before:soon from:carol", 0, 100, {}, &error);
    QVERIFY(error.contains("before:soon"));
    QCOMPARE(
        names("before:soon from:carol", mailpit()), (QStringList { "big", "yellow", "report" }));
    QCOMPARE(names("larger:lots to: subject:Yellow", mailpit()), QStringList { "yellow" });

    // tz: 2026-11-27 23:30 UTC is 2026-11-28 00:30 in Berlin.
    QCOMPARE(names("after:2026-11-28", mailpit()), QStringList {});
    QCOMPARE(names("after:2026-11-28", mailpit("Europe/Berlin")), QStringList { "late" });
    QCOMPARE(names("before:2026-11-28T00:00 after:2026-11-27T12:00", mailpit("Europe/Berlin")),
        QStringList {});
    QCOMPARE(
        names("before:2026-11-28T00:00 after:2026-11-27T12:00", mailpit()), QStringList { "late" });
}

void TestMailpitSearch::countsAndOffsets()
{
    const SmtpMatchCount all = store.countMatching(QString());
    QCOMPARE(all.messages, qint64(12));
    QCOMPARE(all.unread, qint64(11));
    const SmtpMatchCount bob = store.countMatching("from:bob", mailpit());
    QCOMPARE(bob.messages, qint64(3)); // meeting, read, late
    QCOMPARE(bob.unread, qint64(2));

    // Pages by offset, newest first, make the whole list with nothing twice.
    QStringList paged;
    for (qint64 start = 0; start < all.messages;) {
        const QList<SmtpMessageSummary> page = store.summariesAt(QString(), start, 5);
        QVERIFY(!page.isEmpty());
        for (const SmtpMessageSummary &s : page)
            paged.append(nameOf.value(s.id));
        start += page.size();
    }
    QCOMPARE(paged, names(QString()));
    QCOMPARE(paged.size(), 12);
    QCOMPARE(names(QString()).constFirst(), QString("big"));
    // With a query, and past the end.
    const QList<SmtpMessageSummary> second = store.summariesAt("from:carol", 1, 1, mailpit());
    QCOMPARE(second.size(), 1);
    QCOMPARE(nameOf.value(second.constFirst().id), QString("yellow"));
    QVERIFY(store.summariesAt("from:carol", 3, 10, mailpit()).isEmpty());
    QVERIFY(store.summariesAt(QString(), 0, 0).isEmpty());
}

void TestMailpitSearch::boundedByIds()
{
    const QList<SmtpMessageSummary> everything = store.summariesAt(QString(), 0, 100);
    const qint64 newest = everything.constFirst().id;
    QList<qint64> cuts { 0 };
    for (auto it = everything.crbegin(); it != everything.crend(); ++it)
        cuts.append(it->id);
    // Words (the trigram index, and a short one from the word index), filters on the index's
    // columns and on the messages' own, negated terms, flags and one mailbox (the counters).
    const QStringList queries { "notes", "ok", "from:carol", "subject:ea", "cc:carol",
        "has:attachment", "-from:bob", "is:unread", "mailbox:Inbox", "alice -subject:picture" };
    for (const QString &query : queries) {
        const SmtpMatchCount all = store.countMatching(query, mailpit());
        QCOMPARE(all.upToId, qint64(0)); // not bounded
        const QList<SmtpMessageSummary> allRows = store.summariesAt(query, 0, 100, mailpit());
        QCOMPARE(allRows.size(), all.messages);
        SmtpSearchOptions upTo = mailpit();
        upTo.upToId = std::numeric_limits<qint64>::max();
        const SmtpMatchCount counted = store.countMatching(query, upTo);
        QCOMPARE(counted.messages, all.messages);
        QCOMPARE(counted.unread, all.unread);
        // Everything is indexed: up to the newest message, unless the counters answered.
        QCOMPARE(counted.upToId, query == "mailbox:Inbox" ? qint64(0) : newest);
        for (const qint64 cut : cuts) {
            SmtpSearchOptions older = mailpit();
            older.upToId = cut;
            SmtpSearchOptions newer = mailpit();
            newer.afterId = cut;
            const SmtpMatchCount before
                = cut > 0 ? store.countMatching(query, older) : SmtpMatchCount();
            const SmtpMatchCount after = store.countMatching(query, newer);
            const QByteArray where = (query + " at " + QString::number(cut)).toUtf8();
            QVERIFY2(before.messages + after.messages == all.messages, where.constData());
            QVERIFY2(before.unread + after.unread == all.unread, where.constData());
            if (cut > 0)
                QVERIFY2(after.upToId == newest, where.constData());
            // The counters answer one mailbox up to the newest message.
            if (cut > 0 && (cut < newest || query != "mailbox:Inbox"))
                QVERIFY2(before.upToId == cut, where.constData());
            // The pages: the matches above the cut, newest first, and those up to it.
            QList<qint64> expectedNewer, expectedOlder;
            for (const SmtpMessageSummary &s : allRows)
                (s.id > cut ? expectedNewer : expectedOlder).append(s.id);
            QList<qint64> newerIds, olderIds;
            for (const SmtpMessageSummary &s : store.summariesAt(query, 0, 100, newer))
                newerIds.append(s.id);
            QVERIFY2(newerIds == expectedNewer, where.constData());
            if (cut > 0) {
                for (const SmtpMessageSummary &s : store.summariesAt(query, 0, 100, older))
                    olderIds.append(s.id);
                QVERIFY2(olderIds == expectedOlder, where.constData());
            }
            // Between two cuts.
            newer.upToId = cut + 2;
            QList<qint64> between;
            for (const SmtpMessageSummary &s : store.summariesAt(query, 0, 100, newer))
                between.append(s.id);
            QList<qint64> expectedBetween;
            for (const qint64 id : expectedNewer)
                if (id <= cut + 2)
                    expectedBetween.append(id);
            QVERIFY2(between == expectedBetween, where.constData());
            QVERIFY2(store.countMatching(query, newer).messages == expectedBetween.size(),
                where.constData());
        }
    }
}

void TestMailpitSearch::readFlagsByQuery()
{
    QSignalSpy changed(&store, &SmtpMessageStore::readChanged);
    QCOMPARE(store.setReadMatching("from:carol", true, mailpit()), qint64(3));
    QCOMPARE(store.countMatching("is:read", mailpit()).messages, qint64(4));
    QCOMPARE(store.unreadCount(), qint64(8));
    QTRY_COMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QList<qint64>>().size(), 3);
    // Again: nothing changes.
    QCOMPARE(store.setReadMatching("from:carol", true, mailpit()), qint64(0));
    // Everything back to unread: one signal meaning all.
    QCOMPARE(store.setReadMatching(QString(), false), qint64(4));
    QCOMPARE(store.unreadCount(), qint64(12));
    QTRY_COMPARE(changed.size(), 2);
    QVERIFY(changed.at(1).at(0).value<QList<qint64>>().isEmpty());
    QCOMPARE(changed.at(1).at(1).toBool(), false);
    QCOMPARE(store.setReadMatching("before:soon", true), qint64(-1));
    QVERIFY(store.setRead({ nameOf.key("read") }, true));
}

void TestMailpitSearch::removeByQuery()
{
    // Runs last: it takes messages away.
    QCOMPARE(store.removeMatching("from:carol !subject:report", mailpit()), qint64(2));
    QCOMPARE(names("from:carol", mailpit()), QStringList { "report" });
    QCOMPARE(store.count(), qint64(10));
    // The substring index forgot them too (an external-content index keeps ids it was not told
    // to delete): a word only they had finds nothing in it.
    QCOMPARE(names("paint", mailpit()), QStringList {});
    {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "direct");
        db.setDatabaseName(dir.filePath("store.sqlite"));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec("SELECT count(*) FROM messages_trigram WHERE messages_trigram MATCH "
                       "'\"pai\" AND \"ain\" AND \"int\"'"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec("SELECT count(*) FROM messages_trigram WHERE messages_trigram MATCH "
                       "'\"dra\" AND \"raf\" AND \"aft\"'"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        q = QSqlQuery();
        db.close();
    }
    QSqlDatabase::removeDatabase("direct");
    QCOMPARE(store.removeMatching("nothing-matches-this", mailpit()), qint64(0));
    QVERIFY(store.clear());
    QCOMPARE(names("report", mailpit()), QStringList {});
    QCOMPARE(store.countMatching("report", mailpit()).messages, qint64(0));
}

void TestMailpitSearch::spec_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("expected"); // newest first

    // Letters past ASCII without case, and always in the same case (§3.2 rule 6, §7.6).
    QTest::newRow("subject:Über") << "subject:Über" << QStringList { "uber" };
    QTest::newRow("subject:über") << "subject:über" << QStringList { "uber" };
    QTest::newRow("subject:ÜBER PLAIN") << "subject:\"ÜBER PLAIN\"" << QStringList { "uber" };
    QTest::newRow("to:Ödön") << "to:Ödön" << QStringList { "odon" };
    QTest::newRow("to:ÖDÖN") << "to:ÖDÖN" << QStringList { "odon" };
    QTest::newRow("Äpfel") << "Äpfel" << QStringList { "apfel" };
    QTest::newRow("äpfel") << "äpfel" << QStringList { "apfel" };
    QTest::newRow("ÄPFEL") << "ÄPFEL" << QStringList { "apfel" };
    QTest::newRow("addressed:ödön") << "addressed:ödön" << QStringList { "odon" };

    // Cleaned (rule 4), the query and the search text alike.
    QTest::newRow("hello,bob") << "hello,bob" << QStringList { "hellobob" };
    QTest::newRow("hello;bob") << "hello;bob" << QStringList { "hellobob" };
    QTest::newRow("\"bob this\"") << "\"bob this\"" << QStringList { "hellobob" };
    QTest::newRow("\"(Hello)  <Bob>\"") << "\"(Hello)  <Bob>\"" << QStringList { "hellobob" };
    QTest::newRow("-hello,bob") << "-hello,bob" << QStringList { "check", "apfel", "odon", "uber" };
    QTest::newRow("from:\"doe john\"") << "from:\"doe john\"" << QStringList { "hellobob" };
    QTest::newRow("from:doe,john") << "from:doe,john" << QStringList { "hellobob" };
    QTest::newRow("subject: is not cleaned") << "subject:\"greetings,\"" << QStringList {};

    // Words of one or two characters are substrings too (rule 6).
    QTest::newRow("ll") << "ll" << QStringList { "hellobob" };
    QTest::newRow("-ll") << "-ll" << QStringList { "check", "apfel", "odon", "uber" };
    QTest::newRow("xa: in example")
        << "xa" << QStringList { "check", "hellobob", "apfel", "odon", "uber" };
    QTest::newRow("pf: inside Äpfel") << "PF" << QStringList { "apfel" };
    QTest::newRow("-x: in every message") << "-x" << QStringList {};
    QTest::newRow("subject:ee: inside Greetings") << "subject:ee" << QStringList { "hellobob" };

    // Terms without a letter or digit are matched as any other (rules 1, 3 and 4: only what is
    // empty after cleaning is ignored).
    QTest::newRow("subject:✓") << "subject:✓" << QStringList { "check" };
    QTest::newRow("✓") << "✓" << QStringList { "check" };
    QTest::newRow("?") << "?" << QStringList { "check" };
    QTest::newRow("=") << "=" << QStringList { "check" };
    QTest::newRow("- (a word)") << "-" << QStringList { "check" };
    QTest::newRow("-?") << "-?" << QStringList { "hellobob", "apfel", "odon", "uber" };
    QTest::newRow("\",\" is nothing") << "\",\" subject:greetings" << QStringList { "hellobob" };

    // before:D is received <= D, after:D >= D (the mails came at 00:00, 01:00, ... 04:00 UTC).
    QTest::newRow("before: the instant")
        << "before:2026-11-20T01:00" << QStringList { "odon", "uber" };
    QTest::newRow("before: a day's 00:00") << "before:2026-11-20" << QStringList { "uber" };
    QTest::newRow("before: and after: the instant")
        << "after:2026-11-20T01:00 before:2026-11-20T01:00" << QStringList { "odon" };
    QTest::newRow("-before:") << "-before:2026-11-20T01:00"
                              << QStringList { "check", "hellobob", "apfel" };
    QTest::newRow("-after:") << "-after:2026-11-20T01:00" << QStringList { "uber" };
}

void TestMailpitSearch::spec()
{
    QFETCH(QString, query);
    QFETCH(QStringList, expected);
    QString error;
    const QList<SmtpMessageSummary> page = specStore.summariesAt(query, 0, 100, mailpit(), &error);
    QCOMPARE(error, QString());
    QStringList found;
    for (const SmtpMessageSummary &summary : page)
        found.append(specNameOf.value(summary.id));
    QCOMPARE(found, expected);
    QCOMPARE(specStore.countMatching(query, mailpit()).messages, qint64(expected.size()));
    // Sorted by subject, through the plans that walk an index.
    SmtpPageRequest bySubject;
    bySubject.key = SmtpSortKey::Subject;
    QCOMPARE(specStore.summaries(query, bySubject, &error).size(), expected.size());
    QCOMPARE(error, QString());
}

// bcc:'s envelope-only recipients are those no To or Cc header names, by address as the API's
// Bcc lists them: before, a recipient whose address was a substring of the headers' text (ann@
// in joann@, or inside a quoted name) counted as named, and bcc: did not find it. Each mail has
// a domain of its own, so that no recipient's search finds another mail's.
void TestMailpitSearch::bccTellsAddressesApart()
{
    const auto mail = [](const char *name, const QStringList &rcptTos, const QByteArray &headers) {
        return Mail { name, "desk@x.example", rcptTos,
            lines("From: desk@x.example\n" + headers + "Subject: " + name + "\n\nx\n") };
    };
    const QList<Mail> list {
        mail(
            "joann", { "ann@shop.example", "joann@shop.example" }, "To: Jo <joann@shop.example>\n"),
        mail("quoted", { "ann@quoted.example" },
            "To: \"ann@quoted.example\" <desk@quoted.example>\n"),
        mail("named", { "ann@named.example" }, "To: desk@named.example\nCc: ANN@named.example\n"),
        mail("group", { "dan@group.example", "eve@group.example" },
            "To: team: dan@group.example;\n"),
        // Lowercased as the API compares, not case-folded (a final sigma is no sigma).
        mail("sigma", { "ςa@sigma.example", "σb@sigma.example" },
            "To: σa@sigma.example, ΣB@sigma.example\n"),
        // A quoted local part and a backslash: JSON escapes them in the recipients' column,
        // which bcc: looks at first only for a value JSON writes as it is.
        mail("quotedlocal", { "\"o k\"@q.example", "b\\ob@q.example", "plain@q.example" },
            "To: plain@q.example\n"),
    };
    SmtpMessageStore bccStore;
    QVERIFY2(bccStore.open(dir.filePath("bcc.sqlite")), qPrintable(bccStore.errorString()));
    QHash<qint64, QString> bccNameOf;
    QVERIFY(deliver(bccStore, list, &bccNameOf));
    const auto found
        = [&](const QString &query) { return namesIn(bccStore, bccNameOf, query, mailpit()); };
    QCOMPARE(found("bcc:ann@"), QStringList({ "quoted", "joann" }));
    QCOMPARE(found("-bcc:ann@ subject:named"), QStringList({ "named" }));
    QCOMPARE(found("addressed:ann@"), QStringList({ "named", "quoted", "joann" }));
    QCOMPARE(found("bcc:joann"), QStringList());
    QCOMPARE(found("bcc:q.example"), QStringList({ "quotedlocal" }));
    QCOMPARE(found("bcc:\"o k\""), QStringList({ "quotedlocal" }));
    QCOMPARE(found("bcc:plain@q"), QStringList());
    // And for every recipient of every mail: bcc: finds the mail exactly when the API's Bcc
    // lists the recipient.
    for (auto it = bccNameOf.cbegin(); it != bccNameOf.cend(); ++it) {
        const std::optional<SmtpStoredMessage> message = bccStore.message(it.key());
        QVERIFY(message);
        QStringList inBcc;
        for (const QJsonValue &a : MailpitJson::summary(*message).value("Bcc").toArray())
            inBcc.append(a.toObject().value("Address").toString());
        for (const QString &rcpt : message->summary().rcptTos) {
            const bool listed = inBcc.contains(rcpt);
            QString quoted = rcpt;
            quoted.replace("\\", "\\\\").replace("\"", "\\\"");
            const bool foundByBcc = found("bcc:\"" + quoted + "\"").contains(it.value());
            QVERIFY2(listed == foundByBcc,
                qPrintable(QStringLiteral("%1: %2 %3 in the API's Bcc, %4 by bcc:")
                               .arg(it.value(), rcpt, listed ? "is" : "is not",
                                   foundByBcc ? "found" : "not found")));
        }
    }
    bccStore.close();
}

QTEST_GUILESS_MAIN(TestMailpitSearch)
#include "tst_mailpitsearch.moc"
