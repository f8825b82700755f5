// POST /api/v1/send: Mailpit's JSON send API. The message is built (mailpitsendmessage) and
// then takes the path of SMTP mail: the server's sinks and message() signal (rules do not
// apply), or the store alone when there is no server. The answer waits for the commit.
#include "httprouter.h"
#include "mailpitjson.h"
#include "mailpitroutes.h"
#include "mailpitsendmessage.h"

#include <smtpmessagestore.h>
#include <smtpserver.h>

#include <QJsonObject>
#include <QPointer>

#include <algorithm>

namespace {

// The server's name if it can stand after the '@' of a Message-ID, else "smtp-receiver".
QString messageIdDomain(const SmtpServer *server)
{
    const QString name = server ? server->hostname() : QString();
    if (name.isEmpty() || name.size() > 253)
        return QStringLiteral("smtp-receiver");
    for (const QChar c : name) {
        if (c.unicode() >= 0x80
            || !(c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('.')))
            return QStringLiteral("smtp-receiver");
    }
    return name;
}

HttpResponse stored(const SmtpMessage &message)
{
    return HttpResponse::json(
        QJsonObject { { QStringLiteral("ID"), MailpitJson::id(message.id()) } });
}

HttpResponse failed(const QString &why)
{
    return HttpResponse::text(
        503, QStringLiteral("the message could not be stored: %1").arg(why.simplified()));
}

// The message a built request makes: the SMTP envelope as a client would have sent it.
SmtpMessage messageOf(const MailpitSendMessage &built)
{
    SmtpMessage message;
    message.setReceivedAt(QDateTime::currentDateTimeUtc());
    message.setRemoteAddress(QString());
    message.setHelo(QString());
    message.setMailFrom(built.mailFrom);
    message.setRcptTos(built.rcptTos);
    message.setData(built.data);
    // As a client would have had to say over SMTP for these addresses.
    const auto isAscii = [](const QString &text) {
        return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
    };
    message.setSmtpUtf8(!isAscii(built.mailFrom)
        || !std::all_of(built.rcptTos.cbegin(), built.rcptTos.cend(), isAscii));
    // Tags are mailboxes (Inbox besides them is not one): the message goes into those whose
    // names are mailbox names; the others are ignored, as before.
    QStringList mailboxes;
    for (const QString &tag : built.tags)
        if (SmtpMessage::isValidMailboxName(tag))
            mailboxes.append(tag);
    mailboxes.sort();
    message.setMailboxes(mailboxes);
    return message;
}

// Stores message as SMTP mail is stored, and answers once it is committed (on the thread that
// owns the server and the store).
HttpResponse submit(const QPointer<SmtpMessageStore> &store, const QPointer<SmtpServer> &server,
    SmtpMessage message)
{
    return HttpResponse::later([store, server, message](HttpResponse::Responder respond) {
        if (server) {
            server->submit(
                message, server, [respond](const SmtpMessage &result, const QString &error) {
                    respond(error.isEmpty() ? stored(result) : failed(error));
                });
            return;
        }
        if (!store) {
            respond(HttpResponse::text(503, QStringLiteral("no message store")));
            return;
        }
        // The store answers from its own thread; the answer goes back to this one.
        store->deliver(message, [store, message, respond](const SmtpSinkResult &result) {
            QObject *target = store.data();
            if (!target)
                return;
            QMetaObject::invokeMethod(
                target,
                [message, respond, result] {
                    SmtpMessage saved = message;
                    saved.setId(result.id);
                    respond(result.ok ? stored(saved) : failed(result.errorString));
                },
                Qt::QueuedConnection);
        });
    });
}

} // namespace

void addMailpitSendRoute(HttpRouter &router, const MailpitContext &context)
{
    QPointer<SmtpMessageStore> store(context.store);
    QPointer<SmtpServer> server(context.server);
    QPointer<HttpWorkerPool> builders(context.builders);
    const bool hasServer = context.server != nullptr;
    router.add("POST", QStringLiteral("/api/v1/send"),
        [store, server, hasServer, builders](HttpRequest &request) -> HttpResponse {
            if (hasServer && !server)
                return HttpResponse::text(503, QStringLiteral("the SMTP server has stopped"));
            if (!store)
                return HttpResponse::text(503, QStringLiteral("no message store"));
            const qint64 limit
                = server ? server->maxMessageSize() : SmtpServerConfig::DefaultMaxMessageSize;
            // Reading the JSON and building the message (GMime) take time that grows with the
            // request: on a worker, not on this thread, which serves the SMTP sessions too. The
            // job sees values only; the QPointers are read back on this thread, in submit().
            HttpWorkerPool::Job job = [body = request.body, domain = messageIdDomain(server), limit,
                                          store, server](HttpWorkerPool::Afterwards &) {
                const MailpitSendMessage built = MailpitSendMessage::fromJson(body, domain);
                if (!built.isValid())
                    return HttpResponse::text(400, built.error);
                if (limit > 0 && built.data.size() > limit)
                    return HttpResponse::text(413,
                        QStringLiteral("the message is %1 bytes, over the limit of %2 bytes")
                            .arg(built.data.size())
                            .arg(limit));
                return submit(store, server, messageOf(built));
            };
            if (!builders)
                return HttpWorkerPool::runHere(job);
            return builders->run(std::move(job));
        });
}
