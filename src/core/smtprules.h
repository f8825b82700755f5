// Recipient rules: an ordered list of accept / reject / rewrite rules, matched by glob or
// /regex/, and fail rules that inject SMTP failures at a stage of the transaction. The same value
// the settings dialog edits and the --rules JSON file loads (contract.md, "Rules file").
// Implicitly shared.
#pragma once

#include "smtpreceiver_global.h"

#include <QList>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>

class QJsonObject;
class QRandomGenerator;
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
    Q_PROPERTY(Stage stage READ stage WRITE setStage)
    Q_PROPERTY(int probability READ probability WRITE setProbability)
    Q_PROPERTY(int delayMs READ delayMs WRITE setDelayMs)
    Q_PROPERTY(bool disconnect READ disconnect WRITE setDisconnect)
    Q_PROPERTY(bool relay READ relay WRITE setRelay)
    Q_PROPERTY(QString mailbox READ mailbox WRITE setMailbox)
public:
    // Fail: answer code() and message() at stage() instead of going on (failure injection);
    // it never decides a recipient, so decide() passes over it.
    enum class Action { Accept, Reject, Rewrite, Fail };
    Q_ENUM(Action)
    // Where a fail rule strikes, and what its match is compared with: the sender at MAIL, the
    // recipient (as the client sent it) at RCPT, the sender at the end of the message (DATA or
    // BDAT LAST; the message is not stored), the user name at AUTH (there is no sender yet).
    enum class Stage { Mail, Rcpt, Data, Auth };
    Q_ENUM(Stage)
    // The rules file's word for a stage: "mail", "rcpt", "data" or "auth".
    static const char *stageName(Stage stage);
    static constexpr int MaxDelayMs = 600000; // ten minutes
    // The text of a fail rule read from JSON without "message": "Injected failure".
    static QString defaultFailMessage();

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
    // Fail: the stage (default Rcpt); the chance in percent that the rule strikes when it
    // matches (0-100, default 100); how long to wait before answering (0-MaxDelayMs, default 0);
    // whether to close the connection without any reply (after the delay).
    Stage stage() const;
    void setStage(Stage stage);
    int probability() const;
    void setProbability(int percent);
    int delayMs() const;
    void setDelayMs(int milliseconds);
    bool disconnect() const;
    void setDisconnect(bool disconnect);
    // Accept: release every recipient this rule accepts to the relay after the message is stored.
    bool relay() const;
    void setRelay(bool relay);
    // Accept or rewrite: the mailbox the message goes to for the recipients this rule matches
    // (a name SmtpMessage::isValidMailboxName() takes); empty: routing decides.
    QString mailbox() const;
    void setMailbox(const QString &mailbox);

    bool isRegex() const;
    // Empty when the rule can be used; otherwise why not (bad regex, bad code, no target, a
    // target that is the same text for every address and no mailbox, probability or delay out
    // of range).
    QString errorString() const;
    bool isValid() const { return errorString().isEmpty(); }

    // Whether the address matches; for a regex, the capture groups go to *captures
    // (captures[0] is the whole match).
    bool matches(const QString &address, QStringList *captures = nullptr) const;
    // The rewritten address, \1..\9 replaced; the address unchanged if it does not match.
    QString rewrite(const QString &address) const;

    // The same fields (match, action, target, code, message, and the fail and relay fields).
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
    Q_PROPERTY(bool relay MEMBER relay)
    Q_PROPERTY(QString mailbox MEMBER mailbox)
public:
    bool accepted = true;
    QString address; // after every rewrite that applied
    int code = 0; // when rejected
    QString message; // when rejected
    int ruleIndex = -1; // the accept/reject rule that decided; -1 for the default
    bool relay = false; // accepted by a rule that says to release to the relay
    // The mailbox of the accept rule that decided, else of the last matching rewrite rule that
    // names one; empty when no rule named one.
    QString mailbox;
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
    // Whether fail rules are applied (default on). Off keeps them in the list, unused.
    bool failureInjection() const;
    void setFailureInjection(bool on);
    // The usable fail rules, whether or not failure injection is on.
    QList<SmtpRule> failRules() const;

    // First accept/reject that matches wins; rewrites change the address and evaluation goes on.
    // A matching rewrite or the deciding accept rule may name a mailbox (SmtpRuleDecision), and
    // the deciding accept rule may release the address to the relay: the server notes that on
    // the message (SmtpMessage::relayRcptTos()), as the rewritten address alone cannot tell it.
    SmtpRuleDecision decide(const QString &address) const;
    // The index of the first usable fail rule of this stage whose match fits the address and
    // whose probability strikes; -1 for none (always -1 while failure injection is off).
    // Probabilities between 0 and 100 draw bounded(100) from random; 0 and 100 draw nothing.
    int failure(SmtpRule::Stage stage, const QString &address, QRandomGenerator *random) const;

    // The JSON of contract.md. fromJson() returns false and sets *errorString (naming the rule,
    // by its 1-based position and match, and what is wrong with it) on any error.
    static bool fromJson(const QByteArray &json, SmtpRuleSet *rules, QString *errorString);
    QByteArray toJson() const;
    static bool load(const QString &fileName, SmtpRuleSet *rules, QString *errorString);
    bool save(const QString &fileName, QString *errorString) const;

    // Same default, failure injection switch and the same rules in the same order.
    bool operator==(const SmtpRuleSet &other) const;
    bool operator!=(const SmtpRuleSet &other) const { return !(*this == other); }

private:
    QSharedDataPointer<SmtpRuleSetData> d;
};

Q_DECLARE_SHARED(SmtpRule)
Q_DECLARE_SHARED(SmtpRuleSet)
