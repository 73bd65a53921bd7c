"""Township ↔ district exchange: enrolment, signed packages, merging.

- :mod:`ycdesk.exchange.enrolment` — roles and keys (enrol, bind a township workspace, revoke)
- :mod:`ycdesk.exchange.packages` — export and import of ``.ycx`` packages, status
- :mod:`ycdesk.exchange.worker` — the step that runs in a child process with apsw alone
- :mod:`ycdesk.exchange.slices` — which tables and rows travel each way

Nothing is imported here: the child process imports this package and must not load
Python's sqlite3.
"""
