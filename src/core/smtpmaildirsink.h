// Delivers each message into a Maildir (DIR/tmp, DIR/new, DIR/cur) before the client hears 250:
// written to tmp, synced, renamed into new, the directory synced. Files are written on a worker
// thread in batches, so one fsync of the directory covers every message that arrived meanwhile.
//
// File content (contract.md): "Return-Path: <mailfrom>" CRLF, one "Delivered-To: <rcpt>" CRLF per
// recipient, then the message octets exactly as received.
#pragma once

#include "smtpmessagesink.h"
#include "smtpreceiver_global.h"

#include <QString>
#include <memory>

class SmtpMaildirSinkPrivate;

class SMTPRECEIVER_EXPORT SmtpMaildirSink : public SmtpMessageSink
{
public:
    explicit SmtpMaildirSink(const QString &directory);
    ~SmtpMaildirSink() override; // finishes every delivery already handed over

    // Creates the directory and its tmp/new/cur; false with errorString() when it cannot.
    bool open();
    QString errorString() const;
    QString directory() const;

    // Answers once the file is in new and the directory synced; the result's location is the
    // file's path.
    void deliver(const SmtpMessage &message, Completion done) override;
    // Removes the file kept.location names (a sink after this one refused the message), on the
    // worker thread, the directory synced. It fails when the file is gone or was moved (a mail
    // reader took it into cur).
    void retract(const SmtpMessage &message, const SmtpSinkResult &kept, Completion done) override;

    // The bytes written for a message (also what a test compares a file with).
    static QByteArray fileContent(const SmtpMessage &message);

private:
    std::unique_ptr<SmtpMaildirSinkPrivate> d;
};
