// The message view's private part, shared by the files that implement it: messageview.cpp (the
// public API, loading and serving the shown message), messagetabs.cpp (the tabs) and
// messageattachments.cpp (opening and saving attachments). Not part of any API.
#pragma once

#include "messageloader.h"
#include "messagesource.h"
#include "messageview.h"
#include "scratchfolder.h"

#include <QFuture>
#include <QHash>
#include <QPointer>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <optional>

class MessagePage;
class QButtonGroup;
class QCheckBox;
class QFormLayout;
class QFrame;
class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QSpacerItem;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class AttachmentTree;
class QTreeWidget;
class QVBoxLayout;
class QWebEngineProfile;
class QWebEngineUrlRequestJob;
class QWebEngineView;
class RemoteContentGuard;

class MessageViewPrivate
{
    Q_DECLARE_PUBLIC(MessageView)
public:
    explicit MessageViewPrivate(MessageView *q)
        : q_ptr(q)
    { }

    // messagetabs.cpp
    void buildUi();
    QWidget *buildHtmlTab();
    QWidget *buildTextTab();
    QWidget *buildHeadersTab();
    QWidget *buildSourceTab();
    QWidget *buildAttachmentsTab();
    QWidget *buildPartsTab();
    QWidget *buildChecksTab();
    QWidget *buildSmtpTab();
    void showPlaceholder(const QString &text);
    void fillSummary();
    void fillHeaders();
    void fillAttachments();
    void fillParts();
    void fillChecks();
    void fillSmtp();
    void fillReleases(const std::optional<QList<SmtpMessageRelease>> &releases);
    void fillSourceIfNeeded();
    void updateRemoteBar();
    void applyPreviewWidth();
    void setTab(MessageView::Tab tab);

    // messageview.cpp
    void startLoad(qint64 id);
    void onLoaded(const LoadedMessage &loaded);
    void loadPage();
    std::optional<QByteArray> pageFor(qint64 id) const;
    void servePart(qint64 id, const QString &cid, QWebEngineUrlRequestJob *job);
    // A part of the shown message, by Content-ID (exact first, then ignoring case).
    std::optional<SmtpMimePart> partForContentId(const QString &cid) const;
    void reportError(const QString &text, bool interactive);

    // messageattachments.cpp
    QFuture<bool> saveAttachment(int partIndex, const QString &path, bool interactive);
    int selectedAttachmentPart() const;
    const SmtpMimePart *attachment(int partIndex) const;
    // The file a part is opened or dragged from, in scratch; empty (the user told why) when it
    // cannot be made.
    QString attachmentPath(int partIndex);
    void openAttachment(int partIndex);
    QString dragAttachment(int partIndex); // writes the part's file now; its path or empty
    void saveAttachmentInteractively(int partIndex);
    // Shows an image attachment or a PDF's first pages below the list, decoded and rendered on a
    // worker thread, or one line saying why it is not shown; hides the preview for other parts.
    void previewAttachment(int partIndex);
    void clearAttachmentPreview();
    void showAttachmentNote(const QString &text);

    MessageView *q_ptr;
    QPointer<MessageSource> store; // what the loader reads
    std::unique_ptr<LocalMessageSource> ownSource; // made by setStore()
    qint64 currentId = 0; // asked for (messageId())
    std::atomic<quint64> latestLoad { 0 };
    std::atomic<quint64> latestPreview { 0 }; // the attachment preview asked for last
    QThreadPool pool;
    std::shared_ptr<const LoadedMessage> shown; // what the tabs show
    QHash<int, QByteArray> partCache; // decoded cid parts of the shown message
    bool sourceFilled = false;
    bool autoSwitchedToText = false;
    bool switchingTab = false;
    MessageView::PreviewWidth previewWidth = MessageView::PreviewWidth::Desktop;
    ScratchFolder scratch; // attachments opened with the system's viewer or dragged out
    QString lastSaveDir;

    // web
    QWebEngineProfile *profile = nullptr;
    RemoteContentGuard *guard = nullptr;
    QWebEngineView *webView = nullptr;
    MessagePage *page = nullptr;

    // widgets
    QStackedWidget *outerStack = nullptr;
    QLabel *placeholder = nullptr;
    QLabel *subjectLabel = nullptr;
    QFormLayout *summaryForm = nullptr;
    QLabel *fromLabel = nullptr;
    QLabel *toLabel = nullptr;
    QLabel *ccLabel = nullptr;
    QLabel *dateLabel = nullptr;
    QTabWidget *tabs = nullptr;
    QFrame *remoteBar = nullptr;
    QLabel *remoteLabel = nullptr;
    QStackedWidget *htmlStack = nullptr;
    QHBoxLayout *viewHostLayout = nullptr;
    QSpacerItem *leftSpacer = nullptr;
    QSpacerItem *rightSpacer = nullptr;
    QButtonGroup *widthButtons = nullptr;
    QPlainTextEdit *textEdit = nullptr;
    QCheckBox *monospaceCheck = nullptr;
    QTableWidget *headersTable = nullptr;
    QPlainTextEdit *sourceEdit = nullptr;
    AttachmentTree *attachmentsTree = nullptr;
    QLabel *noAttachmentsLabel = nullptr;
    QScrollArea *attachmentPreview = nullptr; // the selected image attachment or PDF
    QVBoxLayout *previewPagesLayout = nullptr; // the image label, then a PDF's pages
    QLabel *attachmentPreviewLabel = nullptr; // an image, full size
    QLabel *attachmentPreviewNote = nullptr; // why it is not previewed, or not all of it
    QPushButton *openButton = nullptr;
    QPushButton *saveAttachmentButton = nullptr;
    QTreeWidget *partsTree = nullptr;
    QTreeWidget *checksTree = nullptr;
    QLabel *noProblemsLabel = nullptr;
    QLabel *smtpId = nullptr;
    QLabel *smtpReceived = nullptr;
    QLabel *smtpRemote = nullptr;
    QLabel *smtpHelo = nullptr;
    QLabel *smtpMailFrom = nullptr;
    QLabel *smtpRcptTo = nullptr;
    QLabel *smtpTls = nullptr;
    QLabel *smtpAuth = nullptr;
    QLabel *smtpSize = nullptr;
    QLabel *smtpExtensions = nullptr;
    QFormLayout *smtpForm = nullptr;
    QLabel *smtpReleases = nullptr; // when, to whom, the relay's reply; "Never"
};
