// SmtpStream over a plain descriptor (no TLS configured): what an SMTP connection relies on of
// its socket, on a real loopback TCP connection. The client's side is a plain descriptor too, so
// that the test decides when it reads, writes, closes its side or resets.
#include "smtpstream.h"

#include <QSignalSpy>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

namespace {
constexpr qint64 readLimit = 1024 * 1024; // SmtpStream's bound of input read and not taken

QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char('a' + (i * 7 + i / 4096) % 26);
    return bytes;
}

// More than loopback's buffers hold: some of it waits in the stream.
constexpr qsizetype bigReply = 32 * 1024 * 1024;

// A connected pair of TCP descriptors on 127.0.0.1, both blocking (as QTcpServer accepts them):
// the client's, and the server's in a plain SmtpStream.
struct Connection
{
    int client = -1;
    int server = -1;
    quint16 clientPort = 0;
    std::unique_ptr<SmtpStream> stream;

    Connection()
    {
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (::bind(listener, reinterpret_cast<sockaddr *>(&address), length) != 0
            || ::listen(listener, 1) != 0
            || ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
            ::close(listener);
            return;
        }
        client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(client, reinterpret_cast<sockaddr *>(&address), length) == 0)
            server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        sockaddr_in local {};
        length = sizeof local;
        ::getsockname(client, reinterpret_cast<sockaddr *>(&local), &length);
        clientPort = ntohs(local.sin_port);
        ::close(listener);
        if (server >= 0)
            stream.reset(SmtpStream::create(server, false, false, nullptr));
    }
    ~Connection() { closeClient(); }

    void closeClient()
    {
        if (client >= 0)
            ::close(client);
        client = -1;
    }

    void sendAll(const QByteArray &bytes) const
    {
        qsizetype done = 0;
        while (done < bytes.size()) {
            const ssize_t sent = ::send(
                client, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
            if (sent <= 0)
                return;
            done += sent;
        }
    }

    // What the client can read now, without waiting (0 bytes and eof at the end of the stream).
    QByteArray receiveNow(bool *eof = nullptr) const
    {
        QByteArray bytes;
        char buffer[65536];
        for (;;) {
            const ssize_t got = ::recv(client, buffer, sizeof buffer, MSG_DONTWAIT);
            if (got > 0) {
                bytes.append(buffer, got);
                continue;
            }
            if (eof)
                *eof = got == 0;
            return bytes;
        }
    }

    // Reads while the server's event loop runs, until `size` bytes came or the stream ended.
    QByteArray receive(qsizetype size, bool *eof = nullptr) const
    {
        QByteArray bytes;
        bool ended = false;
        QDeadlineTimer deadline(20000);
        while (bytes.size() < size && !ended && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            bytes += receiveNow(&ended);
        }
        if (eof)
            *eof = ended;
        return bytes;
    }
};
} // namespace

class TestSmtpStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup() { m_connection.reset(); }
    void readsWhatTheClientSent();
    void keepsAtMostOneMebibyteUnread();
    void writesLaterWhatTheKernelDidNotTake();
    void closeWaitsForTheRepliesToGoOut();
    void repliesReachAClientThatClosedItsSide();
    void whatAResettingClientSentIsStillTaken();
    void startTlsHandsTheConnectionToQtsSocket();

private:
    std::unique_ptr<Connection> m_connection; // a new one for every case
};

void TestSmtpStream::init()
{
    m_connection = std::make_unique<Connection>();
    QVERIFY(m_connection->stream);
}

void TestSmtpStream::readsWhatTheClientSent()
{
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    QCOMPARE(stream->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(stream->peerPort(), connection.clientPort);

    QSignalSpy readyRead(stream, &SmtpStream::readyRead);
    connection.sendAll("EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n");
    QTRY_COMPARE(stream->bytesAvailable(), 48);
    QVERIFY(readyRead.count() >= 1);
    QCOMPARE(stream->read(21), QByteArray("EHLO client.example\r\n"));
    QCOMPARE(stream->read(100), QByteArray("MAIL FROM:<a@example.org>\r\n"));
    QCOMPARE(stream->bytesAvailable(), 0);
}

void TestSmtpStream::keepsAtMostOneMebibyteUnread()
{
    // A session waiting for an answer reads nothing: the stream stops at its bound, and TCP flow
    // control pushes back on the client. Once it is taken, the rest follows, in order.
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    ::fcntl(connection.client, F_SETFL, O_NONBLOCK);
    const QByteArray sent = pattern(3 * readLimit);
    qsizetype offset = 0;
    const auto sendSome = [&] {
        const ssize_t n = ::send(connection.client, sent.constData() + offset,
            size_t(sent.size() - offset), MSG_NOSIGNAL);
        if (n > 0)
            offset += n;
    };
    QDeadlineTimer deadline(20000);
    while (stream->bytesAvailable() < readLimit && !deadline.hasExpired()) {
        sendSome();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    QCOMPARE(stream->bytesAvailable(), readLimit);
    for (int i = 0; i < 20; ++i) { // more is offered, and still not read
        sendSome();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    QVERIFY2(offset > readLimit + 64 * 1024, QByteArray::number(offset));
    QCOMPARE(stream->bytesAvailable(), readLimit);

    QByteArray received;
    deadline.setRemainingTime(20000);
    while (received.size() < sent.size() && !deadline.hasExpired()) {
        sendSome();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        received += stream->read(256 * 1024);
    }
    QCOMPARE(received.size(), sent.size());
    QVERIFY(received == sent);
}

void TestSmtpStream::writesLaterWhatTheKernelDidNotTake()
{
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    QSignalSpy bytesWritten(stream, &SmtpStream::bytesWritten);
    const QByteArray reply = pattern(bigReply);
    stream->write(reply.left(1000));
    stream->write(reply.mid(1000));
    QVERIFY(stream->bytesToWrite() > 0);

    QVERIFY(connection.receive(reply.size()) == reply);
    QCOMPARE(stream->bytesToWrite(), 0);
    QVERIFY(bytesWritten.count() >= 1);
}

void TestSmtpStream::closeWaitsForTheRepliesToGoOut()
{
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    QSignalSpy disconnected(stream, &SmtpStream::disconnected);
    const QByteArray reply = pattern(bigReply);
    stream->write(reply);
    stream->close();
    QCOMPARE(disconnected.count(), 0);
    // The client closes its side before it reads (a QUIT, then `nc -N`): still not the end.
    ::shutdown(connection.client, SHUT_WR);
    QTest::qWait(100);
    QCOMPARE(disconnected.count(), 0);

    bool eof = false;
    QVERIFY(connection.receive(reply.size() + 1, &eof) == reply);
    QVERIFY(eof);
    QCOMPARE(disconnected.count(), 1);
}

void TestSmtpStream::repliesReachAClientThatClosedItsSide()
{
    // `printf '...QUIT\r\n' | nc -N`: the client sends its session and closes its side, then
    // reads the replies.
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    QSignalSpy disconnected(stream, &SmtpStream::disconnected);
    connection.sendAll("QUIT\r\n");
    ::shutdown(connection.client, SHUT_WR);
    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(stream->read(100), QByteArray("QUIT\r\n"));

    stream->write("221 2.0.0 Bye\r\n");
    QCOMPARE(connection.receive(15), QByteArray("221 2.0.0 Bye\r\n"));
    stream->release();
    bool eof = false;
    QCOMPARE(connection.receive(1, &eof), QByteArray());
    QVERIFY(eof);
}

void TestSmtpStream::whatAResettingClientSentIsStillTaken()
{
    // A client that writes its whole session and closes without reading the greeting: its close
    // is a reset, which the server's next reply meets. What it sent has arrived all the same.
    Connection &connection = *m_connection;
    SmtpStream *stream = connection.stream.get();
    QSignalSpy disconnected(stream, &SmtpStream::disconnected);
    stream->write("220 greeting, never read\r\n");
    // More than one read takes (64 KiB), and less than the server's receive window: all of it
    // is in the server's kernel before the reset. No event is processed meanwhile.
    const QByteArray sent = pattern(100 * 1000);
    connection.sendAll(sent);
    int arrived = 0;
    for (int i = 0; i < 200 && arrived < sent.size(); ++i) {
        QTest::qSleep(10);
        ::ioctl(connection.server, FIONREAD, &arrived);
    }
    QCOMPARE(arrived, sent.size());
    connection.closeClient();
    QTest::qSleep(50); // so does the reset

    stream->write("250 2.1.0 OK\r\n");
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(stream->bytesAvailable(), sent.size());
    QVERIFY(stream->read(sent.size()) == sent);
}

void TestSmtpStream::startTlsHandsTheConnectionToQtsSocket()
{
    // STARTTLS: a QSslSocket takes the descriptor over. Nothing read before it is handed on
    // (plaintext pipelined behind STARTTLS must not pass for TLS input), the connection itself
    // stays open, and what follows goes through the new stream.
    Connection &connection = *m_connection;
    std::unique_ptr<SmtpStream> plain = std::move(connection.stream);
    QVERIFY(!plain->sslSocket());
    connection.sendAll("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n");
    QTRY_COMPARE(plain->bytesAvailable(), 40);
    QCOMPARE(plain->read(10), QByteArray("STARTTLS\r\n"));
    plain->write("220 2.0.0 Ready to start TLS\r\n");

    const std::unique_ptr<SmtpStream> tls(plain->startTls(nullptr));
    QVERIFY(tls);
    QVERIFY(tls.get() != plain.get());
    QVERIFY(tls->sslSocket());
    QCOMPARE(tls->peerPort(), connection.clientPort);
    QCOMPARE(tls->bytesAvailable(), 0);
    plain.reset(); // spent: its end is not the connection's

    QCOMPARE(connection.receive(30), QByteArray("220 2.0.0 Ready to start TLS\r\n"));
    connection.sendAll("still there\r\n"); // no handshake started: plain text both ways
    QTRY_COMPARE(tls->bytesAvailable(), 13);
    QCOMPARE(tls->read(13), QByteArray("still there\r\n"));
    tls->write("250 yes\r\n");
    QCOMPARE(connection.receive(9), QByteArray("250 yes\r\n"));
}

QTEST_GUILESS_MAIN(TestSmtpStream)
#include "tst_smtpstream.moc"
