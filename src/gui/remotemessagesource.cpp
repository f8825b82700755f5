// A remote catcher's HTTP API and event WebSocket as a MessageSource (see remotemessagesource.h).
#include "remotemessagesource.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QThread>
#include <QUrlQuery>

#include <future>
#include <memory>

namespace {

constexpr int maxRetryDelay = 10000;
constexpr int firstRetryDelay = 500;
constexpr int transferTimeout = 30000;

QString addressText(const QJsonValue &value)
{
    const QJsonObject a = value.toObject();
    const QString name = a.value(QLatin1String("Name")).toString();
    const QString address = a.value(QLatin1String("Address")).toString();
    if (name.isEmpty())
        return address;
    if (address.isEmpty())
        return name;
    return QStringLiteral("%1 <%2>").arg(name, address);
}

QStringList addressList(const QJsonValue &value, bool addressesOnly)
{
    QStringList list;
    const QJsonArray array = value.toArray(); // Mailpit writes null for an empty list
    for (const QJsonValue &a : array)
        list.append(addressesOnly ? a.toObject().value(QLatin1String("Address")).toString()
                                  : addressText(a));
    list.removeAll(QString());
    return list;
}

QString replyError(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0) {
        const QString body = QString::fromUtf8(reply->readAll()).trimmed().section(u'\n', 0, 0);
        return body.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                              : QStringLiteral("HTTP %1: %2").arg(status).arg(body);
    }
    return reply->errorString();
}

// Whether a failed reply means the catcher is out of reach (not: it answered with an error).
bool unreachable(QNetworkReply *reply)
{
    return reply->error() != QNetworkReply::NoError
        && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 0;
}

} // namespace

RemoteMessageSource::RemoteMessageSource(
    const QUrl &url, const QString &user, const QString &password, QObject *parent)
    : MessageSource(parent)
    , m_base(url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment
          | QUrl::StripTrailingSlash))
{
    if (!user.isEmpty())
        m_authorization = "Basic " + (user + u':' + password).toUtf8().toBase64();
    m_network.setAutoDeleteReplies(true);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RemoteMessageSource::connectSocket);
    m_mailboxRefresh.setSingleShot(true);
    m_mailboxRefresh.setInterval(mailboxRefreshMs);
    connect(&m_mailboxRefresh, &QTimer::timeout, this, &RemoteMessageSource::loadInfo);
    connect(&m_socket, &QWebSocket::connected, this, [this] {
        m_retryDelay = 0;
        loadInfo();
        setState(State::Connected);
        if (std::exchange(m_wasDisconnected, false))
            Q_EMIT reconnected();
    });
    // Unconnected after Connecting (refused, no route) or after Connected (closed, the server
    // went away): either way it is out of reach until the next attempt.
    connect(&m_socket, &QWebSocket::stateChanged, this, [this](QAbstractSocket::SocketState s) {
        if (s == QAbstractSocket::UnconnectedState)
            onSocketClosed();
    });
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &RemoteMessageSource::onFrame);
    m_cache.open(QStringLiteral(":memory:"));
    m_cache.setMaxMessages(cachedMessages);
}

RemoteMessageSource::~RemoteMessageSource()
{
    m_socket.disconnect(this);
    m_socket.abort();
}

void RemoteMessageSource::start()
{
    setState(State::Connecting);
    loadInfo();
    connectSocket();
}

QNetworkRequest RemoteMessageSource::request(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_base;
    url.setPath(m_base.path() + path);
    url.setQuery(query);
    QNetworkRequest r(url);
    if (!m_authorization.isEmpty())
        r.setRawHeader("Authorization", m_authorization);
    r.setTransferTimeout(transferTimeout);
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return r;
}

void RemoteMessageSource::connectSocket()
{
    QNetworkRequest r = request(QStringLiteral("/api/events"));
    QUrl url = r.url();
    url.setScheme(
        url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    r.setUrl(url);
    m_socket.abort();
    m_socket.open(r);
}

void RemoteMessageSource::onSocketClosed()
{
    QString why = m_socket.errorString();
    if (why.isEmpty() || m_socket.error() == QAbstractSocket::UnknownSocketError)
        why = tr("The connection was closed.");
    setState(State::Disconnected, why);
    scheduleRetry();
}

void RemoteMessageSource::scheduleRetry()
{
    if (m_retry.isActive())
        return;
    m_retryDelay = m_retryDelay == 0 ? firstRetryDelay : qMin(m_retryDelay * 2, maxRetryDelay);
    m_retry.start(m_retryDelay);
}

int RemoteMessageSource::retryInMs() const
{
    return m_retry.isActive() ? m_retry.remainingTime() : 0;
}

void RemoteMessageSource::setState(State state, const QString &error)
{
    if (state == State::Disconnected)
        m_wasDisconnected = true;
    m_error = error;
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RemoteMessageSource::loadInfo()
{
    QNetworkReply *reply = m_network.get(request(QStringLiteral("/api/v1/info")));
    const quint64 number = ++m_infoAsked;
    connect(reply, &QNetworkReply::finished, this, [this, reply, number] {
        if (reply->error() != QNetworkReply::NoError || number < m_infoApplied)
            return;
        m_infoApplied = number;
        const QJsonObject info = QJsonDocument::fromJson(reply->readAll()).object();
        m_version = info.value(QLatin1String("Version")).toString();
        m_total = info.value(QLatin1String("Messages")).toInteger();
        m_unread = info.value(QLatin1String("Unread")).toInteger();
        const QJsonValue field = info.value(QLatin1String("Mailboxes"));
        QList<SmtpMailbox> mailboxes;
        const QJsonArray array = field.toArray();
        for (const QJsonValue &value : array) {
            const QJsonObject o = value.toObject();
            SmtpMailbox mailbox;
            mailbox.name = o.value(QLatin1String("Name")).toString();
            mailbox.messages = o.value(QLatin1String("Messages")).toInteger();
            mailbox.unread = o.value(QLatin1String("Unread")).toInteger();
            if (!mailbox.name.isEmpty())
                mailboxes.append(mailbox);
        }
        const bool changed = field.isArray() != m_hasMailboxes || mailboxes != m_mailboxes;
        m_hasMailboxes = field.isArray();
        m_mailboxes = mailboxes;
        Q_EMIT countChanged();
        if (changed)
            Q_EMIT mailboxesChanged();
    });
}

void RemoteMessageSource::scheduleMailboxRefresh()
{
    // Not restarted by the next event: a steady stream still refreshes every mailboxRefreshMs.
    if (m_hasMailboxes && !m_mailboxRefresh.isActive())
        m_mailboxRefresh.start();
}

QString RemoteMessageSource::displayName() const
{
    QString name = m_base.host();
    if (m_base.port() != -1)
        name += u':' + QString::number(m_base.port());
    return name + m_base.path();
}

void RemoteMessageSource::remember(const SmtpMessageSummary &summary, const QString &remoteId)
{
    std::lock_guard lock(m_mutex);
    m_summaries.insert(summary.id, summary);
    m_remoteIds.insert(summary.id, remoteId);
}

SmtpMessageSummary RemoteMessageSource::summaryFromJson(const QJsonObject &o)
{
    const QString remote = o.value(QLatin1String("ID")).toString();
    SmtpMessageSummary s;
    {
        std::lock_guard lock(m_mutex);
        bool number = false;
        const qint64 value = remote.toLongLong(&number);
        if (number && value > 0 && value < m_nextOwnId && QString::number(value) == remote) {
            s.id = value;
        } else {
            s.id = m_ids.value(remote);
            if (s.id == 0) {
                s.id = m_nextOwnId++;
                m_ids.insert(remote, s.id);
            }
        }
    }
    s.from = addressText(o.value(QLatin1String("From")));
    s.to = addressList(o.value(QLatin1String("To")), false).join(QStringLiteral(", "));
    for (const char *field : { "To", "Cc", "Bcc" })
        s.rcptTos += addressList(o.value(QLatin1String(field)), true);
    s.subject = o.value(QLatin1String("Subject")).toString();
    s.receivedAt
        = QDateTime::fromString(o.value(QLatin1String("Created")).toString(), Qt::ISODateWithMs)
              .toUTC();
    s.size = o.value(QLatin1String("Size")).toInteger();
    s.read = o.value(QLatin1String("Read")).toBool();
    s.hasAttachments = o.value(QLatin1String("Attachments")).toInt() > 0;
    s.mailFrom = o.value(QLatin1String("ReturnPath")).toString();
    remember(s, remote);
    return s;
}

QString RemoteMessageSource::remoteId(qint64 id) const
{
    std::lock_guard lock(m_mutex);
    return m_remoteIds.value(id);
}

qint64 RemoteMessageSource::localId(const QString &remoteId) const
{
    std::lock_guard lock(m_mutex);
    bool number = false;
    const qint64 value = remoteId.toLongLong(&number);
    if (number && m_remoteIds.contains(value))
        return value;
    return m_ids.value(remoteId);
}

SmtpMessageSummary RemoteMessageSource::summary(qint64 id) const
{
    std::lock_guard lock(m_mutex);
    return m_summaries.value(id);
}

quint64 RemoteMessageSource::requestPage(const QString &query, qint64 start, int limit)
{
    const quint64 number = ++m_lastRequest;
    QUrlQuery q;
    if (!query.isEmpty())
        q.addQueryItem(
            QStringLiteral("query"), QString::fromLatin1(QUrl::toPercentEncoding(query)));
    q.addQueryItem(QStringLiteral("start"), QString::number(start));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    QNetworkReply *reply = m_network.get(request(
        query.isEmpty() ? QStringLiteral("/api/v1/messages") : QStringLiteral("/api/v1/search"),
        q));
    connect(reply, &QNetworkReply::finished, this, [this, reply, number, start] {
        if (reply->error() != QNetworkReply::NoError) {
            const QString error = replyError(reply);
            if (unreachable(reply)) {
                setState(State::Disconnected, error);
                scheduleRetry();
                Q_EMIT pageLoaded(number, start, {}, -1, QString());
                return;
            }
            Q_EMIT pageLoaded(number, start, {}, 0, error);
            return;
        }
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        QList<SmtpMessageSummary> page;
        const QJsonArray messages = answer.value(QLatin1String("messages")).toArray();
        page.reserve(messages.size());
        for (const QJsonValue &m : messages)
            page.append(summaryFromJson(m.toObject()));
        const qint64 total = answer.value(QLatin1String("total")).toInteger(m_total);
        const qint64 unread = answer.value(QLatin1String("unread")).toInteger(m_unread);
        if (total != m_total || unread != m_unread) {
            m_total = total;
            m_unread = unread;
            Q_EMIT countChanged();
        }
        Q_EMIT pageLoaded(number, start, page,
            answer.value(QLatin1String("messages_count")).toInteger(total), QString());
    });
    return number;
}

void RemoteMessageSource::write(const QByteArray &verb, const QJsonObject &body, bool withBody,
    const std::function<void()> &applied)
{
    QNetworkRequest r = request(QStringLiteral("/api/v1/messages"));
    QByteArray bytes;
    if (withBody) {
        r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = m_network.sendCustomRequest(r, verb, bytes);
    connect(reply, &QNetworkReply::finished, this, [this, reply, applied] {
        if (reply->error() != QNetworkReply::NoError) {
            Q_EMIT errorOccurred(
                tr("The catcher at %1 did not do it: %2").arg(displayName(), replyError(reply)));
            return;
        }
        applied(); // the event frames say the same; applying twice changes nothing
        loadInfo();
    });
}

void RemoteMessageSource::release(qint64 id, const QStringList &recipients, QObject *context,
    const std::function<void(bool ok, const QString &text)> &done)
{
    const QString remote = remoteId(id);
    if (remote.isEmpty()) {
        QTimer::singleShot(0, context, [done] { done(false, tr("The message is not known.")); });
        return;
    }
    QNetworkRequest r = request(QStringLiteral("/api/v1/message/%1/release").arg(remote));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    // The relay may take its time: up to its own timeouts, not the API's usual bound.
    r.setTransferTimeout(0);
    const QJsonObject body { { QStringLiteral("To"), QJsonArray::fromStringList(recipients) } };
    QNetworkReply *reply = m_network.post(r, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, context, [reply, done] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QString text = QString::fromUtf8(reply->readAll()).trimmed();
        if (status == 200)
            done(true, text);
        else if (status != 0)
            done(false, text.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : text);
        else
            done(false, reply->errorString());
    });
}

namespace {

QJsonArray idArray(const RemoteMessageSource *source, const QList<qint64> &ids)
{
    QJsonArray array;
    for (qint64 id : ids) {
        const QString remote = source->remoteId(id);
        if (!remote.isEmpty())
            array.append(remote);
    }
    return array;
}

} // namespace

void RemoteMessageSource::setRead(const QList<qint64> &ids, bool read)
{
    const QJsonArray remote = idArray(this, ids);
    if (remote.isEmpty())
        return; // an empty list would mean every message
    write("PUT", { { QStringLiteral("IDs"), remote }, { QStringLiteral("Read"), read } }, true,
        [this, ids, read] {
            {
                std::lock_guard lock(m_mutex);
                for (qint64 id : ids)
                    if (auto it = m_summaries.find(id); it != m_summaries.end())
                        it->read = read;
            }
            Q_EMIT readChanged(ids, read);
        });
}

void RemoteMessageSource::markAllRead()
{
    write("PUT", { { QStringLiteral("IDs"), QJsonArray() }, { QStringLiteral("Read"), true } },
        true, [this] { Q_EMIT readChanged({}, true); });
}

void RemoteMessageSource::remove(const QList<qint64> &ids)
{
    const QJsonArray remote = idArray(this, ids);
    if (remote.isEmpty())
        return; // an empty list would mean every message
    write("DELETE", { { QStringLiteral("IDs"), remote } }, true,
        [this, ids] { Q_EMIT messagesRemoved(ids); });
}

void RemoteMessageSource::clear()
{
    write("DELETE", {}, false, [this] { Q_EMIT messagesRemoved({}); });
}

void RemoteMessageSource::onFrame(const QString &text)
{
    const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = frame.value(QLatin1String("Type")).toString();
    const QJsonValue data = frame.value(QLatin1String("Data"));
    scheduleMailboxRefresh(); // whatever the event, a mailbox's counts may have changed
    if (type == QLatin1String("new")) {
        const SmtpMessageSummary s = summaryFromJson(data.toObject());
        ++m_total;
        if (!s.read)
            ++m_unread;
        Q_EMIT countChanged();
        Q_EMIT messageAdded(s);
    } else if (type == QLatin1String("update")) {
        const QJsonObject o = data.toObject();
        const qint64 id = localId(o.value(QLatin1String("ID")).toString());
        if (id != 0 && o.contains(QLatin1String("Read"))) {
            const bool read = o.value(QLatin1String("Read")).toBool();
            {
                std::lock_guard lock(m_mutex);
                if (auto it = m_summaries.find(id); it != m_summaries.end())
                    it->read = read;
            }
            Q_EMIT readChanged({ id }, read);
        }
    } else if (type == QLatin1String("delete")) {
        const qint64 id = localId(data.toObject().value(QLatin1String("ID")).toString());
        if (id != 0)
            Q_EMIT messagesRemoved({ id });
    } else if (type == QLatin1String("truncate") || type == QLatin1String("prune")) {
        Q_EMIT messagesRemoved({});
    } else if (type == QLatin1String("stats")) {
        const QJsonObject o = data.toObject();
        m_total = o.value(QLatin1String("Total")).toInteger(m_total);
        m_unread = o.value(QLatin1String("Unread")).toInteger(m_unread);
        if (o.contains(QLatin1String("Version")))
            m_version = o.value(QLatin1String("Version")).toString();
        Q_EMIT countChanged();
        // A catcher of ours sends one once newly indexed mail is searchable; a Mailpit after
        // each change (its search has no lag): either way a search may match more now.
        Q_EMIT searchableChanged();
    }
}

// ---- reads for the viewer (worker threads) ----------------------------------------------------

qint64 RemoteMessageSource::cached(qint64 id) const
{
    QString remote;
    SmtpMessageSummary known;
    {
        std::lock_guard lock(m_mutex);
        const qint64 cacheId = m_cacheIds.value(id);
        if (cacheId != 0) {
            if (m_cache.summaries({}, cacheId + 1, 1).value(0).id == cacheId)
                return cacheId;
            m_cacheIds.remove(id); // pruned from the cache
        }
        remote = m_remoteIds.value(id);
        known = m_summaries.value(id);
    }
    if (remote.isEmpty())
        return 0;
    // On a worker thread a manager of that thread's own (the view's pool keeps its threads),
    // so the GUI thread is never waited on; on the GUI thread, the source's.
    thread_local std::unique_ptr<QNetworkAccessManager> own;
    QNetworkAccessManager *network = &m_network;
    if (QThread::currentThread() != thread()) {
        if (!own)
            own = std::make_unique<QNetworkAccessManager>();
        network = own.get();
    }
    QEventLoop loop;
    // IDs are URL-safe (Mailpit's and ours); the path takes them as they are.
    QNetworkReply *reply
        = network->get(request(QStringLiteral("/api/v1/message/%1/raw").arg(remote)));
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->setParent(nullptr); // not the manager's to delete (autoDeleteReplies)
    std::unique_ptr<QNetworkReply> owned(reply);
    if (reply->error() != QNetworkReply::NoError) {
        std::lock_guard lock(m_mutex);
        if (reply->error() == QNetworkReply::ContentNotFoundError)
            m_fetchErrors.remove(id); // gone from the catcher: the viewer says so
        else
            m_fetchErrors.insert(id, reply->errorString());
        return 0;
    }
    SmtpMessage message;
    message.setData(reply->readAll());
    message.setReceivedAt(known.receivedAt);
    message.setMailFrom(known.mailFrom);
    message.setRcptTos(known.rcptTos);
    std::promise<SmtpSinkResult> stored;
    m_cache.deliver(message, [&stored](const SmtpSinkResult &r) { stored.set_value(r); });
    const SmtpSinkResult result = stored.get_future().get();
    if (!result.ok)
        return 0;
    std::lock_guard lock(m_mutex);
    m_cacheIds.insert(id, result.id);
    m_fetchErrors.remove(id);
    return result.id;
}

QString RemoteMessageSource::unavailableReason(qint64 id) const
{
    std::lock_guard lock(m_mutex);
    const QString error = m_fetchErrors.value(id);
    if (error.isEmpty())
        return {};
    return tr("%1 cannot be reached now (%2).").arg(displayName(), error);
}

std::optional<SmtpStoredMessage> RemoteMessageSource::message(qint64 id) const
{
    const qint64 cacheId = cached(id);
    if (cacheId == 0)
        return std::nullopt;
    std::optional<SmtpStoredMessage> m = m_cache.message(cacheId);
    if (!m)
        return m;
    // What the inbox knows of it: the catcher's flags and time, under the window's number.
    SmtpMessageSummary s = m->summary();
    const SmtpMessageSummary known = summary(id);
    s.id = id;
    s.read = known.read;
    if (known.receivedAt.isValid())
        s.receivedAt = known.receivedAt;
    m->setSummary(s);
    SmtpMessage raw = m->message();
    raw.setId(id);
    m->setMessage(raw);
    return m;
}

QByteArray RemoteMessageSource::partContent(qint64 id, int partIndex, bool *ok) const
{
    const qint64 cacheId = cached(id);
    if (cacheId == 0) {
        if (ok)
            *ok = false;
        return {};
    }
    return m_cache.partContent(cacheId, partIndex, ok);
}

QByteArray RemoteMessageSource::rawData(qint64 id) const
{
    const qint64 cacheId = cached(id);
    return cacheId == 0 ? QByteArray() : m_cache.rawData(cacheId);
}
