// One header field of a stored message, as SmtpStoredMessage::headers() lists them in the order
// they were written: the name, and the value unfolded with RFC 2047 encoded words decoded.
#pragma once

#include "smtpreceiver_global.h"

#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QDebug;
class SmtpHeaderFieldData;

class SMTPRECEIVER_EXPORT SmtpHeaderField
{
    Q_GADGET
    Q_PROPERTY(QString name READ name)
    Q_PROPERTY(QString value READ value)
    Q_PROPERTY(QString rawValue READ rawValue)
public:
    SmtpHeaderField();
    // rawValue empty: the value is written as it reads (no encoded words).
    SmtpHeaderField(const QString &name, const QString &value, const QString &rawValue = {});
    SmtpHeaderField(const SmtpHeaderField &other);
    SmtpHeaderField(SmtpHeaderField &&other) noexcept;
    SmtpHeaderField &operator=(const SmtpHeaderField &other);
    SmtpHeaderField &operator=(SmtpHeaderField &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~SmtpHeaderField();
    void swap(SmtpHeaderField &other) noexcept { d.swap(other.d); }

    // As written ("Subject", "X-Mailer"); empty for a line that is not a header field at all,
    // which is kept (as its value) so that nothing of the header block is hidden.
    QString name() const;
    void setName(const QString &name);
    // Unfolded (line breaks of folding removed), RFC 2047 words decoded, trimmed.
    QString value() const;
    void setValue(const QString &value);
    // Unfolded and trimmed, but encoded words still encoded: what the header says on the wire.
    QString rawValue() const;
    void setRawValue(const QString &rawValue);

    bool operator==(const SmtpHeaderField &other) const;
    bool operator!=(const SmtpHeaderField &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpHeaderFieldData> d;
};

Q_DECLARE_SHARED(SmtpHeaderField)
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpHeaderField &field);
