// Mailpit's header map, read straight from the raw bytes (the header block only).
#include "mailpitheaders.h"

#include "httptoken.h"

#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QString>

namespace {

QByteArray trimmedSpaces(QByteArrayView text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text.at(begin) == ' ' || text.at(begin) == '\t'))
        ++begin;
    while (end > begin && (text.at(end - 1) == ' ' || text.at(end - 1) == '\t'))
        --end;
    return text.sliced(begin, end - begin).toByteArray();
}

} // namespace

namespace MailpitHeaders {

QByteArray canonicalKey(const QByteArray &name)
{
    for (const char c : name) {
        if (!isHttpTokenChar(c))
            return name;
    }
    QByteArray key = name;
    bool upper = true;
    for (char &c : key) {
        if (upper && c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        upper = c == '-';
    }
    return key;
}

QJsonObject headers(const QByteArray &raw)
{
    // The lines of the header block, without their line ends.
    QList<QByteArrayView> lines;
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype end = raw.indexOf('\n', pos);
        if (end < 0)
            end = raw.size();
        QByteArrayView line = QByteArrayView(raw).sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break; // the end of the header block
        lines.append(line);
    }

    QMap<QByteArray, QList<QByteArray>> fields;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArrayView line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (line.front() == ' ' || line.front() == '\t' || colon <= 0)
            continue; // a continuation with no field before it, or no field at all
        QByteArray value = trimmedSpaces(line.sliced(colon + 1));
        while (i + 1 < lines.size()
            && (lines.at(i + 1).front() == ' ' || lines.at(i + 1).front() == '\t')) {
            value += ' ' + trimmedSpaces(lines.at(++i));
        }
        fields[canonicalKey(line.first(colon).toByteArray())].append(trimmedSpaces(value));
    }

    QJsonObject result;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        QJsonArray values;
        for (const QByteArray &value : it.value())
            values.append(QString::fromUtf8(value));
        result.insert(QString::fromUtf8(it.key()), values);
    }
    return result;
}

} // namespace MailpitHeaders
