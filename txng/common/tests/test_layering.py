"""Imports run one way (DESIGN.md): an app imports only apps below it, never another app's views,
and the modules of one app never import each other in a circle. Read from the source with ast, so
imports inside functions count as much as those at the top of a file."""

import ast
from pathlib import Path

TXNG = Path(__file__).resolve().parents[2]

# Lower numbers sit lower. Apps on one level are peers and do not import each other.
LAYER = {
    "common": 0,
    "audit": 1,
    "accounts": 2,
    "enrolment": 3,
    "catalog": 3,
    "tracing": 4,
    "stamps": 5,
    "resolver": 6,
    "public": 6,
    "epcis": 7,
    "feedback": 7,
    "ocop": 7,
    "national": 7,
    # reports gathers every app's figures and hand-overs, so it sits above all of them; ops and
    # pwa share its level and none of the three imports another.
    "reports": 8,
    "ops": 8,
    "pwa": 8,
}


def _modules():
    """(app, dotted module name, path) of every module that ships, tests and migrations aside:
    a test may set up data from any app."""
    for path in sorted(TXNG.rglob("*.py")):
        rel = path.relative_to(TXNG.parent)
        if len(rel.parts) < 3 or {"tests", "migrations"} & set(rel.parts):
            continue
        dotted = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        yield rel.parts[1], dotted, path


def _imports(path):
    """(line, imported module) for every import in the file, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # `from txng.tracing import actions` imports the module txng.tracing.actions.
                sub = f"{node.module}.{alias.name}"
                known = (TXNG.parent / sub.replace(".", "/")).with_suffix(".py").exists() or (
                    TXNG.parent / sub.replace(".", "/") / "__init__.py"
                ).exists()
                yield node.lineno, sub if known else node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: use absolute imports")


def test_every_app_has_a_place_in_the_layers():
    apps = {p.name for p in TXNG.iterdir() if (p / "apps.py").exists()}
    assert sorted(apps - LAYER.keys()) == []


def test_apps_import_only_apps_below_them_and_never_their_views():
    wrong = []
    for app, module, path in _modules():
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] != "txng" or len(parts) < 2 or parts[1] in (app,) or parts[1] not in LAYER:
                continue
            other = parts[1]
            if LAYER[other] >= LAYER[app]:
                wrong.append(f"{module}:{line} imports {name} ({app} sits below {other})")
            elif any(part.endswith("views") for part in parts[2:]):
                wrong.append(f"{module}:{line} imports {name}, a view of another app")
    assert wrong == []


def _cycle(graph):
    """One cycle in `graph` (module -> set of modules) as a list, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, stack)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node, [])):
            return found
    return None


def test_no_app_imports_itself_in_a_circle():
    graph = {}
    for app, module, path in _modules():
        own = f"txng.{app}."
        graph[module] = {
            name for _line, name in _imports(path) if name.startswith(own) and name != module
        }
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_walk_finds_an_import_against_the_direction(tmp_path):
    """The checks above see imports inside functions too."""
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from txng.stamps.public_views import render_stamp\n")
    assert list(_imports(source)) == [(2, "txng.stamps.public_views")]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
