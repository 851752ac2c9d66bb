"""The optional authors.yaml: profiles on author pages and in structured data, its errors, its builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from feuillet.errors import BuildFailed
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import SITE_YAML, make_site, soup
from tests.test_incremental import clean_build, files
from tests.test_publish import graph
from tests.test_stamp import HOUR_AGO, age, skipped
from tests.test_taxonomy import article

PROFILES = """\
Claire Martin:
  role: journaliste, service Mer
  bio: Claire suit *les ports* depuis l'été 2014.
  links:
    - label: Mastodon
      url: https://mastodon.example/@claire
    - label: Site
      url: http://claire.example/
Agence Ouest:
  organisation: true
"""


def project(tmp_path: Path, authors: str | None = PROFILES, names: str = "[Claire Martin, Agence Ouest]") -> Path:
    sources = {"site.yaml": SITE_YAML + "social_cards: false\n",
               "content/articles/a.yaml": article("Titre A", 1, authors=f"authors: {names}\n")}
    if authors is not None:
        sources["authors.yaml"] = authors
    return make_site(tmp_path / "site", sources)


def built(tmp_path: Path, authors: str | None = PROFILES, names: str = "[Claire Martin, Agence Ouest]") -> Path:
    out = tmp_path / "out"
    build(Project(project(tmp_path, authors, names)), out, BuildOptions(jobs=1))
    return out


def errors(tmp_path: Path, authors: str) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        build(Project(project(tmp_path, authors)), tmp_path / "out", BuildOptions(jobs=1))
    return [str(error) for error in failed.value.errors]


# --- The author page ---------------------------------------------------------------------


def test_the_author_page_shows_the_role_the_bio_and_the_links(tmp_path: Path) -> None:
    page = soup(built(tmp_path) / "auteurs/claire-martin/index.html")
    profile = page.select_one("main .author-profile")
    assert profile is not None
    assert profile.select_one(".author-role").get_text() == "journaliste, service Mer"
    bio = profile.select_one(".author-bio")
    assert bio.get_text() == "Claire suit les ports depuis l’été 2014."
    assert bio.select_one("em").get_text() == "les ports"
    links = profile.select("ul.author-links li a")
    assert [(a.get_text(), a["href"], a["rel"]) for a in links] == [
        ("Mastodon", "https://mastodon.example/@claire", ["me"]), ("Site", "http://claire.example/", ["me"])]
    assert profile.select_one("ul.author-links")["aria-label"] == "Liens"


def test_an_author_without_an_entry_has_a_page_without_a_profile(tmp_path: Path) -> None:
    page = soup(built(tmp_path, None, "[Paul Durand]") / "auteurs/paul-durand/index.html")
    assert page.select("main .author-profile") == []
    person = graph(page, "ProfilePage")["mainEntity"]
    assert person == {"@type": "Person", "name": "Paul Durand", "url": "https://exemple.fr/auteurs/paul-durand/"}


def test_the_author_page_is_a_profile_page_about_the_person(tmp_path: Path) -> None:
    page = soup(built(tmp_path) / "auteurs/claire-martin/index.html")
    node = graph(page, "ProfilePage")
    assert node["url"] == "https://exemple.fr/auteurs/claire-martin/"
    assert node["mainEntity"] == {
        "@type": "Person", "name": "Claire Martin", "url": "https://exemple.fr/auteurs/claire-martin/",
        "jobTitle": "journaliste, service Mer", "description": "Claire suit les ports depuis l’été 2014.",
        "sameAs": ["https://mastodon.example/@claire", "http://claire.example/"]}


def test_the_article_names_its_author_with_the_profile(tmp_path: Path) -> None:
    news = graph(soup(built(tmp_path) / "a/index.html"), "NewsArticle")
    assert news["author"][0] == {
        "@type": "Person", "name": "Claire Martin", "url": "https://exemple.fr/auteurs/claire-martin/",
        "jobTitle": "journaliste, service Mer", "description": "Claire suit les ports depuis l’été 2014.",
        "sameAs": ["https://mastodon.example/@claire", "http://claire.example/"]}


def test_an_organisation_signs_without_a_page(tmp_path: Path) -> None:
    out = built(tmp_path)
    assert not (out / "auteurs/agence-ouest").exists()
    page = soup(out / "a/index.html")
    assert [a.get_text() for a in page.select("p.byline a")] == ["Claire Martin"]
    assert "Agence Ouest" in page.select_one("p.byline .authors").get_text()
    assert graph(page, "NewsArticle")["author"][1] == {
        "@type": "Organization", "name": "Agence Ouest", "url": "https://exemple.fr/"}
    names = [a.get_text() for a in soup(out / "auteurs/index.html").select("ul.terms-list a")]
    assert names == ["Claire Martin"]


# --- Errors and the warning ----------------------------------------------------------------


def test_an_unknown_key_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  rôle: journaliste\n") == [
        "authors.yaml:2: Claire Martin.rôle: unknown key; did you mean 'role'?"]


def test_a_wrong_type_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  organisation: oui\n") == [
        "authors.yaml:2: Claire Martin.organisation: expected true or false, got 'oui'"]


def test_a_profile_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin: journaliste\n") == [
        "authors.yaml:1: Claire Martin: expected a mapping of bio, role, links, organisation, got text"]


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "- Claire Martin\n") == [
        "authors.yaml:1: document: expected a mapping of author names to their profiles, got a list"]


def test_links_that_are_not_a_list_are_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  links: https://claire.example/\n") == [
        "authors.yaml:2: Claire Martin.links: expected a list of links such as "
        "[{label: Mastodon, url: https://…}], got text"]


def test_a_link_without_a_label_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  links:\n    - url: https://claire.example/\n") == [
        "authors.yaml:3: Claire Martin.links.label: required key is missing"]


def test_a_link_without_a_url_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  links:\n    - label: Site\n") == [
        "authors.yaml:3: Claire Martin.links.url: required key is missing"]


def test_a_link_that_is_not_http_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  links:\n    - label: Courriel\n"
                            "      url: mailto:claire@example.org\n") == [
        "authors.yaml:4: Claire Martin.links.url: expected an address starting with https:// or http://, "
        "got 'mailto:claire@example.org'"]


def test_a_name_listed_twice_is_an_error(tmp_path: Path) -> None:
    assert errors(tmp_path, "Claire Martin:\n  role: a\nClaire Martin:\n  role: b\n") == [
        "authors.yaml:3: Claire Martin: 'Claire Martin' is listed twice; keep one entry"]


def test_a_name_no_article_uses_is_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, PROFILES + "Claire Matrin:\n  role: pigiste\n")
    report = build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    assert [str(warning) for warning in report.warnings] == [
        "authors.yaml:11: Claire Matrin: warning: no article is signed by 'Claire Matrin'; "
        "check the spelling in the articles' authors"]


# --- Builds -------------------------------------------------------------------------------


def test_an_edit_of_authors_yaml_builds_as_a_clean_build_does(tmp_path: Path) -> None:
    root, out = project(tmp_path), tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    before = files(out)
    (root / "authors.yaml").write_text(PROFILES.replace("service Mer", "service Climat"), encoding="utf-8")
    report = build(Project(root), out, BuildOptions(jobs=1))
    after = files(out)
    assert files(out) == clean_build(root, tmp_path / "clean")
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"a/index.html", "auteurs/claire-martin/index.html"} <= changed
    assert "index.html" not in changed and report.written == len(changed)


def test_an_unchanged_authors_yaml_writes_nothing(tmp_path: Path) -> None:
    root, out = project(tmp_path), tmp_path / "out"
    age(root)
    build(Project(root), out)
    second = build(Project(root), out)
    assert skipped(second.timings) and second.written == 0
    (root / "authors.yaml").write_text(PROFILES.replace("2014", "2015"), encoding="utf-8")
    age(root, HOUR_AGO + 10**9)
    third = build(Project(root), out)
    assert not skipped(third.timings) and third.written > 0


def test_the_schema_accepts_a_profile_and_rejects_a_mail_link() -> None:
    import json

    import jsonschema
    import yaml

    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas/authors.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(PROFILES), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"Claire": {"links": [{"label": "Courriel", "url": "mailto:c@example.org"}]}}, schema)
