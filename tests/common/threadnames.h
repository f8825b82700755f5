// The names of this process's threads, as ps -L and top -H show them (Linux: read from /proc;
// empty elsewhere).
#pragma once

#include <QDir>
#include <QFile>
#include <QStringList>

inline QStringList threadNames()
{
    QStringList names;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly))
            names.append(QString::fromUtf8(comm.readAll().trimmed()));
    }
    return names;
}
