// A headless smtp-receiver started by a test (--no-gui --json, SMTP and the HTTP API on ports
// the system picks): a remote catcher for the desktop app, or a relay to release to. It reads
// the "listening" line for the ports and keeps the "message" events that follow. The test
// target defines SMTP_RECEIVER_BINARY, the path of the executable.
#pragma once

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStringList>
#include <QUrl>

struct HeadlessInstance
{
    static constexpr int waitMs = 30000;

    QProcess process;
    quint16 smtp = 0;
    quint16 http = 0;
    QList<QJsonObject> messages; // the "message" events, in order

    // httpPort 0: any; extra: more options (--relay, --rules, ...).
    bool start(const QString &database, quint16 httpPort = 0, const QStringList &extra = {})
    {
        process.setProgram(QStringLiteral(SMTP_RECEIVER_BINARY));
        process.setArguments(QStringList { "--no-gui", "--json", "--smtp", "127.0.0.1:0", "--http",
                                 QString("127.0.0.1:%1").arg(httpPort), "--database", database }
            + extra);
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start();
        if (!process.waitForStarted(waitMs) || !process.waitForReadyRead(waitMs))
            return false;
        const QJsonObject ready = QJsonDocument::fromJson(process.readLine()).object();
        smtp = quint16(ready.value("smtp").toString().section(':', -1).toUInt());
        http = quint16(ready.value("http").toString().section(':', -1).toUInt());
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] {
            while (process.canReadLine()) {
                const QJsonObject event = QJsonDocument::fromJson(process.readLine()).object();
                if (event.value("event").toString() == "message")
                    messages.append(event);
            }
        });
        return ready.value("event").toString() == "listening" && smtp && http;
    }
    ~HeadlessInstance()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            process.waitForFinished(waitMs);
        }
    }
    QUrl url() const { return QUrl(QString("http://127.0.0.1:%1").arg(http)); }
    // The body of a GET of its HTTP API ("/api/v1/message/1/raw").
    QByteArray get(const QString &pathAndQuery) const
    {
        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(url().toString() + pathAndQuery)));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return reply->readAll();
    }
};
