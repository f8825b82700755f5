// SmtpServerConfig and SmtpListenerConfig: the values, their defaults, and validate(), the one
// place where listen addresses, numbers and TLS files are checked.
#include "smtpserverconfig.h"

#include "smtpmessage.h"
#include "smtpserverconfig_p.h"

#include <QCoreApplication>
#include <QDebug>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QSysInfo>

#include <algorithm>
#include <limits>

namespace {

bool isValidPort(int port)
{
    return port >= 0 && port <= 65535;
}

// The algorithms tried, in order, on a PEM private key.
constexpr QSsl::KeyAlgorithm keyAlgorithms[] = { QSsl::Rsa, QSsl::Ec, QSsl::Dsa };

// Reads a PEM file into *bytes; false when it cannot, *isDirectory telling whether it is one
// and *why what the file system said.
bool readPem(const QString &fileName, QByteArray *bytes, bool *isDirectory, QString *why)
{
    *isDirectory = QFileInfo(fileName).isDir();
    if (*isDirectory)
        return false;
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *why = file.errorString();
        return false;
    }
    *bytes = file.readAll();
    return true;
}

QString loadCertificate(const QString &fileName, QList<QSslCertificate> *chain)
{
    QByteArray pem;
    bool isDirectory = false;
    QString why;
    if (!readPem(fileName, &pem, &isDirectory, &why))
        return isDirectory
            ? SmtpServerConfig::tr("The TLS certificate “%1” is a directory, not a PEM file.")
                  .arg(fileName)
            : SmtpServerConfig::tr("The TLS certificate “%1” cannot be read: %2.")
                  .arg(fileName, why);
    *chain = QSslCertificate::fromData(pem, QSsl::Pem);
    if (chain->isEmpty() || chain->constFirst().isNull())
        return SmtpServerConfig::tr("The TLS certificate “%1” holds no PEM certificate.")
            .arg(fileName);
    return {};
}

QString loadKey(const QString &fileName, QSslKey *key)
{
    QByteArray pem;
    bool isDirectory = false;
    QString why;
    if (!readPem(fileName, &pem, &isDirectory, &why))
        return isDirectory
            ? SmtpServerConfig::tr("The TLS private key “%1” is a directory, not a PEM file.")
                  .arg(fileName)
            : SmtpServerConfig::tr("The TLS private key “%1” cannot be read: %2.")
                  .arg(fileName, why);
    for (QSsl::KeyAlgorithm algorithm : keyAlgorithms) {
        *key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key->isNull())
            return {};
    }
    if (pem.contains("ENCRYPTED"))
        return SmtpServerConfig::tr(
            "The TLS private key “%1” is encrypted; the server needs it without a "
            "passphrase.")
            .arg(fileName);
    return SmtpServerConfig::tr("The TLS private key “%1” holds no PEM private key.").arg(fileName);
}

// Whether the private key is the one of the certificate's public key. Qt has no call for
// this. Keys of another algorithm never are. For RSA, the public key's DER
// (SubjectPublicKeyInfo) ends with the modulus and the exponent, which the private key's DER
// (PKCS#1, also inside PKCS#8) holds one after the other as well; other algorithms may leave
// the public part out of the private key, so for them the handshake has the last word.
bool keyMatches(const QSslCertificate &certificate, const QSslKey &key)
{
    const QSslKey publicKey = certificate.publicKey();
    if (publicKey.isNull())
        return true; // nothing to compare with
    if (publicKey.algorithm() != key.algorithm())
        return false;
    if (key.algorithm() != QSsl::Rsa)
        return true;
    const QByteArray publicDer = publicKey.toDer();
    const QByteArray privateDer = key.toDer();
    if (publicDer.size() < 64 + 24 || privateDer.isEmpty())
        return true;
    return privateDer.contains(publicDer.right(64));
}

} // namespace

bool smtpLoadTlsFiles(const QString &certificateFile, const QString &keyFile,
    QSslConfiguration *configuration, SmtpServerConfig::Problem *problem)
{
    using Setting = SmtpServerConfig::Setting;
    const auto fail = [problem](Setting setting, const QString &text) {
        *problem = { setting, -1, text };
        return false;
    };
    QList<QSslCertificate> chain;
    if (QString text = loadCertificate(certificateFile, &chain); !text.isEmpty())
        return fail(Setting::TlsCertificate, text);
    QSslKey key;
    if (QString text = loadKey(keyFile, &key); !text.isEmpty())
        return fail(Setting::TlsKey, text);
    if (!keyMatches(chain.constFirst(), key))
        return fail(Setting::TlsKey,
            SmtpServerConfig::tr(
                "The TLS private key “%1” does not belong to the certificate “%2”.")
                .arg(keyFile, certificateFile));
    if (configuration) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
        *configuration = ssl;
    }
    return true;
}

bool smtpLoadRulesFile(const QString &fileName, SmtpRuleSet *rules, QString *problem)
{
    QString error;
    if (SmtpRuleSet::load(fileName, rules, &error))
        return true;
    *problem = SmtpServerConfig::tr("The rules file cannot be used: %1").arg(error);
    return false;
}

// --- SmtpListenerConfig ---------------------------------------------------------------------

class SmtpListenerConfigData : public QSharedData
{
public:
    QString address = SmtpListenerConfig::defaultAddress();
    int port = SmtpListenerConfig::DefaultPort;
    bool implicitTls = false;
    QString mailbox;
};

SmtpListenerConfig::SmtpListenerConfig()
    : d(new SmtpListenerConfigData)
{ }

SmtpListenerConfig::SmtpListenerConfig(const QString &address, int port, bool implicitTls)
    : d(new SmtpListenerConfigData)
{
    d->address = address;
    d->port = port;
    d->implicitTls = implicitTls;
}

SmtpListenerConfig::SmtpListenerConfig(const SmtpListenerConfig &other) = default;
SmtpListenerConfig &SmtpListenerConfig::operator=(const SmtpListenerConfig &other) = default;
SmtpListenerConfig::SmtpListenerConfig(SmtpListenerConfig &&other) noexcept = default;
SmtpListenerConfig &SmtpListenerConfig::operator=(SmtpListenerConfig &&other) noexcept = default;
SmtpListenerConfig::~SmtpListenerConfig() = default;

QString SmtpListenerConfig::defaultAddress()
{
    return QStringLiteral("127.0.0.1");
}

QString SmtpListenerConfig::address() const
{
    return d->address;
}
void SmtpListenerConfig::setAddress(const QString &address)
{
    d->address = address;
}
int SmtpListenerConfig::port() const
{
    return d->port;
}
void SmtpListenerConfig::setPort(int port)
{
    d->port = port;
}
bool SmtpListenerConfig::isImplicitTls() const
{
    return d->implicitTls;
}
void SmtpListenerConfig::setImplicitTls(bool implicitTls)
{
    d->implicitTls = implicitTls;
}

QString SmtpListenerConfig::mailbox() const
{
    return d->mailbox;
}
void SmtpListenerConfig::setMailbox(const QString &mailbox)
{
    d->mailbox = mailbox;
}

bool SmtpListenerConfig::parseAddress(const QString &text, QHostAddress *address)
{
    QString host = text.trimmed();
    QHostAddress parsed;
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        parsed = QHostAddress(QHostAddress::LocalHost);
    } else {
        if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
            host = host.mid(1, host.size() - 2);
        if (host.isEmpty() || !parsed.setAddress(host))
            return false; // names are not resolved: listening needs an address
    }
    if (address)
        *address = parsed;
    return true;
}

QHostAddress SmtpListenerConfig::hostAddress() const
{
    QHostAddress address;
    return parseAddress(d->address, &address) ? address : QHostAddress();
}

QString SmtpListenerConfig::toString() const
{
    const QString address = d->address.trimmed();
    const bool bare6 = address.contains(QLatin1Char(':')) && !address.startsWith(QLatin1Char('['));
    return (bare6 ? QLatin1Char('[') + address + QLatin1Char(']') : address) + QLatin1Char(':')
        + QString::number(d->port);
}

QStringList SmtpListenerConfig::validate() const
{
    QStringList problems;
    if (!parseAddress(d->address, nullptr))
        problems.append(d->implicitTls
                ? SmtpServerConfig::tr("The SMTPS listen address “%1” is not an IP address or "
                                       "localhost (for example 127.0.0.1, 0.0.0.0 or ::1).")
                      .arg(d->address)
                : SmtpServerConfig::tr("The SMTP listen address “%1” is not an IP address or "
                                       "localhost (for example 127.0.0.1, 0.0.0.0 or ::1).")
                      .arg(d->address));
    if (!isValidPort(d->port))
        problems.append(
            SmtpServerConfig::tr("The port %1 is out of range: a port is a number from 0 to 65535 "
                                 "(0 picks a free one).")
                .arg(d->port));
    if (!d->mailbox.isEmpty() && !SmtpMessage::isValidMailboxName(d->mailbox))
        problems.append(SmtpServerConfig::tr("The mailbox name “%1” is not 1 to 64 characters of "
                                             "A-Z, a-z, 0-9, '.', '_' and '-'.")
                            .arg(d->mailbox));
    return problems;
}

bool SmtpListenerConfig::fromString(
    const QString &text, bool implicitTls, SmtpListenerConfig *listener, QString *errorString)
{
    QString host;
    QString portText;
    const auto fail = [&text, errorString] {
        if (errorString)
            *errorString = SmtpServerConfig::tr("“%1” is not ADDR:PORT.").arg(text);
        return false;
    };
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1String("]:"));
        if (close < 0)
            return fail();
        host = text.left(close + 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) {
            portText = text; // a bare port listens on loopback
            host = defaultAddress();
        } else {
            host = text.left(colon);
            portText = text.mid(colon + 1);
            if (host.contains(QLatin1Char(':')))
                return fail(); // IPv6 needs brackets, or the port cannot be told apart
        }
    }
    bool ok = false;
    const qint64 port = portText.toLongLong(&ok);
    if (!ok || host.isEmpty())
        return fail();
    if (listener)
        *listener = SmtpListenerConfig(host,
            int(qBound(qint64(std::numeric_limits<int>::min()), port,
                qint64(std::numeric_limits<int>::max()))),
            implicitTls);
    return true;
}

bool operator==(const SmtpListenerConfig &a, const SmtpListenerConfig &b)
{
    return a.address() == b.address() && a.port() == b.port()
        && a.isImplicitTls() == b.isImplicitTls() && a.mailbox() == b.mailbox();
}

QDebug operator<<(QDebug debug, const SmtpListenerConfig &listener)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpListenerConfig(" << listener.toString()
                    << (listener.isImplicitTls() ? ", implicit TLS)" : ")");
    return debug;
}

// --- SmtpServerConfig -----------------------------------------------------------------------

class SmtpServerConfigData : public QSharedData
{
public:
    QList<SmtpListenerConfig> listeners { SmtpListenerConfig() };
    QString hostname;
    QString tlsCertificateFile;
    QString tlsKeyFile;
    bool requireTls = false;
    SmtpServerConfig::AuthMode authMode = SmtpServerConfig::AuthMode::Off;
    QHash<QString, QString> credentials;
    qint64 maxMessageSize = SmtpServerConfig::DefaultMaxMessageSize;
    int idleTimeout = SmtpServerConfig::DefaultIdleTimeout;
    int maxConnections = SmtpServerConfig::DefaultMaxConnections;
    int recipientTimeout = SmtpServerConfig::DefaultRecipientTimeout;
    SmtpRuleSet rules;
    QString rulesFile;
    qint64 chaosSeed = -1;
    bool mailboxFromAuth = false;
};

SmtpServerConfig::SmtpServerConfig()
    : d(new SmtpServerConfigData)
{ }
SmtpServerConfig::SmtpServerConfig(const SmtpServerConfig &other) = default;
SmtpServerConfig &SmtpServerConfig::operator=(const SmtpServerConfig &other) = default;
SmtpServerConfig::SmtpServerConfig(SmtpServerConfig &&other) noexcept = default;
SmtpServerConfig &SmtpServerConfig::operator=(SmtpServerConfig &&other) noexcept = default;
SmtpServerConfig::~SmtpServerConfig() = default;

QList<SmtpListenerConfig> SmtpServerConfig::listeners() const
{
    return d->listeners;
}
void SmtpServerConfig::setListeners(const QList<SmtpListenerConfig> &listeners)
{
    d->listeners = listeners;
}
QString SmtpServerConfig::hostname() const
{
    return d->hostname;
}
void SmtpServerConfig::setHostname(const QString &hostname)
{
    d->hostname = hostname;
}
QString SmtpServerConfig::defaultHostname()
{
    // Asked once per process (a uname() system call), not once per connection's greeting.
    static const QString name = [] {
        const QString machine = QSysInfo::machineHostName();
        return machine.isEmpty() ? QStringLiteral("localhost") : machine;
    }();
    return name;
}
QString SmtpServerConfig::tlsCertificateFile() const
{
    return d->tlsCertificateFile;
}
void SmtpServerConfig::setTlsCertificateFile(const QString &fileName)
{
    d->tlsCertificateFile = fileName;
}
QString SmtpServerConfig::tlsKeyFile() const
{
    return d->tlsKeyFile;
}
void SmtpServerConfig::setTlsKeyFile(const QString &fileName)
{
    d->tlsKeyFile = fileName;
}
bool SmtpServerConfig::requireTls() const
{
    return d->requireTls;
}
void SmtpServerConfig::setRequireTls(bool require)
{
    d->requireTls = require;
}
SmtpServerConfig::AuthMode SmtpServerConfig::authMode() const
{
    return d->authMode;
}
void SmtpServerConfig::setAuthMode(AuthMode mode)
{
    d->authMode = mode;
}
QHash<QString, QString> SmtpServerConfig::credentials() const
{
    return d->credentials;
}
void SmtpServerConfig::setCredentials(const QHash<QString, QString> &userToPassword)
{
    d->credentials = userToPassword;
}
qint64 SmtpServerConfig::maxMessageSize() const
{
    return d->maxMessageSize;
}
void SmtpServerConfig::setMaxMessageSize(qint64 bytes)
{
    d->maxMessageSize = bytes;
}
int SmtpServerConfig::idleTimeout() const
{
    return d->idleTimeout;
}
void SmtpServerConfig::setIdleTimeout(int seconds)
{
    d->idleTimeout = seconds;
}
int SmtpServerConfig::maxConnections() const
{
    return d->maxConnections;
}
void SmtpServerConfig::setMaxConnections(int count)
{
    d->maxConnections = count;
}
int SmtpServerConfig::recipientTimeout() const
{
    return d->recipientTimeout;
}
void SmtpServerConfig::setRecipientTimeout(int milliseconds)
{
    d->recipientTimeout = milliseconds;
}
SmtpRuleSet SmtpServerConfig::rules() const
{
    return d->rules;
}
void SmtpServerConfig::setRules(const SmtpRuleSet &rules)
{
    d->rules = rules;
}
QString SmtpServerConfig::rulesFile() const
{
    return d->rulesFile;
}
void SmtpServerConfig::setRulesFile(const QString &fileName)
{
    d->rulesFile = fileName;
}
bool SmtpServerConfig::mailboxFromAuth() const
{
    return d->mailboxFromAuth;
}
void SmtpServerConfig::setMailboxFromAuth(bool on)
{
    d->mailboxFromAuth = on;
}

qint64 SmtpServerConfig::chaosSeed() const
{
    return d->chaosSeed;
}
void SmtpServerConfig::setChaosSeed(qint64 seed)
{
    d->chaosSeed = seed < 0 ? -1 : seed;
}

QString SmtpServerConfig::certificateFileProblem(const QString &fileName)
{
    QList<QSslCertificate> chain;
    return loadCertificate(fileName, &chain);
}

QString SmtpServerConfig::keyFileProblem(const QString &fileName)
{
    QSslKey key;
    return loadKey(fileName, &key);
}

QList<SmtpServerConfig::Problem> SmtpServerConfig::problems(Validation validation) const
{
    QList<Problem> found;
    const auto add = [&found](Setting setting, const QString &text, int listener = -1) {
        found.append({ setting, listener, text });
    };

    if (d->listeners.isEmpty())
        add(Setting::Listener,
            SmtpServerConfig::tr("There is no listener: give at least one address and port."));
    QSet<QString> bound; // "address port" of the fixed ports seen so far
    bool implicitTls = false;
    for (int i = 0; i < d->listeners.size(); ++i) {
        const SmtpListenerConfig &listener = d->listeners.at(i);
        const QStringList own = listener.validate();
        for (const QString &text : own)
            add(Setting::Listener, text, i);
        implicitTls = implicitTls || listener.isImplicitTls();
        if (!own.isEmpty() || listener.port() == 0)
            continue;
        const QString key = listener.hostAddress().toString() + QLatin1Char(' ')
            + QString::number(listener.port());
        if (bound.contains(key))
            add(Setting::Listener,
                SmtpServerConfig::tr("Two listeners cannot both listen on %1:%2.")
                    .arg(listener.address())
                    .arg(listener.port()),
                i);
        bound.insert(key);
    }
    if (implicitTls && d->tlsCertificateFile.isEmpty()) {
        for (int i = 0; i < d->listeners.size(); ++i) {
            if (d->listeners.at(i).isImplicitTls()) {
                add(Setting::Listener,
                    SmtpServerConfig::tr(
                        "An SMTPS (implicit TLS) listener needs a TLS certificate and key."),
                    i);
                break;
            }
        }
    }

    for (const QChar c : d->hostname) {
        if (c.isSpace() || c.category() == QChar::Other_Control) {
            QString shown = d->hostname; // on one line, whatever it holds
            for (QChar &s : shown) {
                if (s.category() == QChar::Other_Control)
                    s = QLatin1Char('?');
            }
            add(Setting::Hostname,
                SmtpServerConfig::tr(
                    "The host name “%1” must not contain spaces or control characters.")
                    .arg(shown));
            break;
        }
    }

    const bool certificate = !d->tlsCertificateFile.isEmpty();
    const bool key = !d->tlsKeyFile.isEmpty();
    if (key && !certificate)
        add(Setting::TlsCertificate,
            SmtpServerConfig::tr("A TLS private key needs its certificate."));
    else if (certificate && !key)
        add(Setting::TlsKey, SmtpServerConfig::tr("A TLS certificate needs its private key."));
    else if (certificate && validation == Validation::Full) {
        Problem problem;
        if (!smtpLoadTlsFiles(d->tlsCertificateFile, d->tlsKeyFile, nullptr, &problem))
            found.append(problem);
    }
    if (d->requireTls && !certificate)
        add(Setting::RequireTls,
            SmtpServerConfig::tr("Requiring TLS needs a TLS certificate and key."));

    if (d->authMode == AuthMode::Credentials) {
        if (d->credentials.isEmpty())
            add(Setting::Auth,
                SmtpServerConfig::tr(
                    "AUTH with credentials needs at least one user name and password."));
        if (d->credentials.contains(QString()))
            add(Setting::Auth, SmtpServerConfig::tr("An AUTH user name must not be empty."));
        // With the mailbox taken from the AUTH user, a user whose name is none could
        // authenticate and never send: every AUTH of theirs is refused (535). Named here, for
        // the library and QML as the command line names it.
        QStringList users = d->mailboxFromAuth ? d->credentials.keys() : QStringList();
        users.sort(); // the same one every time
        const auto unroutable = std::find_if(users.cbegin(), users.cend(),
            [](const QString &u) { return !u.isEmpty() && !SmtpMessage::isValidMailboxName(u); });
        if (unroutable != users.cend())
            add(Setting::Auth,
                SmtpServerConfig::tr("The AUTH user name “%1” is no mailbox name (1 to 64 "
                                     "characters of A-Z a-z 0-9 . _ -), which taking the mailbox "
                                     "from the AUTH user needs.")
                    .arg(*unroutable));
    }

    if (d->maxMessageSize < 1 || d->maxMessageSize > MaxMaxMessageSize)
        add(Setting::MaxMessageSize,
            SmtpServerConfig::tr(
                "The maximum message size %1 is out of range: it is a number of bytes from 1 "
                "to %2.")
                .arg(d->maxMessageSize)
                .arg(MaxMaxMessageSize));
    if (d->idleTimeout < 1 || d->idleTimeout > MaxIdleTimeout)
        add(Setting::IdleTimeout,
            SmtpServerConfig::tr(
                "The idle timeout %1 is out of range: it is a number of seconds from 1 to %2.")
                .arg(d->idleTimeout)
                .arg(MaxIdleTimeout));
    if (d->maxConnections < 1 || d->maxConnections > MaxMaxConnections)
        add(Setting::MaxConnections,
            SmtpServerConfig::tr(
                "The connection limit %1 is out of range: it is a number from 1 to %2.")
                .arg(d->maxConnections)
                .arg(MaxMaxConnections));
    if (d->recipientTimeout < 1 || d->recipientTimeout > MaxRecipientTimeout)
        add(Setting::RecipientTimeout,
            SmtpServerConfig::tr(
                "The recipient timeout %1 is out of range: it is a number of milliseconds from "
                "1 to %2.")
                .arg(d->recipientTimeout)
                .arg(MaxRecipientTimeout));

    if (!d->rulesFile.isEmpty()) {
        SmtpRuleSet rules;
        QString problem;
        if (!smtpLoadRulesFile(d->rulesFile, &rules, &problem))
            add(Setting::Rules, problem);
    } else {
        const QList<SmtpRule> rules = d->rules.rules();
        for (int i = 0; i < rules.size(); ++i) {
            if (!rules.at(i).isValid()) {
                add(Setting::Rules,
                    SmtpServerConfig::tr("Rule %1 (“%2”) is invalid: %3")
                        .arg(i + 1)
                        .arg(rules.at(i).match(), rules.at(i).errorString()));
            }
        }
    }
    return found;
}

QStringList SmtpServerConfig::validate() const
{
    QStringList texts;
    const QList<Problem> all = problems();
    for (const Problem &problem : all)
        texts.append(problem.text);
    return texts;
}

bool operator==(const SmtpServerConfig &a, const SmtpServerConfig &b)
{
    return a.listeners() == b.listeners() && a.hostname() == b.hostname()
        && a.tlsCertificateFile() == b.tlsCertificateFile() && a.tlsKeyFile() == b.tlsKeyFile()
        && a.requireTls() == b.requireTls() && a.authMode() == b.authMode()
        && a.credentials() == b.credentials() && a.maxMessageSize() == b.maxMessageSize()
        && a.idleTimeout() == b.idleTimeout() && a.maxConnections() == b.maxConnections()
        && a.recipientTimeout() == b.recipientTimeout() && a.rules() == b.rules()
        && a.rulesFile() == b.rulesFile() && a.chaosSeed() == b.chaosSeed()
        && a.mailboxFromAuth() == b.mailboxFromAuth();
}

QDebug operator<<(QDebug debug, const SmtpServerConfig &config)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "SmtpServerConfig(" << config.listeners();
    if (!config.hostname().isEmpty())
        debug << ", hostname " << config.hostname();
    if (!config.tlsCertificateFile().isEmpty())
        debug << ", TLS " << config.tlsCertificateFile() << ' ' << config.tlsKeyFile();
    debug << ", auth " << config.authMode() << ", max size " << config.maxMessageSize() << ')';
    return debug;
}
