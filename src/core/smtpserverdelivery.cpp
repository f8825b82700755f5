// SmtpServer's delivery: each message handed to the sinks in order, the 250 once all kept it;
// on a failure the sinks that kept it take it back (the latest first) before the 451. Sinks may
// answer from threads of their own; the chain goes on on the server's thread.
#include "smtpserver.h"

#include "smtplog.h"
#include "smtpserver_p.h"

#include <QDir>
#include <QPointer>
#include <QThread>

void SmtpServerPrivate::deliver(
    const SmtpMessage &message, std::function<void(const SmtpSinkResult &)> done)
{
    Q_Q(SmtpServer);
    QPointer<SmtpServer> server(q);
    deliverFrom(0, message, [this, server, message, done](const SmtpSinkResult &result) {
        if (!server)
            return;
        if (result.ok) {
            SmtpMessage received = message;
            if (result.id)
                received.setId(result.id);
            if (result.dataSource && !received.isDataInMemory())
                received.setDataSource(result.dataSource, received.size());
            // The message event first: the 250 that done() sends now left a turn of the event
            // loop later before, and every handler of the event had seen the message by then.
            messageReceived(received);
            done(result);
        } else {
            qCWarning(lcSmtpSink) << "message not accepted:" << result.errorString;
            Q_EMIT server->errorOccurred(result.errorString);
            done(result);
        }
    });
}

namespace {

// Runs next on the server's thread: at once when called there, else queued to it (a sink may
// answer from a thread of its own); not at all once the server is gone.
void onServerThread(const QPointer<SmtpServer> &server, std::function<void()> next)
{
    if (!server)
        return;
    if (QThread::currentThread() == server->thread())
        next();
    else
        QMetaObject::invokeMethod(server.data(), std::move(next), Qt::QueuedConnection);
}

} // namespace

void SmtpServerPrivate::deliverFrom(qsizetype index, const SmtpMessage &message,
    const std::function<void(const SmtpSinkResult &)> &done)
{
    Q_Q(SmtpServer);
    if (index >= sinks.size()) {
        done(SmtpSinkResult::success(message.id()));
        return;
    }
    QPointer<SmtpServer> server(q);
    SmtpMessageSink *sink = sinks.at(index);
    sink->deliver(
        message, [this, server, sink, index, message, done](const SmtpSinkResult &result) {
            // Sinks may answer from their own thread; continue on the server's.
            auto next = [this, server, sink, index, message, done, result] {
                if (!server)
                    return;
                if (!result.ok) {
                    done(result);
                    return;
                }
                SmtpMessage updated = message;
                if (result.id)
                    updated.setId(result.id);
                // Unwinds through every sink that kept the message: on a later failure each
                // takes it back before the failure goes on to the one before it, so the 451
                // leaves once none of them keeps it (a retry would otherwise be kept twice).
                // The message is read back from where this sink kept it once every sink has it
                // (the later ones still read the spool, which is at hand).
                deliverFrom(index + 1, updated,
                    [this, sink, updated, result, done](const SmtpSinkResult &later) {
                        if (!later.ok) {
                            retract(sink, updated, result, [done, later] { done(later); });
                            return;
                        }
                        SmtpSinkResult merged = later;
                        if (!merged.dataSource)
                            merged.dataSource = result.dataSource;
                        done(merged);
                    });
            };
            onServerThread(server, std::move(next));
        });
}

void SmtpServerPrivate::retract(SmtpMessageSink *sink, const SmtpMessage &message,
    const SmtpSinkResult &kept, std::function<void()> then)
{
    Q_Q(SmtpServer);
    // A sink removed meanwhile may be gone: it is not asked, and whatever it kept stays.
    if (!sinks.contains(sink)) {
        qCWarning(lcSmtpSink) << "message" << message.id()
                              << "not taken back from a sink removed meanwhile";
        then();
        return;
    }
    QPointer<SmtpServer> server(q);
    sink->retract(message, kept, [server, message, then](const SmtpSinkResult &result) {
        auto next = [server, message, result, then] {
            if (!server)
                return;
            // The 451 is sent all the same: the message is not everywhere it should be, and the
            // client keeping it for another try is better than a 250 for a message half kept.
            // What this sink keeps, the retry may then keep again: said here, once.
            if (!result.ok) {
                qCWarning(lcSmtpSink) << "message" << message.id()
                                      << "refused but not taken back:" << result.errorString;
                Q_EMIT server->errorOccurred(result.errorString);
            }
            then();
        };
        onServerThread(server, std::move(next));
    });
}

void SmtpServerPrivate::messageReceived(const SmtpMessage &message)
{
    Q_Q(SmtpServer);
    ++messages;
    bytes += message.size();
    Q_EMIT q->messageCountChanged();
    Q_EMIT q->byteCountChanged();
    Q_EMIT q->message(message);
}

void SmtpServer::addMessageSink(SmtpMessageSink *sink)
{
    Q_D(SmtpServer);
    if (sink && !d->sinks.contains(sink))
        d->sinks.append(sink);
}

void SmtpServer::removeMessageSink(SmtpMessageSink *sink)
{
    d_func()->sinks.removeAll(sink);
}

QString SmtpServer::spoolDirectory() const
{
    const QString &path = d_func()->spoolDirectory;
    return path.isEmpty() ? QDir::tempPath() : path;
}

void SmtpServer::setSpoolDirectory(const QString &path)
{
    d_func()->spoolDirectory = path;
}

void SmtpServer::submit(const SmtpMessage &message, QObject *context,
    std::function<void(const SmtpMessage &stored, const QString &errorString)> done)
{
    Q_D(SmtpServer);
    SmtpMessage submitted = message;
    if (submitted.id() == 0)
        submitted.setId(d->nextMessageId());
    if (!submitted.receivedAt().isValid())
        submitted.setReceivedAt(QDateTime::currentDateTimeUtc());
    const bool guarded = context != nullptr;
    QPointer<QObject> target(context);
    d->deliver(submitted,
        [guarded, target, submitted, done = std::move(done)](const SmtpSinkResult &result) {
            if (!done || (guarded && !target))
                return;
            SmtpMessage stored;
            if (result.ok) {
                stored = submitted;
                if (result.id)
                    stored.setId(result.id);
            }
            const QString error = result.ok ? QString() : result.errorString;
            if (!guarded || QThread::currentThread() == target->thread())
                done(stored, error);
            else
                QMetaObject::invokeMethod(
                    target.data(), [done, stored, error] { done(stored, error); },
                    Qt::QueuedConnection);
        });
}
