// Reading one message from the store on a worker thread: the decoding behind every tab of the
// message view, done off the GUI thread.
#include "messageloader.h"

#include "messageattachments.h"
#include "messagewebsafety.h"

#include <QStringDecoder>

namespace {

QString sourceText(const QByteArray &raw)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8(raw);
    if (utf8.hasError())
        text = QString::fromLatin1(raw); // legacy 8-bit mail: show every octet as something
    return text;
}

} // namespace

LoadedMessage loadMessage(
    const MessageSource *store, qint64 id, quint64 sequence, const std::atomic<quint64> *latest)
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
    m.attachments = m.stored.attachments();
    m.releases = store->releases(id);
    const QByteArray raw = m.stored.message().data();
    m.sourceText = sourceText(raw);
    if (!m.stored.htmlBody().isEmpty())
        m.html = MessageWebSafety::prepareHtml(m.stored.htmlBody(), id);
    // Thumbnails last: each one decodes a part; give up as soon as nobody wants this message.
    for (const SmtpMimePart &a : std::as_const(m.attachments)) {
        if (stale())
            break;
        const QImage thumbnail = MessageAttachments::thumbnail(store, id, a);
        if (!thumbnail.isNull())
            m.thumbnails.insert(a.partId(), thumbnail);
    }
    return m;
}
