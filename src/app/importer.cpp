// `smtp-receiver import`: reading .eml and mbox files into messages, and storing them all or none.
#include "importer.h"

#include "sendmailmessage.h"

#include <smtpmessage.h>
#include <smtpmessagestore.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MailImport", text);
}

// The messages of an mbox: a "From " line at the start or after a blank line starts one (the
// line itself is not part of it); mboxrd's ">From " (any number of ">") loses one ">".
QList<QByteArray> mboxMessages(const QByteArray &bytes)
{
    QList<QByteArray> messages;
    QByteArray current;
    bool started = false;
    bool previousBlank = true;
    qsizetype position = 0;
    while (position < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', position);
        end = end < 0 ? bytes.size() : end + 1;
        QByteArray line = bytes.mid(position, end - position);
        position = end;
        if (previousBlank && line.startsWith("From ")) {
            if (started) {
                // The blank line before the separator belongs to the mbox, not the message.
                if (current.endsWith("\r\n"))
                    current.chop(2);
                else if (current.endsWith('\n'))
                    current.chop(1);
                messages.append(current);
            }
            current.clear();
            started = true;
            previousBlank = false;
            continue;
        }
        qsizetype quotes = 0;
        while (quotes < line.size() && line.at(quotes) == '>')
            ++quotes;
        if (quotes > 0 && line.mid(quotes).startsWith("From "))
            line.remove(0, 1);
        previousBlank = line == "\n" || line == "\r\n";
        current += line;
    }
    if (started)
        messages.append(current);
    return messages;
}

// Why this message is no mail, or an empty string.
QString problemOf(const QByteArray &message)
{
    const QByteArray text = SendmailInput::read(message, true);
    const qsizetype headerEnd = text.indexOf("\r\n\r\n");
    if (text.left(headerEnd < 0 ? text.size() : headerEnd).contains('\0'))
        return tr("binary data, not a message");
    const SendmailMessage parsed = SendmailMessage::parse(text);
    for (const char *name : { "From", "To", "Subject", "Date", "Message-ID" })
        if (parsed.hasField(name))
            return {};
    return tr("no message header (From, To, Subject, Date or Message-ID)");
}

} // namespace

namespace MailImport {

std::optional<QStringList> arguments(const QStringList &commandLine)
{
    if (commandLine.size() > 1 && commandLine.at(1) == QLatin1String("import"))
        return commandLine.mid(2);
    return std::nullopt;
}

bool split(const QByteArray &bytes, QList<QByteArray> *messages, QString *why)
{
    if (bytes.trimmed().isEmpty()) {
        *why = tr("empty, not a message");
        return false;
    }
    const QList<QByteArray> found
        = bytes.startsWith("From ") && !bytes.startsWith("From: ") && !bytes.startsWith("From :")
        ? mboxMessages(bytes)
        : QList<QByteArray> { bytes };
    for (const QByteArray &message : found) {
        const QString problem = problemOf(message);
        if (!problem.isEmpty()) {
            *why = found.size() > 1 ? tr("message %1: %2").arg(messages->size() + 1).arg(problem)
                                    : problem;
            return false;
        }
        messages->append(message);
    }
    return true;
}

bool readFile(const QString &path, QList<QByteArray> *messages, QString *why)
{
    QFile file(path);
    if (QFileInfo(path).isDir())
        *why = tr("a directory, not a message");
    else if (!file.open(QIODevice::ReadOnly))
        *why = file.errorString();
    else
        return split(file.readAll(), messages, why);
    return false;
}

SmtpMessage message(const QByteArray &bytes, const QString &mailbox)
{
    const SendmailMessage parsed = SendmailMessage::parse(SendmailInput::read(bytes, true));
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress(QString());
    m.setHelo(QString());
    QString from;
    for (const char *name : { "Return-Path", "From" }) {
        const QList<QByteArray> values = parsed.values(name);
        const QStringList addresses = values.isEmpty()
            ? QStringList()
            : SendmailAddressList::parse(values.first()).addresses;
        if (!addresses.isEmpty()) {
            from = addresses.constFirst();
            break;
        }
    }
    m.setMailFrom(from);
    m.setRcptTos(parsed.recipients().addresses);
    m.setData(bytes);
    if (!mailbox.isEmpty())
        m.setMailboxes({ mailbox });
    return m;
}

int run(const QStringList &arguments)
{
    const auto usage = [](const QString &why) {
        std::fprintf(stderr, "smtp-receiver import: %s\n", qUtf8Printable(why));
        return 2;
    };
    QString database;
    QString mailbox;
    QStringList files;
    bool optionsEnded = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (optionsEnded || !argument.startsWith(QLatin1Char('-')) || argument == u"-") {
            files.append(argument);
        } else if (argument == u"--") {
            optionsEnded = true;
        } else if (argument == u"-h" || argument == u"--help") {
            std::printf("%s\n",
                qUtf8Printable(tr("Usage: smtp-receiver import [--database PATH] [--mailbox NAME] "
                                  "FILE...\nStores .eml files (or the messages of mbox files) "
                                  "as they are, received now, into Inbox unless --mailbox.\nA "
                                  "file that cannot be read or is no mail: nothing is stored, "
                                  "exit code 2.")));
            return 0;
        } else if ((argument == u"--database" || argument == u"--mailbox")
            && i + 1 < arguments.size()) {
            (argument == u"--database" ? database : mailbox) = arguments.at(++i);
        } else {
            return usage(tr("unknown option or missing value: %1").arg(argument));
        }
    }
    if (files.isEmpty())
        return usage(tr("no files to import"));
    if (!mailbox.isNull() && !SmtpMessage::isValidMailboxName(mailbox))
        return usage(tr("--mailbox: '%1' is not a mailbox name (1-64 characters of A-Z a-z 0-9 "
                        ". _ -)")
                         .arg(mailbox));
    if (database.isNull())
        database = SmtpMessageStore::defaultPath();
    else if (database.isEmpty())
        return usage(tr("--database needs a path"));

    // Every file first: one bad file and nothing is stored.
    QList<QByteArray> messages;
    bool allGood = true;
    for (const QString &name : std::as_const(files)) {
        QString why;
        if (readFile(name, &messages, &why))
            continue;
        std::fprintf(
            stderr, "smtp-receiver import: %s: %s\n", qUtf8Printable(name), qUtf8Printable(why));
        allGood = false;
    }
    if (!allGood)
        return 2;

    SmtpMessageStore store;
    if (!store.open(database))
        return usage(QStringLiteral("--database: %1").arg(store.errorString()));
    // One transaction: a write that fails stores none of them.
    QList<SmtpMessage> toStore;
    for (const QByteArray &bytes : std::as_const(messages))
        toStore.append(message(bytes, mailbox));
    QString error;
    const bool stored = !store.storeAll(toStore, &error).isEmpty();
    store.close();
    if (!stored)
        return usage(tr("nothing stored: %1").arg(error));
    // Plain English either way: the command line installs no translator for tr()'s plurals.
    const QString into = mailbox.isEmpty() ? SmtpMessage::defaultMailbox() : mailbox;
    std::printf("%s\n",
        qUtf8Printable(messages.size() == 1
                ? tr("imported 1 message into %1").arg(into)
                : tr("imported %1 messages into %2").arg(messages.size()).arg(into)));
    return 0;
}

} // namespace MailImport
