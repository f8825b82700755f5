// The routes of one message's content: GET /api/v1/message/{ID} (the Message; marks it read),
// its /headers, /raw and /part/{PartID}, and /view/{ID}.html|.txt. {ID} is a store id or
// "latest" (with ?query=, the newest message that matches); any other spelling of a number than
// the ID's (MailpitJson::storeId) is an unknown ID.
#include "httprouter.h"
#include "mailpitjson.h"
#include "mailpitparts.h"
#include "mailpitreadcache.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>

#include <QFileInfo>
#include <QHash>
#include <QPointer>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>

bool isTimeZoneIdShape(const QString &id)
{
    // Qt reads an IANA id as a path under /usr/share/zoneinfo: "../" or a leading "/" would open
    // any file (a FIFO, /dev/stdin) and block the reading thread, Qt's zone cache lock held. The
    // longest IANA id is 32 characters.
    static const QRegularExpression iana(QRegularExpression::anchoredPattern(
        QStringLiteral("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z][A-Za-z0-9_+-]*)*")));
    static const QRegularExpression offset(
        QRegularExpression::anchoredPattern(QStringLiteral("UTC([+-][0-9]{2}(:[0-9]{2})?)?")));
    return id.size() <= 64 && (iana.match(id).hasMatch() || offset.match(id).hasMatch());
}

SmtpSearchOptions mailpitSearchOptions(const HttpRequest &request)
{
    SmtpSearchOptions options;
    options.lenient = true;
    const QString tz = request.queryItem(QStringLiteral("tz")).trimmed();
    // Only a zone this machine has: Qt keeps every id it was asked for (valid or not) for good,
    // so made-up ids would each cost memory. The file test finds the links that are no
    // canonical zone ("US/Pacific", "Etc/GMT+5"); the shape keeps it under the zone directory.
    if (isTimeZoneIdShape(tz)
        && (QTimeZone::isTimeZoneIdAvailable(tz.toUtf8())
            || QFileInfo(QStringLiteral("/usr/share/zoneinfo/") + tz).isFile())) {
        const QTimeZone zone(tz.toUtf8());
        if (zone.isValid())
            options.timeZone = zone;
    }
    return options;
}

qint64 mailpitMessageId(
    const SmtpMessageStore &store, const HttpRequest &request, HttpResponse *error)
{
    const QString text = request.parameter(QStringLiteral("id"));
    if (text == QLatin1String("latest")) {
        const QString query = request.queryItem(QStringLiteral("query"));
        QString errorString;
        const QList<SmtpMessageSummary> newest
            = store.summariesAt(query.isNull() ? QString() : query.trimmed(), 0, 1,
                mailpitSearchOptions(request), &errorString);
        if (!errorString.isEmpty()) {
            *error = HttpResponse::text(400, errorString);
            return 0;
        }
        if (newest.isEmpty()) {
            *error = HttpResponse::text(404, QStringLiteral("Message not found"));
            return 0;
        }
        return newest.constFirst().id;
    }
    const qint64 id = MailpitJson::storeId(text);
    if (id == 0)
        *error = HttpResponse::notFound();
    return id;
}

namespace {

using Afterwards = HttpWorkerPool::Afterwards;

// What mail content served from the API's origin may do: show itself, its inline images and
// styles; no scripts, no remote loads, no forms, no framing by other origins.
const QByteArray contentPolicy = "default-src 'none'; img-src 'self' data:; "
                                 "style-src 'unsafe-inline'; font-src 'self' data:; "
                                 "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
// The HTML view: that, in a sandbox, which also stops what CSP does not govern: a
// <meta http-equiv="refresh"> that would send the browser elsewhere (a read receipt, phishing),
// and gives the document an origin of its own. Links the user clicks still open, in a new tab
// too (as an ordinary page there).
const QByteArray viewPolicy
    = contentPolicy + "; sandbox allow-popups allow-popups-to-escape-sandbox";
// A part is mail content too: an HTML or SVG attachment opened in a browser must not run scripts
// on the API's origin (they could read every message through the API). A sandbox of its own.
const QByteArray partPolicy = contentPolicy + "; sandbox";

// The store id a route's {id} names; false with the answer to give when it names none.
bool resolveId(
    const MailpitContext &context, const HttpRequest &request, qint64 *id, HttpResponse *error)
{
    *id = mailpitMessageId(*context.store, request, error);
    return *id > 0;
}

// The stored message a route's {id} names; nullopt with the answer to give when none.
std::optional<SmtpStoredMessage> storedMessage(
    const MailpitContext &context, const HttpRequest &request, HttpResponse *error)
{
    qint64 id = 0;
    if (!resolveId(context, request, &id, error))
        return std::nullopt;
    std::optional<SmtpStoredMessage> message = context.store->message(id);
    if (!message)
        *error = HttpResponse::notFound();
    return message;
}

MailpitPartContent partReader(const MailpitContext &context, qint64 id)
{
    SmtpMessageStore *store = context.store;
    return [store, id](int partIndex) { return store->partContent(id, partIndex); };
}

// Every src="cid:x" (any attribute, any quote or none) pointing at a part of the message, made
// a URL of this API that serves that part.
QString rewriteContentIds(const QString &html, const SmtpStoredMessage &message)
{
    QHash<QString, QString> partIds; // Content-ID -> PartID, the first part that has it
    for (const MailpitParts::Section &section : MailpitParts::leaves(message.rootPart())) {
        const QString contentId = section.part.contentId();
        if (!contentId.isEmpty() && !partIds.contains(contentId))
            partIds.insert(contentId, section.partId);
    }
    if (partIds.isEmpty())
        return html;
    const QString prefix = QStringLiteral("/api/v1/message/") + QString::number(message.id())
        + QStringLiteral("/part/");
    QString out;
    qsizetype copied = 0;
    for (qsizetype at = html.indexOf(QLatin1String("cid:"), 0, Qt::CaseInsensitive); at >= 0;
         at = html.indexOf(QLatin1String("cid:"), at + 4, Qt::CaseInsensitive)) {
        qsizetype before = at - 1;
        if (before >= 0
            && (html.at(before) == QLatin1Char('"') || html.at(before) == QLatin1Char('\'')))
            --before;
        while (before >= 0 && html.at(before).isSpace())
            --before;
        if (before < 0 || html.at(before) != QLatin1Char('='))
            continue;
        qsizetype end = at + 4;
        while (end < html.size() && !html.at(end).isSpace() && html.at(end) != QLatin1Char('"')
            && html.at(end) != QLatin1Char('\'') && html.at(end) != QLatin1Char('>'))
            ++end;
        const QString contentId = html.sliced(at + 4, end - at - 4);
        QString partId = partIds.value(contentId);
        if (partId.isEmpty())
            partId = partIds.value(QUrl::fromPercentEncoding(contentId.toUtf8()));
        if (partId.isEmpty())
            continue;
        out += QStringView(html).sliced(copied, at - copied);
        out += prefix + partId;
        copied = end;
    }
    if (copied == 0)
        return html;
    out += QStringView(html).sliced(copied);
    return out;
}

HttpResponse getMessage(const MailpitContext &context, HttpRequest &request, Afterwards &afterwards)
{
    HttpResponse error;
    const std::optional<SmtpStoredMessage> message = storedMessage(context, request, &error);
    if (!message)
        return error;
    const qint64 id = message->id();
    if (!message->summary().read) { // a write: on the dispatching thread
        SmtpMessageStore *store = context.store;
        const QPointer<MailpitReadCache> cache = context.cache;
        afterwards = [store, cache, id] {
            store->setRead({ id }, true);
            if (cache)
                cache->invalidate();
        };
    }
    return HttpResponse::json(MailpitJson::message(*message, partReader(context, id)));
}

HttpResponse getHeaders(const MailpitContext &context, HttpRequest &request, Afterwards &)
{
    qint64 id = 0;
    HttpResponse error;
    if (!resolveId(context, request, &id, &error))
        return error;
    const QByteArray raw = context.store->rawData(id);
    if (raw.isEmpty() && !context.store->message(id))
        return HttpResponse::notFound();
    return HttpResponse::json(MailpitJson::headers(raw));
}

HttpResponse getRaw(const MailpitContext &context, HttpRequest &request, Afterwards &)
{
    qint64 id = 0;
    HttpResponse error;
    if (!resolveId(context, request, &id, &error))
        return error;
    HttpResponse response;
    response.body = context.store->rawData(id);
    if (response.body.isEmpty() && !context.store->message(id))
        return HttpResponse::notFound();
    response.contentType = "text/plain; charset=utf-8";
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (request.queryItem(QStringLiteral("dl")) == QLatin1String("1"))
        response.setHeader(
            "Content-Disposition", "attachment; filename=\"" + QByteArray::number(id) + ".eml\"");
    return response;
}

HttpResponse getPart(const MailpitContext &context, HttpRequest &request, Afterwards &)
{
    HttpResponse error;
    const std::optional<SmtpStoredMessage> message = storedMessage(context, request, &error);
    if (!message)
        return error;
    const SmtpMimePart part
        = MailpitParts::leaf(message->rootPart(), request.parameter(QStringLiteral("part")));
    if (!part.isValid())
        return HttpResponse::notFound();
    bool ok = false;
    HttpResponse response;
    response.body = context.store->partContent(message->id(), part.partId(), &ok);
    if (!ok)
        return HttpResponse::notFound();
    response.contentType = part.contentType().isEmpty() ? QByteArray("application/octet-stream")
                                                        : part.contentType().toLatin1();
    const QString name = part.fileName().isEmpty() ? part.contentId() : part.fileName();
    response.setHeader(
        "Content-Disposition", "inline; filename=\"" + QUrl::toPercentEncoding(name) + '"');
    response.setHeader("Content-Security-Policy", partPolicy);
    response.setHeader("X-Content-Type-Options", "nosniff");
    return response;
}

HttpResponse viewHtml(const MailpitContext &context, HttpRequest &request, Afterwards &)
{
    HttpResponse error;
    const std::optional<SmtpStoredMessage> message = storedMessage(context, request, &error);
    if (!message)
        return error;
    const MailpitBodies bodies = MailpitJson::bodies(*message, partReader(context, message->id()));
    if (!bodies.hasHtml)
        return HttpResponse::notFound();
    HttpResponse response;
    response.contentType = "text/html; charset=utf-8";
    response.body = rewriteContentIds(bodies.html, *message).toUtf8();
    response.setHeader("Content-Security-Policy", viewPolicy);
    response.setHeader("X-Content-Type-Options", "nosniff");
    return response;
}

HttpResponse viewText(const MailpitContext &context, HttpRequest &request, Afterwards &)
{
    HttpResponse error;
    const std::optional<SmtpStoredMessage> message = storedMessage(context, request, &error);
    if (!message)
        return error;
    const MailpitBodies bodies = MailpitJson::bodies(*message, partReader(context, message->id()));
    HttpResponse response;
    response.contentType = "text/plain; charset=utf-8";
    response.body = bodies.text.toUtf8();
    response.setHeader("X-Content-Type-Options", "nosniff");
    return response;
}

} // namespace

void addMailpitMessageRoutes(HttpRouter &router, const MailpitContext &context)
{
    // Each reads on a worker (see MailpitContext::readers).
    using Route = HttpResponse (*)(const MailpitContext &, HttpRequest &, Afterwards &);
    const std::pair<const char *, Route> routes[] = {
        { "/api/v1/message/{id}", getMessage },
        { "/api/v1/message/{id}/headers", getHeaders },
        { "/api/v1/message/{id}/raw", getRaw },
        { "/api/v1/message/{id}/part/{part}", getPart },
        { "/view/{id}.html", viewHtml },
        { "/view/{id}.txt", viewText },
    };
    for (const auto &[pattern, route] : routes) {
        router.add("GET", QLatin1String(pattern),
            mailpitReadRoute(context,
                [context, route = route](SmtpMessageStore &, HttpRequest &request,
                    Afterwards &afterwards) { return route(context, request, afterwards); }));
    }
}
