// Dates through GMime. GMime first: glib's headers use the identifier "signals", which Qt's
// would redefine.
#include <gmime/gmime.h>

#include "mailpitmime.h"

#include <smtpmessage.h>

#include <mutex>

namespace MailpitMime {

void ensureGMime()
{
    // Core initialises GMime exactly once per process (its own std::call_once) the first time
    // it decodes header text. Having Core do it, rather than calling g_mime_init() here too,
    // keeps one initialisation: g_mime_init() is not safe against a concurrent call, and Core's
    // store indexer may be making its first one on another thread.
    static std::once_flag once;
    std::call_once(once, [] {
        SmtpMessage probe;
        probe.setData(QByteArrayLiteral("Subject: =?utf-8?q?gmime?=\r\n\r\n"));
        (void)probe.subject();
    });
}

QDateTime date(const QString &text)
{
    if (text.trimmed().isEmpty())
        return {};
    ensureGMime();
    const QByteArray utf8 = text.toUtf8();
    GDateTime *parsed = g_mime_utils_header_decode_date(utf8.constData());
    if (!parsed)
        return {};
    const QDateTime at = QDateTime::fromSecsSinceEpoch(g_date_time_to_unix(parsed), Qt::UTC);
    g_date_time_unref(parsed);
    return at;
}

} // namespace MailpitMime
