// SmtpRelay: releases stored messages to a real server with SmtpClient, checks recipients
// against the allowed pattern, records accepted releases in the store.
#include "smtprelay.h"

#include "smtpmessage.h"
#include "smtpmessagestore.h"
#include "smtptext.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <functional>

class SmtpRelayJobPrivate
{
public:
    qint64 messageId = 0;
    QStringList recipients;
    bool finished = false;
    QString refusal;
    SmtpClientResult result;

    static SmtpRelayJob *create(QObject *parent) { return new SmtpRelayJob(parent); }
    static SmtpRelayJobPrivate *get(SmtpRelayJob *job) { return job->d_func(); }
};

SmtpRelayJob::SmtpRelayJob(QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpRelayJobPrivate)
{ }

SmtpRelayJob::~SmtpRelayJob() = default;

qint64 SmtpRelayJob::messageId() const
{
    return d_func()->messageId;
}
QStringList SmtpRelayJob::recipients() const
{
    return d_func()->recipients;
}
bool SmtpRelayJob::isFinished() const
{
    return d_func()->finished;
}
bool SmtpRelayJob::isOk() const
{
    Q_D(const SmtpRelayJob);
    return d->finished && d->refusal.isEmpty() && d->result.ok;
}
QString SmtpRelayJob::refusal() const
{
    return d_func()->refusal;
}
SmtpClientResult SmtpRelayJob::result() const
{
    return d_func()->result;
}
QString SmtpRelayJob::replyText() const
{
    Q_D(const SmtpRelayJob);
    return d->refusal.isEmpty() ? d->result.toString() : d->refusal;
}

QString SmtpRelayConfig::problem() const
{
    if (allowedPattern.isEmpty())
        return {};
    const QRegularExpression pattern(allowedPattern);
    if (!pattern.isValid())
        return QStringLiteral("'%1' is not a regular expression (%2)")
            .arg(allowedPattern, pattern.errorString());
    return {};
}

QString SmtpRelayConfig::address() const
{
    const QString portText = QLatin1Char(':') + QString::number(port);
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        + portText;
}

class SmtpRelayPrivate
{
public:
    QPointer<SmtpMessageStore> store;
    SmtpRelayConfig config;
    QRegularExpression allowed;
    // At most this many releases talk to the relay at once; the others wait, in order. A burst
    // of mail that rules release automatically must not open a connection (and read a message)
    // each at once.
    static constexpr int maxRunning = 4;
    int running = 0;
    std::deque<std::function<void()>> waiting; // each starts one release, or refuses it

    void enqueue(std::function<void()> begin);
    void startWaiting(SmtpRelay *q);
    void start(SmtpRelay *q, SmtpRelayJob *job, const QString &sender, const QByteArray &data,
        bool record);
    static void refuse(SmtpRelayJob *job, const QString &why);
};

void SmtpRelayPrivate::enqueue(std::function<void()> begin)
{
    waiting.push_back(std::move(begin));
}

void SmtpRelayPrivate::startWaiting(SmtpRelay *q)
{
    // From the event loop, never inside release(): the caller connects to its job first.
    QTimer::singleShot(0, q, [this] {
        while (running < maxRunning && !waiting.empty()) {
            const std::function<void()> begin = std::move(waiting.front());
            waiting.pop_front();
            begin(); // start() counts it as running; a refusal does not
        }
    });
}

SmtpRelay::SmtpRelay(SmtpMessageStore *store, QObject *parent)
    : QObject(parent)
    , d_ptr(new SmtpRelayPrivate)
{
    d_func()->store = store;
}

SmtpRelay::~SmtpRelay() = default;

SmtpRelayConfig SmtpRelay::config() const
{
    return d_func()->config;
}

void SmtpRelay::setConfig(const SmtpRelayConfig &config)
{
    Q_D(SmtpRelay);
    d->config = config;
    d->allowed = config.allowedPattern.isEmpty()
        ? QRegularExpression()
        : QRegularExpression(QRegularExpression::anchoredPattern(config.allowedPattern),
            QRegularExpression::CaseInsensitiveOption);
}

bool SmtpRelay::isEnabled() const
{
    return d_func()->config.isEnabled();
}

bool SmtpRelay::isAddress(const QString &address)
{
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    return at > 0 && at < address.size() - 1
        && std::none_of(address.cbegin(), address.cend(), [](QChar c) {
               return c.isSpace() || c.category() == QChar::Other_Control || c == QLatin1Char('<')
                   || c == QLatin1Char('>');
           });
}

bool SmtpRelay::isAllowed(const QString &address) const
{
    Q_D(const SmtpRelay);
    if (d->config.allowedPattern.isEmpty())
        return true;
    return d->allowed.isValid() && d->allowed.match(address).hasMatch();
}

QString SmtpRelay::check(const QStringList &recipients) const
{
    Q_D(const SmtpRelay);
    if (!d->config.isEnabled())
        return QStringLiteral("no relay is configured");
    if (const QString problem = d->config.problem(); !problem.isEmpty())
        return problem;
    if (recipients.isEmpty())
        return QStringLiteral("no recipients");
    for (const QString &recipient : recipients) {
        if (!isAddress(recipient))
            return QStringLiteral("'%1' is not an address")
                .arg(SmtpText::shownOnOneLine(recipient));
        if (!isAllowed(recipient))
            return QStringLiteral("'%1' is not allowed by the relay's allowed pattern")
                .arg(SmtpText::shownOnOneLine(recipient));
    }
    return {};
}

void SmtpRelayPrivate::refuse(SmtpRelayJob *job, const QString &why)
{
    SmtpRelayJobPrivate::get(job)->refusal = why;
    QTimer::singleShot(0, job, [job] {
        SmtpRelayJobPrivate::get(job)->finished = true;
        Q_EMIT job->finished();
        job->deleteLater();
    });
}

SmtpRelayJob *SmtpRelay::release(qint64 messageId, const QStringList &recipients)
{
    Q_D(SmtpRelay);
    SmtpRelayJob *job = SmtpRelayJobPrivate::create(this);
    SmtpRelayJobPrivate::get(job)->messageId = messageId;
    SmtpRelayJobPrivate::get(job)->recipients = recipients;
    if (const QString why = check(recipients); !why.isEmpty()) {
        SmtpRelayPrivate::refuse(job, why);
        return job;
    }
    // The message is read when its turn comes, not here: right after the 250 of a message
    // that a rule releases, and at most maxRunning at a time.
    const QPointer<SmtpRelayJob> waitingJob = job;
    d->enqueue([this, d, waitingJob, messageId] {
        if (!waitingJob)
            return;
        const auto stored = d->store ? d->store->message(messageId) : std::nullopt;
        if (!stored) {
            SmtpRelayPrivate::refuse(waitingJob, QStringLiteral("no message %1").arg(messageId));
            return;
        }
        const SmtpMessage message = stored->message();
        d->start(this, waitingJob, message.mailFrom(), message.data(), true);
    });
    d->startWaiting(this);
    return job;
}

SmtpRelayJob *SmtpRelay::releaseByRules(const SmtpMessage &message)
{
    if (!isEnabled())
        return nullptr;
    // Each recipient checked on its own: one outside the allowed pattern must not keep the
    // others (which a rule released just as much) from their release, nor go unreported.
    QStringList to;
    for (const QString &recipient : message.relayRcptTos()) {
        const QString why = check({ recipient });
        if (why.isEmpty()) {
            to.append(recipient);
            continue;
        }
        QTimer::singleShot(0, this, [this, id = message.id(), recipient, why] {
            Q_EMIT releaseRefused(id, { recipient }, why);
        });
    }
    return to.isEmpty() ? nullptr : release(message.id(), to);
}

SmtpRelayJob *SmtpRelay::sendTestMessage(const QString &sender, const QString &recipient)
{
    Q_D(SmtpRelay);
    SmtpRelayJob *job = SmtpRelayJobPrivate::create(this);
    SmtpRelayJobPrivate::get(job)->recipients = { recipient };
    if (const QString why = check({ recipient }); !why.isEmpty()) {
        SmtpRelayPrivate::refuse(job, why);
        return job;
    }
    const QByteArray data = "From: <" + sender.toUtf8() + ">\r\nTo: <" + recipient.toUtf8()
        + ">\r\nSubject: smtp-receiver relay test\r\nDate: "
        + QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date).toLatin1()
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
          "A test message sent by smtp-receiver to check its relay settings.\r\n";
    const QPointer<SmtpRelayJob> waitingJob = job;
    d->enqueue([this, d, waitingJob, sender, data] {
        if (waitingJob)
            d->start(this, waitingJob, sender, data, false);
    });
    d->startWaiting(this);
    return job;
}

void SmtpRelayPrivate::start(
    SmtpRelay *q, SmtpRelayJob *job, const QString &sender, const QByteArray &data, bool record)
{
    auto *client = new SmtpClient(job);
    client->setHost(config.host);
    client->setPort(config.port);
    client->setTlsMode(config.tlsMode);
    client->setCredentials(config.user, config.password);
    client->setAcceptedCertificates(config.acceptedCertificates);
    client->setVerifyCertificate(config.verifyCertificate);
    client->setHeloName(config.heloName);
    client->setTimeout(config.timeout);
    client->setMessageTimeout(config.timeout);
    client->setRequireAllRecipients(true); // a release is all or nothing
    ++running;
    QPointer<SmtpMessageStore> storeRef = store;
    QObject::connect(client, &SmtpClient::finished, job,
        [this, q, job, storeRef, record](const SmtpClientResult &result) {
            --running;
            startWaiting(q);
            SmtpRelayJobPrivate *jd = SmtpRelayJobPrivate::get(job);
            jd->result = result;
            if (result.ok && record && storeRef) {
                SmtpMessageRelease release;
                release.releasedAt = QDateTime::currentDateTimeUtc();
                release.recipients = jd->recipients;
                release.reply = result.reply.toString();
                storeRef->addRelease(jd->messageId, release);
            }
            jd->finished = true;
            Q_EMIT q->released(jd->messageId, jd->recipients, result);
            Q_EMIT job->finished();
            job->deleteLater();
        });
    // Started from the event loop: release() returns before any socket work, and the caller
    // connects to the job first.
    const QStringList recipients = SmtpRelayJobPrivate::get(job)->recipients;
    client->send(sender, recipients, data); // (startWaiting() runs from the event loop)
}
