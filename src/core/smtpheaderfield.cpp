// SmtpHeaderField: one decoded header field, an implicitly shared value.
#include "smtpheaderfield.h"

#include <QDebug>

class SmtpHeaderFieldData : public QSharedData
{
public:
    QString name;
    QString value;
    QString rawValue;
};

SmtpHeaderField::SmtpHeaderField()
    : d(new SmtpHeaderFieldData)
{ }

SmtpHeaderField::SmtpHeaderField(const QString &name, const QString &value, const QString &rawValue)
    : d(new SmtpHeaderFieldData)
{
    d->name = name;
    d->value = value;
    d->rawValue = rawValue.isEmpty() ? value : rawValue;
}

SmtpHeaderField::SmtpHeaderField(const SmtpHeaderField &other) = default;
SmtpHeaderField::SmtpHeaderField(SmtpHeaderField &&other) noexcept = default;
SmtpHeaderField &SmtpHeaderField::operator=(const SmtpHeaderField &other) = default;
SmtpHeaderField::~SmtpHeaderField() = default;

QString SmtpHeaderField::name() const
{
    return d->name;
}
void SmtpHeaderField::setName(const QString &name)
{
    d->name = name;
}
QString SmtpHeaderField::value() const
{
    return d->value;
}
void SmtpHeaderField::setValue(const QString &value)
{
    d->value = value;
}
QString SmtpHeaderField::rawValue() const
{
    return d->rawValue;
}
void SmtpHeaderField::setRawValue(const QString &rawValue)
{
    d->rawValue = rawValue;
}

bool SmtpHeaderField::operator==(const SmtpHeaderField &other) const
{
    return d == other.d
        || (d->name == other.d->name && d->value == other.d->value
            && d->rawValue == other.d->rawValue);
}

QDebug operator<<(QDebug debug, const SmtpHeaderField &field)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpHeaderField(" << field.name() << ": " << field.value() << ')';
    return debug;
}
