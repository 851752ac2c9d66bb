"""The site's link check: every internal link and image written in content leads somewhere.

It reads the outlines the views record while rendering (the ids each page defines, the links
and images each source writes, with their lines) and the paths of the plan's outputs, so it
checks exactly what is published, anchors included, without reading any output file. What it
finds are warnings (errors with ``--strict``), at the source line of the link.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from feuillet.errors import SourceError, message, template
from feuillet.markup import rebase
from feuillet.views import Outline

MESSAGES = {
    "page": template("the link {address} leads to no page of the site"),
    "anchor": template("the link {address} leads to {page}, which has no id '{fragment}'"),
    "own_anchor": template("the link {address} leads to no heading or id of this page"),
    "image": template("the image {address} is not a file of the site (images go under static/ or "
                      "beside the article, in its folder)"),
    "source": template("the link {address} leads to no article or page: no file {file}"),
}


def site_target(address: str, page: str, site_url: str) -> tuple[str, str] | None:
    """The site path and fragment ``address`` leads to from the page at site path ``page``;
    None for an address outside the site (another host, mailto:, a path outside its folder)."""
    parts = urlsplit(address)
    site = urlsplit(site_url)
    root = site.path if site.path.endswith("/") else site.path + "/"
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", "") or parts.netloc.lower() != site.netloc.lower():
            return None
        path = parts.path or "/"
    elif not parts.path:
        return page, unquote(parts.fragment)  # "#section" or "?query": this page
    elif parts.path.startswith("/"):
        path = rebase(parts.path, root, root)  # from the site's root, as the pages are built
    else:
        path = urljoin(root + page, parts.path)
    if not path.startswith(root) and path + "/" != root:
        return None
    return unquote(path[len(root):]), unquote(parts.fragment)


def _split(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return path, fragment


def _file_of(path: str, files: Collection[str]) -> str | None:
    """The output file a static host serves for site path ``path`` (``x/`` → ``x/index.html``)."""
    for candidate in (path + "index.html" if path.endswith("/") or not path else path, path + "/index.html"):
        if candidate in files:
            return candidate
    return None


def check_links(outlines: Sequence[Outline], files: Collection[str], site_url: str,
                template_ids: Collection[str] = ()) -> list[SourceError]:
    """A warning for each link or image of ``outlines`` that leads to nothing in ``files``; an
    error for a link written by source (``autre.md``) that names no article or page."""
    by_file = {outline.path + "index.html": outline for outline in outlines}
    warnings = []
    for outline in outlines:
        for link in outline.links:
            key = "image" if link.element == "img" else "link"
            if link.file and link.target is None:  # written by source, to no content file: an error
                text = message(MESSAGES["source"], address=link.address, file=link.file)
                warnings.append(SourceError(outline.source, link.line, key, text))
                continue
            target = (_split(link.target) if link.file and link.target is not None
                      else site_target(link.address, outline.path, site_url))
            if target is None:
                continue
            path, fragment = target
            found = _file_of(path, files)
            if found is None:
                kind = "image" if link.element == "img" else "page"
                warnings.append(SourceError(outline.source, link.line, key,
                                            message(MESSAGES[kind], address=link.address), "warning"))
                continue
            other = by_file.get(found)
            if fragment and other is not None and fragment not in other.ids and fragment not in template_ids:
                text = (message(MESSAGES["own_anchor"], address=link.address) if other is outline
                        else message(MESSAGES["anchor"], address=link.address, page=other.source,
                                     fragment=fragment))
                warnings.append(SourceError(outline.source, link.line, key, text, "warning"))
    return warnings
