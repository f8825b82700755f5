#include "qmlsmtpserver.h"

#include <smtprules.h>

#include <QHostAddress>

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
    if (m_complete) // before that, componentComplete() reads them once all properties are known
        applyRulesAndListen();
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
    applyRulesAndListen();
}

void QmlSmtpServer::applyRulesAndListen()
{
    if (!m_rulesFile.isEmpty()) {
        QString error;
        SmtpRuleSet rules;
        if (!SmtpRuleSet::load(m_rulesFile, &rules, &error)) {
            close();
            Q_EMIT errorOccurred(error);
            return; // refusing to run with rules other than those asked for
        }
        setRules(rules);
    }
    restart();
}

void QmlSmtpServer::restart()
{
    if (!m_complete)
        return; // properties are still being set; componentComplete() starts once
    close(); // sessions already open go on
    if (!m_running)
        return;
    if (!m_certificateFile.isEmpty() || !m_keyFile.isEmpty()) {
        if (!setTlsCertificate(m_certificateFile, m_keyFile)) {
            Q_EMIT errorOccurred(errorString());
            return;
        }
    }
    QHostAddress host;
    if (!host.setAddress(m_address)) {
        Q_EMIT errorOccurred(tr("%1 is not an IP address").arg(m_address));
        return;
    }
    if (m_port < 0 || m_port > 65535 || m_tlsPort < -1 || m_tlsPort > 65535) {
        Q_EMIT errorOccurred(tr("port out of range"));
        return;
    }
    // listen() reports its own failures through errorOccurred().
    if (listen(host, quint16(m_port)) && m_tlsPort >= 0)
        listenTls(host, quint16(m_tlsPort));
}
