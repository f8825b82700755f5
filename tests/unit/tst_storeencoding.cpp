// StoreEncoding's part tree and attachments columns: written by hand (CompactJson), they must be
// the very text QJsonDocument wrote before, for every value a part may carry, so that rows read
// the same whichever build wrote them and the SQL that looks into them still finds what it looks
// for ('"disposition":"inline"').
#include "store/storeencoding.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <functional>

namespace {

// The previous implementation, the oracle.
QString compact(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

void flatten(const SmtpMimePart &part, int parent, int depth,
    const std::function<void(const SmtpMimePart &, int, int)> &visit)
{
    visit(part, parent, depth);
    for (const SmtpMimePart &child : part.children())
        flatten(child, part.partId(), depth + 1, visit);
}

QString partsByQt(const SmtpMimePart &root)
{
    QJsonArray array;
    flatten(root, -1, 0, [&](const SmtpMimePart &part, int parent, int depth) {
        array.append(QJsonObject { { QStringLiteral("index"), part.partId() },
            { QStringLiteral("parent"), parent }, { QStringLiteral("depth"), depth },
            { QStringLiteral("type"), part.contentType() },
            { QStringLiteral("charset"), part.charset() },
            { QStringLiteral("encoding"), part.transferEncoding() },
            { QStringLiteral("disposition"), part.disposition() },
            { QStringLiteral("name"), part.fileName() },
            { QStringLiteral("contentId"), part.contentId() },
            { QStringLiteral("size"), part.size() } });
    });
    return compact(array);
}

QString attachmentsByQt(const SmtpMimePart &root)
{
    QJsonArray array;
    flatten(root, -1, 0, [&](const SmtpMimePart &a, int, int) {
        if (!a.isAttachment())
            return;
        array.append(QJsonObject { { QStringLiteral("part"), a.partId() },
            { QStringLiteral("name"), a.fileName() }, { QStringLiteral("type"), a.contentType() },
            { QStringLiteral("size"), a.size() }, { QStringLiteral("contentId"), a.contentId() },
            { QStringLiteral("inline"), a.isInline() } });
    });
    return compact(array);
}

// A string of what a header parameter can bring: every control character, quotes and
// backslashes, Latin-1, CJK, characters beyond the BMP, and surrogates without their pair.
QString randomText(QRandomGenerator &random)
{
    static const char16_t pool[]
        = { 0x0, 0x1, 0x8, 0x9, 0xa, 0xc, 0xd, 0x1f, 0x20, '"', '\\', '/', 'a', 'Z', '~', 0x7f,
              0x80, 0xe9, 0x7ff, 0x800, 0x65e5, 0xfffd, 0xffff, 0xd83d, 0xde00, 0xdbff, 0xdc00 };
    QString s;
    const int length = random.bounded(12);
    for (int i = 0; i < length; ++i)
        s.append(QChar(pool[random.bounded(int(std::size(pool)))]));
    return s;
}

SmtpMimePart randomTree(QRandomGenerator &random, int *nextId, int depth)
{
    SmtpMimePart part;
    part.setPartId((*nextId)++);
    part.setContentType(randomText(random));
    part.setCharset(randomText(random));
    part.setTransferEncoding(randomText(random));
    part.setDisposition(random.bounded(3) == 0 ? QStringLiteral("inline") : randomText(random));
    part.setFileName(randomText(random));
    part.setContentId(randomText(random));
    const qint64 sizes[] = { 0, 1, 606, qint64(1) << 40, -1 };
    part.setSize(sizes[random.bounded(int(std::size(sizes)))]);
    part.setAttachment(random.bounded(2) == 0);
    part.setInline(random.bounded(2) == 0);
    QList<SmtpMimePart> children;
    const int count = depth < 3 ? random.bounded(4) : 0;
    for (int i = 0; i < count; ++i)
        children.append(randomTree(random, nextId, depth + 1));
    part.setChildren(children);
    return part;
}

} // namespace

class TestStoreEncoding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameTextAsQJsonDocument();
    void readBack();
};

void TestStoreEncoding::sameTextAsQJsonDocument()
{
    QCOMPARE(StoreEncoding::parts(SmtpMimePart()), QStringLiteral("[]"));
    QCOMPARE(StoreEncoding::attachments(SmtpMimePart()), QStringLiteral("[]"));
    QRandomGenerator random(20261206);
    for (int round = 0; round < 2000; ++round) {
        int nextId = 0;
        const SmtpMimePart root = randomTree(random, &nextId, 0);
        QCOMPARE(StoreEncoding::parts(root), partsByQt(root));
        QCOMPARE(StoreEncoding::attachments(root), attachmentsByQt(root));
    }
    // The envelope's recipients (messages.rcpt_tos), written before every 250.
    for (int round = 0; round < 2000; ++round) {
        QStringList recipients;
        const int count = random.bounded(4);
        for (int i = 0; i < count; ++i)
            recipients.append(randomText(random));
        QCOMPARE(StoreEncoding::recipients(recipients),
            QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(recipients))
                                  .toJson(QJsonDocument::Compact)));
        QCOMPARE(StoreEncoding::recipientsFrom(StoreEncoding::recipients(recipients).toUtf8()),
            recipients);
    }
}

void TestStoreEncoding::readBack()
{
    // What the columns hold reads back as the tree it was made of.
    QRandomGenerator random(7);
    for (int round = 0; round < 200; ++round) {
        int nextId = 0;
        const SmtpMimePart root = randomTree(random, &nextId, 0);
        const SmtpMimePart back = StoreEncoding::partTree(
            StoreEncoding::parts(root).toUtf8(), StoreEncoding::attachments(root).toUtf8());
        QCOMPARE(StoreEncoding::parts(back), StoreEncoding::parts(root));
        QCOMPARE(StoreEncoding::attachments(back), StoreEncoding::attachments(root));
    }
}

QTEST_GUILESS_MAIN(TestStoreEncoding)
#include "tst_storeencoding.moc"
