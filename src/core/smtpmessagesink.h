// Where a received message goes before the client hears "250": the acknowledgement hook.
// The server hands each complete message to every registered sink in order and sends the 250
// only after all of them confirmed; one failure answers 451 4.3.0 and the message is not reported
// as received. A 451 means the message was not kept: before it is sent, every sink that had
// already kept the message is asked to take it back (retract()), the latest first, so that the
// client's retry makes no duplicate. The durable store and Maildir delivery are sinks.
#pragma once

#include "smtpmessage.h"
#include "smtpreceiver_global.h"

#include <functional>

struct SMTPRECEIVER_EXPORT SmtpSinkResult
{
    bool ok = true;
    QString errorString; // why it failed; logged, never sent to the client verbatim
    qint64 id = 0; // a sink that assigns ids (the store) sets it; 0 keeps the message's id
    // A sink that keeps the bytes (the store) may say how to read them back: a message whose bytes
    // are not in memory then reads them from there, not from the file it was spooled to.
    SmtpMessage::DataSource dataSource;
    // Where this sink kept the message (the Maildir sink: the file), for its own retract(); the
    // server hands it back and reads nothing else into it.
    QString location;

    static SmtpSinkResult success(qint64 assignedId = 0)
    {
        return { true, {}, assignedId, {}, {} };
    }
    static SmtpSinkResult failure(const QString &why) { return { false, why, 0, {}, {} }; }
};

class SMTPRECEIVER_EXPORT SmtpMessageSink
{
public:
    // Called from the server's thread; may be called exactly once, from any thread, now or later.
    using Completion = std::function<void(const SmtpSinkResult &)>;

    virtual ~SmtpMessageSink();
    // Takes the message (cheap: implicitly shared) and reports back through done.
    virtual void deliver(const SmtpMessage &message, Completion done) = 0;
    // Takes back a message this sink kept, because a sink after it failed: the client is about
    // to hear 451 and will send it again. message is the one deliver() was given, with the id
    // this sink assigned; kept is what deliver() answered. done as for deliver(); the 451 waits
    // for it. A failure is logged (the message then stays here), never sent to the client. The
    // default has nothing to take back.
    virtual void retract(const SmtpMessage &message, const SmtpSinkResult &kept, Completion done);
};
