// POST /api/v1/send through the router, with a real SmtpServer (not listening) and store: the
// message takes SMTP mail's path (sinks, message() signal, statistics) without the recipient
// rules, the answer waits for the commit and carries the store's id, and bad requests, oversized
// messages and failing sinks get one-line errors.
#include "eventprinter.h"
#include "httprouter.h"
#include "mailpitroutes.h"

#include <smtpmaildirsink.h>
#include <smtpmessagestore.h>
#include <smtpmessagesummary.h>
#include <smtpserver.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace {

// A sink that refuses everything, as a full disk does.
class FailingSink : public SmtpMessageSink
{
public:
    void deliver(const SmtpMessage &, Completion done) override
    {
        done(SmtpSinkResult::failure(QStringLiteral("disk full")));
    }
};

QJsonObject mailbox(const QString &email, const QString &name = {})
{
    return QJsonObject { { QStringLiteral("Email"), email }, { QStringLiteral("Name"), name } };
}

QJsonObject request()
{
    return QJsonObject {
        { QStringLiteral("From"),
            mailbox(QStringLiteral("app@example.com"), QStringLiteral("App")) },
        { QStringLiteral("To"),
            QJsonArray { mailbox(QStringLiteral("user@example.com"), QStringLiteral("User")) } },
        { QStringLiteral("Cc"), QJsonArray { mailbox(QStringLiteral("copy@example.com")) } },
        { QStringLiteral("Bcc"), QJsonArray { QStringLiteral("hidden@example.org") } },
        { QStringLiteral("Subject"), QStringLiteral("Sent through the API") },
        { QStringLiteral("Text"), QStringLiteral("Hello\n") },
        { QStringLiteral("HTML"), QStringLiteral("<p>Hello</p>") },
        { QStringLiteral("Tags"), QJsonArray { QStringLiteral("ignored") } },
    };
}

} // namespace

class TestMailpitSendRoute : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SmtpMessageStore> m_store;
    std::unique_ptr<SmtpServer> m_server;
    std::unique_ptr<HttpRouter> m_router;

    static HttpRequest post(const QByteArray &body)
    {
        HttpRequest r;
        r.method = "POST";
        r.path = "/api/v1/send";
        r.target = r.path;
        r.headers.append(std::pair<QByteArray, QByteArray>("content-type", "application/json"));
        r.body = body;
        return r;
    }
    static HttpRequest post(const QJsonObject &body)
    {
        return post(QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    // Dispatches the way the transport does and waits for the (possibly deferred) answer.
    std::optional<HttpResponse> send(const HttpRouter &router, HttpRequest request)
    {
        auto answer = std::make_shared<std::optional<HttpResponse>>();
        auto calls = std::make_shared<int>(0);
        router.dispatch(request, [answer, calls](const HttpResponse &response) {
            *answer = response;
            ++*calls;
        });
        if (!QTest::qWaitFor([&] { return answer->has_value(); }, 10000))
            return std::nullopt;
        if (*calls != 1)
            return std::nullopt;
        return *answer;
    }
    std::optional<HttpResponse> send(HttpRequest request) { return send(*m_router, request); }

    static QString idOf(const HttpResponse &response)
    {
        return QJsonDocument::fromJson(response.body)
            .object()
            .value(QStringLiteral("ID"))
            .toString();
    }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<SmtpMessageStore>();
        QVERIFY2(m_store->open(QStringLiteral(":memory:")), qPrintable(m_store->errorString()));
        m_server = std::make_unique<SmtpServer>();
        m_server->addMessageSink(m_store.get());
        m_router = std::make_unique<HttpRouter>();
        addMailpitSendRoute(*m_router,
            MailpitContext { m_store.get(), m_server.get(), QDateTime::currentDateTimeUtc() });
    }

    void cleanup()
    {
        m_router.reset();
        m_server.reset();
        m_store.reset();
    }

    void sentMailTakesTheSmtpPath()
    {
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        QSignalSpy added(m_store.get(), &SmtpMessageStore::messagesAdded);
        const auto response = send(post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->contentType.left(16), QByteArray("application/json"));
        const QString id = idOf(*response);
        QVERIFY(!id.isEmpty());

        // The answer came after the commit, and message() follows every sink's confirmation.
        QVERIFY(added.count() == 1 || added.wait(5000));
        QVERIFY(messages.count() == 1 || messages.wait(5000));
        QCOMPARE(messages.count(), 1);
        const SmtpMessage message = messages.at(0).at(0).value<SmtpMessage>();
        QCOMPARE(QString::number(message.id()), id);
        QCOMPARE(message.remoteAddress(), QString());
        QCOMPARE(message.helo(), QString());
        QCOMPARE(message.mailFrom(), QStringLiteral("app@example.com"));
        QCOMPARE(message.rcptTos(),
            (QStringList { QStringLiteral("user@example.com"), QStringLiteral("copy@example.com"),
                QStringLiteral("hidden@example.org") }));
        QVERIFY(message.receivedAt().isValid());
        QCOMPARE(message.subject(), QStringLiteral("Sent through the API"));
        QCOMPARE(m_server->messageCount(), 1);
        QCOMPARE(m_server->byteCount(), message.size());

        // Stored as built, and the store's parser reads it back.
        QCOMPARE(m_store->rawData(id.toLongLong()), message.data());
        const auto stored = m_store->message(id.toLongLong());
        QVERIFY(stored);
        QCOMPARE(stored->summary().subject, QStringLiteral("Sent through the API"));
        QCOMPARE(stored->rootPart().contentType(), QStringLiteral("multipart/alternative"));
        QCOMPARE(stored->htmlBody(), QStringLiteral("<p>Hello</p>"));
        QCOMPARE(stored->textBody(), QStringLiteral("Hello\r\n"));
        QCOMPARE(stored->summary().rcptTos, message.rcptTos());
        QVERIFY(stored->header(QStringLiteral("Bcc")).isEmpty());
    }

    void theHeadlessRunnersLineIsThatOfSmtpMail()
    {
        // The line the headless runner prints for every message() (headlessrunner.cpp).
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        const auto response = send(post(request()));
        QVERIFY(response);
        QVERIFY(messages.count() == 1 || messages.wait(5000));
        const SmtpMessage message = messages.at(0).at(0).value<SmtpMessage>();
        SmtpMessageSummary summary = SmtpMessageSummary::fromEnvelope(message);
        summary.subject = message.subject();
        const QJsonObject line
            = QJsonDocument::fromJson(EventPrinter::messageJson(summary)).object();
        QCOMPARE(line.value(QStringLiteral("event")).toString(), QStringLiteral("message"));
        QCOMPARE(line.value(QStringLiteral("id")).toVariant().toString(), idOf(*response));
        QCOMPARE(line.value(QStringLiteral("remoteAddress")).toString(), QString());
        QVERIFY(line.contains(QStringLiteral("remoteAddress")));
        QCOMPARE(line.value(QStringLiteral("helo")).toString(), QString());
        QCOMPARE(
            line.value(QStringLiteral("mailfrom")).toString(), QStringLiteral("app@example.com"));
        QCOMPARE(line.value(QStringLiteral("rcpttos")).toArray().size(), 3);
        QCOMPARE(line.value(QStringLiteral("subject")).toString(),
            QStringLiteral("Sent through the API"));
        QCOMPARE(line.value(QStringLiteral("size")).toInteger(), message.size());
    }

    void goesThroughEverySink()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SmtpMaildirSink maildir(dir.path());
        QVERIFY2(maildir.open(), qPrintable(maildir.errorString()));
        m_server->addMessageSink(&maildir);
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        const auto response = send(post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(messages.count() == 1 || messages.wait(5000));
        const QStringList files = QDir(dir.filePath(QStringLiteral("new"))).entryList(QDir::Files);
        QCOMPARE(files.size(), 1);
        m_server->removeMessageSink(&maildir);
    }

    void recipientRulesDoNotApply()
    {
        // Rules that would reject or rewrite every recipient, and a handler that would refuse
        // them: the send API asks neither.
        SmtpRuleSet rules;
        SmtpRule rewrite(QStringLiteral("*"), SmtpRule::Action::Rewrite);
        rewrite.setRewriteTo(QStringLiteral("rewritten@example.net"));
        rules.append(rewrite);
        rules.append(SmtpRule(QStringLiteral("*"), SmtpRule::Action::Reject));
        rules.setDefaultAccept(false);
        m_server->setRules(rules);
        int asked = 0;
        connect(m_server.get(), &SmtpServer::recipient, this, [&asked](SmtpRecipient *r) {
            ++asked;
            r->reject(550, QStringLiteral("no"));
        });
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        const auto response = send(post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(messages.count() == 1 || messages.wait(5000));
        QCOMPARE(asked, 0);
        QCOMPARE(messages.at(0).at(0).value<SmtpMessage>().rcptTos().first(),
            QStringLiteral("user@example.com"));
    }

    void internationalAddressesAreSmtpUtf8()
    {
        QJsonObject body = request();
        body.insert(QStringLiteral("To"),
            QJsonArray {
                mailbox(QStringLiteral("jürgen@bücher.example"), QStringLiteral("Jürgen")) });
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        const auto response = send(post(body));
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QVERIFY(messages.count() == 1 || messages.wait(5000));
        const SmtpMessage message = messages.at(0).at(0).value<SmtpMessage>();
        QVERIFY(message.isSmtpUtf8());
        QCOMPARE(message.rcptTos().first(), QStringLiteral("jürgen@bücher.example"));
        const auto stored = m_store->message(message.id());
        QVERIFY(stored);
        QVERIFY2(stored->summary().to.contains(QStringLiteral("jürgen@bücher.example")),
            qPrintable(stored->summary().to));

        // Plain ASCII mail is not.
        const auto plain = send(post(request()));
        QVERIFY(plain);
        QVERIFY(messages.count() == 2 || messages.wait(5000));
        QVERIFY(!messages.at(1).at(0).value<SmtpMessage>().isSmtpUtf8());
    }

    void badRequestsGetOneLine_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        QJsonObject noRecipient = request();
        noRecipient.remove(QStringLiteral("To"));
        noRecipient.remove(QStringLiteral("Cc"));
        noRecipient.remove(QStringLiteral("Bcc"));
        QJsonObject badAddress = request();
        badAddress.insert(QStringLiteral("To"), QJsonArray { mailbox(QStringLiteral("nobody")) });
        QJsonObject injection = request();
        injection.insert(QStringLiteral("Headers"),
            QJsonObject { { QStringLiteral("X-A"), QStringLiteral("1\r\nBcc: x@y.z") } });
        QJsonObject badBase64 = request();
        badBase64.insert(QStringLiteral("Attachments"),
            QJsonArray { QJsonObject { { QStringLiteral("Content"), QStringLiteral("***") },
                { QStringLiteral("Filename"), QStringLiteral("a.bin") } } });
        QJsonObject crowd = request();
        QJsonArray bcc;
        for (int i = 0; i < 1000; ++i)
            bcc.append(QStringLiteral("r%1@example.com").arg(i));
        crowd.insert(QStringLiteral("Bcc"), bcc); // and To and Cc: 1,002
        const auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(); };
        QTest::newRow("1002 recipients") << json(crowd)
                                         << QStringLiteral("too many recipients (To, Cc and Bcc "
                                                           "together): 1002, at most 1000 are "
                                                           "allowed");
        QTest::newRow("invalid JSON") << QByteArray("{") << QStringLiteral("invalid JSON");
        QTest::newRow("no body") << QByteArray() << QStringLiteral("invalid JSON");
        QTest::newRow("no From.Email") << QByteArray("{\"To\":[{\"Email\":\"a@b.c\"}]}")
                                       << QStringLiteral("From.Email is required");
        QTest::newRow("no recipient") << json(noRecipient) << QStringLiteral("no recipients");
        QTest::newRow("invalid address")
            << json(badAddress) << QStringLiteral("invalid To address: nobody");
        QTest::newRow("header injection") << json(injection) << QStringLiteral("line breaks");
        QTest::newRow("bad base64") << json(badBase64) << QStringLiteral("error decoding base64");
    }

    void badRequestsGetOneLine()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        HttpRequest r = post(body);
        const HttpResponse response = m_router->dispatch(r);
        QCOMPARE(response.status, 400);
        QVERIFY(response.contentType.startsWith("text/plain"));
        const QString text = QString::fromUtf8(response.body).trimmed();
        QVERIFY2(text.contains(error), qPrintable(text));
        QVERIFY(!text.contains(QLatin1Char('\n')));
        // Refused before anything was handed to a sink: nothing can follow.
        QCOMPARE(m_store->count(), 0);
        QCOMPARE(messages.count(), 0);
    }

    void messageOverTheSizeLimitIs413()
    {
        m_server->setMaxMessageSize(4096);
        QJsonObject big = request();
        big.insert(QStringLiteral("Attachments"),
            QJsonArray { QJsonObject { { QStringLiteral("Content"),
                                           QString::fromLatin1(QByteArray(4096, 'x').toBase64()) },
                { QStringLiteral("Filename"), QStringLiteral("big.bin") } } });
        HttpRequest r = post(big);
        const HttpResponse response = m_router->dispatch(r);
        QCOMPARE(response.status, 413);
        QVERIFY(!response.body.contains('\n')
            || response.body.indexOf('\n') == response.body.size() - 1);
        QCOMPARE(m_store->count(), 0);

        // Just under the limit is taken.
        big.insert(QStringLiteral("Attachments"), QJsonArray {});
        const auto small = send(post(big));
        QVERIFY(small);
        QCOMPARE(small->status, 200);
    }

    void failingSinkIs503()
    {
        FailingSink sink;
        m_server->addMessageSink(&sink);
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        QSignalSpy errors(m_server.get(), &SmtpServer::errorOccurred);
        const auto response = send(post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 503);
        QVERIFY2(response->body.contains("disk full"), response->body.constData());
        QCOMPARE(errors.count(), 1);
        QCOMPARE(messages.count(), 0);
        QCOMPARE(m_server->messageCount(), 0);
        m_server->removeMessageSink(&sink);
    }

    // With a pool of builders, the JSON is read and the message built on a worker, not on the
    // thread that dispatches (which serves the SMTP sessions too); the answer waits for it.
    void theMessageIsBuiltOnAWorker()
    {
        HttpWorkerPool builders;
        HttpRouter router;
        addMailpitSendRoute(router,
            MailpitContext { m_store.get(), m_server.get(), QDateTime::currentDateTimeUtc(),
                nullptr, nullptr, &builders });
        builders.setHeldForTest(true);
        auto answer = std::make_shared<std::optional<HttpResponse>>();
        HttpRequest r = post(request());
        router.dispatch(r, [answer](const HttpResponse &response) { *answer = response; });
        QCOMPARE(builders.pendingCount(), 1);
        QVERIFY(!answer->has_value());
        QCOMPARE(m_server->messageCount(), 0);
        builders.setHeldForTest(false);
        QTRY_VERIFY(answer->has_value());
        QCOMPARE((*answer)->status, 200);
        const qint64 id = idOf(**answer).toLongLong();
        QVERIFY(id > 0);
        QCOMPARE(m_store->message(id)->summary().subject, QStringLiteral("Sent through the API"));

        // A refusal comes back the same way.
        answer->reset();
        HttpRequest bad = post(QByteArray("{"));
        router.dispatch(bad, [answer](const HttpResponse &response) { *answer = response; });
        QTRY_VERIFY(answer->has_value());
        QCOMPARE((*answer)->status, 400);
        QCOMPARE(builders.pendingCount(), 0);
    }

    void withoutAServerTheStoreTakesIt()
    {
        HttpRouter router;
        addMailpitSendRoute(
            router, MailpitContext { m_store.get(), nullptr, QDateTime::currentDateTimeUtc() });
        QSignalSpy serverMessages(m_server.get(), &SmtpServer::message);
        const auto response = send(router, post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        const qint64 id = idOf(*response).toLongLong();
        QVERIFY(id > 0);
        const auto stored = m_store->message(id);
        QVERIFY(stored);
        QCOMPARE(stored->message().remoteAddress(), QString());
        QCOMPARE(stored->summary().subject, QStringLiteral("Sent through the API"));
        QCOMPARE(serverMessages.count(), 0);
    }

    void withoutAServerAClosedStoreIs503()
    {
        HttpRouter router;
        SmtpMessageStore closed;
        addMailpitSendRoute(
            router, MailpitContext { &closed, nullptr, QDateTime::currentDateTimeUtc() });
        const auto response = send(router, post(request()));
        QVERIFY(response);
        QCOMPARE(response->status, 503);
        QVERIFY(response->body.contains("not open"));
    }

    void synchronousDispatchDoesNotSend()
    {
        // A caller that cannot wait gets 500, and nothing was handed to the server: the route's
        // deferred part, which submits, never ran.
        HttpRequest r = post(request());
        const HttpResponse response = m_router->dispatch(r);
        QCOMPARE(response.status, 500);
        QCOMPARE(m_server->messageCount(), 0);
        QCOMPARE(m_store->count(), 0);
    }

    void submitWithoutAContextStillAnswers()
    {
        SmtpMessage message;
        message.setMailFrom(QStringLiteral("a@example.com"));
        message.setRcptTos({ QStringLiteral("b@example.com") });
        message.setData("Subject: direct\r\n\r\nbody\r\n");
        std::optional<SmtpMessage> stored;
        QString error = QStringLiteral("not called");
        m_server->submit(message, nullptr, [&](const SmtpMessage &m, const QString &e) {
            stored = m;
            error = e;
        });
        QTRY_VERIFY(stored.has_value());
        QCOMPARE(error, QString());
        QVERIFY(stored->id() > 0);
        QVERIFY(stored->receivedAt().isValid());
        QCOMPARE(m_store->rawData(stored->id()), message.data());
    }

    void submitDropsTheAnswerWhenTheContextIsGone()
    {
        QSignalSpy messages(m_server.get(), &SmtpServer::message);
        auto context = std::make_unique<QObject>();
        bool called = false;
        SmtpMessage message;
        message.setRcptTos({ QStringLiteral("b@example.com") });
        message.setData("Subject: gone\r\n\r\nbody\r\n");
        m_server->submit(message, context.get(),
            [&called](const SmtpMessage &, const QString &) { called = true; });
        context.reset();
        // message() is emitted right after done would have been called.
        QVERIFY(messages.wait(5000));
        QVERIFY(!called);
    }
};

QTEST_GUILESS_MAIN(TestMailpitSendRoute)
#include "tst_mailpitsendroute.moc"
