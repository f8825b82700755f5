// Failure injection without sockets: fail rules in the rules file (round trip, errors), the
// probability draw (0 and 100 exact, 50 within a binomial bound with a fixed seed), and
// SmtpSession answering an injected failure at each stage, late (Delay event) or not at all.
#include "smtprules.h"
#include "smtpsession.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>

namespace {

using Stage = SmtpRule::Stage;

SmtpRuleSet parse(const QByteArray &json)
{
    SmtpRuleSet rules;
    QString error;
    if (!SmtpRuleSet::fromJson(json, &rules, &error))
        qWarning() << "unexpected error:" << error;
    return rules;
}

SmtpRule failRule(const QString &match, Stage stage, int code, int probability = 100)
{
    SmtpRule rule(match, SmtpRule::Action::Fail);
    rule.setStage(stage);
    rule.setCode(code);
    rule.setMessage(QStringLiteral("injected"));
    rule.setProbability(probability);
    return rule;
}

// A session whose failures come from a rule set, as SmtpServer wires it.
struct Harness
{
    SmtpRuleSet rules;
    QRandomGenerator random { 7 };
    QList<std::pair<SmtpFailureStage, QString>> asked;
    SmtpSession session;

    explicit Harness(const SmtpRuleSet &set, SmtpSessionConfig config = {})
        : rules(set)
        , session([this, &config] {
            config.hostname = "mx.test";
            config.injectFailure
                = [this](SmtpFailureStage stage,
                      const QString &address) -> std::optional<SmtpInjectedFailure> {
                asked.append({ stage, address });
                const Stage ruleStage = stage == SmtpFailureStage::Mail ? Stage::Mail
                    : stage == SmtpFailureStage::Rcpt                   ? Stage::Rcpt
                    : stage == SmtpFailureStage::Data                   ? Stage::Data
                                                                        : Stage::Auth;
                const int index = rules.failure(ruleStage, address, &random);
                if (index < 0)
                    return std::nullopt;
                const SmtpRule rule = rules.rules().at(index);
                return SmtpInjectedFailure { SmtpReply::rejection(
                                                 rule.code(), rule.message().toUtf8()),
                    rule.delayMs(), rule.disconnect() };
            };
            return config;
        }())
    {
        session.start();
        session.takeOutput();
    }

    QByteArray feed(const QByteArray &bytes)
    {
        session.feed(bytes);
        return session.takeOutput();
    }
    // Answers every Recipient event with accept, every Message with stored.
    QByteArray answerAll()
    {
        QByteArray out;
        for (;;) {
            const QList<SmtpEvent> events = session.takeEvents();
            if (events.isEmpty())
                break;
            for (const SmtpEvent &event : events) {
                if (event.type == SmtpEvent::Type::Recipient)
                    session.acceptRecipient(event.address);
                else if (event.type == SmtpEvent::Type::Message)
                    session.messageStored("1");
            }
            out += session.takeOutput();
        }
        return out;
    }
};

QByteArray wireOf(std::initializer_list<SmtpReply> replies)
{
    QByteArray out;
    for (const SmtpReply &reply : replies)
        out += reply.toWire();
    return out;
}

} // namespace

class tst_FailInjection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jsonRoundTrip();
    void jsonDefaults();
    void jsonErrors_data();
    void jsonErrors();
    void relayRoundTrip();
    void decideIgnoresFailRules();
    void failureSwitch();
    void stageAndMatch();
    void probabilityExact();
    void probabilityFiftyWithinBinomialBound();
    void sessionMailStage();
    void sessionRcptStage();
    void sessionDataStageDoesNotStore();
    void sessionBdatStage();
    void sessionAuthStageMatchesUser();
    void sessionDelayHoldsPipelinedCommands();
    void sessionDisconnect();
    void session421Closes();
    void sessionDelayThenDisconnect();
    void sessionShutdownDuringDelay();
};

void tst_FailInjection::jsonRoundTrip()
{
    const QByteArray json = R"({"rules":[
        {"match":"*@flaky.test","action":"fail","stage":"rcpt","code":451,"message":"try later",
         "probability":50,"delayMs":200,"disconnect":true},
        {"match":"/^bad/","action":"fail","stage":"mail","code":550,"message":"no"},
        {"match":"*","action":"fail","stage":"data","code":452,"message":"full"},
        {"match":"mallory","action":"fail","stage":"auth","code":454,"message":"down"}]})";
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json, &rules, &error), qPrintable(error));
    QCOMPARE(rules.rules().size(), 4);
    const SmtpRule first = rules.rules().at(0);
    QCOMPARE(first.action(), SmtpRule::Action::Fail);
    QCOMPARE(first.stage(), Stage::Rcpt);
    QCOMPARE(first.code(), 451);
    QCOMPARE(first.message(), QStringLiteral("try later"));
    QCOMPARE(first.probability(), 50);
    QCOMPARE(first.delayMs(), 200);
    QCOMPARE(first.disconnect(), true);
    QCOMPARE(rules.rules().at(1).stage(), Stage::Mail);
    QCOMPARE(rules.rules().at(2).stage(), Stage::Data);
    QCOMPARE(rules.rules().at(3).stage(), Stage::Auth);
    QVERIFY(rules.rules().at(1).probability() == 100 && rules.rules().at(1).delayMs() == 0);

    const QByteArray written = rules.toJson();
    QVERIFY2(written.contains(R"({ "match": "*@flaky.test", "action": "fail", "stage": "rcpt", )"
                              R"("code": 451, "message": "try later", "probability": 50, )"
                              R"("delayMs": 200, "disconnect": true })"),
        written.constData());
    SmtpRuleSet again;
    QVERIFY2(SmtpRuleSet::fromJson(written, &again, &error), qPrintable(error));
    QCOMPARE(again, rules);
}

void tst_FailInjection::jsonDefaults()
{
    const SmtpRuleSet rules
        = parse(R"({"rules":[{"match":"*","action":"fail","stage":"mail","code":421}]})");
    QCOMPARE(rules.rules().size(), 1);
    QCOMPARE(rules.rules().at(0).message(), SmtpRule::defaultFailMessage());
    QCOMPARE(rules.rules().at(0).probability(), 100);
    // disconnect needs no code
    QCOMPARE(parse(R"({"rules":[{"match":"*","action":"fail","stage":"data","disconnect":true}]})")
                 .rules()
                 .size(),
        1);
}

void tst_FailInjection::jsonErrors_data()
{
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<QString>("error");
    QTest::newRow("no stage")
        << QByteArray(R"({"match":"*@x","action":"fail","code":451})")
        << R"(rule 1 ("*@x"): fail without "stage" (mail, rcpt, data or auth))";
    QTest::newRow("bad stage")
        << QByteArray(R"({"match":"*","action":"fail","stage":"helo","code":451})")
        << R"(rule 1 ("*"): unknown stage "helo" (expected mail, rcpt, data or auth))";
    QTest::newRow("no code") << QByteArray(R"({"match":"*","action":"fail","stage":"rcpt"})")
                             << R"(rule 1 ("*"): fail without "code" (a 4xx or 5xx reply code))";
    QTest::newRow("2xx code") << QByteArray(
        R"({"match":"*","action":"fail","stage":"rcpt","code":250})")
                              << R"(rule 1 ("*"): code 250 is not a 4xx or 5xx reply code)";
    QTest::newRow("probability 101")
        << QByteArray(
               R"({"match":"*","action":"fail","stage":"rcpt","code":451,"probability":101})")
        << R"(rule 1 ("*"): "probability" 101 is not between 0 and 100)";
    QTest::newRow("probability 0.5") << QByteArray(
        R"({"match":"*","action":"fail","stage":"rcpt","code":451,"probability":0.5})")
                                     << R"(rule 1 ("*"): "probability" is not an integer)";
    QTest::newRow("negative delay")
        << QByteArray(R"({"match":"*","action":"fail","stage":"rcpt","code":451,"delayMs":-1})")
        << R"(rule 1 ("*"): "delayMs" -1 is not between 0 and 600000)";
    QTest::newRow("disconnect not bool") << QByteArray(
        R"({"match":"*","action":"fail","stage":"rcpt","code":451,"disconnect":"yes"})")
                                         << R"(rule 1 ("*"): "disconnect" is not true or false)";
    QTest::newRow("stage on reject")
        << QByteArray(R"({"match":"*","action":"reject","stage":"rcpt"})")
        << R"(rule 1 ("*"): "stage" only goes with "action": "fail")";
    QTest::newRow("relay on reject")
        << QByteArray(R"({"match":"*","action":"reject","relay":true})")
        << R"(rule 1 ("*"): "relay" only goes with "action": "accept")";
    QTest::newRow("relay not bool") << QByteArray(R"({"match":"*","action":"accept","relay":1})")
                                    << R"(rule 1 ("*"): "relay" is not true or false)";
}

void tst_FailInjection::jsonErrors()
{
    QFETCH(QByteArray, rule);
    QFETCH(QString, error);
    // The rule is the second one: the position in the message must say so.
    const QByteArray json = R"({"rules":[{"match":"ok@x","action":"accept"},)" + rule + "]}";
    SmtpRuleSet rules;
    QString got;
    QVERIFY(!SmtpRuleSet::fromJson(json, &rules, &got));
    QCOMPARE(got, QString(error).replace(QStringLiteral("rule 1"), QStringLiteral("rule 2")));
}

void tst_FailInjection::relayRoundTrip()
{
    const SmtpRuleSet rules
        = parse(R"({"rules":[{"match":"*@me.test","action":"accept","relay":true}]})");
    QCOMPARE(rules.rules().size(), 1);
    QVERIFY(rules.rules().at(0).relay());
    QVERIFY(rules.toJson().contains(R"("action": "accept", "relay": true })"));
    QCOMPARE(parse(rules.toJson()), rules);
    const SmtpRuleDecision decision = rules.decide(QStringLiteral("a@me.test"));
    QVERIFY(decision.accepted);
    QVERIFY(decision.relay);
    QVERIFY(!rules.decide(QStringLiteral("a@other.test")).relay);
}

void tst_FailInjection::decideIgnoresFailRules()
{
    SmtpRuleSet rules;
    rules.setDefaultAccept(false);
    rules.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 451),
        SmtpRule(QStringLiteral("a@x.test"), SmtpRule::Action::Accept) });
    const SmtpRuleDecision decision = rules.decide(QStringLiteral("a@x.test"));
    QVERIFY(decision.accepted);
    QCOMPARE(decision.ruleIndex, 1);
}

void tst_FailInjection::failureSwitch()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 451) });
    QCOMPARE(rules.failure(Stage::Rcpt, QStringLiteral("a@x"), nullptr), 0);
    rules.setFailureInjection(false);
    QCOMPARE(rules.failure(Stage::Rcpt, QStringLiteral("a@x"), nullptr), -1);
    QCOMPARE(rules.failRules().size(), 1); // kept
    QVERIFY(rules.toJson().contains("\"failureInjection\": false"));
    QCOMPARE(parse(rules.toJson()), rules);
    QVERIFY(!parse(R"({"rules":[]})").toJson().contains("failureInjection"));
}

void tst_FailInjection::stageAndMatch()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*@flaky.test"), Stage::Rcpt, 451),
        failRule(QStringLiteral("*@bad.test"), Stage::Mail, 550),
        failRule(QStringLiteral("*"), Stage::Auth, 454) });
    QCOMPARE(rules.failure(Stage::Rcpt, QStringLiteral("x@flaky.test"), nullptr), 0);
    QCOMPARE(rules.failure(Stage::Rcpt, QStringLiteral("x@bad.test"), nullptr), -1);
    QCOMPARE(rules.failure(Stage::Mail, QStringLiteral("x@bad.test"), nullptr), 1);
    QCOMPARE(rules.failure(Stage::Data, QStringLiteral("x@bad.test"), nullptr), -1);
    QCOMPARE(rules.failure(Stage::Auth, QString(), nullptr), 2); // "*" matches any user
}

void tst_FailInjection::probabilityExact()
{
    SmtpRuleSet never;
    never.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 451, 0) });
    SmtpRuleSet always;
    always.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 451, 100) });
    QRandomGenerator random(1);
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(never.failure(Stage::Rcpt, QStringLiteral("a@x"), &random), -1);
        QCOMPARE(always.failure(Stage::Rcpt, QStringLiteral("a@x"), &random), 0);
    }
}

void tst_FailInjection::probabilityFiftyWithinBinomialBound()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 451, 50) });
    // n = 1000, p = 0.5: sigma = sqrt(250) ~ 15.8; 4 sigma either side of 500.
    const auto count = [&rules](quint32 seed) {
        QRandomGenerator random(seed);
        int hits = 0;
        for (int i = 0; i < 1000; ++i)
            hits += rules.failure(Stage::Rcpt, QStringLiteral("a@x"), &random) == 0 ? 1 : 0;
        return hits;
    };
    const int hits = count(12345);
    QVERIFY2(std::abs(hits - 500) <= 63, qPrintable(QString::number(hits)));
    QCOMPARE(count(12345), hits); // the same seed, the same failures
}

void tst_FailInjection::sessionMailStage()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*@bad.test"), Stage::Mail, 451) });
    Harness h(rules);
    h.feed("EHLO c\r\n");
    QCOMPARE(h.feed("MAIL FROM:<s@bad.test>\r\n"), SmtpReply::rejection(451, "injected").toWire());
    // No transaction: RCPT is out of sequence, another MAIL works.
    QVERIFY(h.feed("RCPT TO:<r@x.test>\r\n").startsWith("503"));
    QCOMPARE(h.feed("MAIL FROM:<s@good.test>\r\n"), SmtpReply::senderOk().toWire());
    QCOMPARE(h.asked.constLast().second, QStringLiteral("s@good.test"));
}

void tst_FailInjection::sessionRcptStage()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*@flaky.test"), Stage::Rcpt, 451) });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\n");
    QCOMPARE(h.feed("RCPT TO:<x@flaky.test>\r\n"), SmtpReply::rejection(451, "injected").toWire());
    QVERIFY(h.session.takeEvents().isEmpty()); // no recipient decision was asked for
    h.feed("RCPT TO:<ok@x.test>\r\n");
    QCOMPARE(h.answerAll(), SmtpReply::recipientOk().toWire());
}

void tst_FailInjection::sessionDataStageDoesNotStore()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("s@x.test"), Stage::Data, 554) });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\nRCPT TO:<r@x.test>\r\n");
    h.answerAll();
    QCOMPARE(h.feed("DATA\r\n"), SmtpReply::startData().toWire());
    QCOMPARE(
        h.feed("Subject: x\r\n\r\nbody\r\n.\r\n"), SmtpReply::rejection(554, "injected").toWire());
    QVERIFY(h.session.takeEvents().isEmpty()); // no Message event: nothing is stored
    QCOMPARE(
        h.asked.constLast(), std::make_pair(SmtpFailureStage::Data, QStringLiteral("s@x.test")));
    // The transaction is over.
    QVERIFY(h.feed("DATA\r\n").startsWith("503"));
}

void tst_FailInjection::sessionBdatStage()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*"), Stage::Data, 452) });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\nRCPT TO:<r@x.test>\r\n");
    h.answerAll();
    QCOMPARE(h.feed("BDAT 4 LAST\r\nabcd"), SmtpReply::rejection(452, "injected").toWire());
    QVERIFY(h.session.takeEvents().isEmpty());
}

void tst_FailInjection::sessionAuthStageMatchesUser()
{
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("mallory"), Stage::Auth, 454) });
    SmtpSessionConfig config;
    config.auth = SmtpSessionConfig::Auth::AcceptAny;
    Harness h(rules, config);
    h.feed("EHLO c\r\n");
    QCOMPARE(h.feed("AUTH PLAIN " + QByteArray("\0mallory\0pw", 11).toBase64() + "\r\n"),
        SmtpReply::rejection(454, "injected").toWire());
    QVERIFY(h.session.authenticatedUser().isEmpty());
    QCOMPARE(h.feed("AUTH PLAIN " + QByteArray("\0alice\0pw", 9).toBase64() + "\r\n"),
        SmtpReply::authSucceeded().toWire());
    QCOMPARE(h.asked.constLast(), std::make_pair(SmtpFailureStage::Auth, QStringLiteral("alice")));
}

void tst_FailInjection::sessionDelayHoldsPipelinedCommands()
{
    SmtpRule rule = failRule(QStringLiteral("a@x.test"), Stage::Rcpt, 451);
    rule.setDelayMs(250);
    SmtpRuleSet rules;
    rules.setRules({ rule });
    Harness h(rules);
    h.feed("EHLO c\r\n");
    const QByteArray out
        = h.feed("MAIL FROM:<s@x.test>\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nNOOP\r\n");
    QCOMPARE(out, SmtpReply::senderOk().toWire()); // nothing after the delayed reply yet
    QCOMPARE(h.session.state(), SmtpSession::State::WaitDelay);
    QVERIFY(h.session.isWaiting());
    const QList<SmtpEvent> events = h.session.takeEvents();
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.at(0).type, SmtpEvent::Type::Delay);
    QCOMPARE(events.at(0).delayMs, 250);
    QCOMPARE(h.asked.size(), 2); // b@x.test was not looked at yet
    h.session.delayElapsed();
    QCOMPARE(h.session.takeOutput(), SmtpReply::rejection(451, "injected").toWire());
    QCOMPARE(h.answerAll(), wireOf({ SmtpReply::recipientOk(), SmtpReply::ok() }));
}

void tst_FailInjection::sessionDisconnect()
{
    SmtpRule rule = failRule(QStringLiteral("*"), Stage::Mail, 421);
    rule.setDisconnect(true);
    SmtpRuleSet rules;
    rules.setRules({ rule });
    Harness h(rules);
    h.feed("EHLO c\r\n");
    QCOMPARE(h.feed("MAIL FROM:<s@x.test>\r\nNOOP\r\n"), QByteArray()); // no reply at all
    QVERIFY(h.session.isClosed());
}

void tst_FailInjection::session421Closes()
{
    // 421 is the service closing the channel (RFC 5321 3.8): after it, nothing more is read.
    SmtpRuleSet rules;
    rules.setRules({ failRule(QStringLiteral("*"), Stage::Rcpt, 421) });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\n");
    QCOMPARE(
        h.feed("RCPT TO:<r@x.test>\r\nNOOP\r\n"), SmtpReply::rejection(421, "injected").toWire());
    QVERIFY(h.session.isClosed());
}

void tst_FailInjection::sessionDelayThenDisconnect()
{
    SmtpRule rule = failRule(QStringLiteral("*"), Stage::Rcpt, 421);
    rule.setDisconnect(true);
    rule.setDelayMs(100);
    SmtpRuleSet rules;
    rules.setRules({ rule });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\n");
    h.feed("RCPT TO:<r@x.test>\r\n");
    QVERIFY(!h.session.isClosed());
    QCOMPARE(h.session.takeEvents().size(), 1);
    h.session.delayElapsed();
    QVERIFY(h.session.isClosed());
    QCOMPARE(h.session.takeOutput(), QByteArray());
}

void tst_FailInjection::sessionShutdownDuringDelay()
{
    SmtpRule rule = failRule(QStringLiteral("*"), Stage::Rcpt, 451);
    rule.setDelayMs(1000);
    SmtpRuleSet rules;
    rules.setRules({ rule });
    Harness h(rules);
    h.feed("EHLO c\r\nMAIL FROM:<s@x.test>\r\nRCPT TO:<r@x.test>\r\n");
    h.session.shutdown();
    QCOMPARE(h.session.takeOutput(), SmtpReply::shuttingDown().toWire());
    h.session.delayElapsed(); // a late timer changes nothing
    QCOMPARE(h.session.takeOutput(), QByteArray());
}

QTEST_GUILESS_MAIN(tst_FailInjection)
#include "tst_failinjection.moc"
