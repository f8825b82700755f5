#include "inboxmodel.h"

#include <smtpmessagestore.h>

#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

InboxModel::InboxModel(SmtpMessageStore *store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    m_insertTimer.setSingleShot(true);
    m_insertTimer.setInterval(100);
    connect(&m_insertTimer, &QTimer::timeout, this, &InboxModel::insertPending);
    connect(&m_pageWatcher, &QFutureWatcher<Page>::finished, this, &InboxModel::onPageLoaded);
    connect(&m_newWatcher, &QFutureWatcher<Page>::finished, this, &InboxModel::onNewLoaded);
    connect(store, &SmtpMessageStore::messagesAdded, this, &InboxModel::onMessagesAdded);
    connect(store, &SmtpMessageStore::messagesRemoved, this, &InboxModel::onMessagesRemoved);
    connect(store, &SmtpMessageStore::readChanged, this, &InboxModel::onReadChanged);
    reload();
}

InboxModel::~InboxModel()
{
    m_pageWatcher.waitForFinished();
    m_newWatcher.waitForFinished();
}

void InboxModel::setQuery(const QString &query)
{
    if (query == m_query)
        return;
    m_query = query;
    Q_EMIT queryChanged();
    reload();
}

void InboxModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_exhausted = false;
    m_fetching = false;
    m_pendingNewest = 0;
    endResetModel();
    fetchMore({});
}

qint64 InboxModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}

int InboxModel::rowOf(qint64 id) const
{
    // Rows are sorted by id, newest first: binary search.
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
        [](const SmtpMessageSummary &s, qint64 value) { return s.id > value; });
    return it != m_rows.cend() && it->id == id ? int(it - m_rows.cbegin()) : -1;
}

SmtpMessageSummary InboxModel::summaryAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : SmtpMessageSummary();
}

int InboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int InboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SmtpMessageSummary &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case FromColumn:
            return s.from.isEmpty() ? s.mailFrom : s.from;
        case ToColumn:
            return s.to.isEmpty() ? s.rcptTos.join(QStringLiteral(", ")) : s.to;
        case SubjectColumn:
            return s.subject.isEmpty() ? tr("(no subject)") : s.subject;
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
    case Qt::FontRole:
        if (!s.read) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == SubjectColumn && s.hasAttachments)
            return QIcon(QStringLiteral(":/icons/attachment.svg"));
        if (index.column() == FromColumn && !s.read)
            return QIcon(QStringLiteral(":/icons/unread.svg"));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case IdRole:
        return s.id;
    case ReadRole:
        return s.read;
    case HasAttachmentsRole:
        return s.hasAttachments;
    case SummaryRole:
        return QVariant::fromValue(s);
    }
    return {};
}

QVariant InboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FromColumn:
        return tr("From");
    case ToColumn:
        return tr("To");
    case SubjectColumn:
        return tr("Subject");
    case ReceivedColumn:
        return tr("Received");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

bool InboxModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted && !m_fetching;
}

void InboxModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    m_fetching = true;
    Q_EMIT loadingChanged();
    SmtpMessageStore *store = m_store;
    const QString query = m_query;
    const qint64 before = m_rows.isEmpty() ? 0 : m_rows.constLast().id;
    const quint64 generation = m_generation;
    m_pageWatcher.setProperty("generation", generation);
    m_pageWatcher.setFuture(QtConcurrent::run([store, query, before] {
        Page page;
        page.rows = store->summaries(query, before, pageSize, &page.error);
        return page;
    }));
}

void InboxModel::onPageLoaded()
{
    if (m_pageWatcher.property("generation").toULongLong() != m_generation)
        return fetchMore({}); // a reload happened meanwhile; this page belongs to the old one
    const Page page = m_pageWatcher.result();
    m_fetching = false;
    if (page.error != m_queryError) {
        m_queryError = page.error;
        Q_EMIT queryErrorChanged(m_queryError);
    }
    // Live inserts may have put newer rows on top meanwhile; keep only what is older.
    QList<SmtpMessageSummary> rows;
    const qint64 oldest
        = m_rows.isEmpty() ? std::numeric_limits<qint64>::max() : m_rows.constLast().id;
    for (const SmtpMessageSummary &s : page.rows)
        if (s.id < oldest)
            rows.append(s);
    m_exhausted = page.rows.size() < pageSize || !page.error.isEmpty();
    if (!rows.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size() - 1));
        m_rows += rows;
        endInsertRows();
    }
    Q_EMIT loadingChanged();
    Q_EMIT pageLoaded();
}

void InboxModel::onMessagesAdded(const QList<qint64> &ids)
{
    for (qint64 id : ids)
        m_pendingNewest = qMax(m_pendingNewest, id);
    if (!m_insertTimer.isActive())
        m_insertTimer.start();
}

void InboxModel::insertPending()
{
    if (m_pendingNewest == 0)
        return;
    if (m_newWatcher.isRunning()) {
        m_insertTimer.start(); // one batch at a time
        return;
    }
    const qint64 newest = m_rows.isEmpty() ? 0 : m_rows.constFirst().id;
    const qint64 upTo = std::exchange(m_pendingNewest, 0);
    if (upTo <= newest)
        return;
    SmtpMessageStore *store = m_store;
    const QString query = m_query;
    m_newWatcher.setProperty("generation", m_generation);
    m_newWatcher.setProperty("newest", newest);
    m_newWatcher.setFuture(QtConcurrent::run([store, query, upTo, newest] {
        Page page;
        // Everything newer than what is shown, in pages, newest first.
        qint64 before = upTo + 1;
        for (;;) {
            const QList<SmtpMessageSummary> part
                = store->summaries(query, before, 1000, &page.error);
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

void InboxModel::onNewLoaded()
{
    if (m_newWatcher.property("generation").toULongLong() != m_generation)
        return;
    const Page page = m_newWatcher.result();
    const qint64 newest = m_rows.isEmpty() ? 0 : m_rows.constFirst().id;
    QList<SmtpMessageSummary> rows;
    for (const SmtpMessageSummary &s : page.rows)
        if (s.id > newest)
            rows.append(s);
    if (rows.isEmpty())
        return;
    if (m_rows.isEmpty() && !m_exhausted && m_fetching) {
        // The first page is still loading; it will bring these too.
        return;
    }
    beginInsertRows({}, 0, int(rows.size() - 1));
    m_rows = rows + m_rows;
    endInsertRows();
    Q_EMIT newMessagesInserted(int(rows.size()));
}

void InboxModel::onMessagesRemoved(const QList<qint64> &ids)
{
    if (ids.isEmpty()) {
        reload();
        return;
    }
    // Remove from the bottom up so row numbers stay right; contiguous runs in one call.
    QList<int> rows;
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row >= 0)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    int i = 0;
    while (i < rows.size()) {
        int last = rows.at(i);
        int first = last;
        while (i + 1 < rows.size() && rows.at(i + 1) == first - 1)
            first = rows.at(++i);
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        ++i;
    }
}

void InboxModel::onReadChanged(const QList<qint64> &ids, bool read)
{
    if (ids.isEmpty()) { // everything
        for (SmtpMessageSummary &s : m_rows)
            s.read = read;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        m_rows[row].read = read;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}
