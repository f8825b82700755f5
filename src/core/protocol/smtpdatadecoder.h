// The DATA body reader (RFC 5321 4.5.2): removes dot-stuffing, finds the end, keeps every other
// octet exactly as sent (bare CR and bare LF included), and latches when the size cap is passed
// while still reading to the end so the stream stays in sync.
//
// Only CR LF "." CR LF ends the body. A "." after a bare LF, or a bare CR, is ordinary data:
// accepting anything else is what makes SMTP smuggling possible.
#pragma once

#include "smtpreceiver_global.h"

#include <QByteArray>

class SMTPRECEIVER_TEST_EXPORT SmtpDataDecoder
{
public:
    explicit SmtpDataDecoder(qint64 maxSize = -1) { reset(maxSize); }

    void reset(qint64 maxSize);

    // Consumes octets until the end of the body; returns how many octets of input it used
    // (less than input.size() only when the end was found).
    qsizetype feed(QByteArrayView input);

    bool isFinished() const { return m_state == State::Finished; }
    // More octets than maxSize arrived; data() is then dropped (empty): the message is refused.
    bool isOverflowed() const { return m_overflow; }
    // Octets of the body after unstuffing, counted even past the cap.
    qint64 size() const { return m_size; }
    QByteArray takeData() { return std::exchange(m_data, {}); }
    const QByteArray &data() const { return m_data; }

private:
    enum class State {
        LineStart, // after CR LF, or at the very start
        Dot, // "." at line start
        DotCr, // "." CR at line start
        Text, // inside a line
        Cr, // a CR inside a line, waiting to see whether LF follows
        Finished,
    };

    void output(const char *p, qsizetype n);
    void outputByte(char c) { output(&c, 1); }

    State m_state = State::LineStart;
    QByteArray m_data;
    qint64 m_size = 0;
    qint64 m_maxSize = -1;
    bool m_overflow = false;
};
