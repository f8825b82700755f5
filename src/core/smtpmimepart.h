// One MIME part of a stored message, and through children() the whole part tree. Parts are
// numbered depth-first from the message's top-level part (0); that number is what
// SmtpMessageStore::partContent() takes. Attachments are parts too: isAttachment() tells them
// from the bodies and the multipart containers.
#pragma once

#include "smtpreceiver_global.h"

#include <QList>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QDebug;
class SmtpMimePartData;

class SMTPRECEIVER_EXPORT SmtpMimePart
{
    Q_GADGET
    Q_PROPERTY(int partId READ partId)
    Q_PROPERTY(QString contentType READ contentType)
    Q_PROPERTY(QString charset READ charset)
    Q_PROPERTY(QString transferEncoding READ transferEncoding)
    Q_PROPERTY(QString disposition READ disposition)
    Q_PROPERTY(QString fileName READ fileName)
    Q_PROPERTY(QString contentId READ contentId)
    Q_PROPERTY(qint64 size READ size)
    Q_PROPERTY(bool isMultipart READ isMultipart)
    Q_PROPERTY(bool isAttachment READ isAttachment)
    Q_PROPERTY(bool isInline READ isInline)
    Q_PROPERTY(QList<SmtpMimePart> children READ children)
public:
    SmtpMimePart();
    SmtpMimePart(const SmtpMimePart &other);
    SmtpMimePart(SmtpMimePart &&other) noexcept;
    SmtpMimePart &operator=(const SmtpMimePart &other);
    SmtpMimePart &operator=(SmtpMimePart &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~SmtpMimePart();
    void swap(SmtpMimePart &other) noexcept { d.swap(other.d); }

    // False for a default-constructed part (a message that could not be parsed has none).
    bool isValid() const;

    // Depth-first position in the message, the top-level part being 0; -1 when not valid.
    int partId() const;
    void setPartId(int id);
    // Lower case, without parameters: "multipart/alternative", "application/pdf".
    QString contentType() const;
    void setContentType(const QString &type);
    QString charset() const; // the charset parameter as written; "" when absent
    void setCharset(const QString &charset);
    // Content-Transfer-Encoding, lower case ("base64", "quoted-printable"); "" when absent.
    QString transferEncoding() const;
    void setTransferEncoding(const QString &encoding);
    QString disposition() const; // "inline", "attachment" or ""
    void setDisposition(const QString &disposition);
    // RFC 2231 / RFC 2047 decoded, from Content-Disposition or Content-Type; "" when none.
    QString fileName() const;
    void setFileName(const QString &name);
    QString contentId() const; // without the angle brackets; what "cid:" URLs refer to
    void setContentId(const QString &id);
    // Decoded octets (what partContent() returns); 0 for multiparts.
    qint64 size() const;
    void setSize(qint64 size);

    bool isMultipart() const; // contentType() is multipart/*
    // Neither a container nor a text or HTML body the message shows: a file it carries.
    bool isAttachment() const;
    void setAttachment(bool attachment);
    // An attachment meant to be shown within the message rather than saved: disposition
    // inline, or referred to by Content-ID (images of an HTML body). False for non-attachments.
    bool isInline() const;
    void setInline(bool isInline);

    // The parts inside a multipart, in order; empty for a leaf.
    QList<SmtpMimePart> children() const;
    void setChildren(const QList<SmtpMimePart> &children);
    // This part and every part below it, depth-first (the order of partId): for the top-level
    // part of a message, element i has partId i.
    QList<SmtpMimePart> flattened() const;

    bool operator==(const SmtpMimePart &other) const; // the whole subtree
    bool operator!=(const SmtpMimePart &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpMimePartData> d;
};

Q_DECLARE_SHARED(SmtpMimePart)
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpMimePart &part);
