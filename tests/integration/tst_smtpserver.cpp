// SmtpServer end to end: a real server on 127.0.0.1 port 0 and a real client socket.
#include "smtptestclient.h"
#include "testcertificate.h"

#include <smtpmessagesink.h>
#include <smtpserver.h>
#include <smtpserverconfig.h>

#include <QPointer>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <thread>

namespace {

QByteArray simpleBody(const QByteArray &subject = "hello")
{
    return "From: a@example.com\r\nTo: b@example.com\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
}

void useTestCertificate(SmtpServer &server)
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(QSslCertificate(QByteArray(testCertificatePem), QSsl::Pem));
    config.setPrivateKey(QSslKey(QByteArray(testKeyPem), QSsl::Rsa, QSsl::Pem));
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    server.setSslConfiguration(config);
}

class FailingSink : public SmtpMessageSink
{
public:
    void deliver(const SmtpMessage &, Completion done) override
    {
        done(SmtpSinkResult::failure(QStringLiteral("disk on fire")));
    }
};

// Answers from a thread of its own, later, with an id of its choosing (like the store).
class ThreadedSink : public SmtpMessageSink
{
public:
    ~ThreadedSink() override
    {
        for (auto &t : threads)
            t.join();
    }
    void deliver(const SmtpMessage &message, Completion done) override
    {
        threads.emplace_back([message, done] {
            QThread::msleep(50);
            done(SmtpSinkResult::success(message.id() + 1000));
        });
    }
    std::vector<std::thread> threads;
};

// Keeps every message (at a location of its own name) and writes down what it is asked; its
// retract() fails when told to, and answers from a thread of its own when told to.
class KeepingSink : public SmtpMessageSink
{
public:
    KeepingSink(const QString &sinkName, QStringList *sinkLog, qint64 sinkId = 0,
        bool retractionFails = false, bool answersFromAThread = false)
        : name(sinkName)
        , log(sinkLog)
        , assignedId(sinkId)
        , retractFails(retractionFails)
        , threaded(answersFromAThread)
    { }
    ~KeepingSink() override
    {
        for (auto &t : threads)
            t.join();
    }
    void deliver(const SmtpMessage &message, Completion done) override
    {
        log->append(QStringLiteral("%1 keeps %2").arg(name).arg(message.id()));
        SmtpSinkResult kept = SmtpSinkResult::success(assignedId);
        kept.location = name;
        done(kept);
    }
    void retract(const SmtpMessage &message, const SmtpSinkResult &kept, Completion done) override
    {
        log->append(QStringLiteral("%1 takes back %2 from %3")
                        .arg(name)
                        .arg(message.id())
                        .arg(kept.location));
        const SmtpSinkResult answer = retractFails
            ? SmtpSinkResult::failure(QStringLiteral("%1 is stuck").arg(name))
            : SmtpSinkResult::success();
        if (threaded)
            threads.emplace_back([answer, done] { done(answer); });
        else
            done(answer);
    }

    const QString name;
    QStringList *const log;
    const qint64 assignedId;
    const bool retractFails;
    const bool threaded;
    std::vector<std::thread> threads;
};

} // namespace

class TestSmtpServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void receivesMessage();
    void statistics();
    void pipelining();
    void recipientAnsweredNow();
    void recipientAnsweredLaterKeepsOrder();
    void recipientHandlerMarksForRelay();
    void recipientNeverAnswered();
    void recipientAnsweredAfterClientLeft();
    void rulesDecideWithoutHandler();
    void verifyAsksTheSameWay();
    void chaosTriggersApartFromRules();
    void startTls();
    void implicitTls();
    void implicitTlsNeedsCertificate();
    void startTlsInjection();
    void authRequired();
    void maxConnections();
    void idleTimeout();
    void idleTimeoutCountsFromTheLastRead();
    void failingSinkGives451();
    void failureTakesBackWhatEarlierSinksKept();
    void sinkOnAnotherThread();
    void smtpSmuggling();
    void tooManyErrors();
    void oversizeDrains();
    void longLine();
    void shutdownSays421();
    void listenFailsOnBusyPort();
    void tlsCertificateFromFiles();
    void configurationOpensEveryListener();
    void reapplyingRebindsOnlyWhatChanged();
    void refusedConfigurationChangesNothing();
    void listenersCloseAndOpenOneByOne();

private:
    SmtpServer *m_server = nullptr;
    quint16 port() const { return quint16(m_server->serverPort()); }
};

void TestSmtpServer::init()
{
    m_server = new SmtpServer;
    m_server->setHostname(QStringLiteral("catcher.test"));
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    QVERIFY(port() != 0);
}

void TestSmtpServer::cleanup()
{
    delete m_server;
    m_server = nullptr;
}

void TestSmtpServer::receivesMessage()
{
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    QCOMPARE(client.greeting(), QByteArray("220 catcher.test ESMTP smtp-receiver\r\n"));
    QVERIFY(client.ehlo("sender.test").contains("250-PIPELINING"));
    QCOMPARE(client.mail("a@example.com"), QByteArray("250 2.1.0 Sender OK\r\n"));
    QCOMPARE(client.rcpt("b@example.com"), QByteArray("250 2.1.5 Recipient OK\r\n"));
    QCOMPARE(client.rcpt("c@example.com"), QByteArray("250 2.1.5 Recipient OK\r\n"));
    const QDateTime before = QDateTime::currentDateTimeUtc();
    QCOMPARE(client.data(simpleBody() + "..dot\r\n"), QByteArray("250 2.0.0 OK: queued as 1\r\n"));

    QCOMPARE(spy.count(), 1);
    const SmtpMessage m = spy.at(0).at(0).value<SmtpMessage>();
    QCOMPARE(m.id(), 1);
    QCOMPARE(m.mailFrom(), QStringLiteral("a@example.com"));
    QCOMPARE(m.rcptTos(),
        QStringList({ QStringLiteral("b@example.com"), QStringLiteral("c@example.com") }));
    QCOMPARE(m.data(), simpleBody() + ".dot\r\n");
    QCOMPARE(m.size(), m.data().size());
    QCOMPARE(m.helo(), QStringLiteral("sender.test"));
    QCOMPARE(m.remoteAddress(), QStringLiteral("127.0.0.1"));
    QVERIFY(m.remotePort() > 0);
    QVERIFY(!m.isTls());
    QVERIFY(m.receivedAt() >= before.addMSecs(-1));
    QCOMPARE(m.receivedAt().timeSpec(), Qt::UTC);
    QCOMPARE(m.subject(), QStringLiteral("hello"));
    QCOMPARE(client.command("QUIT"), QByteArray("221 2.0.0 Bye\r\n"));
    QVERIFY(client.waitForClosed());
}

void TestSmtpServer::statistics()
{
    QSignalSpy connections(m_server, &SmtpServer::connectionCountChanged);
    {
        SmtpTestClient client;
        QVERIFY(client.connectTo(port()));
        QCOMPARE(
            SmtpTestClient::code(client.sendMail("a@x.test", { "b@x.test" }, simpleBody())), 250);
        QCOMPARE(m_server->connectionCount(), 1);
        QCOMPARE(SmtpTestClient::code(client.command("MAIL FROM:<a@x.test>")), 250);
        QCOMPARE(SmtpTestClient::code(client.command("RCPT TO:<b@x.test>")), 250);
        QCOMPARE(SmtpTestClient::code(client.data("x")), 250);
        client.command("QUIT");
        QVERIFY(client.waitForClosed());
    }
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QCOMPARE(m_server->peakConnectionCount(), 1);
    QCOMPARE(m_server->totalConnectionCount(), 1);
    QCOMPARE(m_server->messageCount(), 2);
    QCOMPARE(m_server->byteCount(), simpleBody().size() + 3);
    QVERIFY(connections.count() >= 2);
}

void TestSmtpServer::pipelining()
{
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.send("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n");
    QCOMPARE(client.readReply(), QByteArray("250 2.1.0 Sender OK\r\n"));
    QCOMPARE(client.readReply(), QByteArray("250 2.1.5 Recipient OK\r\n"));
    QCOMPARE(client.readReply(), QByteArray("250 2.1.5 Recipient OK\r\n"));
    QCOMPARE(SmtpTestClient::code(client.readReply()), 354);
    // Body, then the next transaction in the same write (RFC 2920).
    client.send(simpleBody()
        + ".\r\nMAIL FROM:<d@x.test>\r\nRCPT TO:<e@x.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n");
    QCOMPARE(client.readReply(), QByteArray("250 2.0.0 OK: queued as 1\r\n"));
    QCOMPARE(SmtpTestClient::code(client.readReply()), 250);
    QCOMPARE(SmtpTestClient::code(client.readReply()), 250);
    QCOMPARE(SmtpTestClient::code(client.readReply()), 354);
    QCOMPARE(client.readReply(), QByteArray("250 2.0.0 OK: queued as 2\r\n"));
    QCOMPARE(SmtpTestClient::code(client.readReply()), 221);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).value<SmtpMessage>().data(), QByteArray("x\r\n"));
}

void TestSmtpServer::recipientAnsweredNow()
{
    connect(m_server, &SmtpServer::recipient, this, [](SmtpRecipient *request) {
        if (request->address().startsWith(QLatin1String("bad")))
            request->reject(553, QStringLiteral("Mailbox name not allowed"));
        else
            request->accept(QString(request->address()).remove(QStringLiteral("+tag")));
    });
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.mail("a@x.test");
    QCOMPARE(client.rcpt("bad@x.test"), QByteArray("553 5.1.3 Mailbox name not allowed\r\n"));
    QCOMPARE(client.rcpt("alice+tag@x.test"), QByteArray("250 2.1.5 Recipient OK\r\n"));
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<SmtpMessage>().rcptTos(),
        QStringList(QStringLiteral("alice@x.test")));
}

void TestSmtpServer::recipientHandlerMarksForRelay()
{
    connect(m_server, &SmtpServer::recipient, this, [](SmtpRecipient *request) {
        request->setRelay(request->address().startsWith(QLatin1String("out")));
        QCOMPARE(request->property("relay").toBool(), request->relay()); // QML sees it too
        if (request->address().startsWith(QLatin1String("outbad")))
            request->reject(550, QStringLiteral("No"));
        else
            request->accept(QString(request->address()).remove(QStringLiteral("+tag")));
    });
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    // A VRFY's answer marks nothing for the transaction that follows.
    QCOMPARE(SmtpTestClient::code(client.command("VRFY <out2@x.test>")), 252);
    client.mail("a@x.test");
    QCOMPARE(SmtpTestClient::code(client.rcpt("in@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("out+tag@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.rcpt("outbad@x.test")), 550);
    QCOMPARE(SmtpTestClient::code(client.rcpt("out2@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    QCOMPARE(spy.count(), 1);
    const SmtpMessage first = spy.at(0).at(0).value<SmtpMessage>();
    // The address accepted (the tag removed), in the envelope's order.
    QCOMPARE(first.relayRcptTos(),
        QStringList({ QStringLiteral("out@x.test"), QStringLiteral("out2@x.test") }));
    // The next transaction starts afresh.
    client.mail("a@x.test");
    QCOMPARE(SmtpTestClient::code(client.rcpt("in@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).value<SmtpMessage>().relayRcptTos(), QStringList());
}

void TestSmtpServer::recipientAnsweredLaterKeepsOrder()
{
    QList<QString> asked;
    connect(m_server, &SmtpServer::recipient, this, [&asked](SmtpRecipient *request) {
        asked << request->address();
        QPointer<SmtpRecipient> later(request);
        QTimer::singleShot(150, [later] {
            if (later)
                later->accept({});
        });
    });
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.send("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nNOOP\r\nRCPT TO:<c@x.test>\r\n");
    QCOMPARE(client.readReply(), QByteArray("250 2.1.0 Sender OK\r\n"));
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(client.readReply(), QByteArray("250 2.1.5 Recipient OK\r\n"));
    QVERIFY(timer.elapsed() >= 100);
    QCOMPARE(client.readReply(), QByteArray("250 2.0.0 OK\r\n")); // the NOOP, after the RCPT
    QCOMPARE(asked.size(), 2); // c was asked only after b
    QCOMPARE(client.readReply(), QByteArray("250 2.1.5 Recipient OK\r\n"));
}

void TestSmtpServer::recipientNeverAnswered()
{
    m_server->setRecipientTimeout(200);
    QPointer<SmtpRecipient> kept;
    connect(m_server, &SmtpServer::recipient, this, [&kept](SmtpRecipient *r) { kept = r; });
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.mail("a@x.test");
    QCOMPARE(client.rcpt("b@x.test"),
        QByteArray("451 4.3.0 Recipient check timed out, try again later\r\n"));
    QTRY_VERIFY(kept.isNull()); // the request cleaned itself up
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);
    // VRFY has no 451 and its 550 would say "no such mailbox": 252, cannot verify now.
    QCOMPARE(client.command("VRFY b@x.test"),
        QByteArray("252 2.0.0 Cannot VRFY user now, the recipient check timed out; try RCPT\r\n"));
    QTRY_VERIFY(kept.isNull());
    // A handler's own 4xx for VRFY is a deliberate refusal: 550, as a rule's 4xx.
    disconnect(m_server, &SmtpServer::recipient, this, nullptr);
    connect(m_server, &SmtpServer::recipient, this,
        [](SmtpRecipient *r) { r->reject(450, QStringLiteral("later")); });
    QCOMPARE(SmtpTestClient::code(client.command("VRFY b@x.test")), 550);
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 450);
}

void TestSmtpServer::recipientAnsweredAfterClientLeft()
{
    QPointer<SmtpRecipient> kept;
    connect(m_server, &SmtpServer::recipient, this, [&kept](SmtpRecipient *r) { kept = r; });
    {
        SmtpTestClient client;
        QVERIFY(client.connectTo(port()));
        client.greeting();
        client.ehlo();
        client.mail("a@x.test");
        client.send("RCPT TO:<b@x.test>\r\n");
        QTRY_VERIFY(!kept.isNull());
        client.socket().abort();
    }
    QTRY_COMPARE(m_server->connectionCount(), 0);
    QVERIFY(kept);
    QSignalSpy finished(kept.data(), &SmtpRecipient::finished);
    kept->accept({});
    QCOMPARE(finished.count(), 1);
    QTRY_VERIFY(kept.isNull());
}

void TestSmtpServer::rulesDecideWithoutHandler()
{
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(R"({"rules":[
        {"match":"/^([^+@]+)\\+[^@]*(@.*)$/","action":"rewrite","to":"\\1\\2"},
        {"match":"*@blocked.test","action":"reject","code":553,"message":"Blocked"}]})",
                 &rules, &error),
        qPrintable(error));
    m_server->setRules(rules);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.mail("a@x.test");
    QCOMPARE(client.rcpt("x@blocked.test"), QByteArray("553 5.1.3 Blocked\r\n"));
    QCOMPARE(SmtpTestClient::code(client.rcpt("bob+news@x.test")), 250);
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    QCOMPARE(
        spy.at(0).at(0).value<SmtpMessage>().rcptTos(), QStringList(QStringLiteral("bob@x.test")));
}

void TestSmtpServer::chaosTriggersApartFromRules()
{
    // The rules' fail rules and switch (a rules file's, the settings') and the chaos triggers
    // (the HTTP API's) do not change each other; the triggers strike first, whatever the switch.
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(R"({"failureInjection": false, "rules":[
        {"match":"*","action":"fail","stage":"rcpt","code":450,"message":"from the rules"}]})",
                 &rules, &error),
        qPrintable(error));
    m_server->setRules(rules);
    QSignalSpy rulesChanged(m_server, &SmtpServer::rulesChanged);
    QSignalSpy triggersChanged(m_server, &SmtpServer::chaosTriggersChanged);
    QSignalSpy rejected(m_server, &SmtpServer::rejected);

    SmtpRule trigger(QStringLiteral("*"), SmtpRule::Action::Fail);
    trigger.setStage(SmtpRule::Stage::Rcpt);
    trigger.setCode(452);
    trigger.setMessage(QStringLiteral("chaos"));
    m_server->setChaosTriggers({ trigger });
    QCOMPARE(triggersChanged.count(), 1);
    QCOMPARE(rulesChanged.count(), 0);
    QCOMPARE(m_server->rules(), rules);
    QCOMPARE(m_server->chaosTriggers(), QList<SmtpRule> { trigger });

    const auto rcpt = [this](const QByteArray &address) {
        SmtpTestClient client;
        if (!client.connectTo(port()))
            return QByteArray();
        client.greeting();
        client.ehlo();
        client.mail("a@x.test");
        return client.rcpt(address);
    };
    QCOMPARE(rcpt("b@x.test"), QByteArray("452 4.2.0 chaos\r\n"));
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.at(0).at(0).value<SmtpRejection>().ruleIndex, -1); // not in rules()

    // Rules set again (the settings dialog, a rules file) leave the triggers.
    rules.setFailureInjection(true);
    m_server->setRules(rules);
    SmtpServerConfig config = m_server->configuration();
    config.setRules(rules);
    QVERIFY2(m_server->applyConfiguration(config), qPrintable(m_server->errorString()));
    QCOMPARE(m_server->chaosTriggers(), QList<SmtpRule> { trigger });
    QCOMPARE(triggersChanged.count(), 1);
    QCOMPARE(rcpt("b@x.test"), QByteArray("452 4.2.0 chaos\r\n")); // the trigger first

    // No triggers: the rules' fail rule, as they say.
    m_server->setChaosTriggers({});
    QCOMPARE(m_server->rules(), rules);
    QCOMPARE(rcpt("b@x.test"), QByteArray("450 4.2.0 from the rules\r\n"));
    QCOMPARE(rejected.last().at(0).value<SmtpRejection>().ruleIndex, 0);
}

void TestSmtpServer::verifyAsksTheSameWay()
{
    connect(m_server, &SmtpServer::recipient, this, [](SmtpRecipient *request) {
        QVERIFY(request->isVerify());
        if (request->address() == QLatin1String("nobody@x.test"))
            request->reject(550, QStringLiteral("No such user"));
        else
            request->accept({});
    });
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QCOMPARE(client.command("VRFY <nobody@x.test>"), QByteArray("550 5.1.1 No such user\r\n"));
    QCOMPARE(SmtpTestClient::code(client.command("VRFY someone@x.test")), 252);
}

void TestSmtpServer::startTls()
{
    useTestCertificate(*m_server);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QVERIFY(client.ehlo().contains("250-STARTTLS\r\n"));
    QVERIFY(client.startTls());
    const QByteArray ehlo = client.ehlo();
    QVERIFY(!ehlo.contains("STARTTLS"));
    QCOMPARE(SmtpTestClient::code(client.command("STARTTLS")), 503);
    client.mail("a@x.test");
    client.rcpt("b@x.test");
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    const SmtpMessage m = spy.at(0).at(0).value<SmtpMessage>();
    QVERIFY(m.isTls());
    QVERIFY(m.tlsProtocol().startsWith(QLatin1String("TLSv1.")));
    QVERIFY(!m.tlsCipher().isEmpty());
}

void TestSmtpServer::implicitTls()
{
    useTestCertificate(*m_server);
    QVERIFY(m_server->listenTls(QHostAddress::LocalHost, 0));
    QVERIFY(m_server->tlsServerPort() != 0);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(quint16(m_server->tlsServerPort()), true));
    QCOMPARE(SmtpTestClient::code(client.sendMail("a@x.test", { "b@x.test" }, simpleBody())), 250);
    QVERIFY(spy.at(0).at(0).value<SmtpMessage>().isTls());
    // Already encrypted: no STARTTLS offered.
    QVERIFY(!client.ehlo().contains("STARTTLS"));
}

void TestSmtpServer::implicitTlsNeedsCertificate()
{
    QVERIFY(!m_server->listenTls(QHostAddress::LocalHost, 0));
    QVERIFY(!m_server->errorString().isEmpty());
}

void TestSmtpServer::startTlsInjection()
{
    // CVE-2011-0411 class: commands pipelined behind STARTTLS in plaintext must not run later.
    useTestCertificate(*m_server);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.send("STARTTLS\r\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<evil@x.test>\r\n");
    QCOMPARE(client.readReply(), QByteArray("220 2.0.0 Ready to start TLS\r\n"));
    client.socket().startClientEncryption();
    QTRY_VERIFY(client.socket().isEncrypted());
    client.ehlo();
    // Had the injected MAIL run, this RCPT would be accepted.
    QCOMPARE(SmtpTestClient::code(client.rcpt("b@x.test")), 503);
    QCOMPARE(spy.count(), 0);
}

void TestSmtpServer::authRequired()
{
    m_server->setAuthMode(SmtpServer::AuthMode::Credentials);
    m_server->setCredentials({ { QStringLiteral("user"), QStringLiteral("secret") } });
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QVERIFY(client.ehlo().contains("250-AUTH PLAIN LOGIN CRAM-MD5\r\n"));
    QCOMPARE(client.mail("a@x.test"), QByteArray("530 5.7.0 Authentication required\r\n"));
    QCOMPARE(client.command("AUTH PLAIN " + QByteArray("\0user\0wrong", 11).toBase64()),
        QByteArray("535 5.7.8 Authentication credentials invalid\r\n"));
    QCOMPARE(client.command("AUTH PLAIN " + QByteArray("\0user\0secret", 12).toBase64()),
        QByteArray("235 2.7.0 Authentication successful\r\n"));
    client.mail("a@x.test");
    client.rcpt("b@x.test");
    QCOMPARE(SmtpTestClient::code(client.data(simpleBody())), 250);
    QCOMPARE(spy.at(0).at(0).value<SmtpMessage>().authenticatedUser(), QStringLiteral("user"));
}

void TestSmtpServer::maxConnections()
{
    m_server->setMaxConnections(2);
    SmtpTestClient a, b, c;
    QVERIFY(a.connectTo(port()));
    QCOMPARE(SmtpTestClient::code(a.greeting()), 220);
    QVERIFY(b.connectTo(port()));
    QCOMPARE(SmtpTestClient::code(b.greeting()), 220);
    c.socket().connectToHost(QHostAddress::LocalHost, port()); // closed at once: do not wait
    QCOMPARE(
        c.readAllUntilClosed(), QByteArray("421 4.7.0 Too many connections, try again later\r\n"));
    QCOMPARE(m_server->connectionCount(), 2);
    a.command("QUIT");
    QTRY_COMPARE(m_server->connectionCount(), 1);
    SmtpTestClient d;
    QVERIFY(d.connectTo(port()));
    QCOMPARE(SmtpTestClient::code(d.greeting()), 220);
}

void TestSmtpServer::idleTimeout()
{
    m_server->setIdleTimeout(1);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    QCOMPARE(client.readReply(3000), QByteArray("421 4.4.2 Idle timeout, closing connection\r\n"));
    QVERIFY(client.waitForClosed());
}

void TestSmtpServer::idleTimeoutCountsFromTheLastRead()
{
    // The idle timer is not restarted by every read: when it fires after a read, it waits out
    // the rest of the timeout from that read.
    m_server->setIdleTimeout(2);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QTest::qWait(1200);
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);
    QTest::qWait(1200); // past the first deadline, within the second
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);
    QCOMPARE(client.readReply(4000), QByteArray("421 4.4.2 Idle timeout, closing connection\r\n"));
    QVERIFY(client.waitForClosed());
}

void TestSmtpServer::failingSinkGives451()
{
    FailingSink sink;
    m_server->addMessageSink(&sink);
    QSignalSpy spy(m_server, &SmtpServer::message);
    QSignalSpy errors(m_server, &SmtpServer::errorOccurred);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    QCOMPARE(client.sendMail("a@x.test", { "b@x.test" }, simpleBody()),
        QByteArray("451 4.3.0 Local error in processing, try again later\r\n"));
    QCOMPARE(spy.count(), 0);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(m_server->messageCount(), 0);
    // The session is usable afterwards: a new transaction starts cleanly.
    QCOMPARE(SmtpTestClient::code(client.mail("a@x.test")), 250);
    m_server->removeMessageSink(&sink);
}

void TestSmtpServer::failureTakesBackWhatEarlierSinksKept()
{
    // A 451 means "not kept": the sinks before the one that failed take the message back, the
    // latest first, before the 451 leaves. One whose retract fails (from another thread) is
    // logged and reported; the others are still asked, and the client still hears 451.
    QStringList log;
    KeepingSink first(QStringLiteral("first"), &log, 500);
    KeepingSink second(QStringLiteral("second"), &log, 0, true, true);
    FailingSink failing;
    KeepingSink never(QStringLiteral("never"), &log);
    const QList<SmtpMessageSink *> sinks { &first, &second, &failing, &never };
    for (SmtpMessageSink *sink : sinks)
        m_server->addMessageSink(sink);
    const auto removeSinks = qScopeGuard([&] {
        for (SmtpMessageSink *sink : sinks)
            m_server->removeMessageSink(sink);
    });
    QSignalSpy spy(m_server, &SmtpServer::message);
    QSignalSpy errors(m_server, &SmtpServer::errorOccurred);
    QTest::ignoreMessage(QtWarningMsg,
        QRegularExpression(QStringLiteral("^message 500 refused but not taken back: .*second is "
                                          "stuck")));
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    QCOMPARE(client.sendMail("a@x.test", { "b@x.test" }, simpleBody()),
        QByteArray("451 4.3.0 Local error in processing, try again later\r\n"));
    QCOMPARE(log,
        QStringList({ QStringLiteral("first keeps 1"), QStringLiteral("second keeps 500"),
            QStringLiteral("second takes back 500 from second"),
            QStringLiteral("first takes back 500 from first") }));
    QCOMPARE(spy.count(), 0);
    QCOMPARE(errors.count(), 2); // the retract that failed, then the refusal
    QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("second is stuck"));
    QCOMPARE(errors.at(1).at(0).toString(), QStringLiteral("disk on fire"));
    QCOMPARE(m_server->messageCount(), 0);
}

void TestSmtpServer::sinkOnAnotherThread()
{
    ThreadedSink sink;
    m_server->addMessageSink(&sink);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    QCOMPARE(client.sendMail("a@x.test", { "b@x.test" }, simpleBody()),
        QByteArray("250 2.0.0 OK: queued as 1001\r\n"));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<SmtpMessage>().id(), 1001);
    client.command("QUIT");
    client.waitForClosed();
    m_server->removeMessageSink(&sink);
}

void TestSmtpServer::smtpSmuggling()
{
    // A bare LF (or bare CR) before the dot does not end DATA: the "smuggled" MAIL is data.
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.ehlo();
    client.mail("a@x.test");
    client.rcpt("b@x.test");
    QCOMPARE(SmtpTestClient::code(client.command("DATA")), 354);
    const QByteArray body
        = "Subject: s\r\n\r\nhi\n.\r\nMAIL FROM:<evil@x.test>\r\nhi\r.\r\nRCPT TO:<x@y>\r\n";
    client.send(body + ".\r\n");
    QCOMPARE(SmtpTestClient::code(client.readReply()), 250);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<SmtpMessage>().data(), body);
    // Nothing else is pending: the next reply is for the next command.
    QCOMPARE(client.command("NOOP"), QByteArray("250 2.0.0 OK\r\n"));
}

void TestSmtpServer::tooManyErrors()
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QByteArray junk;
    for (int i = 0; i < 20; ++i)
        junk += "BOGUS\r\n";
    client.send(junk);
    const QByteArray all = client.readAllUntilClosed();
    QCOMPARE(all.count("500 5.5.2 Command unrecognized\r\n"), 20);
    QVERIFY(all.endsWith("421 4.7.0 Too many errors, closing connection\r\n"));
}

void TestSmtpServer::oversizeDrains()
{
    m_server->setMaxMessageSize(100);
    QSignalSpy spy(m_server, &SmtpServer::message);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    QVERIFY(client.ehlo().contains("250-SIZE 100\r\n"));
    client.mail("a@x.test");
    client.rcpt("b@x.test");
    QCOMPARE(client.data(QByteArray(1000, 'x') + "\r\nRSET\r\n"),
        QByteArray("552 5.3.4 Message size exceeds fixed maximum message size\r\n"));
    QCOMPARE(client.command("NOOP"), QByteArray("250 2.0.0 OK\r\n"));
    QCOMPARE(spy.count(), 0);
    // Exactly the limit is fine.
    client.mail("a@x.test");
    client.rcpt("b@x.test");
    QCOMPARE(SmtpTestClient::code(client.data(QByteArray(98, 'y') + "\r\n")), 250);
    QCOMPARE(spy.at(0).at(0).value<SmtpMessage>().size(), 100);
}

void TestSmtpServer::longLine()
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    client.send("NOOP " + QByteArray(20000, 'a') + "\r\nNOOP\r\n");
    QCOMPARE(client.readReply(), QByteArray("500 5.5.2 Line too long\r\n"));
    QCOMPARE(client.readReply(), QByteArray("250 2.0.0 OK\r\n"));
}

void TestSmtpServer::shutdownSays421()
{
    SmtpTestClient client;
    QVERIFY(client.connectTo(port()));
    client.greeting();
    m_server->shutdown();
    QVERIFY(!m_server->isListening());
    QCOMPARE(client.readReply(), QByteArray("421 4.3.2 Service shutting down\r\n"));
    QVERIFY(client.waitForClosed());
}

void TestSmtpServer::listenFailsOnBusyPort()
{
    SmtpServer other;
    QVERIFY(!other.listen(QHostAddress::LocalHost, port()));
    QVERIFY(other.errorString().contains(QString::number(port())));
    QVERIFY(!other.isListening());
}

void TestSmtpServer::tlsCertificateFromFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QFile c(cert), k(key);
    QVERIFY(c.open(QIODevice::WriteOnly) && c.write(testCertificatePem) > 0);
    QVERIFY(k.open(QIODevice::WriteOnly) && k.write(testKeyPem) > 0);
    c.close();
    k.close();
    QVERIFY(!m_server->isTlsAvailable());
    QVERIFY(!m_server->setTlsCertificate(dir.filePath(QStringLiteral("missing.pem")), key));
    QVERIFY(m_server->errorString().contains(QLatin1String("missing.pem")));
    QVERIFY(!m_server->setTlsCertificate(key, cert)); // swapped: neither parses as the other
    QVERIFY(m_server->setTlsCertificate(cert, key));
    QVERIFY(m_server->isTlsAvailable());
}

namespace {
// The test certificate and key as files in dir; the configuration's TLS settings point at them.
void writeTlsFiles(const QTemporaryDir &dir, SmtpServerConfig *config)
{
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    QFile c(cert), k(key);
    if (c.open(QIODevice::WriteOnly))
        c.write(testCertificatePem);
    if (k.open(QIODevice::WriteOnly))
        k.write(testKeyPem);
    config->setTlsCertificateFile(cert);
    config->setTlsKeyFile(key);
}
} // namespace

void TestSmtpServer::configurationOpensEveryListener()
{
    SmtpServer server;
    QTemporaryDir dir;
    SmtpServerConfig config;
    writeTlsFiles(dir, &config);
    config.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0),
        SmtpListenerConfig(QStringLiteral("localhost"), 0),
        SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0, true) });
    config.setHostname(QStringLiteral("configured.test"));
    config.setMaxMessageSize(4096);
    QSignalSpy hostname(&server, &SmtpServer::hostnameChanged);
    QVERIFY2(server.applyConfiguration(config), qPrintable(server.errorString()));
    QCOMPARE(server.configuration(), config);
    QCOMPARE(hostname.count(), 1);
    QCOMPARE(server.maxMessageSize(), 4096);
    QVERIFY(server.isTlsAvailable());
    QCOMPARE(server.listenerCount(), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(server.isListenerOpen(i));
        QCOMPARE(server.listenerAddress(i), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(server.listenerPort(i) != 0);
        QCOMPARE(server.isListenerImplicitTls(i), i == 2);
    }
    QVERIFY(server.listenerPort(0) != server.listenerPort(1));
    QCOMPARE(server.serverPort(), server.listenerPort(0));
    QCOMPARE(server.tlsServerPort(), server.listenerPort(2));
    QVERIFY(!server.isListenerOpen(3));
    QCOMPARE(server.listenerPort(3), quint16(0));

    // Each one answers: the two plain ones with the configured name, the third after TLS.
    for (int i = 0; i < 3; ++i) {
        SmtpTestClient client;
        QVERIFY(client.connectTo(server.listenerPort(i), server.isListenerImplicitTls(i)));
        QVERIFY(client.greeting().startsWith("220 configured.test"));
    }
}

void TestSmtpServer::reapplyingRebindsOnlyWhatChanged()
{
    SmtpServer server;
    SmtpServerConfig config;
    config.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0),
        SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    QVERIFY(server.applyConfiguration(config));
    const quint16 first = server.listenerPort(0);
    const quint16 second = server.listenerPort(1);
    SmtpTestClient client;
    QVERIFY(client.connectTo(first));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);

    // Other limits and the same listeners: nothing is bound again.
    QSignalSpy listening(&server, &SmtpServer::listeningChanged);
    config.setIdleTimeout(60);
    QVERIFY(server.applyConfiguration(config));
    QCOMPARE(listening.count(), 0);
    QCOMPARE(server.listenerPort(0), first);
    QCOMPARE(server.listenerPort(1), second);

    // The second one moves to ::1; the first, and its session, stay.
    config.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0),
        SmtpListenerConfig(QStringLiteral("::1"), 0) });
    QVERIFY2(server.applyConfiguration(config), qPrintable(server.errorString()));
    QCOMPARE(listening.count(), 1);
    QCOMPARE(server.listenerPort(0), first);
    QCOMPARE(server.listenerAddress(1), QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);

    // One listener fewer.
    config.setListeners({ config.listeners().constFirst() });
    QVERIFY(server.applyConfiguration(config));
    QCOMPARE(server.listenerCount(), 1);
    QCOMPARE(server.listenerPort(0), first);
    QCOMPARE(SmtpTestClient::code(client.command("NOOP")), 250);

    // close() keeps the configuration; applying it again listens again.
    server.close();
    QVERIFY(!server.isListening());
    QCOMPARE(server.listenerCount(), 1);
    QVERIFY(!server.isListenerOpen(0));
    QVERIFY(server.applyConfiguration(server.configuration()));
    QVERIFY(server.isListenerOpen(0));
}

void TestSmtpServer::refusedConfigurationChangesNothing()
{
    SmtpServer server;
    SmtpServerConfig config;
    config.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    QVERIFY(server.applyConfiguration(config));
    const quint16 port = server.listenerPort(0);

    // A problem validate() names: refused with that sentence, before anything is touched.
    SmtpServerConfig bad = config;
    bad.setListeners({ SmtpListenerConfig(QStringLiteral("256.1.1.1"), 0) });
    bad.setIdleTimeout(5);
    QSignalSpy errors(&server, &SmtpServer::errorOccurred);
    QVERIFY(!server.applyConfiguration(bad));
    QCOMPARE(server.errorString(), bad.validate().constFirst());
    QCOMPARE(errors.count(), 1);
    QCOMPARE(server.configuration(), config);
    QCOMPARE(server.idleTimeout(), 300);
    QCOMPARE(server.listenerPort(0), port);

    // A port in use: the first listener had to move, and is back where it was.
    QTcpServer blocker;
    QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
    SmtpServerConfig busy = config;
    busy.setListeners({ SmtpListenerConfig(QStringLiteral("localhost"), 0),
        SmtpListenerConfig(QStringLiteral("127.0.0.1"), blocker.serverPort()) });
    QVERIFY(!server.applyConfiguration(busy));
    QVERIFY2(server.errorString().contains(QString::number(blocker.serverPort())),
        qPrintable(server.errorString()));
    QCOMPARE(server.configuration(), config);
    QCOMPARE(server.listenerCount(), 1);
    QVERIFY(server.isListenerOpen(0));
    QCOMPARE(server.listenerPort(0), port);
    SmtpTestClient client;
    QVERIFY(client.connectTo(port));
    QCOMPARE(SmtpTestClient::code(client.greeting()), 220);
}

void TestSmtpServer::listenersCloseAndOpenOneByOne()
{
    SmtpServer server;
    SmtpServerConfig config;
    config.setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0),
        SmtpListenerConfig(QStringLiteral("127.0.0.1"), 0) });
    QVERIFY(server.applyConfiguration(config));
    const quint16 first = server.listenerPort(0);
    const quint16 second = server.listenerPort(1);
    SmtpTestClient session;
    QVERIFY(session.connectTo(second));
    QCOMPARE(SmtpTestClient::code(session.greeting()), 220);

    QSignalSpy listening(&server, &SmtpServer::listeningChanged);
    server.closeListener(1);
    QCOMPARE(listening.count(), 1);
    QVERIFY(!server.isListenerOpen(1));
    QVERIFY(server.isListening()); // the first one still is
    QCOMPARE(server.listenerPort(0), first);
    QCOMPARE(server.configuration(), config);
    SmtpTestClient refused;
    QVERIFY(!refused.connectTo(second)); // nobody listens there now
    QCOMPARE(SmtpTestClient::code(session.command("NOOP")), 250); // its session goes on

    QVERIFY(server.openListener(1));
    QCOMPARE(listening.count(), 2);
    QVERIFY(server.isListenerOpen(1));
    SmtpTestClient again;
    QVERIFY(again.connectTo(server.listenerPort(1)));
    QCOMPARE(SmtpTestClient::code(again.greeting()), 220);
    QVERIFY(!server.openListener(2));
    QVERIFY(!server.errorString().isEmpty());
}

QTEST_GUILESS_MAIN(TestSmtpServer)
#include "tst_smtpserver.moc"
