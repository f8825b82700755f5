// Private parts of SmtpServer: configuration, listeners, sessions, sinks, statistics.
#pragma once

#include "smtpmessagesink.h"
#include "smtpserver.h"
#include "smtpsession.h"

#include <QList>
#include <QPointer>
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
    SmtpListener(SmtpServerPrivate *server, bool implicitTls, QObject *parent);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    SmtpServerPrivate *m_server;
    bool m_implicitTls;
};

class SmtpServerPrivate
{
    Q_DECLARE_PUBLIC(SmtpServer)
public:
    explicit SmtpServerPrivate(SmtpServer *q);

    void incoming(qintptr descriptor, bool implicitTls);
    void connectionClosed(SmtpConnection *connection);
    SmtpSessionConfig sessionConfig(bool implicitTls) const;
    bool listenOn(QPointer<SmtpListener> &listener, bool implicitTls, const QHostAddress &address,
        quint16 port);

    // The recipient decision: the connected handler if there is one, the rules otherwise.
    void decideRecipient(SmtpConnection *connection, const SmtpEvent &event);
    // Runs the sinks in order, then reports once (on this thread) how it went.
    void deliver(const SmtpMessage &message, std::function<void(const SmtpSinkResult &)> done);
    void deliverFrom(qsizetype index, const SmtpMessage &message,
        const std::function<void(const SmtpSinkResult &)> &done);
    void messageReceived(const SmtpMessage &message);
    qint64 nextMessageId() { return ++m_lastId; }

    SmtpServer *q_ptr;

    QString hostname;
    SmtpLimits limits;
    int idleTimeoutSeconds = 300;
    int maxConnections = 1000;
    int recipientTimeoutMs = 30000;
    bool requireTls = false;
    bool tlsAvailable = false;
    // Only set once TLS is configured: touching QSslConfiguration or QSslSocket loads the TLS
    // backend and OpenSSL (about 4 MiB of RSS) that a plain catcher never needs.
    std::optional<QSslConfiguration> sslConfiguration;
    SmtpServer::AuthMode authMode = SmtpServer::AuthMode::Off;
    QHash<QString, QString> credentials;
    SmtpRuleSet rules;
    QList<SmtpMessageSink *> sinks;
    QString errorString;

    QPointer<SmtpListener> plainListener;
    QPointer<SmtpListener> tlsListener;
    QSet<SmtpConnection *> connections;

    int peakConnections = 0;
    qint64 totalConnections = 0;
    qint64 messages = 0;
    qint64 bytes = 0;
    qint64 m_lastId = 0;
};
