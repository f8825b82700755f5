// The message view: one stored message in tabs — HTML (rendered safely), Text, Headers, Source,
// Attachments, Parts, Checks, SMTP. Loads from the store off the GUI thread.
//
// HTML safety: an off-the-record profile, JavaScript off, every remote request (http, https,
// ws, wss, ftp) blocked by an interceptor until the user presses "Load remote content" for this
// message; cid: images come from the message's own parts; the HTML is served through a URL
// scheme handler (no 2 MB setHtml limit); links open in the system browser, never inside. The
// rules are enforced in one place, messagewebsafety.cpp.
#pragma once

#include <QFuture>
#include <QWidget>

class MessageSource;
class SmtpMessageStore;
class MessageViewPrivate;

class MessageView : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(qint64 messageId READ messageId NOTIFY messageLoaded)
public:
    enum class Tab { Html, Text, Headers, Source, Attachments, Parts, Checks, Smtp };
    Q_ENUM(Tab)
    enum class PreviewWidth { Phone, Tablet, Desktop };
    Q_ENUM(PreviewWidth)

    explicit MessageView(QWidget *parent = nullptr);
    ~MessageView() override;

    // Must run in main() before the QApplication exists (QWebEngineUrlScheme rule).
    static void registerUrlSchemes();

    void setStore(SmtpMessageStore *store); // the local store (through a LocalMessageSource)
    // Any source, e.g. a remote catcher; not owned. Loads run on the view's worker threads.
    void setSource(MessageSource *source);
    // Shows a message; loading happens on a worker thread, messageLoaded() says when it is shown.
    void showMessage(qint64 id);
    void clear();
    qint64 messageId() const; // 0 when none

    void setCurrentTab(Tab tab);
    Tab currentTab() const;
    void setPreviewWidth(PreviewWidth width);
    bool remoteContentAllowed() const;
    // How many remote requests the interceptor blocked for the current message.
    int blockedRequestCount() const;
    // The HTML tab's page view (tests grab it to check that something was rendered).
    QWidget *htmlView() const;

    // Writes the raw message exactly as received (what "Save…" on the Source tab does, without
    // the dialog). False, with errorOccurred(), when it cannot.
    bool saveSourceTo(const QString &path);
    // Writes the decoded bytes of one part of the shown message (partIndex as in the Attachments
    // and Parts tabs) to path, reading the store on a worker thread. The future finishes through
    // this view's event loop (do not block on it from the GUI thread); false means failure,
    // reported with errorOccurred().
    QFuture<bool> saveAttachment(int partIndex, const QString &path);

public Q_SLOTS:
    void loadRemoteContent(); // for the current message only
    void saveSource(); // asks where, writes the raw .eml
    void copySource();

Q_SIGNALS:
    void messageLoaded(qint64 id);
    // A load of message id finished without showing it: another message was asked for
    // meanwhile, or the view was cleared.
    void messageSkipped(qint64 id);
    void htmlRendered(qint64 id); // the HTML tab finished loading
    void errorOccurred(const QString &text);

private:
    Q_DECLARE_PRIVATE(MessageView)
    QScopedPointer<MessageViewPrivate> d_ptr;
};
