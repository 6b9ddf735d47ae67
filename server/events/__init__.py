"""Events: what a committed change tells the room.

`outbox` numbers and stores each meeting's events and sends them after commit; `decisions`
records a decision in the audit chain together with its event; `state` assembles a
meeting's full state from the sections features register. Every feature writes here;
this package imports no feature.
"""
