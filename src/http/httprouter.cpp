// Route matching: segment by segment, first route added wins.
#include "httprouter.h"

#include <QUrl>

namespace {

QList<QByteArray> pathSegments(const QByteArray &path)
{
    // "/api/v1/messages" -> api, v1, messages. A trailing slash gives an empty last segment,
    // which matches no parameter: "/api/v1/message/" is not the message "".
    QByteArray trimmed = path;
    if (trimmed.startsWith('/'))
        trimmed.remove(0, 1);
    return trimmed.split('/');
}

QString decoded(const QByteArray &segment)
{
    return QUrl::fromPercentEncoding(segment);
}

} // namespace

void HttpRouter::add(const QByteArray &method, const QString &pattern, Handler handler)
{
    Route route;
    route.method = method;
    route.handler = std::move(handler);
    QString trimmed = pattern;
    if (trimmed.startsWith(QLatin1Char('/')))
        trimmed.remove(0, 1);
    const QStringList parts = trimmed.split(QLatin1Char('/'));
    for (const QString &part : parts) {
        Segment segment;
        if (part.startsWith(QLatin1Char('{'))) {
            const qsizetype close = part.indexOf(QLatin1Char('}'));
            Q_ASSERT(close > 1);
            segment.parameter = part.mid(1, close - 1);
            segment.literal = part.mid(close + 1);
        } else {
            segment.literal = part;
        }
        route.segments.append(segment);
    }
    m_routes.append(std::move(route));
}

bool HttpRouter::match(
    const Route &route, const QList<QByteArray> &segments, QMap<QString, QString> *parameters)
{
    if (route.segments.size() != segments.size())
        return false;
    QMap<QString, QString> found;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &pattern = route.segments.at(i);
        const QString text = decoded(segments.at(i));
        if (pattern.parameter.isEmpty()) {
            if (text != pattern.literal)
                return false;
            continue;
        }
        if (!text.endsWith(pattern.literal) || text.size() <= pattern.literal.size())
            return false;
        found.insert(pattern.parameter, text.chopped(pattern.literal.size()));
    }
    if (parameters)
        *parameters = found;
    return true;
}

HttpResponse HttpRouter::dispatch(HttpRequest &request) const
{
    HttpResponse response = route(request);
    if (!response.isDeferred())
        return response;
    // Waiting here would mean a nested event loop inside the caller's socket handling, where the
    // connection may be deleted or read again under its own feet. The route is not started.
    return HttpResponse::text(500,
        QStringLiteral(
            "Internal Server Error: this route answers later, and the caller cannot wait"));
}

void HttpRouter::dispatch(HttpRequest &request, const HttpResponse::Responder &respond) const
{
    route(request).answer(respond);
}

HttpResponse HttpRouter::route(HttpRequest &request) const
{
    const QList<QByteArray> segments = pathSegments(request.path);
    QByteArrayList allowed;
    for (const Route &route : m_routes) {
        QMap<QString, QString> parameters;
        if (!match(route, segments, &parameters))
            continue;
        const bool head = request.method == "HEAD" && route.method == "GET";
        if (route.method == request.method || head) {
            request.pathParameters = parameters;
            return route.handler(request);
        }
        if (!allowed.contains(route.method))
            allowed.append(route.method);
    }
    if (allowed.isEmpty())
        return HttpResponse::notFound();
    if (allowed.contains("GET") && !allowed.contains("HEAD"))
        allowed.append("HEAD");
    HttpResponse response = HttpResponse::text(405, QStringLiteral("Method Not Allowed"));
    response.setHeader("Allow", allowed.join(", "));
    return response;
}

bool HttpRouter::matchesPath(const QByteArray &path) const
{
    const QList<QByteArray> segments = pathSegments(path);
    for (const Route &route : m_routes) {
        if (match(route, segments, nullptr))
            return true;
    }
    return false;
}
