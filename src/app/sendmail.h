// `smtp-receiver sendmail`, also reached through a link named "sendmail": the sendmail command
// line that PHP's mail(), cron and git send-email speak, reading one message on stdin and
// submitting it over SMTP to the catcher. This file is its command line and its run; the message
// rules live in sendmailmessage.h, the SMTP client in sendmailclient.h.
#pragma once

#include "sendmailclient.h"

#include <QString>
#include <QStringList>
#include <optional>

struct SendmailOptions
{
    bool extractRecipients = false; // -t
    bool ignoreDots = false; // -i, -oi
    std::optional<QString> sender; // -f, -r; "" is the null reverse-path <>
    QString fullName; // -F
    SendmailTarget target; // --smtp, else $SMTP_RECEIVER_SMTP, else 127.0.0.1:1025
    QStringList recipients; // the addresses of the arguments, not yet qualified
};

struct SendmailCommandLine
{
    enum class Action { Run, ShowHelp, ShowVersion, Error };
    Action action = Action::Run;
    SendmailOptions options;
    QString text; // help or version text, or the one-line error
};

// The sendmail arguments when this process was started as sendmail: through a link whose name
// is "sendmail" (every argument) or as `smtp-receiver sendmail` (those after the word).
// `arguments` includes the program name; nullopt means "not sendmail".
std::optional<QStringList> sendmailArguments(const QStringList &arguments);

// Parses the arguments without side effects. environmentSmtp: the value of SMTP_RECEIVER_SMTP
// (empty when unset), used when --smtp is not given.
SendmailCommandLine parseSendmailArguments(
    const QStringList &arguments, const QString &environmentSmtp = QString());

// Reads stdin, submits, prints one stderr line per problem; returns the exit code
// (SendmailExit). Needs a QCoreApplication for the socket.
int runSendmail(const QStringList &arguments);
