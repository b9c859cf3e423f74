"""The suite runs with every connect() outside loopback refused (pytest-socket, see pyproject addopts)."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_outbound_connections_are_refused():
    # A reserved name that never resolves: the guard refuses it before any lookup or packet.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(SocketConnectBlockedError):
        sock.connect(("edgekit-offline-check.invalid", 80))


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
