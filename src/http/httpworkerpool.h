// Runs the API's read routes off the thread that serves SMTP: a few worker threads of lower CPU
// priority with a bounded queue; each answer is handed back, as a deferred answer, on the thread
// that owns the pool.
#pragma once

#include "httpmessage.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThreadPool>
#include <QWaitCondition>

#include <atomic>
#include <functional>

class SMTPRECEIVERHTTP_TEST_EXPORT HttpWorkerPool : public QObject
{
    Q_OBJECT
public:
    // Something to do on the pool's thread once the job's answer is back (a write the job may
    // not make itself, such as marking the message it read as read).
    using Afterwards = std::function<void()>;
    // Runs on a worker: reads, and builds the whole answer (JSON and all). It may leave a
    // follow-up in afterwards. It must not touch QObjects of other threads. Its answer may be a
    // deferred one (HttpResponse::later): that starts on this object's thread, after afterwards.
    using Job = std::function<HttpResponse(Afterwards &afterwards)>;

    explicit HttpWorkerPool(QObject *parent = nullptr);
    ~HttpWorkerPool() override; // cancelAndWait()

    int threadCount() const;
    void setThreadCount(int threads);
    // Jobs that may wait for a worker; one more is answered 503 with Retry-After at once.
    int maxQueued() const;
    void setMaxQueued(int jobs);
    // The workers' nice value on Linux (0: as the process); set before the first job.
    int niceness() const;
    void setNiceness(int niceness);

    // A deferred answer: when the dispatcher is ready for it, job is queued for a worker (or
    // answered 503 when the queue is full), and its answer goes to the dispatcher on this
    // object's thread, after the job's afterwards has run there.
    HttpResponse run(Job job);
    // Runs job here and now, afterwards included: what run() does, without a worker.
    static HttpResponse runHere(const Job &job);

    // Jobs that have not started are answered 503; waits for the ones running. The pool stays
    // usable. Called before the store closes and when the API closes.
    void cancelAndWait();

    // Jobs queued or running whose answer has not been handed back yet.
    int pendingCount() const;

    // Test hook: while held, workers wait before they start a job.
    void setHeldForTest(bool held);

private:
    void start(quint64 id, Job job);
    void finish(quint64 id, const HttpResponse &response, const Afterwards &afterwards);
    static HttpResponse busy();

    QThreadPool m_pool;
    int m_maxQueued = 64;
    int m_niceness = 10;
    quint64 m_nextId = 0;
    QHash<quint64, HttpResponse::Responder> m_pending; // only touched on this object's thread
    std::atomic<int> m_queued { 0 }; // submitted, not started
    std::atomic<quint64> m_epoch { 0 }; // raised by cancelAndWait(): older queued jobs answer 503
    QMutex m_holdMutex;
    QWaitCondition m_holdReleased;
    bool m_held = false;
};
