"""The dev server: real sockets on 127.0.0.1 (port 0), raw requests so request lines and Host are exact."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feuillet import serve
from feuillet.serve import (
    LIVE_SCRIPT_TAG,
    DevServer,
    EditorFilter,
    Found,
    OverlayText,
    Snapshot,
    resolve_request,
    watch_and_rebuild,
)

TIMEOUT = 5.0
SECRET = "TOP-SECRET-beside-the-root"
INDEX = "<!doctype html><html><head><link rel=stylesheet href=/static/css/site.0a1b2c3d4e.css></head>" \
        "<body><h1>Accueil</h1></body></html>"
OVERLAY = OverlayText(title="Build failed", hint="Fix the file.")
OLD_CSS = {"css/site.css": "/static/css/site.0a1b2c3d4e.css"}


# --- helpers ------------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def write_site(folder: Path, files: dict[str, str] | None = None) -> Path:
    """A tiny built site, with a secret file *beside* it that must never be served."""
    files = files if files is not None else {
        "index.html": INDEX,
        "x/index.html": "<html><body>page x</body></html>",
        "static/css/site.0a1b2c3d4e.css": "body { color: black }",
        "about.txt": "plain text",
        "404.html": "<html><body>page introuvable</body></html>",
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


def snapshot(root: Path | None, generation: int = 1, errors: tuple[str, ...] = (),
             stylesheets: dict[str, str] | None = None) -> Snapshot:
    return Snapshot(root=root, errors=errors, generation=generation,
                    stylesheets=OLD_CSS if stylesheets is None else stylesheets)


@pytest.fixture
def make_server() -> Iterator[Callable[..., DevServer]]:
    started: list[DevServer] = []

    def factory(root: Path | None, base_path: str = "/", **kwargs: object) -> DevServer:
        first = kwargs.pop("snapshot", None) or snapshot(root)
        server = DevServer(first, base_path=base_path, port=0, overlay=OVERLAY, **kwargs)  # type: ignore[arg-type]
        server.start()
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


def host_of(server: DevServer) -> str:
    return f"127.0.0.1:{server.address[1]}"


def raw(server: DevServer, data: bytes) -> Response:
    """Send bytes as they are, read until the server closes, parse the response."""
    with socket.create_connection(server.address, timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return Response(int(lines[0].split()[1]), headers, body)


def request(server: DevServer, target: str, method: str = "GET", host: str | None = None,
            extra: str = "") -> Response:
    host_line = "" if host == "" else f"Host: {host or host_of(server)}\r\n"
    data = f"{method} {target} HTTP/1.1\r\n{host_line}{extra}Connection: close\r\n\r\n"
    return raw(server, data.encode("latin-1"))


class EventStream:
    """A raw SSE client: ``next()`` returns (event, data) of the next event, skipping comments."""

    def __init__(self, server: DevServer) -> None:
        self.sock = socket.create_connection(server.address, timeout=TIMEOUT)
        self.sock.sendall(f"GET /__feuillet/events HTTP/1.1\r\nHost: {host_of(server)}\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        self.status_line = self.file.readline().decode()
        self.headers: dict[str, str] = {}
        while (line := self.file.readline().decode()) not in ("\r\n", ""):
            name, _, value = line.strip().partition(": ")
            self.headers[name] = value
        assert self.file.readline() == b"retry: 1000\n"  # sent after subscribing: publish is safe now
        assert self.file.readline() == b"\n"

    def next(self) -> tuple[str, dict[str, object]]:
        fields: dict[str, str] = {}
        while True:
            line = self.file.readline().decode()
            if line == "":
                raise EOFError
            if line == "\n" and fields:
                return fields["event"], json.loads(fields["data"])
            if line.startswith(("event: ", "data: ")):
                name, _, value = line.rstrip("\n").partition(": ")
                fields[name] = value

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def events() -> Iterator[Callable[[DevServer], EventStream]]:
    streams: list[EventStream] = []

    def open_stream(server: DevServer) -> EventStream:
        stream = EventStream(server)
        streams.append(stream)
        return stream

    yield open_stream
    for stream in streams:
        stream.close()


# --- methods and hosts ----------------------------------------------------------------------------------------


def test_get_serves_the_file_and_head_the_same_headers_without_body(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    get, head = request(server, "/about.txt"), request(server, "/about.txt", "HEAD")
    assert (get.status, get.body) == (200, b"plain text")
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == "10"
    assert get.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert get.headers["Cache-Control"] == head.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
def test_other_methods_get_405_with_allow(tmp_path: Path, make_server, method: str) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = request(server, "/", method, extra="Content-Length: 0\r\n")
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.body == b"Method not allowed\n"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost",
                                  "localhost.evil.example:{port}", "0.0.0.0:{port}", ""])
def test_foreign_host_is_refused(tmp_path: Path, make_server, host: str) -> None:
    lines: list[str] = []
    server = make_server(write_site(tmp_path / "site"), log=lines.append)
    response = request(server, "/", host=host.format(port=server.address[1]))
    assert (response.status, response.body) == (421, b"Unknown host name\n")
    assert SECRET.encode() not in response.body and b"Accueil" not in response.body
    assert lines == ["serve: refused a request for another host name"]


def test_two_host_headers_are_refused(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = request(server, "/", extra="Host: evil.example\r\n")
    assert response.status == 421


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_loopback_host_names_are_accepted(tmp_path: Path, make_server, name: str) -> None:
    server = make_server(write_site(tmp_path / "site"))
    assert request(server, "/", host=f"{name}:{server.address[1]}").status == 200


def test_binds_loopback_by_default(tmp_path: Path) -> None:
    server = DevServer(snapshot(write_site(tmp_path / "site")), port=0)
    try:
        assert server.address[0] == "127.0.0.1"
    finally:
        server.stop()


# --- paths ----------------------------------------------------------------------------------------------------

TRAVERSALS = [
    "/../secret.txt", "/x/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt", "/x/..%2f..%2fsecret.txt", "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt",
    "/..\\secret.txt", "/%5c..%5csecret.txt", "/..%5csecret.txt", "/index.html%00", "/%00/../secret.txt",
    "//etc/passwd", "///etc/passwd", "/%2fetc%2fpasswd", "/.%2e/secret.txt", "/..;/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/x/./../../secret.txt", "/" + "../" * 12 + "etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_never_leaves_the_root(tmp_path: Path, make_server, target: str) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = request(server, target)
    assert response.status == 404
    assert response.body == b"<html><body>page introuvable" + LIVE_SCRIPT_TAG + b"</body></html>"
    assert SECRET.encode() not in response.body and b"root:" not in response.body


def test_symlinks_pointing_out_of_the_root_are_404(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "outside").symlink_to(tmp_path, target_is_directory=True)
    (root / "inside.txt").symlink_to(root / "about.txt")
    server = make_server(root)
    for target in ("/leak.txt", "/outside/secret.txt", "/outside/", "/outside"):
        response = request(server, target)
        assert response.status == 404, target
        assert SECRET.encode() not in response.body
    assert request(server, "/inside.txt").body == b"plain text"  # a link that stays inside is fine


def test_clean_urls_serve_index_and_redirect_folders(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    assert request(server, "/").body.startswith(b"<!doctype html><html><head>")
    assert request(server, "/x/").body.startswith(b"<html><body>page x")
    redirect = request(server, "/x")
    assert (redirect.status, redirect.headers["Location"]) == (301, "/x/")
    assert request(server, "/x?lang=fr").headers["Location"] == "/x/?lang=fr"
    assert request(server, "/static/").status == 404  # a folder without index.html


def test_protocol_relative_folder_redirect_stays_on_this_site(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site")
    (root / "evil.example").mkdir()
    server = make_server(root)
    response = request(server, "//evil.example")
    assert (response.status, response.headers["Location"]) == (301, "/evil.example/")


def test_missing_file_gets_the_site_404_page(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = request(server, "/nulle-part/")
    assert response.status == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.body.startswith(b"<html><body>page introuvable")


def test_missing_file_without_site_404_gets_a_builtin_page(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site", {"index.html": INDEX}))
    response = request(server, "/nulle-part")
    assert response.status == 404
    assert b"<h1>404</h1>" in response.body and LIVE_SCRIPT_TAG in response.body
    assert str(tmp_path).encode() not in response.body


def test_base_path(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"), base_path="/pr-12/")
    assert request(server, "/pr-12/").body.startswith(b"<!doctype html>")
    assert request(server, "/pr-12/x/").body.startswith(b"<html><body>page x")
    assert request(server, "/pr-12/x").headers["Location"] == "/pr-12/x/"
    for target in ("/", "/pr-12"):
        response = request(server, target)
        assert (response.status, response.headers["Location"]) == (301, "/pr-12/"), target
    for target in ("/x/", "/about.txt", "/pr-123/", "/pr-12/../pr-12/about.txt"):
        assert request(server, target).status == 404, target


def test_content_types_have_utf8_charset_for_text(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site", {"a.html": "x", "a.css": "x", "a.js": "x", "a.xml": "x",
                                          "a.atom": "x", "a.txt": "x", "a.png": "x", "a.woff2": "x", "a.bin": "x"})
    server = make_server(root)
    expected = {"a.html": "text/html; charset=utf-8", "a.css": "text/css; charset=utf-8",
                "a.js": "application/javascript; charset=utf-8", "a.xml": "application/xml; charset=utf-8",
                "a.atom": "application/atom+xml; charset=utf-8", "a.txt": "text/plain; charset=utf-8",
                "a.png": "image/png", "a.woff2": "font/woff2", "a.bin": "application/octet-stream"}
    for name, kind in expected.items():
        assert request(server, f"/{name}").headers["Content-Type"] == kind, name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["..", ".", "", "%2e", "%2e%2e", "%2f", "%5c", "x", "secret.txt", "%00", "%25"]),
                min_size=1, max_size=8))
def test_resolve_never_finds_a_file_outside_the_root(tmp_path: Path, segments: list[str]) -> None:
    root = tmp_path / "site"
    if not root.exists():
        write_site(root)
    outcome = resolve_request("/" + "/".join(segments), "/", root)
    if isinstance(outcome, Found):
        assert outcome.path.is_relative_to(root.resolve())


# --- live reload ----------------------------------------------------------------------------------------------


def test_html_responses_get_the_script_but_the_file_on_disk_does_not(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site")
    (root / "bare.html").write_text("<p>no body tag</p>", encoding="utf-8")
    before = (root / "index.html").read_bytes()
    server = make_server(root)
    response = request(server, "/")
    assert response.body == before.replace(b"</body>", LIVE_SCRIPT_TAG + b"</body>")
    assert response.headers["Content-Length"] == str(len(before) + len(LIVE_SCRIPT_TAG))
    assert (root / "index.html").read_bytes() == before
    assert request(server, "/bare.html").body == b"<p>no body tag</p>" + LIVE_SCRIPT_TAG
    assert LIVE_SCRIPT_TAG not in request(server, "/static/css/site.0a1b2c3d4e.css").body


def test_live_script_is_served_from_memory(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"), base_path="/pr-12/")
    response = request(server, "/__feuillet/live.js")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    script = response.body.decode()
    assert 'new EventSource(BASE + "events")' in script and "location.reload()" in script
    assert "innerHTML" not in script and "textContent" in script and '"alertdialog"' in script
    assert request(server, "/__feuillet/nothing").status == 404
    assert not (tmp_path / "site" / "__feuillet").exists()


def test_state_reports_generation_errors_and_overlay_text(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = request(server, "/__feuillet/state")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.body) == {"generation": 1, "errors": [], "title": "Build failed",
                                         "hint": "Fix the file."}
    server.publish(snapshot(tmp_path / "site", 2, ("content/a.yaml:3: title: missing",)), ["/p/content/a.yaml"])
    assert json.loads(request(server, "/__feuillet/state").body)["errors"] == ["content/a.yaml:3: title: missing"]


def test_events_stream_sends_reload_after_publish(tmp_path: Path, make_server, events) -> None:
    root = write_site(tmp_path / "site")
    server = make_server(root)
    stream = events(server)
    assert stream.status_line.startswith("HTTP/1.1 200")
    assert stream.headers["Content-Type"] == "text/event-stream"
    assert stream.headers["Cache-Control"] == "no-store"
    server.publish(snapshot(root, 2), ["/p/content/articles/a.yaml"])
    assert stream.next() == ("reload", {"generation": 2})


def test_css_only_change_sends_the_new_stylesheet_url(tmp_path: Path, make_server, events) -> None:
    root = write_site(tmp_path / "site")
    server = make_server(root)
    stream = events(server)
    new = {"css/site.css": "/static/css/site.9f8e7d6c5b.css"}
    server.publish(snapshot(root, 2, stylesheets=new), ["/p/static/css/site.css"])
    assert stream.next() == ("css", {"generation": 2, "stylesheets": new})
    server.publish(snapshot(root, 3, stylesheets=new), ["/p/static/css/site.css", "/p/templates/base.html"])
    assert stream.next() == ("reload", {"generation": 3})


def test_failed_build_sends_errors_and_keeps_the_old_site(tmp_path: Path, make_server, events) -> None:
    root = write_site(tmp_path / "site")
    server = make_server(root)
    stream = events(server)
    problems = ("content/a.yaml:3: title: missing", "content/b.yaml:1: date: <not a date>")
    server.publish(Snapshot(root=None, errors=problems, generation=2, stylesheets={}), ["/p/content/a.yaml"])
    assert stream.next() == ("errors", {"generation": 2, "errors": list(problems), "title": "Build failed",
                                        "hint": "Fix the file."})
    assert request(server, "/").body.startswith(b"<!doctype html><html><head>")  # the last good build
    assert server.snapshot.root == root and server.snapshot.stylesheets == OLD_CSS
    # a css-only fix after a failure reloads: the page still shows the overlay and older content
    server.publish(snapshot(root, 3), ["/p/static/css/site.css"])
    assert stream.next() == ("reload", {"generation": 3})


def test_every_listener_gets_the_event(tmp_path: Path, make_server, events) -> None:
    root = write_site(tmp_path / "site")
    server = make_server(root)
    streams = [events(server) for _ in range(5)]
    server.publish(snapshot(root, 7), ["/p/site.yaml"])
    assert [stream.next() for stream in streams] == [("reload", {"generation": 7})] * 5


def test_before_any_good_build_the_server_answers_503_with_the_script(tmp_path: Path, make_server) -> None:
    server = make_server(None, snapshot=Snapshot(None, ("site.yaml:1: url: missing",), 1, {}))
    response = request(server, "/anything")
    assert response.status == 503
    assert LIVE_SCRIPT_TAG in response.body and b"Build failed" in response.body
    assert json.loads(request(server, "/__feuillet/state").body)["errors"] == ["site.yaml:1: url: missing"]


def test_stop_ends_event_streams(tmp_path: Path, make_server, events) -> None:
    server = make_server(write_site(tmp_path / "site"))
    stream = events(server)
    started = time.monotonic()
    server.stop()
    with pytest.raises(EOFError):
        stream.next()
    assert time.monotonic() - started < 3
    server.stop()  # twice is fine


# --- robustness -----------------------------------------------------------------------------------------------


def test_200_concurrent_requests_are_all_answered(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    statuses: list[int] = []
    lock = threading.Lock()

    def fetch() -> None:
        status = request(server, "/about.txt").status
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=fetch, daemon=True) for _ in range(200)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert statuses == [200] * 200
    assert time.monotonic() - started < 10


def test_silent_clients_do_not_block_others_and_are_dropped(tmp_path: Path, make_server,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve._Handler, "timeout", 0.5)
    server = make_server(write_site(tmp_path / "site"))
    silent = [socket.create_connection(server.address, timeout=TIMEOUT) for _ in range(20)]
    half = socket.create_connection(server.address, timeout=TIMEOUT)
    half.sendall(b"GET / HTTP/1.1\r\nHost: ")  # slowloris: never finishes its headers
    try:
        started = time.monotonic()
        assert request(server, "/about.txt").status == 200
        assert time.monotonic() - started < 1
        assert half.recv(100) == b""  # the server hung up on it after its socket timeout
        assert time.monotonic() - started < 3
    finally:
        for sock in [*silent, half]:
            sock.close()


def test_errors_answer_500_without_path_or_traceback(tmp_path: Path, make_server,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capfd: pytest.CaptureFixture[str]) -> None:
    lines: list[str] = []
    root = write_site(tmp_path / "site")
    server = make_server(root, log=lines.append)

    def broken(html: bytes) -> bytes:
        raise RuntimeError(f"cannot read {root / 'index.html'}")

    monkeypatch.setattr(serve, "inject_live_reload", broken)
    response = request(server, "/")
    assert (response.status, response.body) == (500, b"Internal server error\n")
    assert lines == ["serve: RuntimeError while answering a request"]
    assert request(server, "/about.txt").status == 200  # the server carries on
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out and str(tmp_path) not in captured.err


def test_malformed_request_gets_a_short_plain_400(tmp_path: Path, make_server) -> None:
    server = make_server(write_site(tmp_path / "site"))
    response = raw(server, b"GET / HTTP/9.9 extra\r\n\r\n")
    assert (response.status, response.body) == (400, b"400 Bad Request\n")


# --- watching -------------------------------------------------------------------------------------------------


class FakeRebuild:
    """Records calls; the first ``failures`` calls raise, as a buggy rebuild would."""

    def __init__(self, root: Path, failures: int = 0, errors: tuple[str, ...] = ()) -> None:
        self.root, self.failures, self.errors = root, failures, errors
        self.calls: list[list[str]] = []
        self.called = threading.Event()

    def __call__(self, changed: Sequence[str]) -> Snapshot:
        self.calls.append(list(changed))
        if len(self.calls) <= self.failures:
            raise ValueError("boom\nsecond line")
        self.called.set()
        return snapshot(self.root, 10 + len(self.calls), self.errors)


def run_watcher(server: DevServer, roots: list[Path], rebuild: FakeRebuild,
                touch: Callable[[int], None]) -> list[str]:
    """Start the loop, touch files until rebuild succeeds (the watcher needs a moment to start), stop it."""
    stop, lines = threading.Event(), []
    thread = threading.Thread(target=watch_and_rebuild, args=(server, roots, rebuild, stop, lines.append),
                              daemon=True)
    thread.start()
    try:
        for attempt in range(40):
            touch(attempt)
            if rebuild.called.wait(0.25):
                break
        assert rebuild.called.is_set()
    finally:
        stop.set()
        thread.join(timeout=TIMEOUT)
    assert not thread.is_alive()
    return lines


def test_watch_rebuilds_and_publishes_when_a_watched_file_changes(tmp_path: Path, make_server, events) -> None:
    root = write_site(tmp_path / "site")
    content = tmp_path / "content"
    content.mkdir()
    server = make_server(root)
    stream = events(server)
    rebuild = FakeRebuild(root)
    target = content / "a.yaml"
    lines = run_watcher(server, [content, tmp_path / "missing"], rebuild,
                        lambda n: target.write_text(f"title: {n}", encoding="utf-8"))
    assert rebuild.calls[0] == [str(target.absolute())]
    assert stream.next() == ("reload", {"generation": 11})
    assert server.snapshot.generation == 11
    assert lines[0].startswith("rebuilt in ") and lines[0].endswith(" s (1 changed file)")


def test_watch_survives_a_crashing_rebuild_and_reports_failures(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site")
    content = tmp_path / "content"
    content.mkdir()
    server = make_server(root)
    rebuild = FakeRebuild(root, failures=1, errors=("a:1: b: c", "d:2: e: f"))
    lines = run_watcher(server, [content], rebuild,
                        lambda n: (content / f"{n}.yaml").write_text("x", encoding="utf-8"))
    assert lines[0] == "rebuild crashed: ValueError: boom"
    assert "build failed: 2 problems" in lines
    assert server.snapshot.errors == ("a:1: b: c", "d:2: e: f") and server.snapshot.root == root


def test_watch_follows_a_file_root_replaced_by_rename(tmp_path: Path, make_server) -> None:
    site_yaml = tmp_path / "site.yaml"
    site_yaml.write_text("title: a", encoding="utf-8")
    server = make_server(write_site(tmp_path / "site"))

    def save_by_rename(n: int) -> None:
        (tmp_path / "site.yaml.new").write_text(f"title: {n}", encoding="utf-8")
        (tmp_path / "site.yaml.new").replace(site_yaml)

    first = FakeRebuild(tmp_path / "site")
    stop, lines = threading.Event(), []
    thread = threading.Thread(target=watch_and_rebuild, args=(server, [site_yaml], first, stop, lines.append),
                              daemon=True)
    thread.start()
    try:
        for attempt in range(40):
            save_by_rename(attempt)
            if first.called.wait(0.25):
                break
        count = len(first.calls)
        deadline = time.monotonic() + TIMEOUT
        while len(first.calls) == count and time.monotonic() < deadline:
            save_by_rename(99)
            time.sleep(0.25)
        assert len(first.calls) > count  # still watched after the first rename
    finally:
        stop.set()
        thread.join(timeout=TIMEOUT)
    assert not thread.is_alive()


@pytest.mark.parametrize("name", ["a.yaml~", ".a.yaml.swp", ".a.yaml.swx", ".#a.yaml", "4913", "#a.yaml#"])
def test_editor_temporary_files_are_ignored(tmp_path: Path, name: str) -> None:
    assert not EditorFilter()(serve.watchfiles.Change.added, str(tmp_path / name))


def test_ordinary_sources_are_watched(tmp_path: Path) -> None:
    for name in ("a.yaml", "site.css", "base.html", "fr.po", "49130"):
        assert EditorFilter()(serve.watchfiles.Change.modified, str(tmp_path / name)), name


def test_dev_site_keeps_the_last_good_build_when_content_breaks(tmp_path: Path) -> None:
    from feuillet.pipeline import DevSite, Project
    from tests.conftest import make_site

    article = "title: Un titre\ndate: 2024-06-19\nsections:\n  - blocks: [Un texte.]\n"
    root = make_site(tmp_path / "site", {"content/articles/a.yaml": article})
    dev = DevSite(Project(root))
    try:
        good = dev.rebuild()
        assert good.errors == () and good.root is not None
        assert (good.root / "a" / "index.html").is_file()
        assert set(good.stylesheets) == {"css/site.css"}
        (root / "content/articles/a.yaml").write_text("title: Un titre\ndate: hier\n", encoding="utf-8")
        broken = dev.rebuild(["content/articles/a.yaml"])
        assert broken.root == good.root and broken.generation == good.generation + 1
        assert broken.errors and any(e.startswith("content/articles/a.yaml:2: date:") for e in broken.errors)
    finally:
        dev.close()
    assert not dev.folder.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_watch_survives_a_pipe_and_a_loop_of_links_among_the_sources(tmp_path: Path, make_server) -> None:
    root = write_site(tmp_path / "site")
    content = tmp_path / "content"
    content.mkdir()
    os.mkfifo(content / "tube.md")  # watching must never open it
    (content / "boucle").symlink_to(".")  # nor walk this forever
    server = make_server(root)
    rebuild = FakeRebuild(root)
    target = content / "a.yaml"
    run_watcher(server, [content], rebuild, lambda n: target.write_text(f"title: {n}", encoding="utf-8"))
    assert str(target.absolute()) in rebuild.calls[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_dev_site_reports_a_pipe_without_opening_it(tmp_path: Path) -> None:
    from feuillet.pipeline import DevSite, Project
    from tests.conftest import make_site

    article = "title: Un titre\ndate: 2024-06-19\nsections:\n  - blocks: [Un texte.]\n"
    root = make_site(tmp_path / "site", {"content/articles/a.yaml": article})
    os.mkfifo(root / "content/articles/b.md")
    found: list[Snapshot] = []

    def rebuild() -> None:  # in one thread: the cache's connection stays in the thread that made it
        dev = DevSite(Project(root))
        try:
            found.append(dev.rebuild())
        finally:
            dev.close()

    builder = threading.Thread(target=rebuild, daemon=True)
    builder.start()
    builder.join(60)  # a guard against the hang of opening the pipe, not a measure
    assert [snapshot.errors for snapshot in found] == [(
        "content/articles/b.md: file: a named pipe (FIFO), not a file: feuillet reads only files; "
        "remove it",)]


@pytest.mark.parametrize("name", ["Thumbs.db", ".DS_Store", "a.yaml.tmp", "._a.yaml", "desktop.ini"])
def test_the_litter_a_build_ignores_is_not_watched(tmp_path: Path, name: str) -> None:
    assert not EditorFilter()(serve.watchfiles.Change.added, str(tmp_path / name))
