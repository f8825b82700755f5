// Lists caught mail live in a window: the smallest useful embedding of SmtpReceiver::Core.
// Run it, then: swaks --to you@example.com --server 127.0.0.1:2525
#include <SmtpReceiver/smtpserver.h>

#include <QApplication>
#include <QListWidget>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // readme-begin
    QListWidget inbox;
    SmtpServer server;
    QObject::connect(&server, &SmtpServer::message, &inbox, [&inbox](const SmtpMessage &m) {
        inbox.insertItem(0, m.mailFrom() + " → " + m.rcptTos().join(", ") + ": " + m.subject());
        qInfo("caught: %s", qUtf8Printable(m.subject()));
    });
    if (!server.listen(QHostAddress::LocalHost, argc > 1 ? QString(argv[1]).toUShort() : 2525))
        qFatal("%s", qUtf8Printable(server.errorString()));
    inbox.show();
    // readme-end
    return app.exec();
}
