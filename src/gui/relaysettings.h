// The desktop app's relay settings: where "Release…" sends a message (SmtpRelay), how (TLS,
// AUTH, a self-signed certificate) and to whom it may (the allowed pattern); their place in
// QSettings and the command line's --relay options on top. The password is not in the settings
// file: CredentialStore keeps it (the system keychain, or the file at 0600 without one).
#pragma once

#include <smtprelay.h>

#include <QCoreApplication>
#include <QList>
#include <QSslCertificate>
#include <QString>

class QSettings;

struct RelaySettings
{
    Q_DECLARE_TR_FUNCTIONS(RelaySettings)

public:
    // The CredentialStore key of the password.
    static QString credentialKey() { return QStringLiteral("relay"); }
    static constexpr quint16 defaultPort = 587;

    QString host; // empty: no relay, "Release…" is off
    quint16 port = defaultPort;
    SmtpClient::TlsMode tlsMode = SmtpClient::TlsMode::Auto;
    QString user; // AUTH when not empty
    QString password; // not saved by save(): see CredentialStore
    QString allowedPattern; // only recipients it matches in full; empty: anyone
    bool acceptSelfSigned = false; // any certificate from this host: encrypted, not verified
    QString testRecipient; // where the page's "Send test message" goes
    // From --relay-cert; not saved, not shown.
    QList<QSslCertificate> acceptedCertificates;

    bool isEnabled() const { return !host.isEmpty() && port != 0; }
    // A sentence naming what keeps these settings from being used (an invalid pattern); empty
    // when they can be. Nothing is checked while there is no relay.
    QString problem() const;
    // The engine's configuration; heloName is the name the relay is greeted with.
    SmtpRelayConfig toConfig(const QString &heloName) const;

    static RelaySettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // The command line's --relay options on top of these settings, when --relay was given.
    RelaySettings withCommandLine(
        const SmtpRelayConfig &relay, const QString &certificateFile) const;
};

bool operator==(const RelaySettings &a, const RelaySettings &b);
inline bool operator!=(const RelaySettings &a, const RelaySettings &b)
{
    return !(a == b);
}
