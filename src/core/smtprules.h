// Recipient rules: an ordered list of accept / reject / rewrite rules, matched by glob or
// /regex/. The same value the settings dialog edits and the --rules JSON file loads
// (contract.md, "Rules file"). Implicitly shared.
#pragma once

#include "smtpreceiver_global.h"

#include <QList>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QJsonObject;
class SmtpRuleData;
class SmtpRuleSetData;

class SMTPRECEIVER_EXPORT SmtpRule
{
    Q_GADGET
    Q_PROPERTY(QString match READ match WRITE setMatch)
    Q_PROPERTY(Action action READ action WRITE setAction)
    Q_PROPERTY(QString rewriteTo READ rewriteTo WRITE setRewriteTo)
    Q_PROPERTY(int code READ code WRITE setCode)
    Q_PROPERTY(QString message READ message WRITE setMessage)
public:
    enum class Action { Accept, Reject, Rewrite };
    Q_ENUM(Action)

    SmtpRule();
    SmtpRule(const QString &match, Action action);
    SmtpRule(const SmtpRule &other);
    SmtpRule &operator=(const SmtpRule &other);
    ~SmtpRule();
    void swap(SmtpRule &other) noexcept { d.swap(other.d); }

    // "*@example.com" (glob: * and ?, case-insensitive) or "/^regex$/" (optionally "/.../i").
    QString match() const;
    void setMatch(const QString &match);
    Action action() const;
    void setAction(Action action);
    // Rewrite: the replacement, with \1..\9 standing for the regex's capture groups.
    QString rewriteTo() const;
    void setRewriteTo(const QString &to);
    // Reject: SMTP code (4xx or 5xx, default 550) and text (default "Mailbox unavailable").
    int code() const;
    void setCode(int code);
    QString message() const;
    void setMessage(const QString &message);

    bool isRegex() const;
    // Empty when the rule can be used; otherwise why not (bad regex, bad code, no target).
    QString errorString() const;
    bool isValid() const { return errorString().isEmpty(); }

    // Whether the address matches; for a regex, the capture groups go to *captures
    // (captures[0] is the whole match).
    bool matches(const QString &address, QStringList *captures = nullptr) const;
    // The rewritten address, \1..\9 replaced; the address unchanged if it does not match.
    QString rewrite(const QString &address) const;

    // The same fields (match, action, target, code, message).
    bool operator==(const SmtpRule &other) const;
    bool operator!=(const SmtpRule &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpRuleData> d;
};

// The outcome of running the rules on one address.
struct SMTPRECEIVER_EXPORT SmtpRuleDecision
{
    Q_GADGET
    Q_PROPERTY(bool accepted MEMBER accepted)
    Q_PROPERTY(QString address MEMBER address)
    Q_PROPERTY(int code MEMBER code)
    Q_PROPERTY(QString message MEMBER message)
    Q_PROPERTY(int ruleIndex MEMBER ruleIndex)
public:
    bool accepted = true;
    QString address; // after every rewrite that applied
    int code = 0; // when rejected
    QString message; // when rejected
    int ruleIndex = -1; // the accept/reject rule that decided; -1 for the default
};

class SMTPRECEIVER_EXPORT SmtpRuleSet
{
public:
    SmtpRuleSet();
    SmtpRuleSet(const SmtpRuleSet &other);
    SmtpRuleSet &operator=(const SmtpRuleSet &other);
    ~SmtpRuleSet();
    void swap(SmtpRuleSet &other) noexcept { d.swap(other.d); }

    bool defaultAccept() const;
    void setDefaultAccept(bool accept);
    QList<SmtpRule> rules() const;
    void setRules(const QList<SmtpRule> &rules);
    void append(const SmtpRule &rule);
    bool isEmpty() const; // no rules and default accept: everything is accepted unchanged

    // First accept/reject that matches wins; rewrites change the address and evaluation goes on.
    SmtpRuleDecision decide(const QString &address) const;

    // The JSON of contract.md. fromJson() returns false and sets *errorString (naming the rule,
    // by its 1-based position and match, and what is wrong with it) on any error.
    static bool fromJson(const QByteArray &json, SmtpRuleSet *rules, QString *errorString);
    QByteArray toJson() const;
    static bool load(const QString &fileName, SmtpRuleSet *rules, QString *errorString);
    bool save(const QString &fileName, QString *errorString) const;

    // Same default and the same rules in the same order.
    bool operator==(const SmtpRuleSet &other) const;
    bool operator!=(const SmtpRuleSet &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpRuleSetData> d;
};

Q_DECLARE_SHARED(SmtpRule)
Q_DECLARE_SHARED(SmtpRuleSet)
