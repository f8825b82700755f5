#include "smtpmaildirsink.h"

#include "smtplog.h"
#include "threadname_p.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QIODevice>
#include <QSysInfo>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace {

struct Job
{
    SmtpMessage message;
    SmtpMessageSink::Completion done;
    QByteArray retracted; // set: not a delivery but the removal of this file in new
};

QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

bool writeAll(int fd, const char *p, qsizetype n)
{
    while (n > 0) {
        const ssize_t written = ::write(fd, p, size_t(n));
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += written;
        n -= written;
    }
    return true;
}

bool syncDirectory(const QByteArray &path)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

} // namespace

class SmtpMaildirSinkPrivate
{
public:
    QString directory;
    QString errorString;
    QByteArray hostTag;
    quint64 counter = 0;

    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> queue;
    bool stopping = false;
    std::thread worker;

    void run();
    // Writes one file into tmp and moves it into new (*path: where); "" on success, else why not.
    QString writeOne(const SmtpMessage &message, QByteArray *path);
    // Removes a file writeOne() put into new; "" on success, else why not.
    static QString removeOne(const QByteArray &path);
    QByteArray uniqueName();
};

SmtpMaildirSink::SmtpMaildirSink(const QString &directory)
    : d(std::make_unique<SmtpMaildirSinkPrivate>())
{
    d->directory = QDir::cleanPath(QDir(directory).absolutePath());
    // Maildir names must not contain '/' or ':' (the separator for info flags).
    d->hostTag = QSysInfo::machineHostName().toUtf8().replace('/', "\\057").replace(':', "\\072");
    if (d->hostTag.isEmpty())
        d->hostTag = "localhost";
}

SmtpMaildirSink::~SmtpMaildirSink()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_all();
    if (d->worker.joinable())
        d->worker.join();
}

bool SmtpMaildirSink::open()
{
    for (const char *sub : { "tmp", "new", "cur" }) {
        const QString path = d->directory + QLatin1Char('/') + QLatin1String(sub);
        if (!QDir().mkpath(path)) {
            d->errorString
                = QCoreApplication::translate("SmtpMaildirSink", "cannot create %1").arg(path);
            return false;
        }
    }
    const QString probe = d->directory + QStringLiteral("/tmp/.smtp-receiver-probe");
    const int fd = ::open(
        QFile::encodeName(probe).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        d->errorString = QCoreApplication::translate("SmtpMaildirSink", "cannot write in %1: %2")
                             .arg(d->directory, systemError(errno));
        return false;
    }
    ::close(fd);
    ::unlink(QFile::encodeName(probe).constData());
    if (!d->worker.joinable())
        d->worker = std::thread([this] { d->run(); });
    return true;
}

QString SmtpMaildirSink::errorString() const
{
    return d->errorString;
}
QString SmtpMaildirSink::directory() const
{
    return d->directory;
}

void SmtpMaildirSink::deliver(const SmtpMessage &message, Completion done)
{
    {
        std::lock_guard lock(d->mutex);
        if (!d->worker.joinable() || d->stopping) {
            done(SmtpSinkResult::failure(QStringLiteral("Maildir sink is not open")));
            return;
        }
        d->queue.push_back({ message, std::move(done), {} });
    }
    d->wake.notify_one();
}

void SmtpMaildirSink::retract(
    const SmtpMessage &message, const SmtpSinkResult &kept, Completion done)
{
    const QByteArray path = QFile::encodeName(kept.location);
    if (path.isEmpty()) { // not one of this sink's deliveries: nothing here to take back
        done(SmtpSinkResult::success());
        return;
    }
    {
        std::lock_guard lock(d->mutex);
        if (!d->worker.joinable() || d->stopping) {
            done(SmtpSinkResult::failure(QStringLiteral("Maildir sink is not open")));
            return;
        }
        d->queue.push_back({ message, std::move(done), path });
    }
    d->wake.notify_one();
}

namespace {

QByteArray deliveryHead(const SmtpMessage &message)
{
    QByteArray head = "Return-Path: <" + message.mailFrom().toUtf8() + ">\r\n";
    for (const QString &rcpt : message.rcptTos())
        head += "Delivered-To: <" + rcpt.toUtf8() + ">\r\n";
    return head;
}

// Writes the bytes of a message not held in memory a piece at a time.
bool writeStreamed(int fd, const SmtpMessage &message)
{
    const std::unique_ptr<QIODevice> device = message.openData();
    if (!device)
        return false;
    QByteArray piece(256 * 1024, Qt::Uninitialized);
    qint64 left = message.size();
    while (left > 0) {
        const qint64 n = device->read(piece.data(), qMin<qint64>(piece.size(), left));
        if (n <= 0 || !writeAll(fd, piece.constData(), qsizetype(n)))
            return false;
        left -= n;
    }
    return true;
}

} // namespace

QByteArray SmtpMaildirSink::fileContent(const SmtpMessage &message)
{
    return deliveryHead(message) + message.data();
}

QByteArray SmtpMaildirSinkPrivate::uniqueName()
{
    // time.M<usec>P<pid>Q<counter>.host — unique per process and call (maildir(5)).
    const qint64 usecs = QDateTime::currentMSecsSinceEpoch() * 1000;
    return QByteArray::number(usecs / 1000000) + ".M" + QByteArray::number(usecs % 1000000) + 'P'
        + QByteArray::number(qint64(::getpid())) + 'Q' + QByteArray::number(++counter) + '.'
        + hostTag;
}

QString SmtpMaildirSinkPrivate::writeOne(const SmtpMessage &message, QByteArray *path)
{
    const QByteArray root = QFile::encodeName(directory);
    const QByteArray name = uniqueName();
    const QByteArray tmpPath = root + "/tmp/" + name;
    const QByteArray newPath = root + "/new/" + name;
    const bool inMemory = message.isDataInMemory();
    const QByteArray content
        = inMemory ? SmtpMaildirSink::fileContent(message) : deliveryHead(message);

    const int fd = ::open(tmpPath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return QStringLiteral("cannot create %1: %2")
            .arg(QFile::decodeName(tmpPath), systemError(errno));
    bool ok = writeAll(fd, content.constData(), content.size())
        && (inMemory || writeStreamed(fd, message)) && ::fdatasync(fd) == 0;
    const int error = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(tmpPath.constData());
        return QStringLiteral("cannot write %1: %2")
            .arg(QFile::decodeName(tmpPath), systemError(error));
    }
    if (::rename(tmpPath.constData(), newPath.constData()) != 0) {
        const int renameError = errno;
        ::unlink(tmpPath.constData());
        return QStringLiteral("cannot move %1 into new: %2")
            .arg(QFile::decodeName(tmpPath), systemError(renameError));
    }
    *path = newPath;
    return {};
}

QString SmtpMaildirSinkPrivate::removeOne(const QByteArray &path)
{
    if (::unlink(path.constData()) != 0)
        return QStringLiteral("cannot remove %1: %2")
            .arg(QFile::decodeName(path), systemError(errno));
    return {};
}

void SmtpMaildirSinkPrivate::run()
{
    nameThisThread("smtp-maildir");
    for (;;) {
        std::deque<Job> batch;
        {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return stopping || !queue.empty(); });
            if (queue.empty() && stopping)
                return;
            batch.swap(queue);
        }
        QList<QString> errors;
        QList<QByteArray> paths;
        errors.reserve(qsizetype(batch.size()));
        paths.reserve(qsizetype(batch.size()));
        bool anyChanged = false;
        for (const Job &job : batch) {
            QByteArray path = job.retracted;
            errors.append(path.isEmpty() ? writeOne(job.message, &path) : removeOne(path));
            paths.append(path);
            anyChanged = anyChanged || errors.constLast().isEmpty();
        }
        // One directory sync makes every rename (and removal) of this batch durable.
        const bool synced
            = !anyChanged || syncDirectory(QFile::encodeName(directory + QStringLiteral("/new")));
        for (size_t i = 0; i < batch.size(); ++i) {
            QString error = errors.at(qsizetype(i));
            if (error.isEmpty() && !synced) {
                error = QStringLiteral("cannot sync %1/new").arg(directory);
                // A message refused is not kept: its file goes.
                if (batch[i].retracted.isEmpty())
                    ::unlink(paths.at(qsizetype(i)).constData());
            }
            if (!error.isEmpty())
                qCWarning(lcSmtpSink) << "Maildir:" << error;
            SmtpSinkResult result = SmtpSinkResult::success();
            if (!error.isEmpty())
                result = SmtpSinkResult::failure(error);
            else if (batch[i].retracted.isEmpty())
                result.location = QFile::decodeName(paths.at(qsizetype(i)));
            batch[i].done(result);
        }
    }
}
