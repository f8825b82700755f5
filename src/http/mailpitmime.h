// The two things the HTTP API asks GMime for itself: splitting an address list into names and
// addresses (quoted names with commas, groups, RFC 2047 words) and reading a Date header. A
// Qt-only header: GMime stays inside mailpitmime.cpp (glib's "signals" clash).
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QDateTime>
#include <QList>
#include <QString>

struct MailpitAddress
{
    QString name; // decoded; "" when there is none
    QString address;
};

namespace MailpitMime {

// Makes sure GMime is initialised before the HTTP library calls it (by Core, once per process).
SMTPRECEIVERHTTP_TEST_EXPORT void ensureGMime();

// The mailboxes of an address list (raw, or as SmtpStoredMessage displays it), in order; the
// members of a group take its place. A mailbox without "@" is no address (Go's net/mail, which
// Mailpit reads headers with, refuses it); text with no address at all gives an empty list.
SMTPRECEIVERHTTP_TEST_EXPORT QList<MailpitAddress> addresses(const QString &text);

// The instant a Date header names (RFC 5322, and the common broken forms); invalid when it
// names none.
SMTPRECEIVERHTTP_TEST_EXPORT QDateTime date(const QString &text);

} // namespace MailpitMime
