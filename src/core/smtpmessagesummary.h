// What the inbox shows of one stored message, without its bytes: cheap to read by the page.
#pragma once

#include "smtpreceiver_global.h"

#include <QDateTime>
#include <QMetaType>
#include <QStringList>

class SmtpMessage;

struct SMTPRECEIVER_EXPORT SmtpMessageSummary
{
    Q_GADGET
    Q_PROPERTY(qint64 id MEMBER id)
    Q_PROPERTY(QDateTime receivedAt MEMBER receivedAt)
    Q_PROPERTY(QString remoteAddress MEMBER remoteAddress)
    Q_PROPERTY(QString helo MEMBER helo)
    Q_PROPERTY(QString mailfrom MEMBER mailFrom)
    Q_PROPERTY(QStringList rcpttos MEMBER rcptTos)
    Q_PROPERTY(QString from MEMBER from)
    Q_PROPERTY(QString to MEMBER to)
    Q_PROPERTY(QString subject MEMBER subject)
    Q_PROPERTY(qint64 size MEMBER size)
    Q_PROPERTY(bool tls MEMBER tls)
    Q_PROPERTY(bool read MEMBER read)
    Q_PROPERTY(bool hasAttachments MEMBER hasAttachments)
    Q_PROPERTY(QStringList mailboxes MEMBER mailboxes)
public:
    qint64 id = 0;
    QDateTime receivedAt; // UTC
    QString remoteAddress;
    QString helo;
    QString mailFrom; // envelope; "" for <>
    QStringList rcptTos;
    QString from; // From header, decoded
    QString to; // To header, decoded
    QString subject;
    qint64 size = 0;
    bool tls = false;
    bool read = false;
    bool hasAttachments = false;
    QStringList
        mailboxes; // every mailbox it is in (SmtpMessage::mailboxes()), never empty once stored

    // A message that was just received: the envelope, and From, To and Subject decoded.
    static SmtpMessageSummary fromMessage(const SmtpMessage &message);

    // What the inbox shows, and sorts by: the From header, else the envelope sender; the To
    // header, else the envelope recipients joined by ", ".
    QString shownFrom() const { return from.isEmpty() ? mailFrom : from; }
    QString shownTo() const { return to.isEmpty() ? rcptTos.join(QStringLiteral(", ")) : to; }
    // The envelope only (no header is decoded): for callers that need one header, or none.
    static SmtpMessageSummary fromEnvelope(const SmtpMessage &message);

    bool operator==(const SmtpMessageSummary &other) const;
    bool operator!=(const SmtpMessageSummary &other) const { return !(*this == other); }
};

Q_DECLARE_METATYPE(SmtpMessageSummary)
