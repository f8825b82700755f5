// ScratchFolder: the window's private temporary folder for files handed to other programs.
#include "scratchfolder.h"

#include <QDir>

QString ScratchFolder::filePath(const QString &subfolder, const QString &name, QString *error)
{
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>(
            QDir::tempPath() + QStringLiteral("/smtp-receiver-XXXXXX"));
        if (!m_dir->isValid()) {
            *error = tr("Could not create a temporary folder: %1").arg(m_dir->errorString());
            m_dir.reset();
            return QString();
        }
    }
    const QString folder = m_dir->filePath(subfolder);
    if (!QDir().mkpath(folder)) {
        *error = tr("Could not create %1").arg(QDir::toNativeSeparators(folder));
        return QString();
    }
    return QDir(folder).filePath(name);
}
