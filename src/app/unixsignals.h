// SIGINT and SIGTERM turned into a Qt signal (the self-pipe pattern from Qt's "Calling Qt
// Functions From Unix Signal Handlers"): the handler only writes a byte.
#pragma once

#include <QObject>

class QSocketNotifier;

class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);
    ~UnixSignals() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

// Raises the open-files soft limit toward the hard limit so --max-connections can be met;
// returns the new soft limit.
long raiseOpenFileLimit();
