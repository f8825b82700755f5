// Answers of the list and search routes kept while the store has not changed. Clients poll the
// same question (mailpit-api's waitForMessage asks every 0.5 s) while mail arrives: a question
// asked again before the store's next change gets the answer already paid for, and one asked
// while the same question is being read waits for that read (or, asked after a change, for the
// one read next) instead of starting its own.
#pragma once

#include "httprouter.h"

#include <QHash>
#include <QObject>

#include <memory>

class MailpitSearchPages;

class SmtpMessageStore;

class SMTPRECEIVERHTTP_TEST_EXPORT MailpitReadCache : public QObject
{
    Q_OBJECT
public:
    // Watches the store's signals: any change (new mail, removals, read flags, the indexer's
    // progress, open and close) makes every kept answer stale; any but new mail and the
    // indexer's progress also makes the search pages forget.
    explicit MailpitReadCache(SmtpMessageStore *store, QObject *parent = nullptr);
    ~MailpitReadCache() override;

    // A handler that answers a GET as read does (a route that may answer later, as
    // mailpitReadRoute's do), through the cache. The key is the request target: path and query.
    HttpRouter::Handler wrap(HttpRouter::Handler read);

    // Makes every kept answer stale and the search pages forget: for the API's own writes,
    // whose signals come after their answer (a pipelined read right behind a write must see it).
    void invalidate();

    // The first pages of the searches, which the search route reads on from (shared with the
    // workers that read them).
    std::shared_ptr<MailpitSearchPages> searchPages() const { return m_pages; }

    // Whether the request's search query names a day relative to now ("before:today"): its
    // answer changes at midnight, not with the store, so it is never kept. The query as decoded
    // ("%74oday" is "today").
    static bool asksAboutDays(const HttpRequest &request);

    // Counts the store's changes seen so far.
    quint64 generation() const { return m_generation; }
    // How many answers came from the cache or from a read started for another request.
    qint64 hitCount() const { return m_hits; }

private:
    struct Flight
    {
        quint64 generation = 0; // when the read started: its answer is as new as that, or newer
        QList<HttpResponse::Responder> waiting; // answered by this read
        QList<HttpResponse::Responder> next; // came after a change: answered by the next read
        HttpRequest nextRequest;
        HttpRouter::Handler read;
    };
    struct Kept
    {
        quint64 generation = 0;
        HttpResponse response;
    };
    void start(const QByteArray &key, HttpRequest request, const HttpRouter::Handler &read,
        QList<HttpResponse::Responder> waiting);
    void finished(const QByteArray &key, quint64 generation, const HttpResponse &response);
    // A change: every kept answer is stale (the search pages stay).
    void changed();

    quint64 m_generation = 0;
    qint64 m_hits = 0;
    QHash<QByteArray, Kept> m_kept;
    QHash<QByteArray, Flight> m_flights;
    std::shared_ptr<MailpitSearchPages> m_pages;
};
