// A message body that outgrew memory, kept in a temporary file while it arrives (the session's
// SmtpBodySpool): written by the session, read back by the sinks through devices of their own,
// from any thread. On Linux the file has no name at all (O_TMPFILE), so not even a kill -9 leaves
// it behind; elsewhere it is removed with the last reference. Either way nothing of a body
// outlives the transaction and the deliveries that read it.
#pragma once

#include "smtpbodyspool.h"
#include "smtpreceiver_global.h"

#include <QMutex>
#include <QTemporaryFile>

class QIODevice;

class SMTPRECEIVER_TEST_EXPORT SmtpSpoolFile : public SmtpBodySpool,
                                               public std::enable_shared_from_this<SmtpSpoolFile>
{
public:
    // A spool in directory (made if missing); null, with *errorString, when none can be made.
    static std::shared_ptr<SmtpSpoolFile> create(const QString &directory, QString *errorString);

    bool append(QByteArrayView octets) override;
    qint64 size() const;
    // A device over the octets appended so far; it keeps the spool alive while it is open.
    std::unique_ptr<QIODevice> open();

    // Reads up to maxSize octets from position; -1 on an error.
    qint64 read(qint64 position, char *data, qint64 maxSize);

private:
    explicit SmtpSpoolFile(const QString &pattern);

    mutable QMutex m_mutex;
    QTemporaryFile m_file;
    qint64 m_size = 0;
};
