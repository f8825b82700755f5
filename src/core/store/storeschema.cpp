#include "storeschema.h"

#include "smtplog.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <limits>
#include <mutex>
#include <optional>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SmtpMessageStore", text);
}

bool exec(QSqlDatabase &db, const QString &sql, QString *errorString)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    *errorString = query.lastError().text();
    return false;
}

std::optional<qint64> scalar(QSqlDatabase &db, const QString &sql, QString *errorString)
{
    QSqlQuery query(db);
    if (!query.exec(sql) || !query.next()) {
        *errorString = query.lastError().text();
        return std::nullopt;
    }
    return query.value(0).toLongLong();
}

// Version 1. Searchable text lives in the FTS5 table only (its body column is also where the text
// body is read from), so it is not stored twice. Deleting a message row deletes the rest.
const char *const schemaV1[] = {
    R"(CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        remote_address TEXT NOT NULL,
        remote_port INTEGER NOT NULL,
        helo TEXT NOT NULL,
        mail_from TEXT NOT NULL,
        rcpt_tos TEXT NOT NULL,
        size INTEGER NOT NULL,
        tls_protocol TEXT NOT NULL,
        tls_cipher TEXT NOT NULL,
        auth_user TEXT NOT NULL,
        smtputf8 INTEGER NOT NULL,
        subject TEXT NOT NULL,
        from_header TEXT NOT NULL,
        to_header TEXT NOT NULL,
        cc_header TEXT NOT NULL,
        reply_to TEXT NOT NULL,
        date_header TEXT NOT NULL,
        message_id TEXT NOT NULL,
        has_attachments INTEGER NOT NULL,
        is_read INTEGER NOT NULL DEFAULT 0,
        parse_failed INTEGER NOT NULL,
        attachments TEXT NOT NULL,
        parts TEXT NOT NULL,
        findings TEXT NOT NULL))",
    "CREATE INDEX messages_unread ON messages(id) WHERE is_read = 0",
    "CREATE INDEX messages_received_at ON messages(received_at)",
    "CREATE TABLE message_raw (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE message_html (id INTEGER PRIMARY KEY, html TEXT NOT NULL)",
    R"(CREATE VIRTUAL TABLE messages_fts USING fts5(subject, sender, recipients, body, attachments,
        tokenize = 'unicode61 remove_diacritics 2'))",
    R"(CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_raw WHERE id = old.id;
        DELETE FROM message_html WHERE id = old.id;
        DELETE FROM messages_fts WHERE rowid = old.id;
    END)",
};

// Version 2: the message and unread counts, kept by triggers in the same transactions, so that
// opening a store reads one row instead of counting every message (two index scans: 0.1 s warm,
// 1 s with a cold cache at 1,000,000 messages).
const char *const schemaV2[] = {
    R"(CREATE TABLE counters (id INTEGER PRIMARY KEY CHECK (id = 1),
        messages INTEGER NOT NULL, unread INTEGER NOT NULL))",
    // Two index scans (count(*) WHERE is_read = 0 uses messages_unread), not a table scan.
    R"(INSERT INTO counters (id, messages, unread) VALUES (1, (SELECT count(*) FROM messages),
        (SELECT count(*) FROM messages WHERE is_read = 0)))",
    R"(CREATE TRIGGER counters_inserted AFTER INSERT ON messages BEGIN
        UPDATE counters SET messages = messages + 1, unread = unread + (new.is_read = 0);
    END)",
    R"(CREATE TRIGGER counters_deleted AFTER DELETE ON messages BEGIN
        UPDATE counters SET messages = messages - 1, unread = unread - (old.is_read = 0);
    END)",
    R"(CREATE TRIGGER counters_read AFTER UPDATE OF is_read ON messages BEGIN
        UPDATE counters SET unread = unread + (new.is_read = 0) - (old.is_read = 0);
    END)",
};

// The sort keys (see StoreSchema::sortExpression). To falls back to the envelope recipients
// as the inbox shows them, joined by ", ": rcpt_tos holds them as a compact JSON array of strings
// (["a@x.test","b@y.test"]), unwrapped here with the escapes \" and \\ undone. Only a recipient
// whose quoted local part holds the three characters "," would be split differently; the C++
// twin (SmtpMessageStore::sortValue) does the same to the same JSON, so the orders still agree.
const char fromKey[]
    = "(CASE WHEN from_header <> '' THEN from_header ELSE mail_from END) COLLATE NOCASE";
const char toKey[] = R"((CASE WHEN to_header <> '' THEN to_header WHEN rcpt_tos = '[]' THEN '' )"
                     R"(ELSE replace(replace(replace(substr(rcpt_tos, 3, length(rcpt_tos) - 4), )"
                     R"('","', ', '), '\"', '"'), '\\', '\') END) COLLATE NOCASE)";
const char subjectKey[] = "subject COLLATE NOCASE";

// Version 3: an index per sort key of the inbox other than arrival, so that a page sorted by
// subject of 1,000,000 messages is an index seek (1-2 ms) instead of a sort of every row (2 s
// warm, 15 s cold). The id is in every index entry (the rowid), so each also gives the ties in id
// order. At 1,000,000 messages the four take 161 MB (1.8% of the file), building them when an
// older file is opened takes 25 s once, and storing a message costs about 0.2 ms more (a random
// leaf page of each index written per insert): 1,500-1,900 instead of 2,300-2,450 messages/s
// into that store in bench/make-store. A fresh store ingests as fast as before (bench/ingest.sh).
QStringList schemaV3()
{
    return {
        QStringLiteral("CREATE INDEX messages_by_from ON messages(%1)").arg(QLatin1String(fromKey)),
        QStringLiteral("CREATE INDEX messages_by_to ON messages(%1)").arg(QLatin1String(toKey)),
        QStringLiteral("CREATE INDEX messages_by_subject ON messages(%1)")
            .arg(QLatin1String(subjectKey)),
        QStringLiteral("CREATE INDEX messages_by_size ON messages(size)"),
    };
}

// Version 4: messages are committed before they are parsed (the 250 waits for the raw bytes, the
// envelope and the headers the inbox shows) and indexed afterwards by the background indexer
// (storeindexer.cpp). "unindexed" says what is still to do: 0 parsed and searchable (every
// message of an older store, so migrating rewrites nothing), 1 waiting, 2 waiting and the client
// declared 8-bit content (BODY=8BITMIME), which the checks need and no other column keeps. The
// partial index lists the waiting ones without a scan, however large the store.
const char *const schemaV4[] = {
    "ALTER TABLE messages ADD COLUMN unindexed INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX messages_unindexed ON messages(id) WHERE unindexed <> 0",
};

// Version 5: substring search (SearchQuery). A second FTS5 index of the same five columns with
// the trigram tokenizer, which finds the messages that hold the trigrams of a value (SearchQuery
// then checks the text). It keeps no positions or columns (detail=none): in bench/make-store's
// mail it adds 1.0 KB a message to the 9.2 KB of a version 4 store, where positions added
// 7.5 KB; building it for 200,000 messages took 44 s (once, on open). It is an external-content
// table over messages_fts's own content table (messages_fts_content: id, c0 subject, c1 sender,
// c2 recipients, c3 body, c4 attachment names), so no text is stored twice; its columns carry
// those names because FTS5 reads them from there by name. The indexer writes both indexes in
// one transaction; the delete trigger removes the trigram row first, with the values it was
// made of (an external-content table needs them), then the messages_fts row. Opening an older
// store builds the index from the text already there ('rebuild').
const char *const schemaV5[] = {
    R"(CREATE VIRTUAL TABLE messages_trigram USING fts5(c0, c1, c2, c3, c4,
        content = 'messages_fts_content', content_rowid = 'id', tokenize = 'trigram',
        detail = 'none'))",
    "INSERT INTO messages_trigram (messages_trigram) VALUES ('rebuild')",
    "DROP TRIGGER messages_deleted",
    R"(CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_raw WHERE id = old.id;
        DELETE FROM message_html WHERE id = old.id;
        INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        DELETE FROM messages_fts WHERE rowid = old.id;
    END)",
};

// Version 6: the releases of a message to a real server (SmtpRelay), oldest first per message:
// when (ms since the epoch, UTC), to whom (a JSON array of addresses) and the server's final
// reply. A message's releases go when it goes.
const char *const schemaV6[] = {
    R"(CREATE TABLE message_releases (id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id INTEGER NOT NULL, released_at INTEGER NOT NULL, recipients TEXT NOT NULL,
        reply TEXT NOT NULL))",
    "CREATE INDEX message_releases_by_message ON message_releases(message_id)",
    R"(CREATE TRIGGER message_releases_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_releases WHERE message_id = old.id;
    END)",
};

// Version 7: mailboxes. A message belongs to one or more mailboxes (message_mailboxes, keyed by
// mailbox then message id, so that one mailbox newest first is a walk of its primary key, and
// indexed by message for the deletes). The mailboxes table keeps each one's message and unread
// counts, by triggers in the same transactions as the counters row of version 2: the mailbox
// list never counts rows. Joining a mailbox counts the message in (a row is made for a new name);
// leaving it counts it out; a message row deleted leaves every mailbox first (BEFORE, while its
// read flag is still there to read); a read flag changed moves the unread counts of its
// mailboxes. An older store's mail all lands in Inbox; its counts are the counters row's, so
// the migration inserts the memberships before the triggers exist (one pass, no count per row):
// 0.8 s once for 300,000 messages. Storing a message costs one more row and two trigger updates
// in its transaction (bench/ingest-style runs showed no change in messages per second).
const char *const schemaV7[] = {
    R"(CREATE TABLE mailboxes (name TEXT PRIMARY KEY, messages INTEGER NOT NULL,
        unread INTEGER NOT NULL) WITHOUT ROWID)",
    R"(CREATE TABLE message_mailboxes (mailbox TEXT NOT NULL, message INTEGER NOT NULL,
        PRIMARY KEY (mailbox, message)) WITHOUT ROWID)",
    "INSERT INTO message_mailboxes (mailbox, message) SELECT 'Inbox', id FROM messages",
    "CREATE INDEX message_mailboxes_by_message ON message_mailboxes(message)",
    R"(INSERT INTO mailboxes (name, messages, unread)
        SELECT 'Inbox', messages, unread FROM counters WHERE messages > 0)",
    R"(CREATE TRIGGER mailbox_joined AFTER INSERT ON message_mailboxes BEGIN
        INSERT OR IGNORE INTO mailboxes (name, messages, unread) VALUES (new.mailbox, 0, 0);
        UPDATE mailboxes SET messages = messages + 1, unread = unread
            + ifnull((SELECT is_read = 0 FROM messages WHERE id = new.message), 0)
            WHERE name = new.mailbox;
    END)",
    R"(CREATE TRIGGER mailbox_left AFTER DELETE ON message_mailboxes BEGIN
        UPDATE mailboxes SET messages = messages - 1, unread = unread
            - ifnull((SELECT is_read = 0 FROM messages WHERE id = old.message), 0)
            WHERE name = old.mailbox;
    END)",
    R"(CREATE TRIGGER mailboxes_message_deleted BEFORE DELETE ON messages BEGIN
        DELETE FROM message_mailboxes WHERE message = old.id;
    END)",
    R"(CREATE TRIGGER mailboxes_read AFTER UPDATE OF is_read ON messages
        WHEN (new.is_read = 0) <> (old.is_read = 0) BEGIN
        UPDATE mailboxes SET unread = unread + (new.is_read = 0) - (old.is_read = 0)
            WHERE name IN (SELECT mailbox FROM message_mailboxes WHERE message = new.id);
    END)",
};

// Version 8: compressed message bytes (storecompression.h). A raw message and an HTML body are
// kept either verbatim or as one zstd frame, as their row's encoding says (0 verbatim, 1 zstd).
// Every row of an older store is verbatim, so the migration adds the two columns and rewrites
// nothing (constant time however large the store); new mail is compressed as it is stored.
const char *const schemaV8[] = {
    "ALTER TABLE message_raw ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE message_html ADD COLUMN encoding INTEGER NOT NULL DEFAULT 0",
};

// Version 9: a smaller store. The full-text content moves out of FTS5's own table into
// message_text, whose long column, the text body (c3), holds smtp_pack()'s value: a zstd frame
// when that is smaller, else the text (storesqlite.h). Both indexes read it through the view
// messages_fts_content, which expands the body (smtp_text()). The view has the name of the table
// it replaces, as the substring index (version 5) names its content table by name: so that index
// is kept as it is, not built again. The word index is asked only for words of one or two
// characters (one word, or the start of one: never a phrase or a column), so messages_words
// keeps no positions and no column sizes (detail=none, columnsize=0) and replaces messages_fts,
// built once from the text on open. On bench/make-store's mail (20,000 messages of 2.8 KB) the
// text took 2,848 bytes a message and the word index 1,326; the word index now takes 217.
const char *const schemaV9[] = {
    // c3 has no type (no affinity): a frame stays a blob and verbatim text stays text.
    "CREATE TABLE message_text (id INTEGER PRIMARY KEY, c0 TEXT, c1 TEXT, c2 TEXT, c3, c4 TEXT)",
    R"(INSERT INTO message_text (id, c0, c1, c2, c3, c4)
        SELECT id, c0, c1, c2, smtp_pack(c3), c4 FROM messages_fts_content)",
    "DROP TRIGGER messages_deleted",
    "DROP TABLE messages_fts", // and its content table, messages_fts_content
    R"(CREATE VIEW messages_fts_content (id, c0, c1, c2, c3, c4) AS
        SELECT id, c0, c1, c2, smtp_text(c3), c4 FROM message_text)",
    R"(CREATE VIRTUAL TABLE messages_words USING fts5(c0, c1, c2, c3, c4,
        content = 'messages_fts_content', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', detail = 'none', columnsize = 0))",
    "INSERT INTO messages_words (messages_words) VALUES ('rebuild')",
    // Both indexes are told what to forget with the values they were made of (external-content
    // tables need them), read before the text goes.
    R"(CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_raw WHERE id = old.id;
        DELETE FROM message_html WHERE id = old.id;
        INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        INSERT INTO messages_words (messages_words, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        DELETE FROM message_text WHERE id = old.id;
    END)",
};

// What deleting a message row does, since version 10: its raw, HTML and text rows go, and the
// four full-text indexes are told what to forget (the external-content ones with the values they
// were made of, read through the view before the text goes; the From and To ones only when the
// text row exists, which is when the message was indexed). The raw row goes last: from version 12
// the view may read a body out of it. Version 10 creates it as version 12 has it (the order only
// matters once bodies refer to the raw bytes), and version 12 creates it again for stores that
// passed version 10 with the raw row deleted first.
constexpr const char *messagesDeletedTrigger
    = R"(CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_html WHERE id = old.id;
        INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        INSERT INTO messages_words (messages_words, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        INSERT INTO messages_from_trigram (messages_from_trigram, rowid, c0)
            SELECT 'delete', old.id, old.from_header FROM message_text WHERE id = old.id;
        INSERT INTO messages_to_trigram (messages_to_trigram, rowid, c0)
            SELECT 'delete', old.id, old.to_header FROM message_text WHERE id = old.id;
        DELETE FROM message_text WHERE id = old.id;
        DELETE FROM message_raw WHERE id = old.id;
    END)";

// Version 10: substring indexes of the From and To headers alone (contentless: the values are
// the messages table's own columns). messages_trigram has no columns (detail=none), so from:alice
// looked up every message with "ali", "lic" and "ice" anywhere: 197,000 in a million, against
// 16,700 that the From check let through; sorting those took a second and more. Each is about
// 40 bytes a message. A message is in them exactly when its text is in message_text (the
// indexer writes both in one transaction), which the delete trigger tests before it tells them
// to forget the values they were given.
const char *const schemaV10[] = {
    R"(CREATE VIRTUAL TABLE messages_from_trigram USING fts5(c0, content = '',
        tokenize = 'trigram', detail = 'none', columnsize = 0))",
    R"(CREATE VIRTUAL TABLE messages_to_trigram USING fts5(c0, content = '',
        tokenize = 'trigram', detail = 'none', columnsize = 0))",
    R"(INSERT INTO messages_from_trigram (rowid, c0)
        SELECT m.id, m.from_header FROM messages m JOIN message_text t ON t.id = m.id)",
    R"(INSERT INTO messages_to_trigram (rowid, c0)
        SELECT m.id, m.to_header FROM messages m JOIN message_text t ON t.id = m.id)",
    "DROP TRIGGER messages_deleted",
    messagesDeletedTrigger,
};

// Version 11: the zstd dictionaries the store trained on its own mail (storecompression.h), by
// the id their frames name. None is ever removed: any frame may name it.
const char *const schemaV11[] = {
    R"(CREATE TABLE compression_dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL,
        trained_at INTEGER NOT NULL, samples INTEGER NOT NULL))",
};

// Version 12: a text or HTML body that is a run of the message's raw bytes as they are (the usual
// text/plain and text/html parts) is kept as a reference to them (storecompression.h), not a
// second copy: on bench/make-store's mix the text took 1,180 bytes a message and the HTML 190. The
// view expands such a body from the raw row of its id, so the delete trigger must delete the raw
// row last (messagesDeletedTrigger). Rows already stored stay as they are (the HTML's encoding
// column says 2 for a reference; c3 is a blob either way).
const char *const schemaV12[] = {
    "DROP VIEW messages_fts_content",
    R"(CREATE VIEW messages_fts_content (id, c0, c1, c2, c3, c4) AS
        SELECT id, c0, c1, c2, smtp_text(c3, id), c4 FROM message_text)",
    "DROP TRIGGER messages_deleted",
    messagesDeletedTrigger,
};

// Version 13: the writer adds a commit's new mail to the counters row and to its mailboxes' counts
// once per commit (storewriter.cpp), instead of a trigger per inserted row. A trigger made each
// insert a statement SQLite might have to undo alone, so it kept a statement journal of every page
// the insert changed, and past 64 KiB wrote it to a temporary file: strace counted 46 files
// created in /var/tmp and about 5,000 writes to them for 5,000 messages of bench/ingest.sh's W2,
// and a full temporary directory would have failed the commit of mail the store had room for.
// Deletes and read flags keep their triggers; the pruning at a maximum the user set
// (setMaxMessages, setMaxMessagesPerMailbox) runs after the mail's commit, in statements that are
// each their own transaction, which keep no statement journal (storewriter.cpp).
const char *const schemaV13[] = {
    "DROP TRIGGER IF EXISTS counters_inserted",
    "DROP TRIGGER IF EXISTS mailbox_joined",
};

// What deleting a message row does from version 14 on: as messagesDeletedTrigger, without the
// word index, which version 14 drops.
constexpr const char *messagesDeletedTriggerV14
    = R"(CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
        DELETE FROM message_html WHERE id = old.id;
        INSERT INTO messages_trigram (messages_trigram, rowid, c0, c1, c2, c3, c4)
            SELECT 'delete', id, c0, c1, c2, c3, c4 FROM messages_fts_content WHERE id = old.id;
        INSERT INTO messages_from_trigram (messages_from_trigram, rowid, c0)
            SELECT 'delete', old.id, old.from_header FROM message_text WHERE id = old.id;
        INSERT INTO messages_to_trigram (messages_to_trigram, rowid, c0)
            SELECT 'delete', old.id, old.to_header FROM message_text WHERE id = old.id;
        DELETE FROM message_text WHERE id = old.id;
        DELETE FROM message_raw WHERE id = old.id;
    END)";

// Version 14: search looks in the HTML body as a reader sees it (SmtpHtmlToText) too, which
// http-api.md makes part of the search text; before, a message with HTML alone was found by its
// headers only. That text goes after the attachment names in c4, one line apart, packed as the
// body is (a zstd frame when that is smaller), so the view expands c4 as it does c3. The text body
// stays in c3 (SmtpMessageStore::message() reads it back). The messages an older version indexed
// with HTML are listed in search_text_stale: the indexer makes their c4 again, a batch at a time,
// once new mail is indexed (storeindexer.cpp), and they are found by their old text meanwhile.
// And the word index (messages_words, version 9) goes: searches match substrings of any length
// now (http-api.md's rule 6: "le" is in "example"), which a word index cannot find; keeping it
// cost the indexer about 6 us a message (bench/ingest-ab.sh W2: 56 -> 50 us on its thread) and
// the store about 200 bytes a message.
const char *const schemaV14[] = {
    "DROP TRIGGER messages_deleted",
    "DROP TABLE messages_words",
    messagesDeletedTriggerV14,
    "DROP VIEW messages_fts_content",
    R"(CREATE VIEW messages_fts_content (id, c0, c1, c2, c3, c4) AS
        SELECT id, c0, c1, c2, smtp_text(c3, id), smtp_text(c4) FROM message_text)",
    "CREATE TABLE search_text_stale (id INTEGER PRIMARY KEY)",
    "INSERT INTO search_text_stale (id) SELECT id FROM message_html",
};

// Version 15: a Bcc header, decoded as Cc is, which bcc: and addressed: check (http-api.md §3.2:
// "a Bcc name or address", where §3.1's Bcc has the header's addresses and the envelope-only
// recipients). Before, only the envelope-only recipients were looked at, so the name of a Bcc
// header, or an address it has that was no recipient, was never found, though the API's Bcc
// shows them. Added empty: mail an older version indexed is found by its envelope alone, as
// before (reading every message's header again at the open of a store of a million would take
// minutes; most senders' clients leave the header out).
const char *const schemaV15[] = {
    "ALTER TABLE messages ADD COLUMN bcc_header TEXT NOT NULL DEFAULT ''",
};

// Version 16: the mail an older version indexed is read again for its Bcc header, once, in the
// background (version 15 added the column empty for it): every message goes on the list of
// search_text_stale, whose refresh now makes the recipients' search text (c2) and the Bcc header
// again as well as c4, and parses only a message with HTML or a Bcc header (storeindexer.cpp).
// Listing a million messages takes about 1.6 s, once, at the open that upgrades the store.
const char *const schemaV16[] = {
    "INSERT OR IGNORE INTO search_text_stale (id) SELECT id FROM messages",
};

template<size_t N>
bool applyAll(QSqlDatabase &db, const char *const (&statements)[N], QString *errorString)
{
    for (const char *statement : statements) {
        if (!exec(db, QString::fromUtf8(statement), errorString))
            return false;
    }
    return true;
}

// A version's statements, unless what they add is there already (probe: a count, 0 when not).
template<size_t N>
bool applyUnlessPresent(QSqlDatabase &db, const QString &probe, const char *const (&statements)[N],
    QString *errorString)
{
    const auto has = scalar(db, probe, errorString);
    return has && (*has != 0 || applyAll(db, statements, errorString));
}

QString tableCount(const char *name)
{
    return QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'")
        .arg(QLatin1String(name));
}

QString columnCount(const char *table, const char *column)
{
    return QStringLiteral("SELECT count(*) FROM pragma_table_info('%1') WHERE name = '%2'")
        .arg(QLatin1String(table), QLatin1String(column));
}

// After a migration that moved most of the file (version 9 copies the text out of the old
// full-text table and drops it), the pages it left free are given back to the file system:
// otherwise a migrated store of 1,000,000 messages kept 9.5 GB on disk for 5.5 GB of data, the
// rest reused only as new mail came. VACUUM rewrites the file (2 minutes for that store), and
// while it runs needs up to twice the data's size free (a temporary copy, then every page through
// the write-ahead log, which is cut back to nothing at once after). When it cannot, the store
// stays as it is, larger, and is not tried again.
void giveBackFreedPages(QSqlDatabase &db)
{
    QString error;
    const auto free = scalar(db, QStringLiteral("PRAGMA freelist_count"), &error);
    const auto pages = free ? scalar(db, QStringLiteral("PRAGMA page_count"), &error) : free;
    if (!pages || *free * 4 < *pages)
        return;
    if (!exec(db, QStringLiteral("VACUUM"), &error)
        || !exec(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), &error))
        qCWarning(lcSmtpStore) << "cannot give back the space the migration freed:" << error;
}

} // namespace

namespace StoreSchema {

QLatin1String sortExpression(SmtpSortKey key)
{
    switch (key) {
    case SmtpSortKey::Received:
        break;
    case SmtpSortKey::From:
        return QLatin1String(fromKey);
    case SmtpSortKey::To:
        return QLatin1String(toKey);
    case SmtpSortKey::Subject:
        return QLatin1String(subjectKey);
    case SmtpSortKey::Size:
        return QLatin1String("size");
    }
    return QLatin1String("id");
}

namespace {

// A value the store reads afresh each time and tests may change: guarded, as the store's threads
// read it.
template<typename T>
class Tunable
{
public:
    T get() const
    {
        const std::lock_guard lock(m_mutex);
        return m_value;
    }
    void set(const T &value)
    {
        const std::lock_guard lock(m_mutex);
        m_value = value;
    }

private:
    mutable std::mutex m_mutex;
    T m_value {};
};

Tunable<PlanLimits> thePlanLimits;
Tunable<DictionaryTraining> theDictionaryTraining;

} // namespace

PlanLimits planLimits()
{
    return thePlanLimits.get();
}

void setPlanLimits(const PlanLimits &limits)
{
    thePlanLimits.set(limits);
}

DictionaryTraining dictionaryTraining()
{
    return theDictionaryTraining.get();
}

void setDictionaryTraining(const DictionaryTraining &training)
{
    theDictionaryTraining.set(training);
}

namespace {

const QLatin1String mailboxWalk("message_mailboxes b CROSS JOIN messages m ON m.id = b.message");

// The length of where's start that WalkMailbox replaces: the leading full-text lookup, which the
// checks imply, and the mailbox condition right after it; 0 when where does not start so.
qsizetype mailboxFirstPrefix(const SearchQuery &search, const QString &where)
{
    const QString matchedIds = SearchQuery::matchCondition(search.leadingMatchTable);
    const QString mailboxNext = QLatin1String(" AND ") + SearchQuery::mailboxCondition();
    if (search.leadingMatchTable.isEmpty() || !search.leadingMatchImplied
        || !where.startsWith(matchedIds) || !where.mid(matchedIds.size()).startsWith(mailboxNext))
        return 0;
    return matchedIds.size() + mailboxNext.size();
}

// MatchPlan::WalkMailbox on where (search's, bindings its own): the leading full-text lookup left
// out and the mailbox condition that follows it made a walk of message_mailboxes (b), where's new
// start. False (nothing changed) when where is not so made.
bool readMailboxFirst(const SearchQuery &search, QString *where, QVariantList *bindings)
{
    const qsizetype prefix = mailboxFirstPrefix(search, *where);
    if (prefix == 0)
        return false;
    where->replace(0, prefix, QStringLiteral("b.mailbox = ?"));
    bindings->removeFirst();
    return true;
}

} // namespace

bool mailboxCanLead(const SearchQuery &search)
{
    return mailboxFirstPrefix(search, search.where) > 0;
}

PageSql countSql(const SearchQuery &search, MatchPlan plan)
{
    PageSql result;
    result.sql = search.where;
    result.bindings = search.bindings;
    if (plan == MatchPlan::WalkMailbox && readMailboxFirst(search, &result.sql, &result.bindings))
        result.from = mailboxWalk;
    return result;
}

PageSql pageSql(
    const SearchQuery &search, const SmtpPageRequest &page, MatchPlan plan, bool listMailbox)
{
    const bool ascending = page.order == Qt::AscendingOrder;
    const QLatin1String direction(ascending ? " ASC" : " DESC");
    const QLatin1String after(ascending ? ">" : "<");
    const QLatin1String key = sortExpression(page.key);
    PageSql result;
    result.bindings = search.bindings;
    QString where = search.where;
    // With words to find, sorted by anything but arrival, the plan is chosen by the leading
    // term's matches (MatchPlan). Left alone, SQLite drives the query from the list of matches
    // (their ids) and sorts every match for one page: right for few (a rare word 2 ms), seconds
    // for the 470,000 messages with "project" in a million. WalkList walks the key's index
    // instead, testing each row against the list of matches, and stops after a page. The list is
    // smtp_listed()'s (storesqlite.h), read once into a bitmap: SQLite's own list ("+m.id IN
    // (SELECT ...)", a b-tree of the ids) took 23 ms to build for a name in 260,000 messages of
    // a million, where reading the ids takes 21 and the bitmap 1. When the rest of
    // the query implies the term (a word is checked in the text), the walk reads the checks
    // alone, without the list: "project" by subject 20-50 ms. A probe of the full-text index per
    // row instead ("EXISTS (... MATCH ? AND rowid = m.id)") opens a cursor on every segment of
    // every term each time, 0.2 ms a row: 90 ms for "project", and 45 s when the matches sort
    // last (a word in 1% of the subjects, all of them "Your laptop order...").
    const QString table = search.leadingMatchTable;
    const QString matchedIds = SearchQuery::matchCondition(table);
    // A small mailbox's messages read in place of the term's matches, in any order.
    const bool mailboxFirst
        = plan == MatchPlan::WalkMailbox && readMailboxFirst(search, &where, &result.bindings);
    const bool words = !mailboxFirst && !table.isEmpty() && where.startsWith(matchedIds);
    if (page.key != SmtpSortKey::Received && words && plan == MatchPlan::WalkList)
        where.replace(
            0, matchedIds.size(), QStringLiteral("smtp_listed('%1', ?, m.id)").arg(table));
    const QString andRest = QLatin1String(" AND ");
    if (page.key != SmtpSortKey::Received && words && plan == MatchPlan::WalkChecks
        && search.leadingMatchImplied && where.mid(matchedIds.size()).startsWith(andRest)) {
        where.remove(0, matchedIds.size() + andRest.size());
        result.bindings.removeFirst();
    }
    // A walk of a key's index tests each row for the search's mailbox: a probe of
    // message_mailboxes for each (about 1 us, warm), or smtp_listed()'s bitmap of the mailbox's
    // messages, read once (about 55 ns a message). The caller weighs them (listMailbox).
    // The first mailbox condition is the search's mailbox (SearchQuery::mailbox): a negated one
    // never comes before it.
    if (listMailbox && page.key != SmtpSortKey::Received && !mailboxFirst) {
        const QString probe = SearchQuery::mailboxCondition();
        const qsizetype at = where.indexOf(probe);
        if (at >= 0)
            where.replace(at, probe.size(), QStringLiteral("smtp_listed('mailbox', ?, m.id)"));
    }
    // Newest (or oldest) first, the full-text index itself is walked in id order, from the
    // cursor, and stops after a page: "project" (470,000 matches in a million) 200 -> 65 ms, as
    // the list of every match is never built; a rare word 9 ms.
    const bool walkMatches = page.key == SmtpSortKey::Received && words;
    if (walkMatches) {
        result.from = QStringLiteral("%1 f CROSS JOIN messages m ON m.id = f.rowid").arg(table);
        where.replace(0, matchedIds.size(), QStringLiteral("f.%1 MATCH ?").arg(table));
    }
    // One mailbox newest (or oldest) first: a walk of that mailbox's part of message_mailboxes'
    // primary key, from the cursor, that stops after a page, however few of the store's
    // messages the mailbox holds. WalkMailbox reads a small mailbox's messages so in any order
    // (sorted by another key, all of them).
    const bool walkMailbox = mailboxFirst
        || (!walkMatches && page.key == SmtpSortKey::Received && !search.leadingMailbox.isEmpty()
            && where.startsWith(SearchQuery::mailboxCondition()));
    if (walkMailbox)
        result.from = mailboxWalk;
    if (walkMailbox && !mailboxFirst)
        where.replace(0, SearchQuery::mailboxCondition().size(), QStringLiteral("b.mailbox = ?"));
    const QLatin1String id(walkMatches ? "f.rowid" : walkMailbox ? "b.message" : "m.id");
    // The keyset condition, only when paging: SQLite then seeks in the key's index to the cursor.
    // "(? = 0 OR m.id < ?)" made it walk down from the newest message, so the last page of
    // 1,000,000 took 0.3 s (14 s cold). For the other keys "k >= v AND (k > v OR id > i)" (in
    // the page's direction) is a range seek in the index on k; the row value "(k, id) > (v, i)"
    // was a scan from the start.
    QString keyset;
    if (page.afterId != 0 && page.key == SmtpSortKey::Received) {
        keyset = QStringLiteral(" AND %1 %2 ?").arg(id, after);
        result.bindings.append(page.afterId);
    } else if (page.afterId != 0) {
        QVariant value;
        if (page.key == SmtpSortKey::Size) {
            value = page.afterValue.toLongLong();
        } else {
            QString text = page.afterValue.toString();
            if (text.isNull()) // a null QString binds as SQL NULL, which compares as nothing
                text = QStringLiteral("");
            value = text;
        }
        keyset = QStringLiteral(" AND %1 %2= ? AND (%1 %2 ? OR m.id %2 ?)").arg(key, after);
        result.bindings += QVariantList { value, value, page.afterId };
    }
    QString order = (page.key == SmtpSortKey::Received ? QString(id) : QString(key)) + direction;
    if (page.key != SmtpSortKey::Received)
        order += QLatin1String(", m.id") + direction;
    result.sql = QStringLiteral("WHERE (%1)%2 ORDER BY %3 LIMIT ?").arg(where, keyset, order);
    result.bindings.append(page.limit);
    return result;
}

QString rarestTerm(QSqlDatabase &db, const SearchQuery &search, qint64 newestId)
{
    const QString all = search.bindings.constFirst().toString();
    // Only when the checks imply the lookup: they then read the very text the index was made
    // of. A column check (subject:) reads the column, which the index may not hold (a message
    // that could not be parsed is indexed without it): only the whole lookup keeps such a
    // message out, as the other plans do.
    if (search.leadingTerms.size() < 2 || !search.leadingMatchImplied
        || search.leadingMatchTable.isEmpty())
        return all;
    // Reading a term's ids costs about 24 ns an id, whatever else is ANDed to it: the list of a
    // name in a million ("ali" AND "ice") took 21 ms, of which 14 for "ice" (in 818,000
    // messages), which left out only 12 % of the 297,000 that "ali" finds. The checks that follow
    // in the walk tell the matches apart all the same, and only for the rows it passes. A look at
    // a term's first ids tells how dense it is: about 0.1 ms each.
    constexpr int sample = 1000;
    constexpr int mostLooks = 8;
    QSqlQuery probe(db);
    probe.setForwardOnly(true);
    probe.prepare(QStringLiteral("SELECT count(*), max(rowid) - min(rowid) + 1 FROM "
                                 "(SELECT rowid FROM %1 WHERE %1 MATCH ? LIMIT %2)")
                      .arg(search.leadingMatchTable)
                      .arg(sample));
    const double ids = double(qMax<qint64>(1, newestId));
    QString rarest = all;
    double fewest = std::numeric_limits<double>::infinity();
    for (const QString &term : search.leadingTerms.mid(0, mostLooks)) {
        probe.addBindValue(term);
        if (!probe.exec() || !probe.next())
            return all;
        const qint64 found = probe.value(0).toLongLong();
        const qint64 span = probe.value(1).toLongLong();
        const double estimate = found < sample || span <= 0 ? double(found) : found * ids / span;
        if (estimate < fewest) {
            fewest = estimate;
            rarest = term;
        }
    }
    return rarest;
}

constexpr qint64 walSizeLimit = 64 * 1024 * 1024;

bool configure(QSqlDatabase &db, QString *errorString)
{
    // busy_timeout first: another process may hold the lock for a moment.
    return exec(db, QStringLiteral("PRAGMA busy_timeout = %1").arg(busyTimeoutMs), errorString)
        && exec(db, QStringLiteral("PRAGMA journal_mode = WAL"), errorString)
        && exec(db, QStringLiteral("PRAGMA synchronous = FULL"), errorString)
        // The write-ahead log grows to hold what is written between checkpoints and never shrinks
        // by itself: after 40 messages of 20 MiB arrived at once it kept 800 MB on disk beside
        // the database, for as long as the store stayed open. Past this size it is cut back
        // each time a checkpoint lets it start over; everyday mail (a few MiB between the
        // automatic checkpoints) never reaches it.
        && exec(
            db, QStringLiteral("PRAGMA journal_size_limit = %1").arg(walSizeLimit), errorString);
}

bool prepare(QSqlDatabase &db, QString *errorString)
{
    QString error;
    // The first read of the header tells a non-database apart ("file is not a database").
    const auto appId = scalar(db, QStringLiteral("PRAGMA application_id"), &error);
    const auto version
        = appId ? scalar(db, QStringLiteral("PRAGMA user_version"), &error) : std::nullopt;
    const auto objects = version
        ? scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"), &error)
        : std::nullopt;
    if (!objects) {
        *errorString = tr("not a usable SQLite database (%1)").arg(error);
        return false;
    }
    if (*appId != applicationId && (*appId != 0 || *objects != 0)) {
        *errorString = tr("not an smtp-receiver database (a different SQLite file)");
        return false;
    }
    if (*version > currentVersion) {
        *errorString = tr("written by a newer smtp-receiver (schema %1; this build reads up to %2)")
                           .arg(*version)
                           .arg(currentVersion);
        return false;
    }
    if (*version == currentVersion)
        return configure(db, errorString);

    if (!configure(db, errorString))
        return false;
    if (!db.transaction()) {
        *errorString = db.lastError().text();
        return false;
    }
    bool ok = true;
    if (*version == 0)
        ok = applyAll(db, schemaV1, errorString);
    if (*version < 2)
        ok = ok && applyAll(db, schemaV2, errorString);
    if (*version < 3) {
        for (const QString &statement : schemaV3())
            ok = ok && exec(db, statement, errorString);
    }
    // From version 4 on, a file marked older than it is (by hand, or a test) may have what a
    // version adds already: each is applied unless it is there.
    if (*version < 4)
        ok = ok
            && applyUnlessPresent(db, columnCount("messages", "unindexed"), schemaV4, errorString);
    if (*version < 5)
        ok = ok && applyUnlessPresent(db, tableCount("messages_trigram"), schemaV5, errorString);
    if (*version < 6)
        ok = ok && applyUnlessPresent(db, tableCount("message_releases"), schemaV6, errorString);
    if (*version < 7)
        ok = ok && applyUnlessPresent(db, tableCount("message_mailboxes"), schemaV7, errorString);
    if (*version < 8)
        ok = ok
            && applyUnlessPresent(
                db, columnCount("message_raw", "encoding"), schemaV8, errorString);
    if (*version < 9)
        ok = ok && applyUnlessPresent(db, tableCount("message_text"), schemaV9, errorString);
    if (*version < 10)
        ok = ok
            && applyUnlessPresent(db, tableCount("messages_from_trigram"), schemaV10, errorString);
    if (*version < 11)
        ok = ok
            && applyUnlessPresent(
                db, tableCount("compression_dictionaries"), schemaV11, errorString);
    if (*version < 12)
        ok = ok
            && applyUnlessPresent(db,
                QStringLiteral("SELECT count(*) FROM sqlite_master WHERE "
                               "name = 'messages_fts_content' AND sql LIKE '%smtp_text(c3, id)%'"),
                schemaV12, errorString);
    if (*version < 13)
        ok = ok && applyAll(db, schemaV13, errorString);
    if (*version < 14)
        ok = ok && applyUnlessPresent(db, tableCount("search_text_stale"), schemaV14, errorString);
    if (*version < 15)
        ok = ok
            && applyUnlessPresent(
                db, columnCount("messages", "bcc_header"), schemaV15, errorString);
    if (*version < 16)
        ok = ok && applyAll(db, schemaV16, errorString);
    ok = ok
        && exec(db, QStringLiteral("PRAGMA application_id = %1").arg(applicationId), errorString)
        && exec(db, QStringLiteral("PRAGMA user_version = %1").arg(currentVersion), errorString);
    if (!ok) {
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *errorString = db.lastError().text();
        return false;
    }
    if (*version > 0 && *version < 9)
        giveBackFreedPages(db);
    return true;
}

} // namespace StoreSchema
