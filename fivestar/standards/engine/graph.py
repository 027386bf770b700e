"""Star dependency graph: cycle detection (validation) and dependency order (loading)."""

from __future__ import annotations

from .model import Star


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Distinct dependency cycles, each as ``[a, b, ..., a]``.

    A cycle starts at its member that comes first in `graph` (file order).
    """
    position = {node: i for i, node in enumerate(graph)}
    state: dict[str, int] = {}  # 1 = on the DFS stack, 2 = done
    stack: list[str] = []
    found: dict[tuple[str, ...], list[str]] = {}

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                i = cycle.index(min(cycle, key=position.__getitem__))
                cycle = cycle[i:] + cycle[:i]
                found.setdefault(tuple(cycle), cycle + [cycle[0]])
            elif nxt in graph and nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return list(found.values())


def topo_order(stars: tuple[Star, ...]) -> tuple[str, ...]:
    """Star codes so that each star comes after the stars it requires (stable by order)."""
    done: list[str] = []
    placed: set[str] = set()
    pending = list(stars)
    while pending:
        for star in pending:
            if all(req in placed for req in star.requires):
                done.append(star.code)
                placed.add(star.code)
                pending.remove(star)
                break
        else:  # unreachable for validated data (no cycles)
            raise AssertionError("dependency cycle")
    return tuple(done)
