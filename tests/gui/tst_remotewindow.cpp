// The desktop app on a remote catcher: a headless smtp-receiver (--http) started by the test, a
// RemoteWindow on it — mail appears live through the event WebSocket, opens, is searched,
// marked read and deleted on the server; the server killed shows the disconnected state and a
// restart on the same port is caught up with. The remote inbox model under
// QAbstractItemModelTester, a fake Mailpit serving answers in Mailpit's documented shapes
// (tests/data/mailpit), and the --remote flag.
#include <commandline.h>
#include <credentialstore.h>
#include <mailboxlist.h>
#include <mailboxlistmodel.h>
#include <messageattachments.h>
#include <messageview.h>
#include <remotecatcherdialog.h>
#include <remotemessagesource.h>
#include <remotewindow.h>
#include <sourceinboxmodel.h>

#include "headlessinstance.h"
#include "modaldialogs.h"
#include "smtptestclient.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

constexpr int timeout = 30000; // the bound of every wait for an event, for loaded machines

namespace {

// A headless smtp-receiver with the HTTP API, as a staging server runs it.
using Catcher = HeadlessInstance;

bool sendMail(quint16 port, const QByteArray &subject, const QByteArray &to = "bob@example.org")
{
    SmtpTestClient client;
    if (!client.connectTo(port))
        return false;
    const QByteArray body = "From: Alice <alice@example.com>\r\nTo: " + to
        + "\r\nSubject: " + subject + "\r\n\r\nHello from " + subject + ".\r\n";
    return SmtpTestClient::code(client.sendMail("alice@example.com", { to }, body)) == 250;
}

// The server's own view, through its API (not the window's).
QJsonObject apiGet(const QUrl &base, const QString &pathAndQuery)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(base.toString() + pathAndQuery)));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return QJsonDocument::fromJson(reply->readAll()).object();
}

QStringList subjects(const SourceInboxModel *model)
{
    QStringList list;
    for (int row = 0; row < model->rowCount(); ++row)
        list.append(model->summaryAt(row).subject);
    return list;
}

// A fake Mailpit: answers GETs from tests/data/mailpit (a request's body is read and ignored);
// the event WebSocket is not there.
class FakeMailpit : public QTcpServer
{
public:
    QStringList requests;
    bool honoursStart = true; // false: every page is the recorded first one, as a broken server

    FakeMailpit()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        while (buffer.contains("\r\n\r\n")) {
            const int end = int(buffer.indexOf("\r\n\r\n")) + 4;
            const QByteArray head = buffer.left(end);
            // A request's body (PUT of read flags, when a row is opened) is read and left alone.
            const int bodySize = contentLength(head);
            if (buffer.size() < end + bodySize)
                return; // the rest of the body is still to come
            buffer.remove(0, end + bodySize);
            const QByteArray target = head.split(' ').value(1);
            requests.append(QString::fromUtf8(head.split(' ').value(0) + ' ' + target));
            const QString path = QUrl(QString::fromUtf8(target)).path();
            QString file;
            if (path == "/api/v1/messages")
                file = "messages.json";
            else if (path == "/api/v1/search")
                file = "search.json";
            else if (path == "/api/v1/info")
                file = "info.json";
            else if (path.startsWith("/api/v1/message/") && path.endsWith("/raw"))
                file = path.section('/', 4, 4) + ".eml";
            QFile data(QString(MAILPIT_FIXTURES) + '/' + file);
            QByteArray status = "200 OK";
            QByteArray body;
            if (file.isEmpty() || !data.open(QIODevice::ReadOnly)) {
                status = "404 Not Found";
                body = "404 page not found\n";
            } else {
                body = page(data.readAll(), QUrlQuery(QUrl(QString::fromUtf8(target))));
            }
            socket->write("HTTP/1.1 " + status
                + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nContent-Type: "
                + (file.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8")
                + "\r\n\r\n" + body);
        }
    }
    static int contentLength(const QByteArray &head)
    {
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                return line.mid(15).trimmed().toInt();
        }
        return 0;
    }
    // A list answer from `start` on, as Mailpit pages: the recorded page holds the first messages.
    QByteArray page(const QByteArray &recorded, const QUrlQuery &query) const
    {
        const int start = query.queryItemValue("start").toInt();
        QJsonObject answer = QJsonDocument::fromJson(recorded).object();
        if (start == 0 || !honoursStart || !answer.contains("messages"))
            return recorded;
        const QJsonArray all = answer.value("messages").toArray();
        QJsonArray rest;
        for (int i = start; i < all.size(); ++i)
            rest.append(all.at(i));
        answer["messages"] = rest;
        answer["count"] = rest.size();
        answer["start"] = start;
        return QJsonDocument(answer).toJson(QJsonDocument::Compact);
    }
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// A window on mailpit (listening), shown.
RemoteWindow *showWindowOn(const FakeMailpit &mailpit)
{
    auto *window = new RemoteWindow(
        { QUrl(QString("http://127.0.0.1:%1").arg(mailpit.serverPort())), {}, {} });
    window->show();
    return window;
}

} // namespace

class TestRemoteWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandLine();
    void recentCatchersAreKeptPrivately();
    void liveWindowOnHeadlessCatcher();
    void modelUnderTester();
    void searchFindsMailOnceIndexed();
    void basicAuth();
    void mailpitDialect();
    void aServerIgnoringStartEndsPaging();
    void mailboxesOfAHeadlessCatcher();
    void mailpitShowsNoMailboxList();
    void saveAsNamesTheFileAfterTheSubject();

private:
    QTemporaryDir m_dir;
};

void TestRemoteWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
}

void TestRemoteWindow::commandLine()
{
    const CommandLineResult good
        = parseCommandLine({ "smtp-receiver", "--remote", "http://user:pw@staging.example:8025" });
    QCOMPARE(good.action, CommandLineResult::Action::Run);
    QCOMPARE(good.options.remote.host(), QString("staging.example"));
    QCOMPARE(good.options.remote.port(), 8025);
    QCOMPARE(good.options.remote.userName(), QString("user"));
    for (const char *bad : { "staging.example:8025", "ftp://staging.example", "http://" }) {
        const CommandLineResult r = parseCommandLine({ "smtp-receiver", "--remote", bad });
        QCOMPARE(r.action, CommandLineResult::Action::Error);
        QVERIFY2(r.text.startsWith("--remote"), qPrintable(r.text));
        QVERIFY(!r.text.contains('\n'));
    }
    QCOMPARE(parseCommandLine({ "smtp-receiver", "--no-gui", "--remote", "http://a:1" }).action,
        CommandLineResult::Action::Error);
}

void TestRemoteWindow::recentCatchersAreKeptPrivately()
{
    QSettings settings;
    RemoteCatcherDialog::remember(settings, { QUrl("http://one.example:8025"), "u", "p" });
    RemoteCatcherDialog::remember(settings, { QUrl("http://two.example:8025"), {}, {} });
    RemoteCatcherDialog::remember(settings, { QUrl("http://one.example:8025"), "u", "p2" });
    const QList<RemoteCatcher> recent = RemoteCatcherDialog::recent(settings);
    QCOMPARE(recent.size(), 2);
    QCOMPARE(recent.at(0).url, QUrl("http://one.example:8025"));
    QCOMPARE(recent.at(0).user, QString("u"));
    QVERIFY(recent.at(0).password.isEmpty()); // not in the list: with the credential store
    QCOMPARE(recent.at(1).url, QUrl("http://two.example:8025"));
    CredentialStore credentials;
    QString password;
    bool read = false;
    // The newest password, once written (keychain or settings file, whichever answers here).
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            read = false;
            credentials.read(RemoteCatcherDialog::credentialKey(QUrl("http://one.example:8025")),
                [&](const QString &p, CredentialStore::Where) {
                    password = p;
                    read = true;
                });
            return QTest::qWaitFor([&] { return read; }, timeout) && password == "p2";
        }(),
        timeout);
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray contents = file.readAll();
    QVERIFY(!contents.contains("password="));
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
        | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    QCOMPARE(QFile::permissions(settings.fileName()) & others, QFile::Permissions());
    QVERIFY(QFile::permissions(settings.fileName()) & QFile::ReadOwner);
}

void TestRemoteWindow::liveWindowOnHeadlessCatcher()
{
    const QString database = m_dir.filePath("live.sqlite");
    auto catcher = std::make_unique<Catcher>();
    QVERIFY(catcher->start(database));
    const QUrl url = catcher->url();
    QVERIFY(sendMail(catcher->smtp, "before the window"));

    auto *window = new RemoteWindow({ url, {}, {} });
    QPointer<RemoteWindow> guard(window);
    window->show();
    SourceInboxModel *model = window->inboxModel();
    RemoteMessageSource *source = window->source();
    QTRY_COMPARE_WITH_TIMEOUT(source->state(), RemoteMessageSource::State::Connected, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, timeout);
    QVERIFY(window->windowTitle().contains(QString("127.0.0.1:%1").arg(catcher->http)));
    QVERIFY(window->connectionText().contains("Connected to 127.0.0.1"));

    // Live: a message sent now is a row within a second, through the WebSocket.
    QElapsedTimer sent;
    sent.start();
    QVERIFY(sendMail(catcher->smtp, "live one"));
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 1000);
    qInfo("row shown %lld ms after the mail was sent", sent.elapsed());
    QVERIFY(sent.elapsed() < 1000);
    QCOMPARE(model->summaryAt(0).subject, QString("live one"));

    // Opening it shows it (fetched from the catcher) and marks it read on the server.
    QSignalSpy loaded(window->messageView(), &MessageView::messageLoaded);
    window->inboxView()->selectRow(0);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, timeout);
    QCOMPARE(
        window->messageView()->findChild<QLabel *>("subjectLabel")->text(), QString("live one"));
    const QString liveId = source->remoteId(model->idAt(0));
    QTRY_VERIFY_WITH_TIMEOUT(apiGet(url, "/api/v1/messages")
                                 .value("messages")
                                 .toArray()
                                 .at(0)
                                 .toObject()
                                 .value("Read")
                                 .toBool(),
        timeout);
    QTRY_VERIFY_WITH_TIMEOUT(model->summaryAt(0).read, timeout);
    window->markSelectedRead(false);
    QTRY_VERIFY_WITH_TIMEOUT(!apiGet(url, "/api/v1/messages")
                                  .value("messages")
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value("Read")
                                  .toBool(),
        timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!model->summaryAt(0).read, timeout);

    // Search is the server's.
    window->searchField()->setText("subject:before");
    QTRY_COMPARE_WITH_TIMEOUT(subjects(model), QStringList { "before the window" }, timeout);
    window->searchField()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);

    // Delete, on the server.
    window->inboxView()->selectRow(0);
    window->deleteSelected();
    QTRY_COMPARE_WITH_TIMEOUT(apiGet(url, "/api/v1/messages").value("total").toInt(), 1, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(subjects(model), QStringList { "before the window" }, timeout);
    QCOMPARE(apiGet(url, "/api/v1/message/" + liveId).size(), 0); // 404, not JSON

    // The server goes away: the window says so and keeps its rows.
    catcher->process.kill();
    QVERIFY(catcher->process.waitForFinished(timeout));
    QTRY_COMPARE_WITH_TIMEOUT(source->state(), RemoteMessageSource::State::Disconnected, timeout);
    QVERIFY(!window->disconnectedBanner()->isHidden());
    QVERIFY2(window->connectionText().startsWith("Disconnected from"),
        qPrintable(window->connectionText()));
    QCOMPARE(subjects(model), QStringList { "before the window" });

    // Back on the same port, with mail that came while the window could not see it.
    const quint16 port = catcher->http;
    catcher = std::make_unique<Catcher>();
    QVERIFY(catcher->start(database, port));
    QSignalSpy reconnected(source, &RemoteMessageSource::reconnected);
    QVERIFY(sendMail(catcher->smtp, "while away"));
    if (source->state() == RemoteMessageSource::State::Disconnected)
        qInfo("the mail came while the window was disconnected: only catching up shows it");
    QTRY_COMPARE_WITH_TIMEOUT(source->state(), RemoteMessageSource::State::Connected, timeout);
    QCOMPARE(reconnected.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(
        subjects(model), (QStringList { "while away", "before the window" }), timeout);
    QVERIFY(window->disconnectedBanner()->isHidden());
    // And live again.
    QVERIFY(sendMail(catcher->smtp, "after the return"));
    QTRY_COMPARE_WITH_TIMEOUT(model->summaryAt(0).subject, QString("after the return"), timeout);
    window->close();
    QTRY_VERIFY(guard.isNull());
}

void TestRemoteWindow::modelUnderTester()
{
    Catcher catcher;
    QVERIFY(catcher.start(":memory:"));
    const int messages = SourceInboxModel::pageSize + 10;
    {
        SmtpTestClient client;
        QVERIFY(client.connectTo(catcher.smtp));
        QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
        QCOMPARE(SmtpTestClient::code(client.ehlo()), 250);
        for (int i = 0; i < messages; ++i) {
            QCOMPARE(SmtpTestClient::code(client.mail("a@example.com")), 250);
            QCOMPARE(SmtpTestClient::code(client.rcpt("b@example.org")), 250);
            QCOMPARE(SmtpTestClient::code(client.data(
                         "Subject: message " + QByteArray::number(i) + "\r\n\r\nbody\r\n")),
                250);
        }
    }
    RemoteMessageSource source(catcher.url(), {}, {});
    source.start();
    SourceInboxModel model(&source);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() >= int(SourceInboxModel::pageSize), timeout);
    QCOMPARE(model.summaryAt(0).subject, QString("message %1").arg(messages - 1));
    // The second page, as a view asks for it (the tester may have asked already).
    const auto fetched = [&model] {
        if (model.canFetchMore({}))
            model.fetchMore({});
        return model.rowCount();
    };
    QTRY_COMPARE_WITH_TIMEOUT(fetched(), messages, timeout);
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.summaryAt(messages - 1).subject, QString("message 0"));
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), RemoteMessageSource::State::Connected, timeout);

    QVERIFY(sendMail(catcher.smtp, "newest"));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), messages + 1, timeout);
    QCOMPARE(model.summaryAt(0).subject, QString("newest"));
    source.setRead({ model.idAt(0), model.idAt(5) }, true);
    QTRY_VERIFY_WITH_TIMEOUT(model.summaryAt(0).read && model.summaryAt(5).read, timeout);
    source.remove({ model.idAt(1), model.idAt(messages) });
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), messages - 1, timeout);
    model.setQuery("subject:newest");
    QTRY_COMPARE_WITH_TIMEOUT(subjects(&model), QStringList { "newest" }, timeout);
    source.clear();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 0, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(source.count(), 0, timeout);
}

void TestRemoteWindow::searchFindsMailOnceIndexed()
{
    // A search is open when matching mail comes. The catcher announces the mail at once and
    // finds it by search once indexed, a moment later: the model asks again then.
    Catcher catcher;
    QVERIFY(catcher.start(":memory:"));
    QVERIFY(sendMail(catcher.smtp, "older"));
    RemoteMessageSource source(catcher.url(), {}, {});
    source.start();
    SourceInboxModel model(&source);
    model.setQuery(QStringLiteral("subject:wanted"));
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), RemoteMessageSource::State::Connected, timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), timeout);
    QCOMPARE(model.rowCount(), 0);
    for (const QByteArray &subject :
        { QByteArray("wanted one"), QByteArray("not this"), QByteArray("wanted two") })
        QVERIFY(sendMail(catcher.smtp, subject));
    QTRY_COMPARE_WITH_TIMEOUT(
        subjects(&model), (QStringList { "wanted two", "wanted one" }), timeout);
}

void TestRemoteWindow::basicAuth()
{
    Catcher catcher;
    QVERIFY(catcher.start(":memory:", 0, { "--http-auth", "team:s3cret" }));
    QVERIFY(sendMail(catcher.smtp, "for the team"));

    RemoteMessageSource source(catcher.url(), "team", "s3cret");
    source.start();
    SourceInboxModel model(&source);
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), RemoteMessageSource::State::Connected, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(subjects(&model), QStringList { "for the team" }, timeout);
    QVERIFY(sendMail(catcher.smtp, "live for the team")); // the WebSocket got in too
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, timeout);

    RemoteMessageSource wrong(catcher.url(), "team", "guess");
    QSignalSpy answered(&wrong, &MessageSource::pageLoaded);
    wrong.requestPage({}, 0, 10);
    QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, timeout);
    QVERIFY2(answered.first().at(4).toString().startsWith("HTTP 401"),
        qPrintable(answered.first().at(4).toString()));
}

void TestRemoteWindow::mailpitDialect()
{
    FakeMailpit mailpit;
    QVERIFY(mailpit.listen(QHostAddress::LocalHost));
    RemoteMessageSource source(
        QUrl(QString("http://127.0.0.1:%1").arg(mailpit.serverPort())), "user", "secret");
    source.start();
    SourceInboxModel model(&source);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(source.count(), 3, timeout);
    QCOMPARE(source.unreadCount(), 2);
    QCOMPARE(source.serverVersion(), QString("v1.13.2"));

    const SmtpMessageSummary first = model.summaryAt(0);
    QCOMPARE(source.remoteId(first.id), QString("iAfZVVe2UQfNjq4HMZmjWF"));
    QCOMPARE(source.localId("iAfZVVe2UQfNjq4HMZmjWF"), first.id);
    QCOMPARE(first.from, QString("Jürgen Example <juergen@example.com>"));
    QCOMPARE(first.to, QString("alice@example.org, Bob <bob@example.org>"));
    QCOMPARE(first.subject, QString("Ihre Bestellung ist unterwegs"));
    QCOMPARE(
        first.receivedAt, QDateTime::fromString("2024-02-22T01:42:16.123Z", Qt::ISODateWithMs));
    QCOMPARE(first.size, 4931);
    QVERIFY(!first.read);
    QVERIFY(first.hasAttachments);
    const SmtpMessageSummary second = model.summaryAt(1);
    QVERIFY(second.id != first.id);
    QCOMPARE(second.to, QString()); // null lists are empty lists
    QCOMPARE(second.rcptTos, (QStringList { "carol@example.org", "dave@example.org" }));
    QVERIFY(second.read);
    QCOMPARE(model.data(model.index(1, SmtpInboxModel::SubjectColumn)).toString(),
        QString("(no subject)"));
    // Three counted, two sent: the model asks for the rest and learns there is none. The tester
    // may have asked already (it fetches more whenever the model changes), so ask only if it did
    // not.
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), timeout);
    if (model.canFetchMore({}))
        model.fetchMore({});
    QTRY_VERIFY_WITH_TIMEOUT(
        mailpit.requests.contains("GET /api/v1/messages?start=2&limit=200"), timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading() && !model.canFetchMore({}), timeout);
    QCOMPARE(model.rowCount(), 2);

    model.setQuery("subject:Bestellung");
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 1, timeout);
    QVERIFY(mailpit.requests.contains(
        "GET /api/v1/search?query=subject%3ABestellung&start=0&limit=200"));

    // The viewer's read: the raw source, parsed here; parts from it.
    const std::optional<SmtpStoredMessage> m = source.message(first.id);
    QVERIFY(m.has_value());
    QCOMPARE(m->id(), first.id);
    QCOMPARE(m->textBody().trimmed(), QString("Hallo Alice, Ihre Bestellung ist unterwegs."));
    QCOMPARE(m->attachments().size(), 1);
    bool ok = false;
    QCOMPARE(source.partContent(first.id, m->attachments().at(0).partId(), &ok).trimmed(),
        QByteArray("Lieferschein 4711"));
    QVERIFY(ok);
    QCOMPARE(mailpit.requests.count("GET /api/v1/message/iAfZVVe2UQfNjq4HMZmjWF/raw"), 1);
    QVERIFY(!source.message(second.id).has_value()); // 404
    QCOMPARE(source.unavailableReason(second.id), QString()); // gone, not out of reach

    // The catcher goes away: a message not fetched yet is out of reach, and the viewer is told
    // why instead of "no longer in the store".
    mailpit.close();
    for (QTcpSocket *socket : mailpit.findChildren<QTcpSocket *>())
        socket->abort();
    QVERIFY(!source.message(second.id).has_value());
    const QString reason = source.unavailableReason(second.id);
    QVERIFY2(
        reason.startsWith(source.displayName() + " cannot be reached now ("), qPrintable(reason));
    // What was fetched before still shows.
    QVERIFY(source.message(first.id).has_value());
}

int main(int argc, char **argv)
{
    qputenv("QTWEBENGINE_DISABLE_SANDBOX", "1"); // Chromium refuses its sandbox as root
    MessageView::registerUrlSchemes(); // before the QApplication, like smtp-receiver's main()
    QApplication app(argc, argv);
    TestRemoteWindow test;
    return QTest::qExec(&test, argc, argv);
}

void TestRemoteWindow::aServerIgnoringStartEndsPaging()
{
    FakeMailpit mailpit;
    mailpit.honoursStart = false;
    QVERIFY(mailpit.listen(QHostAddress::LocalHost));
    RemoteMessageSource source(
        QUrl(QString("http://127.0.0.1:%1").arg(mailpit.serverPort())), QString(), QString());
    source.start();
    SourceInboxModel model(&source);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading() && model.canFetchMore({}), timeout);
    model.fetchMore({});
    // The second page repeats the first: no new rows, so nothing more to fetch.
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), timeout);
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(mailpit.requests.count("GET /api/v1/messages?start=2&limit=200"), 1);
}

// Another smtp-receiver's mailboxes beside the remote inbox: a rule routes *@shop.test to "shop";
// the list shows it with its unread count, choosing it searches within it (with the search
// text), new mail to it counts live, and Ctrl+1 goes back to all mail.
void TestRemoteWindow::mailboxesOfAHeadlessCatcher()
{
    const QString rules = m_dir.filePath("shop-rules.json");
    {
        QFile file(rules);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({ "rules": [ { "match": "*@shop.test", "action": "accept",)"
                   R"( "mailbox": "shop" } ] })");
    }
    Catcher catcher;
    QVERIFY(catcher.start(":memory:", 0, { "--rules", rules }));
    QVERIFY(sendMail(catcher.smtp, "inbox two"));
    QVERIFY(sendMail(catcher.smtp, "shop order one", "buyer@shop.test"));
    QVERIFY(sendMail(catcher.smtp, "shop order two", "buyer@shop.test"));

    auto *window = new RemoteWindow({ catcher.url(), {}, {} });
    QPointer<RemoteWindow> guard(window);
    window->show();
    SourceInboxModel *model = window->inboxModel();
    MailboxList *list = window->mailboxList();
    MailboxListModel *mailboxes = list->mailboxModel();
    QAbstractItemModelTester tester(
        mailboxes, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(!list->isHidden(), timeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(mailboxes->rowCount(), 3, timeout);
    QCOMPARE(mailboxes->mailboxAt(1), QString("Inbox"));
    QCOMPARE(mailboxes->mailboxAt(2), QString("shop"));
    const auto shopUnread = [mailboxes] {
        return mailboxes->index(mailboxes->rowOf("shop")).data(MailboxListModel::UnreadRole);
    };
    QCOMPARE(shopUnread().toLongLong(), 2);
    QCOMPARE(mailboxes->index(2).data().toString(), QString("shop (2)"));
    QCOMPARE(mailboxes->index(0).data(MailboxListModel::UnreadRole).toLongLong(), 3);

    // Clicking shop shows only its mail; the title and the status bar name it.
    const QRect rect = list->visualRect(mailboxes->index(2));
    QVERIFY(rect.isValid());
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(list->currentMailbox(), QString("shop"));
    QCOMPARE(model->query(), QString("mailbox:\"shop\""));
    QTRY_COMPARE_WITH_TIMEOUT(
        subjects(model), (QStringList { "shop order two", "shop order one" }), timeout);
    const QString name = QString("127.0.0.1:%1").arg(catcher.http);
    QCOMPARE(window->windowTitle(), QString("shop on %1 (2 unread) — smtp-receiver").arg(name));
    const QString counts = window->findChild<QLabel *>("messageCountLabel")->text();
    QVERIFY2(counts.startsWith("shop: 2 message") && counts.endsWith(", 2 unread"),
        qPrintable(counts)); // "message(s)" without a translation

    // The search text is searched within the mailbox.
    window->searchField()->setText("two");
    QTRY_COMPARE_WITH_TIMEOUT(subjects(model), QStringList { "shop order two" }, timeout);
    QCOMPARE(model->query(), QString("mailbox:\"shop\" two"));
    window->searchField()->clear();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);

    // New mail to shop: in the filtered inbox and in the count, live.
    QVERIFY(sendMail(catcher.smtp, "shop order three", "buyer@shop.test"));
    QTRY_COMPARE_WITH_TIMEOUT(shopUnread().toLongLong(), 3, timeout);
    QTRY_COMPARE_WITH_TIMEOUT(model->summaryAt(0).subject, QString("shop order three"), timeout);
    QCOMPARE(model->rowCount(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(
        window->windowTitle(), QString("shop on %1 (3 unread) — smtp-receiver").arg(name), timeout);
    // Mail elsewhere does not enter the shop's inbox but counts in All mail.
    QVERIFY(sendMail(catcher.smtp, "inbox three"));
    QTRY_COMPARE_WITH_TIMEOUT(
        mailboxes->index(0).data(MailboxListModel::UnreadRole).toLongLong(), 5, timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), timeout);
    QCOMPARE(
        subjects(model), (QStringList { "shop order three", "shop order two", "shop order one" }));

    // Ctrl+1: all mail again, as in the local window.
    QApplication::setActiveWindow(window);
    QVERIFY(QTest::qWaitForWindowActive(window));
    QTest::keyClick(window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(list->currentMailbox(), QString());
    QCOMPARE(model->query(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 5, timeout);
    QCOMPARE(window->windowTitle(), QString("%1 (5 unread) — smtp-receiver").arg(name));
    window->close();
    QTRY_VERIFY(guard.isNull());
}

// A Mailpit has no mailboxes: once its info is in, the window still shows no mailbox list.
void TestRemoteWindow::mailpitShowsNoMailboxList()
{
    FakeMailpit mailpit;
    QVERIFY(mailpit.listen(QHostAddress::LocalHost));
    auto *window = showWindowOn(mailpit);
    QPointer<RemoteWindow> guard(window);
    // The info answer is what would have shown the list.
    QTRY_COMPARE_WITH_TIMEOUT(window->source()->serverVersion(), QString("v1.13.2"), timeout);
    QTRY_COMPARE_WITH_TIMEOUT(window->inboxModel()->rowCount(), 2, timeout);
    QVERIFY(!window->source()->hasMailboxes());
    QVERIFY(window->mailboxList()->isHidden());
    QCOMPARE(window->mailboxList()->mailboxModel()->rowCount(), 1); // All mail alone
    QCOMPARE(window->inboxModel()->query(), QString());
    window->close();
    QTRY_VERIFY(guard.isNull());
}

// Save as (Ctrl+S) in a window on a catcher offers the name the local window offers (the
// subject's, not the catcher's id), and writes the bytes the catcher sent.
void TestRemoteWindow::saveAsNamesTheFileAfterTheSubject()
{
    FakeMailpit mailpit;
    QVERIFY(mailpit.listen(QHostAddress::LocalHost));
    auto *window = showWindowOn(mailpit);
    QPointer<RemoteWindow> guard(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    SourceInboxModel *model = window->inboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, timeout);
    QCOMPARE(model->summaryAt(0).subject, QString("Ihre Bestellung ist unterwegs"));
    const qint64 id = model->idAt(0);
    window->inboxView()->selectRow(0);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("saved.eml"));
    const QString suggested = saveAsThroughDialog(window, path); // the bytes are fetched after
    QCOMPARE(suggested, QString("Ihre Bestellung ist unterwegs.eml"));
    QCOMPARE(suggested, MessageAttachments::messageFileName(model->summaryAt(0).subject, id));
    QFile sent(QString(MAILPIT_FIXTURES) + "/iAfZVVe2UQfNjq4HMZmjWF.eml");
    QVERIFY(sent.open(QIODevice::ReadOnly));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), timeout); // QSaveFile: whole or not there
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), sent.readAll());
    window->close();
    QTRY_VERIFY(guard.isNull());
}

#include "tst_remotewindow.moc"
