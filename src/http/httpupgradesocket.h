// The socket of an HTTP connection: a QTcpSocket that can rewrite the head of the one answer Qt
// WebSockets writes for an upgrade, the 101. Why: QWebSocketServer's 101 always carries
// Access-Control-Allow-Origin (the request's Origin, or "*") with Allow-Credentials,
// Allow-Methods and Allow-Headers, and cannot be told not to. The API sends CORS fields only
// with a CORS origin, and then that origin; so the 101 gets the CORS fields of every other
// answer (HttpConnection), and the bytes after its head pass unchanged.
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QByteArray>
#include <QTcpSocket>

class SMTPRECEIVERHTTP_TEST_EXPORT HttpUpgradeSocket : public QTcpSocket
{
    Q_OBJECT
public:
    explicit HttpUpgradeSocket(QObject *parent = nullptr);

    // The head of the next answer written loses its Access-Control-* fields and gains fields
    // (whole lines, "Name: value\r\n" each; may be empty) at its end.
    void rewriteNextHead(const QByteArray &fields);

    // An answer's head (the status line to the empty line) rewritten so.
    static QByteArray rewrittenHead(const QByteArray &head, const QByteArray &fields);

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    bool m_rewriting = false;
    QByteArray m_fields;
    QByteArray m_written; // of the head to rewrite, until its end has come
};
