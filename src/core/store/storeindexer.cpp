// The store's background indexer: a thread of its own that finds the messages committed without a
// MIME parse (unindexed <> 0), parses them with GMime, and records them through the writer's
// connection, in turns with the writer: the part tree, the checks, the HTML body and the full-text
// rows (the substring indexes over the text and the headers), each message marked indexed in the
// transaction that writes its rows. Its thread runs at a lower CPU priority, gives the CPU up
// between messages while the mail is fresh, and yields the database to the writer after any
// message, as the 250s of new mail wait for the writer. It starts with the store (so what a
// previous run committed but did not index is indexed after a restart, even after a kill -9),
// follows every commit of new mail, and says when it has caught up
// (SmtpMessageStore::indexedUpTo(), indexCaughtUp()).
#include "mime/mimeheaders.h"
#include "smtphtmltotext.h"
#include "smtplog.h"
#include "store/smtpmessagestore_p.h"
#include "store/storecompression.h"
#include "store/storeencoding.h"
#include "store/storeschema.h"
#include "store/storesqlite.h"
#include "store/storestatement.h"
#include "threadname_p.h"

#include <QDateTime>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <optional>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

// A batch is at most this many messages or (past its first message) this many raw bytes, so
// that big mail does not pile up in memory.
constexpr int batchMessages = StoreInternal::indexBatchMessages;
constexpr qint64 batchBytes = 8 * 1024 * 1024;
// A transaction of the indexer ends after the message that brings its text past this many
// characters, or earlier when the writer waits. Every commit makes a new segment of each
// full-text index, which FTS5 merges later, so a transaction is not one message either.
constexpr qsizetype transactionText = 1024 * 1024;
// How much lower the indexer's thread runs than the rest (Linux nice). Why: its work can wait,
// and a session that waits for its 250 cannot. On a busy machine the SMTP sessions and the writer
// get the CPU first; the index catches up when the mail pauses.
constexpr int indexerNiceness = 10;
// A nice value alone did not keep the indexer out of the SMTP path's way: on a busy machine the
// session thread, woken by a client's command, could wait behind the indexer's time slice, and
// a message is several such round trips. So while the mail it indexes is fresh, the indexer
// also gives the CPU up between messages it parses or records, at most every giveWayEvery (on
// Linux 6.18 W2 ran about a fifth faster; after every message cost W1's indexer 20 us a message
// in switches, 0.25 ms apart nothing measurable). Mail older than a second is indexed at the
// nice value's share alone: yielding without end let the index fall half a minute behind on a
// machine kept busy by other work, and SCHED_IDLE did the same (and an unprivileged thread
// cannot leave it again).
constexpr qint64 giveWayWhileYoungerThanMs = 1000;
constexpr std::chrono::microseconds giveWayEvery { 250 };
void giveWayWhileFresh(const IndexedMessage &m, std::chrono::steady_clock::time_point *gaveWayAt)
{
    // A clock set back makes mail look younger than it is: not fresh then, as mail from before.
    const qint64 age = QDateTime::currentMSecsSinceEpoch() - m.receivedAt;
    if (age < 0 || age >= giveWayWhileYoungerThanMs)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - *gaveWayAt < giveWayEvery)
        return;
    *gaveWayAt = now;
    QThread::yieldCurrentThread();
}
// How long the indexer lets new mail gather before it starts: a pause this long in the stream,
// or this long at most (which bounds the search lag under a steady stream).
constexpr std::chrono::milliseconds quiet { 20 };
constexpr std::chrono::milliseconds gatherAtMost { 250 };
// After a batch failed (the file locked by another process for longer than the busy timeout,
// the disk or the store's maximum size full), it is tried again this long after, then twice as
// long each time up to the last, or at once when mail comes. Before, only new mail retried it:
// a store that fell quiet kept its last messages out of search until the next one came.
constexpr std::chrono::milliseconds firstRetry { 1000 };
constexpr std::chrono::milliseconds lastRetry { 60000 };

// The rest of a message's search text (message_text's c4): its attachments' names, then, when it
// has HTML, the HTML body as a reader sees it (http-api.md counts it in the search text; a
// message with HTML alone had none), one line apart so that no word spans the two. The HTML's
// lines are joined by spaces, as a search's words are: a phrase may run across a block. Most
// mail with both bodies says the same in each: when the text body, its white space collapsed
// too, holds the HTML's text, that is searched already and not kept twice (on bench/make-store's
// mix, where a fifth of the messages has both, keeping it made the store 10 % bigger).
QByteArray otherSearchText(const MimeParsedMessage &p)
{
    QStringList names;
    for (const SmtpMimePart &a : p.attachments())
        names.append(a.fileName());
    QString other = names.join(QLatin1Char(' '));
    if (!p.htmlBody.isEmpty()) {
        const QString html = SmtpHtmlToText::collapsed(SmtpHtmlToText::text(p.htmlBody));
        if (!SmtpHtmlToText::collapsed(p.textBody).contains(html))
            other += QLatin1Char('\n') + html;
    }
    return other.isNull() ? QByteArray("") : other.toUtf8();
}

// The recipients' search column (message_text's c2): To, Cc, the envelope's recipients and a Bcc
// header (what to:, cc:, bcc: and addressed: look for).
QString recipientsSearchText(const MimeParsedMessage &p, const QStringList &rcptTos)
{
    QString text
        = p.to + QLatin1Char(' ') + p.cc + QLatin1Char(' ') + rcptTos.join(QLatin1Char(' '));
    if (!p.bcc.isEmpty())
        text += QLatin1Char(' ') + p.bcc;
    return text;
}

} // namespace

std::optional<qint64> StoreInternal::readIndexedUpTo(QSqlDatabase &db)
{
    QSqlQuery query(db);
    // Two index seeks: the partial index of the waiting messages and the end of the table.
    if (!query.exec(QStringLiteral("SELECT (SELECT min(id) FROM messages WHERE unindexed <> 0), "
                                   "(SELECT ifnull(max(id), 0) FROM messages)"))
        || !query.next())
        return std::nullopt;
    return query.value(0).isNull() ? query.value(1).toLongLong() : query.value(0).toLongLong() - 1;
}

void SmtpMessageStorePrivate::startIndexer()
{
    {
        std::lock_guard lock(mutex);
        indexerStopping = false;
    }
    indexer = std::thread([this] { indexerLoop(); });
}

void SmtpMessageStorePrivate::stopIndexer()
{
    if (!indexer.joinable())
        return;
    {
        std::lock_guard lock(mutex);
        indexerStopping = true;
    }
    indexWake.notify_all();
    indexer.join(); // what is left stays unindexed in the file, for the next open
}

namespace {

void lowerThisThreadsPriority(int niceness)
{
#ifdef Q_OS_LINUX
    // On Linux a nice value is a thread's own (setpriority with a thread id).
    const auto thread = id_t(gettid());
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, thread);
    if (errno == 0)
        setpriority(PRIO_PROCESS, thread, qMin(19, current + niceness));
#else
    Q_UNUSED(niceness);
#endif
}

} // namespace

struct IndexStatements
{
    explicit IndexStatements(QSqlDatabase &db)
    {
        ok = update.prepare(db,
                 "UPDATE messages SET cc_header = ?, bcc_header = ?, reply_to = ?, "
                 "date_header = ?, message_id = ?, has_attachments = ?, parse_failed = ?, "
                 "attachments = ?, parts = ?, findings = ? WHERE id = ? AND unindexed <> 0",
                 &error)
            // Last for each message, once its HTML and text rows are in: a reader of ":memory:"
            // (read_uncommitted) sees the transaction half-written, and a message marked
            // indexed before its rows were there read as one without HTML or text.
            && indexed.prepare(db, "UPDATE messages SET unindexed = 0 WHERE id = ?", &error)
            && html.prepare(db,
                "INSERT OR REPLACE INTO message_html (id, html, encoding) VALUES (?, ?, ?)", &error)
            // The text first: the substring index below is an external-content table over it
            // (the view messages_fts_content), which keeps only what it is given to index; the
            // From and To indexes are contentless, of the messages row's headers.
            && text.prepare(db,
                "INSERT INTO message_text (id, c0, c1, c2, c3, c4) VALUES (?, ?, ?, ?, ?, ?)",
                &error)
            && trigram.prepare(db,
                "INSERT INTO messages_trigram (rowid, c0, c1, c2, c3, c4) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                &error)
            && fromTrigram.prepare(
                db, "INSERT INTO messages_from_trigram (rowid, c0) VALUES (?, ?)", &error)
            && toTrigram.prepare(
                db, "INSERT INTO messages_to_trigram (rowid, c0) VALUES (?, ?)", &error)
            // A message of search_text_stale: the two external-content indexes forget the values
            // they were given (read through the view, as the delete trigger does), c2 and c4 are
            // made again, and they are given the new values (through the view too).
            && forgetTrigram.prepare(db,
                "INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4) "
                "SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = ?",
                &error)
            && otherText.prepare(db, "UPDATE message_text SET c2 = ?, c4 = ? WHERE id = ?", &error)
            && bccHeader.prepare(db, "UPDATE messages SET bcc_header = ? WHERE id = ?", &error)
            && retellTrigram.prepare(db,
                "INSERT INTO messages_trigram (rowid, c0, c1, c2, c3, c4) "
                "SELECT id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = ?",
                &error)
            && refreshed.prepare(db, "DELETE FROM search_text_stale WHERE id = ?", &error);
    }

    StoreStatement update, indexed, html, text, trigram, fromTrigram, toTrigram;
    StoreStatement forgetTrigram, otherText, bccHeader, retellTrigram, refreshed;
    bool ok = false;
    QString error;
};

void SmtpMessageStorePrivate::indexerLoop()
{
    nameThisThread("smtp-indexer");
    lowerThisThreadsPriority(indexerNiceness);
    // The writer's connection, which outlives this thread (smtpmessagestore_p.h says why not one
    // of its own); everything this thread does on it, it does under writeLock.
    QSqlDatabase &db = *writerConnection;
    std::optional<IndexStatements> statements;
    {
        std::lock_guard write(writeLock);
        statements.emplace(db);
    }
    if (statements->ok)
        indexLoop(db, *statements);
    else
        qCCritical(lcSmtpStore) << "indexer: cannot prepare its statements:" << statements->error;
    std::lock_guard write(writeLock);
    statements.reset();
}

void SmtpMessageStorePrivate::indexLoop(QSqlDatabase &db, IndexStatements &statements)
{
    quint64 seen = 0;
    std::chrono::milliseconds retry { 0 }; // after a failure: when to try again without mail
    // Until search_text_stale is found empty, a batch of it follows each round (refreshing the
    // search text an older version made), without waiting for mail. A store with none left
    // starts as before: waiting for mail (a round without any would signal the index's state).
    bool refreshing = false;
    {
        QSqlQuery stale(readConnection());
        refreshing = stale.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM search_text_stale)"))
            && stale.next() && stale.value(0).toBool();
    }
    bool refreshedAny = false;
    // The mail the waiting messages were last looked for after (commitGeneration): a refresh round
    // without new mail does not look again, as each look ends in the index's signals (a stats
    // event to every API client, a search again in every remote window).
    std::optional<quint64> lookedAfter;
    for (;;) {
        quint64 generation = 0;
        qint64 newest = 0;
        {
            std::unique_lock lock(mutex);
            const auto woken = [&] { return indexerStopping || commitGeneration != seen; };
            indexerWaitsForMail = true;
            if (retry.count() > 0)
                indexWake.wait_for(lock, retry, woken);
            else if (!refreshing)
                indexWake.wait(lock, woken);
            indexerWaitsForMail = false;
            if (indexerStopping)
                return;
            // Let a stream of mail gather into one batch: each batch is a read of the waiting
            // messages and at least one transaction, which one message at a time doubled their
            // number under a steady stream of single messages. Go when the stream pauses (no
            // commit for quiet), a batch is full (the writer wakes this thread then), or at the
            // latest after gatherAtMost. (Not when no mail came: a refresh goes on, a retry
            // tries at once.)
            const auto latest = std::chrono::steady_clock::now() + gatherAtMost;
            const auto full
                = [&] { return indexerStopping || committedSinceIndex >= batchMessages; };
            while (commitGeneration != seen && !full()) {
                const auto until = std::min(latest, lastCommitAt + quiet);
                if (std::chrono::steady_clock::now() >= until)
                    break;
                indexWake.wait_until(lock, until, full);
            }
            if (indexerStopping)
                return;
            committedSinceIndex = 0;
            generation = seen = commitGeneration;
            newest = newestCommitted;
        }
        bool failed = false;
        if (!refreshing || lookedAfter != generation) {
            while (indexPending(db, statements, generation, newest, &failed)) {
                std::lock_guard lock(mutex);
                if (indexerStopping)
                    return;
            }
            if (!failed)
                lookedAfter = generation;
        }
        // A refresh batch once the waiting mail is in: it stays searched by its old text.
        if (!failed && refreshing) {
            bool refreshFailed = false;
            refreshing = refreshSearchText(db, statements, &refreshFailed);
            refreshedAny = refreshedAny || refreshing;
            if (refreshFailed) {
                // The store at its size cap, say: trying again and again would parse the same
                // mail for ever. What is left keeps its old text until the store opens again.
                qCWarning(lcSmtpStore) << "indexer: the search text of older mail is made "
                                          "again when the store opens again";
                refreshing = false;
            }
            if (!refreshing && refreshedAny) {
                // Once, when done: searches may find more of the older mail now.
                const qint64 upTo = indexedUpTo.load();
                notify([this, upTo] { Q_EMIT q->indexedUpToChanged(upTo); });
            }
        }
        if (failed) {
            retry = retry.count() == 0 ? firstRetry : std::min(retry * 2, lastRetry);
            continue;
        }
        retry = std::chrono::milliseconds { 0 };
        // After the index has caught up, so that a search never waits for the training.
        trainDictionaryIfDue(db);
    }
}

// Indexes one batch of what is waiting. False when there is nothing left (then, unless mail came
// meanwhile, the index has caught up with every message up to newest) or when it failed
// (*failed: it is tried again after the next commit or a while).
bool SmtpMessageStorePrivate::indexPending(
    QSqlDatabase &db, IndexStatements &statements, quint64 generation, qint64 newest, bool *failed)
{
    std::vector<IndexedMessage> batch;
    {
        QSqlDatabase reader = readConnection();
        QSqlQuery query(reader);
        query.setForwardOnly(true);
        // Walks the partial index of the waiting messages, oldest first, up to the newest one
        // committed: a reader of ":memory:" (read_uncommitted) also sees rows the writer has
        // not committed yet (a spooled message half copied, a transaction that rolls back).
        query.prepare(
            QStringLiteral("SELECT m.id, m.unindexed, m.smtputf8, m.mail_from, m.rcpt_tos, r.data, "
                           "r.encoding, m.from_header, m.to_header, m.received_at, m.subject "
                           "FROM messages m JOIN message_raw r ON r.id = m.id "
                           "WHERE m.unindexed <> 0 AND m.id <= %1 ORDER BY m.id LIMIT %2")
                .arg(newest)
                .arg(batchMessages));
        if (!query.exec()) {
            qCWarning(lcSmtpStore) << "indexer: cannot read:" << query.lastError().text();
            *failed = true;
            return false;
        }
        qint64 bytes = 0;
        const auto dictionary = currentDictionary();
        sqlite3 *handle = StoreSqlite::handle(reader);
        while (bytes < batchBytes && query.next()) {
            IndexedMessage m;
            m.id = query.value(0).toLongLong();
            const bool eightBitDeclared = query.value(1).toInt() == 2 || query.value(2).toBool();
            const QString mailFrom = query.value(3).toString();
            const QStringList rcptTos = StoreEncoding::recipientsFrom(query.value(4).toByteArray());
            m.fromHeader = query.value(7).toString();
            m.toHeader = query.value(8).toString();
            m.receivedAt = query.value(9).toLongLong();
            QByteArray raw;
            const int rawEncoding = query.value(6).toInt();
            // Damaged bytes are parsed as an empty message: the row is marked indexed all the
            // same, rather than read again and again.
            const bool rawRead = StoreCompression::decode(
                query.value(5).toByteArray(), rawEncoding, &raw, dictionaries.get(), handle);
            bytes += raw.size();
            // The row's subject, From and To were read from these bytes as the parse reads
            // them (MimeParser::inboxHeaders()): not again (2 of the 15 us a 1 KB message's
            // parse takes). Unless the writer may have read only the start of them: a message
            // spooled while it arrived, whose header block might go on past what it read.
            MimeInboxHeaders known;
            known.subject = query.value(10).toString();
            known.from = m.fromHeader;
            known.to = m.toHeader;
            const bool knownWhole = raw.size() <= StoreInternal::headerReadLimit;
            m.parsed = MimeParser::parse(raw, eightBitDeclared, knownWhole ? &known : nullptr);
            // Compressed here, on the indexer's thread, not by the writer; a body that is in the
            // raw bytes as it is refers to them instead (never to damaged ones).
            const QByteArray inRaw = rawRead ? raw : QByteArray();
            if (!m.parsed.htmlBody.isEmpty())
                m.html = StoreCompression::encodeBody(
                    m.parsed.htmlBody.toUtf8(), inRaw, rawEncoding, dictionary.get());
            m.textUtf8 = m.parsed.textBody.toUtf8();
            m.textBody
                = StoreCompression::encodeBody(m.textUtf8, inRaw, rawEncoding, dictionary.get());
            m.otherUtf8 = otherSearchText(m.parsed);
            m.otherText = StoreCompression::encode(m.otherUtf8, dictionary.get());
            // The sender column: From, the envelope sender and Reply-To (what reply-to: and
            // addressed: look for).
            m.sender = m.parsed.from + QLatin1Char(' ') + mailFrom;
            if (!m.parsed.replyTo.isEmpty())
                m.sender += QLatin1Char(' ') + m.parsed.replyTo;
            m.recipients = recipientsSearchText(m.parsed, rcptTos);
            batch.push_back(std::move(m));
            giveWayWhileFresh(batch.back(), &indexerGaveWayAt);
        }
    }
    if (batch.empty()) {
        bool caughtUp = false;
        {
            std::lock_guard lock(mutex);
            // Mail committed after the look is for the next round.
            caughtUp = commitGeneration == generation;
            indexCaughtUp = caughtUp;
        }
        StoreInternal::raiseTo(indexedUpTo, newest); // the watcher may raise it too
        const qint64 upTo = indexedUpTo.load();
        notify([this, upTo, caughtUp] {
            // Mail committed since the look (its messagesAdded may even be signalled after
            // this) has made indexCaughtUp false again: then this is no longer caught up.
            const bool stillCaughtUp = caughtUp && indexCaughtUp.load();
            indexedUpToSignalled = qMax(indexedUpToSignalled.load(), upTo);
            indexCaughtUpSignalled = stillCaughtUp;
            Q_EMIT q->indexedUpToChanged(upTo);
            if (stillCaughtUp)
                Q_EMIT q->indexCaughtUp();
        });
        return false;
    }

    return writeIndex(db, statements, batch, failed);
}

namespace {

// One parsed message's rows. False with error set when a statement failed; true (and nothing
// written) when the message is no longer waiting: the user may have deleted it, another process
// may have indexed it.
bool writeIndexedMessage(IndexStatements &st, const IndexedMessage &m, QString *error)
{
    const MimeParsedMessage &p = m.parsed;
    st.update.bindTextOrEmpty(0, p.cc);
    st.update.bindTextOrEmpty(1, p.bcc);
    st.update.bindTextOrEmpty(2, p.replyTo);
    st.update.bindTextOrEmpty(3, p.dateHeader);
    st.update.bindTextOrEmpty(4, p.messageId);
    st.update.bind(5, p.hasAttachments());
    st.update.bind(6, p.parseFailed);
    st.update.bind(7, StoreEncoding::attachments(p.rootPart()));
    st.update.bind(8, StoreEncoding::parts(p.rootPart()));
    st.update.bind(9, StoreEncoding::checks(p.checks));
    st.update.bind(10, m.id);
    if (!st.update.exec(error))
        return false;
    if (st.update.changes() <= 0)
        return true;
    if (!p.htmlBody.isEmpty()) {
        st.html.bind(0, m.id);
        // Verbatim HTML stays text, as in every older row; a zstd frame or a reference is a blob.
        if (m.html.encoding == StoreCompression::Verbatim)
            st.html.bind(1, p.htmlBody);
        else
            st.html.bind(1, m.html.bytes);
        st.html.bind(2, m.html.encoding);
        if (!st.html.exec(error))
            return false;
    }
    // Each column in UTF-8 once, for the three statements (the body and the other text were
    // converted for their encoding already).
    const QByteArray row[] { p.subject.isNull() ? QByteArray("") : p.subject.toUtf8(),
        m.sender.toUtf8(), m.recipients.toUtf8(), m.textUtf8.isNull() ? QByteArray("") : m.textUtf8,
        m.otherUtf8 };
    for (StoreStatement *q : { &st.text, &st.trigram }) {
        q->bind(0, m.id);
        for (int column = 0; column < 5; ++column)
            q->bindText(column + 1, row[column]);
    }
    // The body as encodeBody() keeps it (storecompression.h): a zstd frame or a reference to the
    // raw bytes is a blob, verbatim text stays text. The other text likewise (a frame or text).
    if (m.textBody.encoding != StoreCompression::Verbatim)
        st.text.bind(4, m.textBody.bytes);
    if (m.otherText.encoding != StoreCompression::Verbatim)
        st.text.bind(5, m.otherText.bytes);
    for (StoreStatement *q : { &st.text, &st.trigram }) {
        if (!q->exec(error))
            return false;
    }
    // The headers as the messages row has them: the delete trigger tells these contentless
    // indexes to forget that row's values, which must be the same.
    const std::pair<StoreStatement *, const QString *> headers[]
        = { { &st.fromTrigram, &m.fromHeader }, { &st.toTrigram, &m.toHeader } };
    for (const auto &[q, header] : headers) {
        q->bind(0, m.id);
        q->bind(1, *header);
        if (!q->exec(error))
            return false;
    }
    st.indexed.bind(0, m.id);
    return st.indexed.exec(error);
}

// A message of search_text_stale (IndexedMessage::refresh): c2 and c4 made again, the two
// external-content indexes told to forget the old values and given the new ones, the Bcc header
// kept, and the mark dropped. A message that is gone, or not indexed yet (its indexing writes the
// new text), has no text row: then nothing else changes.
bool writeRefreshedText(IndexStatements &st, const IndexedMessage &m, QString *error)
{
    if (!m.otherUtf8.isNull()) {
        st.forgetTrigram.bind(0, m.id);
        if (!st.forgetTrigram.exec(error))
            return false;
        st.otherText.bind(0, m.recipients);
        if (m.otherText.encoding == StoreCompression::Verbatim)
            st.otherText.bindText(1, m.otherUtf8);
        else
            st.otherText.bind(1, m.otherText.bytes);
        st.otherText.bind(2, m.id);
        if (!st.otherText.exec(error))
            return false;
        st.bccHeader.bindTextOrEmpty(0, m.parsed.bcc);
        st.bccHeader.bind(1, m.id);
        if (!st.bccHeader.exec(error))
            return false;
        st.retellTrigram.bind(0, m.id);
        if (!st.retellTrigram.exec(error))
            return false;
    }
    st.refreshed.bind(0, m.id);
    return st.refreshed.exec(error);
}

} // namespace

void SmtpMessageStorePrivate::trainDictionaryIfDue(QSqlDatabase &db)
{
    const StoreSchema::DictionaryTraining training = StoreSchema::dictionaryTraining();
    qint64 newest = 0;
    {
        std::lock_guard lock(mutex);
        // Not while the store closes (close() would wait for it), nor behind new mail: a search
        // would wait for the index as long as the training takes.
        if (indexerStopping || !indexCaughtUp)
            return;
        newest = newestCommitted;
    }
    if (currentDictionary() || count.load() < training.after || newest < nextTraining)
        return;
    // Whatever comes of it, not again before that much more mail (counted by id: pruning to a
    // maximum may keep the count where it is).
    nextTraining = newest + training.after;
    QList<QByteArray> samples;
    {
        QSqlDatabase reader = readConnection();
        // Another process on the same file may have trained one since this store was opened:
        // its mail and this one's are alike, so that one is taken.
        QString error;
        if (!loadDictionaries(reader, &error) || currentDictionary())
            return;
        QSqlQuery query(reader);
        query.setForwardOnly(true);
        // Big mail spooled while it arrived is kept verbatim: only its start is read.
        query.prepare(QStringLiteral(
            "SELECT CASE encoding WHEN 0 THEN substr(data, 1, ?) ELSE data END, encoding "
            "FROM message_raw ORDER BY id DESC LIMIT ?"));
        query.addBindValue(training.sampleBytes);
        query.addBindValue(training.samples);
        if (!query.exec()) {
            qCWarning(lcSmtpStore) << "indexer: cannot read mail to train a compression "
                                      "dictionary on:"
                                   << query.lastError().text();
            return;
        }
        sqlite3 *handle = StoreSqlite::handle(reader);
        qint64 total = 0;
        while (total < training.sampleTotal && query.next()) {
            QByteArray raw;
            if (!StoreCompression::decode(query.value(0).toByteArray(), query.value(1).toInt(),
                    &raw, dictionaries.get(), handle))
                continue;
            raw.truncate(training.sampleBytes);
            total += raw.size();
            samples.append(raw);
        }
    }
    QString error;
    const auto dictionary
        = StoreCompression::Dictionary::train(samples, training.dictionaryBytes, &error);
    if (!dictionary) {
        // Mail too alike or too little of it: the store goes on compressing each frame alone.
        qCInfo(lcSmtpStore) << "no compression dictionary from" << samples.size()
                            << "messages:" << error;
        return;
    }
    {
        // In the file before anything is compressed with it: the frames that name it commit
        // after it, in the same log (a crash that loses it loses them too).
        std::lock_guard write(writeLock);
        QSqlQuery insert(db);
        // Another process may just have recorded the same one (trained on the same mail).
        insert.prepare(QStringLiteral("INSERT OR IGNORE INTO compression_dictionaries "
                                      "(id, data, trained_at, samples) VALUES (?, ?, ?, ?)"));
        insert.addBindValue(qint64(dictionary->id()));
        insert.addBindValue(dictionary->bytes());
        insert.addBindValue(QDateTime::currentMSecsSinceEpoch());
        insert.addBindValue(samples.size());
        if (!insert.exec()) {
            qCWarning(lcSmtpStore)
                << "indexer: cannot record a compression dictionary:" << insert.lastError().text();
            return;
        }
        if (insert.numRowsAffected() == 0) {
            QSqlQuery recorded(db);
            recorded.prepare(
                QStringLiteral("SELECT data FROM compression_dictionaries WHERE id = ?"));
            recorded.addBindValue(qint64(dictionary->id()));
            if (!recorded.exec() || !recorded.next()
                || recorded.value(0).toByteArray() != dictionary->bytes()) {
                qCWarning(lcSmtpStore) << "indexer: another compression dictionary has the id"
                                       << dictionary->id() << "of the one trained";
                return;
            }
        }
    }
    dictionaries->add(dictionary);
    setCurrentDictionary(dictionary);
}

// The messages of search_text_stale, a batch (oldest first): parsed again from their raw bytes
// for the recipients' search text and the rest of it (c2 and c4, see recipientsSearchText() and
// otherSearchText()) and the Bcc header, and written as the indexer writes new mail
// (writeIndex(): transactions that make way for the writer). Only a message with HTML or a Bcc
// header is parsed: what else goes into c2 and c4 was there before. A message that is gone, not
// indexed yet, whose raw bytes cannot be read (it keeps its old text) or whose text and Bcc
// header come out the same is only dropped from the list. False when the list is empty, or a
// read or a commit failed (*failed).
bool SmtpMessageStorePrivate::refreshSearchText(
    QSqlDatabase &db, IndexStatements &statements, bool *failed)
{
    std::vector<IndexedMessage> batch;
    {
        QSqlDatabase reader = readConnection();
        QSqlQuery query(reader);
        query.setForwardOnly(true);
        // Of a message kept verbatim (big mail, spooled as it arrived) without HTML, only as much
        // as the writer reads headers from: it is parsed only when that has a Bcc header, and a
        // store of big mail is not read whole for the few that have one.
        query.prepare(QStringLiteral("SELECT s.id, m.unindexed, m.smtputf8, "
                                     "CASE WHEN r.encoding = %3 AND h.id IS NULL "
                                     "THEN substr(r.data, 1, %2) ELSE r.data END, r.encoding, "
                                     "smtp_text(t.c4), m.rcpt_tos, t.c2, m.bcc_header, "
                                     "h.id IS NOT NULL, length(r.data) "
                                     "FROM search_text_stale s "
                                     "LEFT JOIN messages m ON m.id = s.id "
                                     "LEFT JOIN message_raw r ON r.id = s.id "
                                     "LEFT JOIN message_text t ON t.id = s.id "
                                     "LEFT JOIN message_html h ON h.id = s.id "
                                     "ORDER BY s.id LIMIT %1")
                          .arg(batchMessages)
                          .arg(StoreInternal::headerReadLimit)
                          .arg(int(StoreCompression::Verbatim)));
        if (!query.exec()) {
            qCWarning(lcSmtpStore)
                << "indexer: cannot read the search text to refresh:" << query.lastError().text();
            *failed = true;
            return false;
        }
        qint64 bytes = 0;
        const auto dictionary = currentDictionary();
        sqlite3 *handle = StoreSqlite::handle(reader);
        while (bytes < batchBytes && query.next()) {
            IndexedMessage m;
            m.refresh = true;
            m.id = query.value(0).toLongLong();
            QByteArray raw;
            const bool indexed = !query.value(1).isNull() && query.value(1).toInt() == 0;
            if (indexed && !query.value(3).isNull()
                && StoreCompression::decode(query.value(3).toByteArray(), query.value(4).toInt(),
                    &raw, dictionaries.get(), handle)) {
                const bool parse
                    = query.value(9).toBool() || !MimeHeaders::rawHeader(raw, "Bcc").isEmpty();
                const bool onlyItsStart = query.value(4).toInt() == StoreCompression::Verbatim
                    && raw.size() < query.value(10).toLongLong();
                if (parse && onlyItsStart)
                    raw = q->rawData(m.id);
                bytes += raw.size();
                if (parse && !raw.isEmpty()) {
                    m.parsed = MimeParser::parse(raw, query.value(2).toBool());
                    m.otherUtf8 = otherSearchText(m.parsed);
                    m.recipients = recipientsSearchText(
                        m.parsed, StoreEncoding::recipientsFrom(query.value(6).toByteArray()));
                    // The same as before (most mail with HTML has a text body that says it):
                    // only the mark goes, the indexes are not written again.
                    if (m.otherUtf8 == query.value(5).toByteArray()
                        && m.recipients == query.value(7).toString()
                        && m.parsed.bcc == query.value(8).toString())
                        m.otherUtf8 = QByteArray();
                    else
                        m.otherText = StoreCompression::encode(m.otherUtf8, dictionary.get());
                }
            }
            batch.push_back(std::move(m));
        }
    }
    if (batch.empty())
        return false;
    return writeIndex(db, statements, batch, failed);
}

// One transaction of writeIndex(), under writeLock: the batch's messages from *next on, up to the
// one that brings its text past transactionText, or any one when the writer waits (*next is then
// past the last one recorded). Not synced by itself (UnsyncedCommits). False, with *error, when it
// failed (and was rolled back).
bool SmtpMessageStorePrivate::recordTransaction(QSqlDatabase &db, IndexStatements &statements,
    const std::vector<IndexedMessage> &batch, size_t *next, QString *error)
{
    const UnsyncedCommits unsynced(this, db);
    bool ok = db.transaction();
    if (!ok)
        *error = db.lastError().text();
    qsizetype characters = 0;
    while (ok && *next < batch.size()) {
        const IndexedMessage &m = batch[(*next)++];
        ok = m.refresh ? writeRefreshedText(statements, m, error)
                       : writeIndexedMessage(statements, m, error);
        characters += m.parsed.textBody.size() + m.parsed.htmlBody.size();
        if (characters >= transactionText || writersWaiting.load() > 0 || *next == batch.size())
            break;
        // Not when the writer waits, nor before the commit: the writer would wait for this
        // transaction's end behind the time given away. And should it have come meanwhile, the
        // transaction ends now.
        giveWayWhileFresh(m, &indexerGaveWayAt);
        if (writersWaiting.load() > 0)
            break;
    }
    if (ok && !db.commit()) {
        ok = false;
        *error = db.lastError().text();
    }
    if (!ok)
        db.rollback();
    return ok;
}

// Records a batch in transactions on the writer's connection, each ending after the message that
// brings its text past transactionText, or after any message when the writer waits; between
// two, every waiting writer goes first. Not synced by themselves: the next commit of mail syncs
// the log, and what a crash takes before then is still marked unindexed and indexed again. Searches
// see each transaction's messages once it is committed. False when a transaction failed (what is
// left of the batch stays waiting, and is tried again after the next commit of mail) or the store
// is closing.
bool SmtpMessageStorePrivate::writeIndex(
    QSqlDatabase &db, IndexStatements &statements, std::vector<IndexedMessage> &batch, bool *failed)
{
    size_t next = 0;
    while (next < batch.size()) {
        std::unique_lock write(writeLock);
        const auto writerIdle = [this] { return writersWaiting.load() == 0; };
        if (!writeIdle.wait_for(write, gatherAtMost, writerIdle)) {
            indexerStarved = true; // the writer lets this thread in before its next commit
            writeIdle.wait(write, writerIdle);
        }
        // However this transaction ends, the writer no longer waits for it.
        const auto served = qScopeGuard([this] {
            if (indexerStarved.exchange(false))
                writeIdle.notify_all();
        });
        {
            std::lock_guard lock(mutex);
            if (indexerStopping)
                return false;
        }
        QString error;
        const bool ok = recordTransaction(db, statements, batch, &next, &error);
        write.unlock();
        if (!ok) {
            qCWarning(lcSmtpStore) << "indexer: cannot record a batch:" << error;
            *failed = true;
            return false;
        }
        // A refresh changes the text of messages searched already: no bound moves.
        if (batch.front().refresh)
            continue;
        // Read oldest first: every message up to this transaction's last one is indexed (or
        // gone).
        const qint64 last = batch[next - 1].id;
        StoreInternal::raiseTo(indexedUpTo, last);
        notify([this, last] {
            indexedUpToSignalled = qMax(indexedUpToSignalled.load(), last);
            Q_EMIT q->indexedUpToChanged(last);
        });
    }
    return true;
}
