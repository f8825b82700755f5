// The request and answer values: header lookup and the common answers.
#include "httpmessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &field : headers) {
        if (name.compare(field.first, Qt::CaseInsensitive) == 0)
            return field.second;
    }
    return {};
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &field : headers) {
        if (name.compare(field.first, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString HttpRequest::queryItem(const QString &name) const
{
    if (!query.hasQueryItem(name))
        return {};
    // "+" is a space in a form-encoded query, which is what browsers and clients send.
    QString value = query.queryItemValue(name, QUrl::FullyDecoded);
    return value.isNull() ? QStringLiteral("") : value;
}

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            field.second = value;
            return;
        }
    }
    headers.append({ name, value });
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    if (name.compare("content-type", Qt::CaseInsensitive) == 0)
        return contentType;
    for (const auto &field : headers) {
        if (name.compare(field.first, Qt::CaseInsensitive) == 0)
            return field.second;
    }
    return {};
}

HttpResponse HttpResponse::ok()
{
    HttpResponse response;
    response.contentType = "text/plain; charset=utf-8";
    response.body = "ok";
    return response;
}

HttpResponse HttpResponse::text(int status, const QString &text)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "text/plain; charset=utf-8";
    response.body = text.toUtf8();
    return response;
}

HttpResponse HttpResponse::tryAgainSoon(const QString &why)
{
    HttpResponse busy = text(503, QStringLiteral("Service Unavailable: ") + why);
    busy.setHeader("Retry-After", "1");
    return busy;
}

void HttpResponse::answer(const Responder &respond) const
{
    if (isDeferred())
        deferred(respond);
    else
        respond(*this);
}

namespace {

HttpResponse jsonResponse(const QJsonDocument &document, int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType = "application/json";
    response.body = document.toJson(QJsonDocument::Compact);
    return response;
}

} // namespace

HttpResponse HttpResponse::json(const QJsonObject &object, int status)
{
    return jsonResponse(QJsonDocument(object), status);
}

HttpResponse HttpResponse::json(const QJsonArray &array, int status)
{
    return jsonResponse(QJsonDocument(array), status);
}

HttpResponse HttpResponse::notFound()
{
    return text(404, QStringLiteral("404 page not found"));
}

HttpResponse HttpResponse::later(std::function<void(Responder)> start)
{
    HttpResponse response;
    response.deferred = std::move(start);
    return response;
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}
