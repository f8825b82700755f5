#include "smtpcommand.h"

#include <QList>

namespace {

struct VerbName
{
    const char *name;
    SmtpCommand::Verb verb;
};

constexpr VerbName verbs[] = {
    { "HELO", SmtpCommand::Verb::Helo },
    { "EHLO", SmtpCommand::Verb::Ehlo },
    { "MAIL", SmtpCommand::Verb::Mail },
    { "RCPT", SmtpCommand::Verb::Rcpt },
    { "DATA", SmtpCommand::Verb::Data },
    { "BDAT", SmtpCommand::Verb::Bdat },
    { "RSET", SmtpCommand::Verb::Rset },
    { "NOOP", SmtpCommand::Verb::Noop },
    { "QUIT", SmtpCommand::Verb::Quit },
    { "VRFY", SmtpCommand::Verb::Vrfy },
    { "EXPN", SmtpCommand::Verb::Expn },
    { "HELP", SmtpCommand::Verb::Help },
    { "STARTTLS", SmtpCommand::Verb::StartTls },
    { "AUTH", SmtpCommand::Verb::Auth },
};

bool isDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text)
        if (c < '0' || c > '9')
            return false;
    return true;
}

bool hasNonAscii(const QString &text)
{
    for (QChar c : text)
        if (c.unicode() >= 0x80)
            return true;
    return false;
}

// Splits "KEY=VALUE KEY2" into pairs; false on anything that is not esmtp-param syntax.
bool splitParameters(QByteArrayView text, QList<QPair<QByteArray, QByteArray>> *out)
{
    for (const QByteArray &token : text.toByteArray().split(' ')) {
        if (token.isEmpty())
            continue; // RFC 5321 wants one space; tolerate more
        const qsizetype eq = token.indexOf('=');
        const QByteArray key = (eq < 0 ? token : token.left(eq)).toUpper();
        const QByteArray value = eq < 0 ? QByteArray() : token.mid(eq + 1);
        if (key.isEmpty() || key.front() == '-')
            return false;
        for (char c : key)
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
                return false;
        if (eq >= 0 && value.isEmpty())
            return false;
        for (char c : value)
            if (uchar(c) < 33 || c == '=')
                return false;
        for (const auto &seen : std::as_const(*out))
            if (seen.first == key)
                return false; // each parameter at most once
        out->append({ key, value });
    }
    return true;
}

// "FROM:" / "TO:" prefix, case-insensitive; returns the text after it.
std::optional<QByteArrayView> afterPrefix(QByteArrayView argument, QByteArrayView prefix)
{
    if (argument.size() < prefix.size()
        || argument.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) != 0)
        return std::nullopt;
    return argument.sliced(prefix.size());
}

} // namespace

SmtpCommand SmtpCommand::parse(QByteArrayView line)
{
    SmtpCommand command;
    const qsizetype space = line.indexOf(' ');
    command.name = (space < 0 ? line : line.first(space)).toByteArray().toUpper();
    if (space >= 0) {
        QByteArrayView rest = line.sliced(space + 1);
        while (!rest.isEmpty() && (rest.back() == ' ' || rest.back() == '\t'))
            rest.chop(1);
        command.argument = rest.toByteArray();
        command.hasArgument = !command.argument.isEmpty();
    }
    for (const VerbName &v : verbs) {
        if (command.name == v.name) {
            command.verb = v.verb;
            break;
        }
    }
    return command;
}

SmtpMailArgument SmtpMailArgument::parse(QByteArrayView argument, const SmtpLimits &limits)
{
    SmtpMailArgument result;
    const auto rest = afterPrefix(argument, "FROM:");
    if (!rest) {
        result.error = SmtpReply::syntax("Syntax: MAIL FROM:<address> [parameters]");
        return result;
    }
    // Parse the path allowing UTF-8 first: whether it is allowed depends on a parameter after it.
    const SmtpPath path = SmtpPath::parse(*rest, SmtpPath::Kind::ReversePath, true, limits);
    if (!path.isValid()) {
        result.error = SmtpReply::badSenderSyntax();
        return result;
    }
    const QByteArrayView tail = rest->sliced(path.consumed);
    if (!tail.isEmpty() && tail.front() != ' ') {
        result.error = SmtpReply::badSenderSyntax();
        return result;
    }
    QList<QPair<QByteArray, QByteArray>> params;
    if (!splitParameters(tail, &params)) {
        result.error = SmtpReply::syntax("Bad MAIL parameter syntax");
        return result;
    }
    for (const auto &[key, value] : std::as_const(params)) {
        if (key == "SIZE") {
            if (!isDigits(value) || value.size() > 18) {
                result.error = SmtpReply::syntax("Bad SIZE parameter");
                return result;
            }
            result.declaredSize = value.toLongLong();
        } else if (key == "BODY") {
            const QByteArray body = value.toUpper();
            if (body == "7BIT") {
                result.body = Body::SevenBit;
            } else if (body == "8BITMIME") {
                result.body = Body::EightBitMime;
            } else {
                result.error = SmtpReply::parameterNotImplemented("Unsupported BODY type");
                return result;
            }
        } else if (key == "SMTPUTF8") {
            if (!value.isEmpty()) {
                result.error = SmtpReply::syntax("SMTPUTF8 takes no value");
                return result;
            }
            result.smtpUtf8 = true;
        } else if (key == "AUTH") {
            // RFC 4954 5: the original submitter; informational for a catcher.
        } else {
            result.error = SmtpReply::parameterNotImplemented("Unsupported parameter " + key);
            return result;
        }
    }
    if (!result.smtpUtf8 && hasNonAscii(path.mailbox)) {
        result.error = SmtpReply::nonAsciiNotPermitted();
        return result;
    }
    if (result.declaredSize > limits.maxMessageSize) {
        result.error = SmtpReply::sizeExceedsLimit();
        return result;
    }
    result.reversePath = path.mailbox;
    return result;
}

SmtpRcptArgument SmtpRcptArgument::parse(
    QByteArrayView argument, bool utf8Allowed, const SmtpLimits &limits)
{
    SmtpRcptArgument result;
    const auto rest = afterPrefix(argument, "TO:");
    if (!rest) {
        result.error = SmtpReply::syntax("Syntax: RCPT TO:<address>");
        return result;
    }
    const SmtpPath path = SmtpPath::parse(*rest, SmtpPath::Kind::ForwardPath, utf8Allowed, limits);
    if (!path.isValid()) {
        result.error = path.error == SmtpPath::Error::NonAscii ? SmtpReply::nonAsciiNotPermitted()
                                                               : SmtpReply::badRecipientSyntax();
        return result;
    }
    QByteArrayView tail = rest->sliced(path.consumed);
    while (!tail.isEmpty() && tail.front() == ' ')
        tail = tail.sliced(1);
    if (!tail.isEmpty()) {
        // Parameters such as NOTIFY= belong to DSN, which is not offered.
        QList<QPair<QByteArray, QByteArray>> params;
        result.error
            = splitParameters(tail, &params) && path.consumed > 0 && rest->at(path.consumed) == ' '
            ? SmtpReply::parameterNotImplemented("RCPT parameters are not supported")
            : SmtpReply::badRecipientSyntax();
        return result;
    }
    result.forwardPath = path.mailbox;
    return result;
}

SmtpBdatArgument SmtpBdatArgument::parse(QByteArrayView argument)
{
    SmtpBdatArgument result;
    const QList<QByteArray> parts = argument.toByteArray().split(' ');
    if (parts.isEmpty() || parts.size() > 2 || !isDigits(parts.at(0)) || parts.at(0).size() > 18)
        return result;
    if (parts.size() == 2) {
        if (parts.at(1).toUpper() != "LAST")
            return result;
        result.last = true;
    }
    result.size = parts.at(0).toLongLong();
    result.valid = true;
    return result;
}
