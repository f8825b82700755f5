// Coalescing a burst of events into one notification (see notificationburst.h).
#include "notificationburst.h"

#include <utility>

NotificationBurst::NotificationBurst(QObject *parent)
    : QObject(parent)
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(1000);
    connect(&m_quiet, &QTimer::timeout, this, &NotificationBurst::due);
}

void NotificationBurst::add()
{
    if (m_count++ == 0)
        m_since.start();
    if (m_since.elapsed() >= 10000)
        Q_EMIT due();
    else
        m_quiet.start(); // restarted by every event of the burst
}

int NotificationBurst::take()
{
    m_quiet.stop();
    return std::exchange(m_count, 0);
}
