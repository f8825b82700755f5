// One notification for a burst of events (new mail, failed releases), never one per event: a
// burst ends a second after its last event, and one that goes on is reported every ten seconds.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class NotificationBurst : public QObject
{
    Q_OBJECT
public:
    explicit NotificationBurst(QObject *parent = nullptr);

    // One more event of the burst. Set what the notification will say first: due() may come
    // from inside, when the burst has gone on for ten seconds.
    void add();
    // The events of the burst so far (0: none going on).
    int count() const { return m_count; }
    // Ends the burst, whose count it returns (0 when there was none).
    int take();

Q_SIGNALS:
    // Time to notify the burst so far: take() it.
    void due();

private:
    QTimer m_quiet; // ends the burst after a second without an event
    QElapsedTimer m_since; // since the first event of the burst
    int m_count = 0;
};
