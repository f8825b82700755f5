// What the HTTP API asks GMime for itself: reading a Date header. A Qt-only header: GMime stays
// inside mailpitmime.cpp (glib's "signals" clash). Address lists are Core's (SmtpAddressList).
#pragma once

#include "smtpreceiverhttp_global.h"

#include <QDateTime>
#include <QString>

namespace MailpitMime {

// Makes sure GMime is initialised before the HTTP library calls it (by Core, once per process).
SMTPRECEIVERHTTP_TEST_EXPORT void ensureGMime();

// The instant a Date header names (RFC 5322, and the common broken forms); invalid when it
// names none.
SMTPRECEIVERHTTP_TEST_EXPORT QDateTime date(const QString &text);

} // namespace MailpitMime
