// OffsetReader: a read-only, seekable QIODevice over something that is read at an offset (a
// spool file shared by several readers, an SQLite blob). A subclass says how to read at a
// position; the position itself is QIODevice's own.
#pragma once

#include <QIODevice>

class OffsetReader : public QIODevice
{
public:
    explicit OffsetReader(qint64 size)
        : m_size(size)
    {
        QIODevice::open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return false; }
    qint64 size() const override { return m_size; }
    bool seek(qint64 position) override
    {
        return position >= 0 && position <= m_size && QIODevice::seek(position);
    }

protected:
    // Reads up to maxSize bytes (never past the end) at position: bytes read, or -1.
    virtual qint64 readAt(qint64 position, char *data, qint64 maxSize) = 0;

    qint64 readData(char *data, qint64 maxSize) override
    {
        return readAt(pos(), data, qMin(maxSize, m_size - pos()));
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    const qint64 m_size;
};
