// The mailboxes of an address header (From, To, Cc, Bcc, Reply-To), read as RFC 5322 reads an
// address list: quoted names that hold commas, groups, RFC 2047 words. One reading for the whole
// product: the HTTP API's address fields and the store's bcc: search split a header the same way.
#pragma once

#include "smtpreceiver_global.h"

#include <QList>
#include <QString>

// A plain aggregate, as SmtpClientReply is: two strings, copied as cheaply as they are.
struct SmtpNamedAddress
{
    QString name; // decoded; empty when there is none
    QString address; // local part and domain, without the angle brackets

    bool operator==(const SmtpNamedAddress &other) const
    {
        return name == other.name && address == other.address;
    }
    bool operator!=(const SmtpNamedAddress &other) const { return !(*this == other); }
};
Q_DECLARE_TYPEINFO(SmtpNamedAddress, Q_RELOCATABLE_TYPE);

namespace SmtpAddressList {

// The mailboxes of text (a raw header value, or one decoded as SmtpStoredMessage shows it), in
// order; the members of a group take its place. Adjacent base64 words of one charset are read as
// one, as the store reads its headers (a character split across two words survives). A mailbox
// without "@" is no address (Go's net/mail, which Mailpit reads headers with, refuses it); text
// with no address gives none.
SMTPRECEIVER_EXPORT QList<SmtpNamedAddress> parse(const QString &text);

// Whether one of the mailboxes of text has this address, compared as QString::toLower() gives
// them (as the HTTP API tells its Bcc from To and Cc); angle brackets around address are
// ignored. A substring is not enough: "ann@x.test" is not in "joann@x.test", nor in a display
// name that quotes it.
SMTPRECEIVER_EXPORT bool contains(const QString &text, const QString &address);

} // namespace SmtpAddressList
