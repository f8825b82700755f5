// List-Unsubscribe links and the problems Mailpit reports with them.
#include "mailpitunsubscribe.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace {

QString quotedText(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

bool startsWithLink(const QString &target, const QRegularExpression &pattern)
{
    return pattern.match(target).hasMatch();
}

} // namespace

namespace MailpitUnsubscribe {

Result parse(const QString &header)
{
    static const QRegularExpression comment(
        QStringLiteral("\\(.*?\\)"), QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression target(QStringLiteral("<([^\\n]*?)>"));
    static const QRegularExpression separator(
        QStringLiteral(">(.*?)<"), QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression comma(QStringLiteral("^\\s*,\\s*$"));
    static const QRegularExpression mailto(QStringLiteral("^mailto:[a-zA-Z0-9]"));
    static const QRegularExpression http(
        QStringLiteral("^https?://[a-zA-Z0-9]"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression space(QStringLiteral("\\s"));

    Result result;
    QString value = header.trimmed();
    value.remove(comment);
    value = value.trimmed();
    if (!target.match(value).hasMatch()) {
        result.errors = quotedText(value) + QStringLiteral(" no valid unsubscribe links found");
        return result;
    }
    if (!value.startsWith(QLatin1Char('<')) || !value.endsWith(QLatin1Char('>'))) {
        result.errors = quotedText(value) + QStringLiteral(" should be enclosed in <>");
        return result;
    }
    QStringList targets;
    for (auto it = target.globalMatch(value); it.hasNext();)
        targets.append(it.next().captured(1));
    QStringList errors;
    if (targets.size() > 2) {
        errors.append(quotedText(value)
            + QStringLiteral(" should include a maximum of one email and one HTTP link"));
    } else {
        for (auto it = separator.globalMatch(value); it.hasNext();) {
            if (!comma.match(it.next().captured(1)).hasMatch()) {
                result.errors = quotedText(value)
                    + QStringLiteral(" <> should be split with a comma and optional spaces");
                return result;
            }
        }
        bool sawMailto = false;
        bool sawHttp = false;
        for (const QString &link : std::as_const(targets)) {
            if (link.contains(space)) {
                errors.append(quotedText(link) + QStringLiteral(" should not contain spaces"));
            } else if (startsWithLink(link, mailto)) {
                if (sawMailto)
                    errors.append(
                        quotedText(link) + QStringLiteral(" should only contain one mailto:"));
                else
                    result.links.append(link);
                sawMailto = true;
            } else if (startsWithLink(link, http)) {
                if (sawHttp)
                    errors.append(
                        quotedText(link) + QStringLiteral(" should only contain one HTTP link"));
                else
                    result.links.append(link);
                sawHttp = true;
            } else {
                errors.append(quotedText(link)
                    + QStringLiteral(" should start with either http(s):// or mailto:"));
            }
        }
    }
    result.errors = errors.join(QStringLiteral(", "));
    return result;
}

QJsonObject json(const QString &header, const QString &headerPost)
{
    Result parsed;
    if (!header.trimmed().isEmpty())
        parsed = parse(header);
    return QJsonObject { { QStringLiteral("Header"), header },
        { QStringLiteral("Links"), QJsonArray::fromStringList(parsed.links) },
        { QStringLiteral("Errors"), parsed.errors }, { QStringLiteral("HeaderPost"), headerPost } };
}

} // namespace MailpitUnsubscribe
