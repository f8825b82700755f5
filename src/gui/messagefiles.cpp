// Mail as files: .eml files for messages dragged out of the inbox, imports of files dropped in.
#include "messagefiles.h"

#include "mailboxlist.h"
#include "messageattachments.h"

#include <importer.h>
#include <smtpmessage.h>
#include <smtpmessagestore.h>

#include <QDir>
#include <QDropEvent>
#include <QFuture>
#include <QMessageBox>
#include <QMimeData>
#include <QUrl>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

namespace {

// The reasons MailImport gives, translated in its context at run time; listed here for lupdate.
[[maybe_unused]] const char *const importReasons[] = {
    QT_TRANSLATE_NOOP("MailImport", "empty, not a message"),
    QT_TRANSLATE_NOOP("MailImport", "binary data, not a message"),
    QT_TRANSLATE_NOOP("MailImport", "no message header (From, To, Subject, Date or Message-ID)"),
    QT_TRANSLATE_NOOP("MailImport", "message %1: %2"),
    QT_TRANSLATE_NOOP("MailImport", "a directory, not a message"),
};

const QString uriList = QStringLiteral("text/uri-list");
const QString rfc822 = QStringLiteral("message/rfc822");

// What the writer gives back: an error text for the user, or the one message's bytes.
struct Written
{
    QString error;
    QByteArray single;
};

// A drag's data whose files are still being written: asking for the files (or the message) waits
// for the writer; a write that failed gives nothing and is told once.
class PendingFilesMimeData : public QMimeData
{
public:
    PendingFilesMimeData(const QList<QUrl> &urls, bool single, QFuture<Written> written,
        std::function<void(const QString &)> report)
        : m_urls(urls)
        , m_single(single)
        , m_written(std::move(written))
        , m_report(std::move(report))
    { }

    QStringList formats() const override
    {
        return m_single ? QStringList { uriList, rfc822 } : QStringList { uriList };
    }

protected:
    QVariant retrieveData(const QString &type, QMetaType preferred) const override
    {
        if (type != uriList && !(m_single && type == rfc822))
            return QMimeData::retrieveData(type, preferred);
        const Written written = m_written.result(); // waits for the writer
        if (!written.error.isEmpty()) {
            if (!m_reported && m_report)
                m_report(written.error);
            m_reported = true;
            return QVariant();
        }
        if (type == rfc822)
            return written.single;
        QVariantList urls;
        for (const QUrl &url : m_urls)
            urls.append(url);
        return urls;
    }

private:
    QList<QUrl> m_urls;
    bool m_single;
    QFuture<Written> m_written;
    std::function<void(const QString &)> m_report;
    mutable bool m_reported = false;
};

} // namespace

MessageFiles::MessageFiles(SmtpMessageStore *store, QWidget *window)
    : QObject(window)
    , m_store(store)
    , m_window(window)
{
    window->setAcceptDrops(true);
    window->installEventFilter(this);
    m_writer.setMaxThreadCount(1);
    m_writer.setExpiryTimeout(-1); // one thread, with its one store connection, for good
    // The writer reads the store: done before it closes (it is destroyed before this object).
    connect(
        store, &SmtpMessageStore::aboutToClose, this, [this] { m_writer.waitForDone(); },
        Qt::DirectConnection);
}

MessageFiles::~MessageFiles()
{
    m_writer.waitForDone();
}

void MessageFiles::setMailboxList(MailboxList *list)
{
    if (m_mailboxList)
        disconnect(m_mailboxList, nullptr, this, nullptr);
    m_mailboxList = list;
    if (list)
        connect(list, &MailboxList::filesDropped, this, &MessageFiles::importFiles);
}

QMimeData *MessageFiles::mimeData(const QList<qint64> &ids, const QStringList &subjects)
{
    if (ids.isEmpty())
        return nullptr;
    QList<QPair<qint64, QString>> files;
    QList<QUrl> urls;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const qint64 id = ids.at(i);
        // One folder per message, so that equal subjects never overwrite each other.
        QString error;
        const QString path = m_scratch.filePath(QString::number(id),
            MessageAttachments::messageFileName(subjects.value(i), id), &error);
        if (path.isEmpty()) {
            refuse(error);
            return nullptr;
        }
        files.append({ id, path });
        urls.append(QUrl::fromLocalFile(path));
    }
    const SmtpMessageStore *store = m_store;
    QFuture<Written> written = QtConcurrent::run(&m_writer, [store, files] {
        Written result;
        for (const auto &[id, path] : files) {
            const QByteArray bytes = store->rawData(id);
            // Read when the drop asks, not when the drag started: the message may have gone
            // meanwhile (deleted, pruned), and an empty file is no copy of it.
            if (bytes.isEmpty() && !store->message(id)) {
                result.error = tr("The message is no longer in the store.");
                return result;
            }
            result.error = MessageAttachments::writeFile(path, bytes);
            if (!result.error.isEmpty())
                return result;
            if (files.size() == 1)
                result.single = bytes;
        }
        return result;
    });
    QPointer<MessageFiles> self(this);
    return new PendingFilesMimeData(urls, ids.size() == 1, written, [self](const QString &error) {
        if (self) // not modal inside the drag: told when it is over
            QMetaObject::invokeMethod(
                self, [self, error] { self->refuse(error); }, Qt::QueuedConnection);
    });
}

QStringList MessageFiles::localFiles(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            files.append(url.toLocalFile());
    return files;
}

bool MessageFiles::importFiles(const QStringList &paths, const QString &mailbox)
{
    // Every file first: one bad file and nothing is stored.
    QList<QByteArray> messages;
    for (const QString &path : paths) {
        QString why;
        if (!MailImport::readFile(path, &messages, &why)) {
            refuse(tr("%1 was not imported, and neither were the other files: %2")
                       .arg(QDir::toNativeSeparators(path), why));
            return false;
        }
    }
    QList<SmtpMessage> toStore;
    for (const QByteArray &bytes : std::as_const(messages))
        toStore.append(MailImport::message(bytes, mailbox));
    QString error;
    if (toStore.isEmpty() || !m_store->storeAll(toStore, &error).isEmpty())
        return true;
    refuse(tr("Nothing was imported: %1").arg(error));
    return false;
}

bool MessageFiles::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window)
        return false;
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove:
    case QEvent::Drop: {
        auto *drop = static_cast<QDropEvent *>(event);
        // Files of its own drags (messages, attachments) are already here. Asked first: the
        // files of a drag of messages may still be being written.
        const auto *source = qobject_cast<QWidget *>(drop->source());
        if ((source && source->window() == m_window) || localFiles(drop->mimeData()).isEmpty()) {
            drop->ignore();
            return true;
        }
        drop->setDropAction(Qt::CopyAction);
        drop->accept();
        if (event->type() == QEvent::Drop)
            importFiles(localFiles(drop->mimeData()),
                m_mailboxList ? m_mailboxList->currentMailbox() : QString());
        return true;
    }
    default:
        return false;
    }
}

void MessageFiles::refuse(const QString &text)
{
    // Not modal to the loop: a drop's handler must return before the user answers.
    auto *box
        = new QMessageBox(QMessageBox::Warning, tr("Mail files"), text, QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("messageFilesError"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}
