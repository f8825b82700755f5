// api-bench PATH [--runs N]
//
// Opens an existing store (made by make-store; an older schema is migrated then, and the open
// time says how long that took), waits until the background indexer has indexed every message,
// then times the store work behind the HTTP API's list and search answers, each N times
// (default 7), and prints first / median / min / max in ms:
//   messages        GET /api/v1/messages: the counters, the newest 50 by offset, and each
//                   message read in full (store.message(), what MailpitJson::summary needs)
//   messages:deep   the same at start=100000 (OFFSET walks the rows before it)
//   search:rare     GET /api/v1/search?query=xylophonist: countMatching() + the first 50 + reads
//   search:common   the same for "project" (a word in ~40% of messages)
//   search:from     the same for "from:alice"
//   search:sub      the same for "ylophon" (a substring inside the rare word)
// The JSON encoding itself is left out (microseconds for 50 items). The last line is
//   RESULT key=value ...
#include "smtpmessagestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStringList>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

struct Stats
{
    double first = 0;
    double median = 0;
    double min = 0;
    double max = 0;
};

Stats measure(int runs, const std::function<void()> &what)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        what();
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    Stats s;
    s.first = ms.front();
    std::sort(ms.begin(), ms.end());
    s.median = ms[ms.size() / 2];
    s.min = ms.front();
    s.max = ms.back();
    return s;
}

void print(const char *name, const Stats &s, const QString &note)
{
    std::printf("%-16s first %8.2f  median %8.2f  min %8.2f  max %8.2f ms  %s\n", name, s.first,
        s.median, s.min, s.max, qPrintable(note));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: api-bench PATH [--runs N]\n");
        return 2;
    }
    int runs = 7;
    const int runsAt = int(args.indexOf(QStringLiteral("--runs")));
    if (runsAt > 0 && runsAt + 1 < args.size())
        runs = qMax(1, args.at(runsAt + 1).toInt());

    SmtpMessageStore store;
    QElapsedTimer openTimer;
    openTimer.start();
    if (!store.open(args.at(1))) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorString()));
        return 1;
    }
    std::printf("open %.1f ms (a store of an older schema is migrated here), %lld messages, "
                "%lld bytes per message\n",
        double(openTimer.nsecsElapsed()) / 1e6, qlonglong(store.count()),
        qlonglong(store.count() ? store.databaseSize() / store.count() : 0));

    QElapsedTimer indexTimer;
    indexTimer.start();
    while (!store.isIndexCaughtUp()) {
        QEventLoop loop;
        QObject::connect(&store, &SmtpMessageStore::indexCaughtUp, &loop, &QEventLoop::quit);
        if (!store.isIndexCaughtUp())
            loop.exec();
    }
    std::printf("index caught up after %.1f s\n", double(indexTimer.elapsed()) / 1000);

    SmtpSearchOptions mailpit;
    mailpit.lenient = true;
    qsizetype items = 0;
    qint64 matches = 0;
    const auto readAll = [&](const QList<SmtpMessageSummary> &page) {
        for (const SmtpMessageSummary &s : page)
            items += store.message(s.id) ? 1 : 0;
    };
    const auto list = [&](qint64 start) {
        return [&, start] {
            matches = store.count();
            store.unreadCount();
            items = 0;
            readAll(store.summariesAt(QString(), start, 50));
        };
    };
    const auto search = [&](const QString &query) {
        return [&, query] {
            matches = store.countMatching(query, mailpit).messages;
            items = 0;
            readAll(store.summariesAt(query, 0, 50, mailpit));
        };
    };

    struct Case
    {
        const char *name;
        const char *key;
        std::function<void()> run;
    };
    const std::vector<Case> cases {
        { "messages", "messages_ms", list(0) },
        { "messages:deep", "messages_deep_ms", list(100000) },
        { "search:rare", "search_rare_ms", search(QStringLiteral("xylophonist")) },
        { "search:common", "search_common_ms", search(QStringLiteral("project")) },
        { "search:from", "search_from_ms", search(QStringLiteral("from:alice")) },
        { "search:sub", "search_substring_ms", search(QStringLiteral("ylophon")) },
    };
    QString result = QStringLiteral("RESULT api n=%1").arg(store.count());
    for (const Case &c : cases) {
        const Stats s = measure(runs, c.run);
        print(c.name, s, QStringLiteral("(%1 items, %2 matches)").arg(items).arg(matches));
        result += QStringLiteral(" %1=%2").arg(QLatin1String(c.key)).arg(s.median, 0, 'f', 2);
    }
    std::printf("%s\n", qPrintable(result));
    return 0;
}
