// The store's background indexer: a thread of its own that finds the messages committed without
// a MIME parse (unindexed <> 0), parses them with GMime, and hands the writer thread a batch to
// record: the part tree, the checks, the HTML body and the full-text rows (the word index and the
// substring index over the same text), marked indexed in the same transaction. It starts with
// the store (so what a previous run committed but did not index is indexed after a restart, even
// after a kill -9), follows every commit of new mail, and says when it has caught up
// (SmtpMessageStore::indexedUpTo(), indexCaughtUp()).
#include "smtplog.h"
#include "store/smtpmessagestore_p.h"
#include "store/storeblob.h"
#include "store/storecompression.h"
#include "store/storeencoding.h"

#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

namespace {

// A batch is at most this many messages or (past its first message) this many raw bytes, so
// that big mail does not pile up in memory and the writer is never held up for long.
constexpr int batchMessages = 256;
constexpr qint64 batchBytes = 8 * 1024 * 1024;
// The writer records a batch this many messages at a time, and lets waiting mail go first
// between two such chunks.
constexpr std::size_t indexChunk = 16;
// How long the indexer lets new mail gather before it starts: a pause this long in the stream,
// or this long at most (which bounds the search lag under a steady stream).
constexpr std::chrono::milliseconds quiet { 20 };
constexpr std::chrono::milliseconds gatherAtMost { 250 };

} // namespace

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

void SmtpMessageStorePrivate::indexerLoop()
{
    quint64 seen = 0;
    for (;;) {
        quint64 generation = 0;
        qint64 newest = 0;
        {
            std::unique_lock lock(mutex);
            indexWake.wait(lock, [&] { return indexerStopping || commitGeneration != seen; });
            if (indexerStopping)
                return;
            // Let a stream of mail gather into one batch: each batch is a transaction and a
            // wake-up of the writer, which one message at a time doubled their number under a
            // steady stream of single messages. Go when the stream pauses, a batch is full, or
            // at the latest after gatherAtMost.
            const auto latest = std::chrono::steady_clock::now() + gatherAtMost;
            while (!indexerStopping && committedSinceIndex < batchMessages) {
                const quint64 before = commitGeneration;
                const auto until = std::min(latest, std::chrono::steady_clock::now() + quiet);
                if (!indexWake.wait_until(
                        lock, until, [&] { return indexerStopping || commitGeneration != before; })
                    || std::chrono::steady_clock::now() >= latest)
                    break;
            }
            if (indexerStopping)
                return;
            committedSinceIndex = 0;
            generation = seen = commitGeneration;
            newest = newestCommitted;
        }
        while (indexPending(generation, newest)) {
            std::lock_guard lock(mutex);
            if (indexerStopping)
                return;
        }
    }
}

// Indexes one batch of what is waiting. False when there is nothing left (then, unless mail came
// meanwhile, the index has caught up with every message up to newest) or when it failed (it is
// tried again after the next commit).
bool SmtpMessageStorePrivate::indexPending(quint64 generation, qint64 newest)
{
    IndexBatch batch;
    {
        QSqlQuery query(readConnection());
        query.setForwardOnly(true);
        // Walks the partial index of the waiting messages, oldest first.
        query.prepare(
            QStringLiteral("SELECT m.id, m.unindexed, m.smtputf8, m.mail_from, m.rcpt_tos, r.data, "
                           "r.encoding "
                           "FROM messages m JOIN message_raw r ON r.id = m.id "
                           "WHERE m.unindexed <> 0 ORDER BY m.id LIMIT %1")
                .arg(batchMessages));
        if (!query.exec()) {
            qCWarning(lcSmtpStore) << "indexer: cannot read:" << query.lastError().text();
            return false;
        }
        qint64 bytes = 0;
        while (bytes < batchBytes && query.next()) {
            IndexedMessage m;
            m.id = query.value(0).toLongLong();
            const bool eightBitDeclared = query.value(1).toInt() == 2 || query.value(2).toBool();
            const QString mailFrom = query.value(3).toString();
            const QStringList rcptTos = StoreEncoding::recipientsFrom(query.value(4).toByteArray());
            QByteArray raw;
            // Damaged bytes are parsed as an empty message: the row is marked indexed all the
            // same, rather than read again and again.
            StoreCompression::decode(query.value(5).toByteArray(), query.value(6).toInt(), &raw);
            bytes += raw.size();
            m.parsed = MimeParser::parse(raw, eightBitDeclared);
            // Compressed here, on the indexer's thread, not by the writer.
            if (!m.parsed.htmlBody.isEmpty())
                m.html = StoreCompression::encode(m.parsed.htmlBody.toUtf8());
            // The sender column: From, the envelope sender and Reply-To (what reply-to: and
            // addressed: look for).
            m.sender = m.parsed.from + QLatin1Char(' ') + mailFrom;
            if (!m.parsed.replyTo.isEmpty())
                m.sender += QLatin1Char(' ') + m.parsed.replyTo;
            m.recipients = m.parsed.to + QLatin1Char(' ') + m.parsed.cc + QLatin1Char(' ')
                + rcptTos.join(QLatin1Char(' '));
            batch.messages.push_back(std::move(m));
        }
    }
    if (batch.messages.empty()) {
        bool caughtUp = false;
        {
            std::lock_guard lock(mutex);
            // Mail committed after the look is for the next round.
            caughtUp = commitGeneration == generation;
            indexCaughtUp = caughtUp;
        }
        if (newest > indexedUpTo.load())
            indexedUpTo = newest;
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

    auto done = batch.done.get_future();
    const qint64 last = batch.messages.back().id;
    {
        std::lock_guard lock(mutex);
        indexBatch = &batch;
    }
    wake.notify_one();
    if (!done.get())
        return false;
    // Read oldest first: every message up to the batch's last one is indexed (or gone).
    if (last > indexedUpTo.load())
        indexedUpTo = last;
    notify([this, last] {
        indexedUpToSignalled = qMax(indexedUpToSignalled.load(), last);
        Q_EMIT q->indexedUpToChanged(last);
    });
    return true;
}

// The statements of writeIndex(), prepared once per writer connection: preparing five
// statements (and the FTS5 tables' own) for every batch cost more than a small batch's rows.
struct IndexStatements
{
    explicit IndexStatements(const QSqlDatabase &db)
        : update(db)
        , indexed(db)
        , html(db)
        , fts(db)
        , trigram(db)
    { }

    bool prepare(QString *error)
    {
        prepared = update.prepare(QStringLiteral(
                       "UPDATE messages SET cc_header = ?, reply_to = ?, date_header = ?, "
                       "message_id = ?, has_attachments = ?, parse_failed = ?, attachments = ?, "
                       "parts = ?, findings = ? WHERE id = ? AND unindexed <> 0"))
            // Last for each message, once its HTML and text rows are in: a reader of ":memory:"
            // (read_uncommitted) sees the transaction half-written, and a message marked indexed
            // before its rows were there read as one without HTML or text.
            && indexed.prepare(QStringLiteral("UPDATE messages SET unindexed = 0 WHERE id = ?"))
            && html.prepare(QStringLiteral(
                "INSERT OR REPLACE INTO message_html (id, html, encoding) VALUES (?, ?, ?)"))
            && fts.prepare(QStringLiteral("INSERT INTO messages_fts (rowid, subject, sender, "
                                          "recipients, body, attachments) VALUES (?, ?, ?, ?, ?, "
                                          "?)"))
            // The substring index reads the same row of messages_fts_content (its content
            // table).
            && trigram.prepare(QStringLiteral("INSERT INTO messages_trigram (rowid, c0, c1, c2, "
                                              "c3, c4) VALUES (?, ?, ?, ?, ?, ?)"));
        if (!prepared) {
            for (const QSqlQuery *q : { &update, &indexed, &html, &fts, &trigram })
                if (q->lastError().isValid())
                    *error = q->lastError().text();
        }
        return prepared;
    }

    // Lets go of every statement's read of the database, as a transaction ends.
    void finish()
    {
        for (QSqlQuery *q : { &update, &indexed, &html, &fts, &trigram })
            q->finish();
    }

    QSqlQuery update, indexed, html, fts, trigram;
    bool prepared = false;
};

void IndexStatementsDeleter::operator()(IndexStatements *statements) const
{
    delete statements;
}

namespace {

// PRAGMA synchronous takes effect when SQLite compiles the statement, so it cannot be prepared
// once and run again: it is run straight on the connection, without a QSqlQuery around it.
bool setSynchronous(const QSqlDatabase &db, const char *pragma, QString *error)
{
    sqlite3 *connection = StoreBlob::handle(db);
    if (!connection) {
        *error = QStringLiteral("no SQLite handle");
        return false;
    }
    if (sqlite3_exec(connection, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(connection));
        return false;
    }
    return true;
}

} // namespace

// On the writer thread. Not durable by itself (synchronous=NORMAL): the next commit of mail
// syncs the log, and a batch lost to a crash before then is only indexed again after restart.
bool SmtpMessageStorePrivate::writeIndex(QSqlDatabase &db, IndexBatch &batch, bool *finished)
{
    *finished = true;
    QString error;
    if (!setSynchronous(db, "PRAGMA synchronous = NORMAL", &error)) {
        qCWarning(lcSmtpStore) << "indexer: cannot record a batch:" << error;
        return false;
    }
    bool ok = db.transaction();
    if (!ok)
        error = db.lastError().text();
    if (!indexStatements)
        indexStatements.reset(new IndexStatements(db));
    IndexStatements &statements = *indexStatements;
    ok = ok && (statements.prepared || statements.prepare(&error));
    QSqlQuery &update = statements.update;
    QSqlQuery &indexed = statements.indexed;
    QSqlQuery &html = statements.html;
    QSqlQuery &fts = statements.fts;
    QSqlQuery &trigram = statements.trigram;
    auto text = [](const QString &s) { return s.isNull() ? QStringLiteral("") : s; };
    // Mail waiting for its 250 is not held up by a whole batch: the batch is recorded a chunk at
    // a time, and when mail waits after a chunk, what is recorded so far commits and the rest
    // follows that mail (the writer loop hands the batch back).
    const auto mailWaiting = [this] {
        std::lock_guard lock(mutex);
        return !queue.empty();
    };
    std::size_t end = batch.next;
    while (ok && end < batch.messages.size()) {
        const std::size_t from = end;
        end = std::min(batch.messages.size(), from + indexChunk);
        // Only what is still there and waiting (the user may have deleted it, another process
        // may have indexed it) gets its rows.
        std::vector<const IndexedMessage *> updated;
        for (std::size_t i = from; i < end; ++i) {
            if (!ok)
                break;
            const IndexedMessage &m = batch.messages[i];
            const MimeParsedMessage &p = m.parsed;
            const QVariantList values { text(p.cc), text(p.replyTo), text(p.dateHeader),
                text(p.messageId), p.hasAttachments(), p.parseFailed,
                StoreEncoding::attachments(p.rootPart()), StoreEncoding::parts(p.rootPart()),
                StoreEncoding::checks(p.checks), m.id };
            for (int v = 0; v < values.size(); ++v)
                update.bindValue(v, values.at(v));
            ok = update.exec();
            if (!ok) {
                error = update.lastError().text();
                break;
            }
            if (update.numRowsAffected() > 0)
                updated.push_back(&m);
        }
        // As when mail was stored in full: the FTS5 rows after the other rows (one segment a
        // transaction).
        for (const IndexedMessage *m : updated) {
            if (!ok)
                break;
            const MimeParsedMessage &p = m->parsed;
            if (!p.htmlBody.isEmpty()) {
                html.bindValue(0, m->id);
                // Verbatim HTML stays text, as in every older row; a zstd frame is a blob.
                if (m->html.encoding == StoreCompression::Verbatim)
                    html.bindValue(1, p.htmlBody);
                else
                    html.bindValue(1, m->html.bytes);
                html.bindValue(2, m->html.encoding);
                if (!html.exec()) {
                    error = html.lastError().text();
                    ok = false;
                    break;
                }
            }
            QStringList names;
            for (const SmtpMimePart &a : p.attachments())
                names.append(a.fileName());
            const QVariantList row { m->id, text(p.subject), m->sender, m->recipients,
                text(p.textBody), text(names.join(QLatin1Char(' '))) };
            for (int v = 0; v < row.size(); ++v) {
                fts.bindValue(v, row.at(v));
                trigram.bindValue(v, row.at(v));
            }
            if (!fts.exec()) {
                error = fts.lastError().text();
                ok = false;
            } else if (!trigram.exec()) {
                error = trigram.lastError().text();
                ok = false;
            } else {
                indexed.bindValue(0, m->id);
                ok = indexed.exec();
                if (!ok)
                    error = indexed.lastError().text();
            }
        }
        if (end < batch.messages.size() && mailWaiting())
            break;
    }
    statements.finish();
    if (ok && !db.commit()) {
        ok = false;
        error = db.lastError().text();
    }
    if (ok) {
        batch.next = end;
    } else {
        db.rollback();
        qCWarning(lcSmtpStore) << "indexer: cannot record a batch:" << error;
    }
    *finished = !ok || batch.next >= batch.messages.size();
    // Every commit of mail is durable again.
    if (!setSynchronous(db, "PRAGMA synchronous = FULL", &error)) {
        qCCritical(lcSmtpStore) << "cannot restore synchronous=FULL:" << error;
        ok = false;
    }
    return ok;
}
