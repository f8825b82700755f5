// Where a message body goes once it has outgrown memory: the session hands its octets to a spool
// (a file, in the product) instead of growing a buffer, so that big mail costs disk, not RAM.
// An interface, so that the protocol stays a pure state machine that owns no file.
#pragma once

#include <QByteArrayView>

#include <functional>
#include <memory>

class SmtpBodySpool
{
public:
    virtual ~SmtpBodySpool() = default;
    // Appends the next octets of the body (after dot-unstuffing). False when they cannot be
    // kept (a full disk): the session reads the body to its end and refuses it with 451.
    virtual bool append(QByteArrayView octets) = 0;
};

// Makes the spool of one body; null when none can be made (the body then stays in memory).
// Whoever holds the last reference to a spool removes it: the session drops its reference when
// the transaction ends, so nothing of a half-received message outlives it.
using SmtpBodySpooler = std::function<std::shared_ptr<SmtpBodySpool>()>;
