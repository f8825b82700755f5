// Parsing of one SMTP command line into a verb and its arguments. Pure functions: the session
// decides what a command means in its state; this file only says what was written.
#pragma once

#include "smtpaddress.h"
#include "smtpreceiver_global.h"
#include "smtpreply.h"

#include <QByteArray>
#include <optional>

struct SMTPRECEIVER_TEST_EXPORT SmtpCommand
{
    enum class Verb {
        Unknown,
        Helo,
        Ehlo,
        Mail,
        Rcpt,
        Data,
        Bdat,
        Rset,
        Noop,
        Quit,
        Vrfy,
        Expn,
        Help,
        StartTls,
        Auth,
    };

    Verb verb = Verb::Unknown;
    QByteArray name; // the verb as written, upper-cased
    QByteArray argument; // everything after the verb and one space; trailing spaces trimmed
    bool hasArgument = false;

    // line: without its CR LF
    static SmtpCommand parse(QByteArrayView line);
};

// MAIL FROM:<path> [params] (RFC 5321 4.1.1.2, RFC 1870, RFC 6152, RFC 6531, RFC 4954 5)
struct SMTPRECEIVER_TEST_EXPORT SmtpMailArgument
{
    enum class Body { Unspecified, SevenBit, EightBitMime };

    std::optional<SmtpReply> error; // set when the argument is refused
    QString reversePath; // "" for <>
    qint64 declaredSize = -1;
    Body body = Body::Unspecified;
    bool smtpUtf8 = false;

    static SmtpMailArgument parse(QByteArrayView argument, const SmtpLimits &limits);
};

// RCPT TO:<path> (RFC 5321 4.1.1.3); no RCPT parameters are offered.
struct SMTPRECEIVER_TEST_EXPORT SmtpRcptArgument
{
    std::optional<SmtpReply> error;
    QString forwardPath;

    static SmtpRcptArgument parse(
        QByteArrayView argument, bool utf8Allowed, const SmtpLimits &limits);
};

// BDAT chunk-size [LAST] (RFC 3030)
struct SMTPRECEIVER_TEST_EXPORT SmtpBdatArgument
{
    bool valid = false;
    qint64 size = 0;
    bool last = false;

    static SmtpBdatArgument parse(QByteArrayView argument);
};
