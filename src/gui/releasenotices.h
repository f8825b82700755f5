// What the desktop app says of a release to the relay that failed where nobody was watching: an
// automatic release (an accept rule with "relay": true) that the relay refused or that could not
// reach it, a recipient such a rule released that the relay's allowed pattern refuses (nothing is
// sent to it), and a "Release…" whose dialog was closed before the relay answered. Each failure
// is one line naming the message (its subject), the recipients and the relay's reply or the
// reason, every part shown on one line (SmtpText::shownOnOneLine()). The window shows each line
// in its status bar as it happens and counts the failures until the user dismisses the count; a
// burst of them (the relay down during a test run) is one notification, as a burst of new mail
// is: a second after the last failure, or ten seconds after the first while failures go on.
// Releases that succeed are recorded on the message (its SMTP tab), as before, and said nowhere
// else.
#pragma once

#include "notificationburst.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

class SmtpMessage;
class SmtpRelay;

class ReleaseNotices : public QObject
{
    Q_OBJECT
public:
    explicit ReleaseNotices(SmtpRelay *relay, QObject *parent = nullptr);
    ~ReleaseNotices() override;

    // relay->releaseByRules(message), with what fails of it reported here.
    void releaseByRules(const SmtpMessage &message);
    // A release of the message with this subject to recipients failed; why: the relay's reply,
    // or why the release was refused before anything was sent.
    void addFailure(const QString &subject, const QStringList &recipients, const QString &why);
    // One failure on one line: "Subject" to a@x.test, b@x.test: 550 5.7.1 no
    static QString failureLine(
        const QString &subject, const QStringList &recipients, const QString &why);
    // What a window's status bar says of it: "Not released: " and the line.
    static QString statusText(const QString &line);

    // The failures since the last dismiss(), and the newest lines of them, newest first (at most
    // maxLatest).
    int failureCount() const { return m_count; }
    QStringList latestFailures() const { return m_latest; }
    static constexpr int maxLatest = 5;
    // Failures not in a notification yet: the burst still going on.
    int unnotifiedCount() const { return m_burst.count(); }

public Q_SLOTS:
    // The user has seen them: the count starts again.
    void dismiss();
    // The notification of the burst so far, now (nothing when there is none).
    void flush();

Q_SIGNALS:
    void failed(const QString &line); // each failure, as it happens
    void failureCountChanged(int count);
    // One per burst of failures: what the tray says.
    void notification(const QString &title, const QString &text);

private:
    // An automatic release's subject while refusals of it are still to come.
    struct Refusals
    {
        QString subject;
        qsizetype expected = 0;
    };

    QPointer<SmtpRelay> m_relay;
    QHash<qint64, Refusals> m_refusals; // by message id
    int m_count = 0;
    QStringList m_latest;
    QString m_newestUnnotified;
    NotificationBurst m_burst; // one notification per burst of failures
};
