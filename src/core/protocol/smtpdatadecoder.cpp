#include "smtpdatadecoder.h"

#include <cstring>

void SmtpDataDecoder::reset(qint64 maxSize)
{
    m_state = State::LineStart;
    m_data.clear();
    m_size = 0;
    m_maxSize = maxSize;
    m_overflow = false;
}

void SmtpDataDecoder::output(const char *p, qsizetype n)
{
    m_size += n;
    if (m_overflow)
        return;
    if (m_maxSize >= 0 && m_size > m_maxSize) {
        m_overflow = true;
        m_data.clear(); // the message will be refused: keep no memory for it
        return;
    }
    m_data.append(p, n);
}

qsizetype SmtpDataDecoder::feed(QByteArrayView input)
{
    const char *const begin = input.data();
    const char *p = begin;
    const char *const end = begin + input.size();
    while (p < end && m_state != State::Finished) {
        switch (m_state) {
        case State::Text: {
            // Fast path: copy everything up to the next CR in one go.
            const void *cr = std::memchr(p, '\r', size_t(end - p));
            const char *stop = cr ? static_cast<const char *>(cr) : end;
            if (stop > p)
                output(p, stop - p);
            p = stop;
            if (p < end) {
                m_state = State::Cr;
                ++p;
            }
            break;
        }
        case State::Cr:
            if (*p == '\n') {
                output("\r\n", 2);
                m_state = State::LineStart;
                ++p;
            } else {
                outputByte('\r'); // a bare CR is data; look at this octet again as text
                m_state = State::Text;
            }
            break;
        case State::LineStart:
            if (*p == '.') {
                m_state = State::Dot;
                ++p;
            } else {
                m_state = State::Text;
            }
            break;
        case State::Dot:
            if (*p == '\r') {
                m_state = State::DotCr;
                ++p;
            } else {
                m_state = State::Text; // the stuffed dot is dropped
            }
            break;
        case State::DotCr:
            if (*p == '\n') {
                m_state = State::Finished;
                ++p;
            } else {
                m_state = State::Cr; // ".\r" then something else: the dot was stuffing
            }
            break;
        case State::Finished:
            break;
        }
    }
    return p - begin;
}
