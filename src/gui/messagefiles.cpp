// Mail as files: .eml files for messages dragged out of the inbox, imports of files dropped in.
#include "messagefiles.h"

#include "mailboxlist.h"
#include "messageattachments.h"

#include <importer.h>
#include <smtpmessage.h>
#include <smtpmessagestore.h>

#include <QDir>
#include <QDropEvent>
#include <QMessageBox>
#include <QMimeData>
#include <QUrl>
#include <QWidget>

namespace {

// The reasons MailImport gives, translated in its context at run time; listed here for lupdate.
[[maybe_unused]] const char *const importReasons[] = {
    QT_TRANSLATE_NOOP("MailImport", "empty, not a message"),
    QT_TRANSLATE_NOOP("MailImport", "binary data, not a message"),
    QT_TRANSLATE_NOOP("MailImport", "no message header (From, To, Subject, Date or Message-ID)"),
    QT_TRANSLATE_NOOP("MailImport", "message %1: %2"),
    QT_TRANSLATE_NOOP("MailImport", "a directory, not a message"),
};

} // namespace

MessageFiles::MessageFiles(SmtpMessageStore *store, QWidget *window)
    : QObject(window)
    , m_store(store)
    , m_window(window)
{
    window->setAcceptDrops(true);
    window->installEventFilter(this);
}

MessageFiles::~MessageFiles() = default;

void MessageFiles::setMailboxList(MailboxList *list)
{
    if (m_mailboxList)
        disconnect(m_mailboxList, nullptr, this, nullptr);
    m_mailboxList = list;
    if (list)
        connect(list, &MailboxList::filesDropped, this, &MessageFiles::importFiles);
}

QString MessageFiles::fileName(const QString &subject, qint64 id)
{
    const QString fallback = QStringLiteral("message-%1").arg(id);
    QString name = MessageAttachments::safeFileName(subject, fallback);
    for (QChar &c : name)
        if (QStringLiteral("*?\"<>|").contains(c) || c.category() == QChar::Other_Format)
            c = QLatin1Char('_');
    name = name.left(100).trimmed();
    return (name.isEmpty() ? fallback : name) + QStringLiteral(".eml");
}

QMimeData *MessageFiles::mimeData(const QList<qint64> &ids, const QStringList &subjects)
{
    if (ids.isEmpty())
        return nullptr;
    QList<QUrl> urls;
    QByteArray single;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const qint64 id = ids.at(i);
        // One folder per message, so that equal subjects never overwrite each other.
        QString error;
        const QString path
            = m_scratch.filePath(QString::number(id), fileName(subjects.value(i), id), &error);
        const QByteArray bytes = path.isEmpty() ? QByteArray() : m_store->rawData(id);
        if (error.isEmpty())
            error = MessageAttachments::writeFile(path, bytes);
        if (!error.isEmpty()) {
            refuse(error);
            return nullptr;
        }
        urls.append(QUrl::fromLocalFile(path));
        if (ids.size() == 1)
            single = bytes;
    }
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    if (ids.size() == 1)
        mime->setData(QStringLiteral("message/rfc822"), single);
    return mime;
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
        // Files of its own drags (messages, attachments) are already here.
        const auto *source = qobject_cast<QWidget *>(drop->source());
        if (localFiles(drop->mimeData()).isEmpty() || (source && source->window() == m_window)) {
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
