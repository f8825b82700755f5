// SmtpInboxModel: the messages of a SmtpMessageStore as an item model, newest first unless sorted
// otherwise, for a QTableView (one column per field) or a QML ListView (one role per field).
//
// A page of summaries is read at a time (canFetchMore / fetchMore) on a worker thread, so a
// store of a million messages opens at once. sort() orders by any column (the store's keyset
// paging in that order, see SmtpSortKey); it reloads from the first page. New mail arrives
// through the store's signals, batched, and is inserted where it sorts (at the top, newest
// first) without disturbing persistent indexes (the selection); mail that sorts after the last
// loaded row, while more pages remain, comes with the page it belongs to. Removals and read flags
// update rows in place. The query is the store's search language.
//
//     SmtpInboxModel model(&store);
//     tableView->setModel(&model);        // or, in QML: SmtpInboxModel { store: theStore }
//     tableView->setSortingEnabled(true); // or: sortColumn: SmtpInboxModel.SubjectColumn
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
    // Only the messages of this mailbox (empty, the default: every message).
    Q_PROPERTY(QString mailbox READ mailbox WRITE setMailbox NOTIFY mailboxChanged)
    Q_PROPERTY(QString queryError READ queryError NOTIFY queryErrorChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // A Column; ReceivedColumn and Qt.DescendingOrder (newest first) unless set.
    Q_PROPERTY(int sortColumn READ sortColumn WRITE setSortColumn NOTIFY sortColumnChanged)
    Q_PROPERTY(Qt::SortOrder sortOrder READ sortOrder WRITE setSortOrder NOTIFY sortOrderChanged)
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
    // The search for query's matches within one mailbox, the name quoted as the search language
    // reads a value; query itself when mailbox is empty.
    static QString mailboxQuery(const QString &mailbox, const QString &query = QString());

    explicit SmtpInboxModel(QObject *parent = nullptr);
    explicit SmtpInboxModel(SmtpMessageStore *store, QObject *parent = nullptr);
    ~SmtpInboxModel() override;

    SmtpMessageStore *store() const;
    void setStore(SmtpMessageStore *store); // not owned; reloads

    QString query() const;
    void setQuery(const QString &query); // starts again from the newest match
    QString queryError() const; // why the query could not be run; "" when it could
    QString mailbox() const;
    // Shows only that mailbox's messages (live inserts too), starting again from the newest;
    // empty: every message. The query then searches within the mailbox.
    void setMailbox(const QString &mailbox);
    bool isLoading() const; // a page is being read
    // Whether the rows are about to change by the model's own doing: a page or announced new
    // mail is being read, or new mail waits for its batch. When it turns false (busyChanged),
    // everything the store announced so far is where it belongs; mail that sorts after the last
    // loaded row comes with a later page. For code (and tests) that acts once the rows have
    // settled; a busy indicator wants loading, which new mail does not switch on.
    bool isBusy() const;

    int sortColumn() const;
    void setSortColumn(int column); // sort(column, sortOrder())
    Qt::SortOrder sortOrder() const;
    void setSortOrder(Qt::SortOrder order); // sort(sortColumn(), order)
    static SmtpSortKey sortKey(int column); // the store's order for a column

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
    // Starts again from the first page in that order (a column outside Column is ignored).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void storeChanged();
    void queryChanged();
    void mailboxChanged();
    void loadingChanged();
    void busyChanged();
    void queryErrorChanged(const QString &error);
    void countChanged();
    void sortColumnChanged();
    void sortOrderChanged();
    void pageLoaded(); // a fetchMore finished
    // After a batch of live inserts: how many went in at the top (row 0). The rest of the batch,
    // when sorted by another column, went in further down (rowsInserted tells where).
    void newMessagesInserted(int count);

private:
    Q_DECLARE_PRIVATE(SmtpInboxModel)
    QScopedPointer<SmtpInboxModelPrivate> d_ptr;
};
