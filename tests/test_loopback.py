"""The loopback server under the sample web and the replay: a client that hangs up is
ordinary, a handler that fails is still reported."""

import socket
from http.server import BaseHTTPRequestHandler

import pytest

from innercircle.loopback import AddressServer, MultiHostServer


class _Failing(BaseHTTPRequestHandler):
    """Raises what the request path names, as a handler reading from a gone client would."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        raise {"/reset": ConnectionResetError("peer reset"), "/bug": ValueError("a bug")}[self.path]

    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
        pass


class _OneSite(MultiHostServer[AddressServer]):
    def __init__(self) -> None:
        super().__init__(["127.0.0.1"], 0, lambda a, p: AddressServer(a, p, _Failing), "test")
        self.start()


def _get(port: int, path: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        sock.recv(100)  # the server closes the connection after the failure


@pytest.mark.parametrize(("path", "reported"), [("/reset", False), ("/bug", True)])
def test_a_client_hanging_up_prints_no_traceback_but_a_bug_does(capfd, path, reported):
    with _OneSite() as server:
        _get(server.port, path)
    err = capfd.readouterr().err
    assert ("Traceback" in err) is reported, err
