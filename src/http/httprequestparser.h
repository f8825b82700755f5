// The HTTP/1.1 request parser: bytes in, complete requests (or one error status) out. Pure (no
// socket, no clock), so that every bound can be tested byte by byte and fuzzed. Bounded: the
// request line, the header block and its number of fields, and the body (decided from
// Content-Length before the body is read; chunked bodies are counted as they come).
#pragma once

#include "httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QString>

struct SMTPRECEIVERHTTP_TEST_EXPORT HttpParsedRequest
{
    HttpRequest request;
    int minorVersion = 1; // HTTP/1.<minorVersion>: 0 or 1
    QByteArray head; // the request line and header block exactly as received (for a hand-over)
};

class SMTPRECEIVERHTTP_TEST_EXPORT HttpRequestParser
{
public:
    static constexpr qsizetype maxRequestLine = 8 * 1024; // longer: 414
    static constexpr qsizetype maxHeaderBytes = 32 * 1024; // longer header block: 431
    static constexpr int maxHeaderFields = 100; // more fields: 431
    static constexpr qsizetype maxChunkLine = 4096; // a chunk-size line (with extensions)

    explicit HttpRequestParser(qint64 maxBodySize = qint64(25) * 1024 * 1024);

    qint64 maxBodySize() const { return m_maxBodySize; }
    void setMaxBodySize(qint64 bytes) { m_maxBodySize = bytes; }

    // Takes the next bytes from the client and parses as far as they go. After an error, bytes
    // are ignored.
    void feed(QByteArrayView bytes);

    bool hasRequest() const { return !m_requests.isEmpty(); }
    HttpParsedRequest takeRequest(); // the oldest complete request

    // An error ends the stream: the status to answer (400, 413, 414, 431, 501, 505, 417) and a
    // line of text saying what was wrong. Requests completed before it are still to be taken.
    bool hasError() const { return m_errorStatus != 0; }
    int errorStatus() const { return m_errorStatus; }
    QString errorText() const { return m_errorText; }

    // True once when the request being read asked for "Expect: 100-continue" and its body fits:
    // the transport then writes the interim 100 answer.
    bool takeContinue();
    // The request whose head is complete but whose body is still to come (after takeContinue()).
    const HttpParsedRequest &pendingRequest() const { return m_current; }
    // Some bytes of a request head (line or fields) have come, but not the whole head.
    bool isInHead() const;
    // Some bytes of a request have come, but not the whole request.
    bool isInRequest() const { return m_state != State::RequestLine || m_pos < m_buffer.size(); }
    // The head of a request is complete, its body (or its chunked body's trailer) is still to come.
    bool isInBody() const;
    // For the request in its body: the body bytes that have come so far (of a chunked body, its
    // data and the framing not yet parsed).
    qint64 bodyBytesReceived() const;
    // For the request in its body: the size its body will have at least: the Content-Length, or
    // the chunked data so far with the rest of the chunk announced.
    qint64 bodySizeAtLeast() const;
    // Bytes taken but not yet part of a complete request (for a hand-over of the connection).
    QByteArray unparsedBytes() const { return m_buffer.mid(m_headStart); }

private:
    enum class State {
        RequestLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
        Error
    };

    bool step(); // one parsing step; false when more bytes are needed (or after an error)
    bool parseRequestLine(QByteArrayView line);
    bool parseField(QByteArrayView line);
    bool headComplete();
    void finishRequest();
    bool fail(int status, const QString &text);
    // The next line from m_pos, without its CRLF (or bare LF); false when it is not complete.
    bool nextLine(QByteArrayView *line, qsizetype *end) const;

    qint64 m_maxBodySize;
    QByteArray m_buffer;
    qsizetype m_pos = 0; // parsing position in m_buffer
    qsizetype m_headStart = 0; // where the current request begins in m_buffer
    qsizetype m_headerBytes = 0;
    State m_state = State::RequestLine;
    HttpParsedRequest m_current;
    qint64 m_remaining = 0; // body or chunk bytes still to come
    bool m_continue = false;
    QList<HttpParsedRequest> m_requests;
    int m_errorStatus = 0;
    QString m_errorText;
};
