// The mailboxes beside the inbox: "All mail" first (no filter), then the store's mailboxes as it
// orders them (Inbox, then the others by name), each with its unread count, kept current as mail
// comes, is read and goes. Fed by a store (the local window) or by a MessageSource (a remote
// catcher's window).
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

    // The row of a mailbox (empty: "All mail"), -1 when there is no such mailbox.
    int rowOf(const QString &mailbox) const;
    QString mailboxAt(int row) const;

public Q_SLOTS:
    // Reads the mailboxes and counts again (cheap: the store keeps the counts).
    void refresh();

private:
    QPointer<SmtpMessageStore> m_store;
    QPointer<MessageSource> m_source;
    QList<SmtpMailbox> m_rows; // row 0: "All mail", with an empty name
};
