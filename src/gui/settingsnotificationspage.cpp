// The Notifications and Tray page of the settings dialog.
#include "settingsnotificationspage.h"

NotificationsPage::NotificationsPage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    for (QCheckBox *check : { ui.notifyCheck, ui.minimizeToTrayCheck, ui.startMinimizedCheck })
        connect(check, &QCheckBox::toggled, this, &SettingsPage::changed);
}

void NotificationsPage::reset(const AppSettings &s)
{
    ui.notifyCheck->setChecked(s.notify);
    ui.minimizeToTrayCheck->setChecked(s.minimizeToTray);
    ui.startMinimizedCheck->setChecked(s.startMinimized);
}

void NotificationsPage::apply(AppSettings *s) const
{
    s->notify = ui.notifyCheck->isChecked();
    s->minimizeToTray = ui.minimizeToTrayCheck->isChecked();
    s->startMinimized = ui.startMinimizedCheck->isChecked();
}
