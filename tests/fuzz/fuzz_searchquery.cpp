// libFuzzer target over the search language: any ?query= an HTTP client sends, any text typed in
// the desktop app's search field. Each input is compiled (SearchQuery, compiled here with the
// instrumentation) and run on a real store of a few messages, as the HTTP API reads it
// (lenient) and as the app does (strict), newest first and sorted by subject, paged and counted.
// Checks that nothing crashes; that the SQL and its bindings agree (one "?" outside string
// literals per binding); that a lenient query never fails (Mailpit ignores what it cannot read,
// so a failure is a statement SQLite refused: FTS5 syntax, say); that a strict one fails only
// with one line that says why (no control character); and that a query's count is at least the page
// it gives.
#include "fuzzcheck.h"
#include "smtpmessage.h"
#include "smtpmessagestore.h"
#include "smtptext.h"
#include "store/searchquery.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdint>

namespace {

qsizetype placeholders(const QString &sql)
{
    qsizetype count = 0;
    bool literal = false;
    for (const QChar c : sql) {
        if (c == u'\'')
            literal = !literal;
        else if (c == u'?' && !literal)
            ++count;
    }
    return count;
}

SmtpMessage message(int i)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime(QDate(2026, 11, 20), QTime(i % 24, 0), Qt::UTC));
    m.setRemoteAddress(QStringLiteral("127.0.0.1"));
    m.setHelo(QStringLiteral("client.test"));
    m.setMailFrom(QStringLiteral("sender%1@example.org").arg(i));
    m.setRcptTos({ QStringLiteral("to%1@example.com").arg(i), QStringLiteral("hidden@bcc.test") });
    const QByteArray n = QByteArray::number(i);
    m.setData("From: =?UTF-8?Q?J=C3=BCrgen_" + n + "?= <j" + n
        + "@example.org>\r\nTo: Bob <bob@example.com>\r\nCc: carol@example.net\r\n"
          "Subject: Report "
        + n
        + " \xc3\x9c"
          "ber caf\xc3\xa9\r\nMessage-ID: <m"
        + n
        + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
          "boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nInvoice 14"
        + n
        + "20 is attached, hello,world.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Only "
          "<b>html</b> "
        + n + "</p>\r\n--b--\r\n");
    return m;
}

SmtpMessageStore *theStore()
{
    static SmtpMessageStore *store = [] {
        static int argc = 1;
        static char name[] = "fuzz_searchquery";
        static char *argv[] = { name, nullptr };
        new QCoreApplication(argc, argv);
        auto *s = new SmtpMessageStore;
        check(s->open(QStringLiteral(":memory:")));
        constexpr int messages = 12;
        for (int i = 0; i < messages; ++i)
            s->deliver(message(i), [](const SmtpSinkResult &) {});
        // The store tells its state through its thread's events.
        while (s->count() < messages || !s->isIndexCaughtUp()) {
            QCoreApplication::processEvents();
            QThread::msleep(5);
        }
        return s;
    }();
    return store;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SmtpMessageStore *store = theStore();
    const QString query = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    bool strictValid = false;
    for (const bool lenient : { true, false }) {
        SearchQuery::Options compileOptions;
        compileOptions.lenient = lenient;
        const SearchQuery compiled = SearchQuery::compile(query, compileOptions);
        if (compiled.isValid())
            check(placeholders(compiled.where) == compiled.bindings.size());
        else
            check(
                !lenient && SmtpText::shownOnOneLine(compiled.errorString) == compiled.errorString);
        strictValid = compiled.isValid(); // the strict reading comes last

        SmtpSearchOptions options;
        options.lenient = lenient;
        QString error;
        const QList<SmtpMessageSummary> page = store->summariesAt(query, 0, 5, options, &error);
        check(error.isEmpty() == compiled.isValid());
        error.clear();
        const SmtpMatchCount count = store->countMatching(query, options, &error);
        check(error.isEmpty() == compiled.isValid());
        if (compiled.isValid())
            check(count.messages >= page.size());
    }
    // The app's reading (strict), a page sorted by subject each way.
    for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
        SmtpPageRequest sorted;
        sorted.key = SmtpSortKey::Subject;
        sorted.order = order;
        sorted.limit = 5;
        QString error;
        store->summaries(query, sorted, &error);
        check(error.isEmpty() == strictValid);
    }
    return 0;
}
