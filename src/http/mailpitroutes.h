// The routes of Mailpit's /api/v1 (and /view, /livez, /readyz), in three groups that live in
// files of their own: the list and search side, one message's content, and the send API.
#pragma once

#include "httprouter.h"
#include "httpworkerpool.h"
#include "smtpreceiverhttp_global.h"

#include <smtpmessagestore.h>

#include <QDateTime>
#include <QString>

#include <functional>

class MailpitReadCache;
class SmtpMessageStore;
class SmtpServer;
class SmtpRelay;

// Whether text has the shape of a time zone id that may be handed to QTimeZone: an IANA name,
// segments of [A-Za-z][A-Za-z0-9_+-]* joined by "/" ("Europe/Berlin", "Etc/GMT+5"), or "UTC",
// "UTC+HH", "UTC-HH:MM"; at most 64 characters. Nothing else is ever given to QTimeZone, which
// opens an IANA id as a file below the zoneinfo directory.
SMTPRECEIVERHTTP_TEST_EXPORT bool isTimeZoneIdShape(const QString &text);
// Mailpit's reading of a search query (lenient: values it cannot read are ignored), with the zone
// of ?tz= (an unknown zone, or a value not of that shape, is ignored, as there).
SMTPRECEIVERHTTP_TEST_EXPORT SmtpSearchOptions mailpitSearchOptions(const HttpRequest &request);
// The store id a route's {id} names: a message's ID, or "latest", the newest message (with
// ?query=, the newest that matches it, read as the search route reads it). 0 with the answer to
// give (404, or 400 for a query that cannot be read) when it names none. Whether a message of
// that id exists is the caller's to find out.
SMTPRECEIVERHTTP_TEST_EXPORT qint64 mailpitMessageId(
    const SmtpMessageStore &store, const HttpRequest &request, HttpResponse *error);

// What the routes work on. The store is required; the server is optional (without it the send
// API stores straight into the store, and the statistics read 0).
struct MailpitContext
{
    SmtpMessageStore *store = nullptr;
    SmtpServer *server = nullptr;
    QDateTime startedAt; // for RuntimeStats.Uptime
    // Where the routes that only read the store run: on these workers when given (and the store
    // is open), else on the thread that dispatches.
    HttpWorkerPool *readers = nullptr;
    // Keeps the answers of the list and search routes while the store has not changed (none:
    // every request reads).
    MailpitReadCache *cache = nullptr;
    // Where the send API reads its JSON and builds the message: on these workers when given,
    // else on the thread that dispatches.
    HttpWorkerPool *builders = nullptr;
};

// A route that reads the store and builds its answer; it may run on a worker thread, so it
// touches nothing but the store's reads and its own request. A write it needs (marking read)
// goes into afterwards, which runs on the dispatching thread before the answer is sent.
using MailpitRead = std::function<HttpResponse(
    SmtpMessageStore &store, HttpRequest &request, HttpWorkerPool::Afterwards &afterwards)>;
// The handler that runs read as the context says (above); 500 when the store has gone.
SMTPRECEIVERHTTP_TEST_EXPORT HttpRouter::Handler mailpitReadRoute(
    const MailpitContext &context, MailpitRead read);
// The same, answered through the context's cache when there is one.
SMTPRECEIVERHTTP_TEST_EXPORT HttpRouter::Handler mailpitCachedReadRoute(
    const MailpitContext &context, MailpitRead read);

// GET|PUT|DELETE /api/v1/messages, GET|DELETE /api/v1/search, /api/v1/info, /api/v1/webui,
// /livez, /readyz (mailpitlistroutes.cpp).
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitListRoutes(
    HttpRouter &router, const MailpitContext &context);
// GET /api/v1/message/{ID}[/headers|/raw|/part/{PartID}], /view/{ID}.html|.txt
// (mailpitmessageroutes.cpp).
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitMessageRoutes(
    HttpRouter &router, const MailpitContext &context);
// GET|PUT /api/v1/chaos: Mailpit's chaos triggers over the server's fail rules
// (mailpitchaosroute.cpp).
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitChaosRoute(
    HttpRouter &router, const MailpitContext &context);
// POST /api/v1/send (mailpitsendroute.cpp).
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitSendRoute(
    HttpRouter &router, const MailpitContext &context);
// GET /api/events without a WebSocket upgrade: 400, as Mailpit answers (mailpitevents.cpp). The
// upgrades never reach a route: the transport hands them to the WebSocket server. Being a route,
// the path also gets the 405 of other methods, as every known path does.
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitEventsRoute(HttpRouter &router);
// POST /api/v1/message/{ID}/release (mailpitreleaseroute.cpp). relay gives the relay at the
// time of the request (none, or one not enabled: 400).
SMTPRECEIVERHTTP_TEST_EXPORT void addMailpitReleaseRoute(
    HttpRouter &router, const MailpitContext &context, std::function<SmtpRelay *()> relay);
