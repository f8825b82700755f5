// The durable message store: SQLite (WAL) through Qt Sql, written on a thread of its own.
//
// As a message sink it sends the 250 only after the transaction holding the message has
// committed; messages that arrive together are committed together (group commit), so durability
// does not cost throughput. That transaction holds the raw bytes, the envelope and the headers
// the inbox shows (read from the header block alone): the message is in summaries() and
// messagesAdded() at once. A background indexer then parses it once (GMime) and records its
// part tree, checks, bodies and full-text row: search finds it from then on (indexedUpTo(),
// indexCaughtUp()). What was committed but not indexed when the process ended is indexed after
// the next open. Readers get decoded summaries, bodies and attachments without parsing again.
// Readers on any thread use a connection of their own; other processes may read the same file
// while this one writes.
#pragma once

#include "smtpmessage.h"
#include "smtpmessagesink.h"
#include "smtpmessagesummary.h"
#include "smtpreceiver_global.h"
#include "smtpstoredmessage.h"

#include <QObject>
#include <QScopedPointer>
#include <QTimeZone>
#include <QVariant>
#include <functional>
#include <optional>

class SmtpMessageStorePrivate;

// One release of a stored message to a real server (SmtpRelay): when, to whom, and the server's
// final reply ("250 2.0.0 queued as 4F2A").
struct SMTPRECEIVER_EXPORT SmtpMessageRelease
{
    QDateTime releasedAt; // UTC
    QStringList recipients;
    QString reply;
};

// The orders summaries() reads the inbox in (the columns of SmtpInboxModel). Received is the
// order of arrival (the id). From and To sort by the text the inbox shows: the header, decoded,
// or the envelope (sender; recipients joined by ", ") when there is none. From, To and Subject
// compare as SQLite's NOCASE does: ASCII letters without case, everything else by code point.
// Size is in bytes. Equal values are ordered by id, in the same direction, so every order is
// total and descending is exactly ascending reversed.
enum class SmtpSortKey { Received, From, To, Subject, Size };

// One page of summaries in an order, after a keyset cursor (never OFFSET: a page deep in a
// million messages costs what the first one does, and paging stays right while mail arrives).
struct SMTPRECEIVER_EXPORT SmtpPageRequest
{
    SmtpSortKey key = SmtpSortKey::Received;
    Qt::SortOrder order = Qt::DescendingOrder;
    int limit = 200;
    // The cursor: the page starts after the row with this id and sort value (the last row of
    // the previous page). afterId 0 reads the first page. Received needs no value (the id is).
    qint64 afterId = 0;
    QVariant afterValue; // SmtpMessageStore::sortValue() of that row

    // The same request, for the page after last (the last row of a page read with it).
    SmtpPageRequest after(const SmtpMessageSummary &last) const;
};

// How the query of countMatching(), summariesAt(), setReadMatching() and removeMatching() is read.
// The defaults are the inbox's reading (as summaries() reads it).
struct SmtpSearchOptions
{
    // Mailpit's reading, for its API: a filter whose value cannot be used (before:soon,
    // larger:big, an empty to:) is ignored instead of making the query an error; is: and has:
    // with another value are words; sizes may also be written 1.5m or 10kb.
    bool lenient = false;
    // The zone of the days and of the date-times without an offset in before: and after:.
    QTimeZone timeZone = QTimeZone::utc();
    // Only messages with an id above afterId and up to upToId (0: no such bound): a caller that
    // has kept what the query matched up to some id (SmtpMatchCount::upToId) reads only what is
    // new since, and a page can be bounded to what was counted. A query the counters answer
    // (none, or one mailbox alone) is read off them when upToId does not cut it short.
    qint64 afterId = 0;
    qint64 upToId = 0;
};

// One mailbox and its counts (kept as messages come and go: reading them counts nothing).
struct SMTPRECEIVER_EXPORT SmtpMailbox
{
    Q_GADGET
    Q_PROPERTY(QString name MEMBER name)
    Q_PROPERTY(qint64 messages MEMBER messages)
    Q_PROPERTY(qint64 unread MEMBER unread)
public:
    QString name;
    qint64 messages = 0;
    qint64 unread = 0;

    bool operator==(const SmtpMailbox &other) const
    {
        return name == other.name && messages == other.messages && unread == other.unread;
    }
    bool operator!=(const SmtpMailbox &other) const { return !(*this == other); }
};

// How many messages a query matches, and how many of those are unread.
struct SmtpMatchCount
{
    qint64 messages = 0;
    qint64 unread = 0;
    // With a bound in the options (SmtpSearchOptions::afterId, upToId): every message with an id
    // up to this one that the query could match was counted. That is the newest message
    // committed when the count began (or upToId when lower); for a query that needs the index,
    // no newer than what the indexer had passed. Messages that come later have greater ids. 0
    // when the query was not bounded.
    qint64 upToId = 0;
};

class SMTPRECEIVER_EXPORT SmtpMessageStore : public QObject, public SmtpMessageSink
{
    Q_OBJECT
    Q_PROPERTY(qint64 count READ count NOTIFY countChanged)
    Q_PROPERTY(qint64 unreadCount READ unreadCount NOTIFY countChanged)
    Q_PROPERTY(qint64 maxMessages READ maxMessages WRITE setMaxMessages NOTIFY maxMessagesChanged)
    Q_PROPERTY(qint64 indexedUpTo READ indexedUpTo NOTIFY indexedUpToChanged)
public:
    static constexpr int schemaVersion = 16; // the history: store/storeschema.h

    explicit SmtpMessageStore(QObject *parent = nullptr);
    ~SmtpMessageStore() override; // finishes every delivery already handed over

    // Opens (creating if needed) the database. ":memory:" keeps nothing. Refuses, with
    // errorString(), a file that is not SQLite, a foreign SQLite file, or one written by a newer
    // smtp-receiver.
    bool open(const QString &path);
    void close();
    bool isOpen() const;
    QString path() const;
    // Where a server spools big messages on their way into this store: the store file's
    // directory, on its disk (not a temporary directory that may be RAM); empty for ":memory:".
    QString spoolDirectory() const;
    QString errorString() const;
    static QString defaultPath(); // messages.sqlite in the application data directory

    // Keep at most this many newest messages (0 = unlimited). Applied at once and after every
    // commit.
    qint64 maxMessages() const;
    void setMaxMessages(qint64 max);
    // Keep at most this many newest messages in each mailbox (0 = unlimited): a mailbox over it
    // loses its oldest messages (from every mailbox they are in), whatever the others hold.
    // Applied at once and after every commit, after maxMessages().
    qint64 maxMessagesPerMailbox() const;
    void setMaxMessagesPerMailbox(qint64 max);
    // Caps the database file (bytes; 0 = no cap). When it is full, new mail gets 451 4.3.0.
    void setMaxDatabaseSize(qint64 bytes);

    // Polls the file every interval for changes made by other processes (a headless server
    // writing while a GUI reads) and reports them with the signals below. 0 stops it.
    void setWatchInterval(int milliseconds);

    // SmtpMessageSink: answers after the commit, with the message's id in the store.
    void deliver(const SmtpMessage &message, Completion done) override;
    // SmtpMessageSink: removes the message kept.id (a sink after the store refused it), in order
    // with incoming mail; answers once that has committed. It was listed meanwhile:
    // messagesRemoved() and countChanged() follow its messagesAdded() as for any removal. A
    // message pruned to make room for it stays gone.
    void retract(const SmtpMessage &message, const SmtpSinkResult &kept, Completion done) override;
    // Stores these messages in one transaction, all or none (an import); their ids in order,
    // empty with errorString when nothing was stored. messagesAdded() follows as for mail.
    QList<qint64> storeAll(const QList<SmtpMessage> &messages, QString *errorString = nullptr);

    // Reads: synchronous, from any thread.
    qint64 count() const;
    qint64 unreadCount() const;
    // Newest first; the page after beforeId (0 = from the newest); query in the search language.
    QList<SmtpMessageSummary> summaries(
        const QString &query, qint64 beforeId, int limit, QString *errorString = nullptr) const;
    // One page in any order (see SmtpSortKey), after the request's cursor. Sorting by From, To,
    // Subject or Size reads an index: as fast as paging by arrival, whatever the store's size;
    // with words to search for, at most one walk of that index (0.15 s at a million messages).
    QList<SmtpMessageSummary> summaries(
        const QString &query, const SmtpPageRequest &page, QString *errorString = nullptr) const;
    // What a summary sorts by under key, as summaries() compares it: the id for Received, the
    // size (qint64) for Size, the text (QString) for the others.
    static QVariant sortValue(const SmtpMessageSummary &summary, SmtpSortKey key);
    // Whether a comes before b in that order: the order of summaries(), ties broken by id.
    static bool sortsBefore(const SmtpMessageSummary &a, const SmtpMessageSummary &b,
        SmtpSortKey key, Qt::SortOrder order);
    // For callers that page by position (an HTTP API's start and limit) and need the number of
    // matches, which the keyset reads above never count. Newest first (ties by id), the
    // query in the search language as the options read it; an invalid query gives nothing and
    // errorString. An empty query counts nothing (the counters). Counting checks every
    // candidate the index gives: a rare word costs a few milliseconds, a word in half of
    // 200,000 messages 1-1.5 s (each one's text is read). A page by offset reads and drops
    // every row before it (SQL OFFSET): the first pages cost what summaries() does, a page
    // 100,000 rows deep about 0.1 s; paging while mail arrives shifts the rows by the number
    // of new messages.
    SmtpMatchCount countMatching(const QString &query, const SmtpSearchOptions &options = {},
        QString *errorString = nullptr) const;
    QList<SmtpMessageSummary> summariesAt(const QString &query, qint64 offset, int limit,
        const SmtpSearchOptions &options = {}, QString *errorString = nullptr) const;
    // Search (the words of summaries()' query) finds every message with an id up to this one;
    // newer messages are listed at once but found by words once the indexer has passed them.
    qint64 indexedUpTo() const;
    // Whether the indexer has nothing left to do (as of the last commit of new mail).
    bool isIndexCaughtUp() const;
    // Counts the changes that are not new mail: removals (pruning, removeMailbox() and clear()
    // too), read flags, open(), and another process's removals and read flags once
    // setWatchInterval()'s watch has seen them. It moves before such a change commits and again
    // when it has: odd while one is under way. What a query matched up to some id
    // (SmtpMatchCount::upToId), read while this was even, plus what matches among newer ids, is
    // what the query matches for as long as this has not moved since; the signals of a change come
    // later, through the event loop. Any thread.
    quint64 nonAdditiveChanges() const;
    // One message in full (see SmtpStoredMessage): envelope, raw bytes, decoded headers,
    // bodies, part tree, attachments and checks, as found when it was indexed. Only the header
    // block is read again (and the checks are run again for a message whose store kept them
    // as sentences, written by an older version). A message the indexer has not reached yet is
    // parsed here, on the caller's thread, with the same result: it never waits for the
    // indexer. std::nullopt when there is no such message.
    std::optional<SmtpStoredMessage> message(qint64 id) const;
    QByteArray rawData(qint64 id) const;
    // The decoded content of one MIME part (an attachment), by its depth-first index.
    QByteArray partContent(qint64 id, int partIndex, bool *ok = nullptr) const;
    // Every message, oldest first, streamed (never all in memory); stop by returning false.
    bool forEach(const std::function<bool(const SmtpMessageSummary &)> &visit,
        QString *errorString = nullptr) const;
    // Mailboxes (storemailboxes.cpp). Every mailbox that has held mail since it was made
    // (a message routed there makes it; removeMailbox() and clear() end it), Inbox always, first,
    // then the others by name, with their counts. Reading them counts nothing.
    QList<SmtpMailbox> mailboxes() const;
    // One mailbox's counts; zero counts for a mailbox that does not exist.
    SmtpMailbox mailbox(const QString &name) const;
    qint64 count(const QString &mailbox) const { return this->mailbox(mailbox).messages; }
    qint64 unreadCount(const QString &mailbox) const { return this->mailbox(mailbox).unread; }
    // Bytes of database per stored message (file size / count), for the benchmark notes.
    qint64 databaseSize() const;

    // Writes: run on the store thread, in order with incoming mail; true once committed.
    bool remove(const QList<qint64> &ids);
    qint64 removeMatching(const QString &query); // returns how many
    qint64 removeMatching(const QString &query, const SmtpSearchOptions &options);
    bool clear();
    bool setRead(const QList<qint64> &ids, bool read);
    bool markAllRead();
    // Sets the flag of every message the query matches (every message for an empty query) in
    // one transaction; returns how many changed, -1 when the query is invalid or the write
    // failed. readChanged() lists the changed ids (none, meaning all, for an empty query).
    qint64 setReadMatching(const QString &query, bool read, const SmtpSearchOptions &options = {});
    // Ends a mailbox: its messages go, except that a message also in another mailbox only
    // leaves this one. False when the write failed. messagesRemoved() lists what went.
    bool removeMailbox(const QString &name);
    // Records a release of message id (storereleases.cpp); false when there is no such message
    // or the write failed. releasesChanged(id) follows. Removing the message removes its releases.
    bool addRelease(qint64 id, const SmtpMessageRelease &release);
    // The releases of message id, oldest first.
    QList<SmtpMessageRelease> releases(qint64 id) const;

Q_SIGNALS:
    void opened();
    // Before the database closes (also from the destructor): stop reading from other threads.
    void aboutToClose();
    void messagesAdded(const QList<qint64> &ids);
    // An empty list means "some or all, reload" (clear, or a change made by another process).
    void messagesRemoved(const QList<qint64> &ids);
    // Just before messagesRemoved() for the same ids, when they were removed to keep
    // maxMessages (the oldest went for new mail, or the maximum was lowered).
    void messagesPruned(const QList<qint64> &ids);
    void readChanged(const QList<qint64> &ids, bool read);
    void countChanged();
    // A mailbox came or went or its counts changed (follows every countChanged()).
    void mailboxesChanged();
    void maxMessagesChanged();
    void errorOccurred(const QString &errorString);
    // The indexer has passed every message up to id (see indexedUpTo()).
    void indexedUpToChanged(qint64 id);
    // The indexer has nothing left to do: every message committed so far is searchable.
    void indexCaughtUp();
    // A release of message id was recorded (addRelease()).
    void releasesChanged(qint64 id);

private:
    Q_DECLARE_PRIVATE(SmtpMessageStore)
    QScopedPointer<SmtpMessageStorePrivate> d_ptr;
};

Q_DECLARE_METATYPE(SmtpMailbox)
