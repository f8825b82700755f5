// The mailbox list widget: selection to the inbox's mailbox filter, shortcuts, context menu,
// files dropped on a mailbox.
#include "mailboxlist.h"

#include "mailboxlistmodel.h"

#include <smtpinboxmodel.h>
#include <smtpmessagestore.h>

#include <QContextMenuEvent>
#include <QDropEvent>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QShortcut>
#include <QSplitter>
#include <QUrl>

#include <utility>

MailboxList::MailboxList(SmtpMessageStore *store, QWidget *parent)
    : QListView(parent)
    , m_store(store)
    , m_model(new MailboxListModel(this))
{
    setObjectName(QStringLiteral("mailboxList"));
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setUniformItemSizes(true);
    // Files dropped on a row go to its mailbox: the whole row is the target, highlighted.
    setDragDropMode(QAbstractItemView::DropOnly);
    setDragDropOverwriteMode(true);
    setDropIndicatorShown(true);
    m_model->setStore(store);
    setModel(m_model);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this,
        &MailboxList::onCurrentChanged);
    // A mailbox came or went: choose again by name; a chosen mailbox that went falls back to all.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        const int row = m_model->rowOf(m_chosen);
        selectRow(row < 0 ? 0 : row);
    });
    selectRow(0);

    for (int n = 1; n <= 9; ++n) {
        auto *shortcut = new QShortcut(
            QKeySequence(int(Qt::CTRL) | int(Qt::Key_0 + n)), parent ? parent : this);
        shortcut->setContext(Qt::WindowShortcut);
        connect(shortcut, &QShortcut::activated, this, [this, n] { selectRow(n - 1); });
    }
}

MailboxList::MailboxList(MessageSource *source, QWidget *parent)
    : MailboxList(static_cast<SmtpMessageStore *>(nullptr), parent)
{
    m_model->setSource(source);
    setDragDropMode(QAbstractItemView::NoDragDrop); // files are imported into a store, not here
}

void MailboxList::setInboxModel(SmtpInboxModel *inbox)
{
    m_inbox = inbox;
    onCurrentChanged();
}

QString MailboxList::currentMailbox() const
{
    return m_model->mailboxAt(currentIndex().row());
}

void MailboxList::selectMailbox(const QString &mailbox)
{
    selectRow(m_model->rowOf(mailbox));
}

void MailboxList::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    setCurrentIndex(m_model->index(row));
}

void MailboxList::onCurrentChanged()
{
    const QModelIndex current = currentIndex();
    if (!current.isValid())
        return;
    const QString chosen = m_model->mailboxAt(current.row());
    if (std::exchange(m_chosen, chosen) != chosen)
        Q_EMIT mailboxChosen(chosen);
    if (m_inbox && m_inbox->mailbox() != m_chosen)
        m_inbox->setMailbox(m_chosen);
}

void MailboxList::runTask(const StoreTask &task)
{
    if (m_runTask)
        m_runTask(task);
    else
        task(m_store);
}

void MailboxList::markMailboxRead(const QString &mailbox)
{
    if (mailbox.isEmpty()) {
        runTask([](SmtpMessageStore *store) { store->markAllRead(); });
        return;
    }
    const QString query = SmtpInboxModel::mailboxQuery(mailbox);
    runTask([query](SmtpMessageStore *store) { store->setReadMatching(query, true); });
}

void MailboxList::removeMailbox(const QString &mailbox, bool ask)
{
    if (mailbox.isEmpty())
        return;
    if (ask) {
        QMessageBox box(QMessageBox::Question, tr("Delete mailbox"),
            tr("Delete the mailbox \"%1\" and its %n message(s)? Messages that are also in another "
               "mailbox only leave this one.",
                nullptr, int(m_store->count(mailbox)))
                .arg(mailbox),
            QMessageBox::Yes | QMessageBox::Cancel, this);
        box.setObjectName(QStringLiteral("deleteMailboxBox"));
        box.setDefaultButton(QMessageBox::Cancel);
        if (box.exec() != QMessageBox::Yes)
            return;
    }
    runTask([mailbox](SmtpMessageStore *store) { store->removeMailbox(mailbox); });
}

void MailboxList::contextMenuEvent(QContextMenuEvent *event)
{
    const QModelIndex index = indexAt(event->pos());
    if (!index.isValid() || !m_store) // a source's mailboxes are only chosen here
        return;
    const QString mailbox = m_model->mailboxAt(index.row());
    QMenu menu(this);
    QAction *markRead = menu.addAction(tr("Mark All Read"));
    markRead->setEnabled(index.data(MailboxListModel::UnreadRole).toLongLong() > 0);
    QAction *remove = nullptr;
    if (!mailbox.isEmpty())
        remove = menu.addAction(tr("Delete All…"));
    QAction *chosen = menu.exec(event->globalPos());
    if (chosen && chosen == markRead)
        markMailboxRead(mailbox);
    else if (chosen && chosen == remove)
        removeMailbox(mailbox);
}

bool MailboxList::isFromOutside(const QDropEvent *event) const
{
    const auto *source = qobject_cast<QWidget *>(event->source());
    return !source || source->window() != window();
}

void MailboxList::dragEnterEvent(QDragEnterEvent *event)
{
    if (isFromOutside(event))
        QListView::dragEnterEvent(event);
    else
        event->ignore();
}

void MailboxList::dragMoveEvent(QDragMoveEvent *event)
{
    if (isFromOutside(event))
        QListView::dragMoveEvent(event);
    else
        event->ignore();
}

void MailboxList::dropEvent(QDropEvent *event)
{
    // The import, not the model's dropMimeData(): the target below the rows is the selection.
    setState(NoState);
    stopAutoScroll();
    viewport()->update();
    QStringList paths;
    if (event->mimeData() && event->mimeData()->hasUrls())
        for (const QUrl &url : event->mimeData()->urls())
            if (url.isLocalFile())
                paths.append(url.toLocalFile());
    if (paths.isEmpty() || !isFromOutside(event)) {
        event->ignore();
        return;
    }
    const QModelIndex index = indexAt(event->position().toPoint());
    const QString mailbox = index.isValid() ? m_model->mailboxAt(index.row()) : currentMailbox();
    event->setDropAction(Qt::CopyAction);
    event->accept();
    Q_EMIT filesDropped(paths, mailbox);
}

QSplitter *MailboxList::splitterWith(QWidget *inboxPane)
{
    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("mailboxSplitter"));
    splitter->addWidget(this);
    splitter->addWidget(inboxPane);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 160, 940 });
    return splitter;
}
