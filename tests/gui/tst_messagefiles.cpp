// Mail as files in the window: messages dragged out of the inbox are .eml files byte-identical to
// the store and to the HTTP API's /raw, under safe names, written while the drag goes on; .eml and
// mbox files dropped on the window are imported with their bytes, and a file that is no mail is
// refused by name with nothing imported.
#include "desktopwindow.h"

#include <inboxmodel.h>
#include <mainwindow.h>
#include <messageattachments.h>
#include <messagefiles.h>
#include <messageview.h>
#include <translators.h>

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSemaphore>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// The bound of every wait for an event: generous, for loaded CI machines.
constexpr int timeout = 30000;

namespace {

QByteArray mail(const QByteArray &subject, const QByteArray &body)
{
    return "From: App <app@x.test>\r\nTo: dev@x.test\r\nSubject: " + subject + "\r\nMessage-ID: <"
        + QByteArray::number(qHash(subject)) + "@x.test>\r\n\r\n" + body + "\r\n";
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(unreadable)");
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QString();
    return path;
}

// Drops files on widget as a file manager would: a drag enters, then the drop.
bool dropFiles(QWidget *widget, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime.setUrls(urls);
    const QPointF at(widget->width() / 2, widget->height() / 2);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &drop);
    return drop.isAccepted();
}

} // namespace

class TestMessageFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void fileNamesAreSafe();
    void draggedMessagesAreTheirRawBytes();
    void dragStartsBeforeTheFilesAreWritten();
    void droppedFilesAreImported();
    void corruptFileIsRefusedByName();

private:
    QList<qint64> store(const QList<QByteArray> &messages);
    std::unique_ptr<MainWindow> m_window;
};

void TestMessageFiles::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(qApp);
}

void TestMessageFiles::init()
{
    QSettings().clear(); // the HTTP API's settings of one test are not the next one's
    m_window = std::make_unique<MainWindow>(testWindowOptions());
    QVERIFY(m_window->start());
}

void TestMessageFiles::cleanup()
{
    m_window.reset();
    QSettings().clear();
}

QList<qint64> TestMessageFiles::store(const QList<QByteArray> &messages)
{
    QList<SmtpMessage> toStore;
    for (const QByteArray &bytes : messages) {
        SmtpMessage m;
        m.setMailFrom(QStringLiteral("app@x.test"));
        m.setRcptTos({ QStringLiteral("dev@x.test") });
        m.setReceivedAt(QDateTime::currentDateTimeUtc());
        m.setData(bytes);
        toStore.append(m);
    }
    return m_window->store()->storeAll(toStore);
}

void TestMessageFiles::fileNamesAreSafe()
{
    QCOMPARE(MessageAttachments::messageFileName(QStringLiteral("Invoice 42"), 7),
        QString("Invoice 42.eml"));
    QCOMPARE(MessageAttachments::messageFileName(QString(), 7), QString("message-7.eml"));
    QCOMPARE(MessageAttachments::messageFileName(QStringLiteral("../../etc/passwd"), 7),
        QString("_.._etc_passwd.eml"));
    QCOMPARE(MessageAttachments::messageFileName(QStringLiteral("a\\b:c*d?e\"f<g>h|i\nj"), 7),
        QString("a_b_c_d_e_f_g_h_i_j.eml"));
    QCOMPARE(
        MessageAttachments::messageFileName(QStringLiteral("..."), 7), QString("message-7.eml"));
    QCOMPARE(MessageAttachments::messageFileName(QString(300, QLatin1Char('x')), 7).size(), 104);
    // A long subject keeps its start, and a character outside the BMP is not cut in half.
    QCOMPARE(MessageAttachments::messageFileName(
                 QStringLiteral("Weekly report ") + QString(250, QLatin1Char('y')), 7),
        QStringLiteral("Weekly report ") + QString(86, QLatin1Char('y')) + QStringLiteral(".eml"));
    QCOMPARE(MessageAttachments::messageFileName(
                 QString(99, QLatin1Char('x')) + QStringLiteral("\U0001F600 tail"), 7),
        QString(99, QLatin1Char('x')) + QStringLiteral(".eml"));
}

void TestMessageFiles::draggedMessagesAreTheirRawBytes()
{
    // The HTTP API on a port the system picks, to compare with /raw.
    AppSettings settings = m_window->settings();
    settings.http.enabled = true;
    settings.http.address = QStringLiteral("127.0.0.1:0");
    QString error;
    QVERIFY2(m_window->applyFromDialog(settings, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->httpApi()->serverPort() != 0, timeout);

    // Bare LF, a long line, a subject with a path in it, no subject: bytes as they came.
    const QList<QByteArray> messages {
        mail("Report 1/2: \"Q3\"", "line one\nbare LF\r\n" + QByteArray(5000, 'x')),
        "From: b@x.test\r\nTo: dev@x.test\r\n\r\nno subject\r\n",
        mail("Report 1/2: \"Q3\"", "same subject, other bytes"),
    };
    const QList<qint64> ids = store(messages);
    QCOMPARE(ids.size(), 3);
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);

    QTableView *view = m_window->inboxView();
    QVERIFY(view->dragEnabled());
    QVERIFY(model->flags(model->index(0, 0)) & Qt::ItemIsDragEnabled);
    view->selectAll();
    const QModelIndexList selected = view->selectionModel()->selectedIndexes();
    std::unique_ptr<QMimeData> mime(model->mimeData(selected));
    QVERIFY(mime);
    QVERIFY(!mime->hasFormat(QStringLiteral("message/rfc822"))); // only for one message
    const QList<QUrl> urls = mime->urls();
    QCOMPARE(urls.size(), 3);

    QNetworkAccessManager network;
    QSet<QString> paths;
    for (int row = 0; row < 3; ++row) {
        const qint64 id = model->idAt(row);
        QVERIFY(urls.at(row).isLocalFile());
        const QString path = urls.at(row).toLocalFile();
        paths.insert(path);
        const QString name = QFileInfo(path).fileName();
        QVERIFY2(name.endsWith(QLatin1String(".eml")), qPrintable(name));
        QVERIFY2(!name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\'))
                && !name.contains(QLatin1Char(':')) && !name.startsWith(QLatin1Char('.')),
            qPrintable(name));
        const QByteArray bytes = readAll(path);
        QCOMPARE(bytes, m_window->store()->rawData(id));
        QVERIFY(messages.contains(bytes));

        QNetworkReply *reply = network.get(
            QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1/message/%2/raw")
                                     .arg(m_window->httpApi()->serverPort())
                                     .arg(id))));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(timeout));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->readAll(), bytes);
        reply->deleteLater();
    }
    QCOMPARE(paths.size(), 3); // equal subjects, separate files
    const QStringList names { QFileInfo(urls.at(0).toLocalFile()).fileName(),
        QFileInfo(urls.at(1).toLocalFile()).fileName(),
        QFileInfo(urls.at(2).toLocalFile()).fileName() };
    QVERIFY2(names.contains(QStringLiteral("Report 1_2_ _Q3_.eml")), qPrintable(names.join('|')));
    QVERIFY2(names.contains(QStringLiteral("message-%1.eml").arg(ids.at(1))),
        qPrintable(names.join('|')));

    // One message: the file, and the message itself as message/rfc822.
    view->selectRow(1);
    std::unique_ptr<QMimeData> one(model->mimeData(view->selectionModel()->selectedIndexes()));
    QVERIFY(one);
    QCOMPARE(one->urls().size(), 1);
    QCOMPARE(
        one->data(QStringLiteral("message/rfc822")), m_window->store()->rawData(model->idAt(1)));
    QCOMPARE(readAll(one->urls().constFirst().toLocalFile()),
        m_window->store()->rawData(model->idAt(1)));
}

void TestMessageFiles::dragStartsBeforeTheFilesAreWritten()
{
    const QList<QByteArray> messages { mail("Big 1", QByteArray(200000, 'a')),
        mail("Big 2", QByteArray(200000, 'b')) };
    const QList<qint64> ids = store(messages);
    QCOMPARE(ids.size(), 2);

    // The writer is busy (a task that waits for the test): the drag's data comes all the same.
    QSemaphore busy;
    QSemaphore started;
    QThreadPool *writer = m_window->messageFiles()->writerPool();
    writer->start([&busy, &started] {
        started.release();
        busy.acquire();
    });
    QVERIFY(started.tryAcquire(1, timeout));
    std::unique_ptr<QMimeData> mime(m_window->messageFiles()->mimeData(
        ids, { QStringLiteral("Big 1"), QStringLiteral("Big 2") }));
    QVERIFY(mime);
    QVERIFY(mime->hasUrls());
    QVERIFY(!mime->hasFormat(QStringLiteral("message/rfc822")));
    QCOMPARE(writer->activeThreadCount(), 1); // still held: nothing written yet

    // Asked for the files (as at the drop), it waits for the writer and gives them whole.
    busy.release();
    const QList<QUrl> urls = mime->urls();
    QCOMPARE(urls.size(), 2);
    QCOMPARE(readAll(urls.at(0).toLocalFile()), messages.at(0));
    QCOMPARE(readAll(urls.at(1).toLocalFile()), messages.at(1));

    // One message: also as message/rfc822, from the writer.
    std::unique_ptr<QMimeData> single(m_window->messageFiles()->mimeData({ ids.at(0) }, { "x" }));
    QVERIFY(single);
    QCOMPARE(single->data(QStringLiteral("message/rfc822")), messages.at(0));
    const QString path = single->urls().constFirst().toLocalFile();
    QCOMPARE(readAll(path), messages.at(0));

    // A file that cannot be written (a folder is in its place): the drop gets no files, and the
    // user is told.
    QVERIFY(QFile::remove(path));
    QVERIFY(QDir().mkdir(path));
    std::unique_ptr<QMimeData> broken(m_window->messageFiles()->mimeData({ ids.at(0) }, { "x" }));
    QVERIFY(broken);
    QVERIFY(broken->hasUrls());
    QVERIFY(broken->urls().isEmpty());
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_window->findChild<QMessageBox *>(QStringLiteral("messageFilesError"))), timeout);
    QVERIFY2(box->text().contains(QDir::toNativeSeparators(path)), qPrintable(box->text()));
    box->close();
    delete box;

    // A message deleted between the drag and the drop: no empty file, the user is told.
    writer->start([&busy, &started] {
        started.release();
        busy.acquire();
    });
    QVERIFY(started.tryAcquire(1, timeout));
    std::unique_ptr<QMimeData> gone(m_window->messageFiles()->mimeData({ ids.at(1) }, { "y" }));
    QVERIFY(gone);
    QVERIFY(m_window->store()->remove({ ids.at(1) }));
    busy.release();
    QVERIFY(gone->urls().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_window->findChild<QMessageBox *>(QStringLiteral("messageFilesError"))), timeout);
    QVERIFY2(box->text().contains("no longer in the store"), qPrintable(box->text()));
    box->close();
}

void TestMessageFiles::droppedFilesAreImported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray eml = mail("Dropped", "kept as it is\n\r\n");
    const QByteArray first = mail("In the mbox 1", "one");
    const QByteArray second = mail("In the mbox 2", "two");
    const QString emlPath = writeFile(dir, QStringLiteral("a.eml"), eml);
    const QString mboxPath = writeFile(dir, QStringLiteral("b.mbox"),
        "From app@x.test Sat Dec  5 12:00:00 2026\r\n" + first
            + "\r\nFrom app@x.test Sat Dec  5 12:00:01 2026\r\n" + second);
    QVERIFY(!emlPath.isEmpty() && !mboxPath.isEmpty());

    QVERIFY(dropFiles(m_window.get(), { emlPath, mboxPath }));
    InboxModel *model = m_window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    QList<QByteArray> stored;
    for (int row = 0; row < 3; ++row)
        stored.append(m_window->store()->rawData(model->idAt(row)));
    QVERIFY(stored.contains(eml));
    QVERIFY(stored.contains(first));
    QVERIFY(stored.contains(second));
    const auto message = m_window->store()->message(model->idAt(model->rowCount() - 1));
    QVERIFY(message);
    QCOMPARE(message->message().mailboxes(), QStringList { SmtpMessage::defaultMailbox() });
    QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("messageFilesError")));
}

void TestMessageFiles::corruptFileIsRefusedByName()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = writeFile(dir, QStringLiteral("good.eml"), mail("Good", "fine"));
    const QString corrupt = writeFile(
        dir, QStringLiteral("corrupt.eml"), QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    QVERIFY(!good.isEmpty() && !corrupt.isEmpty());
    QSignalSpy added(m_window->store(), &SmtpMessageStore::messagesAdded);

    dropFiles(m_window.get(), { good, corrupt });
    QMessageBox *box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (box = m_window->findChild<QMessageBox *>(QStringLiteral("messageFilesError"))), timeout);
    QVERIFY2(box->text().contains(QDir::toNativeSeparators(corrupt)), qPrintable(box->text()));
    QVERIFY2(!box->text().contains(QStringLiteral("good.eml")), qPrintable(box->text()));
    box->close();

    // Nothing of that drop: the next import is the first thing stored.
    QVERIFY(m_window->messageFiles()->importFiles({ good }));
    QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, timeout);
    QCOMPARE(added.at(0).at(0).value<QList<qint64>>().size(), 1);
    QCOMPARE(m_window->store()->count(), 1);
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("smtp-receiver-tests");
    QApplication::setApplicationName("tst_messagefiles");
    TestMessageFiles test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_messagefiles.moc"
