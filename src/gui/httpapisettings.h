// The desktop app's settings for the Mailpit-compatible HTTP API (SmtpHttpApi): whether it is
// served, where, with which Basic auth user and CORS origin; their checks, their place in
// QSettings, and handing them to a running SmtpHttpApi.
#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QStringList>

class QSettings;
class SmtpHttpApi;

struct HttpApiSettings
{
    Q_DECLARE_TR_FUNCTIONS(HttpApiSettings)

public:
    // Off by default; when on, the address every Mailpit client tries first.
    bool enabled = false;
    QString address = defaultAddress(); // ADDR:PORT, as the user wrote it; port 0 picks one
    // Basic auth on every route but /livez and /readyz, when user is not empty.
    QString user;
    QString password;
    QString corsOrigin; // sent as Access-Control-Allow-Origin; empty: no CORS headers
    // Host names accepted besides localhost, 127.0.0.1 and [::1]. Only the command line sets
    // them (--http-allowed-host); not saved, not shown.
    QStringList allowedHosts;

    static QString defaultAddress(); // "127.0.0.1:8025"

    // The address to bind. False (and *problem set) when address is not ADDR:PORT with an IP
    // address or localhost and a port from 0 to 65535 (a bare PORT means 127.0.0.1:PORT).
    bool listenAddress(QHostAddress *host, quint16 *port, QString *problem = nullptr) const;
    // A sentence naming what keeps these settings from being used; empty when they can be.
    // Nothing is checked while the API is off.
    QString problem() const;
    // True when address() is reachable from other machines: anything but a loopback address.
    bool isExposed() const;

    static HttpApiSettings load(QSettings &settings);
    void save(QSettings &settings) const;

    // The command line's HTTP API options on top of these settings: a non-empty address (from
    // --http) turns the API on there; credentials (--http-auth, user -> password; the form has
    // room for one user: the first by name), allowed hosts (--http-allowed-host) and a CORS
    // origin (--http-cors) replace the saved ones when given.
    HttpApiSettings withCommandLine(const QString &httpAddress,
        const QHash<QString, QString> &credentials, const QStringList &allowedHostNames,
        const QString &cors) const;

    // Configures api and makes it listen, or closes it when the API is off. Rebinds only when
    // the address differs from the one api listens on. False with *errorString when it cannot
    // listen; api then listens where it did before, if it did.
    bool applyTo(SmtpHttpApi *api, QString *errorString) const;
};

bool operator==(const HttpApiSettings &a, const HttpApiSettings &b);
inline bool operator!=(const HttpApiSettings &a, const HttpApiSettings &b)
{
    return !(a == b);
}
