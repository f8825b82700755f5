#include "sendmailmessage.h"

#include <QUuid>

namespace {

bool isWhiteSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// RFC 5322 ftext: printable ASCII except the colon.
bool isFieldName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name)
        if (c < 33 || c > 126 || c == ':')
            return false;
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && isWhiteSpace(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isWhiteSpace(text.back()))
        text.chop(1);
    return text;
}

// The index of the '@' that separates local part and domain: the last one outside quotes.
qsizetype domainSeparator(const QString &address)
{
    qsizetype at = -1;
    bool quoted = false;
    for (qsizetype i = 0; i < address.size(); ++i) {
        const QChar c = address.at(i);
        if (quoted && c == QLatin1Char('\\')) {
            ++i;
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (!quoted && c == QLatin1Char('@')) {
            at = i;
        }
    }
    return at;
}

// RFC 5322 atext and the space between atoms: such a name needs no quotes.
bool isPlainPhrase(const QString &name)
{
    static const QLatin1String specials("!#$%&'*+-/=?^_`{|}~ ");
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool alnum
            = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
        if (!alnum && !specials.contains(c))
            return false;
    }
    return !name.startsWith(QLatin1Char(' ')) && !name.endsWith(QLatin1Char(' '));
}

// RFC 2047 B-encoded words of at most 75 characters, split between UTF-8 sequences.
QByteArray encodedWords(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    constexpr qsizetype chunkLimit = 45; // 60 base64 characters + 12 of "=?UTF-8?B?" and "?="
    QByteArray result;
    qsizetype start = 0;
    while (start < utf8.size()) {
        qsizetype end = std::min(start + chunkLimit, utf8.size());
        while (end < utf8.size() && end > start + 1 && (uchar(utf8.at(end)) & 0xC0) == 0x80)
            --end; // never cut through a multi-byte character
        if (!result.isEmpty())
            result += ' ';
        result += "=?UTF-8?B?" + utf8.mid(start, end - start).toBase64() + "?=";
        start = end;
    }
    return result;
}

} // namespace

SendmailInput::SendmailInput(bool ignoreDots)
    : m_ignoreDots(ignoreDots)
{ }

bool SendmailInput::addLine(QByteArrayView line)
{
    if (m_finished)
        return false;
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    if (!m_ignoreDots && line == ".") {
        m_finished = true;
        return false;
    }
    m_text += line;
    m_text += "\r\n";
    return true;
}

QByteArray SendmailInput::read(QByteArrayView stream, bool ignoreDots)
{
    SendmailInput input(ignoreDots);
    while (!stream.isEmpty()) {
        const qsizetype newline = stream.indexOf('\n');
        const qsizetype length = newline < 0 ? stream.size() : newline + 1;
        if (!input.addLine(stream.first(length)))
            break;
        stream = stream.sliced(length);
    }
    return input.text();
}

SendmailAddressList SendmailAddressList::parse(QByteArrayView value)
{
    SendmailAddressList result;
    QByteArray element; // the current list element, comments taken out
    QByteArray angle; // what stood between < and >
    int angles = 0;
    bool inAngle = false;
    bool inGroup = false;

    const auto finish = [&]() {
        if (angles == 0) {
            const QByteArrayView bare = trimmed(element);
            if (!bare.isEmpty()) {
                const QString address = QString::fromUtf8(bare);
                if (SendmailAddress::isMailbox(
                        SendmailAddress::qualified(address, SendmailAddress::localDomain())))
                    result.addresses.append(address);
                else
                    result.invalid.append(address);
            }
        } else {
            QByteArrayView spec = trimmed(angle);
            // RFC 5322 obs-route "<@relay1,@relay2:user@domain>": only the mailbox counts.
            if (spec.startsWith('@') && spec.contains(':'))
                spec = trimmed(spec.sliced(spec.indexOf(':') + 1));
            const QString address = QString::fromUtf8(spec);
            if (angles == 1 && !inAngle
                && SendmailAddress::isMailbox(
                    SendmailAddress::qualified(address, SendmailAddress::localDomain())))
                result.addresses.append(address);
            else
                result.invalid.append(QString::fromUtf8(trimmed(element)) + QLatin1String(" <")
                    + address + QLatin1Char('>'));
        }
        element.clear();
        angle.clear();
        angles = 0;
        inAngle = false;
    };

    for (qsizetype i = 0; i < value.size(); ++i) {
        const char c = value.at(i);
        QByteArray &target = inAngle ? angle : element;
        if (c == '"') { // a quoted string, kept with its quotes and escapes
            target += c;
            for (++i; i < value.size() && value.at(i) != '"'; ++i) {
                if (value.at(i) == '\\' && i + 1 < value.size())
                    target += value.at(i++);
                target += value.at(i);
            }
            target += '"';
        } else if (c == '(') { // a comment, nested ones included: dropped
            int depth = 1;
            for (++i; i < value.size() && depth > 0; ++i) {
                if (value.at(i) == '\\')
                    ++i;
                else if (value.at(i) == '(')
                    ++depth;
                else if (value.at(i) == ')')
                    --depth;
            }
            --i;
        } else if (inAngle) {
            if (c == '>')
                inAngle = false;
            else
                angle += c;
        } else if (c == '<') {
            inAngle = true;
            ++angles;
            angle.clear();
        } else if (c == ',') {
            finish();
        } else if (c == ':' && !inGroup && angles == 0) {
            element.clear(); // "name:" opens a group; its name is no recipient
            inGroup = true;
        } else if (c == ';') { // ends a group; without one, a list separator as people write it
            finish();
            inGroup = false;
        } else {
            element += c;
        }
    }
    finish();
    return result;
}

QString SendmailAddress::localDomain()
{
    return QStringLiteral("localhost");
}

QString SendmailAddress::qualified(const QString &address, const QString &domain)
{
    if (domainSeparator(address) >= 0)
        return address;
    return address + QLatin1Char('@') + domain;
}

bool SendmailAddress::isMailbox(const QString &address)
{
    const qsizetype at = domainSeparator(address);
    if (at <= 0 || at == address.size() - 1)
        return false;
    bool quoted = false;
    for (qsizetype i = 0; i < address.size(); ++i) {
        const QChar c = address.at(i);
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
        if (quoted && c == QLatin1Char('\\')) {
            ++i;
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (!quoted
            && (QLatin1String(" <>(),;\\").contains(c) || (c == QLatin1Char('@') && i != at))) {
            return false;
        }
    }
    return !quoted;
}

SendmailMessage SendmailMessage::parse(QByteArrayView text)
{
    SendmailMessage message;
    qsizetype position = 0;
    bool firstLine = true;
    while (position < text.size()) {
        const qsizetype lineEnd = text.indexOf("\r\n", position);
        const qsizetype contentEnd = lineEnd < 0 ? text.size() : lineEnd;
        const qsizetype next = lineEnd < 0 ? text.size() : lineEnd + 2;
        const QByteArrayView line = text.sliced(position, contentEnd - position);
        QByteArray lineWithEnd = line.toByteArray() + "\r\n";
        if (line.isEmpty()) { // the blank line: the body follows
            message.m_body = text.sliced(next).toByteArray();
            return message;
        }
        if (firstLine && line.startsWith("From ") && !trimmed(line.sliced(4)).startsWith(':')) {
            // an mbox separator line, not a field
            firstLine = false;
            position = next;
            continue;
        }
        firstLine = false;
        if ((line.front() == ' ' || line.front() == '\t') && !message.m_fields.isEmpty()) {
            message.m_fields.last().lines += lineWithEnd;
            position = next;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
        while (!name.isEmpty() && (name.back() == ' ' || name.back() == '\t'))
            name.chop(1); // obsolete "Name : value"
        if (!isFieldName(name)) {
            message.m_body = text.sliced(position).toByteArray();
            return message;
        }
        message.m_fields.append({ name.toByteArray(), std::move(lineWithEnd) });
        position = next;
    }
    return message;
}

bool SendmailMessage::hasField(QByteArrayView name) const
{
    for (const Field &field : m_fields)
        if (field.name.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QList<QByteArray> SendmailMessage::values(QByteArrayView name) const
{
    QList<QByteArray> result;
    for (const Field &field : m_fields) {
        if (field.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        QByteArray value = field.lines.mid(field.lines.indexOf(':') + 1);
        value.replace("\r\n", ""); // RFC 5322 2.2.3: unfolding removes the CRLFs only
        result.append(trimmed(value).toByteArray());
    }
    return result;
}

SendmailAddressList SendmailMessage::recipients() const
{
    SendmailAddressList result;
    for (const Field &field : m_fields) {
        const QByteArray &name = field.name;
        if (name.compare("To", Qt::CaseInsensitive) != 0
            && name.compare("Cc", Qt::CaseInsensitive) != 0
            && name.compare("Bcc", Qt::CaseInsensitive) != 0)
            continue;
        QByteArray value = field.lines.mid(field.lines.indexOf(':') + 1);
        value.replace("\r\n", "");
        const SendmailAddressList list = SendmailAddressList::parse(value);
        for (const QString &address : list.addresses)
            if (!result.addresses.contains(address))
                result.addresses.append(address);
        result.invalid += list.invalid;
    }
    return result;
}

void SendmailMessage::removeFields(QByteArrayView name)
{
    m_fields.removeIf(
        [name](const Field &field) { return field.name.compare(name, Qt::CaseInsensitive) == 0; });
}

void SendmailMessage::appendField(QByteArrayView name, QByteArrayView value)
{
    m_fields.append(
        { name.toByteArray(), name.toByteArray() + ": " + value.toByteArray() + "\r\n" });
}

void SendmailMessage::addMissingFields(const QString &fromAddress, const QString &fullName,
    const QDateTime &now, const QString &domain)
{
    if (!hasField("From"))
        appendField("From", formatMailbox(fullName, fromAddress));
    if (!hasField("Date"))
        appendField("Date", formatDate(now));
    if (!hasField("Message-ID"))
        appendField("Message-ID",
            QByteArray('<' + QUuid::createUuid().toByteArray(QUuid::WithoutBraces) + '@'
                + domain.toUtf8() + '>'));
}

QByteArray SendmailMessage::toByteArray() const
{
    QByteArray result;
    qsizetype size = m_body.size() + 2;
    for (const Field &field : m_fields)
        size += field.lines.size();
    result.reserve(size);
    for (const Field &field : m_fields)
        result += field.lines;
    result += "\r\n";
    result += m_body;
    return result;
}

QByteArray SendmailMessage::formatDate(const QDateTime &time)
{
    static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
    static const char *const months[]
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const QDate date = time.date();
    const QTime clock = time.time();
    const int offset = time.offsetFromUtc() / 60;
    const int absolute = offset < 0 ? -offset : offset;
    return QString::asprintf("%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", days[date.dayOfWeek() - 1],
        date.day(), months[date.month() - 1], date.year(), clock.hour(), clock.minute(),
        clock.second(), offset < 0 ? '-' : '+', absolute / 60, absolute % 60)
        .toLatin1();
}

QByteArray SendmailMessage::formatMailbox(const QString &fullName, const QString &address)
{
    QString name;
    for (const QChar c : fullName) // a control character would break the header line
        name += c.unicode() < 0x20 || c.unicode() == 0x7f ? QLatin1Char(' ') : c;
    name = name.trimmed();
    if (name.isEmpty())
        return address.toUtf8();
    QByteArray phrase;
    bool ascii = true;
    for (const QChar c : name)
        ascii = ascii && c.unicode() < 0x80;
    if (!ascii) {
        phrase = encodedWords(name);
    } else if (isPlainPhrase(name)) {
        phrase = name.toLatin1();
    } else {
        phrase = '"' + name.toLatin1().replace('\\', "\\\\").replace('"', "\\\"") + '"';
    }
    return phrase + " <" + address.toUtf8() + '>';
}
