"""Self-checks of the gate machinery on tiny hand-written sites made in tmp dirs:
a gate that cannot fail proves nothing. (The Nu Html Checker's canary rides
along in test_gate_vnu.py, in the same JVM run as the site.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from linkcheck import check_site, parse_srcset
from test_gate_axe import run_axe
from test_gate_weight import page_weight

pytestmark = pytest.mark.gates

HEAD = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>t</title>{}</head><body>'


def write_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def good_site(root: Path, base: str = "/") -> Path:
    return write_site(
        root,
        {
            "index.html": HEAD.format(f'<link rel="stylesheet" href="{base}static/s.css">')
            + f'<a href="{base}article/">a</a> <a href="{base}article/#d%C3%A9but">d</a>'
            + ' <a href="article/#fin">f</a> <a href="#top">top</a> <a href="https://ex.org/">x</a>'
            + f' <a href="mailto:r@ex.org">m</a> <img alt="" src="{base}img/a.png"'
            + f' srcset="{base}img/a.png 1x,{base}img/b.png 2x">',
            "article/index.html": HEAD.format("")
            + '<h2 id="début">D</h2><h2 id="fin">F</h2>'
            + '<nav><a href="#début">D</a></nav><a href="../">home</a>',
            "404.html": HEAD.format(f'<link rel="stylesheet" href="{base}static/s.css">')
            + '<a href="#x" id="x">x</a>',
            "static/s.css": f'@import "t.css"; body{{background:url({base}img/a.png)}}',
            "static/t.css": "p{background:url('../img/b.png')} /* url(nope.png) */",
            "img/a.png": "",
            "img/b.png": "",
        },
    )


def test_linkcheck_accepts_a_good_site(tmp_path: Path) -> None:
    report = check_site(good_site(tmp_path / "root"))
    assert report.ok, report.format_problems()
    assert set(report.external) == {"https://ex.org/", "mailto:r@ex.org"}
    report = check_site(good_site(tmp_path / "pr", "/pr-12/"), "/pr-12/")
    assert report.ok, report.format_problems()


def test_linkcheck_reports_each_kind_of_breakage(tmp_path: Path) -> None:
    root = good_site(tmp_path / "site")
    write_site(
        root,
        {
            "broken/index.html": HEAD.format('<link rel="stylesheet" href="/static/gone.css">')
            + '<a href="/nowhere/">1</a> <a href="/article/#absent">2</a> <a href="#ici">3</a>'
            + ' <a href="/article">4</a> <img alt="" srcset="/img/a.png 1x, /img/c.png 2x">'
            + ' <script src="../static/missing.js"></script>',
            "404.html": HEAD.format('<link rel="stylesheet" href="static/s.css">'),
            "static/s.css": "body{background:url(/img/zz.png)}",
        },
    )
    problems = [str(p) for p in check_site(root).problems]
    expected = [
        "broken/index.html:1: link[href] '/static/gone.css': no static/gone.css",
        "'/nowhere/': no nowhere/index.html",
        "'/article/#absent': no id='absent' in article/index.html",
        "'#ici': no id='ici' in this page",
        "'/article': missing trailing slash",
        "img[srcset] '/img/c.png': no img/c.png",
        "'../static/missing.js': no static/missing.js",
        "404.html:1: link[href] 'static/s.css': no page-qui-n-existe-pas/ni/ici/static/s.css",
        "static/s.css:1: css url() '/img/zz.png': no img/zz.png",
    ]
    for text in expected:
        assert any(text in p for p in problems), f"{text!r} not reported in {problems}"
    assert len(problems) == len(expected), problems


def test_linkcheck_keeps_prefixed_builds_under_the_prefix(tmp_path: Path) -> None:
    root = good_site(tmp_path / "pr", "/pr-12/")
    write_site(
        root,
        {
            "x/index.html": HEAD.format("")
            + '<a href="/">a</a> <a href="../../">b</a>'
            + ' <a href="/pr-12">c</a>'
        },
    )
    problems = [str(p) for p in check_site(root, "/pr-12/").problems]
    assert len(problems) == 3, problems
    assert all("/pr-12/" in p for p in problems), problems


def test_parse_srcset() -> None:
    assert parse_srcset("a.png 1x,b.png 2x") == ["a.png", "b.png"]
    assert parse_srcset(" a.png 480w, /b,c.png 800w ") == ["a.png", "/b,c.png"]
    assert parse_srcset("a.png") == ["a.png"]


def test_weight_counts_html_css_js(tmp_path: Path) -> None:
    root = write_site(
        tmp_path,
        {
            "a/index.html": HEAD.format(
                '<link rel="stylesheet" href="/s.css"><script src="../j.js"></script>'
            )
            + "<p>x</p>",
            "s.css": "p{color:red}" * 10,
            "j.js": "let a=1;",
        },
    )
    total, parts = page_weight(root, "a/index.html")
    assert [p for p, _ in parts] == ["a/index.html", "s.css", "j.js"]
    assert total == sum(s for _, s in parts) > 0


def test_browser_gates_catch_violations_and_third_party_requests(
    tmp_path: Path,
    serve: Callable[[Path, str], Any],
    new_context: Callable[..., Any],
    axe_js: Path,
) -> None:
    root = write_site(
        tmp_path,
        {
            "index.html": HEAD.format('<script src="/absent.js"></script>')
            + '<main><p style="color:#bbb;background:#fff">pâle</p><img src="/i.png">'
            + '<img alt="tiers" src="http://tiers.example/pixel.png"></main>',
            "i.png": "",
        },
    )
    server = serve(root, "/")
    context, watch = new_context()
    page = context.new_page()
    watch.current = "canary"
    page.goto(server.url("index.html"), wait_until="load")
    ids = {v["id"] for v in run_axe(page, axe_js)["violations"]}
    assert {"color-contrast", "image-alt"} <= ids, ids
    problems = "\n".join(watch.problems)
    assert "third-party request blocked: http://tiers.example/pixel.png" in problems, problems
    assert "HTTP 404" in problems and "/absent.js" in problems, problems
