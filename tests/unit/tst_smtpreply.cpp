#include "smtpreply.h"

#include <QTest>

class TestSmtpReply : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wire_data();
    void wire();
    void rejection_data();
    void rejection();
    void enhancedClassMatchesCode();
};

void TestSmtpReply::wire_data()
{
    QTest::addColumn<SmtpReply>("reply");
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("single") << SmtpReply(250, "2.0.0", QByteArray("OK"))
                            << QByteArray("250 2.0.0 OK\r\n");
    QTest::newRow("no enhanced") << SmtpReply(354, {}, QByteArray("go"))
                                 << QByteArray("354 go\r\n");
    QTest::newRow("multi") << SmtpReply(250, {}, QList<QByteArray> { "a", "b", "c" })
                           << QByteArray("250-a\r\n250-b\r\n250 c\r\n");
    QTest::newRow("multi enhanced") << SmtpReply(214, "2.0.0", QList<QByteArray> { "a", "b" })
                                    << QByteArray("214-2.0.0 a\r\n214 2.0.0 b\r\n");
    QTest::newRow("empty text") << SmtpReply(334, {}, QByteArray()) << QByteArray("334 \r\n");
    QTest::newRow("line break in text is neutralised") << SmtpReply(
        250, "2.0.0", QByteArray("a\r\n250 b")) << QByteArray("250 2.0.0 a  250 b\r\n");
    // The AUTH user name comes from the client: shown in printable ASCII, at most 64 characters.
    QTest::newRow("AUTH user name that is no mailbox name")
        << SmtpReply::authUserNotMailboxName(QStringLiteral("dev@example.com"))
        << QByteArray("535 5.7.8 AUTH user name 'dev@example.com' is no mailbox name (1-64 of "
                      "A-Z a-z 0-9 . _ -)\r\n");
    QTest::newRow("AUTH user name with control and non-ASCII characters")
        << SmtpReply::authUserNotMailboxName(
               QString::fromUtf8("a\r\nb\tj\xc3\xb6rg\xf0\x9f\x98\x80"))
        << QByteArray("535 5.7.8 AUTH user name 'a??b?j?rg?' is no mailbox name (1-64 of "
                      "A-Z a-z 0-9 . _ -)\r\n");
    QTest::newRow("AUTH user name cut after 64 characters")
        << SmtpReply::authUserNotMailboxName(QString(64, QLatin1Char('x')) + QStringLiteral("yz"))
        << QByteArray("535 5.7.8 AUTH user name '" + QByteArray(64, 'x')
               + "...' is no mailbox name (1-64 of A-Z a-z 0-9 . _ -)\r\n");
}

void TestSmtpReply::wire()
{
    QFETCH(SmtpReply, reply);
    QFETCH(QByteArray, wire);
    QCOMPARE(reply.toWire(), wire);
}

void TestSmtpReply::rejection_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("553 default text")
        << 553 << QByteArray() << QByteArray("553 5.1.3 Mailbox name not allowed\r\n");
    QTest::newRow("550 text") << 550 << QByteArray("Nope") << QByteArray("550 5.1.1 Nope\r\n");
    QTest::newRow("own enhanced code")
        << 554 << QByteArray("5.7.1 Relay denied") << QByteArray("554 5.7.1 Relay denied\r\n");
    QTest::newRow("enhanced of wrong class is text")
        << 450 << QByteArray("5.7.1 x") << QByteArray("450 4.2.0 5.7.1 x\r\n");
    QTest::newRow("2xx code is not a rejection")
        << 250 << QByteArray("x") << QByteArray("550 5.1.1 x\r\n");
    QTest::newRow("451") << 451 << QByteArray("later") << QByteArray("451 4.3.0 later\r\n");
}

void TestSmtpReply::rejection()
{
    QFETCH(int, code);
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, wire);
    QCOMPARE(SmtpReply::rejection(code, text).toWire(), wire);
}

void TestSmtpReply::enhancedClassMatchesCode()
{
    // RFC 2034: every 2xx/4xx/5xx reply but greeting and HELO/EHLO carries a code of its class.
    const QList<SmtpReply> replies = {
        SmtpReply::bye(),
        SmtpReply::idleTimeout(),
        SmtpReply::tooManyConnections(),
        SmtpReply::tooManyErrors(),
        SmtpReply::shuttingDown(),
        SmtpReply::ok(),
        SmtpReply::help(),
        SmtpReply::unrecognized(),
        SmtpReply::lineTooLong(),
        SmtpReply::syntax("x"),
        SmtpReply::badSequence("x"),
        SmtpReply::notImplemented("x"),
        SmtpReply::parameterNotImplemented("x"),
        SmtpReply::badSenderSyntax(),
        SmtpReply::badRecipientSyntax(),
        SmtpReply::nonAsciiNotPermitted(),
        SmtpReply::senderOk(),
        SmtpReply::recipientOk(),
        SmtpReply::tooManyRecipients(),
        SmtpReply::recipientUnanswered(),
        SmtpReply::chunkReceived(1),
        SmtpReply::queued("1"),
        SmtpReply::messageTooBig(),
        SmtpReply::sizeExceedsLimit(),
        SmtpReply::localError(),
        SmtpReply::verifyAccepted("a"),
        SmtpReply::verifyUndecided(),
        SmtpReply::readyToStartTls(),
        SmtpReply::tlsAlreadyActive(),
        SmtpReply::tlsRequired(),
        SmtpReply::authRequired(),
        SmtpReply::authSucceeded(),
        SmtpReply::authFailed(),
        SmtpReply::authUserNotMailboxName(QStringLiteral("a@b")),
        SmtpReply::authCancelled(),
        SmtpReply::authMechanismUnknown(),
        SmtpReply::authAlreadyDone(),
        SmtpReply::authBadEncoding(),
    };
    for (const SmtpReply &r : replies) {
        QVERIFY2(r.isValid(), r.toWire().constData());
        QCOMPARE(r.enhanced.size(), 5);
        QCOMPARE(r.enhanced.at(0), char('0' + r.code / 100));
    }
    QVERIFY(SmtpReply::greeting("h").enhanced.isEmpty());
    QVERIFY(SmtpReply::ehlo("h", "c", {}).enhanced.isEmpty());
    QVERIFY(SmtpReply::startData().enhanced.isEmpty());
}

QTEST_GUILESS_MAIN(TestSmtpReply)
#include "tst_smtpreply.moc"
