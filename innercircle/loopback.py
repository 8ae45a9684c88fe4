"""Many loopback addresses, one port, one accept thread: the server under the sample web
and the real-page replay.

Each site gets its own 127.0.0.x address so per-host politeness and "distinct sources"
behave as on the real web. One selector thread accepts on every socket (starting and
stopping dozens of ``serve_forever`` loops would cost seconds); each connection is
handled on its own daemon thread, and :meth:`MultiHostServer.close` shuts those
connections down and joins the threads so nothing leaks into the next test. What a site
answers is its handler's business: subclass :class:`AddressServer` to carry it.
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Generic, Self, TypeVar


class AddressServer(ThreadingHTTPServer):
    """One address's listener. Tracks live connections so ``close()`` can end them."""

    daemon_threads = True
    block_on_close = False
    # SO_REUSEADDR: a restart may reuse a port whose old connections are in TIME_WAIT;
    # on Linux two live listeners still cannot share an address, so collisions fail.
    allow_reuse_address = True
    thread_prefix = "loopback"  # connection threads are named "<prefix>-<address>"

    def __init__(self, address: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self.live: dict[socket.socket, threading.Thread] = {}
        self.live_lock = threading.Lock()
        super().__init__((address, port), handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves getfqdn(host): a reverse-DNS lookup per address
        # that can stall for seconds. The name is only used in CGI variables.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: socket.socket, client_address: tuple) -> None:  # type: ignore[override]
        """A client that hangs up mid-exchange (a crawler's timeout, a pool closing its
        connections) is ordinary for a web server: no traceback on stderr for it, as for
        the stdlib server's own ``BrokenPipeError`` on a response. Anything else is still
        printed by the stdlib."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def process_request(self, request: socket.socket, client_address: tuple) -> None:  # type: ignore[override]
        thread = threading.Thread(
            target=self._run,
            args=(request, client_address),
            daemon=True,
            name=f"{self.thread_prefix}-{self.server_address[0]}",
        )
        with self.live_lock:  # the thread's own removal waits for this: never stale
            thread.start()  # listed once started: close() joins only threads that run
            self.live[request] = thread

    def _run(self, request: socket.socket, client_address: tuple) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self.live_lock:
                self.live.pop(request, None)

    def drop_connections(self) -> list[threading.Thread]:
        """Shut every live connection down; return their threads, to be joined."""
        with self.live_lock:
            items = list(self.live.items())
        for sock, _ in items:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        return [t for _, t in items]


S = TypeVar("S", bound=AddressServer)


class MultiHostServer(Generic[S]):
    """Listeners on many addresses, all on one port; a context manager.

    ``listen(address, port)`` builds one address's :class:`AddressServer`. With ``port=0``
    the first address picks a free port and the others take the same one; when another
    process holds it on a later address, every listener is closed and binding starts
    again (up to 20 times). Subclasses hand each listener what it serves, then call
    :meth:`start`.
    """

    def __init__(self, addresses: Sequence[str], port: int,
                 listen: Callable[[str, int], S], name: str) -> None:
        self._servers: list[S] = self._bind_all(addresses, port, listen, name)
        self.port: int = self._servers[0].server_address[1]
        self._stop = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"{name}-accept")
        self._closed = False

    @staticmethod
    def _bind_all(addresses: Sequence[str], port: int, listen: Callable[[str, int], S],
                  name: str) -> list[S]:
        last_error: OSError | None = None
        for _ in range(1 if port else 20):
            servers: list[S] = []
            try:
                chosen = port
                for address in addresses:
                    servers.append(listen(address, chosen))
                    chosen = servers[-1].server_address[1]
                return servers
            except OSError as exc:
                for srv in servers:
                    srv.server_close()
                if exc.errno != errno.EADDRINUSE:
                    raise
                last_error = exc
        raise OSError(errno.EADDRINUSE, f"no free port for every {name} address: {last_error}")

    def start(self) -> None:
        """Start accepting (once every listener knows what it serves)."""
        self._thread.start()

    def _loop(self) -> None:
        with selectors.DefaultSelector() as sel:
            for srv in self._servers:
                sel.register(srv.socket, selectors.EVENT_READ, srv)
            sel.register(self._wake_r, selectors.EVENT_READ, None)
            while not self._stop.is_set():
                for key, _ in sel.select(timeout=1.0):
                    srv = key.data
                    if srv is None:
                        continue
                    try:
                        request, addr = srv.get_request()
                    except OSError:
                        continue
                    try:
                        srv.process_request(request, addr)
                    except Exception:  # pragma: no cover - logged by the stdlib
                        srv.handle_error(request, addr)
                        srv.shutdown_request(request)

    def close(self) -> None:
        """Stop accepting, close every listener, end live connections and join them."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wake_w.send(b"x")
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        threads = []
        for srv in self._servers:
            srv.server_close()
            threads += srv.drop_connections()
        for thread in threads:
            thread.join(timeout=2)
        self._wake_r.close()
        self._wake_w.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
