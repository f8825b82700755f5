// `smtp-receiver import [--database PATH] [--mailbox NAME] FILE...`: stores .eml files (or the
// messages of an mbox) as they are, with a receivedAt of now and an envelope read from their
// headers, into Inbox unless --mailbox. Every file is read and checked before anything is
// stored: an unreadable file or one that is no mail gets one stderr line naming it, exit code 2,
// and none of that run's files is stored. They are stored in one transaction (all or none). The
// file reading is pure, for tests.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class SmtpMessage;

namespace MailImport {

// The arguments after "import" when the command line is `smtp-receiver import ...`.
std::optional<QStringList> arguments(const QStringList &commandLine);

// The messages of one file's bytes: the file itself (an .eml), or each message of an mbox (a file
// whose first line is "From "; ">From " lines unescaped as mboxrd writes them). False, with why,
// when it holds no mail: empty, no header block at the start, binary, or no From, To, Subject,
// Date or Message-ID field.
bool split(const QByteArray &bytes, QList<QByteArray> *messages, QString *why);

// The messages of the file at path (see split()); false, with why, when it cannot be read or
// holds no mail.
bool readFile(const QString &path, QList<QByteArray> *messages, QString *why);

// A message to store: its bytes as they are, received now, the envelope from its headers (the
// sender from Return-Path or else From, the recipients of To, Cc and Bcc), in mailbox (empty:
// Inbox).
SmtpMessage message(const QByteArray &bytes, const QString &mailbox);

// Runs the command with the arguments after "import"; the process's exit code.
int run(const QStringList &arguments);

} // namespace MailImport
