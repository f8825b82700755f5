#include "smtpspoolfile.h"

#include "offsetreader.h"

#include <QDir>

namespace {

// One reader of a spool: its own position, the spool's file shared under the spool's lock.
class SpoolReader : public OffsetReader
{
public:
    explicit SpoolReader(std::shared_ptr<SmtpSpoolFile> spool)
        : OffsetReader(spool->size())
        , m_spool(std::move(spool))
    { }

protected:
    qint64 readAt(qint64 position, char *data, qint64 maxSize) override
    {
        return m_spool->read(position, data, maxSize);
    }

private:
    std::shared_ptr<SmtpSpoolFile> m_spool;
};

} // namespace

SmtpSpoolFile::SmtpSpoolFile(const QString &pattern)
    : m_file(pattern)
{ }

std::shared_ptr<SmtpSpoolFile> SmtpSpoolFile::create(const QString &directory, QString *errorString)
{
    if (!QDir().mkpath(directory)) {
        *errorString = QStringLiteral("cannot create %1").arg(directory);
        return nullptr;
    }
    std::shared_ptr<SmtpSpoolFile> spool(
        new SmtpSpoolFile(directory + QStringLiteral("/smtp-receiver-spool-XXXXXX")));
    // fileName() is never asked for: on Linux the file stays unnamed (O_TMPFILE).
    if (!spool->m_file.open()) {
        *errorString = spool->m_file.errorString();
        return nullptr;
    }
    return spool;
}

bool SmtpSpoolFile::append(QByteArrayView octets)
{
    QMutexLocker lock(&m_mutex);
    if (!m_file.seek(m_size) || m_file.write(octets.data(), octets.size()) != octets.size()
        || !m_file.flush())
        return false; // a full disk shows here, not at the end of the body
    m_size += octets.size();
    return true;
}

qint64 SmtpSpoolFile::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_size;
}

std::unique_ptr<QIODevice> SmtpSpoolFile::open()
{
    return std::make_unique<SpoolReader>(shared_from_this());
}

qint64 SmtpSpoolFile::read(qint64 position, char *data, qint64 maxSize)
{
    QMutexLocker lock(&m_mutex);
    if (!m_file.seek(position))
        return -1;
    return m_file.read(data, qMin(maxSize, m_size - position));
}
