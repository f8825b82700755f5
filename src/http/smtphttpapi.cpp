// SmtpHttpApi: the router with every route, in front of the transport.
#include "smtphttpapi.h"

#include "httprouter.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>
#include <smtpserver.h>

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
    Q_UNUSED(address);
    Q_UNUSED(port);
    // The transport is not in this build yet: refuse rather than pretend.
    d_func()->errorString = tr("the HTTP transport is not available in this build");
    return false;
}

void SmtpHttpApi::close() { }
bool SmtpHttpApi::isListening() const
{
    return false;
}
QHostAddress SmtpHttpApi::serverAddress() const
{
    return {};
}
quint16 SmtpHttpApi::serverPort() const
{
    return 0;
}
QString SmtpHttpApi::addressString() const
{
    return {};
}
QString SmtpHttpApi::errorString() const
{
    return d_func()->errorString;
}
int SmtpHttpApi::connectionCount() const
{
    return 0;
}
