// The command line of contract.md, parsed and checked without side effects, so that every bad
// flag becomes one line on stderr and exit code 2 before anything starts.
#pragma once

#include <appoptions.h>
#include <smtpserverconfig.h>

#include <QString>
#include <QStringList>

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

// Reads --relay-cert (a PEM file) into config's accepted certificates, once an application
// object exists; the problem as one line naming the flag, or empty. An empty file name: nothing.
QString readRelayCertificate(const QString &file, SmtpRelayConfig *config);
