"""Helpers for the web app's tests: read a page's forms as a browser would submit them."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action"), "method": a.get("method", "get"), "fields": [], "buttons": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._form["fields"].append((a["name"], a.get("value", "on")))
            elif kind != "file" and a.get("name"):
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = {"name": a["name"], "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = a.get("value", "")
            if "selected" in a:
                self._select["value"] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self._form["buttons"].append((a["name"], a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self._form["fields"].append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            s = self._select
            self._form["fields"].append((s["name"], s["value"] if s["value"] is not None else s["first"]))
            self._select = None


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def post_form(client, html: str, index: int = -1, changes: dict | None = None, action: str | None = None):
    """Submit a page's form (the last by default) with some fields changed, pressing `action` (default Save)."""
    form = forms(html)[index]
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    if action is not None:
        data["_action"] = [action]
    elif any(n == "_action" for n, _ in form["buttons"]):
        data["_action"] = ["save"]
    from urllib.parse import urlencode

    body = urlencode([(k, v) for k, values in data.items() for v in values])
    return client.post(form["action"], data=body, content_type="application/x-www-form-urlencoded")
