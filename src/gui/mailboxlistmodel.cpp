// The list model of the mailbox list: "All mail", then the store's mailboxes with their counts.
#include "mailboxlistmodel.h"

#include "messagesource.h"

#include <QFont>
#include <QMimeData>
#include <QUrl>

#include <algorithm>

MailboxListModel::MailboxListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void MailboxListModel::setStore(SmtpMessageStore *store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (m_store) {
        // mailboxesChanged follows every countChanged, and reading changes the unread counts.
        connect(m_store, &SmtpMessageStore::mailboxesChanged, this, &MailboxListModel::refresh);
        connect(m_store, &SmtpMessageStore::opened, this, &MailboxListModel::refresh);
        connect(m_store, &SmtpMessageStore::readChanged, this, &MailboxListModel::refresh);
    }
    refresh();
}

void MailboxListModel::setSource(MessageSource *source)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (m_source) {
        connect(m_source, &MessageSource::mailboxesChanged, this, &MailboxListModel::refresh);
        connect(m_source, &MessageSource::countChanged, this, &MailboxListModel::refresh);
    }
    refresh();
}

void MailboxListModel::refresh()
{
    QList<SmtpMailbox> rows;
    SmtpMailbox all;
    if (m_source) {
        all.messages = m_source->count();
        all.unread = m_source->unreadCount();
        rows.append(all);
        rows.append(m_source->mailboxes());
    } else if (m_store && m_store->isOpen()) {
        all.messages = m_store->count();
        all.unread = m_store->unreadCount();
        rows.append(all);
        rows.append(m_store->mailboxes());
    } else {
        rows.append(all);
    }
    if (rows == m_rows)
        return;
    bool sameNames = rows.size() == m_rows.size();
    for (int i = 0; sameNames && i < rows.size(); ++i)
        sameNames = rows.at(i).name == m_rows.at(i).name;
    if (!sameNames) {
        // A mailbox came or went: few rows, so a reset is cheap; the view keeps its choice by name.
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    for (int i = 0; i < rows.size(); ++i) {
        if (rows.at(i) == m_rows.at(i))
            continue;
        m_rows[i] = rows.at(i);
        Q_EMIT dataChanged(index(i), index(i));
    }
}

int MailboxListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MailboxListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SmtpMailbox &row = m_rows.at(index.row());
    const QString name = row.name.isEmpty() ? tr("All mail") : row.name;
    switch (role) {
    case Qt::DisplayRole:
        return row.unread > 0 ? tr("%1 (%2)", "mailbox list: name (unread count)")
                                    .arg(name, QLocale().toString(row.unread))
                              : name;
    case Qt::ToolTipRole:
        return tr("%1: %2, %3", "mailbox list tooltip: name: N messages, N unread")
            .arg(name, tr("%n message(s)", nullptr, int(row.messages)),
                tr("%n unread", nullptr, int(row.unread)));
    case Qt::FontRole:
        if (row.unread > 0) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case MailboxRole:
        return row.name;
    case UnreadRole:
        return row.unread;
    case MessagesRole:
        return row.messages;
    default:
        return {};
    }
}

int MailboxListModel::rowOf(const QString &mailbox) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).name == mailbox)
            return i;
    }
    return -1;
}

QString MailboxListModel::mailboxAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).name : QString();
}

Qt::ItemFlags MailboxListModel::flags(const QModelIndex &index) const
{
    // The root too: files dropped below the rows go to the chosen mailbox.
    return QAbstractListModel::flags(index) | Qt::ItemIsDropEnabled;
}

QStringList MailboxListModel::mimeTypes() const
{
    return { QStringLiteral("text/uri-list") };
}

Qt::DropActions MailboxListModel::supportedDropActions() const
{
    return Qt::CopyAction;
}

bool MailboxListModel::canDropMimeData(
    const QMimeData *data, Qt::DropAction action, int, int, const QModelIndex &) const
{
    if (!data || !data->hasUrls() || !(action & supportedDropActions()))
        return false;
    const QList<QUrl> urls = data->urls();
    return std::any_of(
        urls.cbegin(), urls.cend(), [](const QUrl &url) { return url.isLocalFile(); });
}

QString MailboxListModel::unreadSummary(int maxNamed) const
{
    if (m_rows.isEmpty())
        return unreadSummary({}, 0, maxNamed);
    return unreadSummary(m_rows.mid(1), m_rows.constFirst().unread, maxNamed);
}

QString MailboxListModel::unreadSummary(
    const QList<SmtpMailbox> &mailboxes, qint64 unread, int maxNamed)
{
    if (unread <= 0)
        return tr("No unread mail");
    const QString total = tr("%Ln unread", "tray", int(qMin<qint64>(unread, INT_MAX)));
    if (mailboxes.size() < 2)
        return total;
    QList<SmtpMailbox> withUnread;
    for (const SmtpMailbox &mailbox : mailboxes)
        if (mailbox.unread > 0)
            withUnread.append(mailbox);
    // Most unread first; equal counts keep the store's order (Inbox, then by name).
    std::stable_sort(withUnread.begin(), withUnread.end(),
        [](const SmtpMailbox &a, const SmtpMailbox &b) { return a.unread > b.unread; });
    QStringList named;
    const QLocale locale;
    for (qsizetype i = 0; i < qMin<qsizetype>(withUnread.size(), maxNamed); ++i)
        named.append(tr("%1 %2", "tray: a mailbox and its unread count")
                         .arg(withUnread.at(i).name, locale.toString(withUnread.at(i).unread)));
    if (withUnread.size() > maxNamed)
        named.append(QStringLiteral("…"));
    return tr("%1: %2", "tray: N unread: the mailboxes with their unread counts")
        .arg(total, named.join(tr(", ", "tray: between mailboxes")));
}
