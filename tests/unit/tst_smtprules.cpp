#include "smtprules.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaProperty>
#include <QTemporaryDir>
#include <QTest>

namespace {

// The example of contract.md, "Rules file".
const QByteArray contractExample = QByteArrayLiteral(R"({ "default": "accept",
  "rules": [
    { "match": "/^([^+@]+)\\+[^@]*(@.*)$/", "action": "rewrite", "to": "\\1\\2" },
    { "match": "alice@example.com", "action": "accept" },
    { "match": "*@example.com", "action": "reject", "code": 553, "message": "Mailbox name invalid" }
  ] })");

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

} // namespace

class TestSmtpRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void globMatch_data();
    void globMatch();
    void globIsNotExponential();
    void regexMatch_data();
    void regexMatch();
    void ruleErrors_data();
    void ruleErrors();
    void rewrite_data();
    void rewrite();
    void decide_data();
    void decide();
    void invalidRulesNeverMatch();
    void emptySet();
    void fromJsonErrors_data();
    void fromJsonErrors();
    void fromJsonAccepts_data();
    void fromJsonAccepts();
    void roundTrip_data();
    void roundTrip();
    void toJsonOmitsDefaults();
    void loadSave();
    void loadErrorsNameTheFile();
    void copiesAreIndependent();
    void equality_data();
    void equality();
    void gadgetProperties();
    void mailboxes();
};

void TestSmtpRules::globMatch_data()
{
    QTest::addColumn<QString>("glob");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("matches");

    QTest::newRow("exact") << s("alice@example.com") << s("alice@example.com") << true;
    QTest::newRow("case: glob upper") << s("ALICE@Example.COM") << s("alice@example.com") << true;
    QTest::newRow("case: address upper")
        << s("alice@example.com") << s("Alice@EXAMPLE.com") << true;
    QTest::newRow("case: non-ASCII") << s("ÄLICE@example.com") << s("älice@example.com") << true;
    QTest::newRow("whole address: prefix")
        << s("alice@example.com") << s("xalice@example.com") << false;
    QTest::newRow("whole address: suffix")
        << s("alice@example.com") << s("alice@example.com.evil") << false;
    QTest::newRow("star domain") << s("*@example.com") << s("bob@example.com") << true;
    QTest::newRow("star domain, other domain")
        << s("*@example.com") << s("bob@example.org") << false;
    QTest::newRow("star domain, subdomain")
        << s("*@example.com") << s("bob@sub.example.com") << false;
    QTest::newRow("star subdomain") << s("*@*.example.com") << s("bob@sub.example.com") << true;
    QTest::newRow("star matches empty run")
        << s("*alice@example.com") << s("alice@example.com") << true;
    QTest::newRow("lone star, empty address") << s("*") << QString() << true;
    QTest::newRow("lone star") << s("*") << s("anyone@anywhere") << true;
    QTest::newRow("stars in order") << s("*a*b*c*") << s("xxaxxbxxcxx") << true;
    QTest::newRow("stars out of order") << s("*a*b*c*") << s("xxcxxbxxaxx") << false;
    QTest::newRow("double star") << s("a**@x") << s("abc@x") << true;
    QTest::newRow("question: one char") << s("a?c@x") << s("abc@x") << true;
    QTest::newRow("question: not zero") << s("a?c@x") << s("ac@x") << false;
    QTest::newRow("question: not two") << s("a?c@x") << s("abbc@x") << false;
    QTest::newRow("question: one code point") << s("?@x") << s("😀@x") << true;
    QTest::newRow("question: not two code points") << s("?@x") << s("😀😀@x") << false;
    QTest::newRow("dot is literal") << s("a.c@x") << s("abc@x") << false;
    QTest::newRow("dot matches dot") << s("a.c@x") << s("a.c@x") << true;
    QTest::newRow("plus is literal") << s("a+b@x") << s("aab@x") << false;
    QTest::newRow("plus matches plus") << s("a+b@x") << s("a+b@x") << true;
    QTest::newRow("brackets are literal") << s("[ab]@x") << s("a@x") << false;
    QTest::newRow("brackets match brackets") << s("[ab]@x") << s("[AB]@x") << true;
    QTest::newRow("parens and bar are literal") << s("(a|b)@x") << s("a@x") << false;
    QTest::newRow("parens match parens") << s("(a|b)@x") << s("(a|b)@x") << true;
    QTest::newRow("anchors are literal") << s("^a$@x") << s("a@x") << false;
    QTest::newRow("anchors match anchors") << s("^a$@x") << s("^a$@x") << true;
    QTest::newRow("backslash is literal") << s("a\\d@x") << s("a1@x") << false;
    QTest::newRow("backslash matches backslash") << s("a\\d@x") << s("a\\d@x") << true;
    QTest::newRow("braces are literal") << s("a{2}@x") << s("aa@x") << false;
    QTest::newRow("braces match braces") << s("a{2}@x") << s("a{2}@x") << true;
}

void TestSmtpRules::globMatch()
{
    QFETCH(QString, glob);
    QFETCH(QString, address);
    QFETCH(bool, matches);

    const SmtpRule rule(glob, SmtpRule::Action::Accept);
    QVERIFY2(rule.isValid(), qPrintable(rule.errorString()));
    QVERIFY(!rule.isRegex());
    QStringList captures { s("stale") };
    QCOMPARE(rule.matches(address, &captures), matches);
    QCOMPARE(rule.matches(address), matches);
    // A glob matches the whole address, so that is its only "capture".
    QCOMPARE(captures, matches ? QStringList { address } : QStringList());
}

void TestSmtpRules::globIsNotExponential()
{
    // A regex translation (".*a.*a...") would backtrack exponentially on this.
    const SmtpRule rule(QString(s("*a")).repeated(30) + s("b"), SmtpRule::Action::Reject);
    const QString address = QString(1000, QLatin1Char('a'));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!rule.matches(address));
    QVERIFY(rule.matches(address + s("b")));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
}

void TestSmtpRules::regexMatch_data()
{
    QTest::addColumn<QString>("regex");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("matches");
    QTest::addColumn<QStringList>("captures");

    QTest::newRow("unanchored finds inside")
        << s("/alice/") << s("bob.alice@x") << true << QStringList { s("alice") };
    QTest::newRow("caret anchors") << s("/^alice/") << s("bob.alice@x") << false << QStringList();
    QTest::newRow("dollar anchors")
        << s("/example$/") << s("a@example.com") << false << QStringList();
    QTest::newRow("both anchors") << s("/^alice@example\\.com$/") << s("alice@example.com") << true
                                  << QStringList { s("alice@example.com") };
    QTest::newRow("escaped dot is literal")
        << s("/^alice@example\\.com$/") << s("alice@exampleXcom") << false << QStringList();
    QTest::newRow("case-sensitive by default")
        << s("/^alice/") << s("Alice@x") << false << QStringList();
    QTest::newRow("i flag") << s("/^alice/i") << s("ALICE@x") << true << QStringList { s("ALICE") };
    QTest::newRow("i flag, upper pattern")
        << s("/^ALICE@X$/i") << s("alice@x") << true << QStringList { s("alice@x") };
    QTest::newRow("contract capture groups")
        << s("/^([^+@]+)\\+[^@]*(@.*)$/") << s("alice+tag@example.com") << true
        << QStringList { s("alice+tag@example.com"), s("alice"), s("@example.com") };
    QTest::newRow("contract regex, no tag")
        << s("/^([^+@]+)\\+[^@]*(@.*)$/") << s("alice@example.com") << false << QStringList();
    QTest::newRow("slash inside") << s("/a/b/") << s("xa/by") << true << QStringList { s("a/b") };
    QTest::newRow("empty regex matches anything")
        << s("//") << s("x@y") << true << QStringList { QString() };
    QTest::newRow("alternation") << s("/^(bob|carol)@/") << s("carol@x") << true
                                 << QStringList { s("carol@"), s("carol") };
}

void TestSmtpRules::regexMatch()
{
    QFETCH(QString, regex);
    QFETCH(QString, address);
    QFETCH(bool, matches);
    QFETCH(QStringList, captures);

    const SmtpRule rule(regex, SmtpRule::Action::Accept);
    QVERIFY2(rule.isValid(), qPrintable(rule.errorString()));
    QVERIFY(rule.isRegex());
    QStringList got { s("stale") };
    QCOMPARE(rule.matches(address, &got), matches);
    QCOMPARE(got, captures);
    QCOMPARE(rule.matches(address), matches);
}

void TestSmtpRules::ruleErrors_data()
{
    QTest::addColumn<QString>("match");
    QTest::addColumn<SmtpRule::Action>("action");
    QTest::addColumn<QString>("to");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("error"); // empty: valid; else the exact errorString()

    using A = SmtpRule::Action;
    QTest::newRow("glob accept") << s("*@x") << A::Accept << QString() << 550 << QString();
    QTest::newRow("regex reject") << s("/^a/i") << A::Reject << QString() << 553 << QString();
    QTest::newRow("code 400") << s("a") << A::Reject << QString() << 400 << QString();
    QTest::newRow("code 599") << s("a") << A::Reject << QString() << 599 << QString();
    QTest::newRow("empty match") << QString() << A::Accept << QString() << 550 << s("empty match");
    QTest::newRow("bad regex")
        << s("/[a-/") << A::Reject << QString() << 550
        << s("invalid regular expression: missing terminating ] for character class at offset 4");
    QTest::newRow("bad regex, offset counts the slash")
        << s("/*x/") << A::Reject << QString() << 550
        << s("invalid regular expression: quantifier does not follow a repeatable item at offset "
             "1");
    QTest::newRow("no closing slash")
        << s("/abc") << A::Accept << QString() << 550 << s("regular expression has no closing /");
    QTest::newRow("lone slash") << s("/") << A::Accept << QString() << 550
                                << s("regular expression has no closing /");
    QTest::newRow("unknown flag")
        << s("/abc/g") << A::Accept << QString() << 550
        << s("unknown regular expression flags \"g\" (only i is supported)");
    QTest::newRow("code 250") << s("a") << A::Reject << QString() << 250
                              << s("code 250 is not a 4xx or 5xx reply code");
    QTest::newRow("code 399") << s("a") << A::Reject << QString() << 399
                              << s("code 399 is not a 4xx or 5xx reply code");
    QTest::newRow("code 600") << s("a") << A::Reject << QString() << 600
                              << s("code 600 is not a 4xx or 5xx reply code");
    QTest::newRow("rewrite without to")
        << s("a") << A::Rewrite << QString() << 550 << s("rewrite without \"to\"");
    QTest::newRow("rewrite glob") << s("*@old") << A::Rewrite << s("x@new") << 550 << QString();
    // A target that is the same for every address and no mailbox would refuse every recipient
    // the rule matches (553): an error up front. A glob has no groups, so \1 stays as written.
    QTest::newRow("rewrite glob, backslash digit is literal")
        << s("*@old") << A::Rewrite << s("\\1@new") << 550
        << s("\"to\" rewrites every address it matches to \"\\1@new\", which is not a mailbox "
             "(local-part@domain)");
    QTest::newRow("rewrite glob to a fixed non-mailbox")
        << s("*@old") << A::Rewrite << s("catchall") << 550
        << s("\"to\" rewrites every address it matches to \"catchall\", which is not a mailbox "
             "(local-part@domain)");
    QTest::newRow("rewrite regex to a fixed non-mailbox, \\\\ read as one backslash")
        << s("/^(a)@old$/") << A::Rewrite << s("x\\\\y") << 550
        << s("\"to\" rewrites every address it matches to \"x\\y\", which is not a mailbox "
             "(local-part@domain)");
    QTest::newRow("rewrite regex to a fixed mailbox")
        << s("/^(a)@old$/") << A::Rewrite << s("sink@new") << 550 << QString();
    QTest::newRow("rewrite to Postmaster, a mailbox without a domain")
        << s("*@old") << A::Rewrite << s("Postmaster") << 550 << QString();
    QTest::newRow("rewrite with a group is checked per address")
        << s("/^(a)@old$/") << A::Rewrite << s("\\1") << 550 << QString();
    QTest::newRow("rewrite group in range")
        << s("/^(a)(b)$/") << A::Rewrite << s("\\2\\1\\0") << 550 << QString();
    QTest::newRow("rewrite group out of range")
        << s("/^(a)(b)$/") << A::Rewrite << s("\\3") << 550
        << s("\"to\" refers to \\3 but the regular expression has 2 group(s)");
    QTest::newRow("group out of range does not matter for accept")
        << s("/^(a)$/") << A::Accept << s("\\3") << 550 << QString();
}

void TestSmtpRules::ruleErrors()
{
    QFETCH(QString, match);
    QFETCH(SmtpRule::Action, action);
    QFETCH(QString, to);
    QFETCH(int, code);
    QFETCH(QString, error);

    SmtpRule rule(match, action);
    rule.setRewriteTo(to);
    rule.setCode(code);
    QCOMPARE(rule.errorString(), error);
    QCOMPARE(rule.isValid(), error.isEmpty());

    // The same through the setters on a default rule, in another order.
    SmtpRule other;
    other.setCode(code);
    other.setRewriteTo(to);
    other.setAction(action);
    other.setMatch(match);
    QCOMPARE(other.errorString(), error);
    QCOMPARE(other, rule);
}

void TestSmtpRules::rewrite_data()
{
    QTest::addColumn<QString>("match");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("expected");

    QTest::newRow("contract example") << s("/^([^+@]+)\\+[^@]*(@.*)$/") << s("\\1\\2")
                                      << s("alice+tag@example.com") << s("alice@example.com");
    QTest::newRow("contract example, empty tag") << s("/^([^+@]+)\\+[^@]*(@.*)$/") << s("\\1\\2")
                                                 << s("bob+@example.com") << s("bob@example.com");
    QTest::newRow("no match leaves the address")
        << s("/^([^+@]+)\\+[^@]*(@.*)$/") << s("\\1\\2") << s("alice@example.com")
        << s("alice@example.com");
    QTest::newRow("whole match") << s("/[a-z]+/") << s("<\\0>") << s("123abc456") << s("<abc>");
    QTest::newRow("groups reordered")
        << s("/^(.*)@(.*)$/") << s("\\2@\\1") << s("user@host") << s("host@user");
    QTest::newRow("group used twice") << s("/^(.)/") << s("\\1\\1") << s("xyz") << s("xx");
    QTest::newRow("unmatched group is empty")
        << s("/^(x)?(.*)$/") << s("[\\1]\\2") << s("abc") << s("[]abc");
    QTest::newRow("double backslash is one")
        << s("/^(a)/") << s("\\\\1-\\1") << s("a@x") << s("\\1-a");
    QTest::newRow("other backslash is literal")
        << s("/^(a)/") << s("\\1x\\y\\") << s("a@x") << s("ax\\y\\");
    QTest::newRow("i flag") << s("/^ALICE(@.*)$/i") << s("bob\\1") << s("alice@x") << s("bob@x");
    QTest::newRow("glob: literal target") << s("*@old.example") << s("catchall@new.example")
                                          << s("a@OLD.example") << s("catchall@new.example");
    QTest::newRow("glob: no match")
        << s("*@old.example") << s("catchall@x") << s("a@other") << s("a@other");
}

void TestSmtpRules::rewrite()
{
    QFETCH(QString, match);
    QFETCH(QString, to);
    QFETCH(QString, address);
    QFETCH(QString, expected);

    SmtpRule rule(match, SmtpRule::Action::Rewrite);
    rule.setRewriteTo(to);
    QVERIFY2(rule.isValid(), qPrintable(rule.errorString()));
    QCOMPARE(rule.rewrite(address), expected);

    // And as the only rule of a set: the decision carries the rewritten address.
    SmtpRuleSet set;
    set.append(rule);
    const SmtpRuleDecision decision = set.decide(address);
    QCOMPARE(decision.address, expected);
    // rewrite() makes any text; a decision takes it as the recipient only when it is a mailbox
    // (the rows whose result is no mailbox: "xx", "[]abc", "\\1-a", "<abc>", ...).
    const bool mailbox = expected.count(QLatin1Char('@')) == 1 && !expected.startsWith(u'@')
        && !expected.endsWith(u'@') && !expected.contains(u'<') && !expected.contains(u'\\')
        && !expected.contains(u'[');
    QCOMPARE(decision.accepted, mailbox || expected == address);
    QCOMPARE(decision.ruleIndex, decision.accepted ? -1 : 0);
}

void TestSmtpRules::decide_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("finalAddress");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("ruleIndex");

    // The contract example.
    QTest::newRow("contract: tag rewritten, then accepted")
        << contractExample << s("alice+tag@example.com") << true << s("alice@example.com") << 0
        << QString() << 1;
    QTest::newRow("contract: accepted, case-insensitive glob")
        << contractExample << s("ALICE@EXAMPLE.COM") << true << s("ALICE@EXAMPLE.COM") << 0
        << QString() << 1;
    QTest::newRow("contract: rejected with rule's code and text")
        << contractExample << s("bob@example.com") << false << s("bob@example.com") << 553
        << s("Mailbox name invalid") << 2;
    QTest::newRow("contract: reject sees the rewritten address")
        << contractExample << s("bob+x@example.com") << false << s("bob@example.com") << 553
        << s("Mailbox name invalid") << 2;
    QTest::newRow("contract: default accept") << contractExample << s("carol+x@other.org") << true
                                              << s("carol@other.org") << 0 << QString() << -1;

    // A rewrite to no mailbox refuses the recipient (553), as RCPT would refuse it sent so.
    const QByteArray rewriteGroups = R"({"rules": [
        {"match": "/^(x)?([^@]*)@y\\.test$/", "action": "rewrite", "to": "\\1@x.test"},
        {"match": "/^(.*)@s\\.test$/", "action": "rewrite", "to": "\\1 x@x.test"}]})";
    QTest::newRow("rewritten to an empty local part")
        << rewriteGroups << s("abc@y.test") << false << s("@x.test") << 553
        << s("Rewritten address is not a valid mailbox") << 0;
    QTest::newRow("rewritten to a mailbox")
        << rewriteGroups << s("xbc@y.test") << true << s("x@x.test") << 0 << QString() << -1;
    QTest::newRow("rewritten to one with a space")
        << rewriteGroups << s("a@s.test") << false << s("a x@x.test") << 553
        << s("Rewritten address is not a valid mailbox") << 1;

    // First accept/reject that matches wins.
    const QByteArray acceptFirst = R"({"rules": [
        {"match": "*@x.com", "action": "accept"},
        {"match": "a@x.com", "action": "reject"}]})";
    const QByteArray rejectFirst = R"({"rules": [
        {"match": "a@x.com", "action": "reject"},
        {"match": "*@x.com", "action": "accept"}]})";
    QTest::newRow("first match wins: accept")
        << acceptFirst << s("a@x.com") << true << s("a@x.com") << 0 << QString() << 0;
    QTest::newRow("first match wins: reject")
        << rejectFirst << s("a@x.com") << false << s("a@x.com") << 550 << s("Mailbox unavailable")
        << 0;
    QTest::newRow("first match wins: later rule")
        << rejectFirst << s("b@x.com") << true << s("b@x.com") << 0 << QString() << 1;

    // Rewrites chain in order, each rule once.
    const QByteArray chain = R"({"rules": [
        {"match": "a@x", "action": "rewrite", "to": "b@x"},
        {"match": "b@x", "action": "rewrite", "to": "c@x"},
        {"match": "c@x", "action": "accept"},
        {"match": "*", "action": "reject", "code": 451}]})";
    QTest::newRow("rewrite chain") << chain << s("a@x") << true << s("c@x") << 0 << QString() << 2;
    QTest::newRow("rewrite chain, entering midway")
        << chain << s("b@x") << true << s("c@x") << 0 << QString() << 2;
    QTest::newRow("rewrite chain, no rewrite")
        << chain << s("d@x") << false << s("d@x") << 451 << s("Mailbox unavailable") << 3;
    const QByteArray backwards = R"({"rules": [
        {"match": "b@x", "action": "rewrite", "to": "c@x"},
        {"match": "a@x", "action": "rewrite", "to": "b@x"}]})";
    QTest::newRow("single pass: earlier rule not revisited")
        << backwards << s("a@x") << true << s("b@x") << 0 << QString() << -1;
    const QByteArray pingPong = R"({"rules": [
        {"match": "a@x", "action": "rewrite", "to": "b@x"},
        {"match": "b@x", "action": "rewrite", "to": "a@x"}]})";
    QTest::newRow("single pass: no loop")
        << pingPong << s("a@x") << true << s("a@x") << 0 << QString() << -1;
    const QByteArray domainMove = R"({"default": "reject", "rules": [
        {"match": "/^(.*)@old\\.com$/i", "action": "rewrite", "to": "\\1@new.com"},
        {"match": "*@new.com", "action": "accept"}]})";
    QTest::newRow("rewrite then accept sees the new address")
        << domainMove << s("u@OLD.com") << true << s("u@new.com") << 0 << QString() << 1;
    QTest::newRow("rewrite does not match, default reject")
        << domainMove << s("u@other.com") << false << s("u@other.com") << 550
        << s("Mailbox unavailable") << -1;
    const QByteArray sink = R"({"default": "reject", "rules": [
        {"match": "*", "action": "rewrite", "to": "sink@x"}]})";
    QTest::newRow("rewrite is not a decision")
        << sink << s("a@b") << false << s("sink@x") << 550 << s("Mailbox unavailable") << -1;

    // Defaults.
    const QByteArray defaultReject = R"({"default": "reject", "rules": [
        {"match": "ok@x", "action": "accept"}]})";
    QTest::newRow("default reject") << defaultReject << s("no@x") << false << s("no@x") << 550
                                    << s("Mailbox unavailable") << -1;
    QTest::newRow("default reject, accepted by rule")
        << defaultReject << s("OK@X") << true << s("OK@X") << 0 << QString() << 0;
    QTest::newRow("reject defaults")
        << QByteArray(R"({"rules": [{"match": "*", "action": "reject"}]})") << s("a@b") << false
        << s("a@b") << 550 << s("Mailbox unavailable") << 0;
    QTest::newRow("reject: code only")
        << QByteArray(R"({"rules": [{"match": "*", "action": "reject", "code": 450}]})") << s("a@b")
        << false << s("a@b") << 450 << s("Mailbox unavailable") << 0;
    QTest::newRow("reject: message only")
        << QByteArray(R"({"rules": [{"match": "*", "action": "reject", "message": "Go away"}]})")
        << s("a@b") << false << s("a@b") << 550 << s("Go away") << 0;
    QTest::newRow("regex reject, anywhere")
        << QByteArray(R"({"rules": [{"match": "/spam/", "action": "reject", "code": 554}]})")
        << s("no-spam-please@b") << false << s("no-spam-please@b") << 554
        << s("Mailbox unavailable") << 0;
    QTest::newRow("regex is case-sensitive without i")
        << QByteArray(R"({"rules": [{"match": "/spam/", "action": "reject", "code": 554}]})")
        << s("SPAM@b") << true << s("SPAM@b") << 0 << QString() << -1;
}

void TestSmtpRules::decide()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, address);
    QFETCH(bool, accepted);
    QFETCH(QString, finalAddress);
    QFETCH(int, code);
    QFETCH(QString, message);
    QFETCH(int, ruleIndex);

    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json, &rules, &error), qPrintable(error));
    QVERIFY(error.isEmpty());
    const SmtpRuleDecision decision = rules.decide(address);
    QCOMPARE(decision.accepted, accepted);
    QCOMPARE(decision.address, finalAddress);
    QCOMPARE(decision.code, code);
    QCOMPARE(decision.message, message);
    QCOMPARE(decision.ruleIndex, ruleIndex);
    // Deciding is repeatable: the cached compiled state is not disturbed.
    const SmtpRuleDecision again = rules.decide(address);
    QCOMPARE(again.accepted, accepted);
    QCOMPARE(again.address, finalAddress);
}

void TestSmtpRules::invalidRulesNeverMatch()
{
    SmtpRuleSet set;
    set.append(SmtpRule(s("/[/"), SmtpRule::Action::Reject)); // bad regex
    SmtpRule badCode(s("*"), SmtpRule::Action::Reject);
    badCode.setCode(250);
    set.append(badCode);
    set.append(SmtpRule(s("*"), SmtpRule::Action::Rewrite)); // no target
    set.append(SmtpRule(s("a@x"), SmtpRule::Action::Accept));
    set.setDefaultAccept(false);

    SmtpRuleDecision decision = set.decide(s("a@x"));
    QVERIFY(decision.accepted);
    QCOMPARE(decision.address, s("a@x"));
    QCOMPARE(decision.ruleIndex, 3);
    decision = set.decide(s("b@x"));
    QVERIFY(!decision.accepted);
    QCOMPARE(decision.code, 550);
    QCOMPARE(decision.ruleIndex, -1);

    // A fixed rule takes part again.
    QList<SmtpRule> list = set.rules();
    list[1].setCode(421);
    set.setRules(list);
    decision = set.decide(s("a@x"));
    QVERIFY(!decision.accepted);
    QCOMPARE(decision.code, 421);
    QCOMPARE(decision.ruleIndex, 1);
}

void TestSmtpRules::emptySet()
{
    SmtpRuleSet set;
    QVERIFY(set.isEmpty());
    QVERIFY(set.defaultAccept());
    const SmtpRuleDecision decision = set.decide(s("Anyone+x@Anywhere"));
    QVERIFY(decision.accepted);
    QCOMPARE(decision.address, s("Anyone+x@Anywhere"));
    QCOMPARE(decision.ruleIndex, -1);

    set.setDefaultAccept(false);
    QVERIFY(!set.isEmpty());
    set.setDefaultAccept(true);
    set.append(SmtpRule(s("*"), SmtpRule::Action::Accept));
    QVERIFY(!set.isEmpty());

    SmtpRuleSet parsed;
    QString error;
    QVERIFY(SmtpRuleSet::fromJson("{}", &parsed, &error));
    QVERIFY(parsed.isEmpty());
    QVERIFY(SmtpRuleSet::fromJson(R"({"default": "accept", "rules": []})", &parsed, &error));
    QVERIFY(parsed.isEmpty());
}

void TestSmtpRules::fromJsonErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error"); // the exact errorString

    const auto rules = [](const char *ruleList) -> QByteArray {
        return QByteArray(R"({"default": "accept", "rules": [)") + ruleList + "]}";
    };

    // Qt's own parse error text, with our prefix and its offset.
    const auto parseError = [](const QByteArray &json) -> QString {
        QJsonParseError error;
        QJsonDocument::fromJson(json, &error);
        return s("invalid JSON: ") + error.errorString() + s(" at offset ")
            + QString::number(error.offset);
    };
    const QByteArray badValue = R"({"rules": [}]})";
    QTest::newRow("invalid JSON") << badValue << parseError(badValue);
    QVERIFY(parseError(badValue).endsWith(s(" at offset 12")));
    const QByteArray truncated = R"({"rules": )";
    QTest::newRow("truncated JSON") << truncated << parseError(truncated);
    QVERIFY(parseError(truncated).endsWith(s(" at offset 10")));
    QTest::newRow("not JSON") << QByteArray("rules") << parseError("rules");
    QTest::newRow("top level array") << QByteArray("[]") << s("the top level is not a JSON object");
    QTest::newRow("unknown top-level key") << QByteArray(
        R"({"rule": []})") << s("unknown key \"rule\" (known: default, failureInjection, rules)");
    QTest::newRow("unknown default")
        << QByteArray(R"({"default": "maybe"})")
        << s("unknown \"default\" \"maybe\" (expected accept or reject)");
    QTest::newRow("default is not a string")
        << QByteArray(R"({"default": false})")
        << s("unknown \"default\" that is not a string (expected accept or reject)");
    QTest::newRow("rules is an object")
        << QByteArray(R"({"rules": {}})") << s("\"rules\" is not an array");
    QTest::newRow("rules is a string")
        << QByteArray(R"({"rules": "*"})") << s("\"rules\" is not an array");
    QTest::newRow("rule is not an object")
        << rules(R"({"match": "a@x", "action": "accept"}, "b@x")") << s("rule 2: not an object");
    QTest::newRow("missing match")
        << rules(R"({"action": "accept"})") << s("rule 1: missing \"match\"");
    QTest::newRow("empty match") << rules(
        R"({"match": "a", "action": "accept"}, {"match": "", "action": "accept"})")
                                 << s("rule 2: empty \"match\"");
    QTest::newRow("match is not a string")
        << rules(R"({"match": 5, "action": "accept"})") << s("rule 1: \"match\" is not a string");
    QTest::newRow("missing action")
        << rules(R"({"match": "a@x"})") << s("rule 1 (\"a@x\"): missing \"action\"");
    QTest::newRow("unknown action") << rules(R"({"match": "a@x", "action": "allow"})")
                                    << s("rule 1 (\"a@x\"): unknown action \"allow\" (expected "
                                         "accept, reject, rewrite or fail)");
    QTest::newRow("action is case-sensitive") << rules(R"({"match": "a@x", "action": "Accept"})")
                                              << s("rule 1 (\"a@x\"): unknown action \"Accept\" "
                                                   "(expected accept, reject, rewrite or fail)");
    QTest::newRow("action is not a string")
        << rules(R"({"match": "a@x", "action": 1})")
        << s("rule 1 (\"a@x\"): unknown action that is not a string (expected accept, reject, "
             "rewrite or fail)");
    QTest::newRow("rewrite without to")
        << rules(R"({"match": "a@x", "action": "accept"}, {"match": "b@x", "action": "rewrite"})")
        << s("rule 2 (\"b@x\"): rewrite without \"to\"");
    QTest::newRow("rewrite with empty to")
        << rules(R"({"match": "b@x", "action": "rewrite", "to": ""})")
        << s("rule 1 (\"b@x\"): rewrite without \"to\"");
    QTest::newRow("to is not a string")
        << rules(R"({"match": "b@x", "action": "rewrite", "to": ["c@x"]})")
        << s("rule 1 (\"b@x\"): \"to\" is not a string");
    QTest::newRow("to with a line end")
        << rules(R"({"match": "b@x", "action": "rewrite", "to": "c@x>\r\nX-Injected: yes"})")
        << s("rule 1 (\"b@x\"): \"to\" holds a control character");
    QTest::newRow("to is a fixed non-mailbox")
        << rules(R"({"match": "*@x", "action": "accept"},
                    {"match": "*@old.test", "action": "rewrite", "to": "catchall"})")
        << s("rule 2 (\"*@old.test\"): \"to\" rewrites every address it matches to \"catchall\", "
             "which is not a mailbox (local-part@domain)");
    QTest::newRow("to is a fixed non-mailbox, regex without groups in to")
        << rules(R"({"match": "/^(.*)@old\\.test$/", "action": "rewrite", "to": "a b@x.test"})")
        << s("rule 1 (\"/^(.*)@old\\.test$/\"): \"to\" rewrites every address it matches to "
             "\"a b@x.test\", which is not a mailbox (local-part@domain)");
    QTest::newRow("to refers to a missing group")
        << rules(R"({"match": "/^(.*)@x$/", "action": "rewrite", "to": "\\1@\\2"})")
        << s("rule 1 (\"/^(.*)@x$/\"): \"to\" refers to \\2 but the regular expression has 1 "
             "group(s)");
    QTest::newRow("bad regex")
        << rules(R"({"match": "a", "action": "accept"}, {"match": "b", "action": "accept"},
                    {"match": "/[a-/", "action": "reject"})")
        << s("rule 3 (\"/[a-/\"): invalid regular expression: missing terminating ] for character "
             "class at offset 4");
    QTest::newRow("regex without closing slash")
        << rules(R"({"match": "/^a@x", "action": "reject"})")
        << s("rule 1 (\"/^a@x\"): regular expression has no closing /");
    QTest::newRow("regex with unknown flag")
        << rules(R"({"match": "/^a@x/gi", "action": "reject"})")
        << s("rule 1 (\"/^a@x/gi\"): unknown regular expression flags \"gi\" (only i is "
             "supported)");
    QTest::newRow("code 250") << rules(R"({"match": "a@x", "action": "reject", "code": 250})")
                              << s("rule 1 (\"a@x\"): code 250 is not a 4xx or 5xx reply code");
    QTest::newRow("code 600") << rules(R"({"match": "a@x", "action": "reject", "code": 600})")
                              << s("rule 1 (\"a@x\"): code 600 is not a 4xx or 5xx reply code");
    QTest::newRow("code 399") << rules(R"({"match": "a@x", "action": "reject", "code": 399})")
                              << s("rule 1 (\"a@x\"): code 399 is not a 4xx or 5xx reply code");
    QTest::newRow("code huge")
        << rules(R"({"match": "a@x", "action": "reject", "code": 1e12})")
        << s("rule 1 (\"a@x\"): code 1000000000000 is not a 4xx or 5xx reply code");
    QTest::newRow("code fractional")
        << rules(R"({"match": "a@x", "action": "reject", "code": 553.5})")
        << s("rule 1 (\"a@x\"): \"code\" is not an integer");
    QTest::newRow("code is a string")
        << rules(R"({"match": "a@x", "action": "reject", "code": "553"})")
        << s("rule 1 (\"a@x\"): \"code\" is not an integer");
    QTest::newRow("message is not a string")
        << rules(R"({"match": "a@x", "action": "reject", "message": null})")
        << s("rule 1 (\"a@x\"): \"message\" is not a string");
    QTest::newRow("unknown key (typo)")
        << rules(R"({"match": "a@x", "action": "reject", "mesage": "No"})")
        << s("rule 1 (\"a@x\"): unknown key \"mesage\" (known: match, action, to, code, message, "
             "stage, probability, delayMs, disconnect, relay, mailbox)");
    QTest::newRow("unknown key, no match")
        << rules(R"({"Match": "a@x", "action": "accept"})")
        << s("rule 1: unknown key \"Match\" (known: match, action, to, code, message, "
             "stage, probability, delayMs, disconnect, relay, mailbox)");
    QTest::newRow("mailbox is no name")
        << rules(R"({"match": "*@b.test", "action": "accept", "mailbox": "bad name"})")
        << s("rule 1 (\"*@b.test\"): mailbox \"bad name\" is not 1-64 characters of A-Z a-z 0-9 "
             ". _ -");
    const QByteArray tooLong
        = R"({"rules": [{"match": "*@b.test", "action": "accept", "mailbox": ")"
        + QByteArray(65, 'x') + R"("}]})";
    QTest::newRow("mailbox too long") << tooLong
                                      << s("rule 1 (\"*@b.test\"): mailbox \"")
            + QString(65, QLatin1Char('x')) + s("\" is not 1-64 characters of A-Z a-z 0-9 . _ -");
    QTest::newRow("mailbox on reject")
        << rules(R"({"match": "*@b.test", "action": "reject", "mailbox": "b"})")
        << s("rule 1 (\"*@b.test\"): \"mailbox\" only goes with \"action\": \"accept\" or "
             "\"rewrite\"");
    QTest::newRow("mailbox not a string")
        << rules(R"({"match": "*@b.test", "action": "accept", "mailbox": 1})")
        << s("rule 1 (\"*@b.test\"): \"mailbox\" is not a string");
}

void TestSmtpRules::fromJsonErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);

    // On failure the target keeps its old value.
    SmtpRuleSet target;
    target.setDefaultAccept(false);
    target.append(SmtpRule(s("keep@me"), SmtpRule::Action::Accept));
    const SmtpRuleSet before = target;

    QString got = s("stale");
    QVERIFY(!SmtpRuleSet::fromJson(json, &target, &got));
    QCOMPARE(got, error);
    QCOMPARE(target, before);
    // And nothing breaks without the out-parameters.
    QVERIFY(!SmtpRuleSet::fromJson(json, nullptr, nullptr));
}

void TestSmtpRules::fromJsonAccepts_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<bool>("defaultAccept");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("lastMatch");
    QTest::addColumn<int>("lastCode");

    QTest::newRow("contract example") << contractExample << true << 3 << s("*@example.com") << 553;
    QTest::newRow("default reject, no rules")
        << QByteArray(R"({"default": "reject"})") << false << 0 << QString() << 0;
    QTest::newRow("code 400 and 599")
        << QByteArray(R"({"rules": [{"match": "a", "action": "reject", "code": 400},
                                    {"match": "b", "action": "reject", "code": 599.0}]})")
        << true << 2 << s("b") << 599;
    QTest::newRow("message on accept is kept")
        << QByteArray(R"({"rules": [{"match": "a", "action": "accept", "message": "hi"}]})") << true
        << 1 << s("a") << 550;
}

void TestSmtpRules::fromJsonAccepts()
{
    QFETCH(QByteArray, json);
    QFETCH(bool, defaultAccept);
    QFETCH(int, count);
    QFETCH(QString, lastMatch);
    QFETCH(int, lastCode);

    SmtpRuleSet rules;
    QString error = s("stale");
    QVERIFY2(SmtpRuleSet::fromJson(json, &rules, &error), qPrintable(error));
    QCOMPARE(error, QString());
    QCOMPARE(rules.defaultAccept(), defaultAccept);
    QCOMPARE(rules.rules().size(), count);
    if (count > 0) {
        QCOMPARE(rules.rules().constLast().match(), lastMatch);
        QCOMPARE(rules.rules().constLast().code(), lastCode);
    }
}

void TestSmtpRules::roundTrip_data()
{
    QTest::addColumn<QByteArray>("json");

    QTest::newRow("contract example") << contractExample;
    QTest::newRow("empty") << QByteArray("{}");
    QTest::newRow("default reject") << QByteArray(R"({"default": "reject", "rules": [
        {"match": "a@x", "action": "accept"}]})");
    QTest::newRow("odd characters") << QByteArray(R"json({"rules": [
        {"match": "/^\"q\"\\\\(.*)\\/é😀$/i", "action": "rewrite", "to": "\\\\\\1\u0020\"x\"@ü"},
        {"match": "*?[]{}()", "action": "reject", "code": 451,
         "message": "line\nbreak \u0001 control, quote \" and backslash \\"}]})json");
    QTest::newRow("explicit defaults are equal to omitted")
        << QByteArray(R"({"rules": [{"match": "a", "action": "reject", "code": 550,
                                     "message": "Mailbox unavailable"}]})");
    QTest::newRow("to on accept") << QByteArray(
        R"({"rules": [{"match": "a", "action": "accept", "to": "b"}]})");
    QTest::newRow("empty message")
        << QByteArray(R"({"rules": [{"match": "a", "action": "reject", "message": ""}]})");
}

void TestSmtpRules::roundTrip()
{
    QFETCH(QByteArray, json);

    SmtpRuleSet first;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json, &first, &error), qPrintable(error));
    const QByteArray written = first.toJson();

    // The output is valid JSON of the same shape, and reads back to an equal set.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(written, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError,
        qPrintable(parseError.errorString() + s("\n") + QString::fromUtf8(written)));
    QVERIFY(document.isObject());
    QVERIFY(document.object().value(s("rules")).isArray());
    QCOMPARE(document.object().value(s("rules")).toArray().size(), first.rules().size());
    QVERIFY(written.contains('\n')); // indented

    SmtpRuleSet second;
    QVERIFY2(SmtpRuleSet::fromJson(written, &second, &error),
        qPrintable(error + s("\n") + QString::fromUtf8(written)));
    QCOMPARE(second, first);
    QCOMPARE(second.toJson(), written);

    // And decide the same on a few addresses.
    for (const QString &address : { s("alice+tag@example.com"), s("a"), s("\"q\"\\z/é😀") }) {
        const SmtpRuleDecision a = first.decide(address);
        const SmtpRuleDecision b = second.decide(address);
        QCOMPARE(b.accepted, a.accepted);
        QCOMPARE(b.address, a.address);
        QCOMPARE(b.code, a.code);
        QCOMPARE(b.message, a.message);
    }
}

void TestSmtpRules::toJsonOmitsDefaults()
{
    SmtpRuleSet set;
    set.setDefaultAccept(false);
    SmtpRule rewrite(s("/^(.*)\\+.*(@.*)$/"), SmtpRule::Action::Rewrite);
    rewrite.setRewriteTo(s("\\1\\2"));
    set.append(rewrite);
    set.append(SmtpRule(s("a@x"), SmtpRule::Action::Accept));
    set.append(SmtpRule(s("b@x"), SmtpRule::Action::Reject));
    SmtpRule custom(s("c@x"), SmtpRule::Action::Reject);
    custom.setCode(553);
    custom.setMessage(s("No \"c\""));
    set.append(custom);

    const QByteArray expected = "{\n"
                                "    \"default\": \"reject\",\n"
                                "    \"rules\": [\n"
                                "        { \"match\": \"/^(.*)\\\\+.*(@.*)$/\", \"action\": "
                                "\"rewrite\", \"to\": \"\\\\1\\\\2\" },\n"
                                "        { \"match\": \"a@x\", \"action\": \"accept\" },\n"
                                "        { \"match\": \"b@x\", \"action\": \"reject\" },\n"
                                "        { \"match\": \"c@x\", \"action\": \"reject\", \"code\": "
                                "553, \"message\": \"No \\\"c\\\"\" }\n"
                                "    ]\n"
                                "}\n";
    QCOMPARE(set.toJson(), expected);

    SmtpRuleSet back;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(set.toJson(), &back, &error), qPrintable(error));
    QCOMPARE(back, set);

    QCOMPARE(SmtpRuleSet().toJson(),
        QByteArray("{\n    \"default\": \"accept\",\n    \"rules\": []\n}\n"));
}

void TestSmtpRules::loadSave()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fileName = dir.filePath(s("rules.json"));

    SmtpRuleSet set;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(contractExample, &set, &error), qPrintable(error));
    set.setDefaultAccept(false);
    error = s("stale");
    QVERIFY2(set.save(fileName, &error), qPrintable(error));
    QCOMPARE(error, QString());

    QFile file(fileName);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), set.toJson());
    file.close();

    SmtpRuleSet loaded;
    error = s("stale");
    QVERIFY2(SmtpRuleSet::load(fileName, &loaded, &error), qPrintable(error));
    QCOMPARE(error, QString());
    QCOMPARE(loaded, set);
    QVERIFY(!loaded.defaultAccept());
    QCOMPARE(loaded.decide(s("bob+1@example.com")).code, 553);

    // Saving again replaces the file.
    SmtpRuleSet other;
    other.append(SmtpRule(s("x@y"), SmtpRule::Action::Reject));
    QVERIFY2(other.save(fileName, &error), qPrintable(error));
    QVERIFY2(SmtpRuleSet::load(fileName, &loaded, &error), qPrintable(error));
    QCOMPARE(loaded, other);
}

void TestSmtpRules::loadErrorsNameTheFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SmtpRuleSet target;
    target.append(SmtpRule(s("keep@me"), SmtpRule::Action::Accept));
    const SmtpRuleSet before = target;
    QString error;

    const QString missing = dir.filePath(s("missing.json"));
    QVERIFY(!SmtpRuleSet::load(missing, &target, &error));
    QVERIFY2(error.startsWith(s("cannot read rules file ") + missing + s(": ")), qPrintable(error));
    QCOMPARE(target, before);

    const QString bad = dir.filePath(s("bad.json"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"rules": [{"match": "a@x", "action": "reject", "code": 200}]})");
    file.close();
    QVERIFY(!SmtpRuleSet::load(bad, &target, &error));
    QCOMPARE(error,
        s("rules file ") + bad + s(": rule 1 (\"a@x\"): code 200 is not a 4xx or 5xx reply code"));
    QCOMPARE(target, before);

    const QString unwritable = dir.filePath(s("no/such/dir/rules.json"));
    QVERIFY(!before.save(unwritable, &error));
    QVERIFY2(
        error.startsWith(s("cannot write rules file ") + unwritable + s(": ")), qPrintable(error));
    QVERIFY(!QFile::exists(unwritable));
}

void TestSmtpRules::copiesAreIndependent()
{
    SmtpRule a(s("/^a@/"), SmtpRule::Action::Reject);
    SmtpRule b = a;
    QCOMPARE(b, a);
    b.setMatch(s("/^b@/"));
    b.setCode(451);
    b.setMessage(s("later"));
    QVERIFY(b != a);
    // The original keeps its fields and its compiled regex.
    QCOMPARE(a.match(), s("/^a@/"));
    QCOMPARE(a.code(), 550);
    QCOMPARE(a.message(), s("Mailbox unavailable"));
    QVERIFY(a.matches(s("a@x")));
    QVERIFY(!a.matches(s("b@x")));
    QVERIFY(b.matches(s("b@x")));
    QVERIFY(!b.matches(s("a@x")));

    // Assignment shares, then detaches on write.
    SmtpRule c;
    c = a;
    c.setAction(SmtpRule::Action::Accept);
    QCOMPARE(a.action(), SmtpRule::Action::Reject);
    QCOMPARE(c.action(), SmtpRule::Action::Accept);
    SmtpRule d = a;
    d.setRewriteTo(s("z"));
    QCOMPARE(a.rewriteTo(), QString());
    QCOMPARE(d.rewriteTo(), s("z"));

    SmtpRuleSet set;
    set.append(a);
    SmtpRuleSet copy = set;
    QCOMPARE(copy, set);
    copy.append(SmtpRule(s("*"), SmtpRule::Action::Accept));
    copy.setDefaultAccept(false);
    QCOMPARE(set.rules().size(), 1);
    QVERIFY(set.defaultAccept());
    QCOMPARE(copy.rules().size(), 2);
    QVERIFY(copy != set);

    // A list taken from the set is a copy too.
    QList<SmtpRule> list = set.rules();
    list[0].setMatch(s("/^z@/"));
    QCOMPARE(set.rules().at(0).match(), s("/^a@/"));
    QVERIFY(!set.decide(s("a@x")).accepted);
    QVERIFY(set.decide(s("z@x")).accepted);

    SmtpRuleSet assigned;
    assigned = set;
    assigned.setRules({});
    QCOMPARE(set.rules().size(), 1);
    QVERIFY(assigned.isEmpty());
}

void TestSmtpRules::equality_data()
{
    QTest::addColumn<QString>("field");
    QTest::newRow("match") << s("match");
    QTest::newRow("action") << s("action");
    QTest::newRow("to") << s("to");
    QTest::newRow("code") << s("code");
    QTest::newRow("message") << s("message");
}

void TestSmtpRules::equality()
{
    QFETCH(QString, field);

    SmtpRule base(s("/^(a)@x$/"), SmtpRule::Action::Rewrite);
    base.setRewriteTo(s("\\1@y"));
    SmtpRule changed(base.match(), base.action()); // equal, but not shared
    changed.setRewriteTo(base.rewriteTo());
    QCOMPARE(changed, base);

    if (field == u"match")
        changed.setMatch(s("/^(b)@x$/"));
    else if (field == u"action")
        changed.setAction(SmtpRule::Action::Reject);
    else if (field == u"to")
        changed.setRewriteTo(s("\\1@z"));
    else if (field == u"code")
        changed.setCode(551);
    else if (field == u"message")
        changed.setMessage(s("other"));
    QVERIFY(changed != base);
    QVERIFY(!(changed == base));

    SmtpRuleSet a;
    a.append(base);
    SmtpRuleSet b;
    b.append(changed);
    QVERIFY(a != b);
    b.setRules({ base });
    QCOMPARE(b, a);
    b.setDefaultAccept(false);
    QVERIFY(a != b);
}

void TestSmtpRules::gadgetProperties()
{
    SmtpRule rule(s("*@x"), SmtpRule::Action::Reject);
    const QMetaObject &mo = SmtpRule::staticMetaObject;
    const QMetaProperty match = mo.property(mo.indexOfProperty("match"));
    const QMetaProperty code = mo.property(mo.indexOfProperty("code"));
    QVERIFY(match.isValid());
    QVERIFY(code.isValid());
    QCOMPARE(match.readOnGadget(&rule).toString(), s("*@x"));
    QVERIFY(code.writeOnGadget(&rule, 421));
    QCOMPARE(rule.code(), 421);
    QVERIFY(match.writeOnGadget(&rule, s("/^q/")));
    QVERIFY(rule.isRegex());
    QVERIFY(rule.matches(s("q@x")));
}

void TestSmtpRules::mailboxes()
{
    // A matching rewrite names a mailbox; the deciding accept rule's own beats it; the default
    // accept keeps what the rewrites said.
    const QByteArray json = R"({"rules": [
        {"match": "*@old.test", "action": "rewrite", "to": "new@b.test", "mailbox": "moved"},
        {"match": "*@b.test", "action": "accept", "mailbox": "billing"},
        {"match": "*@c.test", "action": "accept"},
        {"match": "*@d.test", "action": "rewrite", "to": "x@e.test", "mailbox": "dee"}]})";
    SmtpRuleSet rules;
    QString error;
    QVERIFY2(SmtpRuleSet::fromJson(json, &rules, &error), qPrintable(error));
    QCOMPARE(rules.rules().at(0).mailbox(), s("moved"));
    QCOMPARE(rules.decide(s("a@b.test")).mailbox, s("billing"));
    QCOMPARE(rules.decide(s("a@old.test")).mailbox, s("billing"));
    QCOMPARE(rules.decide(s("a@c.test")).mailbox, QString());
    QCOMPARE(rules.decide(s("a@d.test")).mailbox, s("dee"));
    QCOMPARE(rules.decide(s("a@x.test")).mailbox, QString());
    // Written back and read again, the same rules.
    SmtpRuleSet again;
    QVERIFY2(SmtpRuleSet::fromJson(rules.toJson(), &again, &error), qPrintable(error));
    QCOMPARE(again, rules);
    QVERIFY(rules.toJson().contains("\"mailbox\": \"billing\""));
    // Set in code: a bad name makes the rule unusable, like any other error.
    SmtpRule rule(s("*"), SmtpRule::Action::Accept);
    rule.setMailbox(s("a b"));
    QVERIFY(!rule.isValid());
    rule.setMailbox(s("a.b_c-9"));
    QVERIFY(rule.isValid());
    SmtpRule other = rule;
    other.setMailbox(s("z"));
    QVERIFY(other != rule);
    QVERIFY(SmtpRule::staticMetaObject.indexOfProperty("mailbox") >= 0);
}

QTEST_GUILESS_MAIN(TestSmtpRules)
#include "tst_smtprules.moc"
