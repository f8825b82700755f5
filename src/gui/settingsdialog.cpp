// The settings dialog: composes the pages (one file each, beside their forms), keeps what was
// applied, and runs Apply, Reset, Restore Defaults, OK and Cancel over all of them.
#include "settingsdialog.h"

#include "settingshttppage.h"
#include "settingsnotificationspage.h"
#include "settingsrelaypage.h"
#include "settingsrulespage.h"
#include "settingsserverpage.h"
#include "settingsstoragepage.h"
#include "ui_settingsdialog.h"

#include <QPushButton>
#include <QScrollArea>
#include <QStyle>

using namespace SettingsUi;

class SettingsDialogPrivate
{
public:
    SettingsDialogPrivate(const AppSettings &current, SettingsDialog::ApplyFunction function)
        : applied(current)
        , apply(std::move(function))
    { }

    void loadPages(const AppSettings &settings);
    void updateState(SettingsDialog *q);
    void setError(const QString &text);
    QPushButton *button(QDialogButtonBox::StandardButton which) const
    {
        return ui.buttonBox->button(which);
    }

    Ui::SettingsDialog ui;
    AppSettings applied; // what the owner runs with: the constructor's or the last applied
    SettingsDialog::ApplyFunction apply;
    QList<SettingsPage *> pages; // in the order of SettingsDialog::Page
    bool loading = false;
    bool modified = false;
};

void SettingsDialogPrivate::loadPages(const AppSettings &settings)
{
    loading = true;
    for (SettingsPage *page : std::as_const(pages))
        page->reset(settings);
    loading = false;
}

void SettingsDialogPrivate::updateState(SettingsDialog *q)
{
    if (loading)
        return;
    const AppSettings shown = q->settings();
    const bool nowModified = shown != applied;
    button(QDialogButtonBox::Apply)->setEnabled(nowModified);
    button(QDialogButtonBox::Reset)->setEnabled(nowModified);
    button(QDialogButtonBox::RestoreDefaults)->setEnabled(shown != AppSettings::defaults());
    if (nowModified != modified) {
        modified = nowModified;
        Q_EMIT q->modifiedChanged(modified);
    }
}

void SettingsDialogPrivate::setError(const QString &text)
{
    showStatus(ui.errorLabel, text, Tone::Bad);
}

SettingsDialog::SettingsDialog(const AppSettings &current, ApplyFunction apply, QWidget *parent)
    : QDialog(parent)
    , d_ptr(new SettingsDialogPrivate(current, std::move(apply)))
{
    Q_D(SettingsDialog);
    d->ui.setupUi(this);

    auto *storage = new StoragePage;
    connect(storage, &StoragePage::deleteAllRequested, this, &SettingsDialog::deleteAllRequested);
    const struct
    {
        SettingsPage *page;
        const char *icon;
        QStyle::StandardPixmap fallback;
        QString title;
    } pages[] = {
        { new ServerPage, "network-server", QStyle::SP_DriveNetIcon, tr("Server") },
        { new HttpPage, "network-workgroup", QStyle::SP_ComputerIcon, tr("HTTP API") },
        { new RulesPage, "view-filter", QStyle::SP_FileDialogListView, tr("Rules") },
        { new RelayPage, "mail-send", QStyle::SP_ArrowForward, tr("Relay") },
        { storage, "drive-harddisk", QStyle::SP_DriveHDIcon, tr("Storage") },
        { new NotificationsPage, "preferences-desktop-notification",
            QStyle::SP_MessageBoxInformation, tr("Notifications and Tray") },
    };
    for (const auto &entry : pages) {
        auto *scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(entry.page);
        d->ui.pageStack->addWidget(scroll);
        const QIcon icon
            = QIcon::fromTheme(QLatin1String(entry.icon), style()->standardIcon(entry.fallback));
        new QListWidgetItem(icon, entry.title, d->ui.pageList);
        d->pages.append(entry.page);
        connect(entry.page, &SettingsPage::changed, this, [this] { d_func()->updateState(this); });
    }
    d->ui.pageList->setFixedWidth(
        d->ui.pageList->sizeHintForColumn(0) + 2 * d->ui.pageList->frameWidth() + 16);
    connect(d->ui.pageList, &QListWidget::currentRowChanged, d->ui.pageStack,
        &QStackedWidget::setCurrentIndex);
    d->ui.pageList->setCurrentRow(0);

    connect(
        d->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(d->button(QDialogButtonBox::Reset), &QPushButton::clicked, this,
        &SettingsDialog::resetToApplied);
    connect(d->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
        &SettingsDialog::restoreDefaults);
    connect(d->ui.buttonBox, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(d->ui.buttonBox, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    d->loadPages(d->applied);
    d->setError({});
    d->updateState(this);
}

SettingsDialog::~SettingsDialog()
{
    // ~QDialog hides the window, which can make an open cell editor commit and a page report a
    // change; by then the private part is gone.
    Q_D(SettingsDialog);
    for (SettingsPage *page : std::as_const(d->pages))
        disconnect(page, nullptr, this, nullptr);
}

AppSettings SettingsDialog::settings() const
{
    Q_D(const SettingsDialog);
    AppSettings shown = d->applied;
    for (const SettingsPage *page : d->pages)
        page->apply(&shown);
    return shown;
}

bool SettingsDialog::isModified() const
{
    Q_D(const SettingsDialog);
    return settings() != d->applied;
}

QString SettingsDialog::errorText() const
{
    Q_D(const SettingsDialog);
    return d->ui.errorLabel->text();
}

void SettingsDialog::setCurrentPage(Page page)
{
    Q_D(SettingsDialog);
    d->ui.pageList->setCurrentRow(int(page));
}

QWidget *SettingsDialog::page(Page page) const
{
    Q_D(const SettingsDialog);
    return d->pages.value(int(page));
}

bool SettingsDialog::apply()
{
    Q_D(SettingsDialog);
    for (qsizetype i = 0; i < d->pages.size(); ++i) {
        const QString problem = d->pages.at(i)->problem();
        if (!problem.isEmpty()) {
            setCurrentPage(Page(i));
            d->setError(problem);
            return false;
        }
    }
    const AppSettings shown = settings();
    QString error;
    if (d->apply && !d->apply(shown, &error)) {
        d->setError(error.isEmpty() ? tr("The settings could not be applied.") : error);
        return false;
    }
    d->applied = shown;
    d->setError({});
    d->updateState(this);
    Q_EMIT applied(shown);
    return true;
}

void SettingsDialog::resetToApplied()
{
    Q_D(SettingsDialog);
    d->loadPages(d->applied);
    d->setError({});
    d->updateState(this);
}

void SettingsDialog::restoreDefaults()
{
    Q_D(SettingsDialog);
    d->loading = true;
    for (SettingsPage *page : std::as_const(d->pages))
        page->defaults();
    d->loading = false;
    d->setError({});
    d->updateState(this);
}

void SettingsDialog::accept()
{
    if (isModified() && !apply())
        return;
    QDialog::accept();
}
