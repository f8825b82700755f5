#include "smtpinboxmodel.h"

#include "smtpmessagestore.h"

#include <QFutureWatcher>
#include <QLocale>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

namespace {

struct Page
{
    QList<SmtpMessageSummary> rows;
    QString error;
};

} // namespace

class SmtpInboxModelPrivate
{
public:
    explicit SmtpInboxModelPrivate(SmtpInboxModel *model)
        : q_ptr(model)
    { }

    void onPageLoaded();
    void onMessagesAdded(const QList<qint64> &ids);
    void insertPending();
    void onNewLoaded();
    void onMessagesRemoved(const QList<qint64> &ids);
    void onReadChanged(const QList<qint64> &ids, bool read);
    void setQueryError(const QString &error);

    SmtpInboxModel *q_ptr;
    QPointer<SmtpMessageStore> store;
    QString query;
    QString queryError;
    QList<SmtpMessageSummary> rows; // newest first: ids strictly descending
    bool exhausted = true;
    bool fetching = false;
    quint64 generation = 0; // pages for an older query, store or reload are dropped
    quint64 pageGeneration = 0;
    QFutureWatcher<Page> pageWatcher;

    qint64 pendingNewest = 0; // the newest id announced and not yet inserted
    QTimer insertTimer; // batches live inserts (5,000 messages a second stay smooth)
    quint64 newGeneration = 0;
    QFutureWatcher<Page> newWatcher;

    Q_DECLARE_PUBLIC(SmtpInboxModel)
};

SmtpInboxModel::SmtpInboxModel(QObject *parent)
    : SmtpInboxModel(nullptr, parent)
{ }

SmtpInboxModel::SmtpInboxModel(SmtpMessageStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , d_ptr(new SmtpInboxModelPrivate(this))
{
    Q_D(SmtpInboxModel);
    d->insertTimer.setSingleShot(true);
    d->insertTimer.setInterval(100);
    connect(&d->insertTimer, &QTimer::timeout, this, [d] { d->insertPending(); });
    connect(&d->pageWatcher, &QFutureWatcher<Page>::finished, this, [d] { d->onPageLoaded(); });
    connect(&d->newWatcher, &QFutureWatcher<Page>::finished, this, [d] { d->onNewLoaded(); });
    // One signal for QML's "count" whatever changed the number of rows.
    connect(this, &QAbstractItemModel::rowsInserted, this, &SmtpInboxModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &SmtpInboxModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &SmtpInboxModel::countChanged);
    setStore(store);
}

SmtpInboxModel::~SmtpInboxModel()
{
    Q_D(SmtpInboxModel);
    d->pageWatcher.waitForFinished();
    d->newWatcher.waitForFinished();
}

SmtpMessageStore *SmtpInboxModel::store() const
{
    return d_func()->store;
}

void SmtpInboxModel::setStore(SmtpMessageStore *store)
{
    Q_D(SmtpInboxModel);
    if (store == d->store)
        return;
    // A page being read belongs to the old store; it must not outlive it.
    d->pageWatcher.waitForFinished();
    d->newWatcher.waitForFinished();
    if (d->store)
        disconnect(d->store, nullptr, this, nullptr);
    d->store = store;
    if (store) {
        connect(store, &SmtpMessageStore::messagesAdded, this,
            [d](const QList<qint64> &ids) { d->onMessagesAdded(ids); });
        connect(store, &SmtpMessageStore::messagesRemoved, this,
            [d](const QList<qint64> &ids) { d->onMessagesRemoved(ids); });
        connect(store, &SmtpMessageStore::readChanged, this,
            [d](const QList<qint64> &ids, bool read) { d->onReadChanged(ids, read); });
        // QML gives the store here before it opens its file; the model follows open and close.
        connect(store, &SmtpMessageStore::opened, this, &SmtpInboxModel::reload);
        connect(store, &SmtpMessageStore::aboutToClose, this, [this, d] {
            d->pageWatcher.waitForFinished(); // a page being read must not outlive the database
            d->newWatcher.waitForFinished();
            ++d->generation;
            beginResetModel();
            d->rows.clear();
            d->exhausted = true;
            d->fetching = false;
            endResetModel();
        });
        connect(store, &QObject::destroyed, this, &SmtpInboxModel::reload); // the QPointer is null
    }
    Q_EMIT storeChanged();
    reload();
}

QString SmtpInboxModel::query() const
{
    return d_func()->query;
}

void SmtpInboxModel::setQuery(const QString &query)
{
    Q_D(SmtpInboxModel);
    if (query == d->query)
        return;
    d->query = query;
    Q_EMIT queryChanged();
    reload();
}

QString SmtpInboxModel::queryError() const
{
    return d_func()->queryError;
}

bool SmtpInboxModel::isLoading() const
{
    return d_func()->fetching;
}

void SmtpInboxModel::reload()
{
    Q_D(SmtpInboxModel);
    ++d->generation;
    const bool wasFetching = d->fetching;
    beginResetModel();
    d->rows.clear();
    d->exhausted = !d->store || !d->store->isOpen();
    d->fetching = false;
    d->pendingNewest = 0;
    endResetModel();
    if (wasFetching)
        Q_EMIT loadingChanged();
    if (d->exhausted)
        d->setQueryError({});
    fetchMore({});
}

qint64 SmtpInboxModel::idAt(int row) const
{
    Q_D(const SmtpInboxModel);
    return row >= 0 && row < d->rows.size() ? d->rows.at(row).id : 0;
}

int SmtpInboxModel::rowOf(qint64 id) const
{
    Q_D(const SmtpInboxModel);
    // Rows are sorted by id, newest first: binary search.
    const auto it = std::lower_bound(d->rows.cbegin(), d->rows.cend(), id,
        [](const SmtpMessageSummary &s, qint64 value) { return s.id > value; });
    return it != d->rows.cend() && it->id == id ? int(it - d->rows.cbegin()) : -1;
}

SmtpMessageSummary SmtpInboxModel::summaryAt(int row) const
{
    Q_D(const SmtpInboxModel);
    return row >= 0 && row < d->rows.size() ? d->rows.at(row) : SmtpMessageSummary();
}

int SmtpInboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(d_func()->rows.size());
}

int SmtpInboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SmtpInboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SmtpMessageSummary &s = d_func()->rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FromColumn:
            return data(index, FromRole);
        case ToColumn:
            return data(index, ToRole);
        case SubjectColumn:
            return s.subject;
        case ReceivedColumn:
            return QLocale().toString(s.receivedAt.toLocalTime(), QLocale::ShortFormat);
        case SizeColumn:
            return QLocale().formattedDataSize(s.size);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ReceivedColumn)
            return QLocale().toString(s.receivedAt.toLocalTime(), QLocale::LongFormat);
        if (index.column() == ToColumn)
            return s.rcptTos.join(QLatin1Char('\n'));
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole:
        return s.id;
    case FromRole:
        return s.from.isEmpty() ? s.mailFrom : s.from;
    case ToRole:
        return s.to.isEmpty() ? s.rcptTos.join(QStringLiteral(", ")) : s.to;
    case SubjectRole:
        return s.subject;
    case ReceivedAtRole:
        return s.receivedAt;
    case SizeRole:
        return s.size;
    case ReadRole:
        return s.read;
    case UnreadRole:
        return !s.read;
    case HasAttachmentsRole:
        return s.hasAttachments;
    case MailFromRole:
        return s.mailFrom;
    case RcptTosRole:
        return s.rcptTos;
    case RemoteAddressRole:
        return s.remoteAddress;
    case TlsRole:
        return s.tls;
    case SummaryRole:
        return QVariant::fromValue(s);
    }
    return {};
}

QVariant SmtpInboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FromColumn:
        return QStringLiteral("From");
    case ToColumn:
        return QStringLiteral("To");
    case SubjectColumn:
        return QStringLiteral("Subject");
    case ReceivedColumn:
        return QStringLiteral("Received");
    case SizeColumn:
        return QStringLiteral("Size");
    }
    return {};
}

QHash<int, QByteArray> SmtpInboxModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert({
        { IdRole, "id" },
        { FromRole, "from" },
        { ToRole, "to" },
        { SubjectRole, "subject" },
        { ReceivedAtRole, "receivedAt" },
        { SizeRole, "size" },
        { ReadRole, "read" },
        { UnreadRole, "unread" },
        { HasAttachmentsRole, "hasAttachments" },
        { MailFromRole, "mailfrom" },
        { RcptTosRole, "rcpttos" },
        { RemoteAddressRole, "remoteAddress" },
        { TlsRole, "tls" },
        { SummaryRole, "summary" },
    });
    return names;
}

bool SmtpInboxModel::canFetchMore(const QModelIndex &parent) const
{
    Q_D(const SmtpInboxModel);
    return !parent.isValid() && d->store && !d->exhausted && !d->fetching;
}

void SmtpInboxModel::fetchMore(const QModelIndex &parent)
{
    Q_D(SmtpInboxModel);
    if (!canFetchMore(parent))
        return;
    d->fetching = true;
    Q_EMIT loadingChanged();
    SmtpMessageStore *store = d->store;
    const QString query = d->query;
    const qint64 before = d->rows.isEmpty() ? 0 : d->rows.constLast().id;
    d->pageGeneration = d->generation;
    d->pageWatcher.setFuture(QtConcurrent::run([store, query, before] {
        Page page;
        page.rows = store->summaries(query, before, pageSize, &page.error);
        return page;
    }));
}

void SmtpInboxModelPrivate::setQueryError(const QString &error)
{
    Q_Q(SmtpInboxModel);
    if (error == queryError)
        return;
    queryError = error;
    Q_EMIT q->queryErrorChanged(queryError);
}

void SmtpInboxModelPrivate::onPageLoaded()
{
    Q_Q(SmtpInboxModel);
    if (pageGeneration != generation)
        return q->fetchMore({}); // a reload happened meanwhile; this page belongs to the old one
    const Page page = pageWatcher.result();
    fetching = false;
    setQueryError(page.error);
    // Live inserts may have put newer rows on top meanwhile; keep only what is older.
    QList<SmtpMessageSummary> older;
    const qint64 oldest = rows.isEmpty() ? std::numeric_limits<qint64>::max() : rows.constLast().id;
    for (const SmtpMessageSummary &s : page.rows)
        if (s.id < oldest)
            older.append(s);
    exhausted = page.rows.size() < SmtpInboxModel::pageSize || !page.error.isEmpty();
    if (!older.isEmpty()) {
        q->beginInsertRows({}, int(rows.size()), int(rows.size() + older.size() - 1));
        rows += older;
        q->endInsertRows();
    }
    Q_EMIT q->loadingChanged();
    Q_EMIT q->pageLoaded();
}

void SmtpInboxModelPrivate::onMessagesAdded(const QList<qint64> &ids)
{
    for (qint64 id : ids)
        pendingNewest = qMax(pendingNewest, id);
    if (!insertTimer.isActive())
        insertTimer.start();
}

void SmtpInboxModelPrivate::insertPending()
{
    if (pendingNewest == 0 || !store)
        return;
    if (newWatcher.isRunning()) {
        insertTimer.start(); // one batch at a time
        return;
    }
    const qint64 newest = rows.isEmpty() ? 0 : rows.constFirst().id;
    const qint64 upTo = std::exchange(pendingNewest, 0);
    if (upTo <= newest)
        return;
    SmtpMessageStore *theStore = store;
    const QString theQuery = query;
    newGeneration = generation;
    newWatcher.setFuture(QtConcurrent::run([theStore, theQuery, upTo, newest] {
        Page page;
        // Everything newer than what is shown, in pages, newest first.
        qint64 before = upTo + 1;
        for (;;) {
            const QList<SmtpMessageSummary> part
                = theStore->summaries(theQuery, before, 1000, &page.error);
            for (const SmtpMessageSummary &s : part) {
                if (s.id <= newest)
                    return page;
                page.rows.append(s);
            }
            if (part.size() < 1000 || !page.error.isEmpty())
                return page;
            before = part.constLast().id;
        }
    }));
}

void SmtpInboxModelPrivate::onNewLoaded()
{
    Q_Q(SmtpInboxModel);
    if (newGeneration != generation)
        return;
    const Page page = newWatcher.result();
    const qint64 newest = rows.isEmpty() ? 0 : rows.constFirst().id;
    QList<SmtpMessageSummary> newer;
    for (const SmtpMessageSummary &s : page.rows)
        if (s.id > newest)
            newer.append(s);
    if (newer.isEmpty())
        return;
    if (rows.isEmpty() && !exhausted && fetching)
        return; // the first page is still loading; it will bring these too
    q->beginInsertRows({}, 0, int(newer.size() - 1));
    rows = newer + rows;
    q->endInsertRows();
    Q_EMIT q->newMessagesInserted(int(newer.size()));
}

void SmtpInboxModelPrivate::onMessagesRemoved(const QList<qint64> &ids)
{
    Q_Q(SmtpInboxModel);
    if (ids.isEmpty()) {
        q->reload();
        return;
    }
    // Remove from the bottom up so row numbers stay right; contiguous runs in one call.
    QList<int> found;
    for (qint64 id : ids) {
        const int row = q->rowOf(id);
        if (row >= 0)
            found.append(row);
    }
    std::sort(found.begin(), found.end(), std::greater<int>());
    int i = 0;
    while (i < found.size()) {
        const int last = found.at(i);
        int first = last;
        while (i + 1 < found.size() && found.at(i + 1) == first - 1)
            first = found.at(++i);
        q->beginRemoveRows({}, first, last);
        rows.remove(first, last - first + 1);
        q->endRemoveRows();
        ++i;
    }
}

void SmtpInboxModelPrivate::onReadChanged(const QList<qint64> &ids, bool read)
{
    Q_Q(SmtpInboxModel);
    const int lastColumn = SmtpInboxModel::ColumnCount - 1;
    if (ids.isEmpty()) { // everything
        for (SmtpMessageSummary &s : rows)
            s.read = read;
        if (!rows.isEmpty())
            Q_EMIT q->dataChanged(q->index(0, 0), q->index(int(rows.size()) - 1, lastColumn));
        return;
    }
    for (qint64 id : ids) {
        const int row = q->rowOf(id);
        if (row < 0)
            continue;
        rows[row].read = read;
        Q_EMIT q->dataChanged(q->index(row, 0), q->index(row, lastColumn));
    }
}
