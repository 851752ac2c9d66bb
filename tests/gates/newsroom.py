"""A newsroom-sized test site for the gates: 52 articles with subjects, rubriques, named authors
(with and without an ``authors.yaml`` entry), « La rédaction », a lead story, editors' « Lire
aussi » lists, every editorial block in both forms, figures in a page bundle, corrections and
updates — built from this repository's templates, stylesheet and catalogs.

The eleven articles of tests/fixtures/real/ are used as written; the others are test text
written for the gates (they report nothing: the shipped site is content/). Deterministic: the
same project every time, so a gate failure names a page that can be rebuilt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "real"
COPIED = ("site.yaml", "templates", "static", "locales", "assets", "content/pages")

SUBJECTS = ("Brest", "Marine", "Climat", "Pêche", "Énergies marines", "Transports", "Écologie", "Ports")
RUBRIQUES = ("Analyse", "Enquête", "Décryptage", "Reportage")
AUTHORS = ("Claire Martin", "Paul Durand", "Inès Le Goff", "Yann Kervella")
AUTHORS_YAML = """\
Claire Martin:
  role: journaliste, service Mer
  bio: Claire Martin suit les ports et la pêche depuis dix ans.
  links:
    - label: Mastodon
      url: https://mastodon.example/@claire
Paul Durand:
  role: chef du service Climat
  bio: Paul Durand écrit sur l’énergie et le climat.
"""

PARAGRAPHS = (
    "Le port de commerce a traité l’an dernier un volume de marchandises en légère hausse, "
    "porté par les vracs agricoles et les conteneurs frigorifiques.",
    "Les élus de la métropole veulent concilier l’activité industrielle et l’ouverture des quais "
    "aux promeneurs ; les deux projets se disputent les mêmes hectares.",
    "À marée basse, les estrans découvrent des herbiers que les scientifiques suivent depuis "
    "vingt ans : leur surface a reculé d’un tiers dans la rade.",
    "Les armateurs attendent des règles claires sur les carburants de demain. Faut-il investir "
    "dans le gaz naturel liquéfié, le méthanol ou l’hydrogène ?",
    "Sur le terrain, les pêcheurs décrivent une saison difficile : des prix bas, un gazole cher et "
    "des quotas négociés loin d’ici.",
    "La question du logement des saisonniers revient chaque printemps, sans réponse durable ; "
    "les communes du littoral cherchent des terrains.",
)


def _body(n: int) -> str:
    """The Markdown body of generated article n: # sections, and blocks chosen by n."""
    para = [PARAGRAPHS[(n + k) % len(PARAGRAPHS)] for k in range(4)]
    blocks = []
    if n % 3 == 0:
        blocks.append("::: essentiel\n- Un trafic en hausse de 4 %.\n- Des quais rouverts au public.\n:::")
    body = [*blocks, "# Le contexte", "", para[0], "", para[1], ""]
    if n % 4 == 1:
        body += [
            "::: chiffre 11 000 tonnes",
            "Débarquées à la criée en 2023.",
            "",
            "Source : la criée",
            ":::",
            "",
        ]
    if n % 4 == 2:
        body += ["::: encadre Ce que dit la loi", "Le domaine public maritime est inaliénable.", ":::", ""]
    body += ["# Les enjeux", "", para[2], "", "- un premier point ;", "- un second point.", ""]
    if n % 5 == 0:
        body += ["> « Nous ne pouvons pas attendre la prochaine tempête. »", "", "— Inès Le Goff, élue", ""]
    if n % 6 == 3:
        body += [f"::: lire-aussi article-{(n + 1) % 41:02d}", ":::", ""]
    body += ["# Et maintenant ?", "", para[3], ""]
    if n % 7 == 0:
        body += ["::: note", "Cet article a été relu par le service Mer.", ":::", ""]
    return "\n".join(body)


def _front_matter(n: int) -> str:
    """The YAML front matter of generated article n (dates from January 2024, one every 5 days)."""
    day = 1 + (n * 5) % 28
    month = 1 + (n * 5) // 28
    subjects = sorted({SUBJECTS[n % len(SUBJECTS)], SUBJECTS[(n * 3 + 1) % len(SUBJECTS)]})
    lines = [
        f'title: "Dossier n° {n} : le littoral face à ses choix"',
        f"date: 2024-{month:02d}-{day:02d}" + (" 10:00" if n % 2 else ""),
        f"kicker: {RUBRIQUES[n % len(RUBRIQUES)]}",
        "tags: [" + ", ".join(subjects) + "]",
        f"standfirst: Un point d’étape, le {n}ᵉ de la série, sur ce que le littoral doit décider.",
    ]
    if n % 5 != 4:
        lines.append(f"authors: [{AUTHORS[n % len(AUTHORS)]}]")
    if n == 40:
        lines.append("featured: true")
    if n % 9 == 2:
        lines.append(f"related: [article-{(n + 3) % 41:02d}, article-{(n + 5) % 41:02d}]")
    if n % 10 == 5:
        lines += [
            "corrections:",
            f"  - date: 2024-{month:02d}-{day:02d} 18:00",
            "    text: Une version précédente donnait un trafic en baisse ; il est en hausse.",
        ]
    if n % 10 == 7:
        lines += [
            "updates:",
            f"  - date: 2024-{month:02d}-{day:02d} 19:30",
            "    text: Ajout de la réaction du maire.",
        ]
    return "\n".join(lines)


def _bundle(articles: Path) -> None:
    """One page bundle: an article folder holding its index.md and a figure's image."""
    from PIL import Image  # the gates extra has Pillow through the package itself

    folder = articles / "rade-en-images"
    folder.mkdir()
    Image.new("RGB", (1600, 900), (40, 90, 120)).save(folder / "rade.png")
    (folder / "index.md").write_text(
        "---\ntitle: La rade en images\ndate: 2024-09-20 08:00\nkicker: Reportage\ntags: [Brest, Ports]\n"
        "authors: [Yann Kervella]\n---\n# Le goulet\n\n"
        '![Le goulet à marée haute, vu du fort.](rade.png "Le goulet au petit matin — Photo : Y. Kervella")\n\n'
        f"{PARAGRAPHS[0]}\n\n# La rade\n\n{PARAGRAPHS[2]}\n",
        encoding="utf-8",
    )


def make_newsroom(root: Path, generated: int = 41) -> Path:
    """Write the project into ``root`` (created) and return it; build it with build.py --root."""
    root.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.is_file():
            shutil.copy2(src, root / name)
    (root / "authors.yaml").write_text(AUTHORS_YAML, encoding="utf-8")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    for src in sorted(FIXTURES.glob("*.md")):
        shutil.copy2(src, articles / src.name)
    for n in range(generated):
        text = f"---\n{_front_matter(n)}\n---\n{_body(n)}"
        (articles / f"article-{n:02d}.md").write_text(text, encoding="utf-8")
    _bundle(articles)
    return root
