// A remote catcher as a MessageSource: another smtp-receiver's HTTP API (--http), or a Mailpit,
// read through Mailpit's /api/v1 and kept live by its /api/events WebSocket.
//
// Pages are GET /api/v1/messages (or /search with the query) by start and limit; read flags and
// deletes are PUT and DELETE /api/v1/messages. One QNetworkAccessManager on the GUI thread (HTTP
// keep-alive; it asks for gzip and inflates answers itself), Basic auth on every request and on
// the WebSocket. A message for the viewer is its raw source (/raw), fetched on the viewer's
// worker thread and parsed by a small in-memory store that keeps the most recent ones: the
// parts (attachments, cid: images) come from there without asking the server again.
//
// Catchers name messages by strings; the window by numbers. An ID that is a number (ours) is
// that number; any other (Mailpit's) gets a number of its own for as long as this source lives.
//
// When the WebSocket closes or a request cannot connect, the source is Disconnected: what was
// loaded stays, writes fail with an error, and it tries again with a growing delay (0.5 s up to
// 10 s). Once the WebSocket is open again it is Connected and emits reconnected(): the inbox
// then asks for the first page again and merges it (what arrived meanwhile).
//
// Mailboxes come from the "Mailboxes" field of GET /api/v1/info, which another smtp-receiver
// adds and a Mailpit does not have (then hasMailboxes() is false). The source reads it again
// when events say mail came, went or was read, at most every mailboxRefreshMs.
#pragma once

#include "messagesource.h"

#include <smtpmessagestore.h>

#include <QHash>
#include <QNetworkAccessManager>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocket>

#include <functional>
#include <mutex>

class QJsonObject;
class QNetworkReply;

class RemoteMessageSource : public MessageSource
{
    Q_OBJECT
public:
    enum class State { Connecting, Connected, Disconnected };
    Q_ENUM(State)
    static constexpr int cachedMessages = 32; // raw sources kept for the viewer
    static constexpr int mailboxRefreshMs = 200;

    // url: http(s)://host[:port] (a path is kept as a prefix); user and password for Basic auth
    // (none when user is empty). Call start() to connect.
    RemoteMessageSource(
        const QUrl &url, const QString &user, const QString &password, QObject *parent = nullptr);
    ~RemoteMessageSource() override;

    void start();
    QUrl url() const { return m_base; }
    State state() const { return m_state; }
    QString errorString() const { return m_error; } // why it is Disconnected
    int retryInMs() const; // until the next attempt while Disconnected
    QString serverVersion() const { return m_version; }

    // The catcher's ID of a message, and back ("" / 0 when unknown).
    QString remoteId(qint64 id) const;
    qint64 localId(const QString &remoteId) const;
    // The summary of a message as the catcher last described it.
    SmtpMessageSummary summary(qint64 id) const;

    QString displayName() const override; // host:port
    std::optional<SmtpStoredMessage> message(qint64 id) const override;
    QByteArray partContent(qint64 id, int partIndex, bool *ok) const override;
    QByteArray rawData(qint64 id) const override;
    QString unavailableReason(qint64 id) const override;
    quint64 requestPage(const QString &query, qint64 start, int limit) override;
    qint64 count() const override { return m_total; }
    qint64 unreadCount() const override { return m_unread; }
    void setRead(const QList<qint64> &ids, bool read) override;
    void markAllRead() override;
    void remove(const QList<qint64> &ids) override;
    void clear() override;
    bool hasMailboxes() const override { return m_hasMailboxes; }
    QList<SmtpMailbox> mailboxes() const override { return m_mailboxes; }

    // Asks the catcher to release message id to recipients through its relay (POST
    // /api/v1/message/{ID}/release). done(ok, text) runs once, later, unless context is gone: ok
    // on 200; else the catcher's answer (the relay's refusal, "no relay is configured") or why
    // it could not be asked.
    void release(qint64 id, const QStringList &recipients, QObject *context,
        const std::function<void(bool ok, const QString &text)> &done);

    // A Mailpit MessageSummary (a list item, or a "new" event's Data) as the inbox shows it;
    // assigns the message its number. Public for the tests of the Mailpit dialect.
    SmtpMessageSummary summaryFromJson(const QJsonObject &object);

Q_SIGNALS:
    void stateChanged(RemoteMessageSource::State state);
    void reconnected(); // connected again after having been disconnected: catch up
    void errorOccurred(const QString &text); // a write the catcher refused or did not get

private:
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}) const;
    void onFrame(const QString &text);
    void onSocketClosed();
    void setState(State state, const QString &error = {});
    void scheduleRetry();
    void connectSocket();
    void loadInfo();
    void scheduleMailboxRefresh();
    void write(const QByteArray &verb, const QJsonObject &body, bool withBody,
        const std::function<void()> &applied);
    void remember(const SmtpMessageSummary &summary, const QString &remoteId);
    // Blocking, on the calling (worker) thread: the cache's id of the message, fetching its raw
    // source first if it is not cached; 0 when it cannot be had.
    qint64 cached(qint64 id) const;

    QUrl m_base;
    QByteArray m_authorization; // "Basic ..." or empty
    mutable QNetworkAccessManager m_network;
    QWebSocket m_socket;
    QTimer m_retry;
    int m_retryDelay = 0;
    State m_state = State::Connecting;
    bool m_wasDisconnected = false;
    QString m_error;
    QString m_version;
    qint64 m_total = 0;
    qint64 m_unread = 0;
    quint64 m_lastRequest = 0;
    bool m_hasMailboxes = false;
    QList<SmtpMailbox> m_mailboxes;
    QTimer m_mailboxRefresh; // gathers the events of a burst into one read of the info
    quint64 m_infoAsked = 0; // info requests made
    quint64 m_infoApplied = 0; // the newest one applied (an older answer coming late is dropped)

    // Shared with the viewer's worker threads.
    mutable std::mutex m_mutex;
    QHash<QString, qint64> m_ids; // remote ID -> number
    QHash<qint64, QString> m_remoteIds; // number -> remote ID
    QHash<qint64, SmtpMessageSummary> m_summaries;
    qint64 m_nextOwnId = qint64(1) << 52;
    mutable QHash<qint64, qint64> m_cacheIds; // number -> id in m_cache
    // number -> why its last fetch failed for a reason other than "not found"
    mutable QHash<qint64, QString> m_fetchErrors;
    mutable SmtpMessageStore m_cache; // ":memory:", the newest cachedMessages
};
