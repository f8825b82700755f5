// Caught mail, live, in a Qt Quick window: a server, a store and a list over it.
import QtQuick
import QtQuick.Controls
import SmtpReceiver

ApplicationWindow {
    id: window
    property int port: 2525
    width: 640; height: 400; visible: true
    title: server.listening ? "Caught mail on 127.0.0.1:" + server.serverPort : "Not listening"

    SmtpMessageStore { id: store; path: ":memory:" }
    SmtpServer {
        id: server
        port: window.port
        store: store
        onMessage: (msg) => console.log("caught: " + msg.subject)
        onErrorOccurred: (text) => console.warn(text)
    }
    ListView {
        anchors.fill: parent
        model: SmtpInboxModel { store: store }
        delegate: ItemDelegate {
            width: ListView.view.width
            text: model.from + " — " + model.subject
            font.bold: model.unread
            onClicked: store.setRead(model.id, true)
        }
    }
}
