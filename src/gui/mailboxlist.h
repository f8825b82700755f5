// The mailbox list beside the inbox: choosing a row shows only that mailbox's mail in the inbox
// model ("All mail": every message); Ctrl+1…9 choose the first nine rows; its context menu marks
// a mailbox read or deletes it (after asking); files dropped on a row are for that mailbox.
// On a MessageSource (a remote catcher's window) it only chooses: mailboxChosen() tells the
// window, which filters its inbox.
#pragma once

#include <QListView>

#include <functional>

class MailboxListModel;
class MessageSource;
class QSplitter;
class SmtpInboxModel;
class SmtpMessageStore;

class MailboxList : public QListView
{
    Q_OBJECT
public:
    // Runs a store write off the window thread, in order with the window's other writes.
    using StoreTask = std::function<void(SmtpMessageStore *)>;
    using TaskRunner = std::function<void(const StoreTask &)>;

    explicit MailboxList(SmtpMessageStore *store, QWidget *parent = nullptr);
    explicit MailboxList(MessageSource *source, QWidget *parent = nullptr);

    // The inbox whose mailbox the list chooses (not owned); set to the chosen mailbox at once.
    void setInboxModel(SmtpInboxModel *inbox);

    // A new horizontal splitter holding this list, narrow, left of the inbox pane (the local and
    // the remote window lay it out alike); the caller puts it where it goes.
    QSplitter *splitterWith(QWidget *inboxPane);

    void setTaskRunner(const TaskRunner &runner) { m_runTask = runner; }
    MailboxListModel *mailboxModel() const { return m_model; }

    // The chosen mailbox; empty for "All mail".
    QString currentMailbox() const;
    void selectMailbox(const QString &mailbox);
    void selectRow(int row); // ignored outside the list

    // What the context menu does. removeMailbox asks first (a QMessageBox) unless ask is false.
    void markMailboxRead(const QString &mailbox);
    void removeMailbox(const QString &mailbox, bool ask = true);

Q_SIGNALS:
    // Local files were dropped: on a row, for its mailbox; below the rows, for the chosen one.
    // "All mail" stands for Inbox (an empty mailbox).
    void filesDropped(const QStringList &paths, const QString &mailbox);
    void mailboxChosen(const QString &mailbox); // another row was chosen; empty: "All mail"

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void onCurrentChanged();
    void runTask(const StoreTask &task);
    // Not the window's own drags (messages, attachments): their files are already here.
    bool isFromOutside(const QDropEvent *event) const;

    SmtpMessageStore *m_store;
    SmtpInboxModel *m_inbox = nullptr;
    MailboxListModel *m_model;
    TaskRunner m_runTask;
    QString m_chosen; // kept by name through a reset of the list
};
