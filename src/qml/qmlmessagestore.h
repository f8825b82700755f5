// SmtpMessageStore as QML declares it: the database is a property, opened when the component is
// complete, and the writes the inbox needs are callable from JavaScript.
//
//     SmtpMessageStore { id: store; path: ":memory:" }      // or a file; "" = the default file
#pragma once

#include <smtpmessagestore.h>

#include <QQmlParserStatus>
#include <QVariantMap>
#include <QtQml/qqml.h>

class QmlMessageStore : public SmtpMessageStore, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(SmtpMessageStore)
    Q_PROPERTY(QString path READ path WRITE setPath NOTIFY pathChanged)
    Q_PROPERTY(bool open READ isOpen NOTIFY pathChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY pathChanged)
public:
    explicit QmlMessageStore(QObject *parent = nullptr);

    void setPath(const QString &path);

    // Everything the store knows of one message, for a message view; empty if there is none.
    // Keys: id, subject, from, to, cc, replyTo, date, messageId, receivedAt, mailfrom, rcpttos,
    // text, html, source; headers [{name, value}] in order; parts, the tree from the top-level
    // part ({part, type, charset, encoding, disposition, name, contentId, size, attachment,
    // inline, children}); attachments, those parts that are files, as a list; checks [{kind,
    // severity ("warning"/"error"), line, occurrences, octets, part, partType, excerpt}], with
    // kind the machine name of SmtpMessageCheck::name() for the view to word.
    Q_INVOKABLE QVariantMap message(qint64 id) const;
    Q_INVOKABLE bool remove(const QList<qint64> &ids) { return SmtpMessageStore::remove(ids); }
    Q_INVOKABLE bool clear() { return SmtpMessageStore::clear(); }
    Q_INVOKABLE bool setRead(qint64 id, bool read)
    {
        return SmtpMessageStore::setRead({ id }, read);
    }
    Q_INVOKABLE bool markAllRead() { return SmtpMessageStore::markAllRead(); }

    void classBegin() override { }
    void componentComplete() override;

Q_SIGNALS:
    void pathChanged();

private:
    void reopen();

    QString m_wantedPath = QStringLiteral(":memory:");
    bool m_complete = false;
};
