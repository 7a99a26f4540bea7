"""The shape of ``coleman/``, read from its source with ``ast`` (nothing is imported).

Each rule is checked per app (a folder with an ``apps.py``; ``coleman/conf.py`` and
``coleman/__init__.py`` count as core), so a failure names the app that breaks it:

(a) no module of one app imports another app's ``views`` or ``admin``;
(b) no import cycle between modules (the graph of module-level imports);
(c) imports inside functions only in ``AppConfig.ready()`` or guarding an optional app (the
    function asks ``apps.is_installed(...)`` first and a comment says why), or on the short
    allow-list below with their reason;
(d) apps depend on each other only in the direction of DESIGN.md: products ← cart ← orders
    ← payments ← digital; customers and orders meet only at AUTH_USER_MODEL; ratings imports
    no app but core; search, reports and api are imported by no app; wishlists imports
    products and cart and is imported by no app; core imports no app.
"""

import ast
import textwrap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (d): the apps each app may import; every app may import core, which imports none. An app
# missing here fails the test until it is given its place.
CHAIN = ["products", "cart", "orders", "payments", "digital"]
# Pricing parts the cart prices with: tax rates and offers sit between the catalog and the
# cart (offers read the catalog's categories; the cart's pricing function reads both).
PRICING = {"tax": {"core"}, "offers": {"core", "products", "tax"}}
# Display currencies only format amounts; they reach pages through panels, and register with
# the catalog's page cache so that cached pages are kept per display currency.
DISPLAY = {"currencies": {"core", "products"}}
READ_ONLY = {"search", "reports", "api", "salesforce"}  # they read from the others; nothing imports them
ALLOWED_DEPENDENCIES = {
    "core": set(),
    **{app: {"core", *CHAIN[:position], *(PRICING if position else ())} for position, app in enumerate(CHAIN)},
    **PRICING,
    **DISPLAY,
    # The gateway sandbox plays the payment services; like the read-only apps, nothing imports it.
    "payments.sandbox": {"core", *CHAIN[:4], *PRICING},
    "customers": {"core"},
    "ratings": {"core"},
    **{app: {"core", "customers", "ratings", *CHAIN, *PRICING} for app in READ_ONLY},
    # Wishlists save products and move them to the cart through its public API (Cart.add);
    # an optional app, so nothing imports it.
    "wishlists": {"core", "products", "cart"},
}
NOT_IMPORTED = READ_ONLY | {"payments.sandbox", "wishlists"}

# (c): function-level imports allowed for another reason: {(file, imported module): why}.
FUNCTION_IMPORT_ALLOWED: dict[tuple[str, str], str] = {
    ("coleman/salesforce/sources.py", "coleman.customers.models"): (
        "customer profiles are synced only while the customers app is installed (CustomerSource.is_available)"
    ),
    ("coleman/digital/storage.py", "storages.backends.s3"): (
        "boto3 (about 30 MB per worker) is loaded only when a store keeps its files on S3"
    ),
}


@dataclass(frozen=True)
class Import:
    """One module loaded by an import statement: who imports what, where, and how."""

    importer: str  # module name, e.g. "coleman.orders.views"
    target: str  # the module loaded (a submodule for ``from package import submodule``)
    path: str  # file, relative to the scanned root
    line: int
    in_function: str | None  # the enclosing function's name, or None at module level
    guarded: bool  # inside a function that asks apps.is_installed(...) before this line
    commented: bool  # a comment on this line or the line above

    def __str__(self):
        inside = f" inside {self.in_function}()" if self.in_function else ""
        return f"{self.path}:{self.line} imports {self.target}{inside}"


def _asks_is_installed(function, before_line) -> bool:
    return any(
        isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) == "is_installed"
        and node.lineno <= before_line
        for node in ast.walk(function)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more nodes that reach each other (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


class Codebase:
    """The modules, apps and imports of the ``coleman`` package under ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self.package = root / "coleman"

    def module_name(self, path: Path) -> str:
        """``coleman/orders/views.py`` → ``coleman.orders.views``; a package's ``__init__`` → the package."""
        parts = list(path.relative_to(self.root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    @cached_property
    def files(self) -> dict[str, Path]:
        """Every module of the package (migrations included) by module name."""
        return {self.module_name(path): path for path in sorted(self.package.rglob("*.py"))}

    @cached_property
    def app_packages(self) -> list[str]:
        """The apps' package names (folders with an ``apps.py``), longest first."""
        packages = [self.module_name(path.parent / "__init__.py") for path in self.package.rglob("apps.py")]
        return sorted(packages, key=len, reverse=True)

    @cached_property
    def apps(self) -> list[str]:
        """Short names of the apps ("orders", "payments.sandbox"), core included."""
        return sorted({self.app_of(module) for module in self.files} - {None})

    def app_of(self, module: str) -> str | None:
        """The app of a coleman module ("core" for ``coleman`` and ``coleman.conf``), else None."""
        if module in ("coleman", "coleman.conf"):
            return "core"
        for package in self.app_packages:
            if module == package or module.startswith(package + "."):
                return package.removeprefix("coleman.")
        return None

    def resolve(self, importer: str, is_package: bool, node) -> list[str]:
        """The modules one statement loads: coleman modules by their file, others as named."""
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            module = node.module or ""
            if node.level:
                base = importer.split(".") if is_package else importer.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            names = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in self.files else module for alias in node.names
            ]
        targets = []
        for name in names:
            if name.split(".")[0] == "coleman":
                while name and name not in self.files:  # ``from coleman.x import name`` of an attribute
                    name = name.rpartition(".")[0]
            targets.append(name)
        return list(dict.fromkeys(targets))

    @cached_property
    def imports(self) -> list[Import]:
        """Every import statement of the package, one :class:`Import` per module it loads."""
        found = []
        for module, path in self.files.items():
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            is_package = path.name == "__init__.py"

            def visit(node, function=None, module=module, path=path, lines=lines, is_package=is_package):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                        continue
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                        visit(child, function or child)
                        continue
                    if isinstance(child, ast.Import | ast.ImportFrom):
                        around = " ".join(lines[max(child.lineno - 2, 0) : child.end_lineno])
                        for target in self.resolve(module, is_package, child):
                            found.append(
                                Import(
                                    importer=module,
                                    target=target,
                                    path=str(path.relative_to(self.root)),
                                    line=child.lineno,
                                    in_function=getattr(function, "name", "<lambda>") if function else None,
                                    guarded=bool(function) and _asks_is_installed(function, child.lineno),
                                    commented="#" in around,
                                )
                            )
                    visit(child, function)

            visit(ast.parse(text, filename=str(path)))
        return found

    def imports_of(self, app: str, *, coleman_only=True) -> list[Import]:
        """The imports made by the modules of ``app`` (of coleman modules only, unless told)."""
        return [
            imp
            for imp in self.imports
            if self.app_of(imp.importer) == app and (not coleman_only or self.app_of(imp.target) is not None)
        ]

    @cached_property
    def cycles(self) -> list[list[str]]:
        """The import cycles, from module-level imports."""
        graph: dict[str, set[str]] = {module: set() for module in self.files}
        for imp in self.imports:
            if imp.in_function is None and imp.target in graph and imp.target != imp.importer:
                graph[imp.importer].add(imp.target)
        return cycles(graph)

    # --- the rules, each a list of findings for one app -----------------------------------

    def views_or_admin_of_other_apps(self, app: str) -> list[str]:
        """(a) Imports of another app's ``views`` or ``admin`` modules."""
        findings = []
        for imp in self.imports_of(app):
            other = self.app_of(imp.target)
            if other != app and {"views", "admin"} & set(imp.target.removeprefix(f"coleman.{other}.").split(".")):
                findings.append(str(imp))
        return findings

    def cycles_through(self, app: str) -> list[str]:
        """(b) Import cycles with a module of ``app`` in them."""
        return [" -> ".join(group) for group in self.cycles if any(self.app_of(module) == app for module in group)]

    def hidden_imports(self, app: str) -> list[str]:
        """(c) Imports inside functions that neither are in ``ready()`` nor guard an optional app."""
        return [
            str(imp)
            for imp in self.imports_of(app, coleman_only=False)
            if imp.in_function is not None
            and not (imp.path.endswith("apps.py") and imp.in_function == "ready")
            and not (imp.guarded and imp.commented)
            and (imp.path, imp.target) not in FUNCTION_IMPORT_ALLOWED
        ]

    def dependencies_against_the_design(self, app: str) -> list[str]:
        """(d) Imports of apps ``app`` may not depend on."""
        allowed = ALLOWED_DEPENDENCIES.get(app, set())
        findings = []
        for imp in self.imports_of(app):
            other = self.app_of(imp.target)
            if other != app and (other not in allowed or other in NOT_IMPORTED):
                findings.append(str(imp))
        return findings


CODEBASE = Codebase(ROOT)
RULES = {
    "a: views or admin of another app": Codebase.views_or_admin_of_other_apps,
    "b: import cycles": Codebase.cycles_through,
    "c: imports hidden in functions": Codebase.hidden_imports,
    "d: dependencies against the design": Codebase.dependencies_against_the_design,
}


def test_every_module_belongs_to_an_app_placed_in_the_dependency_map():
    """Each module is in an app (or core), and each app has its place in ALLOWED_DEPENDENCIES."""
    assert [module for module in CODEBASE.files if CODEBASE.app_of(module) is None] == []
    assert sorted(set(CODEBASE.apps) - set(ALLOWED_DEPENDENCIES)) == []


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("app", CODEBASE.apps)
def test_app_keeps_the_rule(app, rule):
    """The app's modules keep the rule (a)-(d) of the module docstring; findings are listed."""
    findings = RULES[rule](CODEBASE, app)
    assert not findings, f"{app} breaks rule {rule}:\n" + "\n".join(findings)


def test_the_cycle_finder_sees_cycles_and_only_cycles():
    """Modules importing each other, directly or round three, form groups; a chain does not."""
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": set(), "x": {"y"}, "y": {"z"}, "z": {"x"}}
    assert cycles(graph) == [["a", "b"], ["x", "y", "z"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


PLANTED = {
    "coleman/__init__.py": "",
    "coleman/conf.py": "",
    "coleman/core/__init__.py": "",
    "coleman/core/apps.py": "",
    "coleman/core/tools.py": "from coleman.cart import lines  # core must import no app\n",
    "coleman/cart/__init__.py": "",
    "coleman/cart/apps.py": "class CartConfig:\n    def ready(self):\n        from . import checks\n",
    "coleman/cart/checks.py": "",
    "coleman/cart/lines.py": "from . import views\n",
    "coleman/cart/views.py": "from .lines import Line\n",
    "coleman/orders/__init__.py": "",
    "coleman/orders/apps.py": "",
    "coleman/orders/forms.py": """
        from django.apps import apps

        from coleman.cart.views import CartView


        def book(user):
            from coleman.customers.services import address_book_for

            return address_book_for(user)


        def guarded(user):
            if not apps.is_installed("coleman.ratings"):
                return None
            # ratings is optional: imported only while it is installed
            from coleman.ratings import services

            return services
    """,
    "coleman/customers/__init__.py": "",
    "coleman/customers/apps.py": "",
    "coleman/customers/services.py": "",
    "coleman/ratings/__init__.py": "",
    "coleman/ratings/apps.py": "",
    "coleman/ratings/services.py": "",
}


def test_the_rules_catch_planted_breaches(tmp_path):
    """On a small planted package each rule reports exactly the breaches planted for it."""
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    planted = Codebase(tmp_path)
    assert planted.apps == ["cart", "core", "customers", "orders", "ratings"]
    assert planted.views_or_admin_of_other_apps("orders") == ["coleman/orders/forms.py:3 imports coleman.cart.views"]
    assert planted.views_or_admin_of_other_apps("cart") == []  # its own views
    assert planted.cycles_through("cart") == ["coleman.cart.lines -> coleman.cart.views"]
    assert planted.hidden_imports("orders") == [
        "coleman/orders/forms.py:7 imports coleman.customers.services inside book()"
    ]
    assert planted.hidden_imports("cart") == []  # ready() may import
    assert planted.dependencies_against_the_design("orders") == [
        "coleman/orders/forms.py:7 imports coleman.customers.services inside book()",
        "coleman/orders/forms.py:16 imports coleman.ratings.services inside guarded()",
    ]
    assert planted.dependencies_against_the_design("core") == ["coleman/core/tools.py:1 imports coleman.cart.lines"]
