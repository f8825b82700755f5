// A private temporary folder (removed with the object) where the window writes what other
// programs are to read: attachments opened with the system's viewer, messages and attachments
// dragged out as files. Made when first needed; one subfolder per item, so that equal file names
// never overwrite each other.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QTemporaryDir>

#include <memory>

class ScratchFolder
{
    Q_DECLARE_TR_FUNCTIONS(ScratchFolder)

public:
    // The path of name in subfolder, both folders made; empty, with *error, when they cannot be.
    QString filePath(const QString &subfolder, const QString &name, QString *error);

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};
