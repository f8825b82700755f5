// SmtpServerConfig and SmtpListenerConfig: the defaults, every problem validate() names (in a
// sentence), the listen addresses accepted (localhost among them), the TLS pair check, equality.
#include "testcertificate.h"

#include <smtpserverconfig.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

// An RSA key that is not the test certificate's.
constexpr char otherKeyPem[] = R"PEM(
-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAOXkIP7tJXUvq1YB
A8NuflArdrnycknXw6DqoPOYURY0AipSYayaBNykmYQOCoqykQ+c+BeCUOCBPC6l
cBlEK3MsDwSIlLE9LqLch1iGPiLhMx4cU7s8fPnc110LzqDEIbM13wBk3xQZWsMZ
DoS0WjR9n+3doRlRvPz9DLQ+Axy9AgMBAAECgYATS+PNIiC7xmWOUYV8WQD3P762
evhG5HqCPk+GQunDgFgSL1oNf9wanSJZqEgQPk7YzacxafnZ7l8b1z0ikctHtdBu
C6ZfoCzYYbQHLSRg8B37+80uS2RIYZeCnKI4TUdn2H6dnS5V2uBdmL9fulAAuS7S
Q/zE4oO/86LLJEWdbQJBAPwdNQr21yLoX0MFvGtprw2P+SV4MzhW2jCzFVWbJ7yU
yu4pZaMan8JHIlEcqjwOpq14I/mNiWBa5o5TECHJhHcCQQDpbzv29zCutJ+3pKhh
9YlZqt1mffzMI1eRtrj536mjLwlTdjdRGovU2xwxHqV6loX8etYXrzAcKutqFVRL
1/lrAkEApNngRjQThpLVP3jvtHida0vaCOMo8szvzOo8qAZVHF1auBI/kEAneJyU
1t7cfXrDCCjHtTUUP/oQSb4MjVs8jwJAJT4x+v0FL1pyAQKsOrTJ7RxtpmSDaK5a
0kysxnEAx6BBhKdfu/jYRmWO4edZz20kg1u1vKGes1/Fn283u8IBcQJBALlo+jYj
xFGV/IIHpjo2fd4lKWZRy2NV+nxR5GG3x4MRUGouXzAcdNeCv6yyDf3Bjd6WVe6s
ewyoy1pTic3r2sM=
-----END PRIVATE KEY-----
)PEM";

using Setting = SmtpServerConfig::Setting;
using Change = std::function<void(SmtpServerConfig *)>;

} // namespace

Q_DECLARE_METATYPE(Change)

class TestSmtpServerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void defaults();
    void listenAddresses_data();
    void listenAddresses();
    void fromString_data();
    void fromString();
    void problems_data();
    void problems();
    void everyProblemIsASentence();
    void tlsPair();
    void equalityAndSharing();
    void mailboxes();

private:
    QString write(const char *name, const QByteArray &content);

    QTemporaryDir m_dir;
    QString m_cert;
    QString m_key;
    QString m_otherKey;
    QString m_junk;
};

QString TestSmtpServerConfig::write(const char *name, const QByteArray &content)
{
    const QString path = m_dir.filePath(QLatin1String(name));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return {};
    return path;
}

void TestSmtpServerConfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cert = write("cert.pem", testCertificatePem);
    m_key = write("key.pem", testKeyPem);
    m_otherKey = write("other.pem", otherKeyPem);
    m_junk = write("junk.pem", "not PEM at all\n");
    QVERIFY(!m_cert.isEmpty() && !m_key.isEmpty() && !m_otherKey.isEmpty() && !m_junk.isEmpty());
}

void TestSmtpServerConfig::defaults()
{
    // contract.md's defaults, from one place.
    const SmtpServerConfig config;
    QCOMPARE(config.listeners().size(), 1);
    const SmtpListenerConfig listener = config.listeners().constFirst();
    QCOMPARE(listener.address(), QStringLiteral("127.0.0.1"));
    QCOMPARE(listener.port(), 1025);
    QVERIFY(!listener.isImplicitTls());
    QCOMPARE(listener, SmtpListenerConfig());
    QCOMPARE(listener.hostAddress(), QHostAddress(QHostAddress::LocalHost));
    QVERIFY(config.hostname().isEmpty()); // the machine's name
    QVERIFY(!SmtpServerConfig::defaultHostname().isEmpty());
    QVERIFY(config.tlsCertificateFile().isEmpty());
    QVERIFY(config.tlsKeyFile().isEmpty());
    QVERIFY(!config.requireTls());
    QCOMPARE(config.authMode(), SmtpServer::AuthMode::Off);
    QVERIFY(config.credentials().isEmpty());
    QCOMPARE(config.maxMessageSize(), 26214400);
    QCOMPARE(config.maxMessageSize(), SmtpServerConfig::DefaultMaxMessageSize);
    QCOMPARE(config.idleTimeout(), 300);
    QCOMPARE(config.maxConnections(), 1000);
    QCOMPARE(config.recipientTimeout(), 30000);
    QVERIFY(config.rules().isEmpty());
    QVERIFY(config.rulesFile().isEmpty());
    QVERIFY2(config.validate().isEmpty(), qPrintable(config.validate().join(u'\n')));
}

void TestSmtpServerConfig::listenAddresses_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("bound"); // empty: refused
    QTest::newRow("v4") << "127.0.0.1"
                        << "127.0.0.1";
    QTest::newRow("any v4") << "0.0.0.0"
                            << "0.0.0.0";
    QTest::newRow("v6") << "::1"
                        << "::1";
    QTest::newRow("v6 bracketed") << "[::1]"
                                  << "::1";
    QTest::newRow("localhost") << "localhost"
                               << "127.0.0.1";
    QTest::newRow("LOCALHOST") << "LOCALHOST"
                               << "127.0.0.1";
    QTest::newRow("spaces around") << " 127.0.0.1 "
                                   << "127.0.0.1";
    QTest::newRow("octet too big") << "256.1.1.1"
                                   << "";
    QTest::newRow("words") << "not an address"
                           << "";
    QTest::newRow("host name") << "mail.example.com"
                               << "";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("empty brackets") << "[]"
                                    << "";
}

void TestSmtpServerConfig::listenAddresses()
{
    QFETCH(QString, address);
    QFETCH(QString, bound);
    const SmtpListenerConfig listener(address, 25);
    QCOMPARE(
        listener.hostAddress().isNull() ? QString() : listener.hostAddress().toString(), bound);
    QHostAddress parsed;
    QCOMPARE(SmtpListenerConfig::parseAddress(address, &parsed), !bound.isEmpty());
    SmtpServerConfig config;
    config.setListeners({ listener });
    const QList<SmtpServerConfig::Problem> problems = config.problems();
    if (bound.isEmpty()) {
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.constFirst().setting, Setting::Listener);
        QCOMPARE(problems.constFirst().listener, 0);
        QVERIFY2(problems.constFirst().text.contains(address), qPrintable(problems.first().text));
    } else {
        QVERIFY(problems.isEmpty());
    }
}

void TestSmtpServerConfig::fromString_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected"); // empty: not ADDR:PORT
    QTest::newRow("v4") << "127.0.0.1:25"
                        << "127.0.0.1:25";
    QTest::newRow("v6") << "[::1]:2525"
                        << "[::1]:2525";
    QTest::newRow("localhost") << "localhost:0"
                               << "localhost:0";
    QTest::newRow("bare port") << "2525"
                               << "127.0.0.1:2525";
    QTest::newRow("port kept for validate()") << "127.0.0.1:70000"
                                              << "127.0.0.1:70000";
    QTest::newRow("v6 without brackets") << "::1:25"
                                         << "";
    QTest::newRow("no port") << "127.0.0.1:"
                             << "";
    QTest::newRow("word") << "nonsense"
                          << "";
}

void TestSmtpServerConfig::fromString()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    SmtpListenerConfig listener;
    QString error;
    const bool ok = SmtpListenerConfig::fromString(text, true, &listener, &error);
    QCOMPARE(ok, !expected.isEmpty());
    if (ok) {
        QCOMPARE(listener.toString(), expected);
        QVERIFY(listener.isImplicitTls());
    } else {
        QVERIFY2(error.contains(text), qPrintable(error));
    }
}

void TestSmtpServerConfig::problems_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<Setting>("setting");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("no listener") << Change([](SmtpServerConfig *c) { c->setListeners({}); })
                                 << Setting::Listener << "no listener";
    QTest::newRow("port too big") << Change([](SmtpServerConfig *c) {
        c->setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 65536) });
    }) << Setting::Listener << "65536";
    QTest::newRow("negative port") << Change([](SmtpServerConfig *c) {
        c->setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), -1) });
    }) << Setting::Listener << "-1";
    QTest::newRow("same port twice") << Change([](SmtpServerConfig *c) {
        c->setListeners({ SmtpListenerConfig(QStringLiteral("127.0.0.1"), 2525),
            SmtpListenerConfig(QStringLiteral("localhost"), 2525) });
    }) << Setting::Listener << "2525";
    QTest::newRow("smtps without certificate") << Change([](SmtpServerConfig *c) {
        c->setListeners(
            { SmtpListenerConfig(), SmtpListenerConfig(QStringLiteral("::1"), 0, true) });
    }) << Setting::Listener << "SMTPS";
    QTest::newRow("host name with a space")
        << Change([](SmtpServerConfig *c) { c->setHostname(QStringLiteral("mx test")); })
        << Setting::Hostname << "mx test";
    QTest::newRow("certificate without key")
        << Change([](SmtpServerConfig *c) { c->setTlsCertificateFile(QStringLiteral("c.pem")); })
        << Setting::TlsKey << "private key";
    QTest::newRow("key without certificate")
        << Change([](SmtpServerConfig *c) { c->setTlsKeyFile(QStringLiteral("k.pem")); })
        << Setting::TlsCertificate << "certificate";
    QTest::newRow("require TLS without certificate")
        << Change([](SmtpServerConfig *c) { c->setRequireTls(true); }) << Setting::RequireTls
        << "Requiring TLS";
    QTest::newRow("credentials without users")
        << Change([](SmtpServerConfig *c) { c->setAuthMode(SmtpServer::AuthMode::Credentials); })
        << Setting::Auth << "at least one user";
    // With the mailbox taken from the AUTH user, a user whose name is none could never send
    // (each AUTH of theirs is answered 535): named before the server starts.
    QTest::newRow("AUTH user that is no mailbox name") << Change([](SmtpServerConfig *c) {
        c->setAuthMode(SmtpServer::AuthMode::Credentials);
        c->setCredentials({ { QStringLiteral("billing"), QStringLiteral("pw") },
            { QStringLiteral("dev@example.test"), QStringLiteral("pw") } });
        c->setMailboxFromAuth(true);
    }) << Setting::Auth << "dev@example.test";
    QTest::newRow("size zero") << Change([](SmtpServerConfig *c) { c->setMaxMessageSize(0); })
                               << Setting::MaxMessageSize << "0";
    QTest::newRow("idle timeout too long")
        << Change([](SmtpServerConfig *c) { c->setIdleTimeout(86401); }) << Setting::IdleTimeout
        << "86401";
    QTest::newRow("no connections") << Change([](SmtpServerConfig *c) { c->setMaxConnections(0); })
                                    << Setting::MaxConnections << "connection limit";
    QTest::newRow("recipient timeout zero")
        << Change([](SmtpServerConfig *c) { c->setRecipientTimeout(0); })
        << Setting::RecipientTimeout << "recipient timeout";
    QTest::newRow("invalid rule") << Change([](SmtpServerConfig *c) {
        SmtpRuleSet rules;
        rules.setRules({ SmtpRule(QStringLiteral("/[a-/"), SmtpRule::Action::Reject) });
        c->setRules(rules);
    }) << Setting::Rules << "Rule 1";
    QTest::newRow("missing rules file") << Change([](SmtpServerConfig *c) {
        c->setRulesFile(QStringLiteral("/nonexistent/rules.json"));
    }) << Setting::Rules << "rules file";
}

void TestSmtpServerConfig::problems()
{
    QFETCH(Change, change);
    QFETCH(Setting, setting);
    QFETCH(QString, mentions);
    SmtpServerConfig config;
    change(&config);
    const QList<SmtpServerConfig::Problem> problems = config.problems();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.constFirst().setting, setting);
    QVERIFY2(problems.constFirst().text.contains(mentions), qPrintable(problems.first().text));
    QCOMPARE(config.validate(), QStringList { problems.constFirst().text });
}

void TestSmtpServerConfig::everyProblemIsASentence()
{
    // Everything wrong at once: each problem is named once, as a sentence a user can read.
    SmtpServerConfig config;
    config.setListeners({ SmtpListenerConfig(QStringLiteral("256.1.1.1"), 70000),
        SmtpListenerConfig(QStringLiteral("not an address"), 0, true) });
    config.setHostname(QStringLiteral("a\nb"));
    config.setTlsCertificateFile(m_junk);
    config.setTlsKeyFile(m_key);
    config.setMaxMessageSize(-1);
    config.setIdleTimeout(0);
    config.setMaxConnections(-3);
    config.setRecipientTimeout(-1);
    const QStringList problems = config.validate();
    QCOMPARE(problems.size(), 9);
    for (const QString &problem : problems) {
        QVERIFY2(problem.at(0).isUpper() && problem.endsWith(u'.'), qPrintable(problem));
        QVERIFY2(!problem.contains(u'\n'), qPrintable(problem)); // one line, even for "a\nb"
    }
    QVERIFY(problems.at(0).contains(QStringLiteral("256.1.1.1")));
    QVERIFY(problems.at(1).contains(QStringLiteral("70000")));
    QVERIFY(problems.at(2).contains(QStringLiteral("not an address")));
}

void TestSmtpServerConfig::tlsPair()
{
    SmtpServerConfig config;
    config.setListeners(
        { SmtpListenerConfig(), SmtpListenerConfig(QStringLiteral("localhost"), 0, true) });
    config.setRequireTls(true);
    config.setTlsCertificateFile(m_cert);
    config.setTlsKeyFile(m_key);
    QVERIFY2(config.validate().isEmpty(), qPrintable(config.validate().join(u'\n')));
    QVERIFY(SmtpServerConfig::certificateFileProblem(m_cert).isEmpty());
    QVERIFY(SmtpServerConfig::keyFileProblem(m_key).isEmpty());

    // A key of another certificate.
    config.setTlsKeyFile(m_otherKey);
    QList<SmtpServerConfig::Problem> problems = config.problems();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.constFirst().setting, Setting::TlsKey);
    QVERIFY2(problems.constFirst().text.contains(QStringLiteral("does not belong")),
        qPrintable(problems.constFirst().text));

    // Unreadable and not PEM; the key file is not a certificate either.
    const QString missing = m_dir.filePath(QStringLiteral("missing.pem"));
    QVERIFY(SmtpServerConfig::certificateFileProblem(missing).contains(missing));
    QVERIFY(SmtpServerConfig::certificateFileProblem(m_dir.path())
                .contains(QStringLiteral("directory")));
    QVERIFY(SmtpServerConfig::certificateFileProblem(m_junk).contains(
        QStringLiteral("no PEM certificate")));
    QVERIFY(SmtpServerConfig::certificateFileProblem(m_key).contains(
        QStringLiteral("no PEM certificate")));
    QVERIFY(
        SmtpServerConfig::keyFileProblem(m_junk).contains(QStringLiteral("no PEM private key")));
    QVERIFY(
        SmtpServerConfig::keyFileProblem(m_cert).contains(QStringLiteral("no PEM private key")));
    const QString encrypted = write("encrypted.pem",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG\n"
        "-----END ENCRYPTED PRIVATE KEY-----\n");
    QVERIFY(SmtpServerConfig::keyFileProblem(encrypted).contains(QStringLiteral("passphrase")));
    config.setTlsCertificateFile(missing);
    problems = config.problems();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.constFirst().setting, Setting::TlsCertificate);
    QCOMPARE(problems.constFirst().text, SmtpServerConfig::certificateFileProblem(missing));
}

void TestSmtpServerConfig::equalityAndSharing()
{
    SmtpServerConfig a;
    SmtpServerConfig b = a;
    QCOMPARE(a, b);
    b.setHostname(QStringLiteral("mx.test")); // detaches: a keeps its own
    QVERIFY(a != b);
    QVERIFY(a.hostname().isEmpty());
    a.setHostname(QStringLiteral("mx.test"));
    QCOMPARE(a, b);
    b.setListeners({ SmtpListenerConfig(QStringLiteral("localhost"), 1025) });
    QVERIFY(a != b); // the address as written counts, not what it binds
    b.setListeners(a.listeners());
    QCOMPARE(a, b);
    b.setRules(SmtpRuleSet());
    QCOMPARE(a, b);
    SmtpRuleSet rules;
    rules.setDefaultAccept(false);
    b.setRules(rules);
    QVERIFY(a != b);

    SmtpListenerConfig plain(QStringLiteral("::1"), 25);
    SmtpListenerConfig tls = plain;
    tls.setImplicitTls(true);
    QVERIFY(plain != tls);
    QCOMPARE(plain.toString(), QStringLiteral("[::1]:25"));
    SmtpServerConfig moved = std::move(b);
    QCOMPARE(moved.rules(), rules);
}

void TestSmtpServerConfig::mailboxes()
{
    SmtpServerConfig a;
    QVERIFY(!a.mailboxFromAuth());
    SmtpServerConfig b = a;
    b.setMailboxFromAuth(true);
    QVERIFY(a != b);
    SmtpListenerConfig shop(QStringLiteral("127.0.0.1"), 0);
    SmtpListenerConfig plain = shop;
    shop.setMailbox(QStringLiteral("shop"));
    QVERIFY(shop != plain);
    QCOMPARE(plain.mailbox(), QString());
    a.setListeners({ plain, shop });
    QVERIFY(a.problems(SmtpServerConfig::Validation::WithoutTlsFiles).isEmpty());
    SmtpListenerConfig bad = shop;
    bad.setMailbox(QStringLiteral("no/name"));
    a.setListeners({ plain, bad });
    const QList<SmtpServerConfig::Problem> problems
        = a.problems(SmtpServerConfig::Validation::WithoutTlsFiles);
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.constFirst().setting, SmtpServerConfig::Setting::Listener);
    QCOMPARE(problems.constFirst().listener, 1);
    QVERIFY2(problems.constFirst().text.contains(QStringLiteral("“no/name”")),
        qPrintable(problems.constFirst().text));
}

QTEST_GUILESS_MAIN(TestSmtpServerConfig)
#include "tst_smtpserverconfig.moc"
