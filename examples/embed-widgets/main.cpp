// Lists caught mail live in a window: the smallest useful embedding of SmtpReceiver::Core.
// Run it, then: swaks --to you@example.com --server 127.0.0.1:2525
#include <SmtpReceiver/smtpserver.h>

#include <QApplication>
#include <QListWidget>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QListWidget inbox;
    inbox.setWindowTitle("Caught mail");
    inbox.resize(640, 320);

    SmtpServer server;
    QObject::connect(&server, &SmtpServer::message, &inbox, [&inbox](const SmtpMessage &m) {
        inbox.insertItem(0,
            QString("%1  %2 → %3  %4")
                .arg(m.receivedAt().toLocalTime().toString("hh:mm:ss"), m.mailFrom(),
                    m.rcptTos().join(", "), m.subject()));
    });
    if (!server.listen(QHostAddress::LocalHost, argc > 1 ? QString(argv[1]).toUShort() : 2525)) {
        qCritical("%s", qPrintable(server.errorString()));
        return 2;
    }
    inbox.show();
    return app.exec();
}
