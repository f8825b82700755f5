#include "smtpinboxmodel.h"

#include "smtpmessagestore.h"

#include <QFutureWatcher>
#include <QHash>
#include <QLocale>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <vector>

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
    void insertPending(); // the batch timer's slot
    void startPendingRead();
    void onNewLoaded();
    void insertNew(const QList<SmtpMessageSummary> &candidates);
    void mergeNew(const QList<SmtpMessageSummary> &fresh); // sorted, none loaded yet
    // More places than this in one batch of new mail: one merge and a layout change instead.
    static constexpr qsizetype maxInsertRuns = 16;
    void onMessagesRemoved(const QList<qint64> &ids);
    void onReadChanged(const QList<qint64> &ids, bool read);
    void onIndexed(qint64 upTo);
    void setQueryError(const QString &error);
    void clearRows(bool nothingToRead); // a model reset to no rows; stale reads are dropped
    // Emits busyChanged when busy differs from what was last told. Called after every change
    // of the state it reads, once the rows are done changing.
    void updateBusy();
    bool computeBusy() const
    {
        // Own flags, not the watchers' isRunning(): a read is done for the model when its
        // result is in, not when the worker returns (its finished signal is still queued).
        return fetching || readingNew || insertTimer.isActive() || pendingNewest != 0
            || !deferredNew.isEmpty();
    }
    bool busy = false;

    SmtpInboxModel *q_ptr;
    QPointer<SmtpMessageStore> store;
    QString query;
    QString mailbox;
    QString queryError;
    // What the store is asked: the query, within the mailbox when there is one.
    QString storeQuery() const { return SmtpInboxModel::mailboxQuery(mailbox, query); }
    // Whether a comes before b in the model's order (ties by id: the store's order exactly).
    bool before(const SmtpMessageSummary &a, const SmtpMessageSummary &b) const
    {
        return SmtpMessageStore::sortsBefore(a, b, sortKey, sortOrder);
    }
    void rowsMoved() const { rowById.clear(); } // rows were inserted or removed

    // Every read started on a worker, also those a reload made obsolete (a watcher holds only
    // its latest): the store must not close, nor this model go, while one still reads.
    QFuture<Page> track(const QFuture<Page> &future)
    {
        reads.erase(std::remove_if(reads.begin(), reads.end(),
                        [](const QFuture<Page> &f) { return f.isFinished(); }),
            reads.end());
        reads.push_back(future);
        return future;
    }
    void waitForReads()
    {
        for (QFuture<Page> &f : reads)
            f.waitForFinished();
        reads.clear();
    }
    std::vector<QFuture<Page>> reads;

    QList<SmtpMessageSummary> rows; // in the sort order: newest first unless sorted otherwise
    int sortColumn = SmtpInboxModel::ReceivedColumn;
    Qt::SortOrder sortOrder = Qt::DescendingOrder;
    SmtpSortKey sortKey = SmtpSortKey::Received;
    // Row by id, when not sorted by arrival (then rows are in id order: a binary search). Built
    // when first needed after rows moved, so removing or marking many ids costs one pass.
    mutable QHash<qint64, int> rowById;
    bool exhausted = true;
    bool fetching = false;
    quint64 generation = 0; // pages for an older query, store or reload are dropped
    quint64 pageGeneration = 0;
    QFutureWatcher<Page> pageWatcher;

    qint64 pendingOldest = 0; // the ids announced and not yet read: pendingOldest..pendingNewest
    qint64 pendingNewest = 0;
    qint64 indexSeen = 0; // the store's indexedUpTo() last seen
    QTimer insertTimer; // batches live inserts (5,000 messages a second stay smooth)
    quint64 newGeneration = 0;
    QFutureWatcher<Page> newWatcher;
    bool readingNew = false; // newWatcher's read is started and its result not yet taken
    // New mail read while a page was being read: it goes in once the page is in, because where it
    // belongs (before the last loaded row or after it) depends on the page.
    QList<SmtpMessageSummary> deferredNew;

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
    d->waitForReads();
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
    d->waitForReads();
    if (d->store)
        disconnect(d->store, nullptr, this, nullptr);
    d->store = store;
    if (store) {
        connect(store, &SmtpMessageStore::messagesAdded, this,
            [d](const QList<qint64> &ids) { d->onMessagesAdded(ids); });
        connect(store, &SmtpMessageStore::messagesRemoved, this,
            [d](const QList<qint64> &ids) { d->onMessagesRemoved(ids); });
        // Words are found once the indexer has passed a message, after it was announced: a
        // search looks again at what was indexed since.
        d->indexSeen = store->indexedUpTo();
        connect(store, &SmtpMessageStore::indexedUpToChanged, this,
            [d](qint64 upTo) { d->onIndexed(upTo); });
        connect(store, &SmtpMessageStore::readChanged, this,
            [d](const QList<qint64> &ids, bool read) { d->onReadChanged(ids, read); });
        // QML gives the store here before it opens its file; the model follows open and close.
        connect(store, &SmtpMessageStore::opened, this, &SmtpInboxModel::reload);
        connect(store, &SmtpMessageStore::aboutToClose, this, [d] {
            d->waitForReads(); // a page being read must not outlive the database
            d->clearRows(/*exhausted=*/true);
            d->updateBusy();
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

QString SmtpInboxModel::mailbox() const
{
    return d_func()->mailbox;
}

void SmtpInboxModel::setMailbox(const QString &mailbox)
{
    Q_D(SmtpInboxModel);
    if (mailbox == d->mailbox)
        return;
    d->mailbox = mailbox;
    Q_EMIT mailboxChanged();
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

bool SmtpInboxModel::isBusy() const
{
    return d_func()->busy;
}

int SmtpInboxModel::sortColumn() const
{
    return d_func()->sortColumn;
}

void SmtpInboxModel::setSortColumn(int column)
{
    sort(column, sortOrder());
}

Qt::SortOrder SmtpInboxModel::sortOrder() const
{
    return d_func()->sortOrder;
}

void SmtpInboxModel::setSortOrder(Qt::SortOrder order)
{
    sort(sortColumn(), order);
}

SmtpSortKey SmtpInboxModel::sortKey(int column)
{
    switch (column) {
    case FromColumn:
        return SmtpSortKey::From;
    case ToColumn:
        return SmtpSortKey::To;
    case SubjectColumn:
        return SmtpSortKey::Subject;
    case SizeColumn:
        return SmtpSortKey::Size;
    }
    return SmtpSortKey::Received;
}

void SmtpInboxModel::sort(int column, Qt::SortOrder order)
{
    Q_D(SmtpInboxModel);
    if (column < 0 || column >= ColumnCount)
        return;
    if (order != Qt::AscendingOrder)
        order = Qt::DescendingOrder; // QML may pass any number
    const bool columnChanged = column != d->sortColumn;
    const bool orderChanged = order != d->sortOrder;
    if (!columnChanged && !orderChanged)
        return; // QTableView::setSortingEnabled() asks for the order the model already has
    d->sortColumn = column;
    d->sortOrder = order;
    d->sortKey = sortKey(column);
    reload();
    if (columnChanged)
        Q_EMIT sortColumnChanged();
    if (orderChanged)
        Q_EMIT sortOrderChanged();
}

void SmtpInboxModel::reload()
{
    Q_D(SmtpInboxModel);
    d->clearRows(!d->store || !d->store->isOpen());
    if (d->exhausted)
        d->setQueryError({});
    fetchMore({});
    d->updateBusy(); // idle when there is nothing to read
}

qint64 SmtpInboxModel::idAt(int row) const
{
    Q_D(const SmtpInboxModel);
    return row >= 0 && row < d->rows.size() ? d->rows.at(row).id : 0;
}

int SmtpInboxModel::rowOf(qint64 id) const
{
    Q_D(const SmtpInboxModel);
    if (d->sortKey == SmtpSortKey::Received) {
        // Rows are sorted by id: binary search.
        const bool newestFirst = d->sortOrder == Qt::DescendingOrder;
        const auto it = std::lower_bound(d->rows.cbegin(), d->rows.cend(), id,
            [newestFirst](const SmtpMessageSummary &s, qint64 value) {
                return newestFirst ? s.id > value : s.id < value;
            });
        return it != d->rows.cend() && it->id == id ? int(it - d->rows.cbegin()) : -1;
    }
    if (d->rowById.isEmpty() && !d->rows.isEmpty()) {
        d->rowById.reserve(d->rows.size());
        for (int row = 0; row < d->rows.size(); ++row)
            d->rowById.insert(d->rows.at(row).id, row);
    }
    return d->rowById.value(id, -1);
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
        return s.shownFrom();
    case ToRole:
        return s.shownTo();
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
    const QString query = d->storeQuery();
    SmtpPageRequest request;
    request.key = d->sortKey;
    request.order = d->sortOrder;
    request.limit = pageSize;
    if (!d->rows.isEmpty()) // the keyset cursor: after the last loaded row
        request = request.after(d->rows.constLast());
    d->pageGeneration = d->generation;
    d->pageWatcher.setFuture(d->track(QtConcurrent::run([store, query, request] {
        Page page;
        page.rows = store->summaries(query, request, &page.error);
        return page;
    })));
    d->updateBusy();
}

void SmtpInboxModelPrivate::clearRows(bool nothingToRead)
{
    Q_Q(SmtpInboxModel);
    ++generation; // pages and new mail being read belong to what was shown before
    const bool wasFetching = fetching;
    q->beginResetModel();
    rows.clear();
    rowsMoved();
    exhausted = nothingToRead;
    fetching = false;
    // The next first page has whatever was announced before.
    pendingOldest = 0;
    pendingNewest = 0;
    deferredNew.clear();
    insertTimer.stop(); // nothing pending to insert
    q->endResetModel();
    if (wasFetching)
        Q_EMIT q->loadingChanged();
    // No updateBusy() here: a reload reads the first page at once, and must not look idle
    // in between.
}

void SmtpInboxModelPrivate::updateBusy()
{
    Q_Q(SmtpInboxModel);
    const bool now = computeBusy();
    if (now == busy)
        return;
    busy = now;
    Q_EMIT q->busyChanged();
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
    setQueryError(page.error);
    // The page starts after the last loaded row; live inserts go in before that row only, and
    // wait while a page is being read, so nothing here is loaded yet. Checked all the same.
    QList<SmtpMessageSummary> after;
    for (const SmtpMessageSummary &s : page.rows)
        if ((rows.isEmpty() || before(rows.constLast(), s)) && q->rowOf(s.id) < 0)
            after.append(s);
    exhausted = page.rows.size() < SmtpInboxModel::pageSize || !page.error.isEmpty();
    if (!after.isEmpty()) {
        const int first = int(rows.size());
        q->beginInsertRows({}, first, int(first + after.size() - 1));
        rows += after;
        if (!rowById.isEmpty())
            for (int row = first; row < rows.size(); ++row)
                rowById.insert(rows.at(row).id, row);
        q->endInsertRows();
    }
    // Only now: a fetchMore() from a slot of rowsAboutToBeInserted would have read with the
    // cursor of the rows before this page.
    fetching = false;
    if (!deferredNew.isEmpty())
        insertNew(std::exchange(deferredNew, {}));
    Q_EMIT q->loadingChanged();
    Q_EMIT q->pageLoaded();
    updateBusy(); // a slot above may have asked for the next page: still busy then
}

void SmtpInboxModelPrivate::onIndexed(qint64 upTo)
{
    const qint64 from = std::exchange(indexSeen, qMax(indexSeen, upTo)) + 1;
    if (query.isEmpty() || upTo < from)
        return; // without a search, every message was shown when it was announced
    pendingOldest = pendingOldest == 0 ? from : qMin(pendingOldest, from);
    pendingNewest = qMax(pendingNewest, upTo);
    if (!insertTimer.isActive())
        insertTimer.start();
    updateBusy();
}

void SmtpInboxModelPrivate::onMessagesAdded(const QList<qint64> &ids)
{
    for (qint64 id : ids) {
        pendingOldest = pendingOldest == 0 ? id : qMin(pendingOldest, id);
        pendingNewest = qMax(pendingNewest, id);
    }
    if (!insertTimer.isActive())
        insertTimer.start();
    updateBusy();
}

void SmtpInboxModelPrivate::insertPending()
{
    startPendingRead();
    updateBusy();
}

void SmtpInboxModelPrivate::startPendingRead()
{
    if (!store) {
        pendingOldest = 0;
        pendingNewest = 0;
        return;
    }
    if (pendingNewest == 0)
        return;
    if (readingNew) {
        insertTimer.start(); // one batch at a time
        return;
    }
    qint64 from = std::exchange(pendingOldest, 0);
    const qint64 upTo = std::exchange(pendingNewest, 0);
    if (sortKey == SmtpSortKey::Received && sortOrder == Qt::DescendingOrder && !rows.isEmpty())
        from = qMax(from, rows.constFirst().id + 1); // what the pages brought is there already
    if (upTo < from)
        return;
    SmtpMessageStore *theStore = store;
    const QString theQuery = storeQuery();
    newGeneration = generation;
    readingNew = true;
    newWatcher.setFuture(track(QtConcurrent::run([theStore, theQuery, from, upTo] {
        Page page;
        // The matches among the announced ids, in pages, newest first.
        qint64 before = upTo + 1;
        for (;;) {
            const QList<SmtpMessageSummary> part
                = theStore->summaries(theQuery, before, 1000, &page.error);
            for (const SmtpMessageSummary &s : part) {
                if (s.id < from)
                    return page;
                page.rows.append(s);
            }
            if (part.size() < 1000 || !page.error.isEmpty())
                return page;
            before = part.constLast().id;
        }
    })));
}

void SmtpInboxModelPrivate::onNewLoaded()
{
    readingNew = false;
    if (newGeneration == generation)
        insertNew(newWatcher.result().rows);
    updateBusy();
}

void SmtpInboxModelPrivate::insertNew(const QList<SmtpMessageSummary> &candidates)
{
    Q_Q(SmtpInboxModel);
    if (fetching) {
        deferredNew += candidates;
        return;
    }
    // What belongs in the loaded rows: not there yet, and before the last loaded row, or
    // anywhere once every row is loaded. The rest sorts after the last loaded row: the keyset
    // cursor is that row, so the page that reaches it brings it.
    QList<SmtpMessageSummary> fresh;
    for (const SmtpMessageSummary &s : candidates)
        if (q->rowOf(s.id) < 0 && (exhausted || (!rows.isEmpty() && before(s, rows.constLast()))))
            fresh.append(s);
    if (fresh.isEmpty())
        return;
    std::sort(fresh.begin(), fresh.end(),
        [this](const SmtpMessageSummary &a, const SmtpMessageSummary &b) { return before(a, b); });
    fresh.erase(std::unique(fresh.begin(), fresh.end(),
                    [](const SmtpMessageSummary &a, const SmtpMessageSummary &b) {
                        return a.id == b.id; // deferred twice
                    }),
        fresh.end());
    // Where each goes: before the first loaded row that sorts after it.
    QList<int> places;
    places.reserve(fresh.size());
    for (const SmtpMessageSummary &s : std::as_const(fresh))
        places.append(int(std::lower_bound(rows.cbegin(), rows.cend(), s,
                              [this](const SmtpMessageSummary &row,
                                  const SmtpMessageSummary &value) { return before(row, value); })
            - rows.cbegin()));
    const int atTop = int(std::count(places.cbegin(), places.cend(), 0));
    qsizetype distinctPlaces = 0; // places ascend, as fresh does
    for (qsizetype i = 0; i < places.size(); ++i)
        distinctPlaces += i == 0 || places.at(i) != places.at(i - 1);
    if (distinctPlaces > maxInsertRuns) {
        // A burst sorted by subject lands in many places: one merge and one layout change, not
        // a row insertion (with its memmove and view update) per place (bench/gui-burst).
        mergeNew(fresh);
    } else {
        // Those that go before the same row go in together, one run per place, from the bottom
        // up so the places stay right.
        qsizetype end = fresh.size();
        while (end > 0) {
            const int place = places.at(end - 1);
            qsizetype begin = end - 1;
            while (begin > 0 && places.at(begin - 1) == place)
                --begin;
            const qsizetype n = end - begin;
            q->beginInsertRows({}, place, int(place + n - 1));
            rows.insert(place, n, SmtpMessageSummary());
            for (qsizetype i = 0; i < n; ++i)
                rows[place + i] = std::move(fresh[begin + i]);
            rowsMoved();
            q->endInsertRows();
            end = begin;
        }
    }
    if (atTop > 0)
        Q_EMIT q->newMessagesInserted(atTop);
}

void SmtpInboxModelPrivate::mergeNew(const QList<SmtpMessageSummary> &fresh)
{
    Q_Q(SmtpInboxModel);
    Q_EMIT q->layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    // Persistent indexes (the selection, the current row) follow their messages.
    const QModelIndexList from = q->persistentIndexList();
    QList<qint64> ids;
    ids.reserve(from.size());
    for (const QModelIndex &index : from)
        ids.append(rows.at(index.row()).id);
    QList<SmtpMessageSummary> merged;
    merged.reserve(rows.size() + fresh.size());
    std::merge(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()),
        fresh.cbegin(), fresh.cend(), std::back_inserter(merged),
        [this](const SmtpMessageSummary &a, const SmtpMessageSummary &b) { return before(a, b); });
    rows = std::move(merged);
    rowsMoved();
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i)
        to.append(q->index(q->rowOf(ids.at(i)), from.at(i).column()));
    q->changePersistentIndexList(from, to);
    Q_EMIT q->layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    Q_EMIT q->countChanged(); // rows were added, though no rowsInserted said so
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
        rowsMoved();
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

QString SmtpInboxModel::mailboxQuery(const QString &mailbox, const QString &query)
{
    if (mailbox.isEmpty())
        return query;
    QString quoted = mailbox;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    quoted.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QStringLiteral("mailbox:\"") + quoted + QStringLiteral("\" ") + query;
}
