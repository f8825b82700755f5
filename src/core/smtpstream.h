// A client connection's bytes, as SmtpConnection moves them: what the client sent, buffered up to
// a bound, and the replies, written at once. Two kinds:
// - SmtpPlainStream: the descriptor itself, for every connection that starts in plain text. Every
//   system call Qt's socket makes beside the read and the write (an ioctl before every read, the
//   descriptor's options and names when it is taken over) costs a few microseconds in a VM, and
//   a connection that carries one message made about a dozen of them.
// - SmtpSocketStream: Qt's QSslSocket, from the start on an implicit-TLS listener, or from
//   STARTTLS on (startTls()). Elsewhere than on Unix, Qt's socket for every connection.
#pragma once

#include "smtpreceiver_global.h"

#include <QHostAddress>
#include <QObject>

class QSslSocket;

class SMTPRECEIVER_TEST_EXPORT SmtpStream : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // A stream over a connection the listener accepted; null when the descriptor is unusable.
    // tls: the server has TLS configured; implicitTls: the listener's connections start with the
    // handshake (sslSocket() starts it).
    static SmtpStream *create(qintptr descriptor, bool tls, bool implicitTls, QObject *parent);

    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }

    // What the client sent and the stream has read, not taken yet. More may wait in the kernel:
    // readyRead() tells when the stream has read it.
    virtual qint64 bytesAvailable() const = 0;
    virtual QByteArray read(qint64 maxSize) = 0;

    // Written at once as far as the kernel takes it; the rest when the client takes more. Also
    // after disconnected() (the client closed its side): the replies to what it sent before
    // still reach a client that reads on (`nc -N`, a script's pipe). Over Qt's socket (TLS), not
    // once Qt has closed it.
    virtual void write(const QByteArray &bytes) = 0;
    // Written and not yet taken by the kernel.
    virtual qint64 bytesToWrite() const = 0;
    // Ends the connection once the replies written are out, reading nothing meanwhile;
    // disconnected() follows.
    virtual void close() = 0;
    // Ends it now.
    virtual void abort() = 0;
    // Not one byte more goes to the client; the descriptor is closed (the session is over).
    virtual void release() = 0;

    // The QSslSocket of a stream with TLS, else null.
    virtual QSslSocket *sslSocket() const { return nullptr; }
    // For STARTTLS: a stream over a QSslSocket that takes over this one's connection (the input
    // read and not taken is dropped; the replies not yet taken go first), or this stream when it
    // has its QSslSocket already. This stream is then spent: delete it later, not from within
    // one of its signals. Null when the connection is gone.
    virtual SmtpStream *startTls(QObject *parent) = 0;

Q_SIGNALS:
    void readyRead();
    // The client took replies: bytesToWrite() is lower.
    void bytesWritten();
    // The client closed its side, reset the connection, or the stream ended it.
    void disconnected();

protected:
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
};
