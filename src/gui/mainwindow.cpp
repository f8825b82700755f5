#include "mainwindow.h"

#include "inboxmodel.h"
#include "mailboxlist.h"
#include "mailboxlistmodel.h"
#include "messageattachments.h"
#include "messagefiles.h"
#include "messageview.h"
#include "releasedialog.h"
#include "remotewindow.h"
#include "settingsdialog.h"
#include "settingspage.h"
#include "settingsrulespage.h"
#include "themedicon.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

// The icon an action was made with, so it can be drawn again when the palette changes.
constexpr char iconNameProperty[] = "smtpReceiverIconName";

} // namespace

MainWindow::MainWindow(const AppOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_httpApi(&m_store, &m_server)
    , m_relay(&m_store)
    , m_releaseNotices(&m_relay)
{
    m_httpApi.setRelay(&m_relay);
    setWindowTitle(tr("smtp-receiver"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/smtp-receiver.svg")));
    resize(1100, 700);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setPlaceholderText(
        tr("Search: words, \"phrases\", from:, to:, subject:, has:attachment, is:unread, "
           "after:2026-01-31, larger:1m, -term"));
    m_search->setClearButtonEnabled(true);
    m_searchDebounce.setSingleShot(true);
    m_searchDebounce.setInterval(250);
    connect(m_search, &QLineEdit::textChanged, &m_searchDebounce, qOverload<>(&QTimer::start));

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("inboxView"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->setDragDropMode(QAbstractItemView::DragOnly); // rows drag out as .eml files
    m_files = new MessageFiles(&m_store, this); // and files dropped on the window come in

    m_messageView = new MessageView(this);
    m_messageView->setStore(&m_store);

    m_mailboxList = new MailboxList(&m_store, this);
    m_mailboxList->setMinimumWidth(100);
    m_files->setMailboxList(m_mailboxList); // drops go to the chosen mailbox, or the one under them

    auto *listPane = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_search);
    listLayout->addWidget(m_view);

    // The mailbox list stays visible, narrow, even with only Inbox: it is where new mailboxes
    // appear when mail is routed to them.
    QSplitter *mailboxSplitter = m_mailboxList->splitterWith(listPane);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(mailboxSplitter);
    m_splitter->addWidget(m_messageView);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    setCentralWidget(m_splitter);

    m_listenLabel = new QLabel(this);
    m_listenLabel->setObjectName(QStringLiteral("listenLabel"));
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("messageCountLabel"));
    m_connectionsLabel = new QLabel(this);
    m_connectionsLabel->setObjectName(QStringLiteral("connectionsLabel"));
    // The API's address, as a link that copies it: what a test suite's configuration needs.
    m_httpApiLabel = new QLabel(this);
    m_httpApiLabel->setObjectName(QStringLiteral("httpApiLabel"));
    m_httpApiLabel->setTextFormat(Qt::RichText);
    m_httpApiLabel->setTextInteractionFlags(Qt::LinksAccessibleByMouse);
    m_httpApiLabel->hide();
    connect(m_httpApiLabel, &QLabel::linkActivated, this, [this](const QString &url) {
        QGuiApplication::clipboard()->setText(url);
        statusBar()->showMessage(tr("Copied %1").arg(url), 3000);
    });
    statusBar()->addWidget(m_listenLabel, 1);
    statusBar()->addPermanentWidget(m_httpApiLabel);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_connectionsLabel);
    // While fail rules apply, say so all the time: forgotten chaos looks like a broken app.
    m_failureLabel = new QLabel(this);
    m_failureLabel->setObjectName(QStringLiteral("failureInjectionLabel"));
    m_failureLabel->setStyleSheet(QStringLiteral("QLabel { color: #b00020; font-weight: bold; }"));
    m_failureLabel->hide();
    statusBar()->addPermanentWidget(m_failureLabel);
    const auto updateFailureLabel = [this] {
        // What can strike: the HTTP API's chaos triggers (first, as they strike first), then
        // the rules' fail rules while the rules apply them.
        QList<SmtpRule> active = m_server.chaosTriggers();
        const SmtpRuleSet rules = m_server.rules();
        if (rules.failureInjection())
            active += rules.failRules();
        SmtpRuleSet shown;
        shown.setRules(active);
        const QString summary = RulesPage::failureSummary(shown);
        m_failureLabel->setText(summary);
        m_failureLabel->setToolTip(summary);
        m_failureLabel->setVisible(!summary.isEmpty());
    };
    connect(&m_server, &SmtpServer::rulesChanged, this, updateFailureLabel);
    connect(&m_server, &SmtpServer::chaosTriggersChanged, this, updateFailureLabel);
    // Releases that failed where nobody watched: each said in the status bar as it happens,
    // counted here until the user clicks the count away, a burst notified once.
    m_releaseFailuresButton = new QToolButton(this);
    m_releaseFailuresButton->setObjectName(QStringLiteral("releaseFailuresButton"));
    m_releaseFailuresButton->setAutoRaise(true);
    m_releaseFailuresButton->setStyleSheet(
        QStringLiteral("QToolButton { color: #b00020; font-weight: bold; }"));
    m_releaseFailuresButton->hide();
    statusBar()->addPermanentWidget(m_releaseFailuresButton);
    connect(m_releaseFailuresButton, &QToolButton::clicked, &m_releaseNotices,
        &ReleaseNotices::dismiss);
    connect(&m_releaseNotices, &ReleaseNotices::failureCountChanged, this,
        &MainWindow::updateReleaseFailures);
    connect(&m_releaseNotices, &ReleaseNotices::failed, this, [this](const QString &line) {
        statusBar()->showMessage(ReleaseNotices::statusText(line), 15000);
    });
    connect(&m_releaseNotices, &ReleaseNotices::notification, this,
        [this](const QString &title, const QString &text) {
            ++m_releaseNotificationsShown;
            // Not behind the new-mail setting: this is mail that did not go out.
            if (m_tray && m_tray->isVisible())
                m_tray->showMessage(title, text, QSystemTrayIcon::Warning, 10000);
            Q_EMIT releaseNotificationShown(title, text);
        });

    m_storeTasks.setMaxThreadCount(1); // in the order the user asked for them
    // Counts and connections change with every commit and connection; during a burst, redrawing
    // the status bar, the title and the tray for each cost a fifth of the window thread's time
    // (bench/gui-burst). A few times a second is what a person can read anyway.
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(200);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    connect(&m_mailBurst, &NotificationBurst::due, this, &MainWindow::flushNotifications);

    createActions();
    createTray();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
}

MainWindow::~MainWindow()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    if (m_model)
        settings.setValue(
            QStringLiteral("window/columns"), m_view->horizontalHeader()->saveState());
    m_httpApi.close();
    m_httpApi.setRelay(nullptr); // the relay goes before the API
    m_server.shutdown();
    m_server.removeMessageSink(&m_store);
    m_storeTasks.waitForDone();
    // Children die after the members; the view and the model read the store, so they go first.
    delete m_messageView;
    m_messageView = nullptr;
    m_view->setModel(nullptr);
    delete m_model;
    m_model = nullptr;
}

bool MainWindow::start()
{
    QSettings saved;
    m_settings = AppSettings::fromOptions(AppSettings::load(saved), m_options);
    // The relay's password is not in the settings file but with the keychain (or beside the
    // settings at 0600); it comes later. One on the command line wins.
    // Settings applied before it comes have the password the user gave.
    m_relayPasswordPending = !m_options.given.contains(QLatin1String("relay"));
    if (m_relayPasswordPending)
        m_credentials.read(RelaySettings::credentialKey(),
            [this](const QString &password, CredentialStore::Where) {
                if (!std::exchange(m_relayPasswordPending, false))
                    return;
                m_settings.relay.password = password;
                applyRelay(m_settings);
            });

    const QString path = m_settings.databasePath.isEmpty() ? SmtpMessageStore::defaultPath()
                                                           : m_settings.databasePath;
    if (!m_store.open(path)) {
        QMessageBox::critical(this, tr("smtp-receiver"),
            tr("The message store cannot be opened:\n%1").arg(m_store.errorString()));
        return false;
    }
    m_store.setMaxMessagesPerMailbox(m_settings.maxMessages); // as --no-gui: per mailbox
    m_server.setSpoolDirectory(m_store.spoolDirectory());
    m_server.addMessageSink(&m_store);

    m_model = new InboxModel(&m_store, this);
    m_model->setMessageFiles(m_files);
    m_view->setModel(m_model);
    m_mailboxList->setInboxModel(m_model);
    m_mailboxList->setTaskRunner(
        [this](const MailboxList::StoreTask &task) { runStoreTask(task); });
    connect(m_model, &InboxModel::mailboxChanged, this, &MainWindow::scheduleStatusUpdate);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(InboxModel::SubjectColumn, QHeaderView::Stretch);
    header->resizeSection(InboxModel::FromColumn, 220);
    header->resizeSection(InboxModel::ToColumn, 200);
    header->resizeSection(InboxModel::ReceivedColumn, 150);
    header->resizeSection(InboxModel::SizeColumn, 80);
    header->restoreState(QSettings().value(QStringLiteral("window/columns")).toByteArray());
    // The saved header holds the sort indicator. One saved before the inbox could be sorted
    // shows none (and names the first column): newest first, as it was then.
    if (!header->isSortIndicatorShown())
        header->setSortIndicator(InboxModel::ReceivedColumn, Qt::DescendingOrder);
    m_view->setSortingEnabled(true); // sorts the model as the indicator says

    connect(&m_searchDebounce, &QTimer::timeout, this,
        [this] { m_model->setQuery(m_search->text().trimmed()); });
    connect(m_model, &InboxModel::queryErrorChanged, this, [this](const QString &error) {
        m_search->setStyleSheet(
            error.isEmpty() ? QString() : QStringLiteral("QLineEdit { color: #c0392b; }"));
        m_search->setToolTip(error);
    });
    // New mail above what the user is looking at must not move it: at the top newest first,
    // anywhere above the first visible row in another order. (At the very top, newest first, it
    // shows.) The scroll bar counts rows (ScrollPerItem, the default on Linux) or pixels; its
    // range is updated first, or the new value could be cut to the old maximum.
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
        [this](const QModelIndex &, int first, int last) {
            QScrollBar *bar = m_view->verticalScrollBar();
            if (bar->value() == 0 || first > m_view->rowAt(0))
                return;
            const int rows = last - first + 1;
            m_view->doItemsLayout();
            bar->setValue(bar->value()
                + (m_view->verticalScrollMode() == QAbstractItemView::ScrollPerItem
                        ? rows
                        : rows * m_view->verticalHeader()->defaultSectionSize()));
        });
    // A burst sorted by another column comes as one layout change (see SmtpInboxModel): the row
    // at the top of the view stays there.
    connect(m_model, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] {
        m_topRowBeforeLayout = m_view->verticalScrollBar()->value() > 0
            ? QPersistentModelIndex(m_model->index(m_view->rowAt(0), 0))
            : QPersistentModelIndex();
    });
    connect(m_model, &QAbstractItemModel::layoutChanged, this, [this] {
        if (m_topRowBeforeLayout.isValid())
            m_view->scrollTo(m_topRowBeforeLayout, QAbstractItemView::PositionAtTop);
        m_topRowBeforeLayout = QPersistentModelIndex();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &MainWindow::onSelectionChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        const int rows = m_model->rowCount();
        if (m_pendingSelectRow >= 0 && rows > 0)
            m_view->selectRow(qMin(m_pendingSelectRow, rows - 1));
        m_pendingSelectRow = -1;
    });
    connect(m_view, &QTableView::activated, this, [this] { m_messageView->setFocus(); });

    connect(&m_server, &SmtpServer::message, this, &MainWindow::onMessage);
    // An accept rule with "relay": true releases the recipients it accepted at RCPT after the
    // 250, as --no-gui does; what fails of it is said (ReleaseNotices), as --no-gui prints
    // releaseFailed.
    connect(&m_server, &SmtpServer::message, this,
        [this](const SmtpMessage &message) { m_releaseNotices.releaseByRules(message); });
    for (auto signal : { &SmtpServer::connectionCountChanged, &SmtpServer::listeningChanged })
        connect(&m_server, signal, this, &MainWindow::scheduleStatusUpdate);
    connect(&m_store, &SmtpMessageStore::countChanged, this, &MainWindow::scheduleStatusUpdate);
    connect(&m_httpApi, &SmtpHttpApi::listeningChanged, this, &MainWindow::scheduleStatusUpdate);

    applySettings(m_settings);
    if (m_settings.startMinimized && m_tray)
        hide();
    else
        show();
    return true;
}

void MainWindow::applySettings(const AppSettings &settings)
{
    QString error;
    m_listenError.clear();
    if (!settings.applyTo(&m_server, &error)) {
        m_listenError = error;
        statusBar()->showMessage(error, 15000);
    }
    // The API is told apart from the SMTP listeners: one failing leaves the other running.
    m_httpApiError.clear();
    if (!settings.http.applyTo(&m_httpApi, &error)) {
        m_httpApiError = error;
        statusBar()->showMessage(error, 15000);
    }
    m_settings = settings;
    m_store.setMaxMessagesPerMailbox(settings.maxMessages);
    applyRelay(settings);
    updateStatus();
}

void MainWindow::applyRelay(const AppSettings &settings)
{
    m_relay.setConfig(settings.relay.isEnabled()
            ? settings.relay.toConfig(settings.server.hostname())
            : SmtpRelayConfig());
    ReleaseDialog::updateAction(m_releaseAction, selectedIds().size() == 1, releaseTarget());
}

ReleaseTarget MainWindow::releaseTarget()
{
    ReleaseTarget target;
    if (!m_relay.isEnabled())
        target.unavailable = tr("No relay configured");
    target.description = m_relay.config().address();
    SmtpRelay *relay = &m_relay;
    target.isAllowed = [relay](const QString &address) { return relay->isAllowed(address); };
    target.release = [this](qint64 id, const QStringList &to, QObject *context,
                         const ReleaseTarget::Done &done) {
        SmtpRelayJob *job = m_relay.release(id, to);
        const QString subject
            = m_model ? m_model->summaryAt(m_model->rowOf(id)).subject : QString();
        // Once the dialog is closed, a failure is said as an automatic release's is.
        const ReleaseTarget::Done report = ReleaseTarget::whileOpen(
            context, done, [this, job, subject](const ReleaseOutcome &outcome) {
                m_releaseNotices.addFailure(subject, job->recipients(), outcome.text);
            });
        connect(job, &SmtpRelayJob::finished, &m_releaseNotices, [job, report] {
            report({ job->isOk(), job->replyText() });
        });
    };
    return target;
}

void MainWindow::createActions()
{
    const auto add
        = [this](const QString &text, const QKeySequence &key, const char *icon, auto slot) {
              auto *action = new QAction(text, this);
              action->setProperty(iconNameProperty, QLatin1String(icon));
              action->setIcon(themedIcon(QLatin1String(icon), palette()));
              if (!key.isEmpty())
                  action->setShortcut(key);
              connect(action, &QAction::triggered, this, slot);
              return action;
          };
    m_deleteAction
        = add(tr("&Delete"), QKeySequence::Delete, "edit-delete", &MainWindow::deleteSelected);
    m_deleteAllAction = add(tr("Delete &All…"), {}, "edit-clear-all", &MainWindow::deleteAll);
    m_markReadAction = add(tr("Mark as &Read"), QKeySequence(tr("Ctrl+R")), "mail-mark-read",
        [this] { markSelectedRead(true); });
    m_markUnreadAction = add(tr("Mark as &Unread"), QKeySequence(tr("Ctrl+U")), "mail-mark-unread",
        [this] { markSelectedRead(false); });
    m_markAllReadAction
        = add(tr("Mark All as Read"), {}, "mail-mark-read", &MainWindow::markAllRead);
    m_saveAction = add(
        tr("&Save as .eml…"), QKeySequence::Save, "document-save-as", &MainWindow::saveSelectedAs);
    m_sourceAction = add(tr("View S&ource"), QKeySequence(tr("Ctrl+Shift+U")), "text-x-generic",
        [this] { m_messageView->setCurrentTab(MessageView::Tab::Source); });
    m_releaseAction = ReleaseDialog::createAction(
        this, [this] { return ReleaseDialog::onlySelected(m_view, m_model); },
        [this] { return releaseTarget(); });
    m_releaseAction->setProperty(iconNameProperty, QLatin1String("mail-send"));
    m_releaseAction->setIcon(themedIcon(QStringLiteral("mail-send"), palette()));
    m_receiveAction = add(tr("&Receiving"), {}, "network-receive", &MainWindow::setReceiving);
    m_receiveAction->setCheckable(true);
    m_receiveAction->setChecked(true);
    m_settingsAction
        = add(tr("&Settings…"), QKeySequence::Preferences, "configure", &MainWindow::openSettings);
    m_quitAction = add(tr("&Quit"), QKeySequence::Quit, "application-exit", &QApplication::quit);
    auto *find = add(tr("&Find"), QKeySequence::Find, "edit-find", [this] {
        m_search->setFocus();
        m_search->selectAll();
    });

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &Remote Catcher…"), this, [] {
        if (RemoteWindow *window = RemoteWindow::openInteractively(nullptr))
            window->setObjectName(QStringLiteral("remoteWindow"));
    });
    file->addAction(m_saveAction);
    file->addSeparator();
    file->addAction(m_receiveAction);
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu *message = menuBar()->addMenu(tr("&Message"));
    message->addAction(m_markReadAction);
    message->addAction(m_markUnreadAction);
    message->addAction(m_markAllReadAction);
    message->addSeparator();
    message->addAction(m_sourceAction);
    message->addAction(m_releaseAction);
    message->addSeparator();
    message->addAction(m_deleteAction);
    message->addAction(m_deleteAllAction);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(find);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_deleteAction);
    toolbar->addAction(m_markReadAction);
    toolbar->addAction(m_saveAction);
    toolbar->addAction(m_sourceAction);
    toolbar->addAction(m_releaseAction);
    toolbar->addSeparator();
    toolbar->addAction(m_receiveAction);
    toolbar->addAction(m_settingsAction);
    // The table handles Delete itself when focused; the action also works from the view.
    m_view->addAction(m_deleteAction);
}

void MainWindow::createTray()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_tray = new QSystemTrayIcon(windowIcon(), this);
    auto *menu = new QMenu(this);
    menu->addAction(tr("Show"), this, [this] {
        showNormal();
        raise();
        activateWindow();
    });
    menu->addAction(m_receiveAction);
    menu->addSeparator();
    menu->addAction(m_quitAction);
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason r) {
        if (r == QSystemTrayIcon::Trigger) {
            showNormal();
            raise();
            activateWindow();
        }
    });
    m_tray->show();
}

void MainWindow::scheduleStatusUpdate()
{
    if (!m_statusTimer.isActive()) // not restarted: a steady stream still updates it
        m_statusTimer.start();
}

void MainWindow::updateStatus()
{
    // Whole sentences, so that translators can order them as their language needs.
    QString listening;
    const QString address = m_server.serverAddressString();
    const int port = m_server.serverPort();
    if (!m_server.isListening())
        listening = m_listenError.isEmpty() ? tr("Not receiving") : m_listenError;
    else if (m_server.tlsServerPort())
        listening = tr("Listening on %1:%2 (STARTTLS), SMTPS on port %3")
                        .arg(address)
                        .arg(port)
                        .arg(m_server.tlsServerPort());
    else if (m_server.isTlsAvailable())
        listening = tr("Listening on %1:%2 (STARTTLS)").arg(address).arg(port);
    else
        listening = tr("Listening on %1:%2").arg(address).arg(port);
    m_listenLabel->setText(listening);
    // Every open listener with the mailbox its mail goes to (the Server page may add several).
    QStringList listeners;
    const QList<SmtpListenerConfig> configured = m_server.configuration().listeners();
    for (int i = 0; i < m_server.listenerCount(); ++i) {
        if (!m_server.isListenerOpen(i))
            continue;
        const QString where
            = SmtpListenerConfig(m_server.listenerAddress(i).toString(), m_server.listenerPort(i))
                  .toString();
        const QString mailbox = configured.value(i).mailbox();
        listeners.append(
            (m_server.isListenerImplicitTls(i) ? tr("SMTPS %1 → %2") : tr("SMTP %1 → %2"))
                .arg(where, mailbox.isEmpty() ? SmtpMessage::defaultMailbox() : mailbox));
    }
    m_listenLabel->setToolTip(listeners.join(QLatin1Char('\n')));
    m_countLabel->setText(tr("%1, %2", "status bar: N messages, N unread")
                              .arg(tr("%n message(s)", nullptr, int(m_store.count())),
                                  tr("%n unread", nullptr, int(m_store.unreadCount()))));
    m_connectionsLabel->setText(tr("%n connection(s)", nullptr, m_server.connectionCount()));
    updateHttpApiStatus();
    if (m_tray && m_trayCount != m_store.unreadCount()) {
        m_trayCount = m_store.unreadCount();
        m_tray->setIcon(badgeIcon(windowIcon(), m_trayCount));
    }
    if (m_tray)
        m_tray->setToolTip(tr("smtp-receiver") + QLatin1Char('\n')
            + m_mailboxList->mailboxModel()->unreadSummary());
    setWindowTitle(m_store.unreadCount() > 0
            ? tr("smtp-receiver (%1 unread)").arg(m_store.unreadCount())
            : tr("smtp-receiver"));
    if (m_model && !m_model->mailbox().isEmpty()) {
        const QString mailbox = m_model->mailbox();
        const qint64 unread = m_store.unreadCount(mailbox);
        setWindowTitle(unread > 0 ? tr("%1 (%2 unread) - smtp-receiver").arg(mailbox).arg(unread)
                                  : tr("%1 - smtp-receiver").arg(mailbox));
        m_countLabel->setText(
            tr("%1: %2, %3", "status bar: mailbox: N messages, N unread")
                .arg(mailbox, tr("%n message(s)", nullptr, int(m_store.count(mailbox))),
                    tr("%n unread", nullptr, int(unread))));
    }
}

void MainWindow::updateHttpApiStatus()
{
    if (m_httpApi.isListening()) {
        const QString url = QStringLiteral("http://") + m_httpApi.addressString();
        m_httpApiLabel->setText(
            tr("API %1").arg(QStringLiteral("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped())));
        m_httpApiLabel->setToolTip(
            tr("The Mailpit-compatible HTTP API serves the caught mail at %1, for test suites "
               "that use mailpit-api, cypress-mailpit or pytest-mailpit. Click to copy the "
               "address.")
                .arg(url));
        m_httpApiLabel->setPalette(QPalette());
        m_httpApiLabel->show();
    } else if (m_settings.http.enabled && !m_httpApiError.isEmpty()) {
        // Switched on but not listening: said where the listeners' state is, with the reason.
        m_httpApiLabel->setText(tr("API not listening"));
        m_httpApiLabel->setToolTip(m_httpApiError);
        QPalette palette;
        palette.setColor(
            QPalette::WindowText, SettingsUi::toneColor(m_httpApiLabel, SettingsUi::Tone::Bad));
        m_httpApiLabel->setPalette(palette);
        m_httpApiLabel->show();
    } else {
        m_httpApiLabel->clear();
        m_httpApiLabel->setToolTip({});
        m_httpApiLabel->hide();
    }
}

void MainWindow::updateReleaseFailures()
{
    const int count = m_releaseNotices.failureCount();
    m_releaseFailuresButton->setVisible(count > 0);
    if (count == 0) {
        m_releaseFailuresButton->setText({});
        m_releaseFailuresButton->setToolTip({});
        return;
    }
    m_releaseFailuresButton->setText(ReleaseNotices::tr("%n release(s) failed", nullptr, count));
    QStringList tip = m_releaseNotices.latestFailures();
    if (count > tip.size())
        tip.append(tr("(and %n earlier)", nullptr, count - int(tip.size())));
    tip.append(tr("Click to dismiss."));
    // Rich text with the lines escaped: a subject or a reply that looks like markup is shown
    // as it is.
    for (QString &line : tip)
        line = line.toHtmlEscaped();
    m_releaseFailuresButton->setToolTip(QStringLiteral("<qt>") + tip.join(QLatin1String("<br>")));
}

QIcon MainWindow::badgeIcon(const QIcon &icon, qint64 count)
{
    QPixmap pixmap = icon.pixmap(64, 64);
    if (count <= 0 || pixmap.isNull())
        return QIcon(pixmap);
    const QString text = count > 99 ? QStringLiteral("99+") : QString::number(count);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(text.size() > 2 ? 18 : 24);
    painter.setFont(font);
    const QRect badge(pixmap.width() - 44, 0, 44, 30);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0xd9, 0x30, 0x25));
    painter.drawRoundedRect(badge, 15, 15);
    painter.setPen(Qt::white);
    painter.drawText(badge, Qt::AlignCenter, text);
    painter.end();
    return QIcon(pixmap);
}

QList<qint64> MainWindow::selectedIds() const
{
    QList<qint64> ids;
    if (!m_view->selectionModel())
        return ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        ids.append(m_model->idAt(row.row()));
    return ids;
}

void MainWindow::onSelectionChanged()
{
    const QList<qint64> ids = selectedIds();
    ReleaseDialog::updateAction(m_releaseAction, ids.size() == 1, releaseTarget());
    if (ids.size() != 1) {
        if (ids.isEmpty())
            m_messageView->clear();
        return;
    }
    const qint64 id = ids.constFirst();
    m_messageView->showMessage(id);
    if (!m_model->summaryAt(m_model->rowOf(id)).read) {
        runStoreTask([id](SmtpMessageStore *store) { store->setRead({ id }, true); });
    }
}

void MainWindow::deleteSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    // Keep the keyboard flow: once the rows are gone, select what took the first one's place.
    m_pendingSelectRow = m_view->currentIndex().row();
    runStoreTask([ids](SmtpMessageStore *store) { store->remove(ids); });
}

void MainWindow::deleteAll()
{
    if (QMessageBox::question(this, tr("Delete all messages"),
            tr("Delete all %n message(s)? This cannot be undone.", nullptr, int(m_store.count())))
        == QMessageBox::Yes)
        runStoreTask([](SmtpMessageStore *store) { store->clear(); });
}

void MainWindow::markSelectedRead(bool read)
{
    const QList<qint64> ids = selectedIds();
    runStoreTask([ids, read](SmtpMessageStore *store) { store->setRead(ids, read); });
}

void MainWindow::markAllRead()
{
    runStoreTask([](SmtpMessageStore *store) { store->markAllRead(); });
}

void MainWindow::saveSelectedAs()
{
    const QList<qint64> ids = selectedIds();
    if (ids.size() != 1)
        return;
    const qint64 id = ids.constFirst();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save message"),
        MessageAttachments::messageFileName(m_model->summaryAt(m_model->rowOf(id)).subject, id),
        tr("Email messages (*.eml)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_store.rawData(ids.constFirst())) < 0
        || !file.commit())
        QMessageBox::warning(this, tr("Save message"), file.errorString());
}

void MainWindow::setReceiving(bool on)
{
    m_receiveAction->setChecked(on);
    if (on) {
        applySettings(m_settings);
    } else {
        m_server.close();
        updateStatus();
    }
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(
        m_settings,
        [this](const AppSettings &settings, QString *error) {
            return applyFromDialog(settings, error);
        },
        this);
    connect(&dialog, &SettingsDialog::deleteAllRequested, this,
        [this] { runStoreTask([](SmtpMessageStore *store) { store->clear(); }); });
    dialog.exec();
}

bool MainWindow::applyFromDialog(const AppSettings &settings, QString *error)
{
    const auto pathOf = [](const AppSettings &s) {
        return s.databasePath.isEmpty() ? SmtpMessageStore::defaultPath() : s.databasePath;
    };
    if (pathOf(settings) != pathOf(m_settings) && !reopenStore(pathOf(settings), error))
        return false;
    // The API first: when it cannot listen, it goes on as it was, and so does the server.
    if (!settings.http.applyTo(&m_httpApi, error))
        return false;
    if (!settings.applyTo(&m_server, error)) {
        m_settings.http.applyTo(&m_httpApi, nullptr); // back to where it was
        return false;
    }
    m_httpApiError.clear();
    m_settings = settings;
    m_store.setMaxMessagesPerMailbox(settings.maxMessages);
    applyRelay(settings);
    QSettings saved;
    settings.save(saved);
    m_relayPasswordPending = false;
    CredentialStore::writeDetached(RelaySettings::credentialKey(), settings.relay.password);
    updateStatus();
    return true;
}

bool MainWindow::reopenStore(const QString &path, QString *error)
{
    const QString previous = m_store.path();
    m_storeTasks.waitForDone();
    m_server.removeMessageSink(&m_store); // mail arriving meanwhile gets 451 and is retried
    m_messageView->clear();
    m_store.close(); // what was in flight is committed to the old file first
    bool ok = m_store.open(path);
    if (!ok) {
        *error = m_store.errorString();
        m_store.open(previous);
    }
    m_server.setSpoolDirectory(m_store.spoolDirectory());
    m_server.addMessageSink(&m_store);
    m_model->reload();
    updateStatus();
    return ok;
}

void MainWindow::runStoreTask(const std::function<void(SmtpMessageStore *)> &task)
{
    // Store writes wait for the writer thread; the window does not.
    SmtpMessageStore *store = &m_store;
    m_storeTasks.start([store, task] { task(store); });
}

void MainWindow::onMessage(const SmtpMessage &message)
{
    // Only the count and the newest matter; its headers are decoded once, when the burst ends.
    // A burst ends after a second without mail; a burst that never ends is reported every
    // ten seconds. Either way one notification per burst, never one per message.
    // The burst's mailbox, named in the notification when all of it went to one.
    const QStringList mailboxes = message.mailboxes();
    const QString mailbox = mailboxes.size() == 1 ? mailboxes.constFirst() : QString();
    if (m_mailBurst.count() == 0 || m_burstMailbox != mailbox)
        m_burstMailbox = m_mailBurst.count() == 0 ? mailbox : QString();
    m_newestUnnotified = message;
    m_mailBurst.add();
}

void MainWindow::flushNotifications()
{
    const int count = m_mailBurst.take();
    if (count == 0)
        return;
    const SmtpMessageSummary newest
        = SmtpMessageSummary::fromMessage(std::exchange(m_newestUnnotified, {}));
    const QString mailbox = std::exchange(m_burstMailbox, {});
    if (!m_settings.notify)
        return;
    QString title = count == 1
        ? tr("New mail from %1").arg(newest.from.isEmpty() ? newest.mailFrom : newest.from)
        : tr("%n new messages", nullptr, count);
    if (!mailbox.isEmpty() && mailbox != SmtpMessage::defaultMailbox())
        title = count == 1
            ? tr("New mail from %1 in %2")
                  .arg(newest.from.isEmpty() ? newest.mailFrom : newest.from, mailbox)
            : tr("%n new messages in %1", nullptr, count).arg(mailbox);
    const QString text = count == 1 ? newest.subject : tr("Newest: %1").arg(newest.subject);
    ++m_notificationsShown;
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, text, QSystemTrayIcon::Information, 5000);
    Q_EMIT notificationShown(title, text);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_tray && m_settings.minimizeToTray) {
        hide();
        event->ignore();
        return;
    }
    event->accept();
    QApplication::quit();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) { // e.g. the desktop switched to dark mode
        const QList<QAction *> actions = findChildren<QAction *>();
        for (QAction *action : actions) {
            const QString icon = action->property(iconNameProperty).toString();
            if (!icon.isEmpty())
                action->setIcon(themedIcon(icon, palette()));
        }
    }
    if (event->type() == QEvent::WindowStateChange && isMinimized() && m_tray
        && m_settings.minimizeToTray)
        QTimer::singleShot(0, this, &QWidget::hide);
}
