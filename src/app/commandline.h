// The command line of contract.md, parsed and checked without side effects, so that every bad
// flag becomes one line on stderr and exit code 2 before anything starts.
#pragma once

#include <smtpserverconfig.h>

#include <QString>
#include <QStringList>

struct AppOptions
{
    bool noGui = false;
    bool json = false;
    bool list = false;
    // --smtp, --smtps, --hostname, TLS, AUTH, --rules and the limits; validated, all but the
    // contents of the TLS files (see checkServerOptions()).
    SmtpServerConfig server;
    QString maildir;
    QString database; // empty: SmtpMessageStore::defaultPath()
    qint64 max = 0; // keep at most this many newest messages; 0 = unlimited
    QStringList given; // long names of the options on the command line ("smtp", "max", ...)
};

struct CommandLineResult
{
    enum class Action { Run, ShowHelp, ShowVersion, Error };
    Action action = Action::Run;
    AppOptions options;
    QString text; // help/version text, or the one-line error
};

// Parses and checks the command line. The contents of the TLS files are not read yet (that
// needs an application object): checkServerOptions() does that once one exists.
CommandLineResult parseCommandLine(const QStringList &arguments);

// The first problem of the server options as one line naming its flag ("--smtp: The SMTP
// listen address ..."), or an empty string.
QString checkServerOptions(const SmtpServerConfig &config,
    SmtpServerConfig::Validation validation = SmtpServerConfig::Validation::Full);
