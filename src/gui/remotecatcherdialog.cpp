// The dialog that names a remote catcher, and the list of recent ones in the settings.
#include "remotecatcherdialog.h"

#include "credentialstore.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSettings>
#include <QVBoxLayout>

RemoteCatcherDialog::RemoteCatcherDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Open Remote Catcher"));
    QSettings settings;
    m_recent = recent(settings);

    m_url = new QComboBox(this);
    m_url->setObjectName(QStringLiteral("remoteUrl"));
    m_url->setEditable(true);
    m_url->setMinimumContentsLength(36);
    for (const RemoteCatcher &c : std::as_const(m_recent))
        m_url->addItem(c.url.toString());
    if (m_recent.isEmpty())
        m_url->setEditText(QStringLiteral("http://localhost:8025"));
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("remoteUser"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("remotePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_credentials = new CredentialStore(this);
    const auto fill = [this](int index) {
        if (index < 0 || index >= m_recent.size())
            return;
        m_user->setText(m_recent.at(index).user);
        m_password->setText(m_recent.at(index).password);
        const QUrl url = m_recent.at(index).url;
        m_credentials->read(
            credentialKey(url), [this, url](const QString &password, CredentialStore::Where) {
                if (!password.isEmpty() && catcher().url == url)
                    m_password->setText(password);
            });
    };
    connect(m_url, &QComboBox::currentIndexChanged, this, fill);
    fill(m_url->currentIndex());

    auto *form = new QFormLayout;
    form->addRow(tr("&Address:"), m_url);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("&Password:"), m_password);
    auto *note = new QLabel(
        tr("The HTTP API of a headless smtp-receiver (--http) or of a Mailpit. User and password "
           "are for HTTP Basic auth, if the catcher asks for it; the password is kept in the "
           "system keychain, or without one in the settings file, which only you can read "
           "(permissions 0600)."),
        this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttonBox"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

RemoteCatcher RemoteCatcherDialog::catcher() const
{
    return { QUrl::fromUserInput(m_url->currentText().trimmed()), m_user->text(),
        m_password->text() };
}

QString RemoteCatcherDialog::check(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return tr("'%1' is not an http:// or https:// address").arg(url.toString());
    return {};
}

void RemoteCatcherDialog::accept()
{
    const QString error = check(catcher().url);
    if (!error.isEmpty()) {
        QMessageBox::warning(this, windowTitle(), error);
        return;
    }
    QDialog::accept();
}

QList<RemoteCatcher> RemoteCatcherDialog::recent(QSettings &settings)
{
    QList<RemoteCatcher> list;
    const int n = settings.beginReadArray(QStringLiteral("remote/recent"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        RemoteCatcher c { settings.value(QStringLiteral("url")).toUrl(),
            settings.value(QStringLiteral("user")).toString(),
            settings.value(QStringLiteral("password")).toString() };
        if (check(c.url).isEmpty())
            list.append(c);
    }
    settings.endArray();
    return list;
}

void RemoteCatcherDialog::remember(QSettings &settings, const RemoteCatcher &catcher)
{
    QList<RemoteCatcher> list = recent(settings);
    list.removeIf([&catcher](const RemoteCatcher &c) { return c.url == catcher.url; });
    list.prepend(catcher);
    settings.remove(QStringLiteral("remote/recent")); // no password of an older version stays
    settings.beginWriteArray(QStringLiteral("remote/recent"), int(qMin(list.size(), maxRecent)));
    for (int i = 0; i < list.size() && i < maxRecent; ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("url"), list.at(i).url);
        settings.setValue(QStringLiteral("user"), list.at(i).user);
    }
    settings.endArray();
    settings.sync();
    // Passwords of the older version's list move to the credential store with this one's.
    for (const RemoteCatcher &c : std::as_const(list)) {
        if (c.url != catcher.url && c.password.isEmpty())
            continue;
        CredentialStore::writeDetached(credentialKey(c.url), c.password);
    }
}

QString RemoteCatcherDialog::credentialKey(const QUrl &url)
{
    return QStringLiteral("remote ") + url.toString();
}
