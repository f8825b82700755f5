// GET|PUT /api/v1/chaos: Mailpit's chaos triggers (Sender, Recipient, Authentication, each an
// ErrorCode and a Probability) read from and written to the server's live fail rules. A trigger
// is a fail rule whose match is "*" at stage mail, rcpt or auth; a PUT replaces those three
// (a trigger left out is reset to off, as in Mailpit) and the next SMTP command sees the change.
// Unlike Mailpit, which needs a flag, the route is there whenever the API is: the API listens on
// loopback by default and sits behind --http-auth when that is set.
#include "httprouter.h"
#include "mailpitroutes.h"

#include <smtpserver.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QPointer>

#include <algorithm>
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

bool isTriggerRule(const SmtpRule &rule, SmtpRule::Stage stage)
{
    return rule.action() == SmtpRule::Action::Fail && rule.stage() == stage
        && rule.match() == QLatin1String("*") && rule.delayMs() == 0 && !rule.disconnect();
}

QJsonObject triggersJson(const SmtpRuleSet &rules)
{
    QJsonObject out;
    const QList<SmtpRule> all = rules.rules();
    for (const Trigger &trigger : triggers) {
        int code = DefaultErrorCode;
        int probability = 0;
        for (const SmtpRule &rule : all) {
            if (isTriggerRule(rule, trigger.stage) && rule.isValid()) {
                code = rule.code();
                probability = rules.failureInjection() ? rule.probability() : 0;
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

// The rules with the PUT's triggers in place of the old ones; false with *error on bad input.
bool applyTriggers(const QByteArray &body, SmtpRuleSet *rules, QString *error)
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

    QList<SmtpRule> kept;
    for (const SmtpRule &rule : rules->rules()) {
        const bool trigger = std::any_of(triggers.cbegin(), triggers.cend(),
            [&rule](const Trigger &t) { return isTriggerRule(rule, t.stage); });
        if (!trigger)
            kept.append(rule);
    }
    QList<SmtpRule> added;
    bool anyOn = false;
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
        added.append(rule);
        anyOn = anyOn || probability > 0;
    }
    // The triggers go first: they strike before any other fail rule of their stage.
    rules->setRules(added + kept);
    if (anyOn)
        rules->setFailureInjection(true);
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
            return HttpResponse::json(triggersJson(server->rules()));
        });
    router.add("PUT", QStringLiteral("/api/v1/chaos"),
        [server, noServer](HttpRequest &request) -> HttpResponse {
            if (!server)
                return noServer();
            SmtpRuleSet rules = server->rules();
            QString error;
            if (!applyTriggers(request.body, &rules, &error))
                return HttpResponse::text(400, error);
            server->setRules(rules);
            return HttpResponse::json(triggersJson(server->rules()));
        });
}
