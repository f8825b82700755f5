#include "sendmail.h"

#include "sendmailmessage.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QSysInfo>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pwd.h>
#include <unistd.h>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Sendmail", text);
}

// The letters of sendmail's own getopt string that we know. Flags take no value; the others take
// one, glued ("-fme@x") or as the next argument ("-f me@x"), exactly as getopt does.
const QLatin1String Flags("timnvGU");
const QLatin1String WithValue("fFrobBNRVXLACO");

QString helpText()
{
    return tr("Usage: smtp-receiver sendmail [options] [address...]\n"
              "       sendmail [options] [address...]   (through a link named sendmail)\n"
              "\n"
              "Reads one message on standard input and submits it over SMTP to smtp-receiver,\n"
              "for programs that call sendmail (PHP's mail(), cron, git send-email).\n"
              "\n"
              "Options:\n"
              "  -t                Also send to the addresses in the To, Cc and Bcc fields.\n"
              "  -i, -oi           A line holding only \".\" does not end the message\n"
              "                    (without -i it does, as with sendmail).\n"
              "  -f SENDER, -r SENDER\n"
              "                    Envelope sender; \"\" or \"<>\" is the null sender.\n"
              "                    Default: $USER@localhost.\n"
              "  -F NAME           Full name for the From field added to a message without one.\n"
              "  --smtp ADDR:PORT  Where smtp-receiver listens. Default: $SMTP_RECEIVER_SMTP,\n"
              "                    else 127.0.0.1:1025.\n"
              "  --help, --version Show this help or the version and exit.\n"
              "Accepted and ignored: -bm -m -n -v -G -U -od* -oe* -om -oo -oQ* -oL* -B TYPE\n"
              "-N DSN -R RET -V ENVID -X FILE -O OPTION=VALUE -L TAG -A c|m -C FILE.\n"
              "Other modes (-bs, -bp, -bd, -q...) are refused.\n"
              "\n"
              "Addresses without a domain get @localhost. A message without a From, Date or\n"
              "Message-ID field gets one; Bcc fields are never submitted.\n"
              "\n"
              "Exit status:\n"
              "  0   accepted for every recipient\n"
              "  1   refused for good (a 5xx reply): the sender, the message, or a recipient\n"
              "  2   bad usage or input (flags, addresses, no recipients); nothing was sent\n"
              "  75  try again later: cannot connect, connection lost, timeout, a 4xx reply\n"
              "Each problem is one line on standard error. When some recipients are refused,\n"
              "the message still goes to the others and the exit status is 1 (75 when every\n"
              "refusal was a 4xx).");
}

// What sendmail's -b modes would do instead of sending a message, for a clear refusal.
QString modeName(const QString &mode)
{
    if (mode == QLatin1String("s"))
        return tr("SMTP on standard input");
    if (mode == QLatin1String("p"))
        return tr("list the mail queue");
    if (mode == QLatin1String("d") || mode == QLatin1String("D"))
        return tr("run as a daemon");
    if (mode == QLatin1String("i"))
        return tr("rebuild the aliases");
    if (mode == QLatin1String("t"))
        return tr("address test mode");
    if (mode == QLatin1String("v"))
        return tr("verify addresses");
    return tr("an unknown mode");
}

QString defaultUser()
{
    for (const char *name : { "USER", "LOGNAME" }) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    if (const passwd *entry = getpwuid(getuid()))
        return QString::fromLocal8Bit(entry->pw_name);
    return QStringLiteral("nobody");
}

QString defaultSender()
{
    QString user = defaultUser();
    const QString domain = SendmailAddress::localDomain();
    if (!SendmailAddress::isMailbox(user + QLatin1Char('@') + domain)) {
        // RFC 5321 4.1.2: a local part that is no dot-atom is sent as a quoted string.
        user.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        user.replace(QLatin1Char('"'), QLatin1String("\\\""));
        user = QLatin1Char('"') + user + QLatin1Char('"');
    }
    return user + QLatin1Char('@') + domain;
}

// The EHLO argument must be a domain; a host name that is none would only earn a 501.
QString heloName()
{
    const QString name = QSysInfo::machineHostName();
    if (name.isEmpty())
        return SendmailAddress::localDomain();
    for (const QChar c : name)
        if (c.unicode() >= 0x80
            || (!c.isLetterOrNumber() && c != QLatin1Char('.') && c != QLatin1Char('-')))
            return SendmailAddress::localDomain();
    return name;
}

void printError(const QString &line)
{
    std::fprintf(stderr, "smtp-receiver sendmail: %s\n", qUtf8Printable(line));
}

} // namespace

std::optional<QStringList> sendmailArguments(const QStringList &arguments)
{
    if (arguments.isEmpty())
        return std::nullopt;
    if (QFileInfo(arguments.constFirst()).fileName() == QLatin1String("sendmail"))
        return arguments.mid(1);
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("sendmail"))
        return arguments.mid(2);
    return std::nullopt;
}

SendmailCommandLine parseSendmailArguments(
    const QStringList &arguments, const QString &environmentSmtp)
{
    SendmailCommandLine result;
    SendmailOptions &o = result.options;
    const auto fail = [&result](const QString &why) {
        result.action = SendmailCommandLine::Action::Error;
        result.text = why;
        return result;
    };
    std::optional<QString> smtp;
    bool optionsEnded = false;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (optionsEnded || !argument.startsWith(QLatin1Char('-'))) {
            // An argument may hold a list, as with sendmail: "a@x, \"Doe, J\" <j@y>".
            const SendmailAddressList list = SendmailAddressList::parse(argument.toUtf8());
            if (!list.invalid.isEmpty())
                return fail(tr("'%1' is not an address").arg(list.invalid.constFirst()));
            if (argument.trimmed().isEmpty())
                return fail(tr("an empty argument is not an address"));
            for (const QString &address : list.addresses)
                if (!o.recipients.contains(address))
                    o.recipients.append(address);
            continue;
        }
        if (argument == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        if (argument.startsWith(QLatin1String("--"))) {
            const QString name = argument.section(QLatin1Char('='), 0, 0);
            if (name == QLatin1String("--help") && name == argument) {
                result.action = SendmailCommandLine::Action::ShowHelp;
                result.text = helpText();
                return result;
            }
            if (name == QLatin1String("--version") && name == argument) {
                result.action = SendmailCommandLine::Action::ShowVersion;
                result.text = QCoreApplication::applicationName() + QLatin1Char(' ')
                    + QCoreApplication::applicationVersion();
                return result;
            }
            if (name == QLatin1String("--smtp")) {
                if (name != argument)
                    smtp = argument.mid(name.size() + 1);
                else if (i + 1 < arguments.size())
                    smtp = arguments.at(++i);
                else
                    return fail(tr("--smtp needs ADDR:PORT"));
                continue;
            }
            return fail(
                tr("unknown option '%1' (see smtp-receiver sendmail --help)").arg(argument));
        }
        if (argument.size() == 1)
            return fail(tr("unknown option '-' (see smtp-receiver sendmail --help)"));
        for (qsizetype j = 1; j < argument.size(); ++j) {
            const QChar letter = argument.at(j);
            if (Flags.contains(letter)) {
                if (letter == QLatin1Char('t'))
                    o.extractRecipients = true;
                else if (letter == QLatin1Char('i'))
                    o.ignoreDots = true;
                continue; // -m -n -v -G -U change nothing for a catcher
            }
            if (letter == QLatin1Char('q'))
                return fail(tr("-q (run the mail queue) is not supported: there is no queue"));
            if (!WithValue.contains(letter))
                return fail(
                    tr("unknown option '-%1' (see smtp-receiver sendmail --help)").arg(letter));
            QString value;
            if (j + 1 < argument.size())
                value = argument.mid(j + 1);
            else if (i + 1 < arguments.size())
                value = arguments.at(++i);
            else
                return fail(tr("option -%1 needs a value").arg(letter));

            if (letter == QLatin1Char('f') || letter == QLatin1Char('r')) {
                if (value.isEmpty() || value == QLatin1String("<>")) {
                    o.sender = QString();
                } else {
                    const SendmailAddressList list = SendmailAddressList::parse(value.toUtf8());
                    if (list.addresses.size() != 1 || !list.invalid.isEmpty())
                        return fail(tr("-%1: '%2' is not an address").arg(letter).arg(value));
                    o.sender = list.addresses.constFirst();
                }
            } else if (letter == QLatin1Char('F')) {
                for (const QChar c : std::as_const(value))
                    if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                        return fail(tr("-F: the full name must be one line of text"));
                o.fullName = value;
            } else if (letter == QLatin1Char('o')) {
                // -oi is -i; delivery mode, error mode, "me too", queue and line options only
                // tune a real MTA.
                if (value == QLatin1String("i"))
                    o.ignoreDots = true;
                else if (value.isEmpty() || !QLatin1String("demoQL").contains(value.at(0)))
                    return fail(tr("unsupported option '-o%1' (see smtp-receiver sendmail --help)")
                                    .arg(value));
            } else if (letter == QLatin1Char('b')) {
                if (value != QLatin1String("m"))
                    return fail(tr("-b%1 (%2) is not supported: only -bm, sending one message "
                                   "read on standard input")
                                    .arg(value, modeName(value)));
            }
            // -B -N -R -V -X -L -A -C -O: body type, DSN, queue, logging and configuration
            // settings of a real MTA, with nothing to do here.
            break;
        }
    }

    if (smtp) {
        const auto target = SendmailTarget::parse(*smtp);
        if (!target)
            return fail(tr("--smtp: '%1' is not ADDR:PORT").arg(*smtp));
        o.target = *target;
    } else if (!environmentSmtp.isEmpty()) {
        const auto target = SendmailTarget::parse(environmentSmtp);
        if (!target)
            return fail(tr("SMTP_RECEIVER_SMTP: '%1' is not ADDR:PORT").arg(environmentSmtp));
        o.target = *target;
    } else {
        o.target = { QStringLiteral("127.0.0.1"), 1025 };
    }
    if (o.recipients.isEmpty() && !o.extractRecipients)
        return fail(tr("no recipients: give addresses, or -t to read To, Cc and Bcc"));
    return result;
}

int runSendmail(const QStringList &arguments)
{
    const SendmailCommandLine parsed
        = parseSendmailArguments(arguments, qEnvironmentVariable("SMTP_RECEIVER_SMTP"));
    switch (parsed.action) {
    case SendmailCommandLine::Action::Error:
        printError(parsed.text);
        return SendmailExit::Usage;
    case SendmailCommandLine::Action::ShowHelp:
    case SendmailCommandLine::Action::ShowVersion:
        std::fprintf(stdout, "%s\n", qUtf8Printable(parsed.text));
        return SendmailExit::Ok;
    case SendmailCommandLine::Action::Run:
        break;
    }
    const SendmailOptions &o = parsed.options;

    // Line by line, so that the lone dot ends the message even while the writer keeps the pipe
    // open, as sendmail's callers may expect.
    SendmailInput input(o.ignoreDots);
    char *buffer = nullptr;
    size_t capacity = 0;
    ssize_t length = 0;
    while ((length = getline(&buffer, &capacity, stdin)) > 0)
        if (!input.addLine(QByteArrayView(buffer, length)))
            break;
    const int readError = std::ferror(stdin) ? errno : 0;
    std::free(buffer);
    if (readError != 0) {
        printError(tr("cannot read the message on standard input: %1")
                       .arg(QString::fromLocal8Bit(std::strerror(readError))));
        return SendmailExit::Failed;
    }

    SendmailMessage message = SendmailMessage::parse(input.text());
    const QString domain = SendmailAddress::localDomain();
    QStringList recipients;
    const auto addRecipient = [&recipients, &domain](const QString &address) {
        const QString qualified = SendmailAddress::qualified(address, domain);
        if (!recipients.contains(qualified))
            recipients.append(qualified);
    };
    for (const QString &address : o.recipients)
        addRecipient(address);
    if (o.extractRecipients) {
        const SendmailAddressList listed = message.recipients();
        if (!listed.invalid.isEmpty()) {
            printError(tr("'%1' in To, Cc or Bcc is not an address; nothing was sent")
                           .arg(listed.invalid.constFirst()));
            return SendmailExit::Usage;
        }
        for (const QString &address : listed.addresses)
            addRecipient(address);
    }
    if (recipients.isEmpty()) {
        printError(tr("no recipients: none on the command line and none in To, Cc or Bcc"));
        return SendmailExit::Usage;
    }

    // Bcc fields would show every recipient the hidden ones; sendmail never passes them on.
    message.removeFields("Bcc");
    const QString user = defaultSender();
    const QString sender = !o.sender ? user
        : o.sender->isEmpty()        ? QString()
                                     : SendmailAddress::qualified(*o.sender, domain);
    message.addMissingFields(
        sender.isEmpty() ? user : sender, o.fullName, QDateTime::currentDateTime(), domain);

    const SendmailOutcome outcome
        = submitBySmtp(o.target, heloName(), sender, recipients, message.toByteArray());
    for (const QString &line : outcome.errors)
        printError(line);
    return outcome.exitCode;
}
