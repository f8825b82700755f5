#include "smtpreply.h"

SmtpReply::SmtpReply(int replyCode, QByteArray enhancedCode, QByteArray text)
    : code(replyCode)
    , enhanced(std::move(enhancedCode))
    , lines { std::move(text) }
{ }

SmtpReply::SmtpReply(int replyCode, QByteArray enhancedCode, QList<QByteArray> textLines)
    : code(replyCode)
    , enhanced(std::move(enhancedCode))
    , lines(std::move(textLines))
{ }

QByteArray SmtpReply::toWire() const
{
    const QByteArray number = QByteArray::number(code);
    QByteArray out;
    const qsizetype count = qMax<qsizetype>(1, lines.size());
    for (qsizetype i = 0; i < count; ++i) {
        out += number;
        out += (i + 1 < count) ? '-' : ' ';
        if (!enhanced.isEmpty()) {
            out += enhanced;
            out += ' ';
        }
        if (i < lines.size()) {
            // Never let a text smuggle a line break onto the wire.
            QByteArray line = lines.at(i);
            line.replace('\r', ' ').replace('\n', ' ');
            out += line;
        }
        out += "\r\n";
    }
    return out;
}

namespace {
bool isEnhancedCode(const QByteArray &token, char cls)
{
    // class "." subject "." detail, RFC 3463: 1 digit, 1-3 digits, 1-3 digits
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3 || parts.at(0).size() != 1 || parts.at(0).at(0) != cls)
        return false;
    for (int i = 1; i < 3; ++i) {
        const QByteArray &p = parts.at(i);
        if (p.isEmpty() || p.size() > 3)
            return false;
        for (char c : p)
            if (c < '0' || c > '9')
                return false;
    }
    return true;
}
} // namespace

SmtpReply SmtpReply::rejection(int requested, const QByteArray &requestedText)
{
    const int replyCode = (requested >= 400 && requested <= 599) ? requested : 550;
    const char cls = replyCode >= 500 ? '5' : '4';
    QByteArray text = requestedText.trimmed();
    QByteArray enhancedCode;
    // A text may carry its own enhanced code ("5.7.1 Relaying denied"); keep it if the class fits.
    const qsizetype space = text.indexOf(' ');
    const QByteArray first = space < 0 ? text : text.left(space);
    if (isEnhancedCode(first, cls)) {
        enhancedCode = first;
        text = space < 0 ? QByteArray() : text.mid(space + 1).trimmed();
    } else if (replyCode == 553) {
        enhancedCode = "5.1.3";
    } else if (replyCode == 451) {
        enhancedCode = "4.3.0";
    } else {
        enhancedCode = cls == '5' ? "5.1.1" : "4.2.0";
    }
    if (text.isEmpty())
        text = replyCode == 553 ? "Mailbox name not allowed" : "Mailbox unavailable";
    return { replyCode, enhancedCode, text };
}

SmtpReply SmtpReply::greeting(const QByteArray &hostname)
{
    return { 220, {}, hostname + " ESMTP smtp-receiver" };
}
SmtpReply SmtpReply::bye()
{
    return { 221, "2.0.0", "Bye" };
}
SmtpReply SmtpReply::idleTimeout()
{
    return { 421, "4.4.2", "Idle timeout, closing connection" };
}
SmtpReply SmtpReply::tooManyConnections()
{
    return { 421, "4.7.0", "Too many connections, try again later" };
}
SmtpReply SmtpReply::tooManyErrors()
{
    return { 421, "4.7.0", "Too many errors, closing connection" };
}
SmtpReply SmtpReply::shuttingDown()
{
    return { 421, "4.3.2", "Service shutting down" };
}

SmtpReply SmtpReply::ok()
{
    return { 250, "2.0.0", "OK" };
}
SmtpReply SmtpReply::helo(const QByteArray &hostname, const QByteArray &client)
{
    return { 250, {}, hostname + " greets " + client };
}
SmtpReply SmtpReply::ehlo(
    const QByteArray &hostname, const QByteArray &client, const QList<QByteArray> &extensions)
{
    QList<QByteArray> text { hostname + " greets " + client };
    text += extensions;
    return { 250, {}, text };
}
SmtpReply SmtpReply::help()
{
    return { 214, "2.0.0",
        QList<QByteArray> { "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT",
            "VRFY HELP STARTTLS AUTH", "smtp-receiver catches mail and never delivers it" } };
}

SmtpReply SmtpReply::unrecognized()
{
    return { 500, "5.5.2", "Command unrecognized" };
}
SmtpReply SmtpReply::lineTooLong()
{
    return { 500, "5.5.2", "Line too long" };
}
SmtpReply SmtpReply::syntax(const QByteArray &what)
{
    return { 501, "5.5.4", what };
}
SmtpReply SmtpReply::badSequence(const QByteArray &what)
{
    return { 503, "5.5.1", what };
}
SmtpReply SmtpReply::notImplemented(const QByteArray &what)
{
    return { 502, "5.5.1", what };
}
SmtpReply SmtpReply::parameterNotImplemented(const QByteArray &what)
{
    return { 555, "5.5.4", what };
}
SmtpReply SmtpReply::badSenderSyntax()
{
    return { 501, "5.1.7", "Bad sender address syntax" };
}
SmtpReply SmtpReply::badRecipientSyntax()
{
    return { 501, "5.1.3", "Bad recipient address syntax" };
}
SmtpReply SmtpReply::nonAsciiNotPermitted()
{
    return { 553, "5.6.7", "Non-ASCII address needs SMTPUTF8" };
}

SmtpReply SmtpReply::senderOk()
{
    return { 250, "2.1.0", "Sender OK" };
}
SmtpReply SmtpReply::recipientOk()
{
    return { 250, "2.1.5", "Recipient OK" };
}
SmtpReply SmtpReply::tooManyRecipients()
{
    return { 452, "4.5.3", "Too many recipients" };
}
SmtpReply SmtpReply::recipientUnanswered()
{
    return { 451, "4.3.0", "Recipient check timed out, try again later" };
}
SmtpReply SmtpReply::startData()
{
    return { 354, {}, "End data with <CR><LF>.<CR><LF>" };
}
SmtpReply SmtpReply::chunkReceived(qint64 octets)
{
    return { 250, "2.0.0", QByteArray::number(octets) + " octets received" };
}
SmtpReply SmtpReply::queued(const QByteArray &id)
{
    return { 250, "2.0.0", "OK: queued as " + id };
}
SmtpReply SmtpReply::messageTooBig()
{
    return { 552, "5.3.4", "Message size exceeds fixed maximum message size" };
}
SmtpReply SmtpReply::sizeExceedsLimit()
{
    return { 552, "5.3.4", "Declared message size exceeds fixed maximum message size" };
}
SmtpReply SmtpReply::localError()
{
    return { 451, "4.3.0", "Local error in processing, try again later" };
}
SmtpReply SmtpReply::verifyAccepted(const QByteArray &address)
{
    return { 252, "2.1.5", "Cannot VRFY user, but will accept message for " + address };
}

SmtpReply SmtpReply::verifyUndecided()
{
    return { 252, "2.0.0", "Cannot VRFY user now, the recipient check timed out; try RCPT" };
}

SmtpReply SmtpReply::readyToStartTls()
{
    return { 220, "2.0.0", "Ready to start TLS" };
}
SmtpReply SmtpReply::tlsAlreadyActive()
{
    return { 503, "5.5.1", "TLS already active" };
}
SmtpReply SmtpReply::tlsRequired()
{
    return { 530, "5.7.0", "Must issue a STARTTLS command first" };
}
SmtpReply SmtpReply::authRequired()
{
    return { 530, "5.7.0", "Authentication required" };
}
SmtpReply SmtpReply::authChallenge(const QByteArray &base64)
{
    return { 334, {}, base64 };
}
SmtpReply SmtpReply::authSucceeded()
{
    return { 235, "2.7.0", "Authentication successful" };
}
SmtpReply SmtpReply::authFailed()
{
    return { 535, "5.7.8", "Authentication credentials invalid" };
}
SmtpReply SmtpReply::authUserNotMailboxName(const QString &user)
{
    // Reply text is ASCII (RFC 5321 4.2: textstring); the name came from the client.
    constexpr int MaxShown = 64;
    QByteArray shown;
    int count = 0;
    for (const char32_t c : user.toUcs4()) {
        if (++count > MaxShown) {
            shown += "...";
            break;
        }
        shown += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
    }
    return { 535, "5.7.8",
        "AUTH user name '" + shown + "' is no mailbox name (1-64 of A-Z a-z 0-9 . _ -)" };
}
SmtpReply SmtpReply::authCancelled()
{
    return { 501, "5.0.0", "Authentication cancelled" };
}
SmtpReply SmtpReply::authMechanismUnknown()
{
    return { 504, "5.5.4", "Unrecognized authentication mechanism" };
}
SmtpReply SmtpReply::authAlreadyDone()
{
    return { 503, "5.5.1", "Already authenticated" };
}
SmtpReply SmtpReply::authBadEncoding()
{
    return { 501, "5.5.2", "Cannot decode response" };
}
