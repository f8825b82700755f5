// SmtpRelay and SmtpClient against a real SmtpServer in the same process: STARTTLS with a
// self-signed certificate (accepted explicitly, refused otherwise), AUTH, the stored bytes
// arriving unchanged, the release recorded in the store, and a failed release recording nothing.
// The automatic release: what the rules decided at RCPT, caught over SMTP by a second server.
#include "storedelivery.h"
#include "testcertificate.h"

#include <smtpmessagestore.h>
#include <smtprelay.h>
#include <smtprules.h>
#include <smtpserver.h>

#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTest>

#include <memory>

namespace {

const QByteArray body = "From: s@example.test\r\nTo: r@example.test\r\nSubject: relay\r\n\r\n"
                        ".dot first\r\nGr\xc3\xbc\xc3\x9f"
                        "e\r\n";

} // namespace

class TestSmtpRelay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void releaseArrivesUnchangedAndIsRecorded();
    void untrustedCertificateFails();
    void refusedRecipientRecordsNothing();
    void patternIsCheckedBeforeSending();
    void testMessage();
    void aBurstTalksToTheRelayFourAtATime();
    void relayRulesReleaseWhatTheyDecidedAtRcpt();
    void mailNoRuleDecidedIsNotReleased();
    void recipientsOutsideThePatternAreReportedTheOthersReleased();

private:
    qint64 storeOurs();
    // A server that catches into m_ours with these rules (JSON), listening.
    std::unique_ptr<SmtpServer> catchingServer(const QByteArray &rules);
    // The message that server caught of one sent to it over SMTP.
    SmtpMessage catchOverSmtp(SmtpServer *server, const QStringList &recipients);
    SmtpRelayConfig relayConfig() const;

    SmtpMessageStore *m_ours = nullptr; // where the message is caught
    SmtpMessageStore *m_theirs = nullptr; // the relay's store
    SmtpServer *m_relay = nullptr;
    QList<SmtpMessage> m_received;
};

void TestSmtpRelay::init()
{
    m_ours = new SmtpMessageStore;
    QVERIFY(m_ours->open(QStringLiteral(":memory:")));
    m_theirs = new SmtpMessageStore;
    QVERIFY(m_theirs->open(QStringLiteral(":memory:")));
    m_relay = new SmtpServer;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(QByteArray(testCertificatePem), QSsl::Pem));
    tls.setPrivateKey(QSslKey(QByteArray(testKeyPem), QSsl::Rsa, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    m_relay->setSslConfiguration(tls);
    m_relay->setAuthMode(SmtpServer::AuthMode::Credentials);
    m_relay->setCredentials({ { QStringLiteral("relay"), QStringLiteral("secret") } });
    m_relay->addMessageSink(m_theirs);
    m_received.clear();
    connect(m_relay, &SmtpServer::message, this,
        [this](const SmtpMessage &message) { m_received.append(message); });
    QVERIFY(m_relay->listen(QHostAddress::LocalHost, 0));
}

void TestSmtpRelay::cleanup()
{
    delete m_relay;
    delete m_theirs;
    delete m_ours;
}

qint64 TestSmtpRelay::storeOurs()
{
    SmtpMessage message;
    message.setReceivedAt(QDateTime::currentDateTimeUtc());
    message.setMailFrom(QStringLiteral("s@example.test"));
    message.setRcptTos({ QStringLiteral("r@example.test") });
    message.setData(body);
    if (!deliverAll(*m_ours, { message }))
        return 0;
    const QList<SmtpMessageSummary> newest = m_ours->summaries(QString(), 0, 1);
    return newest.isEmpty() ? 0 : newest.constFirst().id;
}

SmtpRelayConfig TestSmtpRelay::relayConfig() const
{
    SmtpRelayConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = m_relay->serverPort();
    config.tlsMode = SmtpClient::TlsMode::StartTls;
    config.user = QStringLiteral("relay");
    config.password = QStringLiteral("secret");
    config.acceptedCertificates = { QSslCertificate(QByteArray(testCertificatePem), QSsl::Pem) };
    config.allowedPattern = QStringLiteral(".*@allowed\\.test");
    config.timeout = 5000;
    return config;
}

void TestSmtpRelay::releaseArrivesUnchangedAndIsRecorded()
{
    const qint64 id = storeOurs();
    QVERIFY(id > 0);
    SmtpRelay relay(m_ours);
    relay.setConfig(relayConfig());
    QSignalSpy recorded(m_ours, &SmtpMessageStore::releasesChanged);
    SmtpRelayJob *job = relay.release(id, { QStringLiteral("a@allowed.test") });
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY2(job->isOk(), qPrintable(job->replyText()));
    QCOMPARE(m_received.size(), 1);
    const SmtpMessage arrived = m_received.constFirst();
    QCOMPARE(arrived.data(), body);
    QCOMPARE(arrived.mailFrom(), QStringLiteral("s@example.test"));
    QCOMPARE(arrived.rcptTos(), QStringList { QStringLiteral("a@allowed.test") });
    QVERIFY(!arrived.tlsProtocol().isEmpty());
    QCOMPARE(arrived.authenticatedUser(), QStringLiteral("relay"));

    QVERIFY(recorded.wait(5000) || recorded.size() == 1);
    const QList<SmtpMessageRelease> releases = m_ours->releases(id);
    QCOMPARE(releases.size(), 1);
    QCOMPARE(releases.constFirst().recipients, QStringList { QStringLiteral("a@allowed.test") });
    QVERIFY2(releases.constFirst().reply.startsWith(QLatin1String("250 ")),
        qPrintable(releases.constFirst().reply));
    QVERIFY(qAbs(releases.constFirst().releasedAt.secsTo(QDateTime::currentDateTimeUtc())) < 60);
}

void TestSmtpRelay::untrustedCertificateFails()
{
    const qint64 id = storeOurs();
    SmtpRelay relay(m_ours);
    SmtpRelayConfig config = relayConfig();
    config.acceptedCertificates.clear();
    relay.setConfig(config);
    SmtpRelayJob *job = relay.release(id, { QStringLiteral("a@allowed.test") });
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY(!job->isOk());
    QCOMPARE(job->result().error, SmtpClientResult::Error::TlsFailed);
    QVERIFY(m_received.isEmpty());
    QVERIFY(m_ours->releases(id).isEmpty());
}

void TestSmtpRelay::refusedRecipientRecordsNothing()
{
    const qint64 id = storeOurs();
    SmtpRelay relay(m_ours);
    SmtpRelayConfig config = relayConfig();
    config.password = QStringLiteral("wrong");
    relay.setConfig(config);
    QSignalSpy released(&relay, &SmtpRelay::released);
    SmtpRelayJob *job = relay.release(id, { QStringLiteral("a@allowed.test") });
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY(!job->isOk());
    QCOMPARE(job->result().stage, SmtpClientResult::Stage::Auth);
    QCOMPARE(job->result().reply.code, 535);
    QCOMPARE(released.size(), 1);
    QVERIFY(m_ours->releases(id).isEmpty());
    QVERIFY(m_received.isEmpty());
}

void TestSmtpRelay::patternIsCheckedBeforeSending()
{
    const qint64 id = storeOurs();
    SmtpRelay relay(m_ours);
    relay.setConfig(relayConfig());
    QVERIFY(relay.isAllowed(QStringLiteral("X@Allowed.Test")));
    QVERIFY(!relay.isAllowed(QStringLiteral("x@allowed.test.evil")));
    QSignalSpy connections(m_relay, &SmtpServer::message);
    SmtpRelayJob *job = relay.release(
        id, { QStringLiteral("a@allowed.test"), QStringLiteral("b@elsewhere.test") });
    QVERIFY(!job->isFinished()); // finishes later, never inside release()
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(5000));
    QVERIFY(job->refusal().contains(QLatin1String("b@elsewhere.test")));
    // What would have shown a connection: the next release, allowed, is the first to arrive.
    SmtpRelayJob *next = relay.release(id, { QStringLiteral("c@allowed.test") });
    QSignalSpy nextFinished(next, &SmtpRelayJob::finished);
    QVERIFY(nextFinished.wait(10000));
    QCOMPARE(m_received.size(), 1);
    QCOMPARE(m_received.constFirst().rcptTos(), QStringList { QStringLiteral("c@allowed.test") });

    SmtpRelay off(m_ours);
    QVERIFY(!off.check({ QStringLiteral("a@allowed.test") }).isEmpty());
}

void TestSmtpRelay::testMessage()
{
    SmtpRelay relay(nullptr);
    relay.setConfig(relayConfig());
    SmtpRelayJob *job = relay.sendTestMessage(
        QStringLiteral("me@example.test"), QStringLiteral("t@allowed.test"));
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY2(job->isOk(), qPrintable(job->replyText()));
    QCOMPARE(m_received.size(), 1);
    QVERIFY(m_received.constFirst().data().contains("Subject: smtp-receiver relay test"));
}

void TestSmtpRelay::aBurstTalksToTheRelayFourAtATime()
{
    QList<qint64> ids;
    for (int i = 0; i < 10; ++i) {
        ids.append(storeOurs());
        QVERIFY(ids.constLast() > 0);
    }
    SmtpRelay relay(m_ours);
    relay.setConfig(relayConfig());
    int finished = 0, ok = 0;
    for (const qint64 id : std::as_const(ids)) {
        SmtpRelayJob *job = relay.release(id, { QStringLiteral("a@allowed.test") });
        connect(job, &SmtpRelayJob::finished, this, [&finished, &ok, job] {
            ++finished;
            ok += job->isOk() ? 1 : 0;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished, 10, 30000);
    QCOMPARE(ok, 10);
    QCOMPARE(m_received.size(), 10);
    // All ten were asked for at once; the relay saw four connections at most, and more than one.
    QVERIFY2(m_relay->peakConnectionCount() <= 4,
        qPrintable(QString::number(m_relay->peakConnectionCount())));
    QVERIFY(m_relay->peakConnectionCount() > 1);
}

std::unique_ptr<SmtpServer> TestSmtpRelay::catchingServer(const QByteArray &rules)
{
    SmtpRuleSet ruleSet;
    QString error;
    if (!SmtpRuleSet::fromJson(rules, &ruleSet, &error)) {
        qWarning() << error;
        return nullptr;
    }
    auto server = std::make_unique<SmtpServer>();
    server->setRules(ruleSet);
    server->addMessageSink(m_ours);
    if (!server->listen(QHostAddress::LocalHost, 0))
        return nullptr;
    return server;
}

SmtpMessage TestSmtpRelay::catchOverSmtp(SmtpServer *server, const QStringList &recipients)
{
    QSignalSpy caught(server, &SmtpServer::message);
    SmtpClient client;
    client.setHost(QStringLiteral("127.0.0.1"));
    client.setPort(server->serverPort());
    client.setTlsMode(SmtpClient::TlsMode::None);
    QSignalSpy sent(&client, &SmtpClient::finished);
    client.send(QStringLiteral("s@example.test"), recipients, body);
    if (!sent.wait(10000) || (caught.isEmpty() && !caught.wait(5000)))
        return {};
    return caught.constFirst().constFirst().value<SmtpMessage>();
}

// contract.md: an accept rule with "relay": true releases every recipient it accepted. Which rule
// accepted a recipient is known at RCPT only: rewrites and rule order led there, and the stored
// (rewritten) address, run through the rules again, can meet another rule first.
void TestSmtpRelay::relayRulesReleaseWhatTheyDecidedAtRcpt()
{
    const std::unique_ptr<SmtpServer> ours = catchingServer(R"({ "default": "accept", "rules": [
        { "match": "*@x.test", "action": "accept" },
        { "match": "/^(.*)@y\\.test$/", "action": "rewrite", "to": "\\1@x.test" },
        { "match": "*@x.test", "action": "accept", "relay": true },
        { "match": "*@r.test", "action": "accept", "relay": true },
        { "match": "/^(.*)@w\\.test$/", "action": "rewrite", "to": "\\1@r.test" },
        { "match": "*@r.test", "action": "accept" } ] })");
    QVERIFY(ours);
    SmtpRelay relay(m_ours);
    SmtpRelayConfig config = relayConfig();
    config.allowedPattern.clear();
    relay.setConfig(config);

    // a: rule 1 (no relay); b@y.test: rule 3 as b@x.test (relay); c: rule 4 (relay);
    // d@w.test: rule 6 as d@r.test (no relay).
    const SmtpMessage message = catchOverSmtp(ours.get(),
        { QStringLiteral("a@x.test"), QStringLiteral("b@y.test"), QStringLiteral("c@r.test"),
            QStringLiteral("d@w.test") });
    QCOMPARE(message.rcptTos(),
        QStringList({ QStringLiteral("a@x.test"), QStringLiteral("b@x.test"),
            QStringLiteral("c@r.test"), QStringLiteral("d@r.test") }));
    const QStringList released { QStringLiteral("b@x.test"), QStringLiteral("c@r.test") };
    QCOMPARE(message.relayRcptTos(), released);

    SmtpRelayJob *job = relay.releaseByRules(message);
    QVERIFY(job);
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY2(job->isOk(), qPrintable(job->replyText()));
    // One release, to these two alone.
    QCOMPARE(m_received.size(), 1);
    QCOMPARE(m_received.constFirst().rcptTos(), released);

    // The next transaction on the same kind of session starts its list afresh.
    const SmtpMessage plain = catchOverSmtp(ours.get(), { QStringLiteral("a@x.test") });
    QCOMPARE(plain.rcptTos(), QStringList { QStringLiteral("a@x.test") });
    QVERIFY(plain.relayRcptTos().isEmpty());
    QVERIFY(!relay.releaseByRules(plain));
}

// Mail that did not come through RCPT (the HTTP send API, an import) was never decided by a
// rule, whatever its recipients look like: it is only caught.
void TestSmtpRelay::mailNoRuleDecidedIsNotReleased()
{
    const std::unique_ptr<SmtpServer> ours = catchingServer(R"({ "rules": [
        { "match": "*@r.test", "action": "accept", "relay": true } ] })");
    QVERIFY(ours);
    SmtpRelay relay(m_ours);
    SmtpRelayConfig config = relayConfig();
    config.allowedPattern.clear();
    relay.setConfig(config);

    SmtpMessage submitted;
    submitted.setMailFrom(QStringLiteral("s@example.test"));
    submitted.setRcptTos({ QStringLiteral("user@r.test") });
    submitted.setData(body);
    QSignalSpy caught(ours.get(), &SmtpServer::message);
    bool stored = false;
    ours->submit(submitted, this,
        [&stored](const SmtpMessage &, const QString &error) { stored = error.isEmpty(); });
    QTRY_VERIFY_WITH_TIMEOUT(stored && caught.size() == 1, 10000);
    const SmtpMessage message = caught.constFirst().constFirst().value<SmtpMessage>();
    QVERIFY(message.relayRcptTos().isEmpty());
    QSignalSpy refused(&relay, &SmtpRelay::releaseRefused);
    QVERIFY(!relay.releaseByRules(message)); // nothing to start, nothing refused
    QVERIFY(refused.isEmpty());
}

// --relay-allowed with a rule that releases more than it allows: the allowed recipients are
// released, each other one is reported (as a failed release is), none passed over in silence.
void TestSmtpRelay::recipientsOutsideThePatternAreReportedTheOthersReleased()
{
    const std::unique_ptr<SmtpServer> ours = catchingServer(R"({ "rules": [
        { "match": "*@allowed.test", "action": "accept", "relay": true },
        { "match": "*@other.test", "action": "accept", "relay": true } ] })");
    QVERIFY(ours);
    SmtpRelay relay(m_ours);
    relay.setConfig(relayConfig()); // .*@allowed\.test
    const SmtpMessage message = catchOverSmtp(ours.get(),
        { QStringLiteral("ok1@allowed.test"), QStringLiteral("no@other.test"),
            QStringLiteral("ok2@allowed.test") });
    QCOMPARE(message.relayRcptTos().size(), 3);

    QSignalSpy released(&relay, &SmtpRelay::released);
    QSignalSpy refused(&relay, &SmtpRelay::releaseRefused);
    SmtpRelayJob *job = relay.releaseByRules(message);
    QVERIFY(job);
    QVERIFY(refused.isEmpty()); // from the event loop, never inside releaseByRules()
    QSignalSpy finished(job, &SmtpRelayJob::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY2(job->isOk(), qPrintable(job->replyText()));
    QCOMPARE(m_received.size(), 1);
    const QStringList allowed { QStringLiteral("ok1@allowed.test"),
        QStringLiteral("ok2@allowed.test") };
    QCOMPARE(m_received.constFirst().rcptTos(), allowed);
    QCOMPARE(released.size(), 1);
    QCOMPARE(released.constFirst().at(1).toStringList(), allowed);

    QCOMPARE(refused.size(), 1); // queued before the release started, so delivered by now
    QCOMPARE(refused.constFirst().at(0).toLongLong(), message.id());
    QCOMPARE(
        refused.constFirst().at(1).toStringList(), QStringList { QStringLiteral("no@other.test") });
    QCOMPARE(refused.constFirst().at(2).toString(),
        QStringLiteral("'no@other.test' is not allowed by the relay's allowed pattern"));
}

QTEST_GUILESS_MAIN(TestSmtpRelay)
#include "tst_smtprelay.moc"
