// Which function answers a request: routes are a method and a path pattern. A pattern is made of
// segments; a segment is literal ("api"), a parameter ("{id}", one non-empty segment) or a
// parameter with a literal suffix ("{id}.html"). A path that no pattern matches is 404; one that
// matches a pattern with another method only is 405 with an Allow field.
#pragma once

#include "httpmessage.h"

#include <QList>
#include <QString>

#include <functional>

class SMTPRECEIVERHTTP_TEST_EXPORT HttpRouter
{
public:
    using Handler = std::function<HttpResponse(HttpRequest &request)>;

    // Adds a route. A GET route also answers HEAD (the transport drops the body).
    void add(const QByteArray &method, const QString &pattern, Handler handler);

    // Runs the matching route's handler with request.pathParameters filled in. A route that
    // answers later (HttpResponse::later) is not started: the answer is 500. Callers that can
    // wait (the transport) use the form below.
    HttpResponse dispatch(HttpRequest &request) const;
    // Runs the matching route's handler and hands its answer to respond: at once, or, for a
    // deferred answer, when it comes (at most once, on this thread).
    void dispatch(HttpRequest &request, const HttpResponse::Responder &respond) const;

    // Whether some route's pattern matches the path, whatever its method.
    bool matchesPath(const QByteArray &path) const;

private:
    HttpResponse route(HttpRequest &request) const;

    struct Segment
    {
        QString literal; // a literal segment, or the suffix after a parameter
        QString parameter; // empty for a literal segment
    };
    struct Route
    {
        QByteArray method;
        QList<Segment> segments;
        Handler handler;
    };
    static bool match(
        const Route &route, const QList<QByteArray> &segments, QMap<QString, QString> *parameters);

    QList<Route> m_routes;
};
