// mailbox-bench PATH [--runs N]
//
// Times switching mailbox on an existing store (made by make-store with --mailboxes M): what a
// click on a mailbox in the window costs. For every mailbox of SmtpMessageStore::mailboxes(),
// N times (default 5), in milliseconds:
//   list      mailboxes(): every mailbox with its counts (the mailbox list)
//   counts    mailbox(NAME): one mailbox's counts (its badge)
//   newest200 summaries("mailbox:NAME", 0, 200): its first page, newest first
//   page2     the page after it (the keyset cursor)
//   model     SmtpInboxModel::setMailbox(NAME) until its first page is in (the window's switch)
// and prints, over all mailboxes, median / max, then the slowest mailbox, and last
//   RESULT key=value ...
// The OS page cache is warm after the first run; run it right after opening to see cold pages.

#include "smtpinboxmodel.h"
#include "smtpmessagestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

// Runs start, then the event loop until the model has loaded a page (at most 30 s).
void untilPageLoaded(SmtpInboxModel &model, const std::function<void()> &start)
{
    QEventLoop loop;
    const QMetaObject::Connection done
        = QObject::connect(&model, &SmtpInboxModel::pageLoaded, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    start();
    if (model.isLoading())
        loop.exec();
    QObject::disconnect(done);
}

double timeMs(const std::function<void()> &what)
{
    QElapsedTimer timer;
    timer.start();
    what();
    return double(timer.nsecsElapsed()) / 1e6;
}

struct Series
{
    const char *name;
    std::vector<double> ms;
    QString slowest;
    double slowestMs = 0;

    void add(double value, const QString &mailbox)
    {
        ms.push_back(value);
        if (value > slowestMs) {
            slowestMs = value;
            slowest = mailbox;
        }
    }
    double median() const
    {
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        return sorted.empty() ? 0 : sorted[sorted.size() / 2];
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    int runs = 5;
    if (args.size() == 4 && args.at(2) == QLatin1String("--runs"))
        runs = qMax(1, args.at(3).toInt());
    else if (args.size() != 2) {
        std::fprintf(stderr, "usage: mailbox-bench PATH [--runs N]\n");
        return 2;
    }
    SmtpMessageStore store;
    const double openMs = timeMs([&] { store.open(args.at(1)); });
    if (!store.isOpen()) {
        std::fprintf(stderr, "mailbox-bench: %s\n", qUtf8Printable(store.errorString()));
        return 2;
    }
    std::printf("open %.1f ms, %lld messages\n", openMs, store.count());

    Series list { "list", {}, {}, 0 };
    Series counts { "counts", {}, {}, 0 };
    Series newest { "newest200", {}, {}, 0 };
    Series page2 { "page2", {}, {}, 0 };
    Series model { "model", {}, {}, 0 };
    QList<SmtpMailbox> mailboxes;
    list.add(timeMs([&] { mailboxes = store.mailboxes(); }), QString());
    std::printf("%lld mailboxes\n", qint64(mailboxes.size()));

    SmtpInboxModel inbox;
    untilPageLoaded(inbox, [&] { inbox.setStore(&store); });
    for (int run = 0; run < runs; ++run) {
        list.add(timeMs([&] { store.mailboxes(); }), QString());
        for (const SmtpMailbox &mailbox : std::as_const(mailboxes)) {
            const QString query = QStringLiteral("mailbox:") + mailbox.name;
            counts.add(timeMs([&] { store.mailbox(mailbox.name); }), mailbox.name);
            QList<SmtpMessageSummary> first;
            newest.add(timeMs([&] { first = store.summaries(query, 0, 200); }), mailbox.name);
            if (!first.isEmpty())
                page2.add(timeMs([&] { store.summaries(query, first.constLast().id, 200); }),
                    mailbox.name);
            model.add(
                timeMs([&] { untilPageLoaded(inbox, [&] { inbox.setMailbox(mailbox.name); }); }),
                mailbox.name);
        }
    }
    QString result = QStringLiteral("RESULT messages=%1 mailboxes=%2")
                         .arg(store.count())
                         .arg(mailboxes.size());
    for (const Series *s : { &list, &counts, &newest, &page2, &model }) {
        std::printf("%-10s median %8.3f ms   max %8.3f ms (%s)\n", s->name, s->median(),
            s->slowestMs, qUtf8Printable(s->slowest));
        result += QStringLiteral(" %1_median_ms=%2 %1_max_ms=%3")
                      .arg(QLatin1String(s->name))
                      .arg(s->median(), 0, 'f', 3)
                      .arg(s->slowestMs, 0, 'f', 3);
    }
    std::printf("%s\n", qUtf8Printable(result));
    return 0;
}
