// SmtpAddressList through GMime's address-list parser. GMime first: glib's headers use the
// identifier "signals", which Qt's would redefine.
#include <gmime/gmime.h>

#include "gmime_p.h"
#include "smtpaddresslist.h"

#include <algorithm>

namespace {

QString fromUtf8(const char *text)
{
    return text ? QString::fromUtf8(text).trimmed() : QString();
}

void collect(InternetAddressList *list, QList<SmtpNamedAddress> *result, int depth)
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

namespace SmtpAddressList {

QList<SmtpNamedAddress> parse(const QString &text)
{
    QList<SmtpNamedAddress> result;
    if (text.trimmed().isEmpty())
        return result;
    const QByteArray utf8 = text.toUtf8();
    const QByteArray joined = MimeInternal::joinBase64Words(utf8);
    if (InternetAddressList *list = internet_address_list_parse(MimeInternal::headerOptions(),
            joined.isEmpty() ? utf8.constData() : joined.constData())) {
        collect(list, &result, 0);
        g_object_unref(list);
    }
    return result;
}

bool contains(const QString &text, const QString &address)
{
    QString bare = address.trimmed();
    if (bare.startsWith(QLatin1Char('<')) && bare.endsWith(QLatin1Char('>')))
        bare = bare.mid(1, bare.size() - 2).trimmed();
    if (bare.isEmpty())
        return false;
    // Lowercased, not case-folded: folding makes "ſ" an "s" and "ς" a "σ", which the API's
    // comparison does not, and the two would disagree on such a recipient.
    const QString wanted = bare.toLower();
    const QList<SmtpNamedAddress> mailboxes = parse(text);
    return std::any_of(mailboxes.cbegin(), mailboxes.cend(),
        [&](const SmtpNamedAddress &m) { return m.address.toLower() == wanted; });
}

} // namespace SmtpAddressList
