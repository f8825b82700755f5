// What SmtpHttpApi keeps, and the internal accessors that the integration tests use to add a
// route of their own, shorten the timers, or emit an event frame.
#pragma once

#include "smtphttpapi.h"

#include "httpconnection.h"
#include "httprouter.h"
#include "httpworkerpool.h"

#include <QList>
#include <QPointer>
#include <QTcpServer>

class MailpitEvents;
class MailpitReadCache;
class QWebSocket;
class QWebSocketServer;

class SmtpHttpApiPrivate
{
public:
    SmtpMessageStore *store = nullptr;
    SmtpServer *server = nullptr;
    HttpServerSettings settings;
    qint64 maxBodySize = 0; // 0: the default (see SmtpHttpApi::maxBodySize())
    int maxConnections = 1000;
    QString errorString;
    HttpRouter router;
    QTcpServer listener;
    QList<HttpConnection *> connections;
    QWebSocketServer *webSockets = nullptr;
    QList<QWebSocket *> webSocketClients;
    MailpitEvents *events = nullptr;
    QPointer<SmtpRelay> relay; // for the release route; none: releases are refused
    // The read routes' workers (a child of the API; waited for before the store closes).
    HttpWorkerPool *readers = nullptr;
    MailpitReadCache *cache = nullptr; // the list and search answers (a child of the API)

    // Events are made only while a WebSocket client listens (see MailpitEvents::setEnabled).
    void webSocketClientsChanged();

    static SmtpHttpApiPrivate *get(SmtpHttpApi *api) { return api->d_func(); }
};

namespace SmtpHttpApiTest {
SMTPRECEIVERHTTP_TEST_EXPORT HttpRouter &router(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT MailpitEvents *events(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT void setTimeouts(SmtpHttpApi *api, int idleMs, int headMs);
SMTPRECEIVERHTTP_TEST_EXPORT int webSocketClientCount(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT HttpWorkerPool *readers(SmtpHttpApi *api);
SMTPRECEIVERHTTP_TEST_EXPORT MailpitReadCache *cache(SmtpHttpApi *api);
} // namespace SmtpHttpApiTest
