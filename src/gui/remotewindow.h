// A window on a remote catcher (File → Open Remote Catcher…, or --remote URL): the inbox of
// another smtp-receiver's HTTP API or a Mailpit, with the same message view, search, read flags
// and deletes as the local window, live through the catcher's event WebSocket. The title and the
// status bar name the catcher; when it goes away a banner and the status bar say so, the rows
// stay, and the window catches up once it is back. Each window has its own catcher. Beside the
// inbox, the catcher's mailboxes (hidden for a catcher without them, a Mailpit): choosing one
// searches within it.
#pragma once

#include "remotemessagesource.h"

#include <QMainWindow>
#include <QTimer>

class MailboxList;
class MessageView;
class QAction;
struct ReleaseTarget;
class QLabel;
class QLineEdit;
class QTableView;
class SourceInboxModel;

struct RemoteCatcher
{
    QUrl url;
    QString user;
    QString password;
};

class RemoteWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit RemoteWindow(const RemoteCatcher &catcher, QWidget *parent = nullptr);
    ~RemoteWindow() override;

    // For tests.
    RemoteMessageSource *source() const { return m_source; }
    SourceInboxModel *inboxModel() const { return m_model; }
    QTableView *inboxView() const { return m_view; }
    MessageView *messageView() const { return m_messageView; }
    QLineEdit *searchField() const { return m_search; }
    MailboxList *mailboxList() const { return m_mailboxList; }
    QWidget *disconnectedBanner() const { return m_banner; }
    QString connectionText() const; // what the status bar says of the connection
    QAction *releaseAction() const { return m_releaseAction; }

    // Asks for a catcher (the dialog with the recent ones) and opens a window on it.
    static RemoteWindow *openInteractively(QWidget *parent);

public Q_SLOTS:
    void deleteSelected();
    void deleteAll();
    void markSelectedRead(bool read);
    void markAllRead();
    void saveSelectedAs();

private:
    void createActions();
    void updateStatus();
    void applyQuery(); // the search text, within the chosen mailbox
    void onSelectionChanged();
    QList<qint64> selectedIds() const;
    ReleaseTarget releaseTarget(); // the catcher's release route

    RemoteMessageSource *m_source = nullptr;
    SourceInboxModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    MessageView *m_messageView = nullptr;
    QLineEdit *m_search = nullptr;
    MailboxList *m_mailboxList = nullptr;
    QWidget *m_banner = nullptr;
    QLabel *m_bannerLabel = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QAction *m_releaseAction = nullptr;
    QTimer m_searchDebounce;
    QTimer m_statusTimer; // the retry countdown while disconnected
    int m_pendingSelectRow = -1;
};
