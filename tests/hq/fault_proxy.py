"""A request-aware HTTP/1.1 proxy in front of HQ that injects network faults.

Each client connection is read request by request (headers, then a ``Content-Length``
body); every request goes to HQ on its own upstream connection. A fault is armed for
the next request whose method and path match, and fires once:

- ``drop``: the connection is closed before anything reaches HQ;
- ``cut_request``: HQ gets half the request body, then both sides are closed;
- ``cut_response``: HQ answers in full (and commits), the client gets ``after_bytes``
  of the answer and a closed connection;
- ``delay``: the answer is held ``seconds`` before it is passed on;
- ``duplicate``: the request is sent to HQ twice at once; the client gets one answer.

``skip`` lets that many matching requests pass before the fault fires (e.g. cut the
sixth page of a pull). ``stats`` counts requests seen per ``METHOD path`` (query
strings dropped); ``targets`` lists every request's method and full target in order;
:meth:`wait_answered` waits until HQ has answered a request (it may be held or cut on
its way to the client, but HQ is done with it).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass

MAX_HEAD = 64 * 1024


@dataclass
class Fault:
    kind: str
    method: str
    path: str
    after_bytes: int = 0
    seconds: float = 0.0
    skip: int = 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Closed(Exception):
    """The peer closed its side (or sent something that is not HTTP/1.1)."""


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise _Closed
        self.buffer += data

    def message(self) -> tuple[bytes, bytes]:
        """One HTTP message: (head including the blank line, body)."""
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > MAX_HEAD:
                raise _Closed
            self._fill()
        end = self.buffer.index(b"\r\n\r\n") + 4
        head, self.buffer = self.buffer[:end], self.buffer[end:]
        length = _content_length(head)
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return head, body


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


class FaultProxy:
    """Forwards ``127.0.0.1:port`` to HQ at ``target_port``; see the module doc."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.stats: Counter[str] = Counter()
        self.targets: list[str] = []
        self.fired: list[Fault] = []
        self.answered: Counter[str] = Counter()
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._answer = threading.Condition(self._lock)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arm(self, kind: str, method: str = "POST", path: str = "/v1/push", **how: float) -> None:
        """Inject ``kind`` into the next ``method path`` request (once)."""
        after, skip = int(how.get("after_bytes", 0)), int(how.get("skip", 0))
        with self._lock:
            self._faults.append(
                Fault(kind, method, path, after, float(how.get("seconds", 0)), skip)
            )

    def wait_answered(
        self, method: str = "POST", path: str = "/v1/push", count: int = 1, timeout: float = 30
    ) -> None:
        """Until HQ has answered ``count`` ``method path`` requests (AssertionError after
        ``timeout`` seconds)."""
        key = f"{method} {path}"
        with self._answer:
            done = self._answer.wait_for(lambda: self.answered[key] >= count, timeout)
        assert done, f"HQ answered {self.answered[key]} of {count} {key} in {timeout} s"

    def cut_next(self, after_bytes: int) -> None:
        """Cut the next push answer after ``after_bytes`` bytes (HQ has committed)."""
        self.arm("cut_response", after_bytes=after_bytes)

    def close(self) -> None:
        self._stopped = True
        self._listener.close()

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _take(self, method: str, target: str) -> Fault | None:
        path = target.split("?", 1)[0]
        with self._lock:
            self.stats[f"{method} {path}"] += 1
            self.targets.append(f"{method} {target}")
            for fault in self._faults:
                if fault.method == method and path == fault.path:
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    self._faults.remove(fault)
                    self.fired.append(fault)
                    return fault
        return None

    def _serve(self, client: socket.socket) -> None:
        reader = _Reader(client)
        try:
            while True:
                head, body = reader.message()
                method, target = head.split(b" ", 2)[:2]
                fault = self._take(method.decode(), target.decode())
                if not self._one(client, head, body, fault):
                    break
        except (_Closed, OSError, ValueError):
            pass
        finally:
            _close(client)

    def _one(self, client: socket.socket, head: bytes, body: bytes, fault: Fault | None) -> bool:
        """Forward one request; False when the client connection must end."""
        kind = fault.kind if fault else ""
        if kind == "drop":
            return False
        if kind == "cut_request":
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with contextlib.suppress(OSError):
                upstream.sendall(head + body[: len(body) // 2])
            _close(upstream)
            return False
        if kind == "duplicate":
            twin = threading.Thread(target=self._exchange, args=(head, body))
            twin.start()
            answer = self._exchange(head, body)
            twin.join()
        else:
            answer = self._exchange(head, body)
        method, target = head.split(b" ", 2)[:2]
        with self._answer:
            self.answered[f"{method.decode()} {target.decode().split('?', 1)[0]}"] += 1
            self._answer.notify_all()
        if kind == "delay" and fault is not None:
            time.sleep(fault.seconds)
        if kind == "cut_response" and fault is not None:
            client.sendall(answer[: fault.after_bytes])
            return False
        client.sendall(answer)
        return True

    def _exchange(self, head: bytes, body: bytes) -> bytes:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        try:
            upstream.sendall(head + body)
            answer_head, answer_body = _Reader(upstream).message()
            return answer_head + answer_body
        finally:
            _close(upstream)
