"""Research toolkit: CodeMie's `web_scrapper` (a web page as text).

Fetched through the guarded client: every address the host resolves to must be public (loopback,
link-local, private, IPv4-mapped IPv6 forms of them are refused) and every redirect hop is checked
again. HTML becomes text with the standard library's parser (scripts and styles dropped): nothing
on the page is run. Web search is not offered: it appears only once a search provider key is
configured, and none is supported yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from codemill.toolkits.base import Binding, cut, http_call
from codemill.tools.base import ToolContext, ToolError

SCRAPER_DESCRIPTION = "Fetch a public web page (http or https URL) and return its text."
_PARAMETERS: dict[str, Any] = {
    "type": "object",
    "properties": {"url": {"type": "string", "description": "The page's http(s) URL"}},
    "required": ["url"],
}
_SKIPPED = {"script", "style", "noscript", "template", "svg", "head"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre", "table"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML document, one block per line."""
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(slots=True)
class WebScraper:
    """CodeMie's `web_scrapper` tool."""

    binding: Binding
    name: str = "web_scrapper"
    label: str = "Web Scraper"
    description: str = SCRAPER_DESCRIPTION
    parameters: dict[str, Any] = field(default_factory=lambda: _PARAMETERS)

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Fetch the page; HTML becomes text, other text comes back as it is."""
        url = str(args.get("url") or "").strip()
        if not url.startswith(("http://", "https://")):
            raise ToolError("The argument 'url' must be an http(s) URL.")
        status, text = await http_call(ctx, "GET", url, headers={"accept": "text/html, text/plain;q=0.9, */*;q=0.5"})
        if status >= 400:
            raise ToolError(f"The page answered HTTP {status}.")
        looks_html = "<html" in text[:2000].lower() or "<body" in text[:5000].lower() or "<p" in text[:5000].lower()
        return cut(html_text(text) if looks_html else text)


def web_scraper_tool(binding: Binding) -> WebScraper:
    """The `web_scrapper` tool bound to an assistant."""
    return WebScraper(binding)
