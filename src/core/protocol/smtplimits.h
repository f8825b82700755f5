// Every bound the protocol enforces, in one place (contract.md, "SMTP behaviour promised").
#pragma once

#include <QtGlobal>

struct SmtpLimits
{
    // Command line including CRLF. RFC 5321 allows 512; extensions need more.
    qsizetype commandLineLength = 1000;
    // AUTH command and SASL responses, RFC 4954 section 4.
    qsizetype authLineLength = 12288;
    // Message octets after dot-unstuffing; exactly this many is still accepted.
    qint64 maxMessageSize = 26214400;
    // Body octets kept in memory: a message past this many goes to a spool (SmtpBodySpool), so
    // that 40 clients sending 20 MB at once cost 40 files, not 800 MB of RAM. 1 MiB keeps nearly
    // all mail (and all of a fast small-message stream) in memory, where it is cheapest.
    qint64 memoryBodyLimit = 1024 * 1024;
    int maxRecipients = 1000;
    // Bad commands in one session before 421 and close.
    int maxBadCommands = 20;
    // RFC 5321 4.5.3.1
    qsizetype maxLocalPartLength = 64;
    qsizetype maxDomainLength = 255;
    qsizetype maxPathLength = 256;
};
