// SmtpMessageStore's reads and writes by query for callers that page by position: the number of
// matches, a page by offset, the read flag and removal of every match.
#include "smtplog.h"
#include "store/searchquery.h"
#include "store/smtpmessagestore_p.h"
#include "store/storeschema.h"
#include "store/storesqlite.h"

#include <QSqlError>
#include <QSqlQuery>

#include <limits>

using StoreInternal::readSummaries;

SearchQuery SmtpMessageStorePrivate::search(
    const QString &query, const SmtpSearchOptions &options, qint64 *upTo) const
{
    // Before the index's bound: every id up to it has committed, and so has every id the
    // indexer has passed.
    const qint64 newest = newestNotified.load();
    qint64 indexed = std::numeric_limits<qint64>::max();
    SearchQuery::Options compileOptions;
    compileOptions.nowUtc = QDateTime::currentDateTimeUtc();
    compileOptions.timeZone = options.timeZone.isValid() ? options.timeZone : QTimeZone::utc();
    compileOptions.lenient = options.lenient;
    SearchQuery search = SearchQuery::compile(query, compileOptions);
    if (search.isValid() && search.usesFullTextIndex) {
        // Words are looked up only among messages whose index batch has committed: a reader of
        // ":memory:" (read_uncommitted) would otherwise see a batch half-written, and match a
        // message by a word while missing the word a negated term excludes it by. A message
        // indexed later is found from then on (indexedUpToChanged() says when).
        indexed = indexedUpTo.load();
        search.where += QLatin1String(" AND m.id <= ?");
        search.bindings.append(indexed);
    }
    // A query the counters answer (everything, one mailbox) is still read off them when only
    // an upToId at or past the newest message bounds it: counting it afresh costs nothing.
    const qint64 readable = qMin(newest, indexed);
    const bool counted = search.where == QLatin1String("1") || search.onlyMailbox;
    if (search.isValid()
        && (options.afterId > 0 || (options.upToId > 0 && (!counted || options.upToId < readable))))
        boundIds(&search, options, readable, upTo);
    return search;
}

void SmtpMessageStorePrivate::boundIds(
    SearchQuery *search, const SmtpSearchOptions &options, qint64 readable, qint64 *upTo)
{
    // Up to what has committed (and, for a query that needs the index, what it has passed):
    // the same ids for every statement of a caller that bounds by the result.
    const qint64 last = options.upToId > 0 ? qMin(options.upToId, readable) : readable;
    if (upTo)
        *upTo = qMax(last, options.afterId);
    search->where += QLatin1String(" AND m.id <= ?");
    search->bindings.append(last);
    search->onlyMailbox = false; // counted, not read off the mailbox's counters
    if (options.afterId <= 0)
        return;
    search->where += QLatin1String(" AND m.id > ?");
    search->bindings.append(options.afterId);
    // A walk of the mailbox from its newest message would pass every older one on its way.
    search->leadingMailbox.clear();
    // The newer ids of a full-text lookup are sought in the index itself, not picked out of
    // every match: what came since costs what it holds, whatever the store's size.
    const QString table = search->leadingMatchTable;
    const QString matchedIds = SearchQuery::matchCondition(table);
    if (!table.isEmpty() && search->where.startsWith(matchedIds)) {
        // Inside the subquery, before its closing parenthesis.
        search->where.insert(matchedIds.size() - 1, QLatin1String(" AND rowid > ? AND rowid <= ?"));
        search->bindings.insert(1, last);
        search->bindings.insert(1, options.afterId);
        search->leadingMatchTable.clear(); // no longer in the form pageSql() walks
        search->leadingTerms.clear();
    }
}

StoreSchema::MatchPlan SmtpMessageStorePrivate::matchPlan(QSqlDatabase &db,
    const SearchQuery &search, const SmtpPageRequest &page, qint64 *matchesInAll) const
{
    using StoreSchema::MatchPlan;
    if (matchesInAll)
        *matchesInAll = -1;
    if (search.leadingMatchTable.isEmpty() || search.bindings.isEmpty())
        return MatchPlan::WalkList; // not read
    const StoreSchema::PlanLimits limits = StoreSchema::planLimits();
    // A mailbox of the query, whose size its counter tells, may be the smaller of the two.
    const bool mailboxMayLead = !search.mailbox.isEmpty() && limits.smallMailbox > 0
        && StoreSchema::mailboxCanLead(search);
    if (page.key == SmtpSortKey::Received && !mailboxMayLead)
        return MatchPlan::WalkList; // not read
    // Bounded: a common word stops counting at the bound (its first ids in the index's doclist,
    // in id order), so the probe costs about a millisecond either way. The ids those first
    // matches span tell how dense the matches are (in the older messages, at least).
    QSqlQuery probe(db);
    probe.setForwardOnly(true);
    probe.prepare(QStringLiteral("SELECT count(*), min(rowid), max(rowid) FROM "
                                 "(SELECT rowid FROM %1 WHERE %1 MATCH ? LIMIT %2)")
                      .arg(search.leadingMatchTable)
                      .arg(limits.fewMatches));
    probe.addBindValue(
        search.bindings.constFirst()); // the leading term's, as SearchQuery orders them
    if (!probe.exec() || !probe.next())
        return MatchPlan::WalkList;
    const qint64 matches = probe.value(0).toLongLong();
    const qint64 span = probe.value(2).toLongLong() - probe.value(1).toLongLong() + 1;
    if (matchesInAll) // the first matches' density over every id
        *matchesInAll = matches < limits.fewMatches || span <= 0
            ? matches
            : qMax(matches, matches * newestNotified.load() / span);
    if (mailboxMayLead) {
        const qint64 inMailbox = q->mailbox(search.mailbox).messages;
        if (inMailbox <= limits.smallMailbox && inMailbox < matches)
            return MatchPlan::WalkMailbox;
    }
    if (page.key == SmtpSortKey::Received)
        return MatchPlan::WalkList; // not read
    if (matches < limits.fewMatches)
        return MatchPlan::SortMatches;
    if (search.leadingMatchImplied && matches * 1000 >= limits.denseMatchesPermille * span)
        return MatchPlan::WalkChecks;
    return MatchPlan::WalkList;
}

bool SmtpMessageStorePrivate::listsMailbox(
    const SearchQuery &search, const SmtpPageRequest &page, qint64 matches) const
{
    if (search.mailbox.isEmpty())
        return false;
    // A walk passes about limit / (the mailbox's share x the term's share) rows for a page when
    // the mailbox's messages are spread over the key's order, and each is probed for the mailbox
    // (about 1 us warm); the list costs about 55 ns a message of the mailbox. But mail filed
    // together often sorts together (one sender, one subject), and then a walk passes many times
    // more: "project" in a mailbox of 2 % of a million, 9 ms for the first page by sender and
    // 117 ms for the next (the list: 9 ms both). So the list is read unless it costs more than
    // PlanLimits::mailboxListFactor (10) times the expected probes: for the Inbox of that store
    // (14 %), 7.8 ms of list against 3 ms of probes when spread, 27 ms when not. An empty (or
    // unknown) mailbox's list is read at once, and a walk that finds nothing then costs no probe.
    constexpr double probeNs = 1000;
    constexpr double listedNs = 55;
    const double together = StoreSchema::planLimits().mailboxListFactor;
    if (together <= 0)
        return false;
    const double all = double(qMax<qint64>(1, q->count()));
    const double inMailbox = double(q->mailbox(search.mailbox).messages);
    const double termShare = matches < 0 ? 1.0 : qBound(1.0 / all, matches / all, 1.0);
    const double walked = inMailbox <= 0
        ? all
        : qMin(all, together * qMax(1, page.limit) * all / inMailbox / termShare);
    return inMailbox * listedNs < walked * probeNs;
}

QList<SmtpMessageSummary> SmtpMessageStorePrivate::readPage(QSqlDatabase &db,
    const SearchQuery &search, const SmtpPageRequest &page, qint64 offset, QString *error) const
{
    using StoreSchema::MatchPlan;
    qint64 matches = -1;
    const MatchPlan plan = matchPlan(db, search, page, &matches);
    const bool sorted = page.key != SmtpSortKey::Received;
    const bool walk = plan == MatchPlan::WalkList || plan == MatchPlan::WalkChecks;
    // A walk's list of candidates is read from the rarest leading term alone; its mailbox, when
    // that is cheaper than a probe per row, from a list too. Worked out before any budget runs.
    SearchQuery walked = search;
    if (sorted && plan == MatchPlan::WalkList && search.leadingTerms.size() > 1)
        walked.bindings.first() = StoreSchema::rarestTerm(db, search, newestNotified.load());
    const bool listMailbox = sorted && walk && listsMailbox(search, page, matches);
    const auto read = [&](const SearchQuery &query, MatchPlan how, bool list, QString *why) {
        StoreSchema::PageSql sql = StoreSchema::pageSql(query, page, how, list);
        if (offset >= 0) {
            sql.sql += QLatin1String(" OFFSET ?");
            sql.bindings.append(offset);
        }
        return readSummaries(db, sql.from, sql.sql, sql.bindings, why);
    };
    if (!sorted || !walk || !search.leadingMatchOfHeader() || matches < 0
        || matches > StoreSchema::sortableHeaderMatches)
        return read(walked, plan, listMailbox, error);
    QString walkError;
    QList<SmtpMessageSummary> rows;
    {
        StoreSqlite::StatementBudget budget(db, StoreSchema::planLimits().walkInstructions);
        rows = read(walked, plan, listMailbox, &walkError);
        if (!budget.spent()) {
            if (error && !walkError.isEmpty())
                *error = walkError;
            return rows;
        }
    }
    return read(search, MatchPlan::SortMatches, false, error);
}

StoreSchema::PageSql SmtpMessageStorePrivate::matchingSql(
    QSqlDatabase &db, const SearchQuery &search) const
{
    // A word of many matches in a small mailbox: the mailbox's messages checked (the plan of the
    // newest page), not every match looked up (1.8 s to count "project" in a million).
    return StoreSchema::countSql(search, matchPlan(db, search, SmtpPageRequest()));
}

SmtpMatchCount SmtpMessageStore::countMatching(
    const QString &query, const SmtpSearchOptions &options, QString *errorString) const
{
    Q_D(const SmtpMessageStore);
    SmtpMatchCount result;
    qint64 upTo = 0;
    const SearchQuery search = d->search(query, options, &upTo);
    if (!search.isValid()) {
        if (errorString)
            *errorString = search.errorString;
        return result;
    }
    result.upToId = upTo;
    if (search.where == QLatin1String("1")) { // everything: the counters
        result.messages = count();
        result.unread = unreadCount();
        return result;
    }
    if (search.onlyMailbox) { // one mailbox: its counters
        const SmtpMailbox counts = mailbox(search.leadingMailbox);
        result.messages = counts.messages;
        result.unread = counts.unread;
        return result;
    }
    QSqlDatabase db = d->readConnection(errorString);
    const StoreSchema::PageSql sql = d->matchingSql(db, search);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT count(*), total(m.is_read = 0) FROM %1 WHERE %2")
                  .arg(sql.from, sql.sql));
    for (const QVariant &v : sql.bindings)
        q.addBindValue(v);
    if (!q.exec() || !q.next()) {
        if (errorString)
            *errorString = q.lastError().text();
        return result;
    }
    result.messages = q.value(0).toLongLong();
    result.unread = qint64(q.value(1).toDouble());
    return result;
}

QList<SmtpMessageSummary> SmtpMessageStore::summariesAt(const QString &query, qint64 offset,
    int limit, const SmtpSearchOptions &options, QString *errorString) const
{
    Q_D(const SmtpMessageStore);
    QList<SmtpMessageSummary> result;
    const SearchQuery search = d->search(query, options);
    if (!search.isValid()) {
        if (errorString)
            *errorString = search.errorString;
        return result;
    }
    if (limit <= 0)
        return result;
    SmtpPageRequest page;
    page.limit = limit;
    QSqlDatabase db = d->readConnection(errorString);
    return d->readPage(db, search, page, qMax<qint64>(0, offset), errorString);
}

qint64 SmtpMessageStore::removeMatching(const QString &query, const SmtpSearchOptions &options)
{
    Q_D(SmtpMessageStore);
    const SearchQuery search = d->search(query, options);
    if (!search.isValid())
        return 0;
    QList<qint64> ids;
    {
        QSqlDatabase db = d->readConnection();
        const StoreSchema::PageSql sql = d->matchingSql(db, search);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT m.id FROM %1 WHERE %2").arg(sql.from, sql.sql));
        for (const QVariant &v : sql.bindings)
            q.addBindValue(v);
        if (!q.exec())
            return 0;
        while (q.next())
            ids.append(q.value(0).toLongLong());
    }
    if (ids.isEmpty())
        return 0;
    return remove(ids) ? ids.size() : 0;
}

qint64 SmtpMessageStore::setReadMatching(
    const QString &query, bool read, const SmtpSearchOptions &options)
{
    Q_D(SmtpMessageStore);
    const SearchQuery search = d->search(query, options);
    if (!search.isValid())
        return -1;
    const bool everything = search.where == QLatin1String("1");
    // Planned here, on the caller's connection (the plan reads the mailbox's counters).
    QSqlDatabase reader = d->readConnection();
    const StoreSchema::PageSql sql = d->matchingSql(reader, search);
    qint64 result = -1;
    d->runTask([d, &sql, &result, read, everything](QSqlDatabase &db) {
        const StoreInternal::NonAdditiveChange change(d->nonAdditiveChanges);
        if (!db.transaction())
            return;
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("UPDATE messages SET is_read = ? WHERE is_read <> ? AND id IN "
                                 "(SELECT m.id FROM %1 WHERE %2) RETURNING id")
                      .arg(sql.from, sql.sql));
        q.addBindValue(read);
        q.addBindValue(read);
        for (const QVariant &v : sql.bindings)
            q.addBindValue(v);
        QList<qint64> changed;
        bool ok = q.exec();
        while (ok && q.next())
            changed.append(q.value(0).toLongLong());
        q.finish();
        if (!ok || !db.commit()) {
            qCWarning(lcSmtpStore) << "cannot set the read flags:" << q.lastError().text();
            db.rollback();
            return;
        }
        result = changed.size();
        d->unread += read ? -changed.size() : changed.size();
        if (changed.isEmpty())
            return;
        if (everything)
            changed.clear(); // every message has the flag now
        d->notify([d, changed, read] {
            Q_EMIT d->q->readChanged(changed, read);
            Q_EMIT d->q->countChanged();
        });
    });
    return result;
}
