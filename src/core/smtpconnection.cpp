#include "smtpconnection.h"

#include "smtplog.h"
#include "smtprecipient_p.h"
#include "smtpserver_p.h"
#include "smtpspoolfile.h"
#include "smtpstream.h"

#include <QRandomGenerator>
#include <QSslCipher>
#include <QSslSocket>

namespace {
// Replies the client has not taken yet: past this many bytes nothing more is read, so a client
// that sends without reading meets TCP flow control instead of growing the write buffer. Before,
// 46 MB of pipelined 8-byte EHLOs, never read, took the server from 27 to 760 MB of RSS (each
// reply is 180 bytes).
constexpr qint64 writeBacklogLimit = 64 * 1024;
// Commands are read in pieces of at most this much, so the replies of one piece (about 22 times
// its size, for EHLO) pass that limit by little. A body makes no reply until it ends: it is read
// in bigger pieces.
constexpr qint64 commandPiece = 4 * 1024;
constexpr qint64 bodyPiece = 256 * 1024;
// A body's octets count as the client's progress against the idle timeout only this many at a
// time: a client that sends a byte every few seconds is idle, not slow (before, every byte
// restarted the timer, and such a session stayed for good). 512 octets an idle timeout is far
// below any real client's rate.
constexpr qint64 bodyProgress = 512;
// How long a connection that has said its last word (a 421, a 221) may take to hand it to the
// client, at most: then it is dropped (sooner with a shorter idle timeout). A client that read
// nothing kept such a connection, and its place under --max-connections, for as long as it
// stayed connected.
constexpr int closeGraceMs = 10 * 1000;

QString displayAddress(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4).toString() : address.toString();
}

QString protocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_3:
        return QStringLiteral("TLSv1.3");
    case QSsl::TlsV1_2:
        return QStringLiteral("TLSv1.2");
    default:
        return QStringLiteral("TLS");
    }
}
} // namespace

SmtpConnection::SmtpConnection(SmtpServerPrivate *server, qintptr descriptor, bool implicitTls,
    const QString &mailbox, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_session([&] {
        SmtpSessionConfig config = server->sessionConfig(implicitTls);
        config.cramMd5Nonce = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
        config.injectFailure = [this](SmtpFailureStage stage, const QString &address) {
            return m_server->injectedFailure(this, stage, address);
        };
        return config;
    }())
{
    m_listenerMailbox = mailbox;
    SmtpStream *stream
        = SmtpStream::create(descriptor, bool(server->sslConfiguration), implicitTls, this);
    if (!stream)
        return;
    m_valid = true;
    m_session.setBodySpooler([this]() -> std::shared_ptr<SmtpBodySpool> {
        QString error;
        const QString directory = m_server->q_ptr->spoolDirectory();
        std::shared_ptr<SmtpSpoolFile> spool = SmtpSpoolFile::create(directory, &error);
        if (!spool)
            qCWarning(lcSmtpConnection) << m_remoteAddress << "cannot spool a big message to"
                                        << directory << ", keeping it in memory:" << error;
        return spool;
    });
    m_remoteAddress = displayAddress(stream->peerAddress());
    m_remotePort = stream->peerPort();

    useStream(stream);

    m_idleMs = server->config.idleTimeout() * 1000;
    startIdleTimer();

    qCDebug(lcSmtpConnection) << "connection from" << m_remoteAddress << m_remotePort
                              << (implicitTls ? "(implicit TLS)" : "");
    if (implicitTls && m_ssl) {
        m_ssl->startServerEncryption(); // greeting after the handshake (RFC 8314)
    } else {
        m_session.start();
        pump();
    }
}

SmtpConnection::~SmtpConnection() = default;

void SmtpConnection::useStream(SmtpStream *stream)
{
    m_stream = stream;
    connect(m_stream, &SmtpStream::readyRead, this, &SmtpConnection::onReadyRead);
    // The client took replies: reading may go on if it stopped for them.
    connect(m_stream, &SmtpStream::bytesWritten, this, [this] {
        if (m_valid)
            scheduleRead();
        else
            endDrainWhenIdle(); // the replies after the client's half-close may be out now
    });
    connect(m_stream, &SmtpStream::disconnected, this, &SmtpConnection::onDisconnected);
    m_ssl = m_stream->sslSocket();
    if (m_ssl) {
        m_ssl->setSslConfiguration(*m_server->sslConfiguration);
        connect(m_ssl, &QSslSocket::encrypted, this, &SmtpConnection::onEncrypted);
        // A failed handshake is not something to negotiate about: the client is dropped.
        connect(m_ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            qCDebug(lcSmtpConnection) << m_remoteAddress << "TLS errors" << errors;
        });
    }
}

void SmtpConnection::startIdleTimer()
{
    m_lastRead.start();
    m_idleTimer.start(m_idleMs, Qt::CoarseTimer, this);
}

void SmtpConnection::startCloseTimer()
{
    m_closeTimer.start(qMin(closeGraceMs, m_idleMs), Qt::CoarseTimer, this);
}

void SmtpConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_closeTimer.timerId()) {
        m_closeTimer.stop();
        qCDebug(lcSmtpConnection) << m_remoteAddress << "dropped: did not take its last reply";
        m_stream->abort(); // what it did not take is dropped
        if (!m_valid) // it had closed its side: the session's end waited for those replies
            endDrainWhenIdle();
    } else if (event->timerId() == m_delayTimer.timerId()) {
        m_delayTimer.stop();
        m_session.delayElapsed();
        pump();
    } else if (event->timerId() == m_idleTimer.timerId()) {
        m_idleTimer.stop();
        // Read since the timer started: idle only once a whole timeout passes without a read.
        const qint64 left = m_idleMs - m_lastRead.elapsed();
        if (left > 0)
            m_idleTimer.start(int(left), Qt::CoarseTimer, this);
        else
            onIdleTimeout();
    } else {
        QObject::timerEvent(event);
    }
}

void SmtpConnection::onEncrypted()
{
    const QSslCipher cipher = m_ssl->sessionCipher();
    qCDebug(lcSmtpConnection) << m_remoteAddress << "TLS established" << cipher.name();
    // Kept: a message whose client has left is still delivered (onDisconnected()), and a closed
    // socket no longer tells.
    m_tlsProtocol = protocolName(m_ssl->sessionProtocol());
    m_tlsCipher = cipher.name();
    if (m_session.state() == SmtpSession::State::Greeting)
        m_session.start();
    else
        m_session.tlsStarted();
    pump();
    scheduleRead();
}

bool SmtpConnection::waitsForAnAnswer() const
{
    return m_session.isWaiting() && m_session.state() != SmtpSession::State::WaitTls;
}

bool SmtpConnection::mayRead() const
{
    // Back-pressure: the bytes wait in the socket until the answer comes, or until the client
    // has taken its replies.
    return m_valid && !m_closing && !m_session.isWaiting() && !m_session.isClosed()
        && m_stream->bytesToWrite() <= writeBacklogLimit;
}

void SmtpConnection::onReadyRead()
{
    m_readScheduled = false;
    if (!mayRead())
        return;
    const SmtpSession::State state = m_session.state();
    const bool body = state == SmtpSession::State::Data || state == SmtpSession::State::Chunk;
    const QByteArray bytes = m_stream->read(body ? bodyPiece : commandPiece);
    if (bytes.isEmpty())
        return;
    m_session.feed(bytes);
    // Progress, which keeps the session from being idle: a command line came whole (it was
    // answered, or it changed the state), or enough of a body.
    m_bodyOctets = body ? m_bodyOctets + bytes.size() : 0;
    if (m_session.hasOutput() || m_session.state() != state || m_bodyOctets >= bodyProgress) {
        m_lastRead.start();
        m_bodyOctets = 0;
    }
    pump(); // and the next piece on the event loop's next turn (scheduleRead())
}

void SmtpConnection::scheduleRead()
{
    if (m_readScheduled || m_stream->bytesAvailable() == 0 || !mayRead())
        return;
    m_readScheduled = true;
    QMetaObject::invokeMethod(this, &SmtpConnection::onReadyRead, Qt::QueuedConnection);
}

void SmtpConnection::pump()
{
    if (m_pumping)
        return; // the outer loop picks up what the nested call produced
    m_pumping = true;
    // A write may find the client gone (onDisconnected() runs, and this goes on), or deliver
    // input (TLS records decrypted on the way) whose pump() call returns at once: this loop
    // takes its replies and events.
    for (;;) {
        const QByteArray out = m_session.takeOutput();
        // Also once the client has closed its side: it may still read (SmtpStream::write()).
        if (!out.isEmpty())
            m_stream->write(out);
        const QList<SmtpEvent> events = m_session.takeEvents();
        if (events.isEmpty() && !m_session.hasOutput())
            break;
        for (const SmtpEvent &event : events)
            handleEvent(event);
    }
    m_pumping = false;

    if (!m_valid) { // the client has left (onDisconnected())
        endDrainWhenIdle();
        return;
    }
    if (m_session.isClosed()) {
        if (!m_closing) {
            m_closing = true;
            m_idleTimer.stop();
            m_delayTimer.stop();
            m_stream->close();
            if (m_valid)
                startCloseTimer();
        }
        return;
    }
    if (waitsForAnAnswer()) {
        m_idleTimer.stop(); // we are the slow one; the client is not idle
    } else {
        if (!m_idleTimer.isActive())
            startIdleTimer();
        scheduleRead(); // pipelined input may be waiting in the socket
    }
}

void SmtpConnection::handleEvent(const SmtpEvent &event)
{
    switch (event.type) {
    case SmtpEvent::Type::Recipient:
    case SmtpEvent::Type::Verify:
        m_verifyPending = event.type == SmtpEvent::Type::Verify;
        // The first recipient of a transaction starts its lists of routed mailboxes and of
        // recipients to release afresh.
        if (!m_verifyPending && event.envelope.rcptTo.isEmpty()) {
            m_ruleMailboxes.clear();
            m_relayRecipients.clear();
        }
        m_server->decideRecipient(this, event);
        break;
    case SmtpEvent::Type::Message:
        deliverMessage(event);
        break;
    case SmtpEvent::Type::StartTls:
        startTls();
        break;
    case SmtpEvent::Type::Delay:
        // A timer, not a sleep: other sessions go on, and this one reads nothing until it fires.
        m_delayTimer.start(event.delayMs, Qt::PreciseTimer, this);
        break;
    }
}

void SmtpConnection::startTls()
{
    if (!m_valid)
        return; // the client left: the session waits for a handshake that never comes
    if (!m_server->sslConfiguration) {
        m_stream->abort(); // unreachable: STARTTLS is only offered with TLS configured
        return;
    }
    // The 220 is already written. Plaintext already read must not survive into the TLS session,
    // where it would look like encrypted input (STARTTLS command injection): the stream drops it.
    SmtpStream *tls = m_stream->startTls(this);
    if (!tls) {
        m_stream->abort(); // the client is gone: onDisconnected()
        return;
    }
    if (tls != m_stream) {
        // A QSslSocket takes over from the descriptor's own stream. That stream may be the one
        // whose signal brought us here: deleted later.
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->deleteLater();
        useStream(tls);
    }
    m_ssl->startServerEncryption();
}

void SmtpConnection::answerRecipient(bool accepted, const QString &address,
    const SmtpReply &rejection, const QString &mailbox, bool relay)
{
    if (m_closing || m_drained)
        return;
    if (accepted && !m_verifyPending && !mailbox.isEmpty() && !m_ruleMailboxes.contains(mailbox))
        m_ruleMailboxes.append(mailbox);
    // Noted now, as decided: the stored address alone cannot tell which rule accepted it.
    if (accepted && !m_verifyPending && relay && !m_relayRecipients.contains(address))
        m_relayRecipients.append(address);
    if (accepted)
        m_session.acceptRecipient(address);
    else
        m_session.rejectRecipient(rejection);
    pump();
}

void SmtpConnection::recipientUndecided()
{
    if (m_closing || m_drained)
        return;
    m_session.recipientUndecided();
    pump();
}

void SmtpConnection::deliverMessage(const SmtpEvent &event)
{
    SmtpMessage message;
    message.setId(m_server->nextMessageId());
    message.setReceivedAt(QDateTime::currentDateTimeUtc());
    message.setRemoteAddress(m_remoteAddress);
    message.setRemotePort(m_remotePort);
    message.setHelo(QString::fromUtf8(event.envelope.helo));
    message.setMailFrom(event.envelope.mailFrom);
    message.setRcptTos(event.envelope.rcptTo);
    // In the envelope's order, and only what the envelope holds: a recipient noted here that the
    // session did not take (an answer that came too late) is not released.
    QStringList relayRcptTos;
    for (const QString &rcpt : event.envelope.rcptTo) {
        if (m_relayRecipients.contains(rcpt) && !relayRcptTos.contains(rcpt))
            relayRcptTos.append(rcpt);
    }
    message.setRelayRcptTos(relayRcptTos);
    if (event.spool) {
        // Read from the spool file until a sink (the store) says where it keeps the bytes.
        message.setDataSource([spool = std::static_pointer_cast<SmtpSpoolFile>(
                                   event.spool)] { return spool->open(); },
            event.size);
    } else {
        message.setData(event.data);
    }
    message.setSmtpUtf8(event.envelope.smtpUtf8);
    message.set8BitMime(event.envelope.body == SmtpMailArgument::Body::EightBitMime);
    message.setAuthenticatedUser(m_session.authenticatedUser());
    message.setMailboxes(routeMailboxes());
    if (!m_tlsProtocol.isEmpty())
        message.setTls(m_tlsProtocol, m_tlsCipher);

    QPointer<SmtpConnection> self(this);
    m_server->deliver(message, [self, id = message.id()](const SmtpSinkResult &result) {
        if (!self)
            return; // the client left; the message's fate was decided all the same
        if (result.ok)
            self->m_session.messageStored(QByteArray::number(result.id ? result.id : id));
        else
            self->m_session.messageFailed(SmtpReply::localError());
        self->pump();
    });
}

QStringList SmtpConnection::routeMailboxes() const
{
    // The mailboxes the accepting rules named; else the AUTH user's (with mailboxFromAuth, which
    // refuses an AUTH whose name is none); else the listener's; else Inbox. Sorted, as the store
    // lists them.
    QStringList mailboxes = m_ruleMailboxes;
    const QString user = m_session.authenticatedUser();
    if (mailboxes.isEmpty() && m_server->config.mailboxFromAuth()
        && SmtpMessage::isValidMailboxName(user))
        mailboxes.append(user);
    if (mailboxes.isEmpty() && !m_listenerMailbox.isEmpty())
        mailboxes.append(m_listenerMailbox);
    if (mailboxes.isEmpty())
        mailboxes.append(SmtpMessage::defaultMailbox());
    mailboxes.sort();
    return mailboxes;
}

void SmtpConnection::onIdleTimeout()
{
    qCDebug(lcSmtpConnection) << m_remoteAddress << "idle timeout";
    m_session.idleTimeout();
    pump();
}

void SmtpConnection::shutdown()
{
    m_session.shutdown();
    pump();
}

void SmtpConnection::onDisconnected()
{
    if (!m_valid)
        return;
    m_valid = false;
    m_idleTimer.stop();
    m_closeTimer.stop();
    qCDebug(lcSmtpConnection) << m_remoteAddress << "disconnected";
    // What the client sent before it left is still taken, as if it were there but without the
    // replies: whole commands and messages it pipelined behind one the session was waiting for
    // (the store's answer, a recipient decision), or sent before it closed its side. Before, a
    // client that sent three messages and QUIT and then shut its side down had only the first
    // stored. A message cut off mid-body leaves nothing behind, spool included.
    feedWhatIsLeft();
    m_server->connectionClosed(this); // no longer counted; still under the limit until drained
    pump(); // from within pump() (a flush found the client gone), the outer call goes on
}

void SmtpConnection::feedWhatIsLeft()
{
    // Input is read a piece at a time: the stream may hold a whole pipeline of commands and
    // messages.
    const qint64 left = m_stream->bytesAvailable();
    if (!m_closing && !m_session.isClosed() && left > 0)
        m_session.feed(m_stream->read(left));
}

void SmtpConnection::endDrainWhenIdle()
{
    // An answer to come may let the session go on with what it holds; a handshake never comes
    // now.
    if (m_drained || waitsForAnAnswer())
        return;
    if (m_stream->bytesToWrite() > 0) {
        // The replies to what the client sent before it closed its side are still going out (it
        // may read on): the end waits for them, for the close grace at most.
        if (!m_closeTimer.isActive())
            startCloseTimer();
        return;
    }
    m_drained = true;
    m_closeTimer.stop();
    m_delayTimer.stop();
    m_session.disconnected();
    m_stream->release(); // the client sees the end of the connection now
    m_server->connectionDrained(this);
    deleteLater();
}
