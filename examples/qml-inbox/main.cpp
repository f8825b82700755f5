// Starts the Qt Quick inbox. Run it, then: swaks --to you@example.com --server 127.0.0.1:2525
#include <QGuiApplication>
#include <QQmlApplicationEngine>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QQmlApplicationEngine engine;
    // Where "import SmtpReceiver" is found when it is not in Qt's own QML directory.
    engine.addImportPath(QStringLiteral(SMTPRECEIVER_QML_DIR));
    engine.setInitialProperties({ { "port", argc > 1 ? QString(argv[1]).toInt() : 2525 } });
    engine.load(QUrl(QStringLiteral("qrc:/QmlInbox/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 2;
    return app.exec();
}
