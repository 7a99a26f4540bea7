"""The shape of coleman.payments, read from its source: what may import what, and how big files get."""

import ast
import io
import tokenize
from pathlib import Path

import coleman.payments

PAYMENTS = Path(coleman.payments.__file__).parent
MODULES = sorted(PAYMENTS.rglob("*.py"))
MAX_LINES = 400


def module_name(path):
    """``coleman.payments.processors.google.protocol`` for its file."""
    parts = path.relative_to(PAYMENTS.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path):
    """``(module imported, whether the import is inside a function)`` for every import in ``path``."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    in_function = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            yield name, id(node) in in_function


def test_no_import_is_hidden_in_a_function():
    """Every import of coleman.payments is at module level (none dodges a cycle)."""
    hidden = {
        module_name(path): sorted({name for name, in_function in imported_modules(path) if in_function})
        for path in MODULES
    }
    assert {module: names for module, names in hidden.items() if names} == {}


def test_no_other_apps_views_or_admin():
    """No module of coleman.payments imports another app's views or admin."""
    foreign = {
        module_name(path): sorted(
            name
            for name, _ in imported_modules(path)
            if name.startswith("coleman.")
            and not name.startswith("coleman.payments")
            and name.split(".")[2:3] in (["views"], ["admin"])
        )
        for path in MODULES
    }
    assert {module: names for module, names in foreign.items() if names} == {}


def test_processors_and_the_sandbox_do_not_know_each_other():
    """Processors never import the sandbox; the sandbox never imports processor code (only the
    payments app's shared pieces: HTTP session, safe XML, exceptions)."""
    crossings = {}
    for path in MODULES:
        here = module_name(path)
        other = (
            "coleman.payments.processors" if here.startswith("coleman.payments.sandbox") else "coleman.payments.sandbox"
        )
        names = sorted({name for name, _ in imported_modules(path) if name.startswith(other)})
        if names:
            crossings[here] = names
    assert crossings == {}


def test_processors_mention_the_sandbox_only_in_comments():
    """``grep sandbox coleman/payments/processors`` finds comments only: no name, string or docstring."""
    mentions = {}
    for path in sorted((PAYMENTS / "processors").rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        found = [
            token.start[0] for token in tokens if token.type != tokenize.COMMENT and "sandbox" in token.string.lower()
        ]
        if found:
            mentions[module_name(path)] = found
    assert mentions == {}


def test_files_stay_small():
    """No file of coleman.payments is over 400 lines."""
    sizes = {module_name(path): len(path.read_text().splitlines()) for path in MODULES}
    assert {module: lines for module, lines in sizes.items() if lines > MAX_LINES} == {}
