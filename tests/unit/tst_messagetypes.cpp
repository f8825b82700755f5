// The public value types of a stored message: SmtpHeaderField, SmtpMimePart (and its tree),
// SmtpMessageCheck and SmtpStoredMessage share their data until written to, compare by value,
// print themselves for qDebug(), and can be read through their properties (QML's view).
// SmtpText::shownOnOneLine(), how outside text (a subject, a reply) is shown on one line.
#include <smtpheaderfield.h>
#include <smtpmessagecheck.h>
#include <smtpmimepart.h>
#include <smtpstoredmessage.h>
#include <smtptext.h>

#include <QMetaProperty>
#include <QTest>

namespace {

SmtpMimePart leaf(int id, const QString &type, qint64 size)
{
    SmtpMimePart part;
    part.setPartId(id);
    part.setContentType(type);
    part.setSize(size);
    return part;
}

// multipart/mixed { multipart/alternative { text/plain, text/html }, application/pdf }
SmtpMimePart tree()
{
    SmtpMimePart alternative = leaf(1, "multipart/alternative", 0);
    alternative.setChildren({ leaf(2, "text/plain", 5), leaf(3, "text/html", 12) });
    SmtpMimePart pdf = leaf(4, "application/pdf", 342);
    pdf.setFileName("a.pdf");
    pdf.setDisposition("attachment");
    pdf.setAttachment(true);
    SmtpMimePart root = leaf(0, "multipart/mixed", 0);
    root.setChildren({ alternative, pdf });
    return root;
}

template<typename T>
QString debugText(const T &value)
{
    QString text;
    QDebug(&text) << value;
    return text;
}

} // namespace

class TestMessageTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headerField();
    void mimePartSharesUntilWritten();
    void mimePartTree();
    void mimePartEqualityIsDeep();
    void check();
    void checkSeverity();
    void storedMessage();
    void propertiesAreReadable();
    void textShownOnOneLine_data();
    void textShownOnOneLine();
};

void TestMessageTypes::headerField()
{
    const SmtpHeaderField plain("Subject", "hello");
    QCOMPARE(plain.rawValue(), QString("hello")); // nothing encoded: written as it reads
    SmtpHeaderField decoded("Subject", "Grüße", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=");
    QCOMPARE(decoded.rawValue(), QString("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?="));
    SmtpHeaderField copy = decoded;
    QCOMPARE(copy, decoded);
    copy.setValue("changed");
    QCOMPARE(decoded.value(), QString("Grüße")); // detached
    QVERIFY(copy != decoded);
    QCOMPARE(debugText(plain), QString("SmtpHeaderField(\"Subject\": \"hello\") "));
}

void TestMessageTypes::mimePartSharesUntilWritten()
{
    const SmtpMimePart original = tree();
    SmtpMimePart copy = original;
    QCOMPARE(copy, original);
    copy.setFileName("renamed");
    QCOMPARE(original.fileName(), QString());
    QCOMPARE(copy.fileName(), QString("renamed"));
    QVERIFY(copy != original);

    SmtpMimePart moved = std::move(copy);
    QCOMPARE(moved.fileName(), QString("renamed"));
    SmtpMimePart a = leaf(7, "text/plain", 1);
    SmtpMimePart b = leaf(8, "text/html", 2);
    a.swap(b);
    QCOMPARE(a.partId(), 8);
    QCOMPARE(b.partId(), 7);
    QVERIFY(!SmtpMimePart().isValid());
    QCOMPARE(SmtpMimePart().partId(), -1);
}

void TestMessageTypes::mimePartTree()
{
    const SmtpMimePart root = tree();
    QVERIFY(root.isMultipart());
    QCOMPARE(root.children().size(), 2);
    QCOMPARE(root.children().at(0).children().at(1).contentType(), QString("text/html"));
    QList<int> ids;
    for (const SmtpMimePart &part : root.flattened())
        ids << part.partId();
    QCOMPARE(ids, (QList<int> { 0, 1, 2, 3, 4 })); // depth-first, as parts are numbered
    QCOMPARE(root.flattened().at(1), root.children().at(0)); // subtrees included
    // Inline only makes sense for an attachment.
    SmtpMimePart body = leaf(2, "text/plain", 5);
    body.setInline(true);
    QVERIFY(!body.isInline());
    body.setAttachment(true);
    QVERIFY(body.isInline());
    QCOMPARE(debugText(root.children().at(1)),
        QString("SmtpMimePart(4, \"application/pdf\", \"a.pdf\", attachment, 342 bytes) "));
}

void TestMessageTypes::mimePartEqualityIsDeep()
{
    const SmtpMimePart a = tree();
    SmtpMimePart b = tree(); // equal values, separate data
    QCOMPARE(a, b);
    QList<SmtpMimePart> children = b.children();
    QList<SmtpMimePart> grandchildren = children[0].children();
    grandchildren[1].setSize(13);
    children[0].setChildren(grandchildren);
    b.setChildren(children);
    QVERIFY(a != b);
    QCOMPARE(a.children().at(0).children().at(1).size(), 12); // a was not touched
}

void TestMessageTypes::check()
{
    SmtpMessageCheck c(SmtpMessageCheck::Kind::LineTooLong);
    c.setLine(7);
    c.setOctets(1200);
    c.setOccurrences(2);
    QCOMPARE(c.name(), QString("line-too-long"));
    QCOMPARE(c.partId(), -1);
    SmtpMessageCheck copy = c;
    QCOMPARE(copy, c);
    copy.setLine(8);
    QCOMPARE(c.line(), 7);
    QVERIFY(copy != c);
    QCOMPARE(debugText(c),
        QString("SmtpMessageCheck(\"line-too-long\", line 7, 2 times, 1200 octets) "));
    // Every kind has a distinct name that leads back to it.
    const QMetaEnum kinds = QMetaEnum::fromType<SmtpMessageCheck::Kind>();
    QSet<QString> names;
    for (int i = 0; i < kinds.keyCount(); ++i) {
        const auto kind = SmtpMessageCheck::Kind(kinds.value(i));
        const QString name = SmtpMessageCheck::name(kind);
        QVERIFY2(!name.isEmpty(), kinds.key(i));
        names.insert(name);
        QCOMPARE(SmtpMessageCheck::kindFromName(name), kind);
    }
    QCOMPARE(names.size(), kinds.keyCount());
}

void TestMessageTypes::checkSeverity()
{
    using K = SmtpMessageCheck::Kind;
    using S = SmtpMessageCheck::Severity;
    QCOMPARE(SmtpMessageCheck(K::BareLineFeed).severity(), S::Warning);
    QCOMPARE(SmtpMessageCheck(K::HtmlWithoutText).severity(), S::Warning);
    QCOMPARE(SmtpMessageCheck(K::NotAMessage).severity(), S::Error);
    QCOMPARE(SmtpMessageCheck(K::MissingClosingBoundary).severity(), S::Error);
}

void TestMessageTypes::storedMessage()
{
    SmtpStoredMessage m;
    SmtpMessageSummary summary;
    summary.id = 42;
    summary.subject = "hello";
    m.setSummary(summary);
    m.setRootPart(tree());
    m.setHeaders({ SmtpHeaderField("Subject", "hello"), SmtpHeaderField("X-Id", "1") });
    m.setChecks({ SmtpMessageCheck(SmtpMessageCheck::Kind::MissingDate) });
    QCOMPARE(m.id(), 42);
    QCOMPARE(m.parts().size(), 5);
    QCOMPARE(m.part(3).contentType(), QString("text/html"));
    QVERIFY(!m.part(9).isValid());
    QCOMPARE(m.attachments().size(), 1);
    QCOMPARE(m.attachments().at(0).fileName(), QString("a.pdf"));
    QVERIFY(m.hasAttachments());
    QCOMPARE(m.header("x-id"), QString("1"));
    QCOMPARE(m.header("Date"), QString());

    SmtpStoredMessage copy = m;
    QCOMPARE(copy, m);
    copy.setCc("c@x.test");
    QVERIFY(copy != m);
    QCOMPARE(m.cc(), QString());
    QCOMPARE(debugText(m),
        QString("SmtpStoredMessage(42, \"hello\", 5 parts, 1 attachments, 1 checks) "));
}

// What QML reads: the properties of the gadgets.
void TestMessageTypes::propertiesAreReadable()
{
    const SmtpMimePart root = tree();
    const QMetaObject &meta = SmtpMimePart::staticMetaObject;
    QCOMPARE(meta.property(meta.indexOfProperty("contentType")).readOnGadget(&root).toString(),
        QString("multipart/mixed"));
    const QVariant children = meta.property(meta.indexOfProperty("children")).readOnGadget(&root);
    QCOMPARE(children.value<QList<SmtpMimePart>>().size(), 2);

    SmtpMessageCheck check(SmtpMessageCheck::Kind::BareCarriageReturn);
    check.setLine(3);
    const QMetaObject &checkMeta = SmtpMessageCheck::staticMetaObject;
    QCOMPARE(checkMeta.property(checkMeta.indexOfProperty("name")).readOnGadget(&check).toString(),
        QString("bare-cr"));
    QCOMPARE(
        checkMeta.property(checkMeta.indexOfProperty("line")).readOnGadget(&check).toLongLong(), 3);
}

void TestMessageTypes::textShownOnOneLine_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shown");
    const QString replaced(QChar::ReplacementCharacter);
    QTest::newRow("plain") << "550 5.1.1 no such user"
                           << "550 5.1.1 no such user";
    QTest::newRow("line ends") << "a\r\nb\nc"
                               << "a" + replaced + replaced + "b" + replaced + "c";
    QTest::newRow("tab and NUL") << QString("a\tb") + QChar(0) << "a" + replaced + "b" + replaced;
    QTest::newRow("DEL and C1") << QString("a\x7f") + QChar(0x85) << "a" + replaced + replaced;
    QTest::newRow("Unicode separators")
        << QString("a") + QChar(0x2028) + "b" + QChar(0x2029) << "a" + replaced + "b" + replaced;
    QTest::newRow("other text stays")
        << QString("Grüße, 日本 ✓ and spaces") << QString("Grüße, 日本 ✓ and spaces");
}

void TestMessageTypes::textShownOnOneLine()
{
    QFETCH(QString, text);
    QFETCH(QString, shown);
    QCOMPARE(SmtpText::shownOnOneLine(text), shown);
}

QTEST_GUILESS_MAIN(TestMessageTypes)
#include "tst_messagetypes.moc"
