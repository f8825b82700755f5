// SmtpServer: listens for SMTP (with STARTTLS) and SMTPS (implicit TLS, RFC 8314), runs one
// session per connection, and reports what it receives. Receive only: nothing is relayed.
//
//     SmtpServer server;
//     QObject::connect(&server, &SmtpServer::message, [](const SmtpMessage &m) { ... });
//     QObject::connect(&server, &SmtpServer::recipient, [](SmtpRecipient *r) { r->accept({}); });
//     server.listen(QHostAddress::LocalHost, 1025);
//
// or, with every setting in one value (see smtpserverconfig.h):
//
//     SmtpServerConfig config;
//     config.setListeners({ SmtpListenerConfig("127.0.0.1", 1025),
//                           SmtpListenerConfig("127.0.0.1", 1465, true) });
//     config.setTlsCertificateFile("cert.pem");
//     config.setTlsKeyFile("key.pem");
//     if (!server.applyConfiguration(config))
//         qWarning() << server.errorString();
//
// The setters and listen()/listenTls() change the same configuration that applyConfiguration()
// replaces as a whole. With no slot connected to recipient(), the rules decide (default: accept
// everything).
#pragma once

#include "smtpmessage.h"
#include "smtpreceiver_global.h"
#include "smtprecipient.h"
#include "smtprules.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QScopedPointer>

#include <functional>

class QSslConfiguration;
class SmtpMessageSink;
class SmtpServerConfig;
class SmtpServerPrivate;

// A refusal a client was given: an injected failure (a fail rule struck) or a recipient that
// the rules rejected. SmtpServer::rejected() reports each one as it happens.
struct SMTPRECEIVER_EXPORT SmtpRejection
{
    Q_GADGET
    Q_PROPERTY(SmtpRule::Stage stage MEMBER stage)
    Q_PROPERTY(int code MEMBER code)
    Q_PROPERTY(QString message MEMBER message)
    Q_PROPERTY(QString address MEMBER address)
    Q_PROPERTY(QString remoteAddress MEMBER remoteAddress)
    Q_PROPERTY(bool injected MEMBER injected)
    Q_PROPERTY(int delayMs MEMBER delayMs)
    Q_PROPERTY(bool disconnect MEMBER disconnect)
    Q_PROPERTY(int ruleIndex MEMBER ruleIndex)
public:
    SmtpRule::Stage stage = SmtpRule::Stage::Rcpt;
    int code = 0; // the reply code (the rule's, even when it disconnects without a reply)
    QString message;
    QString address; // what the rule was matched with: sender, recipient or AUTH user name
    QString remoteAddress; // the client's IP address
    bool injected = false; // a fail rule, not a recipient rule
    int delayMs = 0; // the reply waits this long
    bool disconnect = false; // the connection was closed instead of replying
    // Into SmtpServer::rules(); -1 for the rules' default, or for a chaos trigger (injected, but
    // from SmtpServer::chaosTriggers()).
    int ruleIndex = -1;
};

class SMTPRECEIVER_EXPORT SmtpServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString hostname READ hostname WRITE setHostname NOTIFY hostnameChanged)
    Q_PROPERTY(qint64 maxMessageSize READ maxMessageSize WRITE setMaxMessageSize NOTIFY
            maxMessageSizeChanged)
    Q_PROPERTY(int idleTimeout READ idleTimeout WRITE setIdleTimeout NOTIFY idleTimeoutChanged)
    Q_PROPERTY(
        int maxConnections READ maxConnections WRITE setMaxConnections NOTIFY maxConnectionsChanged)
    Q_PROPERTY(int recipientTimeout READ recipientTimeout WRITE setRecipientTimeout NOTIFY
            recipientTimeoutChanged)
    Q_PROPERTY(bool requireTls READ requireTls WRITE setRequireTls NOTIFY requireTlsChanged)
    Q_PROPERTY(bool tlsAvailable READ isTlsAvailable NOTIFY tlsAvailableChanged)
    Q_PROPERTY(AuthMode authMode READ authMode NOTIFY authModeChanged)
    Q_PROPERTY(bool listening READ isListening NOTIFY listeningChanged)
    Q_PROPERTY(QString serverAddress READ serverAddressString NOTIFY listeningChanged)
    Q_PROPERTY(int serverPort READ serverPort NOTIFY listeningChanged)
    Q_PROPERTY(int tlsServerPort READ tlsServerPort NOTIFY listeningChanged)
    Q_PROPERTY(int listenerCount READ listenerCount NOTIFY listeningChanged)
    Q_PROPERTY(int connectionCount READ connectionCount NOTIFY connectionCountChanged)
    Q_PROPERTY(int peakConnectionCount READ peakConnectionCount NOTIFY peakConnectionCountChanged)
    Q_PROPERTY(
        qint64 totalConnectionCount READ totalConnectionCount NOTIFY totalConnectionCountChanged)
    Q_PROPERTY(qint64 messageCount READ messageCount NOTIFY messageCountChanged)
    Q_PROPERTY(qint64 byteCount READ byteCount NOTIFY byteCountChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorOccurred)
public:
    // Whether and how AUTH is offered (SmtpServerConfig::authMode()).
    enum class AuthMode {
        Off, // AUTH is not offered
        AcceptAny, // AUTH offered; any credentials succeed; MAIL also works without AUTH
        Credentials, // AUTH offered; only the configured credentials; MAIL needs AUTH
    };
    Q_ENUM(AuthMode)

    explicit SmtpServer(QObject *parent = nullptr);
    ~SmtpServer() override;

    // Validates the configuration, then sets the server up with it and opens its listeners.
    // Listeners that are open already with the same address, port (or port 0, which an open
    // listener satisfies) and kind stay open; the others are closed and opened anew. Sessions
    // are never touched. TLS is what the configuration's files say: none when it names none. False,
    // with errorString() and errorOccurred(), when the configuration has a problem (the first of
    // SmtpServerConfig::validate()) or a listener cannot be opened; the server then goes on as
    // it was.
    bool applyConfiguration(const SmtpServerConfig &config);
    // What the server runs with: the last applied configuration with the setters' changes.
    SmtpServerConfig configuration() const;

    // Replaces the plain listeners (STARTTLS when a certificate is set) with this one and opens
    // it; implicit-TLS listeners stay. Port 0 picks a free port.
    bool listen(const QHostAddress &address, quint16 port);
    // The same for the implicit-TLS listeners; needs a certificate first.
    bool listenTls(const QHostAddress &address, quint16 port);
    // Stops listening (the configuration keeps its listeners); open sessions go on until they end.
    void close();
    // Stops listening and ends every session with 421 4.3.2.
    void shutdown();

    bool isListening() const;
    // The configured listeners, in the order of SmtpServerConfig::listeners().
    int listenerCount() const;
    bool isListenerOpen(int index) const;
    bool isListenerImplicitTls(int index) const;
    QHostAddress listenerAddress(int index) const; // bound; null when not open
    quint16 listenerPort(int index) const; // bound (the one picked for port 0); 0 when not open
    // Closes one listener; its sessions go on, the configuration keeps it.
    void closeListener(int index);
    // Opens one configured listener (again); false, with errorString(), when it cannot be.
    bool openListener(int index);
    // The first plain and the first implicit-TLS listener, as listen() and listenTls() set them.
    QHostAddress serverAddress() const;
    QString serverAddressString() const;
    quint16 serverPort() const;
    QHostAddress tlsServerAddress() const;
    quint16 tlsServerPort() const;
    QString errorString() const;

    QString hostname() const;
    void setHostname(const QString &hostname);
    qint64 maxMessageSize() const;
    void setMaxMessageSize(qint64 bytes);
    int idleTimeout() const; // seconds
    void setIdleTimeout(int seconds);
    int maxConnections() const;
    void setMaxConnections(int count);
    int recipientTimeout() const; // milliseconds an unanswered recipient() may take
    void setRecipientTimeout(int milliseconds);
    bool requireTls() const;
    void setRequireTls(bool require);

    // PEM files; false (and errorString()) when they cannot be read or do not belong together.
    // The files become the configuration's tlsCertificateFile() and tlsKeyFile().
    bool setTlsCertificate(const QString &certificateFile, const QString &keyFile);
    // TLS set up in code rather than from files (the configuration's files are cleared).
    void setSslConfiguration(const QSslConfiguration &configuration);
    QSslConfiguration sslConfiguration() const;
    bool isTlsAvailable() const;

    AuthMode authMode() const;
    void setAuthMode(AuthMode mode);
    QHash<QString, QString> credentials() const;
    void setCredentials(const QHash<QString, QString> &userToPassword);

    // The rules in effect: the configuration's rules, or those read from its rulesFile().
    SmtpRuleSet rules() const;
    void setRules(const SmtpRuleSet &rules); // also clears the configuration's rulesFile()
    // Failure triggers set at run time apart from the rules (the HTTP API's PUT /api/v1/chaos,
    // Mailpit's chaos): fail rules of their own, tried before the fail rules of rules() and
    // whatever rules().failureInjection() says. setRules() and applyConfiguration() leave them
    // alone, and setting them leaves rules() alone: a rules file's fail rules and its switch stay
    // as the file says. A rule that is no usable fail rule never strikes. Default: none.
    QList<SmtpRule> chaosTriggers() const;
    void setChaosTriggers(const QList<SmtpRule> &triggers);

    // Sinks see each message, in the order added, before the client gets 250 (not owned).
    void addMessageSink(SmtpMessageSink *sink);
    void removeMessageSink(SmtpMessageSink *sink);

    // Where a message past 1 MiB is kept while it arrives, instead of in memory (default: the
    // system's temporary directory; the store's directory keeps it on the store's disk). The
    // file has no name on Linux and is gone when the transaction ends; a message() that no sink
    // kept (the store) reads its data() from that file for as long as a copy of it lives.
    QString spoolDirectory() const;
    void setSpoolDirectory(const QString &path);

    // Call on the server's thread. Takes a message that did not arrive over SMTP (the HTTP send
    // API, a program that embeds the library) along the path a session's message takes after DATA:
    // every sink in order, then, once all of them confirmed, done(stored, "") and message(stored),
    // and the message counts in messageCount() and byteCount(). Recipient rules and recipient()
    // handlers are not asked: rcptTos() are taken as they are. An id of 0 gets the server's next id
    // (a sink that assigns ids, such as the store, replaces it: stored carries the final one); a
    // null receivedAt() becomes now. When a sink fails, done({}, why) is called, errorOccurred() is
    // emitted and message() is not. done runs on context's thread, and not at all once context
    // is destroyed (or the server is); without a context it runs on the server's thread. With
    // no sinks, or sinks that answer at once, it runs before submit() returns.
    void submit(const SmtpMessage &message, QObject *context,
        std::function<void(const SmtpMessage &stored, const QString &errorString)> done);

    int connectionCount() const;
    int peakConnectionCount() const;
    qint64 totalConnectionCount() const;
    qint64 messageCount() const;
    qint64 byteCount() const;

Q_SIGNALS:
    // A message was received and every sink confirmed it; the client got 250.
    void message(const SmtpMessage &message);
    // A recipient (RCPT TO or VRFY) wants a decision; see SmtpRecipient.
    void recipient(SmtpRecipient *request);
    // Something went wrong that the user should hear about (listener error, sink failure).
    void errorOccurred(const QString &errorString);
    // A fail rule struck, or the rules rejected a recipient (not a recipient() handler).
    void rejected(const SmtpRejection &rejection);
    // rules() changed (setRules(), applyConfiguration()).
    void rulesChanged();
    // chaosTriggers() changed.
    void chaosTriggersChanged();

    void hostnameChanged();
    void maxMessageSizeChanged();
    void idleTimeoutChanged();
    void maxConnectionsChanged();
    void recipientTimeoutChanged();
    void requireTlsChanged();
    void tlsAvailableChanged();
    void authModeChanged();
    void listeningChanged();
    void connectionCountChanged();
    void peakConnectionCountChanged();
    void totalConnectionCountChanged();
    void messageCountChanged();
    void byteCountChanged();

private:
    Q_DECLARE_PRIVATE(SmtpServer)
    QScopedPointer<SmtpServerPrivate> d_ptr;
};

// The configuration value type (which uses SmtpServer::AuthMode), so that including this header
// is enough to call applyConfiguration() and configuration().
#include "smtpserverconfig.h"
