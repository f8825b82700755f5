// SmtpInboxModel: the messages of a SmtpMessageStore as an item model, newest first, for a
// QTableView (one column per field) or a QML ListView (one role per field).
//
// A page of summaries is read at a time (canFetchMore / fetchMore) on a worker thread, so a
// store of a million messages opens at once. New mail arrives through the store's signals,
// batched, and is inserted at the top without disturbing persistent indexes (the selection);
// removals and read flags update rows in place. The query is the store's search language.
//
//     SmtpInboxModel model(&store);
//     tableView->setModel(&model);        // or, in QML: SmtpInboxModel { store: theStore }
#pragma once

#include "smtpmessagestore.h"
#include "smtpmessagesummary.h"
#include "smtpreceiver_global.h"

#include <QAbstractTableModel>
#include <QScopedPointer>

class SmtpInboxModelPrivate;

class SMTPRECEIVER_EXPORT SmtpInboxModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_PROPERTY(SmtpMessageStore *store READ store WRITE setStore NOTIFY storeChanged)
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(QString queryError READ queryError NOTIFY queryErrorChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Column { FromColumn, ToColumn, SubjectColumn, ReceivedColumn, SizeColumn, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        IdRole = Qt::UserRole + 1,
        FromRole, // the From header, decoded (the envelope sender when there is none)
        ToRole, // the To header, decoded (the envelope recipients when there is none)
        SubjectRole,
        ReceivedAtRole, // QDateTime, UTC
        SizeRole, // bytes
        ReadRole,
        UnreadRole,
        HasAttachmentsRole,
        MailFromRole, // envelope
        RcptTosRole, // envelope, QStringList
        RemoteAddressRole,
        TlsRole,
        SummaryRole, // the whole SmtpMessageSummary
    };
    Q_ENUM(Role)
    static constexpr int pageSize = 200;

    explicit SmtpInboxModel(QObject *parent = nullptr);
    explicit SmtpInboxModel(SmtpMessageStore *store, QObject *parent = nullptr);
    ~SmtpInboxModel() override;

    SmtpMessageStore *store() const;
    void setStore(SmtpMessageStore *store); // not owned; reloads

    QString query() const;
    void setQuery(const QString &query); // starts again from the newest match
    QString queryError() const; // why the query could not be run; "" when it could
    bool isLoading() const;

    Q_INVOKABLE qint64 idAt(int row) const; // 0 outside the loaded rows
    Q_INVOKABLE int rowOf(qint64 id) const; // -1 if not loaded
    Q_INVOKABLE SmtpMessageSummary summaryAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void storeChanged();
    void queryChanged();
    void loadingChanged();
    void queryErrorChanged(const QString &error);
    void countChanged();
    void pageLoaded(); // a fetchMore finished
    void newMessagesInserted(int count); // at the top, after a batch of live inserts

private:
    Q_DECLARE_PRIVATE(SmtpInboxModel)
    QScopedPointer<SmtpInboxModelPrivate> d_ptr;
};
