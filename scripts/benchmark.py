"""Benchmark the editor's loop: every build runs in a fresh process, as an editor runs it.

``python scripts/benchmark.py [--articles 1000 10000] [--repeat 3] [--scenarios ...] [--peers]
[--keep DIR] [--json FILE]``

Speed and memory targets are measured here, never by timed tests.

For each corpus size N it generates, deterministically (``random.Random(N)``, no clock), N
seed-shaped French articles (600–800 words, a standfirst, 5–6 titled sections, one attributed
quote, two lists) into a temporary project, checks them with ``build.py check``, then runs
``build.py --root P build --output O`` in a new process per measurement and records, per child:
wall time (``perf_counter`` around the process), CPU time (user + sys) and peak RSS, both from
``os.wait4`` (on Linux they include the build's worker processes; RSS is the largest single
process, not a sum). Scenarios:

  cold        no ``.cache`` and no output folder
  warm        cache kept, output folder deleted
  noop        nothing changed, rebuild
  edit-body   one word of the middle article's prose changed, rebuild
  edit-title  that article's title changed, rebuild
  (the five above with social cards on, the default, and off: ``social_cards: false`` in site.yaml)
  no-cache    cache kept but ``--no-cache``, output deleted
  jobs1       cold with ``--jobs 1``, to show the parallel speed-up
  serve       ``build.py serve``: time from saving an article to the ``event: reload`` line of
              the Server-Sent Events stream ``/__feuillet/events``; then SIGINT must stop it

Builds run with ``--verbose`` when the build accepts it, and its lines
``feuillet: timing <stage> <seconds> s`` are reported per stage. A flag the build rejects with
exit code 2 (or a ``social_cards`` key site.yaml rejects) makes its scenario "not available";
any other failed build aborts the benchmark with its stderr. ``--peers`` times the cold build
of the same corpus, as Markdown, with Hugo and Eleventy when they can be run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build.py"
SEED = REPO / "content" / "articles" / "poutine-en-coree-du-nord.yaml"
COPIED = ("templates", "locales", "static", "content/pages")
TIMING = re.compile(r"^feuillet: timing (\w+) ([0-9.]+) s$")
EXIT_USAGE = 2
ELEVENTY = "@11ty/eleventy@3.1.2"
BUILD_SCENARIOS = ("cold", "warm", "noop", "edit-body", "edit-title")
SCENARIOS = (*BUILD_SCENARIOS, "no-cache", "jobs1", "serve")
REPEATED = ("noop", "edit-body", "edit-title")

KICKERS = ("Analyse", "Décryptage", "Entretien", "Reportage")
SUBJECTS = (
    "Russie", "Ukraine", "Chine", "États-Unis", "Union européenne", "Corée du Nord", "Sanctions",
    "Énergie", "Diplomatie", "Défense", "Climat", "Commerce", "Inde", "Japon", "Brésil", "Afrique",
    "Sahel", "Moyen-Orient", "Iran", "Turquie", "OTAN", "ONU", "Élections", "Migrations", "Économie",
    "Agriculture", "Santé", "Numérique", "Espace", "Arctique", "Océans", "Nucléaire", "Droits humains",
    "Justice", "Presse", "Culture", "Éducation", "Mexique", "Canada", "Indonésie",
)
OPENINGS = (
    "comprendre", "ce que change", "les enjeux de", "retour sur", "le pari de", "les limites de",
    "les coulisses de", "l’avenir de", "les paradoxes de", "le retour de", "la fin de", "les ressorts de",
)
TOPICS = (
    "la coopération régionale", "la transition énergétique", "la diplomatie économique",
    "l’alliance de circonstance", "la politique de sanctions", "la sécurité alimentaire",
    "la rivalité commerciale", "l’aide au développement", "la stratégie maritime",
    "la dissuasion nucléaire", "la réforme institutionnelle", "la médiation internationale",
    "la politique migratoire", "la souveraineté numérique", "la relance industrielle",
    "la question climatique",
)
SECTION_TITLES = (
    "Un contexte changeant", "Des intérêts divergents", "Les limites d’un modèle",
    "Ce que disent les chiffres", "Une question de calendrier", "Les acteurs en présence",
    "Des lectures contrastées", "Quelles perspectives ?", "Un enjeu régional", "Le poids de l’histoire",
    "Des marges de manœuvre étroites", "Une équation budgétaire", "Le rôle des institutions",
    "Les scénarios possibles", "Une dimension symbolique", "Et maintenant ?",
)
SENTENCES = (
    "Les chiffres disponibles invitent à la prudence et méritent d’être replacés dans un temps long.",
    "Plusieurs lectures de la situation coexistent, et aucune ne s’impose encore.",
    "Le calendrier reste incertain, comme souvent dans ce type de négociation.",
    "Il faut distinguer les annonces des décisions effectivement appliquées.",
    "Les acteurs concernés n’ont pas tous les mêmes priorités ni les mêmes contraintes.",
    "Sur le terrain, les effets concrets se mesureront sur plusieurs années.",
    "Ce dossier s’inscrit dans une histoire longue, faite d’avancées et de reculs.",
    "La question budgétaire pèse sur chacune des options envisagées.",
    "Les observateurs attendent des précisions sur la mise en œuvre.",
    "Le débat public s’est déplacé vers des questions plus techniques.",
    "Une partie des mesures annoncées relève surtout du symbole.",
    "Les partenaires régionaux suivent l’évolution du dossier avec attention.",
    "Rien ne permet, à ce stade, d’anticiper l’issue des discussions.",
    "La comparaison avec les précédents historiques a ses limites.",
    "Les marges de manœuvre apparaissent plus étroites qu’il n’y paraît.",
    "Cette évolution pose aussi des questions de méthode et de transparence.",
    "Les opinions publiques restent partagées sur la conduite à tenir.",
    "Le contexte économique complique l’équation pour l’ensemble des parties.",
    "Chaque camp cherche d’abord à préserver ses intérêts immédiats.",
    "Les prochains mois diront si cette orientation se confirme.",
    "Au-delà des déclarations, les moyens engagés restent modestes.",
    "L’équilibre trouvé demeure fragile et réversible.",
    "Entre 2015 et 2020, le sujet a occupé une place croissante dans les débats.",
    "Un rapport de 250 pages détaille les options possibles, sans trancher.",
    "Faut-il y voir un tournant ? Rien n’est moins sûr.",
    "La formule est connue : annoncer beaucoup, appliquer peu.",
    "Le XXIe siècle a déjà connu plusieurs crises de ce type.",
    "Les 12 000 kilomètres de frontières compliquent toute surveillance.",
)
QUOTES = (
    "Il faut se garder des conclusions hâtives.",
    "Les annonces ne suffisent pas : il faut des moyens.",
    "Nous entrons dans une période d’incertitude durable.",
    "Tout dépendra de la mise en œuvre, et elle sera lente.",
    "Le sujet est plus technique qu’il n’y paraît.",
)
AUTHORS = ("Claire Dubois", "Marc Lefèvre", "Anne Moreau", "Julien Garnier", "Sophie Bernard",
           "Karim Haddad", "Lucie Fontaine", "Thomas Renaud")
ROLES = ("politiste", "économiste", "spécialiste de la région", "membre d’un centre de recherche",
         "spécialiste des questions de défense")
EDIT_WORDS = ("Désormais", "Pourtant", "Ainsi", "Certes")


# --------------------------------------------------------------------------- corpus


@dataclass
class Article:
    """One generated article, written as YAML for feuillet and as Markdown for the peers."""

    slug: str
    title: str
    date: datetime
    kicker: str
    tags: list[str]
    standfirst: str
    sections: list[tuple[str, list[Any]]]  # (title, blocks); a block is str | dict

    def words(self) -> int:
        texts = [self.standfirst] + [title for title, _ in self.sections]
        for _, blocks in self.sections:
            for block in blocks:
                if isinstance(block, str):
                    texts.append(block)
                elif "items" in block:
                    texts += block["items"]
                else:
                    texts.append(block["text"])
        return sum(len(text.split()) for text in texts)


def _seed_texts() -> tuple[list[str], list[str], list[str]]:
    """Sentences, list items and section titles of the seed article."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    prose = [seed["standfirst"]]
    items: list[str] = []
    titles = []
    for section in seed["sections"]:
        titles.append(section["title"])
        for block in section["blocks"]:
            if isinstance(block, str):
                prose.append(block)
            elif "items" in block:
                items += [" ".join(item.split()) for item in block["items"]]
    sentences = []
    for text in prose:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«])", " ".join(text.split())):
            if sentence.endswith((".", "!", "?")) and 5 <= len(sentence.split()) <= 40:
                sentences.append(sentence)
    return sentences, items, titles


def _slug(text: str) -> str:
    """A URL segment for the file name (ASCII, single hyphens); the build's own slugs are not needed."""
    text = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("’", " "))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")


def generate_corpus(count: int) -> list[Article]:
    """``count`` articles, identical for identical ``count`` (seeded, no clock)."""
    rng = random.Random(count)
    seed_sentences, seed_items, seed_titles = _seed_texts()
    sentences = seed_sentences + list(SENTENCES)
    items_pool = seed_items + list(SENTENCES)
    section_titles = seed_titles + list(SECTION_TITLES)
    start = datetime(2019, 1, 1, 6, 0)
    slots_per_day = 16 * 12  # 06:00 to 21:55, every five minutes: no DST gap, all distinct
    slots = rng.sample(range(6 * 365 * slots_per_day), count)
    used_titles: set[str] = set()
    used_slugs: set[str] = set()
    articles = []
    for number in range(count):
        subject = rng.choice(SUBJECTS)
        title = f"{subject} : {rng.choice(OPENINGS)} {rng.choice(TOPICS)}"
        base, suffix = title, 2
        while title in used_titles:
            title, suffix = f"{base} ({suffix})", suffix + 1
        used_titles.add(title)
        slug = _slug(title)
        base_slug, suffix = slug, 2
        while slug in used_slugs:
            slug, suffix = f"{base_slug}-{suffix}", suffix + 1
        used_slugs.add(slug)
        day, slot = divmod(slots[number], slots_per_day)
        when = start + timedelta(days=day, minutes=5 * slot)
        others = [tag for tag in SUBJECTS if tag != subject]
        tags = [subject, *rng.sample(others, rng.randint(0, 2))]
        section_count = rng.randint(5, 6)
        deck: list[str] = []

        def draw(deck: list[str] = deck) -> str:
            """The next sentence of a shuffled deck: no repeat until all were used."""
            if not deck:
                deck += rng.sample(sentences, len(sentences))
            return deck.pop()

        paragraphs: list[list[list[str]]] = [[[draw(), draw()]] for _ in range(section_count)]
        special = rng.sample(range(section_count), 3)  # one quote and two lists, in three sections
        quote = {"text": rng.choice(QUOTES), "author": rng.choice(AUTHORS), "role": rng.choice(ROLES)}
        lists = [{"items": rng.sample(items_pool, rng.randint(2, 3))} for _ in range(2)]
        titles = rng.sample(section_titles, section_count)
        article = Article(slug, title, when, rng.choice(KICKERS), tags, f"{draw()} {draw()}",
                          _sections(paragraphs, titles, special, quote, lists))
        target = rng.randint(600, 760)  # stop at the first sentence past it: at most 800
        while article.words() < target:
            section = rng.choice(paragraphs)
            if len(section[-1]) >= 4:
                section.append([])
            section[-1].append(draw())
            article.sections = _sections(paragraphs, titles, special, quote, lists)
        articles.append(article)
    return articles


def _sections(paragraphs: list[list[list[str]]], titles: list[str], special: list[int],
              quote: dict[str, str], lists: list[dict[str, list[str]]]) -> list[tuple[str, list[Any]]]:
    """Sections from their paragraphs' sentences; ``special`` places the quote, then the two lists."""
    sections = []
    for index, section in enumerate(paragraphs):
        blocks: list[Any] = ["\n\n".join(" ".join(paragraph) for paragraph in section)]
        if index == special[0]:
            blocks.append(quote)
        elif index in special[1:]:
            blocks.append(lists[special.index(index) - 1])
        sections.append((titles[index], blocks))
    return sections


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _wrapped(text: str, indent: int) -> str:
    lines = []
    for paragraph in text.split("\n\n"):
        lines += [*textwrap.wrap(paragraph, width=96 - indent), ""]
    return "\n".join(" " * indent + line if line else "" for line in lines[:-1])


def article_yaml(article: Article) -> str:
    """Form 1, laid out like the seed article."""
    out = [
        "# yaml-language-server: $schema=../../schemas/article.schema.json",
        f"title: {_quoted(article.title)}",
        f"date: {article.date:%Y-%m-%d %H:%M}",
        f"kicker: {article.kicker}",
        f"tags: [{', '.join(_quoted(tag) for tag in article.tags)}]",
        "standfirst: >-",
        _wrapped(article.standfirst, 2),
        "sections:",
    ]
    for title, blocks in article.sections:
        out += [f"  - title: {_quoted(title)}", "    blocks:"]
        for block in blocks:
            if isinstance(block, str):
                out += ["      - |", _wrapped(block, 8)]
            elif "items" in block:
                out += ["      - items:"] + [f"          - {_quoted(item)}" for item in block["items"]]
            else:
                out += [f"      - text: {_quoted(block['text'])}",
                        f"        author: {_quoted(block['author'])}",
                        f"        role: {_quoted(block['role'])}"]
    return "\n".join(out) + "\n"


def article_markdown(article: Article, front: dict[str, str]) -> str:
    """Form 2 (Markdown with front matter) for the peers; ``front`` adds keys to the front matter."""
    lines = ["---", f"title: {_quoted(article.title)}", f"date: {article.date:%Y-%m-%dT%H:%M:%S}",
             f"kicker: {article.kicker}", f"subjects: [{', '.join(_quoted(tag) for tag in article.tags)}]",
             f"standfirst: {_quoted(article.standfirst)}"]
    lines += [f"{key}: {_quoted(value)}" for key, value in front.items()] + ["---", ""]
    for title, blocks in article.sections:
        lines += [f"## {title}", ""]
        for block in blocks:
            if isinstance(block, str):
                lines += [block, ""]
            elif "items" in block:
                lines += [f"- {item}" for item in block["items"]] + [""]
            else:
                lines += [f"> {block['text']}", ">", f"> — {block['author']}, {block['role']}", ""]
    return "\n".join(lines)


def make_project(root: Path, articles: Sequence[Article]) -> Path:
    """A feuillet project holding the corpus; returns the middle article's file (the one edited)."""
    for copied in COPIED:
        shutil.copytree(REPO / copied, root / copied)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    folder = root / "content" / "articles"
    folder.mkdir(parents=True)
    for article in articles:
        (folder / f"{article.slug}.yaml").write_text(article_yaml(article), encoding="utf-8")
    edited: Path = sorted(folder.glob("*.yaml"))[len(articles) // 2]
    return edited


def edit_body(path: Path, number: int) -> str:
    """The article's text with the first word of its first paragraph replaced (never by itself)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.rstrip() == "      - |") + 1
    first, _, rest = lines[index][8:].partition(" ")
    words = [word for word in EDIT_WORDS if word != first]
    lines[index] = " " * 8 + words[number % len(words)] + " " + rest
    return "".join(lines)


def edit_title(path: Path, number: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    title = re.sub(r" \(révision \d+\)$", "", json.loads(lines[index][len("title: "):]))
    lines[index] = f"title: {_quoted(f'{title} (révision {number + 1})')}\n"
    return "".join(lines)


def set_social_cards(root: Path, on: bool) -> None:
    """Cards on is the repository's site.yaml untouched (the default); off adds ``social_cards: false``."""
    text = (REPO / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(text if on else text.rstrip("\n") + "\nsocial_cards: false\n",
                                    encoding="utf-8")


# --------------------------------------------------------------------------- processes


@dataclass
class Run:
    """One measured child process."""

    wall: float
    cpu: float
    rss_mib: float
    code: int
    stages: dict[str, float] = field(default_factory=dict)
    output: str = field(default="", repr=False)


def _rss_mib(usage: Any) -> float:
    return float(usage.ru_maxrss) / (1024 * 1024 if sys.platform == "darwin" else 1024)


def child_environment() -> dict[str, str]:
    """The children's environment: this one, but with Python's bytecode cache on, as on an
    editor's machine (some CI images set PYTHONDONTWRITEBYTECODE, which makes every fresh process
    compile feuillet again and measures the compiler, not the build)."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_child(args: Sequence[str], cwd: Path | None = None) -> Run:
    """Run ``args`` to completion; CPU and peak RSS are the child's own, from ``os.wait4``."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(list(args), stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=cwd, env=child_environment())
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    stages: dict[str, float] = {}
    for line in text.splitlines():
        match = TIMING.match(line.strip())
        if match:
            stages[match[1]] = stages.get(match[1], 0.0) + float(match[2])
    return Run(wall, usage.ru_utime + usage.ru_stime, _rss_mib(usage), process.returncode, stages, text)


class NotAvailable(Exception):
    """The build rejected a flag or a setting this scenario needs."""


class Builder:
    """Runs ``build.py build`` for one project, with ``--verbose`` while the build accepts it."""

    def __init__(self, project: Path, output: Path) -> None:
        self.project, self.output = project, output
        self.verbose: bool | None = None  # unknown until the first build

    def build(self, *extra: str) -> Run:
        run = self._run([*extra, "--verbose"] if self.verbose is not False else list(extra))
        if run.code == EXIT_USAGE and self.verbose is None:
            run = self._run(list(extra))  # a rejected flag exits before any work: retrying is safe
            if run.code != EXIT_USAGE:
                self.verbose = False
        elif run.code == 0 and self.verbose is None:
            self.verbose = True
        if run.code == EXIT_USAGE:
            raise NotAvailable(f"rejected {' '.join(extra)}: {_last_line(run.output)}")
        if run.code == 1 and "social_cards" in run.output:
            raise NotAvailable(f"site.yaml: {_last_line(run.output, 'social_cards')}")
        if run.code != 0:
            sys.exit(f"benchmark: build failed (exit {run.code}): {' '.join(extra)}\n{run.output}")
        return run

    def _run(self, flags: list[str]) -> Run:
        return run_child([sys.executable, str(BUILD), "--root", str(self.project), "--lang", "en", "build",
                          "--output", str(self.output), *flags])

    def clear_output(self) -> None:
        shutil.rmtree(self.output, ignore_errors=True)

    def clear_cache(self) -> None:
        shutil.rmtree(self.project / ".cache", ignore_errors=True)


def _last_line(text: str, containing: str = "") -> str:
    lines = [line for line in text.strip().splitlines() if containing in line]
    return lines[-1] if lines else text.strip()[-200:]


# --------------------------------------------------------------------------- scenarios


@dataclass
class Result:
    scenario: str
    cards: str  # "on", "off" or "-"
    status: str = "ok"  # "ok" or "not available"
    note: str = ""
    runs: list[Run] = field(default_factory=list)


def build_scenarios(builder: Builder, article: Path, chosen: Sequence[str], cards: Sequence[bool],
                    repeat: int, cold_repeat: int) -> tuple[list[Result], dict[str, dict[str, int]]]:
    """The five build scenarios per cards setting, then no-cache and jobs1; plus output sizes."""
    results: list[Result] = []
    outputs: dict[str, dict[str, int]] = {}
    edits = 0
    for on in cards:
        label = "on" if on else "off"
        set_social_cards(builder.project, on)
        builder.clear_cache()  # a toggle always comes before a cold build (or the priming build)
        builder.clear_output()
        group = [Result(name, label) for name in BUILD_SCENARIOS if name in chosen]
        try:
            if "cold" not in chosen:
                builder.build()  # prime cache and output, unmeasured
            for result in group:
                print(f"  {result.scenario:<10} cards {label} ", end="", flush=True)
                times = cold_repeat if result.scenario in ("cold", "warm") else repeat
                for _ in range(times):
                    if result.scenario == "cold":
                        builder.clear_cache()
                        builder.clear_output()
                    elif result.scenario == "warm":
                        builder.clear_output()
                    elif result.scenario == "edit-body":
                        article.write_text(edit_body(article, edits), encoding="utf-8")
                        edits += 1
                    elif result.scenario == "edit-title":
                        article.write_text(edit_title(article, edits), encoding="utf-8")
                        edits += 1
                    result.runs.append(builder.build())
                    print(f"{result.runs[-1].wall:.2f}s ", end="", flush=True)
                    if result.scenario == "cold" and label not in outputs:
                        outputs[label] = output_facts(builder.output)
                print()
            if label not in outputs and builder.output.is_dir():  # no cold run: after the last one
                outputs[label] = output_facts(builder.output)
        except NotAvailable as error:
            print(f"\n  cards {label}: not available ({error})")
            for result in group:
                if not result.runs:
                    result.status, result.note = "not available", str(error)
        results += group
    set_social_cards(builder.project, True)
    for name, flags, cold in (("no-cache", ("--no-cache",), False), ("jobs1", ("--jobs", "1"), True)):
        if name not in chosen:
            continue
        result = Result(name, "on")
        print(f"  {name:<10} cards on ", end="", flush=True)
        try:
            if not (builder.project / ".cache").exists():
                builder.build()
            for _ in range(cold_repeat):
                if cold:
                    builder.clear_cache()
                builder.clear_output()
                result.runs.append(builder.build(*flags))
                print(f"{result.runs[-1].wall:.2f}s ", end="", flush=True)
            print()
        except NotAvailable as error:
            print(f"not available ({error})")
            result.status, result.note = "not available", str(error)
        results.append(result)
    return results, outputs


def output_facts(folder: Path) -> dict[str, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    size = {name: (folder / name).stat().st_size if (folder / name).is_file() else -1
            for name in ("index.html", "feed.xml")}
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files),
            "index_html": size["index.html"], "feed_xml": size["feed.xml"]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _reap(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any] | None:
    """Exit code and rusage of ``process`` once it ends within ``timeout`` seconds, else None."""
    deadline = time.perf_counter() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage
        if time.perf_counter() >= deadline:
            return None
        time.sleep(0.02)


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/")
        connection.getresponse().read()
        connection.close()
        return True
    except OSError:
        return False


@contextmanager
def _server(project: Path, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(BUILD), "--root", str(project), "--lang", "en", "serve", "--port", str(port),
             "--host", "127.0.0.1"], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, env=child_environment())
        try:
            yield process
        finally:
            if process.returncode is None:
                process.kill()
                _reap(process, 5)


def serve_scenario(project: Path, article: Path, edits: int, timeout: float) -> dict[str, Any]:
    """Save-to-reload latency of the dev server, then a clean stop on SIGINT."""
    port = _free_port()
    log = project.parent / "serve.log"
    facts: dict[str, Any] = {"status": "ok", "reloads": []}
    with _server(project, port, log) as process:
        started = time.perf_counter()
        while not _answers(port):
            ended = _reap(process, 0.1)
            if ended is not None:
                text = log.read_bytes().decode("utf-8", "replace")
                status = "not available" if ended[0] == EXIT_USAGE else f"failed (exit {ended[0]})"
                return {"status": status, "note": _last_line(text)}
            if time.perf_counter() - started > timeout:
                return {"status": f"failed (no answer to GET / within {timeout:.0f} s)", "note": ""}
        facts["startup"] = time.perf_counter() - started
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", "/__feuillet/events", headers={"Accept": "text/event-stream"})
        response = connection.getresponse()
        if response.status != 200:
            return {"status": f"failed (events endpoint answered {response.status})", "note": ""}
        lines: queue.Queue[tuple[float, str] | None] = queue.Queue()

        def read() -> None:
            try:
                while line := response.readline():
                    lines.put((time.perf_counter(), line.decode("utf-8", "replace").rstrip("\r\n")))
            except (OSError, ValueError):
                pass
            lines.put(None)

        threading.Thread(target=read, daemon=True).start()
        time.sleep(0.5)  # let the stream settle, then forget whatever it said on connecting
        _drain(lines)
        for number in range(edits):
            text = edit_body(article, 100 + number)
            saved = time.perf_counter()
            article.write_text(text, encoding="utf-8")
            received = _wait_for(lines, "event: reload", saved + timeout)
            if received is None:
                facts["status"] = f"failed (no reload event within {timeout:.0f} s)"
                break
            facts["reloads"].append(received - saved)
            print(f"{received - saved:.2f}s ", end="", flush=True)
            time.sleep(0.5)
            _drain(lines)
        interrupted = time.perf_counter()
        process.send_signal(signal.SIGINT)
        ended = _reap(process, 5)
        connection.close()
        if ended is None:
            facts["status"] = "failed (did not exit within 5 s of SIGINT)"
        else:
            facts["exit_seconds"], facts["exit_code"] = time.perf_counter() - interrupted, ended[0]
            facts["cpu"], facts["rss_mib"] = ended[1].ru_utime + ended[1].ru_stime, _rss_mib(ended[1])
    return facts


def _drain(lines: queue.Queue[tuple[float, str] | None]) -> None:
    while True:
        try:
            lines.get_nowait()
        except queue.Empty:
            return


def _wait_for(lines: queue.Queue[tuple[float, str] | None], wanted: str, deadline: float) -> float | None:
    while (left := deadline - time.perf_counter()) > 0:
        try:
            item = lines.get(timeout=left)
        except queue.Empty:
            return None
        if item is None:
            return None
        if item[1].strip() == wanted:
            return item[0]
    return None


# --------------------------------------------------------------------------- peers


ELEVENTY_CONFIG = """module.exports = function (config) {
  config.addCollection("articles", (api) =>
    api.getFilteredByGlob("./src/articles/*.md").sort((a, b) => b.date - a.date));
  return { dir: { input: "src", output: "_site" }, markdownTemplateEngine: false };
};
"""
ELEVENTY_ARTICLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><article><p>{{ kicker }}</p><h1>{{ title }}</h1><p>{{ standfirst }}</p>
{{ content | safe }}</article></main></body></html>
"""
ELEVENTY_INDEX = """---
permalink: /index.html
---
<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Accueil</title></head>
<body><main><h1>Accueil</h1>
{% for item in collections.articles %}<article><p>{{ item.data.kicker }}</p>
<h2><a href="{{ item.url }}">{{ item.data.title }}</a></h2><p>{{ item.data.standfirst }}</p></article>
{% endfor %}</main></body></html>
"""
HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "fr"
title = "Benchmark"
disableKinds = ["taxonomy", "term"]
"""
HUGO_SINGLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><article><p>{{ .Params.kicker }}</p><h1>{{ .Title }}</h1><p>{{ .Params.standfirst }}</p>
{{ .Content }}</article></main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ range .Site.RegularPages.ByDate.Reverse }}<article><p>{{ .Params.kicker }}</p>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Params.standfirst }}</p></article>
{{ end }}</main></body></html>
"""


def _eleventy_binary(work: Path) -> Path | None:
    """The Eleventy command installed by npx (run directly, so npx's start-up is not timed)."""
    if shutil.which("npx") is None or shutil.which("node") is None:
        return None
    probe = work / "eleventy-probe"
    probe.mkdir(exist_ok=True)
    try:
        found = subprocess.run(["npx", "--yes", f"--package={ELEVENTY}", "-c", "command -v eleventy"],
                               cwd=probe, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    path = Path(found.stdout.strip()) if found.returncode == 0 and found.stdout.strip() else None
    return path if path is not None and path.exists() else None


def _write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def peer_builds(work: Path, articles: Sequence[Article], cold_repeat: int) -> list[dict[str, Any]]:
    """Cold builds of the same corpus, as Markdown, with Hugo and Eleventy when they can run."""
    results: list[dict[str, Any]] = []
    peers: list[tuple[str, Callable[[], list[str] | None], Callable[[Path], None], str]] = [
        ("hugo", lambda: [hugo, "--quiet", "--destination", "public"] if (hugo := shutil.which("hugo"))
         else None, _hugo_project, "public"),
        ("eleventy", lambda: [str(binary), "--quiet"] if (binary := _eleventy_binary(work)) else None,
         _eleventy_project, "_site"),
    ]
    for name, command_of, layout, output in peers:
        command = command_of()
        if command is None:
            print(f"  {name}: not available (not on PATH / cannot be run); skipped")
            results.append({"peer": name, "status": "not available"})
            continue
        root = work / f"peer-{name}"
        shutil.rmtree(root, ignore_errors=True)
        layout(root)
        folder = root / ("content" if name == "hugo" else "src") / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        front = {} if name == "hugo" else {"layout": "article.njk"}
        for article in articles:
            extra = {**front, "permalink": f"/{article.slug}/"} if name == "eleventy" else {}
            (folder / f"{article.slug}.md").write_text(article_markdown(article, extra), encoding="utf-8")
        runs = []
        print(f"  {name:<10} cold ", end="", flush=True)
        for _ in range(cold_repeat):
            for stale in (output, "resources", ".cache"):
                shutil.rmtree(root / stale, ignore_errors=True)
            run = run_child(command, cwd=root)
            if run.code != 0:
                print(f"failed (exit {run.code}): {_last_line(run.output)}")
                break
            runs.append(run)
            print(f"{run.wall:.2f}s ", end="", flush=True)
        print()
        results.append({"peer": name, "status": "ok" if runs else "failed", "command": command,
                        "runs": [asdict(run) | {"output": ""} for run in runs],
                        "outputs": output_facts(root / output) if runs else {}})
    return results


def _hugo_project(root: Path) -> None:
    _write_files(root, {"hugo.toml": HUGO_CONFIG, "layouts/_default/single.html": HUGO_SINGLE,
                        "layouts/_default/list.html": HUGO_LIST, "layouts/index.html": HUGO_LIST})


def _eleventy_project(root: Path) -> None:
    _write_files(root, {"eleventy.config.cjs": ELEVENTY_CONFIG, "src/_includes/article.njk": ELEVENTY_ARTICLE,
                        "src/index.njk": ELEVENTY_INDEX})


# --------------------------------------------------------------------------- report


def machine_facts() -> dict[str, Any]:
    try:
        sys.path.insert(0, str(REPO))
        import feuillet

        version = str(feuillet.__version__)
    except Exception as error:  # the package is being refactored: report rather than fail
        version = f"unknown ({type(error).__name__})"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "feuillet": version,
        "commit": commit + (" (working tree modified)" if dirty else ""),
        "machine": f"{platform.system()} {platform.machine()}",
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "bytecode_cache": "on (PYTHONDONTWRITEBYTECODE removed for the builds)"
        if "PYTHONDONTWRITEBYTECODE" in os.environ else "on",
    }


def _spread(values: Sequence[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):7.2f} ({min(values):.2f}–{max(values):.2f})"


def summary(runs: Sequence[Run]) -> dict[str, Any]:
    stages = sorted({stage for run in runs for stage in run.stages})
    return {
        "runs": len(runs),
        "wall": {"median": statistics.median(r.wall for r in runs), "min": min(r.wall for r in runs),
                 "max": max(r.wall for r in runs)},
        "cpu_median": statistics.median(r.cpu for r in runs),
        "rss_mib_max": max(r.rss_mib for r in runs),
        "stages_median": {s: statistics.median(r.stages[s] for r in runs if s in r.stages) for s in stages},
    }


def print_table(count: int, results: Sequence[Result], outputs: dict[str, dict[str, int]]) -> None:
    print(f"\n{count} articles")
    print(f"{'scenario':<11}{'cards':<6}{'runs':>4}  {'wall s median (min–max)':<26}{'CPU s':>7}"
          f"{'RSS MiB':>9}  stages (median s)")
    previous = ""
    for result in results:
        head = f"{result.scenario:<11}{result.cards:<6}"
        if result.status != "ok" or not result.runs:
            note = "(as above)" if result.note == previous else result.note
            previous = result.note
            print(f"{head}{'':>4}  {result.status}: {note}")
            continue
        facts = summary(result.runs)
        stages = " · ".join(f"{s} {v:.2f}" for s, v in facts["stages_median"].items()) or "-"
        print(f"{head}{facts['runs']:>4}  {_spread([r.wall for r in result.runs]):<26}"
              f"{facts['cpu_median']:>7.2f}{facts['rss_mib_max']:>9.1f}  {stages}")
    for label, facts in outputs.items():
        print(f"output (cards {label}): {facts['files']} files, {facts['bytes'] / 2**20:.1f} MiB; "
              f"index.html {facts['index_html']} B, feed.xml {facts['feed_xml']} B")


def print_serve(facts: dict[str, Any]) -> None:
    if facts["status"] != "ok" and not facts.get("reloads"):
        print(f"serve: {facts['status']}" + (f" ({facts['note']})" if facts.get("note") else ""))
        return
    reloads = facts["reloads"]
    print(f"serve: first answer to GET / after {facts['startup']:.2f} s; save → reload event "
          f"{_spread(reloads).strip()} s over {len(reloads)} edits; "
          + (f"SIGINT → exit {facts['exit_code']} in {facts['exit_seconds']:.2f} s, "
             f"CPU {facts['cpu']:.2f} s, peak RSS {facts['rss_mib']:.1f} MiB"
             if "exit_code" in facts else facts["status"]))


def print_peers(peers: Sequence[dict[str, Any]]) -> None:
    for peer in peers:
        if peer["status"] != "ok":
            print(f"peer {peer['peer']}: {peer['status']}")
            continue
        runs = [Run(**{k: v for k, v in run.items() if k != "output"}) for run in peer["runs"]]
        facts, out = summary(runs), peer["outputs"]
        print(f"peer {peer['peer']:<9} cold {_spread([r.wall for r in runs]).strip()} s, CPU "
              f"{facts['cpu_median']:.2f} s, RSS {facts['rss_mib_max']:.1f} MiB; {out['files']} files, "
              f"index.html {out['index_html']} B")


# --------------------------------------------------------------------------- main


def benchmark(count: int, work: Path, options: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {count} articles in {work}")
    started = time.perf_counter()
    articles = generate_corpus(count)
    project = work / "site"
    article = make_project(project, articles)
    words = [a.words() for a in articles]
    corpus: dict[str, Any] = {"articles": count, "generate_seconds": time.perf_counter() - started,
              "yaml_bytes": sum(p.stat().st_size for p in (project / "content/articles").iterdir()),
              "words_min": min(words), "words_max": max(words), "edited": article.name}
    print(f"corpus: {corpus['yaml_bytes'] / 2**20:.1f} MiB of YAML, {min(words)}–{max(words)} words "
          f"per article, generated in {corpus['generate_seconds']:.1f} s; edited article {article.name}")
    if not options.skip_check:
        check = run_child([sys.executable, str(BUILD), "--root", str(project), "check"])
        if check.code != 0:
            sys.exit(f"benchmark: the generated corpus does not pass check:\n{check.output}")
        corpus["check_seconds"] = check.wall
        print(f"check: passed in {check.wall:.1f} s (not a scenario)")
    cards = {"on": [True], "off": [False], "both": [True, False]}[options.cards]
    builder = Builder(project, work / "out")
    results, outputs = build_scenarios(builder, article, options.scenarios, cards, options.repeat,
                                       options.cold_repeat)
    serve: dict[str, Any] = {}
    if "serve" in options.scenarios:
        print("  serve      ", end="", flush=True)
        timeout = options.serve_timeout or 60 + count / 20
        serve = serve_scenario(project, article, options.serve_edits, timeout)
        print()
    peers = peer_builds(work, articles, options.cold_repeat) if options.peers else []
    print_table(count, results, outputs)
    if serve:
        print_serve(serve)
    print_peers(peers)
    if builder.verbose is False:
        print("stage times: not available (build rejected --verbose)")
    return {"corpus": corpus, "outputs": outputs, "serve": serve, "peers": peers,
            "results": [{"scenario": r.scenario, "cards": r.cards, "status": r.status, "note": r.note,
                         "summary": summary(r.runs) if r.runs else None,
                         "runs": [asdict(run) | {"output": ""} for run in r.runs]} for r in results]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1000], help="corpus sizes (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of noop and edit scenarios (default 3)")
    parser.add_argument("--cold-repeat", type=int, default=1,
                        help="runs of cold, warm, no-cache, jobs1 and peers (default 1: they are slow)")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS), metavar="NAME",
                        help=f"some of: {' '.join(SCENARIOS)} (default all)")
    parser.add_argument("--cards", choices=("on", "off", "both"), default="both",
                        help="social cards setting of the build scenarios (default both)")
    parser.add_argument("--serve-edits", type=int, default=3, help="edits saved while serving (default 3)")
    parser.add_argument("--serve-timeout", type=float, default=0.0,
                        help="seconds to wait for the server and each reload (default 60 + N/20)")
    parser.add_argument("--peers", action="store_true", help="also time Hugo and Eleventy cold builds")
    parser.add_argument("--skip-check", action="store_true", help="do not run build.py check on the corpus")
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="write every figure into FILE")
    options = parser.parse_args(argv)
    facts = machine_facts()
    print(" · ".join(f"{key} {value}" for key, value in facts.items()))
    print(f"repeats: noop/edit × {options.repeat}; cold, warm, no-cache, jobs1, peers × {options.cold_repeat}"
          " (slow; raise with --cold-repeat); wall = median (min–max), CPU = median user+sys of the child,"
          " RSS = peak of the child or its largest worker")
    report: dict[str, Any] = {"facts": facts, "options": {k: str(v) for k, v in vars(options).items()},
                              "corpora": []}
    for count in options.articles:
        if options.keep:
            work = options.keep.resolve() / f"articles-{count}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            report["corpora"].append(benchmark(count, work, options))
        else:
            with tempfile.TemporaryDirectory(prefix=f"feuillet-bench-{count}-") as folder:
                report["corpora"].append(benchmark(count, Path(folder), options))
        if options.json:  # after each size, so a long run leaves its figures so far
            options.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
