// libFuzzer target over SmtpSession::feed(): arbitrary bytes from an arbitrary client, in
// arbitrary chunks, with every kind of answer to the session's events. Checks that the session
// never crashes, never writes anything but well-formed replies, and never buffers without bound.
#include "fuzzcheck.h"
#include "smtpsession.h"

#include <cstdint>

namespace {

// Every reply line is "DDD" then " " or "-" and ends in CRLF; nothing else is ever written.
void checkWire(const QByteArray &out)
{
    qsizetype pos = 0;
    while (pos < out.size()) {
        const qsizetype end = out.indexOf("\r\n", pos);
        check(end >= pos + 4);
        check(out.at(pos) >= '2' && out.at(pos) <= '5');
        for (int i = 1; i < 3; ++i)
            check(out.at(pos + i) >= '0' && out.at(pos + i) <= '9');
        check(out.at(pos + 3) == ' ' || out.at(pos + 3) == '-');
        check(out.sliced(pos, end - pos).indexOf('\n') < 0);
        pos = end + 2;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t flags = data[0];
    const uint8_t chunking = data[1];
    data += 2;
    size -= 2;

    SmtpSessionConfig config;
    config.hostname = "fuzz.test";
    config.tlsAvailable = flags & 1;
    config.requireTls = (flags & 2) && config.tlsAvailable;
    config.auth = static_cast<SmtpSessionConfig::Auth>((flags >> 2) % 3);
    config.credentials.insert(QStringLiteral("user"), QStringLiteral("pass"));
    config.limits.maxMessageSize = (flags & 32) ? 64 : 4096;
    config.limits.maxRecipients = 4;
    if (flags & 64) {
        // Failure injection, struck by some addresses: a reply, a late reply or a hang-up.
        config.injectFailure
            = [](SmtpFailureStage, const QString &address) -> std::optional<SmtpInjectedFailure> {
            if (address.size() % 3 != 0)
                return std::nullopt;
            return SmtpInjectedFailure { SmtpReply::rejection(451, "injected"),
                address.size() % 2 ? 10 : 0, address.size() % 7 == 0 };
        };
    }

    SmtpSession session(config);
    session.start();
    checkWire(session.takeOutput());

    const qsizetype step = qsizetype(chunking % 64) + 1;
    int answer = 0;
    for (size_t pos = 0; pos < size; pos += size_t(step)) {
        const qsizetype n = qsizetype(qMin<size_t>(size_t(step), size - pos));
        session.feed(QByteArrayView(reinterpret_cast<const char *>(data + pos), n));
        // Answer events the way a server might, varying with the input.
        for (int rounds = 0; rounds < 1000; ++rounds) {
            const QList<SmtpEvent> events = session.takeEvents();
            if (events.isEmpty())
                break;
            for (const SmtpEvent &event : events) {
                ++answer;
                switch (event.type) {
                case SmtpEvent::Type::Recipient:
                case SmtpEvent::Type::Verify:
                    if (answer % 5 == 0)
                        session.recipientUndecided();
                    else if (answer % 3)
                        session.acceptRecipient(event.address);
                    else
                        session.rejectRecipient(SmtpReply::rejection(553, "no"));
                    break;
                case SmtpEvent::Type::Message:
                    check(event.data.size() <= config.limits.maxMessageSize);
                    if (answer % 4)
                        session.messageStored("1");
                    else
                        session.messageFailed(SmtpReply::localError());
                    break;
                case SmtpEvent::Type::StartTls:
                    session.tlsStarted();
                    break;
                case SmtpEvent::Type::Delay:
                    session.delayElapsed();
                    break;
                }
            }
        }
        checkWire(session.takeOutput());
        // Input is only kept while the session waits or within the longest line it allows.
        check(session.isWaiting() || session.bufferedInput() <= config.limits.authLineLength + 1
            || session.state() == SmtpSession::State::Data
            || session.state() == SmtpSession::State::Chunk);
    }
    session.idleTimeout();
    checkWire(session.takeOutput());
    check(session.isClosed());
    return 0;
}
