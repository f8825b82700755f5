// GET|PUT /api/v1/chaos: Mailpit's chaos triggers (Sender, Recipient, Authentication, each an
// ErrorCode and a Probability), kept as the server's chaosTriggers(): fail rules whose match is
// "*" at stage mail, rcpt or auth, apart from the rules. A PUT replaces the three (a trigger left
// out is reset to off, as in Mailpit) and the next SMTP command sees the change; it never
// touches the rules, whose fail rules (a rules file's, the settings') and failure injection
// switch stay as configured, and loading rules never touches the triggers. GET reports the
// triggers alone. Unlike Mailpit, which needs a flag, the route is there whenever the API is:
// the API listens on loopback by default and sits behind --http-auth when that is set.
#include "httprouter.h"
#include "mailpitroutes.h"

#include <smtpserver.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QPointer>

#include <array>
#include <cmath>

namespace {

constexpr int DefaultErrorCode = 451; // what Mailpit reports for a trigger that is off

struct Trigger
{
    const char *name;
    SmtpRule::Stage stage;
};

constexpr std::array<Trigger, 3> triggers { {
    { "Sender", SmtpRule::Stage::Mail },
    { "Recipient", SmtpRule::Stage::Rcpt },
    { "Authentication", SmtpRule::Stage::Auth },
} };

QJsonObject triggersJson(const QList<SmtpRule> &all)
{
    QJsonObject out;
    for (const Trigger &trigger : triggers) {
        int code = DefaultErrorCode;
        int probability = 0;
        for (const SmtpRule &rule : all) {
            if (rule.action() == SmtpRule::Action::Fail && rule.stage() == trigger.stage
                && rule.isValid()) {
                code = rule.code();
                probability = rule.probability();
                break;
            }
        }
        out.insert(QLatin1String(trigger.name),
            QJsonObject { { QStringLiteral("ErrorCode"), code },
                { QStringLiteral("Probability"), probability } });
    }
    return out;
}

bool readNumber(const QJsonObject &object, const char *key, int low, int high, int *out,
    QString *error, const char *trigger)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined())
        return true;
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != std::floor(number) || number < low || number > high) {
        *error = QStringLiteral("%1.%2 must be an integer from %3 to %4")
                     .arg(QLatin1String(trigger), QLatin1String(key))
                     .arg(low)
                     .arg(high);
        return false;
    }
    *out = int(number);
    return true;
}

// The PUT's triggers, in place of all the old ones; false with *error on bad input.
bool readTriggers(const QByteArray &body, QList<SmtpRule> *out, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("the body is not a JSON object");
        return false;
    }
    QJsonObject top = document.object();
    // Mailpit's clients send the triggers as they are; its documentation names the body
    // "Triggers". Both are taken.
    if (top.value(QLatin1String("Triggers")).isObject())
        top = top.value(QLatin1String("Triggers")).toObject();

    QList<SmtpRule> added;
    for (const Trigger &trigger : triggers) {
        const QJsonValue value = top.value(QLatin1String(trigger.name));
        if (value.isUndefined() || value.isNull())
            continue; // reset: no rule
        if (!value.isObject()) {
            *error = QStringLiteral("%1 is not an object").arg(QLatin1String(trigger.name));
            return false;
        }
        const QJsonObject object = value.toObject();
        int code = DefaultErrorCode;
        int probability = 0;
        if (!readNumber(object, "ErrorCode", 400, 599, &code, error, trigger.name)
            || !readNumber(object, "Probability", 0, 100, &probability, error, trigger.name))
            return false;
        if (probability == 0 && code == DefaultErrorCode)
            continue; // the same as off
        SmtpRule rule(QStringLiteral("*"), SmtpRule::Action::Fail);
        rule.setStage(trigger.stage);
        rule.setCode(code);
        rule.setMessage(QStringLiteral("Chaos: %1 failure injected")
                            .arg(QString::fromLatin1(trigger.name).toLower()));
        rule.setProbability(probability);
        added.append(rule); // one with probability 0 keeps its code for GET, as in Mailpit
    }
    *out = added;
    return true;
}

} // namespace

void addMailpitChaosRoute(HttpRouter &router, const MailpitContext &context)
{
    QPointer<SmtpServer> server(context.server);
    const auto noServer = [] {
        return HttpResponse::text(400, QStringLiteral("there is no SMTP server to inject into"));
    };
    router.add(
        "GET", QStringLiteral("/api/v1/chaos"), [server, noServer](HttpRequest &) -> HttpResponse {
            if (!server)
                return noServer();
            return HttpResponse::json(triggersJson(server->chaosTriggers()));
        });
    router.add("PUT", QStringLiteral("/api/v1/chaos"),
        [server, noServer](HttpRequest &request) -> HttpResponse {
            if (!server)
                return noServer();
            QList<SmtpRule> next;
            QString error;
            if (!readTriggers(request.body, &next, &error))
                return HttpResponse::text(400, error);
            server->setChaosTriggers(next);
            return HttpResponse::json(triggersJson(server->chaosTriggers()));
        });
}
