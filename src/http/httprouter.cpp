// Route matching: segment by segment, first route added wins.
#include "httprouter.h"

#include <QEventLoop>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <optional>

namespace {

// How long the synchronous dispatch() waits for a deferred answer.
constexpr int deferredTimeoutMs = 60000;

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
    // Shared with the responder: it may still be called after a timeout, when this frame is gone.
    struct Wait
    {
        QEventLoop loop;
        std::optional<HttpResponse> answer;
    };
    const auto wait = std::make_shared<Wait>();
    std::weak_ptr<Wait> weak = wait;
    response.deferred([weak](const HttpResponse &answer) {
        if (const auto waiting = weak.lock()) {
            waiting->answer = answer;
            waiting->loop.quit();
        }
    });
    if (!wait->answer) {
        QTimer::singleShot(deferredTimeoutMs, &wait->loop, &QEventLoop::quit);
        wait->loop.exec();
    }
    if (!wait->answer)
        return HttpResponse::text(503, QStringLiteral("Service Unavailable: no answer in time"));
    return *wait->answer;
}

void HttpRouter::dispatch(HttpRequest &request, const HttpResponse::Responder &respond) const
{
    HttpResponse response = route(request);
    if (response.isDeferred())
        response.deferred(respond);
    else
        respond(response);
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
