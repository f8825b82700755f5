// RelaySettings: the relay of "Release…" in QSettings, and the command line's on top.
#include "relaysettings.h"

#include <QRegularExpression>
#include <QSettings>

namespace {

const auto keyHost = QStringLiteral("relay/host");
const auto keyPort = QStringLiteral("relay/port");
const auto keyTls = QStringLiteral("relay/tls");
const auto keyUser = QStringLiteral("relay/user");
const auto keyAllowed = QStringLiteral("relay/allowed");
const auto keyAcceptSelfSigned = QStringLiteral("relay/acceptSelfSigned");
const auto keyTestRecipient = QStringLiteral("relay/testRecipient");

} // namespace

QString RelaySettings::problem() const
{
    if (!isEnabled())
        return {};
    if (!allowedPattern.isEmpty()) {
        const QRegularExpression pattern(allowedPattern);
        if (!pattern.isValid())
            return tr("The allowed recipients are not a valid regular expression: %1")
                .arg(pattern.errorString());
    }
    return {};
}

SmtpRelayConfig RelaySettings::toConfig(const QString &heloName) const
{
    SmtpRelayConfig c;
    c.host = host;
    c.port = port;
    c.tlsMode = tlsMode;
    c.user = user;
    c.password = password;
    c.allowedPattern = allowedPattern;
    c.acceptedCertificates = acceptedCertificates;
    c.verifyCertificate = !acceptSelfSigned;
    if (!heloName.isEmpty())
        c.heloName = heloName;
    return c;
}

RelaySettings RelaySettings::load(QSettings &settings)
{
    RelaySettings s;
    s.host = settings.value(keyHost).toString().trimmed();
    bool ok = false;
    const uint port = settings.value(keyPort, s.port).toUInt(&ok);
    if (ok && port > 0 && port <= 65535)
        s.port = quint16(port);
    SmtpClient::TlsMode mode = s.tlsMode;
    if (SmtpClient::parseTlsMode(settings.value(keyTls).toString(), &mode))
        s.tlsMode = mode;
    s.user = settings.value(keyUser).toString();
    s.allowedPattern = settings.value(keyAllowed).toString();
    s.acceptSelfSigned = settings.value(keyAcceptSelfSigned, false).toBool();
    s.testRecipient = settings.value(keyTestRecipient).toString();
    return s;
}

void RelaySettings::save(QSettings &settings) const
{
    settings.setValue(keyHost, host);
    settings.setValue(keyPort, port);
    settings.setValue(keyTls, SmtpClient::tlsModeName(tlsMode));
    settings.setValue(keyUser, user);
    settings.setValue(keyAllowed, allowedPattern);
    settings.setValue(keyAcceptSelfSigned, acceptSelfSigned);
    settings.setValue(keyTestRecipient, testRecipient);
}

RelaySettings RelaySettings::withCommandLine(
    const SmtpRelayConfig &relay, const QString &certificateFile) const
{
    if (!relay.isEnabled())
        return *this;
    RelaySettings s = *this;
    s.host = relay.host;
    s.port = relay.port;
    s.tlsMode = relay.tlsMode;
    s.user = relay.user;
    s.password = relay.password;
    s.allowedPattern = relay.allowedPattern;
    s.acceptSelfSigned = !relay.verifyCertificate;
    if (!certificateFile.isEmpty())
        s.acceptedCertificates = QSslCertificate::fromPath(certificateFile);
    return s;
}

bool operator==(const RelaySettings &a, const RelaySettings &b)
{
    return a.host == b.host && a.port == b.port && a.tlsMode == b.tlsMode && a.user == b.user
        && a.password == b.password && a.allowedPattern == b.allowedPattern
        && a.acceptSelfSigned == b.acceptSelfSigned && a.testRecipient == b.testRecipient
        && a.acceptedCertificates == b.acceptedCertificates;
}
