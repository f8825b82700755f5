// remote-open: the window on a remote catcher (RemoteWindow), timed as a user waits for it.
// bench/remote-open.sh starts a headless smtp-receiver with --http on a big store and runs this.
//
//   remote-open URL [PAGES]
//
// Prints, from the window's construction:
//   first_page_ms  the newest page (200 rows) in the inbox and painted: what the user sees;
// then PAGES times (default 20) the view scrolled to its bottom, as a user dragging down does:
//   page_ms        from the scroll to the next page in the model and painted (median and max);
// and the peak RSS of this process (the catcher's is its own). With REMOTE_OPEN_GRAB=FILE.png
// set, the newest message is then opened and the window saved there, to see what was timed.
#include "procstatus.h"

#include <messageview.h>
#include <remotewindow.h>
#include <sourceinboxmodel.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>

namespace {

bool waitForPage(SourceInboxModel *model)
{
    QEventLoop loop;
    QTimer::singleShot(60000, &loop, [&loop] { loop.exit(1); });
    QObject::connect(model, &SourceInboxModel::pageLoaded, &loop, [&loop] { loop.exit(0); });
    return loop.exec() == 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: remote-open URL [PAGES]\n");
        return 2;
    }
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const QUrl url(QString::fromLocal8Bit(argv[1]));
    const int pages = argc > 2 ? std::atoi(argv[2]) : 20;

    QElapsedTimer timer;
    timer.start();
    auto *window = new RemoteWindow({ url, {}, {} });
    window->show();
    SourceInboxModel *model = window->inboxModel();
    if (model->rowCount() == 0 && !waitForPage(model)) {
        std::fprintf(stderr, "no first page within 60 s\n");
        return 1;
    }
    QApplication::processEvents(); // painted
    const qint64 firstPage = timer.elapsed();
    std::printf("catcher=%s messages=%lld\n", qPrintable(url.toString()),
        static_cast<long long>(model->matchCount()));
    std::printf(
        "first_page_ms=%lld rows=%d\n", static_cast<long long>(firstPage), model->rowCount());

    QList<qint64> times;
    QTableView *view = window->inboxView();
    for (int i = 0; i < pages; ++i) {
        const int before = model->rowCount();
        timer.restart();
        view->scrollToBottom(); // the view asks for more itself (canFetchMore / fetchMore)
        QApplication::processEvents();
        if (model->rowCount() == before && !waitForPage(model)) {
            std::fprintf(stderr, "page %d did not come within 60 s\n", i + 2);
            return 1;
        }
        QApplication::processEvents();
        times.append(timer.elapsed());
    }
    std::sort(times.begin(), times.end());
    if (!times.isEmpty())
        std::printf("pages=%lld rows=%d page_ms_median=%lld page_ms_max=%lld\n",
            static_cast<long long>(times.size()), model->rowCount(),
            static_cast<long long>(times.at(times.size() / 2)),
            static_cast<long long>(times.constLast()));
    std::printf("peak_rss_kb=%lld\n", static_cast<long long>(statusKib("VmHWM:")));
    if (const QString grab = qEnvironmentVariable("REMOTE_OPEN_GRAB"); !grab.isEmpty()) {
        view->scrollToTop();
        view->selectRow(0);
        QEventLoop loop;
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        QObject::connect(window->messageView(), &MessageView::htmlRendered, &loop,
            [&loop] { QTimer::singleShot(1500, &loop, &QEventLoop::quit); });
        loop.exec();
        window->grab().save(grab);
    }
    delete window;
    return 0;
}
