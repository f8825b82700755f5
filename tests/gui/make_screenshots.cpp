// Renders the main window with sample mail into PNG files for the README:
//   make_screenshots OUTPUT_DIR
// Run under xvfb-run (docs/make-screenshots.sh does) so that it is a real X11 window.
#include "smtptestclient.h"

#include <appoptions.h>
#include <inboxmodel.h>
#include <mailboxlist.h>
#include <mainwindow.h>
#include <messageview.h>
#include <translators.h>

#include <QApplication>
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

namespace {

const QByteArray sampleHtml = R"(From: Shop <orders@shop.example>
To: Ada Lovelace <ada@example.com>
Subject: =?UTF-8?Q?Your_order_#1042_has_shipped_=E2=80=94_arriving_Tuesday?=
Date: Sat, 28 Nov 2026 10:15:00 +0000
Message-ID: <order-1042@shop.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Your order #1042 has shipped. Track it at https://shop.example/track/1042
--b1
Content-Type: text/html; charset=utf-8

<html><body style="font-family:sans-serif;margin:0;background:#f4f6fb">
<div style="background:#2f6fde;color:white;padding:24px;font-size:22px">Shop</div>
<div style="padding:24px"><h2 style="margin-top:0">Your order has shipped</h2>
<p>Hi Ada, order <b>#1042</b> is on its way and should arrive on Tuesday.</p>
<p><a href="https://shop.example/track/1042" style="background:#f5a623;color:white;padding:10px 18px;text-decoration:none;border-radius:4px">Track your parcel</a></p>
<img src="https://tracker.example/pixel.gif" width="1" height="1">
</div></body></html>
--b1--
)";

void send(quint16 port, const QByteArray &from, const QByteArray &subject, const QByteArray &body,
    const QByteArray &to = "ada@example.com")
{
    SmtpTestClient client;
    if (!client.connectTo(port))
        return;
    client.greeting();
    client.ehlo("app.local");
    client.mail(from);
    client.rcpt(to);
    QByteArray data = body;
    data.replace("\n", "\r\n");
    if (!subject.isEmpty())
        data = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\n" + data;
    client.data(data);
    client.command("QUIT");
}

// A receipt with a PNG attachment (a bar chart drawn here), for the attachment preview.
QByteArray receiptWithImage()
{
    QImage chart(360, 200, QImage::Format_RGB32);
    chart.fill(QColor(0xf4, 0xf6, 0xfb));
    QPainter p(&chart);
    const QColor colours[] = { QColor(0x2f, 0x6f, 0xde), QColor(0xf5, 0xa6, 0x23),
        QColor(0x3a, 0xa6, 0x5c), QColor(0xd9, 0x4a, 0x4a) };
    const int heights[] = { 120, 80, 150, 60 };
    for (int i = 0; i < 4; ++i)
        p.fillRect(30 + i * 80, 180 - heights[i], 56, heights[i], colours[i]);
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    chart.save(&buffer, "PNG");
    QByteArray encoded = png.toBase64();
    for (qsizetype i = 76; i < encoded.size(); i += 78)
        encoded.insert(i, "\n");
    return "From: Billing <invoices@billing.test>\nTo: ada@billing.test\n"
           "Subject: Invoice 2026-11 with usage chart\nMIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"m1\"\n\n--m1\n"
           "Content-Type: text/plain; charset=utf-8\n\nYour usage for November is attached.\n"
           "--m1\nContent-Type: image/png; name=\"usage.png\"\n"
           "Content-Disposition: attachment; filename=\"usage.png\"\n"
           "Content-Transfer-Encoding: base64\n\n"
        + encoded + "\n--m1--\n";
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1");
    MessageView::registerUrlSchemes();
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    installTranslators(&app);
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    QDir().mkpath(out);

    AppOptions options;
    options.server.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    options.database = QStringLiteral(":memory:");
    // Two projects get mailboxes of their own by rule; the rest lands in Inbox.
    QTemporaryDir rulesDir;
    QFile rulesFile(rulesDir.filePath(QStringLiteral("rules.json")));
    if (!rulesFile.open(QIODevice::WriteOnly)
        || rulesFile.write(R"({"rules":[
            {"match":"*@shop.test","action":"accept","mailbox":"shop-backend"},
            {"match":"*@billing.test","action":"accept","mailbox":"billing"}]})")
            < 0)
        qWarning("cannot write the rules file");
    rulesFile.close();
    options.server.setRulesFile(rulesFile.fileName());
    options.given = QStringList { QStringLiteral("smtp"), QStringLiteral("database"),
        QStringLiteral("rules") };
    MainWindow window(options);
    if (!window.start())
        return 2;
    window.resize(1200, 780);
    window.show();
    const quint16 port = quint16(window.server()->serverPort());
    const auto *count = window.findChild<QLabel *>(QStringLiteral("messageCountLabel"));
    // The counts in the status bar after the first message and after the fourth, one above the
    // other.
    const auto statusAt = [&](const QString &text) {
        if (!QTest::qWaitFor(
                [&] {
                    return count && count->text().startsWith(text)
                        && count->width() >= count->sizeHint().width(); // laid out again
                },
                30000))
            qWarning("The status bar never said \"%s\"", qPrintable(text));
        QStatusBar *bar = window.statusBar();
        const int left = count->mapTo(bar, QPoint(0, 0)).x() - 8;
        return bar->grab(QRect(left, 0, bar->width() - left, bar->height())).toImage();
    };
    send(port, "ci@build.example", "Build #881 passed", "All 412 tests passed in 3m 12s.\n");
    const QImage oneMessage = statusAt(QStringLiteral("1 message,"));
    send(port, "noreply@accounts.example", "Reset your password",
        "Someone asked to reset the password of ada@example.com.\n");
    send(port, "team@calendar.example", "Invitation: design review (Tue 14:00)",
        "You have been invited.\n");
    send(port, "orders@shop.example", {}, sampleHtml);
    const QImage fourMessages = statusAt(QStringLiteral("4 messages,"));
    QImage counts(qMax(oneMessage.width(), fourMessages.width()),
        oneMessage.height() + fourMessages.height(), QImage::Format_ARGB32_Premultiplied);
    counts.setDevicePixelRatio(oneMessage.devicePixelRatio());
    counts.fill(window.palette().window().color());
    QPainter painter(&counts);
    const qreal right = counts.deviceIndependentSize().width(); // the labels sit on the right
    painter.drawImage(QPointF(right - oneMessage.deviceIndependentSize().width(), 0), oneMessage);
    painter.drawImage(QPointF(right - fourMessages.deviceIndependentSize().width(),
                          oneMessage.deviceIndependentSize().height()),
        fourMessages);
    painter.end();
    counts.save(out + QStringLiteral("/status-bar.png"));
    QTest::qWait(1500);

    window.inboxView()->selectRow(0);
    QTest::qWait(3000); // WebEngine paints some time after loadFinished
    window.grab().save(out + QStringLiteral("/main-window.png"));

    window.messageView()->setCurrentTab(MessageView::Tab::Headers);
    QTest::qWait(500);
    window.grab().save(out + QStringLiteral("/headers.png"));
    window.messageView()->setCurrentTab(MessageView::Tab::Source);
    QTest::qWait(500);
    window.grab().save(out + QStringLiteral("/source.png"));

    // Mailboxes: mail of two projects, the list beside the inbox with unread counts.
    send(port, "orders@shop.test", "Order #2211 confirmed", "Thanks for your order.\n",
        "ada@shop.test");
    send(port, "orders@shop.test", "Order #2212 confirmed", "Thanks for your order.\n",
        "bob@shop.test");
    send(port, "alerts@shop.test", "Low stock: USB-C cable", "12 left.\n", "ops@shop.test");
    send(port, "invoices@billing.test", {}, receiptWithImage(), "ada@billing.test");
    QTest::qWait(1500);
    window.messageView()->setCurrentTab(MessageView::Tab::Html);
    window.mailboxList()->selectMailbox(QStringLiteral("shop-backend"));
    QTest::qWait(800);
    window.inboxView()->selectRow(1);
    QTest::qWait(2000);
    window.grab().save(out + QStringLiteral("/mailboxes.png"));

    // An image attachment previewed in the Attachments tab.
    window.mailboxList()->selectMailbox(QStringLiteral("billing"));
    QTest::qWait(800);
    window.inboxView()->selectRow(0);
    QTest::qWait(1000);
    window.messageView()->setCurrentTab(MessageView::Tab::Attachments);
    if (auto *tree = window.findChild<QTreeWidget *>(QStringLiteral("attachmentsTree"));
        tree && tree->topLevelItemCount() > 0)
        tree->setCurrentItem(tree->topLevelItem(0));
    else
        qWarning("no attachment to preview");
    QTest::qWait(1500);
    window.grab().save(out + QStringLiteral("/attachment-preview.png"));
    return 0;
}
