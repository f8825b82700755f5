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

} // namespace SqlTest
