// CredentialStore: passwords in the system keychain (QtKeychain), or in the settings file (0600)
// when no keychain answers.
#include "credentialstore.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QSettings>
#include <QTimer>
#include <QUrl>

#include <atomic>

Q_LOGGING_CATEGORY(lcCredentials, "smtpreceiver.gui.credentials")

namespace {

std::atomic<CredentialStore::Where> lastWhereValue { CredentialStore::Where::Unknown };
std::atomic<bool> keychainEnabled { true };
// Every store alive (GUI thread): each says when any of them found out where passwords go.
QList<CredentialStore *> &liveStores()
{
    static QList<CredentialStore *> stores;
    return stores;
}

// The keychain's service name: one per application name, so tests keep to their own entries.
QString service()
{
    const QString name = QCoreApplication::applicationName();
    return name.isEmpty() ? QStringLiteral("smtp-receiver") : name;
}

// The settings file's key for key: one entry under "credentials", whatever key contains.
QString fileKey(const QString &key)
{
    return QStringLiteral("credentials/") + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

// The settings file holds a password: only its owner may read it.
void restrictToOwner(QSettings &settings)
{
    settings.sync();
    QFile::setPermissions(settings.fileName(), QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace

CredentialStore::CredentialStore(QObject *parent)
    : QObject(parent)
{
    liveStores().append(this);
}

CredentialStore::~CredentialStore()
{
    liveStores().removeOne(this);
}

CredentialStore::Where CredentialStore::lastWhere()
{
    return lastWhereValue.load();
}

QString CredentialStore::description(Where where)
{
    switch (where) {
    case Where::Keychain:
        return tr("Password stored in the system keychain");
    case Where::SettingsFile:
        return tr("Password stored in the settings file (readable only by you)");
    case Where::Unknown:
        break;
    }
    return {};
}

void CredentialStore::setKeychainEnabled(bool enabled)
{
    keychainEnabled = enabled;
}

bool CredentialStore::isKeychainEnabled()
{
    return keychainEnabled.load();
}

void CredentialStore::finish(Where where)
{
    if (lastWhereValue.exchange(where) == where)
        return;
    const QList<CredentialStore *> stores = liveStores();
    for (CredentialStore *store : stores)
        Q_EMIT store->whereChanged(where);
}

void CredentialStore::readFile(const QString &key, const ReadDone &done)
{
    QSettings settings;
    const QString password = settings.value(fileKey(key)).toString();
    finish(Where::SettingsFile);
    if (done)
        done(password, Where::SettingsFile);
}

void CredentialStore::writeFile(const QString &key, const QString &password, const WriteDone &done)
{
    QSettings settings;
    if (password.isEmpty())
        settings.remove(fileKey(key));
    else
        settings.setValue(fileKey(key), password);
    restrictToOwner(settings);
    finish(Where::SettingsFile);
    if (done)
        done(Where::SettingsFile);
}

void CredentialStore::read(const QString &key, ReadDone done)
{
    if (!isKeychainEnabled()) {
        QTimer::singleShot(0, this, [this, key, done] { readFile(key, done); });
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(service(), this);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key, done](QKeychain::Job *finished) {
        const auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
        switch (finished->error()) {
        case QKeychain::NoError:
            finish(Where::Keychain);
            if (done)
                done(readJob->textData(), Where::Keychain);
            return;
        case QKeychain::EntryNotFound: {
            // The keychain works; a password kept before it did may still be in the file.
            QSettings settings;
            if (settings.contains(fileKey(key))) {
                readFile(key, done);
                return;
            }
            finish(Where::Keychain);
            if (done)
                done(QString(), Where::Keychain);
            return;
        }
        default:
            qCDebug(lcCredentials)
                << "no keychain, using the settings file:" << finished->errorString();
            readFile(key, done);
            return;
        }
    });
    job->start();
}

void CredentialStore::writeDetached(const QString &key, const QString &password)
{
    auto *store = new CredentialStore(QCoreApplication::instance());
    store->write(key, password, [store](Where) { store->deleteLater(); });
}

void CredentialStore::write(const QString &key, const QString &password, WriteDone done)
{
    if (!isKeychainEnabled()) {
        QTimer::singleShot(
            0, this, [this, key, password, done] { writeFile(key, password, done); });
        return;
    }
    QKeychain::Job *job = nullptr;
    if (password.isEmpty()) {
        job = new QKeychain::DeletePasswordJob(service(), this);
    } else {
        auto *writeJob = new QKeychain::WritePasswordJob(service(), this);
        writeJob->setTextData(password);
        job = writeJob;
    }
    job->setAutoDelete(true);
    job->setKey(key);
    const bool removing = password.isEmpty();
    connect(job, &QKeychain::Job::finished, this,
        [this, key, password, done, removing](QKeychain::Job *finished) {
            const QKeychain::Error error = finished->error();
            if (error == QKeychain::NoError || (removing && error == QKeychain::EntryNotFound)) {
                QSettings settings; // no copy left behind in the file
                if (settings.contains(fileKey(key))) {
                    settings.remove(fileKey(key));
                    restrictToOwner(settings);
                }
                finish(Where::Keychain);
                if (done)
                    done(Where::Keychain);
                return;
            }
            qCDebug(lcCredentials)
                << "no keychain, using the settings file:" << finished->errorString();
            writeFile(key, password, done);
        });
    job->start();
}
