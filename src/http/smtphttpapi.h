// The HTTP API of a message store, in the shape of Mailpit's /api/v1, so that the test tooling
// written for Mailpit (npm mailpit-api, cypress-mailpit, pytest-mailpit) works unchanged; plus
// the /api/events WebSocket. Safe by default: the caller picks the address (loopback unless told
// otherwise), a request whose Host is a name other than localhost or an allowed one is refused
// (DNS rebinding), so is a request from a web page of another origin that could change state
// (any method but GET, HEAD and OPTIONS) or open the WebSocket, no CORS headers unless an origin
// is set, and optional Basic auth.
#pragma once

#include "smtpreceiverhttp_export.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QScopedPointer>
#include <QStringList>

class SmtpMessageStore;
class SmtpServer;
class SmtpRelay;
class SmtpHttpApiPrivate;

class SMTPRECEIVERHTTP_EXPORT SmtpHttpApi : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool listening READ isListening NOTIFY listeningChanged)
    Q_PROPERTY(QString address READ addressString NOTIFY listeningChanged)
public:
    // Serves store (not owned, required). With a server (not owned), mail sent through the API
    // goes through that server's sinks and message() signal, and /api/v1/info reports its
    // statistics.
    explicit SmtpHttpApi(
        SmtpMessageStore *store, SmtpServer *server = nullptr, QObject *parent = nullptr);
    ~SmtpHttpApi() override;

    // Basic auth on every route except /livez and /readyz: user name -> password. Empty (the
    // default): no auth, and an Authorization field is ignored.
    QHash<QString, QString> credentials() const;
    void setCredentials(const QHash<QString, QString> &userToPassword);
    // Host names accepted besides localhost, 127.0.0.1 and [::1] (and, on a connection that
    // arrives on an address other than loopback, any IP address), with any port; pages from
    // http(s)://NAME[:port] are allowed origins.
    QStringList allowedHosts() const;
    void setAllowedHosts(const QStringList &names);
    // The origin sent as Access-Control-Allow-Origin, and allowed to change state; empty (the
    // default): no CORS headers. "*" allows every origin: give it only with credentials.
    QString corsOrigin() const;
    void setCorsOrigin(const QString &origin);
    // The largest request body taken (bigger: 413). Default: the server's maximum message
    // size, or 25 MiB without a server.
    qint64 maxBodySize() const;
    void setMaxBodySize(qint64 bytes);
    // Concurrent connections served (WebSocket clients included); over it a client gets 503 and
    // is closed. Default 1000.
    int maxConnections() const;
    void setMaxConnections(int connections);

    // Where POST /api/v1/message/{ID}/release sends messages (not owned). None (the default):
    // releases are refused with 400.
    SmtpRelay *relay() const;
    void setRelay(SmtpRelay *relay);

    // Starts serving; false, with errorString(), when the address cannot be bound.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    void close(); // stops listening and closes every connection
    bool isListening() const;
    QHostAddress serverAddress() const;
    quint16 serverPort() const; // the one picked for port 0; 0 when not listening
    // "127.0.0.1:8025", "[::1]:8025"; empty when not listening.
    QString addressString() const;
    QString errorString() const;
    int connectionCount() const; // open HTTP connections and WebSocket clients

Q_SIGNALS:
    void listeningChanged();
    void errorOccurred(const QString &errorString);

private:
    Q_DECLARE_PRIVATE(SmtpHttpApi)
    QScopedPointer<SmtpHttpApiPrivate> d_ptr;
};
