// This machine's address on a network interface, for tests of what differs off loopback (the
// HTTP API's Host check, the relay's AUTH rule): a peer there is not on loopback.
#pragma once

#include <QHostAddress>
#include <QNetworkInterface>

// The first IPv4 address that is not loopback; null when the machine has none (skip then).
inline QHostAddress nonLoopbackIPv4()
{
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback())
            return address;
    }
    return {};
}
