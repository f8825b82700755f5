// HttpWorkerPool: the queue bound, the workers' priority, and the hand-back of each answer to
// the thread that dispatched the request.
#include "httpworkerpool.h"

#include <QMetaObject>
#include <QMutexLocker>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

// Lowers the calling thread's CPU priority by niceness, once per thread. Why: the thread that
// reads for the API is the one that can wait. The SMTP sessions (and the store's writer, whose
// commit lets a session send the 250 after DATA) must keep their rate while clients poll, and a
// poll answered a few milliseconds later costs nobody anything. On Linux a nice value is a
// thread's own (setpriority with a thread id); elsewhere nothing changes.
void lowerPriority(int niceness)
{
    thread_local bool lowered = false;
    if (lowered || niceness <= 0)
        return;
    lowered = true;
#ifdef Q_OS_LINUX
    const pid_t thread = gettid();
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, id_t(thread));
    if (errno == 0)
        setpriority(PRIO_PROCESS, id_t(thread), qMin(19, current + niceness));
#endif
}

} // namespace

HttpWorkerPool::HttpWorkerPool(QObject *parent)
    : QObject(parent)
{
    m_pool.setMaxThreadCount(2);
    m_pool.setExpiryTimeout(-1); // threads stay, with their store connections and priority
}

HttpWorkerPool::~HttpWorkerPool()
{
    cancelAndWait();
}

int HttpWorkerPool::threadCount() const
{
    return m_pool.maxThreadCount();
}
void HttpWorkerPool::setThreadCount(int threads)
{
    m_pool.setMaxThreadCount(qMax(1, threads));
}
int HttpWorkerPool::maxQueued() const
{
    return m_maxQueued;
}
void HttpWorkerPool::setMaxQueued(int jobs)
{
    m_maxQueued = qMax(0, jobs);
}
int HttpWorkerPool::niceness() const
{
    return m_niceness;
}
void HttpWorkerPool::setNiceness(int niceness)
{
    m_niceness = qBound(0, niceness, 19);
}

int HttpWorkerPool::pendingCount() const
{
    return int(m_pending.size());
}

HttpResponse HttpWorkerPool::busy()
{
    return HttpResponse::tryAgainSoon(QStringLiteral("too many requests"));
}

HttpResponse HttpWorkerPool::runHere(const Job &job)
{
    Afterwards afterwards;
    HttpResponse response = job(afterwards);
    if (afterwards)
        afterwards();
    return response;
}

HttpResponse HttpWorkerPool::run(Job job)
{
    return HttpResponse::later([this, job = std::move(job)](HttpResponse::Responder respond) {
        if (m_queued.load() >= m_maxQueued) {
            respond(busy());
            return;
        }
        const quint64 id = ++m_nextId;
        m_pending.insert(id, std::move(respond));
        start(id, job);
    });
}

void HttpWorkerPool::start(quint64 id, Job job)
{
    ++m_queued;
    const quint64 epoch = m_epoch.load();
    const int niceness = m_niceness;
    // The worker sees the job, its id and numbers: never the responder (which points at a
    // connection of this thread) nor anything else of this thread but the queued hand-back.
    m_pool.start([this, id, epoch, niceness, job = std::move(job)] {
        {
            QMutexLocker lock(&m_holdMutex);
            while (m_held)
                m_holdReleased.wait(&m_holdMutex);
        }
        --m_queued;
        Afterwards afterwards;
        HttpResponse response;
        if (m_epoch.load() != epoch) {
            response = busy();
        } else {
            lowerPriority(niceness);
            response = job(afterwards);
        }
        QMetaObject::invokeMethod(
            this,
            [this, id, response = std::move(response), afterwards = std::move(afterwards)] {
                finish(id, response, afterwards);
            },
            Qt::QueuedConnection);
    });
}

void HttpWorkerPool::finish(quint64 id, const HttpResponse &response, const Afterwards &afterwards)
{
    const HttpResponse::Responder respond = m_pending.take(id);
    if (afterwards)
        afterwards();
    if (respond)
        response.answer(respond);
}

void HttpWorkerPool::cancelAndWait()
{
    ++m_epoch;
    setHeldForTest(false);
    m_pool.waitForDone();
}

void HttpWorkerPool::setHeldForTest(bool held)
{
    QMutexLocker lock(&m_holdMutex);
    m_held = held;
    if (!held)
        m_holdReleased.wakeAll();
}
