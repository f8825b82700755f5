// What the headless mode prints on stdout: one line per event, JSON Lines with --json
// (contract.md), a readable line otherwise. Each line is flushed at once so a CI pipeline
// that reads stdout sees a message the moment it is stored.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdio>

struct SmtpMessageSummary;
struct SmtpRejection;

class EventPrinter
{
public:
    EventPrinter(bool json, FILE *out = stdout)
        : m_json(json)
        , m_out(out)
    { }

    // smtps empty when there is no implicit-TLS listener, http when there is no HTTP API.
    // Live events are flushed one by one (a pipeline waits for them); --list need not be.
    void setFlushEachLine(bool on) { m_flushEachLine = on; }
    void flush() { std::fflush(m_out); }

    // One SMTP listener as the readiness line lists it.
    struct Listener
    {
        QString address; // "127.0.0.1:2525"
        bool implicitTls = false;
        QString mailbox; // where its mail goes when nothing else routes it
    };
    void listening(const QString &smtp, const QString &smtps, bool startTls,
        const QString &http = {}, const QList<Listener> &listeners = {});
    void message(const SmtpMessageSummary &message);
    // A release to the relay: accepted (ok) with the relay's final reply, or failed with why.
    void released(qint64 id, const QStringList &to, bool ok, const QString &reply);
    // A failed SMTP command: an injected failure or a recipient the rules rejected.
    void rejected(const SmtpRejection &rejection);
    // --list without --json: a header line, then one row per message.
    void tableHeader();
    void tableRow(const SmtpMessageSummary &message);

    static QByteArray messageJson(const SmtpMessageSummary &message);
    static QByteArray rejectedJson(const SmtpRejection &rejection);
    static QString isoTime(const class QDateTime &time); // 2026-11-28T11:30:00.123Z

private:
    void writeText(const QString &line); // a line for people: shown on one line, as text
    void writeLine(const QByteArray &line);

    bool m_json;
    FILE *m_out;
    bool m_flushEachLine = true;
};
