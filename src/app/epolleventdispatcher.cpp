// EpollEventDispatcher: socket notifiers in an epoll set, timers in a queue ordered by when they
// are due, posted events and wake-ups through an eventfd. It keeps the rules of Qt's own Unix
// loop (QEventDispatcherUNIX): posted events first, then one wait, then the ready notifiers, then
// the due timers, each timer at most once a turn.
#include "epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Watch
{
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;
    QSocketNotifier *exception = nullptr;
    quint32 inKernel = 0; // the events the epoll set has for this descriptor (0: not in it)
    bool dirty = false; // changed since the set was last brought up to date
    // epoll refuses descriptors that are always ready (regular files, /dev/null), which poll()
    // reports ready on every turn: so are they here.
    bool alwaysReady = false;

    QSocketNotifier *&slot(QSocketNotifier::Type type)
    {
        switch (type) {
        case QSocketNotifier::Read:
            return read;
        case QSocketNotifier::Write:
            return write;
        case QSocketNotifier::Exception:
            break;
        }
        return exception;
    }
    quint32 events() const
    {
        return (read ? quint32(EPOLLIN) : 0u) | (write ? quint32(EPOLLOUT) : 0u)
            | (exception ? quint32(EPOLLPRI) : 0u);
    }
};

struct Timer
{
    qint64 interval = 0; // milliseconds
    Qt::TimerType type = Qt::CoarseTimer;
    QObject *object = nullptr;
    Clock::time_point due;
    bool inEvent = false; // its timer event is being delivered (a nested loop must not repeat it)
};

} // namespace

struct EpollEventDispatcher::Private
{
    int epollFd = -1;
    int wakeFd = -1;
    std::atomic<int> wakeUps { 0 };
    std::atomic<bool> interrupted { false };

    std::unordered_map<int, Watch> watches;
    std::vector<int> dirty;
    // Ready this turn, in order, each once; an unregistered notifier is taken out (a nested loop
    // run from one of their events shares the list and must not queue one a second time).
    std::deque<QSocketNotifier *> pending;
    std::unordered_set<QSocketNotifier *> isPending;
    int alwaysReadyCount = 0;

    std::unordered_map<int, Timer> timers;
    std::set<std::pair<Clock::time_point, int>> timerQueue; // (due, id): the first is next

    // Brings the set's events for fd to w's; errno when that failed.
    int control(int fd, Watch &w, quint32 events)
    {
        epoll_event event {};
        event.events = events;
        event.data.fd = fd;
        int op = w.inKernel ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        int result = epoll_ctl(epollFd, op, fd, &event);
        // The descriptor may have been closed and its number reused (the kernel drops a closed
        // descriptor from the set by itself), or added by an earlier turn: take the other way.
        if (result != 0
            && ((op == EPOLL_CTL_MOD && errno == ENOENT)
                || (op == EPOLL_CTL_ADD && errno == EEXIST))) {
            op = op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
            result = epoll_ctl(epollFd, op, fd, &event);
        }
        return result == 0 ? 0 : errno;
    }

    void setAlwaysReady(Watch &w, bool on)
    {
        if (w.alwaysReady != on) {
            w.alwaysReady = on;
            alwaysReadyCount += on ? 1 : -1;
        }
    }

    // Interest changes are applied just before a wait: a write notifier armed and disarmed in
    // the same turn (a reply written, then flushed) costs no system call at all.
    void applyChanges()
    {
        for (const int fd : dirty) {
            const auto it = watches.find(fd);
            if (it == watches.end())
                continue;
            Watch &w = it->second;
            w.dirty = false;
            const quint32 events = w.events();
            if (events == w.inKernel || w.alwaysReady)
                continue;
            const int error = control(fd, w, events);
            if (error == 0) {
                w.inKernel = events;
            } else if (error == EPERM) {
                setAlwaysReady(w, true);
            } else {
                w.inKernel = 0;
                qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, strerror(error));
            }
        }
        dirty.clear();
    }

    void queue(QSocketNotifier *notifier)
    {
        if (notifier && isPending.insert(notifier).second)
            pending.push_back(notifier);
    }

    // Queues the notifiers that what epoll (or poll()) reported wakes, as Qt's poll() loop does:
    // a hang-up or an error is news for readers, writers and exception watchers alike.
    void queueReady(const Watch &w, quint32 ready)
    {
        if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR))
            queue(w.read);
        if (ready & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            queue(w.write);
        if (ready & (EPOLLPRI | EPOLLHUP | EPOLLERR))
            queue(w.exception);
    }

    void markDirty(int fd, Watch &w)
    {
        if (!w.dirty) {
            w.dirty = true;
            dirty.push_back(fd);
        }
    }

    void schedule(int id, Timer &t, Clock::time_point due)
    {
        timerQueue.erase({ t.due, id });
        t.due = due;
        timerQueue.insert({ due, id });
    }

    // Milliseconds until the next timer is due (rounded up, so that the wait does not end just
    // before it and spin), or -1 without timers. A timer whose event is being delivered (a nested
    // loop runs in it) does not count: it cannot fire until that event returns.
    int timeUntilNextTimer() const
    {
        auto next = timerQueue.begin();
        while (next != timerQueue.end() && timers.at(next->second).inEvent)
            ++next;
        if (next == timerQueue.end())
            return -1;
        const auto left = next->first - Clock::now();
        if (left <= Clock::duration::zero())
            return 0;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        return ms > INT_MAX ? INT_MAX : int(ms);
    }

    int activateTimers()
    {
        if (timerQueue.empty())
            return 0;
        const Clock::time_point now = Clock::now();
        // The ones due now; a timer started by one of their events waits for the next turn.
        std::vector<int> due;
        for (auto it = timerQueue.begin(); it != timerQueue.end() && it->first <= now; ++it)
            due.push_back(it->second);
        int activated = 0;
        for (const int id : due) {
            const auto it = timers.find(id);
            if (it == timers.end() || it->second.due > now)
                continue; // stopped, or restarted by an earlier event of this turn
            Timer &t = it->second;
            Clock::time_point next = t.due + std::chrono::milliseconds(t.interval);
            if (next <= now) // late (a long event, a suspended machine): skip what was missed
                next = now + std::chrono::milliseconds(t.interval);
            schedule(id, t, next);
            if (t.inEvent)
                continue; // a nested loop in its own event: once the event returns
            QObject *object = t.object;
            // As Qt's loop: a zero timer ("when idle") does not count as work done.
            if (t.interval > 0)
                ++activated;
            t.inEvent = true;
            QTimerEvent event(id);
            QCoreApplication::sendEvent(object, &event);
            // The event may have stopped the timer, and timers started meanwhile may have moved
            // the map's elements: look it up again.
            const auto after = timers.find(id);
            if (after != timers.end())
                after->second.inEvent = false;
        }
        return activated;
    }

    int activateSocketNotifiers()
    {
        int activated = 0;
        QEvent event(QEvent::SockAct);
        while (!pending.empty()) {
            QSocketNotifier *notifier = pending.front();
            pending.pop_front();
            if (!notifier)
                continue; // unregistered after it was found ready
            isPending.erase(notifier);
            QCoreApplication::sendEvent(notifier, &event);
            ++activated;
        }
        return activated;
    }

    // Read first, then allow the next write: a wake-up between the two is not written, but its
    // event was posted before it, and processEvents() sends the posted events before any wait.
    // (The other order loses wake-ups: one written between the reset and the read is consumed
    // while the flag stays set, and no later wake-up writes again.)
    void drainWakeUps()
    {
        quint64 count = 0;
        [[maybe_unused]] const ssize_t n = ::read(wakeFd, &count, sizeof count);
        wakeUps.store(0);
    }
};

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , d(std::make_unique<Private>())
{
    d->epollFd = epoll_create1(EPOLL_CLOEXEC);
    d->wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d->epollFd >= 0 && d->wakeFd >= 0) {
        epoll_event event {};
        event.events = EPOLLIN;
        event.data.fd = d->wakeFd;
        if (epoll_ctl(d->epollFd, EPOLL_CTL_ADD, d->wakeFd, &event) != 0) {
            ::close(d->wakeFd);
            d->wakeFd = -1;
        }
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (d->wakeFd >= 0)
        ::close(d->wakeFd);
    if (d->epollFd >= 0)
        ::close(d->epollFd);
}

bool EpollEventDispatcher::isValid() const
{
    return d->epollFd >= 0 && d->wakeFd >= 0;
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    d->interrupted.store(false);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // An event posted from now on wakes the wait below through wakeUp(); one posted while the
    // events above were sent has done so already.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) && !d->interrupted.load();
    if (canWait)
        Q_EMIT aboutToBlock();
    if (d->interrupted.load())
        return false;

    int timeout = 0;
    if (canWait && !(includeNotifiers && d->alwaysReadyCount > 0))
        timeout = includeTimers ? d->timeUntilNextTimer() : -1;

    int activated = 0;
    if (includeNotifiers) {
        d->applyChanges();
        constexpr int maxEvents = 256;
        epoll_event events[maxEvents];
        const int n = epoll_wait(d->epollFd, events, maxEvents, timeout);
        if (n < 0 && errno != EINTR)
            qWarning("EpollEventDispatcher: epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == d->wakeFd) {
                d->drainWakeUps();
                ++activated;
                continue;
            }
            const auto it = d->watches.find(fd);
            if (it == d->watches.end()) {
                // Still in the set though no notifier wants it (its removal failed: the file
                // lives on in another descriptor): take it out, or it is reported every turn.
                epoll_ctl(d->epollFd, EPOLL_CTL_DEL, fd, nullptr);
                continue;
            }
            d->queueReady(it->second, events[i].events);
        }
        if (d->alwaysReadyCount > 0) {
            for (const auto &[fd, w] : d->watches)
                if (w.alwaysReady)
                    d->queueReady(w, EPOLLIN | EPOLLOUT);
        }
        activated += d->activateSocketNotifiers();
    } else {
        // Sockets are not to be looked at: wait for a wake-up or the next timer only.
        pollfd wake { d->wakeFd, POLLIN, 0 };
        if (::poll(&wake, 1, timeout) > 0) {
            d->drainWakeUps();
            ++activated;
        }
    }
    if (includeTimers)
        activated += d->activateTimers();
    return activated > 0;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &w = d->watches[fd];
    QSocketNotifier *&slot = w.slot(notifier->type());
    if (slot && slot != notifier)
        qWarning("QSocketNotifier: Multiple socket notifiers for the same socket %d", fd);
    slot = notifier;
    d->markDirty(fd, w);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    if (d->isPending.erase(notifier)) {
        for (QSocketNotifier *&p : d->pending)
            if (p == notifier)
                p = nullptr;
    }
    const int fd = int(notifier->socket());
    const auto it = d->watches.find(fd);
    if (it == d->watches.end())
        return;
    Watch &w = it->second;
    QSocketNotifier *&slot = w.slot(notifier->type());
    if (slot == notifier)
        slot = nullptr;
    if (w.events() == 0) {
        // At once, not before the next wait: a socket disables its notifiers before it closes
        // its descriptor, whose number the next accepted connection may get in this very turn.
        if (w.inKernel)
            epoll_ctl(d->epollFd, EPOLL_CTL_DEL, fd, nullptr);
        d->setAlwaysReady(w, false);
        d->watches.erase(it); // a stale entry in the dirty list is skipped
        return;
    }
    d->markDirty(fd, w);
}

void EpollEventDispatcher::registerTimer(
    int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer &t = d->timers[timerId];
    d->timerQueue.erase({ t.due, timerId });
    t.interval = qBound(qint64(0), interval, qint64(INT_MAX)); // as QObject::startTimer() allows
    t.type = timerType;
    t.object = object;
    t.inEvent = false;
    t.due = Clock::now() + std::chrono::milliseconds(t.interval);
    d->timerQueue.insert({ t.due, timerId });
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = d->timers.find(timerId);
    if (it == d->timers.end())
        return false;
    d->timerQueue.erase({ it->second.due, timerId });
    d->timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = d->timers.begin(); it != d->timers.end();) {
        if (it->second.object == object) {
            d->timerQueue.erase({ it->second.due, it->first });
            it = d->timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(
    QObject *object) const
{
    QList<TimerInfo> list;
    for (const auto &[id, t] : d->timers)
        if (t.object == object)
            list.append(TimerInfo(id, int(t.interval), t.type));
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto it = d->timers.find(timerId);
    if (it == d->timers.end())
        return -1;
    const auto left = it->second.due - Clock::now();
    if (left <= Clock::duration::zero())
        return 0;
    return int(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

void EpollEventDispatcher::wakeUp()
{
    // Called from any thread (QCoreApplication::postEvent); one write until the loop reads it.
    if (d->wakeUps.exchange(1) == 0) {
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t n = ::write(d->wakeFd, &one, sizeof one);
    }
}

void EpollEventDispatcher::interrupt()
{
    d->interrupted.store(true);
    wakeUp();
}
