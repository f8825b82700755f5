// The request and the answer of the HTTP API as plain values: routes are functions from one to
// the other, tested without sockets, and only the transport (httpconnection) speaks the wire.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <utility>

class QJsonArray;
class QJsonObject;

struct SMTPRECEIVERHTTP_TEST_EXPORT HttpRequest
{
    QByteArray method; // as sent; methods are case-sensitive ("GET")
    QByteArray target; // the request-target as sent: path and query, still percent-encoded
    QByteArray path; // the target's path, not percent-decoded (clients put IDs in unencoded)
    QUrlQuery query; // the target's query, form-encoded ("+" was a space)
    // Every field in order of arrival; names in lowercase, values with the white space around
    // them removed.
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QHostAddress peerAddress;
    // Filled in by HttpRouter: the value of each {name} segment of the route's pattern,
    // percent-decoded.
    QMap<QString, QString> pathParameters;

    // The first value of a field (name in any case); empty when there is none.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    QString parameter(const QString &name) const { return pathParameters.value(name); }
    // A query item, percent-decoded; a null QString when absent.
    QString queryItem(const QString &name) const;
};

struct SMTPRECEIVERHTTP_TEST_EXPORT HttpResponse
{
    int status = 200;
    QByteArray contentType; // empty: no Content-Type (an empty body)
    QList<std::pair<QByteArray, QByteArray>> headers; // besides Content-Type and Content-Length
    QByteArray body;
    // An answer that comes later (the send API answers once the message is stored): set by
    // later(). Whoever dispatched the request calls deferred with a function that takes the real
    // answer; the route calls that function at most once (never when what it waited for went
    // away), on the thread that called deferred, possibly after the client has gone.
    using Responder = std::function<void(const HttpResponse &)>;
    std::function<void(Responder)> deferred;

    void setHeader(const QByteArray &name, const QByteArray &value); // replaces one of that name
    QByteArray header(QByteArrayView name) const;

    // 200 "ok" as text/plain, the answer of Mailpit's action routes.
    static HttpResponse ok();
    // One line of text/plain; charset=utf-8 (errors: 400 with what was wrong).
    static HttpResponse text(int status, const QString &text);
    static HttpResponse json(const QJsonObject &object, int status = 200);
    static HttpResponse json(const QJsonArray &array, int status = 200);
    // 404 with Mailpit's body, "404 page not found".
    static HttpResponse notFound();
    // 503 for a limit that frees itself as other requests end ("Service Unavailable: " and why):
    // Retry-After says the client may try again in a second.
    static HttpResponse tryAgainSoon(const QString &why);
    // A deferred answer (see deferred): start runs when the dispatcher is ready for the answer.
    static HttpResponse later(std::function<void(Responder)> start);
    bool isDeferred() const { return bool(deferred); }
    // Gives this answer to respond: at once, or once it comes (a deferred one).
    void answer(const Responder &respond) const;
    // The standard reason phrase of a status ("Not Found"); "Unknown" for others.
    static QByteArray reasonPhrase(int status);
};
