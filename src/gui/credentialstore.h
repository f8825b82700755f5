// CredentialStore: where the desktop app keeps passwords (the relay's, the remote catchers'):
// the system keychain through QtKeychain (Secret Service, KWallet) when one answers, else the
// settings file with its permissions restricted to the owner (0600). Every access is
// asynchronous, as keychain jobs are; the answer comes through the event loop, never inside
// the call, and not at all once the store is destroyed.
#pragma once

#include <QObject>
#include <QString>

#include <functional>

class CredentialStore : public QObject
{
    Q_OBJECT
public:
    enum class Where {
        Unknown, // nothing was asked yet
        Keychain,
        SettingsFile,
    };
    Q_ENUM(Where)

    using ReadDone = std::function<void(const QString &password, Where where)>;
    using WriteDone = std::function<void(Where where)>;

    explicit CredentialStore(QObject *parent = nullptr);
    ~CredentialStore() override;

    // The password stored under key ("" when there is none), and where it was found.
    void read(const QString &key, ReadDone done);
    // Stores password under key (an empty one removes it), in the keychain if it answers, else
    // in the settings file; the other place is cleared of key.
    void write(const QString &key, const QString &password, WriteDone done = {});
    // write() by a store of the application's own, which lives until the write is done: for a
    // window that may close before the keychain answers.
    static void writeDetached(const QString &key, const QString &password);

    // Where the last access of any store went: the keychain answers or it does not, for the
    // whole process.
    static Where lastWhere();
    // A sentence for the settings pages: "Password stored in the system keychain", ...
    static QString description(Where where);
    // false: every access goes to the settings file, as when no keychain answers (tests, and a
    // desktop whose keychain must not be asked).
    static void setKeychainEnabled(bool enabled);
    static bool isKeychainEnabled();

Q_SIGNALS:
    // lastWhere() changed (by an access of any store).
    void whereChanged(CredentialStore::Where where);

private:
    void finish(Where where);
    void readFile(const QString &key, const ReadDone &done);
    void writeFile(const QString &key, const QString &password, const WriteDone &done);
};
