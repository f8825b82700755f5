// MailpitReadCache: a generation counter bumped by every change the store signals, the answers
// kept for the current generation, and one read in flight per question.
#include "mailpitreadcache.h"

#include "mailpitsearchpages.h"

#include <smtpmessagestore.h>

#include <QPointer>

namespace {
// Distinct questions kept at once; more are rare (clients poll a few), and all go at the next
// change anyway.
constexpr qsizetype maxKept = 256;
} // namespace

MailpitReadCache::MailpitReadCache(SmtpMessageStore *store, QObject *parent)
    : QObject(parent)
    , m_pages(std::make_shared<MailpitSearchPages>())
{
    if (!store)
        return;
    // The signals come on this thread after the store's writer or indexer has committed, and
    // (for new mail) right after the 250s of that commit: a client that saw its 250 and then
    // asks is asking in a newer generation.
    const auto added = [this] { changed(); };
    connect(store, &SmtpMessageStore::messagesAdded, this, added);
    connect(store, &SmtpMessageStore::countChanged, this, added);
    connect(store, &SmtpMessageStore::indexedUpToChanged, this, added);
    connect(store, &SmtpMessageStore::indexCaughtUp, this, added);
    // What else changes (a failed commit too) may change what a kept page holds.
    const auto other = [this] { invalidate(); };
    connect(store, &SmtpMessageStore::messagesRemoved, this, other);
    connect(store, &SmtpMessageStore::readChanged, this, other);
    connect(store, &SmtpMessageStore::opened, this, other);
    connect(store, &SmtpMessageStore::aboutToClose, this, other);
    connect(store, &SmtpMessageStore::errorOccurred, this, other);
}

MailpitReadCache::~MailpitReadCache() = default;

void MailpitReadCache::changed()
{
    ++m_generation;
    m_kept.clear();
}

void MailpitReadCache::invalidate()
{
    m_pages->forget();
    changed();
}

bool MailpitReadCache::asksAboutDays(const HttpRequest &request)
{
    const QString query = request.queryItem(QStringLiteral("query"));
    return query.contains(QLatin1String("today"), Qt::CaseInsensitive)
        || query.contains(QLatin1String("yesterday"), Qt::CaseInsensitive);
}

HttpRouter::Handler MailpitReadCache::wrap(HttpRouter::Handler read)
{
    return [this, read](HttpRequest &request) -> HttpResponse {
        const QByteArray key = request.target;
        if (asksAboutDays(request))
            return read(request);
        const auto kept = m_kept.constFind(key);
        if (kept != m_kept.cend() && kept->generation == m_generation) {
            ++m_hits;
            return kept->response;
        }
        return HttpResponse::later([this, key, request, read](HttpResponse::Responder respond) {
            const auto flight = m_flights.find(key);
            if (flight == m_flights.end()) {
                start(key, request, read, { std::move(respond) });
                return;
            }
            ++m_hits;
            if (flight->generation == m_generation) {
                flight->waiting.append(std::move(respond));
                return;
            }
            // The read in flight may not see what changed since it started.
            if (flight->next.isEmpty())
                flight->nextRequest = request;
            flight->next.append(std::move(respond));
        });
    };
}

void MailpitReadCache::start(const QByteArray &key, HttpRequest request,
    const HttpRouter::Handler &read, QList<HttpResponse::Responder> waiting)
{
    const quint64 generation = m_generation;
    Flight &flight = m_flights[key];
    flight.generation = generation;
    flight.waiting = std::move(waiting);
    flight.next.clear();
    flight.read = read;
    HttpResponse response = read(request);
    if (!response.isDeferred()) {
        finished(key, generation, response);
        return;
    }
    const QPointer<MailpitReadCache> self(this);
    response.deferred([self, key, generation](const HttpResponse &answer) {
        if (self)
            self->finished(key, generation, answer);
    });
}

void MailpitReadCache::finished(
    const QByteArray &key, quint64 generation, const HttpResponse &response)
{
    const auto it = m_flights.find(key);
    if (it == m_flights.end() || it->generation != generation)
        return;
    const Flight flight = std::move(*it);
    m_flights.erase(it);
    if (response.status == 200 && generation == m_generation) {
        if (m_kept.size() >= maxKept)
            m_kept.clear();
        m_kept.insert(key, { generation, response });
    }
    if (!flight.next.isEmpty())
        start(key, flight.nextRequest, flight.read, flight.next);
    for (const HttpResponse::Responder &respond : flight.waiting)
        respond(response);
}
