// Running a statement in a test: bindings in order, and what SQLite said when it failed (a
// warning with the statement), so that a QVERIFY on the result shows the cause.
#pragma once

#include <QDebug>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

#include <functional>

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

// Runs use on a connection of its own to the file at path (not used when it cannot open), then
// closes the connection and removes it: what a second process sees of the file.
inline void onFile(const QString &path, const std::function<void(QSqlDatabase &)> &use)
{
    const QString name = QStringLiteral("SqlTest::onFile");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open())
            use(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

// The statement run on the file at path, through a connection of its own.
inline bool execOn(const QString &path, const QString &sql, const QVariantList &bindings = {})
{
    bool ok = false;
    onFile(path, [&](QSqlDatabase &db) { ok = exec(db, sql, bindings); });
    return ok;
}

// The first column of the first row the statement gives on the file at path, through a
// connection of its own; invalid when it gives none (or fails).
inline QVariant valueOn(const QString &path, const QString &sql, const QVariantList &bindings = {})
{
    QVariant value;
    onFile(path, [&](QSqlDatabase &db) {
        QSqlQuery q(db);
        q.prepare(sql);
        for (const QVariant &binding : bindings)
            q.addBindValue(binding);
        if (q.exec() && q.next())
            value = q.value(0);
    });
    return value;
}

// valueOn() as a number; -1 when the statement gives none.
inline qint64 scalarOn(const QString &path, const QString &sql)
{
    const QVariant value = valueOn(path, sql);
    return value.isValid() ? value.toLongLong() : -1;
}

} // namespace SqlTest
