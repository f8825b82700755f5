// Answers of the list and search routes kept while the store has not changed. Clients poll the
// same question (mailpit-api's waitForMessage asks every 0.5 s) while mail arrives: a question
// asked again before the store's next change gets the answer already paid for, and one asked
// while the same question is being read waits for that read (or, asked after a change, for the
// one read next) instead of starting its own.
#pragma once

#include "httprouter.h"

#include <QHash>
#include <QObject>

class SmtpMessageStore;

class SMTPRECEIVERHTTP_TEST_EXPORT MailpitReadCache : public QObject
{
    Q_OBJECT
public:
    // Watches the store's signals: any change (new mail, removals, read flags, the indexer's
    // progress, open and close) makes every kept answer stale.
    explicit MailpitReadCache(SmtpMessageStore *store, QObject *parent = nullptr);

    // A handler that answers a GET as read does (a route that may answer later, as
    // mailpitReadRoute's do), through the cache. The key is the request target: path and query.
    HttpRouter::Handler wrap(HttpRouter::Handler read);

    // Makes every kept answer stale: for the API's own writes, whose signals come after their
    // answer (a pipelined read right behind a write must see it).
    void invalidate();

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

    quint64 m_generation = 0;
    qint64 m_hits = 0;
    QHash<QByteArray, Kept> m_kept;
    QHash<QByteArray, Flight> m_flights;
};
