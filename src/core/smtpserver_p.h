// Private parts of SmtpServer: configuration, listeners, sessions, sinks, statistics.
#pragma once

#include "smtpmessagesink.h"
#include "smtpserver.h"
#include "smtpserverconfig.h"
#include "smtpsession.h"

#include <QList>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

class SmtpConnection;

// A listening socket that hands each accepted descriptor to the server, so that one QSslSocket
// class serves both STARTTLS (plain first) and implicit TLS.
class SmtpListener : public QTcpServer
{
    Q_OBJECT
public:
    SmtpListener(
        SmtpServerPrivate *server, bool implicitTls, const QString &mailbox, QObject *parent);
    void setMailbox(const QString &mailbox) { m_mailbox = mailbox; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    SmtpServerPrivate *m_server;
    bool m_implicitTls;
    QString m_mailbox; // where its mail goes when nothing else routes it (empty: Inbox)
};

class SmtpServerPrivate
{
    Q_DECLARE_PUBLIC(SmtpServer)
public:
    explicit SmtpServerPrivate(SmtpServer *q);

    // One configured listener and, while it is open, its socket.
    struct Listener
    {
        SmtpListenerConfig config;
        QPointer<SmtpListener> socket;
        bool isOpen() const { return socket && socket->isListening(); }
    };

    void incoming(qintptr descriptor, bool implicitTls, const QString &mailbox);
    // The client has left; the connection drains (see draining), then says it is done.
    void connectionClosed(SmtpConnection *connection);
    void connectionDrained(SmtpConnection *connection);
    SmtpSessionConfig sessionConfig(bool implicitTls) const;
    // Makes the listeners those of wanted: keeps the open ones that are wanted unchanged,
    // closes the rest and opens the new ones. On a failure puts back what was open and returns
    // false with errorString set. The one place where sockets are bound.
    bool setListeners(const QList<SmtpListenerConfig> &wanted);
    SmtpListener *open(const SmtpListenerConfig &config, const QHostAddress &address, quint16 port,
        QString *error);
    // The listener whose kind is implicitTls that listen()/listenTls() replace.
    bool replaceListeners(bool implicitTls, const QHostAddress &address, quint16 port);
    const Listener *first(bool implicitTls) const;
    void setTls(std::optional<QSslConfiguration> configuration);
    bool fail(const QString &why);

    // The recipient decision: the connected handler if there is one, the rules otherwise.
    void decideRecipient(SmtpConnection *connection, const SmtpEvent &event);
    // Failure injection: the fail rule of this stage that strikes, as the session's answer.
    std::optional<SmtpInjectedFailure> injectedFailure(
        SmtpConnection *connection, SmtpFailureStage stage, const QString &address);
    // Installs rules as those in effect, telling rulesChanged() when they differ.
    void setRulesInEffect(const SmtpRuleSet &next);
    // Runs the sinks in order, then reports once (on this thread) how it went. When one fails,
    // those before it that kept the message take it back, the latest first, before the report.
    void deliver(const SmtpMessage &message, std::function<void(const SmtpSinkResult &)> done);
    void deliverFrom(qsizetype index, const SmtpMessage &message,
        const std::function<void(const SmtpSinkResult &)> &done);
    // Asks sink to take back what it kept (kept: its answer), then runs then on this thread.
    void retract(SmtpMessageSink *sink, const SmtpMessage &message, const SmtpSinkResult &kept,
        std::function<void()> then);
    void messageReceived(const SmtpMessage &message);
    qint64 nextMessageId() { return ++m_lastId; }

    SmtpServer *q_ptr;

    // What the server runs with; listeners mirror config.listeners() one by one.
    SmtpServerConfig config;
    QList<Listener> listeners;
    SmtpRuleSet rules; // in effect: config.rules() or those read from config.rulesFile()
    SmtpRuleSet chaosTriggers; // SmtpServer::chaosTriggers(), failure injection always on
    QRandomGenerator chaosRandom; // what fail rules' probabilities draw from (config.chaosSeed())
    bool tlsAvailable = false;
    // Only set once TLS is configured: touching QSslConfiguration or QSslSocket loads the TLS
    // backend and OpenSSL (about 4 MiB of RSS) that a plain catcher never needs.
    std::optional<QSslConfiguration> sslConfiguration;
    QList<SmtpMessageSink *> sinks;
    QString spoolDirectory; // empty: the system's temporary directory
    QString errorString;

    QSet<SmtpConnection *> connections;
    // Connections whose client has left while their session still carries out what it had sent
    // (SmtpConnection::onDisconnected()): no longer counted, but each keeps its place under the
    // connection limit until it is done. Clients that send mail behind a slow answer and leave
    // at once piled up thousands of them (2.7 GB of RSS under --max-connections 5).
    QSet<SmtpConnection *> draining;

    int peakConnections = 0;
    qint64 totalConnections = 0;
    qint64 messages = 0;
    qint64 bytes = 0;
    qint64 m_lastId = 0;
};
