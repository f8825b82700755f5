// The inbox as the window shows it: the library's SmtpInboxModel, plus what only a QTableView
// needs — translated headers, bold unread rows, attachment and unread icons.
#pragma once

#include <smtpinboxmodel.h>

class InboxModel : public SmtpInboxModel
{
    Q_OBJECT
public:
    using SmtpInboxModel::SmtpInboxModel;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};
