// Store signals to Mailpit event frames; the route of /api/events that is no upgrade.
#include "mailpitevents.h"

#include "httprouter.h"
#include "mailpitjson.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>
#include <smtpstoredmessage.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

MailpitEvents::MailpitEvents(SmtpMessageStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    if (!store)
        return;
    connect(store, &SmtpMessageStore::messagesAdded, this, &MailpitEvents::onAdded);
    connect(store, &SmtpMessageStore::messagesPruned, this, [this](const QList<qint64> &ids) {
        if (m_enabled)
            m_pruned = ids;
    });
    connect(store, &SmtpMessageStore::messagesRemoved, this, &MailpitEvents::onRemoved);
    connect(store, &SmtpMessageStore::readChanged, this, &MailpitEvents::onReadChanged);
    connect(store, &SmtpMessageStore::countChanged, this, &MailpitEvents::scheduleStats);
    // New mail is announced at once and found by search once indexed: a stats snapshot then
    // tells clients (the desktop app's remote window) to ask their searches again. Only when the
    // bound moved: the indexer also signals where it stands when it finds nothing to do.
    m_indexedUpTo = store->indexedUpTo();
    connect(store, &SmtpMessageStore::indexedUpToChanged, this, [this](qint64 upTo) {
        if (upTo <= m_indexedUpTo)
            return;
        m_indexedUpTo = upTo;
        scheduleStats();
    });
}

void MailpitEvents::setEnabled(bool enabled)
{
    m_enabled = enabled;
    if (!enabled)
        m_pruned.clear();
}

QByteArray MailpitEvents::frameText(const QString &type, const QJsonValue &data)
{
    const QJsonObject frame { { QStringLiteral("Type"), type }, { QStringLiteral("Data"), data } };
    return QJsonDocument(frame).toJson(QJsonDocument::Compact);
}

void MailpitEvents::onAdded(const QList<qint64> &ids)
{
    if (!m_store || !m_enabled)
        return;
    for (qint64 id : ids) {
        const std::optional<SmtpStoredMessage> message = m_store->message(id);
        if (message)
            Q_EMIT frame(frameText(QStringLiteral("new"), MailpitJson::summary(*message)));
    }
    scheduleStats();
}

void MailpitEvents::onRemoved(const QList<qint64> &ids)
{
    if (!m_enabled)
        return;
    if (ids.isEmpty()) {
        m_pruned.clear();
        Q_EMIT frame(frameText(QStringLiteral("truncate"), QJsonValue::Null));
    } else if (!m_pruned.isEmpty() && ids == m_pruned) {
        m_pruned.clear();
        Q_EMIT frame(frameText(QStringLiteral("prune"), QJsonValue::Null));
    } else {
        for (qint64 id : ids) {
            Q_EMIT frame(frameText(QStringLiteral("delete"),
                QJsonObject { { QStringLiteral("ID"), MailpitJson::id(id) } }));
        }
    }
    scheduleStats();
}

void MailpitEvents::onReadChanged(const QList<qint64> &ids, bool read)
{
    if (!m_enabled)
        return;
    for (qint64 id : ids) {
        Q_EMIT frame(frameText(QStringLiteral("update"),
            QJsonObject {
                { QStringLiteral("ID"), MailpitJson::id(id) }, { QStringLiteral("Read"), read } }));
    }
    scheduleStats();
}

void MailpitEvents::scheduleStats()
{
    if (m_statsPending || !m_enabled)
        return;
    m_statsPending = true;
    QMetaObject::invokeMethod(this, &MailpitEvents::sendStats, Qt::QueuedConnection);
}

void MailpitEvents::sendStats()
{
    m_statsPending = false;
    if (!m_store || !m_enabled)
        return;
    Q_EMIT frame(frameText(QStringLiteral("stats"),
        QJsonObject { { QStringLiteral("Total"), m_store->count() },
            { QStringLiteral("Unread"), m_store->unreadCount() },
            { QStringLiteral("Version"), QStringLiteral(SMTPRECEIVERHTTP_VERSION) } }));
}

void addMailpitEventsRoute(HttpRouter &router)
{
    router.add("GET", QStringLiteral("/api/events"), [](HttpRequest &) {
        return HttpResponse::text(
            400, QStringLiteral("Bad Request: /api/events takes a WebSocket upgrade only"));
    });
}
