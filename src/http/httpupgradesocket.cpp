// HttpUpgradeSocket: the 101's head held back until it is whole, then written rewritten.
#include "httpupgradesocket.h"

namespace {
// A head to rewrite that has not ended by then is not one: it is written as it came.
constexpr qsizetype maxHeadSize = 16 * 1024;
} // namespace

HttpUpgradeSocket::HttpUpgradeSocket(QObject *parent)
    : QTcpSocket(parent)
{ }

void HttpUpgradeSocket::rewriteNextHead(const QByteArray &fields)
{
    m_rewriting = true;
    m_fields = fields;
    m_written.clear();
}

QByteArray HttpUpgradeSocket::rewrittenHead(const QByteArray &head, const QByteArray &fields)
{
    constexpr QByteArrayView corsPrefix = "access-control-";
    QByteArray out;
    out.reserve(head.size() + fields.size());
    qsizetype at = 0;
    while (at < head.size()) {
        const qsizetype crlf = head.indexOf("\r\n", at);
        const qsizetype end = crlf < 0 ? head.size() : crlf + 2;
        const QByteArrayView line = QByteArrayView(head).sliced(at, end - at);
        at = end;
        if (line == "\r\n") { // the end of the head: the fields go before it
            out += fields;
            out += line;
            out += QByteArrayView(head).sliced(at);
            break;
        }
        if (line.size() >= corsPrefix.size()
            && line.first(corsPrefix.size()).compare(corsPrefix, Qt::CaseInsensitive) == 0)
            continue;
        out += line;
    }
    return out;
}

qint64 HttpUpgradeSocket::writeData(const char *data, qint64 size)
{
    if (!m_rewriting)
        return QTcpSocket::writeData(data, size);
    m_written.append(data, size);
    const qsizetype end = m_written.indexOf("\r\n\r\n");
    if (end < 0 && m_written.size() <= maxHeadSize)
        return size; // held back until the head is whole
    m_rewriting = false;
    const QByteArray out = end < 0
        ? m_written
        : rewrittenHead(m_written.first(end + 4), m_fields) + m_written.sliced(end + 4);
    m_written.clear();
    m_fields.clear();
    return QTcpSocket::writeData(out.constData(), out.size()) < 0 ? -1 : size;
}
