#include "inboxmodel.h"

#include "messagefiles.h"

#include <QFont>
#include <QIcon>
#include <QMimeData>

#include <algorithm>

QVariant InboxModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == SubjectColumn) {
            const QString subject = SmtpInboxModel::data(index, SubjectRole).toString();
            return subject.isEmpty() ? tr("(no subject)") : subject;
        }
        break;
    case Qt::FontRole:
        if (!SmtpInboxModel::data(index, ReadRole).toBool()) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == SubjectColumn
            && SmtpInboxModel::data(index, HasAttachmentsRole).toBool())
            return QIcon(QStringLiteral(":/icons/attachment.svg"));
        if (index.column() == FromColumn && !SmtpInboxModel::data(index, ReadRole).toBool())
            return QIcon(QStringLiteral(":/icons/unread.svg"));
        return {};
    }
    return SmtpInboxModel::data(index, role);
}

QVariant InboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return SmtpInboxModel::headerData(section, orientation, role);
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

Qt::ItemFlags InboxModel::flags(const QModelIndex &index) const
{
    const Qt::ItemFlags flags = SmtpInboxModel::flags(index);
    return m_files && index.isValid() ? flags | Qt::ItemIsDragEnabled : flags;
}

QStringList InboxModel::mimeTypes() const
{
    return { QStringLiteral("text/uri-list"), QStringLiteral("message/rfc822") };
}

QMimeData *InboxModel::mimeData(const QModelIndexList &indexes) const
{
    if (!m_files)
        return nullptr;
    // One index per column of each row: the rows, each once, in order.
    QList<int> rows;
    for (const QModelIndex &index : indexes)
        if (index.isValid())
            rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    QList<qint64> ids;
    QStringList subjects;
    for (int row : std::as_const(rows)) {
        ids.append(idAt(row));
        subjects.append(SmtpInboxModel::data(index(row, SubjectColumn), SubjectRole).toString());
    }
    return m_files->mimeData(ids, subjects);
}
