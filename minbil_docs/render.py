"""Jinja environment and the filters the templates use: Markdown (markdown-it), highlighting (Pygments),
Markdown table cells. Everything here is pure: the same input gives the same bytes."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .origin import DEFAULT_ORIGIN

CODE_STYLE = "github-dark"
CODE_CLASS = "hl"
# Lexers split a URL into tokens (`http`, `://localhost:`, `5000` in Bash); a bare word stays whole,
# so the highlighted code holds DEFAULT_ORIGIN in one piece for origin.with_origin to replace.
_ORIGIN_WORD = "MINBILDOCSORIGIN"


def _template_source(name: str) -> str:
    return resources.files(__package__).joinpath(f"templates/{name}").read_text(encoding="utf-8")


def highlight(code: str, lexer: str) -> Markup:
    """Highlighted HTML for `code` (the caller wraps it in <pre><code>)."""
    try:
        pygments_lexer = get_lexer_by_name(lexer, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return Markup(escape(code))
    formatter = HtmlFormatter(nowrap=True, classprefix="")
    html = pygments_highlight(code.replace(DEFAULT_ORIGIN, _ORIGIN_WORD), pygments_lexer, formatter)
    return Markup(html.rstrip("\n").replace(_ORIGIN_WORD, DEFAULT_ORIGIN))


def code_block(code: str, lexer: str) -> Markup:
    return Markup('<pre class="code {0}"><code>{1}</code></pre>').format(CODE_CLASS, highlight(code, lexer))


def _fence(md: MarkdownIt, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    lexer = (token.info or "text").split()[0]
    return str(code_block(token.content.rstrip("\n"), lexer)) + "\n"


def _table_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # A table wider than a phone scrolls inside its box, not the whole page.
    return '<div class="table-wrap">\n' + str(renderer.renderToken(tokens, idx, options, env))


def _table_close(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    return str(renderer.renderToken(tokens, idx, options, env)) + "</div>\n"


def path_breaks(path: str) -> Markup:
    """A URL path that may break after each `/` (long paths in a narrow sidebar)."""
    return Markup("/<wbr>").join(escape(part) for part in str(path).split("/"))


@functools.cache
def _markdown(trusted: bool) -> MarkdownIt:
    """Spec descriptions are rendered without raw HTML; our own pages may use it (anchors in tables)."""
    md = MarkdownIt("commonmark", {"html": trusted, "typographer": False}).enable("table")
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _fence)
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def markdown_html(text: str | None, trusted: bool = False) -> Markup:
    return Markup(_markdown(trusted).render(text or ""))


def markdown_inline(text: str | None) -> Markup:
    return Markup(_markdown(False).renderInline(text or ""))


def md_cell(value: Any) -> str:
    """A value for a Markdown table cell: one line, pipes escaped."""
    text = "" if value is None else str(value)
    return " ".join(line.strip() for line in text.splitlines() if line.strip()).replace("|", "\\|")


def md_code(value: Any) -> str:
    """Inline code for any text: the fence is longer than any run of backticks inside, and padded
    where CommonMark would otherwise eat or merge characters at the edges."""
    text = str(value)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    edge_spaces = text.startswith(" ") and text.endswith(" ") and text.strip(" ") != ""
    pad = " " if text.startswith("`") or text.endswith("`") or edge_spaces else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def demote(text: str) -> str:
    """Headings one level down, so a spec's `##` sections sit under the page's own `##`."""
    return re.sub(r"^(#{1,5}) ", r"#\1 ", text or "", flags=re.MULTILINE)


def code_style_css() -> str:
    return HtmlFormatter(style=CODE_STYLE, classprefix="").get_style_defs(f".{CODE_CLASS}")


def asset_text(name: str) -> str:
    return _template_source(name)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FunctionLoader(_template_source),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=markdown_html,
        md_inline=markdown_inline,
        md_cell=md_cell,
        md_code=md_code,
        code_block=code_block,
        demote=demote,
        path_breaks=path_breaks,
    )
    return env


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
