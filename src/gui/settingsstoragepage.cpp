// The Storage page of the settings dialog (see settingsstoragepage.h).
#include "settingsstoragepage.h"

#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

#include <smtpmessagestore.h>

using namespace SettingsUi;

StoragePage::StoragePage(QWidget *parent)
    : SettingsPage(parent)
{
    ui.setupUi(this);
    ui.databaseEdit->setPlaceholderText(QDir::toNativeSeparators(SmtpMessageStore::defaultPath()));
    ui.maxMessagesSpin->setRange(0, double(qint64(1) << 40));
    connect(ui.databaseEdit, &QLineEdit::textChanged, this, &SettingsPage::changed);
    connect(ui.maxMessagesSpin, &QDoubleSpinBox::valueChanged, this, &SettingsPage::changed);
    connect(ui.databaseBrowseButton, &QPushButton::clicked, this, &StoragePage::browse);
    connect(ui.deleteAllButton, &QPushButton::clicked, this, &StoragePage::confirmDeleteAll);
}

void StoragePage::reset(const AppSettings &s)
{
    ui.databaseEdit->setText(s.databasePath);
    ui.maxMessagesSpin->setValue(double(s.maxMessages));
}

void StoragePage::apply(AppSettings *s) const
{
    s->databasePath = ui.databaseEdit->text();
    s->maxMessages = qint64(ui.maxMessagesSpin->value());
}

void StoragePage::browse()
{
    const QString current = ui.databaseEdit->text().isEmpty() ? SmtpMessageStore::defaultPath()
                                                              : ui.databaseEdit->text();
    const QString fileName = QFileDialog::getSaveFileName(this, tr("Message Database"), current,
        tr("SQLite databases (*.sqlite *.db);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (!fileName.isEmpty())
        ui.databaseEdit->setText(fileName);
}

void StoragePage::confirmDeleteAll()
{
    QMessageBox box(QMessageBox::Warning, tr("Delete All Messages"),
        tr("Delete every stored message? This cannot be undone."),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteAllConfirmation"));
    box.button(QMessageBox::Yes)->setText(tr("Delete All"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() == QMessageBox::Yes)
        Q_EMIT deleteAllRequested();
}
