// SmtpMessageStore's record of releases: a message sent on to a real server (SmtpRelay) is
// recorded with the time, the recipients and the server's final reply (table message_releases).
#include "store/smtpmessagestore_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

bool SmtpMessageStore::addRelease(qint64 id, const SmtpMessageRelease &release)
{
    Q_D(SmtpMessageStore);
    bool ok = false;
    const QByteArray recipients = QJsonDocument(QJsonArray::fromStringList(release.recipients))
                                      .toJson(QJsonDocument::Compact);
    const QDateTime when
        = release.releasedAt.isValid() ? release.releasedAt : QDateTime::currentDateTimeUtc();
    d->runTask([d, id, &recipients, &when, &release, &ok](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "INSERT INTO message_releases (message_id, released_at, recipients, reply) "
            "SELECT id, ?, ?, ? FROM messages WHERE id = ?"));
        q.addBindValue(when.toMSecsSinceEpoch());
        q.addBindValue(QString::fromUtf8(recipients));
        q.addBindValue(release.reply);
        q.addBindValue(id);
        ok = q.exec() && q.numRowsAffected() == 1;
        if (ok)
            d->notify([d, id] { Q_EMIT d->q->releasesChanged(id); });
    });
    return ok;
}

QList<SmtpMessageRelease> SmtpMessageStore::releases(qint64 id) const
{
    Q_D(const SmtpMessageStore);
    QList<SmtpMessageRelease> result;
    QSqlQuery q(d->readConnection());
    q.prepare(QStringLiteral("SELECT released_at, recipients, reply FROM message_releases "
                             "WHERE message_id = ? ORDER BY id"));
    q.addBindValue(id);
    if (!q.exec())
        return result;
    while (q.next()) {
        SmtpMessageRelease release;
        release.releasedAt = QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
        const QJsonArray recipients = QJsonDocument::fromJson(q.value(1).toByteArray()).array();
        for (const QJsonValue &recipient : recipients)
            release.recipients.append(recipient.toString());
        release.reply = q.value(2).toString();
        result.append(release);
    }
    return result;
}
