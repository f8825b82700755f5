// SmtpRule and SmtpRuleSet: matching (glob or regex), rewriting and deciding. The JSON file
// format is in smtprulesjson.cpp.
#include "smtprules.h"

#include "protocol/smtpaddress.h"
#include "smtpmessage.h"
#include "smtptext.h"

#include <QRandomGenerator>

#include <QRegularExpression>
#include <QSharedData>
#include <QVarLengthArray>
#include <algorithm>

namespace {

constexpr int DefaultRejectCode = 550;

QString defaultRejectMessage()
{
    return QStringLiteral("Mailbox unavailable");
}

// Case-folded code points: a glob (kept in the rule) or an address (on the stack, per call).
template<typename Container>
Container caseFolded(QStringView text)
{
    Container out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t ucs4 = text.at(i).unicode();
        if (QChar::isHighSurrogate(ucs4) && i + 1 < n && text.at(i + 1).isLowSurrogate()) {
            ucs4 = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            ++i;
        }
        out.append(QChar::toCaseFolded(ucs4));
    }
    return out;
}

// Whole-text wildcard match ('*' any run, '?' one code point, everything else literal).
// Greedy with one backtrack point: O(pattern * text) at worst, never exponential, so a
// hostile address cannot stall a session however many stars a glob has.
bool globMatches(const QList<char32_t> &pattern, const QVarLengthArray<char32_t, 256> &text)
{
    const qsizetype m = pattern.size();
    const qsizetype n = text.size();
    qsizetype p = 0;
    qsizetype s = 0;
    qsizetype starP = -1;
    qsizetype starS = 0;
    while (s < n) {
        if (p < m && pattern[p] == U'*') {
            starP = p++;
            starS = s;
        } else if (p < m && (pattern[p] == U'?' || pattern[p] == text[s])) {
            ++p;
            ++s;
        } else if (starP >= 0) {
            p = starP + 1;
            s = ++starS;
        } else {
            return false;
        }
    }
    while (p < m && pattern[p] == U'*')
        ++p;
    return p == m;
}

// A mailbox as RCPT TO takes it (UTF-8 allowed), nothing before or after it.
bool isMailbox(const QString &address)
{
    const QByteArray path = '<' + address.toUtf8() + '>';
    const SmtpPath parsed = SmtpPath::parse(path, SmtpPath::Kind::ForwardPath, true);
    return parsed.isValid() && parsed.consumed == path.size() && !parsed.mailbox.isEmpty();
}

// One piece of a regex rewrite target: literal text, then (if group >= 0) a capture group.
struct RewritePart
{
    QString literal;
    int group = -1;
};

} // namespace

class SmtpRuleData : public QSharedData
{
public:
    QString match;
    SmtpRule::Action action = SmtpRule::Action::Accept;
    QString rewriteTo;
    int code = DefaultRejectCode;
    QString message = defaultRejectMessage();
    SmtpRule::Stage stage = SmtpRule::Stage::Rcpt;
    int probability = 100;
    int delayMs = 0;
    bool disconnect = false;
    bool relay = false;
    QString mailbox;

    // Derived from the fields above, refreshed by every setter, shared by copies.
    bool regex = false;
    QRegularExpression re; // compiled once per match, when regex
    QList<char32_t> glob; // case-folded, when not regex
    QString patternError; // the match cannot be used at all
    QList<RewritePart> rewriteParts; // regex rewrite target, parsed
    int maxGroupReference = -1;
    QString error; // everything that makes the rule unusable

    void compileMatch();
    void parseRewriteTo();
    QString fixedRewrite() const;
    void refreshError();
    bool matchesAddress(const QString &address, QRegularExpressionMatch *regexMatch) const;
};

void SmtpRuleData::compileMatch()
{
    regex = match.startsWith(QLatin1Char('/'));
    re = QRegularExpression();
    glob.clear();
    patternError.clear();
    if (match.isEmpty()) {
        patternError = QStringLiteral("empty match");
        return;
    }
    if (!regex) {
        glob = caseFolded<QList<char32_t>>(match);
        return;
    }
    const qsizetype close = match.lastIndexOf(QLatin1Char('/'));
    if (close <= 0) {
        patternError = QStringLiteral("regular expression has no closing /");
        return;
    }
    const QStringView flags = QStringView(match).mid(close + 1);
    QRegularExpression::PatternOptions options;
    if (flags == u"i") {
        options |= QRegularExpression::CaseInsensitiveOption;
    } else if (!flags.isEmpty()) {
        patternError
            = QStringLiteral("unknown regular expression flags \"%1\" (only i is supported)")
                  .arg(flags.toString());
        return;
    }
    re = QRegularExpression(match.mid(1, close - 1), options);
    if (!re.isValid()) {
        // The offset counts in the match as written, opening slash included.
        patternError = QStringLiteral("invalid regular expression: %1 at offset %2")
                           .arg(re.errorString())
                           .arg(re.patternErrorOffset() + 1);
        re = QRegularExpression();
        return;
    }
    re.optimize(); // compile now, not on the first RCPT
}

void SmtpRuleData::parseRewriteTo()
{
    // \0..\9 are capture groups, \\ is one backslash, any other backslash is literal.
    rewriteParts.clear();
    maxGroupReference = -1;
    RewritePart part;
    const qsizetype n = rewriteTo.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = rewriteTo.at(i);
        if (c == QLatin1Char('\\') && i + 1 < n) {
            const QChar next = rewriteTo.at(i + 1);
            if (next >= QLatin1Char('0') && next <= QLatin1Char('9')) {
                part.group = next.unicode() - u'0';
                maxGroupReference = qMax(maxGroupReference, part.group);
                rewriteParts.append(std::move(part));
                part = RewritePart();
                ++i;
                continue;
            }
            if (next == QLatin1Char('\\')) {
                part.literal += QLatin1Char('\\');
                ++i;
                continue;
            }
        }
        part.literal += c;
    }
    if (!part.literal.isEmpty())
        rewriteParts.append(std::move(part));
}

// What every address the rule rewrites becomes when that does not depend on the address: a
// glob's target as written, a regex's target without \0..\9 (\\ read as one backslash);
// empty when it depends on the address (or there is no target).
QString SmtpRuleData::fixedRewrite() const
{
    if (!regex)
        return rewriteTo;
    QString out;
    for (const RewritePart &part : rewriteParts) {
        if (part.group >= 0)
            return QString();
        out += part.literal;
    }
    return out;
}

void SmtpRuleData::refreshError()
{
    const QString fixedTarget = action == SmtpRule::Action::Rewrite ? fixedRewrite() : QString();
    if (!patternError.isEmpty()) {
        error = patternError;
    } else if (code < 400 || code > 599) {
        error = QStringLiteral("code %1 is not a 4xx or 5xx reply code").arg(code);
    } else if (probability < 0 || probability > 100) {
        error = QStringLiteral("probability %1 is not between 0 and 100").arg(probability);
    } else if (delayMs < 0 || delayMs > SmtpRule::MaxDelayMs) {
        error = QStringLiteral("delayMs %1 is not between 0 and %2")
                    .arg(delayMs)
                    .arg(SmtpRule::MaxDelayMs);
    } else if (!mailbox.isEmpty() && !SmtpMessage::isValidMailboxName(mailbox)) {
        error = QStringLiteral("mailbox \"%1\" is not 1-64 characters of A-Z a-z 0-9 . _ -")
                    .arg(mailbox);
    } else if (action == SmtpRule::Action::Rewrite && rewriteTo.isEmpty()) {
        error = QStringLiteral("rewrite without \"to\"");
    } else if (action == SmtpRule::Action::Rewrite
        && std::any_of(rewriteTo.cbegin(), rewriteTo.cend(),
            [](QChar c) { return c.category() == QChar::Other_Control; })) {
        // It lands in rcpttos, the Maildir's Delivered-To line and a relay's RCPT TO: a line
        // end there would be a header line of its own.
        error = QStringLiteral("\"to\" holds a control character");
    } else if (action == SmtpRule::Action::Rewrite && regex
        && maxGroupReference > re.captureCount()) {
        error = QStringLiteral("\"to\" refers to \\%1 but the regular expression has %2 group(s)")
                    .arg(maxGroupReference)
                    .arg(re.captureCount());
    } else if (!fixedTarget.isEmpty() && !isMailbox(fixedTarget)) {
        // Every recipient the rule matches would be refused (553): say so when the rules are
        // loaded or edited, not at each RCPT. A target made from the match's groups can make a
        // mailbox for one address and none for another; decide() refuses the latter.
        error = QStringLiteral("\"to\" rewrites every address it matches to \"%1\", which is not "
                               "a mailbox (local-part@domain)")
                    .arg(SmtpText::shownOnOneLine(fixedTarget));
    } else {
        error.clear();
    }
}

bool SmtpRuleData::matchesAddress(const QString &address, QRegularExpressionMatch *regexMatch) const
{
    if (!patternError.isEmpty())
        return false;
    if (!regex)
        return globMatches(glob, caseFolded<QVarLengthArray<char32_t, 256>>(address));
    QRegularExpressionMatch m = re.match(address); // anywhere, like RegExp.test
    const bool hit = m.hasMatch();
    if (regexMatch)
        *regexMatch = std::move(m);
    return hit;
}

// --- SmtpRule -------------------------------------------------------------------------------

SmtpRule::SmtpRule()
    : d(new SmtpRuleData)
{
    d->compileMatch();
    d->parseRewriteTo();
    d->refreshError();
}

SmtpRule::SmtpRule(const QString &match, Action action)
    : d(new SmtpRuleData)
{
    d->match = match;
    d->action = action;
    d->compileMatch();
    d->parseRewriteTo();
    d->refreshError();
}

SmtpRule::SmtpRule(const SmtpRule &other) = default;
SmtpRule &SmtpRule::operator=(const SmtpRule &other) = default;
SmtpRule::~SmtpRule() = default;

QString SmtpRule::match() const
{
    return d->match;
}

void SmtpRule::setMatch(const QString &match)
{
    if (d->match == match)
        return;
    d->match = match;
    d->compileMatch();
    d->refreshError();
}

SmtpRule::Action SmtpRule::action() const
{
    return d->action;
}

void SmtpRule::setAction(Action action)
{
    if (d->action == action)
        return;
    d->action = action;
    d->refreshError();
}

QString SmtpRule::rewriteTo() const
{
    return d->rewriteTo;
}

void SmtpRule::setRewriteTo(const QString &to)
{
    if (d->rewriteTo == to)
        return;
    d->rewriteTo = to;
    d->parseRewriteTo();
    d->refreshError();
}

int SmtpRule::code() const
{
    return d->code;
}

void SmtpRule::setCode(int code)
{
    if (d->code == code)
        return;
    d->code = code;
    d->refreshError();
}

QString SmtpRule::message() const
{
    return d->message;
}

void SmtpRule::setMessage(const QString &message)
{
    if (d->message == message)
        return;
    d->message = message;
}

QString SmtpRule::defaultFailMessage()
{
    return QStringLiteral("Injected failure");
}

SmtpRule::Stage SmtpRule::stage() const
{
    return d->stage;
}

void SmtpRule::setStage(Stage stage)
{
    if (d->stage != stage)
        d->stage = stage;
}

int SmtpRule::probability() const
{
    return d->probability;
}

void SmtpRule::setProbability(int percent)
{
    if (d->probability == percent)
        return;
    d->probability = percent;
    d->refreshError();
}

int SmtpRule::delayMs() const
{
    return d->delayMs;
}

void SmtpRule::setDelayMs(int milliseconds)
{
    if (d->delayMs == milliseconds)
        return;
    d->delayMs = milliseconds;
    d->refreshError();
}

bool SmtpRule::disconnect() const
{
    return d->disconnect;
}

void SmtpRule::setDisconnect(bool disconnect)
{
    if (d->disconnect != disconnect)
        d->disconnect = disconnect;
}

bool SmtpRule::relay() const
{
    return d->relay;
}

void SmtpRule::setRelay(bool relay)
{
    if (d->relay != relay)
        d->relay = relay;
}

QString SmtpRule::mailbox() const
{
    return d->mailbox;
}

void SmtpRule::setMailbox(const QString &mailbox)
{
    if (d->mailbox == mailbox)
        return;
    d->mailbox = mailbox;
    d->refreshError();
}

bool SmtpRule::isRegex() const
{
    return d->regex;
}

QString SmtpRule::errorString() const
{
    return d->error;
}

bool SmtpRule::matches(const QString &address, QStringList *captures) const
{
    if (!d->regex) {
        const bool hit = d->matchesAddress(address, nullptr);
        if (captures)
            *captures = hit ? QStringList { address } : QStringList();
        return hit;
    }
    QRegularExpressionMatch m;
    const bool hit = d->matchesAddress(address, captures ? &m : nullptr);
    if (captures)
        *captures = hit ? m.capturedTexts() : QStringList();
    return hit;
}

QString SmtpRule::rewrite(const QString &address) const
{
    if (d->rewriteTo.isEmpty())
        return address; // no target: nothing to rewrite to
    if (!d->regex)
        return d->matchesAddress(address, nullptr) ? d->rewriteTo : address;
    QRegularExpressionMatch m;
    if (!d->matchesAddress(address, &m))
        return address;
    QString out;
    for (const RewritePart &part : d->rewriteParts) {
        out += part.literal;
        if (part.group >= 0)
            out += m.captured(part.group); // empty for a group that did not take part
    }
    return out;
}

bool SmtpRule::operator==(const SmtpRule &other) const
{
    return d == other.d
        || (d->match == other.d->match && d->action == other.d->action
            && d->rewriteTo == other.d->rewriteTo && d->code == other.d->code
            && d->message == other.d->message && d->stage == other.d->stage
            && d->probability == other.d->probability && d->delayMs == other.d->delayMs
            && d->disconnect == other.d->disconnect && d->relay == other.d->relay
            && d->mailbox == other.d->mailbox);
}

// --- SmtpRuleSet ----------------------------------------------------------------------------

class SmtpRuleSetData : public QSharedData
{
public:
    bool defaultAccept = true;
    bool failureInjection = true;
    QList<SmtpRule> rules;
};

SmtpRuleSet::SmtpRuleSet()
    : d(new SmtpRuleSetData)
{ }

SmtpRuleSet::SmtpRuleSet(const SmtpRuleSet &other) = default;
SmtpRuleSet &SmtpRuleSet::operator=(const SmtpRuleSet &other) = default;
SmtpRuleSet::~SmtpRuleSet() = default;

bool SmtpRuleSet::defaultAccept() const
{
    return d->defaultAccept;
}

void SmtpRuleSet::setDefaultAccept(bool accept)
{
    if (d->defaultAccept != accept)
        d->defaultAccept = accept;
}

QList<SmtpRule> SmtpRuleSet::rules() const
{
    return d->rules;
}

void SmtpRuleSet::setRules(const QList<SmtpRule> &rules)
{
    d->rules = rules;
}

void SmtpRuleSet::append(const SmtpRule &rule)
{
    d->rules.append(rule);
}

bool SmtpRuleSet::isEmpty() const
{
    return d->rules.isEmpty() && d->defaultAccept;
}

bool SmtpRuleSet::failureInjection() const
{
    return d->failureInjection;
}

void SmtpRuleSet::setFailureInjection(bool on)
{
    if (d->failureInjection != on)
        d->failureInjection = on;
}

QList<SmtpRule> SmtpRuleSet::failRules() const
{
    QList<SmtpRule> out;
    for (const SmtpRule &rule : d->rules) {
        if (rule.action() == SmtpRule::Action::Fail && rule.isValid())
            out.append(rule);
    }
    return out;
}

int SmtpRuleSet::failure(
    SmtpRule::Stage stage, const QString &address, QRandomGenerator *random) const
{
    if (!d->failureInjection)
        return -1;
    const QList<SmtpRule> &rules = d->rules;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const SmtpRule &rule = rules.at(i);
        if (rule.action() != SmtpRule::Action::Fail || rule.stage() != stage || !rule.isValid()
            || rule.probability() == 0 || !rule.matches(address))
            continue;
        if (rule.probability() >= 100)
            return int(i);
        QRandomGenerator *source = random ? random : QRandomGenerator::global();
        if (int(source->bounded(100)) < rule.probability())
            return int(i);
    }
    return -1;
}

namespace {

constexpr int InvalidRewriteCode = 553; // RFC 5321: mailbox name not allowed

} // namespace

SmtpRuleDecision SmtpRuleSet::decide(const QString &address) const
{
    SmtpRuleDecision decision;
    decision.address = address;
    const QList<SmtpRule> &rules = d->rules;
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const SmtpRule &rule = rules.at(i);
        if (!rule.isValid())
            continue; // a rule that cannot be used never matches
        switch (rule.action()) {
        case SmtpRule::Action::Rewrite: {
            if (!rule.mailbox().isEmpty() && rule.matches(decision.address))
                decision.mailbox = rule.mailbox();
            const QString rewritten = rule.rewrite(decision.address);
            // What a rewrite makes is a recipient as if the client had sent it: a group that
            // took no part, or one that holds a space, can make something that is none, and the
            // address goes into the Maildir's Delivered-To and to a relay.
            if (rewritten != decision.address && !isMailbox(rewritten)) {
                decision.address = rewritten;
                decision.accepted = false;
                decision.code = InvalidRewriteCode;
                decision.message = QStringLiteral("Rewritten address is not a valid mailbox");
                decision.ruleIndex = int(i);
                return decision;
            }
            decision.address = rewritten;
            break;
        }
        case SmtpRule::Action::Accept:
            if (rule.matches(decision.address)) {
                decision.ruleIndex = int(i);
                decision.relay = rule.relay();
                if (!rule.mailbox().isEmpty())
                    decision.mailbox = rule.mailbox();
                return decision;
            }
            break;
        case SmtpRule::Action::Fail:
            break; // failure injection, asked for by failure()
        case SmtpRule::Action::Reject:
            if (rule.matches(decision.address)) {
                decision.accepted = false;
                decision.code = rule.code();
                decision.message
                    = rule.message().isEmpty() ? defaultRejectMessage() : rule.message();
                decision.ruleIndex = int(i);
                return decision;
            }
            break;
        }
    }
    if (!d->defaultAccept) {
        decision.accepted = false;
        decision.code = DefaultRejectCode;
        decision.message = defaultRejectMessage();
    }
    return decision;
}

bool SmtpRuleSet::operator==(const SmtpRuleSet &other) const
{
    return d == other.d
        || (d->defaultAccept == other.d->defaultAccept
            && d->failureInjection == other.d->failureInjection && d->rules == other.d->rules);
}
