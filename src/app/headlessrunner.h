// smtp-receiver --no-gui: the engine with stdout for a face. Sets the server up from the options,
// prints the readiness line and one line per stored message, and stops cleanly on SIGINT/SIGTERM.
#pragma once

#include "commandline.h"
#include "eventprinter.h"

#include <smtphttpapi.h>
#include <smtpmaildirsink.h>
#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <smtpserver.h>

#include <QObject>
#include <memory>

class HeadlessRunner : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessRunner(const AppOptions &options, QObject *parent = nullptr);
    ~HeadlessRunner() override;

    // Sets everything up and starts listening. Returns false after printing one line on stderr
    // naming the problem; the process should then exit with code 2.
    bool start();

    // --list: prints every stored message, oldest first; returns the exit code.
    static int list(const AppOptions &options);

private:
    void stop(int signalNumber);
    bool fail(const QString &why);

    AppOptions m_options;
    EventPrinter m_printer;
    // Declared before the server: sinks must outlive every delivery the server starts.
    std::unique_ptr<SmtpMessageStore> m_store;
    std::unique_ptr<SmtpMaildirSink> m_maildir;
    SmtpServer m_server;
    // --relay: releases of stored messages (the HTTP API's release route uses it).
    std::unique_ptr<SmtpRelay> m_relay;
    // After the server: the API sends through it and reads its statistics.
    std::unique_ptr<SmtpHttpApi> m_http;
    bool m_stopping = false;
};
