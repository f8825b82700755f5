// The QML module as an application uses it: QML loaded by a QQmlEngine imports SmtpReceiver from
// the plugin the build made, declares a server, a store and a model; a real SMTP client talks to
// it over a socket. Checks what the QML handlers saw, that a QML rejection is a 553 on the wire,
// that the model's roles reach QML delegates live, and that errors arrive as text.
#include <smtptestclient.h>

#include <QDir>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTcpServer>
#include <QTest>

namespace {

// The application's QML: everything a handler sees is copied into plain properties.
const QByteArray inboxQml = R"(
import QtQml
import QtQml.Models
import SmtpReceiver

QtObject {
    id: root
    property var seen: []
    property var errors: []
    property var recipients: []
    property SmtpMessageStore store: SmtpMessageStore { path: ":memory:" }
    property SmtpServer server: SmtpServer {
        port: 0
        hostname: "qml.test"
        store: root.store
        onMessage: (msg) => root.seen = root.seen.concat([{
            mailfrom: msg.mailfrom, rcpttos: msg.rcpttos, subject: msg.subject,
            remoteAddress: msg.remoteAddress, size: msg.size, helo: msg.helo, id: msg.id
        }])
        onRecipient: (request) => {
            root.recipients = root.recipients.concat([request.address]);
            if (request.address.startsWith("blocked@"))
                request.reject(553, "5.7.1 blocked by QML");
            else
                request.accept(request.address.replace(/\+[^@]*@/, "@")); // strip +tags
        }
        onErrorOccurred: (text) => root.errors = root.errors.concat([text])
    }
    property SmtpInboxModel inbox: SmtpInboxModel { store: root.store }
    // Bound to the busy property: follows its notify signal.
    property bool inboxSettled: !root.inbox.busy
    property int inboxIdles: 0
    property Connections inboxWatch: Connections {
        target: root.inbox
        function onBusyChanged() { if (!root.inbox.busy) root.inboxIdles++ }
    }
    property Instantiator rows: Instantiator {
        model: root.inbox
        delegate: QtObject {
            property string subject: model.subject
            property string from: model.from
            property var to: model.to
            property bool unread: model.unread
            property bool hasAttachments: model.hasAttachments
            property int size: model.size
            property date receivedAt: model.receivedAt
        }
    }
}
)";

} // namespace

class TestQmlModule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void messageReachesQml();
    void qmlRejectionIs553();
    void modelRolesAreLive();
    void storeWritesFromQml();
    void listenErrorIsASignal();
    void withoutRecipientHandlerRulesDecide();
    void authConfiguredFromQml();
    void mailboxesFromQml();

private:
    QObject *create(const QByteArray &qml);
    QByteArray sendOne(quint16 port, const QByteArray &to, const QByteArray &subject);

    QQmlEngine *m_engine = nullptr;
    QObject *m_root = nullptr;
};

void TestQmlModule::init()
{
    m_engine = new QQmlEngine;
    m_engine->addImportPath(QStringLiteral(SMTPRECEIVER_QML_IMPORT_DIR));
}

void TestQmlModule::cleanup()
{
    delete m_root;
    m_root = nullptr;
    delete m_engine;
    m_engine = nullptr;
}

QObject *TestQmlModule::create(const QByteArray &qml)
{
    QQmlComponent component(m_engine);
    // A file URL (the file need not exist): the engine then compiles synchronously.
    component.setData(qml, QUrl::fromLocalFile(QDir::temp().filePath(QStringLiteral("Inbox.qml"))));
    QObject *object = component.create();
    if (!object)
        qWarning().noquote() << component.errorString();
    return object;
}

QByteArray TestQmlModule::sendOne(quint16 port, const QByteArray &to, const QByteArray &subject)
{
    SmtpTestClient client;
    if (!client.connectTo(port))
        return "no connection";
    return client.sendMail("sender@app.test", { to },
        "From: App <sender@app.test>\r\nTo: " + to + "\r\nSubject: " + subject
            + "\r\n\r\nHello\r\n");
}

void TestQmlModule::messageReachesQml()
{
    m_root = create(inboxQml);
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_VERIFY(server->property("listening").toBool());
    const int port = server->property("serverPort").toInt();
    QVERIFY(port > 0);

    const QByteArray reply = sendOne(quint16(port), "dev+signup@example.test", "Welcome aboard");
    QCOMPARE(SmtpTestClient::code(reply), 250);
    QTRY_COMPARE(m_root->property("seen").toList().size(), 1);
    const QVariantMap seen = m_root->property("seen").toList().constFirst().toMap();
    QCOMPARE(seen.value("mailfrom").toString(), QString("sender@app.test"));
    // The address the QML handler returned, with its +tag stripped, is what was received.
    QCOMPARE(seen.value("rcpttos").toStringList(), QStringList { "dev@example.test" });
    QCOMPARE(seen.value("subject").toString(), QString("Welcome aboard"));
    QCOMPARE(seen.value("remoteAddress").toString(), QString("127.0.0.1"));
    QCOMPARE(seen.value("helo").toString(), QString("client.test"));
    QVERIFY(seen.value("size").toLongLong() > 40);
    QVERIFY(seen.value("id").toLongLong() > 0); // stored before the 250, so it has its id
    QCOMPARE(
        m_root->property("recipients").toStringList(), QStringList { "dev+signup@example.test" });
    QCOMPARE(server->property("messageCount").toLongLong(), 1);
}

void TestQmlModule::qmlRejectionIs553()
{
    m_root = create(inboxQml);
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_VERIFY(server->property("listening").toBool());
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(server->property("serverPort").toInt())));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QVERIFY(client.ehlo().contains("qml.test"));
    QCOMPARE(SmtpTestClient::code(client.mail("sender@app.test")), 250);
    const QByteArray rejected = client.rcpt("blocked@example.test");
    QCOMPARE(rejected.trimmed(), QByteArray("553 5.7.1 blocked by QML"));
    QCOMPARE(SmtpTestClient::code(client.rcpt("fine@example.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data("Subject: x\r\n\r\ny\r\n")), 250);
    QTRY_COMPARE(m_root->property("seen").toList().size(), 1);
    QCOMPARE(m_root->property("seen").toList().constFirst().toMap().value("rcpttos").toStringList(),
        QStringList { "fine@example.test" });
}

void TestQmlModule::modelRolesAreLive()
{
    m_root = create(inboxQml);
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_VERIFY(server->property("listening").toBool());
    QObject *rows = m_root->property("rows").value<QObject *>();
    QCOMPARE(rows->property("count").toInt(), 0);
    const quint16 port = quint16(server->property("serverPort").toInt());
    QCOMPARE(SmtpTestClient::code(sendOne(port, "a@example.test", "First")), 250);
    QCOMPARE(SmtpTestClient::code(sendOne(port, "b@example.test", "Second")), 250);
    QTRY_COMPARE(rows->property("count").toInt(), 2);
    QObject *newest = nullptr;
    QMetaObject::invokeMethod(rows, "objectAt", Q_RETURN_ARG(QObject *, newest), Q_ARG(int, 0));
    QVERIFY(newest);
    QCOMPARE(newest->property("subject").toString(), QString("Second")); // newest first
    QCOMPARE(newest->property("from").toString(), QString("App <sender@app.test>"));
    QCOMPARE(newest->property("to").toString(), QString("b@example.test"));
    QVERIFY(newest->property("unread").toBool());
    QVERIFY(!newest->property("hasAttachments").toBool());
    QVERIFY(newest->property("size").toInt() > 40);
    QVERIFY(newest->property("receivedAt").toDateTime().isValid());
    QObject *inbox = m_root->property("inbox").value<QObject *>();
    QCOMPARE(inbox->property("count").toInt(), 2);
    // Busy while the new mail was read, settled now that it is in (or about to settle).
    QTRY_VERIFY(m_root->property("inboxSettled").toBool());
    QCOMPARE(inbox->property("busy").toBool(), false);
    QVERIFY(m_root->property("inboxIdles").toInt() >= 1);
}

void TestQmlModule::storeWritesFromQml()
{
    m_root = create(inboxQml);
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_VERIFY(server->property("listening").toBool());
    QCOMPARE(SmtpTestClient::code(
                 sendOne(quint16(server->property("serverPort").toInt()), "a@x.test", "Read me")),
        250);
    QObject *store = m_root->property("store").value<QObject *>();
    QTRY_COMPARE(store->property("count").toLongLong(), 1);
    QCOMPARE(store->property("unreadCount").toLongLong(), 1);
    QTRY_COMPARE(m_root->property("seen").toList().size(), 1);
    const qint64 id
        = m_root->property("seen").toList().constFirst().toMap().value("id").toLongLong();
    QVariantMap details;
    QVERIFY(QMetaObject::invokeMethod(
        store, "message", Q_RETURN_ARG(QVariantMap, details), Q_ARG(qint64, id)));
    QCOMPARE(details.value("subject").toString(), QString("Read me"));
    QCOMPARE(details.value("text").toString().trimmed(), QString("Hello"));
    QVERIFY(details.value("source").toString().startsWith("From: App <sender@app.test>"));
    // Headers, parts and checks come as typed values made into lists and maps: no JSON.
    const QVariantList headers = details.value("headers").toList();
    QCOMPARE(headers.size(), 3);
    QCOMPARE(headers.at(0).toMap().value("name").toString(), QString("From"));
    QCOMPARE(headers.at(0).toMap().value("value").toString(), QString("App <sender@app.test>"));
    QCOMPARE(headers.at(2).toMap().value("value").toString(), QString("Read me"));
    const QVariantMap root = details.value("parts").toMap();
    QCOMPARE(root.value("part").toInt(), 0);
    QCOMPARE(root.value("type").toString(), QString("text/plain"));
    QVERIFY(root.value("children").toList().isEmpty());
    QVERIFY(details.value("attachments").toList().isEmpty());
    QStringList kinds;
    for (const QVariant &check : details.value("checks").toList()) {
        QCOMPARE(check.toMap().value("severity").toString(), QString("warning"));
        kinds << check.toMap().value("kind").toString();
    }
    QCOMPARE(kinds, (QStringList { "missing-date", "missing-message-id" }));
    QVERIFY(QMetaObject::invokeMethod(store, "markAllRead"));
    QTRY_COMPARE(store->property("unreadCount").toLongLong(), 0);
    QObject *rows = m_root->property("rows").value<QObject *>();
    QTRY_COMPARE(rows->property("count").toInt(), 1);
    QObject *row = nullptr;
    QMetaObject::invokeMethod(rows, "objectAt", Q_RETURN_ARG(QObject *, row), Q_ARG(int, 0));
    QVERIFY(row);
    QTRY_VERIFY(!row->property("unread").toBool());
}

void TestQmlModule::listenErrorIsASignal()
{
    QTcpServer occupied;
    QVERIFY(occupied.listen(QHostAddress::LocalHost));
    QByteArray qml = inboxQml;
    qml.replace("port: 0", QByteArray("port: " + QByteArray::number(occupied.serverPort())));
    m_root = create(qml);
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_COMPARE(m_root->property("errors").toStringList().size(), 1);
    QVERIFY2(m_root->property("errors").toStringList().constFirst().contains(
                 QString::number(occupied.serverPort())),
        qPrintable(m_root->property("errors").toStringList().constFirst()));
    QVERIFY(!server->property("listening").toBool());
    // Changing the port from QML listens again.
    server->setProperty("port", 0);
    QTRY_VERIFY(server->property("listening").toBool());
}

void TestQmlModule::withoutRecipientHandlerRulesDecide()
{
    // No onRecipient: every recipient is accepted, as in the project this descends from.
    m_root = create(R"(
import QtQml
import SmtpReceiver
SmtpServer { port: 0; property int received: 0; onMessage: (msg) => received++ }
)");
    QVERIFY(m_root);
    QTRY_VERIFY(m_root->property("listening").toBool());
    QCOMPARE(SmtpTestClient::code(
                 sendOne(quint16(m_root->property("serverPort").toInt()), "any@x.test", "Hi")),
        250);
    QTRY_COMPARE(m_root->property("received").toInt(), 1);
}

void TestQmlModule::authConfiguredFromQml()
{
    m_root = create(R"(
import QtQml
import SmtpReceiver
SmtpServer { port: 0; authMode: SmtpServer.Credentials; credentials: { "dev": "s3cret" } }
)");
    QVERIFY(m_root);
    QTRY_VERIFY(m_root->property("listening").toBool());
    QCOMPARE(m_root->property("credentials").toMap().value("dev").toString(), QString("s3cret"));
    const quint16 port = quint16(m_root->property("serverPort").toInt());
    SmtpTestClient client;
    QVERIFY(client.connectTo(port));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
    QVERIFY(client.ehlo().contains("AUTH"));
    // Mail needs AUTH with these credentials: the wrong password is 535, the right one 235.
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 530);
    QCOMPARE(SmtpTestClient::code(
                 client.command("AUTH PLAIN " + QByteArray("\0dev\0wrong", 10).toBase64())),
        535);
    QCOMPARE(SmtpTestClient::code(
                 client.command("AUTH PLAIN " + QByteArray("\0dev\0s3cret", 11).toBase64())),
        235);
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
}

void TestQmlModule::mailboxesFromQml()
{
    // A recipient handler routes to a mailbox; a model shows one mailbox, another a different one.
    m_root = create(R"(
import QtQml
import SmtpReceiver
QtObject {
    id: root
    property var mailboxes: []
    property SmtpMessageStore store: SmtpMessageStore { path: ":memory:" }
    property SmtpServer server: SmtpServer {
        port: 0
        store: root.store
        onRecipient: (request) => {
            if (request.address.startsWith("shop"))
                request.mailbox = "shop";
            request.accept("");
        }
        onMessage: (msg) => root.mailboxes = root.mailboxes.concat([msg.mailboxes.join(",")])
    }
    property SmtpInboxModel shop: SmtpInboxModel { store: root.store; mailbox: "shop" }
    property SmtpInboxModel inbox: SmtpInboxModel { store: root.store; mailbox: "Inbox" }
}
)");
    QVERIFY(m_root);
    QObject *server = m_root->property("server").value<QObject *>();
    QTRY_VERIFY(server->property("listening").toBool());
    const quint16 port = quint16(server->property("serverPort").toInt());
    QCOMPARE(SmtpTestClient::code(sendOne(port, "shop@x.test", "to the shop")), 250);
    QCOMPARE(SmtpTestClient::code(sendOne(port, "other@x.test", "to the inbox")), 250);
    QTRY_COMPARE(m_root->property("mailboxes").toStringList(),
        (QStringList { QStringLiteral("shop"), QStringLiteral("Inbox") }));
    QObject *shop = m_root->property("shop").value<QObject *>();
    QObject *inbox = m_root->property("inbox").value<QObject *>();
    QCOMPARE(shop->property("mailbox").toString(), QStringLiteral("shop"));
    QTRY_COMPARE(shop->property("count").toInt(), 1);
    QTRY_COMPARE(inbox->property("count").toInt(), 1);
    QTRY_VERIFY(!shop->property("busy").toBool());
    QCOMPARE(shop->property("count").toInt(), 1);
}

QTEST_GUILESS_MAIN(TestQmlModule)
#include "tst_qmlmodule.moc"
