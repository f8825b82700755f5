// gui-burst [--rate N] [--messages N] [--size BYTES] [--connections N] [--baseline-ms MS]
//           [--sort COLUMN[:asc|desc]] [--dir DIR] [--no-profile]
//
// Does receiving a burst of mail freeze the window? Opens the real MainWindow (as the GUI module
// does: offscreen platform unless QT_QPA_PLATFORM says otherwise, a temporary database file,
// --smtp 127.0.0.1:0, QSettings of its own in test mode), then a load generator on other threads
// sends --messages (50,000) messages of ~--size (1,024) bytes over --connections (64) parallel
// SMTP sessions, paced to --rate (5,000) messages a second in total: MAIL, RCPT and DATA
// pipelined in one write, the body after the 354. Many sessions, because the 250 comes only
// after the store's commit (fsync): each session has one message in flight, and 4 sessions
// cannot offer even 1,000 msg/s. Meanwhile a 5 ms Qt::PreciseTimer on the GUI thread records
// how late every tick is. --sort clicks a column header first (new mail then goes in at many
// places instead of at the top).
//
// Reported for the burst (from the first MAIL until the inbox shows every acknowledged message):
//   achieved rate   250s received per second between the first MAIL and the last 250; lower
//                   than the target when the server (or this machine) cannot keep up
//   lateness        actual tick interval - 5 ms: max, p99, p95, median; stalls > 50 / > 100 ms
//                   (an event loop that stalls > 100 ms is a visible freeze)
//   catch-up        last 250 -> the inbox model has a row for every acknowledged message
//   batches         rowsInserted and layoutChanged signals of the inbox model (live inserts are
//                   batched; sorted by another column, a batch in many places is one merge)
//   notifications   MainWindow::notificationShown during the burst and 1.5 s after it
//   peak RSS        VmHWM of this process (window, server, store and the load generator)
// and the same lateness figures for --baseline-ms (2,000) of idle window first: the machine's
// own noise. Unless --no-profile, every event the GUI thread dispatches at the top level is
// timed (QApplication::notify; wall time and the thread's CPU time, so that time off the CPU on
// a busy machine shows as such) and summed by event type and receiver, the Paint events inside
// them by widget, the longest single dispatches listed, and a few handlers of the window timed
// on their own; CPU time is also given per thread. That says where the GUI thread's time goes.
// The last line is
//   RESULT gui-burst rate=... sent=... acked=... maxLateMs=... p99LateMs=... stalls50=...
//          stalls100=... catchUpMs=... batches=... notifications=... peakRssMiB=... (extras)
// Not a test: bench/gui-burst.sh builds it (-DSMTPRECEIVER_BENCH=ON) and runs it.

#include "procstatus.h"

#include <appoptions.h>
#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageview.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QMetaEnum>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QWindow>

#include <arpa/inet.h>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t i = std::min(sorted.size() - 1, size_t(p / 100.0 * double(sorted.size())));
    return sorted[i];
}

// ---------------------------------------------------------------------------------------------
// Where the GUI thread's time goes: every top-level event dispatch, timed, summed by a key.

struct EventKey
{
    const QMetaObject *receiver = nullptr;
    const QMetaObject *ancestors[3] = { nullptr, nullptr, nullptr };
    int type = 0;
    int timerInterval = -1; // for a QTimer: its interval tells the window's timers apart
    bool operator<(const EventKey &o) const
    {
        return std::tie(receiver, ancestors[0], ancestors[1], ancestors[2], type, timerInterval)
            < std::tie(o.receiver, o.ancestors[0], o.ancestors[1], o.ancestors[2], o.type,
                o.timerInterval);
    }
};

QString labelOf(const EventKey &key)
{
    QString label = QLatin1String(key.receiver ? key.receiver->className() : "?");
    if (key.timerInterval >= 0)
        label += QStringLiteral("(%1 ms)").arg(key.timerInterval);
    for (const QMetaObject *a : key.ancestors)
        if (a)
            label += QStringLiteral(" < ") + QLatin1String(a->className());
    const char *type = QMetaEnum::fromType<QEvent::Type>().valueToKey(key.type);
    return QStringLiteral("%1: %2").arg(
        type ? QLatin1String(type) : QLatin1String(QByteArray::number(key.type)), label);
}

double threadCpuMs()
{
    timespec ts {};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1000 + double(ts.tv_nsec) / 1e6;
}

double processCpuMs()
{
    timespec ts {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1000 + double(ts.tv_nsec) / 1e6;
}

// CPU time (ms) of this process's live threads by name ("GUI thread" for the main one). Threads
// that ended are not in /proc: the load generator's threads count their own time.
std::map<QByteArray, double> threadCpuByName()
{
    std::map<QByteArray, double> cpu;
    const double msPerTick = 1000.0 / double(::sysconf(_SC_CLK_TCK));
    const QDir tasks(QStringLiteral("/proc/self/task"));
    const QString pid = QString::number(::getpid());
    const QStringList tids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &tid : tids) {
        QFile f(tasks.filePath(tid) + QStringLiteral("/stat"));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = f.readAll();
        // "tid (comm) state ppid ...": utime and stime are fields 14 and 15.
        const qsizetype open = stat.indexOf('('), close = stat.lastIndexOf(')');
        if (open < 0 || close < open)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        const double ms
            = double(fields.value(11).toLongLong() + fields.value(12).toLongLong()) * msPerTick;
        cpu[tid == pid ? QByteArray("GUI thread") : stat.mid(open + 1, close - open - 1)] += ms;
    }
    return cpu;
}

struct TimeStat
{
    qint64 count = 0;
    double totalMs = 0;
    double cpuMs = 0; // of the GUI thread: less than totalMs when it was not on a CPU
    double maxMs = 0;
    void add(double ms, double cpu = 0)
    {
        ++count;
        totalMs += ms;
        cpuMs += cpu;
        maxMs = std::max(maxMs, ms);
    }
};

struct LongDispatch
{
    double atMs; // since the start of the recording
    double ms;
    double cpuMs;
    EventKey key;
};

// Times every event the GUI thread dispatches at the top level (wall and thread CPU time), and
// the Paint events inside them (which widget paints, and for how long).
class ProfilingApplication : public QApplication
{
public:
    ProfilingApplication(int &argc, char **argv)
        : QApplication(argc, argv)
        , m_mainThread(std::this_thread::get_id())
    { }

    bool notify(QObject *receiver, QEvent *event) override
    {
        // Qt 6 calls this for objects of the main thread only; be sure anyway.
        if (std::this_thread::get_id() != m_mainThread || !m_recording || !receiver)
            return QApplication::notify(receiver, event);
        if (m_depth > 0) { // nested: inside a dispatch already counted
            if (event->type() != QEvent::Paint) {
                ++m_depth;
                const bool result = QApplication::notify(receiver, event);
                --m_depth;
                return result;
            }
            const EventKey key = keyOf(receiver, event);
            ++m_depth;
            const Clock::time_point start = Clock::now();
            const bool result = QApplication::notify(receiver, event);
            m_paints[key].add(msBetween(start, Clock::now()));
            --m_depth;
            return result;
        }
        const EventKey key = keyOf(receiver, event);
        ++m_depth;
        const double cpuStart = threadCpuMs();
        const Clock::time_point start = Clock::now();
        const bool result = QApplication::notify(receiver, event);
        const Clock::time_point end = Clock::now();
        const double cpu = threadCpuMs() - cpuStart;
        --m_depth;
        const double ms = msBetween(start, end);
        m_stats[key].add(ms, cpu);
        m_busyMs += ms;
        m_busyCpuMs += cpu;
        if (ms >= 16)
            m_long.push_back({ msBetween(m_since, start), ms, cpu, key });
        return result;
    }

    void startRecording(Clock::time_point since)
    {
        m_stats.clear();
        m_paints.clear();
        m_long.clear();
        m_busyMs = 0;
        m_busyCpuMs = 0;
        m_since = since;
        m_cpuStart = threadCpuMs();
        m_recording = true;
    }
    void stopRecording()
    {
        m_recording = false;
        m_wallMs = msBetween(m_since, Clock::now());
        m_cpuMs = threadCpuMs() - m_cpuStart;
    }

    void report() const
    {
        std::printf(
            "\nGUI thread during the burst: %.0f ms of %.0f ms dispatching events (%.0f%%), "
            "%.0f ms of it on a CPU; %.0f ms of CPU in all (%.0f%%)\n",
            m_busyMs, m_wallMs, m_wallMs > 0 ? 100 * m_busyMs / m_wallMs : 0, m_busyCpuMs, m_cpuMs,
            m_wallMs > 0 ? 100 * m_cpuMs / m_wallMs : 0);
        std::printf("Events dispatched by the GUI thread, by event and receiver (top level):\n");
        printTable(m_stats, 16, true);
        std::printf("Paint events inside them, by widget:\n");
        printTable(m_paints, 8, false);
        std::vector<LongDispatch> longest = m_long;
        std::sort(longest.begin(), longest.end(),
            [](const LongDispatch &a, const LongDispatch &b) { return a.ms > b.ms; });
        std::printf("Dispatches of 16 ms or more: %zu%s\n", longest.size(),
            longest.empty() ? "" : "; the longest (wall ms, of it on a CPU, when):");
        for (size_t i = 0; i < longest.size() && i < 12; ++i)
            std::printf("  %7.1f ms  cpu %6.1f ms  at %6.0f ms  %s\n", longest[i].ms,
                longest[i].cpuMs, longest[i].atMs, qUtf8Printable(labelOf(longest[i].key)));
    }

private:
    static EventKey keyOf(QObject *receiver, QEvent *event)
    {
        EventKey key;
        key.receiver = receiver->metaObject();
        QObject *ancestor = receiver->parent();
        for (int i = 0; i < 3 && ancestor; ++i, ancestor = ancestor->parent())
            key.ancestors[i] = ancestor->metaObject();
        key.type = int(event->type());
        if (auto *timer = qobject_cast<QTimer *>(receiver))
            key.timerInterval = timer->interval();
        return key;
    }
    static void printTable(const std::map<EventKey, TimeStat> &stats, size_t max, bool cpu)
    {
        std::vector<std::pair<EventKey, TimeStat>> rows(stats.begin(), stats.end());
        std::sort(rows.begin(), rows.end(),
            [](const auto &a, const auto &b) { return a.second.totalMs > b.second.totalMs; });
        std::printf("  %9s %9s %9s %8s %8s  %s\n", "total ms", cpu ? "cpu ms" : "", "count",
            "avg us", "max ms", "event: receiver < parents");
        for (size_t i = 0; i < rows.size() && i < max; ++i) {
            const TimeStat &s = rows[i].second;
            std::printf("  %9.1f %9s %9lld %8.1f %8.2f  %s\n", s.totalMs,
                cpu ? qPrintable(QString::number(s.cpuMs, 'f', 1)) : "", s.count,
                1000 * s.totalMs / double(s.count), s.maxMs,
                qUtf8Printable(labelOf(rows[i].first)));
        }
    }

    bool m_recording = false;
    int m_depth = 0;
    std::thread::id m_mainThread;
    std::map<EventKey, TimeStat> m_stats;
    std::map<EventKey, TimeStat> m_paints;
    std::vector<LongDispatch> m_long;
    double m_busyMs = 0;
    double m_busyCpuMs = 0;
    double m_wallMs = 0;
    double m_cpuStart = 0;
    double m_cpuMs = 0;
    Clock::time_point m_since;
};

// A handler of the window timed on its own: a slot connected to the same signal before the
// window's own and one connected after it bracket what the window does with that signal.
struct Section
{
    explicit Section(const char *what)
        : name(what)
    { }
    const char *name;
    TimeStat stat;
    Clock::time_point began;
    bool on = false;
    void begin()
    {
        if (on)
            began = Clock::now();
    }
    void end()
    {
        if (on)
            stat.add(msBetween(began, Clock::now()));
    }
};

// ---------------------------------------------------------------------------------------------
// The 5 ms tick and its lateness.

// The GUI thread's time waiting for a CPU (runnable, not running), from the scheduler's
// statistics, in ms; -1 when the kernel does not keep them.
double runQueueWaitMs()
{
    QFile f(QStringLiteral("/proc/thread-self/schedstat")); // run ns, wait ns, timeslices
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = f.readAll().split(' ');
    return fields.size() < 2 ? -1 : double(fields.at(1).toLongLong()) / 1e6;
}

// A 5 ms tick on the GUI thread and how late each one comes. A late tick is either work (the
// GUI thread was busy on a CPU all that time) or waiting (for a CPU, on a busy machine): the
// thread's CPU time over the interval tells which.
class LatenessMeter
{
public:
    static constexpr int intervalMs = 5;

    struct Stall
    {
        double atMs; // when the previous tick came, since start()
        double lateMs;
        double cpuMs; // of the GUI thread in that interval
    };

    LatenessMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const Clock::time_point now = Clock::now();
            const double cpu = threadCpuMs();
            const double late = std::max(0.0, msBetween(m_last, now) - intervalMs);
            m_late.push_back(late);
            if (late > 50)
                m_stalls.push_back({ msBetween(m_since, m_last), late, cpu - m_lastCpu });
            m_last = now;
            m_lastCpu = cpu;
        });
    }
    void start(Clock::time_point since)
    {
        m_late.clear();
        m_stalls.clear();
        m_since = since;
        m_last = Clock::now();
        m_lastCpu = threadCpuMs();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    const std::vector<Stall> &stalls() const { return m_stalls; }

    struct Result
    {
        size_t ticks = 0;
        double max = 0, p99 = 0, p95 = 0, median = 0;
        int stalls50 = 0, stalls100 = 0;
        // Of those, the ones where the GUI thread was on a CPU for more than 50 / 100 ms of the
        // interval: work done on the GUI thread, not the machine's other load.
        int busyStalls50 = 0, busyStalls100 = 0;
    };
    Result result() const
    {
        Result r;
        std::vector<double> sorted = m_late;
        std::sort(sorted.begin(), sorted.end());
        r.ticks = sorted.size();
        r.max = sorted.empty() ? 0 : sorted.back();
        r.p99 = percentile(sorted, 99);
        r.p95 = percentile(sorted, 95);
        r.median = percentile(sorted, 50);
        for (const Stall &s : m_stalls) {
            r.stalls50 += 1;
            r.stalls100 += s.lateMs > 100 ? 1 : 0;
            r.busyStalls50 += s.cpuMs > 50 ? 1 : 0;
            r.busyStalls100 += s.cpuMs > 100 ? 1 : 0;
        }
        return r;
    }

private:
    QTimer m_timer;
    std::vector<double> m_late;
    std::vector<Stall> m_stalls;
    Clock::time_point m_since;
    Clock::time_point m_last;
    double m_lastCpu = 0;
};

// ---------------------------------------------------------------------------------------------
// The load generator: blocking sockets, one thread per connection, a shared paced schedule.

struct LoadConfig
{
    quint16 port = 0;
    double rate = 5000;
    int messages = 50000;
    int size = 1024;
    int connections = 64;
};

struct LoadResult
{
    std::atomic<int> sent { 0 }; // messages whose DATA got 354 and whose body went out
    std::atomic<int> acked { 0 }; // 250 after the body
    std::atomic<int> refused { 0 }; // any other answer to MAIL/RCPT/DATA or to the body
    std::atomic<int> failedConnections { 0 };
    Clock::time_point start;
    Clock::time_point lastAck;
    std::mutex mutex; // lastAck, latencies, maxLagMs, error
    std::vector<double> latencies; // MAIL written -> 250 read, ms
    double cpuMs = 0; // of the load generator's threads
    double maxLagMs = 0; // how far behind its scheduled time a message went out, at worst
    std::string error;
};

class Session
{
public:
    ~Session()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connectTo(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (m_fd < 0)
            return false;
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        timeval timeout { 60, 0 }; // a window frozen for a minute is an answer too
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        return ::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) == 0;
    }
    bool send(const QByteArray &bytes)
    {
        qsizetype done = 0;
        while (done < bytes.size()) {
            const ssize_t n
                = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }
    // The code of the next complete (possibly multi-line) reply; 0 on timeout or close.
    int reply()
    {
        for (;;) {
            qsizetype eol;
            while ((eol = m_buffer.indexOf("\r\n")) >= 0) {
                const QByteArray line = m_buffer.left(eol);
                m_buffer.remove(0, eol + 2);
                if (line.size() < 4 || line.at(3) != '-')
                    return line.left(3).toInt();
            }
            char chunk[4096];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return 0;
            m_buffer.append(chunk, n);
        }
    }

private:
    int m_fd = -1;
    QByteArray m_buffer;
};

QByteArray messageBody(int index, int size)
{
    // The kinds of mail a test suite sends, mixed (a window sorted by subject or sender gets
    // each batch in several places, not all in one).
    static const char *const kinds[]
        = { "Welcome aboard", "Reset your password", "Your invoice", "Order confirmation",
              "Weekly digest", "Verify your email", "Payment failed", "New login from Firefox",
              "Shipping update", "Team invitation", "Comment on your post", "Subscription renewed",
              "Account locked", "Export ready", "Trial ends soon", "Zero-downtime deploy report" };
    const int kind = int((quint32(index) * 2654435761u) >> 28); // 0..15, scattered
    QByteArray head = "From: " + QByteArray(kinds[kind]).split(' ').constFirst()
        + " Service <service" + QByteArray::number(kind)
        + "@bench.test>\r\nTo: Inbox <inbox@bench.test>\r\nSubject: " + kinds[kind] + " #"
        + QByteArray::number(index) + "\r\nMessage-ID: <" + QByteArray::number(index)
        + "@gui-burst.bench.test>\r\nDate: Mon, 2 Feb 2026 10:00:00 +0000\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n\r\n";
    static const QByteArray line
        = "The quick brown fox jumps over the lazy dog while the inbox keeps up 0123456789\r\n";
    QByteArray body = head;
    while (body.size() + line.size() <= size)
        body += line;
    if (body.size() + 2 < size)
        body += QByteArray(size - body.size() - 2, 'x') + "\r\n";
    return body + ".\r\n";
}

void runConnection(const LoadConfig &config, LoadResult &result, std::atomic<int> &next)
{
    Session session;
    if (!session.connectTo(config.port) || session.reply() != 220
        || !session.send("EHLO gui-burst.bench.test\r\n") || session.reply() != 250) {
        ++result.failedConnections;
        std::lock_guard lock(result.mutex);
        result.error = "connection or greeting failed";
        return;
    }
    static const QByteArray envelope
        = "MAIL FROM:<load@bench.test>\r\nRCPT TO:<inbox@bench.test>\r\nDATA\r\n";
    std::vector<double> latencies;
    double maxLag = 0;
    Clock::time_point lastAck;
    for (;;) {
        const int index = next.fetch_add(1);
        if (index >= config.messages)
            break;
        const Clock::time_point due = result.start
            + std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(index / config.rate));
        std::this_thread::sleep_until(due);
        const Clock::time_point began = Clock::now();
        maxLag = std::max(maxLag, msBetween(due, began));
        const QByteArray body = messageBody(index, config.size);
        if (!session.send(envelope)) {
            ++result.failedConnections;
            break;
        }
        const int mail = session.reply(), rcpt = session.reply(), data = session.reply();
        if (data != 354) {
            ++result.refused;
            if (mail == 0 || rcpt == 0 || data == 0) {
                ++result.failedConnections;
                break;
            }
            continue;
        }
        if (!session.send(body)) {
            ++result.failedConnections;
            break;
        }
        ++result.sent;
        const int stored = session.reply();
        if (stored == 250) {
            ++result.acked;
            lastAck = Clock::now();
            latencies.push_back(msBetween(began, lastAck));
        } else {
            ++result.refused;
            if (stored == 0) {
                ++result.failedConnections;
                break;
            }
        }
    }
    session.send("QUIT\r\n");
    session.reply();
    std::lock_guard lock(result.mutex);
    result.cpuMs += threadCpuMs();
    result.latencies.insert(result.latencies.end(), latencies.begin(), latencies.end());
    result.maxLagMs = std::max(result.maxLagMs, maxLag);
    result.lastAck = std::max(result.lastAck, lastAck);
}

void runLoad(const LoadConfig &config, LoadResult &result)
{
    std::atomic<int> next { 0 };
    result.start = Clock::now();
    result.lastAck = result.start;
    std::vector<std::thread> threads;
    for (int i = 0; i < config.connections; ++i)
        threads.emplace_back([&] { runConnection(config, result, next); });
    for (std::thread &t : threads)
        t.join();
}

// Runs the event loop for a while (timed events keep flowing: this is what the user sees).
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void printLateness(const char *name, const LatenessMeter::Result &r, double wallMs)
{
    std::printf("%-9s %6zu ticks in %7.0f ms  lateness max %7.1f  p99 %6.1f  p95 %6.1f  median "
                "%5.2f ms  stalls >50 ms %d  >100 ms %d\n",
        name, r.ticks, wallMs, r.max, r.p99, r.p95, r.median, r.stalls50, r.stalls100);
}

} // namespace

int main(int argc, char **argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Chromium refuses its sandbox as root (as in guimain.cpp).
    if (::geteuid() == 0 && !qEnvironmentVariableIsSet("QTWEBENGINE_DISABLE_SANDBOX"))
        qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes(); // before the QApplication exists

    ProfilingApplication app(argc, argv);
    // Settings of our own, in a temporary directory that goes at the end: the user's window
    // settings stay untouched and every run starts from the defaults (notifications on, no
    // message limit, newest first). Test mode for whatever else asks QStandardPaths.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("smtp-receiver-bench"));
    QCoreApplication::setApplicationName(QStringLiteral("gui-burst"));
    const QTemporaryDir settingsDir(
        QDir::tempPath() + QStringLiteral("/gui-burst-settings.XXXXXX"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Does a burst of mail freeze the window?"));
    parser.addHelpOption();
    const QCommandLineOption rateOption(QStringLiteral("rate"),
        QStringLiteral("Target messages per second (5000)."), QStringLiteral("N"),
        QStringLiteral("5000"));
    const QCommandLineOption messagesOption(QStringLiteral("messages"),
        QStringLiteral("Messages to send (50000)."), QStringLiteral("N"), QStringLiteral("50000"));
    const QCommandLineOption sizeOption(QStringLiteral("size"),
        QStringLiteral("Bytes per message (1024)."), QStringLiteral("BYTES"),
        QStringLiteral("1024"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
        QStringLiteral("Parallel SMTP sessions (64)."), QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption baselineOption(QStringLiteral("baseline-ms"),
        QStringLiteral("Idle measurement first (2000)."), QStringLiteral("MS"),
        QStringLiteral("2000"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
        QStringLiteral("Where the temporary database goes (the system temp directory)."),
        QStringLiteral("DIR"));
    const QCommandLineOption sortOption(QStringLiteral("sort"),
        QStringLiteral("Sort the inbox first, as a click on a column header does: from, to, "
                       "subject, received or size, :asc or :desc (default: as it opens, newest "
                       "first)."),
        QStringLiteral("COLUMN[:ORDER]"));
    const QCommandLineOption noProfileOption(
        QStringLiteral("no-profile"), QStringLiteral("Do not time the GUI thread's events."));
    parser.addOptions({ rateOption, messagesOption, sizeOption, connectionsOption, baselineOption,
        dirOption, sortOption, noProfileOption });
    parser.process(app);

    LoadConfig config;
    config.rate = parser.value(rateOption).toDouble();
    config.messages = parser.value(messagesOption).toInt();
    config.size = std::max(300, parser.value(sizeOption).toInt());
    config.connections = std::max(1, parser.value(connectionsOption).toInt());
    const int baselineMs = parser.value(baselineOption).toInt();
    const bool profile = !parser.isSet(noProfileOption);
    if (config.rate <= 0 || config.messages <= 0) {
        std::fprintf(stderr, "gui-burst: --rate and --messages must be positive\n");
        return 2;
    }

    QTemporaryDir dir(parser.isSet(dirOption)
            ? parser.value(dirOption) + QStringLiteral("/gui-burst.XXXXXX")
            : QDir::tempPath() + QStringLiteral("/gui-burst.XXXXXX"));
    if (!dir.isValid()) {
        std::fprintf(stderr, "gui-burst: cannot create a temporary directory\n");
        return 2;
    }
    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = dir.filePath(QStringLiteral("messages.sqlite"));
    options.given = QStringList { QStringLiteral("smtp"), QStringLiteral("database") };

    auto window = std::make_unique<MainWindow>(options);
    // Brackets around the window's own handlers: "before" slots must be connected before
    // start() makes the window's connections, "after" slots after it.
    Section statusSection("store countChanged -> MainWindow::updateStatus");
    Section messageSection("server message -> MainWindow::onMessage");
    Section insertSection("model rowsAboutToBeInserted -> rowsInserted (rows + views)");
    QObject::connect(window->store(), &SmtpMessageStore::countChanged,
        [&statusSection] { statusSection.begin(); });
    QObject::connect(
        window->server(), &SmtpServer::message, [&messageSection] { messageSection.begin(); });
    if (!window->start()) {
        std::fprintf(stderr, "gui-burst: the window did not start\n");
        return 1;
    }
    QObject::connect(window->store(), &SmtpMessageStore::countChanged,
        [&statusSection] { statusSection.end(); });
    QObject::connect(
        window->server(), &SmtpServer::message, [&messageSection] { messageSection.end(); });
    InboxModel *model = window->inboxModel();
    QObject::connect(model, &QAbstractItemModel::rowsAboutToBeInserted,
        [&insertSection] { insertSection.begin(); });

    for (int i = 0; i < 200 && !window->server()->isListening(); ++i)
        spin(10);
    if (!window->server()->isListening()) {
        std::fprintf(stderr, "gui-burst: the server is not listening\n");
        return 1;
    }
    config.port = quint16(window->server()->serverPort());
    QString sortedBy = QStringLiteral("as opened");
    if (parser.isSet(sortOption)) {
        const QStringList parts = parser.value(sortOption).toLower().split(QLatin1Char(':'));
        static const QStringList columns { QStringLiteral("from"), QStringLiteral("to"),
            QStringLiteral("subject"), QStringLiteral("received"), QStringLiteral("size") };
        const int column = int(columns.indexOf(parts.constFirst()));
        static_assert(InboxModel::FromColumn == 0 && InboxModel::SizeColumn == 4);
        if (column < 0) {
            std::fprintf(stderr, "gui-burst: --sort wants from, to, subject, received or size\n");
            return 2;
        }
        const Qt::SortOrder order
            = parts.value(1) == QLatin1String("desc") ? Qt::DescendingOrder : Qt::AscendingOrder;
        window->inboxView()->sortByColumn(column, order);
        sortedBy = parts.constFirst()
            + (order == Qt::AscendingOrder ? QStringLiteral(" ascending")
                                           : QStringLiteral(" descending"));
    }
    for (int i = 0; i < 500 && !(window->windowHandle() && window->windowHandle()->isExposed());
         ++i)
        spin(10);
    spin(1500); // first paints, the web view and the first (empty) page of the inbox

    std::printf("gui-burst: platform %s, window %s, database %s\n",
        qUtf8Printable(QGuiApplication::platformName()),
        window->windowHandle() && window->windowHandle()->isExposed() ? "exposed" : "NOT exposed",
        qUtf8Printable(options.database));
    std::printf("load: %d messages of %d bytes at %.0f msg/s over %d connections to port %u; "
                "inbox sorted %s\n",
        config.messages, config.size, config.rate, config.connections, unsigned(config.port),
        qUtf8Printable(sortedBy));
    std::fflush(stdout);

    LatenessMeter meter;
    // Baseline: the idle window.
    Clock::time_point t0 = Clock::now();
    meter.start(t0);
    spin(baselineMs);
    meter.stop();
    const LatenessMeter::Result baseline = meter.result();
    const double baselineWall = msBetween(t0, Clock::now());
    const qint64 idleRssKib = statusKib("VmRSS:");

    // The burst.
    int batches = 0;
    int notifications = 0;
    bool loadDone = false;
    bool caughtUp = false;
    Clock::time_point caughtUpAt;
    LoadResult load;
    QEventLoop loop;
    const auto check = [&] {
        if (!caughtUp && loadDone && model->rowCount() >= load.acked.load()) {
            caughtUp = true;
            caughtUpAt = Clock::now();
            loop.quit();
        }
    };
    struct Insert
    {
        double ms;
        int rowsBefore;
        int added;
    };
    std::vector<Insert> inserts;
    QObject::connect(
        model, &QAbstractItemModel::rowsInserted, [&](const QModelIndex &, int first, int last) {
            const double ms = insertSection.on ? msBetween(insertSection.began, Clock::now()) : 0;
            insertSection.end();
            inserts.push_back({ ms, model->rowCount() - (last - first + 1), last - first + 1 });
            ++batches;
            check();
        });
    // Sorted by another column, a batch landing in many places is one merged layout change.
    int merges = 0;
    QObject::connect(model, &QAbstractItemModel::layoutChanged, [&] {
        ++merges;
        ++batches;
        check();
    });
    QObject::connect(window.get(), &MainWindow::notificationShown, [&] { ++notifications; });
    QObject receiver; // for the generator's "done", on the GUI thread
    for (Section *s : { &statusSection, &messageSection, &insertSection })
        s->on = profile;
    double load1Before = 0, load1After = 0;
    ::getloadavg(&load1Before, 1);
    t0 = Clock::now();
    if (profile)
        app.startRecording(t0);
    meter.start(t0);
    const double processCpuStart = processCpuMs();
    const double waitStart = runQueueWaitMs();
    const std::map<QByteArray, double> threadCpuStart = threadCpuByName();
    std::thread generator([&] {
        runLoad(config, load);
        QMetaObject::invokeMethod(
            &receiver,
            [&] {
                loadDone = true;
                check();
            },
            Qt::QueuedConnection);
    });
    // Catch-up is given a minute after the last 250 before it counts as never.
    QTimer watchdog;
    QObject::connect(&watchdog, &QTimer::timeout, [&] {
        if (loadDone && msBetween(load.lastAck, Clock::now()) > 60000)
            loop.quit();
    });
    watchdog.start(500);
    loop.exec();
    watchdog.stop();
    meter.stop();
    const Clock::time_point burstEnd = Clock::now();
    const double processCpu = processCpuMs() - processCpuStart;
    const double guiWaitMs = waitStart < 0 ? -1 : runQueueWaitMs() - waitStart;
    std::map<QByteArray, double> threadCpu = threadCpuByName();
    for (const auto &[name, ms] : threadCpuStart)
        threadCpu[name] -= ms;
    ::getloadavg(&load1After, 1);
    if (profile)
        app.stopRecording();
    for (Section *s : { &statusSection, &messageSection, &insertSection })
        s->on = false;
    generator.join();
    const LatenessMeter::Result burst = meter.result();
    const double burstWall = msBetween(t0, burstEnd);
    spin(1500); // the coalesced notification comes a second after the last message
    const qint64 peakRssKib = statusKib("VmHWM:");

    std::vector<double> latencies = load.latencies;
    std::sort(latencies.begin(), latencies.end());
    const double sendMs = msBetween(load.start, load.lastAck);
    const double achieved = sendMs > 0 ? load.acked.load() * 1000.0 / sendMs : 0;
    const double catchUpMs = caughtUp ? std::max(0.0, msBetween(load.lastAck, caughtUpAt)) : -1;

    std::printf("\n");
    printLateness("baseline", baseline, baselineWall);
    printLateness("burst", burst, burstWall);
    std::printf(
        "          the GUI thread waited %.0f ms of the burst's %.0f ms for a CPU (runnable, "
        "not running; /proc schedstat)\n",
        guiWaitMs, burstWall);
    std::printf("sent %d, acknowledged (250) %d, refused %d, failed connections %d in %.0f ms: "
                "%.0f msg/s achieved of %.0f targeted; worst lag behind schedule %.0f ms\n",
        load.sent.load(), load.acked.load(), load.refused.load(), load.failedConnections.load(),
        sendMs, achieved, config.rate, load.maxLagMs);
    std::printf("MAIL -> 250 per message: median %.1f ms, p99 %.1f ms, max %.1f ms\n",
        percentile(latencies, 50), percentile(latencies, 99),
        latencies.empty() ? 0.0 : latencies.back());
    std::printf("inbox: %d rows (store count %lld) %s; %d batches (%d of them merges); %d "
                "notification(s)\n",
        model->rowCount(), window->store()->count(),
        caughtUp ? qPrintable(QStringLiteral("%1 ms after the last 250").arg(catchUpMs, 0, 'f', 0))
                 : "NOT caught up a minute after the last 250",
        batches, merges, notifications);
    std::printf("RSS: %.1f MiB idle before the burst, peak (VmHWM) %.1f MiB\n", idleRssKib / 1024.0,
        peakRssKib / 1024.0);
    std::printf("CPU of the whole process during the burst: %.0f ms in %.0f ms (%.2f of this "
                "machine's %d cores); load average (1 min) %.2f before, %.2f after\n",
        processCpu, burstWall, burstWall > 0 ? processCpu / burstWall : 0,
        int(std::thread::hardware_concurrency()), load1Before, load1After);
    {
        std::vector<std::pair<double, QByteArray>> byCpu;
        for (const auto &[name, ms] : threadCpu)
            if (ms >= 10)
                byCpu.push_back({ ms, name });
        byCpu.push_back({ load.cpuMs, QByteArray("load generator (this tool)") });
        std::sort(byCpu.begin(), byCpu.end(), std::greater<>());
        std::printf("  by thread (ms of CPU):");
        for (const auto &[ms, name] : byCpu)
            std::printf("  %s %.0f", name.constData(), ms);
        std::printf("\n");
    }
    if (!load.error.empty())
        std::printf("load generator: %s\n", load.error.c_str());
    if (profile) {
        app.report();
        std::printf("Window handlers timed on their own (inside the dispatches above):\n");
        for (const Section *s : { &statusSection, &messageSection, &insertSection })
            std::printf("  %9.1f ms total %8lld calls %8.1f us avg %8.2f ms max  %s\n",
                s->stat.totalMs, s->stat.count,
                s->stat.count ? 1000 * s->stat.totalMs / double(s->stat.count) : 0.0, s->stat.maxMs,
                s->name);
        std::sort(inserts.begin(), inserts.end(),
            [](const Insert &a, const Insert &b) { return a.ms > b.ms; });
        std::printf("The longest model inserts (ms, rows already there, rows added):");
        for (size_t i = 0; i < inserts.size() && i < 6; ++i)
            std::printf("  %.1f/%d/%d", inserts[i].ms, inserts[i].rowsBefore, inserts[i].added);
        std::printf("\n");
    }
    std::printf("Ticks more than 50 ms late: %zu (%d with the GUI thread on a CPU > 50 ms of the "
                "interval)%s",
        meter.stalls().size(), burst.busyStalls50,
        meter.stalls().empty() ? "" : "; at ms since the burst began: ms late (ms on a CPU):");
    for (size_t i = 0; i < meter.stalls().size() && i < 20; ++i)
        std::printf("  %.0f: %.0f (%.0f)", meter.stalls()[i].atMs, meter.stalls()[i].lateMs,
            meter.stalls()[i].cpuMs);
    std::printf("\n");
    std::printf("RESULT gui-burst rate=%.0f sent=%d acked=%d maxLateMs=%.1f p99LateMs=%.1f "
                "stalls50=%d stalls100=%d catchUpMs=%.0f batches=%d notifications=%d "
                "peakRssMiB=%.1f target=%.0f connections=%d size=%d p95LateMs=%.1f "
                "medianLateMs=%.2f baseMaxLateMs=%.1f baseP99LateMs=%.1f load1=%.2f "
                "busyStalls50=%d busyStalls100=%d guiCpuWaitMs=%.0f\n",
        achieved, load.sent.load(), load.acked.load(), burst.max, burst.p99, burst.stalls50,
        burst.stalls100, catchUpMs, batches, notifications, peakRssKib / 1024.0, config.rate,
        config.connections, config.size, burst.p95, burst.median, baseline.max, baseline.p99,
        load1Before, burst.busyStalls50, burst.busyStalls100, guiWaitMs);
    std::fflush(stdout);

    window.reset(); // saves its (test-mode) settings, stops the server, closes the store
    return caughtUp && load.acked.load() > 0 ? 0 : 1;
}
