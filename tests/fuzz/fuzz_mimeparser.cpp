// libFuzzer target over what the store does with every message an SMTP client sends: the read of
// the inbox headers before the 250 (MimeParser::inboxHeaders), the indexer's GMime parse
// (MimeParser::parse), the decoding of each part (MimeParser::partContent) and the text of the
// HTML body (SmtpHtmlToText). A crash there would not lose one message: the indexer would meet
// the same message again after every restart. Checks that none crashes, that the part tree is
// numbered as the store keeps it, that the inbox shows before indexing what it shows after
// (subject, From, To), and that collapsing white space twice changes nothing more. And the
// address lists as the HTTP API and the bcc: search split them (SmtpAddressList): each address
// a list gives is one that list has.
#include "fuzzcheck.h"
#include "mime/mimeparser.h"
#include "smtpaddresslist.h"
#include "smtphtmltotext.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    const MimeInboxHeaders inbox = MimeParser::inboxHeaders(raw);
    const MimeParsedMessage parsed = MimeParser::parse(raw, size % 2 == 0);
    if (!parsed.parseFailed) {
        check(inbox.subject == parsed.subject);
        check(inbox.from == parsed.from);
        check(inbox.to == parsed.to);
        for (qsizetype i = 0; i < parsed.parts.size(); ++i) {
            check(parsed.parts.at(i).partId() == i);
            // Each part's content parses the whole message again: the first ones and the last,
            // not a thousand of an 8 KB input (seconds under ASan).
            if (i < 16 || i == parsed.parts.size() - 1) {
                bool ok = false;
                MimeParser::partContent(raw, int(i), &ok);
            }
        }
    }
    // The decoded headers (as the API reads them) and the input itself as a raw header value.
    for (const QString &list : { parsed.to, parsed.cc, parsed.bcc, QString::fromUtf8(raw) }) {
        for (const SmtpNamedAddress &mailbox : SmtpAddressList::parse(list))
            check(SmtpAddressList::contains(list, mailbox.address));
    }
    const QString text = SmtpHtmlToText::text(parsed.htmlBody);
    const QString once = SmtpHtmlToText::collapsed(text);
    check(SmtpHtmlToText::collapsed(once) == once);
    return 0;
}
