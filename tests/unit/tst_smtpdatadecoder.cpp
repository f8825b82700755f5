// SmtpDataDecoder: dot-unstuffing, end detection (only CR LF "." CR LF), bare CR and bare LF kept
// as sent, the size latch, and the same result wherever the input is cut into chunks.
#include "smtpdatadecoder.h"

#include <QTest>

namespace {

struct Result
{
    QByteArray data;
    bool finished = false;
    bool overflowed = false;
    qint64 size = 0;
    qsizetype consumed = 0; // octets of the whole input that the decoder took
};

// Feeds input cut at the given positions (ascending, inside the input) and collects the result.
// Once the end is found, the rest of the input is not offered, as SmtpSession does.
Result decodeInPieces(const QByteArray &input, qint64 maxSize, const QList<qsizetype> &cuts)
{
    SmtpDataDecoder decoder(maxSize);
    Result result;
    qsizetype from = 0;
    QList<qsizetype> ends = cuts;
    ends.append(input.size());
    for (const qsizetype to : std::as_const(ends)) {
        const QByteArrayView piece = QByteArrayView(input).sliced(from, to - from);
        const qsizetype used = decoder.feed(piece);
        result.consumed += used;
        if (decoder.isFinished())
            break;
        if (used != piece.size()) {
            // Unfinished: the decoder must take everything it is given.
            result.consumed = -1;
            break;
        }
        from = to;
    }
    result.finished = decoder.isFinished();
    result.overflowed = decoder.isOverflowed();
    result.size = decoder.size();
    result.data = decoder.data();
    return result;
}

QByteArray describe(const QByteArray &input, const QList<qsizetype> &cuts)
{
    QByteArray text = "cuts";
    for (const qsizetype c : cuts)
        text += ' ' + QByteArray::number(c);
    return text + " of " + input.toPercentEncoding();
}

} // namespace

class TestSmtpDataDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void decode_data();
    void decode();
    void everyChunkBoundary_data() { decode_data(); }
    void everyChunkBoundary();
    void byteByByte_data() { decode_data(); }
    void byteByByte();
    void longLinesHaveNoLimit();
    void sizeLatchOnLargeBody();
    void finishedDecoderTakesNothing();
    void resetStartsOver();
};

void TestSmtpDataDecoder::decode_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qint64>("maxSize"); // -1: no cap
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("finished");
    QTest::addColumn<int>("consumed");
    QTest::addColumn<bool>("overflowed");
    QTest::addColumn<qint64>("size");

    // A finished body without cap; consumed -1: the terminator is the last thing in the input.
    const auto ends
        = [](const char *tag, const QByteArray &input, const QByteArray &data, int consumed = -1) {
              QTest::newRow(tag) << input << qint64(-1) << data << true
                                 << (consumed < 0 ? int(input.size()) : consumed) << false
                                 << qint64(data.size());
          };
    // No terminator yet: everything is consumed.
    const auto open = [](const char *tag, const QByteArray &input, const QByteArray &data) {
        QTest::newRow(tag) << input << qint64(-1) << data << false << int(input.size()) << false
                           << qint64(data.size());
    };

    // Plain bodies
    ends("empty message", ".\r\n", "", 3);
    ends("one line", "Hello\r\n.\r\n", "Hello\r\n", 10);
    ends("two lines", "Subject: x\r\n\r\nbody\r\n.\r\n", "Subject: x\r\n\r\nbody\r\n", 23);
    ends("empty lines", "\r\n\r\n.\r\n", "\r\n\r\n", 7);
    ends("NUL octets kept", QByteArray("a\0b\r\n.\r\n", 8), QByteArray("a\0b\r\n", 5), 8);
    ends("8-bit octets kept", "\xff\xfe\x80\r\n.\r\n", "\xff\xfe\x80\r\n", 8);

    // Dot-unstuffing (RFC 5321 4.5.2)
    ends("stuffed dot", "..hidden\r\n.\r\n", ".hidden\r\n", 13);
    ends("stuffed lone dot", "..\r\n.\r\n", ".\r\n", 7);
    ends("stuffed dot in the middle", "a\r\n..b\r\nc\r\n.\r\n", "a\r\n.b\r\nc\r\n", 14);
    ends("three dots", "...\r\n.\r\n", "..\r\n", 8);
    ends("unstuffed leading dot loses it", ".b\r\n.\r\n", "b\r\n", 7);
    ends("dot inside a line", "a.b\r\n.\r\n", "a.b\r\n", 8);
    ends("dot at line end", "a.\r\n.\r\n", "a.\r\n", 7);
    ends("dot space line", ". \r\n.\r\n", " \r\n", 7);

    // Bare CR and bare LF are data, kept as sent
    ends("bare LF", "a\nb\r\n.\r\n", "a\nb\r\n", 8);
    ends("bare CR", "a\rb\r\n.\r\n", "a\rb\r\n", 8);
    ends("CR CR LF", "a\r\r\n.\r\n", "a\r\r\n", 7);
    ends("LF CR", "a\n\rb\r\n.\r\n", "a\n\rb\r\n", 9);
    ends("bare LF then dot is no stuffing", "a\n.b\r\n.\r\n", "a\n.b\r\n", 9);
    ends("bare LF dot bare LF", "a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", 10);
    ends("bare CR dot bare CR", "a\r.\rb\r\n.\r\n", "a\r.\rb\r\n", 10);
    ends("dot CR then other octets", "x\r\n.\rX\r\n.\r\n", "x\r\n\rX\r\n", 11);
    ends("dot CR CR LF", "x\r\n.\r\r\n.\r\n", "x\r\n\r\r\n");
    ends("dot CR then dot", "x\r\n.\r.\r\n.\r\n", "x\r\n\r.\r\n", 11);
    ends("only bare LF lines", "a\nb\nc\n\r\n.\r\n", "a\nb\nc\n\r\n", 11);

    // SMTP smuggling: none of these ends the body, so what follows stays in the message
    ends("LF dot CRLF", "a\n.\r\nMAIL FROM:<x@y>\r\n.\r\n", "a\n.\r\nMAIL FROM:<x@y>\r\n");
    ends("CR dot CRLF", "a\r.\r\nMAIL FROM:<x@y>\r\n.\r\n", "a\r.\r\nMAIL FROM:<x@y>\r\n");
    ends("CRLF dot LF", "a\r\n.\nMAIL FROM:<x@y>\r\n.\r\n", "a\r\n\nMAIL FROM:<x@y>\r\n");
    ends("LF dot LF", "a\n.\nMAIL FROM:<x@y>\r\n.\r\n", "a\n.\nMAIL FROM:<x@y>\r\n");
    ends("CR dot CR", "a\r.\rMAIL FROM:<x@y>\r\n.\r\n", "a\r.\rMAIL FROM:<x@y>\r\n");
    ends("LF dot CRLF at the start", "\n.\r\nX\r\n.\r\n", "\n.\r\nX\r\n", 10);
    ends("dot LF at the start", ".\nX\r\n.\r\n", "\nX\r\n", 8);
    open("LF dot CRLF alone", "a\n.\r\n", "a\n.\r\n");
    open("CR dot CRLF alone", "a\r.\r\n", "a\r.\r\n");
    open("CRLF dot LF alone", "a\r\n.\n", "a\r\n\n");
    open("LF dot LF alone", "a\n.\n", "a\n.\n");
    open("CR dot CR alone", "a\r.\r", "a\r.");
    open("dot LF dot CRLF", ".\n.\r\n", "\n.\r\n");

    // Not finished yet
    open("nothing", "", "");
    open("no line end", "abc", "abc");
    open("CR pending", "abc\r", "abc");
    open("line and dot", "abc\r\n.", "abc\r\n");
    open("line, dot and CR", "abc\r\n.\r", "abc\r\n");
    open("lone dot", ".", "");
    open("dot CR", ".\r", "");

    // The terminator ends the body; what follows is left to the caller
    ends("command after terminator", "a\r\n.\r\nQUIT\r\n", "a\r\n", 6);
    ends("second terminator left", "a\r\n.\r\n.\r\n", "a\r\n", 6);
    ends("pipelined transaction left", ".\r\nMAIL FROM:<>\r\n", "", 3);

    // The size latch: exactly the cap is accepted, one more octet overflows, the end is still found
    const auto capped = [](const char *tag, const QByteArray &input, qint64 maxSize,
                            const QByteArray &data, int consumed, bool overflowed, qint64 size) {
        QTest::newRow(tag) << input << maxSize << data << true << consumed << overflowed << size;
    };
    capped("exactly the cap", "123\r\n.\r\nNOOP\r\n", 5, "123\r\n", 8, false, 5);
    capped("one over the cap", "123\r\n.\r\nNOOP\r\n", 4, QByteArray(), 8, true, 5);
    capped("cap counts after unstuffing", "..23\r\n.\r\n", 5, ".23\r\n", 9, false, 5);
    capped("cap passed by unstuffed dot", "..234\r\n.\r\n", 5, QByteArray(), 10, true, 6);
    capped("empty message under cap zero", ".\r\n", 0, QByteArray(), 3, false, 0);
    capped("one CRLF over cap zero", "\r\n.\r\nX", 0, QByteArray(), 5, true, 2);
    capped("cap passed by a bare CR", "ab\r\r\n.\r\n", 3, QByteArray(), 8, true, 5);
    capped("cap passed long before the end", "0123456789\r\n0123456789\r\n.\r\nQUIT\r\n", 3,
        QByteArray(), 27, true, 24);
    capped("smuggling after overflow still no end", "abcdef\n.\r\nX\r\n.\r\nY", 2, QByteArray(), 16,
        true, 13);
}

void TestSmtpDataDecoder::decode()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxSize);
    QFETCH(QByteArray, data);
    QFETCH(bool, finished);
    QFETCH(int, consumed);
    QFETCH(bool, overflowed);
    QFETCH(qint64, size);

    SmtpDataDecoder decoder(maxSize);
    QCOMPARE(decoder.feed(input), qsizetype(consumed));
    QCOMPARE(decoder.isFinished(), finished);
    QCOMPARE(decoder.isOverflowed(), overflowed);
    QCOMPARE(decoder.size(), size);
    if (overflowed) {
        // The refused message keeps no more than the cap in memory.
        QVERIFY(decoder.data().size() <= maxSize);
    } else {
        QCOMPARE(decoder.data(), data);
    }
    if (!overflowed) {
        QCOMPARE(decoder.takeData(), data);
        QVERIFY(decoder.data().isEmpty());
    }
}

// Every way of cutting the input in two or three pieces gives the same result as one piece.
void TestSmtpDataDecoder::everyChunkBoundary()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxSize);

    const Result whole = decodeInPieces(input, maxSize, {});
    QVERIFY(whole.consumed >= 0);
    for (qsizetype i = 0; i <= input.size(); ++i) {
        for (qsizetype j = i; j <= input.size(); ++j) {
            const QList<qsizetype> cuts { i, j };
            const Result pieces = decodeInPieces(input, maxSize, cuts);
            const QByteArray where = describe(input, cuts);
            QVERIFY2(pieces.consumed == whole.consumed, where.constData());
            QVERIFY2(pieces.finished == whole.finished, where.constData());
            QVERIFY2(pieces.overflowed == whole.overflowed, where.constData());
            QVERIFY2(pieces.size == whole.size, where.constData());
            QVERIFY2(pieces.data == whole.data, where.constData());
        }
    }
}

void TestSmtpDataDecoder::byteByByte()
{
    QFETCH(QByteArray, input);
    QFETCH(qint64, maxSize);
    QFETCH(QByteArray, data);
    QFETCH(bool, finished);
    QFETCH(int, consumed);
    QFETCH(bool, overflowed);
    QFETCH(qint64, size);

    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < input.size(); ++i)
        cuts.append(i);
    const Result bytes = decodeInPieces(input, maxSize, cuts);
    QCOMPARE(bytes.consumed, qsizetype(consumed));
    QCOMPARE(bytes.finished, finished);
    QCOMPARE(bytes.overflowed, overflowed);
    QCOMPARE(bytes.size, size);
    if (!overflowed)
        QCOMPARE(bytes.data, data);
}

// Text lines inside DATA have no length limit (contract.md): the catcher keeps what was sent.
void TestSmtpDataDecoder::longLinesHaveNoLimit()
{
    const QByteArray line(100000, 'x');
    const QByteArray body = line + "\r\n" + line + "\n" + line + "\r\n";
    const QByteArray input = body + ".\r\n";
    for (const qsizetype chunk : { qsizetype(1), qsizetype(7), qsizetype(4096), input.size() }) {
        SmtpDataDecoder decoder;
        qsizetype used = 0;
        for (qsizetype at = 0; at < input.size() && !decoder.isFinished(); at += chunk)
            used += decoder.feed(QByteArrayView(input).sliced(at, qMin(chunk, input.size() - at)));
        QVERIFY(decoder.isFinished());
        QCOMPARE(used, input.size());
        QCOMPARE(decoder.data().size(), body.size());
        QVERIFY(decoder.data() == body);
    }
}

// A body far over the cap is counted but not kept, and the end is still found.
void TestSmtpDataDecoder::sizeLatchOnLargeBody()
{
    const qint64 cap = 1000;
    const QByteArray line = QByteArray(998, 'y') + "\r\n";
    SmtpDataDecoder decoder(cap);
    QCOMPARE(decoder.feed(line), line.size());
    QVERIFY(!decoder.isOverflowed());
    QCOMPARE(decoder.data(), line);
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(decoder.feed(line), line.size());
    QVERIFY(decoder.isOverflowed());
    QVERIFY(!decoder.isFinished());
    QVERIFY(decoder.data().size() <= cap);
    QCOMPARE(decoder.feed(".\r\nRSET\r\n"), qsizetype(3));
    QVERIFY(decoder.isFinished());
    QCOMPARE(decoder.size(), qint64(1001) * line.size());
}

void TestSmtpDataDecoder::finishedDecoderTakesNothing()
{
    SmtpDataDecoder decoder;
    QCOMPARE(decoder.feed("a\r\n.\r\n"), qsizetype(6));
    QVERIFY(decoder.isFinished());
    QCOMPARE(decoder.feed("b\r\n.\r\n"), qsizetype(0));
    QCOMPARE(decoder.data(), QByteArray("a\r\n"));
    QCOMPARE(decoder.size(), qint64(3));
}

void TestSmtpDataDecoder::resetStartsOver()
{
    SmtpDataDecoder decoder(4);
    QCOMPARE(decoder.feed("abcdef\r\n.\r\n"), qsizetype(11));
    QVERIFY(decoder.isOverflowed());
    decoder.reset(100);
    QVERIFY(!decoder.isFinished());
    QVERIFY(!decoder.isOverflowed());
    QCOMPARE(decoder.size(), qint64(0));
    QVERIFY(decoder.data().isEmpty());
    // Back at the start of a line: a lone dot ends an empty body again.
    QCOMPARE(decoder.feed("..x\r\n.\r\n"), qsizetype(8));
    QCOMPARE(decoder.takeData(), QByteArray(".x\r\n"));
    QVERIFY(decoder.data().isEmpty());
}

QTEST_GUILESS_MAIN(TestSmtpDataDecoder)
#include "tst_smtpdatadecoder.moc"
