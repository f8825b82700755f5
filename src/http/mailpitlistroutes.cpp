// The list and search side of Mailpit's API: GET|PUT|DELETE /api/v1/messages, GET|DELETE
// /api/v1/search, /api/v1/info, /api/v1/webui, /livez and /readyz. Queries are read as Mailpit
// reads them (values it cannot use are ignored, ?tz= for before:/after:).
#include "httprouter.h"
#include "mailpitjson.h"
#include "mailpitreadcache.h"
#include "mailpitroutes.h"
#include "mailpitsearchpages.h"

#include <smtpmessagestore.h>
#include <smtpserver.h>
#include <smtpstoredmessage.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QPointer>

#include <atomic>
#include <limits>
#include <memory>

namespace {

constexpr int defaultLimit = 50;

// start: an integer; anything else, or <= 0, is 0.
qint64 startOf(const HttpRequest &request)
{
    bool ok = false;
    const qint64 start = request.queryItem(QStringLiteral("start")).toLongLong(&ok);
    return ok && start > 0 ? start : 0;
}

// limit: an integer, 50 when absent, negative or not a number; 0 is 0 (the caller decides).
qint64 limitOf(const HttpRequest &request)
{
    const QString text = request.queryItem(QStringLiteral("limit"));
    if (text.isNull())
        return defaultLimit;
    bool ok = false;
    const qint64 limit = text.toLongLong(&ok);
    return ok && limit >= 0 ? limit : defaultLimit;
}

QList<MailpitSearchPages::Item> summaryItems(
    const SmtpMessageStore &store, const QList<SmtpMessageSummary> &page)
{
    QList<MailpitSearchPages::Item> items;
    items.reserve(page.size());
    for (const SmtpMessageSummary &s : page) {
        const std::optional<SmtpStoredMessage> message = store.message(s.id);
        if (message) // removed since the page was read: left out
            items.append({ s.id, MailpitJson::summary(*message) });
    }
    return items;
}

// MessagesSummary: the page with the mailbox's and the query's counts.
HttpResponse messagesSummary(const SmtpMessageStore &store, qint64 total, qint64 unread,
    const SmtpMatchCount &matches, qint64 start, const QList<MailpitSearchPages::Item> &items)
{
    QJsonArray messages;
    for (const MailpitSearchPages::Item &item : items)
        messages.append(item.summary);
    return HttpResponse::json(QJsonObject {
        { QStringLiteral("total"), total },
        { QStringLiteral("unread"), unread },
        { QStringLiteral("messages_count"), matches.messages },
        { QStringLiteral("messages_unread"), matches.unread },
        { QStringLiteral("start"), start },
        { QStringLiteral("tags"), MailpitJson::allTags(store) },
        { QStringLiteral("count"), messages.size() },
        { QStringLiteral("messages"), messages },
    });
}

HttpResponse messagesSummary(const SmtpMessageStore &store, qint64 total, qint64 unread,
    const SmtpMatchCount &matches, qint64 start, const QList<SmtpMessageSummary> &page)
{
    return messagesSummary(store, total, unread, matches, start, summaryItems(store, page));
}

// The first page of a search, read on from the page kept for the same question when only new
// mail and the indexer's progress came since: the matches among the ids after the kept page's
// bound are counted and put in front of its items, whose summaries are used again. Otherwise,
// or when nothing is kept, the whole store is read, the page bounded to the ids counted.
// Either way the answer is what reading the store afresh gives. The store's count of changes
// that are not new mail tells one that has committed before its signal has come (this runs on
// a worker): it must not have moved from the kept page's until the newer ids are read.
HttpResponse firstSearchPage(SmtpMessageStore &reader, const QString &query,
    const SmtpSearchOptions &options, int limit, MailpitSearchPages &pages, const QByteArray &key)
{
    const quint64 epoch = pages.epoch(); // before reading: a change after it outdates the page
    quint64 changes = reader.nonAdditiveChanges(); // likewise
    QString error;
    MailpitSearchPages::Page page;
    std::optional<MailpitSearchPages::Page> kept = pages.find(key, epoch, changes);
    if (kept) {
        SmtpSearchOptions newer = options;
        newer.afterId = kept->matches.upToId;
        const SmtpMatchCount added = reader.countMatching(query, newer, &error);
        if (!error.isEmpty())
            return HttpResponse::text(400, error);
        page = *kept;
        page.matches.upToId = added.upToId;
        if (added.messages > 0) {
            newer.upToId = added.upToId;
            const QList<SmtpMessageSummary> rows
                = reader.summariesAt(query, 0, limit, newer, &error);
            if (!error.isEmpty())
                return HttpResponse::text(400, error);
            page.items = summaryItems(reader, rows) + page.items;
            if (page.items.size() > limit)
                page.items.resize(qsizetype(limit));
            page.matches.messages += added.messages;
            page.matches.unread += added.unread;
        }
        if (reader.nonAdditiveChanges() != changes) { // the newer ids may have seen it
            kept.reset();
            changes = reader.nonAdditiveChanges();
        }
    }
    if (!kept) {
        SmtpSearchOptions all = options;
        all.upToId = std::numeric_limits<qint64>::max();
        page.matches = reader.countMatching(query, all, &error);
        all.upToId = page.matches.upToId; // 0 for a query the counters answer: unbounded
        const QList<SmtpMessageSummary> rows = error.isEmpty()
            ? reader.summariesAt(query, 0, limit, all, &error)
            : QList<SmtpMessageSummary>();
        if (!error.isEmpty())
            return HttpResponse::text(400, error);
        page.items = summaryItems(reader, rows);
    }
    page.epoch = epoch;
    page.changes = changes;
    if (page.matches.upToId > 0)
        pages.keep(key, page);
    return messagesSummary(
        reader, reader.count(), reader.unreadCount(), page.matches, 0, page.items);
}

// The store ids of a body's IDs (whose type fieldTypeError() has checked); an ID that names
// none (MailpitJson::storeId) is left out, as an unknown one is.
QList<qint64> idsOf(const QJsonArray &array)
{
    QList<qint64> ids;
    for (const QJsonValue &v : array) {
        if (const qint64 id = MailpitJson::storeId(v.toString()))
            ids.append(id);
    }
    return ids;
}

// The body as a JSON object; a 400 answer in *error when it is not one.
std::optional<QJsonObject> jsonBody(const HttpRequest &request, HttpResponse *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = HttpResponse::text(400, parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = HttpResponse::text(400, QStringLiteral("expected a JSON object"));
        return std::nullopt;
    }
    return document.object();
}

// What is wrong with the types of a PUT or DELETE body's fields, as the 400's line; empty when
// nothing is. A field of another type must never be read as absent: no IDs and no Search mean
// every message, so {"IDs": "1"} would change or delete them all. Fields a route does not take
// are not looked at (unknown fields are ignored).
enum class BodyFields { Ids, IdsReadSearch };
QString fieldTypeError(const QJsonObject &body, BodyFields fields)
{
    const QJsonValue ids = body.value(QLatin1String("IDs"));
    bool idsOk = ids.isUndefined() || ids.isArray();
    for (const QJsonValue &v : ids.toArray())
        idsOk = idsOk && v.isString();
    if (!idsOk)
        return QStringLiteral("IDs must be an array of strings");
    if (fields == BodyFields::Ids)
        return {};
    const QJsonValue read = body.value(QLatin1String("Read"));
    if (!read.isUndefined() && !read.isBool())
        return QStringLiteral("Read must be true or false");
    const QJsonValue search = body.value(QLatin1String("Search"));
    if (!search.isUndefined() && !search.isString())
        return QStringLiteral("Search must be a string");
    return {};
}

qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return 0;
}

// Our addition to the info answer (Mailpit's clients ignore it): every mailbox, Inbox first, then
// by name, with its counts, read from the store's counters.
QJsonArray mailboxesJson(const SmtpMessageStore &store)
{
    QJsonArray array;
    const QList<SmtpMailbox> mailboxes = store.mailboxes();
    for (const SmtpMailbox &mailbox : mailboxes)
        array.append(QJsonObject { { QStringLiteral("Name"), mailbox.name },
            { QStringLiteral("Messages"), mailbox.messages },
            { QStringLiteral("Unread"), mailbox.unread } });
    return array;
}

HttpResponse storeFailure()
{
    return HttpResponse::text(500, QStringLiteral("the message store failed"));
}

} // namespace

void addMailpitListRoutes(HttpRouter &router, const MailpitContext &context)
{
    const QPointer<SmtpMessageStore> store = context.store;
    const QPointer<SmtpServer> server = context.server;
    const QDateTime startedAt = context.startedAt;

    // Messages deleted since the routes were made: removals listed by id, and what a clear
    // (an empty list) took away, known from the count before it.
    struct Deleted
    {
        std::atomic<qint64> messages { 0 };
        std::atomic<qint64> lastCount { 0 };
    };
    const auto deleted = std::make_shared<Deleted>();
    if (store) {
        deleted->lastCount = store->count();
        QObject::connect(store, &SmtpMessageStore::messagesRemoved, store,
            [deleted, s = store.data()](const QList<qint64> &ids) {
                deleted->messages += ids.isEmpty()
                    ? qMax<qint64>(0, deleted->lastCount - s->count())
                    : ids.size();
            });
        QObject::connect(store, &SmtpMessageStore::countChanged, store,
            [deleted, s = store.data()] { deleted->lastCount = s->count(); });
    }

    // The list and the search read on a worker (see MailpitContext::readers); pollers asking
    // the same between two changes of the store share one read (MailpitContext::cache).
    router.add("GET", QStringLiteral("/api/v1/messages"),
        mailpitCachedReadRoute(context,
            [](SmtpMessageStore &reader, HttpRequest &request, HttpWorkerPool::Afterwards &) {
                const qint64 start = startOf(request);
                qint64 limit = limitOf(request);
                const SmtpMatchCount all { reader.count(), reader.unreadCount() };
                if (limit == 0) // Mailpit: everything
                    limit = qMax<qint64>(all.messages, 1);
                QString error;
                const QList<SmtpMessageSummary> page = reader.summariesAt(QString(), start,
                    int(qMin<qint64>(limit, std::numeric_limits<int>::max())), {}, &error);
                if (!error.isEmpty())
                    return HttpResponse::text(500, error);
                return messagesSummary(reader, all.messages, all.unread, all, start, page);
            }));

    // Through the cache, the first pages of searches are read on from the last read
    // (MailpitSearchPages); a question about days changes with the clock, not with the store.
    const std::shared_ptr<MailpitSearchPages> pages
        = context.cache ? context.cache->searchPages() : nullptr;
    router.add("GET", QStringLiteral("/api/v1/search"),
        mailpitCachedReadRoute(context,
            [pages](SmtpMessageStore &reader, HttpRequest &request, HttpWorkerPool::Afterwards &) {
                const QString query = request.queryItem(QStringLiteral("query")).trimmed();
                if (query.isEmpty())
                    return HttpResponse::text(400, QStringLiteral("Error: no search query"));
                const SmtpSearchOptions options = mailpitSearchOptions(request);
                const qint64 start = startOf(request);
                const qint64 limit = limitOf(request); // 0: none (Mailpit)
                if (pages && start == 0 && limit > 0 && !MailpitReadCache::asksAboutDays(request))
                    return firstSearchPage(reader, query, options,
                        int(qMin<qint64>(limit, std::numeric_limits<int>::max())), *pages,
                        request.target);
                QString error;
                const SmtpMatchCount matches = reader.countMatching(query, options, &error);
                const QList<SmtpMessageSummary> page = error.isEmpty() && limit > 0
                    ? reader.summariesAt(query, start,
                        int(qMin<qint64>(limit, std::numeric_limits<int>::max())), options, &error)
                    : QList<SmtpMessageSummary>();
                if (!error.isEmpty())
                    return HttpResponse::text(400, error);
                return messagesSummary(
                    reader, reader.count(), reader.unreadCount(), matches, start, page);
            }));

    // The writes make the kept list and search answers stale at once (see MailpitReadCache).
    const QPointer<MailpitReadCache> cache = context.cache;
    const auto wrote = [cache] {
        if (cache)
            cache->invalidate();
    };

    router.add("DELETE", QStringLiteral("/api/v1/search"), [store, wrote](HttpRequest &request) {
        if (!store)
            return storeFailure();
        const QString query = request.queryItem(QStringLiteral("query")).trimmed();
        if (query.isEmpty())
            return HttpResponse::text(400, QStringLiteral("Error: no search query"));
        store->removeMatching(query, mailpitSearchOptions(request));
        wrote();
        return HttpResponse::ok();
    });

    router.add("PUT", QStringLiteral("/api/v1/messages"), [store, wrote](HttpRequest &request) {
        if (!store)
            return storeFailure();
        HttpResponse error;
        const std::optional<QJsonObject> body = jsonBody(request, &error);
        if (!body)
            return error;
        if (const QString wrong = fieldTypeError(*body, BodyFields::IdsReadSearch);
            !wrong.isEmpty())
            return HttpResponse::text(400, wrong);
        const QList<qint64> ids = idsOf(body->value(QLatin1String("IDs")).toArray());
        const bool hasIds = !body->value(QLatin1String("IDs")).toArray().isEmpty();
        const QString search = body->value(QLatin1String("Search")).toString().trimmed();
        const bool read = body->value(QLatin1String("Read")).toBool(false);
        if (hasIds && !search.isEmpty())
            return HttpResponse::text(
                400, QStringLiteral("You may specify either IDs or a search query, not both"));
        bool ok = true;
        if (!search.isEmpty())
            ok = store->setReadMatching(search, read, mailpitSearchOptions(request)) >= 0;
        else if (hasIds)
            ok = ids.isEmpty() || store->setRead(ids, read);
        else // neither, or IDs: [] (cypress-mailpit's "all")
            ok = store->setReadMatching(QString(), read) >= 0;
        wrote();
        return ok ? HttpResponse::ok() : storeFailure();
    });

    router.add("DELETE", QStringLiteral("/api/v1/messages"), [store, wrote](HttpRequest &request) {
        if (!store)
            return storeFailure();
        QList<qint64> ids;
        bool hasIds = false;
        if (!request.body.trimmed().isEmpty()) {
            HttpResponse error;
            const std::optional<QJsonObject> body = jsonBody(request, &error);
            if (!body) // a damaged request must not empty the mailbox
                return error;
            if (const QString wrong = fieldTypeError(*body, BodyFields::Ids); !wrong.isEmpty())
                return HttpResponse::text(400, wrong);
            const QJsonArray array = body->value(QLatin1String("IDs")).toArray();
            hasIds = !array.isEmpty();
            ids = idsOf(array);
        }
        bool ok = true;
        if (hasIds)
            ok = ids.isEmpty() || store->remove(ids);
        else // no body, {} or IDs: [] (what every client sends for "delete all")
            ok = store->clear();
        wrote();
        return ok ? HttpResponse::ok() : storeFailure();
    });

    // The server and the deletion counters are read here, on their thread; the store's figures
    // on a worker.
    router.add("GET", QStringLiteral("/api/v1/info"),
        [context, server, startedAt, deleted](HttpRequest &request) {
            const qint64 uptime
                = startedAt.isValid() ? startedAt.secsTo(QDateTime::currentDateTimeUtc()) : 0;
            const QJsonObject stats {
                { QStringLiteral("Uptime"), qMax<qint64>(0, uptime) },
                { QStringLiteral("Memory"), residentBytes() },
                { QStringLiteral("MessagesDeleted"), deleted->messages.load() },
                { QStringLiteral("SMTPAccepted"), server ? server->messageCount() : 0 },
                { QStringLiteral("SMTPAcceptedSize"), server ? server->byteCount() : 0 },
                // The server keeps no count of these.
                { QStringLiteral("SMTPRejected"), 0 },
                { QStringLiteral("SMTPIgnored"), 0 },
            };
            return mailpitReadRoute(context,
                [stats](SmtpMessageStore &reader, HttpRequest &, HttpWorkerPool::Afterwards &) {
                    return HttpResponse::json(QJsonObject {
                        { QStringLiteral("Version"), QStringLiteral(SMTPRECEIVERHTTP_VERSION) },
                        { QStringLiteral("LatestVersion"), QStringLiteral("disabled") },
                        { QStringLiteral("Database"), reader.path() },
                        { QStringLiteral("DatabaseSize"), reader.databaseSize() },
                        { QStringLiteral("Messages"), reader.count() },
                        { QStringLiteral("Unread"), reader.unreadCount() },
                        { QStringLiteral("Tags"), MailpitJson::tagCounts(reader) },
                        { QStringLiteral("Mailboxes"), mailboxesJson(reader) },
                        { QStringLiteral("RuntimeStats"), stats },
                    });
                })(request);
        });

    // Mailpit's list of tags: here the mailboxes other than Inbox that hold mail.
    router.add("GET", QStringLiteral("/api/v1/tags"),
        mailpitCachedReadRoute(
            context, [](SmtpMessageStore &reader, HttpRequest &, HttpWorkerPool::Afterwards &) {
                return HttpResponse::json(MailpitJson::allTags(reader));
            }));

    router.add("GET", QStringLiteral("/api/v1/webui"), [](HttpRequest &) {
        const QJsonObject relay {
            { QStringLiteral("Enabled"), false },
            { QStringLiteral("SMTPServer"), QString() },
            { QStringLiteral("ReturnPath"), QString() },
            { QStringLiteral("AllowedRecipients"), QString() },
            { QStringLiteral("BlockedRecipients"), QString() },
            { QStringLiteral("OverrideFrom"), QString() },
            { QStringLiteral("PreserveMessageIDs"), false },
            { QStringLiteral("RecipientAllowlist"), QString() },
        };
        return HttpResponse::json(QJsonObject {
            { QStringLiteral("Label"), QString() },
            { QStringLiteral("MessageRelay"), relay },
            { QStringLiteral("SpamAssassin"), false },
            { QStringLiteral("ChaosEnabled"), false },
            { QStringLiteral("DuplicatesIgnored"), false },
            { QStringLiteral("HideDeleteAllButton"), false },
        });
    });

    // 200 with an empty body; readyz only while the store is open.
    router.add("GET", QStringLiteral("/livez"), [](HttpRequest &) { return HttpResponse(); });
    router.add("GET", QStringLiteral("/readyz"), [store](HttpRequest &) {
        HttpResponse response;
        if (!store || !store->isOpen())
            response.status = 503;
        return response;
    });
}
