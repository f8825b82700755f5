#include "smtpsession.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

namespace {

QByteArray base64(const QByteArray &text)
{
    return text.toBase64();
}

// RFC 4954: "=" is an empty response; anything that is not strict base64 is refused.
std::optional<QByteArray> decodeSasl(const QByteArray &text)
{
    if (text == "=")
        return QByteArray();
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    uchar diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= uchar(a.at(i)) ^ uchar(b.at(i));
    return diff == 0;
}

// A body is decoded and handed on in slices of at most this many octets, so that what waits in
// memory for the spool stays small even when a client's bytes arrive a megabyte at a time.
constexpr qsizetype bodySlice = 256 * 1024;

// With --require-tls, before STARTTLS everything else is answered 530 (contract.md), a command
// the session does not know too.
bool allowedBeforeTls(SmtpCommand::Verb verb)
{
    using V = SmtpCommand::Verb;
    return verb == V::Ehlo || verb == V::Helo || verb == V::Noop || verb == V::Rset
        || verb == V::StartTls || verb == V::Quit;
}

} // namespace

SmtpSession::SmtpSession(SmtpSessionConfig config)
    : m_config(std::move(config))
    , m_tls(m_config.implicitTls)
{ }

void SmtpSession::start()
{
    if (m_state != State::Greeting)
        return;
    reply(SmtpReply::greeting(m_config.hostname));
    m_state = State::Command;
    process();
}

bool SmtpSession::isWaiting() const
{
    return m_state == State::WaitRecipient || m_state == State::WaitMessage
        || m_state == State::WaitTls || m_state == State::WaitDelay;
}

void SmtpSession::feed(QByteArrayView bytes)
{
    // Plaintext that arrives after STARTTLS was accepted is an injection attempt: never run it.
    if (m_state == State::Closed || m_state == State::WaitTls)
        return;
    // Body octets go from the caller's buffer straight to the decoder: copying megabytes into
    // m_input first would only hold them twice. What follows the body is kept as usual.
    while (m_input.isEmpty() && !bytes.isEmpty()
        && (m_state == State::Data || m_state == State::Chunk)) {
        const qsizetype used = m_state == State::Data ? consumeData(bytes) : consumeChunk(bytes);
        bytes = bytes.sliced(used);
    }
    if (!bytes.isEmpty())
        m_input.append(bytes.data(), bytes.size());
    process();
}

void SmtpSession::process()
{
    for (;;) {
        switch (m_state) {
        case State::Command:
        case State::AuthResponse:
            if (!processLine())
                return;
            break;
        case State::Data:
            processData();
            if (m_state == State::Data)
                return;
            break;
        case State::Chunk:
            processChunk();
            if (m_state == State::Chunk)
                return;
            break;
        case State::Greeting:
        case State::WaitRecipient:
        case State::WaitMessage:
        case State::WaitTls:
        case State::WaitDelay:
        case State::Closed:
            return;
        }
    }
}

qsizetype SmtpSession::lineLimit() const
{
    return m_state == State::AuthResponse ? m_config.limits.authLineLength
                                          : m_config.limits.commandLineLength;
}

bool SmtpSession::processLine()
{
    if (m_discardingLine) {
        const qsizetype lf = m_input.indexOf('\n');
        if (lf < 0) {
            m_input.clear();
            return false;
        }
        m_input.remove(0, lf + 1);
        m_discardingLine = false;
        if (m_state == State::AuthResponse) {
            // As for a too-long response read in one piece: the exchange is over, so the next
            // line is a command, not a SASL response.
            m_state = State::Command;
            m_authStep = AuthStep::None;
        }
        badCommand(SmtpReply::lineTooLong());
        return true;
    }

    const qsizetype lf = m_input.indexOf('\n', m_scanFrom);
    if (lf < 0) {
        // The longest line any state allows is an AUTH line; beyond it, stop keeping octets.
        if (m_input.size() > m_config.limits.authLineLength) {
            m_input.clear();
            m_discardingLine = true;
        }
        m_scanFrom = m_input.size();
        return false;
    }
    m_scanFrom = 0;
    const qsizetype lineLength = lf + 1; // the terminator counts, as in RFC 5321 4.5.3.1.4
    QByteArray line = m_input.left(lf);
    m_input.remove(0, lineLength);
    if (line.endsWith('\r'))
        line.chop(1);

    if (m_state == State::AuthResponse) {
        if (lineLength > m_config.limits.authLineLength) {
            m_state = State::Command;
            m_authStep = AuthStep::None;
            badCommand(SmtpReply::lineTooLong());
        } else {
            handleAuthResponse(line);
        }
        return true;
    }

    const SmtpCommand command = SmtpCommand::parse(line);
    const qsizetype limit = command.verb == SmtpCommand::Verb::Auth
        ? m_config.limits.authLineLength
        : m_config.limits.commandLineLength;
    if (lineLength > limit) {
        badCommand(SmtpReply::lineTooLong());
        return true;
    }
    handleCommand(command);
    return true;
}

void SmtpSession::handleCommand(const SmtpCommand &command)
{
    using V = SmtpCommand::Verb;
    if (command.verb != V::Bdat)
        m_discardingChunks = false; // the client has gone on: chunks are judged as usual again
    if (m_config.requireTls && !m_tls && !allowedBeforeTls(command.verb)) {
        const SmtpBdatArgument chunk = command.verb == V::Bdat
            ? SmtpBdatArgument::parse(command.argument)
            : SmtpBdatArgument();
        if (chunk.valid) {
            // The chunk's octets follow the command: read them away before the 530, as for a
            // BDAT out of sequence, so that none of them runs as a command.
            m_chunkRemaining = chunk.size;
            m_chunkLast = chunk.last;
            m_chunkRejected = true;
            m_chunkError = SmtpReply::tlsRequired();
            m_state = State::Chunk;
            return;
        }
        // An unknown command still counts towards the bad commands that end a session.
        if (command.verb == V::Unknown)
            badCommand(SmtpReply::tlsRequired());
        else
            reply(SmtpReply::tlsRequired());
        return;
    }
    switch (command.verb) {
    case V::Helo:
        onHelo(command, false);
        break;
    case V::Ehlo:
        onHelo(command, true);
        break;
    case V::Mail:
        onMail(command);
        break;
    case V::Rcpt:
        onRcpt(command);
        break;
    case V::Data:
        onData(command);
        break;
    case V::Bdat:
        onBdat(command);
        break;
    case V::Rset:
        if (command.hasArgument) {
            badCommand(SmtpReply::syntax("RSET takes no argument"));
            return;
        }
        resetTransaction();
        reply(SmtpReply::ok());
        break;
    case V::Noop:
        reply(SmtpReply::ok()); // RFC 5321 4.1.1.9: any argument is ignored
        break;
    case V::Quit:
        if (command.hasArgument) {
            badCommand(SmtpReply::syntax("QUIT takes no argument"));
            return;
        }
        close(SmtpReply::bye());
        break;
    case V::Vrfy:
        onVrfy(command);
        break;
    case V::Expn:
        reply(SmtpReply::notImplemented("EXPN is not supported"));
        break;
    case V::Help:
        reply(SmtpReply::help());
        break;
    case V::StartTls:
        onStartTls(command);
        break;
    case V::Auth:
        onAuth(command);
        break;
    case V::Unknown:
        badCommand(SmtpReply::unrecognized());
        break;
    }
}

void SmtpSession::onHelo(const SmtpCommand &command, bool extended)
{
    if (!command.hasArgument) {
        badCommand(SmtpReply::syntax(extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
        return;
    }
    resetTransaction(); // RFC 5321 4.1.4: a second EHLO resets like RSET
    // "HELO  name": extra spaces before the name must not make the name empty.
    const QByteArray argument = command.argument.trimmed();
    const qsizetype space = argument.indexOf(' ');
    m_envelope.helo = space < 0 ? argument : argument.left(space);
    m_ehlo = extended;
    reply(extended ? SmtpReply::ehlo(m_config.hostname, m_envelope.helo, extensions())
                   : SmtpReply::helo(m_config.hostname, m_envelope.helo));
}

QList<QByteArray> SmtpSession::extensions() const
{
    QList<QByteArray> list { "PIPELINING",
        "SIZE " + QByteArray::number(m_config.limits.maxMessageSize), "8BITMIME", "SMTPUTF8",
        "ENHANCEDSTATUSCODES", "CHUNKING" };
    if (m_config.tlsAvailable && !m_tls)
        list << "STARTTLS";
    if (authOffered())
        list << "AUTH PLAIN LOGIN CRAM-MD5";
    list << "HELP";
    return list;
}

bool SmtpSession::authOffered() const
{
    return m_config.auth != SmtpSessionConfig::Auth::Off && (!m_config.requireTls || m_tls);
}

void SmtpSession::onMail(const SmtpCommand &command)
{
    if (m_inTransaction) {
        badCommand(SmtpReply::badSequence("Nested MAIL command"));
        return;
    }
    if (m_config.auth == SmtpSessionConfig::Auth::Credentials && m_authUser.isEmpty()) {
        reply(SmtpReply::authRequired());
        return;
    }
    const SmtpMailArgument argument = SmtpMailArgument::parse(command.argument, m_config.limits);
    if (argument.error) {
        if (argument.error->code == 552)
            reply(*argument.error); // a refusal, not a mistake of the client
        else
            badCommand(*argument.error);
        return;
    }
    if (failureInjected(SmtpFailureStage::Mail, argument.reversePath))
        return;
    m_inTransaction = true;
    m_envelope.mailFrom = argument.reversePath;
    m_envelope.smtpUtf8 = argument.smtpUtf8;
    m_envelope.body = argument.body;
    m_envelope.rcptTo.clear();
    reply(SmtpReply::senderOk());
}

void SmtpSession::onRcpt(const SmtpCommand &command)
{
    if (!m_inTransaction) {
        badCommand(SmtpReply::badSequence("Need MAIL before RCPT"));
        return;
    }
    const SmtpRcptArgument argument
        = SmtpRcptArgument::parse(command.argument, m_envelope.smtpUtf8, m_config.limits);
    if (argument.error) {
        badCommand(*argument.error);
        return;
    }
    if (m_envelope.rcptTo.size() >= m_config.limits.maxRecipients) {
        reply(SmtpReply::tooManyRecipients());
        return;
    }
    if (failureInjected(SmtpFailureStage::Rcpt, argument.forwardPath))
        return;
    m_verifying = false;
    m_state = State::WaitRecipient;
    m_events.append({ SmtpEvent::Type::Recipient, argument.forwardPath, m_envelope, {}, {}, 0 });
}

void SmtpSession::onVrfy(const SmtpCommand &command)
{
    if (!command.hasArgument) {
        badCommand(SmtpReply::syntax("Syntax: VRFY address"));
        return;
    }
    // VRFY takes a mailbox or a bare user name (RFC 5321 3.5.3); a path in brackets is unwrapped.
    QString address = QString::fromUtf8(command.argument);
    if (command.argument.startsWith('<')) {
        const SmtpPath path
            = SmtpPath::parse(command.argument, SmtpPath::Kind::ForwardPath, true, m_config.limits);
        if (!path.isValid() || path.consumed != command.argument.size()) {
            badCommand(SmtpReply::badRecipientSyntax());
            return;
        }
        address = path.mailbox;
    }
    m_verifying = true;
    m_state = State::WaitRecipient;
    m_events.append({ SmtpEvent::Type::Verify, address, m_envelope, {}, {}, 0 });
}

void SmtpSession::acceptRecipient(const QString &address)
{
    if (m_state != State::WaitRecipient)
        return;
    m_state = State::Command;
    if (m_verifying) {
        reply(SmtpReply::verifyAccepted(address.toUtf8()));
    } else {
        m_envelope.rcptTo.append(address);
        reply(SmtpReply::recipientOk());
    }
    process();
}

void SmtpSession::rejectRecipient(const SmtpReply &rejection)
{
    if (m_state != State::WaitRecipient)
        return;
    m_state = State::Command;
    // VRFY has no temporary failure but 421 (RFC 5321 4.3.2: 550, 551, 553, 502, 504): a rule's
    // 4xx (a recipient to try again later) says "no such mailbox" there.
    const bool temporary = rejection.code >= 400 && rejection.code < 500 && rejection.code != 421;
    reply(m_verifying && temporary ? SmtpReply::rejection(550, {}) : rejection);
    process();
}

void SmtpSession::recipientUndecided()
{
    if (m_state != State::WaitRecipient)
        return;
    m_state = State::Command;
    reply(m_verifying ? SmtpReply::verifyUndecided() : SmtpReply::recipientUnanswered());
    process();
}

void SmtpSession::onData(const SmtpCommand &command)
{
    if (command.hasArgument) {
        badCommand(SmtpReply::syntax("DATA takes no argument"));
        return;
    }
    if (!m_inTransaction) {
        badCommand(SmtpReply::badSequence("Need MAIL before DATA"));
        return;
    }
    if (m_envelope.rcptTo.isEmpty()) {
        badCommand(SmtpReply::badSequence("Need RCPT before DATA"));
        return;
    }
    if (m_envelope.chunked) {
        badCommand(SmtpReply::badSequence("DATA after BDAT in one transaction"));
        return;
    }
    reply(SmtpReply::startData());
    m_decoder.reset(m_config.limits.maxMessageSize);
    m_spool.reset();
    m_spoolFailed = false;
    m_noSpool = false;
    m_state = State::Data;
}

void SmtpSession::processData()
{
    m_input.remove(0, consumeData(m_input));
}

// Decodes body octets and keeps them (in memory or in the spool); at the end of the body hands the
// message on. Returns how many octets of input were used.
qsizetype SmtpSession::consumeData(QByteArrayView input)
{
    qsizetype used = 0;
    while (used < input.size() && !m_decoder.isFinished()) {
        used += m_decoder.feed(input.sliced(used, qMin(bodySlice, input.size() - used)));
        if (m_decoder.isOverflowed()) {
            m_spool.reset(); // the message will be refused: keep nothing of it on disk either
        } else if (toSpool(m_decoder.data().size())) {
            QByteArray octets = m_decoder.takeData();
            keepBody(octets);
        }
    }
    if (m_decoder.isFinished())
        finishBody(m_decoder.takeData(), m_decoder.size(), m_decoder.isOverflowed());
    return used;
}

// Whether the body octets buffered so far (this many) leave memory now: once the body has a
// spool, or once they pass the memory limit and a spool can be made for them. After a failed
// write they are thrown away instead (the message will be refused).
bool SmtpSession::toSpool(qint64 buffered)
{
    if (m_spool || m_spoolFailed)
        return true;
    if (!m_spooler || m_noSpool || buffered <= m_config.limits.memoryBodyLimit)
        return false;
    m_spool = m_spooler();
    m_noSpool = !m_spool; // no spool to be had: this body stays in memory
    return !m_noSpool;
}

// Moves the buffered body octets into the spool (when toSpool() said so).
void SmtpSession::keepBody(QByteArray &buffer)
{
    if (m_spool && !buffer.isEmpty() && !m_spool->append(buffer)) {
        m_spool.reset();
        m_spoolFailed = true;
    }
    buffer.clear();
}

void SmtpSession::onBdat(const SmtpCommand &command)
{
    const SmtpBdatArgument argument = SmtpBdatArgument::parse(command.argument);
    if (!argument.valid) {
        // The chunk's length is unknown, so its octets cannot be skipped; they will be read as
        // commands and fail, and the error limit ends a session that keeps going like that.
        badCommand(SmtpReply::syntax("Syntax: BDAT size [LAST]"));
        return;
    }
    m_chunkRemaining = argument.size;
    m_chunkLast = argument.last;
    m_chunkRejected = true;
    m_chunkDiscarded = false;
    if (m_discardingChunks) {
        // A client that pipelines may have sent more chunks of the message refused for its size
        // before it read the 552: they are read and thrown away (RFC 3030 2), each with the same
        // 552, up to the LAST one. Before, each got 503 as out of sequence and counted as a bad
        // command: 20 of them ended the session with 421, which a client may take as a
        // temporary failure and send the message again.
        m_chunkDiscarded = true;
        m_chunkError = SmtpReply::messageTooBig();
        m_discardingChunks = !argument.last;
    } else if (!m_inTransaction) {
        m_chunkError = SmtpReply::badSequence("Need MAIL before BDAT");
    } else if (m_envelope.rcptTo.isEmpty()) {
        m_chunkError = SmtpReply::badSequence("Need RCPT before BDAT");
    } else {
        m_chunkRejected = false;
        if (!m_envelope.chunked) {
            m_envelope.chunked = true;
            m_chunkData.clear();
            m_chunkTotal = 0;
            m_chunkOverflow = false;
            m_spool.reset();
            m_spoolFailed = false;
            m_noSpool = false;
        }
    }
    m_state = State::Chunk;
}

void SmtpSession::processChunk()
{
    m_input.remove(0, consumeChunk(m_input));
}

// Reads BDAT octets (kept, or thrown away after an error); at the end of the chunk answers it.
// Returns how many octets of input were used.
qsizetype SmtpSession::consumeChunk(QByteArrayView input)
{
    const qsizetype take = qsizetype(qMin<qint64>(m_chunkRemaining, input.size()));
    for (qsizetype at = 0; !m_chunkRejected && at < take; at += bodySlice) {
        const qsizetype slice = qMin(bodySlice, take - at);
        m_chunkTotal += slice;
        if (m_chunkTotal > m_config.limits.maxMessageSize) {
            m_chunkOverflow = true;
            m_chunkData.clear();
            m_spool.reset(); // the message will be refused: keep nothing of it on disk either
        } else if (!m_chunkOverflow) {
            m_chunkData.append(input.data() + at, slice);
            if (toSpool(m_chunkData.size()))
                keepBody(m_chunkData);
        }
    }
    m_chunkRemaining -= take;
    if (m_chunkRemaining > 0)
        return take;

    m_state = State::Command;
    if (m_chunkRejected && m_chunkDiscarded) {
        reply(m_chunkError);
    } else if (m_chunkRejected) {
        badCommand(m_chunkError);
    } else if (m_chunkOverflow) {
        resetTransaction();
        m_discardingChunks = !m_chunkLast;
        reply(SmtpReply::messageTooBig());
    } else if (m_chunkLast) {
        finishBody(std::exchange(m_chunkData, {}), m_chunkTotal, false);
    } else {
        reply(SmtpReply::chunkReceived(m_chunkTotal));
    }
    return take;
}

void SmtpSession::finishBody(QByteArray data, qint64 size, bool overflowed)
{
    if (overflowed || m_spoolFailed) {
        resetTransaction();
        m_state = State::Command;
        reply(overflowed ? SmtpReply::messageTooBig() : SmtpReply::localError());
        return;
    }
    m_state = State::Command;
    if (failureInjected(SmtpFailureStage::Data, m_envelope.mailFrom)) {
        resetTransaction(); // the message is not stored: the client has to send it again
        return;
    }
    std::shared_ptr<SmtpBodySpool> spool = std::exchange(m_spool, {});
    if (spool && !data.isEmpty() && !spool->append(data)) {
        resetTransaction();
        m_state = State::Command;
        reply(SmtpReply::localError());
        return;
    }
    if (spool)
        data.clear();
    m_state = State::WaitMessage;
    m_events.append(
        { SmtpEvent::Type::Message, {}, m_envelope, std::move(data), std::move(spool), size });
}

void SmtpSession::messageStored(const QByteArray &queueId)
{
    answerMessage(SmtpReply::queued(queueId));
}

void SmtpSession::messageFailed(const SmtpReply &failure)
{
    answerMessage(failure);
}

void SmtpSession::answerMessage(const SmtpReply &answer)
{
    if (m_state != State::WaitMessage)
        return;
    resetTransaction();
    m_state = State::Command;
    reply(answer);
    if (m_shutdownAfterAnswer)
        close(SmtpReply::shuttingDown());
    else
        process();
}

void SmtpSession::onStartTls(const SmtpCommand &command)
{
    if (command.hasArgument) {
        badCommand(SmtpReply::syntax("STARTTLS takes no argument"));
        return;
    }
    if (m_tls) {
        badCommand(SmtpReply::tlsAlreadyActive());
        return;
    }
    if (!m_config.tlsAvailable) {
        badCommand(SmtpReply::notImplemented("STARTTLS not available"));
        return;
    }
    reply(SmtpReply::readyToStartTls());
    // RFC 3207 / CVE-2011-0411: whatever was pipelined behind STARTTLS is dropped, never run.
    m_input.clear();
    m_scanFrom = 0;
    m_state = State::WaitTls;
    m_events.append({ SmtpEvent::Type::StartTls, {}, {}, {}, {}, 0 });
}

void SmtpSession::tlsStarted()
{
    if (m_state != State::WaitTls)
        return;
    // RFC 3207 4.2: forget everything learnt before the handshake.
    m_tls = true;
    resetTransaction();
    m_envelope.helo.clear();
    m_ehlo = false;
    m_authUser.clear();
    m_input.clear();
    m_state = State::Command;
    process();
}

void SmtpSession::onAuth(const SmtpCommand &command)
{
    if (!authOffered()) {
        badCommand(SmtpReply::notImplemented("AUTH not available"));
        return;
    }
    if (!m_authUser.isEmpty()) {
        badCommand(SmtpReply::authAlreadyDone());
        return;
    }
    if (m_inTransaction) {
        badCommand(SmtpReply::badSequence("AUTH not allowed during a mail transaction"));
        return;
    }
    const qsizetype space = command.argument.indexOf(' ');
    const QByteArray mechanism
        = (space < 0 ? command.argument : command.argument.left(space)).toUpper();
    const QByteArray initial = space < 0 ? QByteArray() : command.argument.mid(space + 1).trimmed();
    const bool hasInitial = space >= 0 && !initial.isEmpty();

    if (mechanism == "PLAIN") {
        m_authStep = AuthStep::PlainResponse;
        if (hasInitial) {
            handleAuthResponse(initial);
        } else {
            m_state = State::AuthResponse;
            reply(SmtpReply::authChallenge({}));
        }
    } else if (mechanism == "LOGIN") {
        m_authStep = AuthStep::LoginUser;
        if (hasInitial) {
            handleAuthResponse(initial);
        } else {
            m_state = State::AuthResponse;
            reply(SmtpReply::authChallenge(base64("Username:")));
        }
    } else if (mechanism == "CRAM-MD5") {
        if (hasInitial) {
            badCommand(SmtpReply::syntax("CRAM-MD5 takes no initial response"));
            return;
        }
        m_authStep = AuthStep::CramResponse;
        m_cramChallenge = '<' + m_config.cramMd5Nonce + '@' + m_config.hostname + '>';
        m_state = State::AuthResponse;
        reply(SmtpReply::authChallenge(base64(m_cramChallenge)));
    } else {
        badCommand(SmtpReply::authMechanismUnknown());
    }
}

void SmtpSession::handleAuthResponse(const QByteArray &line)
{
    m_state = State::Command;
    const AuthStep step = std::exchange(m_authStep, AuthStep::None);
    if (line == "*") {
        reply(SmtpReply::authCancelled());
        return;
    }
    const std::optional<QByteArray> decoded = decodeSasl(line.trimmed());
    if (!decoded) {
        badCommand(SmtpReply::authBadEncoding());
        return;
    }
    switch (step) {
    case AuthStep::PlainResponse: {
        // authzid NUL authcid NUL passwd (RFC 4616)
        const QList<QByteArray> parts = decoded->split('\0');
        if (parts.size() != 3) {
            badCommand(SmtpReply::authBadEncoding());
            return;
        }
        const QString user = QString::fromUtf8(parts.at(1));
        finishAuth(user, credentialsValid(user, QString::fromUtf8(parts.at(2))));
        break;
    }
    case AuthStep::LoginUser:
        m_loginUser = QString::fromUtf8(*decoded);
        m_authStep = AuthStep::LoginPassword;
        m_state = State::AuthResponse;
        reply(SmtpReply::authChallenge(base64("Password:")));
        break;
    case AuthStep::LoginPassword: {
        const QString user = std::exchange(m_loginUser, {});
        finishAuth(user, credentialsValid(user, QString::fromUtf8(*decoded)));
        break;
    }
    case AuthStep::CramResponse: {
        const qsizetype space = decoded->lastIndexOf(' ');
        if (space <= 0) {
            badCommand(SmtpReply::authBadEncoding());
            return;
        }
        const QString user = QString::fromUtf8(decoded->left(space));
        const QByteArray digest = decoded->mid(space + 1).toLower();
        bool ok = m_config.auth == SmtpSessionConfig::Auth::AcceptAny;
        if (!ok && m_config.credentials.contains(user)) {
            const QByteArray expected = QMessageAuthenticationCode::hash(
                m_cramChallenge, m_config.credentials.value(user).toUtf8(), QCryptographicHash::Md5)
                                            .toHex();
            ok = constantTimeEquals(expected, digest);
        }
        finishAuth(user, ok);
        break;
    }
    case AuthStep::None:
        break;
    }
}

bool SmtpSession::credentialsValid(const QString &user, const QString &password) const
{
    if (m_config.auth == SmtpSessionConfig::Auth::AcceptAny)
        return true;
    const auto it = m_config.credentials.constFind(user);
    return it != m_config.credentials.constEnd()
        && constantTimeEquals(it.value().toUtf8(), password.toUtf8());
}

void SmtpSession::finishAuth(const QString &user, bool valid)
{
    if (failureInjected(SmtpFailureStage::Auth, user))
        return;
    if (!valid || user.isEmpty()) {
        badCommand(SmtpReply::authFailed()); // counted: the error limit stops guessing
        return;
    }
    if (m_config.refuseAuthUser) {
        if (std::optional<SmtpReply> refusal = m_config.refuseAuthUser(user)) {
            badCommand(*refusal);
            return;
        }
    }
    m_authUser = user;
    reply(SmtpReply::authSucceeded());
}

bool SmtpSession::failureInjected(SmtpFailureStage stage, const QString &address)
{
    if (!m_config.injectFailure)
        return false;
    std::optional<SmtpInjectedFailure> failure = m_config.injectFailure(stage, address);
    if (!failure)
        return false;
    if (failure->delayMs > 0) {
        SmtpEvent event { SmtpEvent::Type::Delay, {}, {}, {}, {}, 0, failure->delayMs };
        m_pendingFailure = std::move(failure);
        m_state = State::WaitDelay;
        m_events.append(std::move(event));
    } else {
        answerFailure(*failure);
    }
    return true;
}

void SmtpSession::answerFailure(const SmtpInjectedFailure &failure)
{
    if (failure.disconnect) {
        m_state = State::Closed; // no reply at all: the connection just ends
        m_input.clear();
        return;
    }
    // A 421 says the service is closing the channel (RFC 5321 3.8): the session ends after it,
    // as a real server's would.
    if (failure.reply.code == 421) {
        close(failure.reply);
        return;
    }
    m_state = State::Command;
    reply(failure.reply);
}

void SmtpSession::delayElapsed()
{
    if (m_state != State::WaitDelay || !m_pendingFailure)
        return;
    const SmtpInjectedFailure failure = *std::exchange(m_pendingFailure, std::nullopt);
    answerFailure(failure);
    process();
}

void SmtpSession::reply(const SmtpReply &r)
{
    m_output += r.toWire();
}

void SmtpSession::badCommand(const SmtpReply &r)
{
    reply(r);
    if (++m_badCommands >= m_config.limits.maxBadCommands)
        close(SmtpReply::tooManyErrors());
}

void SmtpSession::close(const SmtpReply &r)
{
    reply(r);
    m_state = State::Closed;
    m_input.clear();
    m_chunkData.clear();
    m_spool.reset(); // a body cut off here is gone, spool and all
}

void SmtpSession::idleTimeout()
{
    if (m_state != State::Closed)
        close(SmtpReply::idleTimeout());
}

void SmtpSession::disconnected()
{
    m_state = State::Closed;
    m_input.clear();
    m_chunkData.clear();
    m_decoder.reset(m_config.limits.maxMessageSize);
    m_spool.reset();
}

void SmtpSession::shutdown()
{
    // A message being stored gets its answer first, then the 421: a 421 in its place told the
    // client to send again a message that was being kept, a duplicate once it did.
    if (m_state == State::WaitMessage) {
        m_shutdownAfterAnswer = true;
        return;
    }
    if (m_state != State::Closed)
        close(SmtpReply::shuttingDown());
}

void SmtpSession::resetTransaction()
{
    m_inTransaction = false;
    m_envelope.mailFrom.clear();
    m_envelope.rcptTo.clear();
    m_envelope.smtpUtf8 = false;
    m_envelope.body = SmtpMailArgument::Body::Unspecified;
    m_envelope.chunked = false;
    m_chunkData.clear();
    m_chunkTotal = 0;
    m_chunkOverflow = false;
    m_spool.reset();
    m_spoolFailed = false;
    m_noSpool = false;
}
