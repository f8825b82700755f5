// Parsing of SMTP paths (RFC 5321 4.1.2, RFC 6531 for UTF-8). A pure function that fails closed:
// anything it does not fully understand is an error, never a partial address.
#pragma once

#include "smtplimits.h"
#include "smtpreceiver_global.h"

#include <QByteArray>
#include <QString>

struct SMTPRECEIVER_TEST_EXPORT SmtpPath
{
    enum class Error {
        None,
        Syntax, // not a path at all
        TooLong, // local part, domain or whole path over RFC 5321 limits
        NonAscii, // UTF-8 where SMTPUTF8 was not given
    };

    Error error = Error::Syntax;
    bool isNull = false; // the null reverse-path <>
    QString mailbox; // local@domain, or a bare "postmaster"; empty for <>
    qsizetype consumed = 0; // octets of the input that the path took, brackets included

    bool isValid() const { return error == Error::None; }

    enum class Kind { ReversePath, ForwardPath };
    // Parses a path at the start of text (after "FROM:" or "TO:"). Leading spaces are skipped.
    // A path without angle brackets is accepted (as most servers do) when it is a plain mailbox.
    static SmtpPath parse(
        QByteArrayView text, Kind kind, bool utf8Allowed, const SmtpLimits &limits = {});
};
