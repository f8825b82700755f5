// What the window says of releases that failed unwatched (see releasenotices.h).
#include "releasenotices.h"

#include <smtpmessage.h>
#include <smtprelay.h>
#include <smtptext.h>

#include <utility>

namespace {

// A subject longer than this is cut: the line goes into a status bar and a notification.
constexpr qsizetype maxSubject = 80;

} // namespace

ReleaseNotices::ReleaseNotices(SmtpRelay *relay, QObject *parent)
    : QObject(parent)
    , m_relay(relay)
{
    connect(&m_burst, &NotificationBurst::due, this, &ReleaseNotices::flush);
    // A recipient the rules released that the relay may not take: a failed release to it.
    connect(relay, &SmtpRelay::releaseRefused, this,
        [this](qint64 id, const QStringList &recipients, const QString &reason) {
            QString subject = tr("message %1").arg(id); // not released through releaseByRules()
            const auto it = m_refusals.find(id);
            if (it != m_refusals.end()) {
                subject = it->subject;
                if (--it->expected <= 0)
                    m_refusals.erase(it);
            }
            addFailure(subject, recipients, reason);
        });
}

ReleaseNotices::~ReleaseNotices() = default;

void ReleaseNotices::releaseByRules(const SmtpMessage &message)
{
    if (!m_relay)
        return;
    const QStringList released = message.relayRcptTos();
    if (released.isEmpty() || !m_relay->isEnabled())
        return; // nothing to release, or no relay to release to (SmtpRelay would refuse nothing)
    // Decoded only for mail a rule releases, and kept (not the message) until the outcome.
    const QString subject = message.subject();
    SmtpRelayJob *job = m_relay->releaseByRules(message);
    // Every recipient is either in the job or refused, one releaseRefused() each, later.
    const qsizetype refused = released.size() - (job ? job->recipients().size() : 0);
    if (refused > 0)
        m_refusals[message.id()] = { subject, refused };
    if (job)
        connect(job, &SmtpRelayJob::finished, this, [this, job, subject] {
            if (!job->isOk())
                addFailure(subject, job->recipients(), job->replyText());
        });
}

QString ReleaseNotices::failureLine(
    const QString &subject, const QStringList &recipients, const QString &why)
{
    QString shown = SmtpText::shownOnOneLine(subject.trimmed());
    if (shown.size() > maxSubject)
        shown = shown.left(maxSubject - 1) + QChar(0x2026); // …
    if (shown.isEmpty())
        shown = tr("(no subject)");
    return tr("\"%1\" to %2: %3", "a failed release: subject, recipients, why")
        .arg(shown, SmtpText::shownOnOneLine(recipients.join(QLatin1String(", "))),
            SmtpText::shownOnOneLine(why));
}

QString ReleaseNotices::statusText(const QString &line)
{
    return tr("Not released: %1").arg(line);
}

void ReleaseNotices::addFailure(
    const QString &subject, const QStringList &recipients, const QString &why)
{
    const QString line = failureLine(subject, recipients, why);
    ++m_count;
    m_latest.prepend(line);
    if (m_latest.size() > maxLatest)
        m_latest.removeLast();
    Q_EMIT failed(line);
    Q_EMIT failureCountChanged(m_count);
    // One notification per burst, never one per failure (as MainWindow does for new mail).
    m_newestUnnotified = line;
    m_burst.add();
}

void ReleaseNotices::dismiss()
{
    m_latest.clear();
    if (std::exchange(m_count, 0) != 0)
        Q_EMIT failureCountChanged(0);
}

void ReleaseNotices::flush()
{
    const int count = m_burst.take();
    const QString newest = std::exchange(m_newestUnnotified, {});
    if (count == 0)
        return;
    if (count == 1)
        Q_EMIT notification(tr("Release failed"), newest);
    else
        Q_EMIT notification(
            tr("%n release(s) failed", nullptr, count), tr("Latest: %1").arg(newest));
}
