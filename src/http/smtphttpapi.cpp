// SmtpHttpApi: the router with every route, in front of the transport.
#include "smtphttpapi.h"

#include "httprouter.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>
#include <smtpserver.h>

#include <QTcpServer>

class SmtpHttpApiPrivate
{
public:
    SmtpMessageStore *store = nullptr;
    SmtpServer *server = nullptr;
    QHash<QString, QString> credentials;
    QStringList allowedHosts;
    QString corsOrigin;
    qint64 maxBodySize = 0;
    QString errorString;
    HttpRouter router;
    QTcpServer listener;
};

SmtpHttpApi::SmtpHttpApi(SmtpMessageStore *store, SmtpServer *server, QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpHttpApiPrivate)
{
    Q_D(SmtpHttpApi);
    d->store = store;
    d->server = server;
    const MailpitContext context { store, server, QDateTime::currentDateTimeUtc() };
    addMailpitListRoutes(d->router, context);
    addMailpitMessageRoutes(d->router, context);
    addMailpitSendRoute(d->router, context);
}

SmtpHttpApi::~SmtpHttpApi() = default;

QHash<QString, QString> SmtpHttpApi::credentials() const
{
    return d_func()->credentials;
}
void SmtpHttpApi::setCredentials(const QHash<QString, QString> &c)
{
    d_func()->credentials = c;
}
QStringList SmtpHttpApi::allowedHosts() const
{
    return d_func()->allowedHosts;
}
void SmtpHttpApi::setAllowedHosts(const QStringList &names)
{
    d_func()->allowedHosts = names;
}
QString SmtpHttpApi::corsOrigin() const
{
    return d_func()->corsOrigin;
}
void SmtpHttpApi::setCorsOrigin(const QString &origin)
{
    d_func()->corsOrigin = origin;
}

qint64 SmtpHttpApi::maxBodySize() const
{
    Q_D(const SmtpHttpApi);
    if (d->maxBodySize > 0)
        return d->maxBodySize;
    return d->server ? d->server->maxMessageSize() : qint64(25) * 1024 * 1024;
}

void SmtpHttpApi::setMaxBodySize(qint64 bytes)
{
    d_func()->maxBodySize = bytes;
}

bool SmtpHttpApi::listen(const QHostAddress &address, quint16 port)
{
    Q_D(SmtpHttpApi);
    close();
    if (!d->listener.listen(address, port)) {
        d->errorString = d->listener.errorString();
        return false;
    }
    d->errorString.clear();
    Q_EMIT listeningChanged();
    return true;
}

void SmtpHttpApi::close()
{
    Q_D(SmtpHttpApi);
    if (!d->listener.isListening())
        return;
    d->listener.close();
    Q_EMIT listeningChanged();
}

bool SmtpHttpApi::isListening() const
{
    return d_func()->listener.isListening();
}
QHostAddress SmtpHttpApi::serverAddress() const
{
    return d_func()->listener.serverAddress();
}
quint16 SmtpHttpApi::serverPort() const
{
    return d_func()->listener.serverPort();
}

QString SmtpHttpApi::addressString() const
{
    if (!isListening())
        return {};
    const QHostAddress address = serverAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    return host + QLatin1Char(':') + QString::number(serverPort());
}

QString SmtpHttpApi::errorString() const
{
    return d_func()->errorString;
}
int SmtpHttpApi::connectionCount() const
{
    return 0;
}
