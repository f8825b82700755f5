// A body kept as a reference to where it lies in its message's raw bytes (schema 12,
// StoreCompression::Slice): when the store takes one, and what a damaged one reads as.
#include "store/storecompression.h"

#include <QRandomGenerator>
#include <QTest>

#include <cstring>

using namespace StoreCompression;

class TestStoreSlice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bodyInTheRawBytesIsAReference();
    void otherBodiesAreKeptAsBefore();
    void searchIsLinearInTheSizes();
    void referenceIsTheFirstOccurrence();
    void referenceReadsBack_data();
    void referenceReadsBack();
    void onlyReferencesAreSlices();
    void sliceBeyondTheBytesIsNoText();
};

namespace {

QByteArray line(int i)
{
    return "Line " + QByteArray::number(i) + " of the body, which repeats itself.\r\n";
}

QByteArray bodyOf(int lines)
{
    QByteArray body;
    for (int i = 0; i < lines; ++i)
        body += line(i);
    return body;
}

const QByteArray header = "Subject: s\r\nContent-Type: text/plain\r\n\r\n";

} // namespace

void TestStoreSlice::bodyInTheRawBytesIsAReference()
{
    const QByteArray body = bodyOf(20);
    const QByteArray raw = header + body + "-- \r\n";
    const Stored stored = encodeBody(body, raw, Zstd, nullptr);
    QCOMPARE(stored.encoding, int(RawSlice));
    QCOMPARE(stored.bytes.size(), 21);
    const auto slice = sliceOf(stored.bytes);
    QVERIFY(slice);
    QCOMPARE(slice->rawEncoding, int(Zstd));
    QCOMPARE(slice->offset, header.size());
    QCOMPARE(slice->length, body.size());
    QByteArray read;
    QVERIFY(cut(*slice, raw, &read));
    QCOMPARE(read, body);
}

void TestStoreSlice::otherBodiesAreKeptAsBefore()
{
    const QByteArray body = bodyOf(20);
    // Not in the raw bytes as it is (sent in base64, say): a frame of its own.
    const QByteArray raw = header + body.toBase64();
    const Stored framed = encodeBody(body, raw, Zstd, nullptr);
    QCOMPARE(framed.encoding, int(Zstd));
    QVERIFY(!sliceOf(framed.bytes));
    QByteArray read;
    QVERIFY(decode(framed.bytes, framed.encoding, &read));
    QCOMPARE(read, body);
    // Too short for a reference to save anything: as encode() keeps it, verbatim.
    const QByteArray shortBody = "hi there";
    const Stored verbatim = encodeBody(shortBody, header + shortBody, Zstd, nullptr);
    QCOMPARE(verbatim.encoding, int(Verbatim));
    QCOMPARE(verbatim.bytes, shortBody);
    // No raw bytes to refer to (they were damaged): a frame.
    QCOMPARE(encodeBody(body, QByteArray(), Zstd, nullptr).encoding, int(Zstd));
}

void TestStoreSlice::searchIsLinearInTheSizes()
{
    // A quoted-printable body that differs from what it decodes to only at its start, followed
    // by megabytes of its last byte (an attachment). A search that compares from the needle's end
    // (Qt's QByteArray::indexOf) took 1.2 s for a body of 1,000 bytes and 15 s for 10,000: for
    // every one of 2,000,000 places, it compares back to the start. This one would take hours
    // (beyond CTest's 300 s); memmem's two-way search, milliseconds.
    const QByteArray body = "b" + QByteArray(100000, 'a');
    const QByteArray raw
        = header + "=62" + QByteArray(100000, 'a') + "\r\n--b\r\n\r\n" + QByteArray(2000000, 'a');
    const Stored stored = encodeBody(body, raw, Zstd, nullptr);
    QCOMPARE(stored.encoding, int(Zstd));
    QByteArray read;
    QVERIFY(decode(stored.bytes, stored.encoding, &read));
    QCOMPARE(read, body);
}

void TestStoreSlice::referenceIsTheFirstOccurrence()
{
    // Where the body is found first (its first bytes, then the rest) must be where memmem()
    // finds it: the first place it occurs, or none. Two letters, so that a body's first bytes
    // occur again and again where the body does not, and bodies cut from the raw bytes, changed
    // in one byte, or repeated.
    QRandomGenerator random(12);
    const auto letters = [&](qsizetype size) {
        QByteArray bytes(size, Qt::Uninitialized);
        for (char &c : bytes)
            c = random.bounded(8) == 0 ? 'b' : 'a';
        return bytes;
    };
    int found = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray raw = letters(64 + random.bounded(600));
        const qsizetype size = 64 + random.bounded(qMin<qsizetype>(200, raw.size() - 63));
        const qsizetype from = random.bounded(raw.size() - size + 1);
        QByteArray body = raw.mid(from, size);
        switch (random.bounded(4)) {
        case 0: // changed in one byte: found elsewhere, or not at all
            body[random.bounded(int(body.size()))] = 'c';
            break;
        case 1: // the body again further on
            raw += letters(random.bounded(100)) + body;
            break;
        case 2: // its first 32 bytes many times before it, each followed by something else
            for (int i = 0; i < 6; ++i)
                raw.prepend(body.left(32) + "x");
            break;
        default:
            break;
        }
        const void *at
            = memmem(raw.constData(), size_t(raw.size()), body.constData(), size_t(body.size()));
        const Stored stored = encodeBody(body, raw, Zstd, nullptr);
        if (!at) {
            QCOMPARE(stored.encoding, int(Zstd));
            continue;
        }
        ++found;
        QCOMPARE(stored.encoding, int(RawSlice));
        const auto slice = sliceOf(stored.bytes);
        QVERIFY(slice);
        QCOMPARE(slice->offset, qint64(static_cast<const char *>(at) - raw.constData()));
        QCOMPARE(slice->length, body.size());
    }
    QVERIFY(found > 1000); // both kinds, many times
    QVERIFY(found < 2900);

    // Far into big raw bytes: after 200 KB without its first bytes, and after 200 KB holding
    // them (and more of it) again and again; not there at all.
    const QByteArray body = bodyOf(20);
    const QByteArray filler(200000, 'z');
    const QByteArray decoys = QByteArray(body.left(40) + "!").repeated(5000);
    const QList<QByteArray> befores { filler, decoys, QByteArray(filler + decoys),
        QByteArray(decoys + filler) };
    for (const QByteArray &before : befores) {
        const QByteArray raw = before + body + filler;
        const auto slice = sliceOf(encodeBody(body, raw, Zstd, nullptr).bytes);
        QVERIFY(slice);
        QCOMPARE(slice->offset, before.size());
        QCOMPARE(encodeBody(body, QByteArray(before + filler), Zstd, nullptr).encoding, int(Zstd));
    }
}

void TestStoreSlice::referenceReadsBack_data()
{
    QTest::addColumn<int>("rawEncoding");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("length");
    QTest::newRow("verbatim, at the start") << int(Verbatim) << qint64(0) << qint64(64);
    QTest::newRow("zstd, in the middle") << int(Zstd) << qint64(1000) << qint64(70000);
    // Past 32 bits: the numbers are 64-bit.
    QTest::newRow("big numbers") << int(Verbatim) << (qint64(1) << 29) << (qint64(1) << 29);
}

void TestStoreSlice::referenceReadsBack()
{
    QFETCH(int, rawEncoding);
    QFETCH(qint64, offset);
    QFETCH(qint64, length);
    const auto slice = sliceOf(referenceTo({ rawEncoding, offset, length }));
    QVERIFY(slice);
    QCOMPARE(slice->rawEncoding, rawEncoding);
    QCOMPARE(slice->offset, offset);
    QCOMPARE(slice->length, length);
}

void TestStoreSlice::onlyReferencesAreSlices()
{
    const QByteArray reference = referenceTo({ Zstd, 10, 20 });
    QVERIFY(sliceOf(reference));
    QVERIFY(!sliceOf(reference.chopped(1))); // cut short
    QVERIFY(!sliceOf(reference + 'x'));
    QByteArray otherMagic = reference;
    otherMagic[0] = 'X';
    QVERIFY(!sliceOf(otherMagic));
    QVERIFY(!sliceOf(encode(bodyOf(20)).bytes)); // a zstd frame
    QVERIFY(!sliceOf(QByteArray()));
    // Numbers no message comes near (past decode()'s 1 GiB) are damage, and must not overflow
    // the bounds check.
    QVERIFY(!sliceOf(referenceTo({ Zstd, qint64(1) << 40, 10 })));
    QVERIFY(!sliceOf(referenceTo({ Zstd, 10, -1 })));
}

void TestStoreSlice::sliceBeyondTheBytesIsNoText()
{
    const QByteArray raw = header + bodyOf(3);
    QByteArray read = "left over";
    QTest::ignoreMessage(
        QtWarningMsg, "a body in the store refers to bytes past its message's end");
    QVERIFY(!cut({ Verbatim, 10, raw.size() }, raw, &read));
    QVERIFY(read.isEmpty());
    QVERIFY(cut({ Verbatim, 10, raw.size() - 10 }, raw, &read)); // up to the very end
    QCOMPARE(read, raw.mid(10));
}

QTEST_GUILESS_MAIN(TestStoreSlice)
#include "tst_storeslice.moc"
