// The SMTP side of `smtp-receiver sendmail`: one message, one connection, one transaction, sent
// with SmtpClient. A process that submits a single message and exits gains nothing from an event
// loop of its own, so this waits for the client, and every step has a timeout.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

// The exit codes of `smtp-receiver sendmail` (sysexits.h where one fits).
namespace SendmailExit {
constexpr int Ok = 0;
constexpr int Failed = 1; // a 5xx or unexpected reply, or a local error: retrying will not help
constexpr int Usage = 2; // bad flags or unusable input; nothing was sent (the contract's code)
constexpr int TempFail = 75; // EX_TEMPFAIL: cannot connect, connection lost, timeout, a 4xx
} // namespace SendmailExit

struct SendmailTarget
{
    QString host; // an IP address or a host name
    quint16 port = 1025;

    QString toString() const; // "127.0.0.1:1025", "[::1]:1025", "mail.test:1025"
    // The spellings of the server's --smtp ("ADDR:PORT", "[v6]:PORT", "localhost:PORT", a bare
    // "PORT" on loopback) and, since a client can resolve them, "NAME:PORT". Port 0 is refused:
    // there is nothing to connect to.
    static std::optional<SendmailTarget> parse(const QString &text);
};

struct SendmailOutcome
{
    // Ok; Failed when anything got a 5xx; else TempFail when anything failed.
    int exitCode = SendmailExit::Ok;
    QStringList errors; // one line each, without the program name
};

// EHLO (HELO when EHLO is refused), MAIL FROM, one RCPT TO per recipient, DATA, QUIT.
// sender "" is the null reverse-path <>. message: CRLF lines, not yet dot-stuffed. When some
// recipients are refused the message still goes to the others; each refusal is one error line.
SendmailOutcome submitBySmtp(const SendmailTarget &target, const QString &heloName,
    const QString &sender, const QStringList &recipients, const QByteArray &message);
