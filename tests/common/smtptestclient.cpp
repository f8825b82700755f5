#include "smtptestclient.h"

#include <QDeadlineTimer>
#include <QTest>

SmtpTestClient::SmtpTestClient()
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_socket.setSslConfiguration(config);
}

bool SmtpTestClient::connectTo(quint16 port, bool implicitTls)
{
    if (implicitTls)
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    else
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        if (implicitTls ? m_socket.isEncrypted()
                        : m_socket.state() == QAbstractSocket::ConnectedState)
            return true;
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return false;
        QTest::qWait(1);
    }
    return false;
}

QByteArray SmtpTestClient::readReply(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        m_buffer += m_socket.readAll();
        // A reply ends with a line whose fourth octet is a space (or that is just the code).
        qsizetype pos = 0;
        while (pos < m_buffer.size()) {
            const qsizetype end = m_buffer.indexOf("\r\n", pos);
            if (end < 0)
                break;
            const QByteArray line = m_buffer.mid(pos, end - pos);
            pos = end + 2;
            if (line.size() < 4 || line.at(3) != '-') {
                const QByteArray reply = m_buffer.left(pos);
                m_buffer.remove(0, pos);
                return reply;
            }
        }
        if (deadline.hasExpired() || m_socket.state() == QAbstractSocket::UnconnectedState) {
            m_buffer += m_socket.readAll();
            return {};
        }
        QTest::qWait(1);
    }
}

void SmtpTestClient::send(const QByteArray &raw)
{
    m_socket.write(raw);
    m_socket.flush();
}

QByteArray SmtpTestClient::command(const QByteArray &line, int timeoutMs)
{
    send(line + "\r\n");
    return readReply(timeoutMs);
}

bool SmtpTestClient::startTls()
{
    if (code(command("STARTTLS")) != 220)
        return false;
    m_socket.startClientEncryption();
    QDeadlineTimer deadline(5000);
    while (!m_socket.isEncrypted() && !deadline.hasExpired()
        && m_socket.state() == QAbstractSocket::ConnectedState)
        QTest::qWait(1);
    return m_socket.isEncrypted();
}

bool SmtpTestClient::waitForClosed(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() != QAbstractSocket::UnconnectedState && !deadline.hasExpired()) {
        m_buffer += m_socket.readAll();
        QTest::qWait(1);
    }
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}

QByteArray SmtpTestClient::readAllUntilClosed(int timeoutMs)
{
    waitForClosed(timeoutMs);
    m_buffer += m_socket.readAll();
    return std::exchange(m_buffer, {});
}

QByteArray SmtpTestClient::data(const QByteArray &body)
{
    const QByteArray go = command("DATA");
    if (code(go) != 354)
        return go;
    send(body + (body.isEmpty() || body.endsWith("\r\n") ? "" : "\r\n") + ".\r\n");
    return readReply();
}

QByteArray SmtpTestClient::sendMail(
    const QByteArray &from, const QList<QByteArray> &to, const QByteArray &body)
{
    if (code(greeting()) != 220 || code(ehlo()) != 250 || code(mail(from)) != 250)
        return {};
    for (const QByteArray &rcptTo : to)
        if (code(rcpt(rcptTo)) != 250)
            return {};
    return data(body);
}
