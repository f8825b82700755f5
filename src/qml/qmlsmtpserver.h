// SmtpServer as QML declares it: where to listen is a property, listening starts when the
// component is complete and follows changes of address, ports and certificate.
//
//     SmtpServer {
//         port: 0                                   // any free port; serverPort tells which
//         store: SmtpMessageStore { path: ":memory:" }
//         onMessage: (msg) => console.log(msg.mailfrom, msg.rcpttos, msg.subject)
//         onRecipient: (req) => req.address.endsWith("@blocked.test")
//                          ? req.reject(553, "5.7.1 not here") : req.accept("")
//         onErrorOccurred: (text) => console.warn(text)
//     }
#pragma once

#include <smtpmessagestore.h>
#include <smtpserver.h>
#include <smtpserverconfig.h>

#include <QPointer>
#include <QQmlParserStatus>
#include <QVariantMap>
#include <QtQml/qqml.h>

class QmlSmtpServer : public SmtpServer, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(SmtpServer)
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(int port READ port WRITE setPort NOTIFY portChanged)
    Q_PROPERTY(int tlsPort READ tlsPort WRITE setTlsPort NOTIFY tlsPortChanged)
    Q_PROPERTY(QString certificateFile READ certificateFile WRITE setCertificateFile NOTIFY
            certificateFileChanged)
    Q_PROPERTY(QString keyFile READ keyFile WRITE setKeyFile NOTIFY keyFileChanged)
    Q_PROPERTY(bool running READ isRunning WRITE setRunning NOTIFY runningChanged)
    Q_PROPERTY(SmtpMessageStore *store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString rulesFile READ rulesFile WRITE setRulesFile NOTIFY rulesFileChanged)
    // Writable here (the library sets them with methods): SmtpServer.Off / AcceptAny /
    // Credentials, and { "user": "password", ... }.
    Q_PROPERTY(AuthMode authMode READ authMode WRITE setAuthMode NOTIFY authModeChanged)
    Q_PROPERTY(
        QVariantMap credentials READ credentialMap WRITE setCredentialMap NOTIFY credentialsChanged)
public:
    explicit QmlSmtpServer(QObject *parent = nullptr);

    QString address() const { return m_address; }
    // An IP address or "localhost" (SmtpListenerConfig); default 127.0.0.1.
    void setAddress(const QString &address);
    int port() const { return m_port; }
    void setPort(int port); // 0 = any free port; default SmtpListenerConfig::DefaultPort
    int tlsPort() const { return m_tlsPort; }
    void setTlsPort(int port); // -1 = no implicit-TLS listener (the default)
    QString certificateFile() const { return m_certificateFile; }
    void setCertificateFile(const QString &file);
    QString keyFile() const { return m_keyFile; }
    void setKeyFile(const QString &file);
    bool isRunning() const { return m_running; }
    void setRunning(bool running); // true (the default): listen; false: stop listening
    SmtpMessageStore *store() const { return m_store; }
    void setStore(SmtpMessageStore *store); // where messages go before the 250; not owned
    QString rulesFile() const { return m_rulesFile; }
    void setRulesFile(const QString &file); // the JSON rules of the command line's --rules
    QVariantMap credentialMap() const;
    void setCredentialMap(const QVariantMap &userToPassword);

    void classBegin() override { }
    void componentComplete() override;

Q_SIGNALS:
    void addressChanged();
    void portChanged();
    void tlsPortChanged();
    void certificateFileChanged();
    void keyFileChanged();
    void runningChanged();
    void storeChanged();
    void rulesFileChanged();
    void credentialsChanged();

private:
    // The server's configuration with the listeners, TLS files and rules file of the properties.
    SmtpServerConfig configurationFromProperties() const;
    void restart(); // applies the properties; reports problems through errorOccurred()

    QString m_address = SmtpListenerConfig::defaultAddress(); // or "localhost", "::1", ...
    int m_port = SmtpListenerConfig::DefaultPort;
    int m_tlsPort = -1;
    QString m_certificateFile;
    QString m_keyFile;
    QString m_rulesFile;
    bool m_running = true;
    bool m_complete = false;
    QPointer<SmtpMessageStore> m_store;
};
