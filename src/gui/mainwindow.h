// The desktop window: the inbox (a lazy table over the store), the message view beside it, a
// search field, toolbar and menus, the status bar, the tray icon and coalesced notifications.
// It runs the same SmtpServer and store as --no-gui, configured from AppSettings, serves the
// HTTP API (SmtpHttpApi) over them when the settings say so, and releases messages to a real
// server (SmtpRelay: "Release…", and accept rules with "relay": true) once a relay is set. A
// release that fails unwatched (an automatic one, a recipient the allowed pattern refuses, one
// whose dialog was closed) is said in the status bar, counted there until dismissed, and
// notified once per burst (ReleaseNotices).
#pragma once

#include "appsettings.h"
#include <appoptions.h>

#include "credentialstore.h"
#include "notificationburst.h"
#include "releasenotices.h"

#include <smtphttpapi.h>
#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <smtpserver.h>

#include <QMainWindow>
#include <QPersistentModelIndex>
#include <QThreadPool>
#include <QTimer>

class InboxModel;
class MailboxList;
class MessageFiles;
class MessageView;
class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
class QSystemTrayIcon;
class QTableView;
class QToolButton;
struct ReleaseTarget;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const AppOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens the store and starts the server; false (after telling the user) when the store
    // cannot be opened. A listener that cannot start is reported, and the window still opens.
    bool start();

    // For tests and the screenshot script.
    SmtpServer *server() { return &m_server; }
    SmtpMessageStore *store() { return &m_store; }
    SmtpHttpApi *httpApi() { return &m_httpApi; }
    SmtpRelay *relay() { return &m_relay; }
    QAction *releaseAction() const { return m_releaseAction; }
    ReleaseNotices *releaseNotices() { return &m_releaseNotices; }
    // In the status bar while releases have failed: their count; the latest in the tooltip; a
    // click dismisses it.
    QToolButton *releaseFailuresButton() const { return m_releaseFailuresButton; }
    int releaseNotificationsShown() const { return m_releaseNotificationsShown; }
    InboxModel *inboxModel() const { return m_model; }
    QTableView *inboxView() const { return m_view; }
    MailboxList *mailboxList() const { return m_mailboxList; }
    MessageView *messageView() const { return m_messageView; }
    MessageFiles *messageFiles() const { return m_files; }
    QLineEdit *searchField() const { return m_search; }
    int notificationsShown() const { return m_notificationsShown; }
    // Mail that arrived since the last notification, waiting for the burst to end; without it
    // no notification comes until more mail does.
    int unnotifiedCount() const { return m_mailBurst.count(); }
    AppSettings settings() const { return m_settings; }
    // What the settings dialog's Apply does: reopens the store when its path changed,
    // reconfigures the HTTP API and the server, saves. False with *error, changing nothing, when it
    // cannot.
    bool applyFromDialog(const AppSettings &settings, QString *error);
    // The tray icon: the application icon with the unread count in a red badge (none at 0).
    static QIcon badgeIcon(const QIcon &icon, qint64 count);

public Q_SLOTS:
    void openSettings();
    void deleteSelected();
    void deleteAll();
    void markSelectedRead(bool read);
    void markAllRead();
    void saveSelectedAs();
    void setReceiving(bool on);

Q_SIGNALS:
    void notificationShown(const QString &title, const QString &text);
    // A burst of failed releases was notified (with the tray, when there is one).
    void releaseNotificationShown(const QString &title, const QString &text);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void createTray();
    void applySettings(const AppSettings &settings);
    void applyRelay(const AppSettings &settings); // configures m_relay, updates "Release…"
    ReleaseTarget releaseTarget();
    void updateStatus();
    void updateHttpApiStatus();
    void updateReleaseFailures(); // the status bar's count of failed releases
    void scheduleStatusUpdate(); // updateStatus() within 200 ms, at most once
    void onSelectionChanged();
    void onMessage(const SmtpMessage &message);
    void flushNotifications();
    QList<qint64> selectedIds() const;
    bool reopenStore(const QString &path, QString *error);
    void runStoreTask(const std::function<void(SmtpMessageStore *)> &task);

    AppOptions m_options;
    AppSettings m_settings;
    // Declared before the server: the store is a sink and must outlive its deliveries.
    SmtpMessageStore m_store;
    SmtpServer m_server;
    SmtpHttpApi m_httpApi; // serves the two above; off unless the settings turn it on
    SmtpRelay m_relay; // "Release…" and the API's release route; off without a relay host
    CredentialStore m_credentials; // reads the relay's password at the start
    bool m_relayPasswordPending = false; // not read yet, and no settings applied meanwhile
    // Failed releases nobody watched; declared after the relay, whose jobs it follows.
    ReleaseNotices m_releaseNotices;

    InboxModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    MailboxList *m_mailboxList = nullptr; // beside the inbox; chooses its mailbox
    MessageView *m_messageView = nullptr;
    MessageFiles *m_files = nullptr; // drags messages out as files, imports dropped files
    QLineEdit *m_search = nullptr;
    QSplitter *m_splitter = nullptr;
    QTimer m_searchDebounce;
    QLabel *m_listenLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_connectionsLabel = nullptr;
    QLabel *m_httpApiLabel = nullptr; // the API's address, hidden while it is off
    QLabel *m_failureLabel = nullptr; // shown while fail rules apply
    QToolButton *m_releaseFailuresButton = nullptr; // shown while failed releases are counted

    QAction *m_deleteAction = nullptr;
    QAction *m_deleteAllAction = nullptr;
    QAction *m_markReadAction = nullptr;
    QAction *m_markUnreadAction = nullptr;
    QAction *m_markAllReadAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_sourceAction = nullptr;
    QAction *m_releaseAction = nullptr;
    QAction *m_receiveAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_quitAction = nullptr;

    QSystemTrayIcon *m_tray = nullptr;
    NotificationBurst m_mailBurst; // coalesces a burst of mail into one notification
    QTimer m_statusTimer; // coalesces status bar, title and tray updates
    QPersistentModelIndex m_topRowBeforeLayout; // kept at the top through a layout change
    SmtpMessage m_newestUnnotified;
    QString m_burstMailbox; // the one mailbox all of the burst went to, else empty
    int m_notificationsShown = 0;
    int m_releaseNotificationsShown = 0;
    QString m_listenError;
    QString m_httpApiError; // why the HTTP API, switched on, does not listen
    int m_pendingSelectRow = -1;
    qint64 m_trayCount = -1;
    QThreadPool m_storeTasks; // store writes, off the GUI thread, one at a time
};
