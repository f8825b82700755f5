// POST /api/v1/message/{ID}/release with {"To": ["a@b"]}: sends a stored message on to the
// relay (SmtpRelay) unchanged. 200 "ok" once the relay accepted it; 404 for no such message,
// before anything else is looked at; 400 when no relay is configured, a recipient is outside the
// allowed pattern or the body is wrong (nothing sent); 400 with the relay's reply, or why it
// could not be reached, when the release failed.
#include "httprouter.h"
#include "mailpitjson.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>
#include <smtprelay.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

void addMailpitReleaseRoute(
    HttpRouter &router, const MailpitContext &context, std::function<SmtpRelay *()> relay)
{
    QPointer<SmtpMessageStore> store(context.store);
    router.add("POST", QStringLiteral("/api/v1/message/{id}/release"),
        [store, relay](HttpRequest &request) -> HttpResponse {
            if (!store)
                return HttpResponse::text(503, QStringLiteral("no message store"));
            // The message first: an unknown ID is 404 whatever else is wrong. "latest" with
            // ?query= is the newest message that matches, as for the other routes of a message.
            HttpResponse unknown = HttpResponse::notFound();
            const qint64 id = mailpitMessageId(*store, request, &unknown);
            if (id <= 0)
                return unknown;
            if (!store->message(id))
                return HttpResponse::notFound();

            QJsonParseError parseError;
            const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
            if (!document.isObject())
                return HttpResponse::text(400, QStringLiteral("the body is not a JSON object"));
            const QJsonValue to = document.object().value(QLatin1String("To"));
            if (!to.isArray())
                return HttpResponse::text(400, QStringLiteral("To must be an array of addresses"));
            QStringList recipients;
            for (const QJsonValue &value : to.toArray()) {
                if (!value.isString())
                    return HttpResponse::text(
                        400, QStringLiteral("To must be an array of addresses"));
                const QString address = value.toString().trimmed();
                if (!address.isEmpty() && !recipients.contains(address))
                    recipients.append(address);
            }
            SmtpRelay *target = relay ? relay() : nullptr;
            if (!target || !target->isEnabled())
                return HttpResponse::text(400, QStringLiteral("no relay is configured"));
            if (const QString why = target->check(recipients); !why.isEmpty())
                return HttpResponse::text(400, why);

            QPointer<SmtpRelay> guarded(target);
            return HttpResponse::later([guarded, id, recipients](HttpResponse::Responder respond) {
                if (!guarded) {
                    respond(HttpResponse::text(503, QStringLiteral("the relay has stopped")));
                    return;
                }
                SmtpRelayJob *job = guarded->release(id, recipients);
                QObject::connect(job, &SmtpRelayJob::finished, job, [job, respond] {
                    if (job->isOk())
                        respond(HttpResponse::ok());
                    else
                        respond(HttpResponse::text(400, job->replyText()));
                });
            });
        });
}
