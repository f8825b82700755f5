// The inbox as the window shows it: the library's SmtpInboxModel, plus what only a QTableView
// needs — translated headers, bold unread rows, attachment and unread icons — and rows that
// drag out as .eml files (MessageFiles).
#pragma once

#include <smtpinboxmodel.h>

class MessageFiles;

class InboxModel : public SmtpInboxModel
{
    Q_OBJECT
public:
    using SmtpInboxModel::SmtpInboxModel;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Rows drag out once files is set (not owned): one .eml file per message.
    void setMessageFiles(MessageFiles *files) { m_files = files; }
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }

private:
    MessageFiles *m_files = nullptr;
};
