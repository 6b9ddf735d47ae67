"""Councils: the councils one server holds, their settings, the people attached to each
(memberships) and who may do what in a council (access.py); the secretariat's
administration of people (people.py).

The blueprint is in routes.py and registered by server/app.py; importing this package
loads nothing.
"""
