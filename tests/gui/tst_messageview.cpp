// The message view on a real (in-memory) store: the HTML tab renders, remote content stays
// blocked (a local HTTP listener counts zero hits) until "Load remote content", cid: images come
// from the message, HTML above the 2 MB setHtml() limit renders; the Source, Headers,
// Attachments, Parts, Checks and SMTP tabs show what the store has (a PDF attachment previewed as
// pages, a damaged one as one line saying so); stale loads are dropped.
//
// Its own main(): the URL scheme must be registered before the QApplication exists.
#include <messageattachments.h>
#include <messagecheckwording.h>
#include <messageview.h>
#include <smtpmessagestore.h>

#include <QAbstractButton>
#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QDeadlineTimer>
#include <QDesktopServices>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMetaEnum>
#include <QMimeData>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPlainTextEdit>
#include <QPointer>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QTreeWidget>
#include <QWebEnginePage>
#include <QWebEngineView>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>

namespace {

// Bounds for waits that end with an event. Generous: Chromium on a loaded CI machine can take
// tens of seconds for a page; a passing run never waits this long.
constexpr int storeTimeout = 30000;
constexpr int loadTimeout = 60000;
constexpr int renderTimeout = 120000;

QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += 76)
        out += encoded.mid(i, 76) + "\r\n";
    return out;
}

QByteArray greenPng()
{
    QImage image(60, 60, QImage::Format_RGB32);
    image.fill(QColor(0, 200, 0));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

QByteArray pdfBytes()
{
    QByteArray pdf = "%PDF-1.4\n";
    QRandomGenerator random(42);
    for (int i = 0; i < 3000; ++i)
        pdf += char(random.bounded(256));
    pdf += "\n%%EOF\n";
    return pdf;
}

// A real PDF of pages pages (QtGui writes it), each filled with a red block.
QByteArray realPdf(int pages, const QPageSize &pageSize = QPageSize(QPageSize::A4))
{
    QByteArray pdf;
    QBuffer buffer(&pdf);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(pageSize);
    writer.setResolution(72);
    QPainter painter(&writer);
    for (int page = 0; page < pages; ++page) {
        if (page > 0)
            writer.newPage();
        painter.fillRect(QRect(50, 50, 300, 300), QColor(220, 0, 0));
        painter.drawText(QPoint(60, 400), QStringLiteral("Page %1").arg(page + 1));
    }
    painter.end();
    return pdf;
}

QByteArray pdfMessage(const QByteArray &fileName, const QByteArray &pdf)
{
    return "From: a@example.test\r\nTo: b@example.test\r\nSubject: a PDF\r\n"
           "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <"
        + fileName
        + "@example.test>\r\n"
          "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
          "--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
          "--b\r\nContent-Type: application/pdf; name=\""
        + fileName
        + "\"\r\n"
          "Content-Transfer-Encoding: base64\r\n"
          "Content-Disposition: attachment; filename=\""
        + fileName + "\"\r\n\r\n" + base64Lines(pdf) + "--b--\r\n";
}

const QString decodedSubject = QString::fromUtf8("Grüße aus Köln ☕");

QByteArray richMessage(quint16 httpPort, const QByteArray &imagePath = "pixel.png")
{
    const QByteArray html
        = "<html><head><meta charset=\"utf-8\"></head>"
          "<body style=\"margin:0;background:#ffffff\">\r\n"
          "<div style=\"background:#c00000;width:300px;height:120px\">Hi</div>\r\n"
          "<img src=\"cid:logo@example.test\" width=\"60\" height=\"60\">\r\n"
          "<img src=\"http://127.0.0.1:"
        + QByteArray::number(httpPort) + "/" + imagePath
        + "\" width=\"10\" height=\"10\">\r\n"
          "<p><a href=\"https://example.test/\">a link</a></p>\r\n"
          "</body></html>\r\n";
    return "From: Alice <alice@example.test>\r\n"
           "To: Bob <bob@example.test>\r\n"
           "Cc: Carol <carol@example.test>\r\n"
           "Subject: =?UTF-8?B?"
        + decodedSubject.toUtf8().toBase64()
        + "?=\r\n"
          "X-Folded: first\r\n"
          "  second\r\n"
          "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
          "Message-ID: <rich-"
        + imagePath
        + "@example.test>\r\n"
          "MIME-Version: 1.0\r\n"
          "Content-Type: multipart/mixed; boundary=\"mixed\"\r\n"
          "\r\n"
          "--mixed\r\n"
          "Content-Type: multipart/related; boundary=\"rel\"\r\n"
          "\r\n"
          "--rel\r\n"
          "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
          "\r\n"
          "--alt\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "\r\n"
          "Plain text body\r\n"
          "--alt\r\n"
          "Content-Type: text/html; charset=utf-8\r\n"
          "\r\n"
        + html
        + "--alt--\r\n"
          "--rel\r\n"
          "Content-Type: image/png; name=\"logo.png\"\r\n"
          "Content-Transfer-Encoding: base64\r\n"
          "Content-ID: <logo@example.test>\r\n"
          "Content-Disposition: inline; filename=\"logo.png\"\r\n"
          "\r\n"
        + base64Lines(greenPng())
        + "--rel--\r\n"
          "--mixed\r\n"
          "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
          "Content-Transfer-Encoding: base64\r\n"
          "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
          "\r\n"
        + base64Lines(pdfBytes()) + "--mixed--\r\n";
}

QByteArray textOnlyMessage()
{
    return "From: a@example.test\r\nTo: b@example.test\r\nSubject: just text\r\n"
           "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <text@example.test>\r\n\r\n"
           "Only a plain text body.\r\n";
}

QByteArray bareLfMessage()
{
    return "From: a@example.test\nTo: b@example.test\nSubject: bare\n"
           "Date: Sat, 28 Nov 2026 10:00:00 +0000\nMessage-ID: <bare@example.test>\n\n"
           "line one\nline two\n";
}

QByteArray largeHtmlMessage()
{
    QByteArray html = "<html><body style=\"margin:0;background:#ffffff\">\r\n"
                      "<div style=\"background:#0000c0;width:400px;height:150px\"></div>\r\n";
    const QByteArray filler = "<p style=\"color:#ffffff\">" + QByteArray(200, 'x') + "</p>\r\n";
    while (html.size() < 3 * 1024 * 1024)
        html += filler;
    html += "</body></html>\r\n";
    return "From: a@example.test\r\nTo: b@example.test\r\nSubject: large\r\n"
           "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <large@example.test>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + html;
}

// Links to the local HTTP listener, so that a navigation inside the view would be seen there.
QByteArray linksMessage(quint16 httpPort)
{
    const QByteArray base = "http://127.0.0.1:" + QByteArray::number(httpPort);
    return "From: a@example.test\r\nTo: b@example.test\r\nSubject: links\r\n"
           "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\nMessage-ID: <links@example.test>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           "<html><body style=\"margin:0\">\r\n"
           "<a href=\""
        + base
        + "/landing\" style=\"display:block;width:400px;height:200px;background:#00c000\">"
          "same window</a>\r\n"
          "<a href=\""
        + base
        + "/new\" target=\"_blank\" style=\"display:block;width:400px;height:200px;"
          "background:#0000c0\">new window</a>\r\n"
          "<img src=\""
        + base + "/remote.png\" width=\"10\" height=\"10\">\r\n</body></html>\r\n";
}

bool hasPixel(const QImage &image, const std::function<bool(QRgb)> &match)
{
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            if (match(image.pixel(x, y)))
                return true;
    return false;
}

bool isRed(QRgb c)
{
    return qRed(c) > 150 && qGreen(c) < 60 && qBlue(c) < 60;
}
bool isGreen(QRgb c)
{
    return qGreen(c) > 150 && qRed(c) < 60 && qBlue(c) < 60;
}
bool isBlue(QRgb c)
{
    return qBlue(c) > 150 && qRed(c) < 60 && qGreen(c) < 60;
}

// Stands in for the system browser (QDesktopServices::setUrlHandler).
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

} // namespace

class TestMessageView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void htmlBlocksRemoteContent();
    void loadRemoteContentFetches();
    void remoteAllowanceIsPerMessage();
    void newMessageWhilePageLoads();
    void sourceTab();
    void headersTab();
    void attachmentsTab();
    void pdfAttachmentIsPreviewed();
    void damagedPdfIsNotPreviewed();
    void longPdfShowsItsFirstPages();
    void tallPdfPagesAreBoundedInPixels();
    void partsTab();
    void checksTab();
    void checksAreWordedInTheUsersLanguage();
    void everyCheckKindIsWorded();
    void smtpTab();
    void noHtmlSwitchesToText();
    void largeHtmlRenders();
    void previewWidth();
    void linksOpenOutside();
    void staleLoadIsDropped();

private:
    qint64 deliver(const QByteArray &data);
    bool showAndWait(qint64 id);
    // Shows message id on the Attachments tab with its attachment named fileName chosen.
    bool chooseAttachment(qint64 id, const QString &fileName);
    bool waitForRender(qint64 id, QSignalSpy &rendered);
    QImage pollGrab(const std::function<bool(const QImage &)> &done);
    template<typename T>
    T *child(const char *name) const
    {
        return m_view->findChild<T *>(QLatin1String(name));
    }

    SmtpMessageStore m_store;
    MessageView *m_view = nullptr;
    QTcpServer m_http;
    QStringList m_httpRequests; // request lines
    int m_httpConnections = 0;
    QList<QPointer<QTcpSocket>> m_slowSockets; // requests for /slow..., not answered yet
    qint64 m_rich = 0;
    QByteArray m_richRaw;
};

qint64 TestMessageView::deliver(const QByteArray &data)
{
    SmtpMessage m;
    m.setReceivedAt(QDateTime::currentDateTimeUtc());
    m.setRemoteAddress("127.0.0.1");
    m.setRemotePort(40000);
    m.setHelo("client.example.test");
    m.setMailFrom("sender@example.test");
    m.setRcptTos({ "bob@example.test", "carol@example.test" });
    m.setData(data);
    // Shared with the callback, which may still come after a timeout.
    const auto id = std::make_shared<std::atomic<qint64>>(0);
    m_store.deliver(m, [id](const SmtpSinkResult &r) { *id = r.ok ? r.id : -1; });
    if (!QTest::qWaitFor([&id] { return id->load() != 0; }, storeTimeout))
        return 0;
    return qMax<qint64>(id->load(), 0);
}

bool TestMessageView::showAndWait(qint64 id)
{
    QSignalSpy loaded(m_view, &MessageView::messageLoaded);
    m_view->showMessage(id);
    return QTest::qWaitFor([&] { return !loaded.isEmpty(); }, loadTimeout)
        && loaded.last().at(0).toLongLong() == id;
}

bool TestMessageView::waitForRender(qint64 id, QSignalSpy &rendered)
{
    return QTest::qWaitFor(
        [&] {
            return std::any_of(rendered.cbegin(), rendered.cend(),
                [id](const QList<QVariant> &args) { return args.at(0).toLongLong() == id; });
        },
        renderTimeout);
}

QImage TestMessageView::pollGrab(const std::function<bool(const QImage &)> &done)
{
    // Chromium paints some time after loadFinished and says nothing when it has: look again every
    // 100 ms (a grab costs), up to the bound.
    QImage image;
    QDeadlineTimer deadline(renderTimeout);
    do {
        image = m_view->htmlView()->grab().toImage();
        if (done(image))
            break;
        QTest::qWait(100);
    } while (!deadline.hasExpired());
    return image;
}

void TestMessageView::initTestCase()
{
    QVERIFY(m_store.open(":memory:"));
    QVERIFY(m_http.listen(QHostAddress::LocalHost, 0));
    connect(&m_http, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_http.nextPendingConnection()) {
            ++m_httpConnections;
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                const QByteArray request = socket->peek(socket->bytesAvailable());
                if (!request.contains("\r\n\r\n"))
                    return;
                m_httpRequests << QString::fromLatin1(request.left(request.indexOf("\r\n")));
                socket->readAll();
                if (m_httpRequests.last().contains(
                        "/slow")) { // closed by newMessageWhilePageLoads()
                    m_slowSockets.append(socket);
                    return;
                }
                const QByteArray png = greenPng();
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: "
                    + QByteArray::number(png.size()) + "\r\nConnection: close\r\n\r\n" + png);
                socket->disconnectFromHost();
            });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });

    m_view = new MessageView;
    m_view->setStore(&m_store);
    m_view->resize(1000, 800);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));

    m_richRaw = richMessage(m_http.serverPort());
    m_rich = deliver(m_richRaw);
    QVERIFY(m_rich > 0);
}

void TestMessageView::cleanupTestCase()
{
    delete m_view; // before the store
    m_view = nullptr;
}

void TestMessageView::init()
{
    m_view->setCurrentTab(MessageView::Tab::Html);
    m_view->setPreviewWidth(MessageView::PreviewWidth::Desktop);
}

void TestMessageView::htmlBlocksRemoteContent()
{
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    QVERIFY(showAndWait(m_rich));
    QCOMPARE(m_view->messageId(), m_rich);
    QCOMPARE(m_view->currentTab(), MessageView::Tab::Html);
    QVERIFY(waitForRender(m_rich, rendered));

    // The coloured block from the HTML and the green cid: image from the message's own part.
    const QImage image
        = pollGrab([](const QImage &i) { return hasPixel(i, isRed) && hasPixel(i, isGreen); });
    QVERIFY2(hasPixel(image, isRed), "the HTML was not rendered");
    QVERIFY2(hasPixel(image, isGreen), "the cid: image was not served from the message");

    // The page finished loading, so its remote image was asked for: a request that got through
    // would have been answered by this test's listener before the page could finish.
    QCOMPARE(m_httpConnections, 0);
    QVERIFY(m_view->blockedRequestCount() > 0);
    QVERIFY(!m_view->remoteContentAllowed());
    QTRY_VERIFY_WITH_TIMEOUT(child<QWidget>("remoteBar")->isVisible(), loadTimeout);
    QVERIFY(child<QLabel>("remoteLabel")
                ->text()
                .contains(QString::number(m_view->blockedRequestCount())));
}

void TestMessageView::loadRemoteContentFetches()
{
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    QVERIFY(showAndWait(m_rich));
    QVERIFY(waitForRender(m_rich, rendered));
    QCOMPARE(m_httpConnections, 0);

    auto *button = child<QAbstractButton>("loadRemoteButton");
    QTRY_VERIFY_WITH_TIMEOUT(button->isVisible(), loadTimeout);
    button->click();
    QVERIFY(m_view->remoteContentAllowed());
    QTRY_VERIFY_WITH_TIMEOUT(m_httpRequests.join('\n').contains("GET /pixel.png"), renderTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(!child<QWidget>("remoteBar")->isVisible(), loadTimeout);
}

void TestMessageView::remoteAllowanceIsPerMessage()
{
    const qint64 other = deliver(richMessage(m_http.serverPort(), "other.png"));
    QVERIFY(other > 0);
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    QVERIFY(showAndWait(other));
    QVERIFY(waitForRender(other, rendered));
    // Finished loading: a remote request that got through would have been answered already.
    QVERIFY(!m_view->remoteContentAllowed());
    QVERIFY(m_view->blockedRequestCount() > 0);
    QVERIFY2(!m_httpRequests.join('\n').contains("other.png"),
        "remote content allowed for one message leaked into another");
}

void TestMessageView::newMessageWhilePageLoads()
{
    // The page is still loading (its remote image allowed and not answered yet) when the next
    // message is shown: the next page is still reported as rendered.
    const qint64 slow = deliver(richMessage(m_http.serverPort(), "slow.png"));
    const qint64 next = deliver(richMessage(m_http.serverPort(), "after-slow.png"));
    QVERIFY(slow > 0 && next > 0);
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    QVERIFY(showAndWait(slow));
    QVERIFY(waitForRender(slow, rendered));
    m_view->loadRemoteContent();
    QTRY_VERIFY_WITH_TIMEOUT(m_httpRequests.join('\n').contains("GET /slow.png"), renderTimeout);
    QVERIFY(showAndWait(next));
    QVERIFY(waitForRender(next, rendered));
    for (QTcpSocket *socket : std::as_const(m_slowSockets))
        if (socket)
            socket->disconnectFromHost();
    m_slowSockets.clear();
}

void TestMessageView::sourceTab()
{
    QVERIFY(showAndWait(m_rich));
    m_view->setCurrentTab(MessageView::Tab::Source);
    auto *source = child<QPlainTextEdit>("sourceEdit");
    QVERIFY(source);
    QString expected = QString::fromUtf8(m_richRaw);
    expected.replace("\r\n", "\n"); // QPlainTextEdit keeps lines, not their terminators
    QCOMPARE(source->toPlainText(), expected);

    m_view->copySource();
    QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromUtf8(m_richRaw));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("message.eml");
    QVERIFY(m_view->saveSourceTo(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), m_richRaw);

    QSignalSpy errors(m_view, &MessageView::errorOccurred);
    QVERIFY(!m_view->saveSourceTo(dir.filePath("no/such/folder/message.eml")));
    QCOMPARE(errors.count(), 1);
}

void TestMessageView::headersTab()
{
    QVERIFY(showAndWait(m_rich));
    auto *table = child<QTableWidget>("headersTable");
    QVERIFY(table);
    QHash<QString, QString> headers;
    for (int row = 0; row < table->rowCount(); ++row)
        headers.insert(table->item(row, 0)->text(), table->item(row, 1)->text());
    QCOMPARE(headers.value("Subject"), decodedSubject);
    QCOMPARE(headers.value("X-Folded"), QString("first  second"));
    QCOMPARE(headers.value("Cc"), QString("Carol <carol@example.test>"));
    QCOMPARE(headers.value("Content-Type"), QString("multipart/mixed; boundary=\"mixed\""));
    QCOMPARE(table->rowCount(), 9); // every header of the message, none from its parts
    QCOMPARE(child<QLabel>("subjectLabel")->text(), decodedSubject);
}

void TestMessageView::attachmentsTab()
{
    QVERIFY(showAndWait(m_rich));
    auto *tree = child<QTreeWidget>("attachmentsTree");
    QVERIFY(tree);
    QTreeWidgetItem *pdf = nullptr;
    QTreeWidgetItem *logo = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = tree->topLevelItem(i);
        if (item->text(0) == "report.pdf")
            pdf = item;
        if (item->text(0) == "logo.png")
            logo = item;
    }
    QVERIFY(pdf);
    QCOMPARE(pdf->text(1), QString("application/pdf"));
    QCOMPARE(pdf->data(2, Qt::UserRole).toLongLong(), qint64(pdfBytes().size()));
    QCOMPARE(pdf->text(2), QLocale().formattedDataSize(pdfBytes().size()));
    QVERIFY(logo);
    const QImage thumbnail = logo->icon(0).pixmap(64, 64).toImage();
    QVERIFY2(hasPixel(thumbnail, isGreen), "no thumbnail for the image part");

    // The selected image, full size, below the list; none for the PDF.
    auto *preview = child<QWidget>("attachmentPreview");
    auto *previewLabel = child<QLabel>("attachmentPreviewLabel");
    QVERIFY(preview && previewLabel);
    QVERIFY(preview->isHidden());
    tree->setCurrentItem(logo);
    QTRY_VERIFY_WITH_TIMEOUT(!preview->isHidden(), loadTimeout);
    const QImage shownImage = previewLabel->pixmap().toImage();
    QCOMPARE(shownImage.size(), QSize(60, 60));
    QVERIFY2(hasPixel(shownImage, isGreen), "the preview is not the image");
    tree->setCurrentItem(pdf);
    QVERIFY(preview->isHidden());
    QVERIFY(previewLabel->pixmap().isNull());

    // Dragged out: the attachment's file.
    auto *attachments = qobject_cast<AttachmentTree *>(tree);
    QVERIFY(attachments);
    std::unique_ptr<QMimeData> dragged(attachments->mimeData({ pdf }));
    QVERIFY(dragged);
    QCOMPARE(dragged->urls().size(), 1);
    QCOMPARE(
        QFileInfo(dragged->urls().constFirst().toLocalFile()).fileName(), QString("report.pdf"));
    QFile draggedFile(dragged->urls().constFirst().toLocalFile());
    QVERIFY(draggedFile.open(QIODevice::ReadOnly));
    QCOMPARE(draggedFile.readAll(), pdfBytes());

    // Open: written to a private folder, handed to the system's viewer.
    UrlCatcher viewer;
    QDesktopServices::setUrlHandler("file", &viewer, "open");
    auto unset = qScopeGuard([] { QDesktopServices::unsetUrlHandler("file"); });
    child<QAbstractButton>("openAttachmentButton")->click();
    QTRY_COMPARE_WITH_TIMEOUT(viewer.opened.size(), 1, loadTimeout);
    QVERIFY(viewer.opened.constFirst().isLocalFile());
    QCOMPARE(QFileInfo(viewer.opened.constFirst().toLocalFile()).fileName(), QString("report.pdf"));
    QFile opened(viewer.opened.constFirst().toLocalFile());
    QVERIFY(opened.open(QIODevice::ReadOnly));
    QCOMPARE(opened.readAll(), pdfBytes());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("saved.pdf");
    QFuture<bool> saved = m_view->saveAttachment(pdf->data(0, Qt::UserRole).toInt(), path);
    QTRY_VERIFY_WITH_TIMEOUT(saved.isFinished(), loadTimeout);
    QVERIFY(saved.result());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), pdfBytes());

    QSignalSpy errors(m_view, &MessageView::errorOccurred);
    QFuture<bool> bad = m_view->saveAttachment(99, dir.filePath("nothing"));
    QTRY_VERIFY_WITH_TIMEOUT(bad.isFinished(), loadTimeout);
    QVERIFY(!bad.result());
    QCOMPARE(errors.count(), 1);
    QVERIFY(!QFile::exists(dir.filePath("nothing")));
}

bool TestMessageView::chooseAttachment(qint64 id, const QString &fileName)
{
    if (!showAndWait(id))
        return false;
    m_view->setCurrentTab(MessageView::Tab::Attachments);
    auto *tree = child<QTreeWidget>("attachmentsTree");
    for (int i = 0; tree && i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->text(0) == fileName) {
            tree->setCurrentItem(tree->topLevelItem(i));
            return true;
        }
    }
    return false;
}

void TestMessageView::pdfAttachmentIsPreviewed()
{
    const QByteArray pdf = realPdf(1);
    const MessageAttachments::PdfPreview rendered = MessageAttachments::renderPdf(pdf, 300, 10);
    QVERIFY(rendered.ok);
    QCOMPARE(rendered.pageCount, 1);
    QCOMPARE(rendered.pages.size(), 1);
    QCOMPARE(rendered.pages.first().width(), 300);
    QCOMPARE(rendered.pages.first().pixel(2, 2), qRgb(255, 255, 255)); // paper, not transparent

    const qint64 id = deliver(pdfMessage("invoice.pdf", pdf));
    QVERIFY(id > 0);
    QVERIFY(chooseAttachment(id, "invoice.pdf"));
    auto *preview = child<QWidget>("attachmentPreview");
    QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>("pdfPage1"), loadTimeout);
    QVERIFY(!preview->isHidden());
    QVERIFY(!child<QLabel>("pdfPage2"));
    QVERIFY(child<QLabel>("attachmentPreviewNote")->isHidden());
    const QImage page = child<QLabel>("pdfPage1")->pixmap().toImage();
    QVERIFY(page.width() >= 200);
    QVERIFY2(
        hasPixel(page, [](QRgb p) { return qRed(p) > 180 && qGreen(p) < 60 && qBlue(p) < 60; }),
        "page 1 does not show the red block");

    // Another message: its preview goes.
    QVERIFY(showAndWait(m_rich));
    QTRY_VERIFY_WITH_TIMEOUT(!child<QLabel>("pdfPage1"), loadTimeout);
    QVERIFY(preview->isHidden());
}

void TestMessageView::damagedPdfIsNotPreviewed()
{
    // The rich message's report.pdf is a PDF header and random bytes.
    QVERIFY(MessageAttachments::renderPdf(pdfBytes(), 300, 10).pages.isEmpty());
    QVERIFY(!MessageAttachments::renderPdf(pdfBytes(), 300, 10).ok);
    QVERIFY(!MessageAttachments::renderPdf(QByteArray(), 300, 10).ok);
    QVERIFY(!MessageAttachments::renderPdf(realPdf(1).left(400), 300, 10).ok); // cut short

    QVERIFY(chooseAttachment(m_rich, "report.pdf"));
    auto *note = child<QLabel>("attachmentPreviewNote");
    QTRY_VERIFY_WITH_TIMEOUT(!note->isHidden(), loadTimeout);
    QVERIFY2(note->text().contains("cannot be previewed"), qPrintable(note->text()));
    QVERIFY(!note->text().contains('\n'));
    QVERIFY(child<QWidget>("attachmentPreview")->isHidden());
    QVERIFY(!child<QLabel>("pdfPage1"));

    // The image beside it: the note goes, the image comes.
    QVERIFY(chooseAttachment(m_rich, "logo.png"));
    QVERIFY(note->isHidden());
    QTRY_VERIFY_WITH_TIMEOUT(!child<QWidget>("attachmentPreview")->isHidden(), loadTimeout);
}

void TestMessageView::longPdfShowsItsFirstPages()
{
    const int pages = MessageAttachments::maxPdfPreviewPages + 2;
    const qint64 id = deliver(pdfMessage("long.pdf", realPdf(pages)));
    QVERIFY(id > 0);
    QVERIFY(chooseAttachment(id, "long.pdf"));
    const QString last = QStringLiteral("pdfPage%1").arg(MessageAttachments::maxPdfPreviewPages);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->findChild<QLabel *>(last), loadTimeout);
    QVERIFY(!m_view->findChild<QLabel *>(
        QStringLiteral("pdfPage%1").arg(MessageAttachments::maxPdfPreviewPages + 1)));
    auto *note = child<QLabel>("attachmentPreviewNote");
    QVERIFY(!note->isHidden());
    QCOMPARE(note->text(),
        QStringLiteral("The first %1 of %2 pages are shown. Open the PDF to see them all.")
            .arg(MessageAttachments::maxPdfPreviewPages)
            .arg(pages));
}

void TestMessageView::partsTab()
{
    QVERIFY(showAndWait(m_rich));
    auto *tree = child<QTreeWidget>("partsTree");
    QVERIFY(tree);
    QCOMPARE(tree->topLevelItemCount(), 1);
    QTreeWidgetItem *root = tree->topLevelItem(0);
    QCOMPARE(root->text(0), QString("multipart/mixed"));
    QCOMPARE(root->childCount(), 2); // related, pdf
    QTreeWidgetItem *related = root->child(0);
    QCOMPARE(related->text(0), QString("multipart/related"));
    QCOMPARE(related->childCount(), 2); // alternative, png
    QCOMPARE(related->child(0)->childCount(), 2); // text, html
    QCOMPARE(related->child(0)->child(1)->text(0), QString("text/html"));
    QCOMPARE(related->child(1)->text(5), QString("logo@example.test"));
    QCOMPARE(root->child(1)->text(0), QString("application/pdf"));
}

void TestMessageView::checksTab()
{
    QVERIFY(showAndWait(m_rich));
    auto *tree = child<QTreeWidget>("checksTree");
    auto *none = child<QLabel>("noProblemsLabel");
    QCOMPARE(tree->topLevelItemCount(), 0);
    QVERIFY(!none->isHidden());
    QCOMPARE(none->text(), QString("No problems found"));

    const qint64 bare = deliver(bareLfMessage());
    QVERIFY(bare > 0);
    QVERIFY(showAndWait(bare));
    QStringList kinds;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        kinds << tree->topLevelItem(i)->data(0, Qt::UserRole).toString();
    QVERIFY2(kinds.contains("bare-lf"), qPrintable(kinds.join(',')));
    QVERIFY(none->isHidden());
    QVERIFY(!tree->isHidden());
    // Worded by the view from the check's kind and facts (8 bare LFs, the first ends line 1).
    QTreeWidgetItem *bareLf = tree->topLevelItem(int(kinds.indexOf("bare-lf")));
    QCOMPARE(bareLf->text(0), QString("Bare line feed"));
    QCOMPARE(bareLf->text(1),
        QString("8 bare LF (line feed without carriage return), the first ends line 1"));
}

// The same check under the German translation: the words come from the view's tr(), not
// from core, which hands out only the kind and the facts.
void TestMessageView::checksAreWordedInTheUsersLanguage()
{
    QTranslator german;
    QVERIFY(german.load(QStringLiteral("smtp-receiver_de"), QStringLiteral(":/i18n")));
    QVERIFY(QCoreApplication::installTranslator(&german));
    const auto uninstall = qScopeGuard([&german] { QCoreApplication::removeTranslator(&german); });
    const qint64 bare = deliver(bareLfMessage());
    QVERIFY(bare > 0);
    QVERIFY(showAndWait(bare));
    auto *tree = child<QTreeWidget>("checksTree");
    QTreeWidgetItem *bareLf = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->data(0, Qt::UserRole).toString() == "bare-lf")
            bareLf = tree->topLevelItem(i);
    }
    QVERIFY(bareLf);
    QCOMPARE(bareLf->text(0), QString("Zeilenvorschub (LF) ohne CR"));
    QCOMPARE(bareLf->text(1),
        QString("8 einzelne LF (Zeilenvorschub ohne Wagenrücklauf), das erste beendet Zeile 1"));
}

// Every kind core can report has a title and a sentence of the view's own, with its facts in.
void TestMessageView::everyCheckKindIsWorded()
{
    const QMetaEnum kinds = QMetaEnum::fromType<SmtpMessageCheck::Kind>();
    QSet<QString> titles;
    for (int i = 0; i < kinds.keyCount(); ++i) {
        SmtpMessageCheck check { SmtpMessageCheck::Kind(kinds.value(i)) };
        check.setLine(4242);
        check.setPartId(77);
        check.setOctets(1234);
        check.setExcerpt("xyzzy");
        const QString title = MessageCheckWording::title(check);
        const QString detail = MessageCheckWording::detail(check);
        QVERIFY2(!title.isEmpty() && title != check.name(), kinds.key(i));
        titles.insert(title);
        QVERIFY2(!detail.isEmpty(), kinds.key(i));
        const bool hasFact = detail.contains("4242") || detail.contains("77")
            || detail.contains("1234") || detail.contains("xyzzy");
        const bool factless = check.kind() == SmtpMessageCheck::Kind::MissingDate
            || check.kind() == SmtpMessageCheck::Kind::MissingMessageId
            || check.kind() == SmtpMessageCheck::Kind::HtmlWithoutText;
        QVERIFY2(hasFact != factless, qPrintable(detail));
    }
    QCOMPARE(titles.size(), kinds.keyCount());
}

void TestMessageView::smtpTab()
{
    QVERIFY(showAndWait(m_rich));
    QCOMPARE(child<QLabel>("smtpMailFrom")->text(), QString("sender@example.test"));
    QCOMPARE(child<QLabel>("smtpRcptTo")->text(), QString("bob@example.test\ncarol@example.test"));
    QCOMPARE(child<QLabel>("smtpHelo")->text(), QString("client.example.test"));
    QCOMPARE(child<QLabel>("smtpRemote")->text(), QString("127.0.0.1:40000"));
    QCOMPARE(child<QLabel>("smtpId")->text(), QString::number(m_rich));
    QVERIFY(child<QLabel>("smtpSize")->text().contains(QLocale().toString(m_richRaw.size())));
}

void TestMessageView::noHtmlSwitchesToText()
{
    const qint64 text = deliver(textOnlyMessage());
    QVERIFY(text > 0);
    QCOMPARE(m_view->currentTab(), MessageView::Tab::Html);
    QVERIFY(showAndWait(text));
    QCOMPARE(m_view->currentTab(), MessageView::Tab::Text);
    QVERIFY(!child<QWidget>("noHtmlLabel")->isHidden()); // the HTML tab shows the note
    QCOMPARE(child<QPlainTextEdit>("textEdit")->toPlainText().trimmed(),
        QString("Only a plain text body."));
    QVERIFY(child<QWidget>("remoteBar")->isHidden());

    // The next message with HTML goes back to the HTML tab the user had chosen.
    QVERIFY(showAndWait(m_rich));
    QCOMPARE(m_view->currentTab(), MessageView::Tab::Html);
}

void TestMessageView::largeHtmlRenders()
{
    const QByteArray raw = largeHtmlMessage();
    QVERIFY(raw.size() > 3 * 1024 * 1024);
    const qint64 large = deliver(raw);
    QVERIFY(large > 0);
    QVERIFY(m_store.message(large)->htmlBody().size() > 2 * 1024 * 1024);
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    // Every page load the view finishes, for the failure message: a load that ends with ok=false
    // never says htmlRendered.
    auto *web = child<QWebEngineView>("htmlView");
    QVERIFY(web);
    QStringList loads;
    const QMetaObject::Connection watch
        = connect(web->page(), &QWebEnginePage::loadFinished, this, [&loads, web](bool ok) {
              loads.append(QStringLiteral("%1 ok=%2").arg(web->page()->url().toString()).arg(ok));
          });
    QVERIFY(showAndWait(large));
    const bool done = waitForRender(large, rendered);
    disconnect(watch);
    QVERIFY2(done, qPrintable(QStringLiteral("no htmlRendered; loads: ") + loads.join(", ")));
    const QImage image = pollGrab([](const QImage &i) { return hasPixel(i, isBlue); });
    QVERIFY2(hasPixel(image, isBlue), "HTML above 2 MB did not render");
}

void TestMessageView::previewWidth()
{
    QVERIFY(showAndWait(m_rich));
    QWidget *html = m_view->htmlView();
    QTRY_VERIFY_WITH_TIMEOUT(html->width() > 768, loadTimeout);
    m_view->setPreviewWidth(MessageView::PreviewWidth::Phone);
    QTRY_COMPARE_WITH_TIMEOUT(html->width(), 375, loadTimeout);
    m_view->setPreviewWidth(MessageView::PreviewWidth::Tablet);
    QTRY_COMPARE_WITH_TIMEOUT(html->width(), 768, loadTimeout);
    m_view->setPreviewWidth(MessageView::PreviewWidth::Desktop);
    QTRY_VERIFY_WITH_TIMEOUT(html->width() > 768, loadTimeout);
}

void TestMessageView::linksOpenOutside()
{
    UrlCatcher browser;
    QDesktopServices::setUrlHandler("http", &browser, "open");
    const qint64 links = deliver(linksMessage(m_http.serverPort()));
    QVERIFY(links > 0);
    QSignalSpy rendered(m_view, &MessageView::htmlRendered);
    QVERIFY(showAndWait(links));
    QVERIFY(waitForRender(links, rendered));
    // With remote content allowed only the page itself stands between a click and a request.
    m_view->loadRemoteContent();
    QTRY_VERIFY_WITH_TIMEOUT(m_httpRequests.join('\n').contains("GET /remote.png"), renderTimeout);
    pollGrab([](const QImage &i) { return hasPixel(i, isGreen) && hasPixel(i, isBlue); });
    auto *web = qobject_cast<QWebEngineView *>(m_view->htmlView());
    QVERIFY(web && web->focusProxy());
    const QUrl page = web->url();
    QCOMPARE(page.scheme(), QString("smtp-receiver"));

    const QString base = "http://127.0.0.1:" + QString::number(m_http.serverPort());
    QTest::mouseClick(web->focusProxy(), Qt::LeftButton, {}, QPoint(50, 50));
    QTRY_COMPARE_WITH_TIMEOUT(browser.opened.size(), 1, loadTimeout);
    QCOMPARE(browser.opened.at(0), QUrl(base + "/landing"));
    QTest::mouseClick(web->focusProxy(), Qt::LeftButton, {}, QPoint(50, 250));
    QTRY_COMPARE_WITH_TIMEOUT(browser.opened.size(), 2, loadTimeout);
    QCOMPARE(browser.opened.at(1), QUrl(base + "/new"));
    // The browser was asked by the very calls that refused the navigations, so nothing can have
    // navigated since.
    QCOMPARE(web->url(), page); // never navigated inside
    const QString requests = m_httpRequests.join('\n');
    QVERIFY2(!requests.contains("/landing") && !requests.contains("/new"), qPrintable(requests));
    QDesktopServices::unsetUrlHandler("http");
}

void TestMessageView::staleLoadIsDropped()
{
    const qint64 text = deliver(textOnlyMessage());
    QVERIFY(text > 0);
    QSignalSpy loaded(m_view, &MessageView::messageLoaded);
    QSignalSpy skipped(m_view, &MessageView::messageSkipped);
    m_view->showMessage(m_rich);
    m_view->showMessage(text); // before the first one could be shown
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), loadTimeout);
    // The first load has ended too, and was dropped.
    QTRY_COMPARE_WITH_TIMEOUT(skipped.count(), 1, loadTimeout);
    QCOMPARE(skipped.first().at(0).toLongLong(), m_rich);
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.first().at(0).toLongLong(), text);
    QCOMPARE(m_view->messageId(), text);
    QCOMPARE(child<QLabel>("subjectLabel")->text(), QString("just text"));
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1"); // Chromium refuses its sandbox as root
    MessageView::registerUrlSchemes(); // before the QApplication, like smtp-receiver's main()
    QApplication app(argc, argv);
    TestMessageView test;
    return QTest::qExec(&test, argc, argv);
}

void TestMessageView::tallPdfPagesAreBoundedInPixels()
{
    // Pages four times as tall as wide, rendered as wide as on a dense screen (800 px at 3x):
    // each page would be 2400 x 9600 pixels, ten of them 920 MB.
    const QByteArray pdf = realPdf(10, QPageSize(QSizeF(100, 400), QPageSize::Point));
    const MessageAttachments::PdfPreview rendered = MessageAttachments::renderPdf(pdf, 2400, 10);
    QVERIFY(rendered.ok);
    QCOMPARE(rendered.pageCount, 10);
    QVERIFY2(rendered.pages.size() < 10, qPrintable(QString::number(rendered.pages.size())));
    qint64 total = 0;
    for (const QImage &page : rendered.pages) {
        QVERIFY(qint64(page.width()) * page.height() <= 4'000'000);
        total += qint64(page.width()) * page.height();
    }
    QVERIFY2(total <= 12'000'000, qPrintable(QString::number(total)));
}

#include "tst_messageview.moc"
