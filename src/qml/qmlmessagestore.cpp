#include "qmlmessagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

QmlMessageStore::QmlMessageStore(QObject *parent)
    : SmtpMessageStore(parent)
{ }

void QmlMessageStore::setPath(const QString &path)
{
    if (path == m_wantedPath)
        return;
    m_wantedPath = path;
    reopen();
}

void QmlMessageStore::componentComplete()
{
    m_complete = true;
    reopen();
}

void QmlMessageStore::reopen()
{
    if (!m_complete)
        return; // one open, with the final path, when the component is complete
    const QString file = m_wantedPath.isEmpty() ? defaultPath() : m_wantedPath;
    if (!SmtpMessageStore::open(file))
        Q_EMIT errorOccurred(errorString());
    Q_EMIT pathChanged();
}

QVariantMap QmlMessageStore::message(qint64 id) const
{
    const std::optional<SmtpStoredMessage> stored = SmtpMessageStore::message(id);
    if (!stored)
        return {};
    QVariantList attachments;
    const QJsonArray parts = QJsonDocument::fromJson(stored->attachmentsJson).array();
    for (const QJsonValue &part : parts)
        attachments.append(part.toObject().toVariantMap());
    return {
        { QStringLiteral("id"), stored->summary.id },
        { QStringLiteral("subject"), stored->summary.subject },
        { QStringLiteral("from"), stored->summary.from },
        { QStringLiteral("to"), stored->summary.to },
        { QStringLiteral("cc"), stored->cc },
        { QStringLiteral("date"), stored->dateHeader },
        { QStringLiteral("receivedAt"), stored->summary.receivedAt },
        { QStringLiteral("mailfrom"), stored->summary.mailFrom },
        { QStringLiteral("rcpttos"), stored->summary.rcptTos },
        { QStringLiteral("text"), stored->textBody },
        { QStringLiteral("html"), stored->htmlBody },
        { QStringLiteral("source"), QString::fromUtf8(stored->message.data()) },
        { QStringLiteral("attachments"), attachments },
    };
}
