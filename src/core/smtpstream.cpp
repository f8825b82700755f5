#include "smtpstream.h"

#include "smtplog.h"

#include <QSocketNotifier>
#include <QSslSocket>

#include <memory>
#include <utility>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace {
// While a decision is pending the session reads nothing; the stream keeps at most this much, then
// TCP flow control pushes back on the client.
constexpr qint64 readBufferLimit = 1024 * 1024;

// Over Qt's socket: a QSslSocket when TLS is configured. Once Qt has closed it (at the client's
// end of input), nothing more is written: a TLS record cannot be made without it.
class SmtpSocketStream final : public SmtpStream
{
public:
    SmtpSocketStream(QTcpSocket *socket, QObject *parent)
        : SmtpStream(parent)
        , m_socket(socket)
    {
        m_socket->setParent(this);
    }

    bool open(qintptr descriptor)
    {
        if (!m_socket->setSocketDescriptor(descriptor))
            return false;
        m_peerAddress = m_socket->peerAddress();
        m_peerPort = m_socket->peerPort();
        m_socket->setReadBufferSize(readBufferLimit);
        connect(m_socket, &QTcpSocket::readyRead, this, &SmtpStream::readyRead);
        connect(m_socket, &QTcpSocket::bytesWritten, this, &SmtpStream::bytesWritten);
        connect(m_socket, &QTcpSocket::disconnected, this, &SmtpSocketStream::onDisconnected);
        connect(
            m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
                qCDebug(lcSmtpConnection)
                    << m_peerAddress << "socket error" << error << m_socket->errorString();
                // Qt drops what it has read but not handed out yet when it aborts after an
                // error (say, a reply written to a client that reset the connection): kept.
                if (m_socket->isOpen())
                    m_left += m_socket->readAll();
                if (m_socket->state() != QAbstractSocket::ConnectedState)
                    onDisconnected();
            });
        if (QSslSocket *ssl = sslSocket())
            connect(ssl, &QSslSocket::encryptedBytesWritten, this, &SmtpStream::bytesWritten);
        return true;
    }

    qint64 bytesAvailable() const override
    {
        return m_left.size() + (m_socket->isOpen() ? m_socket->bytesAvailable() : 0);
    }

    QByteArray read(qint64 maxSize) override
    {
        if (m_left.isEmpty())
            return m_socket->isOpen() ? m_socket->read(maxSize) : QByteArray();
        const QByteArray piece = m_left.left(maxSize);
        m_left.remove(0, piece.size());
        return piece;
    }

    void write(const QByteArray &bytes) override
    {
        if (m_gone)
            return;
        m_socket->write(bytes);
        // Now, not on the event loop's next turn: QAbstractSocket only buffers the bytes and arms
        // its write notifier, which costs a poll and a wake-up per reply, and the client
        // (waiting for each reply in turn) the time of that extra turn. It may find the client
        // gone: disconnected() is emitted from within.
        m_socket->flush();
    }

    qint64 bytesToWrite() const override
    {
        const QSslSocket *ssl = sslSocket();
        return m_socket->bytesToWrite() + (ssl ? ssl->encryptedBytesToWrite() : 0);
    }

    void close() override
    {
        QSslSocket *ssl = sslSocket();
        // Mid-handshake there is no way to say goodbye: a 421 would wait in the write buffer
        // (and the connection with it) forever.
        if (ssl && ssl->mode() == QSslSocket::SslServerMode && !ssl->isEncrypted())
            m_socket->abort();
        else
            m_socket->disconnectFromHost();
    }

    void abort() override { m_socket->abort(); }

    void release() override { m_socket->abort(); }

    QSslSocket *sslSocket() const override { return qobject_cast<QSslSocket *>(m_socket); }

    SmtpStream *startTls(QObject *) override
    {
        discardInput();
        return this;
    }

    // Written ahead of what the stream writes itself: a plain stream's replies not yet taken.
    void writeFirst(const QByteArray &bytes) { m_socket->write(bytes); }

private:
    void onDisconnected()
    {
        if (m_gone)
            return;
        m_gone = true;
        Q_EMIT disconnected();
    }

    // Input read and not taken is dropped (plaintext before a TLS handshake).
    void discardInput()
    {
        m_left.clear();
        m_socket->skip(m_socket->bytesAvailable());
    }

    QTcpSocket *m_socket;
    QByteArray m_left; // what Qt had read when an error ended the connection
    bool m_gone = false;
};

#ifdef Q_OS_UNIX
// Over the descriptor itself. It stays open after the client closed its side, so the replies to
// what it sent before still reach it, until close(), abort() or release().
class SmtpPlainStream final : public SmtpStream
{
public:
    SmtpPlainStream(int descriptor, QObject *parent)
        : SmtpStream(parent)
        , m_fd(descriptor)
        , m_readNotifier(descriptor, QSocketNotifier::Read, this)
    {
        // QTcpServer accepts a blocking descriptor (QAbstractSocket made it non-blocking when
        // it took it over). It stays so, for one system call less: every recv() and send()
        // here says MSG_DONTWAIT, and a QSslSocket that takes it over (startTls()) sets the
        // mode itself. A plain read() or write() on it would block the event loop.
        connect(&m_readNotifier, &QSocketNotifier::activated, this, &SmtpPlainStream::onReadable);
    }

    ~SmtpPlainStream() override { release(); }

    bool open()
    {
        sockaddr_storage peer {};
        socklen_t length = sizeof peer;
        if (::getpeername(m_fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0)
            return false;
        m_peerAddress = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
        if (peer.ss_family == AF_INET6)
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_port);
        else if (peer.ss_family == AF_INET)
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in *>(&peer)->sin_port);
        return !m_peerAddress.isNull();
    }

    qint64 bytesAvailable() const override { return m_input.size() - m_inputPos; }

    QByteArray read(qint64 maxSize) override
    {
        const qint64 size = qMin(maxSize, bytesAvailable());
        QByteArray piece(m_input.constData() + m_inputPos, size);
        m_inputPos += size;
        if (m_inputPos == m_input.size()) {
            m_input.clear();
            m_inputPos = 0;
        }
        if (m_fd >= 0 && !m_inputEnded && !m_closing && !m_readNotifier.isEnabled()
            && bytesAvailable() < readBufferLimit)
            m_readNotifier.setEnabled(true);
        return piece;
    }

    void write(const QByteArray &bytes) override
    {
        if (m_fd < 0 || bytes.isEmpty())
            return;
        if (m_outputPos < m_output.size()) { // the client has not taken the earlier ones yet
            m_output.append(bytes);
            return;
        }
        const ssize_t sent
            = ::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent == bytes.size())
            return;
        if (sent < 0 && !wouldBlock()) {
            writeFailed();
            return;
        }
        m_output = bytes.mid(qMax<qsizetype>(sent, 0));
        m_outputPos = 0;
        if (!m_writeNotifier) {
            m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
            connect(
                m_writeNotifier, &QSocketNotifier::activated, this, &SmtpPlainStream::onWritable);
        } else {
            m_writeNotifier->setEnabled(true);
        }
    }

    qint64 bytesToWrite() const override { return m_output.size() - m_outputPos; }

    void close() override
    {
        // Nothing more is read, as QAbstractSocket::disconnectFromHost() did: the client's end
        // of input would otherwise end the connection (disconnected()) before it has taken the
        // replies still here.
        m_closing = true;
        m_readNotifier.setEnabled(false);
        if (bytesToWrite() == 0)
            end();
    }

    void abort() override { end(); }

    void release() override
    {
        const int descriptor = takeDescriptor();
        if (descriptor >= 0)
            ::close(descriptor);
        dropOutput();
    }

    SmtpStream *startTls(QObject *parent) override
    {
        if (m_fd < 0 || m_inputEnded)
            return nullptr;
        auto *tls = new SmtpSocketStream(new QSslSocket, parent);
        const int descriptor = takeDescriptor();
        if (!tls->open(descriptor)) {
            ::close(descriptor);
            delete tls;
            return nullptr;
        }
        if (bytesToWrite() > 0)
            tls->writeFirst(m_output.mid(m_outputPos));
        dropOutput();
        discardInput();
        return tls;
    }

private:
    // The descriptor leaves the stream, open: the notifiers let go of it first (epoll forgets it).
    int takeDescriptor()
    {
        m_readNotifier.setEnabled(false);
        delete m_writeNotifier;
        m_writeNotifier = nullptr;
        return std::exchange(m_fd, -1);
    }

    void dropOutput()
    {
        m_output.clear();
        m_outputPos = 0;
    }

    // Input read and not taken is dropped (plaintext before a TLS handshake).
    void discardInput()
    {
        m_input.clear();
        m_inputPos = 0;
    }

    static bool wouldBlock() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

    void onReadable()
    {
        if (bytesAvailable() >= readBufferLimit) { // taken up again by read()
            m_readNotifier.setEnabled(false);
            return;
        }
        const ssize_t got = receive();
        if (got > 0) {
            Q_EMIT readyRead();
            return;
        }
        if (got < 0 && wouldBlock())
            return;
        // 0: the client closed its side (it may read on); else reset.
        m_inputEnded = true;
        m_readNotifier.setEnabled(false);
        notifyDisconnected();
    }

    // One recv() of as much as the bound allows (64 KiB at most), into the thread's scratch
    // buffer: the stream keeps only what came, so an idle connection holds no buffer at all.
    ssize_t receive()
    {
        constexpr qint64 scratchBytes = 64 * 1024;
        thread_local std::unique_ptr<char[]> scratch;
        if (!scratch)
            scratch = std::make_unique<char[]>(scratchBytes);
        const qint64 room = qMin(scratchBytes, readBufferLimit - bytesAvailable());
        const ssize_t got = ::recv(m_fd, scratch.get(), size_t(room), MSG_DONTWAIT);
        if (got > 0) {
            if (m_inputPos > 0) { // what was taken goes before the buffer grows
                m_input.remove(0, m_inputPos);
                m_inputPos = 0;
            }
            m_input.append(scratch.get(), got);
        }
        return got;
    }

    void onWritable()
    {
        const ssize_t sent = ::send(m_fd, m_output.constData() + m_outputPos,
            size_t(m_output.size() - m_outputPos), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (!wouldBlock())
                writeFailed();
            return;
        }
        m_outputPos += sent;
        if (m_outputPos == m_output.size()) {
            dropOutput();
            m_writeNotifier->setEnabled(false);
            if (m_closing) {
                end();
                return;
            }
        }
        Q_EMIT bytesWritten();
    }

    void writeFailed()
    {
        // The client reset the connection, or it is gone. What it sent before is still taken
        // (bytesAvailable()): a client that writes its whole session and closes without reading
        // the greeting resets the connection at our first reply, and its mail has arrived.
        while (!m_inputEnded && bytesAvailable() < readBufferLimit && receive() > 0) { }
        dropOutput();
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
        m_inputEnded = true;
        m_readNotifier.setEnabled(false);
        notifyDisconnected();
    }

    void end()
    {
        release();
        notifyDisconnected();
    }

    void notifyDisconnected()
    {
        if (m_disconnected)
            return;
        m_disconnected = true;
        Q_EMIT disconnected();
    }

    int m_fd;
    QSocketNotifier m_readNotifier;
    QSocketNotifier *m_writeNotifier = nullptr; // made when the client first lags behind
    QByteArray m_input;
    qsizetype m_inputPos = 0; // taken up to here
    QByteArray m_output; // what the kernel did not take yet
    qsizetype m_outputPos = 0;
    bool m_inputEnded = false;
    bool m_closing = false;
    bool m_disconnected = false;
};
#endif
} // namespace

SmtpStream *SmtpStream::create(qintptr descriptor, bool tls, bool implicitTls, QObject *parent)
{
#ifdef Q_OS_UNIX
    if (!implicitTls) {
        auto *stream = new SmtpPlainStream(int(descriptor), parent);
        if (stream->open())
            return stream;
        delete stream;
        return nullptr;
    }
#endif
    auto *stream = new SmtpSocketStream(tls ? new QSslSocket : new QTcpSocket, parent);
    if (stream->open(descriptor))
        return stream;
    delete stream;
    return nullptr;
}
