// The Storage page of the settings dialog: where the database is, how many messages it keeps,
// and deleting them all.
#pragma once

#include "settingspage.h"
#include "ui_settingsstoragepage.h"

class StoragePage : public SettingsPage
{
    Q_OBJECT
public:
    explicit StoragePage(QWidget *parent = nullptr);
    void reset(const AppSettings &settings) override;
    void apply(AppSettings *settings) const override;

Q_SIGNALS:
    void deleteAllRequested();

private:
    void browse();
    void confirmDeleteAll();

    Ui::SettingsStoragePage ui;
};
