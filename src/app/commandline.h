// The command line of contract.md, parsed and checked without side effects, so that every bad
// flag becomes one line on stderr and exit code 2 before anything starts.
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;
    QString toString() const; // "127.0.0.1:1025", "[::1]:1025"
    // "ADDR:PORT", "[v6]:PORT", "localhost:PORT" or just "PORT"; nullopt when malformed.
    static std::optional<ListenAddress> parse(const QString &text);
};

struct AppOptions
{
    bool noGui = false;
    bool json = false;
    bool list = false;
    ListenAddress smtp { QHostAddress(QHostAddress::LocalHost), 1025 };
    std::optional<ListenAddress> smtps;
    QString hostname;
    QString tlsCert;
    QString tlsKey;
    bool requireTls = false;
    QHash<QString, QString> credentials;
    bool authAcceptAny = false;
    QString rulesFile;
    qint64 maxMessageSize = 26214400;
    int idleTimeout = 300;
    int maxConnections = 1000;
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

CommandLineResult parseCommandLine(const QStringList &arguments);
