// SmtpRuleSet's JSON: reading and writing the rules file of contract.md ("Rules file"), with
// errors that name the rule and what is wrong with it. Only the public API of the rules is used.
#include "smtprules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSaveFile>

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
        QStringLiteral("to"), QStringLiteral("code"), QStringLiteral("message") };
    const QStringList keys = object.keys();
    for (const QString &key : keys) {
        if (!knownKeys.contains(key))
            return fail(QStringLiteral("unknown key %1 (known: match, action, to, code, message)")
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
    else
        return fail(QStringLiteral("unknown action %1 (expected accept, reject or rewrite)")
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
        if (key != u"default" && key != u"rules")
            return fail(QStringLiteral("unknown key %1 (known: default, rules)").arg(quoted(key)));
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
    // Written by hand to keep the order of contract.md (match, action, to, code, message) and
    // one rule per line; default-valued optional fields are left out.
    const SmtpRule defaults;
    const QList<SmtpRule> all = rules();
    QByteArray out = "{\n    \"default\": ";
    out += defaultAccept() ? "\"accept\"" : "\"reject\"";
    out += ",\n    \"rules\": [";
    for (qsizetype i = 0; i < all.size(); ++i) {
        const SmtpRule &rule = all.at(i);
        out += i == 0 ? "\n" : ",\n";
        out += "        { \"match\": ";
        appendJsonString(&out, rule.match());
        out += ", \"action\": \"";
        out += actionName(rule.action());
        out += '"';
        if (!rule.rewriteTo().isEmpty()) {
            out += ", \"to\": ";
            appendJsonString(&out, rule.rewriteTo());
        }
        if (rule.code() != defaults.code()) {
            out += ", \"code\": ";
            out += QByteArray::number(rule.code());
        }
        if (rule.message() != defaults.message()) {
            out += ", \"message\": ";
            appendJsonString(&out, rule.message());
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
