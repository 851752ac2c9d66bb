"""The published JSON Schemas are generated from the field tables and accept the shipped content."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from feuillet.cli import schemas
from feuillet.sources import split_front_matter
from tests.conftest import REPO
from tests.test_errors import GOOD

SCHEMAS = schemas()
FIXTURES = Path(__file__).parent / "fixtures" / "forms"


def as_language_server_sees_it(text: str) -> Any:
    """YAML language servers read YAML 1.2: dates stay strings."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, date):
            return value.isoformat()
        return value
    return plain(yaml.safe_load(text))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_up_to_date(name: str) -> None:
    committed = json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))
    assert committed == SCHEMAS[name](), "run: python build.py schema"


def schema(name: str) -> dict[str, Any]:
    return json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))


def test_shipped_content_matches_the_schemas() -> None:
    for path in (REPO / "content" / "articles").glob("*.yaml"):
        jsonschema.validate(as_language_server_sees_it(path.read_text(encoding="utf-8")), schema("article.schema.json"))
    jsonschema.validate(as_language_server_sees_it((REPO / "site.yaml").read_text(encoding="utf-8")), schema("site.schema.json"))


def test_front_matter_schema_accepts_the_markdown_form() -> None:
    document = split_front_matter((FIXTURES / "article.md").read_text(encoding="utf-8"))
    assert document is not None
    jsonschema.validate(as_language_server_sees_it(document.front_matter), schema("front-matter.schema.json"))


def test_schema_rejects_an_unknown_key() -> None:
    data = as_language_server_sees_it(GOOD.replace("title:", "titel:"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema("article.schema.json"))


def test_fixture_yaml_article_matches_the_schema() -> None:
    jsonschema.validate(as_language_server_sees_it((FIXTURES / "article.yaml").read_text(encoding="utf-8")), schema("article.schema.json"))
