"""The dev server behind ``feuillet serve``: serve the last good build, reload browsers after each rebuild.

Why the standard library's ``http.server.ThreadingHTTPServer`` and not a framework: the server only ever
answers GET and HEAD for files of one folder on the editor's own machine, so an extra dependency would buy
nothing, and each guard it needs is a few lines here:

* the Host header must name this server (a DNS-rebinding page cannot read the site through the browser);
* URL paths are decoded once and the real path must stay inside the build folder (no traversal, no
  symlink escaping it);
* every connection has a socket timeout, and threads are daemons, so a slow or silent client (slowloris)
  holds one thread for a few seconds, never the server;
* responses never carry a filesystem path or a traceback: problems go to ``log`` as one short line.

Live reload is injected into HTML *responses* only (built files are never modified): a small script from
``/__feuillet/live.js`` listens to Server-Sent Events on ``/__feuillet/events`` and reloads the page, swaps
a changed stylesheet in place, or shows the build errors over the last good page.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import queue
import re
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePath
from typing import cast
from urllib.parse import quote, unquote_to_bytes

import watchfiles

from feuillet.errors import decimal, message
from feuillet.files import is_litter

SOCKET_TIMEOUT = 10.0  # seconds a connection may stay silent before its thread lets it go
KEEPALIVE_SECONDS = 15.0  # comment sent to idle event streams, so dead sockets are noticed
RESERVED = "/__feuillet/"
LIVE_SCRIPT_TAG = b'<script src="/__feuillet/live.js" defer></script>'
DEBOUNCE_MS = 50
STEP_MS = 20
RUST_TIMEOUT_MS = 250  # how often the watcher returns to Python, so ``stop`` is honoured quickly

Log = Callable[[str], None]


@dataclass(frozen=True)
class Snapshot:
    """The state of the dev server after one build attempt."""

    root: Path | None  # folder of the last GOOD build (never modified once published); None before success
    errors: tuple[str, ...]  # "path:line: key: message" lines of the last attempt; () when it succeeded
    generation: int  # increases with every build attempt
    stylesheets: Mapping[str, str]  # source name → served URL, fingerprinted: it changes with the CSS


@dataclass(frozen=True)
class OverlayText:
    """Editor-facing strings of the error overlay, already translated by the caller (French or English)."""

    title: str
    hint: str


DEFAULT_OVERLAY = OverlayText(
    title="Le site n’a pas pu être reconstruit",
    hint="La dernière version valide reste affichée. Corrigez le fichier : la page se rechargera.",
)


# --- URL → file -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """The request names this file, already resolved inside the build folder."""

    path: Path


@dataclass(frozen=True)
class Redirect:
    """The request names a folder or sits outside the base path: send the browser here."""

    location: str


@dataclass(frozen=True)
class Missing:
    """Nothing in the build folder answers this request (or it tried to leave the folder)."""


Outcome = Found | Redirect | Missing


def normalise_base_path(base_path: str) -> str:
    """``pr-12``, ``/pr-12`` and ``/pr-12/`` all mean the prefix ``/pr-12/``."""
    inner = base_path.strip("/")
    return f"/{inner}/" if inner else "/"


def split_target(target: str) -> tuple[str, str]:
    """Path and query of a request target; split by hand because ``urlsplit('//x')`` sees a host."""
    path = target.split("#", 1)[0]
    path, _, query = path.partition("?")
    return path, query


def decode_path(raw_path: str) -> str | None:
    """Percent-decode ONCE (so ``%252e`` stays a literal ``%2e``); None when it cannot be a site path."""
    if not raw_path.startswith("/"):
        return None
    try:
        decoded = unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in decoded or "\\" in decoded:
        return None
    return decoded


def _inside(candidate: Path, real_root: Path) -> Path | None:
    """The real path of ``candidate`` if it exists inside ``real_root`` (symlinks out are refused)."""
    try:
        real = candidate.resolve()
        if not real.is_relative_to(real_root) or not real.exists():
            return None
    except (OSError, RuntimeError):  # name too long, symlink loop…
        return None
    return real


def resolve_request(raw_path: str, base_path: str, root: Path) -> Outcome:
    """Map a URL path onto the build folder like a static host: ``/x/`` is ``x/index.html``."""
    decoded = decode_path(raw_path)
    if decoded is None:
        return Missing()
    if not decoded.startswith(base_path):
        at_top = decoded in ("/", base_path.rstrip("/"))
        return Redirect(quote(base_path)) if at_top else Missing()
    parts = decoded[len(base_path):].split("/")
    if ".." in parts:
        return Missing()
    names = [part for part in parts if part not in ("", ".")]
    wants_folder = decoded.endswith("/")
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return Missing()
    candidate = real_root.joinpath(*names) / "index.html" if wants_folder else real_root.joinpath(*names)
    real = _inside(candidate, real_root)
    if real is None:
        return Missing()
    if real.is_file():
        return Found(real)
    if real.is_dir() and not wants_folder:
        return Redirect(quote(base_path + "".join(f"{name}/" for name in names)))
    return Missing()


def not_found_page(root: Path) -> Path | None:
    """The site's own ``404.html``, if it has one inside the build folder."""
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return None
    page = _inside(real_root / "404.html", real_root)
    return page if page is not None and page.is_file() else None


# --- response bodies --------------------------------------------------------------------------------------

_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "application/javascript",
    ".mjs": "application/javascript", ".json": "application/json", ".map": "application/json",
    ".xml": "application/xml", ".atom": "application/atom+xml", ".rss": "application/rss+xml",
    ".txt": "text/plain", ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
}
_BINARY_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".webp": "image/webp",
                 ".avif": "image/avif", ".ico": "image/x-icon"}


def content_type(name: str) -> str:
    """Explicit types for the web's text formats (with utf-8), ``mimetypes`` for the rest."""
    suffix = PurePath(name).suffix.lower()
    if suffix in _TYPES:
        return f"{_TYPES[suffix]}; charset=utf-8"
    guessed = _BINARY_TYPES.get(suffix) or mimetypes.guess_type(name, strict=False)[0]
    if guessed is None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def inject_live_reload(html: bytes) -> bytes:
    """Add the live-reload script right before the last ``</body>``, or at the end when there is none."""
    index = html.lower().rfind(b"</body")
    if index < 0:
        return html + LIVE_SCRIPT_TAG
    return html[:index] + LIVE_SCRIPT_TAG + html[index:]


def _tiny_page(title: str, text: str) -> bytes:
    """A minimal HTML page (404 without a site 404, no site built yet) that still live-reloads."""
    body = (f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>{_escape(title)}</title>'
            f"<body><h1>{_escape(title)}</h1><p>{_escape(text)}</p></body></html>")
    return inject_live_reload(body.encode("utf-8"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- events -----------------------------------------------------------------------------------------------

_FINGERPRINT = re.compile(r"\.[0-9a-f]{6,}\.css$", re.IGNORECASE)


def sse_message(event: str, payload: Mapping[str, object]) -> bytes:
    """One Server-Sent Event; JSON never contains a raw newline, so ``data`` stays one line."""
    data = json.dumps(payload, ensure_ascii=False, separators=(", ", ": "))
    return f"event: {event}\ndata: {data}\n\n".encode()


def state_payload(snapshot: Snapshot, overlay: OverlayText) -> dict[str, object]:
    """What ``/__feuillet/state`` and the ``errors`` event tell the page."""
    return {"generation": snapshot.generation, "errors": list(snapshot.errors),
            "title": overlay.title, "hint": overlay.hint}


def only_static_css(changed_sources: Sequence[str]) -> bool:
    """True when every changed source is a ``.css`` file under a ``static/`` folder."""
    paths = [PurePath(source) for source in changed_sources]
    return bool(paths) and all(path.suffix.lower() == ".css" and "static" in path.parts[:-1]
                               for path in paths)


def event_for(previous: Snapshot, current: Snapshot, changed_sources: Sequence[str],
              overlay: OverlayText) -> bytes:
    """Errors show the overlay; a CSS-only change after a good build swaps stylesheets; else reload."""
    if current.errors:
        return sse_message("errors", state_payload(current, overlay))
    css_only = only_static_css(changed_sources) and bool(current.stylesheets)
    if css_only and not previous.errors and previous.root is not None:
        payload = {"generation": current.generation, "stylesheets": dict(current.stylesheets)}
        return sse_message("css", payload)
    return sse_message("reload", {"generation": current.generation})


class _Listener:
    """One browser tab's event stream; a bounded queue so a stuck tab cannot grow memory."""

    def __init__(self) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=64)

    def put(self, message: bytes | None) -> None:
        with contextlib.suppress(queue.Full):  # the tab stopped reading: it reloads on reconnection
            self._queue.put_nowait(message)

    def next(self, timeout: float) -> bytes | None:
        """The next message, a keep-alive comment after ``timeout`` seconds, None when the server stops."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return b": keep-alive\n\n"


class _Broadcaster:
    """The set of connected event streams."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: set[_Listener] = set()
        self._closed = False

    def subscribe(self) -> _Listener | None:
        listener = _Listener()
        with self._lock:
            if self._closed:
                return None
            self._listeners.add(listener)
        return listener

    def unsubscribe(self, listener: _Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def broadcast(self, message: bytes) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.put(message)

    def close(self) -> None:
        """Wake every stream with None so its thread ends."""
        with self._lock:
            self._closed = True
            listeners, self._listeners = list(self._listeners), set()
        for listener in listeners:
            listener.put(None)

    def count(self) -> int:
        with self._lock:
            return len(self._listeners)


# --- HTTP -------------------------------------------------------------------------------------------------

_Request = socket.socket | tuple[bytes, socket.socket]


class _HTTPServer(ThreadingHTTPServer):
    """Daemon threads, no reverse DNS at bind, no tracebacks on stderr, live sockets closed at stop."""

    daemon_threads = True
    request_queue_size = 128  # backlog: with the default 5, a burst of connections waits on SYN retries

    def __init__(self, dev: DevServer, host: str, port: int) -> None:
        self.dev = dev
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        """Skip ``HTTPServer.server_bind``'s ``getfqdn``: a reverse DNS lookup can stall for seconds."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request: _Request, client_address: object) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._connections_lock:
                self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock threads still reading from idle keep-alive connections."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        """One log line instead of socketserver's traceback on stderr; client hang-ups are silent."""
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError | TimeoutError):
            self.dev.log_line(message("serve: {kind} in a connection", kind=type(error).__name__))


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD on the build folder, the live-reload endpoints, and the guards described above."""

    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT  # StreamRequestHandler.setup applies it to the socket
    server_version = "feuillet"
    sys_version = ""
    _started = False

    @property
    def dev(self) -> DevServer:
        return cast(_HTTPServer, self.server).dev

    # quiet: normal requests are not logged, errors are logged by hand where they happen
    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Plain short bodies for the base class's own errors (bad request line, headers too long…)."""
        self.close_connection = True
        self._send_bytes(code, f"{code} {HTTPStatus(code).phrase}\n".encode(), "text/plain; charset=utf-8")

    def parse_request(self) -> bool:
        """Refuse foreign Host headers and other methods before any routing."""
        if not super().parse_request():
            return False
        has_body = self.headers.get("Content-Length", "0").strip() not in ("", "0")
        if has_body or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body is never read: do not parse it as the next request
        if not self.dev.host_allowed(self.headers.get_all("Host") or []):
            self.dev.log_line(message("serve: refused a request for another host name"))
            self.close_connection = True
            self._send_text(HTTPStatus.MISDIRECTED_REQUEST, "Unknown host name\n")
            return False
        if self.command not in ("GET", "HEAD"):
            self.close_connection = True
            self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed\n", {"Allow": "GET, HEAD"})
            return False
        return True

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def _answer(self) -> None:
        """Route the request; any failure becomes a bare 500 and one log line, never a traceback."""
        try:
            self._route()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as error:
            self.close_connection = True
            self.dev.log_line(message("serve: {kind} while answering a request", kind=type(error).__name__))
            if not self._started:
                self._send_text(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error\n")

    def _route(self) -> None:
        raw_path, query = split_target(self.path)
        decoded = decode_path(raw_path)
        if decoded is not None and decoded.startswith(RESERVED):
            self._reserved(decoded[len(RESERVED):])
            return
        snapshot = self.dev.snapshot
        if snapshot.root is None:
            page = _tiny_page(self.dev.overlay.title, self.dev.overlay.hint)
            self._send_bytes(HTTPStatus.SERVICE_UNAVAILABLE, page, "text/html; charset=utf-8")
            return
        outcome = resolve_request(raw_path, self.dev.base_path, snapshot.root)
        if isinstance(outcome, Found):
            self._send_file(HTTPStatus.OK, outcome.path)
        elif isinstance(outcome, Redirect):
            location = outcome.location + (f"?{query}" if query else "")
            self._send_text(HTTPStatus.MOVED_PERMANENTLY, "Moved\n", {"Location": location})
        else:
            self._not_found(snapshot.root)

    def _reserved(self, name: str) -> None:
        if name == "live.js":
            self._send_bytes(HTTPStatus.OK, LIVE_JS.encode(), "application/javascript; charset=utf-8")
        elif name == "state":
            body = json.dumps(state_payload(self.dev.snapshot, self.dev.overlay), ensure_ascii=False).encode()
            self._send_bytes(HTTPStatus.OK, body, "application/json; charset=utf-8")
        elif name == "events":
            self._stream_events()
        else:
            self._send_text(HTTPStatus.NOT_FOUND, "Not found\n")

    def _not_found(self, root: Path) -> None:
        page = not_found_page(root)
        if page is not None:
            self._send_file(HTTPStatus.NOT_FOUND, page)
        else:
            body = _tiny_page("404", "Cette page n’existe pas. / This page does not exist.")
            self._send_bytes(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8")

    def _send_file(self, status: HTTPStatus, path: Path) -> None:
        kind = content_type(path.name)
        body = path.read_bytes()
        if kind.startswith("text/html"):
            body = inject_live_reload(body)
        self._send_bytes(status, body, kind)

    def _send_text(self, status: HTTPStatus, text: str, headers: Mapping[str, str] | None = None) -> None:
        self._send_bytes(status, text.encode(), "text/plain; charset=utf-8", headers)

    def _send_bytes(self, status: int, body: bytes, kind: str,
                    headers: Mapping[str, str] | None = None) -> None:
        self._start(status, {"Content-Type": kind, "Content-Length": str(len(body)), **(headers or {})})
        if self.command != "HEAD":
            self.wfile.write(body)

    def _start(self, status: int, headers: Mapping[str, str]) -> None:
        """Status line and headers; every response is ``no-store``: a dev server must never be cached."""
        self._started = True
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":  # unparsable request line:
            self.request_version = "HTTP/1.0"  # the base class would then omit the status line
        self.send_response_only(status)
        self.send_header("Date", self.date_time_string())
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def _stream_events(self) -> None:
        """One thread per tab: wait for the next published event, or send a keep-alive comment."""
        self.close_connection = True
        self._start(HTTPStatus.OK, {"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"})
        if self.command == "HEAD":
            return
        listener = self.dev.events.subscribe()
        if listener is None:
            return
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (message := listener.next(KEEPALIVE_SECONDS)) is not None:
                self.wfile.write(message)
        except OSError:  # the tab went away
            pass
        finally:
            self.dev.events.unsubscribe(listener)


# --- the server -------------------------------------------------------------------------------------------


class DevServer:
    """Serve ``snapshot.root`` on ``host:port`` and push an event to every open tab on each publish."""

    def __init__(self, snapshot: Snapshot, base_path: str = "/", host: str = "127.0.0.1", port: int = 8000,
                 overlay: OverlayText = DEFAULT_OVERLAY, log: Log = lambda line: None) -> None:
        self.base_path = normalise_base_path(base_path)
        self.overlay = overlay
        self.events = _Broadcaster()
        self._log = log
        self._lock = threading.Lock()
        self._snapshot = snapshot
        self._host = host
        self._httpd = _HTTPServer(self, host, port)  # binds now, so ``address`` is known before start
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._allowed = self._allowed_hosts(host, self.address[1])

    @property
    def address(self) -> tuple[str, int]:
        """The bound host and port (port 0 asks the system for a free one)."""
        return str(self._httpd.server_address[0]), int(self._httpd.server_address[1])

    @property
    def snapshot(self) -> Snapshot:
        """The snapshot being served; read once per request, so a publish never mixes two builds."""
        return self._snapshot

    def log_line(self, line: str) -> None:
        """Send one line to the caller's log; a failing log must not break a request."""
        with contextlib.suppress(Exception):
            self._log(line)

    @staticmethod
    def _allowed_hosts(host: str, port: int) -> frozenset[str]:
        """The constructor's host and the loopback names, with this port (and without it on port 80)."""
        names = {host.lower(), "localhost", "127.0.0.1", "[::1]"}
        names = {f"[{name}]" if ":" in name and not name.startswith("[") else name for name in names}
        allowed = {f"{name}:{port}" for name in names}
        return frozenset(allowed | names if port == 80 else allowed)

    def host_allowed(self, values: Sequence[str]) -> bool:
        """Exactly one Host header naming this server: the DNS-rebinding defence."""
        return len(values) == 1 and values[0].strip().lower() in self._allowed

    def start(self) -> None:
        """Serve in a daemon thread; returns at once."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="feuillet-serve", daemon=True)
        self._thread.start()

    def publish(self, snapshot: Snapshot, changed_sources: Sequence[str]) -> None:
        """Swap the served snapshot atomically and tell every open tab what to do about it."""
        with self._lock:
            previous = self._snapshot
            if snapshot.root is None and previous.root is not None:  # keep showing the last good site
                snapshot = replace(snapshot, root=previous.root, stylesheets=previous.stylesheets)
            self._snapshot = snapshot
            self.events.broadcast(event_for(previous, snapshot, changed_sources, self.overlay))

    def stop(self) -> None:
        """Stop accepting, end the event streams and close open connections; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.events.close()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()
        self._httpd.close_connections()


# --- watching ---------------------------------------------------------------------------------------------


class EditorFilter(watchfiles.DefaultFilter):
    """watchfiles' defaults plus the editors' litter a build ignores (``feuillet.files.LITTER``:
    ``~``, ``.swp``, ``.#x``, vim's ``4913``…), so saving in an editor rebuilds once."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return not is_litter(PurePath(path).name) and super().__call__(change, path)



def rebuild_once(server: DevServer, rebuild: Callable[[Sequence[str]], Snapshot], changed: Sequence[str],
                 log: Log) -> None:
    """One rebuild and publish; a crashing rebuild is logged on one line and the site stays as it was."""
    started = time.perf_counter()
    try:
        snapshot = rebuild(changed)
    except Exception as error:
        detail = str(error).splitlines()[0] if str(error) else ""
        if detail:
            log(message("rebuild crashed: {kind}: {detail}", kind=type(error).__name__, detail=detail))
        else:
            log(message("rebuild crashed: {kind}", kind=type(error).__name__))
        return
    server.publish(snapshot, changed)
    if snapshot.errors:
        count = len(snapshot.errors)
        log(message("build failed: 1 problem") if count == 1
            else message("build failed: {count} problems", count=count))
    else:
        seconds = decimal(time.perf_counter() - started)
        if len(changed) == 1:
            log(message("rebuilt in {seconds} s (1 changed file)", seconds=seconds))
        else:
            log(message("rebuilt in {seconds} s ({count} changed files)", seconds=seconds,
                        count=len(changed)))


def watch_and_rebuild(server: DevServer, roots: Sequence[Path], rebuild: Callable[[Sequence[str]], Snapshot],
                      stop: threading.Event, log: Log) -> None:
    """Watch `roots` (files or folders: content/, templates/, static/, locales/, site.yaml) with watchfiles,
    debounce, call rebuild(changed_paths) (paths as str, absolute), then server.publish(...).

    The watch restarts after a watched *file* (site.yaml) changes: editors that save by renaming a new
    file over the old one would otherwise leave the watch on the old, deleted file.
    """
    editor_filter = EditorFilter()
    files = {str(root.absolute()) for root in roots if root.is_file()}
    while not stop.is_set():
        existing = [root.absolute() for root in roots if root.exists()]
        if not existing:
            log(message("nothing to watch"))
            return
        for changes in watchfiles.watch(*existing, watch_filter=editor_filter, debounce=DEBOUNCE_MS,
                                        step=STEP_MS, rust_timeout=RUST_TIMEOUT_MS, stop_event=stop):
            changed = sorted({str(Path(path).absolute()) for _, path in changes})
            rebuild_once(server, rebuild, changed, log)
            if files.intersection(changed):
                break
        else:
            return  # the watch ended because ``stop`` was set


LIVE_JS = r"""// feuillet live reload: served from memory by `feuillet serve`, never written into the site.
(() => {
  "use strict";
  const BASE = "/__feuillet/";
  const OVERLAY_ID = "feuillet-overlay";
  let generation = null;
  let connectedOnce = false;

  const STYLE = `
    :host { all: initial; }
    .panel { position: fixed; z-index: 2147483647; inset: auto 1rem 1rem 1rem; max-height: 60vh;
      overflow: auto; box-sizing: border-box; padding: 1rem 3.5rem 1rem 1.25rem; color-scheme: light dark;
      background: Canvas; color: CanvasText; border: 2px solid #b71c1c; border-left-width: 0.5rem;
      border-radius: 0.5rem; box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 0.35);
      font: 1rem/1.5 system-ui, sans-serif; }
    .title { margin: 0 0 0.25rem; font-size: 1.125rem; font-weight: 700; }
    .hint { margin: 0 0 0.75rem; }
    .errors { margin: 0; padding: 0; list-style: none; }
    .errors li + li { margin-top: 0.375rem; }
    code { font: 0.875rem/1.4 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap;
      overflow-wrap: anywhere; }
    .close { position: absolute; top: 0.5rem; right: 0.5rem; min-width: 2.75rem; min-height: 2.75rem;
      font: 1.5rem/1 system-ui, sans-serif; color: inherit; background: transparent;
      border: 1px solid currentColor; border-radius: 0.375rem; cursor: pointer; }
    .close:focus-visible { outline: 3px solid Highlight; outline-offset: 2px; }
    @media (prefers-color-scheme: dark) { .panel { border-color: #ef9a9a; } }
  `;

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  };

  const closeLabel = () =>
    (document.documentElement.lang || navigator.language || "").toLowerCase().startsWith("fr")
      ? "Fermer" : "Close";

  const removeOverlay = () => {
    const overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  };

  // Built with DOM methods and textContent only: error lines quote the editor's text, never parse it.
  const showOverlay = (state) => {
    removeOverlay();
    if (!state || !Array.isArray(state.errors) || state.errors.length === 0) return;
    const host = element("div");
    host.id = OVERLAY_ID;
    const shadow = host.attachShadow({ mode: "open" });
    const panel = element("section", "panel");
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-labelledby", "feuillet-title");
    panel.setAttribute("aria-describedby", "feuillet-hint");
    const title = element("h2", "title", state.title || "");
    title.id = "feuillet-title";
    const hint = element("p", "hint", state.hint || "");
    hint.id = "feuillet-hint";
    const list = element("ul", "errors");
    for (const line of state.errors) {
      const item = element("li");
      item.append(element("code", "", line));
      list.append(item);
    }
    const close = element("button", "close", "×");
    close.type = "button";
    close.setAttribute("aria-label", closeLabel());
    close.addEventListener("click", removeOverlay);
    panel.addEventListener("keydown", (event) => { if (event.key === "Escape") removeOverlay(); });
    panel.append(close, title, hint, list);
    shadow.append(element("style", "", STYLE), panel);
    (document.body || document.documentElement).append(host);
    close.focus({ preventScroll: true });
  };

  // "/static/css/site.0a1b2c3d4e.css" and "/static/css/site.9f8e7d6c5b.css" are the same stylesheet.
  const withoutFingerprint = (href) => {
    const url = new URL(href, location.href);
    return url.origin + url.pathname.replace(/\.[0-9a-f]{6,}\.css$/i, ".css");
  };

  const swapStylesheets = (data) => {
    const wanted = new Map();
    for (const url of Object.values(data.stylesheets || {})) wanted.set(withoutFingerprint(url), url);
    for (const link of document.querySelectorAll('link[rel~="stylesheet" i][href]')) {
      const url = wanted.get(withoutFingerprint(link.href));
      if (url === undefined) continue;
      const next = new URL(url, location.href);
      if (next.pathname === new URL(link.href).pathname) {  // same name: only a query defeats caches
        next.searchParams.set("feuillet", String(data.generation));
      }
      const fresh = link.cloneNode();
      fresh.href = next.href;
      const drop = () => link.remove();
      fresh.addEventListener("load", drop, { once: true });
      fresh.addEventListener("error", drop, { once: true });
      link.after(fresh);
    }
  };

  const fetchState = () => fetch(BASE + "state", { cache: "no-store" }).then((response) => response.json());

  const onEvent = (source, name, handler) =>
    source.addEventListener(name, (event) => handler(JSON.parse(event.data)));

  const connect = () => {
    const source = new EventSource(BASE + "events");
    source.addEventListener("open", () => {
      if (connectedOnce) {  // a reconnection: builds may have happened while we were away
        fetchState().then((state) => {
          if (generation !== null && state.generation > generation) location.reload();
        }).catch(() => {});
      }
      connectedOnce = true;
    });
    onEvent(source, "reload", () => location.reload());
    onEvent(source, "css", (data) => {
      generation = data.generation;
      removeOverlay();
      swapStylesheets(data);
    });
    onEvent(source, "errors", (data) => { generation = data.generation; showOverlay(data); });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {  // the browser gave up: try again ourselves
        source.close();
        setTimeout(connect, 2000);
      }
    });
  };

  fetchState().then((state) => {
    if (generation === null) generation = state.generation;
    showOverlay(state);
  }).catch(() => {});
  connect();
})();
"""
