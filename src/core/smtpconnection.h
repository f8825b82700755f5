// One SMTP client: moves bytes between its SmtpStream (the only code that touches a socket) and
// the pure SmtpSession, and turns the session's events into server calls: recipient decisions,
// message delivery, the STARTTLS handshake. Owns the idle timer, the timer of a delayed injected
// failure and the back-pressure.
#pragma once

#include "smtpsession.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QSslSocket;
class SmtpRecipient;
class SmtpStream;
class SmtpServerPrivate;
struct SmtpReply;

class SmtpConnection : public QObject
{
    Q_OBJECT
public:
    // mailbox: where this listener's mail goes when nothing else routes it (empty: Inbox).
    SmtpConnection(SmtpServerPrivate *server, qintptr descriptor, bool implicitTls,
        const QString &mailbox, QObject *parent);
    ~SmtpConnection() override;

    bool isValid() const { return m_valid; }
    // Ends the session with 421 4.3.2 (server shutdown).
    void shutdown();

    // Called by SmtpRecipient and by the rules; mailbox: the one the accepted recipient routes
    // the message to (empty: none); relay: the rule that accepted it releases it to the relay.
    void answerRecipient(bool accepted, const QString &address, const SmtpReply &rejection,
        const QString &mailbox = {}, bool relay = false);
    // Called by SmtpRecipient when its handler did not answer in time.
    void recipientUndecided();

    QString remoteAddress() const { return m_remoteAddress; }
    int remotePort() const { return m_remotePort; }
    QByteArray helo() const { return m_session.helo(); }

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void onReadyRead();
    void onEncrypted();
    void onDisconnected();
    void onIdleTimeout();
    void pump();
    void handleEvent(const SmtpEvent &event);
    void startTls();
    // Reads and writes through this stream from now on (also its QSslSocket's signals).
    void useStream(SmtpStream *stream);
    void deliverMessage(const SmtpEvent &event);
    void scheduleRead();
    // Whether the session waits for an answer of ours (a delivery, a recipient decision, an
    // injected delay), not for the client's TLS handshake.
    bool waitsForAnAnswer() const;
    // Whether the session takes input now (not while it waits for an answer, nor while the
    // client leaves its replies unread).
    bool mayRead() const;
    // The client is leaving: what Qt has read of it and not handed out goes to the session at
    // once, so that the whole commands and messages in it are still carried out.
    void feedWhatIsLeft();
    // After the client left: ends the connection once the session has done all it could with
    // what the client sent.
    void endDrainWhenIdle();
    // (Re)starts the idle timer for a whole idle timeout from now.
    void startIdleTimer();
    // The last replies' time to reach the client: the close grace, or the idle timeout if shorter.
    void startCloseTimer();
    // The mailboxes of the message being delivered (contract.md's routing order).
    QStringList routeMailboxes() const;

    SmtpServerPrivate *m_server;
    SmtpStream *m_stream = nullptr;
    QSslSocket *m_ssl = nullptr; // the stream's, once TLS starts (implicit TLS: at once)
    SmtpSession m_session;
    // Timers without QObjects of their own, as every connection has them. The idle timer is not
    // restarted for every read (a timer unregistered and registered again, several times per
    // message): a read notes its time, and the timer, when it fires, waits out the rest.
    QBasicTimer m_idleTimer;
    QElapsedTimer m_lastRead; // the client's last progress (onReadyRead())
    qint64 m_bodyOctets = 0; // of a body, since that
    int m_idleMs = 0;
    QBasicTimer m_delayTimer; // an injected failure's delay: the session answers when it fires
    QBasicTimer m_closeTimer; // the last reply's time to reach the client
    QString m_listenerMailbox;
    QStringList m_ruleMailboxes; // named by this transaction's accepted recipients
    // This transaction's accepted recipients (as rewritten) whose deciding rule says "relay".
    QStringList m_relayRecipients;
    bool m_verifyPending = false; // the open recipient question is a VRFY
    QString m_remoteAddress;
    int m_remotePort = 0;
    QString m_tlsProtocol; // of this connection's TLS, once encrypted
    QString m_tlsCipher;
    // The socket is connected: replies can go out. Once the client has left, the session goes on
    // with what it sent (onDisconnected()).
    bool m_valid = false;
    bool m_pumping = false;
    bool m_readScheduled = false;
    bool m_closing = false; // the session has said its last word; the socket closes
    bool m_drained = false; // the client has left, and the session has done what it could
};
