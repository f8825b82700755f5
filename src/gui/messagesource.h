// Where the window's messages come from: the local store or a remote catcher's HTTP API. The
// inbox of a remote window and the message view read through this one interface; the local
// store's implementation (LocalMessageSource) hands its calls to SmtpMessageStore unchanged.
//
// Two kinds of calls. Reads of one message (message(), partContent(), rawData()) block and are
// made on worker threads (the message view's loader); they are safe from any thread. Everything
// else runs on the GUI thread and answers through signals.
#pragma once

#include <smtpmessagestore.h>
#include <smtpmessagesummary.h>
#include <smtpstoredmessage.h>

#include <QList>
#include <QObject>
#include <QString>

#include <optional>

class SmtpMessageStore;

class MessageSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // What the window title and status bar call it ("Local store", "staging.example:8025").
    virtual QString displayName() const = 0;

    // Blocking, any thread. std::nullopt / empty when there is no such message (or it cannot be
    // reached now).
    virtual std::optional<SmtpStoredMessage> message(qint64 id) const = 0;
    virtual QByteArray partContent(qint64 id, int partIndex, bool *ok) const = 0;
    virtual QByteArray rawData(qint64 id) const = 0;
    // Why message(id) last came back empty when the message may well exist (its catcher could
    // not be reached), for the viewer to say instead of "no longer in the store"; empty when it
    // is simply gone. Any thread.
    virtual QString unavailableReason(qint64 id) const
    {
        Q_UNUSED(id);
        return {};
    }
    // The releases of message id to a real server, oldest first; std::nullopt where the source
    // does not know them (a remote catcher's API does not tell). Blocking, any thread.
    virtual std::optional<QList<SmtpMessageRelease>> releases(qint64 id) const
    {
        Q_UNUSED(id);
        return std::nullopt;
    }

    // GUI thread. One page of summaries, newest first, by position: pageLoaded() answers with
    // the same request number. query is the search language ("" = everything).
    virtual quint64 requestPage(const QString &query, qint64 start, int limit) = 0;
    virtual qint64 count() const = 0;
    virtual qint64 unreadCount() const = 0;
    // Writes; their effect comes back through the signals below.
    virtual void setRead(const QList<qint64> &ids, bool read) = 0;
    virtual void markAllRead() = 0;
    virtual void remove(const QList<qint64> &ids) = 0;
    virtual void clear() = 0;

    // GUI thread. Whether the source keeps mail in mailboxes at all (a Mailpit does not: the
    // window then shows no mailbox list), and the mailboxes with their counts, Inbox first, then
    // by name; mailboxesChanged() says either may have changed.
    virtual bool hasMailboxes() const { return false; }
    virtual QList<SmtpMailbox> mailboxes() const { return {}; }

Q_SIGNALS:
    // matches: how many messages the query matches in all; error: why it could not be run
    // (the query's fault). matches -1 without an error: the source could not be asked now.
    void pageLoaded(quint64 request, qint64 start, const QList<SmtpMessageSummary> &page,
        qint64 matches, const QString &error);
    void messageAdded(const SmtpMessageSummary &summary); // new mail, newest
    void messagesRemoved(const QList<qint64> &ids); // empty: some or all, reload
    void readChanged(const QList<qint64> &ids, bool read); // empty ids: all
    void countChanged();
    void releasesChanged(qint64 id); // a release of message id was recorded
    void mailboxesChanged(); // the mailboxes, their counts or hasMailboxes()
    // Mail has become searchable: a search may match more than when it was last asked (new mail
    // is announced at once, and found by search once it is indexed, a moment later).
    void searchableChanged();
};

// The local store as a MessageSource: reads go straight to the store (which serves any thread),
// pages through SmtpMessageStore::summariesAt(), writes on a worker thread in the order asked.
class LocalMessageSource : public MessageSource
{
    Q_OBJECT
public:
    explicit LocalMessageSource(SmtpMessageStore *store, QObject *parent = nullptr);
    ~LocalMessageSource() override;

    SmtpMessageStore *store() const { return m_store; }
    QString displayName() const override;
    std::optional<SmtpStoredMessage> message(qint64 id) const override;
    QByteArray partContent(qint64 id, int partIndex, bool *ok) const override;
    QByteArray rawData(qint64 id) const override;
    std::optional<QList<SmtpMessageRelease>> releases(qint64 id) const override;
    quint64 requestPage(const QString &query, qint64 start, int limit) override;
    qint64 count() const override;
    qint64 unreadCount() const override;
    void setRead(const QList<qint64> &ids, bool read) override;
    void markAllRead() override;
    void remove(const QList<qint64> &ids) override;
    void clear() override;
    bool hasMailboxes() const override { return true; }
    QList<SmtpMailbox> mailboxes() const override;

private:
    struct Tasks;
    SmtpMessageStore *m_store;
    quint64 m_lastRequest = 0;
    Tasks *m_tasks;
};
