// Running a statement in a test: bindings in order, and what SQLite said when it failed (a
// warning with the statement), so that a QVERIFY on the result shows the cause.
#pragma once

#include <QDebug>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

namespace SqlTest {

inline bool exec(const QSqlDatabase &db, const QString &sql, const QVariantList &bindings = {})
{
    QSqlQuery q(db);
    q.prepare(sql);
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning() << sql << q.lastError().text();
        return false;
    }
    return true;
}

// The first column of the first row the statement gives on the file at path, through a
// connection of its own; invalid when it gives none (or fails).
inline QVariant valueOn(const QString &path, const QString &sql, const QVariantList &bindings = {})
{
    QVariant value;
    const QString name = QStringLiteral("SqlTest::valueOn");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(sql);
            for (const QVariant &binding : bindings)
                q.addBindValue(binding);
            if (q.exec() && q.next())
                value = q.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

// valueOn() as a number; -1 when the statement gives none.
inline qint64 scalarOn(const QString &path, const QString &sql)
{
    const QVariant value = valueOn(path, sql);
    return value.isValid() ? value.toLongLong() : -1;
}

} // namespace SqlTest
