// SmtpRuleSet's JSON: reading and writing the rules file of contract.md ("Rules file"), with
// errors that name the rule and what is wrong with it. Only the public API of the rules is used.
#include "smtpmessage.h"
#include "smtprules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace {

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QString ruleLabel(qsizetype index, const QJsonObject &object)
{
    QString label = QStringLiteral("rule %1").arg(index + 1);
    const QJsonValue match = object.value(QLatin1String("match"));
    if (match.isString() && !match.toString().isEmpty())
        label += QStringLiteral(" (") + quoted(match.toString()) + QLatin1Char(')');
    return label;
}

// An integer JSON value in [low, high] into *out; false with *error naming the key otherwise.
bool readInteger(
    const QJsonValue &value, const char *key, int low, int high, int *out, QString *error)
{
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number != std::floor(number)) {
        *error = QStringLiteral("\"%1\" is not an integer").arg(QLatin1String(key));
        return false;
    }
    if (number < low || number > high) {
        *error = QStringLiteral("\"%1\" %2 is not between %3 and %4")
                     .arg(QLatin1String(key), QString::number(number, 'g', 17))
                     .arg(low)
                     .arg(high);
        return false;
    }
    *out = int(number);
    return true;
}

// stage, probability, delayMs and disconnect: required or allowed with "fail", refused otherwise.
bool parseFailFields(
    const QJsonObject &object, SmtpRule::Action action, SmtpRule *rule, QString *error)
{
    const QJsonValue stage = object.value(QLatin1String("stage"));
    const QJsonValue probability = object.value(QLatin1String("probability"));
    const QJsonValue delay = object.value(QLatin1String("delayMs"));
    const QJsonValue disconnect = object.value(QLatin1String("disconnect"));
    if (action != SmtpRule::Action::Fail) {
        for (const auto &[value, key] :
            { std::pair { &stage, "stage" }, std::pair { &probability, "probability" },
                std::pair { &delay, "delayMs" }, std::pair { &disconnect, "disconnect" } }) {
            if (!value->isUndefined()) {
                *error = QStringLiteral("\"%1\" only goes with \"action\": \"fail\"")
                             .arg(QLatin1String(key));
                return false;
            }
        }
        return true;
    }
    if (stage.isUndefined()) {
        *error = QStringLiteral("fail without \"stage\" (mail, rcpt, data or auth)");
        return false;
    }
    static const QList<std::pair<QString, SmtpRule::Stage>> stages {
        { QStringLiteral("mail"), SmtpRule::Stage::Mail },
        { QStringLiteral("rcpt"), SmtpRule::Stage::Rcpt },
        { QStringLiteral("data"), SmtpRule::Stage::Data },
        { QStringLiteral("auth"), SmtpRule::Stage::Auth },
    };
    const auto found = std::find_if(stages.cbegin(), stages.cend(), [&stage](const auto &entry) {
        return stage.isString() && stage.toString() == entry.first;
    });
    if (found == stages.cend()) {
        *error = QStringLiteral("unknown stage %1 (expected mail, rcpt, data or auth)")
                     .arg(stage.isString() ? quoted(stage.toString())
                                           : QStringLiteral("that is not a string"));
        return false;
    }
    rule->setStage(found->second);
    if (!disconnect.isUndefined()) {
        if (!disconnect.isBool()) {
            *error = QStringLiteral("\"disconnect\" is not true or false");
            return false;
        }
        rule->setDisconnect(disconnect.toBool());
    }
    if (object.value(QLatin1String("code")).isUndefined() && !rule->disconnect()) {
        *error = QStringLiteral("fail without \"code\" (a 4xx or 5xx reply code)");
        return false;
    }
    if (object.value(QLatin1String("message")).isUndefined())
        rule->setMessage(SmtpRule::defaultFailMessage());
    int number = 0;
    if (!probability.isUndefined()) {
        if (!readInteger(probability, "probability", 0, 100, &number, error))
            return false;
        rule->setProbability(number);
    }
    if (!delay.isUndefined()) {
        if (!readInteger(delay, "delayMs", 0, SmtpRule::MaxDelayMs, &number, error))
            return false;
        rule->setDelayMs(number);
    }
    return true;
}

bool parseRule(const QJsonValue &value, qsizetype index, SmtpRule *rule, QString *error)
{
    if (!value.isObject()) {
        *error = QStringLiteral("rule %1: not an object").arg(index + 1);
        return false;
    }
    const QJsonObject object = value.toObject();
    const QString label = ruleLabel(index, object);
    const auto fail = [&](const QString &why) {
        *error = label + QStringLiteral(": ") + why;
        return false;
    };

    static const QStringList knownKeys { QStringLiteral("match"), QStringLiteral("action"),
        QStringLiteral("to"), QStringLiteral("code"), QStringLiteral("message"),
        QStringLiteral("stage"), QStringLiteral("probability"), QStringLiteral("delayMs"),
        QStringLiteral("disconnect"), QStringLiteral("relay"), QStringLiteral("mailbox") };
    const QStringList keys = object.keys();
    for (const QString &key : keys) {
        if (!knownKeys.contains(key))
            return fail(QStringLiteral("unknown key %1 (known: match, action, to, code, message, "
                                       "stage, probability, delayMs, disconnect, relay, mailbox)")
                            .arg(quoted(key)));
    }

    const QJsonValue match = object.value(QLatin1String("match"));
    if (match.isUndefined())
        return fail(QStringLiteral("missing \"match\""));
    if (!match.isString())
        return fail(QStringLiteral("\"match\" is not a string"));
    if (match.toString().isEmpty())
        return fail(QStringLiteral("empty \"match\""));

    const QJsonValue action = object.value(QLatin1String("action"));
    if (action.isUndefined())
        return fail(QStringLiteral("missing \"action\""));
    const QString actionText = action.toString();
    SmtpRule::Action parsedAction;
    if (action.isString() && actionText == u"accept")
        parsedAction = SmtpRule::Action::Accept;
    else if (action.isString() && actionText == u"reject")
        parsedAction = SmtpRule::Action::Reject;
    else if (action.isString() && actionText == u"rewrite")
        parsedAction = SmtpRule::Action::Rewrite;
    else if (action.isString() && actionText == u"fail")
        parsedAction = SmtpRule::Action::Fail;
    else
        return fail(QStringLiteral("unknown action %1 (expected accept, reject, rewrite or fail)")
                        .arg(action.isString() ? quoted(actionText)
                                               : QStringLiteral("that is not a string")));

    SmtpRule parsed(match.toString(), parsedAction);

    const QJsonValue to = object.value(QLatin1String("to"));
    if (!to.isUndefined()) {
        if (!to.isString())
            return fail(QStringLiteral("\"to\" is not a string"));
        parsed.setRewriteTo(to.toString());
    } else if (parsedAction == SmtpRule::Action::Rewrite) {
        return fail(QStringLiteral("rewrite without \"to\""));
    }

    const QJsonValue code = object.value(QLatin1String("code"));
    if (!code.isUndefined()) {
        const double number = code.toDouble(-1);
        if (!code.isDouble() || number != std::floor(number))
            return fail(QStringLiteral("\"code\" is not an integer"));
        if (number < 400 || number > 599)
            return fail(QStringLiteral("code %1 is not a 4xx or 5xx reply code")
                            .arg(QString::number(number, 'g', 17)));
        parsed.setCode(int(number));
    }

    const QJsonValue message = object.value(QLatin1String("message"));
    if (!message.isUndefined()) {
        if (!message.isString())
            return fail(QStringLiteral("\"message\" is not a string"));
        parsed.setMessage(message.toString());
    }

    QString failError;
    if (!parseFailFields(object, parsedAction, &parsed, &failError))
        return fail(failError);
    const QJsonValue relay = object.value(QLatin1String("relay"));
    if (!relay.isUndefined()) {
        if (!relay.isBool())
            return fail(QStringLiteral("\"relay\" is not true or false"));
        if (parsedAction != SmtpRule::Action::Accept)
            return fail(QStringLiteral("\"relay\" only goes with \"action\": \"accept\""));
        parsed.setRelay(relay.toBool());
    }

    const QJsonValue mailbox = object.value(QLatin1String("mailbox"));
    if (!mailbox.isUndefined()) {
        if (!mailbox.isString())
            return fail(QStringLiteral("\"mailbox\" is not a string"));
        if (parsedAction != SmtpRule::Action::Accept && parsedAction != SmtpRule::Action::Rewrite)
            return fail(
                QStringLiteral("\"mailbox\" only goes with \"action\": \"accept\" or \"rewrite\""));
        if (!SmtpMessage::isValidMailboxName(mailbox.toString()))
            return fail(QStringLiteral("mailbox %1 is not 1-64 characters of A-Z a-z 0-9 . _ -")
                            .arg(quoted(mailbox.toString())));
        parsed.setMailbox(mailbox.toString());
    }

    const QString ruleError = parsed.errorString();
    if (!ruleError.isEmpty())
        return fail(ruleError);
    *rule = parsed;
    return true;
}

void appendJsonString(QByteArray *out, const QString &text)
{
    out->append('"');
    const qsizetype n = text.size();
    qsizetype plain = 0; // start of the run of characters that need no escaping
    const auto flush
        = [&](qsizetype end) { out->append(QStringView(text).mid(plain, end - plain).toUtf8()); };
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t u = text.at(i).unicode();
        if (QChar::isHighSurrogate(u) && i + 1 < n && text.at(i + 1).isLowSurrogate()) {
            ++i; // a valid pair goes out as UTF-8
            continue;
        }
        const bool control = u < 0x20 || QChar::isSurrogate(u); // a lone surrogate too
        if (!control && u != u'"' && u != u'\\')
            continue;
        flush(i);
        plain = i + 1;
        switch (u) {
        case u'"':
            out->append("\\\"");
            break;
        case u'\\':
            out->append("\\\\");
            break;
        case u'\n':
            out->append("\\n");
            break;
        case u'\r':
            out->append("\\r");
            break;
        case u'\t':
            out->append("\\t");
            break;
        default:
            out->append("\\u");
            out->append(QByteArray::number(u, 16).rightJustified(4, '0'));
        }
    }
    flush(n);
    out->append('"');
}

const char *actionName(SmtpRule::Action action)
{
    switch (action) {
    case SmtpRule::Action::Accept:
        return "accept";
    case SmtpRule::Action::Reject:
        return "reject";
    case SmtpRule::Action::Rewrite:
        return "rewrite";
    case SmtpRule::Action::Fail:
        return "fail";
    }
    return "accept";
}

} // namespace

bool SmtpRuleSet::fromJson(const QByteArray &json, SmtpRuleSet *rules, QString *errorString)
{
    QString error;
    const auto fail = [&](const QString &why) {
        if (errorString)
            *errorString = why;
        return false;
    };

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("invalid JSON: %1 at offset %2")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!document.isObject())
        return fail(QStringLiteral("the top level is not a JSON object"));
    const QJsonObject top = document.object();

    const QStringList keys = top.keys();
    for (const QString &key : keys) {
        if (key != u"default" && key != u"rules" && key != u"failureInjection")
            return fail(QStringLiteral("unknown key %1 (known: default, failureInjection, rules)")
                            .arg(quoted(key)));
    }

    SmtpRuleSet result;
    const QJsonValue defaultValue = top.value(QLatin1String("default"));
    if (!defaultValue.isUndefined()) {
        const QString name = defaultValue.toString();
        if (defaultValue.isString() && name == u"accept")
            result.setDefaultAccept(true);
        else if (defaultValue.isString() && name == u"reject")
            result.setDefaultAccept(false);
        else
            return fail(QStringLiteral("unknown \"default\" %1 (expected accept or reject)")
                            .arg(defaultValue.isString() ? quoted(name)
                                                         : QStringLiteral("that is not a string")));
    }

    const QJsonValue failureInjection = top.value(QLatin1String("failureInjection"));
    if (!failureInjection.isUndefined()) {
        if (!failureInjection.isBool())
            return fail(QStringLiteral("\"failureInjection\" is not true or false"));
        result.setFailureInjection(failureInjection.toBool());
    }

    const QJsonValue rulesValue = top.value(QLatin1String("rules"));
    if (!rulesValue.isUndefined()) {
        if (!rulesValue.isArray())
            return fail(QStringLiteral("\"rules\" is not an array"));
        const QJsonArray array = rulesValue.toArray();
        QList<SmtpRule> parsed;
        parsed.reserve(array.size());
        for (qsizetype i = 0; i < array.size(); ++i) {
            SmtpRule rule;
            if (!parseRule(array.at(i), i, &rule, &error))
                return fail(error);
            parsed.append(rule);
        }
        result.setRules(parsed);
    }

    if (rules)
        *rules = result;
    if (errorString)
        errorString->clear();
    return true;
}

QByteArray SmtpRuleSet::toJson() const
{
    // Written by hand to keep the order of contract.md (match, action, stage, to, code, message,
    // probability, delayMs, disconnect, relay) and one rule per line; default-valued optional
    // fields are left out.
    const SmtpRule defaults;
    const QList<SmtpRule> all = rules();
    QByteArray out = "{\n    \"default\": ";
    out += defaultAccept() ? "\"accept\"" : "\"reject\"";
    if (!failureInjection())
        out += ",\n    \"failureInjection\": false";
    out += ",\n    \"rules\": [";
    for (qsizetype i = 0; i < all.size(); ++i) {
        const SmtpRule &rule = all.at(i);
        out += i == 0 ? "\n" : ",\n";
        out += "        { \"match\": ";
        appendJsonString(&out, rule.match());
        out += ", \"action\": \"";
        out += actionName(rule.action());
        out += '"';
        const bool failRule = rule.action() == SmtpRule::Action::Fail;
        if (failRule) {
            out += ", \"stage\": \"";
            out += SmtpRule::stageName(rule.stage());
            out += '"';
        }
        if (!rule.rewriteTo().isEmpty()) {
            out += ", \"to\": ";
            appendJsonString(&out, rule.rewriteTo());
        }
        if (rule.code() != defaults.code() || failRule) {
            out += ", \"code\": ";
            out += QByteArray::number(rule.code());
        }
        if (rule.message() != defaults.message()) {
            out += ", \"message\": ";
            appendJsonString(&out, rule.message());
        }
        if (failRule && rule.probability() != defaults.probability())
            out += ", \"probability\": " + QByteArray::number(rule.probability());
        if (failRule && rule.delayMs() != 0)
            out += ", \"delayMs\": " + QByteArray::number(rule.delayMs());
        if (failRule && rule.disconnect())
            out += ", \"disconnect\": true";
        if (rule.action() == SmtpRule::Action::Accept && rule.relay())
            out += ", \"relay\": true";
        if (!rule.mailbox().isEmpty()) {
            out += ", \"mailbox\": ";
            appendJsonString(&out, rule.mailbox());
        }
        out += " }";
    }
    out += all.isEmpty() ? "]\n}\n" : "\n    ]\n}\n";
    return out;
}

bool SmtpRuleSet::load(const QString &fileName, SmtpRuleSet *rules, QString *errorString)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        if (errorString)
            *errorString
                = QStringLiteral("cannot read rules file %1: %2").arg(fileName, file.errorString());
        return false;
    }
    const QByteArray json = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        if (errorString)
            *errorString
                = QStringLiteral("cannot read rules file %1: %2").arg(fileName, file.errorString());
        return false;
    }
    QString error;
    if (!fromJson(json, rules, &error)) {
        if (errorString)
            *errorString = QStringLiteral("rules file %1: %2").arg(fileName, error);
        return false;
    }
    if (errorString)
        errorString->clear();
    return true;
}

bool SmtpRuleSet::save(const QString &fileName, QString *errorString) const
{
    QSaveFile file(fileName);
    const QByteArray json = toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
        if (errorString)
            *errorString = QStringLiteral("cannot write rules file %1: %2")
                               .arg(fileName, file.errorString());
        return false;
    }
    if (errorString)
        errorString->clear();
    return true;
}

const char *SmtpRule::stageName(Stage stage)
{
    switch (stage) {
    case Stage::Mail:
        return "mail";
    case Stage::Rcpt:
        return "rcpt";
    case Stage::Data:
        return "data";
    case Stage::Auth:
        return "auth";
    }
    return "rcpt";
}
