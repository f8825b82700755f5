// The window on a remote catcher (see remotewindow.h).
#include "remotewindow.h"

#include "mailboxlist.h"
#include "messageattachments.h"
#include "messageview.h"
#include "releasedialog.h"
#include "releasenotices.h"
#include "remotecatcherdialog.h"
#include "sourceinboxmodel.h"

#include <QApplication>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QSaveFile>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

RemoteWindow::RemoteWindow(const RemoteCatcher &catcher, QWidget *parent)
    : QMainWindow(parent)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowIcon(QIcon(QStringLiteral(":/icons/smtp-receiver.svg")));
    resize(1100, 700);
    m_source = new RemoteMessageSource(catcher.url, catcher.user, catcher.password, this);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setPlaceholderText(
        tr("Search on the catcher: words, \"phrases\", from:, to:, subject:, is:unread, -term"));
    m_search->setClearButtonEnabled(true);
    m_searchDebounce.setSingleShot(true);
    m_searchDebounce.setInterval(250);
    connect(m_search, &QLineEdit::textChanged, &m_searchDebounce, qOverload<>(&QTimer::start));

    m_banner = new QFrame(this);
    m_banner->setObjectName(QStringLiteral("disconnectedBanner"));
    m_banner->setAutoFillBackground(true);
    QPalette bannerPalette = m_banner->palette();
    bannerPalette.setColor(QPalette::Window, QColor(0xfd, 0xed, 0xc8));
    bannerPalette.setColor(QPalette::WindowText, QColor(0x5c, 0x3b, 0x00));
    m_banner->setPalette(bannerPalette);
    m_bannerLabel = new QLabel(m_banner);
    m_bannerLabel->setWordWrap(true);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->addWidget(m_bannerLabel);
    m_banner->hide();

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

    m_model = new SourceInboxModel(m_source, this);
    m_view->setModel(m_model);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(SmtpInboxModel::SubjectColumn, QHeaderView::Stretch);
    header->resizeSection(SmtpInboxModel::FromColumn, 220);
    header->resizeSection(SmtpInboxModel::ToColumn, 200);
    header->resizeSection(SmtpInboxModel::ReceivedColumn, 150);
    header->resizeSection(SmtpInboxModel::SizeColumn, 80);

    m_messageView = new MessageView(this);
    m_messageView->setSource(m_source);

    // Shown once the catcher says it has mailboxes (another smtp-receiver, not a Mailpit).
    m_mailboxList = new MailboxList(m_source, this);
    m_mailboxList->setMinimumWidth(100);
    m_mailboxList->hide();

    auto *listPane = new QWidget(this);
    auto *listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    listLayout->addWidget(m_banner);
    listLayout->addWidget(m_search);
    listLayout->addWidget(m_view);
    QSplitter *mailboxSplitter = m_mailboxList->splitterWith(listPane);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(mailboxSplitter);
    splitter->addWidget(m_messageView);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    setCentralWidget(splitter);

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("messageCountLabel"));
    statusBar()->addWidget(m_connectionLabel, 1);
    statusBar()->addPermanentWidget(m_countLabel);
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &RemoteWindow::updateStatus);

    connect(&m_searchDebounce, &QTimer::timeout, this, &RemoteWindow::applyQuery);
    connect(m_mailboxList, &MailboxList::mailboxChosen, this, [this] {
        applyQuery();
        updateStatus();
    });
    connect(m_source, &MessageSource::mailboxesChanged, this, [this] {
        m_mailboxList->setVisible(m_source->hasMailboxes());
        updateStatus();
    });
    connect(m_model, &SourceInboxModel::queryErrorChanged, this, [this](const QString &error) {
        m_search->setStyleSheet(
            error.isEmpty() ? QString() : QStringLiteral("QLineEdit { color: #c0392b; }"));
        m_search->setToolTip(error);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &RemoteWindow::onSelectionChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        const int rows = m_model->rowCount();
        if (m_pendingSelectRow >= 0 && rows > 0)
            m_view->selectRow(qMin(m_pendingSelectRow, rows - 1));
        m_pendingSelectRow = -1;
    });
    connect(m_source, &RemoteMessageSource::stateChanged, this, &RemoteWindow::updateStatus);
    connect(m_source, &MessageSource::countChanged, this, &RemoteWindow::updateStatus);
    connect(m_source, &RemoteMessageSource::reconnected, m_model, &SourceInboxModel::catchUp);
    connect(m_source, &RemoteMessageSource::errorOccurred, this,
        [this](const QString &text) { statusBar()->showMessage(text, 10000); });

    createActions();
    updateStatus();
    m_source->start();
}

RemoteWindow::~RemoteWindow()
{
    // The view reads the source on its worker threads: it goes first.
    delete m_messageView;
    m_messageView = nullptr;
}

RemoteWindow *RemoteWindow::openInteractively(QWidget *parent)
{
    RemoteCatcherDialog dialog(parent);
    if (dialog.exec() != QDialog::Accepted)
        return nullptr;
    const RemoteCatcher catcher = dialog.catcher();
    QSettings settings;
    RemoteCatcherDialog::remember(settings, catcher);
    auto *window = new RemoteWindow(catcher);
    window->show();
    return window;
}

void RemoteWindow::createActions()
{
    const auto add = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *action = new QAction(text, this);
        if (!key.isEmpty())
            action->setShortcut(key);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    QAction *open = add(tr("Open &Remote Catcher…"), {}, [] { openInteractively(nullptr); });
    QAction *save = add(tr("&Save as .eml…"), QKeySequence::Save, &RemoteWindow::saveSelectedAs);
    QAction *close = add(tr("&Close Window"), QKeySequence::Close, &QWidget::close);
    QAction *quit = add(tr("&Quit"), QKeySequence::Quit, &QApplication::quit);
    QAction *markRead
        = add(tr("Mark as &Read"), QKeySequence(tr("Ctrl+R")), [this] { markSelectedRead(true); });
    QAction *markUnread = add(
        tr("Mark as &Unread"), QKeySequence(tr("Ctrl+U")), [this] { markSelectedRead(false); });
    QAction *markAll = add(tr("Mark All as Read"), {}, &RemoteWindow::markAllRead);
    QAction *source = add(tr("View S&ource"), QKeySequence(tr("Ctrl+Shift+U")),
        [this] { m_messageView->setCurrentTab(MessageView::Tab::Source); });
    QAction *remove = add(tr("&Delete"), QKeySequence::Delete, &RemoteWindow::deleteSelected);
    QAction *removeAll = add(tr("Delete &All…"), {}, &RemoteWindow::deleteAll);
    m_releaseAction = ReleaseDialog::createAction(
        this, [this] { return ReleaseDialog::onlySelected(m_view, m_model); },
        [this] { return releaseTarget(); });
    QAction *find = add(tr("&Find"), QKeySequence::Find, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(open);
    file->addAction(save);
    file->addSeparator();
    file->addAction(close);
    file->addAction(quit);
    QMenu *message = menuBar()->addMenu(tr("&Message"));
    message->addAction(markRead);
    message->addAction(markUnread);
    message->addAction(markAll);
    message->addSeparator();
    message->addAction(source);
    message->addAction(m_releaseAction);
    message->addSeparator();
    message->addAction(remove);
    message->addAction(removeAll);
    menuBar()->addMenu(tr("&Edit"))->addAction(find);
    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->addAction(remove);
    toolbar->addAction(markRead);
    toolbar->addAction(save);
    toolbar->addAction(source);
    toolbar->addAction(m_releaseAction);
    m_view->addAction(remove);
}

ReleaseTarget RemoteWindow::releaseTarget()
{
    ReleaseTarget target;
    // The catcher knows its relay and its allowed pattern; it answers with what it refuses.
    target.description = tr("the relay of %1").arg(m_source->displayName());
    QPointer<RemoteMessageSource> source(m_source);
    target.release = [this, source](qint64 id, const QStringList &to, QObject *context,
                         const ReleaseTarget::Done &done) {
        if (!source)
            return;
        const QString subject = m_model->summaryAt(m_model->rowOf(id)).subject;
        // Once the dialog is closed, a failure goes to the status bar, as in the local window.
        const ReleaseTarget::Done report = ReleaseTarget::whileOpen(
            context, done, [this, subject, to](const ReleaseOutcome &outcome) {
                statusBar()->showMessage(ReleaseNotices::statusText(ReleaseNotices::failureLine(
                                             subject, to, outcome.text)),
                    15000);
            });
        source->release(id, to, this, [report](bool ok, const QString &text) {
            report({ ok, text });
        });
    };
    return target;
}

QString RemoteWindow::connectionText() const
{
    const QString name = m_source->displayName();
    switch (m_source->state()) {
    case RemoteMessageSource::State::Connecting:
        return tr("Connecting to %1…").arg(name);
    case RemoteMessageSource::State::Connected:
        return m_source->serverVersion().isEmpty()
            ? tr("Connected to %1").arg(name)
            : tr("Connected to %1 (version %2)").arg(name, m_source->serverVersion());
    case RemoteMessageSource::State::Disconnected:
        return tr("Disconnected from %1, trying again in %n s", nullptr,
            (m_source->retryInMs() + 999) / 1000)
            .arg(name);
    }
    return {};
}

void RemoteWindow::updateStatus()
{
    const QString name = m_source->displayName();
    const bool down = m_source->state() == RemoteMessageSource::State::Disconnected;
    m_connectionLabel->setText(connectionText());
    m_connectionLabel->setToolTip(down ? m_source->errorString() : m_source->url().toString());
    m_bannerLabel->setText(
        tr("The catcher at %1 cannot be reached (%2). What was loaded stays shown; the window "
           "reconnects by itself and then shows what arrived meanwhile.")
            .arg(name, m_source->errorString()));
    m_banner->setVisible(down);
    if (down && !m_statusTimer.isActive())
        m_statusTimer.start();
    else if (!down)
        m_statusTimer.stop();
    m_countLabel->setText(tr("%1, %2", "status bar: N messages, N unread")
                              .arg(tr("%n message(s)", nullptr, int(m_source->count())),
                                  tr("%n unread", nullptr, int(m_source->unreadCount()))));
    setWindowTitle(m_source->unreadCount() > 0
            ? tr("%1 (%2 unread) — smtp-receiver").arg(name).arg(m_source->unreadCount())
            : tr("%1 — smtp-receiver").arg(name));
    // A chosen mailbox: its counts, and its name before the catcher's, as the local window does.
    const QString mailbox = m_mailboxList->currentMailbox();
    if (mailbox.isEmpty() || !m_source->hasMailboxes())
        return;
    SmtpMailbox counts;
    const QList<SmtpMailbox> mailboxes = m_source->mailboxes();
    for (const SmtpMailbox &m : mailboxes)
        if (m.name == mailbox)
            counts = m;
    m_countLabel->setText(tr("%1: %2, %3", "status bar: mailbox: N messages, N unread")
                              .arg(mailbox, tr("%n message(s)", nullptr, int(counts.messages)),
                                  tr("%n unread", nullptr, int(counts.unread))));
    setWindowTitle(counts.unread > 0
            ? tr("%1 on %2 (%3 unread) — smtp-receiver").arg(mailbox, name).arg(counts.unread)
            : tr("%1 on %2 — smtp-receiver").arg(mailbox, name));
}

void RemoteWindow::applyQuery()
{
    const QString text = m_search->text().trimmed();
    m_model->setQuery(
        SmtpInboxModel::mailboxQuery(m_mailboxList->currentMailbox(), text).trimmed());
}

QList<qint64> RemoteWindow::selectedIds() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        ids.append(m_model->idAt(row.row()));
    return ids;
}

void RemoteWindow::onSelectionChanged()
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
    if (!m_model->summaryAt(m_model->rowOf(id)).read)
        m_source->setRead({ id }, true);
}

void RemoteWindow::deleteSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    m_pendingSelectRow = m_view->currentIndex().row();
    m_source->remove(ids);
}

void RemoteWindow::deleteAll()
{
    if (QMessageBox::question(this, tr("Delete all messages"),
            tr("Delete all %n message(s) on %1? This cannot be undone.", nullptr,
                int(m_source->count()))
                .arg(m_source->displayName()))
        == QMessageBox::Yes)
        m_source->clear();
}

void RemoteWindow::markSelectedRead(bool read)
{
    m_source->setRead(selectedIds(), read);
}

void RemoteWindow::markAllRead()
{
    m_source->markAllRead();
}

void RemoteWindow::saveSelectedAs()
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
    const RemoteMessageSource *source = m_source;
    QtConcurrent::run([source, id] {
        return source->rawData(id);
    }).then(this, [this, path](const QByteArray &raw) {
        QSaveFile file(path);
        if (raw.isEmpty() || !file.open(QIODevice::WriteOnly) || file.write(raw) < 0
            || !file.commit())
            QMessageBox::warning(this, tr("Save message"),
                raw.isEmpty() ? tr("The catcher did not send the message.") : file.errorString());
    });
}
