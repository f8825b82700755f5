// Caught mail, live, in a Qt Quick window: a server, a store and a list over it.
import QtQuick
import QtQuick.Controls
import SmtpReceiver

ApplicationWindow {
    id: window
    property int port: 2525
    width: 640; height: 400; visible: true
    title: server.listening ? "Caught mail on 127.0.0.1:" + server.serverPort : "Not listening"

    // readme-begin
    SmtpMessageStore { id: store; path: ":memory:" }
    SmtpServer {
        id: server; port: window.port; store: store
        onMessage: (msg) => console.log("caught: " + msg.subject)
        onRecipient: (req) => req.address.endsWith("@blocked.test")
                              ? req.reject(553, "5.7.1 Not here") : req.accept("")
    }
    ListView {
        anchors.fill: parent
        model: SmtpInboxModel { store: store }
        delegate: ItemDelegate { text: model.from + " — " + model.subject; font.bold: model.unread
                                 width: ListView.view.width; onClicked: store.setRead(model.id, true) }
    }
    // readme-end
}
