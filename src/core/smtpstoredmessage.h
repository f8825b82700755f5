// One stored message in full, as SmtpMessageStore::message() reads it: the envelope and raw
// bytes, and what the store's parser found in them once, when the message was stored: decoded
// headers, text and HTML bodies, the MIME part tree with its attachments, and the checks.
// Readers show these; none of them parses the message again.
#pragma once

#include "smtpheaderfield.h"
#include "smtpmessage.h"
#include "smtpmessagecheck.h"
#include "smtpmessagesummary.h"
#include "smtpmimepart.h"
#include "smtpreceiver_global.h"

#include <QList>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QDebug;
class SmtpStoredMessageData;

class SMTPRECEIVER_EXPORT SmtpStoredMessage
{
    Q_GADGET
    Q_PROPERTY(SmtpMessageSummary summary READ summary)
    Q_PROPERTY(SmtpMessage message READ message)
    Q_PROPERTY(QString cc READ cc)
    Q_PROPERTY(QString replyTo READ replyTo)
    Q_PROPERTY(QString dateHeader READ dateHeader)
    Q_PROPERTY(QString messageId READ messageId)
    Q_PROPERTY(QString textBody READ textBody)
    Q_PROPERTY(QString htmlBody READ htmlBody)
    Q_PROPERTY(QList<SmtpHeaderField> headers READ headers)
    Q_PROPERTY(SmtpMimePart rootPart READ rootPart)
    Q_PROPERTY(QList<SmtpMimePart> attachments READ attachments)
    Q_PROPERTY(QList<SmtpMessageCheck> checks READ checks)
    Q_PROPERTY(bool parseFailed READ parseFailed)
public:
    SmtpStoredMessage();
    SmtpStoredMessage(const SmtpStoredMessage &other);
    SmtpStoredMessage(SmtpStoredMessage &&other) noexcept;
    SmtpStoredMessage &operator=(const SmtpStoredMessage &other);
    SmtpStoredMessage &operator=(SmtpStoredMessage &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~SmtpStoredMessage();
    void swap(SmtpStoredMessage &other) noexcept { d.swap(other.d); }

    // What the inbox shows: id, arrival, envelope, From, To, Subject (decoded), size, flags.
    SmtpMessageSummary summary() const;
    void setSummary(const SmtpMessageSummary &summary);
    // The envelope and the raw bytes as they arrived; TLS and the AUTH user are here too.
    SmtpMessage message() const;
    void setMessage(const SmtpMessage &message);
    qint64 id() const { return summary().id; }
    // Of message(), for convenience.
    QString tlsProtocol() const { return message().tlsProtocol(); }
    QString tlsCipher() const { return message().tlsCipher(); }
    QString authenticatedUser() const { return message().authenticatedUser(); }

    // Decoded, as displayed ("Alice <alice@example.com>, bob@example.com").
    QString cc() const;
    void setCc(const QString &cc);
    QString replyTo() const;
    void setReplyTo(const QString &replyTo);
    QString dateHeader() const; // the Date header as written; "" when there is none
    void setDateHeader(const QString &date);
    QString messageId() const; // without the angle brackets
    void setMessageId(const QString &id);

    // The first text/plain and text/html bodies, converted from their charsets.
    QString textBody() const;
    void setTextBody(const QString &text);
    QString htmlBody() const;
    void setHtmlBody(const QString &html);

    // Every header field of the message, in order, names as written, values decoded.
    QList<SmtpHeaderField> headers() const;
    void setHeaders(const QList<SmtpHeaderField> &headers);
    // The value of the first field of that name (ASCII case ignored); "" when there is none.
    QString header(const QString &name) const;

    // The top-level part; its children() are the tree. Not valid when parseFailed().
    SmtpMimePart rootPart() const;
    void setRootPart(const SmtpMimePart &root);
    // Every part, depth-first: parts().at(i).partId() == i.
    QList<SmtpMimePart> parts() const;
    // The part with that id; an invalid part when there is none.
    SmtpMimePart part(int partId) const;
    // The parts that are attachments (inline ones included), in order.
    QList<SmtpMimePart> attachments() const;
    bool hasAttachments() const; // any attachment that is not inline

    QList<SmtpMessageCheck> checks() const;
    void setChecks(const QList<SmtpMessageCheck> &checks);
    // The parser could make nothing of the message; the raw bytes are still there.
    bool parseFailed() const;
    void setParseFailed(bool failed);

    bool operator==(const SmtpStoredMessage &other) const;
    bool operator!=(const SmtpStoredMessage &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpStoredMessageData> d;
};

Q_DECLARE_SHARED(SmtpStoredMessage)
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpStoredMessage &message);
