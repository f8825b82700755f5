// Test helper for the inbox model tests (core and GUI): messages to store (plain, or varied so
// that every sort column has runs of equal values, ASCII case and non-ASCII text), the order the
// model must show, and waits on events: until the store has announced what it holds and the model
// is no longer busy, after which nothing more can appear by itself.
#pragma once

#include <smtpinboxmodel.h>
#include <smtpmessagestore.h>
#include <sortoracle.h>
#include <storedelivery.h>

#include <QObject>
#include <QSet>
#include <QTest>

#include <atomic>
#include <memory>

namespace InboxFixtures {

// Generous: CI machines are loaded.
constexpr int waitTimeout = 30000;

inline qint64 storeMessage(
    SmtpMessageStore &store, const QByteArray &subject, bool attachment = false)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setHelo("client");
    m.setMailFrom("sender@x.test");
    m.setRcptTos({ "to@x.test" });
    QByteArray data
        = "From: Sender <sender@x.test>\r\nTo: to@x.test\r\nSubject: " + subject + "\r\n";
    if (attachment)
        data += "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Type: text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: application/pdf\r\n"
                "Content-Disposition: attachment; filename=a.pdf\r\n\r\n%PDF\r\n--b--\r\n";
    else
        data += "\r\nbody\r\n";
    m.setData(data);
    // Shared with the callback, which may still come after a timeout.
    const auto id = std::make_shared<std::atomic<qint64>>(0);
    store.deliver(m, [id](const SmtpSinkResult &r) { *id = r.ok ? r.id : -1; });
    if (!QTest::qWaitFor([&id] { return id->load() != 0; }, waitTimeout))
        return 0;
    return id->load();
}

// Varied messages for the sorted cases: runs of equal subjects, senders, recipients and sizes (so
// that page edges fall inside them), ASCII case and non-ASCII text, and messages without From or
// To headers, where the inbox shows the envelope.
inline const QStringList &sortSubjects()
{
    static const QStringList subjects = { "apple", "Apple", "APPLE pie", "banana", "", "Zebra",
        "zebra", "[bracket]", "_underscore",
        QString::fromUtf8("\xc3\xa9"
                          "clair"),
        QString::fromUtf8("\xc3\x89"
                          "clair"),
        QString::fromUtf8("\xf0\x9f\x98\x80 smile"), QString::fromUtf8("\xef\xbc\xa1 fullwidth"),
        "a", "a b", "ab" };
    return subjects;
}

inline QByteArray headerText(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8)
        if (uchar(c) >= 0x80)
            return "=?UTF-8?B?" + utf8.toBase64() + "?=";
    return utf8;
}

inline SmtpMessage variedMessage(int i, const QString &subjectOverride = QString())
{
    static const QStringList fromHeaders = { "Alice <alice@x.test>", "alice@x.test", "", "", "",
        QString::fromUtf8("\xc3\x89mile <e@x.test>"), "bob@x.test" };
    static const QStringList mailFroms = { "alice@x.test", "bounce@x.test", "Zed@x.test",
        "amy@x.test", "", "e@x.test", "bob@x.test" };
    static const QStringList toHeaders = { "Team <team@x.test>", "", "", "a@x.test", "" };
    static const QList<QStringList> rcptTos = { { "a@x.test" }, { "b@x.test", "a@x.test" },
        { "B@x.test" }, { "z@x.test" }, { "c@x.test" } };
    const QString subject = subjectOverride.isNull()
        ? sortSubjects().at((i * 7) % sortSubjects().size())
        : subjectOverride;
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setMailFrom(mailFroms.at(i % mailFroms.size()));
    m.setRcptTos(rcptTos.at((i / 3) % rcptTos.size()));
    QByteArray data;
    if (!fromHeaders.at(i % fromHeaders.size()).isEmpty())
        data += "From: " + headerText(fromHeaders.at(i % fromHeaders.size())) + "\r\n";
    if (!toHeaders.at((i / 3) % toHeaders.size()).isEmpty())
        data += "To: " + headerText(toHeaders.at((i / 3) % toHeaders.size())) + "\r\n";
    data += "Subject: " + headerText(subject) + "\r\n\r\n" + QByteArray((i * 13) % 5 * 10, 'x')
        + "\r\n";
    m.setData(data);
    return m;
}

inline bool deliverVaried(
    SmtpMessageStore &store, int first, int count, const QString &subject = QString())
{
    QList<SmtpMessage> messages;
    for (int i = first; i < first + count; ++i)
        messages.append(variedMessage(i, subject));
    return deliverAll(store, messages);
}

inline QList<qint64> expectedOrder(QList<SmtpMessageSummary> all, int column, Qt::SortOrder order)
{
    return SortOracle::expectedOrder(std::move(all), SmtpInboxModel::sortKey(column), order);
}

inline QList<qint64> expectedOrder(const SmtpMessageStore &store, int column, Qt::SortOrder order,
    const QString &query = QString())
{
    return expectedOrder(store.summaries(query, 0, 1000000), column, order);
}

inline QList<qint64> shownIds(const SmtpInboxModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.idAt(row));
    return ids;
}

// Until the model has nothing left to do by itself: no page and no new mail being read, no
// announced mail waiting for its batch.
inline bool waitUntilIdle(const SmtpInboxModel &model)
{
    return QTest::qWaitFor([&model] { return !model.isBusy(); }, waitTimeout);
}

inline bool loadEverything(SmtpInboxModel &model)
{
    for (int pages = 0; pages < 100; ++pages) {
        if (!QTest::qWaitFor([&model] { return !model.isLoading(); }, waitTimeout))
            return false;
        if (!model.canFetchMore({}))
            return true;
        model.fetchMore({});
    }
    return false;
}

// The ids a store announced with messagesAdded, as a model connected to it heard them. Made
// before the first delivery, so that it hears every announcement.
class Announcements
{
public:
    explicit Announcements(SmtpMessageStore *store)
        : m_store(store)
    {
        QObject::connect(
            store, &SmtpMessageStore::messagesAdded, &m_context, [this](const QList<qint64> &ids) {
                for (const qint64 id : ids) {
                    m_ids.insert(id);
                    m_newest = qMax(m_newest, id);
                }
            });
    }
    bool contains(qint64 id) const { return m_ids.contains(id); }
    // Until every message the store holds now has been announced (the store announces in the
    // order it commits, after the deliveries' completions ran).
    bool waitForAll() const
    {
        const QList<SmtpMessageSummary> newest = m_store->summaries(QString(), 0, 1);
        const qint64 id = newest.isEmpty() ? 0 : newest.constFirst().id;
        return QTest::qWaitFor([this, id] { return m_newest >= id; }, waitTimeout);
    }
    // Until the store announced everything it holds and the model dealt with it: what was going
    // to appear has appeared.
    bool waitUntilSettled(const SmtpInboxModel &model) const
    {
        return waitForAll() && waitUntilIdle(model);
    }

private:
    SmtpMessageStore *m_store;
    QObject m_context;
    QSet<qint64> m_ids;
    qint64 m_newest = 0;
};

inline void addSortRows()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    const char *names[] = { "from", "to", "subject", "received", "size" };
    for (int column = 0; column < SmtpInboxModel::ColumnCount; ++column)
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder })
            QTest::addRow("%s %s", names[column], order == Qt::AscendingOrder ? "asc" : "desc")
                << column << order;
}

} // namespace InboxFixtures
