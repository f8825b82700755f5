// libFuzzer target over HttpRequestParser::feed(): arbitrary bytes from an arbitrary client, in
// arbitrary chunks. Checks that the parser never crashes, never gives a request whose body
// exceeds the bound or whose head exceeds the header bounds, errors only with the statuses it
// documents, and never buffers more than one request's worth.
#include "fuzzcheck.h"
#include "httprequestparser.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qint64 maxBody = (data[0] & 1) ? 16 : 4096;
    const qsizetype step = qsizetype(data[1] % 64) + 1;
    data += 2;
    size -= 2;

    HttpRequestParser parser(maxBody);
    for (size_t pos = 0; pos < size; pos += size_t(step)) {
        const qsizetype n = qsizetype(qMin<size_t>(size_t(step), size - pos));
        parser.feed(QByteArrayView(reinterpret_cast<const char *>(data + pos), n));
        while (parser.hasRequest()) {
            const HttpParsedRequest parsed = parser.takeRequest();
            const HttpRequest &request = parsed.request;
            check(request.body.size() <= maxBody);
            check(!request.method.isEmpty());
            check(!request.path.isEmpty());
            check(parsed.minorVersion == 0 || parsed.minorVersion == 1);
            check(request.headers.size() <= HttpRequestParser::maxHeaderFields);
            check(parsed.head.size()
                <= HttpRequestParser::maxRequestLine + HttpRequestParser::maxHeaderBytes + 8);
            for (const auto &[name, value] : request.headers) {
                check(!name.isEmpty() && name == name.toLower());
                check(!value.contains('\r') && !value.contains('\n'));
            }
        }
        if (parser.hasError()) {
            const int status = parser.errorStatus();
            check(status == 400 || status == 413 || status == 414 || status == 417 || status == 431
                || status == 501 || status == 505);
            check(!parser.errorText().isEmpty() && !parser.errorText().contains(QLatin1Char('\n')));
        }
        // What waits for more input is bounded by the head and body bounds.
        check(parser.unparsedBytes().size() <= HttpRequestParser::maxRequestLine
                + HttpRequestParser::maxHeaderBytes + 2 * maxBody + HttpRequestParser::maxChunkLine
                + 64 + step);
    }
    return 0;
}
