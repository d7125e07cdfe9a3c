"""A planned Call written out as a runnable snippet in cURL, Node (axios), fetch and Python (httpx).

Every snippet reads the base URL and the credential from the environment (falling back to the mock's
defaults), prints the status first (cURL: last, as `HTTP <status>`) and then the body."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .calls import BaseUrl, Call, ChainValue
from .model import Credential

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class Snippet:
    language: str  # key: curl, axios, fetch, python
    label: str
    lexer: str
    code: str


LANGUAGES = (
    ("curl", "cURL", "bash"),
    ("axios", "Node (axios)", "javascript"),
    ("fetch", "fetch", "javascript"),
    ("python", "Python (httpx)", "python"),
)


def snippets_for(call: Call, base: BaseUrl) -> tuple[Snippet, ...]:
    writers = {"curl": _curl, "axios": _axios, "fetch": _fetch, "python": _python}
    return tuple(Snippet(key, label, lexer, writers[key](call, base)) for key, label, lexer in LANGUAGES)


def _indent_tail(text: str, prefix: str) -> str:
    """Indent every line but the first (the first continues a line already written)."""
    return text.replace("\n", "\n" + prefix)


def _json(value: Any, indent: int = 2) -> str:
    compact = json.dumps(value, ensure_ascii=False)
    return compact if len(compact) <= 60 else json.dumps(value, indent=indent, ensure_ascii=False)


def _py_literal(value: Any, level: int = 0) -> str:
    pad, inner = "    " * level, "    " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_py_literal(v, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f",\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_py_literal(v, level + 1)}" for v in value) + f",\n{pad}]"
    if value is None or isinstance(value, bool):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _credentials(call: Call) -> list[Credential]:
    """Every credential the snippet needs, the earlier call's first."""
    found: list[Credential] = []
    for step in (call.chain.source if call.chain else None, call):
        if step is not None and step.credential and step.credential not in found:
            found.append(step.credential)
    return found


def _step_comments(call: Call, prefix: str) -> tuple[str, str]:
    assert call.chain is not None
    source = call.chain.source
    return (
        f"{prefix} 1. {source.method} {source.path_template} gives `{_chain_name(call)}`",
        f"{prefix} 2. {call.chain.description}",
    )


def _access(keys: list[str | int], style: str) -> str:
    """`.data[0].id` (js, jq) or `["data"][0]["id"]` (python)."""
    if style == "python":
        return "".join(f"[{k}]" if isinstance(k, int) else f"[{json.dumps(k)}]" for k in keys)
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys)


# ---------------------------------------------------------------- cURL


def _curl_request(call: Call, base: BaseUrl) -> list[str]:
    path = call.path(lambda name: f"${name.upper()}")
    query = "&".join(
        f"{name}=${value.name.upper()}"
        if isinstance(value, ChainValue)
        else f"{name}={quote(value, safe='')}"
        for name, value in call.query
    )
    url = f"${base.variable}{path}" + (f"?{query}" if query else "")
    first = "curl -sS" + ("" if call.method == "GET" else f" -X {call.method}") + f' "{url}"'
    lines = [first]
    if call.credential and call.credential.header:
        lines.append(f'-H "{call.credential.header}: {call.credential.prefix}${call.credential.variable}"')
    lines += [f'-H "{name}: {value}"' for name, value in call.headers]
    if call.has_body:
        body = _json(call.body).replace("'", "'\\''")
        lines += ['-H "Content-Type: application/json"', f"-d '{body}'"]
    return lines


def _curl(call: Call, base: BaseUrl) -> str:
    out = [f'{base.variable}="${{{base.env}:-{base.default}}}"']
    out += [f'{cred.variable}="${{{cred.env}:-{cred.default}}}"' for cred in _credentials(call)]
    out.append("")
    if call.chain:
        first_step, second_step = _step_comments(call, "#")
        out.append(first_step + " (jq picks it out of the JSON)")
        source = _curl_request(call.chain.source, base)
        source[-1] += f" | jq -r '{_access(call.chain.keys, 'jq')}')"
        out.append(f"{_chain_name(call).upper()}=$(" + " \\\n  ".join(source))
        out.append(second_step)
    lines = [*_curl_request(call, base), "-w '\\nHTTP %{http_code}\\n'"]
    out.append(" \\\n  ".join(lines))
    return "\n".join(out)


# ---------------------------------------------------------------- JavaScript


def _js_value(value: str | ChainValue) -> str:
    return value.name if isinstance(value, ChainValue) else json.dumps(value, ensure_ascii=False)


def _js_object(pairs: list[tuple[str, str]]) -> str:
    """`{ reg: "KH60518" }` from already written JS expressions."""
    if not pairs:
        return "{}"
    return "{ " + ", ".join(f"{k if _IDENTIFIER.match(k) else json.dumps(k)}: {v}" for k, v in pairs) + " }"


def _js_headers(call: Call, with_json: bool) -> str:
    pairs = []
    if call.credential and call.credential.header:
        cred = call.credential
        pairs.append((cred.header, f"`{cred.prefix}${{{cred.variable}}}`"))
    pairs += [(name, json.dumps(value)) for name, value in call.headers]
    if with_json:
        pairs.append(("Content-Type", '"application/json"'))
    return _js_object(pairs)


def _js_preamble(call: Call, base: BaseUrl) -> list[str]:
    lines = [f'const {base.variable} = process.env.{base.env} ?? "{base.default}";']
    lines += [
        f'const {cred.variable} = process.env.{cred.env} ?? "{cred.default}";' for cred in _credentials(call)
    ]
    return lines


def _js_url(call: Call, base: BaseUrl) -> str:
    return "`${" + base.variable + "}" + call.path(lambda name: "${" + name + "}") + "`"


def _chain_name(call: Call) -> str:
    return next(v.name for _, v in (*call.path_values, *call.query) if isinstance(v, ChainValue))


def _axios_config(call: Call, base: BaseUrl, pad: str) -> str:
    fields = [f'method: "{call.method.lower()}"', f"url: {_js_url(call, base)}"]
    if (call.credential and call.credential.header) or call.headers:
        fields.append(f"headers: {_js_headers(call, with_json=False)}")
    if call.query:
        fields.append(f"params: {_js_object([(k, _js_value(v)) for k, v in call.query])}")
    if call.has_body:
        fields.append(
            f"data: {_indent_tail(json.dumps(call.body, indent=2, ensure_ascii=False), pad + '  ')}"
        )
    fields.append("timeout: 20000")
    return "{\n" + "".join(f"{pad}  {field},\n" for field in fields) + pad + "}"


def _axios(call: Call, base: BaseUrl) -> str:
    out = ['import axios from "axios";', "", *_js_preamble(call, base), "", "try {"]
    if call.chain:
        first_step, second_step = _step_comments(call, "  //")
        out.append(first_step)
        out.append(f"  const first = await axios({_axios_config(call.chain.source, base, '  ')});")
        out.append(f"  const {_chain_name(call)} = first.data{_access(call.chain.keys, 'js')};")
        out.append(second_step)
    out.append(f"  const response = await axios({_axios_config(call, base, '  ')});")
    out.append("  console.log(response.status);")
    out.append(
        "  console.log("
        + ("JSON.stringify(response.data, null, 2)" if call.json_response else "response.data")
        + ");"
    )
    out += [
        "} catch (error) {",
        "  // axios rejects every status outside 2xx; the response body, if any, says why.",
        '  console.error(error.response?.status ?? error.message, error.response?.data ?? "");',
        "  process.exitCode = 1;",
        "}",
    ]
    return "\n".join(out)


def _fetch_call(call: Call, base: BaseUrl, result: str) -> list[str]:
    url, lines = _js_url(call, base), []
    if call.query:
        query = "query" if result == "response" else f"{result}Query"
        lines.append(
            f"const {query} = new URLSearchParams("
            + _js_object([(k, _js_value(v)) for k, v in call.query])
            + ");"
        )
        url = url[:-1] + "?${" + query + "}`"
    options = [f'method: "{call.method}"']
    if (call.credential and call.credential.header) or call.headers or call.has_body:
        options.append(f"headers: {_js_headers(call, with_json=call.has_body)}")
    if call.has_body:
        body = _indent_tail(json.dumps(call.body, indent=2, ensure_ascii=False), "  ")
        options.append(f"body: JSON.stringify({body})")
    return [*lines, f"const {result} = await fetch({url}, {{", *(f"  {o}," for o in options), "});"]


def _fetch(call: Call, base: BaseUrl) -> str:
    out = [*_js_preamble(call, base), ""]
    if call.chain:
        first_step, second_step = _step_comments(call, "//")
        out.append(first_step)
        out += _fetch_call(call.chain.source, base, "first")
        out.append(f"const {_chain_name(call)} = (await first.json()){_access(call.chain.keys, 'js')};")
        out += ["", second_step]
    out += _fetch_call(call, base, "response")
    out.append("console.log(response.status);")
    out.append(
        "console.log("
        + (
            "JSON.stringify(await response.json(), null, 2)"
            if call.json_response
            else "await response.text()"
        )
        + ");"
    )
    return "\n".join(out)


# ---------------------------------------------------------------- Python


def _py_request(call: Call, base: BaseUrl, result: str) -> list[str]:
    path = call.path(lambda name: "{" + name + "}")
    args = [f'f"{{{base.variable}}}{path}"']
    headers = []
    if call.credential and call.credential.header:
        cred = call.credential
        headers.append(f'"{cred.header}": f"{cred.prefix}{{{cred.variable}}}"')
    headers += [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in call.headers]
    if headers:
        args.append("headers={" + ", ".join(headers) + "}")
    if call.query:
        query = ", ".join(
            f"{json.dumps(k)}: {v.name if isinstance(v, ChainValue) else json.dumps(v, ensure_ascii=False)}"
            for k, v in call.query
        )
        args.append("params={" + query + "}")
    if call.has_body:
        args.append(f"json={_py_literal(call.body, 1)}")
    args.append("timeout=20")
    method = call.method.lower()
    if call.has_body and method not in ("post", "put", "patch"):
        return [f"{result} = httpx.request(", f'    "{call.method}",', *(f"    {a}," for a in args), ")"]
    return [f"{result} = httpx.{method}(", *(f"    {a}," for a in args), ")"]


def _python(call: Call, base: BaseUrl) -> str:
    out = (["import json", "import os"] if call.json_response else ["import os"]) + ["", "import httpx", ""]
    out.append(f'{base.variable} = os.environ.get("{base.env}", "{base.default}")')
    out += [
        f'{cred.variable} = os.environ.get("{cred.env}", "{cred.default}")' for cred in _credentials(call)
    ]
    out.append("")
    if call.chain:
        first_step, second_step = _step_comments(call, "#")
        out.append(first_step)
        out += _py_request(call.chain.source, base, "first")
        out.append("first.raise_for_status()")
        out.append(f"{_chain_name(call)} = first.json(){_access(call.chain.keys, 'python')}")
        out += ["", second_step]
    out += _py_request(call, base, "response")
    out.append("print(response.status_code)")
    out.append(
        "print(json.dumps(response.json(), indent=2, ensure_ascii=False))"
        if call.json_response
        else "print(response.text)"
    )
    return "\n".join(out)
