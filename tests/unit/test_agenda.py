"""The agenda tree: numbering and applying a new order (pure, no app)."""

from __future__ import annotations

import pytest

from server.meetings.agenda import (
    AgendaError,
    Node,
    apply_order,
    depth_of,
    descendants,
    number_items,
)

TREE = [
    Node(1, None, 0),
    Node(2, 1, 0),
    Node(3, 1, 1),
    Node(4, None, 1),
    Node(5, 4, 0),
    Node(6, 5, 0),
]


def test_numbers_follow_reading_order():
    numbered = number_items(TREE)
    assert [(n.id, n.number, n.depth) for n in numbered] == [
        (1, "1", 1),
        (2, "1.1", 2),
        (3, "1.2", 2),
        (4, "2", 1),
        (5, "2.1", 2),
        (6, "2.1.1", 3),
    ]


def test_positions_not_ids_decide_sibling_order():
    numbered = number_items([Node(10, None, 1), Node(11, None, 0)])
    assert [n.id for n in numbered] == [11, 10]


def test_orphan_is_shown_at_top_level():
    numbered = number_items([Node(1, 99, 0)])
    assert numbered[0].number == "1"


def test_apply_order_moves_item_into_other_section():
    order = [(1, None), (2, 1), (4, None), (3, 4), (5, 4), (6, 5)]
    placement = apply_order(TREE, order)
    assert placement[3] == (4, 0)
    assert placement[5] == (4, 1)
    assert placement[4] == (None, 1)


@pytest.mark.parametrize(
    ("order", "code"),
    [
        ([(1, None), (2, 1), (3, 1), (4, None), (5, 4)], "agenda_order_incomplete"),
        ([(1, None), (1, None), (3, 1), (4, None), (5, 4), (6, 5)], "agenda_order_duplicate"),
        ([(1, 2), (2, 1), (3, 1), (4, None), (5, 4), (6, 5)], "agenda_order_cycle"),
        ([(1, None), (2, 1), (3, 1), (4, None), (5, 4), (6, 77)], "agenda_order_unknown_parent"),
        ([(1, None), (2, 1), (3, 2), (4, None), (5, 4), (6, 3)], "agenda_too_deep"),
    ],
)
def test_apply_order_refuses_bad_orders(order, code):
    with pytest.raises(AgendaError) as err:
        apply_order(TREE, order)
    assert err.value.code == code


def test_depth_and_descendants():
    assert depth_of(TREE, None) == 1
    assert depth_of(TREE, 5) == 3
    assert descendants(TREE, 4) == {5, 6}
    assert descendants(TREE, 6) == set()
