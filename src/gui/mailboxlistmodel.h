// The mailboxes beside the inbox: "All mail" first (no filter), then the store's mailboxes as it
// orders them (Inbox, then the others by name), each with its unread count, kept current as mail
// comes, is read and goes. Fed by a store (the local window) or by a MessageSource (a remote
// catcher's window). Rows take dropped files (text/uri-list); what a drop does is the view's
// (MailboxList).
#pragma once

#include <smtpmessagestore.h>

#include <QAbstractListModel>
#include <QPointer>

class MessageSource;

class MailboxListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles {
        MailboxRole = Qt::UserRole + 1, // the name; empty for "All mail"
        UnreadRole,
        MessagesRole,
    };

    explicit MailboxListModel(QObject *parent = nullptr);

    void setStore(SmtpMessageStore *store); // not owned
    SmtpMessageStore *store() const { return m_store; }
    void setSource(MessageSource *source); // not owned; instead of a store

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    Qt::DropActions supportedDropActions() const override;
    // Local files (a drop imports them), on a row or below the rows.
    bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
        const QModelIndex &parent) const override;

    // The row of a mailbox (empty: "All mail"), -1 when there is no such mailbox.
    int rowOf(const QString &mailbox) const;
    QString mailboxAt(int row) const;

    // The unread counts in a line for the tray: "12 unread: shop-backend 9, billing 3", the
    // mailboxes with the most unread mail first, at most maxNamed of them, then "…"; no names
    // while Inbox is the only mailbox. From the counts the list holds: nothing is read.
    QString unreadSummary(int maxNamed = 3) const;
    // The same for the mailboxes of the store (Inbox first) and their total unread count.
    static QString unreadSummary(const QList<SmtpMailbox> &mailboxes, qint64 unread, int maxNamed);

public Q_SLOTS:
    // Reads the mailboxes and counts again (cheap: the store keeps the counts).
    void refresh();

private:
    QPointer<SmtpMessageStore> m_store;
    QPointer<MessageSource> m_source;
    QList<SmtpMailbox> m_rows; // row 0: "All mail", with an empty name
};
