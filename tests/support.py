"""Test helpers importable from any test module (conftest.py files are not importable by name)."""

from __future__ import annotations

import os
import socket

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
outbound_attempts: list[object] = []


def _is_local(address: object) -> bool:
    if isinstance(address, str | bytes):  # unix socket
        return True
    host = str(address[0]) if isinstance(address, tuple) else ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_local(address):
        outbound_attempts.append(address)
        raise OSError(f"test tried to reach the network: {address!r}")
    _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_local(address):
        outbound_attempts.append(address)
        raise OSError(f"test tried to reach the network: {address!r}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


def install_network_guard() -> None:
    """Any connection to a non-loopback address fails the test that tried it (and is recorded)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing tool skips visibly; under CI=true it is a failure, never a silent pass."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)
