// The local store as a MessageSource (see messagesource.h).
#include "messagesource.h"

#include <smtpmessagestore.h>

#include <QMetaMethod>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace {

struct Page
{
    QList<SmtpMessageSummary> rows;
    qint64 matches = 0;
    QString error;
};

} // namespace

struct LocalMessageSource::Tasks
{
    QThreadPool writes; // one at a time, in the order asked
    QThreadPool reads;
};

LocalMessageSource::LocalMessageSource(SmtpMessageStore *store, QObject *parent)
    : MessageSource(parent)
    , m_store(store)
    , m_tasks(new Tasks)
{
    m_tasks->writes.setMaxThreadCount(1);
    m_tasks->reads.setMaxThreadCount(1);
    // The store names its read connections after the reading thread: keep the threads.
    m_tasks->reads.setExpiryTimeout(-1);
    connect(store, &SmtpMessageStore::messagesRemoved, this, &MessageSource::messagesRemoved);
    connect(store, &SmtpMessageStore::readChanged, this, &MessageSource::readChanged);
    connect(store, &SmtpMessageStore::countChanged, this, &MessageSource::countChanged);
    connect(store, &SmtpMessageStore::releasesChanged, this, &MessageSource::releasesChanged);
    connect(store, &SmtpMessageStore::indexedUpToChanged, this, &MessageSource::searchableChanged);
    // The store's mailboxesChanged follows every change of the counts but reading.
    connect(store, &SmtpMessageStore::mailboxesChanged, this, &MessageSource::mailboxesChanged);
    connect(store, &SmtpMessageStore::opened, this, &MessageSource::mailboxesChanged);
    connect(store, &SmtpMessageStore::readChanged, this, &MessageSource::mailboxesChanged);
    connect(store, &SmtpMessageStore::messagesAdded, this, [this](const QList<qint64> &ids) {
        // Only for a listener: the window's own inbox model reads new mail itself.
        if (ids.isEmpty()
            || !isSignalConnected(QMetaMethod::fromSignal(&MessageSource::messageAdded)))
            return;
        const QList<SmtpMessageSummary> newest = m_store->summaries({}, ids.constLast() + 1, 1);
        if (!newest.isEmpty() && newest.constFirst().id == ids.constLast())
            Q_EMIT messageAdded(newest.constFirst());
    });
}

LocalMessageSource::~LocalMessageSource()
{
    m_tasks->writes.waitForDone();
    m_tasks->reads.waitForDone();
    delete m_tasks;
}

QString LocalMessageSource::displayName() const
{
    return tr("Local store");
}

std::optional<SmtpStoredMessage> LocalMessageSource::message(qint64 id) const
{
    return m_store->message(id);
}

QByteArray LocalMessageSource::partContent(qint64 id, int partIndex, bool *ok) const
{
    return m_store->partContent(id, partIndex, ok);
}

QByteArray LocalMessageSource::rawData(qint64 id) const
{
    return m_store->rawData(id);
}

std::optional<QList<SmtpMessageRelease>> LocalMessageSource::releases(qint64 id) const
{
    return m_store->releases(id);
}

quint64 LocalMessageSource::requestPage(const QString &query, qint64 start, int limit)
{
    const quint64 request = ++m_lastRequest;
    const SmtpMessageStore *store = m_store;
    QtConcurrent::run(&m_tasks->reads, [store, query, start, limit] {
        Page page;
        page.rows = store->summariesAt(query, start, limit, {}, &page.error);
        page.matches = query.isEmpty() ? store->count()
                                       : store->countMatching(query, {}, &page.error).messages;
        return page;
    }).then(this, [this, request, start](const Page &page) {
        Q_EMIT pageLoaded(request, start, page.rows, page.matches, page.error);
    });
    return request;
}

qint64 LocalMessageSource::count() const
{
    return m_store->count();
}

qint64 LocalMessageSource::unreadCount() const
{
    return m_store->unreadCount();
}

QList<SmtpMailbox> LocalMessageSource::mailboxes() const
{
    return m_store->isOpen() ? m_store->mailboxes() : QList<SmtpMailbox>();
}

void LocalMessageSource::setRead(const QList<qint64> &ids, bool read)
{
    SmtpMessageStore *store = m_store;
    m_tasks->writes.start([store, ids, read] { store->setRead(ids, read); });
}

void LocalMessageSource::markAllRead()
{
    SmtpMessageStore *store = m_store;
    m_tasks->writes.start([store] { store->markAllRead(); });
}

void LocalMessageSource::remove(const QList<qint64> &ids)
{
    SmtpMessageStore *store = m_store;
    m_tasks->writes.start([store, ids] { store->remove(ids); });
}

void LocalMessageSource::clear()
{
    SmtpMessageStore *store = m_store;
    m_tasks->writes.start([store] { store->clear(); });
}
