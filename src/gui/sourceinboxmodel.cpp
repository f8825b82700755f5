// The inbox over a MessageSource, paged by position (see sourceinboxmodel.h).
#include "sourceinboxmodel.h"

#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QSet>

using Role = SmtpInboxModel::Role;

SourceInboxModel::SourceInboxModel(MessageSource *source, QObject *parent)
    : QAbstractTableModel(parent)
    , m_source(source)
{
    connect(source, &MessageSource::pageLoaded, this, &SourceInboxModel::onPage);
    connect(source, &MessageSource::messageAdded, this, &SourceInboxModel::onAdded);
    connect(source, &MessageSource::messagesRemoved, this, &SourceInboxModel::onRemoved);
    connect(source, &MessageSource::readChanged, this, &SourceInboxModel::onReadChanged);
    // New mail was checked against the query when it came, before it was indexed: ask again.
    connect(source, &MessageSource::searchableChanged, this, [this] {
        if (!m_query.isEmpty() && m_matches >= 0)
            catchUp();
    });
    reload();
}

void SourceInboxModel::setQuery(const QString &query)
{
    if (query == m_query)
        return;
    m_query = query;
    reload();
}

void SourceInboxModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_matches = -1;
    m_catchUp = 0;
    endResetModel();
    m_pending = m_source ? m_source->requestPage(m_query, 0, pageSize) : 0;
    Q_EMIT loadingChanged();
}

void SourceInboxModel::catchUp()
{
    if (!m_source)
        return;
    if (m_matches < 0) { // the first page never came: ask for it again
        if (m_pending == 0)
            reload();
        return;
    }
    if (m_catchUp != 0) {
        m_catchUpAgain = true;
        return;
    }
    m_catchUp = m_source->requestPage(m_query, 0, pageSize);
}

void SourceInboxModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT queryErrorChanged(error);
}

void SourceInboxModel::onPage(quint64 request, qint64 start, const QList<SmtpMessageSummary> &page,
    qint64 matches, const QString &error)
{
    if (request == m_catchUp) {
        m_catchUp = 0;
        if (error.isEmpty() && matches >= 0) {
            m_matches = matches;
            mergeFirstPage(page);
        }
        if (std::exchange(m_catchUpAgain, false))
            catchUp();
        Q_EMIT pageLoaded();
        return;
    }
    if (request != m_pending)
        return; // an answer to a query that is no longer asked
    m_pending = 0;
    Q_EMIT loadingChanged();
    if (matches < 0 && error.isEmpty())
        return; // not asked: catchUp() asks again
    // A query the catcher refused is the query's fault; an unreachable catcher is not (the
    // source says that, and the rows stay).
    setError(error);
    if (!error.isEmpty())
        return;
    m_matches = matches;
    // Rows arrived or went meanwhile (live): skip the ones already here.
    QList<SmtpMessageSummary> fresh;
    QSet<qint64> have;
    for (const SmtpMessageSummary &s : std::as_const(m_rows))
        have.insert(s.id);
    for (const SmtpMessageSummary &s : page)
        if (!have.contains(s.id))
            fresh.append(s);
    if (!fresh.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size() - 1));
        m_rows += fresh;
        endInsertRows();
    }
    // The catcher has no more, whatever it counted. A later page that starts with our first row
    // means the same: a server that ignores `start` would be asked for that page forever. (A later
    // page of only known rows is no such sign: new mail shifted the offsets, and catching up
    // brings it in.)
    const bool startIgnored = start > 0 && !page.isEmpty() && !m_rows.isEmpty()
        && page.constFirst().id == m_rows.constFirst().id;
    if ((page.isEmpty() || startIgnored) && m_rows.size() < m_matches)
        m_matches = m_rows.size();
    Q_EMIT pageLoaded();
}

void SourceInboxModel::mergeFirstPage(const QList<SmtpMessageSummary> &page)
{
    if (page.isEmpty()) {
        if (!m_rows.isEmpty()) {
            beginResetModel();
            m_rows.clear();
            endResetModel();
        }
        return;
    }
    // New ones: those above the first row that is already here.
    QHash<qint64, int> rowOfId;
    for (int i = 0; i < m_rows.size(); ++i)
        rowOfId.insert(m_rows.at(i).id, i);
    int known = 0;
    while (known < page.size() && !rowOfId.contains(page.at(known).id))
        ++known;
    if (known == page.size() && !m_rows.isEmpty()
        && page.constLast().receivedAt <= m_rows.constFirst().receivedAt) {
        // Nothing in common and not newer: the rows are out of date; start again.
        reload();
        return;
    }
    // Gone meanwhile: rows between the newest and oldest of the page that it lacks.
    if (known < page.size()) {
        QSet<qint64> inPage;
        for (const SmtpMessageSummary &s : page)
            inPage.insert(s.id);
        const int from = rowOfId.value(page.at(known).id);
        int to = from;
        for (int i = known; i < page.size(); ++i)
            to = qMax(to, rowOfId.value(page.at(i).id, to));
        for (int row = to; row >= from; --row) {
            if (inPage.contains(m_rows.at(row).id))
                continue;
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
        // Read flags as the catcher has them now.
        for (int i = known; i < page.size(); ++i) {
            const int row = rowOf(page.at(i).id);
            if (row >= 0 && m_rows.at(row).read != page.at(i).read) {
                m_rows[row].read = page.at(i).read;
                Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
            }
        }
    }
    if (known > 0) {
        beginInsertRows({}, 0, known - 1);
        m_rows = page.mid(0, known) + m_rows;
        endInsertRows();
    }
}

void SourceInboxModel::onAdded(const SmtpMessageSummary &summary)
{
    if (m_matches < 0 || rowOf(summary.id) >= 0)
        return; // the first page (asked for) brings it
    if (!m_query.isEmpty()) {
        catchUp(); // whether it matches is the catcher's to say
        return;
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(summary);
    endInsertRows();
    ++m_matches;
}

void SourceInboxModel::onRemoved(const QList<qint64> &ids)
{
    if (ids.isEmpty()) {
        reload();
        return;
    }
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
        if (m_matches > 0)
            --m_matches;
    }
}

void SourceInboxModel::onReadChanged(const QList<qint64> &ids, bool read)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        SmtpMessageSummary &s = m_rows[row];
        if (s.read == read || (!ids.isEmpty() && !ids.contains(s.id)))
            continue;
        s.read = read;
        Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
    }
}

qint64 SourceInboxModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : 0;
}

int SourceInboxModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).id == id)
            return row;
    return -1;
}

SmtpMessageSummary SourceInboxModel::summaryAt(int row) const
{
    return m_rows.value(row);
}

int SourceInboxModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SourceInboxModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : SmtpInboxModel::ColumnCount;
}

bool SourceInboxModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pending == 0 && m_matches > m_rows.size();
}

void SourceInboxModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || !m_source)
        return;
    m_pending = m_source->requestPage(m_query, m_rows.size(), pageSize);
    Q_EMIT loadingChanged();
}

QVariant SourceInboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SmtpMessageSummary &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SmtpInboxModel::FromColumn:
            return s.shownFrom();
        case SmtpInboxModel::ToColumn:
            return s.shownTo();
        case SmtpInboxModel::SubjectColumn:
            return s.subject.isEmpty() ? tr("(no subject)") : s.subject;
        case SmtpInboxModel::ReceivedColumn:
            return QLocale().toString(s.receivedAt.toLocalTime(), QLocale::ShortFormat);
        case SmtpInboxModel::SizeColumn:
            return QLocale().formattedDataSize(s.size);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == SmtpInboxModel::ReceivedColumn)
            return QLocale().toString(s.receivedAt.toLocalTime(), QLocale::LongFormat);
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (index.column() == SmtpInboxModel::SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::FontRole:
        if (!s.read) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == SmtpInboxModel::SubjectColumn && s.hasAttachments)
            return QIcon(QStringLiteral(":/icons/attachment.svg"));
        if (index.column() == SmtpInboxModel::FromColumn && !s.read)
            return QIcon(QStringLiteral(":/icons/unread.svg"));
        return {};
    case Role::IdRole:
        return s.id;
    case Role::FromRole:
        return s.shownFrom();
    case Role::ToRole:
        return s.shownTo();
    case Role::SubjectRole:
        return s.subject;
    case Role::ReceivedAtRole:
        return s.receivedAt;
    case Role::SizeRole:
        return s.size;
    case Role::ReadRole:
        return s.read;
    case Role::UnreadRole:
        return !s.read;
    case Role::HasAttachmentsRole:
        return s.hasAttachments;
    case Role::MailFromRole:
        return s.mailFrom;
    case Role::RcptTosRole:
        return s.rcptTos;
    case Role::RemoteAddressRole:
        return s.remoteAddress;
    case Role::TlsRole:
        return s.tls;
    case Role::SummaryRole:
        return QVariant::fromValue(s);
    }
    return {};
}

QVariant SourceInboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SmtpInboxModel::FromColumn:
        return tr("From");
    case SmtpInboxModel::ToColumn:
        return tr("To");
    case SmtpInboxModel::SubjectColumn:
        return tr("Subject");
    case SmtpInboxModel::ReceivedColumn:
        return tr("Received");
    case SmtpInboxModel::SizeColumn:
        return tr("Size");
    }
    return {};
}

QHash<int, QByteArray> SourceInboxModel::roleNames() const
{
    static const QHash<int, QByteArray> names = SmtpInboxModel().roleNames();
    return names;
}
