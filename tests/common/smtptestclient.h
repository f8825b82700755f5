// A staged SMTP client for tests: greeted -> ehlo -> mail -> rcpt -> data. It spins the event
// loop while it waits, so the server under test can run in the same thread.
#pragma once

#include <QByteArray>
#include <QList>
#include <QSslSocket>

class SmtpTestClient
{
public:
    SmtpTestClient();

    // Connects (and for implicit TLS finishes the handshake); reads no reply.
    bool connectTo(quint16 port, bool implicitTls = false);
    // One complete reply, possibly multi-line, as received; empty on timeout or close.
    QByteArray readReply(int timeoutMs = 5000);
    // Sends a line (CRLF added) and reads one reply.
    QByteArray command(const QByteArray &line, int timeoutMs = 5000);
    void send(const QByteArray &raw);
    bool startTls();
    // True once the server closed the connection.
    bool waitForClosed(int timeoutMs = 5000);
    // Reads until the connection closes; returns everything received.
    QByteArray readAllUntilClosed(int timeoutMs = 5000);

    // Stages: each returns the reply of its step.
    QByteArray greeting() { return readReply(); }
    QByteArray ehlo(const QByteArray &name = "client.test") { return command("EHLO " + name); }
    QByteArray mail(const QByteArray &from) { return command("MAIL FROM:<" + from + '>'); }
    QByteArray rcpt(const QByteArray &to) { return command("RCPT TO:<" + to + '>'); }
    // DATA, the body (dot-stuffed by the caller if needed) and the final dot; the final reply.
    QByteArray data(const QByteArray &body);
    // greeting + EHLO + MAIL + RCPT(s) + DATA; the reply to the message.
    QByteArray sendMail(
        const QByteArray &from, const QList<QByteArray> &to, const QByteArray &body);

    static int code(const QByteArray &reply) { return reply.left(3).toInt(); }
    QSslSocket &socket() { return m_socket; }

private:
    QSslSocket m_socket;
    QByteArray m_buffer;
};
