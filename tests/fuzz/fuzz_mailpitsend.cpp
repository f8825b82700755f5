// libFuzzer target over MailpitSendMessage::fromJson(), the parser of POST /api/v1/send: any
// body a client can send. Checks that it never crashes, that a refusal is one line and builds
// nothing, and that a built message can never carry an injected header: CRLF line ends only, a
// header block of "Name: value" fields and their continuations, and no Bcc field.
#include "fuzzcheck.h"
#include "mailpitsendmessage.h"

#include <cstdint>

namespace {

void checkMessage(const QByteArray &data)
{
    check(!data.isEmpty());
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) == '\n')
            check(i > 0 && data.at(i - 1) == '\r');
        if (data.at(i) == '\r')
            check(i + 1 < data.size() && data.at(i + 1) == '\n');
    }
    const qsizetype end = data.indexOf("\r\n\r\n");
    check(end > 0);
    for (const QByteArray &line : data.left(end).split('\n')) {
        const QByteArray field = line.chopped(line.endsWith('\r') ? 1 : 0);
        check(!field.isEmpty());
        if (field.at(0) == ' ' || field.at(0) == '\t')
            continue; // a continuation line
        const qsizetype colon = field.indexOf(':');
        check(colon > 0);
        for (const char c : field.left(colon))
            check(c > 32 && c < 127);
        check(field.left(colon).toLower() != "bcc");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const MailpitSendMessage built
        = MailpitSendMessage::fromJson(json, QStringLiteral("fuzz.test"));
    if (!built.isValid()) {
        check(!built.error.contains(QLatin1Char('\n')) && !built.error.contains(QLatin1Char('\r')));
        check(built.data.isEmpty());
        return 0;
    }
    checkMessage(built.data);
    check(!built.rcptTos.isEmpty());
    return 0;
}
