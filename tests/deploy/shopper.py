"""A shopper speaking HTTP to running servers: keeps its own cookies, reads forms off pages.

Production cookies are ``Secure``: ``requests`` would not send them to an app server spoken
to over plain HTTP on loopback (as a proxy does), so the shopper keeps cookies itself and
sends them to whichever server it is told to use. Forms are read from the page (fields,
hidden values, the chosen radio and option), so a checkout form that gains or loses fields
is still filled in.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

# What a shopper types into the usual checkout fields; anything else required gets "x".
TYPED = {
    "email": "shopper@example.com",
    "name": "Sam Shopper",
    "first_name": "Sam",
    "last_name": "Shopper",
    "line1": "1 Bog Road",
    "city": "Wareham",
    "state": "MA",
    "postal_code": "02571",
    "country": "US",
    "phone": "+1 508 555 0100",
}


class Form:
    """One ``<form>``: its action, method, fields and submit buttons."""

    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields = []  # (kind, name, value, attrs)
        self.buttons = []  # (name, value, label)
        self.text = ""


class FormParser(HTMLParser):
    """Collects the forms of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None
        self.textarea = None
        self.button = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value or "") for key, value in attrs}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                self.form.buttons.append((attrs.get("name", ""), attrs.get("value", ""), attrs.get("value", "")))
            elif attrs.get("name"):
                self.form.fields.append((kind, attrs["name"], attrs.get("value", ""), attrs))
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            self.button = [attrs.get("name", ""), attrs.get("value", ""), ""]
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None, None, attrs]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[1] is None:
                self.select[1] = value
            if "selected" in attrs:
                self.select[2] = value
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], "", attrs]

    def handle_data(self, data):
        if self.button is not None:
            self.button[2] += data
        if self.textarea is not None:
            self.textarea[1] += data
        if self.form is not None:
            self.form.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "button" and self.button is not None and self.form is not None:
            self.form.buttons.append((self.button[0], self.button[1], " ".join(self.button[2].split())))
            self.button = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, first, chosen, attrs = self.select
            self.form.fields.append(("select", name, chosen if chosen is not None else (first or ""), attrs))
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append(("textarea", self.textarea[0], self.textarea[1], self.textarea[2]))
            self.textarea = None


def find_form(html, button_label):
    """The form on the page with a submit button labelled ``button_label``."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        for name, value, label in form.buttons:
            if label == button_label:
                return form, (name, value)
    raise AssertionError(f"no form with a {button_label!r} button on the page")


def fill(form, button, choose=(), values=None):
    """The data a shopper posts: hidden and preset values kept, text fields typed in, for each
    radio group the option whose value contains one of ``choose`` (else the checked one, else
    the first), ``values`` typed over everything, then the button pressed."""
    data, radios, chosen = {}, {}, set()
    for kind, name, value, attrs in form.fields:
        if kind == "hidden":
            data[name] = value
        elif kind == "radio":
            if any(wanted in value for wanted in choose):
                radios[name] = value
                chosen.add(name)
            elif name not in chosen and ("checked" in attrs or name not in radios):
                radios[name] = value
        elif kind == "checkbox":
            if "checked" in attrs:
                data[name] = value or "on"
        elif kind == "select":
            data[name] = value
        else:
            typed = next((text for key, text in TYPED.items() if name == key or name.endswith(f"-{key}")), None)
            if typed is not None and not value:
                data[name] = typed
            elif value:
                data[name] = value
            elif "required" in attrs:
                data[name] = "x"
            else:
                data[name] = ""
    data.update(radios)
    data.update(values or {})
    if button[0]:
        data[button[0]] = button[1]
    return data


class Shopper:
    """A browser-like client with its own cookies, told which server to use for each request."""

    def __init__(self, host, verify=True):
        self.host = host
        self.cookies = {}
        self.verify = verify
        self.http = requests.Session()
        self.http.trust_env = False
        self.last_upstream = ""

    def request(self, method, base, path, data=None, referer=None):
        """One request to ``base`` (e.g. http://127.0.0.1:8001) with our cookies; no redirects followed."""
        url = urljoin(base, path)
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        if method == "POST":
            headers["Referer"] = referer or f"https://{self.host}/"
            headers["Origin"] = f"https://{self.host}"
        response = self.http.request(
            method, url, data=data, headers=headers, allow_redirects=False, timeout=60, verify=self.verify
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.last_upstream = response.headers.get("X-Upstream", "")
        return response

    def get(self, base, path):
        """GET ``path`` from ``base``."""
        return self.request("GET", base, path)

    def submit(self, base, path, button_label, page=None):
        """GET ``path`` (or use ``page``), fill the form with ``button_label`` and POST it to its action."""
        html = page if page is not None else self.get(base, path).text
        form, button = find_form(html, button_label)
        action = form.action or path
        return self.request("POST", base, action, data=fill(form, button), referer=f"https://{self.host}{path}")
