// QmlSmtpServer: SmtpServer with its listeners, TLS files and rules file as QML properties.
#include "qmlsmtpserver.h"

#include <smtpserverconfig.h>

QmlSmtpServer::QmlSmtpServer(QObject *parent)
    : SmtpServer(parent)
{ }

void QmlSmtpServer::setAddress(const QString &address)
{
    if (address == m_address)
        return;
    m_address = address;
    Q_EMIT addressChanged();
    restart();
}

void QmlSmtpServer::setPort(int port)
{
    if (port == m_port)
        return;
    m_port = port;
    Q_EMIT portChanged();
    restart();
}

void QmlSmtpServer::setTlsPort(int port)
{
    if (port == m_tlsPort)
        return;
    m_tlsPort = port;
    Q_EMIT tlsPortChanged();
    restart();
}

void QmlSmtpServer::setCertificateFile(const QString &file)
{
    if (file == m_certificateFile)
        return;
    m_certificateFile = file;
    Q_EMIT certificateFileChanged();
    restart();
}

void QmlSmtpServer::setKeyFile(const QString &file)
{
    if (file == m_keyFile)
        return;
    m_keyFile = file;
    Q_EMIT keyFileChanged();
    restart();
}

void QmlSmtpServer::setRunning(bool running)
{
    if (running == m_running)
        return;
    m_running = running;
    Q_EMIT runningChanged();
    restart();
}

void QmlSmtpServer::setStore(SmtpMessageStore *store)
{
    if (store == m_store)
        return;
    if (m_store)
        removeMessageSink(m_store);
    m_store = store;
    if (store)
        addMessageSink(store);
    Q_EMIT storeChanged();
}

void QmlSmtpServer::setRulesFile(const QString &file)
{
    if (file == m_rulesFile)
        return;
    m_rulesFile = file;
    Q_EMIT rulesFileChanged();
    restart();
}

QVariantMap QmlSmtpServer::credentialMap() const
{
    QVariantMap map;
    const QHash<QString, QString> all = credentials();
    for (auto it = all.cbegin(); it != all.cend(); ++it)
        map.insert(it.key(), it.value());
    return map;
}

void QmlSmtpServer::setCredentialMap(const QVariantMap &userToPassword)
{
    QHash<QString, QString> all;
    for (auto it = userToPassword.cbegin(); it != userToPassword.cend(); ++it)
        all.insert(it.key(), it.value().toString());
    if (all == credentials())
        return;
    setCredentials(all);
    Q_EMIT credentialsChanged();
}

void QmlSmtpServer::componentComplete()
{
    m_complete = true;
    restart();
}

SmtpServerConfig QmlSmtpServer::configurationFromProperties() const
{
    // Hostname, limits and AUTH are the server's own properties, set directly.
    SmtpServerConfig config = configuration();
    QList<SmtpListenerConfig> listeners { SmtpListenerConfig(m_address, m_port) };
    if (m_tlsPort != -1)
        listeners.append(SmtpListenerConfig(m_address, m_tlsPort, true));
    config.setListeners(listeners);
    config.setTlsCertificateFile(m_certificateFile);
    config.setTlsKeyFile(m_keyFile);
    config.setRulesFile(m_rulesFile);
    return config;
}

void QmlSmtpServer::restart()
{
    if (!m_complete)
        return; // properties are still being set; componentComplete() starts once
    if (!m_running) {
        close(); // sessions already open go on
        return;
    }
    // Only listeners whose address or port changed are opened again. A configuration that
    // cannot be applied (reported through errorOccurred()) leaves the server not listening:
    // it never runs with settings other than those declared.
    if (!applyConfiguration(configurationFromProperties()))
        close();
}
