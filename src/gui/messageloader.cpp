// Reading one message from the store on a worker thread: the decoding behind every tab of the
// message view, done off the GUI thread.
#include "messageloader.h"

#include "messageattachments.h"
#include "messagewebsafety.h"
#include "mime/mimeheaders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace {

QList<HeaderField> parseHeaders(const QByteArray &raw)
{
    QList<HeaderField> fields;
    const QByteArrayView block = MimeHeaders::headerBlock(raw);
    QByteArray name;
    QByteArray value;
    bool open = false;
    auto flush = [&] {
        if (!open)
            return;
        const QByteArray unfolded = value.trimmed();
        HeaderField field;
        field.name = QString::fromLatin1(name.trimmed());
        field.raw = QString::fromUtf8(unfolded);
        field.value = MimeHeaders::decodeText(unfolded);
        fields.append(field);
        open = false;
    };
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        QByteArrayView line = block.sliced(pos, end - pos);
        pos = end + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        if ((line.front() == ' ' || line.front() == '\t') && open) {
            value += line.toByteArray(); // unfolding removes the line break only (RFC 5322 2.2.3)
            continue;
        }
        flush();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) { // not a header at all: shown as it is, without a name
            name.clear();
            value = line.toByteArray();
        } else {
            name = line.first(colon).toByteArray();
            value = line.sliced(colon + 1).toByteArray();
        }
        open = true;
    }
    flush();
    return fields;
}

QString sourceText(const QByteArray &raw)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(raw);
    if (utf8.hasError())
        text = QString::fromLatin1(raw); // legacy 8-bit mail: show every octet as something
    return text;
}

QJsonArray jsonArray(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).array();
}

} // namespace

LoadedMessage loadMessage(
    const SmtpMessageStore *store, qint64 id, quint64 sequence, const std::atomic<quint64> *latest)
{
    LoadedMessage m;
    m.id = id;
    m.sequence = sequence;
    auto stale = [&] { return latest->load() != sequence; };
    if (stale()) {
        m.stale = true;
        return m;
    }
    std::optional<SmtpStoredMessage> stored = store->message(id);
    if (!stored)
        return m;
    m.found = true;
    m.stored = *stored;
    const QByteArray raw = m.stored.message.data();
    m.headers = parseHeaders(raw);
    m.sourceText = sourceText(raw);
    if (!m.stored.htmlBody.isEmpty())
        m.html = MessageWebSafety::prepareHtml(m.stored.htmlBody, id);

    for (const QJsonValue &v : jsonArray(m.stored.attachmentsJson)) {
        const QJsonObject o = v.toObject();
        AttachmentInfo a;
        a.part = o.value(QLatin1String("part")).toInt(-1);
        a.name = o.value(QLatin1String("name")).toString();
        a.type = o.value(QLatin1String("type")).toString();
        a.size = o.value(QLatin1String("size")).toInteger();
        a.contentId = o.value(QLatin1String("contentId")).toString();
        a.isInline = o.value(QLatin1String("inline")).toBool();
        m.attachments.append(a);
    }
    for (const QJsonValue &v : jsonArray(m.stored.partsJson)) {
        const QJsonObject o = v.toObject();
        PartInfo p;
        p.index = o.value(QLatin1String("index")).toInt();
        p.parent = o.value(QLatin1String("parent")).toInt(-1);
        p.depth = o.value(QLatin1String("depth")).toInt();
        p.type = o.value(QLatin1String("type")).toString();
        p.charset = o.value(QLatin1String("charset")).toString();
        p.encoding = o.value(QLatin1String("encoding")).toString();
        p.disposition = o.value(QLatin1String("disposition")).toString();
        p.name = o.value(QLatin1String("name")).toString();
        p.contentId = o.value(QLatin1String("contentId")).toString();
        p.size = o.value(QLatin1String("size")).toInteger();
        m.parts.append(p);
    }
    for (const QJsonValue &v : jsonArray(m.stored.findingsJson)) {
        const QJsonObject o = v.toObject();
        m.findings.append({ o.value(QLatin1String("kind")).toString(),
            o.value(QLatin1String("detail")).toString() });
    }
    // Thumbnails last: each one decodes a part; give up as soon as nobody wants this message.
    for (AttachmentInfo &a : m.attachments) {
        if (stale())
            break;
        a.thumbnail = MessageAttachments::thumbnail(store, id, a);
    }
    return m;
}
