// store-bench PATH [--runs N] [--cold] [--only REGEX]
//
// Times the reads of SmtpMessageStore on an existing store (made by make-store), each N times
// (default 7), and prints first / median / min / max in milliseconds:
//   open             SmtpMessageStore::open() on the file (a fresh store object each run)
//   newest200        summaries("", 0, 200): the first page of the inbox
//   page2            summaries("", <last id of page 1>, 200): the next page
//   lastpage         summaries("", <oldest id + 200>, 200): the last page (the 200 oldest)
//   rare             summaries("xylophonist", 0, 200): full-text search, ~1 hit per 100,000
//   common           summaries("project", 0, 200): full-text search, a word in ~40% of messages
//   from             summaries("from:alice", 0, 200): one sender name in ~1/60 of messages
//   sort:KEY:DIR     summaries("", {KEY, DIR, 200}): the first page sorted by subject, from, to
//                    or size, ascending or descending (what a click on a column header reads)
//   next:KEY:DIR     the page after it (the keyset cursor: the first page's last row)
//   mid:KEY:DIR      the page after the row of the middle id (a page deep in the order)
//   sort:KEY:Q:DIR   the first page of a search sorted by subject, from, to or size, ascending or
//                    descending; Q is one of the searches: rare "xylophonist" (10 matches),
//                    laptop (~0.9% of messages, nearly all "Your laptop order ..."), alice (a
//                    name: its trigrams in ~26% of messages), common "project" (~47%; trigrams
//                    ~57%), from "from:alice" (~1.7% of senders, checked among those ~26%),
//                    inbox "mailbox:Inbox project", box "mailbox:project-10 project" and
//                    tinybox "mailbox:project-tiny project" (the common word in a mailbox of ~14%,
//                    one of ~2% and one of 0.05% of the messages, as spread-mailboxes.py
//                    spreads them; without them, in a mailbox that does not exist), fromnot
//                    "from:alice -laptop" (the sender's own index leads, and each of its matches
//                    has its text checked for the word left out)
//   next:KEY:Q:DIR   the page after it (the keyset cursor: the first page's last row)
//   foreach          forEach() over every message (3 runs), with the peak RSS during the walk
// and the RSS after open, the database size per message. The last line is
//   RESULT key=value ...
// By default the OS page cache is warm (the file was just written or read), so "first" is the
// first run in this process and the median is warm. With --cold, the file's pages are dropped
// from the OS page cache (posix_fadvise DONTNEED, this file only) before every run: what a store
// opened after a reboot costs. With --only, only the cases whose name the regular expression
// finds (e.g. "^(sort|next):subject:") run (open always opens the store; it is timed only when
// its name matches too).

#include "procstatus.h"

#include "smtpmessagestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace {

// Resets VmHWM to the current RSS (Linux >= 4.0), so a later VmHWM is the peak since now.
bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

struct Stats
{
    double first = 0;
    double median = 0;
    double min = 0;
    double max = 0;
};

Stats stats(std::vector<double> ms)
{
    Stats s;
    if (ms.empty())
        return s;
    s.first = ms.front();
    std::sort(ms.begin(), ms.end());
    s.min = ms.front();
    s.max = ms.back();
    const size_t n = ms.size();
    s.median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    return s;
}

void print(const char *name, const Stats &s, const QString &extra = QString())
{
    if (s.max == 0) // not run (--only)
        return;
    std::printf("%-16s median %9.3f ms   first %9.3f   min %9.3f   max %9.3f   %s\n", name,
        s.median, s.first, s.min, s.max, qUtf8Printable(extra));
    std::fflush(stdout);
}

// Drops the pages of the database (and its WAL) from the OS page cache, when cold is set.
QString coldPath;

void evict()
{
    if (coldPath.isEmpty())
        return;
    for (const QString &file : { coldPath, QString(coldPath + QStringLiteral("-wal")) }) {
        const int fd = ::open(QFile::encodeName(file).constData(), O_RDONLY);
        if (fd < 0)
            continue;
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

int usage()
{
    std::fprintf(stderr, "usage: store-bench PATH [--runs N] [--cold] [--only REGEX]\n");
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2)
        return usage();
    const QString path = args.at(1);
    int runs = 7;
    bool cold = false;
    QRegularExpression only;
    for (qsizetype i = 2; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--cold")) {
            cold = true;
        } else if (args.at(i) == QLatin1String("--only") && i + 1 < args.size()) {
            only.setPattern(args.at(++i));
            if (!only.isValid())
                return usage();
        } else if (args.at(i) == QLatin1String("--runs") && i + 1 < args.size()) {
            bool ok = false;
            runs = args.at(++i).toInt(&ok);
            if (!ok || runs < 1)
                return usage();
        } else {
            return usage();
        }
    }
    if (!QFileInfo(path).isFile()) {
        std::fprintf(stderr, "store-bench: %s: no such file (make it with make-store)\n",
            qUtf8Printable(path));
        return 2;
    }

    if (cold)
        coldPath = path;
    const auto wanted = [&only](const QString &name) {
        return only.pattern().isEmpty() || only.match(name).hasMatch();
    };
    std::printf("mode       %s page cache, %d runs\n",
        cold ? "cold (evicted before every run)" : "warm", runs);
    const qint64 rssBeforeKib = statusKib("VmRSS:");

    // open: a fresh store each run, closed again outside the timing.
    std::vector<double> openMs;
    for (int r = 0; r < (wanted(QStringLiteral("open")) ? runs : 0); ++r) {
        SmtpMessageStore s;
        evict();
        QElapsedTimer t;
        t.start();
        if (!s.open(path)) {
            std::fprintf(stderr, "store-bench: %s\n", qUtf8Printable(s.errorString()));
            return 2;
        }
        openMs.push_back(t.nsecsElapsed() / 1e6);
    }
    const Stats open = stats(openMs);
    if (!openMs.empty())
        print("open", open);

    SmtpMessageStore store;
    if (!store.open(path)) {
        std::fprintf(stderr, "store-bench: %s\n", qUtf8Printable(store.errorString()));
        return 2;
    }
    const qint64 rssAfterOpenKib = statusKib("VmRSS:");
    const qint64 count = store.count();
    const qint64 dbSize = store.databaseSize();
    std::printf("store      %s: %lld messages, %lld bytes (%.1f MiB), %.0f bytes/message\n",
        qUtf8Printable(path), count, dbSize, dbSize / 1048576.0,
        count > 0 ? double(dbSize) / count : 0.0);
    std::printf("rss        before open %.1f MiB, after open %.1f MiB\n", rssBeforeKib / 1024.0,
        rssAfterOpenKib / 1024.0);

    bool failed = false;
    // Runs what, timed, runs times. Cold: each run gets a store opened afresh (outside the
    // timing), so SQLite's own page cache is empty too, and the file is evicted after the open.
    const auto timed = [&](int n, const std::function<void(SmtpMessageStore &)> &what) {
        std::vector<double> ms;
        if (n <= 0)
            return ms;
        for (int r = 0; r < n; ++r) {
            std::unique_ptr<SmtpMessageStore> fresh;
            if (cold) {
                fresh = std::make_unique<SmtpMessageStore>();
                fresh->open(path);
                evict();
            }
            QElapsedTimer t;
            t.start();
            what(fresh ? *fresh : store);
            ms.push_back(t.nsecsElapsed() / 1e6);
        }
        return ms;
    };
    const auto page = [&](SmtpMessageStore &on, const QString &query, qint64 beforeId,
                          qsizetype *hits, qint64 *lastId) {
        QString error;
        const QList<SmtpMessageSummary> result = on.summaries(query, beforeId, 200, &error);
        if (!error.isEmpty()) {
            std::fprintf(
                stderr, "store-bench: \"%s\": %s\n", qUtf8Printable(query), qUtf8Printable(error));
            failed = true;
        }
        if (hits)
            *hits = result.size();
        if (lastId)
            *lastId = result.isEmpty() ? 0 : result.constLast().id;
    };

    qsizetype hits = 0;
    qint64 lastId = 0;
    const auto runsFor = [&](const QString &name) { return wanted(name) ? runs : 0; };
    const Stats newest = stats(timed(runsFor(QStringLiteral("newest200")),
        [&](SmtpMessageStore &on) { page(on, {}, 0, &hits, &lastId); }));
    print("newest200", newest, QStringLiteral("%1 rows").arg(hits));
    const qint64 page1Last = lastId;
    const Stats page2 = stats(timed(runsFor(QStringLiteral("page2")),
        [&](SmtpMessageStore &on) { page(on, {}, page1Last, &hits, nullptr); }));
    print("page2", page2, QStringLiteral("%1 rows before id %2").arg(hits).arg(page1Last));
    // The last page (scrolled to the bottom): the 200 oldest.
    qint64 oldestId = 0;
    store.forEach([&](const SmtpMessageSummary &s) {
        oldestId = s.id;
        return false;
    });
    const Stats lastPage = stats(timed(runsFor(QStringLiteral("lastpage")),
        [&](SmtpMessageStore &on) { page(on, {}, oldestId + 200, &hits, nullptr); }));
    print(
        "lastpage", lastPage, QStringLiteral("%1 rows before id %2").arg(hits).arg(oldestId + 200));

    // Reading single messages: the raw bytes (what /raw, .eml files and releases read) and the
    // whole stored message (what the message view reads), of 200 messages spread over the store.
    const QList<SmtpMessageSummary> newestOne = store.summaries(QString(), 0, 1);
    const qint64 newestId = newestOne.isEmpty() ? 0 : newestOne.constFirst().id;
    QList<qint64> spread;
    for (int i = 0; i < 200 && newestId > oldestId; ++i)
        spread.append(oldestId + (newestId - oldestId) * i / 199);
    qint64 rawBytes = 0;
    const Stats raw200 = stats(timed(runsFor(QStringLiteral("raw200")), [&](SmtpMessageStore &on) {
        rawBytes = 0;
        for (const qint64 id : std::as_const(spread))
            rawBytes += on.rawData(id).size();
    }));
    print("raw200", raw200,
        QStringLiteral("rawData() of %1 messages, %2 bytes").arg(spread.size()).arg(rawBytes));
    qint64 found = 0;
    const Stats message200
        = stats(timed(runsFor(QStringLiteral("message200")), [&](SmtpMessageStore &on) {
              found = 0;
              for (const qint64 id : std::as_const(spread))
                  found += on.message(id).has_value() ? 1 : 0;
          }));
    print("message200", message200,
        QStringLiteral("message() of %1 messages, %2 found").arg(spread.size()).arg(found));

    struct Search
    {
        const char *key;
        QString query;
        bool counted; // its matches counted in all, outside the timings (for the notes)
    };
    // The first three are the RESULT line's; the others sort only (the hard cases of a sorted
    // search: a word in a few percent of the messages, a common word in a small mailbox).
    const Search searches[] = {
        { "rare", QStringLiteral("xylophonist"), true },
        { "common", QStringLiteral("project"), true },
        { "from", QStringLiteral("from:alice"), true },
        { "laptop", QStringLiteral("laptop"), true },
        { "alice", QStringLiteral("alice"), true },
        { "inbox", QStringLiteral("mailbox:Inbox project"), false },
        { "box", QStringLiteral("mailbox:project-10 project"), false },
        { "tinybox", QStringLiteral("mailbox:project-tiny project"), false },
        { "fromnot", QStringLiteral("from:alice -laptop"), false },
    };
    std::vector<Stats> searchStats;
    std::vector<qsizetype> searchHits;
    std::vector<qint64> searchTotals;
    for (const Search &s : searches) {
        const bool run = wanted(QLatin1String(s.key));
        searchStats.push_back(stats(timed(
            run ? runs : 0, [&](SmtpMessageStore &on) { page(on, s.query, 0, &hits, nullptr); })));
        searchHits.push_back(hits);
        searchTotals.push_back(run && s.counted ? store.countMatching(s.query).messages : -1);
        print(s.key, searchStats.back(),
            QStringLiteral("\"%1\": %2 rows; %3 matches in all")
                .arg(s.query)
                .arg(hits)
                .arg(searchTotals.back()));
    }

    // Sorted pages: the first, the next (keyset cursor) and one from the middle of the order.
    struct Sorted
    {
        const char *name;
        SmtpSortKey key;
    };
    const Sorted sortKeys[] = { { "subject", SmtpSortKey::Subject }, { "from", SmtpSortKey::From },
        { "to", SmtpSortKey::To }, { "size", SmtpSortKey::Size } };
    SmtpMessageSummary middle; // the row of the middle id, for a cursor deep in every order
    {
        const QList<SmtpMessageSummary> around = store.summaries({}, oldestId + count / 2, 1);
        if (!around.isEmpty())
            middle = around.constFirst();
    }
    const auto sortedPage
        = [&](SmtpMessageStore &on, const QString &query, const SmtpPageRequest &request,
              qsizetype *rows, SmtpMessageSummary *last) {
              QString error;
              const QList<SmtpMessageSummary> result = on.summaries(query, request, &error);
              if (!error.isEmpty()) {
                  std::fprintf(stderr, "store-bench: sorted \"%s\": %s\n", qUtf8Printable(query),
                      qUtf8Printable(error));
                  failed = true;
              }
              if (rows)
                  *rows = result.size();
              if (last && !result.isEmpty())
                  *last = result.constLast();
          };
    QString sortedResult;
    for (const Sorted &k : sortKeys) {
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
            const char *dir = order == Qt::AscendingOrder ? "asc" : "desc";
            SmtpPageRequest first;
            first.key = k.key;
            first.order = order;
            SmtpMessageSummary last;
            const QString suffix
                = QStringLiteral("%1:%2").arg(QLatin1String(k.name), QLatin1String(dir));
            const Stats firstPage = stats(timed(runsFor(QLatin1String("sort:") + suffix),
                [&](SmtpMessageStore &on) { sortedPage(on, {}, first, &hits, &last); }));
            print(qPrintable(
                      QStringLiteral("sort:%1:%2").arg(QLatin1String(k.name), QLatin1String(dir))),
                firstPage, QStringLiteral("%1 rows").arg(hits));
            const SmtpPageRequest next = first.after(last);
            const Stats nextPage = stats(timed(runsFor(QLatin1String("next:") + suffix),
                [&](SmtpMessageStore &on) { sortedPage(on, {}, next, &hits, nullptr); }));
            print(qPrintable(
                      QStringLiteral("next:%1:%2").arg(QLatin1String(k.name), QLatin1String(dir))),
                nextPage, QStringLiteral("%1 rows after id %2").arg(hits).arg(last.id));
            const SmtpPageRequest mid = first.after(middle);
            const Stats midPage = stats(timed(runsFor(QLatin1String("mid:") + suffix),
                [&](SmtpMessageStore &on) { sortedPage(on, {}, mid, &hits, nullptr); }));
            print(qPrintable(
                      QStringLiteral("mid:%1:%2").arg(QLatin1String(k.name), QLatin1String(dir))),
                midPage, QStringLiteral("%1 rows after id %2").arg(hits).arg(middle.id));
            sortedResult += QStringLiteral(" sort_%1_%2_ms=%3 next_%1_%2_ms=%4 mid_%1_%2_ms=%5")
                                .arg(QLatin1String(k.name), QLatin1String(dir))
                                .arg(firstPage.median, 0, 'f', 3)
                                .arg(nextPage.median, 0, 'f', 3)
                                .arg(midPage.median, 0, 'f', 3);
        }
    }
    // Every search in every order: the first page, and the next (keyset cursor) after it.
    double worstSearchSort = 0;
    QString worstSearchSortName;
    for (const Search &s : searches) {
        for (const Sorted &k : sortKeys) {
            for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
                const QString suffix
                    = QStringLiteral("%1:%2:%3")
                          .arg(QLatin1String(k.name), QLatin1String(s.key),
                              QLatin1String(order == Qt::AscendingOrder ? "asc" : "desc"));
                SmtpPageRequest first;
                first.key = k.key;
                first.order = order;
                SmtpMessageSummary last;
                const QString firstName = QLatin1String("sort:") + suffix;
                const Stats firstPage = stats(timed(runsFor(firstName),
                    [&](SmtpMessageStore &on) { sortedPage(on, s.query, first, &hits, &last); }));
                print(qPrintable(firstName), firstPage,
                    QStringLiteral("\"%1\": %2 rows").arg(s.query).arg(hits));
                const SmtpPageRequest next = first.after(last);
                const QString nextName = QLatin1String("next:") + suffix;
                const Stats nextPage = stats(timed(last.id != 0 ? runsFor(nextName) : 0,
                    [&](SmtpMessageStore &on) { sortedPage(on, s.query, next, &hits, nullptr); }));
                print(qPrintable(nextName), nextPage,
                    QStringLiteral("\"%1\": %2 rows after id %3")
                        .arg(s.query)
                        .arg(hits)
                        .arg(last.id));
                for (const auto &[name, st] :
                    { std::pair(firstName, firstPage), std::pair(nextName, nextPage) }) {
                    if (st.median > worstSearchSort) {
                        worstSearchSort = st.median;
                        worstSearchSortName = name;
                    }
                }
                if (k.key == SmtpSortKey::Subject && order == Qt::AscendingOrder
                    && &s - searches < 3)
                    sortedResult += QStringLiteral(" sort_subject_%1_ms=%2")
                                        .arg(QLatin1String(s.key))
                                        .arg(firstPage.median, 0, 'f', 3);
            }
        }
    }
    sortedResult
        += QStringLiteral(" worst_search_sort_ms=%1 worst_search_sort=%2")
               .arg(worstSearchSort, 0, 'f', 3)
               .arg(worstSearchSortName.isEmpty() ? QStringLiteral("-") : worstSearchSortName);

    // forEach: the whole store, streamed. VmHWM is reset first, so the peak is the walk's.
    const int walkRuns = qMin(runs, 3);
    qint64 visited = 0;
    qint64 peakKib = 0;
    qint64 rssBeforeWalkKib = 0;
    const bool peakReset = resetPeakRss();
    const Stats walk
        = stats(timed(wanted(QStringLiteral("foreach")) ? walkRuns : 0, [&](SmtpMessageStore &on) {
              resetPeakRss();
              rssBeforeWalkKib = statusKib("VmRSS:");
              visited = 0;
              qint64 subjectChars = 0;
              QString error;
              if (!on.forEach(
                      [&](const SmtpMessageSummary &s) {
                          ++visited;
                          subjectChars += s.subject.size();
                          return true;
                      },
                      &error)) {
                  std::fprintf(stderr, "store-bench: forEach: %s\n", qUtf8Printable(error));
                  failed = true;
              }
              peakKib = qMax(peakKib, statusKib("VmHWM:"));
              if (subjectChars < 0) // keeps the visit from being optimised away
                  std::printf("?\n");
          }));
    print("foreach", walk,
        QStringLiteral("%1 messages, %2 msg/s; rss before %3 MiB, peak during %4 MiB%5")
            .arg(visited)
            .arg(walk.median > 0 ? visited / (walk.median / 1000) : 0, 0, 'f', 0)
            .arg(rssBeforeWalkKib / 1024.0, 0, 'f', 1)
            .arg(peakKib / 1024.0, 0, 'f', 1)
            .arg(peakReset ? QString() : QStringLiteral(" (VmHWM not resettable: process peak)")));

    std::printf(
        "RESULT store_bench cold=%d count=%lld db_bytes=%lld db_bytes_per_msg=%.0f "
        "open_ms=%.2f newest200_ms=%.3f page2_ms=%.3f lastpage_ms=%.3f rare_ms=%.3f rare_hits=%lld "
        "common_ms=%.3f common_total=%lld from_ms=%.3f from_total=%lld "
        "foreach_ms=%.0f foreach_msgs=%lld foreach_peak_rss_mib=%.1f "
        "rss_after_open_mib=%.1f raw200_ms=%.3f message200_ms=%.3f%s\n",
        int(cold), count, dbSize, count > 0 ? double(dbSize) / count : 0.0, open.median,
        newest.median, page2.median, lastPage.median, searchStats[0].median, qint64(searchHits[0]),
        searchStats[1].median, searchTotals[1], searchStats[2].median, searchTotals[2], walk.median,
        visited, peakKib / 1024.0, rssAfterOpenKib / 1024.0, raw200.median, message200.median,
        qUtf8Printable(sortedResult));
    return failed ? 1 : 0;
}
