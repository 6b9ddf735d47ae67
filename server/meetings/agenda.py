"""Ordering and numbering of the agenda tree. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Sections may hold items, items may hold sub-items; no deeper.
MAX_DEPTH = 3


class AgendaError(ValueError):
    """An order that cannot be applied (unknown id, cycle, too deep, items missing)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    position: int


@dataclass(frozen=True)
class Numbered:
    id: int
    parent_id: int | None
    #: "1", "2", "2.1", "2.1.3" ...
    number: str
    depth: int


def _children(nodes: Sequence[Node]) -> dict[int | None, list[Node]]:
    ids = {n.id for n in nodes}
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent, []).append(node)
    for siblings in children.values():
        siblings.sort(key=lambda n: (n.position, n.id))
    return children


def number_items(nodes: Sequence[Node]) -> list[Numbered]:
    """The items in reading order (depth first), each with its outline number."""
    children = _children(nodes)
    out: list[Numbered] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for index, node in enumerate(children.get(parent, []), start=1):
            number = f"{prefix}{index}"
            out.append(Numbered(node.id, parent, number, depth))
            walk(node.id, number + ".", depth + 1)

    walk(None, "", 1)
    return out


def apply_order(
    nodes: Sequence[Node], order: Sequence[tuple[int, int | None]]
) -> dict[int, tuple[int | None, int]]:
    """New (parent_id, position) of every item from a full order [(id, parent_id), ...].

    The order lists every item exactly once, parents before their children's positions
    matter only among siblings; cycles and depth beyond MAX_DEPTH are refused.
    """
    known = {n.id for n in nodes}
    listed = [item_id for item_id, _ in order]
    if len(set(listed)) != len(listed):
        raise AgendaError("agenda_order_duplicate")
    if set(listed) != known:
        raise AgendaError("agenda_order_incomplete")
    parent_of = dict(order)
    for item_id, parent in order:
        if parent is not None and parent not in known:
            raise AgendaError("agenda_order_unknown_parent")
        seen = {item_id}
        depth = 1
        while parent is not None:
            if parent in seen:
                raise AgendaError("agenda_order_cycle")
            seen.add(parent)
            depth += 1
            parent = parent_of[parent]
        if depth > MAX_DEPTH:
            raise AgendaError("agenda_too_deep")
    result: dict[int, tuple[int | None, int]] = {}
    counters: dict[int | None, int] = {}
    for item_id, parent in order:
        position = counters.get(parent, 0)
        counters[parent] = position + 1
        result[item_id] = (parent, position)
    return result


def depth_of(nodes: Sequence[Node], parent_id: int | None) -> int:
    """The depth a new child of `parent_id` would have (1 at the top level)."""
    parent_of = {n.id: n.parent_id for n in nodes}
    depth = 1
    current = parent_id
    while current is not None:
        depth += 1
        current = parent_of.get(current)
    return depth


def descendants(nodes: Sequence[Node], item_id: int) -> set[int]:
    """Every item below `item_id`."""
    children = _children(nodes)
    found: set[int] = set()
    stack = [item_id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child.id)
            stack.append(child.id)
    return found
