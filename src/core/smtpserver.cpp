#include "smtpserver.h"

#include "smtpconnection.h"
#include "smtplog.h"
#include "smtprecipient_p.h"
#include "smtpserver_p.h"

#include <QFile>
#include <QMetaMethod>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QSysInfo>
#include <QThread>

SmtpListener::SmtpListener(SmtpServerPrivate *server, bool implicitTls, QObject *parent)
    : QTcpServer(parent)
    , m_server(server)
    , m_implicitTls(implicitTls)
{ }

void SmtpListener::incomingConnection(qintptr descriptor)
{
    m_server->incoming(descriptor, m_implicitTls);
}

SmtpServerPrivate::SmtpServerPrivate(SmtpServer *q)
    : q_ptr(q)
    , hostname(QSysInfo::machineHostName())
{
    if (hostname.isEmpty())
        hostname = QStringLiteral("localhost");
}

SmtpSessionConfig SmtpServerPrivate::sessionConfig(bool implicitTls) const
{
    SmtpSessionConfig config;
    config.hostname = hostname.toUtf8();
    config.limits = limits;
    config.tlsAvailable = tlsAvailable;
    config.implicitTls = implicitTls;
    config.requireTls = requireTls;
    switch (authMode) {
    case SmtpServer::AuthMode::Off:
        config.auth = SmtpSessionConfig::Auth::Off;
        break;
    case SmtpServer::AuthMode::AcceptAny:
        config.auth = SmtpSessionConfig::Auth::AcceptAny;
        break;
    case SmtpServer::AuthMode::Credentials:
        config.auth = SmtpSessionConfig::Auth::Credentials;
        break;
    }
    config.credentials = credentials;
    return config;
}

void SmtpServerPrivate::incoming(qintptr descriptor, bool implicitTls)
{
    Q_Q(SmtpServer);
    if (connections.size() >= maxConnections) {
        // One more than allowed: say so (on the plain port) and close.
        auto *socket = new QTcpSocket(q);
        if (socket->setSocketDescriptor(descriptor)) {
            if (!implicitTls)
                socket->write(SmtpReply::tooManyConnections().toWire());
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            if (socket->state() == QAbstractSocket::UnconnectedState)
                socket->deleteLater();
        } else {
            socket->deleteLater();
        }
        qCInfo(lcSmtpServer) << "refused a connection: limit of" << maxConnections << "reached";
        return;
    }
    auto *connection = new SmtpConnection(this, descriptor, implicitTls, q);
    if (!connection->isValid()) {
        connection->deleteLater();
        return;
    }
    connections.insert(connection);
    ++totalConnections;
    Q_EMIT q->totalConnectionCountChanged();
    Q_EMIT q->connectionCountChanged();
    if (connections.size() > peakConnections) {
        peakConnections = int(connections.size());
        Q_EMIT q->peakConnectionCountChanged();
    }
}

void SmtpServerPrivate::connectionClosed(SmtpConnection *connection)
{
    Q_Q(SmtpServer);
    if (connections.remove(connection))
        Q_EMIT q->connectionCountChanged();
}

bool SmtpServerPrivate::listenOn(
    QPointer<SmtpListener> &listener, bool implicitTls, const QHostAddress &address, quint16 port)
{
    Q_Q(SmtpServer);
    delete listener;
    listener = new SmtpListener(this, implicitTls, q);
    listener->setMaxPendingConnections(qMax(30, maxConnections));
    if (!listener->listen(address, port)) {
        errorString = SmtpServer::tr("Cannot listen on %1:%2: %3")
                          .arg(address.toString())
                          .arg(port)
                          .arg(listener->errorString());
        delete listener;
        Q_EMIT q->errorOccurred(errorString);
        return false;
    }
    Q_EMIT q->listeningChanged();
    return true;
}

void SmtpServerPrivate::decideRecipient(SmtpConnection *connection, const SmtpEvent &event)
{
    Q_Q(SmtpServer);
    const bool verify = event.type == SmtpEvent::Type::Verify;
    static const QMetaMethod recipientSignal = QMetaMethod::fromSignal(&SmtpServer::recipient);
    if (q->isSignalConnected(recipientSignal)) {
        SmtpRecipient *request = SmtpRecipientPrivate::create(connection, event.address,
            verify ? QString() : event.envelope.mailFrom, verify, recipientTimeoutMs);
        Q_EMIT q->recipient(request);
        return;
    }
    const SmtpRuleDecision decision = rules.decide(event.address);
    if (decision.accepted)
        connection->answerRecipient(true, decision.address, {});
    else
        connection->answerRecipient(
            false, {}, SmtpReply::rejection(decision.code, decision.message.toUtf8()));
}

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
            done(result);
            messageReceived(received);
        } else {
            qCWarning(lcSmtpSink) << "message not accepted:" << result.errorString;
            Q_EMIT server->errorOccurred(result.errorString);
            done(result);
        }
    });
}

void SmtpServerPrivate::deliverFrom(qsizetype index, const SmtpMessage &message,
    const std::function<void(const SmtpSinkResult &)> &done)
{
    Q_Q(SmtpServer);
    if (index >= sinks.size()) {
        done(SmtpSinkResult::success(message.id()));
        return;
    }
    QPointer<SmtpServer> server(q);
    sinks.at(index)->deliver(
        message, [this, server, index, message, done](const SmtpSinkResult &result) {
            // Sinks may answer from their own thread; continue on the server's.
            auto next = [this, server, index, message, done, result] {
                if (!server)
                    return;
                if (!result.ok) {
                    done(result);
                    return;
                }
                SmtpMessage updated = message;
                if (result.id)
                    updated.setId(result.id);
                deliverFrom(index + 1, updated, done);
            };
            if (server && QThread::currentThread() == server->thread())
                next();
            else if (server)
                QMetaObject::invokeMethod(server.data(), next, Qt::QueuedConnection);
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

SmtpServer::SmtpServer(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpServerPrivate(this))
{ }

SmtpServer::~SmtpServer()
{
    Q_D(SmtpServer);
    // Connections are children; they go with us. Stop them from calling back first.
    const auto connections = d->connections;
    d->connections.clear();
    qDeleteAll(connections);
}

bool SmtpServer::listen(const QHostAddress &address, quint16 port)
{
    Q_D(SmtpServer);
    return d->listenOn(d->plainListener, false, address, port);
}

bool SmtpServer::listenTls(const QHostAddress &address, quint16 port)
{
    Q_D(SmtpServer);
    if (!d->tlsAvailable) {
        d->errorString = tr("Implicit TLS needs a certificate and key");
        Q_EMIT errorOccurred(d->errorString);
        return false;
    }
    return d->listenOn(d->tlsListener, true, address, port);
}

void SmtpServer::close()
{
    Q_D(SmtpServer);
    const bool was = isListening();
    delete d->plainListener;
    delete d->tlsListener;
    if (was)
        Q_EMIT listeningChanged();
}

void SmtpServer::shutdown()
{
    Q_D(SmtpServer);
    close();
    const auto connections = d->connections;
    for (SmtpConnection *connection : connections)
        connection->shutdown();
}

bool SmtpServer::isListening() const
{
    Q_D(const SmtpServer);
    return (d->plainListener && d->plainListener->isListening())
        || (d->tlsListener && d->tlsListener->isListening());
}

QHostAddress SmtpServer::serverAddress() const
{
    Q_D(const SmtpServer);
    return d->plainListener ? d->plainListener->serverAddress() : QHostAddress();
}

QString SmtpServer::serverAddressString() const
{
    return serverAddress().toString();
}

int SmtpServer::serverPort() const
{
    Q_D(const SmtpServer);
    return d->plainListener ? d->plainListener->serverPort() : 0;
}

QHostAddress SmtpServer::tlsServerAddress() const
{
    Q_D(const SmtpServer);
    return d->tlsListener ? d->tlsListener->serverAddress() : QHostAddress();
}

int SmtpServer::tlsServerPort() const
{
    Q_D(const SmtpServer);
    return d->tlsListener ? d->tlsListener->serverPort() : 0;
}

QString SmtpServer::errorString() const
{
    return d_func()->errorString;
}

QString SmtpServer::hostname() const
{
    return d_func()->hostname;
}
void SmtpServer::setHostname(const QString &hostname)
{
    Q_D(SmtpServer);
    if (d->hostname == hostname)
        return;
    d->hostname = hostname;
    Q_EMIT hostnameChanged();
}

qint64 SmtpServer::maxMessageSize() const
{
    return d_func()->limits.maxMessageSize;
}
void SmtpServer::setMaxMessageSize(qint64 bytes)
{
    Q_D(SmtpServer);
    if (d->limits.maxMessageSize == bytes)
        return;
    d->limits.maxMessageSize = bytes;
    Q_EMIT maxMessageSizeChanged();
}

int SmtpServer::idleTimeout() const
{
    return d_func()->idleTimeoutSeconds;
}
void SmtpServer::setIdleTimeout(int seconds)
{
    Q_D(SmtpServer);
    if (d->idleTimeoutSeconds == seconds)
        return;
    d->idleTimeoutSeconds = seconds;
    Q_EMIT idleTimeoutChanged();
}

int SmtpServer::maxConnections() const
{
    return d_func()->maxConnections;
}
void SmtpServer::setMaxConnections(int count)
{
    Q_D(SmtpServer);
    if (d->maxConnections == count)
        return;
    d->maxConnections = count;
    Q_EMIT maxConnectionsChanged();
}

int SmtpServer::recipientTimeout() const
{
    return d_func()->recipientTimeoutMs;
}
void SmtpServer::setRecipientTimeout(int milliseconds)
{
    Q_D(SmtpServer);
    if (d->recipientTimeoutMs == milliseconds)
        return;
    d->recipientTimeoutMs = milliseconds;
    Q_EMIT recipientTimeoutChanged();
}

bool SmtpServer::requireTls() const
{
    return d_func()->requireTls;
}
void SmtpServer::setRequireTls(bool require)
{
    Q_D(SmtpServer);
    if (d->requireTls == require)
        return;
    d->requireTls = require;
    Q_EMIT requireTlsChanged();
}

bool SmtpServer::setTlsCertificate(const QString &certificateFile, const QString &keyFile)
{
    Q_D(SmtpServer);
    const auto fail = [d, this](const QString &why) {
        d->errorString = why;
        Q_EMIT errorOccurred(why);
        return false;
    };
    QFile certFile(certificateFile);
    if (!certFile.open(QIODevice::ReadOnly))
        return fail(
            tr("Cannot read TLS certificate %1: %2").arg(certificateFile, certFile.errorString()));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull())
        return fail(tr("No PEM certificate in %1").arg(certificateFile));

    QFile key(keyFile);
    if (!key.open(QIODevice::ReadOnly))
        return fail(tr("Cannot read TLS key %1: %2").arg(keyFile, key.errorString()));
    const QByteArray keyPem = key.readAll();
    QSslKey privateKey;
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        privateKey = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!privateKey.isNull())
            break;
    }
    if (privateKey.isNull())
        return fail(tr("No unencrypted PEM private key in %1").arg(keyFile));

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(privateKey);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    setSslConfiguration(configuration);
    return true;
}

void SmtpServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(SmtpServer);
    d->sslConfiguration = configuration;
    const bool available
        = !configuration.localCertificate().isNull() && !configuration.privateKey().isNull();
    if (available != d->tlsAvailable) {
        d->tlsAvailable = available;
        Q_EMIT tlsAvailableChanged();
    }
}

QSslConfiguration SmtpServer::sslConfiguration() const
{
    return d_func()->sslConfiguration.value_or(QSslConfiguration());
}
bool SmtpServer::isTlsAvailable() const
{
    return d_func()->tlsAvailable;
}

SmtpServer::AuthMode SmtpServer::authMode() const
{
    return d_func()->authMode;
}
void SmtpServer::setAuthMode(AuthMode mode)
{
    Q_D(SmtpServer);
    if (d->authMode == mode)
        return;
    d->authMode = mode;
    Q_EMIT authModeChanged();
}

QHash<QString, QString> SmtpServer::credentials() const
{
    return d_func()->credentials;
}
void SmtpServer::setCredentials(const QHash<QString, QString> &userToPassword)
{
    d_func()->credentials = userToPassword;
}

SmtpRuleSet SmtpServer::rules() const
{
    return d_func()->rules;
}
void SmtpServer::setRules(const SmtpRuleSet &rules)
{
    d_func()->rules = rules;
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

int SmtpServer::connectionCount() const
{
    return int(d_func()->connections.size());
}
int SmtpServer::peakConnectionCount() const
{
    return d_func()->peakConnections;
}
qint64 SmtpServer::totalConnectionCount() const
{
    return d_func()->totalConnections;
}
qint64 SmtpServer::messageCount() const
{
    return d_func()->messages;
}
qint64 SmtpServer::byteCount() const
{
    return d_func()->bytes;
}
