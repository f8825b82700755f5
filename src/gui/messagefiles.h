// Mail as files in the window: messages dragged out of the inbox become .eml files holding their
// exact stored bytes, and .eml or mbox files dropped on the window are imported as
// `smtp-receiver import` does (every file checked first, then all stored or none), into the
// mailbox chosen in the mailbox list, or the one they were dropped on there.
#pragma once

#include "scratchfolder.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>

class MailboxList;
class QMimeData;
class QWidget;
class SmtpMessageStore;

class MessageFiles : public QObject
{
    Q_OBJECT
public:
    // Handles drops on window (accepting them), storing into store; neither is owned.
    MessageFiles(SmtpMessageStore *store, QWidget *window);
    ~MessageFiles() override;

    // Files dropped on the window go to the mailbox chosen in list ("All mail": Inbox), files
    // dropped on one of its rows to that row's mailbox. Not owned.
    void setMailboxList(MailboxList *list);

    // The drag of messages: one .eml file per id, named after its subject
    // (MessageAttachments::messageFileName()), in a temporary folder that lives as long as this
    // object. The drag starts at once: the files are written on a worker thread, and only a
    // program that asks for them (text/uri-list, at the drop) waits for the rest of them. A single
    // message also comes as message/rfc822. nullptr (after telling the user) when the folders
    // cannot be made; a file that cannot be written is told when it is asked for, and the drop then
    // gets no files.
    QMimeData *mimeData(const QList<qint64> &ids, const QStringList &subjects);

    // Where the dragged files are written, one at a time. For tests.
    QThreadPool *writerPool() { return &m_writer; }

    // The local files mime holds, if any.
    static QStringList localFiles(const QMimeData *mime);

    // Imports .eml or mbox files into mailbox (empty: Inbox), with a receivedAt of now: true once
    // stored. A file that cannot be read or holds no mail is named in a message box and nothing
    // is stored.
    bool importFiles(const QStringList &paths, const QString &mailbox = QString());

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refuse(const QString &text);

    SmtpMessageStore *m_store;
    QWidget *m_window;
    QPointer<MailboxList> m_mailboxList;
    ScratchFolder m_scratch; // the dragged files
    QThreadPool m_writer; // writes them; waited for before the store closes
};
