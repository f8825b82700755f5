// What the smtp-receiver executable hands to whatever runs: the headless runner, or the window
// module. Plain data, defined here alone, so that the window module (src/gui) can take it without
// linking the executable's code: the command line fills it in (src/app/commandline.h).
#pragma once

#include <smtprelay.h>
#include <smtpserverconfig.h>

#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

struct AppOptions
{
    bool noGui = false;
    bool json = false;
    bool list = false;
    QString listMailbox; // --list --mailbox NAME: only that mailbox; empty: all
    // --smtp, --smtps, --hostname, TLS, AUTH, --rules and the limits; validated, all but the
    // contents of the TLS files (see checkServerOptions() in commandline.h).
    SmtpServerConfig server;
    QString maildir;
    QString database; // empty: SmtpMessageStore::defaultPath()
    qint64 max = 0; // keep at most this many newest messages in each mailbox; 0 = unlimited
    QStringList given; // long names of the options on the command line ("smtp", "max", ...)
    // --http: the HTTP API's listener (validated); off unless http is set.
    bool http = false;
    SmtpListenerConfig httpListener;
    QHash<QString, QString> httpCredentials; // --http-auth, user -> password
    QStringList httpAllowedHosts; // --http-allowed-host
    QString httpCorsOrigin; // --http-cors
    // --relay, --relay-tls, --relay-auth, --relay-allowed, --relay-cert: where releases go (off
    // unless relay.isEnabled()).
    SmtpRelayConfig relay;
    QString relayCertificateFile; // --relay-cert, read by readRelayCertificate()
    // --remote: a window on this catcher's HTTP API instead of the local store (user and
    // password, if any, from the URL's user info, for Basic auth).
    QUrl remote;
};
