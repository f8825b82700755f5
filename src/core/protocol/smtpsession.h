// The SMTP server protocol as a pure state machine: bytes in, reply bytes and events out.
// No socket, no timer, no event loop: SmtpConnection drives it, tests and the fuzzer feed it.
//
// Events that need an answer (a recipient to decide, a message to store, a TLS handshake to run)
// block the session: it keeps buffering input but processes none of it until the answer comes,
// which keeps pipelined commands in order and gives back-pressure for free.
#pragma once

#include "smtpbodyspool.h"
#include "smtpcommand.h"
#include "smtpdatadecoder.h"
#include "smtplimits.h"
#include "smtpreceiver_global.h"
#include "smtpreply.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

// Failure injection: where in a transaction a failure may be injected.
enum class SmtpFailureStage {
    Mail, // MAIL FROM, once it parsed; compared with the sender
    Rcpt, // RCPT TO, once it parsed; compared with the recipient
    Data, // the end of the message body (DATA or BDAT LAST); compared with the sender
    Auth, // the end of an AUTH exchange; compared with the user name
};

// What the session answers instead of going on.
struct SmtpInjectedFailure
{
    SmtpReply reply;
    int delayMs = 0; // answer after this long (the session waits; see SmtpEvent::Type::Delay)
    bool disconnect = false; // close without any reply (after the delay)
};

struct SmtpSessionConfig
{
    enum class Auth {
        Off, // AUTH not offered
        AcceptAny, // offered; any credentials succeed; MAIL allowed without it
        Credentials, // offered; only these credentials; MAIL needs a successful AUTH
    };

    QByteArray hostname = "localhost";
    SmtpLimits limits;
    bool tlsAvailable = false; // STARTTLS can be offered (a certificate is configured)
    bool implicitTls = false; // the connection is already encrypted (SMTPS)
    bool requireTls = false;
    Auth auth = Auth::Off;
    QHash<QString, QString> credentials; // user -> password
    QByteArray cramMd5Nonce = "0"; // unique per session, part of the CRAM-MD5 challenge
    // Asked at each stage once the command is otherwise good; a failure is answered instead of
    // going on (the transaction or AUTH does not proceed, a body is not stored). Unset: never.
    std::function<std::optional<SmtpInjectedFailure>(SmtpFailureStage, const QString &)>
        injectFailure;
    // Asked at the end of an AUTH exchange whose credentials are good: a reply (a 535) refuses
    // that user name, as a failed AUTH is refused; none takes it. Unset: every name is taken.
    std::function<std::optional<SmtpReply>(const QString &user)> refuseAuthUser;
};

struct SmtpEnvelope
{
    QByteArray helo;
    QString mailFrom; // "" for the null reverse-path
    QStringList rcptTo;
    bool smtpUtf8 = false;
    SmtpMailArgument::Body body = SmtpMailArgument::Body::Unspecified;
    bool chunked = false; // received with BDAT
};

struct SmtpEvent
{
    enum class Type {
        Recipient, // RCPT: answer with acceptRecipient() or rejectRecipient()
        Verify, // VRFY: answered the same way
        Message, // body complete: answer with messageStored() or messageFailed()
        StartTls, // 220 queued: flush it, start the handshake, then call tlsStarted()
        Delay, // an injected failure waits: call delayElapsed() after delayMs
    };
    Type type;
    QString address; // Recipient / Verify
    SmtpEnvelope envelope; // Recipient (so far) / Message
    QByteArray data; // Message, when it stayed in memory
    std::shared_ptr<SmtpBodySpool> spool; // Message, when it went to a spool (data is then empty)
    qint64 size = 0; // Message: its octets, wherever they are
    int delayMs = 0; // Delay
};

class SMTPRECEIVER_TEST_EXPORT SmtpSession
{
public:
    enum class State {
        Greeting, // before start(): nothing is processed
        Command, // reading command lines
        AuthResponse, // reading a SASL response line
        Data, // reading a DATA body
        Chunk, // reading BDAT octets
        WaitRecipient, // a Recipient / Verify event is out
        WaitMessage, // a Message event is out
        WaitTls, // a StartTls event is out
        WaitDelay, // a Delay event is out
        Closed, // QUIT, error limit, timeout or shutdown: write what is left, then close
    };

    explicit SmtpSession(SmtpSessionConfig config);

    // Queues the 220 greeting and starts processing.
    void start();
    // Appends input and processes as much of it as the state allows.
    void feed(QByteArrayView bytes);

    QByteArray takeOutput() { return std::exchange(m_output, {}); }
    bool hasOutput() const { return !m_output.isEmpty(); }
    QList<SmtpEvent> takeEvents() { return std::exchange(m_events, {}); }
    // Where bodies past limits.memoryBodyLimit go; without one they stay in memory.
    void setBodySpooler(SmtpBodySpooler spooler) { m_spooler = std::move(spooler); }

    State state() const { return m_state; }
    bool isWaiting() const;
    bool isClosed() const { return m_state == State::Closed; }
    bool isTls() const { return m_tls; }
    QString authenticatedUser() const { return m_authUser; }
    QByteArray helo() const { return m_envelope.helo; }
    qsizetype bufferedInput() const { return m_input.size(); }

    // Answers to events
    void acceptRecipient(const QString &address);
    void rejectRecipient(const SmtpReply &reply);
    // No decision came in time: 451 4.3.0 to RCPT (try again later); 252 to VRFY, which may not
    // answer 4xx and whose 550 would say "no such mailbox" (RFC 5321 4.3.2, 3.5.3).
    void recipientUndecided();
    void messageStored(const QByteArray &queueId);
    void messageFailed(const SmtpReply &reply);
    void tlsStarted();
    void delayElapsed();

    // Conditions seen by the connection
    void idleTimeout();
    // Ends the session with 421 4.3.2; while a message is being stored, after its answer.
    void shutdown();
    // The client is gone: nothing more is read or written, and a body cut off goes with its spool.
    void disconnected();

private:
    void process();
    bool processLine();
    void processData();
    void processChunk();
    qsizetype consumeData(QByteArrayView input);
    qsizetype consumeChunk(QByteArrayView input);
    bool toSpool(qint64 buffered);
    void keepBody(QByteArray &buffer);
    void handleCommand(const SmtpCommand &command);
    void handleAuthResponse(const QByteArray &line);

    void onHelo(const SmtpCommand &command, bool extended);
    void onMail(const SmtpCommand &command);
    void onRcpt(const SmtpCommand &command);
    void onData(const SmtpCommand &command);
    void onBdat(const SmtpCommand &command);
    void onVrfy(const SmtpCommand &command);
    void onStartTls(const SmtpCommand &command);
    void onAuth(const SmtpCommand &command);
    bool credentialsValid(const QString &user, const QString &password) const;
    void finishAuth(const QString &user, bool valid);
    void finishBody(QByteArray data, qint64 size, bool overflowed);
    // The answer to the Message event: the client's reply, then the next command (or, after a
    // shutdown() that came meanwhile, the 421).
    void answerMessage(const SmtpReply &answer);
    // Asks config.injectFailure; true when a failure was answered (or is waiting for its delay).
    bool failureInjected(SmtpFailureStage stage, const QString &address);
    void answerFailure(const SmtpInjectedFailure &failure);

    void reply(const SmtpReply &reply);
    void badCommand(const SmtpReply &reply);
    void close(const SmtpReply &reply);
    void resetTransaction();
    bool authOffered() const;
    QList<QByteArray> extensions() const;
    qsizetype lineLimit() const;

    SmtpSessionConfig m_config;
    State m_state = State::Greeting;
    QByteArray m_input;
    qsizetype m_scanFrom = 0; // where to look for the next LF in m_input
    bool m_discardingLine = false;
    QByteArray m_output;
    QList<SmtpEvent> m_events;

    SmtpEnvelope m_envelope;
    bool m_inTransaction = false;
    bool m_ehlo = false;
    bool m_tls = false;
    bool m_verifying = false; // the pending Recipient event is a VRFY
    QString m_authUser;
    int m_badCommands = 0;
    bool m_shutdownAfterAnswer = false; // shutdown() came while a message was being stored

    SmtpDataDecoder m_decoder;
    // A body past the memory limit
    SmtpBodySpooler m_spooler;
    std::shared_ptr<SmtpBodySpool> m_spool;
    bool m_spoolFailed = false; // a write to the spool failed: 451 after the body
    bool m_noSpool = false; // the spooler had none for this body: it stays in memory
    // BDAT
    qint64 m_chunkRemaining = 0;
    bool m_chunkLast = false;
    bool m_chunkRejected = false; // octets are read and thrown away (error reply after them)
    SmtpReply m_chunkError;
    // A chunk of a message refused for its size, read away and answered as that was, and not
    // counted as a bad command; m_discardingChunks: up to that message's LAST chunk.
    bool m_chunkDiscarded = false;
    bool m_discardingChunks = false;
    QByteArray m_chunkData;
    qint64 m_chunkTotal = 0;
    bool m_chunkOverflow = false;

    // AUTH exchange
    enum class AuthStep { None, PlainResponse, LoginUser, LoginPassword, CramResponse };
    AuthStep m_authStep = AuthStep::None;
    QString m_loginUser;
    QByteArray m_cramChallenge;

    std::optional<SmtpInjectedFailure> m_pendingFailure; // while WaitDelay
};
