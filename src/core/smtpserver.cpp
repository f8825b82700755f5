// SmtpServer: applies a configuration, binds the listeners, decides recipients and counts
// sessions. How a message goes to the sinks is in smtpserverdelivery.cpp.
#include "smtpserver.h"

#include "smtpconnection.h"
#include "smtplog.h"
#include "smtprecipient_p.h"
#include "smtpserver_p.h"
#include "smtpserverconfig_p.h"

#include <QMetaMethod>
#include <QSslKey>
#include <QSslSocket>

SmtpListener::SmtpListener(
    SmtpServerPrivate *server, bool implicitTls, const QString &mailbox, QObject *parent)
    : QTcpServer(parent)
    , m_server(server)
    , m_implicitTls(implicitTls)
    , m_mailbox(mailbox)
{ }

void SmtpListener::incomingConnection(qintptr descriptor)
{
    m_server->incoming(descriptor, m_implicitTls, m_mailbox);
}

SmtpServerPrivate::SmtpServerPrivate(SmtpServer *q)
    : q_ptr(q)
    , chaosRandom(QRandomGenerator::securelySeeded())
{ }

SmtpSessionConfig SmtpServerPrivate::sessionConfig(bool implicitTls) const
{
    SmtpSessionConfig session;
    session.hostname = q_func()->hostname().toUtf8();
    session.limits.maxMessageSize = config.maxMessageSize();
    session.tlsAvailable = tlsAvailable;
    session.implicitTls = implicitTls;
    session.requireTls = config.requireTls();
    switch (config.authMode()) {
    case SmtpServer::AuthMode::Off:
        // The AUTH user names the mailbox: AUTH is offered, any password accepted.
        session.auth = config.mailboxFromAuth() ? SmtpSessionConfig::Auth::AcceptAny
                                                : SmtpSessionConfig::Auth::Off;
        break;
    case SmtpServer::AuthMode::AcceptAny:
        session.auth = SmtpSessionConfig::Auth::AcceptAny;
        break;
    case SmtpServer::AuthMode::Credentials:
        session.auth = SmtpSessionConfig::Auth::Credentials;
        break;
    }
    session.credentials = config.credentials();
    if (config.mailboxFromAuth()) {
        // The name is to name the mailbox: one that cannot is refused at AUTH, where the client
        // sees it, rather than its mail going to the listener's mailbox unasked.
        session.refuseAuthUser = [](const QString &user) -> std::optional<SmtpReply> {
            if (SmtpMessage::isValidMailboxName(user))
                return std::nullopt;
            return SmtpReply::authUserNotMailboxName(user);
        };
    }
    return session;
}

void SmtpServerPrivate::incoming(qintptr descriptor, bool implicitTls, const QString &mailbox)
{
    Q_Q(SmtpServer);
    if (connections.size() + draining.size() >= config.maxConnections()) {
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
        qCInfo(lcSmtpServer) << "refused a connection: limit of" << config.maxConnections()
                             << "reached";
        return;
    }
    auto *connection = new SmtpConnection(this, descriptor, implicitTls, mailbox, q);
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
    if (connections.remove(connection)) {
        draining.insert(connection);
        Q_EMIT q->connectionCountChanged();
    }
}

void SmtpServerPrivate::connectionDrained(SmtpConnection *connection)
{
    draining.remove(connection);
}

bool SmtpServerPrivate::fail(const QString &why)
{
    Q_Q(SmtpServer);
    errorString = why;
    Q_EMIT q->errorOccurred(why);
    return false;
}

SmtpListener *SmtpServerPrivate::open(
    const SmtpListenerConfig &listener, const QHostAddress &address, quint16 port, QString *error)
{
    Q_Q(SmtpServer);
    auto *socket = new SmtpListener(this, listener.isImplicitTls(), listener.mailbox(), q);
    socket->setMaxPendingConnections(qMax(30, config.maxConnections()));
    if (!socket->listen(address, port)) {
        *error = SmtpServer::tr("Cannot listen on %1: %2")
                     .arg(SmtpListenerConfig(address.toString(), port).toString(),
                         socket->errorString());
        delete socket;
        return nullptr;
    }
    return socket;
}

bool SmtpServerPrivate::setListeners(const QList<SmtpListenerConfig> &wanted)
{
    Q_Q(SmtpServer);
    QList<Listener> previous = listeners;
    QList<Listener> next;
    QList<bool> kept(previous.size(), false);
    // An open listener stays for a wanted one of the same kind and address when the port is
    // the same, or the one it picked, or 0 ("any free port", which it already is).
    const auto fits = [](const Listener &open, const SmtpListenerConfig &listener) {
        const int port = listener.port();
        return open.isOpen() && open.config.isImplicitTls() == listener.isImplicitTls()
            && open.config.address() == listener.address()
            && (port == 0 || port == open.config.port() || port == open.socket->serverPort());
    };
    for (const SmtpListenerConfig &listener : wanted) {
        Listener entry { listener, {} };
        for (qsizetype j = 0; j < previous.size(); ++j) {
            if (!kept.at(j) && fits(previous.at(j), listener)) {
                entry.socket = previous.at(j).socket;
                entry.socket->setMailbox(listener.mailbox()); // kept open, maybe newly routed
                kept[j] = true;
                break;
            }
        }
        next.append(entry);
    }

    // Those going away are closed first: a new listener may want the same port.
    struct Closed
    {
        qsizetype index;
        QHostAddress address;
        quint16 port;
    };
    QList<Closed> closed;
    bool changed = false;
    for (qsizetype j = 0; j < previous.size(); ++j) {
        if (kept.at(j) || !previous.at(j).socket)
            continue;
        if (previous.at(j).isOpen())
            closed.append(
                { j, previous.at(j).socket->serverAddress(), previous.at(j).socket->serverPort() });
        delete previous.at(j).socket;
        changed = true;
    }

    QList<SmtpListener *> opened;
    for (Listener &entry : next) {
        if (entry.socket)
            continue;
        QString error;
        entry.socket
            = open(entry.config, entry.config.hostAddress(), quint16(entry.config.port()), &error);
        if (!entry.socket) {
            // Put back what was open, where it was (a free port picked before stays picked).
            qDeleteAll(opened);
            for (const Closed &c : std::as_const(closed)) {
                QString ignored;
                previous[c.index].socket
                    = open(previous.at(c.index).config, c.address, c.port, &ignored);
            }
            listeners = previous;
            if (changed || !opened.isEmpty())
                Q_EMIT q->listeningChanged();
            return fail(error);
        }
        opened.append(entry.socket);
        changed = true;
    }
    listeners = next;
    if (changed)
        Q_EMIT q->listeningChanged();
    return true;
}

bool SmtpServerPrivate::replaceListeners(
    bool implicitTls, const QHostAddress &address, quint16 port)
{
    // The other kind stays as it is, if open; what is not open is forgotten.
    QList<SmtpListenerConfig> wanted;
    const SmtpListenerConfig replacement(address.toString(), port, implicitTls);
    if (!implicitTls)
        wanted.append(replacement);
    for (const Listener &listener : std::as_const(listeners)) {
        if (listener.config.isImplicitTls() != implicitTls && listener.isOpen())
            wanted.append(listener.config);
    }
    if (implicitTls)
        wanted.append(replacement);
    if (!setListeners(wanted))
        return false;
    config.setListeners(wanted);
    return true;
}

const SmtpServerPrivate::Listener *SmtpServerPrivate::first(bool implicitTls) const
{
    for (const Listener &listener : listeners) {
        if (listener.config.isImplicitTls() == implicitTls && listener.isOpen())
            return &listener;
    }
    return nullptr;
}

void SmtpServerPrivate::setTls(std::optional<QSslConfiguration> configuration)
{
    Q_Q(SmtpServer);
    const bool available = configuration && !configuration->localCertificate().isNull()
        && !configuration->privateKey().isNull();
    sslConfiguration = std::move(configuration);
    if (available != tlsAvailable) {
        tlsAvailable = available;
        Q_EMIT q->tlsAvailableChanged();
    }
}

void SmtpServerPrivate::decideRecipient(SmtpConnection *connection, const SmtpEvent &event)
{
    Q_Q(SmtpServer);
    const bool verify = event.type == SmtpEvent::Type::Verify;
    static const QMetaMethod recipientSignal = QMetaMethod::fromSignal(&SmtpServer::recipient);
    if (q->isSignalConnected(recipientSignal)) {
        SmtpRecipient *request = SmtpRecipientPrivate::create(connection, event.address,
            verify ? QString() : event.envelope.mailFrom, verify, config.recipientTimeout());
        Q_EMIT q->recipient(request);
        return;
    }
    const SmtpRuleDecision decision = rules.decide(event.address);
    if (decision.accepted) {
        connection->answerRecipient(true, decision.address, {}, decision.mailbox, decision.relay);
        return;
    }
    if (!verify) {
        SmtpRejection rejection;
        rejection.stage = SmtpRule::Stage::Rcpt;
        rejection.code = decision.code;
        rejection.message = decision.message;
        rejection.address = event.address;
        rejection.remoteAddress = connection->remoteAddress();
        rejection.ruleIndex = decision.ruleIndex;
        Q_EMIT q->rejected(rejection);
    }
    connection->answerRecipient(
        false, {}, SmtpReply::rejection(decision.code, decision.message.toUtf8()));
}

std::optional<SmtpInjectedFailure> SmtpServerPrivate::injectedFailure(
    SmtpConnection *connection, SmtpFailureStage stage, const QString &address)
{
    Q_Q(SmtpServer);
    SmtpRule::Stage ruleStage = SmtpRule::Stage::Rcpt;
    switch (stage) {
    case SmtpFailureStage::Mail:
        ruleStage = SmtpRule::Stage::Mail;
        break;
    case SmtpFailureStage::Rcpt:
        ruleStage = SmtpRule::Stage::Rcpt;
        break;
    case SmtpFailureStage::Data:
        ruleStage = SmtpRule::Stage::Data;
        break;
    case SmtpFailureStage::Auth:
        ruleStage = SmtpRule::Stage::Auth;
        break;
    }
    // The chaos triggers strike before any fail rule of the rules.
    int index = chaosTriggers.failure(ruleStage, address, &chaosRandom);
    const bool trigger = index >= 0;
    if (!trigger)
        index = rules.failure(ruleStage, address, &chaosRandom);
    if (index < 0)
        return std::nullopt;
    const SmtpRule rule = (trigger ? chaosTriggers : rules).rules().at(index);
    SmtpRejection rejection;
    rejection.stage = ruleStage;
    rejection.code = rule.code();
    rejection.message = rule.message();
    rejection.address = address;
    rejection.remoteAddress = connection->remoteAddress();
    rejection.injected = true;
    rejection.delayMs = rule.delayMs();
    rejection.disconnect = rule.disconnect();
    rejection.ruleIndex = trigger ? -1 : index;
    qCInfo(lcSmtpServer) << (trigger ? "chaos trigger: injected failure at" : "injected failure at")
                         << ruleStage << "for" << address << rule.code()
                         << (rule.disconnect() ? "(disconnect)" : "");
    Q_EMIT q->rejected(rejection);
    return SmtpInjectedFailure { SmtpReply::rejection(rule.code(), rule.message().toUtf8()),
        rule.delayMs(), rule.disconnect() };
}

void SmtpServerPrivate::setRulesInEffect(const SmtpRuleSet &next)
{
    Q_Q(SmtpServer);
    if (rules == next)
        return;
    rules = next;
    Q_EMIT q->rulesChanged();
}

SmtpServer::SmtpServer(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpServerPrivate(this))
{ }

SmtpServer::~SmtpServer()
{
    Q_D(SmtpServer);
    // Connections are children; they go with us. Stop them from calling back first.
    const auto connections = d->connections + d->draining;
    d->connections.clear();
    d->draining.clear();
    qDeleteAll(connections);
}

bool SmtpServer::applyConfiguration(const SmtpServerConfig &config)
{
    Q_D(SmtpServer);
    const QList<SmtpServerConfig::Problem> problems = config.problems();
    if (!problems.isEmpty())
        return d->fail(problems.constFirst().text);
    std::optional<QSslConfiguration> ssl;
    if (!config.tlsCertificateFile().isEmpty()) {
        QSslConfiguration loaded;
        SmtpServerConfig::Problem problem;
        if (!smtpLoadTlsFiles(config.tlsCertificateFile(), config.tlsKeyFile(), &loaded, &problem))
            return d->fail(problem.text);
        ssl = loaded;
    }
    SmtpRuleSet rules = config.rules();
    if (!config.rulesFile().isEmpty()) {
        QString problem;
        if (!smtpLoadRulesFile(config.rulesFile(), &rules, &problem))
            return d->fail(problem);
    }
    const int oldMaxConnections = d->config.maxConnections();
    d->config.setMaxConnections(config.maxConnections()); // the backlog of new listeners
    if (!d->setListeners(config.listeners())) {
        d->config.setMaxConnections(oldMaxConnections);
        return false;
    }

    const SmtpServerConfig old = d->config;
    const QString oldHostname = hostname();
    d->config = config;
    if (config.chaosSeed() >= 0 && config.chaosSeed() != old.chaosSeed()) {
        const quint32 seed[2] = { quint32(config.chaosSeed()), quint32(config.chaosSeed() >> 32) };
        d->chaosRandom = QRandomGenerator(seed, 2);
    }
    d->setRulesInEffect(rules);
    d->setTls(std::move(ssl));
    for (const SmtpServerPrivate::Listener &listener : std::as_const(d->listeners)) {
        if (listener.socket)
            listener.socket->setMaxPendingConnections(qMax(30, config.maxConnections()));
    }
    d->errorString.clear();
    if (hostname() != oldHostname)
        Q_EMIT hostnameChanged();
    if (old.maxMessageSize() != config.maxMessageSize())
        Q_EMIT maxMessageSizeChanged();
    if (old.idleTimeout() != config.idleTimeout())
        Q_EMIT idleTimeoutChanged();
    if (oldMaxConnections != config.maxConnections())
        Q_EMIT maxConnectionsChanged();
    if (old.recipientTimeout() != config.recipientTimeout())
        Q_EMIT recipientTimeoutChanged();
    if (old.requireTls() != config.requireTls())
        Q_EMIT requireTlsChanged();
    if (old.authMode() != config.authMode())
        Q_EMIT authModeChanged();
    return true;
}

SmtpServerConfig SmtpServer::configuration() const
{
    return d_func()->config;
}

bool SmtpServer::listen(const QHostAddress &address, quint16 port)
{
    return d_func()->replaceListeners(false, address, port);
}

bool SmtpServer::listenTls(const QHostAddress &address, quint16 port)
{
    Q_D(SmtpServer);
    if (!d->tlsAvailable)
        return d->fail(tr("Implicit TLS needs a certificate and key"));
    return d->replaceListeners(true, address, port);
}

void SmtpServer::close()
{
    Q_D(SmtpServer);
    const bool was = isListening();
    for (SmtpServerPrivate::Listener &listener : d->listeners)
        delete listener.socket;
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
    return std::any_of(d->listeners.cbegin(), d->listeners.cend(),
        [](const SmtpServerPrivate::Listener &listener) { return listener.isOpen(); });
}

int SmtpServer::listenerCount() const
{
    return int(d_func()->listeners.size());
}

bool SmtpServer::isListenerOpen(int index) const
{
    Q_D(const SmtpServer);
    return index >= 0 && index < d->listeners.size() && d->listeners.at(index).isOpen();
}

bool SmtpServer::isListenerImplicitTls(int index) const
{
    Q_D(const SmtpServer);
    return index >= 0 && index < d->listeners.size()
        && d->listeners.at(index).config.isImplicitTls();
}

QHostAddress SmtpServer::listenerAddress(int index) const
{
    Q_D(const SmtpServer);
    return isListenerOpen(index) ? d->listeners.at(index).socket->serverAddress() : QHostAddress();
}

quint16 SmtpServer::listenerPort(int index) const
{
    Q_D(const SmtpServer);
    return isListenerOpen(index) ? d->listeners.at(index).socket->serverPort() : quint16(0);
}

void SmtpServer::closeListener(int index)
{
    Q_D(SmtpServer);
    if (index < 0 || index >= d->listeners.size() || !d->listeners.at(index).socket)
        return;
    const bool was = d->listeners.at(index).isOpen();
    delete d->listeners.at(index).socket;
    if (was)
        Q_EMIT listeningChanged();
}

bool SmtpServer::openListener(int index)
{
    Q_D(SmtpServer);
    if (index < 0 || index >= d->listeners.size())
        return d->fail(tr("There is no listener %1").arg(index));
    SmtpServerPrivate::Listener &listener = d->listeners[index];
    if (listener.isOpen())
        return true;
    if (listener.config.isImplicitTls() && !d->tlsAvailable)
        return d->fail(tr("Implicit TLS needs a certificate and key"));
    delete listener.socket;
    QString error;
    listener.socket = d->open(
        listener.config, listener.config.hostAddress(), quint16(listener.config.port()), &error);
    if (!listener.socket)
        return d->fail(error);
    Q_EMIT listeningChanged();
    return true;
}

QHostAddress SmtpServer::serverAddress() const
{
    const auto *listener = d_func()->first(false);
    return listener ? listener->socket->serverAddress() : QHostAddress();
}

QString SmtpServer::serverAddressString() const
{
    return serverAddress().toString();
}

quint16 SmtpServer::serverPort() const
{
    const auto *listener = d_func()->first(false);
    return listener ? listener->socket->serverPort() : quint16(0);
}

QHostAddress SmtpServer::tlsServerAddress() const
{
    const auto *listener = d_func()->first(true);
    return listener ? listener->socket->serverAddress() : QHostAddress();
}

quint16 SmtpServer::tlsServerPort() const
{
    const auto *listener = d_func()->first(true);
    return listener ? listener->socket->serverPort() : quint16(0);
}

QString SmtpServer::errorString() const
{
    return d_func()->errorString;
}

QString SmtpServer::hostname() const
{
    const QString configured = d_func()->config.hostname();
    return configured.isEmpty() ? SmtpServerConfig::defaultHostname() : configured;
}
void SmtpServer::setHostname(const QString &hostname)
{
    Q_D(SmtpServer);
    const QString old = this->hostname();
    d->config.setHostname(hostname);
    if (this->hostname() != old)
        Q_EMIT hostnameChanged();
}

qint64 SmtpServer::maxMessageSize() const
{
    return d_func()->config.maxMessageSize();
}
void SmtpServer::setMaxMessageSize(qint64 bytes)
{
    Q_D(SmtpServer);
    if (d->config.maxMessageSize() == bytes)
        return;
    d->config.setMaxMessageSize(bytes);
    Q_EMIT maxMessageSizeChanged();
}

int SmtpServer::idleTimeout() const
{
    return d_func()->config.idleTimeout();
}
void SmtpServer::setIdleTimeout(int seconds)
{
    Q_D(SmtpServer);
    if (d->config.idleTimeout() == seconds)
        return;
    d->config.setIdleTimeout(seconds);
    Q_EMIT idleTimeoutChanged();
}

int SmtpServer::maxConnections() const
{
    return d_func()->config.maxConnections();
}
void SmtpServer::setMaxConnections(int count)
{
    Q_D(SmtpServer);
    if (d->config.maxConnections() == count)
        return;
    d->config.setMaxConnections(count);
    for (const SmtpServerPrivate::Listener &listener : std::as_const(d->listeners)) {
        if (listener.socket)
            listener.socket->setMaxPendingConnections(qMax(30, count));
    }
    Q_EMIT maxConnectionsChanged();
}

int SmtpServer::recipientTimeout() const
{
    return d_func()->config.recipientTimeout();
}
void SmtpServer::setRecipientTimeout(int milliseconds)
{
    Q_D(SmtpServer);
    if (d->config.recipientTimeout() == milliseconds)
        return;
    d->config.setRecipientTimeout(milliseconds);
    Q_EMIT recipientTimeoutChanged();
}

bool SmtpServer::requireTls() const
{
    return d_func()->config.requireTls();
}
void SmtpServer::setRequireTls(bool require)
{
    Q_D(SmtpServer);
    if (d->config.requireTls() == require)
        return;
    d->config.setRequireTls(require);
    Q_EMIT requireTlsChanged();
}

bool SmtpServer::setTlsCertificate(const QString &certificateFile, const QString &keyFile)
{
    Q_D(SmtpServer);
    QSslConfiguration configuration;
    SmtpServerConfig::Problem problem;
    if (!smtpLoadTlsFiles(certificateFile, keyFile, &configuration, &problem))
        return d->fail(problem.text);
    d->config.setTlsCertificateFile(certificateFile);
    d->config.setTlsKeyFile(keyFile);
    d->setTls(configuration);
    return true;
}

void SmtpServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(SmtpServer);
    d->config.setTlsCertificateFile({});
    d->config.setTlsKeyFile({});
    d->setTls(configuration);
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
    return d_func()->config.authMode();
}
void SmtpServer::setAuthMode(AuthMode mode)
{
    Q_D(SmtpServer);
    if (d->config.authMode() == mode)
        return;
    d->config.setAuthMode(mode);
    Q_EMIT authModeChanged();
}

QHash<QString, QString> SmtpServer::credentials() const
{
    return d_func()->config.credentials();
}
void SmtpServer::setCredentials(const QHash<QString, QString> &userToPassword)
{
    d_func()->config.setCredentials(userToPassword);
}

SmtpRuleSet SmtpServer::rules() const
{
    return d_func()->rules;
}
void SmtpServer::setRules(const SmtpRuleSet &rules)
{
    Q_D(SmtpServer);
    d->config.setRules(rules);
    d->config.setRulesFile({});
    d->setRulesInEffect(rules);
}

QList<SmtpRule> SmtpServer::chaosTriggers() const
{
    return d_func()->chaosTriggers.rules();
}
void SmtpServer::setChaosTriggers(const QList<SmtpRule> &triggers)
{
    Q_D(SmtpServer);
    if (d->chaosTriggers.rules() == triggers)
        return;
    d->chaosTriggers.setRules(triggers);
    Q_EMIT chaosTriggersChanged();
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
