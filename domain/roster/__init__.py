"""The roster (花名册): Shanghai's three registration steps and the teams.

1. 用人单位聘用登记 — the employing unit records the hire with the labour contract
   (``contracts``: kind, term, the signed document; a new contract supersedes, never deletes);
2. 派工登记 — the worker is dispatched to a team (班组) of his unit (``teams``);
3. 总包现场进退场登记 — the general contractor records entry and exit (``site``).

``site`` is the gate of steps 1 and 3, as ``domain.gates`` is of age: no valid contract on a
day, or not on site that day (not entered, or exited before it), refuses acceptance (contract
only), both sign-in scans and the make-up request, and leaves the day out of the compile.
``flags`` gives what the roster shows next to a worker (contract expiring or expired, not
entered, exited, a bank card or phone number shared with another worker).
"""
