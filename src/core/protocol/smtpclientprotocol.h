// The pure parts of SmtpClient: reading replies out of received bytes, the EHLO keywords,
// dot-stuffing and the AUTH responses. No socket, no event loop: unit-tested on their own.
#pragma once

#include "smtpclient.h"
#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace SmtpClientProtocol {

// The first reply at the start of buffer. Incomplete: its last line has not come yet (read
// more); Complete: reply and length (bytes to drop) are set; Malformed: a line is not "NNN-text"
// or "NNN text", its code changes inside the reply, or a line is longer than maxLine.
struct ParsedReply
{
    enum class Status { Incomplete, Complete, Malformed };
    Status status = Status::Incomplete;
    SmtpClientReply reply;
    qsizetype length = 0;
    QByteArray badLine; // for Malformed: the offending line (cut to 80 bytes)
};
SMTPRECEIVER_TEST_EXPORT ParsedReply parseReply(QByteArrayView buffer, qsizetype maxLine = 4096);

// The keywords of an EHLO reply (every line but the first), upper-cased: "SIZE 1000", "AUTH
// PLAIN LOGIN".
SMTPRECEIVER_TEST_EXPORT QList<QByteArray> extensions(const SmtpClientReply &ehlo);
// Whether keyword (like "PIPELINING") is among them; *parameters gets what follows it.
SMTPRECEIVER_TEST_EXPORT bool offers(
    const QList<QByteArray> &extensions, QByteArrayView keyword, QByteArray *parameters = nullptr);

// The message with every line ending a CRLF: a bare LF or CR, or CRs before an LF, becomes one
// (RFC 5321 2.3.8: a client sends them only as CRLF). Stored mail keeps them as they came; sent
// on as they are, a bare LF before ".\r\n" ends the message for a relay that takes LF as a line
// end, and what follows runs as its commands (SMTP smuggling) in the session smtp-receiver
// opened. A message with CRLF alone comes back as it is, not copied.
SMTPRECEIVER_TEST_EXPORT QByteArray crlfLineEnds(const QByteArray &message);

// The message as sent after DATA: every line starting with "." gets another, a missing final
// CRLF is added, and ".\r\n" ends it.
SMTPRECEIVER_TEST_EXPORT QByteArray dotStuffed(QByteArrayView message);

// Whether the credentials may go to the server on this connection: over TLS, to a server on
// this machine (no network to listen on), or when mode is None (the user chose plain text).
// Not in Auto mode to a server elsewhere that does not offer STARTTLS: an attacker on the way
// can strip the offer from the EHLO reply and read the password (or CRAM-MD5's answer, open to
// guessing) that would follow.
SMTPRECEIVER_TEST_EXPORT bool mayAuthenticate(
    SmtpClient::TlsMode mode, bool encrypted, bool serverIsLoopback);

// AUTH PLAIN's initial response (base64 of "\0user\0password").
SMTPRECEIVER_TEST_EXPORT QByteArray authPlain(const QString &user, const QString &password);
// The answer to a CRAM-MD5 challenge (both base64): "user hex(HMAC-MD5(password, challenge))".
SMTPRECEIVER_TEST_EXPORT QByteArray cramMd5(
    const QString &user, const QString &password, const QByteArray &challengeBase64);

} // namespace SmtpClientProtocol
