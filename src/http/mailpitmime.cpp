// Address lists and dates through GMime. GMime first: glib's headers use the identifier
// "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "mailpitmime.h"

#include <smtpmessage.h>

#include <mutex>

namespace {

GMimeParserOptions *options = nullptr;

GMimeParserOptions *parserOptions()
{
    static std::once_flag once;
    std::call_once(once, [] {
        MailpitMime::ensureGMime();
        // Unencoded 8-bit text: UTF-8 first, then what Windows mailers send (as Core reads it).
        static const char *fallback[] = { "UTF-8", "windows-1252", nullptr };
        options = g_mime_parser_options_new();
        g_mime_parser_options_set_fallback_charsets(options, fallback);
    });
    return options;
}

QString fromUtf8(const char *text)
{
    return text ? QString::fromUtf8(text).trimmed() : QString();
}

void collect(InternetAddressList *list, QList<MailpitAddress> *result, int depth)
{
    const int count = internet_address_list_length(list);
    for (int i = 0; i < count; ++i) {
        InternetAddress *item = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(item)) {
            if (depth < 4) // groups do not nest in RFC 5322; GMime's parser does not make them
                collect(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(item)), result,
                    depth + 1);
        } else if (INTERNET_ADDRESS_IS_MAILBOX(item)) {
            const QString address
                = fromUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(item)));
            if (address.contains(QLatin1Char('@')))
                result->append({ fromUtf8(internet_address_get_name(item)), address });
        }
    }
}

} // namespace

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

QList<MailpitAddress> addresses(const QString &text)
{
    QList<MailpitAddress> result;
    if (text.trimmed().isEmpty())
        return result;
    const QByteArray utf8 = text.toUtf8();
    if (InternetAddressList *list
        = internet_address_list_parse(parserOptions(), utf8.constData())) {
        collect(list, &result, 0);
        g_object_unref(list);
    }
    return result;
}

QDateTime date(const QString &text)
{
    if (text.trimmed().isEmpty())
        return {};
    parserOptions();
    const QByteArray utf8 = text.toUtf8();
    GDateTime *parsed = g_mime_utils_header_decode_date(utf8.constData());
    if (!parsed)
        return {};
    const QDateTime at = QDateTime::fromSecsSinceEpoch(g_date_time_to_unix(parsed), Qt::UTC);
    g_date_time_unref(parsed);
    return at;
}

} // namespace MailpitMime
