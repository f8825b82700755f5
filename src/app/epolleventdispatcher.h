// The headless server's event loop: Qt's event dispatcher interface over Linux epoll, so that a
// turn of the loop costs what is ready, not what is open. Qt's own loop hands every socket to
// poll() and walks them all again afterwards, on every turn: with 500 idle SMTP connections open
// that was 15% of the server's CPU under load (sock_poll, tcp_poll, fdget in the profile).
#pragma once

#include <QAbstractEventDispatcher>

#include <memory>

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False when the kernel refused an epoll instance or an eventfd: use Qt's loop then.
    bool isValid() const;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(
        int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};
