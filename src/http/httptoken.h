// The token characters of HTTP (RFC 9110 5.6.2): what a method or a field name is made of.
// Go's header key canonicalisation, which Mailpit's header map follows, uses the same set.
#pragma once

inline bool isHttpTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}
