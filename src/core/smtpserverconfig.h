// SmtpServerConfig: everything an SmtpServer is set up with, as one value that the command line,
// the settings dialog and QML fill in and hand to SmtpServer::applyConfiguration(). The defaults
// are those of a default-constructed value; validate() names every problem in a sentence a user
// can read, and it is the only place where listen addresses and TLS files are checked.
//
//     SmtpServerConfig config;                      // 127.0.0.1:1025, no TLS, no AUTH
//     config.setListeners({ SmtpListenerConfig(QStringLiteral("localhost"), 0) });
//     config.setMaxMessageSize(1024 * 1024);
//     if (!server.applyConfiguration(config))
//         qWarning() << server.errorString();       // the first of config.validate()
#pragma once

#include "smtpreceiver_global.h"
#include "smtprules.h"
#include "smtpserver.h"

#include <QCoreApplication>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QSharedDataPointer>
#include <QString>
#include <QStringList>

class QDebug;
class SmtpListenerConfigData;
class SmtpServerConfigData;

// One listening socket: an address as the user wrote it (an IP literal, "[v6]" or "localhost"),
// a port (0 picks a free one) and whether TLS starts at once (SMTPS, RFC 8314) rather than with
// STARTTLS.
class SMTPRECEIVER_EXPORT SmtpListenerConfig
{
    Q_GADGET
    Q_PROPERTY(QString address READ address WRITE setAddress)
    Q_PROPERTY(int port READ port WRITE setPort)
    Q_PROPERTY(bool implicitTls READ isImplicitTls WRITE setImplicitTls)
    Q_PROPERTY(QString mailbox READ mailbox WRITE setMailbox)
public:
    static constexpr int DefaultPort = 1025;
    static constexpr int DefaultImplicitTlsPort = 1465; // suggested when SMTPS is switched on

    SmtpListenerConfig(); // 127.0.0.1:1025, STARTTLS
    SmtpListenerConfig(const QString &address, int port, bool implicitTls = false);
    SmtpListenerConfig(const SmtpListenerConfig &other);
    SmtpListenerConfig &operator=(const SmtpListenerConfig &other);
    SmtpListenerConfig(SmtpListenerConfig &&other) noexcept;
    SmtpListenerConfig &operator=(SmtpListenerConfig &&other) noexcept;
    ~SmtpListenerConfig();
    void swap(SmtpListenerConfig &other) noexcept { d.swap(other.d); }

    static QString defaultAddress(); // "127.0.0.1"

    QString address() const;
    void setAddress(const QString &address);
    int port() const; // 0..65535 is valid; validate() names anything else
    void setPort(int port);
    bool isImplicitTls() const;
    void setImplicitTls(bool implicitTls);
    // The mailbox this listener's mail goes to when no rule (or AUTH user, see
    // SmtpServerConfig::mailboxFromAuth()) routes it; empty: Inbox.
    QString mailbox() const;
    void setMailbox(const QString &mailbox);

    // The address to bind: address() parsed; a null address when it is not one.
    QHostAddress hostAddress() const;
    // "127.0.0.1:1025", "[::1]:1025", "localhost:0": the address as written and the port.
    QString toString() const;
    // The problems of this listener alone, each a sentence (see SmtpServerConfig::validate()).
    QStringList validate() const;

    // "ADDR:PORT", "[v6]:PORT", "localhost:PORT" or a bare "PORT" (on 127.0.0.1). Only splits:
    // the parts are checked by validate(). False with *errorString set when there is no port.
    static bool fromString(
        const QString &text, bool implicitTls, SmtpListenerConfig *listener, QString *errorString);
    // "127.0.0.1", "::1", "[::1]", "0.0.0.0", "localhost" (case-insensitive; 127.0.0.1);
    // false for anything else, host names included: listening needs an address.
    static bool parseAddress(const QString &text, QHostAddress *address);

private:
    QSharedDataPointer<SmtpListenerConfigData> d;
};

SMTPRECEIVER_EXPORT bool operator==(const SmtpListenerConfig &a, const SmtpListenerConfig &b);
inline bool operator!=(const SmtpListenerConfig &a, const SmtpListenerConfig &b)
{
    return !(a == b);
}
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpListenerConfig &listener);

class SMTPRECEIVER_EXPORT SmtpServerConfig
{
    Q_GADGET
    Q_PROPERTY(QList<SmtpListenerConfig> listeners READ listeners WRITE setListeners)
    Q_PROPERTY(QString hostname READ hostname WRITE setHostname)
    Q_PROPERTY(QString tlsCertificateFile READ tlsCertificateFile WRITE setTlsCertificateFile)
    Q_PROPERTY(QString tlsKeyFile READ tlsKeyFile WRITE setTlsKeyFile)
    Q_PROPERTY(bool requireTls READ requireTls WRITE setRequireTls)
    Q_PROPERTY(SmtpServer::AuthMode authMode READ authMode WRITE setAuthMode)
    Q_PROPERTY(QHash<QString, QString> credentials READ credentials WRITE setCredentials)
    Q_PROPERTY(qint64 maxMessageSize READ maxMessageSize WRITE setMaxMessageSize)
    Q_PROPERTY(int idleTimeout READ idleTimeout WRITE setIdleTimeout)
    Q_PROPERTY(int maxConnections READ maxConnections WRITE setMaxConnections)
    Q_PROPERTY(int recipientTimeout READ recipientTimeout WRITE setRecipientTimeout)
    Q_PROPERTY(SmtpRuleSet rules READ rules WRITE setRules)
    Q_PROPERTY(QString rulesFile READ rulesFile WRITE setRulesFile)
    Q_PROPERTY(qint64 chaosSeed READ chaosSeed WRITE setChaosSeed)
    Q_PROPERTY(bool mailboxFromAuth READ mailboxFromAuth WRITE setMailboxFromAuth)
    Q_DECLARE_TR_FUNCTIONS(SmtpServerConfig) // the problems are translated in this context
public:
    // The defaults (what a default-constructed value holds), for help texts and forms.
    static constexpr qint64 DefaultMaxMessageSize = 26214400; // 25 MiB
    static constexpr int DefaultIdleTimeout = 300; // seconds
    static constexpr int DefaultMaxConnections = 1000;
    static constexpr int DefaultRecipientTimeout = 30000; // milliseconds
    // The accepted ranges; validate() names values outside them.
    static constexpr qint64 MaxMaxMessageSize = qint64(1) << 40;
    static constexpr int MaxIdleTimeout = 86400;
    static constexpr int MaxMaxConnections = 1000000;
    static constexpr int MaxRecipientTimeout = 3600000;

    using AuthMode = SmtpServer::AuthMode;

    // What a problem found by problems() is about, so that a caller can point at the setting
    // (the command line names the flag, a form the field).
    enum class Setting {
        Listener,
        Hostname,
        TlsCertificate,
        TlsKey,
        RequireTls,
        Auth,
        MaxMessageSize,
        IdleTimeout,
        MaxConnections,
        RecipientTimeout,
        Rules,
    };
    Q_ENUM(Setting)
    struct Problem
    {
        Setting setting = Setting::Listener;
        int listener = -1; // index into listeners() for Setting::Listener, else -1
        QString text; // a complete sentence
    };

    SmtpServerConfig();
    SmtpServerConfig(const SmtpServerConfig &other);
    SmtpServerConfig &operator=(const SmtpServerConfig &other);
    SmtpServerConfig(SmtpServerConfig &&other) noexcept;
    SmtpServerConfig &operator=(SmtpServerConfig &&other) noexcept;
    ~SmtpServerConfig();
    void swap(SmtpServerConfig &other) noexcept { d.swap(other.d); }

    // In order; the default is one STARTTLS listener on 127.0.0.1:1025.
    QList<SmtpListenerConfig> listeners() const;
    void setListeners(const QList<SmtpListenerConfig> &listeners);

    QString hostname() const; // in the greeting and EHLO reply; empty: the machine's name
    void setHostname(const QString &hostname);
    static QString defaultHostname(); // the machine's name, or "localhost"

    // PEM files: a certificate (chain) and its unencrypted private key. With both, STARTTLS is
    // offered and implicit-TLS listeners work.
    QString tlsCertificateFile() const;
    void setTlsCertificateFile(const QString &fileName);
    QString tlsKeyFile() const;
    void setTlsKeyFile(const QString &fileName);
    bool requireTls() const; // MAIL before STARTTLS gets 530 5.7.0
    void setRequireTls(bool require);

    AuthMode authMode() const;
    void setAuthMode(AuthMode mode);
    QHash<QString, QString> credentials() const; // user -> password, for AuthMode::Credentials
    void setCredentials(const QHash<QString, QString> &userToPassword);

    qint64 maxMessageSize() const; // bytes, advertised as SIZE
    void setMaxMessageSize(qint64 bytes);
    int idleTimeout() const; // seconds before an idle session gets 421 4.4.2
    void setIdleTimeout(int seconds);
    int maxConnections() const; // concurrent sessions; one more gets 421 4.7.0
    void setMaxConnections(int count);
    int recipientTimeout() const; // milliseconds an unanswered SmtpServer::recipient() may take
    void setRecipientTimeout(int milliseconds);

    // Recipient rules: rules(), unless rulesFile() names a JSON rules file, which is then read
    // when the configuration is validated and applied.
    SmtpRuleSet rules() const;
    void setRules(const SmtpRuleSet &rules);
    QString rulesFile() const;
    void setRulesFile(const QString &fileName);
    // The seed of the random source that fail rules with a probability below 100 draw from;
    // the same seed gives the same sequence of failures. -1 (the default): seeded at random.
    // Whether the AUTH user name names the mailbox of the message (when no rule names one). AUTH
    // with a name that SmtpMessage::isValidMailboxName() refuses is answered 535 5.7.8, naming
    // the rule. Offers AUTH, accepting any password, when authMode() is Off; with Credentials
    // only those are accepted.
    bool mailboxFromAuth() const;
    void setMailboxFromAuth(bool on);
    qint64 chaosSeed() const;
    void setChaosSeed(qint64 seed);

    // How much problems() looks at: everything, or all but the contents of the TLS files
    // (reading them loads Qt's TLS backend, which wants a QCoreApplication to exist).
    enum class Validation { Full, WithoutTlsFiles };
    Q_ENUM(Validation)

    // Every problem, in the order of the settings above; empty when the server can be set up
    // with this configuration (binding may still fail, e.g. when a port is in use). Reads the
    // rules file and (with Validation::Full) the TLS files.
    QList<Problem> problems(Validation validation = Validation::Full) const;
    // The texts of problems().
    QStringList validate() const;

    // A sentence naming what is wrong with a PEM certificate file (unreadable, no certificate
    // in it), or an empty string when it holds one.
    static QString certificateFileProblem(const QString &fileName);
    // The same for an unencrypted PEM private key (RSA, EC or DSA).
    static QString keyFileProblem(const QString &fileName);

private:
    QSharedDataPointer<SmtpServerConfigData> d;
};

SMTPRECEIVER_EXPORT bool operator==(const SmtpServerConfig &a, const SmtpServerConfig &b);
inline bool operator!=(const SmtpServerConfig &a, const SmtpServerConfig &b)
{
    return !(a == b);
}
SMTPRECEIVER_EXPORT QDebug operator<<(QDebug debug, const SmtpServerConfig &config);

Q_DECLARE_SHARED(SmtpListenerConfig)
Q_DECLARE_SHARED(SmtpServerConfig)
